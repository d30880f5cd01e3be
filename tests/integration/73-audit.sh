#!/bin/bash
# The audit log read back: every field of the decision and end records
# of real requests (an argv with a newline and an escape sequence among
# them), rejections, failed starts, records of connections that end
# before a request and their rate limit, and the same records through
# syslog (a stand-in syslog daemon on /dev/log, in a mount namespace).
. "$(dirname "$0")/lib.sh"
plan 69

SINK=$BUILD/bin/tests/dgramsink
CONF=$T/dived.conf
AUD=$T/audit.json
U1=$(id -u divetest1)
G1=$(id -g divetest1)
mkdir -m 755 "$T/work"
cd "$T/work" || exit 1

cat > "$CONF" <<'EOF'
# audit tests
permit divetest1
deny divetest1 cmd /bin/false
permit divetest1 as nobody cmd /usr/bin/id
EOF
chmod 644 "$CONF"
start_dived --config "$CONF" --audit-log "$AUD"

# field ID NAME: one field of the record of this id and type ($TYPE).
TYPE=decision
field() {
	jq -r --arg id "$1" --arg t "$TYPE" \
	    'select(.id == $id and .type == $t) | .'"$2"' |
	    if type == "array" then map(tostring) | join(" ") else . end' \
	    "$AUD"
}
# by_number: the numbers read, in numeric order, each followed by a space.
by_number() { tr ' ' '\n' | sort -n | tr '\n' ' '; }
last_id() { jq -r 'select(.type == "decision") | .id' "$AUD" | tail -n 1; }

# ---- an accepted request, every field ----
NL=$'line one\nline two'
ESC=$'\e[31mred\e[0m\e]0;title\a'
# (setpriv directly: the pid of the background job is dive's own)
setpriv --reuid=divetest1 --regid="$G1" --init-groups -- "$DIVE" "$SOCK" \
    /bin/echo "$NL" "$ESC" "plain" > "$T/out" 2>&1 &
cpid=$!
wait $cpid
is "the program ran" "$(cat "$T/out")" "$NL $ESC plain"
id=$(last_id)
like "decision: id, hex and a sequence number" "$id" "^[0-9a-f]{16}-[0-9]+$"
like "decision: time in UTC" "$(field "$id" time)" \
    "^20[0-9]{2}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6][0-9]\.[0-9]{3}Z$"
is "decision: socket" "$(field "$id" socket)" "$SOCK"
is "decision: accept" "$(field "$id" decision)" accept
is "decision: no reason" "$(field "$id" reason)" null
is "decision: the rule, file and line" "$(field "$id" rule)" "$CONF:2"
is "decision: client uid and gid" \
    "$(field "$id" client_uid)/$(field "$id" client_gid)" "$U1/$G1"
is "decision: client pid" "$(field "$id" client_pid)" "$cpid"
is "decision: client user" "$(field "$id" client_user)" divetest1
is "decision: client groups, from the kernel" \
    "$(field "$id" client_groups | by_number)" "$(id -G divetest1 | by_number)"
is "decision: client executable" "$(field "$id" client_exe)" "$T/dive"
is "decision: ... determined" "$(field "$id" client_exe_error)" null
is "decision: client directory" "$(field "$id" client_cwd)" "$T/work"
is "decision: ... determined" "$(field "$id" client_cwd_error)" null
is "decision: target user" "$(field "$id" target_user)" divetest1
is "decision: target uid and gid" \
    "$(field "$id" target_uid)/$(field "$id" target_gid)" "$U1/$G1"
is "decision: target groups" "$(field "$id" target_groups | by_number)" \
    "$(id -G divetest1 | by_number)"
is "decision: the program, an absolute path" "$(field "$id" program)" \
    /bin/echo
is "decision: argc" "$(field "$id" argc)" 4
is "decision: argv[0]" "$(field "$id" 'argv[0]')" /bin/echo
is "decision: argv[1], a newline, read back exactly" \
    "$(field "$id" 'argv[1]')" "$NL"
is "decision: argv[2], escape sequences, read back exactly" \
    "$(field "$id" 'argv[2]')" "$ESC"
is "decision: argv[3]" "$(field "$id" 'argv[3]')" plain
is "decision: nothing else truncated" "$(field "$id" truncated)" null
is "the log has one line per record" "$(wc -l < "$AUD")" \
    "$(jq -s length "$AUD")"
