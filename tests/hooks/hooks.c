/* SPDX-License-Identifier: MIT */
/*
 * Test-only hooks of dived-listener (see hooks.h): each operation is one
 * system call the sandbox must answer with SIGSYS.  If the call returns,
 * the process exits HOOK_SURVIVED, so that a test can tell "killed by
 * the filter" from "allowed".  Only built into
 * bin/tests/dived-listener-hooks.
 * Runs as: the listener user, sandboxed (the operations); root before
 * the sandbox (hook_master_start).  Trusts: the test that chose the
 * operation.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fdpass.h"
#include "hooks.h"

#define PREFIX "dived-test-hook:"

static int logfd = -1;		/* dived's stderr, in the master */
static char master_op[32];	/* the master's operation, or "" */
static int hold;	/* the listener keeps the client's fds: 1 to 4 */
static pid_t master_pid;	/* the listener master, for the listeners */

static void
op_open(void)
{
	(void)syscall(SYS_open, "/", O_RDONLY);
}

static void
op_openat(void)
{
	(void)syscall(SYS_openat, AT_FDCWD, "/", O_RDONLY);
}

static void
op_execve(void)
{
	char *argv[] = { "true", NULL }, *envp[] = { NULL };

	(void)syscall(SYS_execve, "/bin/true", argv, envp);
}

static void
op_execveat(void)
{
	char *argv[] = { "true", NULL }, *envp[] = { NULL };

	(void)syscall(SYS_execveat, AT_FDCWD, "/bin/true", argv, envp, 0);
}

static void
op_socket(void)
{
	(void)syscall(SYS_socket, AF_UNIX, SOCK_STREAM, 0);
}

static void
op_socketpair(void)
{
	int sv[2];

	(void)syscall(SYS_socketpair, AF_UNIX, SOCK_STREAM, 0, sv);
}

static void
op_connect(void)
{
	struct sockaddr_un sa;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, "\0dived-test-hook", 16);
	(void)syscall(SYS_connect, 0, &sa, (socklen_t)sizeof(sa));
}

static void
op_kill(void)
{
	(void)syscall(SYS_kill, 1, 0);
}

static void
op_tgkill(void)
{
	(void)syscall(SYS_tgkill, master_pid, master_pid, SIGKILL);
}

static void
op_ptrace(void)
{
	(void)syscall(SYS_ptrace, PTRACE_ATTACH, 1, 0, 0);
}

static void
op_setuid(void)
{
	(void)syscall(SYS_setuid, 0);
}

static void
op_setresuid(void)
{
	(void)syscall(SYS_setresuid, 0, 0, 0);
}

static void
op_fork(void)
{
	(void)syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
}

static void
op_clone_newuser(void)
{
	(void)syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);
}

static void
op_unshare(void)
{
	(void)syscall(SYS_unshare, CLONE_NEWNS);
}

