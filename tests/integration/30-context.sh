#!/bin/bash
# The caller's context travels: descriptors at their numbers, current
# directory, umask; and -O, -H, -M turn each off.
. "$(dirname "$0")/lib.sh"
plan 17

start_dived
is "fd 100 arrives as fd 100" \
    "$("$DIVE" "$SOCK" /bin/bash -c 'cat <&100' 100<<< qwerty)" qwerty
is "fd 100 as an unprivileged user" \
    "$(run_as nobody "$DIVE" "$SOCK" /bin/bash -c 'cat <&100' 100<<< asdf)" \
    asdf
is "writes go to the caller's stdout" \
    "$("$DIVE" "$SOCK" /bin/sh -c 'echo out; echo err >&2' 2>&1)" \
    "$(printf 'out\nerr')"
is "no stray descriptors: the program's /proc/self/fd is the caller's" \
    "$("$DIVE" "$SOCK" /bin/ls /proc/self/fd/ 7</dev/null 9>/dev/null)" \
    "$(/bin/ls /proc/self/fd/ 7</dev/null 9>/dev/null)"
is "a closed stdin stays closed" \
    "$("$DIVE" "$SOCK" /bin/ls /proc/self/fd/ <&-)" \
    "$(/bin/ls /proc/self/fd/ <&-)"
is "a pipe keeps working in both directions" \
    "$(echo abc | "$DIVE" "$SOCK" /usr/bin/tr a-z A-Z | cat)" ABC

mkdir -p "$T/dir/sub"
chmod 755 "$T/dir" "$T/dir/sub"
is "current directory kept" "$(cd "$T/dir/sub" && "$DIVE" "$SOCK" /bin/pwd)" \
    "$T/dir/sub"
is "current directory kept for an unprivileged user" \
    "$(cd "$T/dir" && run_as nobody "$DIVE" "$SOCK" /bin/pwd)" "$T/dir"
is "DIVE_CURDIR chooses the directory" \
    "$(DIVE_CURDIR="$T/dir/sub" "$DIVE" "$SOCK" /bin/pwd)" "$T/dir/sub"
err=$(DIVE_CURDIR="$T/nonexistent" "$DIVE" "$SOCK" /bin/pwd 2>&1)
is "DIVE_CURDIR that does not exist: exit 1" $? 1
like "DIVE_CURDIR that does not exist: says so" "$err" \
    "cannot open the directory $T/nonexistent"

is "umask kept" "$(umask 0354; "$DIVE" "$SOCK" /bin/sh -c umask)" 0354
is "umask kept for an unprivileged user" \
    "$(umask 0027; run_as nobody "$DIVE" "$SOCK" /bin/sh -c umask)" 0027

start_dived -O
"$DIVE" "$SOCK" /bin/bash -c 'cat <&100' 100<<< qwerty 2>/dev/null
is "-O: fd 100 not passed" $? 1
is "-O: the program's stdio is /dev/null" \
    "$("$DIVE" "$SOCK" /bin/sh -c 'readlink /proc/self/fd/1 >&2' 2>&1)" ""

(cd / && exec "$DIVED" "$T/sock2" -C 0777 -H) 2>>"$LOG" &
pid=$!
for i in $(seq 100); do [ -S "$T/sock2" ] && break; sleep 0.05; done
is "-H: the daemon's directory instead" \
    "$(cd "$T/dir" && "$DIVE" "$T/sock2" /bin/pwd)" /
kill $pid; wait $pid 2>/dev/null

start_dived -M
is "-M: the daemon's umask instead" \
    "$(umask 0354; "$DIVE" "$SOCK" /bin/sh -c umask)" "$(umask)"
