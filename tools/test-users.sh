#!/bin/bash
# SPDX-License-Identifier: MIT
# Creates (create) or removes (remove) the accounts the integration tests
# use: the listener user _dived when missing (removed again only if this
# script created it), and divetest1/divetest2 with groups divetestg and
# divetestx.
set -eu
marker=/run/dive-tests-created-_dived

case ${1:-} in
create)
	if ! getent passwd _dived >/dev/null; then
		useradd --system --no-create-home --home-dir /nonexistent \
		    --shell /usr/sbin/nologin _dived
		touch "$marker"
	fi
	getent group divetestg >/dev/null || groupadd divetestg
	getent group divetestx >/dev/null || groupadd divetestx
	for u in divetest1 divetest2; do
		getent passwd $u >/dev/null ||
		    useradd --no-create-home --home-dir /nonexistent \
		    --shell /bin/sh --user-group $u
	done
	usermod -a -G divetestg,divetestx divetest1
	;;
remove)
	for u in divetest1 divetest2; do
		getent passwd $u >/dev/null && userdel $u
	done
	for g in divetestg divetestx; do
		getent group $g >/dev/null && groupdel $g
	done
	if [ -e "$marker" ]; then
		userdel _dived 2>/dev/null || true
		rm -f "$marker"
	fi
	;;
*)
	echo "usage: $0 create|remove" >&2
	exit 4
	;;
esac
exit 0
