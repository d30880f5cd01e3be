#!/bin/bash
# What a client's root must never give it (dived -r, and -R):
# - dived runs no code of the client's: a root with its own
#   /etc/nsswitch.conf and libnss_*.so is never used for a name lookup;
# - the client's directory counts only inside its root;
# - a directory descriptor outside the new root is refused (it would let
#   the program climb out with ".."), unless --allow-outside-dirs;
# - a client that sends no root at all is refused;
# - no set-user-ID program gives anything in it (-r implies -X).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/roots.sh"

chmod 755 "$T"
R=$T/planted
mkroot "$R"
mkdir -m 0755 "$T/elsewhere"
echo "outside the root" > "$T/outside"
chmod 644 "$T/outside"

# The planted name service: its constructor notes that it ran, and as
# whom, in the root it is loaded from (/pwned) and outside it.
cat > "$T/planted.c" <<EOF
#include <fcntl.h>
#include <nss.h>
#include <pwd.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void note(const char *path)
{
	char b[64];
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0666);

	if (fd >= 0) {
		snprintf(b, sizeof(b), "ran as uid %d\n", (int)geteuid());
		(void)!write(fd, b, strlen(b));
		close(fd);
	}
}

__attribute__((constructor)) static void planted(void)
{
	note("/pwned");
	note("$T/pwned-outside");
}

enum nss_status _nss_planted_getpwnam_r(const char *n, struct passwd *p,
    char *b, size_t l, int *e) { *e = 0; return NSS_STATUS_NOTFOUND; }
enum nss_status _nss_planted_getpwuid_r(uid_t u, struct passwd *p,
    char *b, size_t l, int *e) { *e = 0; return NSS_STATUS_NOTFOUND; }
enum nss_status _nss_planted_getgrnam_r(const char *n, struct group *g,
    char *b, size_t l, int *e) { *e = 0; return NSS_STATUS_NOTFOUND; }
enum nss_status _nss_planted_getgrgid_r(gid_t i, struct group *g,
    char *b, size_t l, int *e) { *e = 0; return NSS_STATUS_NOTFOUND; }
EOF
if ! cc -shared -fPIC -o "$T/libnss_planted.so.2" "$T/planted.c" 2>"$T/cc.err"; then
	skip_all "no C compiler to build the planted module"
fi
for d in lib/x86_64-linux-gnu usr/lib/x86_64-linux-gnu lib64 usr/lib lib; do
	mkdir -p "$R/$d"
	cp "$T/libnss_planted.so.2" "$R/$d/"
done
printf 'passwd: planted\ngroup: planted\nshadow: planted\ninitgroups: planted\n' \
    > "$R/etc/nsswitch.conf"
chmod -R a+rX "$R"
plan 28

# The control: a lookup inside that root does run the planted code.
chroot "$R" /bin/probe getpw divetest1 > /dev/null
is "control: a lookup in the planted root runs its code" "$(cat "$R/pwned")" \
    "ran as uid 0"
rm -f "$R/pwned"

start_dived -r
out=$(cd "$R/sub" && run_as divetest1 env DIVE_ROOTDIR="$R" "$DIVE" "$SOCK" \
    /bin/sh -c 'probe root; probe ids')
is "-r with the planted root: the program runs in it, as the client" \
    "$out" "$(devino "$R")
$(ids_of divetest1)"
check "... and no code of the client's ran" \
    test ! -e "$R/pwned" -a ! -e "$T/pwned-outside"
start_dived -r -u divetest2 -g divetestx,divetestg
is "-r -u -g: names resolved outside the planted root" \
    "$(cd "$R" && run_as divetest1 env DIVE_ROOTDIR="$R" "$DIVE" "$SOCK" /bin/probe ids)" \
    "uid=$(id -u divetest2)/$(id -u divetest2)/$(id -u divetest2) gid=$(getent group divetestx | cut -d: -f3)/$(getent group divetestx | cut -d: -f3)/$(getent group divetestx | cut -d: -f3) groups=$(getent group divetestg divetestx | cut -d: -f3 | sort -n | paste -sd,)"
check "... and no code of the client's ran" \
    test ! -e "$R/pwned" -a ! -e "$T/pwned-outside"
start_dived -r -a 'id -un'
is "-r -a: the command runs in dived's root" \
    "$(cd "$R" && DIVE_ROOTDIR="$R" "$DIVE" "$SOCK" /bin/probe cwd)" "root
/"
check "... and no code of the client's ran" \
    test ! -e "$R/pwned" -a ! -e "$T/pwned-outside"

# The directory
start_dived -r
is "-r: a directory outside the client's root becomes that root" \
    "$(cd "$T/elsewhere" && DIVE_ROOTDIR="$R" "$DIVE" "$SOCK" /bin/probe cwd)" /
is "-r: one inside is kept" \
    "$(cd "$R/sub" && DIVE_ROOTDIR="$R" "$DIVE" "$SOCK" /bin/probe cwd)" /sub

