#!/bin/bash
# The modes without a socket or without a child: -J and -j (dived becomes
# the program), -i (one client on stdin, as from inetd), -F (one client,
# no fork), -D (programs daemonized, no exit status).
. "$(dirname "$0")/lib.sh"
plan 32

ACCEPT1=$BUILD/bin/tests/accept1
chmod 755 "$T"

# -J, -j
"$DIVED" -J -- /bin/sh -c 'exit 44'
is "-J: the program's exit status is dived's" $? 44
out=$("$DIVED" -J -p "$T/j.pid" -- /bin/sh -c 'echo $$')
is "-J: the program is dived's own process (its pidfile)" "$out" \
    "$(cat "$T/j.pid")"
is "-J: stdio and environment are the caller's" \
    "$(echo in | J_VAR=here "$DIVED" -J -- /bin/sh -c 'read l; echo $l $J_VAR')" \
    "in here"
is "-J: other options apply (-u)" "$("$DIVED" -J -u nobody -- /usr/bin/id -u)" \
    65534
is "-J: other options apply (-l)" \
    "$("$DIVED" -J -l nofile=64:32 -- /bin/sh -c 'ulimit -Hn; ulimit -Sn')" \
    "$(printf '64\n32')"
is "-J: without -u the ids stay (an unprivileged caller)" \
    "$(run_as nobody "$DIVED" -J -- /usr/bin/id -u)" 65534
sid=$(ps -o sid= -p $$ | tr -d ' ')
is "-J: the program leads a new session (not the test's, $sid)" \
    "$("$DIVED" -J -- /bin/sh -c 's=$(ps -o sid= -p $$); test $s -eq $$ -a $s -ne '"$sid"' && echo leader')" \
    leader
is "-j (-J -S -T -P): no new session" \
    "$("$DIVED" -j -- /bin/sh -c 'ps -o sid= -p $$' | tr -d ' ')" "$sid"
is "-j: ids stay as they are" "$("$DIVED" -j -- /usr/bin/id -u)" 0
err=$("$DIVED" -J -R "$T/nonexistent" -- /bin/true 2>&1)
is "-J: a failing step: exit 127" $? 127
like "-J: ... with a message naming it" "$err" \
    "^dived: cannot change the root directory: No such file or directory$"

# -i: accept1 is a minimal inetd ("nowait": one dived -i per connection,
# the connection on its stdin, stdout and stderr; SIGCHLD ignored, which
# dived must not inherit).
"$ACCEPT1" "$T/inetd.sock" "$DIVED" -i > /dev/null 2>&1 &
inetd=$!
for i in $(seq 100); do [ -S "$T/inetd.sock" ] && break; sleep 0.05; done
chmod 777 "$T/inetd.sock"
# (timeout: a dived that never reaps its program never answers)
out=$(timeout 60 "$DIVE" "$T/inetd.sock" /bin/sh -c 'echo hi; exit 7')
is "-i: the client is served and gets the exit status" "$?/$out" 7/hi
is "-i: as an unprivileged client, as that client" \
    "$(run_as divetest1 timeout 60 "$DIVE" "$T/inetd.sock" /usr/bin/id -un)" \
    divetest1
for i in $(seq 100); do
	pgrep -P $inetd -x dived >/dev/null || break
	sleep 0.05
done
check "-i: each dived -i ends after its one client" \
    test -z "$(pgrep -P $inetd -x dived)"
is "programs start with every signal at its default" \
    "$(timeout 60 "$DIVE" "$T/inetd.sock" /bin/grep ^SigIgn: /proc/self/status |
    cut -f2)" \
    0000000000000000
kill $inetd
wait $inetd 2>/dev/null
start_dived
ign=$(awk '/^SigIgn:/ { print $2 }' "/proc/$DPID/status")
check "(dived, a background job of this script, has SIGINT ignored)" \
    test $((0x${ign:-0} & 2)) -ne 0
