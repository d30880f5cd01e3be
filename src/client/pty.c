/* SPDX-License-Identifier: MIT */
/* Process: dive, the client (as the caller). */
/*
 * dive: pty mode.  The program gets a new pseudo-terminal in place of
 * the caller's terminal, and dive relays between the two: the caller's
 * terminal in raw mode (always put back as it was), the window size at
 * the start and on every SIGWINCH, end of input both ways.  The caller's
 * terminal never reaches the program, so nothing it does (TIOCSTI,
 * TIOCSCTTY, reading keystrokes) can touch the caller's session.
 * Runs as: the caller.  Trusts: the server's MSG_HELLO and its master
 * (checked to be a terminal).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "client.h"

/* Most a program's leftovers are read after it ended (a job of its that
 * still writes could go on for ever). */
#define DRAIN_MAX	262144u	/* 256 KiB */

/* Whether fd was open when dive started (the caller's descriptors). */
static bool
callers(const struct client *c, int fd)
{
	size_t i;

	for (i = 0; i < c->nfds && c->fds[i] <= fd; i++)
		if (c->fds[i] == fd)
			return true;
	return false;
}

bool
pty_replaced(const struct client *c, int fd)
{
	size_t i;

	for (i = 0; i < c->pty.nfd; i++)
		if (c->pty.fdnum[i] == (uint32_t)fd)
			return true;
	return false;
}

static void
add_num(struct ptystate *p, int fd)
{
	if (p->nfd < MSG_MAX_FDS)
		p->fdnum[p->nfd++] = (uint32_t)fd;
}

/*
 * The numbers that get the pty: each of the caller's terminals, and
 * with DIVE_PTY=1 also 0, 1 and 2 whatever they are (as ssh -tt).  With
 * dived -O the server puts it at 0, 1 and 2 itself.
 */
static void
choose_fds(struct client *c, bool force)
{
	struct ptystate *p = &c->pty;
	bool nofds = (c->hello.flags & HELLO_NO_FDS) != 0;
	static const int order[] = { 1, 2, 0 };
	size_t i;
	int fd;

	for (fd = 0; fd < 3 && !nofds; fd++)
		if (force || (callers(c, fd) && isatty(fd)))
			add_num(p, fd);
	for (i = 0; i < c->nfds && !nofds; i++)
		if (c->fds[i] > 2 && isatty(c->fds[i]))
			add_num(p, c->fds[i]);
	/* What dive relays: its own 0 in, the first of 1, 2, 0 out. */
	if (callers(c, 0) && (nofds || pty_replaced(c, 0)))
		p->infd = 0;
	for (i = 0; i < 3 && p->outfd < 0; i++)
		if (callers(c, order[i]) && (nofds ||
		    pty_replaced(c, order[i])))
			p->outfd = order[i];
	if (p->outfd < 0 && p->nfd > 0)
		p->outfd = (int)p->fdnum[0];
	if (p->infd >= 0 && isatty(p->infd))
		p->ttyfd = p->infd;
	for (fd = 0; fd < 3 && p->sizefd < 0; fd++)
		if (callers(c, fd) && isatty(fd))
			p->sizefd = fd;
}

void
pty_decide(struct client *c)
{
	struct ptystate *p = &c->pty;
	uint32_t fl = c->hello.flags;
	bool force = c->ptymode == 1, only = (fl & HELLO_PTY_ONLY) != 0;

	p->master = p->infd = p->outfd = p->ttyfd = p->sizefd = -1;
	if (force && c->terminal != NULL)
		die(DIVE_EXIT_USAGE, "DIVE_PTY=1 (-t) and DIVE_TERMINAL exclude "
		    "each other: DIVE_TERMINAL passes a terminal itself");
	if (only && (c->ptymode == 0 || c->terminal != NULL))
		die(DIVE_EXIT_DROPPED, "%s: the server gives every program a "
		    "pseudo-terminal (dived --pty); %s cannot be honoured",
		    c->sockpath, c->terminal != NULL ? "DIVE_TERMINAL" :
		    "DIVE_PTY=0 (-T)");
	if ((force || only) && c->waitmode != 0)
		die(DIVE_EXIT_USAGE, "DIVE_WAITMODE=%d: a pseudo-terminal needs "
		    "dive to relay until the exit status comes "
		    "(DIVE_WAITMODE=0)%s", c->waitmode, only ? "; the server "
		    "requires one (dived --pty)" : "");
	if (force && !(fl & HELLO_PTY))
		die(DIVE_EXIT_DROPPED, "%s: the server offers no "
		    "pseudo-terminal (dived --no-pty, -S, -T, -w, -D or -F); "
		    "unset DIVE_PTY or drop -t", c->sockpath);
	p->on = force || only || (c->ptymode < 0 && c->terminal == NULL &&
	    c->waitmode == 0 && (fl & HELLO_PTY) && isatty(0));
	if (p->on)
		choose_fds(c, force);
}

