/* SPDX-License-Identifier: MIT */
/* Process: the monitor, dived's long-lived root process. */
/*
 * Starting the listener master and handing it new connections.
 * Runs as: root (monitor).  Trusts: the dived-listener executable it
 * checked (owned by root, not writable by others).  Does not trust: the
 * listener master after it started; it only ever receives descriptors
 * from the monitor, never sends any (SO_PASSRIGHTS=0 where supported).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdbool.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "errors.h"
#include "log.h"
#include "monitor.h"
#include "monitor_msgs.h"
#include "version.h"

/* Seconds a master that served no one must have run to be replaced. */
#define LM_MIN_LIFE 60

#ifndef SO_PASSRIGHTS
#define SO_PASSRIGHTS 83	/* Linux 6.16 */
#endif

/* Next to our own executable (build tree), else the installed path. */
static int
open_candidate(char *path, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", path, len - 1);
	char *slash;
	int fd;

	if (n > 0) {
		path[n] = '\0';
		if ((slash = strrchr(path, '/')) != NULL &&
		    (size_t)(slash - path) + sizeof("/dived-listener") <= len) {
			memcpy(slash, "/dived-listener",
			    sizeof("/dived-listener"));
			if ((fd = open(path, O_PATH | O_CLOEXEC)) >= 0)
				return fd;
		}
	}
	(void)snprintf(path, len, "%s", LISTENER_PATH);
	return open(path, O_PATH | O_CLOEXEC);
}

int
lm_open_listener_exe(void)
{
	char path[PATH_MAX];
	struct stat st;
	int fd;

	if ((fd = open_candidate(path, sizeof(path))) < 0)
		fatal("cannot find the listener executable (%s): %s", path,
		    strerror(errno));
	if (fstat(fd, &st) != 0)
		fatal("%s: %s", path, strerror(errno));
	/* Root runs it: it must be as protected as dived itself. */
	if (!S_ISREG(st.st_mode) || (st.st_uid != 0 &&
	    st.st_uid != geteuid()) || (st.st_mode & 022) != 0)
		fatal("%s: must be a regular file owned by root and not "
		    "writable by group or others", path);
	return fd;
}

static void __attribute__((noreturn))
exec_listener(const struct ctx *c, int exe, int sock)
{
	char uid[16], gid[16], tmo[16], fds[16], bytes[16], flags[16],
	    conns[16], pidns[48];
	char *argv[] = { "dived-listener", "--uid", uid, "--gid", gid,
		"--timeout", tmo, "--max-fds", fds, "--max-bytes", bytes,
		"--flags", flags, "--max-conns", conns, "--pidns", pidns, NULL };
	char *envp[] = { NULL };

	(void)snprintf(uid, sizeof(uid), "%u", (unsigned)c->su->luid);
	(void)snprintf(gid, sizeof(gid), "%u", (unsigned)c->su->lgid);
	(void)snprintf(tmo, sizeof(tmo), "%u", c->o->timeout);
	(void)snprintf(fds, sizeof(fds), "%u", c->o->max_fds);
	(void)snprintf(bytes, sizeof(bytes), "%u", c->o->max_bytes);
	(void)snprintf(flags, sizeof(flags), "%x", c->su->hello_flags);
	(void)snprintf(conns, sizeof(conns), "%u", c->o->max_conns);
	(void)snprintf(pidns, sizeof(pidns), "%llu:%llu",
	    (unsigned long long)c->su->pidns_dev,
	    (unsigned long long)c->su->pidns_ino);
	/* The control socket is fd 3; nothing else of ours goes along. */
	if ((exe = fcntl(exe, F_DUPFD_CLOEXEC, 4)) < 0 ||
	    dup2(sock, 3) != 3 || fcntl(3, F_SETFD, 0) != 0 ||
	    syscall(SYS_close_range, 4U, (unsigned)exe - 1, 0U) != 0 ||
	    syscall(SYS_close_range, (unsigned)exe + 1, ~0U, 0U) != 0)
		_exit(MON_CHILD_NOEXEC);
	(void)syscall(SYS_execveat, exe, "", argv, envp, AT_EMPTY_PATH);
	_exit(MON_CHILD_NOEXEC);
}

/* MSG_LM_READY: the master is sandboxed, and of this very build. */
static void
answer_ready(void *cv, void *rv)
{
	struct msgreader *rd = rv;
	struct msg_ready m;

	(void)cv;
	if (msg_decode_ready(&rd->payload, &m) != 0 || m.build != DIVE_BUILD_ID)
		fatal("the listener executable does not match this dived");
}

static const struct msg_entry from_lm[] = { MON_FROM_LM(MSG_HANDLER) };
static const struct msg_table mon_from_lm = { "listener master", "monitor",
	from_lm, sizeof(from_lm) / sizeof(from_lm[0]) };

static void
wait_ready(struct ctx *c)
{
	struct msgreader rd;
	struct msg_rx rx = { LM_STARTING, 0, NULL };
	struct pollfd p = { c->lm_fd, POLLIN, 0 };
	int r;

	msgreader_init(&rd, MSG_MAX_SMALL, 0);
	do {
		if (poll(&p, 1, 10000) == 0)
			fatal("the listener master did not start in time");
	} while ((r = msgreader_read(&rd, c->lm_fd)) == E_AGAIN);
	if (r != 0)
		fatal("the listener master failed to start (%s); see the "
		    "messages above", err_str(r));
	if (msg_dispatch(&mon_from_lm, &rx, &rd.h, rd.fds, rd.nfds, c,
	    &rd) != 0)
		fatal("the listener executable does not match this dived "
		    "(listener master protocol violation: type %u %s)",
		    rd.h.type, rx.why);
	msgreader_free(&rd);
}

