/* SPDX-License-Identifier: MIT */
/*
 * Test helper: a hostile dive client.  hostile SOCKET FAMILY [ARGS...]
 * sends a real dived what dive never would, one attack family per
 * subcommand (see usage()).  Each attempt prints one line
 *   NAME PID ANSWER [DETAIL]
 * PID is the connecting process (the one dived's log names); ANSWER is
 * "error 0xNN" (MSG_ERROR), "exited N", "killed N", "dumped N", "failed
 * STEP ERRNO", or "closed"/"reset"/"timeout" when no answer came.  After
 * the answer the server must close the connection, or " +open" follows.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "errors.h"
#include "fdpass.h"
#include "msg.h"
#include "num.h"

#define AUTO		UINT64_MAX
#define MAXMAP		(MSG_MAX_FDS + 4)
#define ANSWER_MS	10000	/* longest wait for an answer */
#define PROBE_MS	3000	/* for the server to drop our descriptors */
#define CAP_MAX		65536	/* program output kept */
#define FD_PROBE	(-2)	/* a copy of the probe pipe's write end */
#define FD_SELF		(-3)	/* the connection itself */
#define STR_COST	(4u + MSG_MAX_STR)	/* largest encoded string */

struct rstr {
	const char *p;		/* bytes sent */
	size_t n;
	uint32_t lenf;		/* the length field sent before them */
};

struct vec {
	struct rstr *v;
	size_t n, cap;
};

enum capmode {
	CAP_NONE,
	CAP_RAW,	/* the program's fd 1, escaped */
	CAP_ENV,	/* env -0 output: only HT_* and DIVE_* entries */
	CAP_CMP,	/* compared with rq.cmp: "identical" or not */
};

/*
 * One attempt: the request (every count and length may lie), the frame
 * around it, the descriptors that go with it and how it is sent.
 */
struct rq {
	uint32_t flags, umask;
	uint64_t specials_f, nfdmap_f, argc_f, envc_f;	/* AUTO: true */
	int special[3];			/* cwd, root, tty; -1: none */
	uint32_t fdnum[MAXMAP];
	int mapfd[MAXMAP];
	size_t nmap;
	struct vec argv, envp;
	size_t trail;			/* zero bytes after the last field */
	char *blob;			/* generated strings, owned */
	uint32_t magic;
	uint16_t type;
	uint64_t nfds_f, len_f;		/* AUTO: true */
	long long len_delta;
	size_t extra;			/* probe copies beyond the request's */
	size_t drop;			/* last ones of those not sent at 0 */
	size_t late, late_at;		/* probe copies sent with that byte */
	bool sig_fd_after;		/* then MSG_REQ_SIGNAL with a copy */
	uint64_t cut;			/* bytes sent (AUTO: all) */
	bool shut;			/* shutdown(SHUT_WR) once sent */
	const uint8_t *raw;		/* send these bytes instead */
	size_t nraw;
	void (*mutate)(uint8_t *, size_t);
	enum capmode cap;
	const char *cmp;
	size_t ncmp;
};

struct frame {
	struct msg_hdr h;
	uint8_t p[MSG_MAX_SMALL];
};

enum rd { RD_OK, RD_EOF, RD_RESET, RD_CUT, RD_TIMEOUT, RD_BAD };

struct capture {
	int fd;
	char *buf;
	size_t len;
};

struct result {
	char ans[96];
	char *detail;		/* owned, "" if none */
	int32_t pid;		/* from MSG_STARTED, 0 if none */
};

static const char *sockpath;
static struct msg_hello hello;
static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static void __attribute__((noreturn))
die(const char *what)
{
	fprintf(stderr, "hostile: %s: %s\n", what, strerror(errno));
	exit(2);
}

static void
must(int r)
{
	if (r != 0) {
		fprintf(stderr, "hostile: cannot encode: %s\n", err_str(r));
		exit(2);
	}
}

