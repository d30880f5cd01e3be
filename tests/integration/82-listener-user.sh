#!/bin/bash
# --listener-user refuses a user someone could log in as: whoever runs as
# the listeners' uid can signal, stop or trace every listener and the
# master (deny service to every client, read other clients' requests).
# A login shell (anything but nologin or false) or a usable password
# (shadow: anything but a locked '!' or '*' entry; an empty one too) is
# refused with exit status 4, unless --listener-user-force, which starts
# and warns.
. "$(dirname "$0")/lib.sh"
plan 12

LU=_divelu82
at_exit 'userdel "$LU" 2>/dev/null'
userdel "$LU" 2>/dev/null
useradd --system --no-create-home --home-dir /nonexistent \
    --shell /usr/sbin/nologin "$LU" || echo "# cannot create $LU"
# A SHA-512 crypt of "secret": a password one can log in with.
HASH='$6$dive82$Jd8lB0YGk7d8a1RMpF8i7A2xE6Ysn0kS1p0dM5Yv0QbGq8E0e2jz1rT3yFQm6YQbq1Y0cXj7Jb1n8gSx5Q2mD/'

refused() {	# refused USER [OPTIONS...]: status/why
	local u=$1
	shift
	timeout 10 "$DIVED" "$T/s" -C 0777 --listener-user "$u" "$@" \
	    2>"$T/err" </dev/null &
	wait $!
	echo "$?/$(sed -n 's/.*has \(a [a-z ]*\), so .*/\1/p' "$T/err")"
}

is "a user with a login shell (divetest1, /bin/sh) is refused (4)" \
    "$(refused divetest1)" "4/a login shell"
like "... saying what to do" "$(cat "$T/err")" \
    "lock it .*--listener-user-force"
check "... and nothing listens" test ! -e "$T/s"

usermod -p "$HASH" "$LU"
is "a nologin user with a usable password is refused (4)" \
    "$(refused "$LU")" "4/a usable password"
usermod -p '' "$LU"
is "... an empty password too (no password asked)" \
    "$(refused "$LU")" "4/a usable password"
usermod -s /bin/bash -p '!' "$LU"
is "a locked password with a login shell: refused (4)" \
    "$(refused "$LU")" "4/a login shell"

usermod -s /usr/sbin/nologin -p "$HASH" "$LU"
start_dived --listener-user "$LU" --listener-user-force
like "--listener-user-force: dived starts, and warns" "$(cat "$LOG")" \
    "listener-user $LU has a usable password \(--listener-user-force\)"
is "... serving clients" "$("$DIVE" "$SOCK" /bin/echo ok)" ok
is "... with listeners of that user" \
    "$(ps -o user= -p "$(lmaster_pid)")" "$LU"
stop_dived

usermod -L "$LU"
start_dived --listener-user "$LU"
is "once locked (usermod -L), it is accepted without force" \
    "$("$DIVE" "$SOCK" /bin/echo ok)" ok
is "... without a warning" "$(grep -c 'listener-user' "$LOG")" 0
stop_dived
usermod -s /bin/false "$LU"
start_dived --listener-user "$LU"
is "a locked user whose shell is /bin/false: accepted" \
    "$("$DIVE" "$SOCK" /bin/echo ok)" ok
