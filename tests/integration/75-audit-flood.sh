#!/bin/bash
# One client cannot fill the disk or dived's log, nor stall the monitor
# on a log destination: rejections and refused connections are recorded
# and logged at a bounded rate per client uid, and what is left out is
# counted in a later record; a rejected request's argv is cut to 4 KiB,
# with its length and SHA-256; a syslog that does not read its socket
# holds nobody up.  And a client no rule lets ask for another user gets
# the same answer whether that user exists or not.
. "$(dirname "$0")/lib.sh"
plan 24

SINK=$BUILD/bin/tests/dgramsink
CONF=$T/dived.conf
AUD=$T/audit.json
U1=$(id -u divetest1)
U2=$(id -u divetest2)
cd "$T" || exit 1
mkdir -m 777 "$T/w"
cat > "$CONF" <<'EOF'
permit divetest1
permit divetest1 as nobody cmd /usr/bin/id
permit divetest1 as * cmd /bin/true
EOF
chmod 644 "$CONF"

# ---- user names cannot be probed ----
start_dived --config "$CONF" --audit-log "$AUD"
# answer USER CLIENT-ARGS...: dive's status, stdout and stderr, together.
answer() {
	local u=$1
	shift
	run_as "$u" "$DIVE" "$@" > "$T/a.out" 2> "$T/a.err"
	echo "status $?"
	cat "$T/a.out" "$T/a.err"
}
A=$(answer divetest2 -u no-such-user-x "$SOCK" /usr/bin/id)
B=$(answer divetest2 -u divetest1 "$SOCK" /usr/bin/id)
is "a client denied everything: an unknown user, an existing one: one answer" \
    "$A" "$B"
like "... the policy's" "$A" "denied by policy: no rule permits"
A=$(answer divetest1 -u no-such-user-x "$SOCK" /usr/bin/id)
B=$(answer divetest1 -u divetest2 "$SOCK" /usr/bin/id)
is "a client allowed only 'as nobody': the same answer either way" "$A" "$B"
A=$(answer divetest1 -u no-such-user-x "$SOCK" /bin/true)
is "a client allowed 'as *': told the user does not exist" "$A" \
    "status 126
dive: denied by policy: no such user"
rec=$(jq -c 'select(.type == "decision" and .client_uid == '"$U1"')' \
    "$AUD" | head -n 1)
is "the record names the unknown user asked for" \
    "$(jq -r '"\(.target_user) \(.target_uid) \(.decision)"' <<< "$rec")" \
    "no-such-user-x null reject"
stop_dived

# ---- a flood of rejected requests, each with a 64 KiB argv ----
rm -f "$AUD"
start_dived --config "$CONF" --audit-log "$AUD"
BIG=$(head -c 65536 /dev/zero | tr '\0' y)
N=150
export BIG SOCK N
run_as divetest2 bash -c 'for i in $(seq $N); do
	"$DIVE" "$SOCK" /bin/echo "$BIG" 2>/dev/null; echo $i > '"$T"'/w/done
done' &
flood=$!
waitfor '[ "$(cat "$T/w/done" 2>/dev/null)" -ge 40 ]'
try divetest1 "$SOCK" /usr/bin/id -u
is "during the flood another user is served" "$st/$out" "0/$U1"
is "... and recorded" "$(jq -r 'select(.client_uid == '"$U1"') | .type' \
    "$AUD" | tr '\n' ' ')" "decision end "
wait "$flood"
size=$(stat -c %s "$AUD")
check "$N requests of 64 KiB: the audit log grows by a bounded amount ($size bytes)" \
    test "$size" -lt 500000
lines=$(grep -c "uid $U2" "$LOG")
check "... dived's log too ($lines lines of uid $U2)" test "$lines" -lt $((N / 2))
rec=$(jq -c 'select(.type == "decision" and .client_uid == '"$U2"')' \
    "$AUD" | head -n 1)
sum=$(printf '%s\0' /bin/echo "$BIG" | sha256sum | cut -d' ' -f1)
is "a rejected argv: its length and SHA-256" \
    "$(jq -r '"\(.argv_bytes) \(.argv_sha256) \(.argc) \(.truncated)"' \
    <<< "$rec")" "$((10 + 65537)) $sum 2 true"
alen=$(jq -r '.argv | map(length) | add' <<< "$rec")
check "... and the argv itself cut to 4 KiB ($alen bytes)" \
    test "$alen" -le 4096 -a "$alen" -ge 3000
