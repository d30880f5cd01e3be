/* SPDX-License-Identifier: MIT */
/*
 * -a CMD: run CMD with /bin/sh -c before anything else of the request is
 * applied, with the client's standard input, output and error (or the
 * request's pseudo-terminal where it replaces them) but dived's
 * own directory, environment and umask; DIVE_UID, DIVE_GID, DIVE_PID and
 * DIVE_USER describe the client.  A non-zero exit refuses the client.
 * CMD runs in a process group of its own; whatever it leaves running in
 * it when it exits (a job started with &) is killed then: nothing it
 * starts outlives it as root by accident.
 * Runs as: root (spawner); CMD runs as dived.  Trusts: the operator's CMD.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "spawner.h"

/* The client's descriptor that will be number n, or -1. */
static int
client_fd(const struct spawn_args *a, const int *mapped, uint32_t n,
    int pty)
{
	uint32_t i;

	/* -O: the pseudo-terminal is the program's stdio (and a request
	 * maps no descriptor: the monitor refuses it). */
	if (pty >= 0 && a->o->no_fds)
		return pty;
	for (i = 0; i < a->req->nfdmap; i++)
		if (a->req->fdnum[i] == n)
			return mapped[i];
	for (i = 0; i < a->req->pty.nfd && pty >= 0; i++)
		if (a->req->pty.fdnum[i] == n)
			return pty;
	return -1;
}

static void __attribute__((noreturn))
exec_auth(const struct spawn_args *a, const struct identity *id,
    const int *mapped, int pty, pid_t spawner)
{
	struct dived_opts o = *a->o;
	struct spawn_args env_args = *a;
	char *argv[] = { "sh", "-c", (char *)(uintptr_t)a->o->authenticate,
		NULL };
	char **envp;
	int n, fd, null = open("/dev/null", O_RDWR | O_CLOEXEC);

	/* CMD runs as root: not a moment longer than the spawner. */
	if (ns_die_with_parent(true) != 0 || getppid() != spawner ||
	    setpgid(0, 0) != 0)
		_exit(127);
	/* stdio: the client's 0, 1, 2 where it sent them, else /dev/null. */
	for (n = 0; n < 3; n++) {
		fd = client_fd(a, mapped, (uint32_t)n, pty);
		if (dup2(fd >= 0 ? fd : null, n) != n)
			_exit(127);
	}
	(void)syscall(SYS_close_range, 3U, ~0U, 0U);
	o.no_environment = true;	/* dived's own environment */
	env_args.o = &o;
	env_args.rule = NULL;		/* as it is, not the program's */
	if ((envp = env_build(&env_args, id)) == NULL)
		_exit(127);
	(void)signal(SIGPIPE, SIG_DFL);
	execve("/bin/sh", argv, envp);
	_exit(127);
}

int
auth_run(const struct spawn_args *a, const struct identity *id,
    const int *mapped, int pty)
{
	pid_t pid, self = getpid();
	siginfo_t si;
	int st;

	if ((pid = fork()) < 0)
		return errno;
	if (pid == 0)
		exec_auth(a, id, mapped, pty, self);
	/* Its group exists before either side goes on (as a shell does it). */
	(void)setpgid(pid, pid);
	/* What CMD left behind in its group ends with it: killed while CMD
	 * is a zombie, so that the group's number cannot be anyone else's. */
	while (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT) != 0)
		if (errno != EINTR)
			break;
	(void)kill(-pid, SIGKILL);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return errno;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	log_notice("uid %u pid %d: refused by the authentication command "
	    "(%s %d)", (unsigned)a->peer.uid, (int)a->peer.pid,
	    WIFEXITED(st) ? "exit status" : "signal", WIFEXITED(st) ?
	    WEXITSTATUS(st) : WTERMSIG(st));
	return EACCES;
}
