#!/bin/bash
# SPDX-License-Identifier: MIT
# "make demo": starts dived on a private socket, runs dive through it as
# an unprivileged user, shows what came across, then stops the daemon.
set -u
cd "$(dirname "$0")/.."

if [ "$(id -u)" != 0 ]; then
	echo "make demo runs dived, which needs root; run it as root" >&2
	exit 1
fi
say() { printf '\n\033[1m%s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

created_user=0
if ! getent passwd _dived >/dev/null; then
	useradd --system --no-create-home --home-dir /nonexistent \
	    --shell /usr/sbin/nologin _dived
	created_user=1
fi
d=$(mktemp -d /tmp/dive-demo.XXXXXX)
chmod 755 "$d"
install -m 0755 bin/dive bin/dived bin/dived-listener "$d/"
mkdir -m 0777 "$d/work"
echo "a line from the caller's fd 5" > "$d/secret-note"
chmod 644 "$d/secret-note"

cleanup() {
	[ -n "${dpid:-}" ] && kill "$dpid" 2>/dev/null && wait "$dpid" 2>/dev/null
	rm -rf "$d"
	[ $created_user = 1 ] && userdel _dived
}
trap cleanup EXIT

say "1. Start dived as root on a private socket that anyone may use"
printf '$ %s\n' "$d/dived $d/demo.sock --chmod 0777 --verbose &"
"$d/dived" "$d/demo.sock" --chmod 0777 --verbose 2>"$d/dived.log" &
dpid=$!
for i in $(seq 100); do grep -q "listening on" "$d/dived.log" && break; sleep 0.05; done
run ls -l "$d/demo.sock"

say "2. As the unprivileged user nobody: run a program through dive"
cat > "$d/show" <<'SH'
#!/bin/sh
echo "  program:    $0, pid $$, parent $(ps -o ppid= -p $$ | tr -d ' ') (dived)"
echo "  identity:   $(id)"
echo "  cwd:        $(pwd)"
echo "  umask:      $(umask)"
echo "  fd 5:       $(cat <&5)"
echo "  DIVE_*:     $(env | grep '^DIVE_' | sort | tr '\n' ' ')"
echo "  GREETING:   $GREETING"
exit 7
SH
chmod 755 "$d/show"
cd "$d/work"
printf '$ cd %s; umask 027\n' "$d/work"
printf '$ GREETING=hello setpriv --reuid=nobody --regid=nogroup --init-groups \\\n'
printf '      %s %s %s 5<%s\n' "$d/dive" "$d/demo.sock" "$d/show" "$d/secret-note"
(umask 027; GREETING=hello setpriv --reuid=nobody --regid=nogroup \
    --init-groups "$d/dive" "$d/demo.sock" "$d/show" 5<"$d/secret-note")
echo "  -> dive exited with status $? (the program's own)"
cd - >/dev/null

say "3. A program killed by a signal: dive ends the same way"
printf '$ %s\n' "$d/dive $d/demo.sock /bin/sh -c 'kill -TERM \$\$'"
bash -c '"$0" "$1" /bin/sh -c "kill -TERM \$\$"; echo "  -> status $? = 128 + SIGTERM"' \
    "$d/dive" "$d/demo.sock" 2>&1 | sed 's/^Terminated/  (bash: Terminated)/'

say "4. While a request is in flight, the listener that parsed it is confined"
setpriv --reuid=nobody --regid=nogroup --init-groups \
    "$d/dive" "$d/demo.sock" /bin/sleep 1 &
for i in $(seq 100); do
	m=$(pgrep -P "$dpid" -x dived-lmaster) &&
	    l=$(pgrep -P "$m" -x dived-listener) && break
	sleep 0.02
done
grep -E '^(Uid|CapEff|CapBnd|NoNewPrivs|Seccomp):' "/proc/$l/status" |
    sed "s/^/  /; s/Uid:/Uid (_dived = $(id -u _dived)):/"
echo "  root:       $(ls -A /proc/$l/root/ | wc -l) entries"
wait $!

say "5. The daemon's log"
sed 's/^/  /' "$d/dived.log"

say "6. Stop the daemon"
run kill "$dpid"
wait "$dpid"
echo "  -> dived exited with status $?; socket removed: $([ -e "$d/demo.sock" ] && echo no || echo yes)"
dpid=
