/* SPDX-License-Identifier: MIT */
/*
 * Test helper: tiocsti STRING
 * Pushes STRING as typed input (TIOCSTI) into every terminal this process
 * reaches: its descriptors 0 to 63 that are terminals, and /dev/tty.
 * Prints one line per attempt ("fd N: injected" or "fd N: <error>"), so
 * a test can show where a hostile program's keystrokes could land.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static void
inject(int fd, const char *name, const char *s)
{
	int err = 0;

	for (; *s != '\0' && err == 0; s++)
		if (ioctl(fd, TIOCSTI, s) != 0)
			err = errno;
	printf("%s: %s\n", name, err == 0 ? "injected" : strerror(err));
}

int
main(int argc, char **argv)
{
	char name[32];
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: tiocsti STRING\n");
		return 2;
	}
	for (fd = 0; fd < 64; fd++) {
		if (!isatty(fd))
			continue;
		(void)snprintf(name, sizeof(name), "fd %d", fd);
		inject(fd, name, argv[1]);
	}
	if ((fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)) >= 0) {
		inject(fd, "/dev/tty", argv[1]);
		(void)close(fd);
	} else {
		printf("/dev/tty: %s\n", strerror(errno));
	}
	return 0;
}
