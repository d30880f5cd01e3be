#!/bin/bash
# SPDX-License-Identifier: MIT
# Style checks that a compiler does not make (STYLE.md section 4):
# banned functions, and the privilege split between the source folders;
# static analysis (clang-tidy, cppcheck) of every source, tests included;
# and the hardening of the built programs (STYLE.md section 8).
#   tools/lint.sh [OBJDIR]   (OBJDIR: where the .o files are, for the split;
#                             the programs are in OBJDIR/../bin)
#   LINT_QUICK=1 leaves out the static analysis (section 6).
set -u
cd "$(dirname "$0")/.."
objdir=${1:-obj}
status=0

# 1. Banned calls in the daemon and client sources.
banned='\b(strcpy|strcat|sprintf|vsprintf|gets|alloca|system|popen|atoi|atol|atoll|strtol|strtoul|strtoll|strtoull)[[:space:]]*\('
tests="tests/helpers/*.c tests/unit/*.c tests/fuzz/*.c tests/hooks/*.c"
# shellcheck disable=SC2086
if hits=$(grep -nE "$banned" src/*/*.c src/*/*.h $tests 2>/dev/null |
    grep -vE '^[^:]+:[0-9]+:[[:space:]]*(/\*|\*)'); then
	echo "lint: banned function:"
	printf '%s\n' "$hits"
	status=1
fi

# 2. XXX markers must name an issue ("XXX #N").
if hits=$(grep -nw 'XXX' src/*/*.[ch] | grep -v 'XXX #[0-9]'); then
	echo "lint: XXX without an issue number:"
	printf '%s\n' "$hits"
	status=1
fi

# 3. Kernel-facing headers only where STYLE.md allows them.
if hits=$(grep -lE '#include <(linux/|sys/prctl.h)' src/*/*.[ch] |
    grep -vE '^src/(common/|listener/sandbox\.c|listener/listener\.h|spawner/(caps|ns)\.c)'); then
	echo "lint: kernel headers outside common/, sandbox.c, caps.c, ns.c:"
	printf '%s\n' "$hits"
	status=1
fi

# 4. The split.  Each program links exactly the objects the Makefile
#    lists for it ("make print-objs"), from the folders its processes may
#    run; each binary defines no symbol of this project outside its list;
#    each file says which process runs it; the listener never calls the
#    monitor's or spawner's code nor the name service, and the monitor and
#    the spawner do not include each other's headers.
defined() { nm --defined-only -g "$@" 2>/dev/null | awk 'NF == 3 {print $3}' | sort -u; }
undefined() { nm -u "$@" 2>/dev/null | awk '{print $NF}' | sort -u; }
declare -A may=(
	[dive]="common client"
	[dived-listener]="common listener"
	[dived]="common policy plan dived monitor spawner"
)
declare -A process=(
	[common]="several: shared by the programs that link it (Makefile)"
	[client]="dive, the client (as the caller)"
	[listener]="dived-listener (unprivileged, seccomp-confined)"
	[dived]="dived at start-up, before the loop; dived --check-config"
	[monitor]="the monitor, dived's long-lived root process"
	[spawner]="the spawner, dived's child for one request (root)"
	[policy]="pure code, called by dived at start-up and the monitor"
	[plan]="the monitor and the spawner: the plan between them"
)
for f in src/*/*.[ch]; do
	d=${f#src/}; d=${d%%/*}
	if [ -z "${process[$d]:-}" ]; then
		echo "lint: $f: folder src/$d is not one of lint's processes"
		status=1
	elif [ "$(sed -n 2p "$f")" != "/* Process: ${process[$d]}. */" ]; then
		echo "lint: $f: line 2 must be: /* Process: ${process[$d]}. */"
		status=1
	fi
