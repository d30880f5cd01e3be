# SPDX-License-Identifier: MIT
# Shared by the integration tests: TAP output, a private copy of the
# binaries, and a real dived as root on a temporary socket.
#
# A script sources this file, calls plan N, then uses start_dived, run_as,
# is, like and ok/not_ok.  Everything is removed when the script exits.
# It must run exactly the N checks it planned; its exit status is its own
# when not 0 (an early exit, a crash), else 1 if a check failed or the
# count is off: tools/run-tests.sh counts both.  A script that cannot run
# calls skip_all.  One that needs neither root nor a daemon sets
# TAP_ONLY=1 first: it gets the TAP functions and the exit status only.

set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${DIVE_BUILD:-$ROOT}

_n=0
_failed=0
_plan=
_at_exit=()
DPID=
SOCK=
T=

plan() {
	_plan=$1
	echo "1..$1"
}

ok() {
	_n=$((_n + 1))
	echo "ok $_n - $*"
}

not_ok() {
	_n=$((_n + 1))
	_failed=$((_failed + 1))
	echo "not ok $_n - $*"
}

skip() {
	_n=$((_n + 1))
	echo "ok $_n # SKIP $*"
}

# skip_all REASON: end the script here, every check it planned (or, before
# plan, the whole script) skipped for REASON.
skip_all() {
	if [ -z "$_plan" ]; then
		echo "1..0 # SKIP $1"
	else
		while [ "$_n" -lt "$_plan" ]; do skip "$1"; done
	fi
	exit 0
}

diag() {
	printf '%s\n' "$@" | sed 's/^/#   /'
}

# is DESC GOT EXPECTED
is() {
	if [ "$2" == "$3" ]; then
		ok "$1"
	else
		not_ok "$1"
		diag "got:      $(printf '%q' "$2")" \
		    "expected: $(printf '%q' "$3")"
	fi
}

# like DESC GOT REGEX
like() {
	if [[ $2 =~ $3 ]]; then
		ok "$1"
	else
		not_ok "$1"
		diag "got:      $(printf '%q' "$2")" "expected: /$3/"
	fi
}

# check DESC COMMAND...: passes when the command succeeds.
check() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

# _status ST: the script's exit status in $_st: ST (its own) if it is not
# 0, else 1 when it ran other than the checks it planned or one failed.
_status() {
	_st=$1
	if [ -n "$_plan" ] && [ "$_n" -ne "$_plan" ]; then
		echo "# planned $_plan checks, ran $_n"
		[ "$_st" -ne 0 ] || _st=1
	fi
	[ "$_st" -ne 0 ] || _st=$((_failed > 0))
}

if [ -n "${TAP_ONLY:-}" ]; then
	trap '_status $?; exit $_st' EXIT
	return 0
fi

if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP integration tests run as root"
	exit 0
fi

# Binaries copied where every test user can run them.
T=$(mktemp -d /tmp/dive-test.XXXXXX)
chmod 755 "$T"
install -m 0755 "$BUILD/bin/dive" "$BUILD/bin/dived" \
    "$BUILD/bin/dived-listener" "$T/"
DIVE=$T/dive
DIVED=$T/dived
LOG=$T/dived.log
EXECENV=$BUILD/bin/tests/execenv
# Frames and error texts come from the real codec (tests/helpers/protodump.c).
PROTODUMP=$BUILD/bin/tests/protodump
RAW=$BUILD/bin/tests/rawsock	# raw bytes over a socket (rawsock.c)

# errtext CODE: the text of error CODE (src/common/errors.c).
errtext() {
	"$PROTODUMP" errors | sed -n "s/^$1 //p"
}
export DIVE DIVED

# stop_dived: end the daemon started by start_dived, if any.  It must
# exit 0 on SIGTERM, and its log must hold no sanitizer report (with the
# ASan+UBSan build, a leak or an error makes it fail here).
stop_dived() {
	local st
	if [ -n "$DPID" ]; then
		kill "$DPID" 2>/dev/null
		wait "$DPID" 2>/dev/null
		st=$?
		DPID=
		if [ $st -ne 0 ] ||
		    grep -qE 'Sanitizer|runtime error:' "$LOG"; then
			not_ok "dived stopped cleanly (status $st)"
			sed 's/^/#   /' "$LOG" | head -n 40
		fi
	fi
}

