/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of src/common/fdpass.c over socketpairs: frames with and
 * without descriptors, incremental reads, malformed frames and fd leaks.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "buf.h"
#include "errors.h"
#include "fdpass.h"
#include "msg.h"
#include "monitor.h"

/* Descriptors open in this process (the directory's own one included). */
static int
count_fds(void)
{
	struct dirent *e;
	DIR *d;
	int n = 0;

	d = opendir("/proc/self/fd");
	cr_assert_not_null(d);
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	(void)closedir(d);
	return n;
}

static void
make_pair(int sv[2])
{
	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv),
	    0);
}

static void
set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	cr_assert_geq(fl, 0);
	cr_assert_eq(fcntl(fd, F_SETFL, fl | O_NONBLOCK), 0);
}

/* n descriptors of n different files (each its own inode). */
static void
make_files(int *fds, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		fds[i] = memfd_create("fdpass_test", MFD_CLOEXEC);
		cr_assert_geq(fds[i], 0, "memfd_create: %s", strerror(errno));
	}
}

static void
close_fds(int *fds, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (fds[i] >= 0)
			cr_assert_eq(close(fds[i]), 0);
}

static void
expect_same_file(int a, int b)
{
	struct stat sa, sb;

	cr_assert_eq(fstat(a, &sa), 0);
	cr_assert_eq(fstat(b, &sb), 0);
	cr_assert_eq(sa.st_dev, sb.st_dev);
	cr_assert_eq(sa.st_ino, sb.st_ino, "fd %d and fd %d differ", a, b);
}

static void
expect_cloexec(int fd)
{
	int fl = fcntl(fd, F_GETFD);

	cr_assert_geq(fl, 0, "fd %d is not open", fd);
	cr_assert((fl & FD_CLOEXEC) != 0, "fd %d is not close-on-exec", fd);
}

static int
is_open(int fd)
{
	return fcntl(fd, F_GETFD) != -1;
}

/* sendmsg len bytes with nfds descriptors attached. */
static ssize_t
raw_sendmsg(int sock, const void *p, size_t len, const int *fds,
    size_t nfds)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * MSG_MAX_FDS)];
		struct cmsghdr align;
	} u;
	struct iovec iov;
	struct msghdr mh;
	struct cmsghdr *c;

	memset(&mh, 0, sizeof(mh));
	iov.iov_base = (void *)(uintptr_t)p;
	iov.iov_len = len;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	if (nfds > 0) {
		memset(&u, 0, sizeof(u));
		mh.msg_control = u.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
	}
	return sendmsg(sock, &mh, MSG_NOSIGNAL);
}

/* The same; all must go out. */
static void
raw_send(int sock, const void *p, size_t len, const int *fds, size_t nfds)
{
	cr_assert_eq(raw_sendmsg(sock, p, len, fds, nfds), (ssize_t)len,
	    "sendmsg: %s", strerror(errno));
}

/* A frame header and len payload bytes (0x5a), with nfds descriptors. */
static void
raw_frame(int sock, uint16_t type, uint16_t hdr_nfds, uint32_t len,
    const int *fds, size_t nfds)
{
	uint8_t *p = malloc(MSG_HDR_LEN + (size_t)len);

	cr_assert_not_null(p);
	msg_hdr_pack(p, type, hdr_nfds, len);
	memset(p + MSG_HDR_LEN, 0x5a, len);
	raw_send(sock, p, MSG_HDR_LEN + (size_t)len, fds, nfds);
	free(p);
}

/* Read one frame from a blocking socket. */
static int
read_frame(struct msgreader *r, int sock)
{
	int ret;

	while ((ret = msgreader_read(r, sock)) == E_AGAIN)
		;
	return ret;
}

/* Send a frame of type, a payload of n bytes and nfds files; receive it. */
static void
round_trip(size_t nfds, size_t n)
{
	int sv[2], *fds, *got;
	struct msgreader r;
	struct buf p;
	size_t i;

	fds = calloc(nfds + 1, sizeof(int));
	got = calloc(nfds + 1, sizeof(int));
	cr_assert_not_null(fds);
	cr_assert_not_null(got);
	make_pair(sv);
	make_files(fds, nfds);
	buf_init(&p, n);
	for (i = 0; i < n; i++)
		cr_assert_eq(buf_put_u8(&p, (uint8_t)(i * 7)), 0);
	cr_assert_eq(fdpass_send(sv[0], MSG_REQ_EXEC, &p, fds, nfds), 0);
	msgreader_init(&r, MSG_MAX_LEN, MSG_MAX_FDS);
	cr_assert_eq(read_frame(&r, sv[1]), 0);
	cr_assert_eq(r.h.type, MSG_REQ_EXEC);
	cr_assert_eq(r.h.nfds, nfds);
	cr_assert_eq(r.h.len, n);
	cr_assert_eq(r.nfds, nfds);
	cr_assert_eq(buf_left(&r.payload), n);
	if (n > 0)
		cr_assert_eq(memcmp(buf_ptr(&r.payload), p.d, n), 0);
	for (i = 0; i < nfds; i++) {
		cr_assert_neq(r.fds[i], fds[i]);
		expect_same_file(r.fds[i], fds[i]);
		expect_cloexec(r.fds[i]);
	}
	cr_assert_eq(msgreader_take_fds(&r, got), nfds);
	cr_assert_eq(r.nfds, 0);
	msgreader_free(&r);
	close_fds(got, nfds);
	close_fds(fds, nfds);
	close_fds(sv, 2);
	buf_free(&p);
	free(fds);
	free(got);
}

Test(fdpass, round_trip_without_fds)
{
	round_trip(0, 4);
}

Test(fdpass, round_trip_one_fd)
{
	round_trip(1, 28);
}

Test(fdpass, round_trip_three_fds)
{
	round_trip(3, 100);
}

Test(fdpass, round_trip_max_fds)
{
	int before = count_fds();

	round_trip(MSG_MAX_FDS, 1000);
	cr_assert_eq(count_fds(), before);
}

