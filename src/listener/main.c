/* SPDX-License-Identifier: MIT */
/* Process: dived-listener (unprivileged, seccomp-confined). */
/*
 * dived-listener: the listener master.  Started by dived (root) with its
 * configuration on the command line and a control socket on fd 3; it
 * sandboxes itself (sandbox.c), reports ready, then forks one listener per
 * connection the monitor hands it.
 * Runs as: the listener user, in its sandbox.  Trusts: the monitor (its
 * control socket and command line).  Never reads a client's bytes: only
 * its children do.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "errors.h"
#include "fdpass.h"
#include "listener.h"
#include "listener_msgs.h"
#include "log.h"
#include "num.h"
#include "version.h"
#ifdef DIVE_TEST_HOOKS
#include "forge.h"	/* bin/tests/dived-listener-hooks only */
#include "hooks.h"
#endif

#define CONTROL_FD 3

#ifdef DIVE_SANITIZE
/* Test build: LeakSanitizer would need ptrace, which the sandbox forbids. */
const char *__asan_default_options(void);
const char *
__asan_default_options(void)
{
	return "detect_leaks=0";
}
#endif

static unsigned long long
arg_num(const char *name, const char *v, int base, unsigned long long max)
{
	unsigned long long n;

	if (v == NULL || num_parse_base(v, base, max, &n) != 0)
		fatal("%s: bad value '%s'", name, v != NULL ? v : "");
	return n;
}

static void
parse_pidns(const char *v, struct lconf *c)
{
	const char *colon = v != NULL ? strchr(v, ':') : NULL;
	char dev[32];

	if (colon == NULL || (size_t)(colon - v) >= sizeof(dev))
		fatal("--pidns: bad value");
	memcpy(dev, v, (size_t)(colon - v));
	dev[colon - v] = '\0';
	c->pidns_dev = arg_num("--pidns", dev, 10, ~0ULL);
	c->pidns_ino = arg_num("--pidns", colon + 1, 10, ~0ULL);
}

static void
parse_args(int argc, char **argv, struct lconf *c)
{
	int i;

	memset(c, 0, sizeof(*c));
	for (i = 1; i + 1 < argc; i += 2) {
		const char *k = argv[i], *v = argv[i + 1];
		if (strcmp(k, "--uid") == 0)
			c->uid = (uid_t)arg_num(k, v, 10, (uid_t)-2);
		else if (strcmp(k, "--gid") == 0)
			c->gid = (gid_t)arg_num(k, v, 10, (gid_t)-2);
		else if (strcmp(k, "--timeout") == 0)
			c->timeout = (unsigned)arg_num(k, v, 10, 3600);
		else if (strcmp(k, "--max-fds") == 0)
			c->max_fds = (unsigned)arg_num(k, v, 10, MSG_MAX_FDS);
		else if (strcmp(k, "--max-bytes") == 0)
			c->max_bytes = (unsigned)arg_num(k, v, 10, MSG_MAX_LEN);
		else if (strcmp(k, "--max-conns") == 0)
			c->max_conns = (unsigned)arg_num(k, v, 10, 65536);
		else if (strcmp(k, "--flags") == 0)
			c->flags = (uint32_t)arg_num(k, v, 16, HELLO_ALL_FLAGS);
		else if (strcmp(k, "--pidns") == 0)
			parse_pidns(v, c);
		else
			fatal("unknown argument %s", k);
	}
	if (i != argc || c->uid == 0 || c->timeout == 0 || c->max_bytes == 0)
		fatal("started without a complete configuration; dived starts "
		    "this program itself");
}

static void
report_ready(void)
{
	struct msg_ready m = { DIVE_BUILD_ID };
	struct buf b;

	buf_init(&b, MSG_MAX_SMALL);
	if (msg_encode_ready(&b, &m) != 0 ||
	    fdpass_send(CONTROL_FD, MSG_LM_READY, &b, NULL, 0) != 0)
		_exit(LX_FAILED);
	buf_free(&b);
}