# start_dived [OPTIONS...]: dived on $T/sock (mode 0777 unless -C or -U
# is given), logging to $LOG; waits until it accepts connections.
start_dived() {
	local i mode=(-C 0777)
	stop_dived
	SOCK=${SOCK_OVERRIDE:-$T/sock}
	for i in "$@"; do
		case $i in
		-C|--chmod|-U|--chown) mode=(); break ;;
		--) break ;;
		esac
	done
	[ "${SOCK:0:1}" = @ ] && mode=()
	: > "$LOG"
	"$DIVED" "$SOCK" "${mode[@]}" "$@" 2>>"$LOG" &
	DPID=$!
	for i in $(seq 100); do
		if grep -q "listening on" "$LOG"; then return 0; fi
		if ! kill -0 "$DPID" 2>/dev/null; then break; fi
		sleep 0.05
	done
	not_ok "dived started ($*)"
	sed 's/^/#   /' "$LOG"
	DPID=
	return 1
}

# lmaster_pid / listener_pid: this daemon's listener master, and the
# first of its per-connection listeners.
lmaster_pid() {
	pgrep -P "$DPID" -x dived-lmaster
}
listener_pid() {
	local m
	m=$(lmaster_pid) && pgrep -P "$m" -x dived-listener | head -n 1
}

# waitfor 'CONDITION': poll (10 s at most) until the shell condition
# holds; 1 if it never does.
waitfor() {
	local i
	for i in $(seq 200); do
		eval "$1" && return 0
		sleep 0.05
	done
	echo "# timed out waiting for: $1"
	return 1
}

# try USER DIVE-ARGS...: dive run as USER; sets $out, $err and $st.
try() {
	local u=$1
	shift
	out=$(run_as "$u" "$DIVE" "$@" 2>"$T/err")
	st=$?
	err=$(cat "$T/err")
}

# devlog_wrapper: writes $T/dived-unshare, which runs $T/dived in a mount
# namespace of its own whose /dev has only the nodes dived needs and,
# with DEVLOG set, /dev/log pointing to $DEVLOG (a stand-in syslog).
devlog_wrapper() {
	cat > "$T/dived-ns" <<EOF
#!/bin/bash
set -e
mkdir -p "$T/olddev"
mount --rbind /dev "$T/olddev"
mount -t tmpfs -o mode=755 dev /dev
for n in null zero full urandom random tty; do
	touch /dev/\$n
	mount --bind "$T/olddev/\$n" /dev/\$n
done
[ -n "\${DEVLOG:-}" ] && ln -s "\$DEVLOG" /dev/log
exec "$T/dived" "\$@"
EOF
	cat > "$T/dived-unshare" <<EOF
#!/bin/bash
exec unshare -m --propagation private "$T/dived-ns" "\$@"
EOF
	chmod 755 "$T/dived-ns" "$T/dived-unshare"
}

