#!/bin/bash
# Environment safety: when the program gains privileges over its client
# (another uid or gid, -e, -g, -c, -m, -P, or root), the variables that
# make the loader, the C library, shells and interpreters load code or
# read files of the client's choosing are removed, exactly the list of
# dived(8), unless --keep-env keeps them; without a gain nothing is.
. "$(dirname "$0")/lib.sh"
plan 28

U1=$(id -u divetest1)
G1=$(id -g divetest1)

# The documented list: the .Ev lines of the subsection in dived.8.
man_list=$(sed -n '/^\.Ss Variables removed when/,/^\.It by value/p' \
    "$ROOT/man/dived.8" | sed -n 's/^\.Ev //p' | tr -d ',' | tr -s ' ' '\n' |
    grep . | sort)
code_list=$(sed -n '/^static const char \*const unsafe_names/,/^};/p' \
    "$ROOT/src/spawner/env.c" | grep -o '"[^"]*"' | tr -d '"' | sort)
is "dived.8 documents exactly the names the code removes" \
    "$man_list" "$code_list"
check "... and both lists were found (at least 40 names)" \
    test "$(grep -c . <<< "$code_list")" -ge 40

# One entry per documented name (a prefix gets a suffix), plus the ones
# removed for their value, and look-alikes that must stay.
UNSAFE=()
for n in $man_list; do
	case $n in
	*\*) UNSAFE+=("${n%\*}DIVETEST=x") ;;
	*) UNSAFE+=("$n=x") ;;
	esac
done
UNSAFE+=("FN=() { id; }" "LANG=../../../tmp/l" "LANGUAGE=de:../../x"
    "LC_ALL=/tmp/l" "LC_MESSAGES=./x/y" "TZ=../../tmp/tz")
SAFE=("HOME=/home/x" "LANG2=/x" "LDX=1" "LD=1" "PYTHO=1" "ENVX=1"
    "MALLOC=1" "XLD_PRELOAD=1" "PERL=1" "DIVETEST_SAFE=a b" "LC=/x"
    "TZ2=/x" "LC_CTYPE=C.UTF-8" "FN2=(){ x; }")
ALL=("${SAFE[@]}" "${UNSAFE[@]}")

# envof USER: what the program's env(1) prints of the entries sent, sorted.
envof() {
	local u=$1
	shift
	run_as "$u" "$EXECENV" "${ALL[@]}" DIVE_UID=0 -- "$DIVE" "$SOCK" \
	    /usr/bin/env 2>&1 | grep -v '^DIVE_' | sort
}
sorted() { printf '%s\n' "$@" | sort; }
sent_all=$(sorted "${ALL[@]}")
safe_only=$(sorted "${SAFE[@]}")

start_dived -v
is "no gain (the client's own uid): every variable stays" \
    "$(envof divetest1)" "$sent_all"
is "... and nothing is logged as removed" \
    "$(grep -c 'removed from its environment' "$LOG")" 0
is "a root client: the program runs as root, the variables go" \
    "$(envof root)" "$safe_only"
is "DIVE_UID is still the kernel's, not the client's" \
    "$(run_as divetest1 "$EXECENV" LD_X=1 DIVE_UID=0 -- "$DIVE" "$SOCK" \
    /usr/bin/env | grep '^DIVE_UID=')" "DIVE_UID=$U1"

start_dived -v -u divetest2
is "-u another user: the variables go, the rest stays" \
    "$(envof divetest1)" "$safe_only"
like "-v: one log line names the variables removed" \
    "$(grep -c "uid $U1 pid [0-9]*: the program gains privileges; removed from its environment: .*LD_DIVETEST .*PYTHONDIVETEST" "$LOG")" '^1$'
is "... but never their values" "$(grep -c 'tmp/l\|() {' "$LOG")" 0

start_dived -u divetest1
is "-u the client's own user: no gain, every variable stays" \
    "$(envof divetest1)" "$sent_all"
start_dived -e divetest2
is "-e another user: the variables go" "$(envof divetest1)" "$safe_only"
start_dived -u divetest1 -g divetest1,divetest2
is "-g: groups of the operator's choosing, the variables go" \
    "$(envof divetest1)" "$safe_only"
start_dived -c cap_net_bind_service+eip
is "-c: capabilities, the variables go" "$(envof divetest1)" "$safe_only"
start_dived -m cap_net_bind_service
is "-m: ambient capabilities, the variables go" "$(envof divetest1)" \
    "$safe_only"
start_dived -c cap_net_bind_service-eip
is "-c granting nothing: no gain" "$(envof divetest1)" "$sent_all"
start_dived -P
is "-P: the program runs as dived (root), the variables go" \
    "$(envof divetest1)" "$safe_only"

