#!/bin/bash
# Signals sent to dive reach the program: by dive itself (same user, same
# pid namespace), or delivered by dived with --signals / --signals-pgid.
. "$(dirname "$0")/lib.sh"
plan 16

# The program traps USR1, says it is ready, and waits up to 5 s.
cat > "$T/trap.sh" <<'SH'
trap 'echo got; exit 0' USR1
touch "$1"
i=0
while [ $i -lt 20 ]; do
	sleep 0.1
	i=$((i + 1))
	# with a go file: wait for it instead of a signal
	[ -e "$1.go" ] && { echo "alive"; exit 0; }
done
echo "no signal"
SH
# The same, with a child in the program's process group.
cat > "$T/group.sh" <<'SH'
sh -c 'trap "echo child; exit 0" USR1; sleep 5 & wait' &
trap 'wait; echo parent; exit 0' USR1
sleep 0.2
touch "$1"
sleep 5 & wait
SH
chmod 644 "$T/trap.sh" "$T/group.sh"

# signal_dive USER SCRIPT: run it through dive, send USR1 to dive once the
# program is ready, print what the program printed.
signal_dive() {
	rm -f "$T/ready"
	# setpriv execs dive, so $! is dive itself.
	setpriv --reuid="$1" --regid="$(id -g "$1")" --init-groups -- \
	    "$DIVE" "$SOCK" /bin/sh "$T/$2" "$T/ready" > "$T/out" &
	local pid=$! i
	for i in $(seq 100); do [ -e "$T/ready" ] && break; sleep 0.05; done
	kill -USR1 $pid
	wait $pid 2>/dev/null
	echo $? > "$T/st"
	sort "$T/out" | tr '\n' ' '
}

chmod 777 "$T"
start_dived
is "forwarded by dive (default DIVE_SIGFWMODE=1)" \
    "$(signal_dive root trap.sh)" "got "
is "forwarded by dive for an unprivileged client" \
    "$(signal_dive nobody trap.sh)" "got "
is "DIVE_SIGFWMODE=2: forwarded to the process group" \
    "$(DIVE_SIGFWMODE=2 signal_dive nobody group.sh)" "child parent "
DIVE_SIGFWMODE=0 signal_dive nobody trap.sh > /dev/null
is "DIVE_SIGFWMODE=0: dive dies by the signal itself" "$(cat "$T/st")" 138
touch "$T/ready.go"
for i in $(seq 100); do [ -s "$T/out" ] && break; sleep 0.05; done
is "DIVE_SIGFWMODE=0: the program was not signalled and goes on" \
    "$(cat "$T/out")" alive
rm -f "$T/ready.go"

bash -c '"$DIVE" "$0" /bin/sleep 30 & sleep 0.3; kill -TERM $!; wait $!; echo $?' \
    "$SOCK" > "$T/st" 2>/dev/null
is "SIGTERM to dive ends the program and dive the same way" \
    "$(cat "$T/st")" 143

# Another user's program: dive may not signal it; dived --signals does.
start_dived -u divetest2
is "without --signals, a program of another uid is out of reach" \
    "$(signal_dive nobody trap.sh)" "no signal "
start_dived -u divetest2 --signals
is "--signals: dived delivers the signal" \
    "$(signal_dive nobody trap.sh)" "got "
is "--signals: only to the program itself" \
    "$(signal_dive nobody group.sh)" "parent "
start_dived -u divetest2 --signals-pgid
is "--signals-pgid: to the program's whole process group" \
    "$(signal_dive nobody group.sh)" "child parent "
"$DIVED" "$T/s" --signals-pgid -S 2>/dev/null
is "--signals-pgid with -S: usage error" $? 4

# --signals-pgid never signals as root: a process of another user in the
# program's process group (here put there through a set-user-ID root
# copy of setpriv that the program runs) does not get the signal; the
# program and its own children do.
install -m 4755 -o root "$(command -v setpriv)" "$T/setpriv-suid"
cat > "$T/mixed.sh" <<SH
trap 'echo parent; exit 0' TERM
"$T/setpriv-suid" --reuid=divetest2 --regid=$(id -g divetest2) \
    --clear-groups sleep 30 &
echo \$! > "$T/other"
sh -c 'trap "echo child; exit 0" TERM; sleep 30 & wait' &
sleep 0.5
touch "\$1"
sleep 30 & wait
SH
chmod 644 "$T/mixed.sh"
start_dived -u divetest1 --signals-pgid
rm -f "$T/ready" "$T/other"
setpriv --reuid=nobody --regid="$(id -g nobody)" --init-groups -- \
    "$DIVE" "$SOCK" /bin/sh "$T/mixed.sh" "$T/ready" > "$T/out" &
client=$!
waitfor '[ -e "$T/ready" ]'
other=$(cat "$T/other")
is "the other user's process shares the program's group" \
    "$(ps -o uid= -p "$other" | tr -d ' ')/$(
    [ "$(ps -o pgid= -p "$other")" = "$(ps -o pgid= -p "$(pgrep -P "$DPID" -x sh)")" ] &&
    echo same)" "$(id -u divetest2)/same"
kill -TERM $client
wait $client
is "--signals-pgid: the program and its own child get the signal" \
    "$(sort "$T/out" | tr '\n' ' ')" "child parent "
is "... the other user's process in its group does not" \
    "$(ps -o uid=,stat= -p "$other" | awk '$2 !~ /^Z/ { print $1 }')" \
    "$(id -u divetest2)"
kill "$other" 2>/dev/null

# dived started in the background of a script ignores SIGINT and SIGQUIT
# (so does any daemon started that way); its programs must not inherit
# that, or Ctrl-C could never stop them.
start_dived
is "dived here ignores SIGINT and SIGQUIT (the case under test)" \
    "$(( 0x$(awk '/^SigIgn/ { print $2 }' "/proc/$DPID/status") & 6 ))" 6
is "the program ignores no signal" \
    "$(run_as nobody "$DIVE" "$SOCK" awk '/^SigIgn/ { print $2 }' \
    /proc/self/status)" 0000000000000000
