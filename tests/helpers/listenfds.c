/* SPDX-License-Identifier: MIT */
/*
 * Test helper, a service manager's socket activation:
 *   listenfds KIND ADDR [-n COUNT] [-p PID] -- COMMAND [ARGS...]
 * Puts a descriptor of the given KIND at 3, sets LISTEN_FDS (COUNT, 1 by
 * default) and LISTEN_PID (PID, or this process, which COMMAND becomes),
 * and executes COMMAND.  KIND is one of
 *   stream   an AF_UNIX stream socket listening on ADDR (a path or @name)
 *   unbound  an AF_UNIX stream socket, not listening (ADDR unused)
 *   dgram    an AF_UNIX datagram socket bound to ADDR
 *   file     the file ADDR, opened for reading
 *   tcp      a TCP socket listening on 127.0.0.1, any port (ADDR unused)
 */
#include <fcntl.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static socklen_t
unix_addr(struct sockaddr_un *sa, const char *addr)
{
	size_t n = strlen(addr);

	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (n >= sizeof(sa->sun_path))
		exit(2);
	memcpy(sa->sun_path, addr, n);
	if (addr[0] == '@') {
		sa->sun_path[0] = '\0';
		return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
	}
	return (socklen_t)sizeof(*sa);
}

static int
make_fd(const char *kind, const char *addr)
{
	struct sockaddr_in in;
	struct sockaddr_un sa;
	socklen_t len;
	int s;

	if (strcmp(kind, "file") == 0)
		return open(addr, O_RDONLY);
	if (strcmp(kind, "tcp") == 0) {
		memset(&in, 0, sizeof(in));
		in.sin_family = AF_INET;
		in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		if ((s = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
		    bind(s, (struct sockaddr *)&in, sizeof(in)) != 0 ||
		    listen(s, 16) != 0)
			return -1;
		return s;
	}
	len = unix_addr(&sa, addr);
	if (strcmp(kind, "unbound") == 0)
		return socket(AF_UNIX, SOCK_STREAM, 0);
	if ((s = socket(AF_UNIX, strcmp(kind, "dgram") == 0 ? SOCK_DGRAM :
	    SOCK_STREAM, 0)) < 0 || bind(s, (struct sockaddr *)&sa, len) != 0)
		return -1;
	if (strcmp(kind, "stream") == 0 && listen(s, 16) != 0)
		return -1;
	return s;
}

int
main(int argc, char **argv)
{
	const char *count = "1", *pid = NULL;
	char pidbuf[32];
	int fd, i = 3;

	if (argc < 5) {
		fprintf(stderr, "usage: listenfds KIND ADDR [-n COUNT] "
		    "[-p PID] -- COMMAND [ARGS...]\n");
		return 2;
	}
	for (; i + 1 < argc && strcmp(argv[i], "--") != 0; i += 2) {
		if (strcmp(argv[i], "-n") == 0)
			count = argv[i + 1];
		else if (strcmp(argv[i], "-p") == 0)
			pid = argv[i + 1];
		else
			return 2;
	}
	if (i + 1 >= argc || strcmp(argv[i], "--") != 0)
		return 2;
	if ((fd = make_fd(argv[1], argv[2])) < 0) {
		perror(argv[1]);
		return 1;
	}
	if (fd != 3 && (dup2(fd, 3) != 3 || close(fd) != 0))
		return 1;
	(void)snprintf(pidbuf, sizeof(pidbuf), "%ld", (long)getpid());
	if (setenv("LISTEN_FDS", count, 1) != 0 ||
	    setenv("LISTEN_PID", pid != NULL ? pid : pidbuf, 1) != 0 ||
	    setenv("LISTEN_FDNAMES", "dived", 1) != 0)
		return 1;
	execv(argv[i + 1], argv + i + 1);
	perror(argv[i + 1]);
	return 127;
}