static long
now_ms(void)
{
	struct timespec t;

	(void)clock_gettime(CLOCK_MONOTONIC, &t);
	return (long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void
sleep_ms(long ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000 };

	while (nanosleep(&t, &t) != 0 && errno == EINTR)
		;
}

static uint32_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

static int
dial(void)
{
	struct sockaddr_un sa;
	socklen_t len = sizeof(sa);
	size_t n = strlen(sockpath);
	int s;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (n >= sizeof(sa.sun_path))
		return -1;
	memcpy(sa.sun_path, sockpath, n);
	if (sockpath[0] == '@') {
		sa.sun_path[0] = '\0';
		len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
	}
	if ((s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	if (connect(s, (struct sockaddr *)&sa, len) != 0) {
		(void)close(s);
		return -1;
	}
	return s;
}

/* Read exactly n bytes before the deadline. */
static enum rd
read_full(int s, uint8_t *p, size_t n, long deadline)
{
	struct pollfd pf = { s, POLLIN, 0 };
	size_t got = 0;
	ssize_t r;
	long left;

	while (got < n) {
		if ((left = deadline - now_ms()) <= 0)
			return RD_TIMEOUT;
		if (poll(&pf, 1, (int)left) <= 0)
			continue;
		if ((r = recv(s, p + got, n - got, 0)) > 0) {
			got += (size_t)r;
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (got > 0)
			return RD_CUT;
		return r == 0 ? RD_EOF : RD_RESET;
	}
	return RD_OK;
}

static enum rd
read_frame(int s, struct frame *f, long deadline)
{
	uint8_t hdr[MSG_HDR_LEN];
	enum rd r;

	if ((r = read_full(s, hdr, sizeof(hdr), deadline)) != RD_OK)
		return r;
	if (msg_hdr_unpack(hdr, &f->h) != 0 || f->h.len > MSG_MAX_SMALL ||
	    f->h.nfds != 0)
		return RD_BAD;
	r = read_full(s, f->p, f->h.len, deadline);
	return r == RD_EOF || r == RD_RESET ? RD_CUT : r;
}

static int
get_hello(int s)
{
	struct frame f;
	struct buf b;

	if (read_frame(s, &f, now_ms() + ANSWER_MS) != RD_OK ||
	    f.h.type != MSG_HELLO)
		return -1;
	buf_view(&b, f.p, f.h.len);
	return msg_decode_hello(&b, &hello) == 0 ? 0 : -1;
}

/* Describe an answer; returns true when it ends the exchange. */
static bool
describe(const struct frame *f, char *out, size_t len, int32_t *pid)
{
	struct msg_exit ex;
	struct msg_failed fl;
	struct msg_started st;
	struct msg_error e;
	struct buf b;

	buf_view(&b, f->p, f->h.len);
	switch (f->h.type) {
	case MSG_ERROR:
		if (msg_decode_error(&b, &e) != 0)
			break;
		(void)snprintf(out, len, "error 0x%02x", (unsigned)e.code);
		return true;
	case MSG_STARTED:
		if (msg_decode_started(&b, &st) != 0)
			break;
		*pid = st.pid;
		return false;
	case MSG_EXITED:
		if (msg_decode_exit(&b, &ex) != 0)
			break;
		(void)snprintf(out, len, "%s %u", ex.how == EXIT_HOW_EXITED ?
		    "exited" : ex.how == EXIT_HOW_KILLED ? "killed" : "dumped",
		    (unsigned)ex.value);
		return true;
	case MSG_FAILED:
		if (msg_decode_failed(&b, &fl) != 0)
			break;
		(void)snprintf(out, len, "failed %u %d", (unsigned)fl.step,
		    (int)fl.err);
		return true;
	default:
		break;
	}
	(void)snprintf(out, len, "bad answer type 0x%x len %u",
	    (unsigned)f->h.type, (unsigned)f->h.len);
	return true;
}

static void
drain(struct capture *c)
{
	char tmp[4096];
	ssize_t n;

	if ((n = read(c->fd, tmp, sizeof(tmp))) <= 0) {
		if (n == 0 || errno != EINTR) {
			(void)close(c->fd);
			c->fd = -1;
		}
		return;
	}
	if (c->buf != NULL && c->len + (size_t)n <= CAP_MAX) {
		memcpy(c->buf + c->len, tmp, (size_t)n);
		c->len += (size_t)n;
	}
}

/* After the last answer the server must close: EOF or a reset. */
static void
after_answer(int s, char *out, size_t len, long deadline)
{
	struct pollfd pf = { s, POLLIN, 0 };
	size_t l = strlen(out);
	uint8_t b;
	ssize_t n;
	long left;

	for (;;) {
		if ((left = deadline - now_ms()) <= 0 ||
		    poll(&pf, 1, (int)left) == 0) {
			(void)snprintf(out + l, len - l, " +open");
			return;
		}
		if ((n = recv(s, &b, 1, 0)) < 0 && errno == EINTR)
			continue;
		if (n > 0)
			(void)snprintf(out + l, len - l, " +extra");
		return;
	}
}

static void
on_socket(int s, bool *done, bool *open, struct result *res, long deadline)
{
	struct frame f;

	if (*done) {
		after_answer(s, res->ans, sizeof(res->ans), deadline);
		*open = false;
		return;
	}
	switch (read_frame(s, &f, deadline)) {
	case RD_OK:
		*done = describe(&f, res->ans, sizeof(res->ans), &res->pid);
		return;
	case RD_EOF:
		(void)snprintf(res->ans, sizeof(res->ans), "%sclosed",
		    res->pid != 0 ? "started " : "");
		break;
	case RD_RESET:
		(void)snprintf(res->ans, sizeof(res->ans), "reset");
		break;
	case RD_CUT:
		(void)snprintf(res->ans, sizeof(res->ans), "cut frame");
		break;
	case RD_TIMEOUT:
		(void)snprintf(res->ans, sizeof(res->ans), "timeout");
		break;
	case RD_BAD:
		(void)snprintf(res->ans, sizeof(res->ans), "bad frame");
		break;
	}
	*done = true;
	*open = false;
}

/*
 * Read answers until one ends the exchange and the server closes, while
 * collecting the program's output from cap (if any) until its EOF.
 */
static void
get_answer(int s, struct capture *cap, struct result *res)
{
	struct pollfd p[2];
	long deadline = now_ms() + ANSWER_MS, left;
	bool done = false, open = true;

	(void)snprintf(res->ans, sizeof(res->ans), "timeout");
	while (open || (cap != NULL && cap->fd >= 0)) {
		if ((left = deadline - now_ms()) <= 0)
			break;
		p[0] = (struct pollfd){ open ? s : -1, POLLIN, 0 };
		p[1] = (struct pollfd){ cap != NULL ? cap->fd : -1, POLLIN,
		    0 };
		if (poll(p, 2, (int)left) <= 0)
			continue;
		if (p[0].revents != 0)
			on_socket(s, &done, &open, res, deadline);
		if (cap != NULL && p[1].revents != 0)
			drain(cap);
	}
	if (open && done)
		after_answer(s, res->ans, sizeof(res->ans), deadline);
}

/* Send n bytes with nfds descriptors on the first; false once refused. */
static bool
send_part(int s, const uint8_t *p, size_t n, const int *fds, size_t nfds)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * MSG_MAX_FDS)];
		struct cmsghdr align;
	} u;
	struct msghdr mh;
	struct cmsghdr *c;
	struct iovec iov;
	ssize_t w;

	if (nfds > MSG_MAX_FDS)
		return false;
	while (n > 0) {
		memset(&mh, 0, sizeof(mh));
		iov.iov_base = (void *)(uintptr_t)p;
		iov.iov_len = n;
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
		if ((w = sendmsg(s, &mh, MSG_NOSIGNAL)) < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w;
		n -= (size_t)w;
		nfds = 0;
	}
	return true;
}

/* Request building. */

static void
vec_add(struct vec *v, const char *p, size_t n, uint32_t lenf)
{
	struct rstr *nv;

	if (v->n == v->cap) {
		v->cap = v->cap == 0 ? 16 : v->cap * 2;
		if ((nv = reallocarray(v->v, v->cap, sizeof(*nv))) == NULL)
			die("reallocarray");
		v->v = nv;
	}
	v->v[v->n++] = (struct rstr){ p, n, lenf };
}

static void
arg(struct rq *r, const char *s)
{
	vec_add(&r->argv, s, strlen(s) + 1, (uint32_t)strlen(s) + 1);
}

static void
args(struct rq *r, const char *const *v)
{
	for (; *v != NULL; v++)
		arg(r, *v);
}

static void
envs(struct rq *r, const char *const *v)
{
	for (; *v != NULL; v++)
		vec_add(&r->envp, *v, strlen(*v) + 1, (uint32_t)strlen(*v) + 1);
}

static char *
rq_blob(struct rq *r, size_t n)
{
	if (r->blob != NULL || (r->blob = malloc(n)) == NULL)
		die("blob");
	return r->blob;
}

/* A mapped descriptor; numbers are written in the order given. */
static void
map(struct rq *r, uint32_t num, int fd)
{
	if (r->nmap >= MAXMAP)
		return;
	r->fdnum[r->nmap] = num;
	r->mapfd[r->nmap++] = fd;
}

static void
rq_init(struct rq *r)
{
	memset(r, 0, sizeof(*r));
	r->umask = 022;
	r->specials_f = r->nfdmap_f = r->argc_f = r->envc_f = AUTO;
	r->special[0] = r->special[1] = r->special[2] = -1;
	r->magic = MSG_MAGIC;
	r->type = MSG_REQ_EXEC;
	r->nfds_f = r->len_f = r->cut = AUTO;
}

static void
rq_free(struct rq *r)
{
	free(r->argv.v);
	free(r->envp.v);
	free(r->blob);
	rq_init(r);
}

static uint32_t
specials_of(const struct rq *r)
{
	uint32_t sp = 0;
	int i;

	if (r->specials_f != AUTO)
		return (uint32_t)r->specials_f;
	for (i = 0; i < 3; i++)
		if (r->special[i] != -1)
			sp |= 1u << i;
	return sp;
}

static void
put_strs(struct buf *b, const struct vec *v)
{
	size_t i;

	for (i = 0; i < v->n; i++) {
		must(buf_put_u32(b, v->v[i].lenf));
		if (v->v[i].n > 0)
			must(buf_put_bytes(b, v->v[i].p, v->v[i].n));
	}
}

static void
encode(const struct rq *r, struct buf *b)
{
	size_t i;

	buf_init(b, 16u << 20);
	must(buf_put_u32(b, r->flags));
	must(buf_put_u32(b, r->umask));
	must(buf_put_u32(b, specials_of(r)));
	must(buf_put_u32(b, r->nfdmap_f == AUTO ? (uint32_t)r->nmap :
	    (uint32_t)r->nfdmap_f));
	for (i = 0; i < r->nmap; i++)
		must(buf_put_u32(b, r->fdnum[i]));
	must(buf_put_u32(b, r->argc_f == AUTO ? (uint32_t)r->argv.n :
	    (uint32_t)r->argc_f));
	put_strs(b, &r->argv);
	must(buf_put_u32(b, r->envc_f == AUTO ? (uint32_t)r->envp.n :
	    (uint32_t)r->envc_f));
	put_strs(b, &r->envp);
	for (i = 0; i < r->trail; i++)
		must(buf_put_u8(b, 0));
}

/* Add environment entries until the payload is exactly target bytes. */
static void
pad_env(struct rq *r, uint64_t target)
{
	struct buf b;
	size_t size, left, k, base, i, e, off = 0;
	char *blob;
	int n;

	encode(r, &b);
	size = b.len;
	buf_free(&b);
	if (target < size + 64)
		return;
	left = (size_t)(target - size);
	k = (left + STR_COST - 1) / STR_COST;
	base = left / k;
	blob = rq_blob(r, left);
	for (i = 0; i < k; i++) {
		e = base + (i < left % k ? 1 : 0) - 4;	/* with the NUL */
		n = snprintf(blob + off, e, "P%zu=", i);
		memset(blob + off + n, 'x', e - 1 - (size_t)n);
		blob[off + e - 1] = '\0';
		vec_add(&r->envp, blob + off, e, (uint32_t)e);
		off += e;
	}
}

/* Output of a capture: NUL shown as '|', other odd bytes as \xNN. */
static char *
escape(const char *p, size_t n)
{
	char *out, *o;
	size_t i;

	if ((out = malloc(n * 4 + 1)) == NULL)
		die("malloc");
	for (o = out, i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c == '\0')
			*o++ = '|';
		else if (c < 0x20 || c >= 0x7f || c == '\\' || c == '|')
			o += snprintf(o, 5, "\\x%02x", c);
		else
			*o++ = (char)c;
	}
	*o = '\0';
	return out;
}

