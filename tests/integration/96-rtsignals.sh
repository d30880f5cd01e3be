#!/bin/bash
# Real-time signals sent to dive reach the program, from 34 (SIGRTMIN for
# glibc programs and shells) to 64, whichever C library dive is built
# with (musl keeps 32 to 34 for itself), both forwarded by dive and
# delivered by dived --signals.
. "$(dirname "$0")/lib.sh"
plan 7

# The program traps the signal, says it is ready, and waits up to 5 s.
cat > "$T/rt.sh" <<'SH'
trap 'echo "got $2"; exit 0' "$2"
touch "$1"
i=0
while [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
echo "no signal"
SH
chmod 644 "$T/rt.sh"
mkdir -m 1777 "$T/rt"		# where nobody says it is ready

# rt_dive SIGNAL: run the program through dive as nobody, send SIGNAL to
# dive once the program is ready; print the program's output and dive's
# status.
rt_dive() {
	local pid i st
	rm -f "$T/rt/ready"
	setpriv --reuid=nobody --regid="$(id -g nobody)" --init-groups -- \
	    "$DIVE" "$SOCK" /bin/bash "$T/rt.sh" "$T/rt/ready" "$1" \
	    > "$T/out" &
	pid=$!
	for i in $(seq 100); do [ -e "$T/rt/ready" ] && break; sleep 0.05; done
	kill -s "$1" "$pid"
	wait "$pid"
	st=$?
	echo "$(cat "$T/out") $st"
}

start_dived
is "34 (RTMIN) forwarded by dive" "$(rt_dive 34)" "got 34 0"
is "35 (RTMIN+1) forwarded by dive" "$(rt_dive 35)" "got 35 0"
is "64 (RTMAX) forwarded by dive" "$(rt_dive 64)" "got 64 0"
is "RTMIN by name" "$(rt_dive RTMIN)" "got RTMIN 0"

# (the program runs as another user than its client, so dive could not
# signal it itself: only dived's delivery can reach it)
start_dived --signals -u divetest1
is "--signals: 34 delivered by dived" "$(rt_dive 34)" "got 34 0"
is "--signals: 35 delivered by dived" "$(rt_dive 35)" "got 35 0"
is "--signals: 64 delivered by dived" "$(rt_dive 64)" "got 64 0"

