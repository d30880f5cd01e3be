#!/bin/bash
# The policy (dived --config, dived.conf(5)) with real users: permitted
# and denied requests by user, group and uid; the last matching rule
# wins; "as" another user through dive -u; commands with and without
# exact arguments, found without the client's PATH; the environment
# options; nofds; a denied client's descriptors closed and nothing run;
# abstract sockets with --allow-users and --allow-groups.
. "$(dirname "$0")/lib.sh"
plan 77

cd "$T" || exit 1
U1=$(id -u divetest1)
U2=$(id -u divetest2)
G2=$(id -g divetest2)
H1=$(getent passwd divetest1 | cut -d: -f6)
HN=$(getent passwd nobody | cut -d: -f6)
CONF=$T/dived.conf

NORULE="dive: denied by policy: no rule permits this request"
DENYRULE="dive: denied by policy: a rule denies this request"

# ---- by user, uid and group ----
policy "permit divetest1 cmd /usr/bin/id"
try divetest1 "$SOCK" /usr/bin/id -u
is "permitted by user name: runs as the client" "$st/$out" "0/$U1"
try divetest2 "$SOCK" /usr/bin/id -u
like "no rule for the user: exit 126" "$st/$err" "^126/dive: denied by policy: "
is "... one line on stderr naming the reason" "$err" "$NORULE"
is "... and nothing ran" "$out" ""
try nobody "$SOCK" /usr/bin/id -u
is "nobody is denied too" "$st/$err" "126/$NORULE"

policy "permit $U2"
try divetest2 "$SOCK" /usr/bin/id -u
is "permitted by uid" "$st/$out" "0/$U2"
try divetest1 "$SOCK" /usr/bin/id -u
like "... only that uid" "$st/$err" "^126/dive: denied by policy: "

policy "permit :divetestx"
try divetest1 "$SOCK" /usr/bin/id -u
is "permitted by a supplementary group" "$st/$out" "0/$U1"
try divetest2 "$SOCK" /usr/bin/id -u
like "not in the group: denied" "$st/$err" "^126/dive: denied by policy: "
setpriv --reuid=divetest1 --regid=divetest1 --clear-groups -- \
    "$DIVE" "$SOCK" /usr/bin/id -u >/dev/null 2>&1
is "the kernel's groups decide: a client that dropped them is denied" $? 126

policy "permit :$G2"
try divetest2 "$SOCK" /usr/bin/id -u
is "permitted by the primary group's gid" "$st/$out" "0/$U2"

policy "permit *" "deny divetest2"
try divetest1 "$SOCK" /usr/bin/id -u
is "permit *: anyone" "$st/$out" "0/$U1"
try divetest2 "$SOCK" /usr/bin/id -u
is "a later deny rule wins: exit 126" "$st/$err" "126/$DENYRULE"
is "... saying a rule denies it" "$err" "$DENYRULE"
policy "deny divetest2" "permit *"
try divetest2 "$SOCK" /usr/bin/id -u
is "a later permit rule wins" "$st/$out" "0/$U2"
policy "# nothing but comments" ""
try divetest1 "$SOCK" /usr/bin/id -u
is "an empty policy denies everything" "$st/$err" "126/$NORULE"

# ---- as another user: dive -u ----
policy "permit divetest1 as nobody cmd /usr/bin/id" "permit divetest1"
try divetest1 -u nobody "$SOCK" /usr/bin/id -un
is "dive -u nobody: permitted by 'as nobody'" "$st/$out" "0/nobody"
try divetest1 -u 65534 "$SOCK" /usr/bin/id -un
is "dive -u with a uid" "$st/$out" "0/nobody"
try divetest1 -u nobody "$SOCK" /usr/bin/id -Gn
is "... with the target's groups" "$out" "$(id -Gn nobody)"
try divetest1 "$SOCK" /usr/bin/id -un
is "without -u: the client itself (no 'as')" "$st/$out" "0/divetest1"
try divetest1 -u divetest1 "$SOCK" /usr/bin/id -un
is "-u naming the client itself is the default" "$st/$out" "0/divetest1"
try divetest1 -u root "$SOCK" /usr/bin/id -u
is "-u root: no rule, denied" "$st/$err" "126/$NORULE"
try divetest1 -u nobody "$SOCK" /bin/true
like "'as nobody' only for its command" "$st/$err" "^126/dive: denied by policy: "
try divetest2 -u nobody "$SOCK" /usr/bin/id -un
like "'as nobody' only for its client" "$st/$err" "^126/dive: denied by policy: "
try divetest1 -u no-such-user-x "$SOCK" /usr/bin/id
is "-u with an unknown user: the same denial as for a user that exists" \
    "$st/$err" "126/$NORULE"