Test(fdpass, round_trip_fds_without_payload)
{
	round_trip(2, 0);
}

Test(fdpass, empty_frame_with_null_payload)
{
	struct msgreader r;
	int sv[2];

	make_pair(sv);
	cr_assert_eq(fdpass_send(sv[0], MSG_LM_READY, NULL, NULL, 0), 0);
	msgreader_init(&r, MSG_MAX_SMALL, 0);
	cr_assert_eq(read_frame(&r, sv[1]), 0);
	cr_assert_eq(r.h.type, MSG_LM_READY);
	cr_assert_eq(r.h.len, 0);
	cr_assert_eq(r.h.nfds, 0);
	cr_assert_eq(buf_left(&r.payload), 0);
	msgreader_free(&r);
	close_fds(sv, 2);
}

Test(fdpass, consecutive_frames_keep_their_own_fds)
{
	int sv[2], a[1], b[2], got[2];
	struct msgreader r;
	struct buf p;

	make_pair(sv);
	make_files(a, 1);
	make_files(b, 2);
	buf_init(&p, 16);
	cr_assert_eq(buf_put_u32(&p, 7), 0);
	cr_assert_eq(fdpass_send(sv[0], MSG_MON_SENDFDS, &p, a, 1), 0);
	cr_assert_eq(fdpass_send(sv[0], MSG_LM_SESSION, &p, b, 2), 0);
	cr_assert_eq(fdpass_send(sv[0], MSG_STARTED, &p, NULL, 0), 0);
	msgreader_init(&r, MSG_MAX_SMALL, 4);

	cr_assert_eq(read_frame(&r, sv[1]), 0);
	cr_assert_eq(r.h.type, MSG_MON_SENDFDS);
	cr_assert_eq(r.nfds, 1);
	expect_same_file(r.fds[0], a[0]);
	msgreader_next(&r);

	cr_assert_eq(read_frame(&r, sv[1]), 0);
	cr_assert_eq(r.h.type, MSG_LM_SESSION);
	cr_assert_eq(r.nfds, 2);
	cr_assert_eq(msgreader_take_fds(&r, got), 2);
	expect_same_file(got[0], b[0]);
	expect_same_file(got[1], b[1]);
	msgreader_next(&r);

	cr_assert_eq(read_frame(&r, sv[1]), 0);
	cr_assert_eq(r.h.type, MSG_STARTED);
	cr_assert_eq(r.nfds, 0);
	msgreader_next(&r);

	msgreader_free(&r);
	close_fds(got, 2);
	close_fds(a, 1);
	close_fds(b, 2);
	close_fds(sv, 2);
	buf_free(&p);
}

/* The bytes of the big payloads. */
static void
fill_pattern(uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(i ^ (i >> 8) ^ (i >> 16));
}

static void
wait_child(pid_t pid)
{
	int st;

	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the sender "
	    "failed");
}

/*
 * A frame of several MiB, with two descriptors, written by a child in
 * pieces; after each piece the child waits until this side has read
 * what there is.  So msgreader_read on the non-blocking socket must
 * return E_AGAIN after every piece but the last, holding the bytes so
 * far, and 0 after the last.
 */
Test(fdpass, big_payload_arrives_in_pieces_nonblocking)
{
	const size_t n = (3u << 20) + 17, piece = 48u << 10;
	int sv[2], fds[2], done[2], go[2], ret = -1;
	size_t off, total = MSG_HDR_LEN + n, cut;
	struct msgreader r;
	uint8_t *frame;
	char tok = 0;
	pid_t pid;

	make_pair(sv);
	make_files(fds, 2);
	cr_assert_eq(pipe2(done, O_CLOEXEC), 0);
	cr_assert_eq(pipe2(go, O_CLOEXEC), 0);
	frame = malloc(total);
	cr_assert_not_null(frame);
	msg_hdr_pack(frame, MSG_REQ_EXEC, 2, (uint32_t)n);
	fill_pattern(frame + MSG_HDR_LEN, n);

	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		/* Header in two pieces (fds with the first), then payload. */
		for (off = 0; off < total; off += cut) {
			cut = off == 0 ? 5 : off < MSG_HDR_LEN ?
			    MSG_HDR_LEN - off : total - off < piece ?
			    total - off : piece;
			if (raw_sendmsg(sv[0], frame + off, cut, fds,
			    off == 0 ? 2 : 0) != (ssize_t)cut)
				_exit(2);
			if (write(done[1], "d", 1) != 1 ||
			    read(go[0], &tok, 1) != 1)
				_exit(3);
		}
		_exit(0);
	}
	set_nonblock(sv[1]);
	msgreader_init(&r, 4u << 20, 4);
	cr_assert_eq(msgreader_read(&r, sv[1]), E_AGAIN);
	for (off = 0; off < total; off += cut) {
		cut = off == 0 ? 5 : off < MSG_HDR_LEN ? MSG_HDR_LEN - off :
		    total - off < piece ? total - off : piece;
		cr_assert_eq(read(done[0], &tok, 1), 1);
		ret = msgreader_read(&r, sv[1]);
		if (off + cut < total) {
			cr_assert_eq(ret, E_AGAIN, "after %zu of %zu bytes: "
			    "%d", off + cut, total, ret);
			cr_assert_eq(r.got, off + cut < MSG_HDR_LEN ?
			    off + cut : off + cut - MSG_HDR_LEN);
			cr_assert_eq(r.nfds, 2);
		}
		cr_assert_eq(write(go[1], "g", 1), 1);
	}
	cr_assert_eq(ret, 0, "whole frame: %d (%s)", ret, err_str(ret));
	wait_child(pid);
	cr_assert_eq(r.h.len, n);
	cr_assert_eq(r.payload.len, n);
	cr_assert_eq(memcmp(r.payload.d, frame + MSG_HDR_LEN, n), 0,
	    "payload differs");
	cr_assert_eq(r.nfds, 2);
	expect_same_file(r.fds[0], fds[0]);
	expect_same_file(r.fds[1], fds[1]);
	msgreader_free(&r);
	close_fds(fds, 2);
	close_fds(sv, 2);
	close_fds(done, 2);
	close_fds(go, 2);
	free(frame);
}

