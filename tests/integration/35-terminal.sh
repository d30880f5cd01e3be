#!/bin/bash
# The terminal without pty mode (DIVE_PTY=0; pty mode: 76-79): the
# program leads a new session with the caller's terminal as its
# controlling terminal; -T keeps it without one, -S in dived's session;
# DIVE_TERMINAL chooses or refuses a terminal.
. "$(dirname "$0")/lib.sh"
plan 8

# What the program sees: is it a session leader, and its terminal.
probe='/bin/sh -c '\''s=$(ps -o sid= -p $$ | tr -d " "); t=$(ps -o tty= -p $$ | tr -d " "); [ "$s" = $$ ] && echo leader || echo member; echo "tty=$t"'\'''

start_dived
out=$(in_pty "DIVE_PTY=0 $DIVE $SOCK $probe")
like "DIVE_PTY=0: the program leads its own session" "$out" "^leader"
like "DIVE_PTY=0: with the caller's terminal as its controlling terminal" \
    "$out" "tty=pts/[0-9]+"
out=$(in_pty "DIVE_PTY=0 setpriv --reuid=nobody --regid=nogroup --init-groups -- $DIVE $SOCK $probe")
like "also for an unprivileged client" "$out" "tty=pts/[0-9]+"
out=$(in_pty "DIVE_TERMINAL= $DIVE $SOCK $probe")
like "DIVE_TERMINAL empty: no controlling terminal" "$out" "tty=\?"
out=$(in_pty "DIVE_TERMINAL=@-1 $DIVE $SOCK $probe")
like "DIVE_TERMINAL=@-1: none either" "$out" "tty=\?"
err=$(DIVE_TERMINAL=@1 "$DIVE" "$SOCK" /bin/true 2>&1 >/dev/null | cat)
like "DIVE_TERMINAL=@1 when fd 1 is no terminal: refused" "$err" \
    "not a terminal"

start_dived -T
out=$(in_pty "$DIVE $SOCK $probe")
like "-T: a session leader without a controlling terminal" "$out" \
    "^leader.tty=\?"
start_dived -S
out=$(in_pty "$DIVE $SOCK $probe")
like "-S: not a session leader" "$out" "^member"
