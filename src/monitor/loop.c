/* SPDX-License-Identifier: MIT */
/* Process: the monitor, dived's long-lived root process. */
/*
 * The monitor's event loop: accept, hand connections to the listener
 * master, take validated requests from listeners, fork spawners, relay
 * starts, exits and signals.
 * Runs as: root.  Trusts: SO_PEERCRED, its own children's status pipes.
 * Does not trust: listeners (every message is decoded by msg.c, checked
 * against the session's state and the options, and any violation ends the
 * session).  Never reads a byte from a client and never holds a client's
 * descriptors: they go from the listener straight to the spawner.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "admit.h"
#include "daemon.h"
#include "errors.h"
#include "log.h"
#include "monitor.h"
#include "monitor_msgs.h"
#include "num.h"

static struct session *dead;	/* freed after each batch of events */

/* No exit status is reported: -w, or -D (not our child), or -F. */
static bool
no_wait(const struct ctx *c)
{
	return c->o->no_wait || c->o->children_daemon || c->o->no_fork;
}

static void
ep_add(struct ctx *c, int fd, struct evtag *t)
{
	struct epoll_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.ptr = t;
	if (epoll_ctl(c->ep, EPOLL_CTL_ADD, fd, &ev) != 0)
		fatal_f("epoll_ctl: %s", strerror(errno));
}

/* Forked children may share the file: remove it from epoll explicitly. */
static void
ep_close(struct ctx *c, int *fd)
{
	if (*fd < 0)
		return;
	(void)epoll_ctl(c->ep, EPOLL_CTL_DEL, *fd, NULL);
	(void)close(*fd);
	*fd = -1;
}

static void
session_unlink(struct ctx *c, struct session *s)
{
	if (s->prev != NULL)
		s->prev->next = s->next;
	else
		c->sessions = s->next;
	if (s->next != NULL)
		s->next->prev = s->prev;
	s->next = dead;
	dead = s;
}

static void
session_free(struct session *s)
{
	msgreader_free(&s->rd);
	msgreader_free(&s->srd);
	decide_free(s);
	free(s);
}

/*
 * A spawner still setting up: it may yet execute a program for its
 * client, and it runs as root (with -a, for as long as the command).
 */
static bool
setting_up(const struct session *s)
{
	return s->statusfd >= 0 && s->st.rx.state == STATUS_SETUP;
}

/*
 * Setting up, and nothing on its status pipe yet: it has neither failed
 * nor reached execve (whose frame would be there, unread).
 */
static bool
still_setting_up(const struct session *s)
{
	int n = 0;

	return setting_up(s) && s->srd.got == 0 && !s->srd.have_hdr &&
	    ioctl(s->statusfd, FIONREAD, &n) == 0 && n == 0;
}

/*
 * A session lives until its listener is gone and its child reaped.  Its
 * connection slot is given back once the listener is gone and no spawner
 * of it is setting up: a client that drops its connection cannot have
 * more spawners than slots.
 */
static void
maybe_free(struct ctx *c, struct session *s)
{
	if (s->counted && s->lfd < 0 && !setting_up(s)) {
		s->counted = false;
		creds_release(c, s->peer.uid, s->pk.owner);
	}
	if (s->lfd < 0 && s->statusfd < 0 && s->child == 0)
		session_unlink(c, s);
}

static void
listener_gone(struct ctx *c, struct session *s)
{
	if (s->lfd < 0)
		return;
	ep_close(c, &s->lfd);
	/* Nobody left to start it for: its spawner ends (auth.c ends the
	 * -a command's process group then).  Not yet reaped, so the pid is
	 * still its own. */
	if (s->child > 0 && still_setting_up(s))
		(void)kill(s->child, SIGTERM);
	msgreader_free(&s->rd);
	if (s->state == S_REQUEST) {
		(void)decide_conn(c, &s->peer, s->pk.owner, s->id,
		    s->pol.why != NULL ? s->pol.why :
		    "connection closed before a request");
		s->state = S_ENDED;
	}
	maybe_free(c, s);
}

