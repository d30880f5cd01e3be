#!/bin/bash
# dive runs a program through dived: output, exit statuses, death by a
# signal, and the errors dive reports itself.
. "$(dirname "$0")/lib.sh"
plan 17

start_dived

is "echo through dived" "$("$DIVE" "$SOCK" /bin/echo qqq)" qqq
is "echo as an unprivileged user" \
    "$(run_as nobody "$DIVE" "$SOCK" /bin/echo www)" www

"$DIVE" "$SOCK" /bin/sh -c 'exit 44'
is "exit status is the program's" $? 44
run_as nobody "$DIVE" "$SOCK" /bin/sh -c 'exit 3'
is "exit status 3 stays 3 (not a version error)" $? 3

# Killed by a signal: the caller's shell must see dive killed the same way.
# (bash -c reports how its child ended; wait -n gives the raw status.)
killed() {
	bash -c '"$DIVE" "$0" /bin/sh -c "kill -$1 \$\$" & wait $!; echo $?' \
	    "$SOCK" "$1" 2>/dev/null
}
is "killed by SIGTERM: dive dies by SIGTERM too" "$(killed TERM)" 143
is "killed by SIGKILL: dive dies by SIGKILL too" "$(killed KILL)" 137
st=$(cd "$T" && ulimit -c unlimited && killed SEGV)
is "killed by SIGSEGV: status 139" "$st" 139
if grep -q '^|' /proc/sys/kernel/core_pattern; then
	skip "core files are piped to a handler here"
else
	ls "$T" | grep -q core
	is "no core file of dive left behind" $? 1
fi
like "the shell reports the signal, not an exit code" \
    "$(bash -c '"$DIVE" "$0" /bin/sh -c "kill -TERM \$\$"; true' \
    "$SOCK" 2>&1)" "Terminated"

err=$("$DIVE" "$SOCK" /nonexistent/program 2>&1)
st=$?
is "program not found: 127" $st 127
like "program not found: one line naming it" "$err" \
    "^dive: /nonexistent/program: command not found$"

printf '#!/bin/sh\necho no\n' > "$T/noexec"
chmod 644 "$T/noexec"
err=$("$DIVE" "$SOCK" "$T/noexec" 2>&1)
is "not executable: 126" $? 126
like "not executable: says why" "$err" "cannot execute .*Permission denied"

err=$("$DIVE" "$T/nosock" /bin/true 2>&1)
is "no such socket: exit 2" $? 2
like "no such socket: names it" "$err" "cannot connect to $T/nosock"

"$DIVE" 2>/dev/null
is "dive without arguments: usage, exit 4" $? 4
like "dive --version" "$("$DIVE" --version)" "^dive [0-9]"
