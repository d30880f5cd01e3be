#!/bin/bash
# A program that gains privileges over its client gets the client's
# environment through an allow-list (dived(8), ENVIRONMENT): terminal
# type, locale names, display and time zone with harmless values, and what
# the operator names; HOME, USER, LOGNAME, SHELL and PATH are the
# target's.  Any other variable, however unknown to dived, never reaches
# it.  The attack: a client's OPENSSL_CONF makes a root openssl load the
# client's module.  Without a gain everything passes, as in dive 1.9.
. "$(dirname "$0")/lib.sh"
plan 24

U1=$(id -u divetest1)
G1=$(id -g divetest1)
GX=$(getent group divetestx | cut -d: -f3)
U2=$(id -u divetest2)

# The client's files: a module whose constructor records the uid it ran
# as, and an openssl.cnf that makes openssl load it as a provider.
mkdir "$T/u"
cat > "$T/u/evil.c" <<EOF
#include <stdio.h>
#include <unistd.h>
__attribute__((constructor)) static void
evil(void)
{
	FILE *f = fopen("$T/ran", "a");

	if (f != NULL) {
		fprintf(f, "%u\n", (unsigned)geteuid());
		fclose(f);
	}
}
EOF
cc -shared -fPIC -o "$T/u/evil.so" "$T/u/evil.c"
cat > "$T/u/openssl.cnf" <<EOF
openssl_conf = init
[init]
providers = prov
[prov]
evil = evil_sect
[evil_sect]
module = $T/u/evil.so
activate = 1
EOF
chown -R divetest1: "$T/u"
touch "$T/ran"
chmod 666 "$T/ran"
ran() { cat "$T/ran"; : > "$T/ran"; }

OSSL=(OPENSSL_CONF="$T/u/openssl.cnf")
run_as divetest1 env "${OSSL[@]}" /usr/bin/openssl version > /dev/null
is "the client's openssl.cnf, on its own, loads its module" "$(ran)" "$U1"

start_dived -v -u root
run_as divetest1 env "${OSSL[@]}" "$DIVE" "$SOCK" /usr/bin/openssl version \
    > "$T/out" 2>&1
is "-u root: openssl runs for the client" "$?/$(cut -c1-7 "$T/out")" \
    "0/OpenSSL"
is "... and never loads the client's module as root" "$(ran)" ""
env "${OSSL[@]}" "$DIVE" "$SOCK" /usr/bin/openssl version > /dev/null
is "a root client's OPENSSL_CONF does not reach root's openssl either" \
    "$(ran)" ""

# Variables of libraries and programs, known and made up: none may pass.
HOSTILE=(OPENSSL_CONF=/x OPENSSL_MODULES=/x OPENSSL_ENGINES=/x
    SSL_CERT_FILE=/x SSL_CERT_DIR=/x KRB5_CONFIG=/x KRB5CCNAME=/x
    GIT_EXEC_PATH=/x GIT_CONFIG_GLOBAL=/x GIT_SSH_COMMAND=x GIT_DIR=/x
    PAGER=x SYSTEMD_PAGER=x SYSTEMD_EDITOR=x EDITOR=x VISUAL=x LESSOPEN='|x'
    LESSCLOSE=x GIO_EXTRA_MODULES=/x GTK_MODULES=x GTK_PATH=/x
    QT_PLUGIN_PATH=/x QT_QPA_PLATFORM_PLUGIN_PATH=/x SASL_PATH=/x
    SASL_CONF_PATH=/x XDG_CONFIG_HOME=/x XDG_CONFIG_DIRS=/x XDG_DATA_DIRS=/x
    GNUPGHOME=/x CURL_HOME=/x WGETRC=/x MAILRC=/x HISTFILE=/x
    FOO_PLUGIN_DIR=/x NOT_YET_WRITTEN_LIB_PRELOAD=/x LD_PRELOAD=/x
    LD_LIBRARY_PATH=/x PYTHONPATH=/x PERL5OPT=x BASH_ENV=/x TERMINFO=/x
    GCONV_PATH=/x NLSPATH=/x LOCPATH=/x TZDIR=/x 'FN=() { id; }'
    HOME=/x USER=x LOGNAME=x SHELL=/x PATH=/x MAIL=/x TMPDIR=/x)
# The documented list, with values it keeps.
GOOD=(TERM=xterm-256color COLORTERM=truecolor LANG=C.UTF-8
    LANGUAGE=de_DE:fr LC_ALL=C LC_TIME=en_DK.UTF-8 DISPLAY=:7
    TZ=Europe/Paris)
# The same names with values it does not keep: paths, shell functions.
BADVAL=(TERM=../../tmp/t LANG=/tmp/l LC_CTYPE=../l LANGUAGE=de:/x
    DISPLAY=/tmp/.X11-unix/X7 LC_MESSAGES='() { id; }')
