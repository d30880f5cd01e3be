/* SPDX-License-Identifier: MIT */
/*
 * Runs in: the monitor (root), for a connection it just accepted.
 * Trusts: the kernel's answers about the socket and /proc.  Does not
 * trust: the pid alone, which the client's process may have given up
 * (and another process taken) by the time /proc is read.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "errors.h"
#include "peer.h"

#ifndef SO_PEERPIDFD
#define SO_PEERPIDFD 77		/* Linux 6.5 */
#endif

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
