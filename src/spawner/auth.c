/* SPDX-License-Identifier: MIT */
/* Process: the spawner, dived's child for one request (root). */
/*
 * -a CMD: run CMD with /bin/sh -c before anything else of the request is
 * applied, with the client's standard input, output and error (or the
 * request's pseudo-terminal where it replaces them) but dived's
 * own directory, environment and umask; DIVE_UID, DIVE_GID, DIVE_PID and
 * DIVE_USER describe the client.  A non-zero exit refuses the client.
 * CMD runs in a process group of its own; whatever it leaves running in
 * it when it exits (a job started with &) is killed then: nothing it
 * starts outlives it as root by accident.  The same when it runs longer
 * than --auth-timeout, and when the monitor ends the spawner (SIGTERM:
 * the client has gone).
 * Runs as: root (spawner); CMD runs as dived.  Trusts: the operator's CMD.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "spawner.h"

/* The client's descriptor that will be number n, or -1. */
static int
client_fd(const struct plan_fds *d, const int *mapped, uint32_t n, int pty)
{
	uint32_t i;

	/* (-O: the plan maps none, and puts the pseudo-terminal at 0, 1
	 * and 2.) */
	for (i = 0; i < d->nfdmap; i++)
		if (d->fdnum[i] == n)
			return mapped[i];
	for (i = 0; i < d->pty_nfd && pty >= 0; i++)
		if (d->pty_fdnum[i] == n)
			return pty;
	return -1;
}

/* CMD while it runs (not yet reaped: its group number is its own). */
static volatile sig_atomic_t auth_pid;

/* SIGTERM from the monitor: CMD's whole group goes with the spawner. */
static void
auth_stop(int sig)
{
	pid_t pid = (pid_t)auth_pid;

	(void)sig;
	if (pid > 0) {
		(void)kill(-pid, SIGKILL);
		(void)kill(pid, SIGKILL);
	}
	_exit(SPAWN_EXIT_FAILED);
}

/*
 * Wait until CMD has exited (left a zombie) or the time is up.  Returns
 * 0 or ETIMEDOUT (or an errno value: the same, CMD is killed).
 */
static int
auth_wait(pid_t pid, unsigned int seconds)
{
	struct timespec t0, now;
	struct pollfd p;
	siginfo_t si;
	long left;
	int fd, r;

	if ((fd = (int)syscall(SYS_pidfd_open, pid, 0)) < 0)
		return errno;
	p = (struct pollfd){ fd, POLLIN, 0 };
	(void)clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		(void)clock_gettime(CLOCK_MONOTONIC, &now);
		left = (long)seconds * 1000 - (now.tv_sec - t0.tv_sec) * 1000 -
		    (now.tv_nsec - t0.tv_nsec) / 1000000;
		if (left <= 0) {
			r = ETIMEDOUT;
			break;
		}
		if ((r = poll(&p, 1, (int)left)) < 0 && errno != EINTR) {
			r = errno;
			break;
		}
		memset(&si, 0, sizeof(si));
		if (r > 0 && waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT |
		    WNOHANG) == 0 && si.si_pid == pid) {
			r = 0;
			break;
		}
	}
	(void)close(fd);
	return r;
}

static void __attribute__((noreturn))
exec_auth(const struct exec_plan *p, const struct identity *id,
    const int *mapped, int pty, pid_t spawner)
{
	struct exec_plan ap = *p;	/* this child's own copy */
	char *argv[] = { "sh", "-c", (char *)(uintptr_t)p->auth.cmd, NULL };
	char **envp;
	int n, fd, null = open("/dev/null", O_RDWR | O_CLOEXEC);

	/* CMD runs as root: not a moment longer than the spawner. */
	if (ns_die_with_parent(true) != 0 || getppid() != spawner ||
	    setpgid(0, 0) != 0)
		_exit(SPAWN_EXIT_FAILED);
	/* stdio: the client's 0, 1, 2 where it sent them, else /dev/null. */
	for (n = 0; n < 3; n++) {
		fd = client_fd(&p->fds, mapped, (uint32_t)n, pty);
		if (dup2(fd >= 0 ? fd : null, n) != n)
			_exit(SPAWN_EXIT_FAILED);
	}
	(void)syscall(SYS_close_range, 3U, ~0U, 0U);
	/* dived's own environment, as it is, not the program's */
	ap.env.daemon = true;
	ap.env.src = p->env.daemon_env;
	ap.env.rule = false;
	if ((envp = env_build(&ap, id)) == NULL)
		_exit(SPAWN_EXIT_FAILED);
	(void)signal(SIGPIPE, SIG_DFL);
	execve("/bin/sh", argv, envp);
	_exit(SPAWN_EXIT_FAILED);
}

int
auth_run(const struct exec_plan *p, const struct identity *id,
    const int *mapped, int pty)
{
	pid_t pid, self = getpid();
	int st, err;

	(void)signal(SIGTERM, auth_stop);
	if ((pid = fork()) < 0) {
		err = errno;
		(void)signal(SIGTERM, SIG_DFL);
		return err;
	}
	if (pid == 0) {
		(void)signal(SIGTERM, SIG_DFL);
		exec_auth(p, id, mapped, pty, self);
	}
	auth_pid = pid;
	/* Its group exists before either side goes on (as a shell does it). */
	(void)setpgid(pid, pid);
	/* What CMD left behind in its group ends with it: killed while CMD
	 * is a zombie, so that the group's number cannot be anyone else's.
	 * The same for CMD itself when its time is up. */
	if ((err = auth_wait(pid, p->auth.timeout)) != 0)
		(void)kill(pid, SIGKILL);
	(void)kill(-pid, SIGKILL);
	auth_pid = 0;		/* reaped below: the numbers are free again */
	(void)signal(SIGTERM, SIG_DFL);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return errno;
	if (err == ETIMEDOUT)
		log_notice("uid %u pid %d: the authentication command timed "
		    "out (%u s)", (unsigned)p->who.peer.uid,
		    (int)p->who.peer.pid, p->auth.timeout);
	if (err != 0)
		return err;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	log_notice("uid %u pid %d: refused by the authentication command "
	    "(%s %d)", (unsigned)p->who.peer.uid, (int)p->who.peer.pid,
	    WIFEXITED(st) ? "exit status" : "signal", WIFEXITED(st) ?
	    WEXITSTATUS(st) : WTERMSIG(st));
	return EACCES;
}
