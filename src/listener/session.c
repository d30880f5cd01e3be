/* SPDX-License-Identifier: MIT */
/* Process: dived-listener (unprivileged, seccomp-confined). */
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
#include "listener_msgs.h"
#ifdef DIVE_TEST_HOOKS
#include "forge.h"	/* bin/tests/dived-listener-hooks only */
#include "hooks.h"
#endif

struct lsess {
	const struct lconf *c;
	int cfd, mfd;
	struct msgreader crd, mrd;
	struct msg_rx crx, mrx;		/* msg_dispatch(): client, monitor */
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
	struct msg_error e = { (uint32_t)-r };
	struct buf b;

	buf_init(&b, MSG_MAX_SMALL);
	if (msg_encode_error(&b, &e) == 0)
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
	_exit(LX_CLIENT_ERROR);
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
		_exit(LX_CLIENT_GONE);
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
take_user(void *lv, void *arg)
{
	struct lsess *ls = lv;
	const char *name;
	int r;

	(void)arg;
	if (!(ls->c->flags & HELLO_TARGET_USER))
		client_error(ls, E_NO_POLICY);
	if ((r = msg_decode_user(&ls->crd.payload, &name)) != 0)
		client_error(ls, r);
	memcpy(ls->user, name, strlen(name) + 1);
}

/* MSG_REQ_EXEC: its descriptors are the listener's until handed over. */
static void
take_request(void *lv, void *arg)
{
	struct lsess *ls = lv;

	(void)arg;
	ls->nfds = msgreader_take_fds(&ls->crd, ls->fds);
	ls->crx.state = LC_WAIT;
}

/* MSG_REQ_SIGNAL: checked, and passed on to the monitor. */
static void
forward_signal(void *lv, void *arg)
{
	struct lsess *ls = lv;
	struct msg_signal m;
	struct buf b;
	int r;

	(void)arg;
	if ((r = msg_decode_signal(&ls->crd.payload, &m)) != 0)
		client_error(ls, r);
	buf_init(&b, MSG_MAX_SMALL);
	if (msg_encode_signal(&b, &m) != 0 ||
	    fdpass_send(ls->mfd, MSG_MON_SIGNAL, &b, NULL, 0) != 0)
		_exit(LX_MONITOR_GONE);
	buf_free(&b);
}

static const struct msg_entry from_client_e[] = {
	LISTENER_FROM_CLIENT(MSG_HANDLER)
};
static const struct msg_table from_client = { "client", "listener",
	from_client_e, sizeof(from_client_e) / sizeof(from_client_e[0]) };

/* A frame from the client, as its table permits, or the end. */
static void
dispatch_client(struct lsess *ls)
{
	int r;

	if ((r = msg_dispatch(&from_client, &ls->crx, &ls->crd.h,
	    ls->crd.fds, ls->crd.nfds, ls, NULL)) != 0)
		client_error(ls, r);
}

/* The whole request must arrive before the deadline. */
static void
read_request(struct lsess *ls)
{
	struct timespec deadline;

	(void)clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += ls->c->timeout;
	for (;;) {
		read_frame(ls, &deadline);
		dispatch_client(ls);
		if (ls->crx.state != LC_REQUEST)
			break;		/* the request, still in crd */
		msgreader_next(&ls->crd);
	}
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
int
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
hand_fds(void *lv, void *arg)
{
	struct lsess *ls = lv;
	int sock;

	(void)arg;
	if (msgreader_take_fds(&ls->mrd, &sock) != 1)	/* as the table says */
		_exit(LX_FAILED);
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
pass_pty(void *lv, void *arg)
{
	struct lsess *ls = lv;
	int fd;

	(void)arg;
	(void)msgreader_take_fds(&ls->srd, &fd);	/* one, as the table says */
	if (fdpass_send(ls->cfd, MSG_PTY, NULL, &fd, 1) != 0)
		_exit(LX_CLIENT_GONE);	/* the client is gone */
	(void)close(fd);
}

static const struct msg_entry from_spawner_e[] = {
	LISTENER_FROM_SPAWNER(MSG_HANDLER)
};
static const struct msg_table from_spawner = { "spawner", "listener",
	from_spawner_e, sizeof(from_spawner_e) / sizeof(from_spawner_e[0]) };

static void
on_spawner(struct lsess *ls)
{
	struct msg_rx rx = { LSP_PTY, 0, NULL };
	int r = msgreader_read(&ls->srd, ls->ssock);

	if (r == E_AGAIN)
		return;
	/* One frame only: anything else, or nothing, and the socket is
	 * closed (its descriptors too); the monitor reports the failure. */
	if (r == 0)
		(void)!msg_dispatch(&from_spawner, &rx, &ls->srd.h,
		    ls->srd.fds, ls->srd.nfds, ls, NULL);
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
		_exit(LX_CLIENT_GONE);	/* the monitor sees us go */
}

static void
relay_started(void *lv, void *arg)
{
	struct lsess *ls = lv;

	(void)arg;
	relay(ls, MSG_STARTED);
	ls->started = 1;
	if (ls->c->flags & HELLO_SIGNALS)
		ls->crx.state = LC_SIGNALS;
#ifdef DIVE_TEST_HOOKS
	hook_forge_started(ls->mfd);
#endif
}

static void
relay_failed(void *lv, void *arg)
{
	(void)arg;
	relay(lv, MSG_FAILED);
	_exit(LX_DONE);
}

static void
relay_exited(void *lv, void *arg)
{
	(void)arg;
	relay(lv, MSG_EXITED);
	_exit(LX_DONE);
}

static const struct msg_entry from_monitor_e[] = {
	LISTENER_FROM_MONITOR(MSG_HANDLER)
};
static const struct msg_table from_monitor = { "monitor", "listener",
	from_monitor_e, sizeof(from_monitor_e) / sizeof(from_monitor_e[0]) };

static void
on_monitor(struct lsess *ls)
{
	int r = msgreader_read(&ls->mrd, ls->mfd);

	if (r == E_AGAIN)
		return;
	/* Without exit statuses, the monitor is done once it started. */
	if (r == E_EOF && ls->started && (ls->c->flags & HELLO_NO_WAIT))
		_exit(LX_DONE);
	if (r != 0) {
		send_code(ls->cfd, MSG_ERROR, E_UNAVAILABLE);
		_exit(LX_MONITOR_GONE);
	}
	/* The monitor is trusted: a frame outside its table is a bug. */
	if (msg_dispatch(&from_monitor, &ls->mrx, &ls->mrd.h, ls->mrd.fds,
	    ls->mrd.nfds, ls, NULL) != 0)
		_exit(LX_FAILED);
	msgreader_next(&ls->mrd);
}

/* After the request, a client may only forward signals, once started. */
static void
on_client(struct lsess *ls)
{
	int r = msgreader_read(&ls->crd, ls->cfd);

	if (r == E_AGAIN)
		return;
	if (r == E_EOF && ls->started)
		_exit(LX_CLIENT_GONE);	/* the program goes on without it */
	if (r != 0)
		client_error(ls, r);
	dispatch_client(ls);
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
	ls.crx.state = LC_REQUEST;
	ls.mrx.state = LMON_ANSWERS;
	msgreader_init(&ls.srd, 0, 1);
	if (fcntl(cfd, F_SETFL, O_NONBLOCK) != 0)
		_exit(LX_FAILED);
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
			_exit(LX_FAILED);
		}
		if (p[2].revents != 0)
			on_spawner(&ls);
		else if (p[1].revents != 0)
			on_monitor(&ls);
		if (p[0].revents != 0)
			on_client(&ls);
	}
}