/* env -0 output: keep the HT_* and DIVE_* entries, in order. */
static char *
env_filter(const char *p, size_t n)
{
	char *keep, *out;
	size_t i = 0, k = 0, l;

	if ((keep = malloc(n + 1)) == NULL)
		die("malloc");
	while (i < n) {
		l = strnlen(p + i, n - i);
		if (strncmp(p + i, "HT_", 3) == 0 ||
		    strncmp(p + i, "DIVE_", 5) == 0) {
			memcpy(keep + k, p + i, l + 1 <= n - i ? l + 1 : l);
			k += l + 1 <= n - i ? l + 1 : l;
		}
		i += l + 1;
	}
	out = escape(keep, k > 0 ? k - 1 : 0);
	free(keep);
	return out;
}

/* What the program wrote, when it ran. */
static char *
detail_of(const struct rq *r, const struct capture *c, int32_t pid)
{
	char *e, *d;
	size_t n;

	if (pid == 0 || c->buf == NULL)
		return strdup("");
	switch (r->cap) {
	case CAP_NONE:
		return strdup("");
	case CAP_ENV:
		e = env_filter(c->buf, c->len);
		break;
	case CAP_CMP:
		if (c->len == r->ncmp && memcmp(c->buf, r->cmp, c->len) == 0)
			return strdup(" identical");
		e = escape(c->buf, c->len);
		n = strlen(e) + 16;
		if ((d = malloc(n)) != NULL)
			(void)snprintf(d, n, " differs [%s]", e);
		free(e);
		return d;
	case CAP_RAW:
	default:
		e = escape(c->buf, c->len);
		break;
	}
	n = strlen(e) + 4;
	if ((d = malloc(n)) != NULL)
		(void)snprintf(d, n, " [%s]", e);
	free(e);
	return d;
}

/* Copies of the probe pipe: the server must drop every one. */
struct fdset {
	int fds[2 * MAXMAP];
	size_t n;
	int owned[2 * MAXMAP];
	size_t nowned;
};

static int
probe_copy(struct fdset *o, int probe)
{
	int fd;

	if ((fd = fcntl(probe, F_DUPFD_CLOEXEC, 0)) < 0)
		die("dup");
	o->owned[o->nowned++] = fd;
	return fd;
}

static bool
needs_probe(const struct rq *r)
{
	size_t i;

	for (i = 0; i < r->nmap; i++)
		if (r->mapfd[i] == FD_PROBE)
			return true;
	return r->extra > 0 || r->late > 0 || r->sig_fd_after;
}

/* The descriptors sent with byte 0: specials, mapped, extra copies. */
static void
collect(const struct rq *r, int s, int probe, struct fdset *o)
{
	size_t i;
	int fd;

	for (i = 0; i < 3; i++)
		if (r->special[i] != -1)
			o->fds[o->n++] = r->special[i] == FD_SELF ? s :
			    r->special[i];
	for (i = 0; i < r->nmap; i++) {
		fd = r->mapfd[i];
		o->fds[o->n++] = fd == FD_PROBE ? probe_copy(o, probe) :
		    fd == FD_SELF ? s : fd;
	}
	for (i = 0; i < r->extra; i++)
		o->fds[o->n++] = probe_copy(o, probe);
	o->n -= r->drop < o->n ? r->drop : o->n;
}

/* The whole frame as bytes; *n gets its length. */
static uint8_t *
frame_bytes(const struct rq *r, size_t nfds, size_t *n)
{
	struct buf b;
	uint8_t *p;
	uint64_t len;

	if (r->raw != NULL) {
		if ((p = malloc(r->nraw + 1)) == NULL)
			die("malloc");
		memcpy(p, r->raw, r->nraw);
		*n = r->nraw;
		return p;
	}
	encode(r, &b);
	len = r->len_f != AUTO ? r->len_f :
	    (uint64_t)((long long)b.len + r->len_delta);
	if ((p = malloc(MSG_HDR_LEN + b.len)) == NULL)
		die("malloc");
	msg_hdr_pack(p, r->type, r->nfds_f != AUTO ? (uint16_t)r->nfds_f :
	    (uint16_t)nfds, (uint32_t)len);
	p[0] = (uint8_t)(r->magic >> 24);
	p[1] = (uint8_t)(r->magic >> 16);
	p[2] = (uint8_t)(r->magic >> 8);
	p[3] = (uint8_t)r->magic;
	if (b.len > 0)
		memcpy(p + MSG_HDR_LEN, b.d, b.len);
	*n = MSG_HDR_LEN + b.len;
	buf_free(&b);
	if (r->mutate != NULL)
		r->mutate(p, *n);
	return p;
}

static void
send_request(int s, const struct rq *r, struct fdset *o, int probe)
{
	int late[MSG_MAX_FDS];
	size_t n, cut, i, at;
	uint8_t *p;

	p = frame_bytes(r, o->n, &n);
	cut = r->cut != AUTO && r->cut < n ? (size_t)r->cut : n;
	at = r->late > 0 && r->late_at < cut ? r->late_at : cut;
	for (i = 0; i < r->late && i < MSG_MAX_FDS; i++)
		late[i] = probe_copy(o, probe);
	if (at > 0 && send_part(s, p, at, o->fds, o->n) && cut > at)
		(void)send_part(s, p + at, cut - at, late, i);
	free(p);
	if (r->sig_fd_after) {
		struct buf b;
		int fd = probe_copy(o, probe);

		buf_init(&b, MSG_MAX_SMALL);
		must(buf_put_i32(&b, SIGTERM));
		(void)!fdpass_send(s, MSG_REQ_SIGNAL, &b, &fd, 1);
		buf_free(&b);
	}
	if (r->shut)
		(void)shutdown(s, SHUT_WR);
}

/* Did the server (and the program) drop every copy of the probe? */
static bool
probe_released(int probe)
{
	struct pollfd pf = { probe, POLLIN, 0 };

	return poll(&pf, 1, PROBE_MS) > 0 && (pf.revents & POLLHUP) != 0;
}

/*
 * Read the greeting on s, send r, read the answer.  res->detail is set
 * (owned by the caller).  Returns false when the server never greeted.
 */
static bool
exchange(int s, struct rq *r, struct result *res)
{
	struct capture cap = { -1, NULL, 0 };
	struct fdset o;
	int probe[2] = { -1, -1 }, cp[2] = { -1, -1 };
	bool held = false;
	size_t i;

	memset(res, 0, sizeof(*res));
	memset(&o, 0, sizeof(o));
	if (get_hello(s) != 0) {
		(void)snprintf(res->ans, sizeof(res->ans), "no greeting");
		res->detail = strdup("");
		return false;
	}
	if (needs_probe(r) && pipe2(probe, O_CLOEXEC) != 0)
		die("pipe");
	if (r->cap != CAP_NONE) {
		if (pipe2(cp, O_CLOEXEC) != 0 ||
		    (cap.buf = malloc(CAP_MAX)) == NULL)
			die("pipe");
		cap.fd = cp[0];
		/* fd 1 goes first among the mapped ones above 1 */
		for (i = r->nmap; i > 0 && r->fdnum[i - 1] > 1; i--) {
			r->fdnum[i] = r->fdnum[i - 1];
			r->mapfd[i] = r->mapfd[i - 1];
		}
		r->fdnum[i] = 1;
		r->mapfd[i] = cp[1];
		r->nmap++;
	}
	collect(r, s, probe[1], &o);
	send_request(s, r, &o, probe[1]);
	fdpass_close_all(o.owned, o.nowned);
	if (cp[1] >= 0)
		(void)close(cp[1]);
	if (probe[1] >= 0)
		(void)close(probe[1]);
	get_answer(s, r->cap != CAP_NONE ? &cap : NULL, res);
	res->detail = detail_of(r, &cap, res->pid);
	if (probe[0] >= 0) {
		held = !probe_released(probe[0]);
		(void)close(probe[0]);
	}
	if (held)
		(void)snprintf(res->ans + strlen(res->ans),
		    sizeof(res->ans) - strlen(res->ans), " held");
	if (cap.fd >= 0)
		(void)close(cap.fd);
	free(cap.buf);
	return true;
}

