#!/bin/bash
# SPDX-License-Identifier: MIT
# make bench: how fast dive starts a program, against plain fork+exec of
# /bin/true, setpriv, runuser, sudo and s6-sudo, all in one run; then the
# daemon's memory, descriptors and zombies over 10,000 spawns, and 1,000
# clients connected at once.  See bench/README.md for the method.
#
# Runs as root (it starts dived and installs what it compares against).
# Environment (defaults in brackets):
#   BENCH_BUILD        directory holding bin/ [the source tree]
#   BENCH_ONLY         sections to run: seq par soak conc [all four]
#   BENCH_SEQ_N        spawns per tool, sequential [1000]
#   BENCH_PAR_ROUNDS   interleaved rounds of the parallel loops [3]
#   BENCH_PAR_LOOPS    parallel client loops [16]
#   BENCH_PAR_N        spawns per loop and round [40]
#   BENCH_SOAK         spawns of the memory soak [10000]
#   BENCH_CONC         clients connected at once [1000]
#   BENCH_TOOLS        tools compared [plain setpriv runuser sudo s6 dive]
#   BENCH_COMPARE      another build (a directory holding bin/): adds the
#                      tool "base", its dive against its own dived, to
#                      measure a change before and after in one run
#   BENCH_DIVED_OPTS   extra options for every dived started here
#   BENCH_AUDIT        1: every dived writes its audit records as JSON
#                      lines to a file of the bench's own (--audit-log);
#                      0: no audit log [1]
set -u
cd "$(dirname "$0")/.." || exit 1
BUILD=${BENCH_BUILD:-$PWD}
ONLY=${BENCH_ONLY:-seq par soak conc}
SEQ_N=${BENCH_SEQ_N:-1000}
PAR_ROUNDS=${BENCH_PAR_ROUNDS:-3}
PAR_LOOPS=${BENCH_PAR_LOOPS:-16}
PAR_N=${BENCH_PAR_N:-40}
SOAK=${BENCH_SOAK:-10000}
CONC=${BENCH_CONC:-1000}
TOOLS=${BENCH_TOOLS:-plain setpriv runuser sudo s6 dive}
COMPARE=${BENCH_COMPARE:-}
[ -n "$COMPARE" ] && [[ " $TOOLS " != *" base "* ]] && TOOLS="$TOOLS base"
# shellcheck disable=SC2206
DIVED_OPTS=(${BENCH_DIVED_OPTS:-})
AUDIT=${BENCH_AUDIT:-1}

if [ "$(id -u)" != 0 ]; then
	echo "bench: run as root (make bench as root): it starts dived" >&2
	exit 1
fi
for f in dive dived dived-listener; do
	if [ ! -x "$BUILD/bin/$f" ]; then
		echo "bench: $BUILD/bin/$f is missing; run make first" >&2
		exit 1
	fi
done

# What is compared, from Debian: setpriv and runuser (util-linux), sudo,
# s6-sudo, s6-sudod and s6-ipcserver (s6).
need=()
command -v setpriv >/dev/null && command -v runuser >/dev/null ||
    need+=(util-linux)
command -v sudo >/dev/null || need+=(sudo)
command -v s6-sudo >/dev/null && command -v s6-ipcserver >/dev/null ||
    need+=(s6)
