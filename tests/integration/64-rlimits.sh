#!/bin/bash
# -l: resource limits by name or number, HARD or HARD:SOFT, "unlimited",
# as the program sees them; set while dived is still root; malformed
# lists are usage errors naming the item.
. "$(dirname "$0")/lib.sh"
plan 25

chmod 755 "$T"
# limits: the program's /proc/self/limits; row NAME: "SOFT HARD" of it.
limits() {
	"$DIVE" "$SOCK" /bin/cat /proc/self/limits
}
row() {
	awk -v n="$1" 'index($0, n) == 1 {
		s = substr($0, 27); split(s, f, " +"); print f[1], f[2] }'
}

start_dived -l cpu=10:5,core=0
is "cpu=10:5: hard 10, soft 5" \
    "$("$DIVE" "$SOCK" /bin/sh -c 'ulimit -Ht; ulimit -St' | tr '\n' ' ')" \
    "10 5 "
is "core=0: hard and soft" "$(limits | row 'Max core file size')" "0 0"
start_dived -l fsize=unlimited -l stack=unlimited:8388608
is "unlimited, and -l twice" "$(limits | row 'Max file size')" \
    "unlimited unlimited"
is "unlimited:SOFT" "$(limits | row 'Max stack size')" "8388608 unlimited"
start_dived -l 7=64:32
is "a resource by number (7, RLIMIT_NOFILE)" \
    "$(limits | row 'Max open files')" "32 64"

# (Values no higher than the usual hard limits: raising one needs
# CAP_SYS_RESOURCE, which a test host may not have; and no finite data
# or as limit, which the sanitizer build of the spawner could not live
# with once it has set them.)
start_dived -l as=unlimited,data=unlimited,locks=77,sigpending=88,msgqueue=99999,nice=0,rtprio=0,rttime=1000000,nproc=500,memlock=65536,rss=unlimited
out=$(limits)
is "as" "$(row 'Max address space' <<< "$out")" "unlimited unlimited"
is "data" "$(row 'Max data size' <<< "$out")" "unlimited unlimited"
is "locks" "$(row 'Max file locks' <<< "$out")" "77 77"
is "sigpending" "$(row 'Max pending signals' <<< "$out")" "88 88"
is "msgqueue" "$(row 'Max msgqueue size' <<< "$out")" "99999 99999"
is "nice" "$(row 'Max nice priority' <<< "$out")" "0 0"
is "rtprio, rttime" \
    "$(row 'Max realtime priority' <<< "$out")/$(row 'Max realtime timeout' <<< "$out")" \
    "0 0/1000000 1000000"
is "nproc, memlock" \
    "$(row 'Max processes' <<< "$out")/$(row 'Max locked memory' <<< "$out")" \
    "500 500/65536 65536"

# RLIMIT_NOFILE: the soft limit asked for, even though dived raises its
# own; and a descriptor above the limit still arrives at its number.
start_dived -l nofile=100:50
is "nofile=100:50: the program gets soft 50" \
    "$(limits | row 'Max open files')" "50 100"
is "... and the client's fd 200 at its number" \
    "$("$DIVE" "$SOCK" /bin/bash -c 'cat <&200' 200<<< two-hundred)" two-hundred

# Raising a hard limit needs root: done before the identity changes, so
# an unprivileged client's program has it.
if [ $((16#$(grep ^CapEff: /proc/self/status | cut -f2) >> 24 & 1)) = 0 ]; then
	skip "raising a hard limit: this host gives root no CAP_SYS_RESOURCE"
else
	prlimit --core=0:0 -- "$DIVED" "$T/s2" -C 0777 -l core=unlimited \
	    2>>"$LOG" &
	d2=$!
	for i in $(seq 100); do [ -S "$T/s2" ] && break; sleep 0.05; done
	is "a raised hard limit reaches an unprivileged client's program" \
	    "$(run_as divetest1 "$DIVE" "$T/s2" /bin/sh -c 'ulimit -Hc')" \
	    unlimited
	kill $d2
	wait $d2
fi

start_dived -l nofile=2000000
err=$("$DIVE" "$SOCK" /bin/true 2>&1)
is "a limit the kernel refuses fails the request: 127" $? 127
like "... naming the step" "$err" \
    "could not set resource limits: Operation not permitted"
like "... and logged" "$(cat "$LOG")" "cannot set resource limits"

for l in =3 cpu= cpu=qqq = cpu=5:10 bogus=1; do
	"$DIVED" "$T/x" -l "$l" 2>"$T/err"
	like "-l '$l': usage error 4 naming the item" "$?/$(cat "$T/err")" \
	    "^4/dived: --rlimit: bad item '$l'"
done
