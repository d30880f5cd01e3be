#!/bin/bash
# dived under service managers.  systemd's socket activation (LISTEN_PID,
# LISTEN_FDS), with systemd-socket-activate and with a helper that passes
# sockets of every wrong kind; the template units, checked by
# systemd-analyze verify; and the sysvinit/OpenRC way: -d with -p under
# start-stop-daemon.
. "$(dirname "$0")/lib.sh"
plan 32

LFDS=$BUILD/bin/tests/listenfds
APID=

# activate LOG KIND ADDR [HELPER-OPTIONS] -- DIVED-ARGS...: dived behind
# the helper, in the background; waits until it listens or has exited.
activate() {
	local log=$1 i
	shift
	: > "$log"
	(umask 0; exec "$LFDS" "$@") 2>>"$log" &
	APID=$!
	for i in $(seq 100); do
		grep -q "listening on" "$log" && return 0
		kill -0 "$APID" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

stop_activated() {
	local st
	kill "$APID" 2>/dev/null
	wait "$APID" 2>/dev/null
	st=$?
	APID=
	return $st
}

# refused DESC LOG REGEX KIND ADDR [...] -- ARGS: dived must exit 1 at once
# with a message matching REGEX.
refused() {
	local desc=$1 log=$2 re=$3 st
	shift 3
	"$LFDS" "$@" 2>"$log" </dev/null
	st=$?
	like "$desc" "$st/$(cat "$log")" "^1/.*$re"
}

# --- the helper: a good socket -------------------------------------------
S=$T/act.sock
check "LISTEN_FDS=1: dived starts on the passed socket" \
    activate "$T/a.log" stream "$S" -- "$DIVED" "$S" -E
like "... and says where it comes from" "$(cat "$T/a.log")" \
    "listening on $S \(socket from the service manager\)"
is "dive through it as nobody" \
    "$(run_as nobody "$DIVE" "$S" /bin/sh -c 'id -un; exit 0')" nobody
run_as nobody "$DIVE" "$S" /bin/sh -c 'exit 7'
is "the program's exit status comes back" $? 7
is "LISTEN_PID, LISTEN_FDS, LISTEN_FDNAMES: not in the programs' environment (-E)" \
    "$("$DIVE" "$S" /usr/bin/env | grep -c '^LISTEN_')" 0
lsfd='cd /proc/$$/fd && echo *'
is "the program gets the caller's descriptors and none of dived's" \
    "$("$DIVE" "$S" /bin/sh -c "$lsfd" </dev/null 2>/dev/null)" \
    "$(/bin/sh -c "$lsfd" </dev/null 2>/dev/null)"
stop_activated
is "SIGTERM: dived exits 0" $? 0
check "... and leaves the socket to the service manager" test -S "$S"
rm -f "$S"

check "an abstract socket (@name) is passed too" \
    activate "$T/b.log" stream "@dive-act-$$" -- "$DIVED" "@dive-act-$$"
is "... and serves" "$("$DIVE" "@dive-act-$$" /bin/echo abstract)" abstract
stop_activated

# Variables for another process, or no socket: dived binds its own.
check "LISTEN_PID of another process: ignored, dived binds the socket itself" \
    activate "$T/c.log" stream "$T/other.sock" -p 1 -- "$DIVED" "$T/own.sock" -E
like "... (no mention of a passed socket)" "$(grep 'listening on' "$T/c.log")" \
    "listening on $T/own.sock\$"
is "... and the variables are removed all the same" \
    "$("$DIVE" "$T/own.sock" /usr/bin/env | grep -c '^LISTEN_')" 0
stop_activated
check "LISTEN_FDS=0: no socket passed, dived binds its own" \
    activate "$T/d.log" stream "$T/other0.sock" -n 0 -- "$DIVED" "$T/own0.sock"
stop_activated

# --- the helper: what must be refused -----------------------------------
refused "a socket bound to another name: refused, both named" "$T/e.log" \
    "socket passed is $T/x.sock, not $T/y.sock" \
    stream "$T/x.sock" -- "$DIVED" "$T/y.sock"
refused "an abstract socket of another name: refused" "$T/e.log" \
    "is @dive-x-$$, not @dive-y-$$" \
    stream "@dive-x-$$" -- "$DIVED" "@dive-y-$$"
refused "a datagram socket: refused" "$T/e.log" \
    "not a listening AF_UNIX stream socket" dgram "$T/dg.sock" -- "$DIVED" "$T/dg.sock"
refused "a stream socket that does not listen: refused" "$T/e.log" \
    "not a listening AF_UNIX stream socket" unbound - -- "$DIVED" "$T/u.sock"
refused "a TCP socket: refused" "$T/e.log" \
    "not a listening AF_UNIX stream socket" tcp - -- "$DIVED" "$T/t.sock"
refused "a file at descriptor 3: refused" "$T/e.log" \
    "descriptor 3 is not a socket" file /etc/passwd -- "$DIVED" "$T/f.sock"
refused "LISTEN_FDS=2: refused, dived serves one socket" "$T/e.log" \
    "2 sockets passed" stream "$T/2.sock" -n 2 -- "$DIVED" "$T/2.sock"
refused "LISTEN_FDS not a number: refused" "$T/e.log" \
    "must be a pid and a count" stream "$T/n.sock" -n x -- "$DIVED" "$T/n.sock"
refused "--chmod with a passed socket: refused, names SocketMode=" "$T/e.log" \
    "SocketMode=" stream "$T/m.sock" -- "$DIVED" "$T/m.sock" -C 0660
refused "--detach with a passed socket: refused" "$T/e.log" \
    "not with --detach" stream "$T/dd.sock" -- "$DIVED" "$T/dd.sock" -d

# --- systemd's own tool ------------------------------------------------------
if command -v systemd-socket-activate >/dev/null; then
	S=$T/sd.sock
	: > "$T/sd.log"
	systemd-socket-activate -l "$S" "$DIVED" "$S" 2>>"$T/sd.log" &
	APID=$!
	for i in $(seq 100); do [ -S "$S" ] && break; sleep 0.05; done
	chmod 0666 "$S"		# what SocketMode= does for a unit
	is "systemd-socket-activate: the first connection starts dived, served as nobody" \
	    "$(run_as nobody "$DIVE" "$S" /bin/sh -c 'id -un; exit 3'; echo "st=$?")" \
	    "nobody
st=3"
	like "... on the socket it was given" "$(cat "$T/sd.log")" \
	    "listening on $S \(socket from the service manager\)"
	stop_activated
else
	skip "systemd-socket-activate is not installed (package systemd)"
	skip "systemd-socket-activate is not installed (package systemd)"
fi

# --- the units ---------------------------------------------------------------
# Built as "make install" builds them, with dived where this test has it.
U=$T/o/obj/systemd
if make -s -C "$ROOT" O="$T/o" SBINDIR="$T" SYSCONFDIR="$T/etc" \
    "$U/dived@.service" "$U/dived@.socket" >"$T/mk.log" 2>&1; then
	like "dived@.service runs dived on /run/dive/NAME.sock with the options file, its listeners as _dived-NAME" \
	    "$(grep -E '^(ExecStart|EnvironmentFile)=' "$U/dived@.service")" \
	    "EnvironmentFile=-$T/etc/dive/%i.conf.ExecStart=$T/dived /run/dive/%i.sock --listener-user _dived-%i \\\$DIVED_OPTS"
	if command -v systemd-analyze >/dev/null; then
		out=$(systemd-analyze verify --man=no \
		    "$U/dived@divetestg.socket" "$U/dived@divetestg.service" 2>&1)
		is "systemd-analyze verify: the units of an instance are valid" \
		    "$?/$out" "0/"
	else
		skip "systemd-analyze is not installed (package systemd)"
	fi
else
	not_ok "the units build"
	diag "$(cat "$T/mk.log")"
	skip "systemd-analyze: no units"
fi

# --- sysvinit, OpenRC: -d and -p under start-stop-daemon ---------------------
S=$T/init.sock
P=$T/init.pid
ssd() { start-stop-daemon --pidfile "$P" --exec "$DIVED" "$@"; }
ssd --start -- "$S" -d -p "$P" -C 0777 2>"$T/ssd.log"
st=$?
is "start-stop-daemon --start: returns 0 once dived is ready, and it serves" \
    "$st/$(run_as nobody "$DIVE" "$S" /bin/echo ready)" "0/ready"
ssd --start -- "$S" -d -p "$P" -C 0777 >/dev/null 2>&1
is "... a second --start finds it running through the pidfile (exit 1)" $? 1
ssd --stop --retry TERM/20 >/dev/null
is "start-stop-daemon --stop: dived stops on SIGTERM (exit 0)" $? 0
check "... and removes its pidfile and socket" test ! -e "$P" -a ! -e "$S"
