/* SPDX-License-Identifier: MIT */
/* Process: several: shared by the programs that link it (Makefile). */
/*
 * Runs in: every process.  Trusts: nothing the peer sends.  Control data
 * is accepted only as SCM_RIGHTS, never truncated, never more descriptors
 * than the reader allows, and exactly the count its frame header declares.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "errors.h"
#include "fdpass.h"

void
fdpass_close_all(int *fds, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (fds[i] >= 0)
			(void)close(fds[i]);
		fds[i] = -1;
	}
}

static int
send_first(int sock, struct iovec *iov, int iovcnt, const int *fds,
    size_t nfds, size_t *sent)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * MSG_MAX_FDS)];
		struct cmsghdr align;
	} u;
	struct msghdr mh;
	struct cmsghdr *c;
	ssize_t n;

	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = iov;
	mh.msg_iovlen = (size_t)iovcnt;
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
	do
		n = sendmsg(sock, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	/* A pipe (a spawner's status): no descriptors, one writev. */
	while (n < 0 && (errno == ENOTSOCK || errno == EINTR) && nfds == 0)
		n = writev(sock, iov, iovcnt);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? E_AGAIN :
		    errno == EPIPE || errno == ECONNRESET ? E_EOF : E_SYS;
	*sent = (size_t)n;
	return 0;
}

/* Write the rest of a frame; the descriptors went with the first byte. */
static int
send_rest(int sock, const uint8_t *hdr, const uint8_t *p, size_t plen,
    size_t done)
{
	struct iovec iov[2];
	size_t total = MSG_HDR_LEN + plen, n;
	int cnt, r;

	while (done < total) {
		cnt = 0;
		if (done < MSG_HDR_LEN) {
			iov[cnt].iov_base = (void *)(uintptr_t)(hdr + done);
			iov[cnt++].iov_len = MSG_HDR_LEN - done;
			iov[cnt].iov_base = (void *)(uintptr_t)p;
			iov[cnt++].iov_len = plen;
		} else {
			iov[cnt].iov_base =
			    (void *)(uintptr_t)(p + (done - MSG_HDR_LEN));
			iov[cnt++].iov_len = total - done;
		}
		if ((r = send_first(sock, iov, cnt, NULL, 0, &n)) != 0)
			return r == E_AGAIN ? E_TRUNCATED : r;
		done += n;
	}
	return 0;
}

int
fdpass_send(int sock, uint16_t type, const struct buf *payload,
    const int *fds, size_t nfds)
{
	uint8_t hdr[MSG_HDR_LEN];
	const uint8_t *p = NULL;
	size_t plen = 0, sent = 0;
	struct iovec iov[2];
	int r;

	if (nfds > MSG_MAX_FDS)
		return E_TOO_MANY_FDS;
	if (payload != NULL) {
		p = payload->d;
		plen = payload->len;
	}
	if (plen > UINT32_MAX)
		return E_TOO_LONG;
	msg_hdr_pack(hdr, type, (uint16_t)nfds, (uint32_t)plen);
	iov[0].iov_base = hdr;
	iov[0].iov_len = sizeof(hdr);
	iov[1].iov_base = (void *)(uintptr_t)p;
	iov[1].iov_len = plen;
	if ((r = send_first(sock, iov, plen > 0 ? 2 : 1, fds, nfds,
	    &sent)) != 0)
		return r;
	return send_rest(sock, hdr, p, plen, sent);
}

void
msgreader_init(struct msgreader *r, size_t max_len, size_t max_fds)
{
	memset(r, 0, sizeof(*r));
	r->max_len = max_len;
	r->max_fds = max_fds > MSG_MAX_FDS ? MSG_MAX_FDS : max_fds;
	buf_init(&r->payload, max_len);
}

void
msgreader_init_pipe(struct msgreader *r, size_t max_len)
{
	msgreader_init(r, max_len, 0);
	r->pipe = 1;
}

void
msgreader_next(struct msgreader *r)
{
	fdpass_close_all(r->fds, r->nfds);
	r->nfds = 0;
	r->got = 0;
	r->have_hdr = 0;
	buf_reset(&r->payload);
}

void
msgreader_free(struct msgreader *r)
{
	msgreader_next(r);
	buf_free(&r->payload);
}

