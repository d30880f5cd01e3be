/* SPDX-License-Identifier: MIT */
/* Process: dive, the client (as the caller). */
/*
 * dive: gather the caller's context (descriptors, directories, terminal,
 * umask, arguments, environment) and send it as one MSG_REQ_EXEC.
 * Runs as: the caller.  Trusts: the server's MSG_HELLO flags and limits.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client.h"
#include "errors.h"
#include "fdpass.h"
#include "num.h"

extern char **environ;

/* The descriptor numbers the caller gave us, ascending. */
struct fdlist {
	int *v;
	size_t n, cap;
};

static void
fdlist_add(struct fdlist *l, int fd)
{
	if (l->n == l->cap) {
		l->cap = l->cap == 0 ? 16 : l->cap * 2;
		l->v = reallocarray(l->v, l->cap, sizeof(int));
		if (l->v == NULL)
			die(DIVE_EXIT_SOCKET, "out of memory");
	}
	l->v[l->n++] = fd;
}

static int
cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* Without /proc: probe every number below the descriptor limit. */
static void
probe_fds(struct fdlist *l)
{
	struct rlimit rl;
	long max = 1024, fd;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
		max = (long)rl.rlim_cur;
	if (max > MSG_MAX_FDNUM + 1L)
		max = MSG_MAX_FDNUM + 1L;
	for (fd = 0; fd < max; fd++)
		if (fcntl((int)fd, F_GETFD) != -1)
			fdlist_add(l, (int)fd);
}

void
collect_fds(struct client *c)
{
	struct fdlist l = { NULL, 0, 0 };
	struct dirent *e;
	long long n;
	DIR *d;

	/* Reading the list avoids probing a million numbers. */
	if ((d = opendir("/proc/self/fd")) == NULL) {
		probe_fds(&l);
	} else {
		while ((e = readdir(d)) != NULL) {
			if (num_parse(e->d_name, 0, MSG_MAX_FDNUM, &n) != 0 ||
			    n == dirfd(d))
				continue;
			fdlist_add(&l, (int)n);
		}
		closedir(d);
		if (l.n > 1)
			qsort(l.v, l.n, sizeof(int), cmp_int);
	}
	c->fds = l.v;
	c->nfds = l.n;
}

static int
open_dir(const char *path, const char *what)
{
	int fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		die(DIVE_EXIT_SOCKET, "cannot open the %s %s: %s", what, path,
		    strerror(errno));
	return fd;
}

/* The terminal to send (DIVE_TERMINAL), or -1 for none. */
static int
terminal_fd(const struct client *c)
{
	const char *t = c->terminal;
	long long n;
	int fd;

	if (t == NULL)		/* default: stdin, when it is a terminal */
		return isatty(0) ? 0 : -1;
	if (*t == '\0' || strcmp(t, "@-1") == 0)
		return -1;
	if (t[0] == '@') {
		if (num_parse(t + 1, 0, MSG_MAX_FDNUM, &n) != 0)
			die(DIVE_EXIT_USAGE, "DIVE_TERMINAL: '%s' is not @FD, "
			    "@-1 or a path", t);
		if (!isatty((int)n))
			die(DIVE_EXIT_SOCKET, "DIVE_TERMINAL=%s: descriptor "
			    "%lld is not a terminal", t, n);
		return (int)n;
	}
	if ((fd = open(t, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0)
		die(DIVE_EXIT_SOCKET, "cannot open the terminal %s: %s", t,
		    strerror(errno));
	if (!isatty(fd))
		die(DIVE_EXIT_SOCKET, "DIVE_TERMINAL=%s is not a terminal", t);
	return fd;
}

/* Descriptors sent with the request, specials first (REQ_SPECIAL_*). */
struct sendset {
	int fds[MSG_MAX_FDS];
	int own[MSG_MAX_FDS];	/* opened by dive: close after sending */
	size_t n;
};

static void
add_fd(struct client *c, struct sendset *s, int fd, int own)
{
	if (s->n >= c->hello.max_fds || s->n >= MSG_MAX_FDS)
		die(DIVE_EXIT_SOCKET, "too many open file descriptors: the "
		    "server accepts %u per request (close some, or see "
		    "dived --max-fds)", c->hello.max_fds);
	s->fds[s->n] = fd;
	s->own[s->n++] = own;
}

static void
add_specials(struct client *c, struct req_exec *r, struct sendset *s)
{
	uint32_t fl = c->hello.flags;
	int fd;

	if (!(fl & HELLO_NO_CWD)) {
		add_fd(c, s, open_dir(c->curdir, "directory"), 1);
		r->specials |= REQ_SPECIAL_CWD;
	}
	if (fl & HELLO_CLIENT_ROOT) {
		fd = open_dir(c->rootdir != NULL ? c->rootdir : "/",
		    "root directory");
		add_fd(c, s, fd, 1);
		r->specials |= REQ_SPECIAL_ROOT;
	} else if (c->rootdir != NULL)
		warnx_("DIVE_ROOTDIR ignored: the server does not accept a "
		    "root directory (dived -r)");
	/* In pty mode the caller's terminal stays here. */
	if (!(fl & HELLO_NO_CTTY) && !c->pty.on &&
	    (fd = terminal_fd(c)) >= 0) {
		add_fd(c, s, fd, fd != 0 && c->terminal != NULL &&
		    c->terminal[0] != '@');
		r->specials |= REQ_SPECIAL_TTY;
	}
}

/* Mode 2: the program inherits a pipe's write end; dive waits for EOF. */
static int
make_waitfd(struct client *c)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC) != 0)
		die(DIVE_EXIT_SOCKET, "cannot create a pipe: %s",
		    strerror(errno));
	c->waitfd = p[0];
	return p[1];
}

