#!/bin/bash
# A terminal is the client's only while its session has it: a device
# number read when the client connected does not make a later terminal
# of that number the client's.  The attack: divetest1 connects from a
# session whose terminal is its own /dev/pts/N, then hangs that pty up
# (its session loses it, N is free); root's next terminal is /dev/pts/N
# (the lowest free number), and root runs a command of the user's there
# (su: the command holds root's terminal, in a session of its own).  The
# waiting client sends that terminal: it must not become the program's
# controlling terminal, taken from root's session.
. "$(dirname "$0")/lib.sh"
plan 3

start_dived
cat > "$T/race.py" <<'PY'
import os, signal, socket, sys
sock, ptyreq, uid, gid = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
def tty_nr(pid):
    return int(open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()[4])
sp = socket.socketpair()
name_r, name_w = os.pipe(); go_r, go_w = os.pipe(); out_r, out_w = os.pipe()
a = os.fork()
if a == 0:			# the user: its own pty, a session on it
    os.setgroups([]); os.setgid(gid); os.setuid(uid)
    m, s = os.openpty(); name = os.ttyname(s)
    c = os.fork()
    if c == 0:
        os.setsid(); signal.signal(signal.SIGHUP, signal.SIG_IGN)
        fd = os.open(name, os.O_RDWR)	# its controlling terminal
        for f in (fd, m, s): os.close(f)
        os.dup2(sp[1].fileno(), 0); os.dup2(out_w, 1)
        os.execv(ptyreq, [ptyreq, sock, "late"])
    os.close(s); os.write(name_w, name.encode())
    os.read(go_r, 1); os.close(m)	# hang it up: N is free
    os._exit(0)
name = os.read(name_r, 100).decode()
out = os.fdopen(out_r)
out.readline(); out.readline()	# identified: the hello is in
os.write(go_w, b"x"); os.waitpid(a, 0)
m, s = os.openpty()		# root's next terminal
if os.ttyname(s) != name:
    print("skip", name, os.ttyname(s)); sys.exit(0)
r, w = os.pipe()
v = os.fork()
if v == 0:			# root's shell session on it
    os.setsid(); os.open(name, os.O_RDWR); os.write(w, b"x"); signal.pause()
os.read(r, 1)
dev = tty_nr(v)
socket.send_fds(sp[0], [b"t"], [s])	# su's command hands it over
print("answer", out.readline().strip())
print("root keeps its terminal" if tty_nr(v) == dev and dev != 0 else "stolen")
os.kill(v, signal.SIGKILL); os.waitpid(v, 0)
PY
res=$(/usr/bin/python3 "$T/race.py" "$SOCK" "$BUILD/bin/tests/ptyreq" \
    "$(id -u divetest1)" "$(id -g divetest1)" 2>&1)
diag "$res"
case $res in
*skip*)	skip_all "another pty took the number" ;;
esac
like "root's session keeps its terminal" "$res" "root keeps its terminal"
like "the request is refused" "$res" "answer failed"
like "dived logs why" "$(cat "$LOG")" \
    "uid $(id -u divetest1): cannot set the controlling terminal: the terminal belongs to another session"
