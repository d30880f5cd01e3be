/* SPDX-License-Identifier: MIT */
/* Process: the spawner, dived's child for one request (root). */
/*
 * The spawner: one accepted request, set up step by step in a fixed order
 * (dived(8), ORDER OF OPERATIONS), then executed.  Any failing step fails
 * the whole request: the step and errno go back to the client and nothing
 * runs half-configured.
 * Runs as: root, forked by the monitor (or the monitor itself with -F, or
 * dived itself with -J), until the identity change.  Trusts: the
 * monitor's exec plan.  Does not trust: the client's descriptors
 * (used only as directories, terminal and the program's fds).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fdpass.h"
#include "log.h"
#include "msg.h"
#include "policy.h"	/* POLICY_SAFE_PATH */
#include "spawner.h"

extern char **environ;

/*
 * What each mode of the plan (and so of dived: -J, -F, or a spawner
 * forked for each request; -D is a step, daemonize()) means for the
 * steps below.  Chosen here, once; no step tests the mode itself.
 */
struct mode {
	bool client;	/* a client's request: its descriptors come and are
			 * installed, signals start at their defaults */
	bool pdeath;	/* a child of the monitor: dies with it until it
			 * executes the program */
	bool monitor;	/* the monitor itself (-F): its sockets stay */
	bool in_place;	/* dived itself (-J): failures on its stderr, and
			 * it may lead its process group already */
};

static const struct mode modes[] = {
	[PLAN_FORK] = { .client = true, .pdeath = true },
	[PLAN_NO_FORK] = { .client = true, .monitor = true },
	[PLAN_JUST] = { .in_place = true },
};

struct spawn {
	const struct spawn_args *a;
	const struct exec_plan *p;	/* a->p: what to do, decided */
	const struct mode *m;		/* what p->mode means */
	int statusfd;			/* -1 with -F and -J */
	int lfd;			/* -F, -D: the listener, else -1 */
	pid_t pid;			/* the program's for dived; 0: ours */
	const struct opt_rlimit *nofile;	/* -l nofile=, or NULL */
	int fds[MSG_MAX_FDS];		/* as received: specials, then mapped */
	uint8_t kinds[MSG_MAX_FDS];	/* the mapped ones', by ns_fd_kind */
	size_t nfds;
	int cwd, root, tty;		/* specials, or -1 */
	int pts;			/* REQ_F_PTY: the slave, or -1 */
	int *mapped;			/* fds + number of specials */
	struct identity id;
	struct rootctx rc;
	pid_t parent;		/* to die with; 0 in a new pid ns, -1: none */
	bool pid1;			/* the program of a new pid namespace */
	bool ids_done;			/* ids_apply has run */
	char **argv, **envp;
	char *exec_real;		/* find_decided: the program's path */
	int exec_fd;			/* and the file, O_PATH */
};

/*
 * A failure, as one frame of the one codec: on the status pipe to the
 * monitor, which passes it on, or with -F (no pipe) the very same frame
 * to the listener.  The frame (20 bytes) is at most PIPE_BUF, so one
 * write of it on the pipe is atomic: a spawner killed while it writes
 * leaves the whole frame or none.
 */
static void
report(const struct spawn *sp, uint16_t type, struct buf *b)
{
	int fd = sp->statusfd >= 0 ? sp->statusfd : sp->lfd;

	if (fd >= 0)
		(void)!fdpass_send(fd, type, b, NULL, 0);
}

