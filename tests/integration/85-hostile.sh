#!/bin/bash
# Hostile clients (tests/helpers/hostile.c) against a real dived: frames
# and fields at and past every limit, truncated and random bytes, surplus
# and odd descriptors, slow and silent connections, bad signals, a socket
# handed to another user, a uid at its connection limit.  For each attack:
# the documented answer, one log line naming the client and the reason,
# no descriptor or process left behind, and honest clients still served.
. "$(dirname "$0")/lib.sh"

H=$T/hostile
install -m 0755 "$BUILD/bin/tests/hostile" "$H"
sanitized=0
nm "$BUILD/bin/dived" 2>/dev/null | grep -q __asan_init && sanitized=1
U1=$(id -u divetest1)
G1=$(id -g divetest1)

# The texts of src/common/errors.c, by code: what the log must say.
ERRTXT=()
while read -r code text; do
	ERRTXT[code]=$text
done < <("$PROTODUMP" errors)

# Expected answers: "NAME ANSWER [## LOG]".  LOG defaults to the error's
# text, or "starting PROG" when the program ran; %PID% is the client.
FIELDS=(
	"base exited 0"
	"magic-other error 0x06"
	"magic-version-2 error 0x07"
	"type-0 error 0x14"
	"type-hello error 0x14"
	"type-signal error 0x14"
	"type-mon-exec error 0x14"
	"type-ffff error 0x14"
	"nfds-253-none-sent error 0x0b"
	"nfds-254 error 0x09"
	"nfds-ffff error 0x09"
	"len-0 error 0x0d"
	"len-limit exited 0"
	"len-limit+1 error 0x20"
	"len-ffffffff error 0x20"
	"len-short-by-1 error 0x0d"
	"len-long-by-1 error 0x05"
	"flags-1 error 0x15"
	"flags-ffffffff error 0x15"
	"umask-0 exited 0"
	"umask-0777 exited 0"
	"umask-01000 error 0x15"
	"umask-ffffffff error 0x15"
	"specials-7-none-sent error 0x0b"
	"specials-8 error 0x15"
	"specials-ffffffff error 0x15"
	"nfdmap-1-none-sent error 0x0b"
	"nfdmap-253 exited 0"
	"nfdmap-254 error 0x09"
	"nfdmap-ffffffff error 0x09"
	"fdnum-0 exited 0"
	# accepted by the protocol; the spawner may lack such a descriptor
	"fdnum-limit ~(exited 0|failed 17 [0-9]+)"
	"fdnum-limit+1 error 0x13"
	"fdnum-ffffffff error 0x13"
	"fdnum-repeated error 0x13"
	"fdnum-descending error 0x13"
	"argc-0 error 0x1f"
	"argc-limit exited 0"
	"argc-limit+1 error 0x11"
	"argc-ffffffff error 0x11"
	"argc-2-strings-1 error 0x0f"
	"argc-1000-no-bytes error 0x0d"
	"envc-limit exited 0"
	"envc-limit+1 error 0x12"
	"envc-ffffffff error 0x12"
	"envc-1-no-bytes error 0x0d"
	"strlen-0 error 0x0f"
	"strlen-1 exited 0"
	"strlen-limit exited 0"
	"strlen-limit+1 error 0x0f"
	"strlen-ffffffff error 0x0f"
	"strlen-past-end error 0x0d"
	"string-no-nul error 0x0f"
	"string-embedded-nul error 0x0f"
	"trailing-byte error 0x0e"
)
ARGC0=(
	"argc-0 error 0x1f"
	"argc-0-with-env error 0x1f"
	"argv0-empty failed 19 2 ## starting "
	"argv0-directory failed 19 13 ## starting /"
	"argv0-missing failed 19 2 ## starting /nonexistent/hostile"
	"argv0-no-slash-no-path exited 0 ## starting true"
)
STRINGS=(
	"backslash exited 0 identical"
	"newline exited 0 identical"
	"bad-utf8 exited 0 identical"
	"control exited 0 identical"
	# the newline arrives escaped: one line, the forgery inside it
	"argv0-newline failed 19 2 ## starting /nonexistent\\x0asession 0: uid 0 pid 1: client error: forged"
)
ODD='HT_NL=a\x0ab|HT_BS=\x5c|HT_U=\xff\xfe|HT_SP= x |HT_EQ==='
DIVEVARS="DIVE_UID=$U1|DIVE_GID=$G1|DIVE_PID=%PID%|DIVE_USER=divetest1"
ENVS=(
	"no-equals error 0x10"
	"empty-name error 0x10"
	"empty-entry error 0x10"
	"valid-then-no-equals error 0x10"
	"dup-keys exited 0 [HT_A=1|HT_B=x|$DIVEVARS]"
	"dup-prefixes exited 0 [HT_AB=1|HT_A=2|HT_ABC=4|$DIVEVARS]"
	"dup-empty-first exited 0 [HT_A=|$DIVEVARS]"
	"dive-spoof exited 0 [$DIVEVARS]"
	"odd-bytes exited 0 [$ODD|$DIVEVARS]"
	"dup-65536 exited 0 [HT_A=0|$DIVEVARS]"
)
# Descriptor limits: the default (253, SCM_MAX_FD) and --max-fds 3.
TOOMANY_253=(
	"cwd-and-max-1-mapped exited 0"
	"header-max+1-none-sent error 0x09"
	"request-max+1 error 0x09"
)
TOOMANY_3=("${TOOMANY_253[@]}")
CTRUNC_LOG="client error: ${ERRTXT[10]}"
CTRUNC_253=(
	"max+2-on-first-byte skip ## "
	"max+1-on-first-byte skip ## "
	"max-more-on-payload error 0x0a"
	"one-more-than-header error 0x0b"
	"fd-after-request error 0x0a ## starting /bin/sleep;$CTRUNC_LOG"
)
CTRUNC_3=(
	"max+2-on-first-byte error 0x0a"
	# 4 descriptors fit the room for 3 (CMSG_SPACE rounds up): counted
	"max+1-on-first-byte error 0x09"
	"max-more-on-payload error 0x0a"
	"one-more-than-header error 0x0b"
	"fd-after-request error 0x0a ## starting /bin/sleep;$CTRUNC_LOG"
)
KINDS=()
STAT="starting /usr/bin/stat"
for k in fifo socket memfd opath-sock pty devnull opath-pty self; do
	KINDS+=("cwd-$k error 0x17")