/*
 * fdpass_send of several MiB from a child on a blocking socket (it must
 * loop over partial writes), read here on a non-blocking one; then E_EOF
 * once the child is gone.
 */
Test(fdpass, big_payload_sent_by_fdpass_send)
{
	const size_t n = 6u << 20;
	int sv[2], fds[2], ret;
	struct msgreader r;
	struct pollfd pfd;
	struct buf p;
	pid_t pid;

	make_pair(sv);
	make_files(fds, 2);
	buf_init(&p, n);
	cr_assert_eq(buf_reserve(&p, n), 0);
	fill_pattern(p.d, n);
	p.len = n;

	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		(void)close(sv[1]);
		_exit(fdpass_send(sv[0], MSG_REQ_EXEC, &p, fds, 2) == 0 ?
		    0 : 1);
	}
	cr_assert_eq(close(sv[0]), 0);
	set_nonblock(sv[1]);
	msgreader_init(&r, 8u << 20, 4);
	pfd.fd = sv[1];
	pfd.events = POLLIN;
	while ((ret = msgreader_read(&r, sv[1])) == E_AGAIN)
		cr_assert_eq(poll(&pfd, 1, 10000), 1, "no progress");
	cr_assert_eq(ret, 0, "read: %d (%s)", ret, err_str(ret));
	cr_assert_eq(r.h.len, n);
	cr_assert_eq(r.payload.len, n);
	cr_assert_eq(memcmp(r.payload.d, p.d, n), 0, "payload differs");
	cr_assert_eq(r.nfds, 2);
	expect_same_file(r.fds[0], fds[0]);
	expect_same_file(r.fds[1], fds[1]);
	msgreader_next(&r);

	wait_child(pid);
	while ((ret = msgreader_read(&r, sv[1])) == E_AGAIN)
		cr_assert_eq(poll(&pfd, 1, 10000), 1);
	cr_assert_eq(ret, E_EOF);
	msgreader_free(&r);
	close_fds(fds, 2);
	(void)close(sv[1]);
	buf_free(&p);
}

Test(fdpass, nonblocking_read_of_nothing_is_again)
{
	struct msgreader r;
	int sv[2];

	make_pair(sv);
	set_nonblock(sv[1]);
	msgreader_init(&r, 64, 0);
	cr_assert_eq(msgreader_read(&r, sv[1]), E_AGAIN);
	/* Half a header: still E_AGAIN, and the half is kept. */
	raw_send(sv[0], "\x44\x56\x00", 3, NULL, 0);
	cr_assert_eq(msgreader_read(&r, sv[1]), E_AGAIN);
	cr_assert_eq(r.got, 3);
	msgreader_free(&r);
	close_fds(sv, 2);
}

Test(fdpass, eof_at_frame_boundary_is_eof)
{
	struct msgreader r;
	int sv[2];

	make_pair(sv);
	cr_assert_eq(fdpass_send(sv[0], MSG_STARTED, NULL, NULL, 0), 0);
	cr_assert_eq(close(sv[0]), 0);
	msgreader_init(&r, 64, 0);
	cr_assert_eq(read_frame(&r, sv[1]), 0);
	msgreader_next(&r);
	cr_assert_eq(read_frame(&r, sv[1]), E_EOF);
	msgreader_free(&r);
	(void)close(sv[1]);
}

Test(fdpass, eof_before_anything_is_eof)
{
	struct msgreader r;
	int sv[2];

	make_pair(sv);
	cr_assert_eq(close(sv[0]), 0);
	msgreader_init(&r, 64, 0);
	cr_assert_eq(read_frame(&r, sv[1]), E_EOF);
	msgreader_free(&r);
	(void)close(sv[1]);
}

/* The peer closes with bytes of ours unread: the kernel says ECONNRESET. */
Test(fdpass, reset_at_frame_boundary_is_eof)
{
	struct msgreader r;
	int sv[2];

	make_pair(sv);
	cr_assert_eq(fdpass_send(sv[0], MSG_STARTED, NULL, NULL, 0), 0);
	cr_assert_eq(fdpass_send(sv[1], MSG_STARTED, NULL, NULL, 0), 0);
	cr_assert_eq(close(sv[0]), 0);
	msgreader_init(&r, 64, 0);
	cr_assert_eq(read_frame(&r, sv[1]), 0);
	msgreader_next(&r);
	cr_assert_eq(read_frame(&r, sv[1]), E_EOF);
	msgreader_free(&r);
	(void)close(sv[1]);
}

Test(fdpass, reset_inside_a_frame_is_truncated)
{
	uint8_t hdr[MSG_HDR_LEN];
	struct msgreader r;
	int sv[2];

	msg_hdr_pack(hdr, MSG_STARTED, 0, 4);
	make_pair(sv);
	raw_send(sv[0], hdr, 5, NULL, 0);
	cr_assert_eq(fdpass_send(sv[1], MSG_STARTED, NULL, NULL, 0), 0);
	cr_assert_eq(close(sv[0]), 0);
	msgreader_init(&r, 64, 0);
	cr_assert_eq(read_frame(&r, sv[1]), E_TRUNCATED);
	msgreader_free(&r);
	(void)close(sv[1]);
}

Test(fdpass, eof_inside_header_is_truncated)
{
	uint8_t hdr[MSG_HDR_LEN];
	struct msgreader r;
	size_t cut;
	int sv[2];

	msg_hdr_pack(hdr, MSG_STARTED, 0, 4);
	for (cut = 1; cut < MSG_HDR_LEN; cut++) {
		make_pair(sv);
		raw_send(sv[0], hdr, cut, NULL, 0);
		cr_assert_eq(close(sv[0]), 0);
		msgreader_init(&r, 64, 0);
		cr_assert_eq(read_frame(&r, sv[1]), E_TRUNCATED,
		    "EOF after %zu header bytes", cut);
		msgreader_free(&r);
		(void)close(sv[1]);
	}
}