static void
violation(struct ctx *c, struct session *s, const char *what, int r)
{
	slog(s, LOG_WARNING, "listener protocol violation: %s: %s", what,
	    err_str(r));
	s->pol.why = what;
	listener_gone(c, s);
}

/*
 * A listener that has gone (E_EOF) is not an error here: what it wrote
 * before it went is still to be read, and on_session() ends the session
 * when it reads the end.  Any other failure ends the session now.
 */
static void
to_listener(struct ctx *c, struct session *s, uint16_t type,
    const struct buf *b, int *fd)
{
	int r;

	if (s->lfd >= 0 && (r = fdpass_send(s->lfd, type, b, fd,
	    fd != NULL)) != 0 && r != E_EOF)
		violation(c, s, "cannot write to the listener", r);
}

static void
send_small(struct ctx *c, struct session *s, uint16_t type, struct buf *b)
{
	to_listener(c, s, type, b, NULL);
	buf_free(b);
}

static void
send_failed(struct ctx *c, struct session *s, uint32_t step, int err)
{
	struct msg_failed f = { step, err };
	struct buf b;

	buf_init(&b, MSG_MAX_SMALL);
	if (msg_encode_failed(&b, &f) == 0)
		send_small(c, s, MSG_MON_FAILED, &b);
	else
		buf_free(&b);
	s->state = S_ENDED;
}

/* An accepted request that did not start: its end record, the client. */
static void
start_failed(struct ctx *c, struct session *s, uint32_t step, int err)
{
	struct msg_failed f = { step, err };

	decide_end(c, s, NULL, &f);
	send_failed(c, s, step, err);
}

/* What the plan of s's request is made of, but the policy's decision. */
static void
plan_source(const struct ctx *c, const struct session *s,
    const struct req_exec *req, struct plan_from *pf)
{
	memset(pf, 0, sizeof(*pf));
	pf->o = c->o;
	pf->forced_path = c->su->forced_path;
	pf->daemon_env = c->su->daemon_env;
	pf->nofile_soft = c->su->nofile_soft;
	pf->peer = s->peer;
	/* Its terminal now: the request, and the terminal it carries, are
	 * in; the number read at accept may be another session's since. */
	pf->ctty = s->pk.ctty != 0 ? peer_ctty_now(&s->peer) : 0;
	pf->groups = s->pol.groups;
	pf->ngroups = s->pol.ngroups;
	pf->req = req;
}

static void
spawn(struct ctx *c, struct session *s, const struct req_exec *req)
{
	struct plan_from pf;
	struct exec_plan plan;
	struct spawn_args a;
	struct spawn_handle h;
	struct msg_failed f;
	const char *what;
	struct buf b;
	int err;

	plan_source(c, s, req, &pf);
	if (decide_exec(c, s, &pf, &f) != 0) {	/* the policy, the audit */
		send_failed(c, s, f.step, f.err);
		return;
	}
	/* Decided once: the spawner carries out this plan and nothing else. */
	if (plan_build(&plan, &pf, false) != 0) {
		start_failed(c, s, STEP_ENV, ENOMEM);
		return;
	}
	memset(&a, 0, sizeof(a));
	a.p = &plan;
	a.ns = &c->su->ns;
	/* -F and -D report the start themselves: only they know the pid. */
	a.lfd = c->o->no_fork || c->o->children_daemon ? s->lfd : -1;
	if ((err = spawn_prepare(&a, &h)) != 0) {
		what = "start";
		goto fail;
	}
	/* The listener sends the client's descriptors to the spawner; if it
	 * has gone, the spawner sees the end of its socket and gives up. */
	buf_init(&b, 0);
	s->state = S_SPAWNING;		/* the request is no longer pending */
	to_listener(c, s, MSG_MON_SENDFDS, &b, &h.fdsock);
	if (s->lfd < 0) {	/* it could not take them: the session ended */
		spawn_cancel(&a, &h);
		plan_free(&plan);
		f = (struct msg_failed){ STEP_FORK, EPIPE };
		decide_end(c, s, NULL, &f);
		s->state = S_ENDED;
		return;
	}
	if ((err = spawn_start(&a, &h)) != 0) {
		what = "fork";
		goto fail;
	}
	plan_free(&plan);	/* the spawner has its copy */
	s->child = h.pid;
	s->statusfd = h.statusfd;
	/* Frames as on every channel; a pipe carries no descriptors. */
	msgreader_init_pipe(&s->srd, MSG_MAX_STATUS);
	ep_add(c, s->statusfd, &s->stag);
	return;
 fail:
	plan_free(&plan);
	slog(s, LOG_ERR, "cannot %s a spawner: %s", what, strerror(err));
	start_failed(c, s, STEP_FORK, err);
}

