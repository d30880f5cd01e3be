/* SPDX-License-Identifier: MIT */
/*
 * One listener: reads one client's request within the time limit, checks
 * it completely, passes a normalized copy to the monitor, hands the
 * client's descriptors to the spawner when the monitor says so, passes
 * the pty master the spawner sends back on to the client, and relays the
 * session's answers and the client's signals.
 * Runs as: the listener user, sandboxed (no open, exec, socket, connect,
 * kill, ptrace, fork).  Trusts: the monitor.  Does not trust: a single
 * byte or descriptor from the client.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "admit.h"
#include "errors.h"
#include "fdpass.h"
#include "listener.h"
#ifdef DIVE_TEST_HOOKS
#include "forge.h"	/* bin/tests/dived-listener-hooks only */
#include "hooks.h"
#endif

struct lsess {
	const struct lconf *c;
	int cfd, mfd;
	struct msgreader crd, mrd;
	int fds[MSG_MAX_FDS];		/* the client's, until handed over */
	size_t nfds;
	int started;
	int pty;			/* the request asked for a pty */
	int ssock;			/* spawner, until its pty master came */
	struct msgreader srd;
	char user[MSG_MAX_USER + 1];	/* MSG_REQ_USER, or "" */
};

static void
send_code(int fd, uint16_t type, int r)
{
	struct buf b;

	buf_init(&b, MSG_MAX_SMALL);
	if (msg_encode_u32(&b, (uint32_t)-r) == 0)
		(void)!fdpass_send(fd, type, &b, NULL, 0);
	buf_free(&b);
}

/* The client broke the protocol or a limit: tell both sides, and end. */
static void __attribute__((noreturn))
client_error(struct lsess *ls, int r)
{
	if (r == E_SYS || r == E_NOMEM || r == E_AGAIN)
		r = E_UNAVAILABLE;
	send_code(ls->mfd, MSG_MON_ERROR, r);
	send_code(ls->cfd, MSG_ERROR, r);
	_exit(0);
}

static long
ms_left(const struct timespec *deadline)
{
	struct timespec now;

	(void)clock_gettime(CLOCK_MONOTONIC, &now);
	return (deadline->tv_sec - now.tv_sec) * 1000 +
	    (deadline->tv_nsec - now.tv_nsec) / 1000000;
}

static void
send_hello(struct lsess *ls)
{
	const struct lconf *c = ls->c;
	struct msg_hello h = { c->flags, c->max_fds, c->max_bytes,
		c->pidns_dev, c->pidns_ino };
	struct buf b;

	buf_init(&b, MSG_MAX_SMALL);
	if (msg_encode_hello(&b, &h) != 0 ||
	    fdpass_send(ls->cfd, MSG_HELLO, &b, NULL, 0) != 0)
		_exit(0);
	buf_free(&b);
}

/*
 * One frame of the request, before the deadline.  The monitor says
 * nothing meanwhile: anything from it means it has gone.
 */
static void
read_frame(struct lsess *ls, const struct timespec *deadline)
{
	struct pollfd p[2] = { { ls->cfd, POLLIN, 0 }, { ls->mfd, POLLIN, 0 } };
	long left;
	int r;

	for (;;) {
		if ((left = ms_left(deadline)) <= 0)
			client_error(ls, E_TIMEOUT);
		if (poll(p, 2, (int)left) < 0 && errno != EINTR)
			client_error(ls, E_SYS);
		if (p[1].revents != 0)
			client_error(ls, E_UNAVAILABLE);
		if ((r = msgreader_read(&ls->crd, ls->cfd)) != E_AGAIN)
			break;
	}
	if (r == E_TOO_LONG)
		r = E_REQUEST_BYTES;
	if (r != 0)
		client_error(ls, r);
}

/*
 * MSG_REQ_USER: a user to run as, which only a server with a policy
 * takes (the monitor decides whether it is permitted).
 */
