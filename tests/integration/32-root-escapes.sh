#!/bin/bash
# What a client's root must not give: with -r -L, no file of the client's
# root is read as root to decide on the capabilities (libcap-ng reads
# /proc/PID/status); after any change of root, no descriptor that can
# carry or reach others (an AF_UNIX socket, a pidfd, a namespace, an
# io_uring) reaches the program, unless --allow-outside-dirs.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/roots.sh"
plan 11

chmod 755 "$T"
R=$T/croot
mkroot "$R"
chown divetest1 "$R"

# -r -L: a status file for every pid the spawner may get, each with an
# old access time: one read as root shows in it.
first=$(($(cat /proc/sys/kernel/ns_last_pid) + 1))
mkdir -p $(seq -f "$R/proc/%g" "$first" $((first + 3000)))
for d in "$R"/proc/*; do
	printf 'Name:\tfake\nCapBnd:\t0000000000000000\n' > "$d/status"
done
touch -a -d @1000000000 "$R"/proc/*/status
chown -R divetest1 "$R/proc"
start_dived -r -L
out=$(cd "$R" && run_as divetest1 env DIVE_ROOTDIR="$R" "$DIVE" "$SOCK" /bin/probe ids 2>&1)
is "-r -L: the program runs as the client, in its root" "$out" \
    "$(ids_of divetest1)"
is "... and no file of the client's root was read to get there" \
    "$(stat -c %X "$R"/proc/*/status | grep -vc '^1000000000$')" 0
check "... (the files are where the spawner would have looked)" \
    test "$(cat /proc/sys/kernel/ns_last_pid)" -le $((first + 3000))

# After a change of root, a socket reaches what the client sends later:
# divetest1 passes one end of a socketpair to a program jailed as
# divetest2, then sends it a directory of hers outside the jail; from it
# the program would read divetest2's own file there, on her behalf.
J=$T/jail
mkroot "$J"
mkdir -m 755 "$T/d2"
echo "secret of divetest2" > "$T/d2/secret"
chown -R divetest2 "$T/d2"
chmod 600 "$T/d2/secret"
start_dived -R "$J" -u divetest2 -s net,ipc
try divetest1 "$SOCK" /bin/probe ids
is "-R -u: the jailed program runs" "$st/$out" "0/$(ids_of divetest2)"
out=$(cd / && run_as divetest1 "$PROBE" sendfd / "$DIVE" "$SOCK" \
    /bin/probe recvfd 3 "${T#/}/d2/secret" 2>&1)
st=$?
check "an AF_UNIX socket: no directory outside the jail reaches the program" \
    test "${out#*secret of divetest2}" = "$out"
like "... the request is refused (127), naming the descriptor and its kind" \
    "$st/$out" "^127/dive: the server could not pass on a descriptor that reaches outside the root: descriptor 3 \(an AF_UNIX socket"
out=$(run_as divetest1 "$PROBE" pidfd "$DIVE" "$SOCK" /bin/probe ids 2>&1)
like "a pidfd: refused" "$?/$out" "^127/.*descriptor 3 \(a pidfd"
out=$(run_as divetest1 "$DIVE" "$SOCK" /bin/probe ids 2>&1 3< /proc/self/ns/mnt)
like "a namespace: refused" "$?/$out" "^127/.*descriptor 3 \(a namespace"
out=$(echo piped | run_as divetest1 "$DIVE" "$SOCK" /bin/cat 2>&1)
is "a pipe still passes" "$?/$out" "0/piped"
out=$(run_as divetest1 "$DIVE" "$SOCK" /bin/cat /marker 2>&1 3< "$T/d2")
like "a directory outside: refused as before" "$?/$out" \
    "^127/.*could not pass on a directory outside the program's root: descriptor 3"
start_dived -R "$J" -u divetest2 -s net,ipc --allow-outside-dirs
out=$(cd / && run_as divetest1 "$PROBE" sendfd / "$DIVE" "$SOCK" \
    /bin/probe recvfd 3 "${T#/}/d2/secret" 2>&1)
is "--allow-outside-dirs: the operator allows it (as documented)" \
    "$?/$out" "0/secret of divetest2"
