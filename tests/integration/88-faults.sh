#!/bin/bash
# Faults: SIGKILL to a listener mid-request, to a spawner mid-setup (in
# -a, waiting for the client's descriptors), to the waiter of a new pid
# namespace (running, and mid-setup), and to the monitor itself with
# clients in every state.  Each client gets a clear error; the daemon goes
# on (or, with the monitor gone, nothing of dived is left running as root
# or half set up: only the programs that were running, as their users).
. "$(dirname "$0")/lib.sh"
plan 50

U1=$(id -u divetest1)
STEP27="the server could not set up the program: its spawner died"
# A request header announcing 256 bytes that never come.
PARTIAL=$("$PROTODUMP" header req_exec 0 256)
# The greeting: a MSG_HELLO header, then as many bytes as the example's.
hello=$("$PROTODUMP" | head -n 1)
HELLO_RE="^${hello:0:16}[0-9a-f]{$((${#hello} - 16))}"
ERROR_UNAVAILABLE=$("$PROTODUMP" error 28)	# E_UNAVAILABLE

uidof() { ps -o uid= -p "$1" 2>/dev/null | tr -d ' '; }

# monitor_killed: after kill -9 of dived, forget it (stop_dived would
# count its death as a failure).
monitor_killed() {
	kill -9 "$DPID"
	wait "$DPID" 2>/dev/null
	DPID=
}

# 1. A listener killed in the middle of a request.
start_dived -v --request-timeout 60
"$RAW" connect "$SOCK" "$PARTIAL" > "$T/raw" &
raw=$!
waitfor '[ -n "$(listener_pid)" ]'
LM=$(lmaster_pid)
kill -9 "$(listener_pid)"
wait $raw
like "listener killed mid-request: the connection just ends (greeting only)" \
    "$(cat "$T/raw")" "${HELLO_RE}\$"
waitfor 'grep -q "pid $raw: the listener ended" "$LOG"'
like "... and the monitor logs it, naming the client" "$(cat "$LOG")" \
    "session [0-9]+: uid 0 pid $raw: the listener ended without passing a request"
is "... the daemon goes on" "$(served)" on
waitfor '[ "$(pgrep -P "$LM" | wc -l)" = 0 ]'
is "... no listener left" "$(pgrep -P "$LM" | wc -l)" 0

# 2. A listener killed while the spawner waits for the client's fds
#    (the test listener holds them back: dived-test-hook:hold-fds).
hstart -v --request-timeout 60
"$DIVE" "$SOCK" dived-test-hook:hold-fds 2>"$T/err" &
client=$!
waitfor '[ -n "$(kids "$DPID")" ]'
sp=$(kids "$DPID")
is "a spawner waits for the descriptors" "$(ps -o comm= -p "${sp:-0}")" dived
kill -9 "$(listener_pid)"
wait $client
is "listener killed while the spawner waits: dive exits 127" $? 127
like "... saying the connection dropped" "$(cat "$T/err")" \
    "connection to the server dropped before the program started"
waitfor 'gone $sp'
is "... the spawner gives up at once (the descriptors' socket closed)" \
    "$(running $sp)" ""
# Whichever comes first: the spawner sees its socket close, or the
# monitor, seeing the listener gone, ends the spawner.
why="cannot receive the file descriptors|the spawner ended before executing"
waitfor 'grep -qE "$why" "$LOG"'
like "... and says why in the log" "$(cat "$LOG")" \
    "session [0-9]+: uid 0: ($why)"
is "... the daemon goes on" "$(served)" on

# 3. The spawner killed while it waits for the descriptors.
"$DIVE" "$SOCK" dived-test-hook:hold-fds 2>"$T/err" &
client=$!
waitfor '[ -n "$(kids "$DPID")" ]'
sp=$(kids "$DPID")
kill -9 $sp
wait $client
is "spawner killed waiting for the fds: dive exits 127" $? 127
is "... with a clear error" "$(cat "$T/err")" "dive: $STEP27"
waitfor 'grep -q "the spawner ended before executing" "$LOG"'
like "... logged" "$(cat "$LOG")" \
    "session [0-9]+: uid 0: the spawner ended before executing the program"
