#!/bin/bash
# -a CMD: run with sh -c before anything else of the request, with the
# client's stdin, stdout and stderr but dived's own directory,
# environment and umask, DIVE_* describing the client; a non-zero exit
# refuses the client; no signal the client forwards reaches it.
. "$(dirname "$0")/lib.sh"
plan 19

chmod 777 "$T"
mkdir -m 0755 "$T/dived-dir" "$T/client-dir"
# start_in DIR UMASK OPTIONS...: start_dived from DIR with UMASK and
# AUTH_MARK=daemon in its environment.
start_in() {
	local dir=$1 m=$2
	shift 2
	pushd "$dir" > /dev/null
	umask "$m"
	AUTH_MARK=daemon start_dived "$@"
	umask 022
	popd > /dev/null
}

start_in "$T/dived-dir" 027 -a 'echo "auth: $(id -u) $(pwd) $(umask) ${AUTH_MARK-} ${CLIENT_MARK-none}"'
out=$(cd "$T/client-dir" && umask 077 &&
    CLIENT_MARK=client "$DIVE" "$SOCK" /bin/sh -c 'echo "prog: $(pwd) $(umask)"')
is "accepted: the command, then the program" "$?/$out" \
    "0/auth: 0 $T/dived-dir 0027 daemon none
prog: $T/client-dir 0077"

start_in "$T/dived-dir" 022 -u nobody -a 'echo "auth: $DIVE_UID $DIVE_GID $DIVE_USER $DIVE_PID $(id -u)"'
out=$(run_as divetest1 /bin/sh -c 'echo "pid $$"; DIVE_UID=0 exec "$1" "$2" /usr/bin/id -u' \
    sh "$DIVE" "$SOCK")
pid=$(head -n 1 <<< "$out")
pid=${pid#pid }
is "DIVE_UID, DIVE_GID, DIVE_USER, DIVE_PID describe the client; it runs as dived" \
    "$(sed -n 2p <<< "$out")" \
    "auth: $(id -u divetest1) $(id -g divetest1) divetest1 $pid 0"
is "... and the program as -u says" "$(sed -n 3p <<< "$out")" 65534

start_dived -a 'read line; echo "auth read $line"; echo "auth err" >&2'
out=$(echo hello | "$DIVE" "$SOCK" /bin/echo prog 2>"$T/err")
is "the client's stdin and stdout" "$out" "auth read hello
prog"
is "the client's stderr" "$(cat "$T/err")" "auth err"
start_dived -a 'for f in 0 1 2 5; do [ -e /proc/$$/fd/$f ] && echo -n "$f "; done'
out=$("$DIVE" "$SOCK" /bin/true 5</etc/hostname 2>/dev/null)
is "only those three: not the client's other descriptors" "$out" "0 1 2 "
start_dived -a 'readlink /proc/self/fd/0'
is "a closed stdin is /dev/null" "$("$DIVE" "$SOCK" /bin/true <&-)" /dev/null

start_dived -a "echo ran > $T/auth-ran; exit 3"
err=$("$DIVE" "$SOCK" /bin/sh -c "echo ran > $T/prog-ran" 2>&1)
is "a non-zero exit refuses the client: 127" $? 127
like "... with a clear message" "$err" \
    "refused by the server's authentication \(dived -a\)"
check "... the command ran" test -e "$T/auth-ran"
check "... the program did not" test ! -e "$T/prog-ran"
like "... and dived logged it, with the status" "$(cat "$LOG")" \
    "uid 0 pid [0-9]+: refused by the authentication command \(exit status 3\)"
start_dived -a 'kill -9 $$'
"$DIVE" "$SOCK" /bin/true 2>/dev/null
is "a command killed by a signal refuses too" $? 127

# Before anything else: in dived's own namespaces, before the root.
unshare --net sleep 600 &
ns=$!
for i in $(seq 100); do
	[ "$(readlink /proc/$ns/ns/net)" != "$(readlink /proc/self/ns/net)" ] && break
	sleep 0.05
done
start_dived -N /proc/$ns/ns/net -a 'echo "auth $(readlink /proc/self/ns/net)"'
is "the command runs in dived's namespaces, the program in -N's" \
    "$("$DIVE" "$SOCK" /bin/readlink /proc/self/ns/net)" \
    "auth $(readlink /proc/self/ns/net)
$(readlink /proc/$ns/ns/net)"
kill $ns
start_dived -R "$T/nonexistent" -a "echo ran > $T/auth-first"
"$DIVE" "$SOCK" /bin/true 2>/dev/null
is "the command runs before the root is changed (and fails)" \
    "$?/$(cat "$T/auth-first")" 127/ran

# Signals: the client blocks what it forwards until the program started,
# and neither dived nor the listener delivers any earlier; the command
# notes what reaches it and waits for a go file.
cat > "$T/auth.sh" <<'SH'
for s in TERM INT HUP USR1 QUIT; do trap "echo $s >> $0.sig" $s; done
touch "$0.ready"
i=0
while [ ! -e "$0.go" ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i + 1)); done
SH
start_dived -n -a "sh $T/auth.sh"
"$DIVE" "$SOCK" /bin/sh -c "trap 'echo program-TERM; exit 0' TERM; sleep 5 & wait" \
    > "$T/prog.out" 2>&1 &
client=$!
for i in $(seq 100); do [ -e "$T/auth.sh.ready" ] && break; sleep 0.05; done
for s in TERM INT HUP USR1; do kill -$s $client; done
sleep 0.5
touch "$T/auth.sh.go"
{ wait $client; } 2>/dev/null
st=$?
check "no signal the client forwards reaches the command" \
    test ! -e "$T/auth.sh.sig"
is "... the program gets them once it runs (and ends by SIGHUP, the first)" \
    $st 129

# What the command leaves running when it exits ends with it.
start_dived -a "sleep 300 </dev/null >/dev/null 2>&1 & echo \$! > $T/bg.pid"
out=$("$DIVE" "$SOCK" /bin/sh -c 'echo ran')
is "a command that leaves a job behind: the request goes on" "$?/$out" 0/ran
bg=$(cat "$T/bg.pid" 2>/dev/null)
state=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/${bg:-0}/status" 2>/dev/null)
check "... the job is killed once the command has exited (pid ${bg:-?})" \
    test -n "$bg" -a \( -z "$state" -o "$state" = Z \)
[ -z "$bg" ] || kill "$bg" 2>/dev/null || true