start_dived -u divetest2 --keep-env 'LD_DIVETEST,PYTHON*' --keep-env TZ
is "--keep-env keeps the names and prefixes it gives, no others" \
    "$(envof divetest1)" "$(sorted "${SAFE[@]}" TZ=../../tmp/tz \
    LD_DIVETEST=x PYTHONDIVETEST=x)"
start_dived -u divetest2 --keep-env='*'
is "--keep-env '*' keeps them all" "$(envof divetest1)" "$sent_all"
start_dived -u divetest2
tz() {
	run_as divetest1 "$EXECENV" "TZ=$1" -- "$DIVE" "$SOCK" /usr/bin/env |
	    grep '^TZ='
}
is "TZ: a zone name or a file of the zone database stays, others go" \
    "$(tz UTC)|$(tz :/usr/share/zoneinfo/UTC)|$(tz /tmp/tz)|$(tz :/etc/x)" \
    "TZ=UTC|TZ=:/usr/share/zoneinfo/UTC||"

# -E: dived's own environment is the operator's: nothing removed.
stop_dived
: > "$LOG"
LD_DIVETEST=daemon PYTHONPATH=/daemon "$DIVED" "$T/sock" -C 0777 -E \
    -u divetest2 2>>"$LOG" &
DPID=$!
for i in $(seq 100); do grep -q "listening on" "$LOG" && break; sleep 0.05; done
out=$(run_as divetest1 "$EXECENV" LD_CLIENT=1 -- "$DIVE" "$T/sock" \
    /usr/bin/env)
is "-E: dived's own LD_* and PYTHON* variables stay" \
    "$(printf '%s\n' "$out" | grep -E '^(LD_DIVETEST|PYTHONPATH)=' | sort |
    paste -sd' ')" \
    "LD_DIVETEST=daemon PYTHONPATH=/daemon"
is "-E: the client's are not there at all" \
    "$(printf '%s\n' "$out" | grep -c LD_CLIENT)" 0

# What the loader would do with them: LD_LIBRARY_PATH decides where a
# program's libraries come from.  Shown with the loader's own listing.
start_dived -u divetest2
ldso=$(readelf -l /bin/true |
    sed -n 's/.*program interpreter: \(.*\)\]$/\1/p')
mkdir -p "$T/evil"
cp "$(ldd /bin/true | awk '/libc.so/ { print $3 }')" "$T/evil/"
chmod -R a+rX "$T/evil"
is "the loader, as the program's user, ignores a client's LD_LIBRARY_PATH" \
    "$(run_as divetest1 "$EXECENV" LD_LIBRARY_PATH="$T/evil" -- \
    "$DIVE" "$SOCK" "$ldso" --list /bin/true | grep -c "$T/evil")" 0
start_dived -u divetest2 --keep-env LD_LIBRARY_PATH
is "... unless the operator keeps it" \
    "$(run_as divetest1 "$EXECENV" LD_LIBRARY_PATH="$T/evil" -- \
    "$DIVE" "$SOCK" "$ldso" --list /bin/true | grep -c "$T/evil")" 1

# With a policy (dived.conf(5)): a rule's keepenv { } list is the
# operator's choice too; a plain keepenv is not (it names nothing).
printf '%s\n' 'permit keepenv { LD_DIVETEST PYTHON* } divetest1 as divetest2' \
    'permit keepenv divetest1 as nobody' > "$T/dived.conf"
chmod 644 "$T/dived.conf"
start_dived --config "$T/dived.conf" --audit-log "$T/audit.json"
policyenv() {
	run_as divetest1 "$EXECENV" LD_DIVETEST=1 PYTHONX=2 LD_OTHER=3 \
	    GCONV_PATH=4 SAFE=5 -- "$DIVE" -u "$1" "$SOCK" /usr/bin/env |
	    grep -E '^(LD_|PYTHON|GCONV|SAFE)' | sort | paste -sd' '
}
is "policy: keepenv { } names stay (and only they), unsafe or not" \
    "$(policyenv divetest2)" "LD_DIVETEST=1 PYTHONX=2"
is "policy: a plain keepenv keeps none of them for another user" \
    "$(policyenv nobody)" "SAFE=5"

"$DIVED" "$T/s" --keep-env 'LD_*,A=B' 2>"$T/err"
like "--keep-env with a bad name: usage error 4, named" \
    "$?/$(cat "$T/err")" "^4/.*--keep-env: 'A=B' is not a variable name"
"$DIVED" "$T/s" --keep-env '' 2>"$T/err"
is "--keep-env with an empty list: usage error 4" $? 4
"$DIVED" --help | grep -q -- --keep-env
is "dived --help lists --keep-env" $? 0