static void
op_mmap_exec(void)
{
	(void)mmap(NULL, 4096, PROT_READ | PROT_EXEC,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

static void
op_mprotect_exec(void)
{
	void *p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
	    -1, 0);

	if (p != MAP_FAILED)
		(void)mprotect(p, 4096, PROT_READ | PROT_EXEC);
}

static void
op_ioctl(void)
{
	char c = 'x';

	(void)syscall(SYS_ioctl, 0, TIOCSTI, &c);
}

static void
op_prctl(void)
{
	(void)syscall(SYS_prctl, 4 /* PR_SET_DUMPABLE */, 1, 0, 0, 0);
}

static void
op_chroot(void)
{
	(void)syscall(SYS_chroot, "/");
}

static void
op_io_uring(void)
{
	char params[120];

	memset(params, 0, sizeof(params));
	(void)syscall(SYS_io_uring_setup, 1, params);
}

/*
 * Every way to arm signal delivery to another process (fcntl, ioctl):
 * the target is the listener master, our parent, of the same uid.
 */
static void
op_fcntl_setown(void)
{
	(void)syscall(SYS_fcntl, 3, F_SETOWN, master_pid);
}

static void
op_fcntl_setown_ex(void)
{
	struct f_owner_ex o = { F_OWNER_PID, master_pid };

	(void)syscall(SYS_fcntl, 3, F_SETOWN_EX, &o);
}

static void
op_fcntl_setsig(void)
{
	(void)syscall(SYS_fcntl, 3, F_SETSIG, SIGKILL);
}

static void
op_fcntl_async(void)
{
	(void)syscall(SYS_fcntl, 3, F_SETFL, O_ASYNC | O_NONBLOCK);
}

static void
op_fcntl_notify(void)
{
	(void)syscall(SYS_fcntl, 0, F_NOTIFY, DN_MODIFY | DN_MULTISHOT);
}

static void
op_fcntl_setlease(void)
{
	(void)syscall(SYS_fcntl, 0, F_SETLEASE, F_RDLCK);
}

static void
op_ioctl_fiosetown(void)
{
	int pid = master_pid;

	(void)syscall(SYS_ioctl, 3, FIOSETOWN, &pid);
}

static void
op_ioctl_siocspgrp(void)
{
	int pid = master_pid;

	(void)syscall(SYS_ioctl, 3, SIOCSPGRP, &pid);
}

static void
op_ioctl_fioasync(void)
{
	int on = 1;

	(void)syscall(SYS_ioctl, 3, FIOASYNC, &on);
}

/* Allowed: what the listener itself does (session.c). */
static void
op_fcntl_nonblock(void)
{
	(void)syscall(SYS_fcntl, 3, F_SETFL, O_NONBLOCK);
}

/*
 * The attack itself, not only the call: make the kernel kill the master
 * with the next answer the monitor sends on the session socket (fd 4).
 * The listener goes on serving if this is allowed.
 */
static void
sigio_master(void)
{
	(void)syscall(SYS_fcntl, 4, F_SETOWN, master_pid);
	(void)syscall(SYS_fcntl, 4, F_SETSIG, SIGKILL);
	(void)syscall(SYS_fcntl, 4, F_SETFL, O_ASYNC | O_NONBLOCK);
}

/* Allowed: shows that a call that is not killed ends in HOOK_SURVIVED. */
static void
op_getpid(void)
{
	(void)syscall(SYS_getpid);
}

static const struct {
	const char *name;
	void (*fn)(void);
} ops[] = {
	{ "open", op_open }, { "openat", op_openat },
	{ "execve", op_execve }, { "execveat", op_execveat },
	{ "socket", op_socket }, { "socketpair", op_socketpair },
	{ "connect", op_connect }, { "kill", op_kill },
	{ "tgkill", op_tgkill },
	{ "ptrace", op_ptrace }, { "setuid", op_setuid },
	{ "setresuid", op_setresuid }, { "fork", op_fork },
	{ "clone-newuser", op_clone_newuser }, { "unshare", op_unshare },
	{ "mmap-exec", op_mmap_exec }, { "mprotect-exec", op_mprotect_exec },
	{ "ioctl", op_ioctl }, { "prctl", op_prctl }, { "chroot", op_chroot },
	{ "io_uring", op_io_uring }, { "getpid", op_getpid },
	{ "fcntl-setown", op_fcntl_setown },
	{ "fcntl-setown-ex", op_fcntl_setown_ex },
	{ "fcntl-setsig", op_fcntl_setsig }, { "fcntl-async", op_fcntl_async },
	{ "fcntl-notify", op_fcntl_notify },
	{ "fcntl-setlease", op_fcntl_setlease },
	{ "ioctl-fiosetown", op_ioctl_fiosetown },
	{ "ioctl-siocspgrp", op_ioctl_siocspgrp },
	{ "ioctl-fioasync", op_ioctl_fioasync },
	{ "fcntl-nonblock", op_fcntl_nonblock },
};

static void
run_op(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (strcmp(name, ops[i].name) == 0) {
			ops[i].fn();
			_exit(HOOK_SURVIVED);
		}
}

/* Decimal, for a signal handler. */
static size_t
put_num(char *p, long v)
{
	char tmp[24];
	size_t n = 0, k = 0;

	if (v < 0) {
		p[k++] = '-';
		v = -v;
	}
	do
		tmp[n++] = (char)('0' + v % 10);
	while ((v /= 10) > 0);
	while (n > 0)
		p[k++] = tmp[--n];
	return k;
}

/* Copy s without its NUL; the line is ended by the caller. */
static size_t
put_str(char *p, const char *s)
{
	size_t n;

	for (n = 0; s[n] != '\0'; n++)
		p[n] = s[n];
	return n;
}

/* SIGCHLD: "test hook: listener PID killed by signal N" or "exited N". */
static void
reap(int sig)
{
	char line[128];
	int save = errno, st;
	pid_t pid;
	size_t n;

	(void)sig;
	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		n = put_str(line, "dived-listener: test hook: listener ");
		n += put_num(line + n, (long)pid);
		if (WIFSIGNALED(st)) {
			n += put_str(line + n, " killed by signal ");
			n += put_num(line + n, WTERMSIG(st));
		} else {
			n += put_str(line + n, " exited with ");
			n += put_num(line + n, WEXITSTATUS(st));
		}
		line[n++] = '\n';
		(void)!write(logfd, line, n);
	}
	errno = save;
}

