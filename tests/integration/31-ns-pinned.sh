#!/bin/bash
# -N joins the namespaces named at start-up for dived's whole life: a
# /proc/PID/ns path whose process ended is refused, even when a user's
# process took the pid over (in namespaces of its own, where it mounted
# its own file over the forced command); the namespaces dived keeps open
# never reach a program.  (--pass-fds-umask: the forced root command
# writes its output to the client, which a forced command with a
# privilege gain would otherwise not get.)
. "$(dirname "$0")/lib.sh"
plan 12

chmod 755 "$T"
mkdir "$T/u"
chown divetest1 "$T/u"
# container: a root process in a mount namespace of its own (a stand-in
# for a container); prints its pid once the namespace exists.
container() {
	local p
	unshare -m --propagation private sleep 1000 > /dev/null 2>&1 &
	p=$!
	waitfor '[ "$(readlink /proc/$p/ns/mnt)" != "$(readlink /proc/self/ns/mnt)" ]' >&2
	echo "$p"
}

# The user's file, and her process: in a user and mount namespace of
# her own, her file mounted over the forced command.
cat > "$T/evil" <<EOF
#!/bin/sh
echo pwned | tee $T/ran-as
EOF
chmod 755 "$T/evil"
cat > "$T/squat" <<EOF
#!/bin/sh
mount --bind $T/evil /usr/bin/id || exit 1
echo mounted > $T/u/ready
exec sleep 1000
EOF
chmod 755 "$T/squat"

C=$(container)
start_dived -u root -E -A -H --pass-fds-umask -N "/proc/$C/ns/mnt" -- /usr/bin/id
try divetest1 "$SOCK"
is "-N into a live container: the forced command runs there" \
    "$st/$out" "0/uid=0(root) gid=0(root) groups=0(root)"

# The container ends; divetest1 takes its pid over (deterministically:
# the next pid is set to it, and retried if another process got it).
kill "$C"
waitfor "! [ -e /proc/$C ]"
got=
for i in $(seq 20); do
	rm -f "$T/u/ready"
	echo $((C - 1)) > /proc/sys/kernel/ns_last_pid
	setpriv --reuid=divetest1 --regid="$(id -g divetest1)" --init-groups \
	    -- unshare -Urm "$T/squat" > /dev/null 2>&1 &
	p=$!
	waitfor "[ -e $T/u/ready ] || ! [ -e /proc/$p ]"
	if [ "$p" = "$C" ] && [ -e "$T/u/ready" ]; then
		got=yes
		break
	fi
	kill "$p" 2>/dev/null
	wait "$p" 2>/dev/null
done
is "the user holds the container's pid, in a mount namespace of hers" \
    "$got/$(awk '/^Uid:/ { print $2 }' "/proc/$C/status")" \
    "yes/$(id -u divetest1)"
check "... where her file is the forced command" \
    test "$(readlink "/proc/$C/ns/mnt")" != "$(readlink /proc/self/ns/mnt)"

rm -f "$T/ran-as"
try divetest1 "$SOCK"
is "her file never runs as root" "$(stat -c %U "$T/ran-as" 2>&1)" \
    "stat: cannot statx '$T/ran-as': No such file or directory"
like "the request is refused (127), naming the reason" "$st/$err" \
    "^127/dive: the server could not enter the namespaces named at start-up \(dived -N\): namespace 1 of -N: its process has ended"
like "... and the log names the namespace" "$(cat "$LOG")" \
    "namespace /proc/$C/ns/mnt: its process has ended"
try divetest2 "$SOCK"
check "... every later request too" test "$st" = 127 -a ! -e "$T/ran-as"
kill "$p" 2>/dev/null
wait "$p" 2>/dev/null

# A namespace file that is not /proc/PID (a bind mount, as ip-netns
# makes): the namespace it names at start-up, or refused.
C=$(container)
touch "$T/mntns"
mount --bind "/proc/$C/ns/mnt" "$T/mntns"
start_dived -u root -E -A -H --pass-fds-umask -N "$T/mntns" -- /usr/bin/id
try divetest1 "$SOCK"
is "-N a bind-mounted namespace file: joined" "$st/$out" \
    "0/uid=0(root) gid=0(root) groups=0(root)"
umount -l "$T/mntns"
kill "$C"
C=$(container)
mount --bind "/proc/$C/ns/mnt" "$T/mntns"
try divetest1 "$SOCK"
like "... naming another namespace later: refused" "$st/$err" \
    "^127/.*namespace 1 of -N: its file names another namespace now"
umount -l "$T/mntns"

# The descriptors dived keeps: never the program's, and -N at start-up
# refuses what is no namespace.
start_dived -N "/proc/$C/ns/mnt" -N "/proc/$C/ns/net"
try divetest1 "$SOCK" /bin/sh -c 'ls -l /proc/$$/fd'
like "the program runs" "$st/$out" "^0/.* 0 -> "
check "no namespace descriptor or pidfd of dived's reaches it" \
    test -z "$(echo "$out" | grep -E 'mnt:|net:|pidfd')"
kill "$C"
stop_dived
err=$(timeout 10 "$DIVED" "$T/x" -N /etc/hostname 2>&1)
like "-N a file that is no namespace: dived does not start" "$?/$err" \
    "^4/dived: -N /etc/hostname: not a namespace file"
