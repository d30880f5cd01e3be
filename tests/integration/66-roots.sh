#!/bin/bash
# The program's root and directory: -R (chroot), -h (chdir before it),
# -V (pivot_root), -r (the client's root), -W (dived's root as the
# directory); a directory outside a new root is never kept by chance.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/roots.sh"
plan 22

chmod 755 "$T"
R=$T/root
mkroot "$R"
mkdir -m 0755 "$T/elsewhere"
# at DIR COMMAND...: run in DIR
at() {
	(cd "$1" && shift && "$@")
}

# -R
start_dived -R "$R"
is "-R: the program's root is DIR" \
    "$(at "$T" "$DIVE" "$SOCK" /bin/probe root) $(at "$T" "$DIVE" "$SOCK" /bin/cat /marker)" \
    "$(devino "$R") root $R"
is "-R: a directory outside the new root becomes /" \
    "$(at "$T/elsewhere" "$DIVE" "$SOCK" /bin/probe cwd)" /
is "-R: one inside it is kept, as seen from the new root" \
    "$(at "$R/sub" "$DIVE" "$SOCK" /bin/probe cwd)" /sub
is "-R: an unprivileged client, as itself" \
    "$(at "$R/sub" run_as divetest1 "$DIVE" "$SOCK" /bin/probe ids)" \
    "$(ids_of divetest1)"
start_dived -R "$R" -h "$R/sub"
is "-h before -R: DIR is found outside, and is /sub inside" \
    "$(at "$T/elsewhere" "$DIVE" "$SOCK" /bin/probe cwd)" /sub
start_dived -R "$R" -h "$T/elsewhere"
is "-h outside the new root: the program starts at /" \
    "$(at "$R/sub" "$DIVE" "$SOCK" /bin/probe cwd)" /
start_dived -h "$T/elsewhere"
is "-h alone: every program starts in DIR" \
    "$(at "$R" "$DIVE" "$SOCK" /bin/pwd -P)" "$T/elsewhere"
start_dived -R "$R" -W
is "-W with -R: the new root" "$(at "$R/sub" "$DIVE" "$SOCK" /bin/probe cwd)" /
(cd / && exec "$DIVED" "$T/w.sock" -C 0777 -W) 2>>"$LOG" &
w=$!
for i in $(seq 100); do [ -S "$T/w.sock" ] && break; sleep 0.05; done
is "-W alone: dived's root" "$(at "$T/elsewhere" "$DIVE" "$T/w.sock" /bin/pwd -P)" /
kill $w
wait $w
start_dived -R "$T/nonexistent"
err=$("$DIVE" "$SOCK" /bin/true 2>&1)
is "-R to a missing directory: the request fails, 127" $? 127
like "... naming the step" "$err" \
    "could not change the root directory: No such file or directory"
like "... and logged" "$(cat "$LOG")" \
    "uid 0: cannot change the root directory: No such file or directory"
start_dived -R "$R" -h "$T/nonexistent"
err=$("$DIVE" "$SOCK" /bin/true 2>&1)
like "-h to a missing directory: 127, named" "$?/$err" \
    "^127/.*could not change the current directory: No such file or directory"

# -V NEW OLD: NEW must be a mount point; in a mount namespace of the
# test's own, with a new one for each program.
cat > "$T/pivot.sh" <<'SH'
. "$T/serve.sh"
mount --bind "$R" "$R"
serve pivot -s mnt -V "$R" "$R/old"
"$DIVE" "$T/pivot.sock" /bin/sh -c 'probe root; cat /marker; probe cwd;
    cat /old'"$R"'/marker' > "$T/pivot.out" 2>&1
cat /proc/self/mountinfo | grep -c " $R/old " >> "$T/pivot.out"
kill $!
wait $!
mkdir -m 0755 "$T/plain"
serve pivot2 -s mnt -V "$T/plain" "$T/plain"
"$DIVE" "$T/pivot2.sock" /bin/true > "$T/pivot2.out" 2>&1
echo "status $?" >> "$T/pivot2.out"
kill $!
wait $!
SH
(cd "$T/elsewhere" && T=$T R=$R DIVE=$DIVE DIVED=$DIVED LOG=$LOG \
    unshare --mount /bin/bash "$T/pivot.sh")
is "-V: the program's root is NEW, the old one at OLD" \
    "$(cat "$T/pivot.out")" \
    "$(devino "$R")
root $R
/
root $R
0"
like "-V to a directory that is no mount point: 127, named" \
    "$(cat "$T/pivot2.out")" \
    "could not change the root directory: .*
status 127"

# -r: the root the client sends, its own or DIVE_ROOTDIR.
start_dived -r
is "-r: the client's root (/ here)" "$("$DIVE" "$SOCK" "$PROBE" root)" \
    "$(devino /)"
is "-r: DIVE_ROOTDIR" \
    "$(at "$R/sub" env DIVE_ROOTDIR="$R" "$DIVE" "$SOCK" /bin/probe root)" \
    "$(devino "$R")"
is "-r: its directory, as seen from that root" \
    "$(at "$R/sub" env DIVE_ROOTDIR="$R" "$DIVE" "$SOCK" /bin/probe cwd)" \
    /sub
is "-r: an unprivileged client" \
    "$(at "$R" run_as divetest1 env DIVE_ROOTDIR="$R" "$DIVE" "$SOCK" /bin/sh -c 'probe root; probe ids')" \
    "$(devino "$R")
$(ids_of divetest1)"
# A client that is itself in a chroot: its programs stay there.
SOCK_OVERRIDE=@dive-test-r-$$ start_dived -r
is "-r: a chrooted client's program stays in its root" \
    "$(chroot --userspec="$(id -u divetest1):$(id -g divetest1)" "$R" /bin/dive @dive-test-r-$$ /bin/sh -c 'probe root; cat /marker')" \
    "$(devino "$R")
root $R"
start_dived -r -W
out=$(at "$R/sub" env DIVE_ROOTDIR="$R" "$DIVE" "$SOCK" /bin/sh -c 'probe root; probe cwd; cat ./'"$T"'/elsewhere/../root/marker' \
    2>/dev/null)
is "-r -W: the client's root, dived's root as directory (by choice)" "$out" \
    "$(devino "$R")
(unreachable)/
root $R"
unset SOCK_OVERRIDE
stop_dived

# Usage errors of these options are in 68-usage.sh.
is "no more than one of -R, -V, -r" \
    "$("$DIVED" "$T/x" -R "$R" -r 2>&1; echo $?)" \
    "dived: choose one of --chroot, --pivot-root and --client-chroot
4"
