#!/bin/bash
# Usage errors, incompatible peers, a dropped connection, bad clients:
# each gets a clear one-line error and the documented status, and the
# daemon keeps serving.
. "$(dirname "$0")/lib.sh"
plan 29


"$DIVED" 2>"$T/err"
is "dived without a socket: usage error 4" $? 4
"$DIVED" "$T/s" --bogus 2>"$T/err"
is "unknown option: 4" $? 4
like "unknown option: named" "$(cat "$T/err")" "unknown option '--bogus'"
"$DIVED" "$T/s" --chmod 2>"$T/err"
like "missing argument: named" "$?/$(cat "$T/err")" "^4/.*--chmod needs an argument"
"$DIVED" "$T/s" --chmod 999 2>"$T/err"
like "bad mode: named" "$?/$(cat "$T/err")" "^4/.*--chmod: '999' is not an octal"
"$DIVED" "$T/s" --max-fds 100000 2>"$T/err"
like "limit out of range: named" "$?/$(cat "$T/err")" "^4/.*--max-fds"
"$DIVED" -d "$T/s" 2>"$T/err"
like "an option before the socket: 4" "$?/$(cat "$T/err")" \
    "^4/.*first argument must be the socket"
"$DIVED" @abstract -C 0777 2>"$T/err"
like "--chmod on an abstract socket: 4" "$?/$(cat "$T/err")" "^4/.*abstract"
"$DIVED" --help | grep -q -- --signals-pgid
is "dived --help lists the options" $? 0
like "dived --version" "$("$DIVED" --version)" "^dived [0-9]"
run_as nobody "$DIVED" "$T/s" 2>"$T/err"
like "not root: exit 1, says why" "$?/$(cat "$T/err")" "^1/.*must be started as root"
"$DIVED" "$T/nodir/sock" 2>"$T/err"
like "socket directory missing: exit 1, named" "$?/$(cat "$T/err")" \
    "^1/.*cannot listen on $T/nodir/sock"

SOCK_OVERRIDE=@dive-test-$$ start_dived
is "abstract socket" "$(run_as nobody "$DIVE" "@dive-test-$$" /bin/echo ok)" ok
unset SOCK_OVERRIDE

# Fake servers: another protocol version, another protocol.  Each on a
# path of its own, so that no client meets the socket file of the last.
"$RAW" serve "$T/fake" "$("$PROTODUMP" header hello 0 0 2)" > /dev/null &
fake=$!
for i in $(seq 100); do [ -S "$T/fake" ] && break; sleep 0.02; done
err=$("$DIVE" "$T/fake" /bin/true 2>&1)
is "server of another protocol version: exit 3" $? 3
like "... says which" "$err" "protocol version 2"
wait $fake
"$RAW" serve "$T/fake2" 48454c4c4f20574f524c44210a > /dev/null &
fake=$!
for i in $(seq 100); do [ -S "$T/fake2" ] && break; sleep 0.02; done
err=$("$DIVE" "$T/fake2" /bin/true 2>&1)
is "not a dived at all: exit 3" $? 3
wait $fake

start_dived --request-timeout 1
# A client that sends garbage gets an error and the daemon goes on.
out=$("$RAW" connect "$SOCK" 48454c4c4f20574f524c44210a)
like "garbage: the server answers with an error (E_BAD_MAGIC)" "$out" \
    "$("$PROTODUMP" error 6)$"
like "garbage: one log line naming the client and the reason" \
    "$(grep -c "uid 0 pid [0-9]*: client error: $(errtext 6)" "$LOG")" \
    "^1$"
out=$("$RAW" idle "$SOCK" 5)
like "a silent client is cut off after --request-timeout" "$out" \
    "$("$PROTODUMP" error 22)$"
like "... and logged" "$(cat "$LOG")" "client error: $(errtext 22)"
is "the daemon still serves honest clients" \
    "$(run_as nobody "$DIVE" "$SOCK" /bin/echo fine)" fine

# The listener dies under a running program: a clear error, status 127.
"$DIVE" "$SOCK" /bin/sleep 2 2>"$T/err" &
client=$!
for i in $(seq 100); do
	lpid=$(listener_pid)
	[ -n "$lpid" ] && break
	sleep 0.05
done
sleep 0.2
kill -9 "$lpid"
wait $client
is "listener killed: dive exits 127" $? 127
like "listener killed: dive says the connection dropped" "$(cat "$T/err")" \
    "connection to the server dropped"
is "... and the daemon goes on" "$("$DIVE" "$SOCK" /bin/echo on)" on

# Per-uid connection limit: a second concurrent client of the same uid is
# refused at once; another uid is still served.
start_dived --max-per-uid 1
run_as nobody "$DIVE" "$SOCK" /bin/sleep 2 &
client=$!
for i in $(seq 100); do pgrep -x sleep -u nobody >/dev/null && break; sleep 0.05; done
err=$(run_as nobody "$DIVE" "$SOCK" /bin/true 2>&1)
is "second connection of the same uid: 127" $? 127
like "... refused with the reason" "$err" "$(errtext 26)"
is "another uid is still served" "$(run_as divetest1 "$DIVE" "$SOCK" /bin/echo yes)" yes
like "the refusal is logged with the uid" "$(cat "$LOG")" \
    "uid 65534 pid [0-9]+: connection refused: $(errtext 26)"
wait $client
is "once the first one ends, the uid is served again" \
    "$(run_as nobody "$DIVE" "$SOCK" /bin/echo again)" again
