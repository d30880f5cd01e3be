#!/bin/bash
# SPDX-License-Identifier: MIT
# Runs every test: the criterion unit tests, then the integration scripts
# (TAP, run as root against the real daemon).  Prints each result and ends
# with one line "N passed, N failed"; exits non-zero if anything failed.
# A test program or script also fails when it runs other than the checks
# its plan says, or exits non-zero (a crash, set -e) with no check failed.
#
#   tools/run-tests.sh [-b BUILD] [SCRIPT...]
#     -b BUILD   directory holding bin/ (default: the source tree)
#   tools/run-tests.sh --all
#     everything "make check" runs: lint, unit and integration tests of
#     the normal build, then unit and integration tests again with the
#     ASan+UBSan build in build/asan, then each fuzz target of build/fuzz
#     for FUZZ_SECONDS seconds (60 by default), FUZZ_JOBS (2) at a time
#
# The test accounts are created first and removed at the end, unless
# DIVE_KEEP_TEST_USERS=1 (for several runs at once on one machine).
set -u
cd "$(dirname "$0")/.." || exit 1
top=$PWD
build=$top
if [ "${1:-}" = -b ]; then build=$(cd "$2" && pwd); shift 2; fi
export DIVE_BUILD=$build

pass=0 fail=0 skip=0
out=$(mktemp)
trap 'rm -f "$out" "$out.err"' EXIT

# Count a TAP stream: ok / not ok lines.  A script fails as a whole (one
# more failure) when it ran other than the checks it planned, had no
# plan, or exited non-zero (STATUS) with no failed check to show for it.
tally() {
	local name=$1 status=${2:-0} planned='' seen=0 failed=$fail line
	while IFS= read -r line; do
		case $line in
		"ok "*"# SKIP"*|"ok "*"# skip"*)
			skip=$((skip + 1)); seen=$((seen + 1)) ;;
		"ok "*) pass=$((pass + 1)); seen=$((seen + 1)) ;;
		"not ok "*) fail=$((fail + 1)); seen=$((seen + 1)) ;;
		1..*) planned=${line#1..}; planned=${planned%% *} ;;
		esac
		printf '%s\n' "$line"
	done
	if [ -z "$planned" ]; then
		echo "not ok - $name: no plan"
		fail=$((fail + 1))
	elif [ "$planned" -gt "$seen" ]; then
		echo "not ok - $name: $((planned - seen)) planned tests did not run"
		fail=$((fail + planned - seen))
	elif [ "$planned" -lt "$seen" ]; then
		echo "not ok - $name: $((seen - planned)) tests more than planned"
		fail=$((fail + 1))
	fi
	if [ "$status" -ne 0 ] && [ $fail -eq "$failed" ]; then
		echo "not ok - $name: exited with status $status"
		fail=$((fail + 1))
	fi
}

run_lint() {
	echo "# lint"
	if tools/lint.sh obj > "$out" 2>&1; then
		echo "ok 1 - lint: banned functions, markers, headers, split"
		pass=$((pass + 1))
	else
		echo "not ok 1 - lint"
		fail=$((fail + 1))
	fi
	sed 's/^/# /' "$out"
}

run_unit() {
	local t st
	for t in "$build"/bin/tests/*_test; do
		[ -x "$t" ] || continue
		echo "# unit: ${t##*/}"
		"$t" --tap=- --jobs=2 2>"$out.err" > "$out"
		st=$?
		sed 's/^/# /' "$out.err"
		tally "${t##*/}" "$st" < "$out"
	done
}

run_integration() {
	local s st
	for s in "$@"; do
		echo "# integration: ${s##*/}"
		# Not the caller's terminal: dive would use pty mode on it.
		timeout 600 bash "$s" < /dev/null > "$out" 2>&1
		st=$?
		tally "${s##*/}" "$st" < "$out"
	done
}

all_of() {	# BUILD: unit and integration tests of one build
	build=$1
	export DIVE_BUILD=$build
	echo "# ===== build: ${build#$top/} ====="
	run_unit
	if [ "$(id -u)" = 0 ]; then
		run_integration tests/integration/[0-9]*.sh
	else
		echo "# integration tests need root; skipped"
	fi
}

run_fuzz() {
	echo "# fuzz: ${FUZZ_SECONDS:-60} s per target"
	tools/fuzz.sh -b build/fuzz -t "${FUZZ_SECONDS:-60}" \
	    -j "${FUZZ_JOBS:-2}" > "$out" 2>&1
	tally fuzz $? < "$out"
}

remove_users() {
	[ "$(id -u)" = 0 ] && [ -z "${DIVE_KEEP_TEST_USERS:-}" ] &&
	    tools/test-users.sh remove
}

if [ "${1:-}" = --all ]; then
	run_lint
	[ "$(id -u)" = 0 ] && tools/test-users.sh create
	all_of "$top"
	all_of "$top/build/asan"
	run_fuzz
	remove_users
elif [ $# -gt 0 ]; then
	[ "$(id -u)" = 0 ] && tools/test-users.sh create
	run_integration "$@"
	remove_users
else
	[ "$(id -u)" = 0 ] && tools/test-users.sh create
	all_of "$build"
	remove_users
fi
[ $skip -gt 0 ] && echo "# $skip skipped"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
