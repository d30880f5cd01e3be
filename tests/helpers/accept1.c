/* SPDX-License-Identifier: MIT */
/*
 * Test helper, a minimal inetd: accept1 SOCKET COMMAND [ARGS...]
 * Listens on SOCKET; for each connection runs COMMAND with the connection
 * as its standard input, output and error (as inetd's "nowait" does).
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	struct sockaddr_un sa;
	int s, c;

	if (argc < 3) {
		fprintf(stderr, "usage: accept1 SOCKET COMMAND [ARGS...]\n");
		return 2;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(argv[1]) >= sizeof(sa.sun_path))
		return 2;
	memcpy(sa.sun_path, argv[1], strlen(argv[1]));
	(void)signal(SIGCHLD, SIG_IGN);
	if ((s = socket(AF_UNIX, SOCK_STREAM, 0)) < 0 ||
	    bind(s, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    listen(s, 16) != 0) {
		perror(argv[1]);
		return 1;
	}
	for (;;) {
		if ((c = accept(s, NULL, NULL)) < 0)
			continue;
		if (fork() == 0) {
			(void)close(s);
			if (dup2(c, 0) < 0 || dup2(c, 1) < 0 || dup2(c, 2) < 0)
				_exit(127);
			if (c > 2)
				(void)close(c);
			execv(argv[2], argv + 2);
			_exit(127);
		}
		(void)close(c);
	}
}
