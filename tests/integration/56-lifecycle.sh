#!/bin/bash
# A connection's life against a spawner's: a client that drops its
# connection while the -a command runs (as root) does not get its slot
# back until its spawner has ended, and the spawner, its -a command and
# everything in that command's process group are killed; -a has a time
# limit; a spawner holds none of the monitor's descriptors; and a
# listener that sends the spawner one byte of a frame and stops cannot
# hold it (as root) past the request deadline.
. "$(dirname "$0")/lib.sh"

plan 21

U1=$(id -u divetest1)
# as1 COMMAND...: as divetest1, exec'd (so that $! is the command).
as1() {
	exec setpriv --reuid=divetest1 --regid="$(id -g divetest1)" \
	    --init-groups -- "$@"
}

# spawning: this dived's spawners (its children but the master).
spawning() { kids "$DPID" dived | wc -l; }
# below PID: how many processes run below PID, as root, outside the
# listener master's tree.
below() {
	local n=0 p
	for p in $(kids "$1" dived); do
		n=$((n + $(tree "$p" | wc -l)))
	done
	echo $n
}

# The -a command reads a line of the client's standard input, a FIFO
# that nobody writes (the test holds it open): it waits for ever, and
# leaves a job running in its process group.
mkfifo -m 0666 "$T/fifo"
exec 8<>"$T/fifo"
AUTH='sleep 300 & read line; exit 0'

# connect_drop [stop]: a client of divetest1 connects; once its spawner
# has started the -a command and its job, the client is killed (with
# "stop", the spawner is stopped first).  Prints the spawner's pid, then
# those of every process below it.
connect_drop() {
	local before client sp try all
	before=" $(kids "$DPID" dived | tr '\n' ' ') "
	# A refused attempt (the user's slots still taken) is tried again.
	for try in $(seq 50); do
		(as1 "$DIVE" "$SOCK" /bin/true <"$T/fifo" >/dev/null \
		    2>&1) &
		client=$!
		sp=
		while [ -z "$sp" ] && kill -0 $client 2>/dev/null; do
			for sp in $(kids "$DPID" dived) ""; do
				[[ $before == *" $sp "* ]] || break
			done
		done
		[ -n "$sp" ] && break
		wait $client
		sleep 0.1
	done
	[ -n "$sp" ] || return 1
	waitfor '[ "$(tree "$sp" | wc -l)" -ge 3 ]' >/dev/null
	[ "${1:-}" = stop ] && kill -STOP "$sp"
	all=$(tree "$sp")
	kill -9 $client
	wait $client 2>/dev/null
	echo "$all"
}

# 1. The attack: connect, drop, again and again.
start_dived -v --max-per-uid 2 --max-connections 64 -a "$AUTH"
max=0
all=
for i in $(seq 8); do
	all="$all $(connect_drop | tr '\n' ' ')"
	n=$(below "$DPID")
	[ "$n" -gt $max ] && max=$n
done
# Each spawner is at most a spawner, its sh and the sh's job: 3.
is "8 dropped connections never hold more than 2 spawners' worth of root processes" \
    "$([ $max -le 6 ] && echo yes || echo "no: $max")" yes
is "... each had its spawner, -a command and job" "$(echo $all | wc -w)" 24
waitfor '[ "$(spawning)" = 0 ]'
is "... and every dropped spawner is gone" "$(spawning)" 0
waitfor "gone $all"
is "... the -a commands and their jobs with them" "$(running $all)" ""
like "... logged as sessions that ended before the program started" \
    "$(cat "$LOG")" "uid $U1: the spawner ended before executing the program"

# 2. The slots stay taken until the spawners end: two spawners stopped
#    in -a, their clients gone; a third connection of the same user is
#    refused until they are let go.
start_dived -v --max-per-uid 2 --max-connections 64 -a "$AUTH"
s1=$(connect_drop stop | head -n 1)
s2=$(connect_drop stop | head -n 1)
try divetest1 "$SOCK" /bin/echo third </dev/null
like "a third connection while both spawners live is refused" \
    "$st/$err" "^[0-9]+/dive: .*$(errtext 26)\$"
