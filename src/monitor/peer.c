/* SPDX-License-Identifier: MIT */
/* Process: the monitor, dived's long-lived root process. */
/*
 * Runs in: the monitor (root), for a connection it just accepted.
 * Trusts: the kernel's answers about the socket, /proc and the user
 * namespaces (nsfs).  Does not trust: the pid alone, which the
 * client's process may have given up (and another process taken) by
 * the time /proc is read.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "errors.h"
#include "num.h"
#include "peer.h"

#ifndef SO_PEERPIDFD
#define SO_PEERPIDFD 77		/* Linux 6.5 */
#endif
/* linux/nsfs.h, which the static client's C library does not carry. */
#ifndef NS_GET_PARENT
#define NS_GET_PARENT		_IO(0xb7, 0x2)
#define NS_GET_OWNER_UID	_IO(0xb7, 0x4)
#endif
#ifndef PIDFD_GET_USER_NAMESPACE
#define PIDFD_GET_USER_NAMESPACE _IO(0xFF, 9)	/* Linux 6.11 */
#endif
#define USERNS_MAX_DEPTH 33	/* the kernel nests 32 below the first */

int
peer_groups(int sock, gid_t **groups, size_t *n)
{
	socklen_t len = 64 * sizeof(gid_t);
	gid_t *g = NULL, *ng;

	*groups = NULL;
	*n = 0;
	for (;;) {
		if ((ng = realloc(g, len > 0 ? len : 1)) == NULL) {
			free(g);
			return E_NOMEM;
		}
		g = ng;
		if (getsockopt(sock, SOL_SOCKET, SO_PEERGROUPS, g, &len) == 0)
			break;
		/* ERANGE: len now says how much is needed. */
		if (errno != ERANGE || len > 65536 * sizeof(gid_t)) {
			free(g);
			return E_SYS;
		}
	}
	*groups = g;
	*n = len / sizeof(gid_t);
	return 0;
}

static char *
link_at(int dir, const char *name, const char **why)
{
	char buf[PATH_MAX];
	ssize_t n = readlinkat(dir, name, buf, sizeof(buf));
	char *s;

	if (n < 0 || (size_t)n >= sizeof(buf)) {
		*why = n < 0 && errno == ENOENT ? "the client process has "
		    "ended" : n < 0 && errno == EACCES ? "not readable" :
		    n < 0 ? "cannot be read" : "path too long";
		return NULL;
	}
	if ((s = malloc((size_t)n + 1)) == NULL) {
		*why = "out of memory";
		return NULL;
	}
	memcpy(s, buf, (size_t)n);
	s[n] = '\0';
	return s;
}

static void
unknown(struct peer_proc *p, const char *why)
{
	p->exe_error = p->cwd_error = why;
}

void
peer_proc(int sock, pid_t pid, struct peer_proc *p)
{
	socklen_t len = sizeof(int);
	char path[32];
	int pidfd = -1, dir = -1;

	memset(p, 0, sizeof(*p));
	if (pid <= 0) {
		unknown(p, "the client is not in dived's pid namespace");
		return;
	}
	if (getsockopt(sock, SOL_SOCKET, SO_PEERPIDFD, &pidfd, &len) != 0) {
		unknown(p, errno == ENOPROTOOPT ? "no pidfd for the client "
		    "(SO_PEERPIDFD needs Linux 6.5)" : errno == ESRCH ?
		    "the client process has ended" : "no pidfd for the "
		    "client");
		return;
	}
	(void)snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	/* Alive after, so /proc/PID, opened before, was this process. */
	if ((dir = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0 ||
	    syscall(SYS_pidfd_send_signal, pidfd, 0, NULL, 0U) != 0)
		unknown(p, "the client process has ended");
	else {
		p->exe = link_at(dir, "exe", &p->exe_error);
		p->cwd = link_at(dir, "cwd", &p->cwd_error);
	}
	if (dir >= 0)
		(void)close(dir);
	(void)close(pidfd);
}

void
peer_proc_free(struct peer_proc *p)
{
	free(p->exe);
	free(p->cwd);
	p->exe = p->cwd = NULL;
}

/* The pidfd's process has not ended (it may not be reaped yet either:
 * then its pid is still its own). */
static bool
alive(int pidfd)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN, .revents = 0 };

	return poll(&p, 1, 0) == 0;
}

/*
 * A pidfd of the process that connected.  Before SO_PEERPIDFD, the pid
 * could have been reused by the time pidfd_open runs: the process must
 * have the client's uid (/proc/PID belongs to its euid), which another
 * user's process never has.
 */
static int open_pidfd(const struct ucred *cr, int *pidfd,
    const char **why);

static int
get_pidfd(int sock, const struct ucred *cr, int *pidfd, const char **why)
{
	socklen_t len = sizeof(int);

	*pidfd = -1;
	if (cr->pid <= 0) {
		*why = "the client is not in dived's pid namespace";
		return E_UNAVAILABLE;
	}
	if (getsockopt(sock, SOL_SOCKET, SO_PEERPIDFD, pidfd, &len) == 0)
		return 0;
	*pidfd = -1;
	if (errno != ENOPROTOOPT && errno != EINVAL) {
		*why = "no pidfd for the client";
		return E_UNAVAILABLE;
	}
	return open_pidfd(cr, pidfd, why);
}

