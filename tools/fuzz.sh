#!/bin/bash
# SPDX-License-Identifier: MIT
# Runs the libFuzzer targets of tests/fuzz (built by "make fuzz-build")
# for a given time each, starting from the committed seeds
# (tests/fuzz/corpus/NAME) and the inputs found by earlier runs
# (BUILD/work/NAME).  Prints TAP: one line per target with the number of
# executions; a crash fails it, and its input is kept in BUILD/crashes.
#
#   tools/fuzz.sh [-b BUILD] [-t SECONDS] [-j JOBS] [NAME...]
#     -b BUILD     where the fuzz build is (default: build/fuzz)
#     -t SECONDS   time per target (default: 60)
#     -j JOBS      targets run at the same time (default: 1)
#
# To reproduce a crash: BUILD/bin/tests/fuzz_NAME BUILD/crashes/FILE
set -u
cd "$(dirname "$0")/.." || exit 1
build=build/fuzz
secs=60
jobs=1
while getopts b:t:j: o; do
	case $o in
	b) build=$OPTARG ;;
	t) secs=$OPTARG ;;
	j) jobs=$OPTARG ;;
	*) echo "usage: tools/fuzz.sh [-b BUILD] [-t SECONDS] [-j JOBS]" \
	       "[NAME...]" >&2
	   exit 2 ;;
	esac
done
shift $((OPTIND - 1))

if [ $# -eq 0 ]; then
	set --
	for t in tests/fuzz/fuzz_*.c; do
		t=${t##*/fuzz_}
		set -- "$@" "${t%.c}"
	done
fi
mkdir -p "$build/work" "$build/crashes" "$build/logs"

# A dictionary for the option parser: every option name it knows.
grep -oE '"--?[A-Za-z][A-Za-z0-9-]*"' src/dived/options.c | sort -u \
    > "$build/options.dict"
printf '"\\x44\\x56\\x00\\x01"\n' > "$build/msg.dict"
# And for dived.conf(5): its words and signs.
printf '"%s"\n' permit deny keepenv setenv nofds noroot as cmd args '{' '}' \
    '*' ':' '#' '\\' '\"' "'" '-' '=' '/' > "$build/config.dict"

# run NAME: one target for secs seconds; its status in logs/NAME.status.
run() {
	local name=$1 dict=$build/msg.dict
	[ -f "$build/$name.dict" ] && dict=$build/$name.dict
	mkdir -p "$build/work/$name"
	"$build/bin/tests/fuzz_$name" -max_total_time="$secs" -timeout=10 \
	    -max_len=8192 -print_final_stats=1 -dict="$dict" \
	    -artifact_prefix="$build/crashes/$name-" \
	    "$build/work/$name" "tests/fuzz/corpus/$name" \
	    > "$build/logs/$name.log" 2>&1
	echo $? > "$build/logs/$name.status"
}

running=0
for name in "$@"; do
	rm -f "$build/logs/$name.status"
	[ -x "$build/bin/tests/fuzz_$name" ] || continue
	if [ "$running" -ge "$jobs" ]; then
		wait -n
		running=$((running - 1))
	fi
	run "$name" &
	running=$((running + 1))
done
wait

echo "1..$#"
n=0 failed=0 total=0
for name in "$@"; do
	n=$((n + 1))
	log=$build/logs/$name.log
	if [ ! -f "$build/logs/$name.status" ]; then
		echo "not ok $n - fuzz $name: not built (make fuzz-build)"
		failed=$((failed + 1))
		continue
	fi
	st=$(cat "$build/logs/$name.status")
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" |
	    tail -n 1)
	execs=${execs:-0}
	total=$((total + execs))
	if [ $st -eq 0 ]; then
		echo "ok $n - fuzz $name: $execs executions in ${secs} s, no crash"
	else
		failed=$((failed + 1))
		echo "not ok $n - fuzz $name: crashed after $execs executions" \
		    "(status $st)"
		grep -E 'ERROR|SUMMARY|broken promise|Test unit written' \
		    "$log" | head -n 10 | sed 's/^/#   /'
	fi
done
echo "# fuzz: $total executions in all; logs in $build/logs"
[ $failed -eq 0 ]