static void
read_user(struct lsess *ls)
{
	const char *name;
	int r;

	if (!(ls->c->flags & HELLO_TARGET_USER))
		client_error(ls, E_NO_POLICY);
	if (ls->crd.nfds != 0)
		client_error(ls, E_FD_COUNT);
	if ((r = msg_decode_user(&ls->crd.payload, &name)) != 0)
		client_error(ls, r);
	memcpy(ls->user, name, strlen(name) + 1);
	msgreader_next(&ls->crd);
}

/* The whole request must arrive before the deadline. */
static void
read_request(struct lsess *ls)
{
	struct timespec deadline;

	(void)clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += ls->c->timeout;
	read_frame(ls, &deadline);
	if (ls->crd.h.type == MSG_REQ_USER) {
		read_user(ls);
		read_frame(ls, &deadline);
	}
	if (ls->crd.h.type != MSG_REQ_EXEC)
		client_error(ls, E_BAD_TYPE);
	ls->nfds = msgreader_take_fds(&ls->crd, ls->fds);
}

/* Directories must be directories and the terminal a character device. */
static int
check_kinds(const struct lsess *ls, const struct req_exec *r)
{
	static const uint32_t roles[] = { REQ_SPECIAL_CWD, REQ_SPECIAL_ROOT,
		REQ_SPECIAL_TTY };
	struct stat st;
	size_t i, k = 0;

	for (i = 0; i < 3; i++) {
		if (!(r->specials & roles[i]))
			continue;
		if (fstat(ls->fds[k++], &st) != 0)
			return E_BAD_FD_KIND;
		if (roles[i] == REQ_SPECIAL_TTY ? !S_ISCHR(st.st_mode) :
		    !S_ISDIR(st.st_mode))
			return E_BAD_FD_KIND;
	}
	return 0;
}

/* Order of two entries by name only ("A=1" and "A=2" are equal). */
static int
cmp_name(const char *x, const char *y)
{
	size_t lx = strcspn(x, "="), ly = strcspn(y, "=");
	int c = memcmp(x, y, lx < ly ? lx : ly);

	return c != 0 ? c : (lx > ly) - (lx < ly);
}

/*
 * A stable merge sort of the indices ix[0..n) by name, with tmp as
 * scratch space.  Not qsort(3): glibc's asks sysinfo(2) for the memory
 * size on large arrays, which the sandbox does not allow.
 */
static void
sort_names(const char **envp, uint32_t *ix, uint32_t *tmp, uint32_t n)
{
	uint32_t w, lo, mid, hi, i, j, k;

	for (w = 1; w < n; w *= 2) {
		for (lo = 0; lo < n; lo += 2 * w) {
			mid = lo + w < n ? lo + w : n;
			hi = mid + w < n ? mid + w : n;
			for (i = lo, j = mid, k = lo; k < hi; k++)
				tmp[k] = i < mid && (j >= hi || cmp_name(
				    envp[ix[i]], envp[ix[j]]) <= 0) ?
				    ix[i++] : ix[j++];
		}
		memcpy(ix, tmp, (size_t)n * sizeof(*ix));
	}
}

/*
 * Keep only the first entry of each name, as getenv(3) would see it, so
 * that no later filter can be fooled by a duplicate.
 */
static int
dedup_env(struct req_exec *r)
{
	uint32_t *ix, *drop, i, k = 0;

	if (r->envc < 2)
		return 0;
	if ((ix = reallocarray(NULL, (size_t)r->envc * 2, sizeof(*ix))) ==
	    NULL)
		return E_NOMEM;
	for (i = 0; i < r->envc; i++)
		ix[i] = i;
	sort_names(r->envp, ix, ix + r->envc, r->envc);
	/* The scratch half now marks the entries to drop.  Within a name
	 * the sort kept the original order: all but the first go. */
	drop = ix + r->envc;
	memset(drop, 0, (size_t)r->envc * sizeof(*drop));
	for (i = 1; i < r->envc; i++)
		if (cmp_name(r->envp[ix[i - 1]], r->envp[ix[i]]) == 0)
			drop[ix[i]] = 1;
	for (i = 0; i < r->envc; i++)
		if (!drop[i])
			r->envp[k++] = r->envp[i];
	r->envp[k] = NULL;
	r->envc = k;
	free(ix);
	return 0;
}