void
hook_master_start(void)
{
	struct sigaction sa;
	sigset_t set;
	char path[PATH_MAX];
	ssize_t n;
	int fd;

	master_pid = getpid();
	logfd = fcntl(2, F_DUPFD_CLOEXEC, 10);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = reap;
	sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
	(void)sigaction(SIGCHLD, &sa, NULL);
	/* dived blocks SIGCHLD for its signalfd; the mask came along. */
	(void)sigemptyset(&set);
	(void)sigaddset(&set, SIGCHLD);
	(void)sigprocmask(SIG_UNBLOCK, &set, NULL);
	if ((n = readlink("/proc/self/exe", path, sizeof(path) - 6)) <= 0)
		return;
	memcpy(path + n, ".hook", 6);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return;
	n = read(fd, master_op, sizeof(master_op) - 1);
	(void)close(fd);
	master_op[n > 0 ? n : 0] = '\0';
	master_op[strcspn(master_op, "\n")] = '\0';
}

int
hook_master_filter(scmp_filter_ctx ctx)
{
	return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(wait4), 0);
}

void
hook_master_ready(void)
{
	if (master_op[0] != '\0')
		run_op(master_op);
}

void
hook_request(const struct req_exec *r)
{
	const char *a0 = r->argc > 0 ? r->argv[0] : "";

	if (strncmp(a0, PREFIX, strlen(PREFIX)) != 0)
		return;
	if (strcmp(a0 + strlen(PREFIX), "hold-fds") == 0) {
		hold = 1;
		return;
	}
	if (strcmp(a0 + strlen(PREFIX), "sigio-master") == 0) {
		sigio_master();
		return;
	}
	if (strcmp(a0 + strlen(PREFIX), "one-byte") == 0) {
		hold = 2;
		return;
	}
	if (strcmp(a0 + strlen(PREFIX), "fds-wrong-type") == 0) {
		hold = 3;
		return;
	}
	if (strcmp(a0 + strlen(PREFIX), "fds-none") == 0) {
		hold = 4;
		return;
	}
	run_op(a0 + strlen(PREFIX));
}

int
hook_hold_fds(int sock)
{
	static const uint8_t first = 0;

	/* one-byte: the first byte of a frame, and then nothing. */
	if (hold == 2)
		(void)!write(sock, &first, 1);
	/* Off the spawner's table: another type; its type without the
	 * descriptors. */
	if (hold == 3)
		(void)!fdpass_send(sock, MSG_SPAWN_PTY, NULL, NULL, 0);
	if (hold == 4)
		(void)!fdpass_send(sock, MSG_SPAWN_FDS, NULL, NULL, 0);
	return hold;
}