/* Start a listener master and wait until it is sandboxed and ready. */
static void
start(struct ctx *c)
{
	int sv[2], zero = 0;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
		fatal("socketpair: %s", strerror(errno));
	if ((pid = fork()) < 0)
		fatal("fork: %s", strerror(errno));
	if (pid == 0)
		exec_listener(c, c->lm_exe, sv[1]);
	(void)close(sv[1]);
	c->lm_fd = sv[0];
	c->lm_pid = pid;
	c->lm_served = false;
	(void)clock_gettime(CLOCK_MONOTONIC, &c->lm_since);
	c->passrights = setsockopt(sv[0], SOL_SOCKET, SO_PASSRIGHTS, &zero,
	    sizeof(zero)) == 0;
	wait_ready(c);
	if (fcntl(c->lm_fd, F_SETFL, O_NONBLOCK) != 0)
		fatal("fcntl: %s", strerror(errno));
}

void
lm_start(struct ctx *c, int exe)
{
	/* Kept (O_PATH) to start another master if this one dies. */
	c->lm_exe = exe;
	start(c);
	if (!c->passrights)
		log_warn("this kernel cannot refuse descriptors on a socket "
		    "(SO_PASSRIGHTS, Linux 6.16); a compromised listener could "
		    "make the monitor hold files it sends");
}

int
lm_hand_over(struct ctx *c, struct session *s, int client_fd)
{
	struct msg_session m = { s->id, s->peer.uid, s->peer.gid, s->peer.pid };
	struct buf b;
	int sv[2], fds[2], zero = 0, r;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
		return E_SYS;
	if (fcntl(sv[0], F_SETFL, O_NONBLOCK) != 0 || (c->passrights &&
	    setsockopt(sv[0], SOL_SOCKET, SO_PASSRIGHTS, &zero,
	    sizeof(zero)) != 0)) {
		(void)close(sv[0]);
		(void)close(sv[1]);
		return E_SYS;
	}
	buf_init(&b, MSG_MAX_SMALL);
	fds[0] = client_fd;
	fds[1] = sv[1];
	if ((r = msg_encode_session(&b, &m)) == 0)
		r = fdpass_send(c->lm_fd, MSG_LM_SESSION, &b, fds, 2);
	buf_free(&b);
	(void)close(sv[1]);
	if (r != 0) {
		(void)close(sv[0]);
		return r;
	}
	s->lfd = sv[0];
	c->lm_served = true;
	return 0;
}

void
lm_stop(struct ctx *c)
{
	/* It keeps no state worth a goodbye; reaped so no zombie is left
	 * for an init that does not reap. */
	(void)close(c->lm_fd);
	c->lm_fd = -1;
	(void)kill(c->lm_pid, SIGKILL);
	while (waitpid(c->lm_pid, NULL, 0) < 0 && errno == EINTR)
		;
}

/*
 * Its socket woke the loop: the master never writes after READY, so it
 * closed (it is gone), unless the event is stale (an earlier master's,
 * already handled in the same round of events).
 */
static bool
closed(const struct ctx *c)
{
	struct pollfd p = { c->lm_fd, POLLIN, 0 };

	return poll(&p, 1, 0) != 0;
}

static void
describe(const siginfo_t *si, char *how, size_t len)
{
	if (si->si_code == CLD_EXITED)
		(void)snprintf(how, len, "exited with status %d",
		    si->si_status);
	else
		(void)snprintf(how, len, "was killed by signal %d (%s)",
		    si->si_status, strsignal(si->si_status));
}

/*
 * The listener master is gone (si: how, or NULL when its socket closed
 * first: then it is made to end and waited for).  Listeners it started
 * live on and finish their sessions: each has its own socket to the
 * monitor.  A new master serves new connections.  One that had not yet
 * served a connection and ran for less than LM_MIN_LIFE seconds is not
 * replaced (it would die again at once): dived stops, as it cannot
 * serve anyone (fail closed).
 */
void
lm_gone(struct ctx *c, const siginfo_t *si)
{
	struct epoll_event ev;
	struct timespec now;
	siginfo_t w;
	char how[96];

	if (si == NULL) {
		if (!closed(c))
			return;
		(void)kill(c->lm_pid, SIGKILL);
		memset(&w, 0, sizeof(w));
		while (waitid(P_PID, (id_t)c->lm_pid, &w, WEXITED) != 0)
			if (errno != EINTR)
				fatal("the listener master closed its socket; "
				    "refusing to go on without it");
		si = &w;
	}
	describe(si, how, sizeof(how));
	(void)clock_gettime(CLOCK_MONOTONIC, &now);
	if (!c->lm_served && now.tv_sec - c->lm_since.tv_sec < LM_MIN_LIFE)
		fatal("the listener master %s; refusing to go on without it, "
		    "as it had served no connection yet", how);
	log_err("the listener master %s; starting a new one", how);
	(void)epoll_ctl(c->ep, EPOLL_CTL_DEL, c->lm_fd, NULL);
	(void)close(c->lm_fd);
	start(c);
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.ptr = &c->lm_tag;
	if (epoll_ctl(c->ep, EPOLL_CTL_ADD, c->lm_fd, &ev) != 0)
		fatal("epoll_ctl: %s", strerror(errno));
}
