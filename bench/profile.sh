#!/bin/bash
# SPDX-License-Identifier: MIT
# Where the time of one spawn goes (bench/README.md): per-stage latency
# from scheduler and system call tracepoints, CPU time per process kind,
# user-space instruction counts (callgrind), and an strace of one spawn
# through the whole daemon.  Runs as root; installs linux-perf, valgrind
# and strace when missing.
#   bench/profile.sh [OUTDIR]    (default: a new directory under /tmp)
# Environment: BENCH_BUILD (directory holding bin/), PROFILE_N (spawns
# per measurement, 300).
set -u
cd "$(dirname "$0")/.." || exit 1
BUILD=${BENCH_BUILD:-$PWD}
N=${PROFILE_N:-300}
OUT=${1:-$(mktemp -d /tmp/dive-profile.XXXXXX)}
mkdir -p "$OUT"

if [ "$(id -u)" != 0 ]; then
	echo "profile: run as root: it starts dived" >&2
	exit 1
fi
need=()
command -v perf >/dev/null || need+=(linux-perf)
command -v valgrind >/dev/null || need+=(valgrind)
command -v strace >/dev/null || need+=(strace)
if [ ${#need[@]} -gt 0 ]; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq </dev/null >/dev/null &&
	    apt-get install -y -qq --no-install-recommends "${need[@]}" \
	    </dev/null >/dev/null || { echo "profile: apt-get failed" >&2; exit 1; }
fi
for fd in /proc/$$/fd/*; do
	fd=${fd##*/}
	[ "$fd" -gt 2 ] 2>/dev/null && eval "exec $fd>&-"
done

W=$(mktemp -d /tmp/dive-profile-bin.XXXXXX)
chmod 755 "$W"
install -m 0755 "$BUILD/bin/dive" "$BUILD/bin/dived" \
    "$BUILD/bin/dived-listener" "$W/"
SOCK=@dive-profile-$$

# A script that starts dived, runs N spawns from a bash loop, stops it.
# It runs in a cgroup of its own, and perf records system-wide for that
# cgroup only: following the processes instead (perf's inherit mode)
# makes every fork much slower than it is.
CG=
if [ -d /sys/fs/cgroup/unified ]; then
	CG=dive-profile-$$
	mkdir "/sys/fs/cgroup/unified/$CG" || CG=
fi
[ -z "$CG" ] && echo "profile: no cgroup2 mount: following processes" \
    "instead (forks look slower than they are)" >&2
cleanup() {
	[ -n "$CG" ] && rmdir "/sys/fs/cgroup/unified/$CG" 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT
{
	[ -n "$CG" ] && echo "echo \$\$ > /sys/fs/cgroup/unified/$CG/cgroup.procs"
	echo "\"$W/dived\" $SOCK 2>/dev/null & d=\$!"
	echo "sleep 0.5"
	echo "for ((i = 0; i < $N; i++)); do \"$W/dive\" $SOCK /bin/true" \
	    "</dev/null >/dev/null; done"
	echo "kill \$d; wait \$d"
} > "$W/run.sh"

# record EVENTS OUTFILE [perf options]: perf record of one run.sh.
record() {
	local ev=$1 out=$2
	shift 2
	if [ -z "$CG" ]; then
		perf record -q -o "$out" -e "$ev" "$@" -- bash "$W/run.sh" \
		    >/dev/null 2>&1
		return
	fi
	rm -f "$W/done"
	(sleep 1; bash "$W/run.sh" >/dev/null 2>&1; touch "$W/done") &
	perf record -q -a -o "$out" -e "$ev" -G "$CG" "$@" -- bash -c \
	    "while [ ! -e '$W/done' ]; do sleep 0.2; done" >/dev/null 2>&1
	wait
}

med() { sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }

echo "== per-stage latency, median of $N spawns (tracepoints; load $(cut -d' ' -f1-3 /proc/loadavg))"
record sched:sched_process_exec,sched:sched_process_exit,syscalls:sys_enter_clone,syscalls:sys_exit_wait4,syscalls:sys_enter_connect,syscalls:sys_exit_recvmsg,syscalls:sys_enter_sendmsg,syscalls:sys_enter_exit_group \
    "$OUT/sched.data"
perf script -i "$OUT/sched.data" -F comm,pid,time,event,trace 2>/dev/null \
    > "$OUT/sched.txt"
# Stage boundaries, by the process that marks them:
#   fork   bash forks                  exec    dive is executed
#   conn   dive connects               hello   dive has the greeting
#   req    dive sends its request      mexec   the monitor has it
#   prog   /bin/true is executed       pexit   /bin/true exits
#   dexit  dive exits                  wait    bash has reaped dive
awk '
function t() { return $3 + 0 }
$1 == "bash" && /sys_enter_clone/ { fork = t(); st = 1; next }
st == 1 && $1 == "dive" && /sched_process_exec/ { exec = t(); st = 2; next }
st == 2 && $1 == "dive" && /sys_enter_connect/ { conn = t(); st = 3; next }
st == 3 && $1 == "dive" && /sys_exit_recvmsg: 0x1c/ { hello = t(); st = 4; next }
st == 4 && $1 == "dive" && /sys_enter_sendmsg/ { req = t(); st = 5; next }
st == 5 && $1 == "dived" && /sys_exit_recvmsg: 0x[0-9a-f][0-9a-f][0-9a-f]+$/ { mexec = t(); st = 6; next }
st == 6 && /sched_process_exec: filename=\/bin\/true/ { prog = t(); st = 7; next }
st == 7 && $1 == "true" && /sched_process_exit/ { pexit = t(); st = 8; next }
st == 8 && $1 == "dive" && /sys_enter_exit_group/ { dexit = t(); st = 9; next }
st == 9 && $1 == "bash" && /sys_exit_wait4/ {
	printf "%.0f %.0f %.0f %.0f %.0f %.0f %.0f %.0f %.0f %.0f\n",
	    (exec - fork) * 1e6, (conn - exec) * 1e6, (hello - conn) * 1e6,
	    (req - hello) * 1e6, (mexec - req) * 1e6, (prog - mexec) * 1e6,
	    (pexit - prog) * 1e6, (dexit - pexit) * 1e6, (t() - dexit) * 1e6,
	    (t() - fork) * 1e6
	st = 0
}' "$OUT/sched.txt" > "$OUT/stages.txt"
i=0
for s in "bash fork + exec of dive" "dive start-up (to connect)" \
    "connect, hand-over to a listener, greeting" "dive builds its request" \
    "listener checks it, monitor has it" \
    "spawner: fork, descriptors, ids, exec" "the program (/bin/true)" \
    "exit relay: monitor, listener, dive" "dive exits, bash reaps it" \
    "whole spawn"; do
	i=$((i + 1))
	printf '  %-44s %6s us\n' "$s" "$(cut -d' ' -f$i "$OUT/stages.txt" | med)"
done
echo "  ($(wc -l < "$OUT/stages.txt") complete spawns traced)"

echo "== CPU time by process, $N sequential spawns (perf, cpu-clock)"
record cpu-clock "$OUT/cpu.data" -F 10000 -g
perf report -i "$OUT/cpu.data" --sort comm --stdio --no-children -g none \
    2>/dev/null | awk -v n="$N" '/%/ && $1 ~ /%$/ { printf "  %-16s %6s\n", $2, $1 }' |
    head -8
perf report -i "$OUT/cpu.data" --sort comm,dso --stdio --no-children \
    -g none 2>/dev/null | grep '%' | head -14 > "$OUT/cpu-dso.txt"
echo "  (by library: $OUT/cpu-dso.txt)"

echo "== user-space instructions (callgrind)"
valgrind --tool=callgrind --callgrind-out-file="$OUT/cg.%p" \
    --dump-before=execvp --dump-before=execve --trace-children=no \
    "$W/dived" "$SOCK-cg" 2>/dev/null &
vp=$!
sleep 3
callgrind_control -z "$vp" >/dev/null
for i in 1 2 3 4 5 6 7 8 9 10; do
	"$W/dive" "$SOCK-cg" /bin/true </dev/null >/dev/null
done
callgrind_control -d "$vp" >/dev/null
valgrind --tool=callgrind --callgrind-out-file="$OUT/client.%p" \
    "$W/dive" "$SOCK-cg" /bin/true </dev/null >/dev/null 2>&1
kill "$vp"
wait "$vp" 2>/dev/null
mon=$(grep -h '^summary' "$OUT"/cg."$vp".* | awk '{ print $2 }' | sort -n | tail -1)
# A spawner's dump also counts what the monitor did since the reset.
spw=$(for f in "$OUT"/cg.*.1; do
	[ "$f" = "$OUT/cg.$vp.1" ] || grep -h '^summary' "$f"
done | awk '{ print $2 }' | sort -n | head -1)
echo "  monitor, per spawn:  $((mon / 10))"
echo "  spawner (fork to execve), at most: $spw"
echo "  dive, one spawn:     $(grep -h '^summary' "$OUT"/client.* | awk '{ print $2 }')"
echo "  (listeners cannot run under valgrind: their seccomp filter kills it)"

echo "== strace -f -tt -T of one spawn through the whole daemon"
strace -f -tt -T -o "$OUT/strace-dived.txt" "$W/dived" "$SOCK-st" \
    2>/dev/null &
sp=$!
sleep 1
strace -f -tt -T -o "$OUT/strace-dive.txt" "$W/dive" "$SOCK-st" /bin/true \
    </dev/null >/dev/null
sleep 0.5
# strace blocks SIGTERM while its program runs: end dived itself.
kill $(pgrep -P "$sp" -x dived) 2>/dev/null
wait "$sp" 2>/dev/null
echo "  system calls of the client: $(grep -vc 'resumed\|exited' "$OUT/strace-dive.txt")"
echo "  files: $OUT/strace-dive.txt, $OUT/strace-dived.txt"
echo "profile data: $OUT"
