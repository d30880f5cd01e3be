#!/bin/bash
# Pty mode puts the caller's terminal in raw mode and always puts it
# back: after a normal exit, a program killed by a signal, SIGTERM,
# SIGHUP or SIGINT to dive (even with DIVE_SIGFWMODE=0), a dropped
# connection, and while dive is suspended.  The modes are compared with
# stty -g before and after, in a tmux window.  dive runs under a
# non-interactive wrapper that reads the modes the moment dive ends: the
# interactive bash around it puts modes back itself when a job is killed
# by a signal, so that a dive that did not restore them could not be
# told from one that did.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tmux.sh"
plan 22

OUT='outer$ '
# (the pid file first: once "running" shows, prog_gone can read it)
PROG='/bin/sh -c '\''echo $$ > $TDIR/prog; echo "@@"running; exec sleep 1000'\'''

# (The shell in tmux is root's: its program gains privileges, and only the
# operator can let TDIR pass then: dived(8), ENVIRONMENT.)
start_dived --keep-env TDIR
tmux_start
type_line 'echo "@@"pid=$$; echo "@@"tty=$(tty); stty -g > $TDIR/before'
wait_for '^@@tty=' >/dev/null
opid=$(value pid)
otty=$(value tty)
before=$(cat "$TDIR/before")
# wrap COMMAND...: runs it, then at once writes the terminal's modes to
# $TDIR/after, puts back the modes it started with (so that a failure
# does not carry over to the next step) and shows its status ("@@rc=").
cat > "$TDIR/wrap" <<'WRAP'
#!/bin/sh
saved=$(stty -g)
"$@"
s=$?
stty -g > "$TDIR/after"
stty "$saved"
printf '\n@@rc=%s\n' "$s"
WRAP
chmod 755 "$TDIR/wrap"

# modes: the caller's terminal's modes now, seen from outside.
modes() {
	stty -g < "$otty"
}

# run_prog [VAR=VALUE...]: start dive on $PROG under the wrapper; sets
# dpid (dive's pid: the one in the window's session).
run_prog() {
	rm -f "$TDIR/prog" "$TDIR/after"
	clear_screen
	wait_prompt "$OUT"
	type_line "\$TDIR/wrap env $* \$DIVE \$SOCK $PROG"
	wait_for '^@@running' >/dev/null
	dpid=$(pgrep -s "$opid" -x dive)
}

# after DESC STATUS: dive ended with STATUS and the modes were back when
# it ended.  (The file is written before the answer shows, and the
# screen and the file cleared first: neither an earlier answer nor an
# earlier file can count.)
after() {
	wait_for '^@@rc=' >/dev/null
	is "$1: dive's status" "$(value rc)" "$2"
	is "$1: the terminal's modes are back" "$(cat "$TDIR/after")" \
	    "$before"
}

# prog_gone: the program ended (its terminal hung up).
prog_gone() {
	local pid i
	pid=$(cat "$TDIR/prog" 2>/dev/null) || return 1
	for i in $(seq 600); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	return 1
}

run_prog
check "in pty mode the caller's terminal is in raw mode" \
    test "$(modes)" != "$before"
like "... without echo and signals" "$(stty -a < "$otty")" \
    '-isig .*-icanon .*-echo '
kill -USR1 "$(cat "$TDIR/prog")"
after "program killed by a signal" 138

run_prog
kill -TERM "$dpid"
after "SIGTERM to dive" 143
check "the program's terminal hung up: it ended" prog_gone

run_prog
kill -HUP "$dpid"
after "SIGHUP to dive" 129

run_prog
kill -INT "$dpid"
after "SIGINT to dive" 130

run_prog DIVE_SIGFWMODE=0
kill -TERM "$dpid"
after "SIGTERM with DIVE_SIGFWMODE=0" 143

run_prog
kill -KILL "$(listener_pid)"
after "dropped connection (listener killed)" 127
check "the program's terminal hung up with it" prog_gone

# Stopped under the wrapper, which waits on: no shell takes the terminal
# back (bash would reset it); the modes are read once dive has stopped.
run_prog
kill -TSTP "$dpid"
for i in $(seq 600); do
	[ "$(ps -o stat= -p "$dpid" | cut -c1)" = T ] && break
	sleep 0.1
done
is "SIGTSTP to dive: the modes are back while it is stopped" "$(modes)" \
    "$before"
kill -CONT "$dpid"
for i in $(seq 600); do [ "$(modes)" != "$before" ] && break; sleep 0.1; done
check "SIGCONT: raw mode again" test "$(modes)" != "$before"
kill -USR2 "$(cat "$TDIR/prog")"
after "then the program's end" 140

rm -f "$TDIR/prog" "$TDIR/after"
clear_screen
wait_prompt "$OUT"
type_line '$TDIR/wrap $DIVE $SOCK /bin/sh -c '\''exit 5'\'''
after "normal exit" 5