size_t
msgreader_take_fds(struct msgreader *r, int *out)
{
	size_t n = r->nfds;

	memcpy(out, r->fds, n * sizeof(int));
	r->nfds = 0;
	return n;
}

/* Collect SCM_RIGHTS descriptors; anything else is a protocol error. */
static int
take_cmsgs(struct msgreader *r, struct msghdr *mh)
{
	struct cmsghdr *c;
	size_t n;
	int bad = 0;

	for (c = CMSG_FIRSTHDR(mh); c != NULL; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level != SOL_SOCKET ||
		    c->cmsg_type != SCM_RIGHTS || c->cmsg_len < CMSG_LEN(0)) {
			bad = E_BAD_CMSG;
			continue;
		}
		n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		if (n > r->max_fds - r->nfds) {
			/* Cannot happen with our buffer size; close anyway. */
			int tmp[MSG_MAX_FDS];
			memcpy(tmp, CMSG_DATA(c), n * sizeof(int));
			fdpass_close_all(tmp, n);
			bad = E_TOO_MANY_FDS;
			continue;
		}
		memcpy(r->fds + r->nfds, CMSG_DATA(c), n * sizeof(int));
		r->nfds += n;
	}
	if ((mh->msg_flags & MSG_CTRUNC) != 0)
		return E_CTRUNC;
	return bad;
}

/* One recvmsg of at most want bytes into dst, collecting descriptors. */
static int
recv_some(struct msgreader *r, int sock, uint8_t *dst, size_t want,
    size_t *got)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * MSG_MAX_FDS)];
		struct cmsghdr align;
	} u;
	struct iovec iov = { dst, want };
	struct msghdr mh;
	const int is_pipe = r->pipe;	/* (dst may lie inside r) */
	ssize_t n;
	int ret;

	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = u.buf;
	/* Room for what is still allowed: more is truncated, an error. */
	mh.msg_controllen = r->max_fds > r->nfds ?
	    CMSG_SPACE(sizeof(int) * (r->max_fds - r->nfds)) : 0;
	if (mh.msg_controllen == 0)
		mh.msg_control = NULL;
	do
		n = is_pipe ? read(sock, dst, want) :
		    recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	/* A peer that closed with our bytes unread resets the connection:
	 * the end, between frames, as much as a plain close. */
	if (n < 0 && errno == ECONNRESET)
		return r->got == 0 && !r->have_hdr ? E_EOF : E_TRUNCATED;
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? E_AGAIN :
		    E_SYS;
	if (!is_pipe && (ret = take_cmsgs(r, &mh)) != 0)
		return ret;
	*got = (size_t)n;
	return 0;
}

static int
on_header(struct msgreader *r)
{
	int ret;

	if ((ret = msg_hdr_unpack(r->hdr, &r->h)) != 0)
		return ret;
	if (r->h.nfds > r->max_fds)
		return E_TOO_MANY_FDS;
	if (r->h.len > r->max_len)
		return E_TOO_LONG;
	r->have_hdr = 1;
	r->got = 0;
	buf_reset(&r->payload);
	/* The length was checked against the limit just above. */
	return r->h.len > 0 ? buf_reserve(&r->payload, r->h.len) : 0;
}

static int
read_step(struct msgreader *r, int sock)
{
	uint8_t *dst;
	size_t want, n = 0;
	int ret;

	if (!r->have_hdr) {
		dst = r->hdr + r->got;
		want = MSG_HDR_LEN - r->got;
	} else {
		dst = r->payload.d + r->got;
		want = r->h.len - r->got;
	}
	if ((ret = recv_some(r, sock, dst, want, &n)) != 0)
		return ret;
	if (n == 0)
		return r->got == 0 && !r->have_hdr ? E_EOF : E_TRUNCATED;
	r->got += n;
	return 0;
}

int
msgreader_read(struct msgreader *r, int sock)
{
	int ret;

	for (;;) {
		if (r->have_hdr && r->got == r->h.len) {
			if (r->nfds != r->h.nfds) {
				ret = E_FD_COUNT;
				break;
			}
			r->payload.len = r->h.len;
			r->payload.off = 0;
			return 0;
		}
		if ((ret = read_step(r, sock)) != 0)
			break;
		if (!r->have_hdr && r->got == MSG_HDR_LEN &&
		    (ret = on_header(r)) != 0)
			break;
	}
	if (ret != E_AGAIN)
		msgreader_next(r);
	return ret;
}
