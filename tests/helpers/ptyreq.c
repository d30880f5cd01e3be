/* SPDX-License-Identifier: MIT */
/*
 * Test helper: ptyreq SOCKET MODE
 * A minimal client of the protocol's pty mode, for checking the server
 * side without dive's own checks.  Prints the MSG_HELLO flags, sends a
 * request, then one line per answer ("pty", "started", "exited N",
 * "failed STEP", "error CODE"), copying the pty's output to stdout.
 *   MODE pty      REQ_F_PTY, the terminal at 0, 1, 2; runs
 *                 /bin/sh -c 'tty; exit 3'
 *   MODE nopty    no pty, no descriptors; runs /bin/true
 *   MODE pty5     REQ_F_PTY, the terminal at 5 only; runs /bin/true
 *   MODE late     no pty; once the hello is in, prints "hello", receives
 *                 a descriptor on fd 0 (SCM_RIGHTS) and sends it as the
 *                 terminal (DIVE_TERMINAL); runs /bin/true
 */
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "errors.h"
#include "fdpass.h"
#include "msg.h"

static int
connect_to(const char *path)
{
	struct sockaddr_un sa;
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	(void)snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		perror("connect");
		_exit(2);
	}
	return s;
}

static int
next(int s, struct msgreader *rd)
{
	int r;

	msgreader_next(rd);
	while ((r = msgreader_read(rd, s)) == E_AGAIN)
		;
	return r;
}

/* One descriptor from the socket at 0, or -1. */
static int
recv_fd(void)
{
	char c, cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec io = { .iov_base = &c, .iov_len = 1 };
	struct msghdr mh;
	struct cmsghdr *cm;
	int fd = -1;

	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = &io;
	mh.msg_iovlen = 1;
	mh.msg_control = cbuf;
	mh.msg_controllen = sizeof(cbuf);
	if (recvmsg(0, &mh, MSG_CMSG_CLOEXEC) != 1 ||
	    (cm = CMSG_FIRSTHDR(&mh)) == NULL || cm->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(cm), sizeof(fd));
	return fd;
}

static void
request(int s, const char *mode)
{
	static const char *sh[] = { "/bin/sh", "-c", "tty; exit 3", NULL };
	static const char *tru[] = { "/bin/true", NULL };
	struct req_exec r;
	struct buf b;
	int tty = -1;

	memset(&r, 0, sizeof(r));
	r.umask = 022;
	r.argv = strcmp(mode, "pty") == 0 ? sh : tru;
	r.argc = strcmp(mode, "pty") == 0 ? 3 : 1;
	if (strcmp(mode, "nopty") != 0 && strcmp(mode, "late") != 0) {
		r.flags = REQ_F_PTY;
		r.pty.ws = (struct msg_winsize){ 24, 80, 0, 0 };
		if (strcmp(mode, "pty5") == 0) {
			r.pty.nfd = 1;
			r.pty.fdnum[0] = 5;
		} else {
			r.pty.nfd = 3;
			r.pty.fdnum[1] = 1;
			r.pty.fdnum[2] = 2;
		}
	}
	if (strcmp(mode, "late") == 0) {
		printf("hello\n");
		fflush(stdout);
		if ((tty = recv_fd()) < 0)
			_exit(2);
		r.flags = 0;
		r.specials = REQ_SPECIAL_TTY;
	}
	buf_init(&b, MSG_MAX_LEN);
	if (msg_encode_req_exec(&b, &r) != 0 ||
	    fdpass_send(s, MSG_REQ_EXEC, &b, tty >= 0 ? &tty : NULL,
	    tty >= 0 ? 1 : 0) != 0)
		_exit(2);
	buf_free(&b);
}

/* What the pty shows, until it closes. */
static void
copy(int m)
{
	char d[512];
	ssize_t n;

	while ((n = read(m, d, sizeof(d))) > 0)
		(void)!write(1, d, (size_t)n);
	(void)close(m);
}

int
main(int argc, char **argv)
{
	struct msgreader rd;
	struct msg_hello h;
	struct msg_exit ex;
	struct msg_failed f;
	struct msg_error e;
	int s, r = 0, m = -1, done = 0;

	if (argc != 3)
		return 2;
	s = connect_to(argv[1]);
	msgreader_init(&rd, MSG_MAX_SMALL, 1);
	if (next(s, &rd) != 0 || rd.h.type != MSG_HELLO ||
	    msg_decode_hello(&rd.payload, &h) != 0)
		return 2;
	printf("hello flags=%x\n", h.flags & (HELLO_PTY | HELLO_PTY_ONLY));
	request(s, argv[2]);
	while (!done && (r = next(s, &rd)) == 0) {
		if (rd.h.type == MSG_PTY && rd.nfds == 1) {
			(void)msgreader_take_fds(&rd, &m);
			printf("pty %s\n", isatty(m) ? "terminal" : "other");
		} else if (rd.h.type == MSG_STARTED) {
			printf("started\n");
		} else if (rd.h.type == MSG_EXITED &&
		    msg_decode_exit(&rd.payload, &ex) == 0) {
			fflush(stdout);
			if (m >= 0)
				copy(m);
			printf("exited %u\n", ex.value);
			done = 1;
		} else if (rd.h.type == MSG_FAILED &&
		    msg_decode_failed(&rd.payload, &f) == 0) {
			printf("failed %u\n", f.step);
			done = 1;
		} else if (rd.h.type == MSG_ERROR &&
		    msg_decode_error(&rd.payload, &e) == 0) {
			printf("error %u\n", e.code);
			done = 1;
		} else {
			printf("unexpected %u\n", rd.h.type);
		}
		fflush(stdout);
	}
	if (!done)
		printf("end %d\n", r);
	msgreader_free(&rd);
	return 0;
}
