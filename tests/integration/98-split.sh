#!/bin/bash
# The split checks of tools/lint.sh catch what they are for: on a copy of
# the tree and its build, a dived-listener relinked with the policy
# parser's object, a monitor file that includes the spawner's header, and
# a file whose Process line names another process are each reported; the
# untouched copy is not.  Needs no root and starts no daemon.
TAP_ONLY=1 . "$(dirname "$0")/lib.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${DIVE_BUILD:-$ROOT}
plan 4

[ "$BUILD" = "$ROOT" ] ||
    skip_all "reads the default build's objects: run with it only"
[ -x "$ROOT/bin/dived-listener" ] && [ -f "$ROOT/obj/src/policy/conf.o" ] ||
    skip_all "no build in $ROOT"
T=$(mktemp -d /tmp/dive-split.XXXXXX)
trap 'rm -rf "$T"; _status $?; exit $_st' EXIT
cp -a "$ROOT/Makefile" "$ROOT/src" "$ROOT/tools" "$ROOT/man" "$ROOT/obj" \
    "$ROOT/bin" "$T/"

split() { (cd "$T" && LINT_QUICK=1 tools/lint.sh "$T/obj" 2>&1); }

out=$(split)
if grep -qE 'outside its link list|include each other|line 2 must be' \
    <<<"$out"; then
	not_ok "the untouched copy: no split finding"
	diag "$out"
else
	ok "the untouched copy: no split finding"
fi

# The listener linked again with conf.o besides its own list.
objs=$(cd "$T" && make -s --no-print-directory O="$T" print-objs |
    awk '$1 == "dived-listener" { $1 = ""; print }')
# shellcheck disable=SC2086
cc -o "$T/bin/dived-listener" $objs "$T/obj/src/policy/conf.o" \
    $(pkg-config --libs libseccomp libcap-ng libbsd-overlay) 2>/dev/null
like "a listener with the policy parser in it" "$(split)" \
    'dived-listener defines symbols outside its link list:.* conf_parse'

echo '#include "spawner.h"' >> "$T/src/monitor/decide.c"
like "a monitor file including the spawner's header" "$(split)" \
    "monitor and spawner include each other's headers:.*src/monitor/decide.c"

sed -i '2s|.*|/* Process: the monitor, dived'"'"'s long-lived root process. */|' \
    "$T/src/spawner/caps.c"
like "a spawner file claiming another process" "$(split)" \
    'src/spawner/caps.c: line 2 must be'
