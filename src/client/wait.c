/* SPDX-License-Identifier: MIT */
/* Process: dive, the client (as the caller). */
/*
 * dive: wait for the program, forward signals to it, and end the way it
 * ended.  Runs as: the caller.  Trusts: the server's answers (decoded and
 * range-checked all the same).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "client.h"
#include "client_msgs.h"
#include "errors.h"
#include "fdpass.h"

struct waitstate {
	struct msgreader rd;
	struct msg_rx rx;	/* msg_dispatch(): CL_ANSWERS or CL_PTY_... */
	int sigfd;		/* -1 until the program has started */
	bool sock_open;
	bool have_exit;
	struct msg_exit ex;
	bool warned_ns;
};

/*
 * Signals worth forwarding: everything a user or a terminal sends, not
 * the faults of dive itself nor the ones it cannot catch.
 */
static void
forward_set(sigset_t *set)
{
	static const int sigs[] = { SIGHUP, SIGINT, SIGQUIT, SIGUSR1,
		SIGUSR2, SIGPIPE, SIGALRM, SIGTERM, SIGCONT, SIGTSTP, SIGURG,
		SIGVTALRM, SIGPROF, SIGWINCH, SIGIO, SIGPWR, SIGSTKFLT };
	size_t i;
	int s;

	sigemptyset(set);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(set, sigs[i]);
	for (s = SIGRTMIN; s <= SIGRTMAX; s++)
		sigaddset(set, s);
#ifndef __GLIBC__
	/*
	 * musl (dive's usual libc) keeps signals 32 to 34 for its threads,
	 * of which dive has none, and its sigaddset() refuses them.  Signal
	 * 34 is SIGRTMIN for glibc programs and shells, and dive forwards it
	 * as before: the kernel takes the mask as is, signal n being bit
	 * n - 1 of the first word.
	 */
	set->__bits[0] |= 1UL << (34 - 1);
#endif
}

void
end_like(struct client *c, const struct msg_exit *ex)
{
	struct rlimit none = { 0, 0 };
	sigset_t one;
	int sig = (int)ex->value;

	pty_restore(c);
	if (ex->how == EXIT_HOW_EXITED)
		exit((int)ex->value);
	/* Die by the same signal, so the caller's shell sees it; no core. */
	(void)setrlimit(RLIMIT_CORE, &none);
	(void)signal(sig, SIG_DFL);
	sigemptyset(&one);
	sigaddset(&one, sig);
	(void)sigprocmask(SIG_UNBLOCK, &one, NULL);
	(void)raise(sig);
	exit(DIVE_EXIT_SIGNAL + sig);
}

static void __attribute__((noreturn))
failed(struct client *c, struct buf *p)
{
	struct msg_failed f;
	const char *prog = c->nargs > 0 ? c->args[0] : "the forced command";
	const char *why;
	char buf[128];

	if (msg_decode_failed(p, &f) != 0)
		die(DIVE_EXIT_DROPPED, "malformed answer from the server");
	pty_drain(c);	/* what -a or the program said through the pty */
	if (f.step == STEP_POLICY)
		die(DIVE_EXIT_NOEXEC, "denied by policy: %s",
		    deny_reason_str((uint32_t)f.err));
	if (f.step == STEP_AUDIT)
		die(DIVE_EXIT_DROPPED, "refused: the server cannot record the "
		    "request in its audit log%s%s", f.err != 0 ? ": " : "",
		    f.err != 0 ? strerror(f.err) : "");
	if (f.step == STEP_DENIED)
		die(DIVE_EXIT_DROPPED, "request denied by the server%s%s",
		    f.err != 0 ? ": " : "", f.err != 0 ? strerror(f.err) : "");
	if (f.step == STEP_AUTH)
		die(DIVE_EXIT_DROPPED, "refused by the server's authentication "
		    "(dived -a)");
	if (f.step == STEP_EXEC && f.err == ENOENT)
		die(DIVE_EXIT_DROPPED, "%s: command not found", prog);
	if (f.step == STEP_EXEC)
		die(DIVE_EXIT_NOEXEC, "cannot execute %s: %s", prog,
		    strerror(f.err));
	why = spawn_err_str(&f, buf, sizeof(buf));
	die(DIVE_EXIT_DROPPED, "the server could not %s%s%s",
	    spawn_step_str(f.step), *why != '\0' ? ": " : "", why);
}

