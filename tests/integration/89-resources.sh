#!/bin/bash
# Resources running out under a running dived: descriptors of the monitor
# (RLIMIT_NOFILE lowered with prlimit), processes of the listener master
# (RLIMIT_NPROC: it runs as the listener user) and of the monitor (a pids
# cgroup: RLIMIT_NPROC does not bind root).  Each time: a clear error to
# the client, a log line, dived goes on, and serves again once the
# resource is back.
. "$(dirname "$0")/lib.sh"
plan 21

OUTOF=$(errtext 41)	# E_RESOURCES

# lowest_free PID: the lowest descriptor number PID does not use.
lowest_free() {
	local n=0 f
	for f in $(ls "/proc/$1/fd" | sort -n); do
		[ "$f" = $n ] || break
		n=$((n + 1))
	done
	echo $n
}

# 1. The monitor out of descriptors: the next descriptor number is past
#    the limit.  Its spare descriptor lets it still answer the client.
start_dived -v
served > /dev/null
soft=$(prlimit --pid "$DPID" --nofile --raw --noheadings -o SOFT | tr -d ' ')
prlimit --pid "$DPID" --nofile="$(lowest_free "$DPID")":
out=$(served)
is "EMFILE in the monitor: the client is refused (127)" $? 127
is "... with the reason" "$out" "dive: $SOCK: request refused: $OUTOF"
like "... and one log line naming the client" "$(cat "$LOG")" \
    "uid 0 pid [0-9]+: connection refused: out of file descriptors"
out=$(served)
is "... as long as it lasts, every client gets the answer" "$out" \
    "dive: $SOCK: request refused: $OUTOF"
prlimit --pid "$DPID" --nofile="$soft":
is "descriptors back: served again" "$(served)" on
is "... dived never stopped" "$(kill -0 "$DPID" && echo running)" running

# 2. Not a single descriptor (limit 3): dived stops accepting, logs it
#    once, and takes the waiting client as soon as it can again.
: > "$LOG"
prlimit --pid "$DPID" --nofile=3:
"$DIVE" "$SOCK" /bin/echo waited > "$T/out" 2>&1 &
client=$!
waitfor 'grep -q "accept: Too many open files" "$LOG"'
like "no descriptor at all: dived stops accepting, and says so" \
    "$(cat "$LOG")" "accept: Too many open files; accepting again once"
sleep 2
is "... once: no busy loop while it waits (2 s later)" \
    "$(grep -c 'accept:' "$LOG")" 1
is "... the client is still waiting, not dropped" \
    "$(kill -0 $client 2>/dev/null && echo waiting)" waiting
prlimit --pid "$DPID" --nofile="$soft":
wait $client
is "descriptors back: the waiting client is served" "$?/$(cat "$T/out")" \
    "0/waited"
like "... and dived says it accepts again" "$(cat "$LOG")" \
    "accepting connections again"
is "... and serves the next ones" "$(served)" on

# 3. The listener master cannot fork a listener (RLIMIT_NPROC of the
#    listener user, 1: it counts itself).  Set as that user: root may lack
#    CAP_SYS_RESOURCE (in a container) to change another user's limits.
LM=$(lmaster_pid)
as_listener() {
	setpriv --reuid=_dived --regid="$(id -g _dived)" --clear-groups -- "$@"
}
nproc=$(as_listener prlimit --pid "$LM" --nproc --raw --noheadings -o SOFT |
    tr -d ' ')
as_listener prlimit --pid "$LM" --nproc=1:
out=$(served)
is "listener master out of processes: the client is refused (127)" $? 127
is "... with the reason" "$out" "dive: $SOCK: request refused: $OUTOF"
waitfor 'grep -q "the listener ended without passing a request" "$LOG"'
like "... and the monitor logs it, naming the client" "$(cat "$LOG")" \
    "session [0-9]+: uid 0 pid [0-9]+: the listener ended without passing a request"
as_listener prlimit --pid "$LM" --nproc="$nproc":
is "processes back: served again" "$(served)" on

# 4. The monitor cannot fork a spawner: a pids cgroup with room for the
#    monitor alone (RLIMIT_NPROC does not bind root, a cgroup does).
cg=
if [ -f /sys/fs/cgroup/pids/cgroup.procs ]; then
	cg=/sys/fs/cgroup/pids	# cgroup v1
	orig=$cg$(sed -n 's/^[0-9]*:pids:\(.*\)$/\1/p' "/proc/$DPID/cgroup")
elif grep -qw pids /sys/fs/cgroup/cgroup.controllers 2>/dev/null; then
	cg=/sys/fs/cgroup	# cgroup v2: a child of the root
	orig=$cg$(sed -n 's/^0::\(.*\)$/\1/p' "/proc/$DPID/cgroup")
	grep -qw pids "$cg/cgroup.subtree_control" ||
	    echo +pids > "$cg/cgroup.subtree_control" 2>/dev/null
fi
mine=$cg/dive-test-$$
if [ -n "$cg" ] && mkdir "$mine" 2>/dev/null &&
    echo 1 > "$mine/pids.max" && echo "$DPID" > "$mine/cgroup.procs"; then
	at_exit 'echo "$DPID" > "$orig/cgroup.procs" 2>/dev/null;
	    rmdir "$mine" 2>/dev/null'
	out=$(served)
	is "monitor out of processes: the client gets an error (127)" $? 127
	is "... naming it" "$out" \
	    "dive: the server could not create a process: Resource temporarily unavailable"
	like "... and a log line naming the client" "$(cat "$LOG")" \
	    "session [0-9]+: uid 0 pid [0-9]+: cannot fork a spawner: Resource temporarily unavailable"
	echo max > "$mine/pids.max"
	is "processes back: served again" "$(served)" on
	echo "$DPID" > "$orig/cgroup.procs"
	rmdir "$mine"
else
	rmdir "$mine" 2>/dev/null
	for i in 1 2 3 4; do
		skip "no pids cgroup to limit the monitor's forks"
	done
fi
is "after all that, dived still runs" "$(kill -0 "$DPID" && echo running)" \
    running
