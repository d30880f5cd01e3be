#!/bin/bash
# The template units under a real systemd: "systemctl enable --now
# dived@NAME.socket" serves a socket per tenant, started on the first
# connection, with the options of /etc/dive/NAME.conf, its programs in the
# tenant's service, and stopping, starting and disabling it behave.  Each
# instance's listeners run as a user of their own, made when it starts,
# so that one tenant's running sessions do not count against another's
# process limit (nor could its listeners signal another's).
#
# systemd runs as process 1 of a container: new pid, mount, cgroup, UTS,
# IPC and network namespaces, whose root is an overlay of the machine's
# own on a tmpfs (the programs, libraries and systemd are the real ones;
# nothing written there reaches the machine), with its own /proc, /dev,
# /run and cgroup2 hierarchy and a read-only /sys.  make install puts
# dived into it as a package would; a script run by a unit of the
# container does what an operator does and writes down what it saw; the
# checks below read that.  Builds its own binaries, so it runs once, with
# the default build.
if [ -z "${DIVE_SD_NS:-}" ] && [ "$(id -u)" = 0 ] &&
    command -v unshare >/dev/null; then
	DIVE_SD_NS=1 exec unshare --mount --propagation private bash "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"
N=24
plan $N

[ "$BUILD" = "$ROOT" ] ||
    skip_all "builds its own binaries: run with the default build only"
[ -n "${DIVE_SD_NS:-}" ] || skip_all "needs unshare(1) for a private mount namespace"
if [ ! -x /lib/systemd/systemd ] || ! command -v systemctl >/dev/null; then
	skip_all "systemd is not installed"
fi

# The cgroup2 hierarchy of the machine: the container gets a group of its
# own below it, as the root of its cgroup namespace.
if [ -f /sys/fs/cgroup/cgroup.procs ]; then
	CG2=/sys/fs/cgroup
elif [ -f /sys/fs/cgroup/unified/cgroup.procs ]; then
	CG2=/sys/fs/cgroup/unified
else
	skip_all "no cgroup2 hierarchy"
fi
CG=$CG2/dive-systemd-test-$$
CPID=

cg_remove() {	# depth first; systemd leaves its groups when it is killed
	[ -d "$CG" ] || return 0
	find "$CG" -depth -type d -exec rmdir {} + 2>/dev/null
}
cleanup_sd() {
	[ -n "$CPID" ] && kill -KILL "$CPID" 2>/dev/null && wait "$CPID"
	cg_remove
	mountpoint -q "$R" && umount -l "$R"
	mountpoint -q "$T/ovl" && umount -l "$T/ovl"
}
at_exit cleanup_sd

# --- the container's root ----------------------------------------------------
R=$T/ovl/root
mkdir -p "$T/ovl" && mount -t tmpfs tmpfs "$T/ovl" &&
    mkdir "$T/ovl/up" "$T/ovl/wk" "$R" &&
    mount -t overlay overlay \
    -o "lowerdir=/,upperdir=$T/ovl/up,workdir=$T/ovl/wk" "$R"
is "an overlay of the machine's root" $? 0
make -s -C "$ROOT" -j2 O="$T/o" PREFIX=/usr SYSCONFDIR=/etc \
    SYSTEMDUNITDIR=/lib/systemd/system DESTDIR="$R" install \
    >"$T/make.log" 2>&1
