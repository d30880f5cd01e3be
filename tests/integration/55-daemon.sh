#!/bin/bash
# Running as a daemon: -d detaches once ready, -p writes pidfiles (and
# removes them at exit), the socket file never replaces anything but a
# socket and never follows a symlink.
. "$(dirname "$0")/lib.sh"
plan 10

"$DIVED" "$T/d.sock" -d -C 0777 -p "$T/a.pid" -p "$T/b.pid" 2>"$T/err"
is "-d: the parent exits 0 once the daemon is ready" $? 0
pid=$(cat "$T/a.pid" 2>/dev/null)
is "-p: both pidfiles hold the daemon's pid" "$(cat "$T/b.pid")" "$pid"
is "-p: that is a running dived" "$(ps -o comm= -p "$pid")" dived
is "-d: it serves right away" "$("$DIVE" "$T/d.sock" /bin/echo up)" up
is "-d: no controlling terminal, own session" \
    "$(ps -o tty=,sid= -p "$pid" | tr -s ' ' | sed 's/^ //')" "? $pid"
kill "$pid"
for i in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
check "SIGTERM: pidfiles removed" test ! -e "$T/a.pid" -a ! -e "$T/b.pid"
check "SIGTERM: socket removed" test ! -e "$T/d.sock"

echo precious > "$T/target"
ln -s "$T/target" "$T/link.sock"
"$DIVED" "$T/link.sock" -C 0777 -U nobody:nogroup 2>"$T/err"
is "a symlink at the socket's path: refused (exit 1)" $? 1
is "... and its target untouched" "$(stat -c %U:%a "$T/target")" root:644
"$DIVED" "$T/nodir/x.sock" -d 2>"$T/err"
is "-d: start-up errors still reach the terminal, exit 1" \
    "$?/$(grep -c "cannot listen" "$T/err")" 1/1
