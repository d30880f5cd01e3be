#!/bin/bash
# The environment: kept (a program that gains privileges gets only the
# allow-list: 21-env-privilege.sh, 86-env-safety.sh), or dived's own with
# -E; DIVE_* from the client always dropped; DIVE_USER, DIVE_UID, DIVE_GID, DIVE_PID set from the
# kernel's view of the client.
. "$(dirname "$0")/lib.sh"
plan 14

start_dived
export V=31336
is "environment kept" \
    "$(run_as divetest1 "$DIVE" "$SOCK" /bin/sh -c 'echo $V')" 31336
is "... but not for a root client, whose program gains root's rights" \
    "$("$DIVE" "$SOCK" /bin/sh -c 'echo "[$V]"')" "[]"
is "odd values arrive byte-identical" \
    "$(W=$'a\nb\\c\001' run_as divetest1 "$DIVE" "$SOCK" /bin/sh -c \
    'printf %s "$W"' | od -c)" \
    "$(printf 'a\nb\\c\001' | od -c)"
is "client DIVE_* variables are dropped" \
    "$(DIVE_QQQ=1 DIVE_UID=0 "$DIVE" "$SOCK" /bin/sh -c 'echo "$DIVE_QQQ"')" ""
is "DIVE_USER of an unprivileged client" \
    "$(run_as divetest1 "$DIVE" "$SOCK" /bin/sh -c 'echo $DIVE_USER')" \
    divetest1
is "DIVE_UID cannot be forged" \
    "$(DIVE_UID=0 run_as divetest1 "$DIVE" "$SOCK" /bin/sh -c 'echo $DIVE_UID')" \
    "$(id -u divetest1)"
is "DIVE_GID is the client's gid" \
    "$(run_as divetest1 "$DIVE" "$SOCK" /bin/sh -c 'echo $DIVE_GID')" \
    "$(id -g divetest1)"
is "exactly one DIVE_UID entry" \
    "$(DIVE_UID=0 "$DIVE" "$SOCK" /usr/bin/env | grep -c '^DIVE_UID=')" 1
# DIVE_PID is dive's own pid: killing it from the program kills dive.
bash -c '"$DIVE" "$0" /bin/sh -c "kill -9 \$DIVE_PID; sleep 5" & wait $!; echo $?' \
    "$SOCK" > "$T/out" 2>/dev/null
is "DIVE_PID is the client's pid" "$(cat "$T/out")" 137

out=$(run_as divetest1 "$EXECENV" PATH=/usr/bin:/bin A=1 A=2 B=3 A=4 -- \
    "$DIVE" "$SOCK" /usr/bin/env)
is "duplicate names: the first one wins, once" \
    "$(printf '%s\n' "$out" | grep -c '^A=')/$(printf '%s\n' "$out" | grep '^A=')" \
    "1/A=1"

unset V
start_dived -E
is "-E: client environment ignored" \
    "$(V=777 "$DIVE" "$SOCK" /bin/sh -c 'echo "[$V]"')" "[]"
is "-E: DIVE_USER still set" \
    "$(run_as divetest1 "$DIVE" "$SOCK" /bin/sh -c 'echo $DIVE_USER')" \
    divetest1
out=$(HOME=/client "$DIVE" "$SOCK" /usr/bin/env)
like "-E: the daemon's environment instead" "$out" "HOME=$HOME"
start_dived --no-environment
is "--no-environment (long form)" \
    "$(V=777 "$DIVE" "$SOCK" /bin/sh -c 'echo "[$V]"')" "[]"
