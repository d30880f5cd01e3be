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
 *   probe sendfd DIR CMD...   run CMD with one end of a socketpair at 3;
 *                             once a byte comes back on it, send DIR's
 *                             descriptor there (SCM_RIGHTS)
 *   probe recvfd FD FILE      write a byte to the socket FD, receive a
 *                             directory descriptor on it, then as escape
 *   probe pidfd CMD...        run CMD with a pidfd of itself at 3
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
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

static int
sendfd(const char *dir, char **cmd)
{
	char c = 'd', cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { &c, 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
	    .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm;
	int sv[2], d, st;
	pid_t pid;

	memset(cbuf, 0, sizeof(cbuf));
	if ((d = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0 ||
	    (pid = fork()) < 0) {
		perror("probe");
		return 2;
	}
	if (pid == 0) {
		if (dup2(sv[1], 3) != 3)
			_exit(126);
		execvp(cmd[0], cmd);
		_exit(127);
	}
	(void)close(sv[1]);
	if (read(sv[0], &c, 1) == 1) {
		cm = CMSG_FIRSTHDR(&m);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &d, sizeof(int));
		(void)sendmsg(sv[0], &m, 0);
	}
	(void)close(sv[0]);
	if (waitpid(pid, &st, 0) != pid)
		return 2;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int
recvfd(const char *fdstr, const char *file)
{
	char c = 'g', cbuf[CMSG_SPACE(sizeof(int))], num[16];
	struct iovec iov = { &c, 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
	    .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm;
	long long fd;
	int d;

	if (num_parse(fdstr, 0, 1048575, &fd) != 0 ||
	    write((int)fd, &c, 1) != 1 || recvmsg((int)fd, &m, 0) != 1 ||
	    (cm = CMSG_FIRSTHDR(&m)) == NULL || cm->cmsg_type != SCM_RIGHTS) {
		printf("no descriptor came\n");
		return 1;
	}
	memcpy(&d, CMSG_DATA(cm), sizeof(int));
	(void)snprintf(num, sizeof(num), "%d", d);
	return escape(num, file);
}

static int
pidfd(char **cmd)
{
	int p = (int)syscall(SYS_pidfd_open, getpid(), 0U);

	/* A pidfd is close-on-exec; so is a dup2() onto itself. */
	if (p < 0 || dup2(p, 3) != 3 || fcntl(3, F_SETFD, 0) != 0) {
		perror("probe");
		return 2;
	}
	execvp(cmd[0], cmd);
	perror("probe");
	return 127;
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
	if (argc >= 4 && strcmp(argv[1], "sendfd") == 0)
		return sendfd(argv[2], argv + 3);
	if (argc == 4 && strcmp(argv[1], "recvfd") == 0)
		return recvfd(argv[2], argv[3]);
	if (argc >= 3 && strcmp(argv[1], "pidfd") == 0)
		return pidfd(argv + 2);
	fprintf(stderr, "usage: probe ids|securebits|cwd|root|getpw NAME|"
	    "escape FD FILE|sendfd DIR CMD...|recvfd FD FILE|pidfd CMD...\n");
	return 2;
}
