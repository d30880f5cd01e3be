/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: the frame reader (msgreader_read) on a real AF_UNIX
 * stream socket, fed in chunks with descriptors attached, as a client
 * or a listener could send them; each whole frame then goes to the
 * decoders of its side.  Input: four bytes of set-up, then the stream:
 *   [0] reader's payload limit: 0, MSG_MAX_SMALL, 4096 or MSG_MAX_LEN
 *       (bits 0-1); bit 2: the monitor's decoders, else the client's;
 *       bit 3: a spawner's status pipe instead (status.c: only [1] counts)
 *   [1] bytes per write (0: all at once)
 *   [2] descriptors sent with the first write (bits 0-2) and with the
 *       second (bits 3-5); the reader's descriptor limit (bits 6-7):
 *       0, 1, 3 or MSG_MAX_FDS
 *   [3] reserved
 * The reader must never keep a descriptor it did not hand out, and
 * must end (never "again") once the sender has closed.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "check.h"
#include "errors.h"
#include "fdpass.h"

#define SETUP		4
#define MAX_INPUT	65536	/* fits the socket buffer */
#define FD_WINDOW	64	/* descriptors 0 to 63 are checked */

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

static const size_t max_lens[4] = { 0, MSG_MAX_SMALL, 4096, MSG_MAX_LEN };
static const size_t max_fdss[4] = { 0, 1, 3, MSG_MAX_FDS };

/* Send len bytes with nfds copies of /dev/null attached. */
static void
send_chunk(int s, const uint8_t *p, size_t len, int nfds)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * 7)];
		struct cmsghdr align;
	} u;
	struct iovec iov = { (void *)(uintptr_t)p, len };
	struct msghdr mh;
	struct cmsghdr *c;
	int fds[7], i;

	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	for (i = 0; i < nfds; i++)
		REQUIRE((fds[i] = open("/dev/null", O_RDONLY | O_CLOEXEC)) >=
		    0);
	if (nfds > 0) {
		memset(&u, 0, sizeof(u));
		mh.msg_control = u.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)nfds);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)nfds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * (size_t)nfds);
	}
	REQUIRE(sendmsg(s, &mh, MSG_NOSIGNAL) == (ssize_t)len);
	for (i = 0; i < nfds; i++)
		(void)close(fds[i]);
}

/*
 * Read what is there.  Returns 1 while the connection goes on, 0 once
 * the reader gave an end or an error (a daemon ends the connection).
 */
static int
drain(struct msgreader *rd, int s, int monitor, int closed)
{
	int fds[MSG_MAX_FDS], r;
	size_t k;

	for (;;) {
		r = msgreader_read(rd, s);
		if (r == E_AGAIN) {
			REQUIRE(!closed);
			return 1;
		}
		if (r != 0)
			return 0;
		REQUIRE(rd->h.len <= rd->max_len);
		REQUIRE(rd->payload.len == rd->h.len);
		REQUIRE(rd->nfds == rd->h.nfds && rd->nfds <= rd->max_fds);
		k = msgreader_take_fds(rd, fds);
		fdpass_close_all(fds, k);
		if (monitor)
			fz_monitor_frame(&rd->h, rd->payload.d,
			    rd->payload.len);
		else
			fz_client_frame(&rd->h, rd->payload.d, rd->payload.len);
		msgreader_next(rd);
	}
}

/* Which of the descriptors 0 to FD_WINDOW - 1 are open. */
static uint64_t
open_fds(void)
{
	uint64_t set = 0;
	int i;

	for (i = 0; i < FD_WINDOW; i++)
		if (fcntl(i, F_GETFD) >= 0)
			set |= 1ULL << i;
	return set;
}

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct msgreader rd;
	size_t chunk, off = 0, len;
	uint64_t before;
	int sv[2], monitor, first, go = 1;

	if (n < SETUP || n > MAX_INPUT)
		return 0;
	if (d[0] & 8) {
		before = open_fds();
		fz_status_stream(d + SETUP, n - SETUP, d[1]);
		REQUIRE(open_fds() == before);
		return 0;
	}
	monitor = (d[0] & 4) != 0;
	chunk = d[1] != 0 ? d[1] : n;
	before = open_fds();
	REQUIRE(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0, sv) == 0);
	msgreader_init(&rd, max_lens[d[0] & 3], max_fdss[d[2] >> 6]);
	for (first = 0, off = SETUP; off < n && go; first++, off += len) {
		len = n - off < chunk ? n - off : chunk;
		send_chunk(sv[0], d + off, len, first == 0 ? d[2] & 7 :
		    first == 1 ? (d[2] >> 3) & 7 : 0);
		go = drain(&rd, sv[1], monitor, 0);
	}
	(void)shutdown(sv[0], SHUT_WR);
	while (go)
		go = drain(&rd, sv[1], monitor, 1);
	msgreader_free(&rd);
	(void)close(sv[0]);
	(void)close(sv[1]);
	/* Nothing received may stay open. */
	REQUIRE(open_fds() == before);
	return 0;
}