Test(fdpass, eof_inside_payload_is_truncated)
{
	uint8_t frame[MSG_HDR_LEN + 10];
	struct msgreader r;
	size_t cut;
	int sv[2];

	msg_hdr_pack(frame, MSG_STARTED, 0, 10);
	memset(frame + MSG_HDR_LEN, 'x', 10);
	for (cut = MSG_HDR_LEN; cut < sizeof(frame); cut++) {
		make_pair(sv);
		raw_send(sv[0], frame, cut, NULL, 0);
		cr_assert_eq(close(sv[0]), 0);
		msgreader_init(&r, 64, 0);
		cr_assert_eq(read_frame(&r, sv[1]), E_TRUNCATED,
		    "EOF after %zu of %zu bytes", cut, sizeof(frame));
		msgreader_free(&r);
		(void)close(sv[1]);
	}
}

Test(fdpass, eof_inside_payload_closes_received_fds)
{
	uint8_t frame[MSG_HDR_LEN + 2];
	struct msgreader r;
	int sv[2], f[2], before;

	make_pair(sv);
	before = count_fds();
	make_files(f, 2);
	msg_hdr_pack(frame, MSG_LM_SESSION, 2, 20);
	frame[MSG_HDR_LEN] = frame[MSG_HDR_LEN + 1] = 0;
	raw_send(sv[0], frame, sizeof(frame), f, 2);
	close_fds(f, 2);
	cr_assert_eq(close(sv[0]), 0);
	msgreader_init(&r, 64, 4);
	cr_assert_eq(read_frame(&r, sv[1]), E_TRUNCATED);
	cr_assert_eq(r.nfds, 0);
	msgreader_free(&r);
	cr_assert_eq(count_fds(), before - 1, "received descriptors leaked");
	(void)close(sv[1]);
}

Test(fdpass, header_with_more_fds_than_max_is_too_many)
{
	struct msgreader r;
	int sv[2];

	make_pair(sv);
	raw_frame(sv[0], MSG_REQ_EXEC, 3, 4, NULL, 0);
	msgreader_init(&r, 64, 2);
	cr_assert_eq(read_frame(&r, sv[1]), E_TOO_MANY_FDS);
	msgreader_free(&r);
	close_fds(sv, 2);
}

Test(fdpass, header_nfds_above_253_is_too_many)
{
	struct msgreader r;
	int sv[2];

	make_pair(sv);
	raw_frame(sv[0], MSG_REQ_EXEC, 0xffff, 0, NULL, 0);
	/* The reader's limit is capped at MSG_MAX_FDS. */
	msgreader_init(&r, 64, 100000);
	cr_assert_eq(r.max_fds, MSG_MAX_FDS);
	cr_assert_eq(read_frame(&r, sv[1]), E_TOO_MANY_FDS);
	msgreader_free(&r);
	close_fds(sv, 2);
}

Test(fdpass, length_at_max_ok_above_max_too_long)
{
	struct msgreader r;
	int sv[2];

	make_pair(sv);
	msgreader_init(&r, 100, 0);
	raw_frame(sv[0], MSG_REQ_EXEC, 0, 100, NULL, 0);
	cr_assert_eq(read_frame(&r, sv[1]), 0);
	cr_assert_eq(r.payload.len, 100);
	msgreader_next(&r);
	raw_frame(sv[0], MSG_REQ_EXEC, 0, 101, NULL, 0);
	cr_assert_eq(read_frame(&r, sv[1]), E_TOO_LONG);
	msgreader_free(&r);
	close_fds(sv, 2);
}

Test(fdpass, refused_header_closes_its_fds)
{
	struct msgreader r;
	int sv[2], f[2], before, ret;

	make_pair(sv);
	before = count_fds();
	make_files(f, 2);
	raw_frame(sv[0], MSG_LM_SESSION, 2, 65, f, 2);
	close_fds(f, 2);
	msgreader_init(&r, 64, 2);
	ret = read_frame(&r, sv[1]);
	cr_assert_eq(ret, E_TOO_LONG, "%d (%s)", ret, err_str(ret));
	cr_assert_eq(r.nfds, 0);
	cr_assert_eq(count_fds(), before, "received descriptors leaked");
	msgreader_free(&r);
	close_fds(sv, 2);
}

Test(fdpass, huge_length_is_too_long_without_allocating)
{
	struct msgreader r;
	int sv[2];

	make_pair(sv);
	msgreader_init(&r, MSG_MAX_LEN, 0);
	raw_frame(sv[0], MSG_REQ_EXEC, 0, 0, NULL, 0);
	cr_assert_eq(read_frame(&r, sv[1]), 0);
	msgreader_next(&r);
	{
		uint8_t hdr[MSG_HDR_LEN];

		msg_hdr_pack(hdr, MSG_REQ_EXEC, 0, 0xffffffffu);
		raw_send(sv[0], hdr, sizeof(hdr), NULL, 0);
	}
	cr_assert_eq(read_frame(&r, sv[1]), E_TOO_LONG);
	cr_assert_leq(r.payload.cap, MSG_MAX_LEN);
	msgreader_free(&r);
	close_fds(sv, 2);
}

Test(fdpass, fds_sent_but_header_says_none_no_leak)
{
	struct msgreader r;
	int sv[2], f[1], before;
	int ret;

	make_pair(sv);
	before = count_fds();
	make_files(f, 1);
	raw_frame(sv[0], MSG_STARTED, 0, 4, f, 1);
	close_fds(f, 1);
	msgreader_init(&r, 64, 4);
	ret = read_frame(&r, sv[1]);
	cr_assert_eq(ret, E_FD_COUNT, "%d (%s)", ret, err_str(ret));
	cr_assert_eq(r.nfds, 0);
	msgreader_free(&r);
	cr_assert_eq(count_fds(), before, "received descriptors leaked");
	close_fds(sv, 2);
}

