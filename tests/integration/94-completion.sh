#!/bin/bash
# The bash completion of dive and dived, called as bash calls it
# (COMP_WORDS, COMP_CWORD) in a plain bash without bash-completion.
. "$(dirname "$0")/lib.sh"
plan 17

CD=$ROOT/completion/dive
CDD=$ROOT/completion/dived

# A directory with a socket, a file and a subdirectory.
W=$T/w
mkdir -p "$W/sub"
: > "$W/plain"
SOCK_OVERRIDE=$W/s.sock start_dived
cd "$W" || exit 1

is "dive: the socket: sockets and directories, no other file" \
    "$(comp "$CD" dive "" | grep -v '^@' | sort)" "s.sock
sub/"
is "dive: a path prefix completes to the socket" "$(comp "$CD" dive "$W/s.")" \
    "$W/s.sock"
is "dive -- SOCKET: the socket comes after --" \
    "$(comp "$CD" dive -- "" | grep -v '^@' | sort)" "s.sock
sub/"
stop_dived
SOCK_OVERRIDE=@dive-comp-$$ start_dived
is "dive: @ completes the abstract sockets listening here" \
    "$(comp "$CD" dive "@dive-comp-$$")" "@dive-comp-$$"
is "dive: a bare word offers the abstract sockets too" \
    "$(comp "$CD" dive "" | grep -c "^@dive-comp-$$\$")" 1
stop_dived
is "dive: an abstract socket that no longer listens is gone" \
    "$(comp "$CD" dive "@dive-comp-$$")" ""
like "dive: then a program" "$(comp "$CD" dive s.sock ech)" "(^|
)echo(
|$)"
is "dive: the options" "$(comp "$CD" dive --)" "--help
--version
--"

# dived: the options come from its own --help.
help=$("$DIVED" --help | awk '/^[ \t]+-/ { for (i = 1; i <= NF; i++) {
    w = $i; sub(/,$/, "", w); if (w !~ /^--?[A-Za-z][-A-Za-z0-9]*$/) break
    print w } }' | sort -u)
is "dived: after the socket, every option of dived --help" \
    "$(comp "$CDD" "$DIVED" s.sock - | grep -vx -- -- | sort -u)" "$help"
is "dived: a prefix completes one option" \
    "$(comp "$CDD" "$DIVED" s.sock --no-envi)" --no-environment
like "dived: the first word: the modes" "$(comp "$CDD" "$DIVED" -)" \
    "-i.*--inetd.*-J.*--just-execute"
is "dived --user: users" "$(comp "$CDD" "$DIVED" s.sock --user divetest | sort)" \
    "divetest1
divetest2"
like "dived -g: groups, after the ones already given" \
    "$(comp "$CDD" "$DIVED" s.sock -g divetestg,divetestx)" \
    "^divetestg,divetestx$"
is "dived -s: namespaces, after the ones already given" \
    "$(comp "$CDD" "$DIVED" s.sock -s net,pi)" "net,pid"
like "dived -U: user, then group" \
    "$(comp "$CDD" "$DIVED" s.sock -U divetest1:divetestx)" "^divetest1:divetestx$"
is "dived -V: both arguments are directories" \
    "$(comp "$CDD" "$DIVED" s.sock -V "$W/su"; comp "$CDD" "$DIVED" s.sock -V / "$W/su")" \
    "$W/sub
$W/sub"
like "dived --: the forced program" "$(comp "$CDD" "$DIVED" s.sock -u root -- ech)" \
    "(^|
)echo(
|$)"