static void
print_result(const char *name, long pid, const struct result *res)
{
	printf("%s %ld %s%s\n", name, pid, res->ans,
	    res->detail != NULL ? res->detail : "");
	(void)fflush(stdout);
}

/* One attempt in its own process, so that the log names it by pid. */
static void
attempt(const char *name, struct rq *r)
{
	struct result res;
	pid_t pid;
	int st, s;

	(void)fflush(stdout);
	if ((pid = fork()) < 0)
		die("fork");
	if (pid == 0) {
		if ((s = dial()) < 0) {
			printf("%s %ld cannot connect\n", name, (long)getpid());
			_exit(0);
		}
		(void)exchange(s, r, &res);
		print_result(name, (long)getpid(), &res);
		free(res.detail);
		_exit(0);
	}
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
}

/* fields: every header and payload field at 0, the limit, past it. */

enum fld {
	F_BASE, F_MAGIC, F_TYPE, F_NFDS, F_LEN, F_LEN_DELTA, F_LEN_LIMIT,
	F_FLAGS, F_UMASK, F_SPECIALS, F_NFDMAP, F_MAPPED, F_FDNUM, F_FDPAIR,
	F_ARGC, F_ARGS, F_ENVC, F_ENVS, F_STRLEN, F_STRSIZE, F_NO_NUL,
	F_EMB_NUL, F_TRAIL,
};

static const struct fcase {
	const char *name;
	enum fld f;
	long long v;
} fcases[] = {
	{ "base", F_BASE, 0 },
	{ "magic-other", F_MAGIC, 0x12345678 },
	{ "magic-version-2", F_MAGIC, 0x44560002 },
	{ "type-0", F_TYPE, 0 },
	{ "type-hello", F_TYPE, MSG_HELLO },
	{ "type-signal", F_TYPE, MSG_REQ_SIGNAL },
	{ "type-mon-exec", F_TYPE, MSG_MON_EXEC },
	{ "type-ffff", F_TYPE, 0xffff },
	{ "nfds-253-none-sent", F_NFDS, MSG_MAX_FDS },
	{ "nfds-254", F_NFDS, MSG_MAX_FDS + 1 },
	{ "nfds-ffff", F_NFDS, 0xffff },
	{ "len-0", F_LEN, 0 },
	{ "len-limit", F_LEN_LIMIT, 0 },
	{ "len-limit+1", F_LEN_LIMIT, 1 },
	{ "len-ffffffff", F_LEN, 0xffffffff },
	{ "len-short-by-1", F_LEN_DELTA, -1 },
	{ "len-long-by-1", F_LEN_DELTA, 1 },
	{ "flags-1", F_FLAGS, 1 },
	{ "flags-ffffffff", F_FLAGS, 0xffffffff },
	{ "umask-0", F_UMASK, 0 },
	{ "umask-0777", F_UMASK, 0777 },
	{ "umask-01000", F_UMASK, 01000 },
	{ "umask-ffffffff", F_UMASK, 0xffffffff },
	{ "specials-7-none-sent", F_SPECIALS, REQ_SPECIAL_ALL },
	{ "specials-8", F_SPECIALS, 8 },
	{ "specials-ffffffff", F_SPECIALS, 0xffffffff },
	{ "nfdmap-1-none-sent", F_NFDMAP, 1 },
	{ "nfdmap-253", F_MAPPED, MSG_MAX_FDS },
	{ "nfdmap-254", F_NFDMAP, MSG_MAX_FDS + 1 },
	{ "nfdmap-ffffffff", F_NFDMAP, 0xffffffff },
	{ "fdnum-0", F_FDNUM, 0 },
	{ "fdnum-limit", F_FDNUM, MSG_MAX_FDNUM },
	{ "fdnum-limit+1", F_FDNUM, MSG_MAX_FDNUM + 1 },
	{ "fdnum-ffffffff", F_FDNUM, 0xffffffff },
	{ "fdnum-repeated", F_FDPAIR, 5 },
	{ "fdnum-descending", F_FDPAIR, 4 },
	{ "argc-0", F_ARGS, 0 },
	{ "argc-limit", F_ARGS, MSG_MAX_ARGS },
	{ "argc-limit+1", F_ARGS, MSG_MAX_ARGS + 1 },
	{ "argc-ffffffff", F_ARGC, 0xffffffff },
	{ "argc-2-strings-1", F_ARGC, 2 },
	{ "argc-1000-no-bytes", F_ARGC, 1000 },
	{ "envc-limit", F_ENVS, MSG_MAX_ENV },
	{ "envc-limit+1", F_ENVS, MSG_MAX_ENV + 1 },
	{ "envc-ffffffff", F_ENVC, 0xffffffff },
	{ "envc-1-no-bytes", F_ENVC, 1 },
	{ "strlen-0", F_STRLEN, 0 },
	{ "strlen-1", F_STRSIZE, 1 },
	{ "strlen-limit", F_STRSIZE, MSG_MAX_STR },
	{ "strlen-limit+1", F_STRSIZE, MSG_MAX_STR + 1 },
	{ "strlen-ffffffff", F_STRLEN, 0xffffffff },
	{ "strlen-past-end", F_STRLEN, 1000 },
	{ "string-no-nul", F_NO_NUL, 0 },
	{ "string-embedded-nul", F_EMB_NUL, 0 },
	{ "trailing-byte", F_TRAIL, 1 },
};

static void
field_strings(struct rq *r, enum fld f, long long v)
{
	char *blob;
	long long i;

	switch (f) {
	case F_ARGS:
		r->argv.n = 0;
		for (i = 0; i < v; i++)
			vec_add(&r->argv, i == 0 ? "/bin/true" : "",
			    i == 0 ? 10 : 1, i == 0 ? 10 : 1);
		break;
	case F_ENVS:
		blob = rq_blob(r, (size_t)v * 8);
		for (i = 0; i < v; i++) {
			(void)snprintf(blob + i * 8, 8, "V%05x=",
			    (unsigned)i & 0xfffffu);
			vec_add(&r->envp, blob + i * 8, 8, 8);
		}
		break;
	case F_STRLEN:
		vec_add(&r->argv, "abc", 4, (uint32_t)v);
		break;
	case F_STRSIZE:
		blob = rq_blob(r, (size_t)v);
		memset(blob, 'y', (size_t)v - 1);
		blob[v - 1] = '\0';
		vec_add(&r->argv, blob, (size_t)v, (uint32_t)v);
		break;
	case F_NO_NUL:
		vec_add(&r->argv, "abc", 3, 3);
		break;
	case F_EMB_NUL:
		vec_add(&r->argv, "a\0b", 4, 4);
		break;
	case F_BASE: case F_MAGIC: case F_TYPE: case F_NFDS: case F_LEN:
	case F_LEN_DELTA: case F_LEN_LIMIT: case F_FLAGS: case F_UMASK:
	case F_SPECIALS: case F_NFDMAP: case F_MAPPED: case F_FDNUM:
	case F_FDPAIR: case F_ARGC: case F_ENVC: case F_TRAIL:
		break;
	}
}

static void
field_apply(struct rq *r, const struct fcase *c)
{
	uint32_t v = (uint32_t)c->v;
	long long i;

	switch (c->f) {
	case F_MAGIC: r->magic = v; break;
	case F_TYPE: r->type = (uint16_t)v; break;
	case F_NFDS: r->nfds_f = v; break;
	case F_LEN: r->len_f = v; break;
	case F_LEN_DELTA: r->len_delta = c->v; r->shut = true; break;
	case F_LEN_LIMIT: pad_env(r, (uint64_t)hello.max_bytes + v); break;
	case F_FLAGS: r->flags = v; break;
	case F_UMASK: r->umask = v; break;
	case F_SPECIALS: r->specials_f = v; break;
	case F_NFDMAP: r->nfdmap_f = v; break;
	case F_MAPPED:
		for (i = 0; i < c->v; i++)
			map(r, 3 + (uint32_t)i, FD_PROBE);
		break;
	case F_FDNUM: map(r, v, FD_PROBE); break;
	case F_FDPAIR: map(r, 5, FD_PROBE); map(r, v, FD_PROBE); break;
	case F_ARGC: r->argc_f = v; break;
	case F_ENVC: r->envc_f = v; break;
	case F_TRAIL: r->trail = v; break;
	case F_BASE: case F_ARGS: case F_ENVS: case F_STRLEN: case F_STRSIZE:
	case F_NO_NUL: case F_EMB_NUL:
		field_strings(r, c->f, c->v);
		break;
	}
}