Test(fdpass, fds_sent_with_empty_frame_header_says_none_no_leak)
{
	struct msgreader r;
	int sv[2], f[3], before;
	int ret;

	make_pair(sv);
	before = count_fds();
	make_files(f, 3);
	raw_frame(sv[0], MSG_LM_READY, 0, 0, f, 3);
	close_fds(f, 3);
	msgreader_init(&r, 64, 4);
	ret = read_frame(&r, sv[1]);
	cr_assert_eq(ret, E_FD_COUNT, "%d (%s)", ret, err_str(ret));
	msgreader_free(&r);
	cr_assert_eq(count_fds(), before, "received descriptors leaked");
	close_fds(sv, 2);
}

Test(fdpass, header_says_two_one_sent_is_fd_count_no_leak)
{
	struct msgreader r;
	int sv[2], f[1], before;
	int ret;

	make_pair(sv);
	before = count_fds();
	make_files(f, 1);
	raw_frame(sv[0], MSG_LM_SESSION, 2, 20, f, 1);
	close_fds(f, 1);
	msgreader_init(&r, 64, 4);
	ret = read_frame(&r, sv[1]);
	cr_assert_eq(ret, E_FD_COUNT, "%d (%s)", ret, err_str(ret));
	msgreader_free(&r);
	cr_assert_eq(count_fds(), before, "received descriptors leaked");
	close_fds(sv, 2);
}

Test(fdpass, header_says_one_none_sent_is_fd_count)
{
	struct msgreader r;
	int sv[2];

	make_pair(sv);
	raw_frame(sv[0], MSG_MON_SENDFDS, 1, 0, NULL, 0);
	msgreader_init(&r, 64, 4);
	cr_assert_eq(read_frame(&r, sv[1]), E_FD_COUNT);
	msgreader_free(&r);
	close_fds(sv, 2);
}

Test(fdpass, more_fds_than_max_is_ctrunc_no_leak)
{
	struct msgreader r;
	int sv[2], f[3], before;
	int ret;

	make_pair(sv);
	before = count_fds();
	make_files(f, 3);
	/* The header is within the limit; the control data is not. */
	raw_frame(sv[0], MSG_LM_SESSION, 2, 20, f, 3);
	close_fds(f, 3);
	msgreader_init(&r, 64, 2);
	ret = read_frame(&r, sv[1]);
	cr_assert_eq(ret, E_CTRUNC, "%d (%s)", ret, err_str(ret));
	msgreader_free(&r);
	cr_assert_eq(count_fds(), before, "received descriptors leaked");
	close_fds(sv, 2);
}

/*
 * With an odd limit the control buffer, rounded up to the alignment of
 * cmsghdr, can hold one descriptor more than allowed: the kernel then
 * passes it and the reader must refuse it itself.
 */
Test(fdpass, one_fd_over_odd_max_is_refused_no_leak)
{
	struct msgreader r;
	int sv[2], f[4], before;
	int ret;

	make_pair(sv);
	before = count_fds();
	make_files(f, 4);
	raw_frame(sv[0], MSG_MON_SENDFDS, 1, 0, f, 2);
	msgreader_init(&r, 64, 1);
	ret = read_frame(&r, sv[1]);
	cr_assert(ret == E_CTRUNC || ret == E_TOO_MANY_FDS, "%d (%s)", ret,
	    err_str(ret));
	raw_frame(sv[0], MSG_REQ_EXEC, 3, 0, f, 4);
	msgreader_free(&r);
	msgreader_init(&r, 64, 3);
	ret = read_frame(&r, sv[1]);
	cr_assert(ret == E_CTRUNC || ret == E_TOO_MANY_FDS, "%d (%s)", ret,
	    err_str(ret));
	close_fds(f, 4);
	msgreader_free(&r);
	cr_assert_eq(count_fds(), before, "received descriptors leaked");
	close_fds(sv, 2);
}

Test(fdpass, reader_without_fds_refuses_fds_no_leak)
{
	struct msgreader r;
	int sv[2], f[2], before;
	int ret;

	make_pair(sv);
	before = count_fds();
	make_files(f, 2);
	raw_frame(sv[0], MSG_STARTED, 0, 4, f, 1);
	raw_frame(sv[0], MSG_STARTED, 0, 4, f, 2);
	close_fds(f, 2);
	msgreader_init(&r, 64, 0);
	ret = read_frame(&r, sv[1]);
	cr_assert_eq(ret, E_CTRUNC, "%d (%s)", ret, err_str(ret));
	cr_assert_eq(count_fds(), before, "received descriptors leaked");
	ret = read_frame(&r, sv[1]);
	cr_assert_eq(ret, E_CTRUNC, "%d (%s)", ret, err_str(ret));
	msgreader_free(&r);
	cr_assert_eq(count_fds(), before, "received descriptors leaked");
	close_fds(sv, 2);
}

Test(fdpass, other_control_messages_are_bad_cmsg)
{
	struct msgreader r;
	int sv[2], on = 1, ret;

	make_pair(sv);
	/* The receiver now gets SCM_CREDENTIALS with every read. */
	cr_assert_eq(setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on,
	    sizeof(on)), 0);
	cr_assert_eq(fdpass_send(sv[0], MSG_STARTED, NULL, NULL, 0), 0);
	msgreader_init(&r, 64, 8);
	ret = read_frame(&r, sv[1]);
	cr_assert_eq(ret, E_BAD_CMSG, "%d (%s)", ret, err_str(ret));
	msgreader_free(&r);
	close_fds(sv, 2);
}

Test(fdpass, take_fds_transfers_ownership)
{
	int sv[2], f[2], got[2] = { -1, -1 };
	struct msgreader r;

	make_pair(sv);
	make_files(f, 2);
	cr_assert_eq(fdpass_send(sv[0], MSG_LM_SESSION, NULL, f, 2), 0);
	msgreader_init(&r, 64, 2);
	cr_assert_eq(read_frame(&r, sv[1]), 0);
	cr_assert_eq(msgreader_take_fds(&r, got), 2);
	cr_assert_eq(r.nfds, 0);
	msgreader_next(&r);
	msgreader_free(&r);
	cr_assert(is_open(got[0]), "taken fd closed by msgreader_next");
	cr_assert(is_open(got[1]), "taken fd closed by msgreader_next");
	expect_same_file(got[0], f[0]);
	expect_same_file(got[1], f[1]);
	close_fds(got, 2);
	close_fds(f, 2);
	close_fds(sv, 2);
}