try divetest1 -u 'bad name' "$SOCK" /usr/bin/id
is "-u with a malformed name: usage error" "$st" 4

policy "permit divetest1 as *"
try divetest1 -u divetest2 "$SOCK" /usr/bin/id -un
is "'as *': any user" "$st/$out" "0/divetest2"
try divetest1 -u no-such-user-x "$SOCK" /usr/bin/id
is "... an unknown user: denied, says so" "$st/$err" \
    "126/dive: denied by policy: no such user"

policy "permit divetest1" -- -u divetest2
try divetest1 "$SOCK" /usr/bin/id -un
is "with dived -u, its user is the default target" "$st/$out" "0/divetest2"
try divetest1 -u divetest1 "$SOCK" /usr/bin/id -un
like "... and the client itself is another user" "$st/$err" "^126/dive: denied by policy: "

start_dived
try divetest1 -u nobody "$SOCK" /usr/bin/id
is "-u without a policy: refused (127)" "$st" 127
like "... saying the server has no policy" "$err" \
    "does not let clients choose the user"
# A client that sends MSG_REQ_USER anyway: MSG_ERROR 33 (E_NO_POLICY).
hex=$("$RAW" connect "$SOCK" "$("$PROTODUMP" user root)" 2>&1)
like "... and so does the listener, to a client that asks anyway" "$hex" \
    "$("$PROTODUMP" error 33)$"

# ---- commands and arguments ----
policy "permit divetest1 cmd /usr/bin/id args -u" \
    "permit divetest1 cmd /bin/true args"
try divetest1 "$SOCK" /usr/bin/id -u
is "exact arguments: permitted" "$st/$out" "0/$U1"
try divetest1 "$SOCK" /usr/bin/id -G
like "other arguments: denied" "$st/$err" "^126/dive: denied by policy: "
try divetest1 "$SOCK" /usr/bin/id -u -u
like "more arguments: denied" "$st/$err" "^126/dive: denied by policy: "
try divetest1 "$SOCK" /usr/bin/id
like "no arguments where they are required: denied" "$st/$err" "^126/dive: denied by policy: "
try divetest1 "$SOCK" /bin/true
is "'args' alone: no arguments, permitted" "$st" 0
try divetest1 "$SOCK" /bin/true x
like "... and an argument is denied" "$st/$err" "^126/dive: denied by policy: "

mkdir -m 755 "$T/evil"
printf '#!/bin/sh\necho evil\n' > "$T/evil/id"
chmod 755 "$T/evil/id"
out=$(run_as divetest1 env PATH="$T/evil:/usr/bin:/bin" "$DIVE" "$SOCK" \
    id -u 2>&1)
is "a bare name is looked up in dived's fixed path, not the client's PATH" \
    "$out" "$U1"
out=$(cd "$T/evil" && run_as divetest1 "$DIVE" "$SOCK" ./id -u 2>&1)
is "a relative path is denied" "$out" "dive: denied by policy: name the \
program by an absolute path or a bare name"
try divetest1 "$SOCK" //usr/bin/./id -u
is "an absolute path is matched in plain form" "$st/$out" "0/$U1"
try divetest1 "$SOCK" "$T/evil/id" -u
like "another program with the same name is denied" "$st/$err" "^126/dive: denied by policy: "
policy "permit divetest1"
try divetest1 "$SOCK" no-such-program-x
is "a name not found: 127, command not found" "$st/$err" \
    "127/dive: no-such-program-x: command not found"
