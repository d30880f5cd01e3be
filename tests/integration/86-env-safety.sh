#!/bin/bash
# Environment safety: when the program gains privileges over its client
# (another uid or gid, -e, -g, -c, -m, -P, or root), only the allow-list
# of dived(8) passes: every variable that makes the loader, the C
# library, shells and interpreters load code or read files of the
# client's choosing stays behind, and so do look-alike names, unless
# --keep-env keeps them; without a gain nothing is removed.
. "$(dirname "$0")/lib.sh"
plan 26

U1=$(id -u divetest1)
G1=$(id -g divetest1)

# The names known to be dangerous (dived 1.x removed exactly these, by a
# deny-list); the allow-list must stop every one of them too.
KNOWN="LD_* GCONV_PATH GETCONF_DIR GLIBC_TUNABLES HOSTALIASES LOCALDOMAIN
LOCPATH MALLOC_* NIS_PATH NLSPATH RESOLV_HOST_CONF RES_OPTIONS TMPDIR TZDIR
PATH_LOCALE _RLD* BASH_ENV ENV BASHOPTS SHELLOPTS BASH_XTRACEFD PS4 IFS
CDPATH GLOBIGNORE PROMPT_COMMAND FPATH NULLCMD READNULLCMD ZDOTDIR TMPPREFIX
BASH_FUNC_* TERMINFO TERMINFO_DIRS TERMPATH TERMCAP PYTHON* PERL5* PERLLIB
PERLIO* RUBY* GEM_HOME GEM_PATH NODE_OPTIONS NODE_PATH LUA_INIT* LUA_PATH*
LUA_CPATH* TCLLIBPATH JAVA_TOOL_OPTIONS JDK_JAVA_OPTIONS _JAVA_OPTIONS
CLASSPATH"
check "the known names are all there (at least 40)" \
    test "$(wc -w <<< "$KNOWN")" -ge 40

# One entry per known name (a prefix gets a suffix), those with a value
# that names a file, and look-alikes, which go too now; and entries of
# the allow-list with harmless values, which pass.
UNSAFE=()
for n in $KNOWN; do
	case $n in
	*\*) UNSAFE+=("${n%\*}DIVETEST=x") ;;
	*) UNSAFE+=("$n=x") ;;
	esac
done
UNSAFE+=("FN=() { id; }" "LANG=../../../tmp/l" "LANGUAGE=de:../../x"
    "LC_ALL=/tmp/l" "LC_MESSAGES=./x/y" "TZ=../../tmp/tz" "HOME=/home/x"
    "LANG2=/x" "LDX=1" "LD=1" "PYTHO=1" "ENVX=1" "MALLOC=1" "XLD_PRELOAD=1"
    "PERL=1" "DIVETEST_SAFE=a b" "LC=/x" "TZ2=/x" "FN2=(){ x; }")
SAFE=("LC_CTYPE=C.UTF-8" "TERM=vt100" "COLORTERM=24bit")
ALL=("${SAFE[@]}" "${UNSAFE[@]}")

# sent_env USER: what the program's env(1) prints of the entries sent, sorted.
sent_env() { envof -e "$1" "${ALL[@]}" DIVE_UID=0; }
# target USER: the entries of the target user a gain adds.
target() {
	local pw
	pw=$(getent passwd "$1")
	printf '%s\n' "HOME=$(cut -d: -f6 <<< "$pw")" "USER=$1" "LOGNAME=$1" \
	    "SHELL=$(cut -d: -f7 <<< "$pw")" \
	    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
}
sent_all=$(sorted "${ALL[@]}")
safe_only() { sorted "${SAFE[@]}" $(target "$1"); }

start_dived -v
is "no gain (the client's own uid): every variable stays" \
    "$(sent_env divetest1)" "$sent_all"
is "... and nothing is logged of them" \
    "$(grep -c 'DIVETEST' "$LOG")" 0
is "a root client: the program runs as root, only the listed pass" \
    "$(sent_env root)" "$(safe_only root)"
is "DIVE_UID is still the kernel's, not the client's" \
    "$(run_as divetest1 "$EXECENV" LD_X=1 DIVE_UID=0 -- "$DIVE" "$SOCK" \
    /usr/bin/env | grep '^DIVE_UID=')" "DIVE_UID=$U1"

start_dived -v -u divetest2
is "-u another user: only the listed pass, and the target's" \
    "$(sent_env divetest1)" "$(safe_only divetest2)"
is "-v: nothing is logged of them, neither names nor values" \
    "$(grep -c 'DIVETEST\|tmp/l\|() {' "$LOG")" 0

start_dived -u divetest1
is "-u the client's own user: no gain, every variable stays" \
    "$(sent_env divetest1)" "$sent_all"
start_dived -e divetest2
is "-e another user: only the listed pass" "$(sent_env divetest1)" \
    "$(safe_only divetest1)"
start_dived -u divetest1 -g divetest1,divetest2
is "-g: groups of the operator's choosing, only the listed pass" \
    "$(sent_env divetest1)" "$(safe_only divetest1)"
start_dived -c cap_net_bind_service+eip
is "-c: capabilities, only the listed pass" "$(sent_env divetest1)" \
    "$(safe_only divetest1)"
start_dived -m cap_net_bind_service
is "-m: ambient capabilities, only the listed pass" "$(sent_env divetest1)" \
    "$(safe_only divetest1)"
start_dived -c cap_net_bind_service-eip
is "-c granting nothing: no gain" "$(sent_env divetest1)" "$sent_all"
start_dived -P
is "-P: the program runs as dived (root), only the listed pass" \
    "$(sent_env divetest1)" "$(safe_only root)"

start_dived -u divetest2 --keep-env 'LD_DIVETEST,PYTHON*' --keep-env TZ
is "--keep-env keeps the names and prefixes it gives, no others" \
    "$(sent_env divetest1)" "$(sorted LC_CTYPE=C.UTF-8 TERM=vt100 COLORTERM=24bit \
    TZ=../../tmp/tz LD_DIVETEST=x PYTHONDIVETEST=x $(target divetest2))"
start_dived -u divetest2 --keep-env='*'
is "--keep-env '*' keeps them all (the target's fill in what is missing)" \
    "$(sent_env divetest1)" "$(sorted "${ALL[@]}" USER=divetest2 \
    LOGNAME=divetest2 "$(target divetest2 | grep ^SHELL=)" \
    "$(target divetest2 | grep ^PATH=)")"
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
# operator's choice too; a plain keepenv is not (it names nothing: what
# the allow-list passed, no more).
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
    "$(policyenv nobody)" ""

"$DIVED" "$T/s" --keep-env 'LD_*,A=B' 2>"$T/err"
like "--keep-env with a bad name: usage error 4, named" \
    "$?/$(cat "$T/err")" "^4/.*--keep-env: 'A=B' is not a variable name"
"$DIVED" "$T/s" --keep-env '' 2>"$T/err"
is "--keep-env with an empty list: usage error 4" $? 4
"$DIVED" --help | grep -q -- --keep-env
is "dived --help lists --keep-env" $? 0
