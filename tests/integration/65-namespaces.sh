#!/bin/bash
# Namespaces as the program sees them: -N (setns, repeatable, in order),
# -s (a new namespace of each kind per program; with pid the program is
# pid 1), -tt (uid and gid maps of a new user namespace), -t FILE STRING
# (written after the namespaces are set up).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/roots.sh"
plan 33

chmod 755 "$T"
# ns KIND [USER]: the program's namespace of that kind
ns() {
	run_as "${2:-root}" "$DIVE" "$SOCK" /bin/readlink "/proc/self/ns/$1"
}
mine() {
	readlink "/proc/self/ns/$1"
}
# keeper OPTIONS...: a sleeping process in new namespaces, as
# `unshare OPTIONS sleep`; prints its pid once they exist.
keeper() {
	unshare "$@" sleep 600 > /dev/null 2>&1 &
	local p=$! i
	for i in $(seq 100); do
		[ "$(readlink /proc/$p/ns/net)$(readlink /proc/$p/ns/uts)" != \
		    "$(mine net)$(mine uts)" ] && break
		sleep 0.05
	done
	echo $p
}

# -N
k1=$(keeper --net --uts)
k2=$(keeper --net)
start_dived -N /proc/$k1/ns/net
is "-N: the program is in that network namespace" "$(ns net)" \
    "$(readlink /proc/$k1/ns/net)"
is "-N: for an unprivileged client too" "$(ns net nobody)" \
    "$(readlink /proc/$k1/ns/net)"
is "-N: the other namespaces stay dived's" "$(ns uts)" "$(mine uts)"
start_dived --setns /proc/$k1/ns/net -N /proc/$k1/ns/uts
is "-N twice: both" "$(ns net) $(ns uts)" \
    "$(readlink /proc/$k1/ns/net) $(readlink /proc/$k1/ns/uts)"
start_dived -N /proc/$k1/ns/net -N /proc/$k2/ns/net
is "-N in order: the last network namespace is the one" "$(ns net)" \
    "$(readlink /proc/$k2/ns/net)"
start_dived -N /proc/$k2/ns/net -N /proc/$k1/ns/net
is "... the other way round, the other one" "$(ns net)" \
    "$(readlink /proc/$k1/ns/net)"
# Opened once, at start-up (31-ns-pinned.sh): dived does not start.
err=$(timeout 10 "$DIVED" "$T/x" -N /etc/hostname 2>&1)
is "-N a file that is no namespace: dived does not start (usage, 4)" $? 4
like "... naming it" "$err" \
    "^dived: -N /etc/hostname: not a namespace file"
err=$(timeout 10 "$DIVED" "$T/x" -N "$T/nonexistent" 2>&1)
like "-N a missing file: dived does not start, named" "$?/$err" \
    "^4/dived: -N $T/nonexistent: No such file or directory"
kill $k1 $k2

# -s
for kind in ipc net mnt uts cgroup pid user; do
	start_dived -s $kind
	out=$(ns $kind)
	check "-s $kind: a namespace of its own (${out:-none})" \
	    test -n "$out" -a "$out" != "$(mine $kind)"
done
start_dived -s fs
out=$(ns mnt)
check "-s fs: dive 1.9's name for a mount namespace" \
    test -n "$out" -a "$out" != "$(mine mnt)"
start_dived -s net,uts
# (The first program holds its namespace until the second has looked:
# the number of a namespace that is gone may be given again.)
"$DIVE" "$SOCK" /bin/sh -c "readlink /proc/self/ns/net > $T/ns1
    while [ ! -e $T/ns1.go ]; do sleep 0.05; done" &
first=$!
for i in $(seq 200); do [ -s "$T/ns1" ] && break; sleep 0.05; done
out=$(ns net)
touch "$T/ns1.go"
wait $first
check "-s net,uts: a new one for each program" \
    test -s "$T/ns1" -a -n "$out" -a "$out" != "$(cat "$T/ns1")"
is "-s net: nothing but lo" \
    "$("$DIVE" "$SOCK" /bin/sh -c 'tail -n +3 /proc/net/dev | cut -d: -f1' | tr -d ' ')" \
    lo
is "-s uts: the program's hostname is its own" \
    "$("$DIVE" "$SOCK" /bin/sh -c 'hostname inside; hostname') $(hostname)" \
    "inside $(hostname)"
