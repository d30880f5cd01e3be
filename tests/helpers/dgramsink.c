/* SPDX-License-Identifier: MIT */
/*
 * Test helper: a stand-in for a syslog daemon.
 *   dgramsink SOCKET FILE   bind an AF_UNIX datagram socket at SOCKET
 *                           (mode 0666) and append every datagram, and a
 *                           newline, to FILE until killed
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	static char buf[65536 + 1];
	struct sockaddr_un sa;
	ssize_t n;
	int s, out;

	if (argc != 3 || strlen(argv[1]) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "usage: dgramsink SOCKET FILE\n");
		return 4;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, argv[1], strlen(argv[1]));
	(void)unlink(argv[1]);
	if ((s = socket(AF_UNIX, SOCK_DGRAM, 0)) < 0 ||
	    bind(s, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    chmod(argv[1], 0666) != 0 ||
	    (out = open(argv[2], O_WRONLY | O_CREAT | O_APPEND, 0644)) < 0) {
		perror("dgramsink");
		return 1;
	}
	for (;;) {
		if ((n = recv(s, buf, sizeof(buf) - 1, 0)) < 0)
			return 1;
		buf[n++] = '\n';
		if (write(out, buf, (size_t)n) != n)
			return 1;
	}
}
