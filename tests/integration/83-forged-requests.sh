#!/bin/bash
# A compromised listener against the monitor: the test build of the
# listener (bin/tests/dived-listener-hooks, tests/hooks/forge.c) lets a
# client's request pass its own checks, then changes what it sends the
# monitor, one way per check the monitor makes again (dived takes the
# dived-listener next to itself).  Each forged request must end with the
# client refused, "listener protocol violation" in dived's log and no
# program started (it would write a marker file); the same request
# unforged runs the program, so the marker is shown to work.  Signals the
# monitor must not deliver are sent once the program runs: it must end
# normally.
. "$(dirname "$0")/lib.sh"

plan 40

hooks_install
U1=$(id -u divetest1)
M=$T/m				# the markers: every test user writes here
mkdir -m 1777 "$M"
MARK=$M/mark

# fstart OP [OPTIONS...]: hstart with the forging operation OP ("" for
# none).
fstart() {
	stop_dived
	printf '%s\n' "$1" > "$HT/dived-listener.forge"
	shift
	rm -f "$MARK"
	hstart "$@"
}

# client ARGS...: dive as divetest1 with no input, with the options
# $COPTS before the socket; $st and $err.
COPTS=
client() {
	# shellcheck disable=SC2086 # COPTS are words
	run_as divetest1 "$DIVE" $COPTS "$SOCK" "$@" </dev/null >/dev/null \
	    2>"$T/err"
	st=$?
	err=$(cat "$T/err")
}

# outcome: what a forged request came to: the client's status (0 or not),
# the violation dived logged, and whether the program ran.
outcome() {
	local v
	v=$(sed -n 's/.*listener protocol violation: \([^:]*\):.*/\1/p' \
	    "$LOG" | head -n 1)
	printf '%s/%s/%s' "$([ "$st" = 0 ] && echo served || echo refused)" \
	    "${v:-no violation logged}" \
	    "$([ -e "$MARK" ] && echo "program ran: $(cat "$MARK")" ||
	    echo "no program")"
}

NOT_ACCEPTED="request the server does not accept"

# forged NAME OP VIOLATION 'DIVED OPTIONS' CLIENT ARGS...: the request
# unforged runs the program; forged, it is refused for VIOLATION.
forged() {
	local name=$1 op=$2 viol=$3 opts=$4
	shift 4
	# shellcheck disable=SC2086 # OPTIONS are words
	fstart "" $opts
	client "$@"
	is "$name: the request as the client sent it runs" \
	    "$st/$([ -e "$MARK" ] && echo ran)" "0/ran"
	[ "$st" = 0 ] || echo "# $err"
	# shellcheck disable=SC2086
	fstart "$op" $opts
	client "$@"
	is "$name: forged, it is refused and logged, and nothing runs" \
	    "$(outcome)" "refused/$viol/no program"
}

ID="/bin/sh -c 'id -u > $MARK'"

# The target user: only with a policy (decide_user), and once (the
# monitor's table: a second one is an unexpected message).
forged "-u root to a dived without a policy (--audit-log only)" user \
    "bad target user" "--audit-log $T/audit.json" /bin/sh -c "id -u > $MARK"
CONF=$T/dived.conf
printf 'permit divetest1 as root\npermit divetest1 as divetest1\n' > "$CONF"
chmod 0600 "$CONF"
COPTS="-u root"
forged "the target user twice" user-twice "unexpected message" \
    "--config $CONF --audit-log $T/audit.json" /bin/sh -c "id -u > $MARK"
COPTS=

# The pseudo-terminal: required (--pty), refused (--no-pty), and no
# descriptor numbers for it with -O.
forged "no pty to dived --pty" no-pty "$NOT_ACCEPTED" --pty \
    /bin/sh -c "id -u > $MARK"
forged "a pty to dived --no-pty" pty "$NOT_ACCEPTED" --no-pty \
    /bin/sh -c "id -u > $MARK"
DIVE_PTY=1
export DIVE_PTY
forged "pty descriptor numbers to dived -O" pty-fds "$NOT_ACCEPTED" -O \
    /bin/sh -c "id -u > $MARK"
unset DIVE_PTY

# The client's directories and terminal, each made of a mapped descriptor
# the client passed as its fd 3.
forged "a directory to dived -H" cwd "$NOT_ACCEPTED" -H \
    /bin/sh -c "id -u > $MARK" 3<"$M"
forged "a root directory to dived without -r" root "$NOT_ACCEPTED" "" \
    /bin/sh -c "id -u > $MARK" 3</
forged "a terminal to dived -T" tty "$NOT_ACCEPTED" -T \
    /bin/sh -c "id -u > $MARK" 3</dev/null

# Descriptors: any with -O, more than --max-fds.
forged "a descriptor to dived -O" fds "$NOT_ACCEPTED" -O \
    /bin/sh -c "id -u > $MARK"
forged "one descriptor past --max-fds 8" fd-count "$NOT_ACCEPTED" \
    "--max-fds 8" /bin/sh -c "id -u > $MARK"