/* Pty mode catches its own signals even without forwarding. */
void
hold_signals(struct client *c)
{
	sigset_t set;

	forward_set(&c->fwset);
	if (c->sigfwmode != 0)
		(void)sigprocmask(SIG_BLOCK, &c->fwset, NULL);
	if (c->pty.on) {
		pty_signals(&set);
		(void)sigprocmask(SIG_BLOCK, &set, NULL);
	}
}

/*
 * Watch the signals to forward once the program runs (the server takes
 * none before), and those of pty mode once the master is here; the
 * others stay blocked and pending until then.
 */
static void
watch_signals(struct client *c, struct waitstate *w)
{
	sigset_t set, mine;
	bool fw = c->pid != 0 && c->sigfwmode != 0;

	sigemptyset(&set);
	if (c->pty.master >= 0)
		pty_signals(&set);
	if (fw) {
		mine = set;
		(void)sigorset(&set, &mine, &c->fwset);
	}
	if (!fw && c->pty.master < 0)
		return;
	if ((w->sigfd = signalfd(w->sigfd, &set, SFD_CLOEXEC |
	    SFD_NONBLOCK)) < 0)
		die(DIVE_EXIT_SOCKET, "cannot watch signals: %s",
		    strerror(errno));
}

static void
forward(struct client *c, struct waitstate *w, int sig)
{
	struct msg_signal m = { sig };
	struct buf b;
	pid_t target;

	if (pty_signal(c, sig))
		return;
	if (c->pid == 0 || c->sigfwmode == 0)
		return;		/* caught for pty mode only */
	if (c->hello.flags & HELLO_SIGNALS) {
		buf_init(&b, MSG_MAX_SMALL);
		if (w->sock_open && msg_encode_signal(&b, &m) == 0)
			(void)!fdpass_send(c->sock, MSG_REQ_SIGNAL, &b, NULL,
			    0);
		buf_free(&b);
	} else if (c->same_pidns && c->pid > 0) {
		target = c->sigfwmode == 2 &&
		    !(c->hello.flags & HELLO_NO_SETSID) ? -c->pid : c->pid;
		(void)kill(target, sig);
	} else if (!w->warned_ns) {
		warnx_("cannot forward signals: the server is in another pid "
		    "namespace and does not relay them (dived --signals)");
		w->warned_ns = true;
	}
	if (sig == SIGTSTP)	/* stop with the program, as a job would */
		(void)raise(SIGSTOP);
}