is "... also from a daemon started with SIGINT ignored (a script's job)" \
    "$("$DIVE" "$SOCK" /bin/grep ^SigIgn: /proc/self/status | cut -f2)" \
    0000000000000000


# -F
start_dived -F
dpid=$DPID
out=$("$DIVE" "$SOCK" /bin/sh -c 'echo $$' 2>"$T/err")
is "-F: the program is dived itself" "$?/$out" "0/$dpid"
like "-F: dive says it gets no exit status" "$(cat "$T/err")" \
    "does not report exit statuses \(dived -w, -D or -F\)"
wait "$dpid" 2>/dev/null
DPID=
check "-F: dived is gone afterwards" test ! -e "/proc/$dpid"
check "-F: and so is its socket" test ! -e "$SOCK"
# The program as pid 1 of a new pid namespace, with dive forwarding a
# signal: it must reach the program, never pid 1 of dived's namespace.
# All of it in a pid namespace of its own, whose pid 1 notes a signal.
cat > "$T/pid1.sh" <<'SH'
trap 'echo init-got-TERM >> "$T/sig"' TERM
"$DIVED" "$T/p.sock" -C 0777 -F -s pid 2>>"$LOG" &
for i in $(seq 100); do [ -S "$T/p.sock" ] && break; sleep 0.05; done
"$DIVE" "$T/p.sock" /usr/bin/env T="$T" /bin/sh -c \
    'trap "echo program-got-TERM >> $T/sig; exit 0" TERM
     echo $$ > "$T/p1"; i=0
     while [ $i -lt 400 ]; do sleep 0.05; i=$((i + 1)); done' 2>/dev/null &
for i in $(seq 100); do [ -s "$T/p1" ] && break; sleep 0.05; done
kill -TERM $!
wait $!
wait
SH
T=$T DIVE=$DIVE DIVED=$DIVED LOG=$LOG \
    unshare --pid --fork --mount-proc /bin/bash "$T/pid1.sh"
is "-F -s pid: the program is pid 1 of its namespace" "$(cat "$T/p1")" 1
is "-F -s pid: a signal dive forwards reaches the program, not pid 1" \
    "$(cat "$T/sig")" program-got-TERM

# -D
start_dived -D
out=$("$DIVE" "$SOCK" /bin/sh -c 'echo $PPID $(ps -o comm= -p $PPID)' \
    2>"$T/err")
is "-D: dive exits 0 once the program is done with its descriptors" $? 0
like "-D: dive says it gets no exit status" "$(cat "$T/err")" \
    "does not report exit statuses \(dived -w, -D or -F\)"
like "-D: the program reports its parent" "$out" '^[0-9]+ [^ ]+$'
check "-D: the program is not dived's child" test "${out% *}" != "$DPID"
check "-D: nor the child of any dived process" test "${out#* }" != dived \
    -a -z "$(pgrep -x dived | grep -x "${out% *}")"
rm -f "$T/ready" "$T/sig"
"$DIVE" "$SOCK" /bin/sh -c 'trap "echo got > $0/sig; exit 0" TERM
    touch $0/ready; while :; do sleep 0.05; done' "$T" 2>/dev/null &
client=$!
for i in $(seq 100); do [ -e "$T/ready" ] && break; sleep 0.05; done
kill -TERM $client
wait $client
for i in $(seq 100); do [ -e "$T/sig" ] && break; sleep 0.05; done
is "-D: dive forwards signals to the program itself" "$(cat "$T/sig")" got
is "-D: dived goes on serving" "$("$DIVE" "$SOCK" /bin/echo on 2>/dev/null)" on
start_dived -D -R "$T/nonexistent"
err=$("$DIVE" "$SOCK" /bin/true 2>&1)
is "-D: a failing step is still reported: exit 127" $? 127
like "-D: ... with its message" "$err" \
    "could not change the root directory: No such file or directory"
stop_dived
