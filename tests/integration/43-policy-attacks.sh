#!/bin/bash
# Attacks on matching commands by file (dived.conf(5), cmd): a path that
# names no file when decided on, made a link to a denied program before
# the execution (a link the client makes, and /proc/self/fd/N, which the
# monitor and the program see differently), is not executed; in another
# root (-R) a link of the client's that leads in dived's root to the
# permitted file does not make that root's file at the path permitted.
# A script naming a denied shell is another file (documented).  A link
# named python3 in her venv runs python3 under the rule's path.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/roots.sh"
plan 10

cd "$T" || exit 1
CONF=$T/dived.conf
NORULE="dive: denied by policy: no rule permits this request"

AS1="setpriv --reuid=divetest1 --regid=divetest1 --clear-groups"
SHREAL=$(readlink -f /bin/sh)

mkdir -m 0755 "$T/u1"
chown divetest1: "$T/u1"

# ---- a path that names no file when decided on ----
# Nothing is there at the decision, so no deny rule matches and "permit
# divetest1" does; -a (after the decision, before the execution) plays
# the user making it a link to the denied shell in between.
policy "permit divetest1" "deny divetest1 cmd $SHREAL" -- \
    -a "$AS1 ln -s $SHREAL $T/u1/late"
try divetest1 "$SOCK" "$T/u1/late" -c 'echo ran'
is "no file at the decision, a link to the denied shell at the execution: not executed" \
    "$st/$out/$err" "126//dive: cannot execute $T/u1/late: Stale file handle"
is "... and the link was made in between" "$(readlink "$T/u1/late")" "$SHREAL"
try divetest1 "$SOCK" "$T/u1/late" -c 'echo ran'
is "... with the link there before the decision: denied by the rule" \
    "$st/$out/$err" "126//dive: denied by policy: a rule denies this request"

# /proc/self/fd/N is the monitor's descriptor N when decided on (it has
# none so high) and the program's (the client's, passed) at the
# execution.
policy "permit divetest1" "deny divetest1 cmd $SHREAL"
out=$(run_as divetest1 "$DIVE" "$SOCK" /proc/self/fd/200 -c 'echo ran' \
    200<"$SHREAL" 2>"$T/err")
st=$?
err=$(cat "$T/err")
is "/proc/self/fd/200, the client's descriptor of the denied shell: not executed" \
    "$st/$out/$err" "126//dive: cannot execute /proc/self/fd/200: Stale file handle"
try divetest1 "$SOCK" /bin/true
is "... other programs still run" "$st/$out/$err" "0//"

# A script is its own file: the rule sees it, and the kernel then starts
# the shell it names (dived.conf(5) says a deny rule cannot stop that).
printf '#!/bin/sh\necho ran\n' > "$T/u1/script"
chmod 755 "$T/u1/script"
chown divetest1: "$T/u1/script"
try divetest1 "$SOCK" "$T/u1/script"
is "... a script of hers naming the denied shell runs (documented)" \
    "$st/$out/$err" "0/ran/"

# ---- a permitted program that reads the name it was run as ----
# Python takes a pyvenv.cfg next to argv[0] for a virtual environment
# and runs the .pth files of its site-packages: her link named python3
# in a "venv" of hers must not give her code the target's identity.
PYV=$(/usr/bin/python3 -c 'import sys; print("python%d.%d" % sys.version_info[:2])')
V=$T/u1/v
run_as divetest1 sh -c "mkdir -p $V/bin $V/lib/$PYV/site-packages &&
    ln -s /usr/bin/python3 $V/bin/python3 &&
    echo 'home = /usr/bin' > $V/pyvenv.cfg &&
    echo 'import os; print(\"evil\", os.getuid())' > $V/lib/$PYV/site-packages/x.pth"
policy "permit divetest1 as divetest2 cmd /usr/bin/python3 args -c print(1)"
try divetest1 -u divetest2 "$SOCK" "$V/bin/python3" -c 'print(1)'
is "her link named python3 in her venv: python3 runs, not her code" \
    "$st/$out/$err" "0/1/"
try divetest1 -u divetest2 "$SOCK" python3 -c 'print(1)'
is "... python3 by its name runs as divetest2" "$st/$out/$err" "0/1/"

# ---- another root ----
# In dived's root $T/u1/id is her link to /usr/bin/id, permitted under
# its own name; in the new root the same path is her program (cat).  The
# permit must not reach that root's file at the path.
J=$T/jail
mkroot "$J"
mkdir -p "$J$T/u1"
chmod 755 "$J$T" "$J${T%/*}"
chown divetest1: "$J$T/u1"
run_as divetest1 cp /bin/cat "$J$T/u1/id"
run_as divetest1 ln -s /usr/bin/id "$T/u1/id"
cp /usr/bin/id "$J/bin/id"
policy "permit divetest1 as divetest2 cmd /usr/bin/id" -- -R "$J"
try divetest1 -u divetest2 "$SOCK" "$T/u1/id" /marker
is "-R: her link in dived's root, her program in the new root: not executed" \
    "$st/$out/$err" "126//dive: cannot execute $T/u1/id: Stale file handle"
mkdir -p "$J/usr/bin"
cp -p /usr/bin/id "$J/usr/bin/id"
for lib in $(ldd /usr/bin/id | grep -o '/[^ ]*'); do
	mkdir -p "$J$(dirname "$lib")"
	cp -L "$lib" "$J$lib"
done
chmod -R a+rX "$J/usr" "$J/lib"* 2>/dev/null
try divetest1 -u divetest2 "$SOCK" /usr/bin/id -u
is "... the rule's own path runs that root's file" "$st/$out/$err" \
    "0/$(id -u divetest2)/"