/* No listener for this connection: tell the client why (E_RESOURCES). */
static void
refuse(int cfd)
{
	struct msg_error e = { (uint32_t)-E_RESOURCES };
	struct buf b;

	buf_init(&b, MSG_MAX_SMALL);
	if (msg_encode_error(&b, &e) == 0)
		(void)!fdpass_send(cfd, MSG_ERROR, &b, NULL, 0);
	buf_free(&b);
}

/* Child: keep only the two session sockets, at fixed numbers. */
static void __attribute__((noreturn))
start_listener(const struct lconf *c, const struct filters *f,
    const struct msg_session *m, int cfd, int mfd)
{
	(void)close(CONTROL_FD);
	if (dup3(cfd, 3, O_CLOEXEC) != 3 || (mfd != 4 &&
	    dup3(mfd, 4, O_CLOEXEC) != 4) ||
	    syscall(SYS_close_range, 5U, ~0U, 0U) != 0)
		_exit(LX_FAILED);
	sandbox_listener(f);
	listener_serve(c, m, 3, 4);
}

/* The listener master's own state, for its one handler. */
struct master {
	const struct lconf *c;
	const struct filters *f;
	struct msgreader rd;
};

/* MSG_LM_SESSION: a connection and its session socket to the monitor. */
static void
start_session(void *mv, void *arg)
{
	struct master *ms = mv;
	struct msg_session m;
	int fds[2];
	pid_t pid;

	(void)arg;
	if (msg_decode_session(&ms->rd.payload, &m) != 0)
		_exit(LX_FAILED);
	(void)msgreader_take_fds(&ms->rd, fds);	/* two, as the table says */
	/* The monitor sees the session end without a request. */
	if ((pid = fork()) == 0)
		start_listener(ms->c, ms->f, &m, fds[0], fds[1]);
	if (pid < 0)
		refuse(fds[0]);
	(void)close(fds[0]);
	(void)close(fds[1]);
}

static const struct msg_entry from_monitor_e[] = {
	MASTER_FROM_MONITOR(MSG_HANDLER)
};
static const struct msg_table from_monitor = { "monitor",
	"listener master", from_monitor_e,
	sizeof(from_monitor_e) / sizeof(from_monitor_e[0]) };

static void
serve(const struct lconf *c, const struct filters *f)
{
	struct master ms;
	struct msg_rx rx = { LMASTER_SERVING, 0, NULL };
	int r;

	memset(&ms, 0, sizeof(ms));
	ms.c = c;
	ms.f = f;
	msgreader_init(&ms.rd, MSG_MAX_SMALL, 2);
	for (;;) {
		if ((r = msgreader_read(&ms.rd, CONTROL_FD)) == E_EOF)
			_exit(LX_MONITOR_GONE);	/* the monitor has gone */
		/* The monitor is trusted: a frame outside its table is a
		 * bug. */
		if (r != 0 || msg_dispatch(&from_monitor, &rx, &ms.rd.h,
		    ms.rd.fds, ms.rd.nfds, &ms, NULL) != 0)
			_exit(LX_FAILED);
		msgreader_next(&ms.rd);
	}
}

int
main(int argc, char **argv)
{
	struct lconf c;
	struct filters f;

	log_init("dived-listener", false);
	parse_args(argc, argv, &c);
	if (fcntl(CONTROL_FD, F_SETFD, FD_CLOEXEC) != 0)
		fatal("no control socket on fd %d", CONTROL_FD);
	/* Listeners are reaped by the kernel: no zombies, no wait(2). */
	if (signal(SIGCHLD, SIG_IGN) == SIG_ERR ||
	    signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		fatal("signal: %s", strerror(errno));
#ifdef DIVE_TEST_HOOKS
	hook_master_start();
	hook_forge_start();
#endif
	sandbox_enter(&c, &f);
	report_ready();
#ifdef DIVE_TEST_HOOKS
	hook_master_ready();
#endif
	serve(&c, &f);
}