done
KINDS+=("cwd-dir exited 0 [/etc\\x0a] ## starting /bin/pwd"
    "cwd-opath-dir exited 0 [/etc\\x0a] ## starting /bin/pwd")
for k in dir opath-dir fifo socket memfd opath-sock self; do
	KINDS+=("tty-$k error 0x17")
done
KINDS+=("tty-pty exited 0"
    "tty-devnull failed 10 25"
    "tty-opath-pty failed 10 9")
for k in dir:directory opath-dir:directory fifo:fifo socket:socket \
    "memfd:regular empty file" opath-sock:socket \
    "pty:character special file" "devnull:character special file" \
    "opath-pty:character special file" self:socket; do
	KINDS+=("map-${k%%:*} exited 0 [${k#*:}\\x0a] ## $STAT")
done
ROOT_REFUSED=()
ROOT_R=("root-dir exited 0" "root-opath-dir exited 0")
for k in dir opath-dir fifo socket memfd opath-sock pty devnull opath-pty \
    self; do
	ROOT_REFUSED+=("root-$k error 0x18")
	case $k in dir|opath-dir) ;; *) ROOT_R+=("root-$k error 0x17") ;; esac
done
SLOWIDLE=(
	"slow error 0x16 after 2 bytes"
	"idle-silent error 0x16"
	"idle-after-greeting error 0x16"
)
S="starting /bin/sleep"
EARLY="starting /bin/true;client error: ${ERRTXT[20]}"
SIGS=(
	"sig0 error 0x1b ## $S;client error: ${ERRTXT[27]}"
	"sig9 killed 9 ## $S"
	"sig19 stopped continued killed 15 ## $S"
	"sig64 killed 64 ## $S"
	"sig65 error 0x1b ## $S;client error: ${ERRTXT[27]}"
	"sig-1 error 0x1b ## $S;client error: ${ERRTXT[27]}"
	"sig-before-started error 0x14 ## $EARLY"
	"sig-trailing-bytes error 0x0e ## $S;client error: ${ERRTXT[14]}"
	"sig-with-fd error 0x0a ## $S;client error: ${ERRTXT[10]}"
	"sig-too-long error 0x08 ## $S;client error: ${ERRTXT[8]}"
	"second-request error 0x14 ## $S;client error: ${ERRTXT[20]}"
)
NOSIGS=("sig15 error 0x14 ## $S;client error: ${ERRTXT[20]}")

