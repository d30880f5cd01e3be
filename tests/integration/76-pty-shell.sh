#!/bin/bash
# Pty mode (the default when stdin is a terminal): an interactive shell
# through dive, driven in a tmux window, gets a terminal of its own with
# job control and the window's size; afterwards the caller's shell has
# its terminal and job control back.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tmux.sh"
plan 16

IN='inner$ '
OUT='outer$ '
# inner_shell: start an interactive shell through dive, prompt $IN.
# (The prompt comes with the environment dive passes on, so that only a
# shell dived started shows it, never the outer one.)
inner_shell() {
	type_line "PS1='$IN' \$DIVE \$SOCK /bin/bash --norc --noprofile -i"
	wait_prompt "$IN"
}

# (The shell in tmux is root's: its program gains privileges, and only the
# operator can let PS1 pass then: dived(8), ENVIRONMENT.)
start_dived --keep-env PS1
tmux_start
type_line 'echo "@@"outer=$(tty); echo "@@"ctty=$(ps -o tty= -p $$)'
wait_for '^@@ctty=' >/dev/null
outer=$(value outer)
ctty=$(value ctty)
inner_shell
check "an interactive shell gets a prompt" wait_prompt "$IN"
type_line 'echo "@@"inner=$(tty)'
wait_for '^@@inner=' >/dev/null
inner=$(value inner)
like "it runs on a pseudo-terminal" "$inner" '^/dev/pts/[0-9]+$'
check "a new one, not the caller's ($outer)" test "$inner" != "$outer"
type_line 'case $- in *m*) echo "@@"monitor=on;; esac'
expect "with job control (set -m)" '^@@monitor=on'

type_line 'sleep 1000 &'
expect "sleep 1000 & starts a background job" '^\[1\] [0-9]+'
type_line 'jobs'
expect "jobs lists it running" '^\[1\]\+ +Running +sleep 1000 &'
type_line 'fg'
wait_fg "${inner#/dev/}" sleep
key C-z
expect "Ctrl-Z stops the foreground job" '^\[1\]\+ +Stopped +sleep 1000'
wait_prompt "$IN"
type_line 'fg'
wait_fg "${inner#/dev/}" sleep
key C-c
wait_prompt "$IN"
type_line 'echo "@@"jobs=$(jobs | wc -l)'
expect "Ctrl-C interrupts it; no job is left" '^@@jobs=0'

type_line 'echo "@@"cols=$(tput cols); echo "@@"lines=$(tput lines)'
wait_for '^@@lines=' >/dev/null
is "tput cols and lines inside: the window's size" \
    "$(value cols)x$(value lines)" "100x30"
tm resize-window -t t -x 72 -y 20
type_line 'echo "@@"cols2=$(tput cols); echo "@@"lines2=$(tput lines)'
wait_for '^@@lines2=' >/dev/null
is "after a resize, they follow" "$(value cols2)x$(value lines2)" "72x20"
type_line 'exit 3'
wait_prompt "$OUT"
type_line 'echo "@@"rc=$?'
expect "dive ends with the shell's status" '^@@rc=3'
type_line 'echo "@@"ctty2=$(ps -o tty= -p $$)'
wait_for '^@@ctty2=' >/dev/null
is "the caller's shell keeps its controlling terminal" "$(value ctty2)" \
    "$ctty"
type_line 'sleep 1000'
wait_fg "${outer#/dev/}" sleep
key C-c
wait_prompt "$OUT"
type_line 'echo "@@"back'
expect "Ctrl-C works in the caller's shell afterwards" '^@@back'

# An unprivileged caller; the terminal belongs to the program's user.
tmux_start divetest1
inner_shell
type_line 'sleep 1000 & jobs'
expect "an unprivileged caller gets a shell with job control" \
    '^\[1\]\+ +Running +sleep 1000 &'
type_line 'echo "@@"tty=$(stat -c %U:%G:%a $(tty))'
wait_for '^@@tty=' >/dev/null
is "its terminal is the caller's user's, group tty, mode 620" \
    "$(value tty)" "divetest1:tty:620"
type_line 'kill %1; wait; exit'
wait_prompt "$OUT"

start_dived -u divetest2
tmux_start
type_line '$DIVE $SOCK /bin/sh -c '\''echo "@@"tty=$(stat -c %U:%G:%a $(tty))'\'''
expect "with dived -u the terminal belongs to that user" \
    '^@@tty=divetest2:tty:620'
tm kill-server
