#!/bin/bash
# Attacks on the environment allow-list of a program that gains
# privileges (dived(8), ENVIRONMENT): ways for a client's variable to
# reach a program with more rights than its client has.
. "$(dirname "$0")/lib.sh"
plan 7

# A new user namespace whose maps the operator wrote (-t) maps root of
# the host into it: the program, created as the client, holds every
# capability there and can become the host's root.  Its environment is
# a privileged program's.
start_dived -s user -t /proc/self/uid_map "0 0 1" \
    -t /proc/self/setgroups deny -t /proc/self/gid_map "0 0 1"
out=$(cd / && run_as divetest1 env FOO_PLUGIN_DIR=/x TERM=xterm "$DIVE" "$SOCK" \
    /bin/sh -c 'setpriv --reuid 0 --regid 0 --keep-groups head -c5 /etc/shadow; echo; echo "${FOO_PLUGIN_DIR-none} $TERM"' 2>&1)
is "-s user with root mapped: the program can read root's 0600 files" \
    "$(sed -n 1p <<<"$out")" "$(head -c5 /etc/shadow)"
is "... so the client's variables pass through the allow-list only" \
    "$(sed -n 2p <<<"$out")" "none xterm"

# -tt maps only the program's own user: still every capability inside
start_dived -s user -tt
out=$(cd / && run_as divetest1 env FOO_PLUGIN_DIR=/x "$DIVE" "$SOCK" \
    /bin/sh -c 'echo "${FOO_PLUGIN_DIR-none}"' 2>&1)
is "-s user -tt: the same" "$out" "none"


# A forced command in such a namespace runs with rights the operator
# chose: -O -M are implied, the client's umask 000 does not reach it.
start_dived -s user -t /proc/self/uid_map "0 0 1" \
    -t /proc/self/setgroups deny -t /proc/self/gid_map "0 0 1" \
    -- /bin/sh -c "umask > $T/umask"
install -m 666 /dev/null "$T/umask"
(cd / && run_as divetest1 sh -c "umask 000; \"\$0\" \"\$1\"" \
    "$DIVE" "$SOCK")
is "-s user with a forced command: dived's umask, not the client's" \
    "$(cat "$T/umask")" "$(printf '%04o' "$(umask)")"

# -u naming the client's own user: initgroups gives the program groups a
# client that dropped them (a sandbox, setpriv --clear-groups) lacks.
start_dived -u divetest1
out=$(cd / && setpriv --reuid divetest1 --regid divetest1 --clear-groups \
    env FOO_PLUGIN_DIR=/x "$DIVE" "$SOCK" /bin/sh -c \
    'id -G; echo "${FOO_PLUGIN_DIR-none}"' 2>&1)
is "-u its own user, to a client without its groups: the user's groups" \
    "$(sed -n 1p <<<"$out")" "$(id -G divetest1)"
is "... so the client's variables pass through the allow-list only" \
    "$(sed -n 2p <<<"$out")" "none"
out=$(cd / && run_as divetest1 env FOO_PLUGIN_DIR=/x "$DIVE" "$SOCK" \
    /bin/sh -c 'echo "${FOO_PLUGIN_DIR-none}"' 2>&1)
is "... and a client with them gains nothing: everything passes" "$out" "/x"
