#!/bin/bash
# In pty mode the program cannot reach the caller's terminal: keystrokes
# pushed with TIOCSTI land in its own pseudo-terminal, never in the
# caller's shell (with the old mode, DIVE_PTY=0, they do: the control
# case), none of its descriptors is the caller's terminal, redirections
# still go straight to their files, and a full-screen program (less)
# draws and exits cleanly.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tmux.sh"
plan 13

OUT='outer$ '
install -m 0755 "$BUILD/bin/tests/tiocsti" "$T/tiocsti"

# The program runs as another user than the caller (root).
start_dived -u divetest1
tmux_start
type_line '$DIVE $SOCK $T/tiocsti $'\''touch $TDIR/injected\n'\'''
wait_prompt "$OUT"
type_line 'echo "@@"done'
wait_for '^@@done' >/dev/null
like "the program's TIOCSTI works on its own terminal" "$(screen)" \
    $'fd 0: injected\n(.*\n)?/dev/tty: injected'
check "but nothing reaches the caller's shell" test ! -e "$TDIR/injected"

type_line 'echo "@@"rdev=$(stat -L -c %t:%T /proc/$$/fd/0)'
wait_for '^@@rdev=' >/dev/null
rdev=$(value rdev)
type_line '$DIVE $SOCK /bin/sh -c '\''for f in 0 1 2 5; do echo "@@"fd$f=$(stat -L -c %t:%T /proc/$$/fd/$f); done'\'' 5<>$(tty)'
wait_for '^@@fd5=' >/dev/null
fds="$(value fd0) $(value fd1) $(value fd2) $(value fd5)"
like "the program's 0, 1, 2 and 5 are one new terminal" "$fds" \
    '^([0-9a-f]+:[0-9a-f]+) \1 \1 \1$'
check "none of them is the caller's ($rdev)" test "${fds%% *}" != "$rdev"

type_line '$DIVE $SOCK /bin/sh -c '\''tty; echo hello'\'' > $TDIR/out'
wait_prompt "$OUT"
type_line 'echo "@@"rc=$?'
wait_for '^@@rc=' >/dev/null
like "a redirected stdout goes to its file, not through the pty" \
    "$(tr '\r' R < "$TDIR/out")" $'^/dev/pts/[0-9]+\nhello$'
check "... while stdin is the new terminal" \
    test "$(head -n 1 "$TDIR/out")" != "/dev/pts/$((0x${rdev#*:}))"

# A full-screen program.
seq -f 'line %g' 200 > "$TDIR/lines"
type_line 'stty -g > $TDIR/before'
type_line '$DIVE $SOCK less $TDIR/lines'
expect "less draws its first screen" '^line 29$'
check "... the height of the window, no more" \
    sh -c "! tmux -S '$TMUXSOCK' capture-pane -p -t t | grep -q '^line 30$'"
key G
expect "G goes to the end" '^line 200$'
key q
wait_prompt "$OUT"
clear_screen		# the earlier @@rc= must not answer for this one
type_line 'echo "@@"rc=$?; stty -g > $TDIR/after'
expect "q: less exits, dive with status 0" '^@@rc=0'
is "the terminal's modes are back" "$(cat "$TDIR/after")" \
    "$(cat "$TDIR/before")"

# The control: the old mode hands the caller's terminal to the program.
if [ "$(cat /proc/sys/dev/tty/legacy_tiocsti 2>/dev/null || echo 1)" = 0 ]
then
	skip "control: TIOCSTI is disabled on this kernel"
	skip "control: ..."
else
	tmux_start
	type_line 'DIVE_PTY=0 $DIVE $SOCK $T/tiocsti $'\''touch $TDIR/injected-old\n'\'''
	wait_prompt "$OUT"
	type_line 'echo "@@"done'
	wait_for '^@@done' >/dev/null
	like "control: with DIVE_PTY=0 the program's TIOCSTI works" \
	    "$(screen)" 'fd 0: injected'
	check "... and its keystrokes run in the caller's shell" \
	    test -e "$TDIR/injected-old"
fi
tm kill-server
