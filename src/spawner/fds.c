/* SPDX-License-Identifier: MIT */
/* Process: the spawner, dived's child for one request (root). */
/*
 * The client's descriptors: received from the listener, then installed
 * at the numbers they had in the client, with every other descriptor of
 * the daemon closed.
 * Runs as: root (spawner).  Trusts: the monitor's accepted request (the
 * count and numbers).  Does not trust: the listener, whose message must
 * carry exactly that many descriptors and nothing else.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "errors.h"
#include "fdpass.h"
#include "log.h"
#include "spawner.h"
#include "spawner_msgs.h"

/* The descriptors the request names, and whether they came. */
struct fds_rx {
	struct msgreader *rd;
	int *fds;
	size_t n;
	int err;
};

/* Exactly n descriptors: the reader took no more, fewer are refused. */
static void
take_fds(void *xv, void *unused)
{
	struct fds_rx *x = xv;

	(void)unused;
	if (x->rd->nfds != x->n || x->rd->h.nfds != x->n)
		return;
	(void)msgreader_take_fds(x->rd, x->fds);
	x->err = 0;
}

static const struct msg_entry from_listener[] = {
	SPAWNER_FROM_LISTENER(MSG_HANDLER) };
static const struct msg_table sp_from_listener = { "listener", "spawner",
	from_listener, sizeof(from_listener) / sizeof(from_listener[0]) };

/* One whole frame into rd within timeout seconds: 0 or an errno. */
static int
read_frame(struct msgreader *rd, int sock, unsigned int timeout)
{
	struct pollfd p = { sock, POLLIN, 0 };
	struct timespec t0, now;
	long left;
	int r;

	(void)clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		(void)clock_gettime(CLOCK_MONOTONIC, &now);
		left = (long)timeout * 1000 - (now.tv_sec - t0.tv_sec) *
		    1000 - (now.tv_nsec - t0.tv_nsec) / 1000000;
		if (left <= 0)
			return ETIMEDOUT;
		if (poll(&p, 1, (int)left) < 0 && errno != EINTR)
			return errno;
		if ((r = msgreader_read(rd, sock)) != E_AGAIN)
			break;
	}
	if (r != 0)
		return r == E_SYS ? errno : EPROTO;
	return 0;
}

int
fds_receive(int sock, unsigned int timeout, int *fds, size_t n)
{
	struct msgreader rd;
	struct msg_rx rx = { SP_FDS, 0, NULL };
	struct fds_rx x = { &rd, fds, n, EPROTO };
	int err;

	/* Every read under the deadline: a listener that sends part of a
	 * frame and stops must not hold a root process in recvmsg. */
	if (fcntl(sock, F_SETFL, O_NONBLOCK) != 0)
		return errno;
	msgreader_init(&rd, 0, n);
	if ((err = read_frame(&rd, sock, timeout)) == 0 &&
	    msg_dispatch(&sp_from_listener, &rx, &rd.h, rd.fds, rd.nfds, &x,
	    NULL) != 0)
		err = EPROTO;
	else if (err == 0)
		err = x.err;
	msgreader_free(&rd);
	return err;
}

static int
close_range_(unsigned int lo, unsigned int hi)
{
	if (lo > hi)
		return 0;
	return (int)syscall(SYS_close_range, lo, hi, 0U);
}

int
fds_keep_only(int a, int b)
{
	int k[2] = { a, b };

	return log_close_fds(k, 2);
}

/*
 * Install the descriptors (fds[i] -> num[i], num ascending) and close all
 * others but *statusfd, which is moved out of the way and stays CLOEXEC
 * (-1: none to keep).
 */
int
fds_install(const uint32_t *num, int *fds, size_t nfds, int *statusfd)
{
	unsigned int top = nfds > 0 ? num[nfds - 1] + 1 : 0, lo = 0;
	size_t i;
	int fd;

	/* Above every target first, so no move overwrites a source. */
	if (*statusfd >= 0) {
		if ((fd = fcntl(*statusfd, F_DUPFD_CLOEXEC, (int)top)) < 0)
			return errno;
		(void)close(*statusfd);
		*statusfd = fd;
	}
	for (i = 0; i < nfds; i++) {
		if ((fd = fcntl(fds[i], F_DUPFD_CLOEXEC, (int)top)) < 0)
			return errno;
		(void)close(fds[i]);
		fds[i] = fd;
	}
	for (i = 0; i < nfds; i++) {
		if (dup2(fds[i], (int)num[i]) < 0)	/* clears CLOEXEC */
			return errno;
		if (num[i] > lo && close_range_(lo, num[i] - 1) != 0)
			return errno;
		lo = num[i] + 1;
	}
	/* From the last target up: the moved copies and all of dived's. */
	if (*statusfd < 0)
		return close_range_(lo, ~0U) != 0 ? errno : 0;
	if (close_range_(lo, (unsigned int)*statusfd - 1) != 0 ||
	    close_range_((unsigned int)*statusfd + 1, ~0U) != 0)
		return errno;
	return 0;
}