Test(fdpass, take_fds_of_a_frame_without_fds_is_zero)
{
	struct msgreader r;
	int sv[2], got[1] = { -1 };

	make_pair(sv);
	cr_assert_eq(fdpass_send(sv[0], MSG_STARTED, NULL, NULL, 0), 0);
	msgreader_init(&r, 64, 2);
	cr_assert_eq(read_frame(&r, sv[1]), 0);
	cr_assert_eq(msgreader_take_fds(&r, got), 0);
	cr_assert_eq(got[0], -1);
	msgreader_free(&r);
	close_fds(sv, 2);
}

Test(fdpass, next_closes_untaken_fds)
{
	struct msgreader r;
	int sv[2], f[3], rx[3], before;
	size_t i;

	make_pair(sv);
	make_files(f, 3);
	cr_assert_eq(fdpass_send(sv[0], MSG_REQ_EXEC, NULL, f, 3), 0);
	close_fds(f, 3);
	before = count_fds();
	msgreader_init(&r, 64, 3);
	cr_assert_eq(read_frame(&r, sv[1]), 0);
	cr_assert_eq(count_fds(), before + 3);
	for (i = 0; i < 3; i++)
		rx[i] = r.fds[i];
	msgreader_next(&r);
	cr_assert_eq(r.nfds, 0);
	cr_assert_eq(count_fds(), before, "untaken descriptors leaked");
	for (i = 0; i < 3; i++)
		cr_assert_not(is_open(rx[i]), "fd %d still open", rx[i]);
	msgreader_free(&r);
	close_fds(sv, 2);
}

Test(fdpass, free_closes_untaken_fds)
{
	struct msgreader r;
	int sv[2], f[2], before;

	make_pair(sv);
	make_files(f, 2);
	cr_assert_eq(fdpass_send(sv[0], MSG_LM_SESSION, NULL, f, 2), 0);
	close_fds(f, 2);
	before = count_fds();
	msgreader_init(&r, 64, 2);
	cr_assert_eq(read_frame(&r, sv[1]), 0);
	msgreader_free(&r);
	cr_assert_eq(count_fds(), before, "untaken descriptors leaked");
	close_fds(sv, 2);
}

Test(fdpass, bad_magic_is_refused)
{
	static const uint8_t junk[MSG_HDR_LEN] = {
		'G', 'E', 'T', ' ', '/', ' ', 'H', 'T', 'T', 'P', '/', '1',
	};
	struct msgreader r;
	int sv[2];

	make_pair(sv);
	raw_send(sv[0], junk, sizeof(junk), NULL, 0);
	msgreader_init(&r, 64, 0);
	cr_assert_eq(read_frame(&r, sv[1]), E_BAD_MAGIC);
	msgreader_free(&r);
	close_fds(sv, 2);
}

Test(fdpass, other_version_is_refused)
{
	uint8_t hdr[MSG_HDR_LEN];
	struct msgreader r;
	int sv[2];

	make_pair(sv);
	msg_hdr_pack(hdr, MSG_HELLO, 0, 0);
	hdr[3] = 2;
	raw_send(sv[0], hdr, sizeof(hdr), NULL, 0);
	msgreader_init(&r, 64, 0);
	cr_assert_eq(read_frame(&r, sv[1]), E_VERSION);
	msgreader_free(&r);
	close_fds(sv, 2);
}

Test(fdpass, reader_is_reset_after_an_error)
{
	uint8_t hdr[MSG_HDR_LEN];
	struct msgreader r;
	struct buf p;
	int sv[2];

	make_pair(sv);
	msg_hdr_pack(hdr, MSG_HELLO, 0, 0);
	hdr[0] = 0;
	raw_send(sv[0], hdr, sizeof(hdr), NULL, 0);
	buf_init(&p, 8);
	cr_assert_eq(buf_put_u32(&p, 0xcafe), 0);
	cr_assert_eq(fdpass_send(sv[0], MSG_ERROR, &p, NULL, 0), 0);
	msgreader_init(&r, 64, 0);
	cr_assert_eq(read_frame(&r, sv[1]), E_BAD_MAGIC);
	cr_assert_eq(r.got, 0);
	cr_assert_eq(r.have_hdr, 0);
	cr_assert_eq(read_frame(&r, sv[1]), 0);
	cr_assert_eq(r.h.type, MSG_ERROR);
	cr_assert_eq(r.payload.len, 4);
	cr_assert_eq(memcmp(r.payload.d, p.d, 4), 0);
	msgreader_free(&r);
	buf_free(&p);
	close_fds(sv, 2);
}

Test(fdpass, send_refuses_more_than_max_fds)
{
	int sv[2], f[MSG_MAX_FDS + 1], i;
	char c;

	make_pair(sv);
	for (i = 0; i < (int)MSG_MAX_FDS + 1; i++)
		f[i] = sv[0];
	cr_assert_eq(fdpass_send(sv[0], MSG_REQ_EXEC, NULL, f,
	    MSG_MAX_FDS + 1), E_TOO_MANY_FDS);
	/* Nothing went out. */
	cr_assert_eq(recv(sv[1], &c, 1, MSG_DONTWAIT), -1);
	cr_assert_eq(errno, EAGAIN);
	close_fds(sv, 2);
}

Test(fdpass, send_to_closed_peer_is_eof_without_sigpipe)
{
	int sv[2];

	make_pair(sv);
	cr_assert_eq(close(sv[1]), 0);
	/* SIGPIPE would kill the test. */
	cr_assert_eq(fdpass_send(sv[0], MSG_STARTED, NULL, NULL, 0), E_EOF);
	(void)close(sv[0]);
}

