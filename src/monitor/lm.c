/* SPDX-License-Identifier: MIT */
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
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "errors.h"
#include "log.h"
#include "monitor.h"
#include "version.h"

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
		_exit(127);
	(void)syscall(SYS_execveat, exe, "", argv, envp, AT_EMPTY_PATH);
	_exit(127);
}

static void
wait_ready(struct ctx *c)
{
	struct msgreader rd;
	struct pollfd p = { c->lm_fd, POLLIN, 0 };
	uint32_t build;
	int r;

	msgreader_init(&rd, MSG_MAX_SMALL, 0);
	do {
		if (poll(&p, 1, 10000) == 0)
			fatal("the listener master did not start in time");
	} while ((r = msgreader_read(&rd, c->lm_fd)) == E_AGAIN);
	if (r != 0)
		fatal("the listener master failed to start (%s); see the "
		    "messages above", err_str(r));
	if (rd.h.type != MSG_LM_READY ||
	    msg_decode_u32(&rd.payload, &build) != 0 || build != DIVE_BUILD_ID)
		fatal("the listener executable does not match this dived");
	msgreader_free(&rd);
}

void
lm_start(struct ctx *c, int exe)
{
	int sv[2], zero = 0;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
		fatal("socketpair: %s", strerror(errno));
	if ((pid = fork()) < 0)
		fatal("fork: %s", strerror(errno));
	if (pid == 0)
		exec_listener(c, exe, sv[1]);
	(void)close(sv[1]);
	(void)close(exe);
	c->lm_fd = sv[0];
	c->lm_pid = pid;
	c->passrights = setsockopt(sv[0], SOL_SOCKET, SO_PASSRIGHTS, &zero,
	    sizeof(zero)) == 0;
	if (!c->passrights)
		log_warn("this kernel cannot refuse descriptors on a socket "
		    "(SO_PASSRIGHTS, Linux 6.16); a compromised listener could "
		    "make the monitor hold files it sends");
	wait_ready(c);
	if (fcntl(c->lm_fd, F_SETFL, O_NONBLOCK) != 0)
		fatal("fcntl: %s", strerror(errno));
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
 * The listener master is gone (si: how, or NULL when its socket closed
 * first: then it is made to end and waited for).  Say how it ended, and
 * stop: no listener can be started any more (fail closed).
 */
void
lm_gone(struct ctx *c, const siginfo_t *si)
{
	siginfo_t w;

	if (si == NULL) {
		(void)kill(c->lm_pid, SIGKILL);
		memset(&w, 0, sizeof(w));
		while (waitid(P_PID, (id_t)c->lm_pid, &w, WEXITED) != 0)
			if (errno != EINTR)
				fatal("the listener master closed its socket; "
				    "refusing to go on without it");
		si = &w;
	}
	if (si->si_code == CLD_EXITED)
		fatal("the listener master exited with status %d; refusing "
		    "to go on without it", si->si_status);
	fatal("the listener master was killed by signal %d (%s); refusing "
	    "to go on without it", si->si_status, strsignal(si->si_status));
}