static void
answer_exec(void *cv, void *sv)
{
	struct ctx *c = cv;
	struct session *s = sv;
	struct admit_conf adm;
	struct req_exec req;
	int r;

	if ((r = msg_decode_mon_exec(&s->rd.payload, &req)) != 0) {
		violation(c, s, "malformed request", r);
		return;
	}
	/* The same check as the listener's: it may have lied. */
	adm.flags = c->su->hello_flags;
	adm.max_fds = c->o->max_fds;
	if ((r = admit_request(&req, &adm)) == E_NO_PROGRAM)
		send_failed(c, s, STEP_NO_PROGRAM, 0);
	else if (r != 0)
		violation(c, s, "request the server does not accept", r);
	else {
		slog(s, LOG_INFO, "starting %s", c->o->forced_argc > 0 ?
		    c->su->forced_path : req.argv[0]);
		spawn(c, s, &req);
	}
	req_exec_free(&req);
	/* Answered: from now on only small messages come (an error, a
	 * signal).  The request's buffer, as large as the largest request,
	 * is not kept for as long as the program runs. */
	msgreader_free(&s->rd);
	msgreader_init(&s->rd, MSG_MAX_SMALL, 0);
}

static void
answer_error(void *cv, void *sv)
{
	struct ctx *c = cv;
	struct session *s = sv;
	struct msg_error e;

	if (msg_decode_mon_error(&s->rd.payload, &e) != 0) {
		violation(c, s, "malformed error report", E_BAD_VALUE);
		return;
	}
	slog(s, LOG_NOTICE, "client error: %s", err_str(-(int)e.code));
	s->pol.why = err_str(-(int)e.code);
	listener_gone(c, s);
}

/* "KEY:\tN\t...": N (the first field) in *v; 1, 0 (another key), -1. */
static int
status_field(char *line, const char *key, long long *v)
{
	size_t n = strlen(key);

	if (strncmp(line, key, n) != 0)
		return 0;
	line += n;
	line[strcspn(line, "\t\n")] = '\0';
	return num_parse(line, 0, UINT32_MAX - 1, v) == 0 ? 1 : -1;
}

/* The real uid and gid of process pid, as the kernel shows them. */
static int
proc_ids(pid_t pid, uid_t *uid, gid_t *gid)
{
	char path[40], line[128];
	long long u = -1, g = -1;
	FILE *f;
	int r = 0;

	(void)snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if ((f = fopen(path, "re")) == NULL)
		return -1;
	while (r >= 0 && (u < 0 || g < 0) &&
	    fgets(line, sizeof(line), f) != NULL)
		if ((r = status_field(line, "Uid:\t", &u)) == 0)
			r = status_field(line, "Gid:\t", &g);
	(void)fclose(f);
	if (u < 0 || g < 0)
		return -1;
	*uid = (uid_t)u;
	*gid = (gid_t)g;
	return 0;
}

