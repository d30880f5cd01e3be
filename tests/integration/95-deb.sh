#!/bin/bash
# The Debian package: dpkg-buildpackage builds it from a copy of the
# sources, lintian finds nothing, dpkg -i installs it and creates the
# listener user, the installed dived and dive work, dpkg --purge removes
# it all again; and a listener user that existed before is left alone.
#
# The test runs in a mount namespace of its own, where /usr, /etc and /var
# are overlays on a tmpfs: dpkg, adduser and the programs are the real
# ones, but nothing they write reaches the machine, so that other test
# runs on it never see the package or a missing _dived, whatever happens
# here.  Builds its own binaries, so it runs once, with the default build.
if [ -z "${DIVE_DEB_NS:-}" ] && [ "$(id -u)" = 0 ] &&
    command -v unshare >/dev/null; then
	DIVE_DEB_NS=1 exec unshare --mount --propagation private \
	    bash "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"
plan 25

[ "$BUILD" = "$ROOT" ] ||
    skip_all "builds its own binaries: run with the default build only"
[ -n "${DIVE_DEB_NS:-}" ] || skip_all "needs unshare(1) for a private mount namespace"
if dpkg-query -W -f='${Status}' dive 2>/dev/null | grep -q installed; then
	skip_all "a dive package is installed here; not touching it"
fi

# overlay: fresh overlays of /usr, /etc and /var (the machine as it is);
# unoverlay: back to the machine's own.  Lazily: umount itself runs from
# the overlay of /usr.
unoverlay() {
	local d
	for d in var etc usr; do
		[ -d "$T/ovl/$d.up" ] && umount -l "/$d"
	done
	mountpoint -q "$T/ovl" && umount -l "$T/ovl"
	return 0
}
overlay() {
	local d
	unoverlay
	mkdir -p "$T/ovl" && mount -t tmpfs tmpfs "$T/ovl" || return 1
	for d in usr etc var; do
		mkdir "$T/ovl/$d.up" "$T/ovl/$d.wk" && mount -t overlay overlay \
		    -o "lowerdir=/$d,upperdir=$T/ovl/$d.up,workdir=$T/ovl/$d.wk" \
		    "/$d" || return 1
	done
}
at_exit 'stop_dived; unoverlay'

version=$(sed -n '1s/^dive (\([^)]*\)).*/\1/p' "$ROOT/debian/changelog")

# Build from a copy, so that nothing is written into the source tree or
# next to it.
src=$T/src/dive-$version
mkdir -p "$src"
if [ -e "$ROOT/.git" ]; then
	(cd "$ROOT" && git ls-files -co --exclude-standard -z |
	    xargs -0 cp --parents -t "$src")
else
	(cd "$ROOT" && tar -c --exclude=./bin --exclude=./obj \
	    --exclude=./build . | tar -x -C "$src")
fi
(cd "$src" && dpkg-buildpackage -us -uc -b) > "$T/build.log" 2>&1
st=$?
deb=$T/src/dive_${version}_$(dpkg --print-architecture).deb
is "dpkg-buildpackage -us -uc -b builds the package" \
    "$st/$(test -f "$deb"; echo $?)" 0/0
[ $st -eq 0 ] || diag "$(tail -n 30 "$T/build.log")"
lint=$(lintian "$deb" 2>&1 | grep -v 'running with root privileges')
is "lintian: no error, no warning" \
    "$(test -f "$deb"; echo "$?/$(command -v lintian >/dev/null; echo $?)")$(grep -E '^[EW]:' <<< "$lint")" \
    "0/0"

# --- a machine without the listener user ------------------------------------
check "private overlays of /usr, /etc and /var" overlay
getent passwd _dived >/dev/null && userdel _dived
getent group _dived >/dev/null && groupdel _dived
dpkg -i "$deb" > "$T/dpkg.log" 2>&1
is "dpkg -i installs it" $? 0
is "... cleanly: no line but dpkg's own" \
    "$(grep -vE '^(Selecting|\(Reading|Preparing|Unpacking|Setting up|Processing)' "$T/dpkg.log")" ""