# policy RULE... [-- OPTIONS]: dived on $SOCK with these rules in $CONF
# (the caller sets it), its audit log in $T/audit.json.
policy() {
	: > "$CONF"
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		printf '%s\n' "$1" >> "$CONF"
		shift
	done
	[ $# -gt 0 ] && shift
	chmod 644 "$CONF"
	start_dived --config "$CONF" --audit-log "$T/audit.json" "$@"
}

# run_as USER COMMAND...: run with the user's uid, gid and groups.
run_as() {
	local u=$1
	shift
	setpriv --reuid="$u" --regid="$(id -g "$u")" --init-groups -- "$@"
}

# ---- helpers shared by several scripts ----

# in_pty COMMAND: run COMMAND (a shell string) with a pseudo-terminal as
# its controlling terminal (script(1)); its output without the CRs.
in_pty() {
	script -qec "$1" /dev/null < /dev/null | tr -d '\r'
}

# sorted WORD...: the words, one a line, sorted.
sorted() { printf '%s\n' "$@" | sort; }

# envof [-a] [-e] USER [ENTRY...] [-- DIVE-ARGS...]: the environment of
# a program dive starts for USER, dive itself started with exactly
# ENTRY... (tests/helpers/execenv) and DIVE-ARGS ($SOCK if none); sorted,
# without the DIVE_* lines (-a: with them), without what dive and the
# program say on standard error (-e: with it, sorted in).
envof() {
	local all=0 err=/dev/null u args=("$SOCK") i
	[ "$1" = -a ] && { all=1; shift; }
	[ "$1" = -e ] && { err=/dev/stdout; shift; }
	u=$1
	shift
	for ((i = 1; i <= $#; i++)); do
		[ "${!i}" = -- ] || continue
		args=("${@:i+1}")
		set -- "${@:1:i-1}"
		break
	done
	run_as "$u" "$EXECENV" "$@" -- "$DIVE" "${args[@]}" /usr/bin/env \
	    2>"$err" | if [ $all = 1 ]; then sort; else
		grep -v '^DIVE_' | sort
	fi
}

# hex N: N as the 16 hex digits of a capability mask in /proc/PID/status.
hex() {
	printf '%016x' "$1"
}

# cap SET [USER]: the Cap<SET> line (hex) of a program dive runs as USER
# (root by default).
cap() {
	local set=$1 user=${2:-root}
	run_as "$user" "$DIVE" "$SOCK" /bin/grep "^Cap$set:" /proc/self/status |
	    cut -f2
}

# served: an honest client still gets its program run ("on").
served() { timeout 20 "$DIVE" "$SOCK" /bin/echo on 2>&1; }

# hooks_install: $HT/dived next to the test build of the listener
# (bin/tests/dived-listener-hooks, tests/hooks: dived takes the
# dived-listener next to itself).
HT=
hooks_install() {
	HT=$T/hooks
	mkdir -p "$HT"
	install -m 0755 "$BUILD/bin/dived" "$HT/dived"
	install -m 0755 "$BUILD/bin/tests/dived-listener-hooks" \
	    "$HT/dived-listener"
}

# hstart [OPTIONS...]: start_dived, but $HT/dived (hooks_install), its
# standard error through a pipe into $LOG: the listener master's file
# size limit is 0, so it can log to a pipe only.  (The cat is the
# shell's child, not dived's: scripts count dived's children.)
hstart() {
	[ -n "$HT" ] || hooks_install
	stop_dived
	SOCK=$T/sock
	: > "$LOG"
	{ "$HT/dived" "$SOCK" -C 0777 "$@" & } 2> >(exec cat >> "$LOG")
	DPID=$!
	waitfor 'grep -q "listening on" "$LOG"' && return 0
	echo "# dived did not start:"
	sed 's/^/#   /' "$LOG"
	return 1
}

# Processes, from /proc (ps reads every process on a shared machine).
# children PID: the children of PID, one a line.
children() {
	cat /proc/"$1"/task/*/children 2>/dev/null | tr ' ' '\n' | grep .
}

# kids PID [COMM]: the children of PID but the listener master; with
# COMM, only those of that name (dived: the spawners).
kids() {
	local p c
	for p in $(children "$1"); do
		c=$(cat /proc/"$p"/comm 2>/dev/null) || continue
		if [ -n "${2:-}" ]; then
			[ "$c" = "$2" ] && echo "$p"
		else
			[ "$c" = dived-lmaster ] || echo "$p"
		fi
	done
}

# running PID...: those still running (zombies are done), one a line.
running() {
	local p s
	for p; do
		s=$(sed 's/.*) //' /proc/"$p"/stat 2>/dev/null) || continue
		[ -n "$s" ] && [ "${s:0:1}" != Z ] && echo "$p"
	done
}

# gone PID...: none of them runs any more.
gone() { [ -z "$(running "$@")" ]; }

# tree PID: PID and every process below it, one a line.
tree() {
	local p
	echo "$1"
	for p in $(children "$1"); do
		tree "$p"
	done
}

# comp FILE WORD...: what the bash completion of FILE (its function
# _NAME, NAME the file's name) offers for the command line WORD...,
# completing the last word; one a line.
comp() {
	local f=$1
	shift
	bash --norc --noprofile -c '
		. "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
		_'"${f##*/}"'
		printf "%s\n" "${COMPREPLY[@]}"' _ "$f" "$@" 2>&1
}

# at_exit COMMAND: run the shell COMMAND when the script exits, before
# dived is stopped and $T removed (the last registered first).
at_exit() {
	_at_exit+=("$1")
}

# The script's status is kept: it fails when it exits non-zero itself,
# when a check failed, or when it ran other than the checks it planned.
_cleanup() {
	local st=$? i
	for ((i = ${#_at_exit[@]} - 1; i >= 0; i--)); do
		eval "${_at_exit[i]}"
	done
	stop_dived
	[ -n "$T" ] && rm -rf "$T"
	_status $st
	exit $_st
}
trap _cleanup EXIT