static void
on_signal(struct client *c, struct waitstate *w)
{
	struct signalfd_siginfo si;

	while (read(w->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		forward(c, w, (int)si.ssi_signo);
}

/* Finish once every condition of the wait mode holds. */
static void
maybe_finish(struct client *c, struct waitstate *w)
{
	static const struct msg_exit ok = { EXIT_HOW_EXITED, 0 };

	if (c->waitfd >= 0)
		return;
	if (w->have_exit) {
		pty_drain(c);
		end_like(c, &w->ex);
	}
	if (!w->sock_open) {
		if (c->waitmode == 2)
			end_like(c, &ok);
		die(DIVE_EXIT_DROPPED, "connection to the server dropped "
		    "before the program's exit status arrived");
	}
}

static void __attribute__((noreturn))
malformed(void)
{
	die(DIVE_EXIT_DROPPED, "malformed answer from the server");
}

static void
got_started(void *cv, void *wv)
{
	struct client *c = cv;
	struct waitstate *w = wv;
	struct msg_started m;

	if (msg_decode_started(&w->rd.payload, &m) != 0)
		malformed();
	c->pid = m.pid;
	if (c->waitmode == 1)
		exit(DIVE_EXIT_OK);
	watch_signals(c, w);
}

static void
got_pty(void *cv, void *wv)
{
	struct client *c = cv;
	struct waitstate *w = wv;
	int fd;

	(void)msgreader_take_fds(&w->rd, &fd);	/* one, as the table says */
	pty_start(c, fd);
	watch_signals(c, w);
}

static void
got_exit(void *cv, void *wv)
{
	struct waitstate *w = wv;

	(void)cv;
	if (msg_decode_exit(&w->rd.payload, &w->ex) != 0)
		malformed();
	w->have_exit = true;
}

static void
got_failed(void *cv, void *wv)
{
	struct waitstate *w = wv;

	failed(cv, &w->rd.payload);
}

static void
got_error(void *cv, void *wv)
{
	struct client *c = cv;
	struct waitstate *w = wv;
	struct msg_error e;

	if (msg_decode_error(&w->rd.payload, &e) != 0)
		e.code = (uint32_t)-E_UNAVAILABLE;
	pty_drain(c);
	if (c->pid != 0)
		die(DIVE_EXIT_DROPPED, "lost the server (%s); the program's "
		    "exit status is unknown", err_str(-(int)e.code));
	die(DIVE_EXIT_DROPPED, "request refused by the server: %s",
	    err_str(-(int)e.code));
}

static const struct msg_entry answers_e[] = { CLIENT_ANSWERS(MSG_HANDLER) };
static const struct msg_table answers = { "server", "dive", answers_e,
	sizeof(answers_e) / sizeof(answers_e[0]) };

static void
on_message(struct client *c, struct waitstate *w)
{
	struct msgreader *rd = &w->rd;

	if (msg_dispatch(&answers, &w->rx, &rd->h, rd->fds, rd->nfds, c,
	    w) != 0)
		die(DIVE_EXIT_DROPPED, "malformed answer from the server "
		    "(message %u %s)", rd->h.type, w->rx.why);
}

static void
on_socket(struct client *c, struct waitstate *w)
{
	int r = msgreader_read(&w->rd, c->sock);

	if (r == E_AGAIN)
		return;
	if (r == E_EOF || r == E_TRUNCATED ||
	    (r == E_SYS && errno == ECONNRESET)) {
		w->sock_open = false;
		if (c->pid == 0)
			die(DIVE_EXIT_DROPPED, "connection to the server "
			    "dropped before the program started");
		return;
	}
	if (r != 0)
		die(DIVE_EXIT_DROPPED, "reading from the server: %s",
		    r == E_SYS ? strerror(errno) : err_str(r));
	on_message(c, w);
	msgreader_next(&w->rd);
}

static void
on_waitfd(struct client *c)
{
	char b[64];
	ssize_t n = read(c->waitfd, b, sizeof(b));

	if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) {
		(void)close(c->waitfd);
		c->waitfd = -1;
	}
}

void
wait_program(struct client *c)
{
	struct waitstate w;
	struct pollfd p[3 + PTY_NPOLL];

	memset(&w, 0, sizeof(w));
	w.sigfd = -1;
	w.sock_open = true;
	w.rx.state = c->pty.on ? CL_PTY_ANSWERS : CL_ANSWERS;
	msgreader_init(&w.rd, MSG_MAX_SMALL, c->pty.on ? 1 : 0);
	for (;;) {
		maybe_finish(c, &w);
		p[0] = (struct pollfd){ w.sock_open ? c->sock : -1, POLLIN, 0 };
		p[1] = (struct pollfd){ w.sigfd, POLLIN, 0 };
		p[2] = (struct pollfd){ c->waitfd, POLLIN, 0 };
		pty_poll(c, p + 3);
		if (poll(p, 3 + PTY_NPOLL, -1) < 0) {
			if (errno == EINTR)
				continue;
			die(DIVE_EXIT_SOCKET, "poll: %s", strerror(errno));
		}
		if (p[1].revents != 0)
			on_signal(c, &w);
		pty_events(c, p + 3);
		if (p[0].revents != 0)
			on_socket(c, &w);
		if (p[2].revents != 0)
			on_waitfd(c);
	}
}