if [ ${#need[@]} -gt 0 ]; then
	echo "bench: installing ${need[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq </dev/null >/dev/null &&
	    apt-get install -y -qq --no-install-recommends "${need[@]}" \
	    </dev/null >/dev/null || { echo "bench: apt-get failed" >&2; exit 1; }
fi

# Nothing but stdin, stdout and stderr open: each tool (dive passes every
# descriptor) sees the same three.
for fd in /proc/$$/fd/*; do
	fd=${fd##*/}
	[ "$fd" -gt 2 ] 2>/dev/null && eval "exec $fd>&-"
done

# CPU time of everything the bench starts (the tools, the daemons and
# every process they start), from a cpuacct cgroup of its own: what the
# other jobs on the machine use is not counted.
CG=
if [ -d /sys/fs/cgroup/cpuacct ] &&
    mkdir "/sys/fs/cgroup/cpuacct/dive-bench-$$" 2>/dev/null; then
	CG=/sys/fs/cgroup/cpuacct/dive-bench-$$
	echo $$ > "$CG/cgroup.procs"
fi
cpu_ns() {
	local v=0
	[ -n "$CG" ] && read -r v < "$CG/cpuacct.usage"
	echo "$v"
}

# The listener's system user, as the install steps create it; removed
# again at the end when the bench created it.
created_user=0
if ! getent passwd _dived >/dev/null; then
	useradd --system --no-create-home --home-dir /nonexistent \
	    --shell /usr/sbin/nologin _dived || exit 1
	created_user=1
fi

W=$(mktemp -d /tmp/dive-bench.XXXXXX)
chmod 755 "$W"
install -m 0755 "$BUILD/bin/dive" "$BUILD/bin/dived" \
    "$BUILD/bin/dived-listener" "$W/"
DIVE=$W/dive
DSOCK=@dive-bench-$$
BSOCK=@dive-bench-base-$$
BPID=
if [ -n "$COMPARE" ]; then
	mkdir -m 755 "$W/base"
	install -m 0755 "$COMPARE/bin/dive" "$COMPARE/bin/dived" \
	    "$COMPARE/bin/dived-listener" "$W/base/"
fi
S6SOCK=$W/s6sock
AUDIT_LOG=
if [ "$AUDIT" = 1 ]; then
	AUDIT_LOG=$W/audit.json
	DIVED_OPTS+=(--audit-log "$AUDIT_LOG")
fi
DPID= S6PID=

cleanup() {
	[ -n "$DPID" ] && kill "$DPID" 2>/dev/null && wait "$DPID" 2>/dev/null
	[ -n "$S6PID" ] && kill "$S6PID" 2>/dev/null && wait "$S6PID" 2>/dev/null
	[ -n "$BPID" ] && kill "$BPID" 2>/dev/null && wait "$BPID" 2>/dev/null
	rm -rf "$W"
	[ $created_user = 1 ] && userdel _dived
	if [ -n "$CG" ]; then
		echo $$ > /sys/fs/cgroup/cpuacct/cgroup.procs
		rmdir "$CG" 2>/dev/null
	fi
}
trap cleanup EXIT

# start_dived SOCKET [OPTIONS...]: a dived as make check starts it; sets
# DPID and LMPID (its listener master).
start_dived() {
	local sock=$1 i
	shift
	: > "$W/dived.log"
	"${DIVED_EXE:-$W/dived}" "$sock" "${DIVED_OPTS[@]}" "$@" \
	    2>>"$W/dived.log" &
	DPID=$!
	for ((i = 0; i < 200; i++)); do
		grep -q "listening on" "$W/dived.log" && break
		sleep 0.05
	done
	LMPID=$(pgrep -P "$DPID" -x dived-lmaster)
	if [ -z "$LMPID" ]; then
		echo "bench: dived did not start:" >&2
		cat "$W/dived.log" >&2
		exit 1
	fi
}

stop_dived() {
	kill "$DPID" 2>/dev/null
	wait "$DPID" 2>/dev/null
	DPID=
}

start_s6() {
	local i
	s6-ipcserver -c 64 -C 64 "$S6SOCK" s6-sudod >/dev/null 2>&1 &
	S6PID=$!
	for ((i = 0; i < 200; i++)); do
		[ -S "$S6SOCK" ] && return 0
		sleep 0.05
	done
	echo "bench: s6-ipcserver did not start" >&2
	exit 1
}

# One spawn of /bin/true by each tool.
run_plain() { /bin/true; }
run_setpriv() { setpriv --reuid=nobody /bin/true; }
run_runuser() { runuser -u nobody -- /bin/true; }
run_sudo() { sudo -n /bin/true; }
run_s6() { s6-sudo "$S6SOCK" /bin/true; }
run_dive() { "$DIVE" "$DSOCK" /bin/true; }
run_base() { "$W/base/dive" "$BSOCK" /bin/true; }

label() {
	case $1 in
	plain) echo "/bin/true (fork+exec)" ;;
	setpriv) echo "setpriv --reuid=nobody" ;;
	runuser) echo "runuser -u nobody --" ;;
	sudo) echo "sudo -n" ;;
	s6) echo "s6-sudo SOCK" ;;
	dive) echo "dive SOCK" ;;
	base) echo "dive SOCK (BENCH_COMPARE)" ;;
	esac
}