/*
 * --signals-pgid: to the program's process group, with the program's own
 * identity (its real uid now), never as root: the group may hold
 * processes of other users (one the program started through a
 * set-user-ID program, say), and they get the signal only if the
 * program's user could send it to them.  A child of the monitor that
 * lives for the one kill(2) sends it; on_sigchld() reaps it.
 */
static void
signal_group(pid_t pgid, int sig)
{
	uid_t uid;
	gid_t gid;
	pid_t pid;

	if (proc_ids(pgid, &uid, &gid) != 0)
		return;
	if ((pid = fork()) != 0) {
		if (pid < 0)
			log_warn("cannot fork to deliver a signal: %s",
			    strerror(errno));
		return;
	}
	if (setgroups(0, NULL) != 0 || setresgid(gid, gid, gid) != 0 ||
	    setresuid(uid, uid, uid) != 0)
		_exit(MON_CHILD_FAILED);
	_exit(kill(-pgid, sig) == 0 ? MON_CHILD_OK : MON_CHILD_FAILED);
}

static void
answer_signal(void *cv, void *sv)
{
	struct ctx *c = cv;
	struct session *s = sv;
	struct msg_signal m;

	if (msg_decode_signal(&s->rd.payload, &m) != 0 ||
	    !(c->o->signals || c->o->signals_pgid)) {
		violation(c, s, "bad signal request", E_BAD_SIGNAL);
		return;
	}
	/* Not yet reaped, so the pid (and its group) cannot be reused. */
	if (s->child > 0 && c->o->signals_pgid)
		signal_group(s->child, m.sig);
	else if (s->child > 0)
		(void)kill(s->child, m.sig);
}

static void
answer_user(void *cv, void *sv)
{
	struct ctx *c = cv;
	struct session *s = sv;
	int r;

	if ((r = decide_user(c, s)) != 0)
		violation(c, s, "bad target user", r);
}

static const struct msg_entry from_listener[] = {
	MON_FROM_LISTENER(MSG_HANDLER)
};
static const struct msg_table mon_from_listener = { "listener", "monitor",
	from_listener, sizeof(from_listener) / sizeof(from_listener[0]) };

/* A frame outside the table: one line says which check it failed. */
static void
off_table(struct ctx *c, struct session *s)
{
	slog(s, LOG_WARNING, "listener protocol violation: unexpected "
	    "message: type %u %s", s->rd.h.type, s->rx.why);
	s->pol.why = "unexpected message";
	listener_gone(c, s);
}

static void
on_session(struct ctx *c, struct session *s)
{
	int r;

	if (s->lfd < 0)
		return;
	if ((r = msgreader_read(&s->rd, s->lfd)) == E_AGAIN)
		return;
	if (r == E_EOF) {
		/* Every refusal is reported first: this one was killed, or
		 * could not be started. */
		if (s->state == S_REQUEST)
			slog(s, LOG_WARNING, "the listener ended without "
			    "passing a request");
		listener_gone(c, s);
		return;
	}
	if (r != 0) {
		violation(c, s, "unreadable message", r);
		return;
	}
	s->rx.state = s->state;
	if (msg_dispatch(&mon_from_listener, &s->rx, &s->rd.h, s->rd.fds,
	    s->rd.nfds, c, s) != 0) {
		off_table(c, s);
		return;
	}
	if (s->lfd >= 0)
		msgreader_next(&s->rd);
}

/*
 * The spawner broke the protocol of its status pipe: fail closed, as if
 * it had failed to execute; whatever it was about to do, it does not do
 * it now.  Only while not yet reaped (alive) is the pid still its own.
 */
static void
status_violation(struct ctx *c, struct session *s, int r, bool alive)
{
	const char *why = s->st.rx.why;

	if (why != NULL)	/* off its table */
		slog_uid(s, LOG_WARNING, "spawner protocol violation on its "
		    "status pipe: %s: type %u %s", err_str(r), s->st.type,
		    why);
	else
		slog_uid(s, LOG_WARNING, "spawner protocol violation on its "
		    "status pipe: %s", err_str(r));
	if (alive && s->child > 0)
		(void)kill(s->child, SIGKILL);
	start_failed(c, s, STEP_EXEC, EIO);
}