TZBAD=(TZ=/tmp/tz TZ=:/etc/x TZ=Europe/../../tmp/tz)
TARGET2=("HOME=$(getent passwd divetest2 | cut -d: -f6)" USER=divetest2
    LOGNAME=divetest2 "SHELL=$(getent passwd divetest2 | cut -d: -f7)"
    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")

start_dived -v -u divetest2
is "-u another user: exactly the listed variables and the target's" \
    "$(envof divetest1 "${HOSTILE[@]}" "${GOOD[@]}")" \
    "$(sorted "${GOOD[@]}" "${TARGET2[@]}")"
is "... listed names with a path or a function as value do not pass" \
    "$(envof divetest1 "${BADVAL[@]}")" "$(sorted "${TARGET2[@]}")"
for tz in "${TZBAD[@]}"; do
	is "... nor $tz" "$(envof divetest1 "$tz" | grep -c '^TZ=')" 0
done
is "-v: nothing logged of the environment, neither names nor values" \
    "$(grep -c 'OPENSSL_CONF\|FOO_PLUGIN\|/tmp/l\|() {' "$LOG")" 0

start_dived
is "no gain (the client's own user): every variable passes, as in 1.9" \
    "$(envof divetest1 "${HOSTILE[@]}" "${GOOD[@]}")" \
    "$(sorted "${HOSTILE[@]}" "${GOOD[@]}")"
run_as divetest1 env "${OSSL[@]}" "$DIVE" "$SOCK" /usr/bin/openssl version \
    > /dev/null
is "... so openssl loads the client's module, as the client" "$(ran)" "$U1"

# A gid-only gain: the client's uid, another group.
GONLY=(FOO_PLUGIN_DIR=/x OPENSSL_CONF=/x LANG=C)
start_dived -u divetest1
is "-u the client's user, client running with another gid: a gain" \
    "$(setpriv --reuid=divetest1 --regid="$GX" --clear-groups -- \
    "$EXECENV" "${GONLY[@]}" -- "$DIVE" "$SOCK" /bin/sh -c \
    'echo $(id -u) $(id -g) ${FOO_PLUGIN_DIR-unset} ${OPENSSL_CONF-unset} $LANG')" \
    "$U1 $G1 unset unset C"
is "... with its own gid: no gain, everything passes" \
    "$(run_as divetest1 "$EXECENV" "${GONLY[@]}" -- "$DIVE" "$SOCK" \
    /bin/sh -c 'echo ${FOO_PLUGIN_DIR-unset} ${OPENSSL_CONF-unset}')" \
    "/x /x"
start_dived -u divetest1 -g divetestx
is "-u the client's user with -g another group: a gain" \
    "$(run_as divetest1 "$EXECENV" "${GONLY[@]}" -- "$DIVE" "$SOCK" \
    /bin/sh -c \
    'echo $(id -u) $(id -g) ${FOO_PLUGIN_DIR-unset} ${OPENSSL_CONF-unset} $LANG')" \
    "$U1 $GX unset unset C"

# What the operator names passes as it is.
start_dived -u divetest2 --keep-env 'FOO_*,OPENSSL_CONF' --keep-env HOME
is "--keep-env: the names and prefixes it gives pass, no others" \
    "$(envof divetest1 "${HOSTILE[@]}" | grep -Ev '^(USER|LOGNAME|SHELL|PATH)=')" \
    "$(sorted FOO_PLUGIN_DIR=/x OPENSSL_CONF=/x HOME=/x)"
start_dived -u divetest2 --keep-env '*'
is "--keep-env '*': everything passes" \
    "$(envof divetest1 "${HOSTILE[@]}" "${GOOD[@]}")" \
    "$(sorted "${HOSTILE[@]}" "${GOOD[@]}")"

printf '%s\n' 'permit keepenv { FOO_PLUGIN_DIR } divetest1 as divetest2' \
    'permit keepenv divetest1 as root' 'permit divetest1 as nobody' \
    > "$T/dived.conf"
chmod 644 "$T/dived.conf"
start_dived --config "$T/dived.conf" --audit-log "$T/audit.json"
penv() {
	run_as divetest1 "$EXECENV" "${HOSTILE[@]}" "${GOOD[@]}" -- "$DIVE" \
	    -u "$1" "$SOCK" /usr/bin/env 2>/dev/null | grep -v '^DIVE_' | sort
}
is "policy keepenv { NAME }: NAME, TERM, DISPLAY and the target's" \
    "$(penv divetest2)" \
    "$(sorted FOO_PLUGIN_DIR=/x TERM=xterm-256color DISPLAY=:7 \
    "${TARGET2[@]}")"
is "policy plain keepenv as root: only the listed variables" \
    "$(penv root | grep -Ev '^(HOME|USER|LOGNAME|SHELL|PATH)=')" \
    "$(sorted "${GOOD[@]}")"
is "... and root's HOME and PATH" \
    "$(penv root | grep -E '^(HOME|PATH)=' | paste -sd' ')" \
    "HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
run_as divetest1 env "${OSSL[@]}" "$DIVE" -u root "$SOCK" \
    /usr/bin/openssl version > /dev/null
is "policy plain keepenv as root: openssl does not load the module" \
    "$(ran)" ""
is "policy without keepenv: TERM, DISPLAY and the target's" \
    "$(penv nobody | grep -Ev '^(HOME|USER|LOGNAME|SHELL|PATH)=')" \
    "$(sorted TERM=xterm-256color DISPLAY=:7)"

# The documented list is the code's.
man_list=$(sed -n '/^\.Ss Variables passed when/,/^\.Pp/p' \
    "$ROOT/man/dived.8" | sed -n 's/^\.It Ev //p' | tr -d ',' |
    tr -s ' ' '\n' | grep . | sort)
code_list=$(sed -n '/^static const char \*const passed_names/,/^};/p' \
    "$ROOT/src/spawner/env.c" | sed 's|/\*.*\*/||' | grep -o '"[^"]*"' |
    tr -d '"' | sort)
is "dived.8 lists exactly the names the code passes" "$man_list" "$code_list"
is "... seven of them" "$(grep -c . <<< "$code_list")" 7
