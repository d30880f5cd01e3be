#!/bin/bash
# The listener that parses a client's request is confined: its own uid,
# no capabilities, no_new_privs, seccomp, an empty root.  Read from /proc
# while a request is in flight.  And the monitor never holds the client's
# descriptors.  dived runs with supplementary groups here, which neither
# the master nor a listener may keep, and their resource limits are read
# back.
. "$(dirname "$0")/lib.sh"
plan 32

luid=$(id -u _dived)
lgid=$(id -g _dived)
g1=$(getent group divetestg | cut -d: -f3)
g2=$(getent group divetestx | cut -d: -f3)
printf '#!/bin/sh\nexec setpriv --groups %s,%s "%s" "$@"\n' "$g1" "$g2" \
    "$T/dived" > "$T/dived-groups"
chmod 755 "$T/dived-groups"
REALDIVED=$DIVED
DIVED=$T/dived-groups start_dived --max-connections 20
is "dived itself runs with supplementary groups (else the check is void)" \
    "$(sed -n 's/^Groups:[[:space:]]*//p' /proc/$DPID/status | xargs)" \
    "$g1 $g2"
echo marker > "$T/marker"
chmod 644 "$T/marker"
run_as nobody "$DIVE" "$SOCK" /bin/sleep 60 7<"$T/marker" &
client=$!
for i in $(seq 100); do
	lpid=$(listener_pid)
	[ -n "$lpid" ] && pgrep -P "$DPID" -x sleep >/dev/null && break
	sleep 0.05
done
st=$(cat /proc/$lpid/status)
# status NAME: the line NAME of $st (a /proc/PID/status), blanks squeezed.
status() { printf '%s\n' "$st" | sed -n "s/^$1:[[:space:]]*//p" | tr -s '\t ' ' '; }
is "listener: real, effective, saved uid are the listener user's" \
    "$(status Uid)" "$luid $luid $luid $luid"
is "listener: gids too" "$(status Gid)" "$lgid $lgid $lgid $lgid"
is "listener: no supplementary groups" "$(status Groups)" ""
for cap in CapInh CapPrm CapEff CapBnd CapAmb; do
	is "listener: $cap empty" "$(status $cap)" 0000000000000000
done
is "listener: NoNewPrivs" "$(status NoNewPrivs)" 1
is "listener: seccomp filter mode" "$(status Seccomp)" 2
is "listener: an empty root" "$(ls -A /proc/$lpid/root/ | wc -l)" 0
is "listener: only its two sockets besides /dev/null" \
    "$(ls /proc/$lpid/fd | sort -n | tr '\n' ' ')" "0 1 2 3 4 "
mpid=$(lmaster_pid)
st=$(cat /proc/$mpid/status)
is "listener master: listener uid" "$(status Uid)" "$luid $luid $luid $luid"
is "listener master: no capabilities" "$(status CapEff)/$(status CapBnd)" \
    0000000000000000/0000000000000000
is "listener master: seccomp" "$(status Seccomp)/$(status NoNewPrivs)" 2/1
is "listener master: no supplementary groups" "$(status Groups)" ""

# limit PID NAME: "soft hard" of one line of /proc/PID/limits.
limit() {
	sed -n "s/^$2  *\([^ ]*\)  *\([^ ]*\).*/\1 \2/p" /proc/$1/limits
}
# As SECURITY.md says: no core, no file written, no locked memory,
# descriptors for one request (2 * 253 + 32), processes for
# --max-connections plus 8.
for p in "listener:$lpid" "listener master:$mpid"; do
	who=${p%:*}
	pid=${p##*:}
	is "$who: no core files" "$(limit $pid 'Max core file size')" "0 0"
	is "$who: file size limit 0" "$(limit $pid 'Max file size')" "0 0"
	is "$who: no locked memory" "$(limit $pid 'Max locked memory')" "0 0"
	is "$who: open files" "$(limit $pid 'Max open files')" "538 538"
	is "$who: processes: --max-connections + 8" \
	    "$(limit $pid 'Max processes')" "28 28"
done

# fd 7 of the client (the marker file) went to the
# program only: neither the monitor nor the listener keeps a copy.
prog=$(pgrep -P "$DPID" -x sleep)
is "the program holds the client's fd 7" \
    "$(readlink /proc/$prog/fd/7)" "$T/marker"
is "the monitor holds none of the client's descriptors" \
    "$(ls -l /proc/$DPID/fd | grep -c "$T/marker")" 0
is "the listener holds none of them after the hand-over" \
    "$(ls -l /proc/$lpid/fd | grep -c "$T/marker")" 0
kill "$prog"
wait $client
DIVED=$REALDIVED

"$DIVED" "$T/s" --listener-user nobody 2>"$T/err"
is "--listener-user nobody is refused" $? 4
"$DIVED" "$T/s" --listener-user no-such-user 2>"$T/err"
is "a missing listener user: dived does not start (4)" $? 4