static void
get_size(const struct client *c, struct winsize *w)
{
	memset(w, 0, sizeof(*w));
	if (c->pty.sizefd < 0 || ioctl(c->pty.sizefd, TIOCGWINSZ, w) != 0)
		memset(w, 0, sizeof(*w));
	if (w->ws_row > MSG_MAX_WINSIZE)
		w->ws_row = MSG_MAX_WINSIZE;
	if (w->ws_col > MSG_MAX_WINSIZE)
		w->ws_col = MSG_MAX_WINSIZE;
}

/* The caller's terminal modes, for the new terminal, as ssh sends them. */
static void
get_modes(const struct client *c, struct req_exec *r)
{
	int fd = c->pty.ttyfd >= 0 ? c->pty.ttyfd : c->pty.sizefd;
	struct msg_ttymodes *m = &r->pty.modes;
	struct termios t;

	_Static_assert(NCCS <= MSG_TTY_NCC, "control characters fit");
	if (!(c->hello.flags & HELLO_TTYMODES) || fd < 0 ||
	    tcgetattr(fd, &t) != 0)
		return;
	r->flags |= REQ_F_TTYMODES;
	m->iflag = t.c_iflag;
	m->oflag = t.c_oflag;
	m->cflag = t.c_cflag;
	m->lflag = t.c_lflag;
	memcpy(m->cc, t.c_cc, NCCS);
}

void
pty_fill(const struct client *c, struct req_exec *r)
{
	struct winsize w;
	size_t i;

	get_modes(c, r);
	get_size(c, &w);
	r->flags |= REQ_F_PTY;
	r->pty.ws = (struct msg_winsize){ w.ws_row, w.ws_col, w.ws_xpixel,
		w.ws_ypixel };
	r->pty.nfd = (uint32_t)c->pty.nfd;
	for (i = 0; i < c->pty.nfd; i++)
		r->pty.fdnum[i] = c->pty.fdnum[i];
}

void
pty_signals(sigset_t *set)
{
	static const int sigs[] = { SIGWINCH, SIGTSTP, SIGCONT, SIGTERM,
		SIGHUP, SIGINT, SIGQUIT };
	size_t i;

	sigemptyset(set);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(set, sigs[i]);
}

/* The caller's size on the master: the kernel tells the program. */
static void
set_size(const struct client *c)
{
	struct winsize w;

	get_size(c, &w);
	if (c->pty.master >= 0 && (w.ws_row != 0 || w.ws_col != 0))
		(void)ioctl(c->pty.master, TIOCSWINSZ, &w);
}

static void
enter_raw(struct client *c)
{
	struct ptystate *p = &c->pty;
	struct termios t;

	if (p->ttyfd < 0 || p->raw || tcgetattr(p->ttyfd, &p->saved) != 0)
		return;
	/* Every byte goes to the pty, whose own modes do the rest. */
	t = p->saved;
	cfmakeraw(&t);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	while (tcsetattr(p->ttyfd, TCSADRAIN, &t) != 0)
		if (errno != EINTR)
			return;
	p->raw = true;
}

void
pty_restore(struct client *c)
{
	struct ptystate *p = &c->pty;

	if (!p->raw)
		return;
	p->raw = false;
	while (tcsetattr(p->ttyfd, TCSADRAIN, &p->saved) != 0 &&
	    errno == EINTR)
		;
}

void
pty_start(struct client *c, int master)
{
	struct ptystate *p = &c->pty;

	if (!isatty(master))
		die(DIVE_EXIT_DROPPED, "malformed answer from the server (its "
		    "pseudo-terminal is no terminal)");
	p->master = master;
	if (fcntl(master, F_SETFL, O_NONBLOCK) != 0)
		die(DIVE_EXIT_SOCKET, "fcntl: %s", strerror(errno));
	set_size(c);
	enter_raw(c);
}

/* ^Z to dive itself (not typed: that goes to the program): stop. */
static void
suspend(struct client *c)
{
	pty_restore(c);
	(void)raise(SIGSTOP);
	if (c->pty.master >= 0)
		enter_raw(c);
	set_size(c);
}

bool
pty_signal(struct client *c, int sig)
{
	struct msg_exit ex = { EXIT_HOW_KILLED, (uint32_t)sig };

	if (!c->pty.on)
		return false;
	switch (sig) {
	case SIGWINCH:
		set_size(c);
		return true;
	case SIGTSTP:
		suspend(c);
		return true;
	case SIGCONT:	/* whoever stopped us may have changed the modes */
		if (c->pty.master >= 0)
			enter_raw(c);
		set_size(c);
		return true;
	case SIGTERM:
	case SIGHUP:
	case SIGINT:
	case SIGQUIT:
		/* dive is the terminal: closing the master hangs it up, and
		 * the program's session gets SIGHUP from the kernel. */
		end_like(c, &ex);
	default:
		return false;
	}
}