static void
status_failed(struct ctx *c, struct session *s, const struct msg_failed *f)
{
	char why[128];
	const char *w = spawn_err_str(f, why, sizeof(why));

	slog_uid(s, LOG_NOTICE, "cannot %s%s%s", spawn_step_str(f->step),
	    *w != '\0' ? ": " : "", w);
	start_failed(c, s, f->step, f->err);
}

/* The end of the status pipe after MSG_SPAWN_EXEC: the program runs. */
static void
status_executed(struct ctx *c, struct session *s)
{
	struct msg_started m = { (int32_t)s->child };
	struct buf b;

	s->state = S_RUNNING;
	/* -D: the spawner has told the start itself, and the end of a
	 * detached program is not ours to see. */
	if (c->o->children_daemon)
		decide_end(c, s, NULL, NULL);
	else {
		buf_init(&b, MSG_MAX_SMALL);
		if (msg_encode_started(&b, &m) == 0)
			send_small(c, s, MSG_MON_STARTED, &b);
		else
			buf_free(&b);
	}
}

/*
 * The status pipe, read as every channel is (status_read: its table,
 * MON_FROM_SPAWNER, in msg_dispatch()): MSG_SPAWN_EXEC just before
 * execve, MSG_MON_FAILED if a step fails, then the end.  The end
 * without either: the spawner died before executing the program.
 * alive: s->child is not yet reaped.
 */
static void
on_status(struct ctx *c, struct session *s, bool alive)
{
	int r;

	if ((r = status_read(&s->srd, s->statusfd, &s->st)) == E_AGAIN)
		return;
	ep_close(c, &s->statusfd);
	msgreader_free(&s->srd);
	if (r == 0)
		status_failed(c, s, &s->st.failed);
	else if (r != E_EOF)
		status_violation(c, s, r, alive);
	else if (s->st.rx.state != STATUS_EXEC) {
		slog_uid(s, LOG_WARNING, "the spawner ended before executing "
		    "the program");
		start_failed(c, s, STEP_SETUP_DIED, 0);
	} else {
		status_executed(c, s);
		/* Nothing more to say; listener_gone() frees s if it can. */
		if (no_wait(c) && s->lfd >= 0) {
			listener_gone(c, s);
			return;
		}
	}
	maybe_free(c, s);
}

static void
reaped(struct ctx *c, struct session *s, const siginfo_t *si)
{
	struct msg_exit ex;
	struct buf b;

	if (s->statusfd >= 0)	/* report the start before the end */
		on_status(c, s, false);
	/* -D: this was the spawner, not the program; on_status records. */
	if (!c->o->children_daemon)
		decide_end(c, s, si, NULL);
	s->child = 0;
	ex.how = si->si_code == CLD_EXITED ? EXIT_HOW_EXITED :
	    si->si_code == CLD_DUMPED ? EXIT_HOW_DUMPED : EXIT_HOW_KILLED;
	ex.value = (uint32_t)si->si_status;
	slog_uid(s, LOG_INFO, "program %s %d", ex.how == EXIT_HOW_EXITED ?
	    "exited with" : "killed by signal", si->si_status);
	if (s->state == S_RUNNING && !no_wait(c)) {
		buf_init(&b, MSG_MAX_SMALL);
		if (msg_encode_exit(&b, &ex) == 0)
			send_small(c, s, MSG_MON_EXITED, &b);
		else
			buf_free(&b);
		s->state = S_ENDED;
	}
	/* With -D the spawner ends before the program starts: keep waiting
	 * for the status pipe. */
	maybe_free(c, s);
}

