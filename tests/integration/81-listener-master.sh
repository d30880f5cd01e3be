#!/bin/bash
# The listener master outlives what a listener can do to it, and dived
# outlives its listener master.  A compromised listener (the test build
# of tests/hooks) arms its session socket so that the kernel would send
# SIGKILL to the master with the monitor's next answer (F_SETOWN,
# F_SETSIG, O_ASYNC: every process of the listener user could be reached
# this way): the filter kills the listener first and the master lives.
# And when the master dies anyway (kill -9 here), the monitor starts a
# new one, says so once, the session in flight ends as it would have,
# and new clients are served; a new master that dies before it served
# anyone is not started again (no restart loop).
. "$(dirname "$0")/lib.sh"
plan 14

SIGSYS=31
# The hook build logs how its listeners end on dived's standard error,
# which must be a pipe (the master's file size limit is 0): hstart.
hstart
m1=$(lmaster_pid)
run_as divetest1 "$DIVE" "$SOCK" dived-test-hook:sigio-master 2>"$T/err"
st=$?
waitfor 'grep -q "test hook: listener .* killed by signal" "$LOG"' ||
    sed 's/^/#   /' "$LOG"
is "the listener arming SIGKILL for its master is killed by SIGSYS" \
    "$(sed -n 's/.*test hook: listener [0-9]* //p' "$LOG")/$st" \
    "killed by signal $SIGSYS/127"
is "the listener master still runs" "$(kill -0 "$m1" 2>&1 && echo alive)" \
    alive
is "... the same one (no master died)" "$(lmaster_pid)" "$m1"
is "dived still serves" "$(run_as divetest1 "$DIVE" "$SOCK" /bin/echo ok)" ok
is "no master was started again" \
    "$(grep -c 'listener master' "$LOG")" 0
stop_dived

# The master dies under a session in flight.
printf 'permit divetest1\npermit divetest2\n' > "$T/conf"
chmod 644 "$T/conf"
start_dived --config "$T/conf" --audit-log "$T/audit.json"
mkdir -m 777 "$T/w"
mkfifo -m 666 "$T/w/fifo"
run_as divetest1 "$DIVE" "$SOCK" /bin/sh -c \
    "touch $T/w/started; read l < $T/w/fifo; echo \"got \$l\"; exit 3" \
    > "$T/out" 2>"$T/err" &
client=$!
waitfor '[ -e "$T/w/started" ]'
m1=$(lmaster_pid)
kill -9 "$m1"
waitfor 'grep -q "listener master" "$LOG"'
like "the monitor says the master was killed, and starts another" \
    "$(grep 'listener master' "$LOG")" \
    'listener master was killed by signal 9 .*; starting a new one'
waitfor '[ -n "$(lmaster_pid)" ]'
m2=$(lmaster_pid)
check "... a new master runs" test -n "$m2" -a "$m2" != "$m1"
echo line > "$T/w/fifo"
wait $client
st=$?
is "the session in flight ends as it would have: its output, status 3" \
    "$(cat "$T/out")/$st" "got line/3"
like "... and its end record is written" "$(grep '"type":"end"' \
    "$T/audit.json")" '"result":"exited","status":3'
is "a new client is served" "$(run_as divetest2 "$DIVE" "$SOCK" /bin/echo ok)" \
    ok
is "... by the new master (a listener of it served the request)" \
    "$(lmaster_pid)" "$m2"
is "the restart is logged once" "$(grep -c 'listener master' "$LOG")" 1

# That master served a client: it is replaced too.  The next one has
# not served anyone when it dies: it is not started again, dived stops
# (1) rather than loop.
kill -9 "$m2"
waitfor '[ "$(grep -c "listener master" "$LOG")" = 2 ]'
waitfor '[ -n "$(lmaster_pid)" ] && [ "$(lmaster_pid)" != "$m2" ]'
m3=$(lmaster_pid)
kill -9 "$m3"
wait "$DPID"
st=$?
DPID=
is "a master that dies before serving: dived stops (1)" "$st" 1
like "... saying why" "$(tail -n 1 "$LOG")" \
    'listener master was killed by signal 9 .*; refusing to go on without it, as it had served no connection yet'