st=$?
is "make install PREFIX=/usr SYSCONFDIR=/etc DESTDIR=<its root>" $st 0
[ $st -ne 0 ] && diag "$(tail -n 20 "$T/make.log")"
rm -rf "$R/etc/systemd/system"/*.wants "$R/etc/dive"

# What the container boots: one target with one service, which runs the
# operator's steps and powers the container off.
cat > "$R/etc/systemd/system/divetest.target" <<'EOF'
[Unit]
Description=dive systemd test
DefaultDependencies=no
Wants=divetest.service
EOF
cat > "$R/etc/systemd/system/divetest.service" <<'EOF'
[Unit]
Description=dive systemd test steps
DefaultDependencies=no
[Service]
Type=oneshot
StandardOutput=file:/divetest.out
StandardError=inherit
ExecStart=/bin/bash /divetest.sh
ExecStopPost=/bin/systemctl --no-block poweroff
EOF
# Each step prints KEY=VALUE (the value on one line).
cat > "$R/divetest.sh" <<'EOF'
set -u
r() { printf '%s=%s\n' "$1" "$(printf '%s' "$2" | tr '\n' '|')"; }
as() {	# as USER COMMAND...
	local u=$1
	shift
	setpriv --reuid="$u" --regid="$(id -g "$u")" --init-groups -- "$@"
}
useradd --system --no-create-home --home-dir /nonexistent \
    --shell /usr/sbin/nologin _dived
groupadd tenant1
groupadd tenant2
useradd -M -d /nonexistent -G tenant1 alice
useradd -M -d /nonexistent -G tenant2 bob
mkdir -p /etc/dive
echo 'DIVED_OPTS="--max-connections 2 -A -- /bin/echo forced for tenant2"' \
    > /etc/dive/tenant2.conf

systemctl enable --now dived@tenant1.socket dived@tenant2.socket 2>&1
r enable $?
r enabled "$(systemctl is-enabled dived@tenant1.socket dived@tenant2.socket)"
r sock "$(stat -c '%U:%G %a %F' /run/dive/tenant1.sock /run/dive/tenant2.sock)"
r before "$(systemctl is-active dived@tenant1.service)"
out=$(as alice dive /run/dive/tenant1.sock /bin/sh -c 'id -un; exit 7')
r alice "$out/$?"
r after "$(systemctl is-active dived@tenant1.service)"
pid=$(systemctl show -P MainPID dived@tenant1.service)
r mainexe "$(readlink /proc/$pid/exe)"
r listener "$(ps -o user= --ppid "$pid" | sort -u)"
r cgroup "$(as alice dive /run/dive/tenant1.sock cat /proc/self/cgroup)"
out=$(as bob dive /run/dive/tenant1.sock /bin/true 2>&1)
r bob1 "$?/$out"
# alice keeps 12 sessions of tenant1 running (12 listeners), more than
# tenant2's listener master may have processes (--max-connections 2,
# so 10): bob is served by tenant2 all the same.
for i in $(seq 12); do
	as alice dive /run/dive/tenant1.sock /bin/sleep 60 &
done
for i in $(seq 200); do
	[ "$(pgrep -c -u alice -x sleep)" = 12 ] && break
	sleep 0.05
done
r sleeps "$(pgrep -c -u alice -x sleep)"
out=$(as bob dive /run/dive/tenant2.sock /bin/sh -c 'exit 3' 2>/tmp/err)
r bob2 "$?/$out"
r bob2err "$(cat /tmp/err)"
pid2=$(systemctl show -P MainPID dived@tenant2.service)
r listener2 "$(ps -o user= --ppid "$pid2" | sort -u)"
u1=$(id -u _dived-tenant1) && u2=$(id -u _dived-tenant2) && [ "$u1" != "$u2" ]
r luids "$?"
r lshell "$(getent passwd _dived-tenant1 | cut -d: -f7)"
kill $(pgrep -u alice -x sleep)
systemctl stop dived@tenant1.socket dived@tenant1.service
r stopped "$(systemctl is-active dived@tenant1.socket dived@tenant1.service)/$(ls /run/dive)"
out=$(as alice dive /run/dive/tenant1.sock /bin/true 2>&1)
r gone "$?/$out"
systemctl start dived@tenant1.socket
out=$(as alice dive /run/dive/tenant1.sock /bin/sh -c 'id -un')
r again "$out/$?"
systemctl disable --now dived@tenant1.socket dived@tenant1.service 2>&1
r disable "$?/$(systemctl is-enabled dived@tenant1.socket)/$(systemctl is-active dived@tenant2.socket)"
r failed "$(systemctl list-units --failed --plain --no-legend 'dived*')"
r done 1
EOF

# --- boot it -------------------------------------------------------------
mkdir "$CG" || skip_all "cannot create a cgroup in $CG2"
(
	echo "$BASHPID" > "$CG/cgroup.procs" || exit 1
	# shellcheck disable=SC2016
	exec timeout -s KILL 180 unshare --pid --fork --mount --uts --ipc \
	    --net --cgroup --propagation private bash -c '
	R=$1
	mount -t proc proc "$R/proc" &&
	mount --rbind /sys "$R/sys" &&
	mount -o remount,bind,ro "$R/sys" &&
	mount -t cgroup2 cgroup2 "$R/sys/fs/cgroup" &&
	mount -t tmpfs -o mode=755,nosuid tmpfs "$R/dev" &&
	for n in null zero full random urandom tty; do
		touch "$R/dev/$n" && mount --bind "/dev/$n" "$R/dev/$n" || exit 1
	done &&
	mkdir "$R/dev/pts" "$R/dev/shm" &&
	mount -t devpts -o newinstance,ptmxmode=0666,mode=620 devpts "$R/dev/pts" &&
	ln -s pts/ptmx "$R/dev/ptmx" &&
	mount -t tmpfs -o mode=755,nosuid,nodev tmpfs "$R/run" &&
	mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$R/tmp" || exit 1
	exec chroot "$R" env -i container=dive-test TERM=dumb \
	    /lib/systemd/systemd --unit=divetest.target \
	    --log-target=console --show-status=no
	' bash "$R"
) < /dev/null > "$T/boot.log" 2>&1 &
CPID=$!
wait "$CPID"
st=$?
CPID=
declare -A got=()
while IFS='=' read -r k v; do
	[ -n "$k" ] && got[$k]=$v
done < "$T/ovl/up/divetest.out" 2>/dev/null
if [ "${got[done]:-}" != 1 ]; then
	not_ok "systemd booted the container and ran the steps (status $st)"
	diag "$(tail -n 40 "$T/boot.log")" \
	    "$(cat "$T/ovl/up/divetest.out" 2>/dev/null)"
else
	ok "systemd booted the container and ran the steps"
fi
g() { printf '%s' "${got[$1]-(not run)}"; }

is "systemctl enable --now dived@tenant1.socket dived@tenant2.socket" \
    "$(g enable)" 0
is "... both enabled" "$(g enabled)" "enabled|enabled"
is "... sockets /run/dive/NAME.sock, root:NAME, mode 0660" "$(g sock)" \
    "root:tenant1 660 socket|root:tenant2 660 socket"
is "dived@tenant1.service waits for the first connection" "$(g before)" \
    inactive
is "a member of tenant1 runs a program through it, exit status relayed" \
    "$(g alice)" "alice/7"
is "... which started dived@tenant1.service (socket activation)" \
    "$(g after)" active
is "... running the installed dived" "$(g mainexe)" /usr/sbin/dived
is "... whose listener runs as the instance's own user, _dived-tenant1" \
    "$(g listener)" _dived-tenant1
like "the tenant's programs run in its service's cgroup" "$(g cgroup)" \
    "(^|\|)0::/system.slice/system-dived.slice/dived@tenant1.service(\||$)"
like "a member of tenant2 may not use tenant1's socket (exit 2)" \
    "$(g bob1)" "^2/dive: .*Permission denied"
is "alice runs 12 programs through tenant1" "$(g sleeps)" 12
is "tenant2 serves its forced command (/etc/dive/tenant2.conf) while tenant1 runs more sessions than tenant2's process limit" \
    "$(g bob2)" "0/forced for tenant2"
like "... and dive says that its arguments were ignored" "$(g bob2err)" \
    "^dive: the server ignores client arguments"
is "tenant2's listener runs as _dived-tenant2" "$(g listener2)" \
    _dived-tenant2
like "... two system users, of distinct uids, made on start, no login shell" \
    "$(g luids)/$(g lshell)" '^0//usr/sbin/nologin$'

is "systemctl stop: socket and service inactive, socket removed" \
    "$(g stopped)" "inactive|inactive/tenant2.sock"
like "... and dive says so (exit 1 or 2)" "$(g gone)" \
    "^[12]/dive: .*(No such file|connect)"
is "systemctl start of the socket: served again" "$(g again)" "alice/0"
is "systemctl disable --now: tenant1 disabled, tenant2 still listening" \
    "$(g disable)" "0/disabled/active"
is "no failed dived unit" "$(g failed)" ""
# reboot(2) in a pid namespace ends its process 1 as killed by SIGINT
# for a power-off (SIGHUP for a reboot); unshare ends the same way: 130.
is "systemd powered the container off by itself, nothing left running" \
    "$st/$(find "$CG" -name cgroup.procs -exec cat {} +)" "130/"