is "dived, dive and the listener: installed, root's, not writable by others" \
    "$(stat -c '%n %a %U' /usr/sbin/dived /usr/bin/dive \
    /usr/libexec/dive/dived-listener)" \
    "/usr/sbin/dived 755 root
/usr/bin/dive 755 root
/usr/libexec/dive/dived-listener 755 root"
check "the man pages are installed" test -f /usr/share/man/man1/dive.1.gz -a \
    -f /usr/share/man/man8/dived.8.gz -a -f /usr/share/man/man7/dive-protocol.7.gz
check "the units and the completion are installed" test \
    -f /lib/systemd/system/dived@.socket -a \
    -f /lib/systemd/system/dived@.service -a \
    -f /usr/share/bash-completion/completions/dive -a \
    -f /usr/share/bash-completion/completions/dived
IFS=: read -r name _ uid _ _ home shell <<< "$(getent passwd _dived)"
is "postinst created the listener user _dived" "$name" _dived
check "... a system user without a login" test "${uid:-0}" -gt 0 -a \
    "${uid:-0}" -lt 1000 -a "$home" = /nonexistent -a "$shell" = /usr/sbin/nologin
is "/usr/bin/dive --version" "$(/usr/bin/dive --version)" \
    "$("$BUILD/bin/dive" --version)"

SOCK_OVERRIDE=$T/deb.sock DIVED=/usr/sbin/dived start_dived
is "the installed dived serves the installed dive, run as nobody" \
    "$(run_as nobody /usr/bin/dive "$T/deb.sock" /bin/sh -c 'id -un; exit 5'
    echo "st=$?")" "nobody
st=5"
is "... with its listener from /usr/libexec/dive" \
    "$(readlink "/proc/$(lmaster_pid)/exe")" /usr/libexec/dive/dived-listener
is "... running as _dived" "$(ps -o user= -p "$(lmaster_pid)")" _dived
stop_dived
if command -v systemd-analyze >/dev/null; then
	man=--man=yes
	command -v man >/dev/null || man=--man=no
	out=$(systemd-analyze verify "$man" \
	    /lib/systemd/system/dived@divetestg.socket \
	    /lib/systemd/system/dived@divetestg.service 2>&1)
	is "systemd-analyze verify $man: the installed units are valid" \
	    "$?/$out" 0/
else
	skip "systemd-analyze is not installed"
fi
if command -v man >/dev/null; then
	is "man finds the pages" "$(man -w dived dive dive-protocol 2>&1)" \
	    "/usr/share/man/man8/dived.8.gz
/usr/share/man/man1/dive.1.gz
/usr/share/man/man7/dive-protocol.7.gz"
else
	skip "man is not installed"
fi

dpkg --purge dive > "$T/dpkg.log" 2>&1
is "dpkg --purge removes it" $? 0
is "... its programs" \
    "$(ls /usr/bin/dive /usr/sbin/dived /usr/libexec/dive 2>/dev/null)" ""
is "... its units, pages and completion" \
    "$(ls /lib/systemd/system/dived@.socket /usr/share/man/man8/dived.8.gz \
    /usr/share/bash-completion/completions/dive 2>/dev/null)" ""
check "... /etc/dive and /var/lib/dive" test ! -e /etc/dive -a ! -e /var/lib/dive
is "... and the listener user it created" \
    "$(getent passwd _dived; getent group _dived)" ""
is "dpkg knows nothing of it any more" \
    "$(dpkg-query -W -f='${Status}' dive 2>/dev/null)" ""

# --- a machine that has the listener user ------------------------------------
check "fresh overlays" overlay
getent passwd _dived >/dev/null ||
    useradd --system --no-create-home --home-dir /nonexistent \
    --shell /usr/sbin/nologin _dived
before=$(getent passwd _dived)
dpkg -i "$deb" > "$T/dpkg.log" 2>&1
is "dpkg -i with _dived present: installs, and keeps the user as it was" \
    "$?/$(getent passwd _dived)" "0/$before"
dpkg --purge dive > "$T/dpkg.log" 2>&1
is "dpkg --purge: removes the package, and still keeps the user" \
    "$?/$(dpkg-query -W -f='${Status}' dive 2>/dev/null)/$(getent passwd _dived)" \
    "0//$before"
unoverlay