static void __attribute__((noreturn))
fail(struct spawn *sp, uint32_t step, int err)
{
	struct msg_failed f = { step, err >= 0 && err < 4096 ? err : EIO };
	const char *why;
	char wb[128];
	struct buf b;

	if (sp->m->in_place) {
		fprintf(stderr, "dived: cannot %s%s%s\n", spawn_step_str(step),
		    err != 0 ? ": " : "", err != 0 ? strerror(err) : "");
		_exit(SPAWN_EXIT_FAILED);
	}
	/* -F: this is the monitor; no one else would log it. */
	why = spawn_err_str(&f, wb, sizeof(wb));
	if (sp->statusfd < 0)
		log_notice("uid %u pid %d: cannot %s%s%s",
		    (unsigned)sp->p->who.peer.uid, (int)sp->p->who.peer.pid,
		    spawn_step_str(step), *why != '\0' ? ": " : "", why);
	buf_init(&b, MSG_MAX_STATUS);
	if (msg_encode_failed(&b, &f) == 0)
		report(sp, MSG_MON_FAILED, &b);
	_exit(SPAWN_EXIT_FAILED);
}

/*
 * -F and -D: the monitor does not know the program's pid (it is dived
 * itself, or not dived's child), so the spawner tells the listener, just
 * before it installs the descriptors and executes.  A later failure still
 * follows as MSG_MON_FAILED.
 */
static void
report_started(const struct spawn *sp)
{
	struct msg_started m;
	struct buf b;

	if (sp->lfd < 0)
		return;
	m.pid = (int32_t)(sp->pid != 0 ? sp->pid : getpid());
	buf_init(&b, MSG_MAX_SMALL);
	if (msg_encode_started(&b, &m) == 0)
		(void)!fdpass_send(sp->lfd, MSG_MON_STARTED, &b, NULL, 0);
	buf_free(&b);
}

/*
 * The monitor blocks signals for its signalfd and ignores SIGPIPE, and it
 * may have been started with signals ignored (SIGINT and SIGQUIT in a
 * script's background job, SIGHUP under nohup): all of it would survive
 * execve, so programs start with every signal at its default, as a login
 * does.  -J is an execve of dived's own caller: it keeps what it got.
 * SIGPIPE only at the end (execute(), auth.c): until then a closed log or
 * status pipe must give the spawner an error, not kill it.
 */
static void
reset_signals(const struct mode *m)
{
	unsigned long ksa[8];	/* a struct kernel_sigaction, and more */
	sigset_t none;
	int s;

	if (!m->client)
		return;
	for (s = 1; s < NSIG; s++)
		if (s != SIGKILL && s != SIGSTOP && s != SIGPIPE)
			(void)signal(s, SIG_DFL);
	(void)signal(SIGPIPE, SIG_IGN);
	/* The C library keeps the signals below SIGRTMIN for itself and
	 * refuses to touch them; an inherited SIG_IGN of theirs would
	 * survive execve all the same.  All zero: SIG_DFL, in any layout. */
	memset(ksa, 0, sizeof(ksa));
	for (s = 32; s < SIGRTMIN; s++)
		(void)syscall(SYS_rt_sigaction, s, ksa, NULL, (NSIG + 6) / 8);
	sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
}

/*
 * Until it executes the program a spawner does not outlive the process
 * that started it (the monitor, or the waiter of a new pid namespace):
 * no half set-up process stays behind as root.  Set again after the
 * identity changes, which clears it.
 */
static void
die_with_parent(struct spawn *sp)
{
	int err;

	if (!sp->m->pdeath || sp->parent < 0)
		return;
	if ((err = ns_die_with_parent(true)) != 0)
		fail(sp, STEP_FORK, err);
	if (getppid() != sp->parent)
		_exit(SPAWN_EXIT_FAILED);	/* nobody to report to */
}