# The expected answers above, plus: complete-then-eof and passfd (1 each),
# 5 checks after each of 19 attacks, truncate-all 2, random 2, strings 1
# and hold 7 more.
plan $((${#FIELDS[@]} + ${#ARGC0[@]} + ${#STRINGS[@]} + ${#ENVS[@]} +
    ${#TOOMANY_253[@]} + ${#TOOMANY_3[@]} + ${#CTRUNC_253[@]} +
    ${#CTRUNC_3[@]} + ${#KINDS[@]} + ${#ROOT_REFUSED[@]} + ${#ROOT_R[@]} +
    ${#SLOWIDLE[@]} + ${#SIGS[@]} + ${#NOSIGS[@]} + 2 + 5 * 19 +
    2 + 2 + 1 + 7))

# fds: descriptors of the monitor and of the listener master.
fds() {
	echo "$(ls "/proc/$DPID/fd" | wc -l) $(ls "/proc/$LM/fd" | wc -l)"
}

# mem: VmData and RssAnon (kB) of the monitor and of the listener master.
mem() {
	local p
	for p in "$DPID" "$LM"; do
		awk '/^(VmData|RssAnon):/ { printf "%s ", $2 }' "/proc/$p/status"
	done
}

# dived_children: what dived and the listener master have as children.
dived_children() {
	ps --ppid "$DPID,$LM" -o stat=,comm= |
	    awk '{ print ($1 ~ /Z/ ? "zombie:" : "") $2 }' | sort | paste -sd' '
}

# server OPTIONS...: a fresh dived, with its idle state recorded.
server() {
	local i
	start_dived -v "$@" || return 1
	LM=$(lmaster_pid)
	honest /bin/true
	for i in $(seq 40); do
		[ "$(dived_children)" = dived-lmaster ] && break
		sleep 0.05
	done
	sleep 0.1
	BASEFD=$(fds)
}

# logof UID PID: what dived logged about that client, joined by ';'.
logof() {
	grep -a "^[^ ]* \(session [0-9]*: \)\?uid $1 pid $2: " "$LOG" |
	    sed 's/^[^ ]* \(session [0-9]*: \)\?uid [0-9]* pid [0-9]*: //' |
	    paste -sd';'
}

explog() {
	case $1 in
	"error 0x"*) echo "client error: ${ERRTXT[$((16#${1:8:2}))]}" ;;
	*) echo "starting $2" ;;
	esac
}

# cases FAMILY UID PROG OUTPUT SPEC...: one test per expected answer; the
# client's answer and what the log says about it (uid and pid) must match.
cases() {
	local fam=$1 uid=$2 prog=$3 out=$4 spec name want wlog line pid got
	shift 4
	for spec in "$@"; do
		name=${spec%% *}
		want=${spec#* }
		wlog=$(explog "$want" "$prog")
		if [[ $want == *" ## "* ]]; then
			wlog=${want#* ## }
			want=${want%% ## *}
		fi
		line=$(awk -v n="$name" '$1 == n { print; exit }' <<<"$out")
		line=${line#* }
		pid=${line%% *}
		got=${line#* }
		want=${want//%PID%/$pid}
		[ "$got" = skip ] && pid=none
		if [ "${want:0:1}" = "~" ]; then
			like "$fam: $name" "$got ## $(logof "$uid" "$pid")" \
			    "^${want:1} ## $wlog\$"
		else
			is "$fam: $name" "$got ## $(logof "$uid" "$pid")" \
			    "$want ## $wlog"
		fi
	done
}

# quiet: wait (bounded) until the attack's connections are all gone.
quiet() {
	local i
	for i in $(seq 50); do
		[ "$(fds)" = "$BASEFD" ] &&
		    [ "$(dived_children)" = dived-lmaster ] && break
		sleep 0.05
	done
}

# after FAMILY [ATTACK...]: once the attack's connections are gone, no
# descriptor, listener or child is left, and an honest client is still
# served.  With ATTACK (the command of the attack, run again): no memory
# is left behind either, in the monitor or the listener master.
after() {
	local i p
	quiet
	is "$1: no descriptor left in the monitor or the listener master" \
	    "$(fds)" "$BASEFD"
	is "$1: no listener left" "$(pgrep -P "$LM" | wc -l)" 0
	is "$1: no zombie or stray child of dived" "$(dived_children)" dived-lmaster
	is "$1: an honest client is still served" \
	    "$(honest /bin/echo ok)" ok
	# Leftovers would blur the next family's checks (and outlive dived).
	for p in $(ps --ppid "$DPID" -o pid=,comm= |
	    awk '$2 != "dived-lmaster" { print $1 }'); do
		kill -9 "$p" 2>/dev/null
	done
	[ $# -gt 1 ] || return 0
	leaks "$@"
}

# leaks FAMILY ATTACK...: run the attack again, twice; the memory of the
# monitor and the listener master must not grow (within MEMTOL kB: the
# allocator's own pages).  The first run has warmed up every path.
MEMTOL=16
leaks() {
	local fam=$1 m1 m2 i
	shift
	if [ $sanitized = 1 ]; then
		skip "$fam: memory (LeakSanitizer checks it at dived's exit)"
		return
	fi
	quiet
	m1=$(mem)
	for i in 1 2; do
		"$@" > /dev/null 2>&1
		quiet
	done
	honest /bin/true > /dev/null
	m2=$(mem)
	is "$fam: no memory left behind (attack twice more)" \
	    "$(grown "$m1" "$m2")" ""
}

# grown "BEFORE" "AFTER": what grew by more than MEMTOL kB.
grown() {
	local -a a=($1) b=($2)
	local names=("monitor VmData" "monitor RssAnon" "listener master VmData"
	    "listener master RssAnon") i
	for i in 0 1 2 3; do
		[ $((b[i] - a[i])) -gt $MEMTOL ] &&
		    printf '%s %s -> %s kB; ' "${names[i]}" "${a[i]}" "${b[i]}"
	done
}

hostile() {
	timeout 60 "$H" "$SOCK" "$@"
}

# as_user USER COMMAND...: run_as, bounded in time.
as_user() {
	local u=$1
	shift
	timeout 60 setpriv --reuid="$u" --regid="$(id -g "$u")" \
	    --init-groups -- "$@"
}

# honest: the well-behaved client.  It sends every open descriptor: keep
# only stdout and stderr (with its cwd: 3, within --max-fds 3).
honest() {
	(
		for fd in $(ls "/proc/$BASHPID/fd"); do
			[ "$fd" -gt 2 ] && eval "exec $fd>&-" 2>/dev/null
		done
		exec timeout 10 "$DIVE" "$SOCK" "$@" 0<&- 2>&1
	)
}

# fields: every length and count at 0, its limit, one past, 0xffffffff.
server --request-timeout 2 --max-request-bytes 1048576
cases fields 0 /bin/true "$(hostile fields)" "${FIELDS[@]}"
after fields hostile fields

# truncate-all: each prefix of a valid request, then EOF.
server --request-timeout 2
out=$(hostile truncate-all)
read -r _ P _ total <<<"$out"
is "truncate-all: each prefix gets the right error, the whole runs" \
    "$(sed -n '2,$p' <<<"$out" | grep -v '^complete')" \
    "$(printf '0: error 0x04\n1-%d: error 0x05\n%d: exited 0' \
    $((total - 1)) "$total")"
is "truncate-all: one log line per connection, with the reason" \
    "$(logof 0 "$P" | tr ';' '\n' | sort | uniq -c)" \
    "$({ echo "client error: ${ERRTXT[4]}"
    for i in $(seq $((total - 1))); do
	echo "client error: ${ERRTXT[5]}"
    done
    echo "starting /bin/true"; } | sort | uniq -c)"
after truncate-all hostile truncate-all
EOFLOG="starting /bin/true;client error: ${ERRTXT[4]}"
# The whole request, then EOF before the program starts: the client's
# error, not a "listener protocol violation", and no spawner left.
server --request-timeout 2
cases eof-after-request 0 /bin/true "$(hostile eof-after-request)" \
    "complete-then-eof error 0x04 ## $EOFLOG"
after eof-after-request hostile eof-after-request

# random: random bytes, and valid frames with bytes flipped (as nobody).
server --request-timeout 2
out=$(as_user nobody "$H" "$SOCK" random 300)
read -r _ P rest <<<"$out"
is "random: every connection gets an answer, then closed" "$rest" \
    "answered 300 unanswered 0"
is "random: one log line per connection" \
    "$(grep -acE " uid 65534 pid $P: (client error|starting)" "$LOG")" 300
after random as_user nobody "$H" "$SOCK" random 300

server --request-timeout 2
cases argc0 0 - "$(hostile argc0)" "${ARGC0[@]}"
after argc0 hostile argc0

server --request-timeout 2
cases strings 0 /usr/bin/printf "$(hostile strings)" "${STRINGS[@]}"
is "strings: a newline in a program name forges no log line" \
    "$(grep -ac '^session 0: uid 0 pid 1: client error: forged' "$LOG")" 0
after strings hostile strings

# env: as divetest1, so that the DIVE_* entries it sends are not its own.
server --request-timeout 2
env_attack() {
	as_user divetest1 "$H" "$SOCK" env
	as_user divetest1 "$H" "$SOCK" env-many
}
out=$(env_attack)
cases env "$U1" /usr/bin/env "$out" "${ENVS[@]}"
after env env_attack

server --request-timeout 2
cases too-many-fds 0 /bin/true "$(hostile too-many-fds)" "${TOOMANY_253[@]}"
after too-many-fds hostile too-many-fds
server --request-timeout 2 --max-fds 3
cases "too-many-fds (--max-fds 3)" 0 /bin/true "$(hostile too-many-fds)" \
    "${TOOMANY_3[@]}"
after "too-many-fds (--max-fds 3)" hostile too-many-fds

server --request-timeout 2
cases ctrunc 0 /bin/true "$(hostile ctrunc)" "${CTRUNC_253[@]}"
after ctrunc hostile ctrunc
server --request-timeout 2 --max-fds 3
cases "ctrunc (--max-fds 3)" 0 /bin/true "$(hostile ctrunc)" "${CTRUNC_3[@]}"
after "ctrunc (--max-fds 3)" hostile ctrunc

# fd-kinds: a directory, O_PATH, FIFO, socket, memfd, the daemon's own
# socket file, terminals, the connection itself: as cwd, tty, mapped fd,
# and as root (refused without -r, must be a directory with it).
server --request-timeout 2
cases fd-kinds 0 /bin/true "$(hostile fd-kinds cwd tty map)" "${KINDS[@]}"
after fd-kinds hostile fd-kinds cwd tty map
server --request-timeout 2
cases "fd-kinds (root)" 0 /bin/true "$(hostile fd-kinds root)" \
    "${ROOT_REFUSED[@]}"
after "fd-kinds (root)" hostile fd-kinds root
server --request-timeout 2 -r
cases "fd-kinds (root, -r)" 0 /bin/true "$(hostile fd-kinds root)" \
    "${ROOT_R[@]}"
after "fd-kinds (root, -r)" hostile fd-kinds root

# slow (a byte a second: the deadline is for the whole request) and idle.
slow_idle() {
	hostile slow &
	hostile idle
	wait $!
}
server --request-timeout 2
hostile slow > "$T/slow" &
out=$(hostile idle)
wait $!
cases slow/idle 0 - "$(cat "$T/slow")
$out" "${SLOWIDLE[@]}"
after slow/idle slow_idle

server --request-timeout 2 --signals
cases signals 0 /bin/sleep "$(hostile signals)" "${SIGS[@]}"
after signals hostile signals
server --request-timeout 2
cases "signals (no --signals)" 0 /bin/sleep "$(hostile signals 15)" \
    "${NOSIGS[@]}"
after "signals (no --signals)" hostile signals 15

# passfd: divetest1 connects, divetest2 sends the request on that socket.
server --request-timeout 2
cases passfd "$U1" /bin/sh "$(hostile passfd divetest1 divetest2)" \
    "passfd exited 0 [$U1 $U1 divetest1 %PID%\\x0a]"
after passfd hostile passfd divetest1 divetest2

# One uid at --max-per-uid: refused at once, while others are served.
server --request-timeout 3 --max-per-uid 4
as_user divetest1 "$H" "$SOCK" hold 5 > "$T/hold" &
holder=$!
for i in $(seq 100); do
	[ "$(wc -l < "$T/hold")" -ge 5 ] && break
	sleep 0.02
done
is "hold: four connections greeted, the fifth refused (E_LIMIT_UID)" \
    "$(cut -d' ' -f1,3- "$T/hold" | paste -sd';')" \
    "conn1 greeted;conn2 greeted;conn3 greeted;conn4 greeted;conn5 error 0x1a"
is "hold: another uid is served within 1 s" \
    "$(timeout 1 setpriv --reuid=divetest2 --regid="$(id -g divetest2)" \
    --init-groups -- "$DIVE" "$SOCK" /bin/echo ok 2>&1)" ok
P=$(awk '{ print $2; exit }' "$T/hold")
is "hold: the refusal is logged with the uid, pid and reason" \
    "$(logof "$U1" "$P")" "connection refused: ${ERRTXT[26]}"
wait $holder
is "hold: the idle connections are cut at --request-timeout" \
    "$(grep '^end' "$T/hold" | cut -d' ' -f1,3- | paste -sd';')" \
    "end1 error 0x16;end2 error 0x16;end3 error 0x16;end4 error 0x16"
is "hold: each logged" "$(logof "$U1" "$P" | tr ';' '\n' | sort | uniq -c)" \
    "$(printf 'connection refused: %s\nclient error: %s\n' "${ERRTXT[26]}" \
    "${ERRTXT[22]}" | sed -n '2p;2p;2p;2p;1p' | sort | uniq -c)"
is "hold: the uid is served again once its connections ended" \
    "$(run_as divetest1 "$DIVE" "$SOCK" /bin/echo again 2>&1)" again
is "hold: dived still runs" "$(kill -0 "$DPID" 2>&1 && echo yes)" yes
after hold as_user divetest1 "$H" "$SOCK" hold 5