# Directory descriptors.  probe escape FD FILE climbs with ".." from FD's
# directory and reads FILE from where it stops.
rel=${T#/}/outside
err=$(DIVE_ROOTDIR="$R" run_as divetest1 "$DIVE" "$SOCK" /bin/probe escape 5 \
    "$rel" 5<"$T/elsewhere" 2>&1)
is "-r: a directory outside the root among the descriptors: refused, 127" \
    "$?" 127
like "... naming the descriptor" "$err" \
    "could not pass on a directory outside the program's root: descriptor 5 \(dived --allow-outside-dirs allows it\)"
like "... and logged" "$(cat "$LOG")" \
    "uid $(id -u divetest1): cannot pass on a directory outside the program's root: descriptor 5"
err=$(DIVE_ROOTDIR="$R" "$DIVE" "$SOCK" /bin/true < "$T/elsewhere" 2>&1)
like "... descriptor 0 too" "$?/$err" "^127/.*: descriptor 0 "
is "a directory inside the root is fine" \
    "$(DIVE_ROOTDIR="$R" run_as divetest1 "$DIVE" "$SOCK" /bin/probe escape 5 \
    marker 5<"$R/sub")" "root $R"
is "so is a file outside it" \
    "$(DIVE_ROOTDIR="$R" run_as divetest1 "$DIVE" "$SOCK" /bin/sh -c 'cat <&5' \
    5<"$T/outside")" "outside the root"
start_dived -r --allow-outside-dirs
is "--allow-outside-dirs: allowed, and the program does get out" \
    "$(DIVE_ROOTDIR="$R" run_as divetest1 "$DIVE" "$SOCK" /bin/probe escape 5 \
    "$rel" 5<"$T/elsewhere")" "outside the root"
start_dived -R "$R"
err=$(run_as divetest1 "$DIVE" "$SOCK" /bin/probe escape 5 "$rel" \
    5<"$T/elsewhere" 2>&1)
like "-R: refused the same way" "$?/$err" \
    "^127/.*outside the program's root: descriptor 5 "
printf 'permit nofds divetest1\n' > "$T/nofds.conf"
chmod 644 "$T/nofds.conf"
start_dived -R "$R" --config "$T/nofds.conf" --audit-log "$T/audit.json"
is "-R, a nofds rule: such a descriptor is not the program's, so no refusal" \
    "$(run_as divetest1 "$DIVE" "$SOCK" /bin/sh -c \
    'cat /marker; if (: <&5) 2>&-; then echo has-5; else echo no-5; fi' \
    5<"$T/elsewhere" 2>&1)" \
    "root $R
no-5"
start_dived -R "$R" --allow-outside-dirs
is "-R --allow-outside-dirs" \
    "$(run_as divetest1 "$DIVE" "$SOCK" /bin/probe escape 5 "$rel" \
    5<"$T/elsewhere")" "outside the root"
start_dived
is "no root change: directories are just passed on" \
    "$(run_as divetest1 "$DIVE" "$SOCK" "$PROBE" escape 5 "$rel" \
    5<"$T/elsewhere")" "outside the root"

# -N into a container's mount namespace, whose root is not dived's: the
# client's directory and directory descriptors are dived's, outside it.
mkfifo -m 0600 "$R/hold"
# (The old root stays mounted at /old: nothing here looks there.)
unshare -m --propagation private sh -c "mount --bind '$R' '$R' && cd '$R' &&
    pivot_root . old && exec /bin/cat /hold" &
holder=$!
for i in $(seq 100); do
	[ "$(cat "/proc/$holder/root/marker" 2>/dev/null)" = "root $R" ] &&
	    break
	sleep 0.05
done
start_dived -N "/proc/$holder/ns/mnt"
is "-N into a container: the program runs in its root" \
    "$(cd "$R/sub" && run_as divetest1 "$DIVE" "$SOCK" /bin/cat /marker)" \
    "root $R"
is "-N: a directory of the client's outside that root becomes the root" \
    "$(cd "$T/elsewhere" && run_as divetest1 "$DIVE" "$SOCK" /bin/probe cwd)" /
err=$(run_as divetest1 "$DIVE" "$SOCK" /bin/probe escape 5 "$rel" \
    5<"$T/elsewhere" 2>&1)
like "-N: a directory descriptor outside that root is refused" "$?/$err" \
    "^127/.*outside the program's root: descriptor 5 "
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null

# A client that sends no root directory gets none of dived's.
start_dived -r
out=$("$BUILD/bin/tests/hostile" "$SOCK" fields | grep '^base ')
like "-r: a request without a root directory is refused" "$out" \
    "^base [0-9]+ failed 30 0$"
like "... and logged" "$(cat "$LOG")" \
    "cannot use the client's root directory: none was sent \(dived -r\)"

# A set-user-ID program in the client's root (the classic chroot attack
# feeds it the files of its choice): -r implies no_new_privs.
cp "$PROBE" "$R/bin/suid-probe"
chmod 4755 "$R/bin/suid-probe"
start_dived -r
is "-r: a set-user-ID program in the client's root gives nothing" \
    "$(cd "$R" && run_as divetest1 env DIVE_ROOTDIR="$R" "$DIVE" "$SOCK" /bin/suid-probe ids)" \
    "$(ids_of divetest1)"
is "-r implies -X" \
    "$(DIVE_ROOTDIR=/ run_as divetest1 "$DIVE" "$SOCK" /bin/grep ^NoNewPrivs: /proc/self/status | cut -f2)" 1
start_dived -R "$R"
is "(without -r it would: the test can fail)" \
    "$(run_as divetest1 "$DIVE" "$SOCK" /bin/suid-probe ids | cut -d' ' -f1)" \
    "uid=$(id -u divetest1)/0/0"