/* Decode, check and pass the request on to the monitor, normalized. */
static void
forward_request(struct lsess *ls)
{
	struct admit_conf adm;
	struct req_exec r;
	struct buf b;
	int ret;

	if ((ret = msg_decode_req_exec(&ls->crd.payload,
	    (uint16_t)ls->nfds, &r)) != 0)
		client_error(ls, ret);
#ifdef DIVE_TEST_HOOKS
	hook_request(&r);
#endif
	/* Items the server said (MSG_HELLO) it does not take are refused. */
	adm.flags = ls->c->flags;
	adm.max_fds = ls->c->max_fds;
	if ((ret = admit_request(&r, &adm)) != 0 ||
	    (ret = check_kinds(ls, &r)) != 0 || (ret = dedup_env(&r)) != 0)
		client_error(ls, ret);
#ifdef DIVE_TEST_HOOKS
	/* Acting compromised: what the monitor gets is not what was checked. */
	hook_forge_request(ls->mfd, ls->c->max_fds, &r, ls->fds, &ls->nfds,
	    ls->user);
#endif
	ls->pty = (r.flags & REQ_F_PTY) != 0;
	if (ls->user[0] != '\0') {	/* the user first, then the request */
		buf_init(&b, MSG_MAX_SMALL + MSG_MAX_USER + 8);
		if ((ret = msg_encode_user(&b, ls->user)) != 0 ||
		    (ret = fdpass_send(ls->mfd, MSG_MON_USER, &b, NULL, 0)) != 0)
			client_error(ls, ret == E_EOF ? E_UNAVAILABLE : ret);
		buf_free(&b);
	}
	buf_init(&b, MSG_MAX_LEN + 4096u);
	if ((ret = msg_encode_mon_exec(&b, &r)) != 0 ||
	    (ret = fdpass_send(ls->mfd, MSG_MON_EXEC, &b, NULL, 0)) != 0)
		client_error(ls, ret == E_EOF ? E_UNAVAILABLE : ret);
#ifdef DIVE_TEST_HOOKS
	hook_forge_sent(ls->mfd, &b);
#endif
	buf_free(&b);
	req_exec_free(&r);
	msgreader_free(&ls->crd);
	msgreader_init(&ls->crd, MSG_MAX_SMALL, 0);
}

/*
 * The monitor forked a spawner: give it the client's descriptors.  For a
 * pty, keep the socket: the spawner sends the master back on it.
 */
static void
hand_fds(struct lsess *ls)
{
	int sock;

	if (ls->mrd.nfds != 1 || msgreader_take_fds(&ls->mrd, &sock) != 1)
		_exit(1);
#ifdef DIVE_TEST_HOOKS
	if (hook_hold_fds(sock))
		return;		/* the spawner waits, its socket open */
#endif
	/* The spawner checks the count; on error it reports the failure. */
	(void)!fdpass_send(sock, MSG_SPAWN_FDS, NULL, ls->fds, ls->nfds);
	fdpass_close_all(ls->fds, ls->nfds);
	ls->nfds = 0;
	if (ls->pty && ls->ssock < 0 && fcntl(sock, F_SETFL, O_NONBLOCK) == 0)
		ls->ssock = sock;
	else
		(void)close(sock);
}

/*
 * The spawner's pty master goes to the client as it is (dive relays
 * between it and the caller's terminal; no byte of it passes here).
 * Until then the monitor's answers wait, so that the client has the
 * master before it hears that the program started or ended.  Anything
 * else from the spawner means it failed; the monitor reports that.
 */
static void
on_spawner(struct lsess *ls)
{
	int r = msgreader_read(&ls->srd, ls->ssock), fd;

	if (r == E_AGAIN)
		return;
	if (r == 0 && ls->srd.h.type == MSG_SPAWN_PTY &&
	    ls->srd.h.len == 0 && ls->srd.nfds == 1) {
		(void)msgreader_take_fds(&ls->srd, &fd);
		if (fdpass_send(ls->cfd, MSG_PTY, NULL, &fd, 1) != 0)
			_exit(0);	/* the client is gone */
		(void)close(fd);
	}
	msgreader_free(&ls->srd);
	(void)close(ls->ssock);
	ls->ssock = -1;
}

