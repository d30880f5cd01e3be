#!/bin/bash
# A user's subordinate uids count as that user: divetest1 makes a user
# namespace with newuidmap (8 uids of its /etc/subuid range) and
# connects from each of them.  With --max-connections 16 --max-per-uid
# 4, each connection is charged to its own uid and to divetest1, who
# owns the namespace: 4 are served, the others refused, and divetest2
# is still served while divetest1's are held.  The audit record names
# both uids.
. "$(dirname "$0")/lib.sh"
plan 10

if ! command -v newuidmap >/dev/null || ! command -v newgidmap >/dev/null
then
	skip_all "newuidmap is not installed (make deps)"
fi
U1=$(id -u divetest1)
AUD=$T/audit.json
mkdir -m 1777 "$T/share"

# divetest1's subordinate ranges, as useradd gives them; the files are
# restored exactly afterwards.
cp -p /etc/subuid "$T/subuid.orig" 2>/dev/null || : > "$T/subuid.none"
cp -p /etc/subgid "$T/subgid.orig" 2>/dev/null || : > "$T/subgid.none"
_subid_cleanup() {
	local f
	for f in subuid subgid; do
		if [ -e "$T/$f.orig" ]; then
			cp -p "$T/$f.orig" "/etc/$f"
		elif [ -e "$T/$f.none" ]; then
			rm -f "/etc/$f"
		fi
	done
	[ -z "${HOLD:-}" ] || kill $HOLD 2>/dev/null
}
at_exit _subid_cleanup
BASE=
for f in subuid subgid; do
	b=$(sed -n 's/^divetest1:\([0-9]*\):\([0-9]*\)$/\1 \2/p' \
	    "/etc/$f" 2>/dev/null | awk '$2 >= 9 { print $1; exit }')
	if [ -z "$b" ]; then
		b=$((0x7f000000))	# far above any range useradd gives
		echo "divetest1:$b:9" >> "/etc/$f"
	fi
	[ "$f" = subuid ] && BASE=$b || GBASE=$b
done

start_dived --max-connections 16 --max-per-uid 4 --audit-log "$AUD"

# In divetest1's namespace (uids 0 to 8: divetest1's subordinate uids
# BASE to BASE+8), uids 1 to 8 each start a program that stays, and
# writes its pid.
cat > "$T/share/ns.sh" <<EOF
for k in 1 2 3 4 5 6 7 8; do
	setpriv --reuid=\$k --regid=\$k --clear-groups -- \
	    $DIVE $SOCK /bin/sh -c 'echo \$\$ > $T/share/held.'\$k'; exec sleep 600' \
	    > /dev/null 2> $T/share/err.\$k < /dev/null &
done
wait
EOF
chmod 644 "$T/share/ns.sh"
cd "$T/share" || exit 1
run_as divetest1 unshare --user --map-users="$BASE,0,9" \
    --map-groups="$GBASE,0,9" \
    --setuid 0 --setgid 0 -- /bin/sh "$T/share/ns.sh" &
NSPID=$!
# Each client either holds a running program or has been refused.
settled() {
	local k n=0
	for k in 1 2 3 4 5 6 7 8; do
		if [ -s "$T/share/held.$k" ] ||
		    grep -q 'too many' "$T/share/err.$k" 2>/dev/null; then
			n=$((n + 1))
		fi
	done
	[ $n = 8 ]
}
check "divetest1's 8 namespace clients are served or refused" waitfor settled
HOLD=$(cat "$T"/share/held.* 2>/dev/null)
held=$(echo $HOLD | wc -w)
is "divetest1 holds 4 connections in all, not 8" "$held" 4
is "... the others are refused as divetest1's" \
    "$(grep -lF "$(errtext 26)" "$T"/share/err.* | wc -l)" 4

try divetest1 "$SOCK" /bin/echo served
like "divetest1 itself is refused: its namespace holds its 4" "$err" \
    "$(errtext 26)"
try divetest2 "$SOCK" /bin/echo served
is "divetest2 is served meanwhile" "$out" served

is "the decision records name the namespace uid and its owner" \
    "$(jq -r 'select(.type == "decision" and .client_uid > '"$BASE"' and
    .client_uid <= '"$((BASE + 8))"') | .client_owner_uid == '"$U1"'' \
    "$AUD" | sort | uniq -c | tr -s ' ')" \
    " 4 true"
is "... a plain client is its own owner" \
    "$(jq -r 'select(.type == "decision" and .client_uid == '"$(id -u divetest2)"') | .client_owner_uid' "$AUD")" \
    "$(id -u divetest2)"
is "a refused connection's record names both" \
    "$(jq -r 'select(.type == "connection" and .client_uid > '"$BASE"' and
    .client_uid <= '"$((BASE + 8))"') | .client_owner_uid == '"$U1"'' \
    "$AUD" | sort | uniq -c | tr -s ' ')" " 4 true"
like "dived logs the refusals with the owner" "$(cat "$LOG")" \
    "uid [0-9]+ \\(owner $U1\\) pid [0-9]+: connection refused"

kill $HOLD 2>/dev/null
HOLD=
wait $NSPID 2>/dev/null
served_again() {
	try divetest1 "$SOCK" /bin/echo again
	[ "$out" = again ]
}
check "once they end, divetest1 is served again (its count given back)" \
    waitfor served_again