is "... the daemon goes on" "$(served)" on
waitfor '[ "$(pgrep -P "$(lmaster_pid)" | wc -l)" = 0 ]'
is "... and the listener of that client is gone too" \
    "$(pgrep -P "$(lmaster_pid)" | wc -l)" 0

# 4. The spawner killed while the -a command runs (as root).
AUTH="[ -e $T/block ] && exec sleep 60; exit 0"
start_dived -v -a "$AUTH"
touch "$T/block"
run_as divetest1 "$DIVE" "$SOCK" /bin/true 2>"$T/err" &
client=$!
waitfor '[ -n "$(kids "$DPID")" ]'
sp=$(kids "$DPID")
waitfor '[ -n "$(kids "$sp")" ]'
auth=$(kids "$sp")
is "the -a command runs as root, child of the spawner" \
    "$(uidof "$auth")/$(ps -o comm= -p "$auth")" "0/sleep"
kill -9 "$sp"
wait $client
is "spawner killed during -a: dive exits 127" $? 127
is "... with a clear error" "$(cat "$T/err")" "dive: $STEP27"
waitfor 'gone "$auth"'
is "... the -a command (root) does not outlive it" "$(running "$auth")" ""
like "... logged with the client's uid" "$(cat "$LOG")" \
    "session [0-9]+: uid $U1: the spawner ended before executing the program"
rm -f "$T/block"
is "... the daemon goes on" "$(served)" on

# 5. The waiter of a new pid namespace killed while the program runs.
start_dived -v -s pid
run_as divetest1 "$DIVE" "$SOCK" /bin/sleep 60 2>"$T/err" &
client=$!
waitfor '[ -n "$(kids "$DPID")" ]'
w=$(kids "$DPID")
waitfor '[ "$(ps -o comm= --ppid "$w")" = sleep ]'
prog=$(kids "$w")
is "-s pid: the program runs as the client" "$(uidof "$prog")" "$U1"
waitfor '[ "$(uidof "$w")" = "$U1" ]'
is "... and its waiter, once it runs, as the program's user (not root)" \
    "$(uidof "$w")" "$U1"
is "... holding no socket of dived's nor any descriptor of the client's" \
    "$(for f in /proc/"$w"/fd/*; do
	n=${f##*/}
	[ "$n" -gt 2 ] && readlink "$f"
    done | grep -v '^pipe:' | sort | tr '\n' ' ')" ""
kill -9 "$w"
wait $client
is "waiter killed: the client sees its program killed by SIGKILL (137)" \
    $? 137
waitfor 'gone "$prog"'
is "... the program (pid 1 of the namespace) is gone with it" \
    "$(running "$prog")" ""
is "... the daemon goes on" "$(served)" on

# 6. The waiter killed while the program is still being set up (-t
#    writes into a FIFO nobody reads: the setup blocks there).
mkfifo "$T/fifo"
start_dived -v -s pid -t "$T/fifo" x
"$DIVE" "$SOCK" /bin/true 2>"$T/err" &
client=$!
waitfor '[ -n "$(kids "$DPID")" ]'
w=$(kids "$DPID")
waitfor '[ -n "$(kids "$w")" ]'
child=$(kids "$w")
is "-s pid mid-setup: the waiter is still root (nothing runs yet)" \
    "$(uidof "$w")/$(uidof "$child")" "0/0"
kill -9 "$w"
wait $client
is "waiter killed mid-setup: dive exits 127" $? 127
is "... with a clear error" "$(cat "$T/err")" "dive: $STEP27"
waitfor 'gone "$child"'
is "... the half set-up child (root) is gone" "$(running "$child")" ""
timeout 10 cat "$T/fifo" > /dev/null &
reader=$!
is "... the daemon goes on" "$(served)" on
wait $reader

