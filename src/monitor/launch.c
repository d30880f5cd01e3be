/* SPDX-License-Identifier: MIT */
/* Process: the monitor, dived's long-lived root process. */
/*
 * Starting a spawner with its exec plan (plan.c): its descriptor socket
 * and status pipe, the fork; and -J, where dived itself becomes the
 * program.
 * Runs as: root (the monitor, until the fork).  Trusts: the monitor's
 * accepted request.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fdpass.h"
#include "log.h"
#include "monitor.h"

int
spawn_prepare(struct spawn_args *a, struct spawn_handle *h)
{
	int sv[2], st[2], err;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
		return errno;
	if (pipe2(st, O_CLOEXEC) != 0) {
		err = errno;
		fdpass_close_all(sv, 2);
		return err;
	}
	if (fcntl(st[0], F_SETFL, O_NONBLOCK) != 0) {
		err = errno;
		fdpass_close_all(sv, 2);
		fdpass_close_all(st, 2);
		return err;
	}
	a->fdsock = sv[0];
	a->statusfd = st[1];
	h->fdsock = sv[1];
	h->statusfd = st[0];
	h->pid = -1;
	return 0;
}

void
spawn_cancel(struct spawn_args *a, struct spawn_handle *h)
{
	int fds[] = { a->fdsock, a->statusfd, h->fdsock, h->statusfd };

	fdpass_close_all(fds, 4);
	a->fdsock = a->statusfd = h->fdsock = h->statusfd = -1;
}

/* -F: this process, the monitor, becomes the spawner. */
static void __attribute__((noreturn))
start_here(struct spawn_args *a, struct spawn_handle *h)
{
	(void)close(h->fdsock);	/* so that the spawner sees the listener go */
	h->fdsock = -1;
	/* Nobody reads a status pipe; it reports to the listener. */
	(void)close(h->statusfd);
	(void)close(a->statusfd);
	a->statusfd = -1;
	spawn_run(a);
}

static int
start_child(struct spawn_args *a, struct spawn_handle *h)
{
	int err, i, keep[3 + 2 * OPT_MAX_SETNS];
	size_t nkeep = 3;

	(void)close(h->fdsock);	/* so that the spawner sees the listener go */
	h->fdsock = -1;
	a->monitor = getpid();
	if ((h->pid = fork()) < 0) {
		err = errno;
		(void)close(h->statusfd);
		(void)close(a->statusfd);
		(void)close(a->fdsock);
		h->statusfd = -1;
		return err;
	}
	if (h->pid == 0) {
		/* Its own descriptors only, none of the monitor's (the
		 * listening socket, epoll, signalfd, the listener master's
		 * socket, other sessions' sockets and pipes, the audit log):
		 * with -a it runs a command as root for a while. */
		keep[0] = a->fdsock;
		keep[1] = a->statusfd;
		keep[2] = a->lfd;	/* -D: its listener */
		/* -N: the namespaces kept since start-up, joined later. */
		for (i = 0; a->ns != NULL && i < a->ns->n; i++) {
			keep[nkeep++] = a->ns->fd[i];
			keep[nkeep++] = a->ns->pidfd[i];
		}
		if (log_close_fds(keep, nkeep) != 0)
			_exit(SPAWN_EXIT_FAILED);
		spawn_run(a);
	}
	(void)close(a->fdsock);
	(void)close(a->statusfd);
	return 0;
}

/* The one place where the mode of the plan picks the process. */
int
spawn_start(struct spawn_args *a, struct spawn_handle *h)
{
	switch (a->p->mode) {
	case PLAN_JUST:
		spawn_run(a);		/* -J: no client, no socket */
	case PLAN_NO_FORK:
		start_here(a, h);
	case PLAN_FORK:
		return start_child(a, h);
	}
	return EINVAL;
}