static void
receive(struct spawn *sp)
{
	const struct plan_fds *d = &sp->p->fds;
	size_t i = 0;
	int err;

	sp->cwd = sp->root = sp->tty = sp->pts = -1;
	sp->mapped = sp->fds;
	if (!sp->m->client)
		return;
	sp->nfds = d->nrecv;
	if ((err = fds_receive(sp->a->fdsock, d->timeout, sp->fds,
	    sp->nfds)) != 0)
		fail(sp, STEP_RECV_FDS, err);
	if (d->specials & REQ_SPECIAL_CWD)
		sp->cwd = sp->fds[i++];
	if (d->specials & REQ_SPECIAL_ROOT)
		sp->root = sp->fds[i++];
	if (d->specials & REQ_SPECIAL_TTY)
		sp->tty = sp->fds[i++];
	sp->mapped = sp->fds + i;
	/* Now, while /proc is dived's: after -R there may be none. */
	for (i = 0; i < d->nfdmap; i++)
		sp->kinds[i] = (uint8_t)ns_fd_kind(sp->mapped[i]);
	if (d->pty == NULL)	/* else the master goes back on it */
		(void)close(sp->a->fdsock);
}

/*
 * REQ_F_PTY: the pseudo-terminal, in dived's own root and before -a, so
 * that an authentication prompt reaches the user through it.  dive gets
 * the master now and relays; the program never sees the caller's
 * terminal.
 */
static void
open_pty(struct spawn *sp)
{
	uid_t uid = sp->id.change ? sp->id.euid : geteuid();
	int master, err;

	if ((err = pty_open(sp->p->fds.pty, sp->p->fds.ttymodes, uid, &master,
	    &sp->pts)) != 0)
		fail(sp, STEP_PTY, err);
	err = pty_send_master(sp->a->fdsock, master);
	(void)close(master);
	(void)close(sp->a->fdsock);
	if (err != 0)
		fail(sp, STEP_PTY, err);
}

static void
session_and_terminal(struct spawn *sp)
{
	const struct plan_fds *d = &sp->p->fds;
	int err;

	/* A pty always leads a new session (the monitor refuses it with -S
	 * and -T); it is nobody's terminal yet, so no stealing. */
	if (sp->pts >= 0) {
		if (setsid() < 0)
			fail(sp, STEP_SESSION, errno);
		if (ioctl(sp->pts, TIOCSCTTY, 0) != 0)
			fail(sp, STEP_TERMINAL, errno);
		return;
	}
	if (!d->setsid)
		return;
	if (setsid() < 0 && !(sp->m->in_place && getpgid(0) == getpid()))
		fail(sp, STEP_SESSION, errno);
	if (sp->tty >= 0 && d->take_ctty &&
	    (err = pty_take_terminal(sp->tty, sp->p->who.ctty)) != 0)
		fail(sp, STEP_TERMINAL, err);
}

/*
 * -l, while still root (raising a hard limit needs it).  RLIMIT_NOFILE
 * only rises here if it must: the client's descriptors are installed at
 * their numbers later, and a lower limit would refuse them; it is set
 * exactly just before execve (lowering needs no privilege).
 */
static void
set_rlimits(struct spawn *sp)
{
	const struct plan_limits *lim = &sp->p->limits;
	const struct opt_rlimit *l;
	struct rlimit rl;
	int i;

	for (i = 0; i < lim->nrlimits; i++) {
		l = &lim->rlimits[i];
		rl.rlim_cur = l->soft;
		rl.rlim_max = l->hard;
		if (l->resource == RLIMIT_NOFILE) {
			sp->nofile = l;
			if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
				fail(sp, STEP_RLIMITS, errno);
			if (rl.rlim_max >= l->hard)
				continue;
			rl.rlim_cur = rl.rlim_max = l->hard;
		}
		if (setrlimit(l->resource, &rl) != 0)
			fail(sp, STEP_RLIMITS, errno);
	}
}