usec() {	# EPOCHREALTIME as microseconds
	local t=${1/./}
	echo $((10#$t))
}

median() {	# numbers on stdin
	sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print 0;
	    else if (NR % 2) print v[(NR + 1) / 2];
	    else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# loop TOOL N: N spawns in a row; prints the number that failed.
loop() {
	local f=run_$1 n=$2 i fails=0
	for ((i = 0; i < n; i++)); do
		$f </dev/null >/dev/null 2>&1 || fails=$((fails + 1))
	done
	echo $fails
}

loadavg() {
	cut -d' ' -f1-3 /proc/loadavg
}

machine() {
	echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo |
	    cut -d: -f2- | sed 's/^ //'), Linux $(uname -r), Debian" \
	    "$(cat /etc/debian_version), $(date -u '+%Y-%m-%d %H:%M UTC')"
}

# Sequential: SEQ_N iterations; each runs every tool once, in an order
# that rotates, and times each spawn, so that the load of other jobs on
# the machine hits all tools alike.  Medians of the per-spawn
# times; mean in brackets.
section_seq() {
	local tools=($TOOLS) i k t t0 t1 nt
	nt=${#tools[@]}
	echo "== sequential: $SEQ_N spawns per tool, interleaved one by one" \
	    "(load $(loadavg))"
	for t in "${tools[@]}"; do loop "$t" 5 >/dev/null; done	# warm up
	for ((i = 0; i < SEQ_N; i++)); do
		for ((k = 0; k < nt; k++)); do
			t=${tools[(k + i) % nt]}
			t0=$EPOCHREALTIME
			"run_$t" </dev/null >/dev/null 2>&1 ||
			    echo "$i" >> "$W/seqfail.$t"
			t1=$EPOCHREALTIME
			echo "$i $(($(usec "$t1") - $(usec "$t0")))" >> "$W/seq.$t"
		done
	done
	local base us mean
	base=$(cut -d' ' -f2 "$W/seq.plain" | median)
	printf '%-26s %10s %8s %8s %7s\n' tool "us/spawn" ratio spawns/s failed
	for t in "${tools[@]}"; do
		us=$(cut -d' ' -f2 "$W/seq.$t" | median)
		mean=$(awk '{ s += $2 } END { printf "%.0f", s / NR }' "$W/seq.$t")
		printf '%-26s %10s %8s %8s %7s\n' "$(label "$t")" \
		    "$us ($mean)" \
		    "$(awk -v a="$us" -v b="$base" 'BEGIN { printf "%.2f", a / b }')" \
		    "$(awk -v a="$us" 'BEGIN { printf "%.0f", 1e6 / a }')" \
		    "$(cat "$W/seqfail.$t" 2>/dev/null | wc -l)"
	done
	ratio dive setpriv "dive / setpriv" " (target <= 1.25)"
	ratio dive base "dive / base" ""
	echo "load after: $(loadavg)"
}

# ratio A B TEXT SUFFIX: the median of A's time over B's, spawn by spawn.
ratio() {
	[ -f "$W/seq.$1" ] && [ -f "$W/seq.$2" ] || return 0
	join <(sort -k1,1 "$W/seq.$1") <(sort -k1,1 "$W/seq.$2") |
	    awk '{ print $2 / $3 }' | median |
	    awk -v t="$3" -v x="$4" '{ printf "%s, median of per-spawn ratios: %.2f%s\n", t, $1, x }'
}

# Parallel: PAR_LOOPS client loops at once, PAR_N spawns each; spawns/s
# over the wall time, and the spawns that failed.
par_once() {
	local t=$1 j t0 t1 c0 c1 pids=()
	c0=$(cpu_ns)
	t0=$(usec "$EPOCHREALTIME")
	for ((j = 0; j < PAR_LOOPS; j++)); do
		loop "$t" "$PAR_N" > "$W/par.$t.$j" &
		pids+=($!)
	done
	wait "${pids[@]}"
	t1=$(usec "$EPOCHREALTIME")
	c1=$(cpu_ns)
	awk -v n=$((PAR_LOOPS * PAR_N)) -v us=$((t1 - t0)) \
	    'BEGIN { printf "%.0f\n", n * 1e6 / us }' >> "$W/par.$t"
	awk -v n=$((PAR_LOOPS * PAR_N)) -v ns=$((c1 - c0)) \
	    'BEGIN { printf "%.0f\n", ns / n / 1000 }' >> "$W/parcpu.$t"
	cat "$W/par.$t".[0-9]* >> "$W/parfail.$t"
	rm -f "$W/par.$t".[0-9]*
}

section_par() {
	local tools=($TOOLS) r k t base s
	echo "== parallel: $PAR_LOOPS loops x $PAR_N spawns, $PAR_ROUNDS rounds," \
	    "median (load $(loadavg))"
	for ((r = 0; r < PAR_ROUNDS; r++)); do
		for ((k = 0; k < ${#tools[@]}; k++)); do
			par_once "${tools[(k + r) % ${#tools[@]}]}"
		done
	done
	base=$(median < "$W/par.plain")
	printf '%-26s %10s %8s %7s %12s\n' tool spawns/s "of plain" failed \
	    "CPU us/spawn"
	for t in "${tools[@]}"; do
		s=$(median < "$W/par.$t")
		printf '%-26s %10s %8s %7s %12s\n' "$(label "$t")" "$s" \
		    "$(awk -v a="$s" -v b="$base" 'BEGIN { printf "%.2f", a / b }')" \
		    "$(awk '{ s += $1 } END { print s + 0 }' "$W/parfail.$t")" \
		    "$([ -n "$CG" ] && median < "$W/parcpu.$t" || echo -)"
	done
	if [ -f "$W/par.dive" ] && [ -f "$W/par.setpriv" ]; then
		awk -v a="$(median < "$W/par.dive")" \
		    -v b="$(median < "$W/par.setpriv")" 'BEGIN {
		    printf "dive / setpriv throughput: %.2f (target >= 0.8)\n", a / b }'
	fi
	echo "load after: $(loadavg)"
}

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
nfd() { ls "/proc/$1/fd" | wc -l; }
zombies() {	# zombie children of the given pids
	local p n=0
	for p in "$@"; do
		n=$((n + $(ps --ppid "$p" -o stat= | grep -c '^Z')))
	done
	echo $n
}

# Wait until the daemon has no session left (no listener, no program).
settle() {
	local i
	for ((i = 0; i < 400; i++)); do
		[ -z "$(pgrep -P "$LMPID" -x dived-listener)" ] &&
		    [ -z "$(pgrep -P "$DPID" | grep -vx "$LMPID")" ] && return 0
		sleep 0.05
	done
}

# Memory and descriptors of the daemon (monitor and listener master) at
# the 100th and the last spawn; zombies after.
section_soak() {
	local m100 l100 f100 g100 m1 l1 f1 g1 fails j per rest pids=()
	echo "== soak: $SOAK spawns on one dived (load $(loadavg))"
	fails=$(loop dive 100)
	settle
	m100=$(rss_kb "$DPID") l100=$(rss_kb "$LMPID")
	f100=$(nfd "$DPID") g100=$(nfd "$LMPID")
	rest=$((SOAK - 100))
	per=$((rest / PAR_LOOPS))
	for ((j = 0; j < PAR_LOOPS; j++)); do
		loop dive $((j == 0 ? rest - per * (PAR_LOOPS - 1) : per)) \
		    > "$W/soak.$j" &
		pids+=($!)
	done
	wait "${pids[@]}"
	fails=$((fails + $(cat "$W"/soak.* | awk '{ s += $1 } END { print s }')))
	settle
	m1=$(rss_kb "$DPID") l1=$(rss_kb "$LMPID")
	f1=$(nfd "$DPID") g1=$(nfd "$LMPID")
	printf '%-22s %12s %12s %8s\n' "" "spawn 100" "spawn $SOAK" change
	printf '%-22s %9s kB %9s kB %7s%%\n' "monitor RSS" "$m100" "$m1" \
	    "$(awk -v a="$m100" -v b="$m1" 'BEGIN { printf "%+.1f", (b - a) * 100 / a }')"
	printf '%-22s %9s kB %9s kB %7s%%\n' "listener master RSS" "$l100" "$l1" \
	    "$(awk -v a="$l100" -v b="$l1" 'BEGIN { printf "%+.1f", (b - a) * 100 / a }')"
	printf '%-22s %12s %12s\n' "monitor fds" "$f100" "$f1"
	printf '%-22s %12s %12s\n' "listener master fds" "$g100" "$g1"
	echo "zombies: $(zombies "$DPID" "$LMPID"); failed spawns: $fails"
}

pss_kb() {	# summed Pss of the given pids
	local p s=0
	for p in "$@"; do
		s=$((s + $(awk '/^Pss:/ { print $2 }' "/proc/$p/smaps_rollup" \
		    2>/dev/null || echo 0)))
	done
	echo $s
}

# CONC clients at once, each running sleep; all must be served.  One uid
# (root): dived's limits are raised with --max-connections and
# --max-per-uid for this part only.
section_conc() {
	local lim=$((CONC + 64)) i n m0 p0 q0 m1 p1 q1 lis ok=0 bad=0 pids=()
	local st
	echo "== $CONC clients at once, each running sleep (dived" \
	    "--max-connections $lim --max-per-uid $lim; load $(loadavg))"
	stop_dived
	start_dived "$DSOCK" --max-connections "$lim" --max-per-uid "$lim"
	m0=$(rss_kb "$DPID") p0=$(pss_kb "$DPID") q0=$(pss_kb "$LMPID")
	for ((i = 0; i < CONC; i++)); do
		"$DIVE" "$DSOCK" sleep 3600 </dev/null >/dev/null 2>"$W/conc.err.$i" &
		pids+=($!)
	done
	for ((i = 0; i < 1200; i++)); do
		n=$(pgrep -P "$DPID" -x sleep | wc -l)
		[ "$n" -ge "$CONC" ] && break
		# A client that ended already cannot be served any more.
		[ "$(jobs -pr | wc -l)" -lt "$CONC" ] && [ "$i" -gt 20 ] &&
		    [ "$n" -ge "$(jobs -pr | wc -l)" ] && break
		sleep 0.1
	done
	lis=($(pgrep -P "$LMPID" -x dived-listener))
	m1=$(rss_kb "$DPID") p1=$(pss_kb "$DPID") q1=$(pss_kb "$LMPID")
	local lp
	lp=$(pss_kb "${lis[@]}")
	echo "programs running: $n of $CONC; listeners alive: ${#lis[@]}"
	printf 'monitor RSS %s kB -> %s kB: %s kB per session\n' "$m0" "$m1" \
	    "$(awk -v a="$m0" -v b="$m1" -v n="$CONC" 'BEGIN { printf "%.1f", (b - a) / n }')"
	printf 'daemon PSS (monitor + listener master + listeners) %s kB -> %s kB: %s kB per session\n' \
	    $((p0 + q0)) $((p1 + q1 + lp)) \
	    "$(awk -v a=$((p0 + q0)) -v b=$((p1 + q1 + lp)) -v n="$CONC" 'BEGIN { printf "%.1f", (b - a) / n }')"
	printf '  of which listeners: %s kB, %s kB each\n' "$lp" \
	    "$(awk -v a="$lp" -v n="${#lis[@]}" 'BEGIN { printf "%.1f", n ? a / n : 0 }')"
	# End the programs; each dive must then end by the same signal.
	pgrep -P "$DPID" -x sleep | xargs -r kill
	for i in "${!pids[@]}"; do
		wait "${pids[$i]}"
		st=$?
		if [ $st -eq 143 ]; then ok=$((ok + 1)); else bad=$((bad + 1))
			[ $bad -le 3 ] && echo "client $i: status $st:" \
			    "$(head -c 200 "$W/conc.err.$i")"
		fi
	done
	echo "served and ended by SIGTERM: $ok; failed: $bad"
}

machine
echo "load average at start: $(loadavg)"
echo "dived options: ${DIVED_OPTS[*]:-(defaults)}; audit log: ${AUDIT_LOG:-off}"
[[ " $TOOLS " == *" s6 "* ]] && start_s6
if [ -n "$COMPARE" ]; then
	DIVED_EXE=$W/base/dived start_dived "$BSOCK"
	BPID=$DPID
fi
start_dived "$DSOCK"
for s in $ONLY; do
	case $s in
	seq) section_seq ;;
	par) section_par ;;
	soak) section_soak ;;
	conc) section_conc ;;
	*) echo "bench: unknown section $s" >&2; exit 1 ;;
	esac
done
echo "load average at end: $(loadavg)"
[ -n "$AUDIT_LOG" ] && echo "audit records written: $(cat "$AUDIT_LOG"* 2>/dev/null | wc -l)"
