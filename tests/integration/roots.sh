# SPDX-License-Identifier: MIT
# Sourced by the tests of roots and namespaces, after lib.sh.
#
# mkroot DIR: a minimal root in DIR that every test user can read: sh,
# cat, probe (tests/helpers/probe.c) and their libraries; /marker says
# which root it is; /sub is a directory in it.  The binaries come from
# the normal build even when testing the sanitizer build (which needs
# /proc, and a bare root has none).
#
# serve NAME OPTIONS...: a dived on $T/NAME.sock, for scripts that run in
# namespaces of their own (start_dived belongs to the test's); $! is it.

_tool() {
	if [ -x "$ROOT/bin/$1" ]; then echo "$ROOT/bin/$1"; else echo "$BUILD/bin/$1"; fi
}
PROBE=$(_tool tests/probe)

mkroot() {
	local r=$1 f lib
	mkdir -p "$r/bin" "$r/sub" "$r/etc" "$r/old"
	cp /bin/dash "$r/bin/sh"
	cp /bin/cat "$r/bin/cat"
	cp "$PROBE" "$r/bin/probe"
	cp "$(_tool dive)" "$r/bin/dive"
	for f in /bin/dash /bin/cat "$PROBE" "$(_tool dive)"; do
		for lib in $(ldd "$f" | grep -o '/[^ ]*'); do
			mkdir -p "$r$(dirname "$lib")"
			cp -L "$lib" "$r$lib"
		done
	done
	echo "root $r" > "$r/marker"
	chmod -R a+rX "$r"
}

# devino PATH: how probe root prints a directory
devino() {
	stat -c '%d:%i' "$1"
}

# ids_of USER: how probe ids prints USER with its groups
ids_of() {
	local u g
	u=$(id -u "$1")
	g=$(id -g "$1")
	echo "uid=$u/$u/$u gid=$g/$g/$g groups=$(id -G "$1" | tr ' ' '\n' |
	    sort -n | paste -sd,)"
}

cat > "$T/serve.sh" <<'SH'
serve() {
	local name=$1 i
	shift
	"$DIVED" "$T/$name.sock" -C 0777 "$@" 2>>"$LOG" &
	for i in $(seq 100); do [ -S "$T/$name.sock" ] && break; sleep 0.05; done
}
SH
