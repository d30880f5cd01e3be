#!/bin/bash
# The policy file: dived refuses to start, saying why, when it has the
# wrong owner, mode or type, a syntax error (file, line and column), or
# an unknown user or group; dived --check-config validates a file and
# prints the decision and the rule for a request, like doas -C.
. "$(dirname "$0")/lib.sh"
plan 40

cd "$T" || exit 1
CONF=$T/dived.conf
U1=$(id -u divetest1)

# refuses TEXT-OR-"" ERE DESC: dived with $CONF exits 2, stderr matches,
# and no socket was created.
refuses() {
	local desc=$3 st
	[ -n "$1" ] && printf '%b' "$1" > "$CONF"
	"$DIVED" "$T/s" --config "$CONF" --audit-log "$T/audit.json" \
	    2>"$T/err"
	st=$?
	like "$desc" "$st/$(cat "$T/err")" "^2/dived: $2"
}

printf 'permit divetest1\n' > "$CONF"
chmod 644 "$CONF"
start_dived --config "$CONF" --audit-log "$T/audit.json"
is "a valid file owned by root, mode 0644: dived starts" \
    "$(run_as divetest1 "$DIVE" "$SOCK" /usr/bin/id -u)" "$U1"
stop_dived

# ---- owner, mode, type ----
chown divetest1 "$CONF"
refuses "" "$CONF: owned by uid $U1; a policy file must be owned by root$" \
    "owned by another user: refused, says so"
check "... and no socket was created" test ! -e "$T/s"
chown root:divetestg "$CONF"
chmod 664 "$CONF"
refuses "" "$CONF: writable by its group \\(mode 0664\\); a policy file must not be \\(chmod go-w $CONF\\)$" \
    "group-writable: refused, says so"
chmod 646 "$CONF"
refuses "" "$CONF: writable by others \\(mode 0646\\)" \
    "writable by others: refused"
chmod 640 "$CONF"
start_dived --config "$CONF" --audit-log "$T/audit.json"
is "group root-owned file, mode 0640: fine" \
    "$(run_as divetest1 "$DIVE" "$SOCK" /usr/bin/id -u)" "$U1"
stop_dived
chown root:root "$CONF"
mkdir "$T/dir"
"$DIVED" "$T/s" --config "$T/dir" 2>"$T/err"
like "a directory: refused" "$?/$(cat "$T/err")" \
    "^2/dived: $T/dir: not a regular file$"
mkfifo "$T/fifo"
timeout 20 "$DIVED" "$T/s" --config "$T/fifo" 2>"$T/err"
like "a FIFO: refused without hanging" "$?/$(cat "$T/err")" \
    "^2/dived: $T/fifo: not a regular file$"
"$DIVED" "$T/s" --config "$T/missing" 2>"$T/err"
like "a missing file: refused" "$?/$(cat "$T/err")" \
    "^2/dived: $T/missing: No such file or directory$"
ln -s "$CONF" "$T/link"
printf 'permit divetest1\n' > "$CONF"
chmod 644 "$CONF"
start_dived --config "$T/link" --audit-log "$T/audit.json"
is "a symbolic link to a good file: fine (the file is checked)" \
    "$(run_as divetest1 "$DIVE" "$SOCK" /usr/bin/id -u)" "$U1"
stop_dived
head -c 1048577 /dev/zero | tr '\0' '\n' > "$CONF"
refuses "" "$CONF: larger than 1048576 bytes$" "a file above 1 MiB: refused"

# ---- syntax errors: file, line and column ----
refuses 'permit divetest1\nallow divetest2\n' \
    "$CONF:2:1: expected 'permit' or 'deny', not 'allow'$" \
    "an unknown action: line and column"
refuses '# c\n\npermit divetest1 cmd bin/ls\n' \
    "$CONF:3:22: the command must be an absolute path" \
    "a relative command path"
refuses 'permit divetest1 \\\n   as\n' "$CONF:2:6: expected a user or \\* after 'as' before the end of the line$" \
    "'as' without a user, after a continuation line"
refuses 'permit "divetest1\n' "$CONF:1:8: quoted string without its closing quote" \
    "an unterminated quote"
refuses 'permit setenv { A=1 divetest1\n' "$CONF:1:15: '\\{' without its '\\}' on this line$" \
    "an unterminated list"
refuses 'deny keepenv divetest1\n' "$CONF:1:6: deny rules take no options \\(keepenv\\)$" \
    "options in a deny rule"
refuses 'permit setenv { DIVE_UID=0 } divetest1\n' "$CONF:1:17: 'DIVE_UID=0': DIVE_\\* variables are set by dived$" \
    "setenv of a DIVE_ variable"
refuses 'permit divetest1\r\n' "$CONF:1:17: carriage return" \
    "a DOS line ending"
refuses 'permit divetest1 cmd /bin/ls args a\x1b[0m\n' "$CONF:1:36: control character 0x1b" \
    "a control character"
