/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of src/common/log.c that leave the test runner's own
 * descriptors alone: log_close_fds refuses more than it can keep (E_SYS,
 * errno EINVAL) and then closes nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "errors.h"
#include "log.h"

Test(log, close_fds_refuses_too_many_to_keep)
{
	int keep[LOG_MAX_KEEP + 1];
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	size_t i;

	cr_assert_geq(fd, 3);
	for (i = 0; i < LOG_MAX_KEEP + 1; i++)
		keep[i] = -1;
	errno = 0;
	cr_assert_eq(log_close_fds(keep, LOG_MAX_KEEP + 1), E_SYS);
	cr_assert_eq(errno, EINVAL);
	cr_assert_eq(fcntl(fd, F_GETFD), FD_CLOEXEC, "nothing was closed");
	(void)close(fd);
}