is "... no escape byte reaches it" "$(grep -c $'\e' "$AUD")" 0
like "... the newline is written as \\n" "$(grep -F '"line one\nline two"' \
    "$AUD")" '"type":"decision"'
TYPE=end
is "end: the same id" "$(field "$id" id)" "$id"
is "end: socket, client uid" \
    "$(field "$id" socket)/$(field "$id" client_uid)" "$SOCK/$U1"
like "end: the program's pid" "$(field "$id" pid)" "^[0-9]+$"
is "end: exited, status 0, no signal" \
    "$(field "$id" result)/$(field "$id" status)/$(field "$id" signal)" \
    "exited/0/null"
is "end: no step, no error" "$(field "$id" step)/$(field "$id" error)" \
    "null/null"
like "end: a duration in ms" "$(field "$id" duration_ms)" "^[0-9]+$"
TYPE=decision

# The started pid is the program's.
ppid_=$(run_as divetest1 "$DIVE" "$SOCK" /bin/sh -c 'echo $$')
id=$(last_id)
TYPE=end
is "end: pid is the program's own" "$(field "$id" pid)" "$ppid_"
run_as divetest1 "$DIVE" "$SOCK" /bin/sh -c 'exit 7'
id=$(last_id)
is "end: an exit status" "$(field "$id" result)/$(field "$id" status)" \
    "exited/7"
run_as divetest1 "$DIVE" "$SOCK" /bin/sh -c 'kill -TERM $$' 2>/dev/null
id=$(last_id)
is "end: a signal" \
    "$(field "$id" result)/$(field "$id" signal)/$(field "$id" status)" \
    "killed/15/null"
run_as divetest1 "$DIVE" "$SOCK" /no/such/program 2>/dev/null
id=$(last_id)
is "end: a failed start: the step and the error, no pid" \
    "$(field "$id" result)/$(field "$id" step)/$(field "$id" error)/$(field "$id" pid)" \
    "failed/execute the program/No such file or directory/null"
TYPE=decision
is "... its decision had accepted it" \
    "$(field "$id" decision)/$(field "$id" program)" "accept//no/such/program"

# ---- rejections ----
run_as divetest2 "$DIVE" "$SOCK" /usr/bin/id 2>/dev/null
id=$(last_id)
is "reject: no rule" \
    "$(field "$id" decision)/$(field "$id" reason)/$(field "$id" rule)" \
    "reject/no rule permits this request/null"
is "reject: the client" "$(field "$id" client_user)/$(field "$id" client_uid)" \
    "divetest2/$(id -u divetest2)"
TYPE=end
is "reject: no end record" "$(field "$id" result)" ""
TYPE=decision
run_as divetest1 "$DIVE" "$SOCK" /bin/false 2>/dev/null
id=$(last_id)
is "reject: by a deny rule, named" \
    "$(field "$id" decision)/$(field "$id" reason)/$(field "$id" rule)" \
    "reject/a rule denies this request/$CONF:3"
run_as divetest1 "$DIVE" -u nobody "$SOCK" id 2>/dev/null >/dev/null
run_as divetest1 "$DIVE" -u nobody "$SOCK" /usr/bin/id -un >/dev/null
id=$(last_id)
is "as nobody: the target's user, ids and groups" \
    "$(field "$id" target_user)/$(field "$id" target_uid)/$(field "$id" target_gid)/$(field "$id" target_groups)" \
    "nobody/65534/65534/65534"
is "... and the rule" "$(field "$id" rule)" "$CONF:4"
run_as divetest1 "$DIVE" -u no-such-user-x "$SOCK" id 2>/dev/null
id=$(last_id)
is "reject: an unknown target, only its name" \
    "$(field "$id" reason)/$(field "$id" target_user)/$(field "$id" target_uid)" \
    "no rule permits this request/no-such-user-x/null"
(cd "$T" && run_as divetest1 "$DIVE" "$SOCK" ./x 2>/dev/null)
id=$(last_id)
is "reject: a relative path, the program not resolved" \
    "$(field "$id" reason)/$(field "$id" program)/$(field "$id" 'argv[0]')" \
    "name the program by an absolute path or a bare name/null/./x"
is "every decision and end is valid JSON" "$(jq -c . "$AUD" >/dev/null;
    echo $?)" 0

start_dived --config "$CONF" --audit-log "$T/sync.json" --audit-fsync
run_as divetest1 "$DIVE" "$SOCK" /bin/true
is "--audit-fsync: the records are there too" \
    "$(jq -r .type "$T/sync.json" | tr '\n' ' ')" "decision end "

