#!/bin/bash
# Who the program runs as: the client (SO_PEERCRED) with its groups from
# the group database, or -u/-e/-g/-P; and who may connect (--chmod,
# --chown).
. "$(dirname "$0")/lib.sh"
plan 22

u1=$(id -u divetest1)
g1=$(id -g divetest1)
start_dived
is "runs as the client: nobody" \
    "$(run_as nobody "$DIVE" "$SOCK" /usr/bin/id)" \
    "$(run_as nobody /usr/bin/id)"
is "runs as the client: divetest1, with its groups" \
    "$(run_as divetest1 "$DIVE" "$SOCK" /usr/bin/id)" \
    "$(run_as divetest1 /usr/bin/id)"
# A client that dropped its groups: the program gets the user's groups
# from the database (as initgroups does) and the client's own gid.
out=$(setpriv --reuid=divetest1 --regid="$(getent group divetestg | cut -d: -f3)" \
    --clear-groups -- "$DIVE" "$SOCK" /bin/sh -c 'id -g; id -G | tr " " "\n" | sort -n | tr "\n" " "')
gg=$(getent group divetestg | cut -d: -f3)
gx=$(getent group divetestx | cut -d: -f3)
exp="$gg
$(printf '%s\n' "$gg" "$gx" | sort -n | tr '\n' ' ')"
is "groups from the group database, gid from the client" "$out" "$exp"
is "root client stays root" "$("$DIVE" "$SOCK" /usr/bin/id -u)" 0

start_dived -u nobody
is "-u nobody: root client runs as nobody" \
    "$("$DIVE" "$SOCK" /usr/bin/id)" "$(run_as nobody /usr/bin/id)"
start_dived --user root
is "--user root: nobody runs as root" \
    "$(run_as nobody "$DIVE" "$SOCK" /usr/bin/id)" "$(/usr/bin/id)"
start_dived -u divetest2 -g divetestg,divetestx
is "-g: the listed groups, the first one primary" \
    "$(run_as nobody "$DIVE" "$SOCK" /bin/sh -c 'id -un; id -gn; id -Gn')" \
    "$(printf 'divetest2\ndivetestg\ndivetestg divetestx')"
start_dived -e root
# (id directly: a shell would give up the effective uid at once)
ids() {
	echo "$(run_as divetest1 "$DIVE" "$SOCK" /usr/bin/id -ru)" \
	    "$(run_as divetest1 "$DIVE" "$SOCK" /usr/bin/id -u)"
}
is "-e root: real uid the client, effective root" "$(ids)" "$u1 0"
start_dived -e nobody -u root
is "-u root -e nobody" "$(ids)" "0 65534"
start_dived -P
is "-P: no identity change (runs as dived)" \
    "$(run_as nobody "$DIVE" "$SOCK" /usr/bin/id -u)" 0
is "-P: DIVE_UID still the client's" \
    "$(run_as nobody "$DIVE" "$SOCK" /bin/sh -c 'echo $DIVE_UID')" 65534

start_dived -C 0640 -U divetest1:divetestg
is "--chmod sets the socket's mode" "$(stat -c %a "$SOCK")" 640
is "--chown sets the socket's owner" "$(stat -c %U:%G "$SOCK")" \
    divetest1:divetestg
is "the owner may connect" \
    "$(run_as divetest1 "$DIVE" "$SOCK" /usr/bin/id -u)" "$u1"
err=$(run_as nobody "$DIVE" "$SOCK" /bin/true 2>&1)
is "others may not: exit 2" $? 2
like "others may not: permission denied" "$err" "Permission denied"

start_dived -C 0666 -U divetest1:divetestg
is "the socket replaced a stale one" "$(stat -c %a "$SOCK")" 666
touch "$T/plain"
"$DIVED" "$T/plain" 2>"$T/err"
is "a regular file is never replaced" "$?/$(stat -c %F "$T/plain")" \
    "1/regular empty file"

"$DIVED" "$T/s" -g divetestg 2>/dev/null
is "-g without -u: usage error" $? 4
"$DIVED" "$T/s" -u nobody -P 2>/dev/null
is "-u with -P: usage error" $? 4
"$DIVED" "$T/s" -u no-such-user-here 2>"$T/err"
is "unknown user: usage error" $? 4
like "unknown user: named" "$(cat "$T/err")" "no such user 'no-such-user-here'"