try divetest1 "$SOCK" "$T/evil/id"
is "without cmd: any program, executed by its path" "$st/$out" "0/evil"

# ---- a forced command line ----
policy "permit divetest1 cmd /usr/bin/id args -u"
start_dived --config "$CONF" --audit-log "$T/audit.json" -- id
try divetest1 "$SOCK" -u
is "forced command: its path and the client's arguments match" \
    "$st/$out" "0/$U1"
try divetest1 "$SOCK" -G
like "forced command: other arguments are denied" "$st/$err" "^126/dive: denied by policy: "

# ---- the environment ----
# env1 DIVE-ARGS...: the environment of divetest1's program, sorted.
env1() {
	envof -a divetest1 FOO=bar BAR=baz TERM=xterm-test HOME=/tmp/x \
	    LC_ALL=C PATH=/usr/bin:/bin -- "$@"
}
getv() { printf '%s\n' "$1" | sed -n "s/^$2=//p"; }
policy "permit divetest1 cmd /usr/bin/env"
e=$(env1 "$SOCK")
is "no keepenv: the client's variables are dropped" \
    "$(getv "$e" FOO)$(getv "$e" BAR)$(getv "$e" LC_ALL)" ""
is "... TERM is kept" "$(getv "$e" TERM)" xterm-test
is "... HOME, USER, LOGNAME, SHELL are the target's" \
    "$(getv "$e" HOME) $(getv "$e" USER) $(getv "$e" LOGNAME) $(getv "$e" SHELL)" \
    "$H1 divetest1 divetest1 $(getent passwd divetest1 | cut -d: -f7)"
is "... PATH is the fixed one" "$(getv "$e" PATH)" \
    /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
is "... DIVE_UID still describes the client" "$(getv "$e" DIVE_UID)" "$U1"
policy "permit divetest1 as nobody cmd /usr/bin/env"
e=$(env1 -u nobody "$SOCK")
is "as nobody: nobody's HOME and USER" \
    "$(getv "$e" HOME) $(getv "$e" USER)" "$HN nobody"
policy "permit keepenv divetest1 cmd /usr/bin/env"
e=$(env1 "$SOCK")
is "keepenv: the client's environment" \
    "$(getv "$e" FOO) $(getv "$e" HOME) $(getv "$e" PATH)" \
    "bar /tmp/x /usr/bin:/bin"
policy "permit keepenv { FOO LC_* } setenv { X=1 \"Y=a b\" -TERM } \
divetest1 cmd /usr/bin/env"
e=$(env1 "$SOCK")
is "keepenv { }: the names listed, prefixes too" \
    "$(getv "$e" FOO) $(getv "$e" LC_ALL) [$(getv "$e" BAR)]" "bar C []"
is "setenv { }: set and removed" \
    "$(getv "$e" X)/$(getv "$e" Y)/[$(getv "$e" TERM)]" "1/a b/[]"

# ---- nofds ----
policy "permit divetest1 cmd /bin/ls"
fds=$(run_as divetest1 "$DIVE" "$SOCK" /bin/ls /proc/self/fd 5</dev/null |
    tr '\n' ' ')
like "without nofds: descriptor 5 reaches the program" "$fds" "(^| )5 "
policy "permit nofds divetest1 cmd /bin/ls"
fds=$(run_as divetest1 "$DIVE" "$SOCK" /bin/ls /proc/self/fd 5</dev/null |
    tr '\n' ' ')
is "nofds: only 0, 1 and 2 (and ls's own 3)" "$fds" "0 1 2 3 "

# ---- noroot (with dived -r) ----
mkdir -m 755 "$T/croot"
policy "permit divetest1 cmd /bin/sh" -- -r
DIVE_ROOTDIR=$T/croot run_as divetest1 "$DIVE" "$SOCK" /bin/sh -c 'echo ran' \
    >/dev/null 2>&1
