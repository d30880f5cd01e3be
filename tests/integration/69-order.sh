#!/bin/bash
# The order of operations (dived(8)), where a user can see it, and fail
# closed: a step that fails fails the whole request (127 and a one-line
# message naming the step to the client, a log line) and the program
# never runs half set up.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/roots.sh"
plan 20

chmod 777 "$T"
install -m 0755 "$PROBE" "$T/probe"

# The bounding set and securebits come before the identity change (they
# need root) and hold for the program's user; capabilities come after it.
start_dived -u divetest1 -B cap_chown,cap_kill -m cap_chown
is "-B before the identity, -m after it: both hold for the user" \
    "$(cap Bnd) $(cap Amb)" "$(hex $((1 << 0 | 1 << 5))) $(hex 1)"
start_dived -u divetest1 -L
is "-L before the identity: the user's program has them, locked" \
    "$("$DIVE" "$SOCK" "$T/probe" securebits)" 0xf
start_dived -u divetest1 -X -m cap_kill
is "-X after the capabilities: both" \
    "$("$DIVE" "$SOCK" /bin/grep -E '^(CapAmb|NoNewPrivs):' /proc/self/status | cut -f2 | tr '\n' ' ')" \
    "$(hex 32) 1 "
# The descriptors are installed last: none of dived's reaches the program.
start_dived -u divetest1 -s net -l nofile=64 -X -L
is "with all of them, the program has the client's descriptors only" \
    "$("$DIVE" "$SOCK" /bin/ls /proc/self/fd 7</dev/null)" \
    "$(/bin/ls /proc/self/fd 7</dev/null)"
# The client's umask comes after the namespaces' files, also those -t
# writes from inside a new user namespace: they get dived's.
umask 022
start_dived -s user -tt -t "$T/t-file" x
out=$(umask 077 && run_as divetest1 "$DIVE" "$SOCK" /bin/sh -c umask)
is "-s user -t: written with dived's umask, the program gets the client's" \
    "$(stat -c '%a %U' "$T/t-file") $out" "644 divetest1 0077"

# attempt USER: USER runs a program that leaves a marker; prints
# "STATUS/MESSAGE/MARKER".
attempt() {
	local err st
	rm -f "$T/ran"
	err=$(run_as "$1" "$DIVE" "$SOCK" /bin/sh -c "echo > $T/ran" 2>&1)
	st=$?
	echo "$st/$err/$([ -e "$T/ran" ] && echo ran || echo not-run)"
}
# Each: a step that fails, the message it must give.
cases=(
	"-B cap_kill -m cap_chown -u divetest1|set capabilities: Operation not permitted"
	"-s net -R $T/nonexistent|change the root directory: No such file or directory"
	"-N /proc/self/ns/user -s uts|enter the namespaces: Invalid argument"
	"-l nofile=2000000 -u divetest1|set resource limits: Operation not permitted"
	"-s uts -h $T/nonexistent|change the current directory: No such file or directory"
	"-u divetest1 -t $T/nonexistent/f x|write a file \\(--write-content\\): No such file or directory"
)
for c in "${cases[@]}"; do
	IFS='|' read -r opts msg <<< "$c"
	# shellcheck disable=SC2086
	start_dived $opts
	like "$opts: fails closed (127, the step, not run)" \
	    "$(attempt divetest1)" "^127/dive: the server could not $msg/not-run$"
	like "... and it is logged" "$(cat "$LOG")" \
	    "uid $(id -u divetest1): cannot $msg"
done

# With -F the monitor is the spawner: it logs the failure itself.
start_dived -F -R "$T/nonexistent"
err=$("$DIVE" "$SOCK" /bin/true 2>&1)
is "-F: a failing step fails the request too" $? 127
like "... and is logged" "$(cat "$LOG")" \
    "uid 0 pid [0-9]+: cannot change the root directory: No such file or directory"
wait "$DPID" 2>/dev/null
DPID=
# -J: said on dived's own stderr, the program not run.
rm -f "$T/ran"
err=$("$DIVED" -J -u divetest1 -B cap_kill -m cap_chown -- /bin/sh -c "echo > $T/ran" 2>&1)
is "-J: fails closed too" "$?/$err/$([ -e "$T/ran" ] && echo ran)" \
    "127/dived: cannot set capabilities: Operation not permitted/"
