#!/bin/bash
# A client cannot take another session's terminal.  The attack: root's
# interactive shell runs  su divetest1 -c CMD ; su starts CMD in a new
# session so that it cannot type into root's terminal, yet CMD's fds are
# that terminal.  CMD leaves behind  DIVE_PTY=0 DIVE_TERMINAL=@3 dive
# SOCK prog 3<&0 ; were root's terminal made prog's controlling terminal,
# prog's TIOCSTI would type a command into root's shell.  dived refuses:
# the terminal is not the client's session's.  The client's own terminal
# (dive 1.9 behaviour) is still given.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tmux.sh"
plan 8

OUT='outer$ '
install -m 0755 "$BUILD/bin/tests/tiocsti" "$T/tiocsti"
# TIOCSTI needs this (or CAP_SYS_ADMIN) on kernels that have the switch.
STI=/proc/sys/dev/tty/legacy_tiocsti
old_sti=
if [ -e "$STI" ]; then
	old_sti=$(cat "$STI")
	echo 1 > "$STI"
fi
at_exit '[ -z "$old_sti" ] || echo "$old_sti" > "$STI"'

start_dived
tmux_start		# root's interactive shell on its own pty
# The user's command, as su runs it: fd 3 a copy of root's terminal
# (a background list's stdin is /dev/null, so take the copy first).
cmd="exec 3<&0; (DIVE_PTY=0 DIVE_TERMINAL=@3 $DIVE $SOCK $T/tiocsti 'id > $TDIR/pwned
' > $TDIR/out 2> $TDIR/err; echo \$? > $TDIR/rc) &"
printf '%s\n' "$cmd" > "$TDIR/cmd"
chmod 644 "$TDIR/cmd"
type_line "su divetest1 -s /bin/sh -c '. $TDIR/cmd'"
wait_prompt "$OUT"
check "the user's dive has ended" waitfor "[ -s $TDIR/rc ]"
# Whatever was pushed into root's terminal is read before this.
type_line 'echo "@@"done'
wait_for '^@@done' >/dev/null
if [ -e "$TDIR/pwned" ]; then
	not_ok "nothing typed into root's shell ran"
	diag "root's shell ran: $(cat "$TDIR/pwned")"
else
	ok "nothing typed into root's shell ran"
fi
is "the program never ran" "$(cat "$TDIR/out")" ""
like "dive is refused with the reason" "$(cat "$TDIR/err")" \
    "set the controlling terminal: the terminal belongs to another session than the client's"
is "... and exits with 127" "$(cat "$TDIR/rc")" 127
like "dived logs it" "$(cat "$LOG")" \
    "uid $(id -u divetest1): cannot set the controlling terminal: the terminal belongs to another session"

# The user's own terminal (the client's session's) is still given, as
# by dive 1.9, and the program's keystrokes reach that user's shell.
tmux_start divetest1
type_line 'DIVE_PTY=0 $DIVE $SOCK $T/tiocsti $'\''touch $TDIR/own\n'\'''
wait_prompt "$OUT"
type_line 'echo "@@"done'
wait_for '^@@done' >/dev/null
like "the client's own terminal is the program's" "$(screen)" \
    $'fd 0: injected\n(.*\n)?/dev/tty: injected'
check "... and its input reaches the user's own shell" test -e "$TDIR/own"
tm kill-server