# 7. The monitor killed with a client in each state: mid-request, in -a,
#    and with a program running.
AUTH='[ "$DIVE_USER" = divetest2 ] && exec sleep 60; exit 0'
start_dived -v --request-timeout 60 -a "$AUTH"
LM=$(lmaster_pid)
"$RAW" connect "$SOCK" "$PARTIAL" > "$T/raw" &
raw=$!
run_as divetest2 "$DIVE" "$SOCK" /bin/true 2>"$T/err2" &
c2=$!
run_as divetest1 "$DIVE" "$SOCK" /bin/sleep 60 2>"$T/err1" &
c1=$!
waitfor '[ "$(pgrep -P "$LM" | wc -l)" = 3 ]'
waitfor '[ -n "$(pgrep -P "$DPID" -u divetest1 -x sleep)" ]'
sp=
for p in $(kids "$DPID"); do
	[ "$(ps -o comm= -p "$p")" = dived ] && sp=$p
done
[ -n "$sp" ] && waitfor '[ -n "$(kids "$sp")" ]'
auth=$([ -n "$sp" ] && kids "$sp")
prog=$(pgrep -P "$DPID" -u divetest1 -x sleep)
listeners=$(pgrep -P "$LM")
is "the three clients are in place: 3 listeners, a spawner in -a, a program" \
    "$(wc -w <<< "$listeners")/${sp:+spawner}/${auth:+auth}/${prog:+program}" \
    3/spawner/auth/program
monitor_killed
wait $raw
is "monitor killed: a client mid-request is told the server is gone" \
    "$(sed -E "s/${HELLO_RE}//" "$T/raw")" "$ERROR_UNAVAILABLE"
wait $c2
is "... a client in -a: exit 127" $? 127
is "... told the request was refused: server unavailable" "$(cat "$T/err2")" \
    "dive: request refused by the server: $(errtext 28)"
wait $c1
is "... a client whose program runs: exit 127" $? 127
is "... told its program's status is unknown" "$(cat "$T/err1")" \
    "dive: lost the server ($(errtext 28)); the program's exit status is unknown"
waitfor 'gone "$LM" $listeners "$sp" "$auth"'
is "... the listener master is gone" "$(running "$LM")" ""
is "... and every listener" "$(running $listeners)" ""
is "... the spawner in -a is gone" "$(running "$sp")" ""
is "... and so is its -a command (root)" "$(running "$auth")" ""
is "... the program that ran goes on, as its user" \
    "$(running "$prog")/$(uidof "$prog")" "$prog/$U1"
kill "$prog"

# 8. The monitor killed with -s pid: one program running, one mid-setup.
rm -f "$T/fifo"
mkfifo "$T/fifo"
start_dived -v -s pid -t "$T/fifo" x
run_as divetest1 "$DIVE" "$SOCK" /bin/sleep 60 2>/dev/null &
c1=$!
waitfor '[ -n "$(kids "$DPID")" ]'
w1=$(kids "$DPID")
timeout 10 cat "$T/fifo" > /dev/null
waitfor '[ "$(uidof "$w1")" = "$U1" ]'
prog=$(kids "$w1")
"$DIVE" "$SOCK" /bin/true 2>"$T/err" &
c2=$!
waitfor '[ "$(kids "$DPID" | wc -l)" = 2 ]'
w2=$(kids "$DPID" | grep -vx "$w1")
waitfor '[ -n "$(kids "$w2")" ]'
child2=$(kids "$w2")
everything=$(tree "$DPID")
monitor_killed
wait $c2
is "monitor killed, -s pid mid-setup: the client gets an error (127)" $? 127
waitfor 'gone "$w2" "$child2"'
is "... its waiter and half set-up child (root) are gone" \
    "$(running "$w2" "$child2")" ""
is "... the running program goes on as its user" \
    "$(running "$prog")/$(uidof "$prog")" "$prog/$U1"
is "... and so does its waiter, as the program's user" \
    "$(running "$w1")/$(uidof "$w1")" "$w1/$U1"
survivors=""
for p in $(running $everything); do
	[ "$(uidof "$p")" = 0 ] && survivors="$survivors $p"
done
is "... of all the processes of dived, none is left as root" "$survivors" ""
# (pid 1 of its namespace: from outside only SIGKILL reaches a program
# that has no handler)
kill -KILL "$prog" 2>/dev/null
wait $c1 2>/dev/null
waitfor 'gone "$w1"'
is "... the waiter ends with its program" "$(running "$w1")" ""

# 9. After all that, a fresh dived works, and none of the above leaked.
start_dived
is "a fresh dived serves" "$(served)" on