is "... and the two dropped spawners are still there, stopped" \
    "$(running "$s1" "$s2" | wc -l)" 2
kill -CONT "$s1" "$s2"
waitfor 'gone "$s1" "$s2"'
is "... until they are let go: then they end (killed)" \
    "$(running "$s1" "$s2")" ""
try divetest1 "$SOCK" /bin/echo fourth </dev/null
is "... and the user's slots are free again" "$st/$out" 0/fourth

# 3. --auth-timeout: a hung -a command is killed, the client refused.
rm -f "$T/job"
start_dived -v --auth-timeout 1 -a "sleep 300 & echo \$! > $T/job; read line"
(as1 timeout -k 5 30 "$DIVE" "$SOCK" /bin/echo ran <"$T/fifo" >"$T/out" \
    2>"$T/err") &
client=$!
wait $client
st=$?
is "--auth-timeout 1: the client is refused" "$st/$(cat "$T/out")" "127/"
like "... saying why" "$(cat "$T/err")" "refused by the server's authentication"
auth=$(cat "$T/job")
waitfor "gone $auth"
is "... the -a command's job is killed" "$(running $auth)/${auth:+ran}" /ran
like "... and the log says so" "$(cat "$LOG")" \
    "authentication command timed out"

# 4. A spawner holds none of the monitor's descriptors: compare what
#    /proc shows of both while a second session is in -a too.
start_dived -v -a "$AUTH"
sa=$(connect_drop stop | head -n 1)
(as1 "$DIVE" "$SOCK" /bin/true <"$T/fifo" >/dev/null 2>&1) &
client=$!
waitfor '[ "$(spawning)" = 2 ]'
sp=$(kids "$DPID" dived | grep -vx "$sa")
waitfor '[ "$(tree "$sp" | wc -l)" -ge 3 ]'
# fdset PID [FIRST]: where PID's descriptors from FIRST (3) up lead.
fdset() {
	local f
	for f in /proc/"$1"/fd/*; do
		[ "${f##*/}" -ge "${2:-3}" ] && readlink "$f"
	done | grep -vx /dev/null | sort -u
}
fdset "$DPID" >"$T/mon"
fdset "$sp" >"$T/sp"
{ fdset "$client" 0; fdset $$ 0; } | sort -u >"$T/client"
# What both have that the client did not pass (a client passes every
# descriptor it has, and this one has what this script has, like the
# monitor).
shared=$(comm -12 "$T/mon" "$T/sp" | comm -23 - "$T/client")
# Its own status pipe is the one thing it shares with the monitor.
is "the spawner shares no socket or event file with the monitor" \
    "$(echo "$shared" | grep -v '^pipe:' | grep . | tr '\n' ' ')" ""
is "... and at most its own status pipe" \
    "$(echo "$shared" | grep -c '^pipe:')" 1
kill -9 $client
wait $client 2>/dev/null
kill -CONT "$sa"

# 5. A listener that sends the spawner one byte of a frame and stops:
#    the spawner gives up at the request deadline.
hstart -v --request-timeout 1
timeout 20 "$DIVE" "$SOCK" dived-test-hook:one-byte 2>"$T/err" &
client=$!
waitfor '[ -n "$(kids "$DPID" dived)" ]'
sp=$(kids "$DPID" dived)
waitfor "gone $sp"
is "one byte of a frame, then nothing: the spawner ends at the deadline" \
    "$(running "$sp")" ""
wait $client
like "... the client is refused, saying why" "$? $(cat "$T/err")" \
    "^127 dive: the server could not receive the file descriptors: .*timed out"

# 6. A listener that sends the spawner a frame off its table (another
#    type; its type without the descriptors): refused at once.
hstart -v --request-timeout 20
for op in fds-wrong-type fds-none; do
	timeout 20 "$DIVE" "$SOCK" dived-test-hook:$op 2>"$T/err"
	like "$op: the client is refused, saying why" "$? $(cat "$T/err")" \
	    "^127 dive: the server could not receive the file descriptors: Protocol error"
	is "... the daemon goes on" "$(served)" on
done
