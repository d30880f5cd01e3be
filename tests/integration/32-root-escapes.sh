#!/bin/bash
# What a client's root must not give: with -r -L, no file of the client's
# root is read as root to decide on the capabilities (libcap-ng reads
# /proc/PID/status); after any change of root, no descriptor that can
# carry or reach others (an AF_UNIX socket, a pidfd, a namespace, an
# io_uring) reaches the program, unless --allow-outside-dirs.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/roots.sh"
plan 3

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
out=$(at() { cd "$1" && shift && "$@"; }; at "$R" run_as divetest1 env DIVE_ROOTDIR="$R" "$DIVE" "$SOCK" /bin/probe ids 2>&1)
is "-r -L: the program runs as the client, in its root" "$out" \
    "$(ids_of divetest1)"
is "... and no file of the client's root was read to get there" \
    "$(stat -c %X "$R"/proc/*/status | grep -vc '^1000000000$')" 0
check "... (the files are where the spawner would have looked)" \
    test "$(cat /proc/sys/kernel/ns_last_pid)" -le $((first + 3000))