start_dived -s pid
is "-s pid: the program is pid 1 of its namespace" \
    "$("$DIVE" "$SOCK" /bin/sh -c 'echo $$')" 1
"$DIVE" "$SOCK" /bin/sh -c 'exit 5'
is "-s pid: its exit status comes back" $? 5
is "-s pid: for an unprivileged client too" \
    "$(run_as divetest1 "$DIVE" "$SOCK" /bin/sh -c 'echo $$ $(id -un)')" \
    "1 divetest1"
start_dived -s user
is "-s user: without maps the program's ids are the overflow ids" \
    "$(run_as divetest1 "$DIVE" "$SOCK" /bin/sh -c 'echo $(id -u) $(id -g)')" \
    "65534 65534"

# -tt
start_dived -s user -tt
out=$(run_as divetest1 "$DIVE" "$SOCK" /bin/sh -c 'id -u; cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups' | tr -s ' ')
is "-tt: root inside is the program's user outside" "$out" \
    "0
 0 $(id -u divetest1) 1
 0 $(id -g divetest1) 1
deny"
install -m 0600 /dev/null "$T/secret"
run_as divetest1 "$DIVE" "$SOCK" /bin/cat "$T/secret" 2>/dev/null
is "-tt: root only inside: a root-only file stays closed" $? 1
start_dived -s user,net -tt -u divetest2
is "-tt with -u: the map names -u's user, the program is root inside" \
    "$("$DIVE" "$SOCK" /bin/sh -c 'id -u; cat /proc/self/uid_map' | tr -s ' ')" \
    "0
 0 $(id -u divetest2) 1"

# -t FILE STRING.  The hostname tests run in a uts namespace of the
# test's own, so a file written in the wrong namespace changes nothing
# but that one (which is checked).
printf 'a long line that must go entirely\n' > "$T/written"
start_dived -t "$T/written" short -t "$T/created" first -t "$T/created" second
"$DIVE" "$SOCK" /bin/true
is "-t: the file holds the string (truncated first)" "$(cat "$T/written")" \
    short
is "-t: a missing file is created, and -t applies in order" \
    "$(cat "$T/created")" second
start_dived -t "$T/nonexistent/file" x
err=$("$DIVE" "$SOCK" /bin/true 2>&1)
like "-t to a file that cannot be written: 127, named" "$?/$err" \
    "^127/.*could not write a file \(--write-content\): No such file or directory"
# (serve, from roots.sh, starts a dived inside those namespaces.)
cat > "$T/uts.sh" <<'SH'
. "$T/serve.sh"
echo outer > /proc/sys/kernel/hostname
serve uts "$@"
echo "$("$DIVE" "$T/uts.sock" /bin/hostname) $(hostname)" > "$T/uts.out"
kill $!
wait $!
SH
uts() {
	rm -f "$T/uts.out"
	T=$T DIVE=$DIVE DIVED=$DIVED LOG=$LOG unshare --uts /bin/bash \
	    "$T/uts.sh" "$@" > /dev/null 2>&1
	cat "$T/uts.out"
}
is "-t after the namespaces: -s uts -t /proc/sys/kernel/hostname" \
    "$(uts -s uts -t /proc/sys/kernel/hostname from-t)" "from-t outer"
is "... with a new user namespace too, never outside it" \
    "$(uts -s user,uts -tt -t /proc/sys/kernel/hostname from-t)" \
    "from-t outer"

# A new mount namespace shares nothing back: a program's mount does not
# appear outside even under a shared mount (as systemd makes /).
cat > "$T/mnt.sh" <<'SH'
. "$T/serve.sh"
mkdir -p "$T/shared"
mount -t tmpfs shared "$T/shared" && mount --make-shared "$T/shared"
mkdir -m 0755 "$T/shared/sub"
serve mnt -s mnt
"$DIVE" "$T/mnt.sock" /bin/sh -c "mount -t tmpfs inner $T/shared/sub &&
    mountpoint -q $T/shared/sub && echo inside" > "$T/mnt.out"
mountpoint -q "$T/shared/sub" && echo leaked >> "$T/mnt.out"
kill $!
wait $!
umount -l "$T/shared"
SH
T=$T DIVE=$DIVE DIVED=$DIVED LOG=$LOG unshare --mount /bin/bash "$T/mnt.sh" \
    > /dev/null 2>&1
is "-s mnt: a program's mount stays inside" "$(cat "$T/mnt.out")" inside