done
if objs=$(make -s --no-print-directory O="$(dirname "$objdir")" \
    print-objs 2>/dev/null) && [ -n "$objs" ]; then
	all=$(defined "$objdir"/src/*/*.o)
	bindir=$(dirname "$objdir")/bin
	while read -r prog list; do
		for o in $list; do
			d=${o#*/src/}; d=${d%%/*}
			case " ${may[$prog]} " in *" $d "*) ;; *)
				echo "lint: $prog links $o, outside its folders (${may[$prog]})"
				status=1 ;;
			esac
		done
		[ -f "$bindir/$prog" ] || continue
		# shellcheck disable=SC2086
		x=$(comm -23 <(comm -12 <(nm --defined-only "$bindir/$prog" \
		    2>/dev/null | awk 'NF == 3 {print $3}' | sort -u) \
		    <(echo "$all")) <(defined $list))
		if [ -n "$x" ]; then
			echo "lint: $prog defines symbols outside its link list:" $x
			status=1
		fi
	done <<<"$objs"
	lis=$(defined "$objdir"/src/listener/*.o)
	mon=$(defined "$objdir"/src/monitor/*.o "$objdir"/src/spawner/*.o \
	    "$objdir"/src/dived/*.o "$objdir"/src/policy/*.o)
	x=$(comm -12 <(undefined "$objdir"/src/monitor/*.o "$objdir"/src/spawner/*.o) <(echo "$lis"))
	if [ -n "$x" ]; then
		echo "lint: monitor/spawner code calls listener code: $x"
		status=1
	fi
	x=$(comm -12 <(undefined "$objdir"/src/listener/*.o) <(echo "$mon"))
	if [ -n "$x" ]; then
		echo "lint: listener code calls dived's code: $x"
		status=1
	fi
	x=$(undefined "$objdir"/src/listener/*.o "$objdir"/src/common/*.o |
	    grep -E '^(getpw|getgr|getsp|initgroups|getgrouplist|dlopen)' || true)
	if [ -n "$x" ]; then
		echo "lint: the listener's code calls the name service:" $x
		status=1
	fi
else
	echo "lint: make print-objs gave no lists; the split is not checked"
	status=1
fi
hits=$(grep -lE '#include "(spawner|ns|caps|env|pty|fds|auth)\.h"' \
    src/monitor/*.[ch] src/policy/*.[ch]; grep -lE \
    '#include "(monitor|peer|auditlog|facts|launch|ids)\.h"' \
    src/spawner/*.[ch] src/policy/*.[ch])
if [ -n "$hits" ]; then
	echo "lint: monitor and spawner include each other's headers:" $hits
	status=1
fi
# The long-lived root process's own code, without the shared wire code:
# the monitor's folder, and the policy code it calls for every request
# (evaluation, audit records; the parser runs at start-up).  The aim is
# the size of OpenSSH's monitor.c, about 2000 lines.
mlines=$(cat src/monitor/*.[ch] | wc -l)
plines=$(cat src/policy/policy.[ch] src/policy/audit.[ch] | wc -l)
echo "lint: the monitor's own code: $mlines lines (src/monitor)," \
    "$((mlines + plines)) with the policy code it runs (aim: about 2000)"
# 5. Manual pages: mandoc finds nothing at warning level or above.
if command -v mandoc >/dev/null; then
	if ! mandoc -Tlint -W warning man/*.[1-8] >/dev/null; then
		mandoc -Tlint -W warning man/*.[1-8]
		echo "lint: mandoc -Tlint found problems in man/"
		status=1
	fi
fi
# 6. Static analysis: clang-tidy (.clang-tidy) and cppcheck, no findings.
#    The listener's sources once more with the test hooks compiled in.
flags="-std=c11 -D_GNU_SOURCE -Isrc/common -Isrc/plan -Isrc/spawner -Isrc/listener
-Isrc/monitor -Isrc/dived -Isrc/policy -Isrc/client -Itests/hooks -I$objdir -isystem /usr/include/bsd
-DLIBBSD_OVERLAY"
if [ -n "${LINT_QUICK:-}" ]; then
	echo "lint: LINT_QUICK: no static analysis"
elif command -v clang-tidy >/dev/null; then
	# shellcheck disable=SC2086
	if hits=$({ ls src/*/*.c $tests |
	    xargs -P2 -I{} clang-tidy -quiet {} -- $flags 2>/dev/null
	    ls src/listener/*.c | xargs -P2 -I{} clang-tidy -quiet {} -- \
	    $flags -DDIVE_TEST_HOOKS 2>/dev/null; } |
	    grep -E 'warning:|error:'); then
		echo "lint: clang-tidy:"
		printf '%s\n' "$hits"
		status=1
	fi
else
	echo "lint: clang-tidy not installed; skipped"
fi
if [ -n "${LINT_QUICK:-}" ]; then
	:
elif command -v cppcheck >/dev/null; then
	# criterion's TestSuite() at file scope looks like an unknown
	# macro to cppcheck, which does not read criterion's headers.
	cpp="cppcheck --enable=warning,portability --error-exitcode=1 -q
	--std=c11 -D_GNU_SOURCE -Isrc/common -Isrc/plan -Isrc/spawner -Isrc/listener
	-Isrc/monitor -Isrc/dived -Isrc/policy -Isrc/client -Itests/hooks --suppress=unknownMacro:tests/unit/*"
	# shellcheck disable=SC2086
	if ! $cpp src tests/helpers tests/unit tests/fuzz tests/hooks ||
	    ! $cpp -DDIVE_TEST_HOOKS src/listener; then
		echo "lint: cppcheck found problems"
		status=1
	fi
else
	echo "lint: cppcheck not installed; skipped"
fi

# 7. The programs are built as STYLE.md section 8 says: position
#    independent, full RELRO with immediate binding, stack protector,
#    _FORTIFY_SOURCE (some __*_chk calls; musl, for a static dive, has
#    none).  Dynamic or static, not for sanitizer builds.
bindir=$(dirname "$objdir")/bin
for p in dive dived dived-listener; do
	b=$bindir/$p
	if [ ! -x "$b" ]; then
		echo "lint: $b not built; hardening not checked"
		status=1
		continue
	fi
	syms=$({ nm -D "$b"; nm "$b"; } 2>/dev/null | awk '{ print $NF }')
	grep -q '^__asan_init' <<<"$syms" && continue
	miss=
	readelf -h "$b" | grep -q 'Type:.*DYN' || miss="$miss PIE"
	readelf -lW "$b" | grep -q GNU_RELRO || miss="$miss RELRO"
	readelf -d "$b" | grep -q 'FLAGS.*BIND_NOW' || miss="$miss BIND_NOW"
	grep -q '^__stack_chk_fail' <<<"$syms" || miss="$miss stack-protector"
	if grep -qx __init_libc <<<"$syms"; then
		echo "lint: $b is linked with musl: no _FORTIFY_SOURCE there"
	elif ! grep -q '_chk\(@\|$\)' <<<"$syms"; then
		miss="$miss FORTIFY_SOURCE"
	fi
	if [ -n "$miss" ]; then
		echo "lint: $b lacks:$miss"
		status=1
	fi
done
exit $status