Test(fdpass, send_on_full_nonblocking_socket_is_again)
{
	struct msgreader r;
	struct buf p;
	int sv[2], ret, sent = 0, got = 0;

	make_pair(sv);
	set_nonblock(sv[0]);
	set_nonblock(sv[1]);
	buf_init(&p, 8);
	cr_assert_eq(buf_put_u32(&p, 0x01020304u), 0);
	while ((ret = fdpass_send(sv[0], MSG_STARTED, &p, NULL, 0)) == 0)
		cr_assert_lt(++sent, 1000000, "socket never filled");
	cr_assert_eq(ret, E_AGAIN, "%d (%s)", ret, err_str(ret));
	cr_assert_gt(sent, 0);
	/* Every frame that was accepted arrives whole. */
	msgreader_init(&r, 64, 0);
	while ((ret = msgreader_read(&r, sv[1])) == 0) {
		cr_assert_eq(r.h.type, MSG_STARTED);
		cr_assert_eq(r.payload.len, 4);
		cr_assert_eq(memcmp(r.payload.d, p.d, 4), 0);
		msgreader_next(&r);
		got++;
	}
	cr_assert_eq(ret, E_AGAIN);
	cr_assert_eq(r.got, 0, "a partial frame was left behind");
	cr_assert_eq(got, sent);
	msgreader_free(&r);
	buf_free(&p);
	close_fds(sv, 2);
}

/*
 * A non-blocking sender that gets part of a frame out and then finds the
 * socket full cannot take it back: the frame is broken (E_TRUNCATED),
 * not "try again" (E_AGAIN would make the caller resend the header).
 */
Test(fdpass, send_partial_frame_on_nonblocking_socket_is_truncated)
{
	const size_t n = 4u << 20;
	struct buf p;
	int sv[2], ret;

	make_pair(sv);
	set_nonblock(sv[0]);
	buf_init(&p, n);
	cr_assert_eq(buf_reserve(&p, n), 0);
	memset(p.d, 'x', n);
	p.len = n;
	ret = fdpass_send(sv[0], MSG_REQ_EXEC, &p, NULL, 0);
	cr_assert_eq(ret, E_TRUNCATED, "%d (%s)", ret, err_str(ret));
	buf_free(&p);
	close_fds(sv, 2);
}

Test(fdpass, close_all_skips_minus_one_and_resets)
{
	int f[3], a, b;

	make_files(f, 2);
	a = f[0];
	b = f[1];
	f[1] = -1;
	f[2] = b;
	fdpass_close_all(f, 3);
	cr_assert_eq(f[0], -1);
	cr_assert_eq(f[1], -1);
	cr_assert_eq(f[2], -1);
	cr_assert_not(is_open(a));
	cr_assert_not(is_open(b));
}

/* ---- a spawner's status pipe: frames without descriptors ---- */

/* A pipe as the monitor has it: close-on-exec, the read end non-blocking. */
static void
make_pipe(int p[2])
{
	cr_assert_eq(pipe2(p, O_CLOEXEC), 0);
	set_nonblock(p[0]);
}

/*
 * Write n bytes on a new status pipe, close it, and read it as the
 * monitor does; the reader's result, and what st says.
 */
static int
status_of(const void *bytes, size_t n, struct status_rx *st)
{
	struct msgreader r;
	int p[2], ret;

	make_pipe(p);
	cr_assert_eq(write(p[1], bytes, n), (ssize_t)n);
	cr_assert_eq(close(p[1]), 0);
	memset(st, 0, sizeof(*st));
	msgreader_init_pipe(&r, MSG_MAX_STATUS);
	ret = status_read(&r, p[0], st);
	cr_assert_neq(ret, E_AGAIN);	/* the writer has gone */
	msgreader_free(&r);
	(void)close(p[0]);
	return ret;
}

/* The frames a spawner writes: EXEC, and a failure of step. */
static size_t
status_bytes(uint8_t *out, int exec, uint32_t step, int32_t err)
{
	const struct msg_failed f = { step, err };
	struct buf b;
	size_t n = 0;

	if (exec) {
		msg_hdr_pack(out, MSG_SPAWN_EXEC, 0, 0);
		n = MSG_HDR_LEN;
	}
	if (step != 0) {
		buf_init(&b, MSG_MAX_STATUS);
		cr_assert_eq(msg_encode_failed(&b, &f), 0);
		msg_hdr_pack(out + n, MSG_MON_FAILED, 0, (uint32_t)b.len);
		memcpy(out + n + MSG_HDR_LEN, b.d, b.len);
		n += MSG_HDR_LEN + b.len;
		buf_free(&b);
	}
	return n;
}

Test(fdpass, send_on_a_pipe_writes_one_frame)
{
	const struct msg_failed f = { STEP_CHDIR, ENOENT };
	struct msgreader r;
	struct buf b;
	uint8_t want[64], got[64];
	int p[2], fd = 0;

	cr_assert_eq(pipe2(p, O_CLOEXEC), 0);
	buf_init(&b, MSG_MAX_STATUS);
	cr_assert_eq(msg_encode_failed(&b, &f), 0);
	cr_assert_eq(fdpass_send(p[1], MSG_MON_FAILED, &b, NULL, 0), 0);
	cr_assert_eq(fdpass_send(p[1], MSG_SPAWN_EXEC, NULL, NULL, 0), 0);
	/* A pipe cannot carry descriptors: refused, nothing written. */
	cr_assert_neq(fdpass_send(p[1], MSG_SPAWN_EXEC, NULL, &fd, 1), 0);
	cr_assert_eq(close(p[1]), 0);
	msg_hdr_pack(want, MSG_MON_FAILED, 0, 8);
	memcpy(want + MSG_HDR_LEN, b.d, 8);
	msg_hdr_pack(want + 20, MSG_SPAWN_EXEC, 0, 0);
	cr_assert_eq(read(p[0], got, sizeof(got)), 32);
	cr_assert_eq(memcmp(got, want, 32), 0);
	(void)close(p[0]);
	/* And the reader reads a pipe. */
	make_pipe(p);
	cr_assert_eq(fdpass_send(p[1], MSG_MON_FAILED, &b, NULL, 0), 0);
	msgreader_init_pipe(&r, MSG_MAX_STATUS);
	cr_assert_eq(msgreader_read(&r, p[0]), 0);
	cr_assert_eq(r.h.type, MSG_MON_FAILED);
	cr_assert_eq(r.payload.len, 8);
	cr_assert_eq(r.nfds, 0);
	msgreader_next(&r);
	cr_assert_eq(msgreader_read(&r, p[0]), E_AGAIN);
	cr_assert_eq(close(p[1]), 0);
	cr_assert_eq(msgreader_read(&r, p[0]), E_EOF);
	msgreader_free(&r);
	(void)close(p[0]);
	buf_free(&b);
}

