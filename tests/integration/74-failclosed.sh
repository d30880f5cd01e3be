#!/bin/bash
# When the audit log cannot be written, dived refuses requests (fail
# closed, the default) with a clear error to the client and runs nothing,
# or serves them with --audit-fail-open; it does not start when an audit
# destination cannot be opened.  Shown with a full tmpfs, /dev/full, a
# path that cannot be created, and syslog missing or gone.
. "$(dirname "$0")/lib.sh"
plan 34

SINK=$BUILD/bin/tests/dgramsink
CONF=$T/dived.conf
U1=$(id -u divetest1)
cd "$T" || exit 1
mkdir -m 777 "$T/w"
printf 'permit divetest1\ndeny divetest2\n' > "$CONF"
chmod 644 "$CONF"
at_exit 'umount "$T/full" 2>/dev/null'

REFUSED="dive: refused: the server cannot record the request in its audit log"
# ---- a full file system ----
mkdir "$T/full"
if ! mount -t tmpfs -o size=128k,mode=755 tmpfs "$T/full" 2>/dev/null; then
	for i in $(seq 10); do skip "cannot mount a tmpfs here"; done
else
	start_dived --config "$CONF" --audit-log "$T/full/audit.json"
	try divetest1 "$SOCK" /usr/bin/id -u
	is "with room in the log: served" "$st/$out" "0/$U1"
	dd if=/dev/zero of="$T/full/fill" bs=4k 2>/dev/null
	# A record larger than what is left of the log's last page.
	BIG=$(head -c 6000 /dev/zero | tr '\0' x)
	try divetest1 "$SOCK" /bin/sh -c "touch $T/w/ran" sh "$BIG"
	is "log full: refused, exit 127" "$st" 127
	is "... one line saying why" "$err" \
	    "$REFUSED: No space left on device"
	check "... and nothing ran" test ! -e "$T/w/ran"
	like "... dived logs it" "$(cat "$LOG")" \
	    "audit: cannot write to the audit log file: No space left on device"
	check "... and keeps running" kill -0 "$DPID"
	try divetest2 "$SOCK" /bin/sh -c "touch $T/w/ran" sh "$BIG"
	is "a denied request stays denied (126)" "$st" 126
	is "the log holds whole records only" \
	    "$(jq -r .type "$T/full/audit.json" | tr '\n' ' ')" "decision end "
	rm -f "$T/full/fill"
	try divetest1 "$SOCK" /bin/sh -c "touch $T/w/ran" sh "$BIG"
	check "room again: served" test "$st" = 0 -a -e "$T/w/ran"
	is "... and recorded" \
	    "$(tail -n 2 "$T/full/audit.json" | jq -r .type | tr '\n' ' ')" \
	    "decision end "
	stop_dived
	umount "$T/full"
fi

# ---- /dev/full ----
start_dived --config "$CONF" --audit-log /dev/full
try divetest1 "$SOCK" /usr/bin/touch "$T/w/ran2"
is "/dev/full as the log: refused" "$st/$err" \
    "127/$REFUSED: No space left on device"
check "... nothing ran" test ! -e "$T/w/ran2"
start_dived --config "$CONF" --audit-log /dev/full --audit-fail-open
try divetest1 "$SOCK" /usr/bin/touch "$T/w/ran2"
is "--audit-fail-open: served all the same" "$st" 0
check "... it ran" test -e "$T/w/ran2"
like "... and dived logs the lost record" "$(cat "$LOG")" \
    "session 1: audit: cannot write to the audit log file"
try divetest2 "$SOCK" /usr/bin/id
is "... the policy still denies" "$st" 126
stop_dived

# ---- destinations that cannot be opened at start-up ----
"$DIVED" "$T/s" --config "$CONF" --audit-log "$T/nodir/audit.json" \
    2>"$T/err"
like "a log in a missing directory: dived does not start (1)" \
    "$?/$(cat "$T/err")" \
    "^1/.*cannot open the audit log, $T/nodir/audit.json: No such file or directory"
check "... no socket" test ! -e "$T/s"
"$DIVED" "$T/s" --audit-log "$T" 2>"$T/err"
like "a directory as the log: does not start" "$?/$(cat "$T/err")" \
    "^1/.*cannot open the audit log, $T: Is a directory"
start_dived --config "$CONF" --audit-log "$T/nodir/audit.json" \
    --audit-fail-open