static void
add_mapped(struct client *c, struct req_exec *r, struct sendset *s)
{
	int wfd = -1;
	size_t i;

	if (c->waitmode == 2)
		wfd = make_waitfd(c);
	for (i = 0; i < c->nfds && !(c->hello.flags & HELLO_NO_FDS); i++) {
		if (pty_replaced(c, c->fds[i]))
			continue;	/* the program gets the pty there */
		if (wfd >= 0 && c->fds[i] > wfd) {
			r->fdnum[r->nfdmap++] = (uint32_t)wfd;
			add_fd(c, s, wfd, 1);
			wfd = -1;
		}
		r->fdnum[r->nfdmap++] = (uint32_t)c->fds[i];
		add_fd(c, s, c->fds[i], 0);
	}
	if (wfd >= 0) {
		r->fdnum[r->nfdmap++] = (uint32_t)wfd;
		add_fd(c, s, wfd, 1);
	}
}

/* Our environment, without entries the protocol cannot carry. */
static void
add_env(struct client *c, struct req_exec *r)
{
	size_t n = 0, i;

	if (c->hello.flags & HELLO_NO_ENV)
		return;
	while (environ[n] != NULL)
		n++;
	if ((r->envp = reallocarray(NULL, n + 1, sizeof(char *))) == NULL)
		die(DIVE_EXIT_SOCKET, "out of memory");
	for (i = 0; i < n; i++) {
		const char *eq = strchr(environ[i], '=');
		if (eq == NULL || eq == environ[i])
			continue;
		r->envp[r->envc++] = environ[i];
	}
	r->envp[r->envc] = NULL;
}

static void
check_program(const struct client *c)
{
	if (c->nargs == 0 && !(c->hello.flags & HELLO_FORCED_ARGV))
		die(DIVE_EXIT_USAGE, "no program given, and the server at %s "
		    "has no forced command line", c->sockpath);
	if (c->nargs > 0 && (c->hello.flags & HELLO_NO_ARGV))
		warnx_("the server ignores client arguments (dived -A); "
		    "running its forced command line");
}

static void
transmit(struct client *c, const struct req_exec *r, struct sendset *s)
{
	struct buf b;
	size_t i;
	int ret;

	if (c->user != NULL) {		/* MSG_REQ_USER goes first */
		buf_init(&b, MSG_MAX_SMALL + MSG_MAX_USER + 8);
		if ((ret = msg_encode_user(&b, c->user)) != 0 ||
		    (ret = fdpass_send(c->sock, MSG_REQ_USER, &b, NULL, 0)) != 0)
			die(ret == E_EOF ? DIVE_EXIT_DROPPED : DIVE_EXIT_SOCKET,
			    "cannot send the request: %s",
			    ret == E_SYS ? strerror(errno) : err_str(ret));
		buf_free(&b);
	}
	buf_init(&b, c->hello.max_bytes);
	if ((ret = msg_encode_req_exec(&b, r)) != 0)
		die(DIVE_EXIT_SOCKET, "cannot encode the request: %s%s",
		    err_str(ret), ret == E_TOO_LONG ? " (arguments and "
		    "environment exceed the server's limit)" : "");
	if ((ret = fdpass_send(c->sock, MSG_REQ_EXEC, &b, s->fds, s->n)) != 0)
		die(ret == E_EOF ? DIVE_EXIT_DROPPED : DIVE_EXIT_SOCKET,
		    "cannot send the request: %s",
		    ret == E_SYS ? strerror(errno) : err_str(ret));
	buf_free(&b);
	for (i = 0; i < s->n; i++)
		if (s->own[i])
			(void)close(s->fds[i]);
}

/*
 * Close our copies of what the program now holds, as an execve() would
 * have, except stderr, which dive keeps for its own messages.
 */
static void
close_passed(struct client *c)
{
	size_t i;

	if (c->hello.flags & HELLO_NO_FDS)
		return;
	for (i = 0; i < c->nfds; i++)
		if (c->fds[i] != STDERR_FILENO && !pty_replaced(c, c->fds[i]))
			(void)close(c->fds[i]);
}

void
send_request(struct client *c)
{
	struct req_exec r;
	struct sendset s;
	mode_t m;

	check_program(c);
	if (c->waitmode == 0 && (c->hello.flags & HELLO_NO_WAIT)) {
		warnx_("the server does not report exit statuses (dived -w, "
		    "-D or -F); waiting for the program's descriptors instead "
		    "(DIVE_WAITMODE=2)");
		c->waitmode = 2;
	}
	memset(&r, 0, sizeof(r));
	memset(&s, 0, sizeof(s));
	m = umask(0);
	(void)umask(m);
	r.umask = (uint32_t)m & 0777;
	add_specials(c, &r, &s);
	add_mapped(c, &r, &s);
	if (!(c->hello.flags & HELLO_NO_ARGV)) {
		r.argc = (uint32_t)c->nargs;
		r.argv = (const char **)c->args;
	}
	add_env(c, &r);
	if (c->pty.on)
		pty_fill(c, &r);
	hold_signals(c);
	transmit(c, &r, &s);
	free(r.envp);
	close_passed(c);
}