Test(fdpass, status_pipe_what_a_spawner_says)
{
	struct status_rx st;
	uint8_t b[64] = { 0 };
	size_t n;

	/* The end alone: it ended before executing. */
	cr_assert_eq(status_of(b, 0, &st), E_EOF);
	cr_assert_eq(st.rx.state, STATUS_SETUP);
	/* EXEC, then the end: the program runs. */
	n = status_bytes(b, 1, 0, 0);
	cr_assert_eq(status_of(b, n, &st), E_EOF);
	cr_assert_eq(st.rx.state, STATUS_EXEC);
	/* A failed step. */
	n = status_bytes(b, 0, STEP_SETUID, EPERM);
	cr_assert_eq(status_of(b, n, &st), 0);
	cr_assert_eq(st.rx.state, STATUS_FAILED);
	cr_assert_eq(st.failed.step, STEP_SETUID);
	cr_assert_eq(st.failed.err, EPERM);
	/* EXEC, then execve failed. */
	n = status_bytes(b, 1, STEP_EXEC, ENOENT);
	cr_assert_eq(status_of(b, n, &st), 0);
	cr_assert_eq(st.failed.step, STEP_EXEC);
	cr_assert_eq(st.failed.err, ENOENT);
}

Test(fdpass, status_pipe_refuses_bad_frames)
{
	/* The old format: a mark byte and a headerless failure. */
	static const uint8_t old[] = { 0x78, 0, 0, 0, STEP_EXEC, 0, 0, 0, 2 };
	struct status_rx st;
	uint8_t b[128];
	size_t n;
	int before = count_fds();

	cr_assert_eq(status_of(old, sizeof(old), &st), E_TRUNCATED);
	cr_assert_eq(status_of(old, 1, &st), E_TRUNCATED);
	memset(b, 0x78, MSG_HDR_LEN);
	cr_assert_eq(status_of(b, MSG_HDR_LEN, &st), E_BAD_MAGIC);
	/* Two EXEC. */
	n = status_bytes(b, 1, 0, 0);
	n += status_bytes(b + n, 1, 0, 0);
	cr_assert_eq(status_of(b, n, &st), E_BAD_TYPE);
	cr_assert_eq(st.rx.state, STATUS_EXEC);
	/* A failure of another step after EXEC. */
	n = status_bytes(b, 1, STEP_SETUID, EPERM);
	cr_assert_eq(status_of(b, n, &st), E_BAD_VALUE);
	/* Truncated: inside the header, inside the payload. */
	n = status_bytes(b, 1, STEP_EXEC, ENOENT);
	cr_assert_eq(status_of(b, 5, &st), E_TRUNCATED);
	cr_assert_eq(status_of(b, n - 1, &st), E_TRUNCATED);
	/* Longer than the limit: refused from the header. */
	msg_hdr_pack(b, MSG_MON_FAILED, 0, MSG_MAX_STATUS + 1);
	memset(b + MSG_HDR_LEN, 0, MSG_MAX_STATUS + 1);
	cr_assert_eq(status_of(b, MSG_HDR_LEN + MSG_MAX_STATUS + 1, &st),
	    E_TOO_LONG);
	msg_hdr_pack(b, MSG_MON_FAILED, 0, 0xffffffffu);
	cr_assert_eq(status_of(b, MSG_HDR_LEN, &st), E_TOO_LONG);
	/* Descriptors announced. */
	msg_hdr_pack(b, MSG_SPAWN_EXEC, 1, 0);
	cr_assert_eq(status_of(b, MSG_HDR_LEN, &st), E_TOO_MANY_FDS);
	/* Another type, a payload where there is none. */
	msg_hdr_pack(b, MSG_MON_STARTED, 0, 4);
	memset(b + MSG_HDR_LEN, 0, 4);
	cr_assert_eq(status_of(b, MSG_HDR_LEN + 4, &st), E_BAD_TYPE);
	msg_hdr_pack(b, MSG_SPAWN_EXEC, 0, 1);
	cr_assert_eq(status_of(b, MSG_HDR_LEN + 1, &st), E_TOO_LONG);
	cr_assert_eq(count_fds(), before);
}

Test(fdpass, status_pipe_waits_for_a_whole_frame)
{
	struct msgreader r;
	struct status_rx st;
	uint8_t b[64];
	size_t n = status_bytes(b, 1, STEP_EXEC, ENOENT);
	int p[2];

	make_pipe(p);
	memset(&st, 0, sizeof(st));
	msgreader_init_pipe(&r, MSG_MAX_STATUS);
	cr_assert_eq(status_read(&r, p[0], &st), E_AGAIN);
	cr_assert_eq(write(p[1], b, 7), 7);
	cr_assert_eq(status_read(&r, p[0], &st), E_AGAIN);
	cr_assert_eq(write(p[1], b + 7, 10), 10);
	cr_assert_eq(status_read(&r, p[0], &st), E_AGAIN);
	cr_assert_eq(st.rx.state, STATUS_EXEC);
	cr_assert_eq(write(p[1], b + 17, n - 17), (ssize_t)(n - 17));
	cr_assert_eq(status_read(&r, p[0], &st), 0);
	cr_assert_eq(st.rx.state, STATUS_FAILED);
	/* Its last word: nothing more is read. */
	cr_assert_eq(status_read(&r, p[0], &st), 0);
	msgreader_free(&r);
	close_fds(p, 2);
}
