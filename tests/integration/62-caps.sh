#!/bin/bash
# Capabilities and their locks, as the program sees them: -B and -b (the
# bounding set, names and numbers), -m (ambient), -c (the sets before
# execve), -X (no_new_privs), -L (securebits).
. "$(dirname "$0")/lib.sh"
plan 24

PROBE=$BUILD/bin/tests/probe
install -m 0755 "$PROBE" "$T/probe"
chmod 755 "$T"
bnd=$((16#$(grep '^CapBnd:' /proc/self/status | cut -f2)))
CHOWN=0 KILL=5 SETPCAP=8 NET_RAW=13 DAC_READ_SEARCH=2

start_dived -B cap_chown,CAP_NET_RAW
is "-B names: the bounding set keeps only them" "$(cap Bnd)" \
    "$(hex $(((1 << CHOWN | 1 << NET_RAW) & bnd)))"
is "-B: a root program gets no more than that" "$(cap Eff)" \
    "$(hex $(((1 << CHOWN | 1 << NET_RAW) & bnd)))"
is "-B: an unprivileged client's program too" "$(cap Bnd nobody)" \
    "$(hex $(((1 << CHOWN | 1 << NET_RAW) & bnd)))"
start_dived -B 0,13
is "-B numbers" "$(cap Bnd)" "$(hex $(((1 << CHOWN | 1 << NET_RAW) & bnd)))"
start_dived -B ''
is "-B '': the bounding set is empty" "$(cap Bnd)/$(cap Eff)" \
    "$(hex 0)/$(hex 0)"
echo data > "$T/owned"
"$DIVE" "$SOCK" /bin/chown nobody "$T/owned" 2>/dev/null
is "-B '': root cannot chown" "$?/$(stat -c %U "$T/owned")" 1/root

start_dived -b cap_chown,13
is "-b names and numbers: only they are removed" "$(cap Bnd)" \
    "$(hex $((bnd & ~(1 << CHOWN | 1 << NET_RAW))))"
"$DIVE" "$SOCK" /bin/chown nobody "$T/owned" 2>/dev/null
is "-b cap_chown: root cannot chown" "$?/$(stat -c %U "$T/owned")" 1/root
# (a process of another user: signalling it takes CAP_KILL)
run_as nobody sleep 30 &
other=$!
"$DIVE" "$SOCK" /bin/kill -0 "$other"
is "-b: the others still work (kill, CAP_KILL)" $? 0
kill "$other"
start_dived
is "neither: the bounding set is dived's" "$(cap Bnd)" "$(hex $bnd)"

start_dived -u divetest1 -m cap_chown,CAP_KILL
is "-m names: ambient for a non-root user" "$(cap Amb)" \
    "$(hex $((1 << CHOWN | 1 << KILL)))"
is "-m: and effective after execve" "$(cap Eff)" \
    "$(hex $((1 << CHOWN | 1 << KILL)))"
"$DIVE" "$SOCK" /bin/chown divetest1 "$T/owned"
is "-m cap_chown: divetest1 can chown root's file" \
    "$?/$(stat -c %U "$T/owned")" 0/divetest1
start_dived -u divetest1 -m 13
is "-m numbers" "$(cap Amb)" "$(hex $((1 << NET_RAW)))"

start_dived -u divetest1 -c 'cap_net_raw+eip cap_chown+i'
is "-c: the inheritable set survives execve" "$(cap Inh)" \
    "$(hex $((1 << CHOWN | 1 << NET_RAW)))"
is "-c: no ambient capability is made up" "$(cap Amb)/$(cap Eff)" \
    "$(hex 0)/$(hex 0)"
# A program with file capabilities gets what -c made inheritable.
install -m 0600 /dev/null "$T/secret"
echo secret > "$T/secret"
cp /bin/cat "$T/capcat"
setcap cap_dac_read_search+ei "$T/capcat"
start_dived -u divetest1 -c "$DAC_READ_SEARCH+i"
is "-c numbers: a file-capable program can use it" \
    "$("$DIVE" "$SOCK" "$T/capcat" "$T/secret" 2>&1)" secret
start_dived -u divetest1
"$DIVE" "$SOCK" "$T/capcat" "$T/secret" 2>/dev/null
is "without -c it cannot" $? 1

cp /usr/bin/id "$T/suid-id"
chmod 4755 "$T/suid-id"
start_dived -u divetest1 -X
is "-X: NoNewPrivs is set" \
    "$("$DIVE" "$SOCK" /bin/grep ^NoNewPrivs: /proc/self/status | cut -f2)" 1
is "-X: a set-user-ID program gives nothing" "$("$DIVE" "$SOCK" "$T/suid-id" -u)" \
    "$(id -u divetest1)"
start_dived -u divetest1
is "without -X it would" "$("$DIVE" "$SOCK" "$T/suid-id" -u)" 0

start_dived -L
is "-L: NOROOT and NO_SETUID_FIXUP, set and locked" \
    "$("$DIVE" "$SOCK" "$T/probe" securebits)" 0xf
is "-L: root gets no capabilities from execve" "$(cap Eff)/$(cap Prm)" \
    "$(hex 0)/$(hex 0)"
# NO_SETUID_FIXUP keeps root's capabilities across setuid(): the program's
# user must not have them while dived still works for it.
mkdir -m 0755 "$T/priv"
cp /usr/bin/id "$T/priv/rootonly"
chmod 0700 "$T/priv/rootonly"
start_dived -L -u divetest1
"$DIVE" "$SOCK" "$T/priv/rootonly" >/dev/null 2>&1
is "-L -u: the user cannot execute a file only root may" $? 126