stop_dived
# Stopped: dived counts what it left out in a last record.
recs=$(jq -s 'map(select(.type == "decision" and .client_uid == '"$U2"'))
    | length' "$AUD")
supp=$(jq -s 'map(select(.client_uid == '"$U2"') | .suppressed // 0) | add' \
    "$AUD")
check "... $recs records written" test "$recs" -ge 20 -a "$recs" -lt $((N / 2))
is "... records plus the counts of those left out: every request" \
    "$((recs + supp))" "$N"
like "... a count says from whom and since when" \
    "$(jq -c 'select(.type == "suppressed" and .client_uid == '"$U2"')' \
    "$AUD" | tail -n 1)" \
    '"suppressed":[1-9][0-9]*,"suppressed_since":"[0-9-]+T[0-9:.]+Z"'
like "... and dived's log says so" "$(cat "$LOG")" \
    "uid $U2: [0-9]+ more left out since "

# ---- a flood of connections over --max-per-uid ----
rm -f "$AUD"
start_dived --config "$CONF" --audit-log "$AUD" --max-per-uid 2 \
    --request-timeout 300
for i in 1 2; do
	run_as divetest2 "$RAW" idle "$SOCK" 300 > /dev/null &
	idle[$i]=$!
done
waitfor '[ "$(pgrep -c -P "$(lmaster_pid)")" -ge 2 ]'
M=300
run_as divetest2 bash -c 'for i in $(seq '"$M"'); do
	'"$RAW"' connect "$SOCK" >/dev/null; done'
try divetest1 "$SOCK" /usr/bin/id -u
is "after $M refused connections another user is served" "$st/$out" "0/$U1"
lines=$(grep -c "uid $U2" "$LOG")
check "... dived's log grew by a bounded amount ($lines lines)" \
    test "$lines" -lt $((M / 4))
kill "${idle[@]}"
wait "${idle[@]}" 2>/dev/null
for i in $(seq 100); do [ "$(listener_pid)" = "" ] && break; sleep 0.1; done
stop_dived
toomany=$(errtext 26)
refused=$(jq -s --arg r "$toomany" 'map(select(.client_uid == '"$U2"' and
    .reason == $r)) | length' "$AUD")
supp=$(jq -s 'map(select(.client_uid == '"$U2"') | .suppressed // 0) | add' \
    "$AUD")
closed=$(jq -s --arg r "$toomany" 'map(select(.client_uid == '"$U2"' and
    .reason != $r and
    .type == "connection")) | length' "$AUD")
check "... $refused refusals recorded" \
    test "$refused" -ge 20 -a "$refused" -lt $((M / 4))
is "... records plus the counts: every connection" \
    "$((refused + closed + supp))" "$((M + 2))"

# ---- a syslog that does not read its socket ----
# The stand-in syslog runs in a network namespace whose datagram queues
# hold one message, and is stopped: its socket is full at once.
devlog_wrapper
export DEVLOG=$T/syslog.sock
unshare -n bash -c 'echo 0 > /proc/sys/net/unix/max_dgram_qlen &&
    exec "$0" "$1" "$2"' "$SINK" "$DEVLOG" "$T/syslog.txt" &
sink=$!
waitfor '[ -S "$DEVLOG" ]'
DIVED=$T/dived-unshare start_dived --config "$CONF"
kill -STOP "$sink"
run_as divetest2 bash -c 'for i in $(seq 20); do
	"$DIVE" "$SOCK" /bin/echo x 2>/dev/null; done; true' &
flood=$!
out=$(timeout 15 setpriv --reuid=divetest1 --regid="$(id -g divetest1)" \
    --init-groups -- "$DIVE" "$SOCK" /usr/bin/id -u 2>"$T/err")
st=$?
is "syslog not reading: another user is served all the same" \
    "$st/$out/$(cat "$T/err")" "0/$U1/"
is "... while it still does not read" \
    "$(grep -c . "$T/syslog.txt")" 0
wait "$flood"
REFUSED="dive: refused: the server cannot record the request in its audit log"
for i in $(seq 200); do
	try divetest1 "$SOCK" /bin/true
	[ "$st" != 0 ] && break
done
is "records queued up to the bound: then refused at once (fail closed)" \
    "$st/$err" "127/$REFUSED: No buffer space available"
kill -CONT "$sink"
waitfor 'grep -q "\"client_uid\":'"$U1"'.*/usr/bin/id" "$T/syslog.txt"'
check "syslog reads again: the queued records reach it" \
    grep -q '"client_uid":'"$U1"'.*"/usr/bin/id"' "$T/syslog.txt"
waitfor 'try divetest1 "$SOCK" /bin/true; [ "$st" = 0 ]'
is "... and requests are served again" "$st" 0
stop_dived
kill "$sink"
wait "$sink" 2>/dev/null || true
