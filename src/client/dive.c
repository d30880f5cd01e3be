/* SPDX-License-Identifier: MIT */
/* Process: dive, the client (as the caller). */
/*
 * dive: connect to dived and have it start a program with this process's
 * descriptors, arguments, environment, umask, directory and terminal.
 * Runs as: the caller.  Trusts: the server it connects to (optionally
 * checked with DIVE_SERVERUID).  Does not trust: nothing else is read.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "client.h"
#include "client_msgs.h"
#include "errors.h"
#include "fdpass.h"
#include "num.h"
#include "version.h"

/* File scope so that every way out restores the caller's terminal. */
static struct client cl;

static void
restore_terminal(void)
{
	pty_restore(&cl);
}

static const char usage_text[] =
    "usage: dive [-t | -T] [-u USER] SOCKET [PROGRAM [ARGS...]]\n"
    "       dive [-t | -T] [-u USER] @ABSTRACT [PROGRAM [ARGS...]]\n"
    "       dive --help | --version\n"
    "\n"
    "Ask the dived(8) listening on SOCKET to start PROGRAM with this\n"
    "process's file descriptors, arguments, environment, umask, current\n"
    "directory and terminal, wait for it and exit with its status.\n"
    "\n"
    "  -t  a new pseudo-terminal for the program, also as its standard\n"
    "      input, output and error (DIVE_PTY=1)\n"
    "  -T  no pseudo-terminal: pass the caller's terminal (DIVE_PTY=0)\n"
    "  -u USER  run PROGRAM as USER, if the server's policy permits it\n"
    "      (dived --config)\n"
    "\n"
    "Environment:\n"
    "  DIVE_CURDIR     directory to start in (default: the current one)\n"
    "  DIVE_ROOTDIR    root directory, if the server allows (dived -r)\n"
    "  DIVE_PTY        1: a pseudo-terminal in place of the caller's\n"
    "                  terminal, dive relaying; 0: never one (default:\n"
    "                  one when stdin is a terminal and the server can)\n"
    "  DIVE_TERMINAL   pass this terminal itself (no pseudo-terminal):\n"
    "                  a path, @FD, or @-1 or empty for none\n"
    "  DIVE_WAITMODE   0 wait for the exit status (default), 1 do not\n"
    "                  wait, 2 wait until the program's descriptors close\n"
    "  DIVE_SIGFWMODE  0 do not forward signals, 1 to the program\n"
    "                  (default), 2 to its process group\n"
    "  DIVE_SERVERUID  refuse a server that does not run as this uid\n"
    "\n"
    "Exit status: the program's, or 1 socket or local error, 2 cannot\n"
    "connect, 3 incompatible server, 4 usage, 126 cannot execute or\n"
    "denied by policy, 127 connection dropped, request refused or\n"
    "program not found.\n";