static void
fam_fields(void)
{
	struct rq r;
	size_t i;
	int s;

	/* The limits come from the server's greeting. */
	if ((s = dial()) < 0 || get_hello(s) != 0)
		die("greeting");
	(void)close(s);
	for (i = 0; i < sizeof(fcases) / sizeof(fcases[0]); i++) {
		rq_init(&r);
		arg(&r, "/bin/true");
		field_apply(&r, &fcases[i]);
		attempt(fcases[i].name, &r);
		rq_free(&r);
	}
}

/* Simple request families: a table of argv and envp. */

#define V(...)	((const char *const[]){ __VA_ARGS__, NULL })

struct scase {
	const char *name;
	const char *const *argv;	/* NULL: argc 0 */
	const char *const *envp;	/* NULL: none */
	enum capmode cap;
};

static void
run_scases(const struct scase *c, size_t n)
{
	const char *const *a;
	struct rq r;
	char *cmp;
	size_t len, k;

	for (; n > 0; n--, c++) {
		rq_init(&r);
		if (c->argv != NULL)
			args(&r, c->argv);
		if (c->envp != NULL)
			envs(&r, c->envp);
		r.cap = c->cap;
		if (c->cap == CAP_CMP && c->argv != NULL) {
			/* printf '%s\0' ARGS: each argument and a NUL */
			for (len = 0, a = c->argv + 2; *a != NULL; a++)
				len += strlen(*a) + 1;
			cmp = rq_blob(&r, len + 1);
			for (k = 0, a = c->argv + 2; *a != NULL; a++) {
				memcpy(cmp + k, *a, strlen(*a) + 1);
				k += strlen(*a) + 1;
			}
			r.cmp = cmp;
			r.ncmp = len;
		}
		attempt(c->name, &r);
		rq_free(&r);
	}
}

static const struct scase argc0_cases[] = {
	{ "argc-0", NULL, NULL, CAP_NONE },
	{ "argc-0-with-env", NULL, V("HT_A=1"), CAP_NONE },
	{ "argv0-empty", V(""), NULL, CAP_NONE },
	{ "argv0-directory", V("/"), NULL, CAP_NONE },
	{ "argv0-missing", V("/nonexistent/hostile"), NULL, CAP_NONE },
	{ "argv0-no-slash-no-path", V("true"), NULL, CAP_NONE },
};

#define PF	"/usr/bin/printf", "%s\\0"

static const struct scase string_cases[] = {
	{ "backslash", V(PF, "a\\", "\\", "\\\\", "x\\n", "\\0"), NULL,
	    CAP_CMP },
	{ "newline", V(PF, "a\nb", "\n", "end\n", "\r\n"), NULL, CAP_CMP },
	{ "bad-utf8", V(PF, "\xff", "\xc0\x80", "\xed\xa0\x80",
	    "\xf4\x90\x80\x80", "caf\xc3\xa9", "\xe2\x82", "\xfe\xfe\xff"),
	    NULL, CAP_CMP },
	{ "control", V(PF, "\x01\x1b[31m\x7f", "\t", "", " ", "-n", "--",
	    "%s%n%d", "$(id)", "'\"`"), NULL, CAP_CMP },
	{ "argv0-newline", V("/nonexistent\nsession 0: uid 0 pid 1: client "
	    "error: forged"), NULL, CAP_NONE },
};

static const struct scase env_cases[] = {
	{ "no-equals", V("/usr/bin/env", "-0"), V("HT_A"), CAP_ENV },
	{ "empty-name", V("/usr/bin/env", "-0"), V("=x"), CAP_ENV },
	{ "empty-entry", V("/usr/bin/env", "-0"), V(""), CAP_ENV },
	{ "valid-then-no-equals", V("/usr/bin/env", "-0"), V("HT_A=1", "HT_B"),
	    CAP_ENV },
	{ "dup-keys", V("/usr/bin/env", "-0"), V("HT_A=1", "HT_B=x", "HT_A=2",
	    "HT_A=3"), CAP_ENV },
	{ "dup-prefixes", V("/usr/bin/env", "-0"), V("HT_AB=1", "HT_A=2",
	    "HT_A=", "HT_A==3", "HT_ABC=4"), CAP_ENV },
	{ "dup-empty-first", V("/usr/bin/env", "-0"), V("HT_A=", "HT_A=1"),
	    CAP_ENV },
	{ "dive-spoof", V("/usr/bin/env", "-0"), V("DIVE_UID=0", "DIVE_GID=0",
	    "DIVE_PID=1", "DIVE_USER=root", "DIVE_OTHER=1", "DIVE_UID=0"),
	    CAP_ENV },
	{ "odd-bytes", V("/usr/bin/env", "-0"), V("HT_NL=a\nb", "HT_BS=\\",
	    "HT_U=\xff\xfe", "HT_SP= x ", "HT_EQ==="), CAP_ENV },
};

/* 65536 entries of one name: the first one wins. */
static void
env_many(void)
{
	struct rq r;
	char *blob;
	uint32_t i;

	rq_init(&r);
	args(&r, V("/usr/bin/env", "-0"));
	blob = rq_blob(&r, (size_t)MSG_MAX_ENV * 16);
	for (i = 0; i < MSG_MAX_ENV; i++) {
		(void)snprintf(blob + (size_t)i * 16, 16, "HT_A=%x", i);
		envs(&r, (const char *const[]){ blob + (size_t)i * 16, NULL });
	}
	r.cap = CAP_ENV;
	attempt("dup-65536", &r);
	rq_free(&r);
}

/* random N [SEED]: random bytes, and valid frames with bytes flipped. */

static void
flip_payload(uint8_t *p, size_t n)
{
	uint32_t k = 1 + rnd() % 4;

	while (k-- > 0 && n > MSG_HDR_LEN)
		p[MSG_HDR_LEN + rnd() % (n - MSG_HDR_LEN)] ^=
		    (uint8_t)(1 + rnd() % 255);
}

static void
flip_any(uint8_t *p, size_t n)
{
	uint32_t k = 1 + rnd() % 4;

	while (k-- > 0 && n > 0)
		p[rnd() % n] ^= (uint8_t)(1 + rnd() % 255);
}

struct tally {
	char ans[32][96];
	unsigned int count[32];
	size_t n;
};

static void
tally_add(struct tally *t, const char *ans)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (strcmp(t->ans[i], ans) == 0)
			break;
	if (i == t->n) {
		if (t->n == 32)
			return;
		(void)snprintf(t->ans[t->n++], sizeof(t->ans[0]), "%s", ans);
	}
	t->count[i]++;
}

static bool
is_answer(const char *a)
{
	return strncmp(a, "error 0x", 8) == 0 ||
	    strncmp(a, "exited ", 7) == 0 || strncmp(a, "failed ", 7) == 0;
}

static bool
whole_frame(const uint8_t *p, size_t n)
{
	struct msg_hdr h;

	return n >= MSG_HDR_LEN && msg_hdr_unpack(p, &h) == 0 &&
	    h.len == n - MSG_HDR_LEN;
}