static void
on_sigchld(struct ctx *c)
{
	struct session *s;
	siginfo_t si;

	for (;;) {
		memset(&si, 0, sizeof(si));
		if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG) != 0 ||
		    si.si_pid == 0)
			return;
		if (si.si_pid == c->lm_pid)
			lm_gone(c, &si);
		for (s = c->sessions; s != NULL; s = s->next)
			if (s->child == si.si_pid)
				break;
		if (s != NULL)
			reaped(c, s, &si);
	}
}

static void
on_signalfd(struct ctx *c)
{
	struct signalfd_siginfo si;

	while (read(c->sig_fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGCHLD)
			on_sigchld(c);
		else {
			log_notice("signal %u: shutting down", si.ssi_signo);
			c->stopping = true;
		}
	}
}

/* Refuse a connection before any listener sees it: a fixed answer. */
static void
refuse(int fd, int r)
{
	struct msg_error e = { (uint32_t)-r };
	struct buf b;

	buf_init(&b, MSG_MAX_SMALL);
	if (msg_encode_error(&b, &e) == 0)
		(void)!fdpass_send(fd, MSG_ERROR, &b, NULL, 0);
	buf_free(&b);
}

static void
new_connection(struct ctx *c, int fd)
{
	struct session *s;
	socklen_t len = sizeof(struct ucred);
	struct ucred peer;
	struct peer_kernel pk;
	bool short_of;
	int r;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &len) != 0) {
		log_warn("cannot read a client's credentials: %s",
		    strerror(errno));
		return;
	}
	if ((r = creds_identify(c, fd, &peer, &pk)) != 0) {
		refuse(fd, r);
		return;
	}
	if ((r = creds_admit(c, &peer, pk.owner)) != 0) {
		if (decide_conn(c, &peer, pk.owner, ++c->next_id, err_str(r)))
			log_warn("uid %u%s pid %d: connection refused: %s",
			    (unsigned)peer.uid, creds_owner_str(&peer, &pk),
			    (int)peer.pid, err_str(r));
		refuse(fd, r);
		return;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		creds_release(c, peer.uid, pk.owner);
		refuse(fd, E_RESOURCES);
		return;
	}
	s->id = ++c->next_id;
	s->peer = peer;
	s->pk = pk;
	s->counted = true;
	s->lfd = s->statusfd = -1;
	s->ltag = (struct evtag){ EV_SESSION, s };
	s->stag = (struct evtag){ EV_STATUS, s };
	msgreader_init(&s->rd, c->o->max_bytes + 4096u, 0);
	if ((r = decide_accepted(c, s, fd)) != 0 ||
	    (r = lm_hand_over(c, s, fd)) != 0) {
		short_of = r == E_SYS && (errno == EMFILE || errno == ENFILE ||
		    errno == ENOMEM);
		log_err("uid %u pid %d: cannot %s: %s", (unsigned)peer.uid,
		    (int)peer.pid, r == E_UNAVAILABLE ?
		    "read the client's groups" : "hand the connection to a "
		    "listener", r == E_SYS ? strerror(errno) : err_str(r));
		(void)decide_conn(c, &peer, pk.owner, s->id, short_of ?
		    "server out of resources" : "server unavailable");
		refuse(fd, short_of ? E_RESOURCES : E_UNAVAILABLE);
		creds_release(c, peer.uid, pk.owner);
		session_free(s);
		return;
	}
	s->next = c->sessions;
	if (c->sessions != NULL)
		c->sessions->prev = s;
	c->sessions = s;
	ep_add(c, s->lfd, &s->ltag);
}

/* Accepted with the spare descriptor: refuse it, with the reason. */
static void
refuse_starved(struct ctx *c, int fd)
{
	socklen_t len = sizeof(struct ucred);
	struct ucred peer = { 0, (uid_t)-1, (gid_t)-1 };

	(void)getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &len);
	if (decide_conn(c, &peer, (uid_t)-1, ++c->next_id,
	    err_str(E_RESOURCES)))
		log_warn("uid %u pid %d: connection refused: out of file "
		    "descriptors", (unsigned)peer.uid, (int)peer.pid);
	refuse(fd, E_RESOURCES);
}