like "... with --audit-fail-open: starts, warns" "$(cat "$LOG")" \
    "cannot open the audit log, $T/nodir/audit.json: .*serving requests anyway"
try divetest1 "$SOCK" /usr/bin/id -u
is "... and serves" "$st/$out" "0/$U1"
stop_dived
: > "$T/ro.json"
chmod 0444 "$T/ro.json"
start_dived --config "$CONF" --audit-log "$T/ro.json"
try divetest1 "$SOCK" /usr/bin/id -u
is "an existing log file is appended to whatever its mode" "$st" 0
is "... (root writes it)" "$(jq -r .type "$T/ro.json" | head -n 1)" decision
stop_dived

# ---- syslog ----
devlog_wrapper
if ! unshare -m --propagation private true 2>/dev/null; then
	for i in $(seq 11); do skip "no mount namespaces here"; done
else
	DEVLOG= "$T/dived-unshare" "$T/s" --config "$CONF" 2>"$T/err"
	like "no syslog, no --audit-log: dived does not start" \
	    "$?/$(cat "$T/err")" \
	    "^1/.*cannot open the audit log, syslog \(/dev/log\): No such file or directory"
	DEVLOG= "$T/dived-unshare" "$T/s" --allow-users divetest1 2>"$T/err"
	like "... with --allow-users either" "$?/$(cat "$T/err")" \
	    "^1/.*cannot open the audit log, syslog \(/dev/log\): No such file or directory"
	export DEVLOG=$T/syslog.sock
	"$SINK" "$DEVLOG" "$T/syslog.txt" &
	sink=$!
	for i in $(seq 100); do [ -S "$DEVLOG" ] && break; sleep 0.05; done
	DIVED=$T/dived-unshare start_dived --config "$CONF"
	try divetest1 "$SOCK" /usr/bin/id -u
	is "syslog there: served" "$st/$out" "0/$U1"
	kill "$sink"
	wait "$sink" 2>/dev/null
	try divetest1 "$SOCK" /usr/bin/touch "$T/w/ran3"
	is "syslog gone: refused" "$st/$err" "127/$REFUSED: Connection refused"
	check "... nothing ran" test ! -e "$T/w/ran3"
	rm -f "$DEVLOG"
	try divetest1 "$SOCK" /usr/bin/touch "$T/w/ran3"
	is "... its socket removed too: refused" "$st/$err" \
	    "127/$REFUSED: No such file or directory"
	"$SINK" "$DEVLOG" "$T/syslog.txt" &
	sink=$!
	for i in $(seq 100); do [ -S "$DEVLOG" ] && break; sleep 0.05; done
	try divetest1 "$SOCK" /usr/bin/touch "$T/w/ran3"
	is "syslog back: served again" "$st" 0
	for i in $(seq 100); do
		[ "$(grep -c ran3 "$T/syslog.txt")" -ge 1 ] && break
		sleep 0.1
	done
	is "... and recorded" "$(grep -c '"decision":"accept".*ran3' \
	    "$T/syslog.txt")" 1
	DIVED=$T/dived-unshare start_dived --config "$CONF" \
	    --audit-log /dev/full --audit-syslog --audit-fail-open
	try divetest1 "$SOCK" /usr/bin/touch "$T/w/ran4"
	rid=$(grep -m1 ran4 "$T/syslog.txt" | sed -n 's/.*"id":"\([^"]*\)".*/\1/p')
	for i in $(seq 100); do
		[ "$(grep -c "\"id\":\"$rid\"" "$T/syslog.txt")" -ge 2 ] && break
		sleep 0.1
	done
	is "the file full, --audit-fail-open: served, syslog still has both records" \
	    "$st/${rid:+id}/$(grep -c "\"id\":\"$rid\"" "$T/syslog.txt")" 0/id/2
	kill "$sink"
	wait "$sink" 2>/dev/null
	DIVED=$T/dived-unshare start_dived --config "$CONF" --audit-fail-open
	try divetest1 "$SOCK" /usr/bin/id -u
	is "syslog gone, --audit-fail-open: served" "$st/$out" "0/$U1"
	DEVLOG= DIVED=$T/dived-unshare start_dived --config "$CONF" \
	    --audit-fail-open
	like "no syslog at all, --audit-fail-open: starts with a warning" \
	    "$(cat "$LOG")" "cannot open the audit log, syslog"
	stop_dived
fi
