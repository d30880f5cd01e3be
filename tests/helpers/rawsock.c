/* SPDX-License-Identifier: MIT */
/*
 * Test helper: raw bytes over an AF_UNIX stream socket.
 *   rawsock connect SOCKET [HEX]   send HEX (if any), then print every
 *                                  byte received, in hex, until EOF
 *   rawsock serve SOCKET HEX       accept one client, send HEX, read
 *                                  until the client closes
 *   rawsock idle SOCKET SECONDS    connect and send nothing; print what
 *                                  arrives (hex) until EOF or SECONDS
 */
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "num.h"

static size_t
unhex(const char *s, unsigned char *out, size_t max)
{
	unsigned long long b;
	size_t n = 0;
	char two[3];

	while (s[0] != '\0' && s[1] != '\0' && n < max) {
		two[0] = s[0];
		two[1] = s[1];
		two[2] = '\0';
		if (num_parse_base(two, 16, 255, &b) != 0)
			break;
		out[n++] = (unsigned char)b;
		s += 2;
	}
	return n;
}

static socklen_t
addr(struct sockaddr_un *sa, const char *path)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (path[0] == '@') {
		strncpy(sa->sun_path + 1, path + 1, sizeof(sa->sun_path) - 2);
		return (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
		    strlen(path));
	}
	strncpy(sa->sun_path, path, sizeof(sa->sun_path) - 1);
	return sizeof(*sa);
}

static void
dump(int fd, int ms)
{
	unsigned char b[4096];
	struct pollfd p = { fd, POLLIN, 0 };
	ssize_t n, i;

	while (poll(&p, 1, ms) > 0 && (n = read(fd, b, sizeof(b))) > 0)
		for (i = 0; i < n; i++)
			printf("%02x", b[i]);
	printf("\n");
}

int
main(int argc, char **argv)
{
	static unsigned char data[1 << 20];
	struct sockaddr_un sa;
	socklen_t len;
	size_t n = 0;
	int s, c;

	if (argc < 3)
		return 2;
	len = addr(&sa, argv[2]);
	if (argc > 3 && strcmp(argv[1], "idle") != 0)
		n = unhex(argv[3], data, sizeof(data));
	if ((s = socket(AF_UNIX, SOCK_STREAM, 0)) < 0)
		return 1;
	if (strcmp(argv[1], "serve") == 0) {
		unlink(argv[2]);
		if (bind(s, (struct sockaddr *)&sa, len) != 0 ||
		    listen(s, 1) != 0 || (c = accept(s, NULL, NULL)) < 0)
			return 1;
		if (write(c, data, n) != (ssize_t)n)
			return 1;
		dump(c, -1);
		return 0;
	}
	if (connect(s, (struct sockaddr *)&sa, len) != 0)
		return 1;
	if (strcmp(argv[1], "idle") == 0) {
		long long secs = -1;
		if (argc > 3 && num_parse(argv[3], 0, 3600, &secs) != 0)
			return 2;
		dump(s, secs < 0 ? -1 : (int)secs * 1000);
		return 0;
	}
	if (n > 0 && write(s, data, n) != (ssize_t)n)
		return 1;
	dump(s, -1);
	return 0;
}