refuses 'permit divetest1 bob\n' "$CONF:1:18: expected the end of the rule, not 'bob'$" \
    "a word too many"

# ---- names that do not exist ----
refuses 'permit divetest1\npermit  no-such-user-x\n' \
    "$CONF:2:9: no such user 'no-such-user-x'$" "an unknown user"
refuses 'permit :no-such-group-x as root\n' \
    "$CONF:1:8: no such group 'no-such-group-x'$" "an unknown group"
refuses 'permit divetest1 as no-such-user-x\n' \
    "$CONF:1:21: no such user 'no-such-user-x'$" "an unknown target"
"$DIVED" "$T/s" --allow-users divetest1,no-such-user-x 2>"$T/err"
like "--allow-users with an unknown user: refused" \
    "$?/$(cat "$T/err")" "^2/dived: --allow-users: no such user 'no-such-user-x'$"
"$DIVED" "$T/s" --allow-groups 'a b' 2>"$T/err"
like "--allow-groups with a malformed name: refused" \
    "$?/$(cat "$T/err")" "^2/dived: --allow-groups: 'a b' is not a valid group name$"
printf 'permit 4242\npermit :4343 as 4444\n' > "$CONF"
start_dived --config "$CONF" --audit-log "$T/audit.json"
is "ids without names are fine" "$(grep -c listening "$LOG")" 1
stop_dived

# ---- dived --check-config ----
cat > "$CONF" <<'EOF'
# who may do what
permit divetest1 cmd /usr/bin/id
permit :divetestx as nobody cmd /usr/bin/id args -un
deny divetest1 cmd /usr/bin/id args -G
EOF
chmod 644 "$CONF"
out=$("$DIVED" --check-config "$CONF")
is "--check-config: valid, counts the rules" "$?/$out" \
    "0/$CONF: 3 rules, no errors"
out=$(run_as nobody "$DIVED" --check-config "$CONF")
is "... needs no root" "$?/$out" "0/$CONF: 3 rules, no errors"
out=$("$DIVED" --check-config "$CONF" --as-client divetest1 -- id -u)
is "--as-client: permit, the rule, the program and user" "$?/$out" \
    "0/permit
rule $CONF:2: permit divetest1 cmd /usr/bin/id
program /usr/bin/id as divetest1 (uid $U1)"
out=$("$DIVED" --check-config "$CONF" --as-client divetest1 -- /usr/bin/id -G)
is "... a later deny rule: exit 3" "$?/$out" \
    "3/deny
rule $CONF:4: deny divetest1 cmd /usr/bin/id args -G
program /usr/bin/id as divetest1 (uid $U1)"
out=$("$DIVED" --check-config "$CONF" --as-client divetest1 \
    --as-target nobody -- id -un)
is "... --as-target, matched through a group" "$?/$out" \
    "0/permit
rule $CONF:3: permit :divetestx as nobody cmd /usr/bin/id args -un
program /usr/bin/id as nobody (uid 65534)"
out=$("$DIVED" --check-config "$CONF" --as-client divetest2 -- id)
is "... no rule: deny, says none matched" "$?/$out" \
    "3/deny
rule none: no rule permits this request
program /usr/bin/id as divetest2 (uid $(id -u divetest2))"
out=$("$DIVED" --check-config "$CONF" --as-client divetest1 -- ./id)
is "... a relative path: deny, says why" "$?/$out" \
    "3/deny
rule none: name the program by an absolute path or a bare name"
out=$("$DIVED" --check-config "$CONF" --as-client divetest1 \
    --as-target no-such-user-x -- id)
is "... an unknown target: deny, as the daemon does" "$?/$out" "3/deny
rule none: no rule permits this request"
out=$("$DIVED" --check-config "$CONF" --allow-users divetest2 \
    --as-client divetest2 -- /bin/true)
is "... with --allow-users on the same command line" "$?/$out" \
    "0/permit
rule --allow-users: permit keepenv divetest2
program /bin/true as divetest2 (uid $(id -u divetest2))"
"$DIVED" --check-config "$CONF" --as-client no-such-user-x -- id \
    >/dev/null 2>"$T/err"
like "... an unknown client: exit 2, says so" "$?/$(cat "$T/err")" \
    "^2/dived: --as-client no-such-user-x: no such user$"
"$DIVED" --check-config "$CONF" --as-client divetest1 2>"$T/err"
like "... --as-client without a program: usage error" \
    "$?/$(cat "$T/err")" "^4/.*needs the program to check after --"
printf 'permit divetest1\npermit bob alice\n' > "$CONF"
"$DIVED" --check-config "$CONF" 2>"$T/err"
like "--check-config on a bad file: exit 2, file, line and column" \
    "$?/$(cat "$T/err")" "^2/dived: $CONF:2:12: expected the end of the rule"
chmod 666 "$CONF"
"$DIVED" --check-config "$CONF" 2>"$T/err"
like "--check-config checks the mode too" "$?/$(cat "$T/err")" \
    "^2/dived: $CONF: writable by others"
