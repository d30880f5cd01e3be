#!/bin/bash
# Arguments arrive byte-identical; a forced command line (after --) is
# prepended, or used alone with -A, and is never looked up in the
# client's PATH.
. "$(dirname "$0")/lib.sh"
plan 11

start_dived
args=("a b" $'new\nline' 'back\' $'\xff\xfe' '' '*' '$HOME')
is "arguments arrive byte-identical" \
    "$("$DIVE" "$SOCK" /usr/bin/printf '[%s]' "${args[@]}" | od -c)" \
    "$(/usr/bin/printf '[%s]' "${args[@]}" | od -c)"
is "program looked up in the client's PATH" \
    "$(PATH=/usr/bin:/bin "$DIVE" "$SOCK" printf ok)" ok
err=$("$DIVE" "$SOCK" 2>&1)
is "no program and no forced command: usage error 4" $? 4
like "no program: says so" "$err" "no program given"

start_dived -- /bin/echo qqq
is "forced prefix plus client arguments" "$("$DIVE" "$SOCK" www)" "qqq www"
is "forced command alone" "$("$DIVE" "$SOCK")" "qqq"

start_dived --no-argv -- /bin/echo qqq
out=$("$DIVE" "$SOCK" www 2>"$T/err")
is "-A: client arguments ignored" "$out" qqq
like "-A: dive warns that they were ignored" "$(cat "$T/err")" \
    "ignores client arguments"

mkdir -p "$T/evil"
printf '#!/bin/sh\necho hijacked\n' > "$T/evil/echo"
chmod 755 "$T/evil/echo"
start_dived -- echo forced
is "forced command resolved at start, not in the client's PATH" \
    "$(PATH="$T/evil" "$DIVE" "$SOCK" x)" "forced x"

"$DIVED" "$T/s3" -- no-such-program-anywhere 2>"$T/err"
is "forced command not found: dived refuses to start (4)" $? 4
like "forced command not found: says so" "$(cat "$T/err")" "not found"
