#!/bin/bash
# The root monitor's memory per running session does not depend on the
# size of the request: once a request is answered, the monitor keeps
# only what the session needs from then on (a few small messages), not a
# buffer sized for the largest request.  N programs started with 1.8 MB
# requests cost the monitor about what N started with tiny ones do.
. "$(dirname "$0")/lib.sh"

plan 3

N=8
# The sanitizer's allocator keeps freed memory in quarantine: there the
# monitor's size says nothing about what it holds.
sanitized=0
nm "$BUILD/bin/dived" 2>/dev/null | grep -q __asan_init && sanitized=1

# pss: the monitor's proportional set size, in kB.
pss() { awk '/^Pss:/ { print $2 }' /proc/"$DPID"/smaps_rollup; }
# sleepers: how many of this dived's programs run (its children but the
# master).
sleepers() {
	local p n=0
	for p in $(cat /proc/"$DPID"/task/*/children); do
		[ "$(cat /proc/"$p"/comm 2>/dev/null)" = sleep ] && n=$((n + 1))
	done
	echo $n
}

# run_n ENV...: start N sleeps as divetest1 with the environment given,
# wait until all run; the monitor's PSS then is in $pss.
pids=
run_n() {
	local i
	for i in $(seq $N); do
		run_as divetest1 env -i "$@" "$DIVE" "$SOCK" /bin/sleep 60 \
		    </dev/null >/dev/null 2>&1 &
		pids="$pids $!"
	done
	waitfor '[ "$(sleepers)" = $N ]'
	pss=$(pss)
}
end_n() {
	kill $pids 2>/dev/null
	wait $pids 2>/dev/null
	pids=
}

# 14 variables of 128,000 bytes: 1.8 MB, within every limit.
big=()
v=$(head -c 128000 /dev/zero | tr '\0' x)
for i in $(seq 14); do
	big+=("BIG$i=$v")
done

start_dived --max-per-uid 64
base=$(pss)
run_n SMALL=1
small=$pss
end_n
stop_dived
start_dived --max-per-uid 64
run_n "${big[@]}"
large=$pss
is "$N programs with 1.8 MB requests all run" "$(sleepers)" $N
end_n
diag "monitor PSS: $base kB idle, $small kB with $N small requests," \
    "$large kB with $N large ones"
is "... and with tiny ones" "$([ "$small" -gt 0 ] && echo yes)" yes
# Today's budget is a few kB per session; a request's buffer kept per
# session (1.8 MB each) would add 14 MB.  The bound is generous: 256 kB
# per session more than with tiny requests.
if [ $sanitized = 1 ]; then
	skip "the sanitizer's allocator keeps freed memory (quarantine)"
else
	is "the monitor holds no request buffer per running session" \
	    "$([ $((large - small)) -lt $((N * 256)) ] && echo yes ||
	    echo "no: +$((large - small)) kB")" yes
fi
