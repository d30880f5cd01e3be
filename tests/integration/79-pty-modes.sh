#!/bin/bash
# When pty mode is used, and how it is chosen: -t/-T, DIVE_PTY,
# DIVE_TERMINAL, DIVE_WAITMODE, dived --pty, --no-pty, -T, -O; end of
# input and output through the pty; and the server's own checks of a
# client's pty request (ptyreq, a minimal client).
. "$(dirname "$0")/lib.sh"
plan 37

PTYREQ=$BUILD/bin/tests/ptyreq
# same_tty COMMAND...: run dive on script's terminal; "same" if the
# program's terminal is the caller's, "new" if another, else its output.
same_tty() {
	in_pty "o=\$(tty); i=\$($* tty); [ \"\$i\" = \"\$o\" ] && echo @@same || { case \$i in /dev/pts/*) echo @@new;; *) echo \"@@\$i\";; esac; }" |
	    sed -n 's/.*@@//p'
}

start_dived
is "default on a terminal: a new pty" "$(same_tty "$DIVE $SOCK")" new
is "DIVE_PTY=0: the caller's terminal, as before" \
    "$(same_tty "DIVE_PTY=0 $DIVE $SOCK")" same
is "dive -T: the same" "$(same_tty "$DIVE -T $SOCK")" same
is "DIVE_TERMINAL=@0: the caller's terminal itself" \
    "$(same_tty "DIVE_TERMINAL=@0 $DIVE $SOCK")" same
is "DIVE_WAITMODE=2: no pty, the caller's terminal" \
    "$(same_tty "DIVE_WAITMODE=2 $DIVE $SOCK")" same
is "without a terminal on stdin: no pty by default" \
    "$("$DIVE" "$SOCK" tty < /dev/null)" "not a tty"
out=$(DIVE_PTY=1 "$DIVE" "$SOCK" tty < /dev/null | tr -d '\r')
like "DIVE_PTY=1 without a terminal: stdin is a new pty" "$out" \
    '^/dev/pts/[0-9]+$'
out=$("$DIVE" -t "$SOCK" tty < /dev/null | tr -d '\r')
like "dive -t: the same" "$out" '^/dev/pts/[0-9]+$'

# The new terminal starts with the caller's modes, as ssh gives them.
modes='intr = \^X;.*erase = \^H;.* -ixon .* iutf8'
out=$(in_pty "stty intr ^X erase ^H -ixon iutf8; tty; $DIVE $SOCK sh -c 'tty; stty -a'")
like "the pty gets the caller's modes (intr, erase, -ixon, iutf8)" \
    "$(tr '\n' ' ' <<< "$out")" "$modes"
# (Not at the start of a line: script(1) may echo the end-of-file
# character it sends when its own input ends, as ^@, before either.)
ttys=$(grep -o '/dev/pts/[0-9]*' <<< "$out")
is "... on a terminal of its own" \
    "$(wc -l <<< "$ttys")/$(sort -u <<< "$ttys" | wc -l)" 2/2
out=$(DIVE_PTY=1 "$DIVE" "$SOCK" stty -a < /dev/null | tr '\r\n' '  ')
like "without a terminal of the caller's: the kernel's defaults" "$out" \
    'intr = \^C;.*erase = \^\?;.* ixon .* -iutf8'

# The pty echoes the input, and cat prints it again.
out=$(printf 'one\ntwo\n' | DIVE_PTY=1 "$DIVE" "$SOCK" /bin/sh -c \
    'cat; echo status=$?' | tr -d '\r' | sort | uniq -c | tr -s ' ')
is "input relayed, its end as the pty's end of file" "$out" \
    $' 2 one\n 1 status=0\n 2 two'
out=$(printf 'abc' | DIVE_PTY=1 "$DIVE" "$SOCK" /bin/sh -c \
    'cat; echo; echo status=$?' | tr -d '\r')
is "... also after a partial line" "$out" $'abcabc\nstatus=0'
out=$(DIVE_PTY=1 "$DIVE" "$SOCK" seq 1 50000 < /dev/null | tr -d '\r')
is "all output arrives before dive ends" "$(echo "$out" | wc -l) \
$(echo "$out" | tail -n 1)" "50000 50000"
DIVE_PTY=1 "$DIVE" "$SOCK" /bin/sh -c 'exit 7' < /dev/null > /dev/null
is "the exit status comes through" $? 7
{ DIVE_PTY=1 "$DIVE" "$SOCK" /bin/sh -c 'kill -USR1 $$' < /dev/null \
    > /dev/null; } 2>/dev/null