static void
fam_random(long long n)
{
	uint8_t bytes[300], big[300], *frame;
	struct result res;
	struct tally t;
	struct rq r;
	long long i, good = 0;
	size_t k, len;
	int s;

	memset(&t, 0, sizeof(t));
	for (i = 0; i < n; i++) {
		rq_init(&r);
		args(&r, V("/bin/true"));
		envs(&r, V("HT_A=1"));
		r.shut = true;
		if (i % 3 == 0) {
			len = rnd() % sizeof(bytes);
			for (k = 0; k < len; k++)
				bytes[k] = (uint8_t)rnd();
			r.raw = bytes;
			r.nraw = len;
		} else {
			r.mutate = i % 3 == 1 ? flip_payload : flip_any;
			frame = frame_bytes(&r, 0, &len);
			len = len < sizeof(big) ? len : sizeof(big);
			memcpy(big, frame, len);
			free(frame);
			r.raw = big;
			r.nraw = len;
			/* A whole frame waits for its answer: no EOF. */
			r.shut = !whole_frame(big, r.nraw);
		}
		if ((s = dial()) < 0)
			die("connect");
		(void)exchange(s, &r, &res);
		(void)close(s);
		tally_add(&t, res.ans);
		if (is_answer(res.ans) && strchr(res.ans, '+') == NULL)
			good++;
		free(res.detail);
		rq_free(&r);
	}
	printf("random %ld answered %lld unanswered %lld\n", (long)getpid(),
	    good, n - good);
	for (k = 0; k < t.n; k++)
		printf("# %s x%u\n", t.ans[k], t.count[k]);
}

static void
print_range(size_t from, size_t to, const char *ans)
{
	if (from == to)
		printf("%zu: %s\n", from, ans);
	else
		printf("%zu-%zu: %s\n", from, to, ans);
}