static void
relay(struct lsess *ls, uint16_t type)
{
	struct buf b;

	buf_view(&b, ls->mrd.payload.d, ls->mrd.payload.len);
	if (fdpass_send(ls->cfd, type, &b, NULL, 0) != 0)
		_exit(0);	/* the client is gone; the monitor sees us go */
}

static void
on_monitor(struct lsess *ls)
{
	int r = msgreader_read(&ls->mrd, ls->mfd);

	if (r == E_AGAIN)
		return;
	/* Without exit statuses, the monitor is done once it started. */
	if (r == E_EOF && ls->started && (ls->c->flags & HELLO_NO_WAIT))
		_exit(0);
	if (r != 0) {
		send_code(ls->cfd, MSG_ERROR, E_UNAVAILABLE);
		_exit(0);
	}
	switch (ls->mrd.h.type) {
	case MSG_MON_SENDFDS:
		hand_fds(ls);
		break;
	case MSG_MON_STARTED:
		relay(ls, MSG_STARTED);
		ls->started = 1;
#ifdef DIVE_TEST_HOOKS
		hook_forge_started(ls->mfd);
#endif
		break;
	case MSG_MON_FAILED:
		relay(ls, MSG_FAILED);
		_exit(0);
	case MSG_MON_EXITED:
		relay(ls, MSG_EXITED);
		_exit(0);
	default:
		_exit(1);
	}
	msgreader_next(&ls->mrd);
}

/* After the request, a client may only forward signals, once started. */
static void
on_client(struct lsess *ls)
{
	struct buf b;
	int32_t sig;
	int r = msgreader_read(&ls->crd, ls->cfd);

	if (r == E_AGAIN)
		return;
	if (r == E_EOF && ls->started)
		_exit(0);	/* the program goes on without its client */
	if (r != 0)
		client_error(ls, r);
	if (ls->crd.h.type != MSG_REQ_SIGNAL || !ls->started ||
	    !(ls->c->flags & HELLO_SIGNALS))
		client_error(ls, E_BAD_TYPE);
	if ((r = msg_decode_i32(&ls->crd.payload, &sig)) != 0)
		client_error(ls, r);
	if (sig < 1 || sig > MSG_SIG_MAX)
		client_error(ls, E_BAD_SIGNAL);
	buf_init(&b, MSG_MAX_SMALL);
	if (msg_encode_i32(&b, sig) != 0 ||
	    fdpass_send(ls->mfd, MSG_MON_SIGNAL, &b, NULL, 0) != 0)
		_exit(0);
	buf_free(&b);
	msgreader_next(&ls->crd);
}

void
listener_serve(const struct lconf *c, const struct msg_session *m, int cfd,
    int mfd)
{
	struct lsess ls;
	struct pollfd p[3];

	(void)m;
	memset(&ls, 0, sizeof(ls));
	ls.c = c;
	ls.cfd = cfd;
	ls.mfd = mfd;
	ls.ssock = -1;
	msgreader_init(&ls.srd, 0, 1);
	if (fcntl(cfd, F_SETFL, O_NONBLOCK) != 0)
		_exit(1);
	msgreader_init(&ls.crd, c->max_bytes, c->max_fds);
	msgreader_init(&ls.mrd, MSG_MAX_SMALL, 1);
	send_hello(&ls);
	read_request(&ls);
	forward_request(&ls);
	for (;;) {
		p[0] = (struct pollfd){ cfd, POLLIN, 0 };
		p[1] = (struct pollfd){ ls.ssock < 0 ? mfd : -1, POLLIN, 0 };
		p[2] = (struct pollfd){ ls.ssock, POLLIN, 0 };
		if (poll(p, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			_exit(1);
		}
		if (p[2].revents != 0)
			on_spawner(&ls);
		else if (p[1].revents != 0)
			on_monitor(&ls);
		if (p[0].revents != 0)
			on_client(&ls);
	}
}
