/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the pure part of the spawner's descriptor set-up:
 * pty_merge (src/spawner/pty.c), the client's descriptors and the
 * terminal's copies in one ascending list.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "spawner.h"

static bool
is_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

TestSuite(pty_merge);

Test(pty_merge, nothing)
{
	uint32_t num[MSG_MAX_FDS];
	int fds[MSG_MAX_FDS];
	size_t n = 99;

	cr_assert_eq(pty_merge(NULL, NULL, 0, NULL, 0, -1, num, fds, &n), 0);
	cr_assert_eq(n, 0);
}

Test(pty_merge, ascending_with_copies_of_the_slave)
{
	static const uint32_t cnum[] = { 0, 4, 9 };
	static const uint32_t pnum[] = { 1, 2, 10 };
	static const uint32_t want[] = { 0, 1, 2, 4, 9, 10 };
	int mapped[] = { 100, 104, 109 };	/* not looked at */
	uint32_t num[MSG_MAX_FDS];
	int fds[MSG_MAX_FDS], slave;
	size_t n, i;

	cr_assert_geq(slave = open("/dev/null", O_RDWR | O_CLOEXEC), 0);
	cr_assert_eq(pty_merge(cnum, mapped, 3, pnum, 3, slave, num, fds, &n),
	    0);
	cr_assert_eq(n, 6);
	for (i = 0; i < n; i++)
		cr_assert_eq(num[i], want[i], "num[%zu] = %u", i, num[i]);
	cr_assert_eq(fds[0], 100);
	cr_assert_eq(fds[3], 104);
	cr_assert_eq(fds[4], 109);
	/* The copies: new descriptors of the slave, close-on-exec. */
	for (i = 1; i < n; i += (i == 2 ? 3 : 1)) {
		cr_assert_neq(fds[i], slave);
		cr_assert_eq(fcntl(fds[i], F_GETFD), FD_CLOEXEC);
		(void)close(fds[i]);
	}
}

Test(pty_merge, only_the_terminal_or_only_the_client)
{
	static const uint32_t pnum[] = { 0, 1, 2 };
	int mapped[] = { 5, 6, 7 };
	uint32_t num[MSG_MAX_FDS];
	int fds[MSG_MAX_FDS], slave;
	size_t n;

	cr_assert_geq(slave = open("/dev/null", O_RDWR | O_CLOEXEC), 0);
	cr_assert_eq(pty_merge(NULL, NULL, 0, pnum, 3, slave, num, fds, &n), 0);
	cr_assert_eq(n, 3);
	cr_assert_eq(num[2], 2);
	cr_assert(is_open(fds[2]));
	cr_assert_eq(pty_merge(pnum, mapped, 3, NULL, 0, -1, num, fds, &n), 0);
	cr_assert_eq(n, 3);
	cr_assert_eq(fds[0], 5);
	cr_assert_eq(num[2], 2);
}

Test(pty_merge, refuses_more_than_the_limit)
{
	static uint32_t cnum[MSG_MAX_FDS], pnum[1] = { 0 };
	static int mapped[MSG_MAX_FDS];
	uint32_t num[MSG_MAX_FDS];
	int fds[MSG_MAX_FDS], slave, before, after;
	size_t n, i;

	for (i = 0; i < MSG_MAX_FDS; i++) {
		cnum[i] = (uint32_t)i + 1;
		mapped[i] = -1;
	}
	cr_assert_geq(slave = open("/dev/null", O_RDWR | O_CLOEXEC), 0);
	before = fcntl(slave, F_DUPFD, 0);
	(void)close(before);
	cr_assert_eq(pty_merge(cnum, mapped, MSG_MAX_FDS, pnum, 1, slave, num,
	    fds, &n), EINVAL);
	after = fcntl(slave, F_DUPFD, 0);
	(void)close(after);
	cr_assert_eq(after, before, "a copy was left open");
	/* At the limit it is done. */
	cr_assert_eq(pty_merge(cnum, mapped, MSG_MAX_FDS - 1, pnum, 1, slave,
	    num, fds, &n), 0);
	cr_assert_eq(n, MSG_MAX_FDS);
	(void)close(fds[0]);
}

Test(pty_merge, failed_copy_leaves_nothing_open)
{
	static const uint32_t pnum[] = { 3, 4 };
	uint32_t num[MSG_MAX_FDS];
	int fds[MSG_MAX_FDS], slave, low, next;
	struct rlimit rl;
	size_t n;

	cr_assert_geq(slave = open("/dev/null", O_RDWR | O_CLOEXEC), 0);
	/* Room for exactly one more descriptor: the first copy is made,
	 * the second fails (EMFILE), and the first is closed again. */
	low = fcntl(slave, F_DUPFD_CLOEXEC, 0);
	next = fcntl(slave, F_DUPFD_CLOEXEC, low + 1);
	(void)close(low);
	(void)close(next);
	cr_assert_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
	rl.rlim_cur = (rlim_t)next;
	cr_assert_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);
	cr_assert_eq(pty_merge(NULL, NULL, 0, pnum, 2, slave, num, fds, &n),
	    EMFILE);
	cr_assert(!is_open(low), "the first copy was left open");
	/* A slave that is no descriptor: the error, nothing made. */
	cr_assert_eq(pty_merge(NULL, NULL, 0, pnum, 2, -1, num, fds, &n),
	    EBADF);
}
