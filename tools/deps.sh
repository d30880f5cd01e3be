#!/bin/bash
# SPDX-License-Identifier: MIT
# Installs the Debian packages that building and testing dive need, when
# they are missing.  "make deps" runs it; "make check" and "make demo" run
# it with --quiet.
set -eu

quiet=0
[ "${1:-}" = --quiet ] && quiet=1

# Build: compiler, pkg-config and the four libraries; musl-tools for a
# static dive that starts fast (the Makefile falls back to glibc without
# it).  Tests: setpriv
# (util-linux), script (bsdutils), ps/pgrep (procps), useradd (passwd),
# mandoc and the pages the man pages refer to (manpages, manpages-dev,
# systemd, man-db), systemd-socket-activate, systemd-analyze and systemd
# itself as a container's init (systemd),
# the Debian package (dpkg-dev, debhelper, lintian), tmux, less and tput
# (ncurses-bin: terminal tests), jq (reads the JSON audit log back),
# setcap (libcap2-bin), openssl (test 21), newuidmap (uidmap, test 37),
# python3 (test 43: a program that reads files
# next to its argv[0]); static checks: clang-tidy, cppcheck; fuzzing:
# clang and its runtime libraries (libFuzzer, ASan, UBSan).
packages="gcc make pkg-config libcap-ng-dev libseccomp-dev libbsd-dev
libmd-dev libcriterion-dev musl-tools util-linux bsdutils procps passwd mandoc
clang-tidy cppcheck manpages manpages-dev man-db systemd dpkg-dev debhelper
lintian tmux less ncurses-bin jq libcap2-bin clang libclang-rt-14-dev openssl
python3-minimal uidmap"

missing=()
for p in $packages; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
	[ $quiet = 1 ] || echo "deps: everything is installed"
	exit 0
fi
if [ "$(id -u)" != 0 ]; then
	echo "deps: missing packages: ${missing[*]}" >&2
	echo "deps: run 'make deps' as root to install them" >&2
	exit 1
fi
echo "deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq </dev/null >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" \
    </dev/null >/dev/null