/* Not even the spare descriptor helps: stop accepting for a while. */
static void
pause_accept(struct ctx *c)
{
	log_err("accept: %s; accepting again once descriptors are free",
	    strerror(errno));
	(void)epoll_ctl(c->ep, EPOLL_CTL_DEL, c->listen_fd, NULL);
	c->accept_paused = true;
}

static void
resume_accept(struct ctx *c)
{
	if (!c->accept_paused || daemon_spare(&c->spare_fd) != 0)
		return;
	c->accept_paused = false;
	ep_add(c, c->listen_fd, &c->listen_tag);
	log_notice("accepting connections again");
}

static void
on_listen(struct ctx *c)
{
	bool starved;
	int fd;

	for (;;) {
		if ((fd = daemon_accept(c->listen_fd, &c->spare_fd,
		    &starved)) < 0) {
			if (errno == EMFILE || errno == ENFILE)
				pause_accept(c);
			else if (errno != EAGAIN && errno != EWOULDBLOCK)
				log_err("accept: %s", strerror(errno));
			return;
		}
		if (starved)
			refuse_starved(c, fd);
		else
			new_connection(c, fd);
		(void)close(fd);
		if (c->spare_fd < 0)	/* used up taking this one */
			(void)daemon_spare(&c->spare_fd);
		if (c->o->no_fork) {	/* -F: this one client only */
			ep_close(c, &c->listen_fd);
			daemon_unlink_socket(c->dsock);
			return;
		}
	}
}

static void
free_dead(void)
{
	struct session *s;

	while ((s = dead) != NULL) {
		dead = s->next;
		session_free(s);
	}
}

/*
 * Connections still without a request when dived stops are recorded too
 * (within the rate limit, whose counts follow): none ends unrecorded.
 */
static void
record_pending(struct ctx *c)
{
	struct session *s;

	for (s = c->sessions; s != NULL; s = s->next)
		if (s->lfd >= 0 && s->state == S_REQUEST) {
			(void)decide_conn(c, &s->peer, s->pk.owner, s->id,
			    "dived stopped before a request");
			s->state = S_ENDED;
		}
}

void
loop_run(struct ctx *c)
{
	struct epoll_event ev[64];
	struct evtag *t;
	int n, i, wait_ms;

	c->spare_fd = -1;
	if (c->listen_fd >= 0) {
		ep_add(c, c->listen_fd, &c->listen_tag);
		(void)daemon_spare(&c->spare_fd);
	}
	ep_add(c, c->sig_fd, &c->sig_tag);
	ep_add(c, c->lm_fd, &c->lm_tag);
	if (c->inetd_fd >= 0) {
		new_connection(c, c->inetd_fd);
		(void)close(c->inetd_fd);
		c->inetd_fd = -1;
	}
	/* -i and -F serve one client: done once it is. */
	while (!c->stopping && (c->listen_fd >= 0 || c->sessions != NULL)) {
		wait_ms = decide_tick(c, false);	/* counts due */
		if (c->accept_paused && (wait_ms < 0 || wait_ms > 1000))
			wait_ms = 1000;
		if ((n = epoll_wait(c->ep, ev, 64, wait_ms)) < 0) {
			if (errno == EINTR)
				continue;
			fatal_f("epoll_wait: %s", strerror(errno));
		}
		resume_accept(c);
		for (i = 0; i < n; i++) {
			t = ev[i].data.ptr;
			switch (t->kind) {
			case EV_LISTEN:
				on_listen(c);
				break;
			case EV_SIGNAL:
				on_signalfd(c);
				break;
			case EV_LM:
				lm_gone(c, NULL);
				break;
			case EV_SESSION:
				on_session(c, t->s);
				break;
			case EV_STATUS:
				if (t->s->statusfd >= 0)
					on_status(c, t->s, true);
				break;
			}
		}
		free_dead();
	}
	record_pending(c);
	(void)decide_tick(c, true);	/* every count left */
}