# -D: the end is that the program was detached (its pid is not the
# monitor's to know); one that never started ends as failed.
start_dived --config "$CONF" --audit-log "$T/d.json" -D
# dend: the end record of $DLOG: result, pid, step.
DLOG=$T/d.json
dend() { jq -r 'select(.type == "end") | "\(.result) \(.pid) \(.step)"' "$DLOG"; }
run_as divetest1 "$DIVE" "$SOCK" /bin/true
waitfor '[ -n "$(dend)" ]'
is "-D: end record: detached, no pid" "$(dend)" "detached null null"
start_dived --config "$CONF" --audit-log "$T/d2.json" -D -h "$T/gone"
DLOG=$T/d2.json
run_as divetest1 "$DIVE" "$SOCK" /bin/true 2>/dev/null
waitfor '[ -n "$(dend)" ]'
like "-D, a program that cannot start: end record failed, with the step" \
    "$(dend)" "^failed null [a-z]"
start_dived --config "$CONF" --audit-log "$AUD"

# ---- connections that end before a request ----
nconn() { jq -s 'map(select(.type == "connection")) | length' "$AUD"; }
before=$(nconn)
run_as nobody "$RAW" connect "$SOCK" 48454c4c4f20574f524c442121 > /dev/null
for i in $(seq 100); do [ "$(nconn)" -gt "$before" ] && break; sleep 0.1; done
rec=$(jq -c 'select(.type == "connection")' "$AUD" | tail -n 1)
is "garbage: a connection record" "$(jq -r .reason <<< "$rec")" \
    "$(errtext 6)"
is "... with the client's ids" \
    "$(jq -r '"\(.client_uid)/\(.client_gid)"' <<< "$rec")" "65534/65534"
like "... its pid and an id" "$(jq -r '"\(.client_pid) \(.id)"' <<< "$rec")" \
    "^[0-9]+ [0-9a-f]{16}-[0-9]+$"
is "... and the socket, nothing suppressed" \
    "$(jq -r '"\(.socket) \(.suppressed)"' <<< "$rec")" "$SOCK 0"
before=$(nconn)
run_as nobody "$RAW" idle "$SOCK" 0 > /dev/null
for i in $(seq 100); do [ "$(nconn)" -gt "$before" ] && break; sleep 0.1; done
# (Gone before the monitor took its pidfd, it cannot be identified: a
# record all the same, with that reason.)
like "a client that leaves before its request: a record" \
    "$(jq -r 'select(.type == "connection") | .reason' "$AUD" | tail -n 1)" \
    "^($(errtext 4)|cannot read the client's)"
start_dived --config "$CONF" --audit-log "$AUD" --request-timeout 1
before=$(nconn)
run_as nobody "$RAW" idle "$SOCK" 30 > /dev/null
is "a silent client: a record when its time is up" \
    "$(jq -r 'select(.type == "connection") | .reason' "$AUD" | tail -n 1)" \
    "$(errtext 22)"
start_dived --config "$CONF" --audit-log "$AUD" --max-per-uid 1
run_as nobody "$RAW" idle "$SOCK" 30 > /dev/null &
idle=$!
for i in $(seq 100); do
	[ -n "$(listener_pid)" ] && break
	sleep 0.1
done
before=$(nconn)
# It stays until refused (the end of its connection): a client must be
# there to be identified, and so charged.
run_as nobody "$RAW" idle "$SOCK" 10 > /dev/null
for i in $(seq 100); do [ "$(nconn)" -gt "$before" ] && break; sleep 0.1; done
is "a client over its limit: a record" \
    "$(jq -r 'select(.type == "connection") | .reason' "$AUD" | tail -n 1)" \
    "$(errtext 26)"
kill "$idle" 2>/dev/null
wait "$idle" 2>/dev/null

# The rate limit: a flood leaves a bounded number of records, and a
# later record counts every one left out.
FLOOD=$T/flood.json
start_dived --config "$CONF" --audit-log "$FLOOD"
fconn() { jq -s 'map(select(.type == "connection")) | length' "$FLOOD"; }
fsupp() { jq -s 'map(.suppressed // 0) | add // 0' "$FLOOD"; }
GARBAGE=000000000000000000000000	# a header of another protocol
sent=0
for b in $(seq 10); do
	pids=()
	for i in $(seq 20); do
		"$RAW" connect "$SOCK" "$GARBAGE" > /dev/null &
		pids+=($!)
		sent=$((sent + 1))
	done
	wait "${pids[@]}"
