#!/bin/bash
# A policy cmd names a file, not a string: on a merged /usr (/bin a link
# to usr/bin) a rule for /bin/sh is a rule for /usr/bin/sh, sh found in
# the fixed search path and /usr/bin/dash, both ways (deny and permit);
# a link the client made to a permitted file runs that file; a
# permitted file replaced between the decision and the execution is not
# executed; a script runs; --check-config warns about a cmd that does
# not exist; a copy of a denied program is another file.
. "$(dirname "$0")/lib.sh"
plan 21

cd "$T" || exit 1
U1=$(id -u divetest1)
CONF=$T/dived.conf
DENYRULE="dive: denied by policy: a rule denies this request"
NORULE="dive: denied by policy: no rule permits this request"


if [ "$(readlink -f /bin/sh)" != "$(readlink -f /usr/bin/sh)" ] ||
    [ ! /bin/true -ef /usr/bin/true ] || [ "$(readlink /bin)" != usr/bin ]; then
	skip_all "not a merged /usr"
fi
SHREAL=$(readlink -f /bin/sh)

# ---- a deny rule stops the file, whatever its name ----
policy "permit divetest1" "deny divetest1 cmd /bin/sh"
try divetest1 "$SOCK" /usr/bin/sh -c 'echo ran'
is "deny cmd /bin/sh stops /usr/bin/sh" "$st/$out/$err" "126//$DENYRULE"
try divetest1 "$SOCK" sh -c 'echo ran'
is "... and sh, found in the search path as /usr/bin/sh" \
    "$st/$out/$err" "126//$DENYRULE"
try divetest1 "$SOCK" "$SHREAL" -c 'echo ran'
is "... and $SHREAL, the file /bin/sh links to" "$st/$out/$err" \
    "126//$DENYRULE"
try divetest1 "$SOCK" //usr/./bin/sh -c 'echo ran'
is "... and //usr/./bin/sh" "$st/$out/$err" "126//$DENYRULE"
try divetest1 "$SOCK" /bin/true
is "... other programs still run" "$st/$out/$err" "0//"
cp "$SHREAL" "$T/mysh"
chmod 755 "$T/mysh"
try divetest1 "$SOCK" "$T/mysh" -c 'echo ran'
is "... but a copy is another file: it runs (dived.conf(5) says so)" \
    "$st/$out" "0/ran"

# ---- a permit rule permits the file, whatever its name ----
policy "permit divetest1 cmd /bin/true" "permit divetest1 cmd /bin/id args -u"
try divetest1 "$SOCK" /usr/bin/true
is "permit cmd /bin/true permits /usr/bin/true" "$st/$err" "0/"
try divetest1 "$SOCK" true
is "... and true, found as /usr/bin/true" "$st/$err" "0/"
try divetest1 "$SOCK" id -u
is "permit cmd /bin/id args -u: id -u runs" "$st/$out/$err" "0/$U1/"
try divetest1 "$SOCK" /usr/bin/id -un
is "... but only with its arguments" "$st/$out/$err" "126//$NORULE"
try divetest1 "$SOCK" /usr/bin/false
is "... and no other file" "$st/$err" "126/$NORULE"

# ---- a link the client made ----
# Under the rule's name, a link of hers to the permitted file runs it;
# under another name not (a program may act by its name: systemctl as
# reboot).
mkdir -m 0755 "$T/u1"
chown divetest1: "$T/u1"
run_as divetest1 ln -s /usr/bin/id "$T/u1/id"
try divetest1 "$SOCK" "$T/u1/id" -u
is "a client's link to a permitted file, by its name: that file runs" \
    "$st/$out/$err" "0/$U1/"
run_as divetest1 ln -s /usr/bin/id "$T/u1/reboot"
try divetest1 "$SOCK" "$T/u1/reboot" -u
is "... under another name: denied" "$st/$out/$err" "126//$NORULE"
run_as divetest1 ln -sfn /usr/bin/whoami "$T/u1/id"
try divetest1 "$SOCK" "$T/u1/id" -u
is "... pointed at another file: denied" "$st/$out/$err" "126//$NORULE"

# ---- the file decided on is the file executed ----
printf '#!/bin/sh\necho "good $*"\n' > "$T/u1/prog"
printf '#!/bin/sh\necho evil\n' > "$T/u1/evil"
chmod 755 "$T/u1/prog" "$T/u1/evil"
chown divetest1: "$T/u1/prog" "$T/u1/evil"
policy "permit divetest1 cmd $T/u1/prog"
try divetest1 "$SOCK" "$T/u1/prog" a
is "a permitted script runs, with its arguments" "$st/$out/$err" "0/good a/"
# -a runs after the decision and before the execution: there the user
# replaces the permitted file by another (rename(2) in a directory of
# hers), exactly between the two.
policy "permit divetest1 cmd $T/u1/prog" -- -a \
    "setpriv --reuid=divetest1 --regid=divetest1 --clear-groups mv -f $T/u1/evil $T/u1/prog"
try divetest1 "$SOCK" "$T/u1/prog"
like "replaced after the decision: not executed (126)" "$st/$out" "^126/$"
is "... says why (ESTALE: another file since the decision)" "$err" \
    "dive: cannot execute $T/u1/prog: Stale file handle"
is "... and the other file is in place (the swap happened)" \
    "$(cat "$T/u1/prog")" "$(printf '#!/bin/sh\necho evil')"

# ---- --check-config ----
printf 'permit divetest1 cmd /bin/true\npermit divetest1 cmd /usr/bin/no-such-prog-x\n' > "$CONF"
"$DIVED" --check-config "$CONF" >"$T/out" 2>"$T/err"
is "--check-config: a cmd that does not exist: valid, with a warning" \
    "$?/$(cat "$T/out")/$(cat "$T/err")" \
    "0/$CONF: 2 rules, no errors/dived: warning: $CONF:2: cmd /usr/bin/no-such-prog-x: No such file or directory"
out=$("$DIVED" --check-config "$CONF" --as-client divetest1 -- true 2>/dev/null)
is "--check-config: true permitted by cmd /bin/true" "$?/$out" \
    "0/permit
rule $CONF:1: permit divetest1 cmd /bin/true
program /usr/bin/true as divetest1 (uid $U1)"
out=$("$DIVED" --check-config "$CONF" --as-client divetest1 -- sh 2>/dev/null)
is "--check-config: sh is not /bin/true" "$?/${out%%$'\n'*}" "3/deny"
