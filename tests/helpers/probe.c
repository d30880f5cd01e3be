/* SPDX-License-Identifier: MIT */
/*
 * Test helper: what a program started by dived sees of its own context,
 * for roots that hold no shell tools.
 *   probe ids                 uid=R/E/S gid=R/E/S groups=G1,G2,...
 *   probe securebits          the securebits, e.g. 0xf
 *   probe cwd                 the current directory, as the kernel says
 *   probe root                device:inode of /
 *   probe getpw NAME          look NAME up in the passwd database
 *   probe escape FD FILE      climb out of FD's directory with "..", then
 *                             print FILE (a path relative to the top)
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "num.h"

static int
ids(void)
{
	uid_t r, e, s;
	gid_t rg, eg, sg, g[256];
	int n, i;

	if (getresuid(&r, &e, &s) != 0 || getresgid(&rg, &eg, &sg) != 0 ||
	    (n = getgroups(256, g)) < 0) {
		perror("probe");
		return 1;
	}
	printf("uid=%u/%u/%u gid=%u/%u/%u groups=", (unsigned)r, (unsigned)e,
	    (unsigned)s, (unsigned)rg, (unsigned)eg, (unsigned)sg);
	for (i = 0; i < n; i++)
		printf("%s%u", i > 0 ? "," : "", (unsigned)g[i]);
	printf("\n");
	return 0;
}

static int
cat(const char *file)
{
	char buf[4096];
	size_t n;
	FILE *f;

	if ((f = fopen(file, "r")) == NULL) {
		printf("cannot open %s: %s\n", file, strerror(errno));
		return 1;
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		(void)fwrite(buf, 1, n, stdout);
	(void)fclose(f);
	return 0;
}

/* ".." from a directory outside the root never meets the root. */
static int
escape(const char *fdstr, const char *file)
{
	long long fd;
	int i;

	if (num_parse(fdstr, 0, 1048575, &fd) != 0) {
		fprintf(stderr, "probe: bad descriptor %s\n", fdstr);
		return 2;
	}
	if (fchdir((int)fd) != 0) {
		printf("cannot use descriptor %lld: %s\n", fd, strerror(errno));
		return 1;
	}
	for (i = 0; i < 64; i++)
		if (chdir("..") != 0)
			break;
	return cat(file);
}

int
main(int argc, char **argv)
{
	struct passwd *pw;
	struct stat st;
	char buf[4096];

	if (argc == 2 && strcmp(argv[1], "ids") == 0)
		return ids();
	if (argc == 2 && strcmp(argv[1], "securebits") == 0) {
		printf("0x%x\n", (unsigned)prctl(PR_GET_SECUREBITS, 0, 0, 0,
		    0));
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "cwd") == 0) {
		/* The system call: "(unreachable)..." outside the root. */
		if (syscall(SYS_getcwd, buf, sizeof(buf)) <= 0) {
			printf("getcwd: %s\n", strerror(errno));
			return 1;
		}
		printf("%s\n", buf);
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "root") == 0 && stat("/", &st) == 0) {
		printf("%llu:%llu\n", (unsigned long long)st.st_dev,
		    (unsigned long long)st.st_ino);
		return 0;
	}
	if (argc == 3 && strcmp(argv[1], "getpw") == 0) {
		if ((pw = getpwnam(argv[2])) == NULL) {
			printf("no such user %s\n", argv[2]);
			return 1;
		}
		printf("%s %u\n", pw->pw_name, (unsigned)pw->pw_uid);
		return 0;
	}
	if (argc == 4 && strcmp(argv[1], "escape") == 0)
		return escape(argv[2], argv[3]);
	fprintf(stderr, "usage: probe ids|securebits|cwd|root|getpw NAME|"
	    "escape FD FILE\n");
	return 2;
}