done
# Every connection is recorded or counted once its listener has ended.
for i in $(seq 300); do
	[ "$(listener_pid)" = "" ] && break
	sleep 0.1
done
n=$(fconn)
check "a flood of $sent connections: far fewer records ($n)" \
    test "$n" -lt 100
check "... but at least the burst" test "$n" -ge 30
# Then a record counts the others, once the allowance has come back.
for i in $(seq 150); do
	[ "$(( $(fconn) + $(fsupp) ))" = "$sent" ] && break
	sleep 0.1
done
for i in $(seq 100); do [ "$(listener_pid)" = "" ] && break; sleep 0.1; done
is "... records plus the suppressed they count: every connection" \
    "$(( $(fconn) + $(fsupp) ))" "$sent"

# ---- syslog: the default destination ----
# A stand-in syslog daemon on /dev/log, which exists only in the mount
# namespace dived runs in (a tmpfs over /dev with the nodes it needs).
devlog_wrapper
DEVLOG=$T/syslog.sock
SYS=$T/syslog.txt
: > "$SYS"
"$SINK" "$T/syslog.sock" "$SYS" &
sink=$!
for i in $(seq 100); do [ -S "$T/syslog.sock" ] && break; sleep 0.05; done
if ! unshare -m --propagation private true 2>/dev/null; then
	for i in $(seq 8); do skip "no mount namespaces here"; done
else
	DEVLOG=$DEVLOG DIVED=$T/dived-unshare start_dived --config "$CONF"
	run_as divetest1 "$DIVE" "$SOCK" /bin/echo "$NL" "$ESC" > /dev/null
	for i in $(seq 100); do [ "$(wc -l < "$SYS")" -ge 2 ] && break; sleep 0.1; done
	line=$(grep -m1 '"type":"decision"' "$SYS")
	like "syslog: facility authpriv, priority notice, dived[pid]" "$line" \
	    "^<85>[A-Z][a-z]{2} [ 0-9][0-9] [0-9:]{8} dived\[$DPID\]: \{"
	json=${line#*]: }
	is "syslog: the message is the JSON record" \
	    "$(jq -r .decision <<< "$json")/$(jq -r .rule <<< "$json")" \
	    "accept/$CONF:2"
	is "syslog: argv read back exactly" \
	    "$(jq -r '.argv[1]' <<< "$json")|$(jq -r '.argv[2]' <<< "$json")" \
	    "$NL|$ESC"
	is "syslog: one line per record, no escape byte" \
	    "$(wc -l < "$SYS")/$(grep -c $'\e' "$SYS")" "2/0"
	like "syslog: then the end record" "$(sed -n 2p "$SYS")" \
	    '"type":"end".*"result":"exited"'
	# The syslog daemon restarts: dived connects again.
	kill "$sink"
	wait "$sink" 2>/dev/null
	"$SINK" "$T/syslog.sock" "$SYS" &
	sink=$!
	for i in $(seq 100); do [ -S "$T/syslog.sock" ] && break; sleep 0.05; done
	out=$(run_as divetest1 "$DIVE" "$SOCK" /usr/bin/id -u 2>&1)
	is "syslog restarted: the request is served" "$out" "$U1"
	for i in $(seq 100); do [ "$(wc -l < "$SYS")" -ge 4 ] && break; sleep 0.1; done
	is "... and recorded there, decision and end" \
	    "$(grep -c '"argv":\["/usr/bin/id","-u"\]' "$SYS")/$(wc -l < "$SYS")" \
	    "1/4"
	DEVLOG=$DEVLOG DIVED=$T/dived-unshare start_dived --config "$CONF" --audit-log "$AUD" \
	    --audit-syslog
	run_as divetest1 "$DIVE" "$SOCK" /bin/echo both > /dev/null
	for i in $(seq 100); do [ "$(grep -c '"both"' "$SYS")" -ge 1 ] && break; sleep 0.1; done
	is "--audit-log with --audit-syslog: both get the record" \
	    "$(grep -c '"both"' "$SYS")/$(grep -c '"both"' "$AUD")" "1/1"
fi
stop_dived
kill "$sink" 2>/dev/null
wait "$sink" 2>/dev/null || true