void
pty_poll(const struct client *c, struct pollfd *p)
{
	const struct ptystate *s = &c->pty;
	bool live = s->master >= 0 && !s->master_eof;
	short ev = (short)((s->out.len == 0 ? POLLIN : 0) |
	    (s->in.len > 0 ? POLLOUT : 0));

	p[0] = (struct pollfd){ live && s->infd >= 0 && !s->in_eof &&
	    s->in.len == 0 ? s->infd : -1, POLLIN, 0 };
	/* Events 0 would still report POLLHUP: leave the master out. */
	p[1] = (struct pollfd){ live && ev != 0 ? s->master : -1, ev, 0 };
	p[2] = (struct pollfd){ s->out.len > 0 ? s->outfd : -1, POLLOUT, 0 };
}

/* Input ended: the pty's end-of-file character, twice after a partial
 * line (once ends the line, once the file), if it reads lines at all. */
static void
send_eof(struct client *c, char last)
{
	struct ptystate *p = &c->pty;
	struct termios t;

	p->in_eof = true;
	if (tcgetattr(p->master, &t) != 0 || !(t.c_lflag & ICANON))
		return;
	p->in.off = 0;
	p->in.len = 0;
	if (last != '\0' && last != '\n' && last != (char)t.c_cc[VEOF])
		p->in.d[p->in.len++] = (char)t.c_cc[VEOF];
	p->in.d[p->in.len++] = (char)t.c_cc[VEOF];
}

static void
read_in(struct client *c)
{
	struct ptystate *p = &c->pty;
	ssize_t n = read(p->infd, p->in.d, sizeof(p->in.d));

	if (n > 0) {
		p->in.off = 0;
		p->in.len = (size_t)n;
		p->last_in = p->in.d[n - 1];
	} else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
		send_eof(c, p->last_in);
	}
}

static void
master_gone(struct ptystate *p)
{
	p->master_eof = true;
	p->in.len = p->in.off = 0;
}

static void
write_master(struct ptystate *p)
{
	ssize_t n = write(p->master, p->in.d + p->in.off,
	    p->in.len - p->in.off);

	if (n > 0 && (p->in.off += (size_t)n) == p->in.len)
		p->in.len = p->in.off = 0;
	else if (n < 0 && errno != EINTR && errno != EAGAIN)
		master_gone(p);
}

/* Returns the bytes read, 0 at the end (EIO: no slave open) or none. */
static ssize_t
read_master(struct ptystate *p)
{
	ssize_t n = read(p->master, p->out.d, sizeof(p->out.d));

	if (n > 0) {
		p->out.off = 0;
		p->out.len = p->outfd >= 0 ? (size_t)n : 0;
		return n;
	}
	if (n == 0 || (errno != EINTR && errno != EAGAIN))
		master_gone(p);
	return 0;
}

/* A caller's side that cannot take output any more: discard it. */
static void
write_out(struct ptystate *p)
{
	ssize_t n = write(p->outfd, p->out.d + p->out.off,
	    p->out.len - p->out.off);

	if (n > 0 && (p->out.off += (size_t)n) == p->out.len)
		p->out.len = p->out.off = 0;
	else if (n < 0 && errno != EINTR && errno != EAGAIN) {
		p->outfd = -1;
		p->out.len = p->out.off = 0;
	}
}

void
pty_events(struct client *c, const struct pollfd *p)
{
	struct ptystate *s = &c->pty;

	if (p[0].revents != 0)
		read_in(c);
	if ((p[1].revents & POLLOUT) && s->in.len > 0)
		write_master(s);
	if ((p[1].revents & (POLLIN | POLLHUP | POLLERR)) && s->out.len == 0)
		(void)read_master(s);
	if (p[2].revents != 0 && s->out.len > 0)
		write_out(s);
}

/* The output still buffered, written out (the caller's fd blocks). */
static void
flush_out(struct ptystate *p)
{
	struct pollfd pf;

	while (p->out.len > 0 && p->outfd >= 0) {
		pf = (struct pollfd){ p->outfd, POLLOUT, 0 };
		if (poll(&pf, 1, -1) < 0 && errno != EINTR)
			break;
		write_out(p);
	}
	p->out.len = p->out.off = 0;
}

/*
 * Reading the master also waits for what the kernel still queues from
 * the slave, so everything the program wrote before it ended is read.
 */
void
pty_drain(struct client *c)
{
	struct ptystate *p = &c->pty;
	size_t total = 0;
	ssize_t n;

	if (p->master < 0)
		return;
	flush_out(p);
	while (!p->master_eof && total < DRAIN_MAX &&
	    (n = read_master(p)) > 0) {
		total += (size_t)n;
		flush_out(p);
	}
}
