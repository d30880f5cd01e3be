#!/bin/bash
# The forced command of dived(8)'s examples (-u root -E -A -H -- ...) runs
# as root for anyone who may connect: it must not get its client's umask
# or descriptors (dived(8), -M, -O).  The attacks: a client with umask
# 000 makes the root program's pidfile world-writable and overwrites it;
# a client with its standard output closed makes the root program's
# output land in the file it opened next.  --pass-fds-umask brings the
# old behaviour back, on purpose.
. "$(dirname "$0")/lib.sh"
plan 13

# The forced program, root's: like a service restart, it writes a
# pidfile (mode 0666 before the umask, as most programs ask), then says
# so on its standard output.
mkdir -m 755 "$T/run"
cat > "$T/restart.c" <<EOF
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int
main(void)
{
	int fd = open("$T/run/web.pid", O_WRONLY | O_CREAT | O_TRUNC, 0666);

	if (fd < 0)
		return 1;
	dprintf(fd, "%d\n", (int)getpid());
	printf("restarted\n");
	return 0;
}
EOF
cc -o "$T/restart" "$T/restart.c"
PIDF=$T/run/web.pid
umask 022	# dived's own

# restart [DIVE-REDIRECTIONS...]: divetest1, umask 000, runs the command.
restart() {
	rm -f "$PIDF"
	run_as divetest1 /bin/sh -c 'umask 000; exec "$@"' sh "$DIVE" "$SOCK" \
	    "$@"
}
overwrite() {
	run_as divetest1 /bin/sh -c "echo evil > '$PIDF'" 2>/dev/null &&
	    echo overwritten
}

start_dived -u root -E -A -H -- "$T/restart"
out=$(restart)
is "-u root with a forced command: it runs for the client" "$?" 0
is "... its pidfile gets dived's umask (0644), not the client's 000" \
    "$(stat -c %a "$PIDF")" 644
is "... and the client cannot overwrite it" "$(overwrite)" ""
is "... its output goes to /dev/null, not to the client's descriptor" \
    "$out" ""
restart >&-
is "a client with its output closed: the pidfile holds only the pid" \
    "$(grep -c restarted "$PIDF")" 0

# The same for every kind of fixed identity that gains privileges, the
# client's own uid with another group (-g) too.
# (The pidfile's directory is the program's user's.)
for opts in "-P:root" "-e root:root" "-u divetest2:divetest2" \
    "-c cap_chown+eip:divetest1" "-m cap_chown:divetest1" \
    "-u divetest1 -g divetestx:divetest1"; do
	chown "${opts#*:}" "$T/run"
	opts=${opts%:*}
	# shellcheck disable=SC2086
	start_dived $opts -A -- "$T/restart"
	restart > /dev/null
	is "a forced command with $opts: umask 022" \
	    "$(stat -c %a "$PIDF" 2>&1)" 644
done

chown root "$T/run"

# The operator's way back to dive 1.9's behaviour.
start_dived -u root -E -A -H --pass-fds-umask -- "$T/restart"
out=$(restart)
is "--pass-fds-umask: the client's umask and output again" \
    "$(stat -c %a "$PIDF")/$out" "666/restarted"

# Without a forced command the client names the program anyway: its
# umask and descriptors pass, as before.
start_dived -u root
is "no forced command: the client's umask and output" \
    "$(run_as divetest1 /bin/sh -c 'umask 000; exec "$@"' sh "$DIVE" "$SOCK" \
    /bin/sh -c umask)" 0000
