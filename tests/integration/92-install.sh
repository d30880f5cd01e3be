#!/bin/bash
# make install and make uninstall: PREFIX, DESTDIR and the directory
# variables, the files and their modes, an installed dived that finds its
# listener where LIBEXECDIR says, and an uninstall that removes exactly
# what install wrote.  Builds its own binaries from the sources (in the
# test's directory), so it runs once, with the default build.
. "$(dirname "$0")/lib.sh"
plan 17

if [ "$BUILD" != "$ROOT" ]; then
	for i in $(seq 17); do
		skip "builds its own binaries: run with the default build only"
	done
	exit 0
fi

mk() { make -s -C "$ROOT" "$@" >>"$T/make.log" 2>&1; }
files() { (cd "$1" && find . -type f -o -type l | sed 's|^\./|/|' | sort); }

# A. A real installation under a prefix of its own.
P=$T/prefix
mk -j2 O="$T/oa" PREFIX="$P" install
is "make install PREFIX=...: succeeds" $? 0
SOCK_OVERRIDE=$T/inst.sock DIVED=$P/sbin/dived start_dived
is "the installed dived runs, and dive works through it as nobody" \
    "$(run_as nobody "$P/bin/dive" "$T/inst.sock" /bin/sh -c 'id -un')" nobody
is "... with the listener from LIBEXECDIR, compiled in" \
    "$(readlink "/proc/$(lmaster_pid)/exe")" "$P/libexec/dive/dived-listener"
stop_dived
mk O="$T/oa" PREFIX="$P" uninstall
is "make uninstall PREFIX=...: no file left" "$(files "$P")" ""

# B. A staged installation, as a package build does it.
S=$T/stage
vars=(PREFIX=/usr SYSCONFDIR=/etc SYSTEMDUNITDIR=/lib/systemd/system)
mk -j2 O="$T/ob" "${vars[@]}" DESTDIR="$S" install
is "make install DESTDIR=... PREFIX=/usr: succeeds" $? 0
want=$(printf '%s\n' /usr/bin/dive /usr/sbin/dived \
    /usr/libexec/dive/dived-listener \
    /lib/systemd/system/dived@.socket /lib/systemd/system/dived@.service \
    /usr/share/bash-completion/completions/dive \
    /usr/share/bash-completion/completions/dived
    for m in "$ROOT"/man/*.[1-9]; do
	echo "/usr/share/man/man${m##*.}/${m##*/}"
    done | sort)
is "exactly the programs, every man page, the units and the completion" \
    "$(files "$S")" "$(sort <<< "$want")"
is "programs: mode 0755, owned by root" \
    "$(stat -c '%a %U:%G' "$S/usr/bin/dive" "$S/usr/sbin/dived" \
    "$S/usr/libexec/dive/dived-listener" | sort -u)" "755 root:root"
is "man pages, units, completion: mode 0644" \
    "$(cd "$S" && find . -type f ! -path './usr/bin/*' ! -path './usr/sbin/*' \
    ! -path './usr/libexec/*' -printf '%m\n' | sort -u)" 644
is "no file or directory writable by group or others" \
    "$(find "$S" -perm /022 ! -type l)" ""
like "dived@.service: /usr/sbin/dived, options from /etc/dive/NAME.conf" \
    "$(grep -E '^(EnvironmentFile|ExecStart)=' "$S/lib/systemd/system/dived@.service")" \
    "^EnvironmentFile=-/etc/dive/%i.conf.ExecStart=/usr/sbin/dived /run/dive/%i.sock"
# (The fixed PATH of privileged programs names /usr/local as it is.)
is "dived(8) as installed names the listener in /usr/libexec/dive and /etc/dive" \
    "$(grep -c -e '^\.It Pa /usr/libexec/dive/dived-listener$' \
    -e '^\.It Pa /etc/dive/ Ns' "$S/usr/share/man/man8/dived.8")/$(grep -v \
    '/usr/local/sbin:/usr/local/bin:' "$S/usr/share/man/man8/dived.8" |
    grep -c /usr/local)" \
    "2/0"
is "the installed dived has /usr/libexec/dive/dived-listener compiled in" \
    "$(grep -ac /usr/libexec/dive/dived-listener "$S/usr/sbin/dived")" 1

# C. Every directory variable is honoured.
S2=$T/stage2
mk O="$T/ob" "${vars[@]}" DESTDIR="$S2" BINDIR=/opt/d/bin SBINDIR=/opt/d/sbin \
    MANDIR=/opt/d/man BASHCOMPDIR=/opt/d/comp install
is "BINDIR, SBINDIR, MANDIR, BASHCOMPDIR are honoured" \
    "$(cd "$S2" && ls opt/d/bin/dive opt/d/sbin/dived opt/d/man/man1/dive.1 \
    opt/d/man/man8/dived.8 opt/d/comp/dived 2>&1)" \
    "opt/d/bin/dive
opt/d/comp/dived
opt/d/man/man1/dive.1
opt/d/man/man8/dived.8
opt/d/sbin/dived"
like "... and SBINDIR reaches the unit" \
    "$(grep '^ExecStart=' "$S2/lib/systemd/system/dived@.service")" \
    "^ExecStart=/opt/d/sbin/dived "

# D. Uninstall removes exactly what install wrote.
echo keep > "$S/usr/bin/other-program"
mk O="$T/ob" "${vars[@]}" DESTDIR="$S" uninstall
is "make uninstall DESTDIR=...: removes every file it installed" \
    "$(files "$S")" /usr/bin/other-program
check "... and nothing else" test "$(cat "$S/usr/bin/other-program")" = keep
check "... including LIBEXECDIR, its own directory" test ! -e "$S/usr/libexec/dive"