like "-r: the client's root (an empty one: nothing to run there)" "$?" \
    '^12[67]$'
policy "permit noroot divetest1 cmd /bin/sh" -- -r
out=$(DIVE_ROOTDIR=$T/croot run_as divetest1 "$DIVE" "$SOCK" /bin/sh -c \
    'stat -c %d:%i /; grep ^NoNewPrivs: /proc/self/status')
is "noroot: dived's root, and no no_new_privs (which -r implies for a client's root)" \
    "$out" "$(stat -c %d:%i /)
NoNewPrivs:	0"

# ---- a denied client: descriptors closed on the server, nothing run ----
mkdir -m 777 "$T/w"
denied_run() {	# PROGRAM: run it as divetest2 with fd 5 on a pipe
	rm -f "$T/w/started" "$T/p"
	mkfifo -m 666 "$T/p"
	(run_as divetest2 "$DIVE" "$SOCK" "$1" "$T/w/started" 5>"$T/p" \
	    2>/dev/null; echo $? > "$T/st") &
	local sub=$!
	timeout 20 cat "$T/p" > /dev/null
	eof=$?
	wait "$sub"
}
policy "permit divetest2 cmd /usr/bin/id"
denied_run /usr/bin/touch
is "denied: exit 126" "$(cat "$T/st")" 126
is "... the pipe it passed sees its end: no copy left in dived" "$eof" 0
check "... and the program never ran" test ! -e "$T/w/started"
policy "permit divetest2 cmd /usr/bin/touch"
denied_run /usr/bin/touch
check "(the same request, permitted, does run)" test -e "$T/w/started"

# ---- abstract sockets ----
SOCK_OVERRIDE=@dive-pol-$$ start_dived --allow-users divetest1 \
    --audit-log "$T/audit.json"
try divetest1 "$SOCK" /usr/bin/id -u
is "abstract socket, --allow-users: the user is served" "$st/$out" "0/$U1"
try divetest2 "$SOCK" /usr/bin/id -u
is "... others are denied" "$st/$err" "126/$NORULE"
try nobody "$SOCK" /usr/bin/id -u
like "... nobody too" "$st/$err" "^126/dive: denied by policy: "
e=$(run_as divetest1 env FOO=bar "$DIVE" "$SOCK" /usr/bin/env)
like "... with their environment, as without a policy" "$e" "FOO=bar"
is "... and no warning" "$(grep -c "abstract socket has no" "$LOG")" 0
SOCK_OVERRIDE=@dive-pol2-$$ start_dived --allow-groups divetestx,divetestg \
    --audit-log "$T/audit.json"
try divetest1 "$SOCK" /usr/bin/id -u
is "abstract socket, --allow-groups: a member is served" "$st/$out" "0/$U1"
try divetest2 "$SOCK" /usr/bin/id -u
like "... others are denied" "$st/$err" "^126/dive: denied by policy: "
SOCK_OVERRIDE=@dive-pol3-$$ start_dived
like "an abstract socket without a policy: a warning at start-up" \
    "$(cat "$LOG")" "@dive-pol3-$$: an abstract socket has no permissions"
try nobody "$SOCK" /usr/bin/id -u
is "... (and anyone is served)" "$st" 0
unset SOCK_OVERRIDE
start_dived
is "a socket file without a policy: no warning" \
    "$(grep -c "abstract socket" "$LOG")" 0

# ---- --allow-users with a file: the file's rules refine ----
printf 'deny divetest1 cmd /bin/false\n' > "$CONF"
start_dived --allow-users divetest1,divetest2 --config "$CONF" \
    --audit-log "$T/audit.json"
try divetest1 "$SOCK" /bin/false
like "--config rules come after --allow-users: a deny wins" "$st/$err" "^126/dive: denied by policy: "
try divetest1 "$SOCK" /usr/bin/id -u
is "... the rest stays permitted" "$st/$out" "0/$U1"
try divetest2 "$SOCK" /bin/false
is "... for the others too" "$st" 1