is "so does death by a signal" $? 138

err=$(DIVE_PTY=yes "$DIVE" "$SOCK" true 2>&1)
is "DIVE_PTY=yes: usage error" "$?:$err" "4:dive: DIVE_PTY must be 0 or 1, not 'yes'"
err=$(DIVE_PTY=1 DIVE_TERMINAL=@0 "$DIVE" "$SOCK" true 2>&1 < /dev/null)
like "DIVE_PTY=1 with DIVE_TERMINAL: usage error" "$?:$err" \
    "^4:.*exclude each other"
err=$(DIVE_WAITMODE=1 "$DIVE" -t "$SOCK" true 2>&1 < /dev/null)
like "-t with DIVE_WAITMODE=1: usage error" "$?:$err" \
    "^4:.*DIVE_WAITMODE=1"
err=$("$DIVE" -x "$SOCK" true 2>&1)
like "other options before SOCKET: still refused" "$?:$err" \
    "^4:.*unknown option '-x'"

like "the server offers a pty (HELLO_PTY)" "$("$PTYREQ" "$SOCK" pty |
    tr -d '\r')" $'^hello flags=400\npty terminal\nstarted\n/dev/pts/[0-9]+\nexited 3$'
like "a client of its own gets the master and the program's output" \
    "$("$PTYREQ" "$SOCK" pty | tr -d '\r')" \
    $'pty terminal\nstarted\n/dev/pts/[0-9]+\nexited 3$'

start_dived --no-pty
is "--no-pty: the caller's terminal" "$(same_tty "$DIVE $SOCK")" same
err=$(DIVE_PTY=1 "$DIVE" "$SOCK" true 2>&1 < /dev/null)
like "--no-pty: DIVE_PTY=1 is refused" "$?:$err" \
    "^127:.*offers no pseudo-terminal"
is "--no-pty: the listener refuses a pty request" \
    "$("$PTYREQ" "$SOCK" pty)" $'hello flags=0\nerror 38'

start_dived -T
err=$("$DIVE" -t "$SOCK" true 2>&1 < /dev/null)
like "-T: no pty offered" "$?:$err" "^127:.*offers no pseudo-terminal"
start_dived -w
is "-w: no pty offered" "$("$PTYREQ" "$SOCK" pty)" $'hello flags=0\nerror 38'

start_dived --pty
out=$(echo hi | "$DIVE" "$SOCK" /bin/sh -c \
    'read x; echo "got $x"; exec 3< /dev/tty && echo ctty')
is "--pty: a pty even without a terminal; pipes stay pipes" "$out" \
    $'got hi\nctty'
err=$(DIVE_PTY=0 "$DIVE" "$SOCK" true 2>&1 < /dev/null)
like "--pty: DIVE_PTY=0 is refused" "$?:$err" \
    "^127:.*dived --pty.*DIVE_PTY=0"
err=$(DIVE_TERMINAL=@0 in_pty "$DIVE $SOCK true; echo rc=\$?" 2>&1)
like "--pty: DIVE_TERMINAL too" "$(tr '\n' ' ' <<< "$err")" \
    "DIVE_TERMINAL cannot be honoured.* rc=127"
is "--pty: the listener refuses a request without one" \
    "$("$PTYREQ" "$SOCK" nopty)" $'hello flags=c00\nerror 37'
err=$(DIVE_WAITMODE=2 "$DIVE" "$SOCK" true 2>&1 < /dev/null)
like "--pty with DIVE_WAITMODE=2: refused" "$?:$err" "^4:.*--pty"

start_dived -O
out=$("$DIVE" -t "$SOCK" /bin/sh -c 'tty; echo out; echo err >&2' \
    < /dev/null 2>/dev/null | tr -d '\r')
like "-O: the pty is the program's stdin, stdout and stderr" "$out" \
    $'^/dev/pts/[0-9]+\nout\nerr$'
is "-O: pty numbers in a request are refused" "$("$PTYREQ" "$SOCK" pty5)" \
    $'hello flags=400\nerror 24'

err=$("$DIVED" "$T/x" --pty -S 2>&1)
like "dived --pty -S: a usage error" "$?:$err" "^4:.*--no-setsid"

# Completion: -t and -T come before the socket.
is "completion: dive - offers -t and -T (and -u)" \
    "$(comp "$ROOT/completion/dive" dive - | sort | tr '\n' ' ')" \
    "-- --help --version -T -t -u "
is "completion: after -t comes the socket" \
    "$(cd "$T" && comp "$ROOT/completion/dive" dive -t "" | grep -v '^@' |
    grep sock)" sock