void
die(enum dive_exit status, const char *fmt, ...)
{
	va_list ap;

	pty_restore(&cl);
	fputs("dive: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(status);
}

void
warnx_(const char *fmt, ...)
{
	va_list ap;

	fputs("dive: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	/* In raw mode a newline does not return the carriage. */
	fputs(cl.pty.raw ? "\r\n" : "\n", stderr);
}

/* -u USER or -uUSER, at argv[*i]. */
static void
user_option(struct client *c, int argc, char **argv, int *i)
{
	c->user = argv[*i][2] != '\0' ? argv[*i] + 2 : *i + 1 < argc ?
	    argv[++*i] : NULL;
	if (c->user == NULL)
		die(DIVE_EXIT_USAGE, "-u needs a user name or uid");
	if (msg_check_user(c->user) != 0)
		die(DIVE_EXIT_USAGE, "-u: '%s' is not a user name or uid",
		    c->user);
}

static void
parse_args(struct client *c, int argc, char **argv)
{
	bool dashdash = false;
	int i = 1;

	if (argc > 1 && strcmp(argv[1], "--help") == 0) {
		fputs(usage_text, stdout);
		exit(DIVE_EXIT_OK);
	}
	if (argc > 1 && strcmp(argv[1], "--version") == 0) {
		printf("dive %s (protocol %u)\n", DIVE_VERSION, MSG_VERSION);
		exit(DIVE_EXIT_OK);
	}
	/* Before SOCKET, which never starts with '-'; dive 1.9 had no
	 * options there, so its command lines keep their meaning. */
	for (; i < argc; i++) {
		if (strcmp(argv[i], "-t") == 0 || strcmp(argv[i], "-T") == 0)
			c->ptymode = argv[i][1] == 't';
		else if (strncmp(argv[i], "-u", 2) == 0)
			user_option(c, argc, argv, &i);
		else
			break;
	}
	if (i < argc && strcmp(argv[i], "--") == 0) {
		dashdash = true;
		i++;
	}
	if (i >= argc) {
		fputs(usage_text, stderr);
		exit(DIVE_EXIT_USAGE);
	}
	if (argv[i][0] == '-' && argv[i][1] != '\0' && !dashdash)
		die(DIVE_EXIT_USAGE, "unknown option '%s' (a socket path "
		    "starting with '-' can be given as ./%s)", argv[i],
		    argv[i]);
	c->sockpath = argv[i];
	c->args = argv + i + 1;
	c->nargs = argc - i - 1;
}

static int
env_mode(const char *name, int def)
{
	const char *v = getenv(name);
	long long n;

	if (v == NULL || *v == '\0')
		return def;
	if (num_parse(v, 0, 2, &n) != 0)
		die(DIVE_EXIT_USAGE, "%s must be 0, 1 or 2, not '%s'", name, v);
	return (int)n;
}

static void
read_env(struct client *c)
{
	const char *v;

	c->waitmode = env_mode("DIVE_WAITMODE", 0);
	c->sigfwmode = env_mode("DIVE_SIGFWMODE", 1);
	v = getenv("DIVE_CURDIR");
	c->curdir = v != NULL && *v != '\0' ? v : ".";
	v = getenv("DIVE_ROOTDIR");
	c->rootdir = v != NULL && *v != '\0' ? v : NULL;
	c->terminal = getenv("DIVE_TERMINAL");
	v = getenv("DIVE_PTY");
	if (c->ptymode < 0 && v != NULL && *v != '\0') {
		if (strcmp(v, "0") != 0 && strcmp(v, "1") != 0)
			die(DIVE_EXIT_USAGE, "DIVE_PTY must be 0 or 1, not '%s'",
			    v);
		c->ptymode = v[0] == '1';
	}
	c->server_uid = -1;
	v = getenv("DIVE_SERVERUID");
	if (v != NULL && *v != '\0' &&
	    num_parse(v, 0, (long long)(uid_t)-2, &c->server_uid) != 0)
		die(DIVE_EXIT_USAGE, "DIVE_SERVERUID must be a uid, not '%s'",
		    v);
}

static socklen_t
make_addr(struct sockaddr_un *sa, const char *path)
{
	size_t n = strlen(path);

	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (path[0] == '@') {
		/* Abstract namespace: a leading NUL, no terminating one. */
		if (n > sizeof(sa->sun_path))
			die(DIVE_EXIT_SOCKET, "abstract socket name too long: "
			    "%s", path);
		memcpy(sa->sun_path + 1, path + 1, n - 1);
		return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
	}
	if (n >= sizeof(sa->sun_path))
		die(DIVE_EXIT_SOCKET, "socket path too long (%zu bytes, at "
		    "most %zu): %s", n, sizeof(sa->sun_path) - 1, path);
	memcpy(sa->sun_path, path, n);
	return (socklen_t)sizeof(*sa);
}

static void
connect_server(struct client *c)
{
	struct sockaddr_un sa;
	socklen_t len = make_addr(&sa, c->sockpath);
	struct ucred cred;
	socklen_t clen = sizeof(cred);

	if ((c->sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		die(DIVE_EXIT_SOCKET, "cannot create a socket: %s",
		    strerror(errno));
	while (connect(c->sock, (struct sockaddr *)&sa, len) != 0)
		if (errno != EINTR)
			die(DIVE_EXIT_CONNECT, "cannot connect to %s: %s",
			    c->sockpath, strerror(errno));
	if (c->server_uid < 0)
		return;
	if (getsockopt(c->sock, SOL_SOCKET, SO_PEERCRED, &cred, &clen) != 0)
		die(DIVE_EXIT_CONNECT, "cannot identify the server: %s",
		    strerror(errno));
	if ((long long)cred.uid != c->server_uid)
		die(DIVE_EXIT_CONNECT, "%s is served by uid %u, not by "
		    "DIVE_SERVERUID=%lld; nothing was sent", c->sockpath,
		    (unsigned)cred.uid, c->server_uid);
}

/* A refusal from the server: print its reason and exit. */
static void __attribute__((noreturn))
refused(void *cv, void *rv)
{
	struct client *c = cv;
	struct msgreader *rd = rv;
	struct msg_error e;

	if (msg_decode_error(&rd->payload, &e) != 0)
		die(DIVE_EXIT_DROPPED, "%s: malformed answer from the server",
		    c->sockpath);
	if (e.code == (uint32_t)-E_VERSION || e.code == (uint32_t)-E_BAD_MAGIC)
		die(DIVE_EXIT_VERSION, "%s: the server does not speak "
		    "protocol version %u", c->sockpath, MSG_VERSION);
	die(DIVE_EXIT_DROPPED, "%s: request refused: %s", c->sockpath,
	    err_str(-(int)e.code));
}

static void
greeted(void *cv, void *rv)
{
	struct client *c = cv;
	struct msgreader *rd = rv;

	if (msg_decode_hello(&rd->payload, &c->hello) != 0)
		die(DIVE_EXIT_VERSION, "%s: unexpected greeting from the "
		    "server", c->sockpath);
}

static const struct msg_entry greeting_e[] = { CLIENT_GREETING(MSG_HANDLER) };
static const struct msg_table greeting = { "server", "dive", greeting_e,
	sizeof(greeting_e) / sizeof(greeting_e[0]) };

static void
read_hello(struct client *c)
{
	struct msgreader rd;
	struct msg_rx rx = { CL_GREETING, 0, NULL };
	int r;

	msgreader_init(&rd, MSG_MAX_SMALL, 0);
	while ((r = msgreader_read(&rd, c->sock)) == E_AGAIN)
		;
	if (r == E_VERSION)
		die(DIVE_EXIT_VERSION, "%s: the server speaks protocol "
		    "version %u, this dive speaks %u", c->sockpath,
		    rd.h.magic & 0xffffu, MSG_VERSION);
	if (r == E_BAD_MAGIC)
		die(DIVE_EXIT_VERSION, "%s: not a compatible dived (unknown "
		    "protocol)", c->sockpath);
	if (r == E_EOF || r == E_TRUNCATED)
		die(DIVE_EXIT_DROPPED, "%s: the server closed the connection",
		    c->sockpath);
	if (r != 0)
		die(DIVE_EXIT_DROPPED, "%s: reading the server's greeting: %s",
		    c->sockpath, r == E_SYS ? strerror(errno) : err_str(r));
	if (msg_dispatch(&greeting, &rx, &rd.h, rd.fds, rd.nfds, c, &rd) != 0)
		die(DIVE_EXIT_VERSION, "%s: unexpected greeting from the "
		    "server (message %u %s)", c->sockpath, rd.h.type, rx.why);
	/* Nothing is sent (no descriptor either) to a server that would
	 * refuse it. */
	if (c->user != NULL && !(c->hello.flags & HELLO_TARGET_USER))
		die(DIVE_EXIT_DROPPED, "%s: -u %s: the server does not let "
		    "clients choose the user (it has no policy, dived "
		    "--config)", c->sockpath, c->user);
	msgreader_free(&rd);
}

/* Whether a pid from the server means the same process here. */
static bool
same_pidns(const struct msg_hello *h)
{
	struct stat st;

	if (h->pidns_ino == 0 || stat("/proc/self/ns/pid", &st) != 0)
		return false;
	return (uint64_t)st.st_dev == h->pidns_dev &&
	    (uint64_t)st.st_ino == h->pidns_ino;
}

int
main(int argc, char **argv)
{
	struct client *c = &cl;

	c->waitfd = -1;
	c->sock = -1;
	c->ptymode = -1;
	c->pty.master = -1;
	/* First, before dive opens anything of its own. */
	collect_fds(c);
	parse_args(c, argc, argv);
	read_env(c);
	if (atexit(restore_terminal) != 0)
		die(DIVE_EXIT_SOCKET, "atexit failed");
	connect_server(c);
	read_hello(c);
	c->same_pidns = same_pidns(&c->hello);
	pty_decide(c);
	send_request(c);
	wait_program(c);
}