# The environment with -E, arguments with -A.
forged "an environment to dived -E" env "$NOT_ACCEPTED" -E \
    /bin/sh -c "id -u > $MARK"
cat > "$T/idmark" <<EOF
#!/bin/sh
id -u > $MARK
EOF
chmod 755 "$T/idmark"
forged "arguments to dived -A" argv "$NOT_ACCEPTED" "-A -- $T/idmark"

# A signal before the request (with --signals).
forged "a signal before the request" signal-early "unexpected message" \
    --signals /bin/sh -c "id -u > $MARK"

# A report of a client error without its code (instead of the request).
forged "an error report without a code" error-code "malformed error report" \
    "" /bin/sh -c "id -u > $MARK"

# An error code past the last, and the status pipe's frame (which only
# a spawner sends, on its pipe).
forged "an error report with a code past the last" error-big \
    "malformed error report" "" /bin/sh -c "id -u > $MARK"
forged "the spawner's MSG_SPAWN_EXEC from a listener" spawn-exec \
    "unexpected message" "" /bin/sh -c "id -u > $MARK"
# The request with a descriptor: the monitor takes none from a listener.
# The kernel refuses the listener's send where the monitor's socket has
# SO_PASSRIGHTS=0 (Linux 6.16; the listener then ends), else the
# monitor's reader refuses the frame.  Either way, nothing runs, and
# dived holds no descriptor more than before.
nfd() { set -- /proc/"$DPID"/fd/*; echo $#; }	# dived's descriptors
fstart exec-fd
NFD0=$(nfd)
client /bin/sh -c "id -u > $MARK"
like "a request carrying a descriptor: refused, nothing runs" "$(outcome)" \
    "^refused/(unreadable message|no violation logged)/no program\$"
waitfor '[ "$(nfd)" -le "$NFD0" ]'
is "a request carrying a descriptor: dived kept none of it" "$(nfd)" "$NFD0"

# after OP 'DIVED OPTIONS' CLIENT ARGS...: the client's request is passed
# on as it was, then the listener sends what the monitor must not take
# now: the program runs, once.  Sets $res.
after() {
	local op=$1 opts=$2
	shift 2
	# shellcheck disable=SC2086
	fstart "$op" -v $opts
	client "$@"
	waitfor "grep -qE 'program (exited with|killed by signal)' '$LOG'"
	res="$(outcome)/$(grep -cE 'program (exited with|killed by signal)' \
	    "$LOG")"
}
after exec-twice "" /bin/sh -c "id -u >> $MARK"
# Once a request is answered the monitor reads only small messages (a
# second request is too long for it), and a spawner whose listener broke
# the protocol before the program started is ended: the first program
# runs at most once, the second never.
like "a second request while the first starts: refused, nothing more runs" \
    "$res" "^refused/(unreadable|unexpected) message/(no program|program ran: $U1)/1\$"
after user-late "--config $CONF --audit-log $T/audit.json" \
    /bin/sh -c "id -u >> $MARK"
like "a target user after the request: refused" \
    "$res" "^refused/unexpected message/(no program|program ran: $U1)/1\$"

# signalled OP 'DIVED OPTIONS' (-v: dived logs how programs end): the
# program waits for a line on a FIFO, then writes the marker; the
# listener sends the monitor a signal for it once it runs, which the
# monitor must refuse, not deliver.  The line is written once the monitor
# has refused (or, if it never does, the program has ended or the wait
# given up), so that the program ends either way.  Sets $res.
FIFO=$M/fifo
signalled() {
	local op=$1 opts=$2 cpid
	rm -f "$FIFO"
	mkfifo -m 0666 "$FIFO"
	# shellcheck disable=SC2086
	fstart "$op" $opts
	run_as divetest1 "$DIVE" "$SOCK" /bin/sh -c \
	    "read x < $FIFO; id -u > $MARK" </dev/null >/dev/null 2>"$T/err" &
	cpid=$!
	waitfor "grep -qE 'protocol violation|program (exited|killed)' '$LOG'"
	exec 3<>"$FIFO"
	echo go >&3
	waitfor "grep -qE 'program (exited with|killed by signal)' '$LOG'"
	exec 3>&-
	wait "$cpid"
	st=$?
	res="$(outcome)/$(sed -n 's/.*: program \(.*\)/\1/p' "$LOG" |
	    head -n 1)"
}
signalled signal -v
is "a signal to dived without --signals: refused, not delivered" \
    "$res" \
    "refused/bad signal request/program ran: $U1/exited with 0"
signalled signal-zero "-v --signals"
is "signal 0 (out of range): refused" \
    "$res" \
    "refused/bad signal request/program ran: $U1/exited with 0"
signalled signal-big "-v --signals"
is "signal $((64 + 1)) (out of range): refused" \
    "$res" \
    "refused/bad signal request/program ran: $U1/exited with 0"

# An honest client is still served by the same build.
fstart ""
client /bin/sh -c "id -u > $MARK"
is "the forging build serves an honest client" "$st/$(cat "$MARK")" "0/$U1"
