#!/bin/bash
# Limits the client meets before sending anything: descriptors per
# request, request size, socket name length; and DIVE_ROOTDIR on a server
# that does not take a client root.
. "$(dirname "$0")/lib.sh"
plan 8

# What dive sends here: our open descriptors (ls counts its own too)
# plus the current directory.
n=$(ls /proc/self/fd | wc -l)
start_dived --max-fds "$n"
is "exactly --max-fds descriptors: served" "$("$DIVE" "$SOCK" /bin/echo ok)" ok
err=$("$DIVE" "$SOCK" /bin/true 2>&1 9</dev/null)
is "one more than --max-fds: exit 1" $? 1
like "... with the limit in the message" "$err" \
    "too many open file descriptors: the server accepts $n"

start_dived --max-request-bytes 4096
big=$(head -c 5000 /dev/zero | tr '\0' x)
err=$(BIG=$big "$DIVE" "$SOCK" /bin/true 2>&1)
is "a request above --max-request-bytes: exit 1" $? 1
like "... says it is too large" "$err" "exceed the server's limit"

long=$T/$(head -c 120 /dev/zero | tr '\0' s)
err=$("$DIVE" "$long" /bin/true 2>&1)
is "a socket path longer than sun_path: exit 1" $? 1

start_dived
err=$(DIVE_ROOTDIR=/ "$DIVE" "$SOCK" /bin/echo ran 2>&1)
like "DIVE_ROOTDIR without dived -r: runs, with a warning" "$err" \
    "DIVE_ROOTDIR ignored.*ran"
is "DIVE_SERVERUID that does not match: exit 2" \
    "$(DIVE_SERVERUID=12345 "$DIVE" "$SOCK" /bin/echo ran >/dev/null 2>&1; echo $?)" 2
