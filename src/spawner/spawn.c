/* SPDX-License-Identifier: MIT */
/*
 * The spawner: one accepted request, set up step by step in a fixed order
 * (dived(8), ORDER OF OPERATIONS), then executed.  Any failing step fails
 * the whole request: the step and errno go back on the status pipe and
 * nothing runs half-configured.
 * Runs as: root, forked by the monitor, until the identity change.
 * Trusts: the monitor's accepted request.  Does not trust: the client's
 * descriptors (used only as cwd, terminal and the program's fds).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fdpass.h"
#include "msg.h"
#include "spawner.h"

extern char **environ;

struct spawn {
	const struct spawn_args *a;
	int statusfd;
	int fds[MSG_MAX_FDS];		/* as received: specials, then mapped */
	size_t nfds;
	int cwd, root, tty;		/* specials, or -1 */
	int *mapped;			/* fds + number of specials */
	struct identity id;
	char **argv, **envp;
};

static void __attribute__((noreturn))
fail(struct spawn *sp, uint32_t step, int err)
{
	struct msg_failed f = { step, err > 0 && err < 4096 ? err : EIO };
	struct buf b;

	buf_init(&b, MSG_MAX_SMALL);
	if (msg_encode_failed(&b, &f) == 0)
		(void)!write(sp->statusfd, b.d, b.len);
	_exit(127);
}

/*
 * The monitor blocks signals for its signalfd and ignores SIGPIPE; both
 * would survive execve, so programs get them back as they should be.
 */
static void
reset_signals(void)
{
	sigset_t none;

	(void)signal(SIGPIPE, SIG_DFL);
	sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
}

static void
receive(struct spawn *sp)
{
	const struct req_exec *r = sp->a->req;
	size_t i = 0;
	int err;

	sp->cwd = sp->root = sp->tty = -1;
	sp->nfds = req_exec_nfds(r);
	if ((err = fds_receive(sp->a, sp->fds, sp->nfds)) != 0)
		fail(sp, STEP_RECV_FDS, err);
	if (r->specials & REQ_SPECIAL_CWD)
		sp->cwd = sp->fds[i++];
	if (r->specials & REQ_SPECIAL_ROOT)
		sp->root = sp->fds[i++];
	if (r->specials & REQ_SPECIAL_TTY)
		sp->tty = sp->fds[i++];
	sp->mapped = sp->fds + i;
	(void)close(sp->a->fdsock);
}

/* argv: the forced prefix, then (unless -A) the client's arguments. */
static void
build_argv(struct spawn *sp)
{
	const struct dived_opts *o = sp->a->o;
	const struct req_exec *r = sp->a->req;
	size_t n = 0, i;

	sp->argv = calloc((size_t)o->forced_argc + r->argc + 1, sizeof(char *));
	if (sp->argv == NULL)
		fail(sp, STEP_ENV, ENOMEM);
	for (i = 0; i < (size_t)o->forced_argc; i++)
		sp->argv[n++] = o->forced_argv[i];
	for (i = 0; i < r->argc && !o->no_argv; i++)
		sp->argv[n++] = (char *)(uintptr_t)r->argv[i];
	if (n == 0)
		fail(sp, STEP_NO_PROGRAM, 0);
}

static void
session_and_terminal(struct spawn *sp)
{
	const struct dived_opts *o = sp->a->o;

	if (o->no_setsid)
		return;
	if (setsid() < 0)
		fail(sp, STEP_SESSION, errno);
	/* Take the terminal even from the client's session: needs root. */
	if (sp->tty >= 0 && !o->no_csctty &&
	    ioctl(sp->tty, TIOCSCTTY, 1) != 0)
		fail(sp, STEP_TERMINAL, errno);
}

static void
install_fds(struct spawn *sp)
{
	static const uint32_t stdio[3] = { 0, 1, 2 };
	const struct req_exec *r = sp->a->req;
	int null[3], err;

	if (sp->cwd >= 0)
		(void)close(sp->cwd);
	if (sp->tty >= 0)
		(void)close(sp->tty);
	if (sp->root >= 0)
		(void)close(sp->root);
	if (!sp->a->o->no_fds) {
		err = fds_install(r->fdnum, sp->mapped, r->nfdmap,
		    &sp->statusfd);
	} else {
		/* -O: the program gets /dev/null, never dived's own stdio. */
		if ((null[0] = open("/dev/null", O_RDWR | O_CLOEXEC)) < 0 ||
		    (null[1] = fcntl(null[0], F_DUPFD_CLOEXEC, 0)) < 0 ||
		    (null[2] = fcntl(null[0], F_DUPFD_CLOEXEC, 0)) < 0)
			fail(sp, STEP_FDS, errno);
		err = fds_install(stdio, null, 3, &sp->statusfd);
	}
	if (err != 0)
		fail(sp, STEP_FDS, err);
}

static void
execute(struct spawn *sp)
{
	struct rlimit rl;

	/* The soft limit dived was started with, not the raised one. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = sp->a->nofile_soft < rl.rlim_max ?
		    sp->a->nofile_soft : rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (sp->a->o->forced_argc > 0) {
		execve(sp->a->forced_path, sp->argv, sp->envp);
	} else {
		/* PATH is searched in the program's environment, as the
		 * program's user, as the client's own execvp would. */
		environ = sp->envp;
		execvp(sp->argv[0], sp->argv);
	}
	fail(sp, STEP_EXEC, errno);
}

char *
spawn_find_program(const char *prog, const char *path)
{
	char *dirs, *save = NULL, *d, *cand = NULL;
	struct stat st;

	if (strchr(prog, '/') != NULL)
		return realpath(prog, NULL);
	if ((dirs = strdup(path != NULL ? path :
	    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")) ==
	    NULL)
		return NULL;
	for (d = strtok_r(dirs, ":", &save); d != NULL;
	    d = strtok_r(NULL, ":", &save)) {
		free(cand);
		cand = NULL;
		if (d[0] != '/' || asprintf(&cand, "%s/%s", d, prog) < 0)
			continue;
		if (stat(cand, &st) == 0 && S_ISREG(st.st_mode) &&
		    access(cand, X_OK) == 0)
			break;
	}
	if (d == NULL) {
		free(cand);
		cand = NULL;
		errno = ENOENT;
	}
	free(dirs);
	return cand;
}

void
spawn_run(const struct spawn_args *a)
{
	struct spawn sp;
	int err, step;

	memset(&sp, 0, sizeof(sp));
	sp.a = a;
	sp.statusfd = a->statusfd;
	reset_signals();
	receive(&sp);
	build_argv(&sp);
	if ((err = ids_resolve(a, &sp.id)) != 0)
		fail(&sp, STEP_IDENTITY, err);
	if (sp.cwd >= 0 && !a->o->no_chdir && fchdir(sp.cwd) != 0)
		fail(&sp, STEP_CHDIR, errno);
	if (!a->o->no_umask)
		(void)umask((mode_t)a->req->umask);
	session_and_terminal(&sp);
	if ((err = ids_apply(&sp.id, &step)) != 0)
		fail(&sp, (uint32_t)step, err);
	if ((sp.envp = env_build(a, &sp.id)) == NULL)
		fail(&sp, STEP_ENV, ENOMEM);
	install_fds(&sp);
	execute(&sp);
	_exit(127);
}