/* The program's RLIMIT_NOFILE: -l's, else the one dived started with. */
static void
set_nofile(struct spawn *sp)
{
	struct rlimit rl;

	if (sp->nofile != NULL) {
		rl.rlim_cur = sp->nofile->soft;
		rl.rlim_max = sp->nofile->hard;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
			fail(sp, STEP_RLIMITS, errno);
	} else if (sp->p->limits.nofile_soft != 0 &&
	    getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		/* The soft limit dived was started with, not the raised one. */
		rl.rlim_cur = sp->p->limits.nofile_soft < rl.rlim_max ?
		    sp->p->limits.nofile_soft : rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static void
close_specials(struct spawn *sp)
{
	int *s[] = { &sp->cwd, &sp->tty, &sp->root, &sp->rc.server_root };
	size_t i;

	for (i = 0; i < sizeof(s) / sizeof(s[0]); i++)
		if (*s[i] >= 0) {
			(void)close(*s[i]);
			*s[i] = -1;
		}
}

/*
 * With a pty: the client's descriptors the program keeps and the slave
 * at the numbers the plan gives it (with -O, at 0, 1 and 2 only).
 */
static int
install_with_pty(struct spawn *sp, int *keep)
{
	const struct plan_fds *d = &sp->p->fds;
	uint32_t num[MSG_MAX_FDS];
	int fds[MSG_MAX_FDS], err;
	size_t n;

	err = pty_merge(d->fdnum, sp->mapped, d->nkept, d->pty_fdnum,
	    d->pty_nfd, sp->pts, num, fds, &n);
	(void)close(sp->pts);
	sp->pts = -1;
	if (err != 0)
		return err;
	return fds_install(num, fds, n, keep);
}

static void
install_fds(struct spawn *sp)
{
	static const uint32_t stdio[3] = { 0, 1, 2 };
	const struct plan_fds *d = &sp->p->fds;
	/* What reports a failure must stay open: the pipe, or with -F the
	 * listener. */
	int *keep = sp->statusfd >= 0 ? &sp->statusfd : &sp->lfd;
	int null[3], err;

	close_specials(sp);
	if (!sp->m->client)
		return;		/* -J: the descriptors are already ours */
	if (sp->pts >= 0) {
		err = install_with_pty(sp, keep);
	} else if (!d->none) {
		err = fds_install(d->fdnum, sp->mapped, d->nkept, keep);
	} else {
		/* -O: the program gets /dev/null, never dived's own stdio. */
		if ((null[0] = open("/dev/null", O_RDWR | O_CLOEXEC)) < 0 ||
		    (null[1] = fcntl(null[0], F_DUPFD_CLOEXEC, 0)) < 0 ||
		    (null[2] = fcntl(null[0], F_DUPFD_CLOEXEC, 0)) < 0)
			fail(sp, STEP_FDS, errno);
		err = fds_install(stdio, null, 3, keep);
	}
	if (err != 0)
		fail(sp, STEP_FDS, err);
}

/*
 * The pid namespace's first process, for forward_to_pid1() (a signal
 * handler can reach nothing else).  Set once, in the spawner only.
 */
static volatile pid_t pid1_child;

static void
forward_to_pid1(int sig)
{
	int save = errno;

	(void)kill(pid1_child, sig);
	errno = save;
}

static void
forward_signals(pid_t child)
{
	struct sigaction sa;
	int s;

	pid1_child = child;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = forward_to_pid1;
	sa.sa_flags = SA_RESTART;
	for (s = 1; s < NSIG; s++)
		if (s != SIGCHLD && s != SIGKILL && s != SIGSTOP)
			(void)sigaction(s, &sa, NULL);
}

/* After unshare(CLONE_NEWPID): wait for the child, end like it. */
static void __attribute__((noreturn))
wait_pid1(pid_t child)
{
	struct rlimit none = { 0, 0 };
	int st;

	while (waitpid(child, &st, 0) < 0)
		if (errno != EINTR)
			_exit(SPAWN_EXIT_FAILED);
	if (WIFEXITED(st))
		_exit(WEXITSTATUS(st));
	(void)setrlimit(RLIMIT_CORE, &none);
	(void)signal(WTERMSIG(st), SIG_DFL);
	(void)raise(WTERMSIG(st));
	_exit(SPAWN_EXIT_SIGNAL + WTERMSIG(st));
}

/*
 * Pass the child's status frames on to the monitor, byte for byte (the
 * monitor judges them), until the child executes or ends.  True if it
 * executed the program: its MSG_SPAWN_EXEC frame and nothing after it.
 * The child's frames are written whole (report()), and are smaller than
 * b together: each read takes whole frames, each write passes them on
 * whole, under PIPE_BUF.
 */
static bool
relay_status(int from, int to)
{
	uint8_t b[64], exec[MSG_HDR_LEN];
	size_t total = 0;
	bool first = false;
	ssize_t n;

	msg_hdr_pack(exec, MSG_SPAWN_EXEC, 0, 0);
	for (;;) {
		if ((n = read(from, b, sizeof(b))) < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (total == 0)
			first = n >= MSG_HDR_LEN &&
			    memcmp(b, exec, MSG_HDR_LEN) == 0;
		total += (size_t)n;
		(void)!write(to, b, (size_t)n);
	}
	(void)close(from);
	return first && total == MSG_HDR_LEN;
}

/*
 * unshare(CLONE_NEWPID) moves only children: the program becomes pid 1
 * of the new namespace in a child, and this process waits for it and ends
 * the same way, so the monitor sees the program's status.  Until the
 * program runs, the waiter relays the child's reports and dies with the
 * monitor; then it outlives dived as the program does, with its identity.
 */
static void
become_pid1(struct spawn *sp)
{
	int p[2] = { -1, -1 }, err, step;
	bool started = false;
	pid_t pid;
	size_t i;

	/* The waiter stands for the program towards dived, dive and their
	 * signals: in the new namespace the program's own pid is 1. */
	sp->pid = getpid();
	if (sp->statusfd >= 0 && pipe2(p, O_CLOEXEC) != 0)
		fail(sp, STEP_NAMESPACES, errno);
	if ((pid = fork()) < 0)
		fail(sp, STEP_NAMESPACES, errno);
	if (pid == 0) {
		if (p[1] >= 0) {
			(void)close(p[0]);
			(void)close(sp->statusfd);
			sp->statusfd = p[1];
		}
		sp->pid1 = true;
		sp->parent = 0;	/* getppid() across a pid namespace */
		/* Without its parent, nobody reports on it: stop then. */
		if ((err = ns_die_with_parent(true)) != 0)
			fail(sp, STEP_NAMESPACES, err);
		return;
	}
	(void)setpgid(0, 0);	/* for --signals-pgid */
	if (p[1] >= 0)
		(void)close(p[1]);
	/* It lives as long as the program: none of the client's descriptors
	 * nor the terminal's end (the program's alone), and nothing of the
	 * monitor's, whose other sessions and sockets would otherwise stay
	 * open until the program ends.  (-F: this is dived itself, serving
	 * its one client; its sockets stay as they are.) */
	if (!sp->m->monitor)
		(void)fds_keep_only(p[0], sp->statusfd);
	else {
		for (i = 0; i < sp->nfds; i++)
			(void)close(sp->fds[i]);
		if (sp->pts >= 0)
			(void)close(sp->pts);
	}
	forward_signals(pid);
	if (p[0] >= 0)
		started = relay_status(p[0], sp->statusfd);
	if (sp->statusfd >= 0)
		(void)close(sp->statusfd);
	if (started && (ns_die_with_parent(false) != 0 ||
	    (!sp->ids_done && ids_apply(&sp->id, &step) != 0)))
		(void)kill(pid, SIGKILL);	/* fail closed */
	wait_pid1(pid);
}

/* No directory outside the new root among the program's descriptors. */
static void
check_dirs(struct spawn *sp)
{
	const uint32_t *num = sp->p->fds.fdnum;
	uint32_t n = sp->p->fds.nkept;	/* those the program will have */
	size_t bad;
	int err;

	if (!sp->m->client)
		return;
	if ((err = ns_check_dirs(&sp->p->where, &sp->rc, sp->mapped,
	    sp->kinds, n, &bad)) != 0)
		fail(sp, STEP_CHDIR, err);
	if (bad < n && sp->kinds[bad] != FDK_PLAIN)
		fail(sp, STEP_OUTSIDE_FD, sp->kinds[bad] *
		    STEP_OUTSIDE_FD_KIND + (num[bad] < 511 ?
		    (int)num[bad] + 1 : 0));
	if (bad < n)	/* the number travels as err, + 1 */
		fail(sp, STEP_OUTSIDE_DIR, num[bad] < 4095 ?
		    (int)num[bad] + 1 : 0);
}

/*
 * Namespaces, then the files -t writes in them (the maps of a new user
 * namespace by the helper, from outside), then root and directory.
 */
static void
enter_namespaces(struct spawn *sp, struct ns_helper *h)
{
	const struct plan_where *w = &sp->p->where;
	int err, step;

	if ((err = ns_unshare(w)) != 0)
		fail(sp, STEP_NAMESPACES, err);
	if (h != NULL && (err = ns_helper_finish(h)) != 0)
		fail(sp, STEP_WRITE_CONTENT, err);
	if (h != NULL && h->pid > 0 && (setresgid(0, 0, 0) != 0 ||
	    setresuid(0, 0, 0) != 0))	/* mapped: root, inside only */
		fail(sp, STEP_SETUID, errno);
	if (w->unshare & CLONE_NEWPID)
		become_pid1(sp);
	if ((err = ns_write_content(w, h != NULL, getuid(), getgid())) != 0)
		fail(sp, STEP_WRITE_CONTENT, err);
	if ((err = ns_set_root(w, &sp->rc, &step)) != 0)
		fail(sp, (uint32_t)step, err);
	check_dirs(sp);
}

/*
 * -N: the namespaces kept since start-up.  One that is gone refuses every
 * request, named in the log (the client learns only its place).
 */
static void
join_namespaces(struct spawn *sp)
{
	const struct plan_where *w = &sp->p->where;
	int err, gone;

	if ((err = ns_setns(w, sp->a->ns, &gone)) != 0)
		fail(sp, STEP_NAMESPACES, err);
	if (gone < 0)
		return;
	log_warn("namespace %s: %s; every request is refused until dived "
	    "is restarted", w->setns[gone & 0xff], gone & NS_GONE_ENDED ?
	    "its process has ended" : "its file names another namespace now");
	fail(sp, STEP_NS_GONE, (gone & 0xff) + 1 +
	    (gone & NS_GONE_REPLACED ? STEP_NS_GONE_REPLACED : 0));
}

/* -D: the program is not dived's child; nobody waits for it. */
static void
daemonize(struct spawn *sp)
{
	pid_t pid;

	if ((pid = fork()) < 0)
		fail(sp, STEP_FORK, errno);
	if (pid > 0)
		_exit(SPAWN_EXIT_OK);
	sp->parent = -1;	/* detached from dived, by request */
}

/*
 * Whether only root can change what the absolute path real (no links)
 * names: every directory on the way is root's and not writable by
 * group or others (a sticky /tmp is), and none became a link since.
 */
static bool
root_only_path(const char *real)
{
	char dir[PATH_MAX];
	struct stat st;
	size_t n;

	for (n = 1; real[n - 1] != '\0'; n++) {
		if (real[n - 1] != '/' || n >= sizeof(dir))
			continue;
		memcpy(dir, real, n > 1 ? n - 1 : 1);	/* no final '/' */
		dir[n > 1 ? n - 1 : 1] = '\0';
		if (lstat(dir, &st) != 0 || !S_ISDIR(st.st_mode) ||
		    st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH)))
			return false;
	}
	return true;
}

/*
 * The program the policy decided on (what.exec_path), and no other file:
 * found again as the program's user, in the program's root, by its real
 * path (sp->exec_real), opened (sp->exec_fd).  While that root is still
 * dived's, it must be the very file the monitor decided on
 * (what.dev and ino; none: the path named no file then, and no deny rule
 * could match it).  In another root, dived's files say nothing about
 * it: the permitting rule must name that very path.  Else ESTALE.
 * (Permitted through another path of the rule's file, argv[0] is the
 * rule's path already: plan_build.)
 */
static void
find_decided(struct spawn *sp)
{
	const struct plan_what *w = &sp->p->what;
	struct stat st, root;
	bool stale;

	if ((sp->exec_real = realpath(w->exec_path, NULL)) == NULL ||
	    (sp->exec_fd = open(sp->exec_real, O_PATH | O_NOFOLLOW |
	    O_CLOEXEC)) < 0 || fstat(sp->exec_fd, &st) != 0 ||
	    stat("/", &root) != 0)
		fail(sp, STEP_EXEC, errno);
	if (root.st_dev == sp->rc.root_dev && root.st_ino == sp->rc.root_ino)
		stale = !w->have_file || st.st_dev != w->dev ||
		    st.st_ino != w->ino;	/* replaced since */
	else
		stale = w->rule_cmd != NULL &&
		    strcmp(w->rule_cmd, w->exec_path) != 0;
	if (stale)
		fail(sp, STEP_EXEC, ESTALE);
}

/*
 * Execute what find_decided found.  Where only root can change what the
 * path names, by the path (the program keeps its name, and a script its
 * path).  Elsewhere another file could be renamed there between the
 * check and the execution: the file is executed through its descriptor,
 * which no rename changes; a script's interpreter reads it as
 * /dev/fd/N, so for a script (ENOENT) that one descriptor stays open,
 * as with fexecve(3).
 */
static void
exec_decided(struct spawn *sp)
{
	if (root_only_path(sp->exec_real)) {
		execve(sp->exec_real, sp->argv, sp->envp);
		return;
	}
	(void)syscall(SYS_execveat, sp->exec_fd, "", sp->argv, sp->envp,
	    AT_EMPTY_PATH);
	if (errno == ENOENT && fcntl(sp->exec_fd, F_SETFD, 0) == 0)
		(void)syscall(SYS_execveat, sp->exec_fd, "", sp->argv,
		    sp->envp, AT_EMPTY_PATH);
}

/*
 * MSG_SPAWN_EXEC, the last frame before execve.  The status pipe is
 * close-on-exec: when execve succeeds the pipe ends right after this
 * frame, which tells the monitor the program runs; when it fails,
 * fail() sends STEP_EXEC after it.  An end without it: the spawner ended
 * before executing.  12 bytes, at most PIPE_BUF: one atomic write.
 */
static void
report_exec(const struct spawn *sp)
{
	struct buf b;

	buf_init(&b, 0);
	if (sp->statusfd >= 0 && msg_encode_spawn_exec(&b) == 0)
		(void)!fdpass_send(sp->statusfd, MSG_SPAWN_EXEC, &b, NULL, 0);
	buf_free(&b);
}

static void
execute(struct spawn *sp)
{
	const struct plan_what *w = &sp->p->what;

	if (w->exec_path != NULL)
		find_decided(sp);
	set_nofile(sp);
	/* The program outlives dived (only that of a new pid namespace
	 * dies with its waiter); the monitor learns that it is executed. */
	if (!sp->pid1)
		(void)ns_die_with_parent(false);
	report_exec(sp);
	if (sp->m->client)
		(void)signal(SIGPIPE, SIG_DFL);
	if (w->exec_path != NULL) {
		/* Decided by the policy: this file and no other. */
		exec_decided(sp);
	} else if (w->forced_path != NULL) {
		execve(w->forced_path, sp->argv, sp->envp);
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
	if ((dirs = strdup(path != NULL ? path : POLICY_SAFE_PATH)) == NULL)
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

/* The first steps: descriptors, identity, pty, authentication, -D. */
static void
prepare(struct spawn *sp)
{
	const struct exec_plan *p = sp->p;
	int err;

	receive(sp);
	/* -r: a client that keeps its root to itself gets no other. */
	if (p->where.client_chroot && sp->root < 0)
		fail(sp, STEP_NO_CLIENT_ROOT, 0);
	sp->argv = p->what.argv;
	/* Never so in an admitted request (admit_request); kept, cheap. */
	if (p->what.argc == 0)
		fail(sp, STEP_NO_PROGRAM, 0);
	if (p->who.id != NULL)		/* resolved for the policy */
		sp->id = *p->who.id;
	else if ((err = ids_resolve(&p->who, &sp->id)) != 0)
		fail(sp, STEP_IDENTITY, err);
	if (p->fds.pty != NULL)
		open_pty(sp);
	if (p->auth.cmd != NULL &&
	    (err = auth_run(p, &sp->id, sp->mapped, sp->pts)) != 0)
		fail(sp, STEP_AUTH, err);
	if (p->detach)
		daemonize(sp);
	sp->rc.client_root = p->where.client_chroot ? sp->root : -1;
	sp->rc.client_cwd = p->where.client_cwd ? sp->cwd : -1;
	if ((err = ns_prepare_root(&p->where, &sp->rc)) != 0)
		fail(sp, STEP_ROOT, err);
}

/*
 * The order of dived(8), ORDER OF OPERATIONS.  Where it differs from the
 * plain list it has to: the limits, the session and terminal, the
 * bounding set and the securebits need root, so they come before the
 * identity change; with a new user namespace, which belongs to the
 * program's user, the namespaces, root and directory come after it.
 */
void
spawn_run(const struct spawn_args *a)
{
	const struct exec_plan *p = a->p;
	bool userns = (p->where.unshare & CLONE_NEWUSER) != 0;
	struct ns_helper h;
	struct spawn sp;
	int err, step;

	memset(&sp, 0, sizeof(sp));
	sp.a = a;
	sp.p = p;
	sp.m = &modes[p->mode];
	sp.statusfd = a->statusfd;
	sp.lfd = a->lfd;
	sp.parent = a->monitor;
	reset_signals(sp.m);
	die_with_parent(&sp);
	prepare(&sp);		/* descriptors, identity, -a, -D */
	join_namespaces(&sp);	/* -N */
	if (!userns)		/* -s, -t, root, directory */
		enter_namespaces(&sp, NULL);
	set_rlimits(&sp);
	session_and_terminal(&sp);
	if (userns && (err = ns_helper_start(&p->where, sp.id.change ? sp.id.ruid :
	    getuid(), sp.id.change ? sp.id.rgid : getgid(), &h)) != 0)
		fail(&sp, STEP_WRITE_CONTENT, err);
	if ((err = caps_before_ids(&p->caps, &step)) != 0 ||	/* -B, -b, -L */
	    (err = ids_apply(&sp.id, &step)) != 0)
		fail(&sp, (uint32_t)step, err);
	if ((err = caps_setuid_fixup(&p->caps)) != 0)
		fail(&sp, STEP_CAPS, err);
	sp.ids_done = true;
	die_with_parent(&sp);
	if (userns)	/* as the program's user: root only inside */
		enter_namespaces(&sp, &h);
	/* -c, -m, -X (and -r: no_new_privs in a root the client made) */
	if ((err = caps_after_ids(&p->caps, &step)) != 0)
		fail(&sp, (uint32_t)step, err);
	if (p->fds.set_umask)
		(void)umask(p->fds.umask);
	if ((sp.envp = env_build(p, &sp.id)) == NULL)
		fail(&sp, STEP_ENV, ENOMEM);
	report_started(&sp);
	install_fds(&sp);
	execute(&sp);		/* RLIMIT_NOFILE, then execve */
	_exit(SPAWN_EXIT_FAILED);
}
