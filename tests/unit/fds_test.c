/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of fds_receive (src/spawner/fds.c): the spawner takes the
 * client's descriptors through its table (SPAWNER_FROM_LISTENER), exactly
 * as many as the request names, and refuses anything else with EPROTO,
 * leaving nothing open.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "errors.h"
#include "fdpass.h"
#include "spawner.h"

/* Descriptors open in this process (the directory's own one included). */
static int
count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	cr_assert_not_null(d);
	while (readdir(d) != NULL)
		n++;
	(void)closedir(d);
	return n;
}

/* Send a frame (type, payload of len zero bytes, nfds copies of 0) to a
 * new socket, then receive want descriptors from it as the spawner does. */
static int
receive(uint16_t type, size_t len, size_t nfds, size_t want, int *got)
{
	uint8_t zero[16] = { 0 };
	int sv[2], src[4] = { 0, 0, 0, 0 }, r;
	struct buf b;

	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv),
	    0);
	buf_init(&b, sizeof(zero));
	if (len > 0)
		cr_assert_eq(buf_put_bytes(&b, zero, len), 0);
	cr_assert_eq(fdpass_send(sv[1], type, len > 0 ? &b : NULL, src,
	    nfds), 0);
	buf_free(&b);
	r = fds_receive(sv[0], 5, got, want);
	(void)close(sv[0]);
	(void)close(sv[1]);
	return r;
}

Test(fds_receive, exactly_the_named_count)
{
	int got[4] = { -1, -1, -1, -1 }, before = count_fds();

	cr_assert_eq(receive(MSG_SPAWN_FDS, 0, 3, 3, got), 0);
	cr_assert(got[0] >= 0 && got[1] >= 0 && got[2] >= 0);
	cr_assert_eq(close(got[0]) | close(got[1]) | close(got[2]), 0);
	cr_assert_eq(receive(MSG_SPAWN_FDS, 0, 0, 0, got), 0);
	cr_assert_eq(count_fds(), before);
}

Test(fds_receive, refuses_what_is_not_the_table)
{
	int got[4] = { -1, -1, -1, -1 }, before = count_fds();

	/* Fewer, more, another type, a payload. */
	cr_assert_eq(receive(MSG_SPAWN_FDS, 0, 2, 3, got), EPROTO);
	cr_assert_eq(receive(MSG_SPAWN_FDS, 0, 4, 3, got), EPROTO);
	cr_assert_eq(receive(MSG_SPAWN_PTY, 0, 3, 3, got), EPROTO);
	cr_assert_eq(receive(MSG_SPAWN_FDS, 4, 3, 3, got), EPROTO);
	cr_assert_eq(got[0], -1);
	cr_assert_eq(count_fds(), before);
}
