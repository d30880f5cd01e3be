#!/bin/bash
# The sandbox holds: with the test build of the listener
# (bin/tests/dived-listener-hooks, tests/hooks), a listener that has read
# a request, or the listener master once it is ready, attempts one
# forbidden operation and must be killed by SIGSYS, each time; the real
# dived runs it (dived takes the dived-listener next to itself).  And the
# production listener contains no such hook.
. "$(dirname "$0")/lib.sh"

SIGSYS=31
# Each way to arm signal delivery to a process of the listener's uid:
# none may pass, or a listener could kill its master or another's.
SIGNAL_OPS="fcntl-setown fcntl-setown-ex fcntl-setsig fcntl-async
fcntl-notify fcntl-setlease ioctl-fiosetown ioctl-siocspgrp ioctl-fioasync"
LISTENER_OPS="open openat execve execveat socket socketpair connect kill
tgkill ptrace setuid setresuid fork clone-newuser unshare mmap-exec mprotect-exec
ioctl prctl chroot io_uring $SIGNAL_OPS"
MASTER_OPS="open openat execve socket socketpair connect kill ptrace setuid
setresuid clone-newuser unshare mmap-exec mprotect-exec ioctl prctl chroot
io_uring $SIGNAL_OPS"
nl=$(echo $LISTENER_OPS | wc -w)
nm=$(echo $MASTER_OPS | wc -w)
plan $((nl + 3 + nm + 2 + 5))

# The sanitizer build lets its runtime call openat (sandbox.c): there the
# filter cannot be asked to kill it.
sanitized=0
nm "$BUILD/bin/dived-listener" 2>/dev/null | grep -q __asan_init && sanitized=1

hooks_install
DIVED=$HT/dived

# hooklines: the master's lines about listeners that ended.
hooklines() {
	grep -c 'dived-listener: test hook: listener ' "$LOG"
}

# listener_op OP: the client's status, and how the listener that read
# the request ended, as the master saw it.
listener_op() {
	local before i st
	before=$(hooklines)
	timeout 20 "$DIVE" "$SOCK" "dived-test-hook:$1" 2>"$T/err"
	st=$?
	for i in $(seq 100); do
		[ "$(hooklines)" -gt "$before" ] && break
		sleep 0.05
	done
	echo "$(grep 'dived-listener: test hook: listener ' "$LOG" |
	    sed -n "$((before + 1))p" | sed 's/.*listener [0-9]* //')/$st"
}

hstart
for op in $LISTENER_OPS; do
	if [ $sanitized = 1 ] && [ $op = openat ]; then
		skip "listener: openat (allowed for the sanitizer runtime)"
		listener_op openat >/dev/null
		continue
	fi
	if [ $sanitized = 1 ] && [ $op = tgkill ]; then
		is "listener: tgkill fails (sanitizer build: EPERM, not SIGSYS)" \
		    "$(listener_op tgkill)" "exited with 42/127"
		continue
	fi
	is "listener: $op is killed by SIGSYS (the client: 127)" \
	    "$(listener_op "$op")" "killed by signal $SIGSYS/127"
done
like "... and the client is told the connection dropped" "$(cat "$T/err")" \
    "connection to the server dropped before the program started"
is "listener: an allowed call (getpid) survives: the harness tells apart" \
    "$(listener_op getpid)" "exited with 42/127"
is "listener: fcntl F_SETFL O_NONBLOCK, which it uses, survives" \
    "$(listener_op fcntl-nonblock)" "exited with 42/127"
# (Started again below: the hooks can only be trusted in a fresh one.)

# master_op OP: write the master's operation, start dived, see it end.
master_op() {
	local st
	echo "$1" > "$HT/dived-listener.hook"
	timeout 20 "$DIVED" "$T/msock" 2>&1 | cat > "$T/mlog"
	st=${PIPESTATUS[0]}
	sed -n 's/.*the listener master \(.*\); refusing.*/\1/p' "$T/mlog" |
	    head -n 1 | tr '\n' '/'
	echo "$st"
}
stop_dived
for op in $MASTER_OPS; do
	if [ $sanitized = 1 ] && [ $op = openat ]; then
		skip "master: openat (allowed for the sanitizer runtime)"
		continue
	fi
	is "master: $op is killed by SIGSYS; dived stops (1)" "$(master_op "$op")" \
	    "was killed by signal $SIGSYS (Bad system call)/1"
done
is "master: fork is allowed (it survives and exits 42)" \
    "$(master_op fork)" "exited with status 42/1"
is "master: fcntl F_SETFL O_NONBLOCK is allowed (it survives, exits 42)" \
    "$(master_op fcntl-nonblock)" "exited with status 42/1"
rm -f "$HT/dived-listener.hook"

hstart
is "the hook build serves an honest client as the real one does" \
    "$("$DIVE" "$SOCK" /bin/echo ok 2>&1)" ok

# The production listener has no hook at all.
REAL=$BUILD/bin/dived-listener
HOOKS=$BUILD/bin/tests/dived-listener-hooks
is "bin/dived-listener holds no hook string" \
    "$(grep -c 'dived-test-hook' "$REAL")" 0
is "bin/dived-listener holds no hook symbol" \
    "$(nm "$REAL" | grep -c ' hook_')" 0
like "... while the hook build holds both (so the checks can fail)" \
    "$(grep -c 'dived-test-hook' "$HOOKS")/$(nm "$HOOKS" | grep -c ' hook_')" \
    '^[1-9][0-9]*/[1-9][0-9]*$'
DIVED=$T/dived
start_dived
"$DIVE" "$SOCK" dived-test-hook:socket 2>"$T/err"
is "the real listener passes such a request on: not found, 127" \
    "$?/$(cat "$T/err")" "127/dive: dived-test-hook:socket: command not found"