/* truncate-all: every prefix of a valid request, then EOF. */
static void
fam_truncate(void)
{
	struct result res;
	char prev[96] = "";
	struct rq r;
	size_t total, cut, from = 0;
	int s, dir;

	if ((dir = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		die("/");
	rq_init(&r);
	r.special[0] = dir;
	map(&r, 3, FD_PROBE);
	args(&r, V("/bin/true"));
	envs(&r, V("HT_A=1"));
	{
		uint8_t *p = frame_bytes(&r, 2, &total);
		free(p);
	}
	printf("truncate-all %ld total %zu\n", (long)getpid(), total);
	for (cut = 0; cut <= total; cut++) {
		r.cut = cut;
		r.shut = cut < total;	/* the whole request: wait for it */
		if ((s = dial()) < 0)
			die("connect");
		(void)exchange(s, &r, &res);
		(void)close(s);
		free(res.detail);
		if (cut > 0 && strcmp(res.ans, prev) != 0) {
			print_range(from, cut - 1, prev);
			from = cut;
		}
		(void)snprintf(prev, sizeof(prev), "%s", res.ans);
	}
	print_range(from, total, prev);
	(void)close(dir);
	rq_free(&r);
}

/* eof-after-request: the whole request, then EOF before the start. */
static void
fam_eof(void)
{
	struct rq r;

	rq_init(&r);
	args(&r, V("/bin/true"));
	r.shut = true;
	attempt("complete-then-eof", &r);
	rq_free(&r);
}

/* ctrunc: more descriptors than the header declares or than allowed. */
static void
fam_ctrunc(void)
{
	struct rq r;
	unsigned int m;
	int s;

	if ((s = dial()) < 0 || get_hello(s) != 0)
		die("greeting");
	(void)close(s);
	m = hello.max_fds;
	/* One mapped fd declared everywhere; more sent with byte 0. */
	rq_init(&r);
	args(&r, V("/bin/true"));
	map(&r, 3, FD_PROBE);
	r.extra = m + 1;
	r.nfds_f = 1;
	if (m + 2 <= MSG_MAX_FDS)
		attempt("max+2-on-first-byte", &r);
	else
		printf("max+2-on-first-byte 0 skip\n");
	r.extra = m;
	if (m + 1 <= MSG_MAX_FDS)
		attempt("max+1-on-first-byte", &r);
	else
		printf("max+1-on-first-byte 0 skip\n");
	/* One with byte 0, max more with the first payload byte. */
	r.extra = 0;
	r.late = m;
	r.late_at = MSG_HDR_LEN;
	attempt("max-more-on-payload", &r);
	/* Within the limit, but more than the header says. */
	r.late = 0;
	r.extra = 1;
	attempt("one-more-than-header", &r);
	rq_free(&r);
	/* A valid request, then a signal frame with a descriptor. */
	rq_init(&r);
	args(&r, V("/bin/sleep", "1"));
	r.sig_fd_after = true;
	attempt("fd-after-request", &r);
	rq_free(&r);
}

/* too-many-fds: descriptors counted at the server's limit and past it. */
static void
fam_toomany(void)
{
	struct rq r;
	unsigned int m, i;
	int s, dir;

	if ((s = dial()) < 0 || get_hello(s) != 0)
		die("greeting");
	(void)close(s);
	m = hello.max_fds;
	if ((dir = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		die("/");
	rq_init(&r);
	args(&r, V("/bin/true"));
	r.special[0] = dir;
	for (i = 0; i + 1 < m; i++)
		map(&r, 3 + i, FD_PROBE);
	attempt("cwd-and-max-1-mapped", &r);
	r.nfds_f = m + 1;
	attempt("header-max+1-none-sent", &r);
	/* max + 1 declared and sent; past SCM_MAX_FD, one after the header */
	map(&r, 3 + i, FD_PROBE);
	if (m + 1 > MSG_MAX_FDS) {
		r.drop = 1;
		r.late = 1;
		r.late_at = MSG_HDR_LEN;
	}
	attempt("request-max+1", &r);
	rq_free(&r);
	(void)close(dir);
}

/* fd-kinds: odd descriptors as cwd, root, terminal and mapped fd. */

enum kind {
	K_DIR, K_OPATH_DIR, K_FIFO, K_SOCKET, K_MEMFD, K_OPATH_SOCK, K_PTY,
	K_DEVNULL, K_OPATH_PTY, K_SELF, K_MAX
};

static const char *const kind_name[K_MAX] = {
	"dir", "opath-dir", "fifo", "socket", "memfd", "opath-sock", "pty",
	"devnull", "opath-pty", "self",
};

static const char *const slot_name[4] = { "cwd", "root", "tty", "map" };

/* A descriptor of that kind; *aux is another one to close afterwards. */
static int
open_kind(enum kind k, int slot, const char *fifo, int *aux)
{
	const char *dir = slot == 1 ? "/" : "/etc";
	int sv[2], fd = -1, m;

	*aux = -1;
	switch (k) {
	case K_DIR:
		return open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	case K_OPATH_DIR:
		return open(dir, O_PATH | O_CLOEXEC);
	case K_FIFO:
		return open(fifo, O_RDWR | O_CLOEXEC);
	case K_SOCKET:
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
			return -1;
		*aux = sv[1];
		return sv[0];
	case K_MEMFD:
		return memfd_create("hostile", MFD_CLOEXEC);
	case K_OPATH_SOCK:
		return open(sockpath, O_PATH | O_CLOEXEC);
	case K_DEVNULL:
		return open("/dev/null", O_RDWR | O_CLOEXEC);
	case K_PTY:
	case K_OPATH_PTY:
		if ((m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0 ||
		    grantpt(m) != 0 || unlockpt(m) != 0 || ptsname(m) == NULL)
			return -1;
		fd = open(ptsname(m), (k == K_PTY ? O_RDWR | O_NOCTTY :
		    O_PATH) | O_CLOEXEC);
		*aux = m;
		return fd;
	case K_SELF:
		return FD_SELF;
	case K_MAX:
		break;
	}
	return -1;
}

static void
kind_case(int slot, enum kind k, const char *fifo)
{
	char name[64];
	struct rq r;
	int fd, aux;

	(void)snprintf(name, sizeof(name), "%s-%s", slot_name[slot],
	    kind_name[k]);
	if ((fd = open_kind(k, slot, fifo, &aux)) == -1) {
		printf("%s 0 cannot open: %s\n", name, strerror(errno));
		return;
	}
	rq_init(&r);
	switch (slot) {
	case 0:
		args(&r, V("/bin/pwd"));
		r.cap = CAP_RAW;
		break;
	case 3:
		args(&r, V("/usr/bin/stat", "-L", "-c", "%F",
		    "/proc/self/fd/5"));
		r.cap = CAP_RAW;
		break;
	default:
		args(&r, V("/bin/true"));
		break;
	}
	if (slot < 3)
		r.special[slot] = fd;
	else
		map(&r, 5, fd);
	attempt(name, &r);
	rq_free(&r);
	if (fd >= 0)
		(void)close(fd);
	if (aux >= 0)
		(void)close(aux);
}

static void
fam_kinds(int argc, char **argv)
{
	char tmp[] = "/tmp/hostile.XXXXXX", fifo[64];
	int slot, i;
	enum kind k;

	if (mkdtemp(tmp) == NULL)
		die("mkdtemp");
	(void)snprintf(fifo, sizeof(fifo), "%s/fifo", tmp);
	if (mkfifo(fifo, 0600) != 0)
		die("mkfifo");
	for (slot = 0; slot < 4; slot++) {
		for (i = 0; i < argc; i++)
			if (strcmp(argv[i], slot_name[slot]) == 0)
				break;
		if (argc > 0 && i == argc)
			continue;
		for (k = K_DIR; k < K_MAX; k++)
			kind_case(slot, k, fifo);
	}
	(void)unlink(fifo);
	(void)rmdir(tmp);
}

/* slow: one byte per second, starting half a second in. */
static void
fam_slow(void)
{
	struct pollfd pf;
	struct result res;
	struct rq r;
	size_t n, sent = 0;
	uint8_t *p;
	int s;

	rq_init(&r);
	args(&r, V("/bin/true"));
	p = frame_bytes(&r, 0, &n);
	if ((s = dial()) < 0 || get_hello(s) != 0)
		die("greeting");
	pf = (struct pollfd){ s, POLLIN, 0 };
	sleep_ms(500);
	while (sent < 3 && poll(&pf, 1, 0) == 0) {
		(void)send_part(s, p + sent++, 1, NULL, 0);
		if (poll(&pf, 1, 1000) > 0)
			break;
	}
	memset(&res, 0, sizeof(res));
	get_answer(s, NULL, &res);
	printf("slow %ld %s after %zu bytes\n", (long)getpid(), res.ans, sent);
	free(p);
	rq_free(&r);
}

/* idle: connect and never send; "silent" does not even read. */
static void
idle_one(bool silent)
{
	struct pollfd pf;
	struct result res;
	long deadline = now_ms() + ANSWER_MS;
	int s;

	if ((s = dial()) < 0)
		die("connect");
	memset(&res, 0, sizeof(res));
	if (silent) {
		pf = (struct pollfd){ s, POLLRDHUP, 0 };
		while (poll(&pf, 1, 100) >= 0 && pf.revents == 0 &&
		    now_ms() < deadline)
			;
	}
	if (get_hello(s) != 0)
		(void)snprintf(res.ans, sizeof(res.ans), "no greeting");
	else
		get_answer(s, NULL, &res);
	printf("%s %ld %s\n", silent ? "idle-silent" : "idle-after-greeting",
	    (long)getpid(), res.ans);
	(void)fflush(stdout);
}

static void
fam_idle(void)
{
	pid_t pid[2];
	int i, st;

	(void)fflush(stdout);
	for (i = 0; i < 2; i++) {
		if ((pid[i] = fork()) < 0)
			die("fork");
		if (pid[i] == 0) {
			idle_one(i == 0);
			_exit(0);
		}
		sleep_ms(50);	/* keep the output in order */
	}
	for (i = 0; i < 2; i++)
		while (waitpid(pid[i], &st, 0) < 0 && errno == EINTR)
			;
}

/* hold N: N connections that never send, until the server ends them. */
static void
fam_hold(long long n)
{
	struct frame f;
	struct result res;
	int s[64], ok[64];
	long long i;
	long pid = (long)getpid();

	if (n > 64)
		n = 64;
	for (i = 0; i < n; i++) {
		ok[i] = 0;
		if ((s[i] = dial()) < 0) {
			printf("conn%lld %ld cannot connect\n", i + 1, pid);
			continue;
		}
		memset(&res, 0, sizeof(res));
		if (read_frame(s[i], &f, now_ms() + ANSWER_MS) != RD_OK)
			(void)snprintf(res.ans, sizeof(res.ans), "closed");
		else if (f.h.type == MSG_HELLO) {
			(void)snprintf(res.ans, sizeof(res.ans), "greeted");
			ok[i] = 1;
		} else
			(void)describe(&f, res.ans, sizeof(res.ans), &res.pid);
		printf("conn%lld %ld %s\n", i + 1, pid, res.ans);
	}
	(void)fflush(stdout);
	for (i = 0; i < n; i++) {
		if (!ok[i])
			continue;
		memset(&res, 0, sizeof(res));
		get_answer(s[i], NULL, &res);
		printf("end%lld %ld %s\n", i + 1, pid, res.ans);
	}
}

/* signals [SIGNO...]: MSG_REQ_SIGNAL after MSG_STARTED. */

enum sigmode {
	SM_PLAIN, SM_STOP, SM_EARLY, SM_TRAILING, SM_FD, SM_LONG, SM_REEXEC
};

static bool
send_sig(int s, int32_t sig, enum sigmode m, int fd)
{
	struct buf b;
	bool ok;
	int r;

	buf_init(&b, 256);
	must(buf_put_i32(&b, sig));
	if (m == SM_TRAILING)
		must(buf_put_u32(&b, 0));
	while (m == SM_LONG && b.len <= MSG_MAX_SMALL)
		must(buf_put_u8(&b, 0));
	r = fdpass_send(s, MSG_REQ_SIGNAL, &b, &fd, m == SM_FD ? 1 : 0);
	ok = r == 0;
	buf_free(&b);
	return ok;
}

/* The program's state letter from /proc, or '?' when it is gone. */
static char
proc_state(int32_t pid)
{
	char path[64], line[512], *p;
	FILE *f;

	(void)snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((f = fopen(path, "re")) == NULL)
		return '?';
	p = fgets(line, sizeof(line), f);
	(void)fclose(f);
	if (p == NULL || (p = strrchr(line, ')')) == NULL || p[1] == '\0')
		return '?';
	return p[2];
}

static bool
wait_state(int32_t pid, bool stopped)
{
	int i;

	for (i = 0; i < 100; i++) {
		if ((proc_state(pid) == 'T') == stopped)
			return true;
		sleep_ms(20);
	}
	return false;
}

/* Kill what a refused client left running, if it is still our sleep. */
static void
reap_program(int32_t pid)
{
	char path[64], comm[32] = "";
	FILE *f;

	if (pid <= 0)
		return;
	(void)snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	if ((f = fopen(path, "re")) == NULL)
		return;
	if (fgets(comm, sizeof(comm), f) != NULL &&
	    strcmp(comm, "sleep\n") == 0)
		(void)kill(pid, SIGKILL);
	(void)fclose(f);
}

/* Returns whether the answer is still to be read. */
static bool
sig_exchange(int s, int32_t sig, enum sigmode m, char *pre, size_t len,
    struct result *res)
{
	struct frame f;
	struct buf b;
	struct rq r;

	rq_init(&r);
	if (m == SM_EARLY)
		args(&r, V("/bin/true"));
	else
		args(&r, V("/bin/sleep", "5"));
	encode(&r, &b);
	if (fdpass_send(s, MSG_REQ_EXEC, &b, NULL, 0) != 0)
		die("send");
	buf_free(&b);
	rq_free(&r);
	if (m == SM_EARLY) {
		(void)send_sig(s, sig, m, -1);
		return true;
	}
	if (read_frame(s, &f, now_ms() + ANSWER_MS) != RD_OK) {
		(void)snprintf(res->ans, sizeof(res->ans), "no answer");
		return false;
	}
	if (describe(&f, res->ans, sizeof(res->ans), &res->pid))
		return false;
	if (m == SM_REEXEC) {
		rq_init(&r);
		args(&r, V("/bin/true"));
		encode(&r, &b);
		(void)!fdpass_send(s, MSG_REQ_EXEC, &b, NULL, 0);
		buf_free(&b);
		rq_free(&r);
		return true;
	}
	(void)send_sig(s, sig, m, m == SM_FD ? s : -1);
	if (m != SM_STOP)
		return true;
	(void)snprintf(pre, len, "%s ", wait_state(res->pid, true) ?
	    "stopped" : "not-stopped");
	(void)send_sig(s, SIGCONT, SM_PLAIN, -1);
	(void)snprintf(pre + strlen(pre), len - strlen(pre), "%s ",
	    wait_state(res->pid, false) ? "continued" : "still-stopped");
	(void)send_sig(s, SIGTERM, SM_PLAIN, -1);
	return true;
}

static void
sig_case(const char *name, int32_t sig, enum sigmode m)
{
	struct result res;
	char pre[64] = "";
	pid_t pid;
	int s, st;

	(void)fflush(stdout);
	if ((pid = fork()) < 0)
		die("fork");
	if (pid == 0) {
		if ((s = dial()) < 0 || get_hello(s) != 0)
			die("greeting");
		memset(&res, 0, sizeof(res));
		if (sig_exchange(s, sig, m, pre, sizeof(pre), &res))
			get_answer(s, NULL, &res);
		reap_program(res.pid);
		printf("%s %ld %s%s\n", name, (long)getpid(), pre, res.ans);
		(void)fflush(stdout);
		_exit(0);
	}
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
}

static void
fam_signals(int argc, char **argv)
{
	static const int32_t def[] = { 0, 9, 19, 64, 65, -1 };
	char name[32];
	long long v;
	int i;

	if (argc > 0) {
		for (i = 0; i < argc; i++) {
			if (num_parse(argv[i], INT32_MIN, INT32_MAX, &v) != 0)
				die("signal number");
			(void)snprintf(name, sizeof(name), "sig%lld", v);
			sig_case(name, (int32_t)v, SM_PLAIN);
		}
		return;
	}
	for (i = 0; i < (int)(sizeof(def) / sizeof(def[0])); i++) {
		(void)snprintf(name, sizeof(name), "sig%d", (int)def[i]);
		sig_case(name, def[i], def[i] == SIGSTOP ? SM_STOP : SM_PLAIN);
	}
	sig_case("sig-before-started", SIGTERM, SM_EARLY);
	sig_case("sig-trailing-bytes", SIGTERM, SM_TRAILING);
	sig_case("sig-with-fd", SIGTERM, SM_FD);
	sig_case("sig-too-long", SIGTERM, SM_LONG);
	sig_case("second-request", 0, SM_REEXEC);
}

/* passfd U1 U2: U1 connects, U2 sends the request on that socket. */

static void
become(const char *user)
{
	struct passwd *pw;

	if ((pw = getpwnam(user)) == NULL)
		die(user);
	if (setgroups(0, NULL) != 0 || setgid(pw->pw_gid) != 0 ||
	    setuid(pw->pw_uid) != 0)
		die("setuid");
}

static int
recv_fd(int sock)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr mh;
	struct cmsghdr *c;
	struct iovec iov;
	char b;
	int fd = -1;

	memset(&mh, 0, sizeof(mh));
	iov.iov_base = &b;
	iov.iov_len = 1;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = u.buf;
	mh.msg_controllen = sizeof(u.buf);
	if (recvmsg(sock, &mh, MSG_CMSG_CLOEXEC) != 1 ||
	    (c = CMSG_FIRSTHDR(&mh)) == NULL || c->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(c), sizeof(fd));
	return fd;
}

static void
fam_passfd(const char *u1, const char *u2)
{
	struct result res;
	struct rq r;
	pid_t a, b;
	int sv[2], fd, st;
	uint8_t one = 1;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
		die("socketpair");
	(void)fflush(stdout);
	if ((a = fork()) < 0)
		die("fork");
	/* U1's process stays until the request is answered: dived
	 * identifies a client by its connecting process, and refuses one
	 * whose process is gone before the connection is accepted. */
	if (a == 0) {
		(void)close(sv[0]);
		become(u1);
		if ((fd = dial()) < 0)
			die("connect");
		if (!send_part(sv[1], &one, 1, &fd, 1))
			_exit(1);
		(void)close(fd);
		(void)!read(sv[1], &one, 1);	/* until the parent is done */
		_exit(0);
	}
	(void)close(sv[1]);
	if ((fd = recv_fd(sv[0])) < 0)
		die("receive");
	if ((b = fork()) < 0)
		die("fork");
	if (b == 0) {
		become(u2);
		rq_init(&r);
		args(&r, V("/bin/sh", "-c",
		    "echo \"$(id -u) $DIVE_UID $DIVE_USER $DIVE_PID\""));
		r.cap = CAP_RAW;
		(void)exchange(fd, &r, &res);
		print_result("passfd", (long)a, &res);
		_exit(0);
	}
	(void)close(fd);
	while (waitpid(b, &st, 0) < 0 && errno == EINTR)
		;
	(void)close(sv[0]);
	while (waitpid(a, &st, 0) < 0 && errno == EINTR)
		;
}

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr,
	    "usage: hostile SOCKET FAMILY [ARGS...]\n"
	    "  random N [SEED]   random bytes and corrupted valid frames\n"
	    "  truncate-all      every prefix of a valid request, then EOF\n"
	    "  eof-after-request a whole request, then EOF at once\n"
	    "  fields            every header and payload field at 0, at\n"
	    "                    its limit, one past it and 0xffffffff\n"
	    "  argc0             no program, odd program names\n"
	    "  strings           odd bytes in arguments: must arrive as is\n"
	    "  env               malformed and duplicated environment\n"
	    "  env-many          65536 entries of one name\n"
	    "  too-many-fds      descriptor counts at and past the limit\n"
	    "  ctrunc            more descriptors than declared or allowed\n"
	    "  fd-kinds [SLOT..] odd descriptors as cwd, root, tty, map\n"
	    "  slow              one byte per second\n"
	    "  idle              connect and never send\n"
	    "  hold N            N idle connections at once\n"
	    "  signals [SIG..]   bad MSG_REQ_SIGNAL after MSG_STARTED\n"
	    "  passfd U1 U2      U1 connects, U2 sends the request\n");
	exit(2);
}

static long long
num_arg(const char *s, long long min, long long max)
{
	long long v;

	if (num_parse(s, min, max, &v) != 0)
		usage();
	return v;
}

int
main(int argc, char **argv)
{
	const char *fam;

	if (argc < 3)
		usage();
	sockpath = argv[1];
	fam = argv[2];
	(void)signal(SIGPIPE, SIG_IGN);
	if (strcmp(fam, "random") == 0 && argc >= 4) {
		if (argc > 4)
			rng ^= (uint64_t)num_arg(argv[4], 1, INT32_MAX) << 20;
		fam_random(num_arg(argv[3], 1, 100000));
	} else if (strcmp(fam, "truncate-all") == 0)
		fam_truncate();
	else if (strcmp(fam, "eof-after-request") == 0)
		fam_eof();
	else if (strcmp(fam, "fields") == 0)
		fam_fields();
	else if (strcmp(fam, "argc0") == 0)
		run_scases(argc0_cases, sizeof(argc0_cases) /
		    sizeof(argc0_cases[0]));
	else if (strcmp(fam, "strings") == 0)
		run_scases(string_cases, sizeof(string_cases) /
		    sizeof(string_cases[0]));
	else if (strcmp(fam, "env") == 0)
		run_scases(env_cases, sizeof(env_cases) / sizeof(env_cases[0]));
	else if (strcmp(fam, "env-many") == 0)
		env_many();
	else if (strcmp(fam, "too-many-fds") == 0)
		fam_toomany();
	else if (strcmp(fam, "ctrunc") == 0)
		fam_ctrunc();
	else if (strcmp(fam, "fd-kinds") == 0)
		fam_kinds(argc - 3, argv + 3);
	else if (strcmp(fam, "slow") == 0)
		fam_slow();
	else if (strcmp(fam, "idle") == 0)
		fam_idle();
	else if (strcmp(fam, "hold") == 0 && argc == 4)
		fam_hold(num_arg(argv[3], 1, 64));
	else if (strcmp(fam, "signals") == 0)
		fam_signals(argc - 3, argv + 3);
	else if (strcmp(fam, "passfd") == 0 && argc == 5)
		fam_passfd(argv[3], argv[4]);
	else
		usage();
	return 0;
}