/* The pid's process, if it runs as the client's uid: another user's
 * process never has it, even after the pid is reused. */
static int
open_pidfd(const struct ucred *cr, int *pidfd, const char **why)
{
	struct stat st;
	char path[32];

	(void)snprintf(path, sizeof(path), "/proc/%d", (int)cr->pid);
	if ((*pidfd = (int)syscall(SYS_pidfd_open, cr->pid, 0U)) < 0) {
		*why = errno == ENOSYS ? "no pidfd for the client (Linux "
		    "5.3 or later is needed)" : "no pidfd for the client";
		return E_UNAVAILABLE;
	}
	if (stat(path, &st) != 0 || st.st_uid != cr->uid || !alive(*pidfd)) {
		(void)close(*pidfd);
		*pidfd = -1;
		*why = "the client process has ended";
		return E_UNAVAILABLE;
	}
	return 0;
}

static bool
same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* The peer's user namespace: from the pidfd (Linux 6.11), else /proc. */
static int
userns_of(int pidfd, pid_t pid)
{
	char path[48];
	int fd;

	if ((fd = ioctl(pidfd, PIDFD_GET_USER_NAMESPACE, 0)) >= 0)
		return fd;
	(void)snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0 && !alive(pidfd)) {
		(void)close(fd);
		return -1;
	}
	return fd;
}

/* dived's own user namespace, which it never leaves: read once. */
static int
self_userns(struct stat *st)
{
	static struct stat self;
	static bool have;

	if (!have && stat("/proc/self/ns/user", &self) != 0)
		return -1;
	have = true;
	*st = self;
	return 0;
}

/*
 * Up from the peer's user namespace to the one just below dived's own:
 * that one's creator is the user all of it belongs to (every namespace
 * below it was made by uids it maps).  In dived's own namespace, the
 * peer's uid itself.
 */
static int
ns_owner(int pidfd, const struct ucred *cr, uid_t *owner, const char **why)
{
	struct stat self, st, upst;
	int fd, up = -1, depth, r = E_UNAVAILABLE;

	*why = "cannot read the client's user namespace";
	if (self_userns(&self) != 0 || (fd = userns_of(pidfd, cr->pid)) < 0)
		return E_UNAVAILABLE;
	if (fstat(fd, &st) != 0)
		goto out;
	if (same_file(&st, &self)) {
		*owner = cr->uid;
		r = 0;
		goto out;
	}
	for (depth = 0; depth < USERNS_MAX_DEPTH; depth++) {
		/* EPERM: not below dived's own namespace at all. */
		if ((up = ioctl(fd, NS_GET_PARENT)) < 0 ||
		    fstat(up, &upst) != 0)
			goto out;
		if (same_file(&upst, &self)) {
			if (ioctl(fd, NS_GET_OWNER_UID, owner) == 0)
				r = 0;
			goto out;
		}
		(void)close(fd);
		fd = up;
		up = -1;
	}
 out:
	if (up >= 0)
		(void)close(up);
	(void)close(fd);
	return r;
}

/* Its controlling terminal: field 7 of /proc/PID/stat, after the name
 * (which may hold spaces and parentheses: the last ')' ends it). */
static int
ctty_of(int pidfd, pid_t pid, uint32_t *ctty, const char **why)
{
	char path[32], buf[512], *p, *f;
	long long n;
	ssize_t len;
	int fd, i;

	*why = "cannot read the client's controlling terminal";
	(void)snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return E_UNAVAILABLE;
	len = read(fd, buf, sizeof(buf) - 1);
	(void)close(fd);
	if (len <= 0 || !alive(pidfd))
		return E_UNAVAILABLE;
	buf[len] = '\0';
	if ((p = strrchr(buf, ')')) == NULL || p[1] != ' ')
		return E_UNAVAILABLE;
	p += 2;
	/* state, ppid, pgrp, session, then tty_nr */
	for (i = 0, f = NULL; i < 5; i++)
		if ((f = strsep(&p, " ")) == NULL)
			return E_UNAVAILABLE;
	if (f == NULL || num_parse(f, 0, UINT32_MAX, &n) != 0)
		return E_UNAVAILABLE;
	*ctty = (uint32_t)n;
	return 0;
}

uint32_t
peer_ctty_now(const struct ucred *cr)
{
	const char *why;
	uint32_t ctty = 0;
	int pidfd;

	if (cr->pid <= 0 || open_pidfd(cr, &pidfd, &why) != 0)
		return 0;
	if (ctty_of(pidfd, cr->pid, &ctty, &why) != 0)
		ctty = 0;
	(void)close(pidfd);
	return ctty;
}

int
peer_identify(int sock, const struct ucred *cr, struct peer_kernel *k,
    const char **why)
{
	int pidfd, r;

	memset(k, 0, sizeof(*k));
	errno = 0;
	if ((r = get_pidfd(sock, cr, &pidfd, why)) == 0) {
		if ((r = ns_owner(pidfd, cr, &k->owner, why)) == 0)
			r = ctty_of(pidfd, cr->pid, &k->ctty, why);
		(void)close(pidfd);
	}
	/* Out of descriptors or memory: dived's trouble, not the client's. */
	if (r != 0 && (errno == EMFILE || errno == ENFILE || errno == ENOMEM)) {
		*why = "server out of resources";
		r = E_RESOURCES;
	}
	return r;
}
