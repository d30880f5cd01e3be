/* SPDX-License-Identifier: MIT */
/* Process: dived-listener (unprivileged, seccomp-confined). */
/*
 * The listener sandbox.  Runs as: root for a moment at start-up, then as
 * the listener user for good.  Trusts: the monitor's configuration.
 * Every step is checked and any failure ends the process, so a listener
 * never serves a client with less protection than described in
 * SECURITY.md: empty root, no capabilities, no_new_privs, seccomp.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cap-ng.h>

#include "errors.h"
#include "listener.h"
#include "log.h"
#ifdef DIVE_TEST_HOOKS
#include "hooks.h"	/* bin/tests/dived-listener-hooks only */
#endif

/* System calls a listener needs to serve one connection. */
static const int listener_calls[] = {
	SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(recvmsg), SCMP_SYS(sendmsg),
	SCMP_SYS(close), SCMP_SYS(poll), SCMP_SYS(ppoll), SCMP_SYS(fstat), SCMP_SYS(brk), SCMP_SYS(munmap), SCMP_SYS(mremap),
	SCMP_SYS(madvise), SCMP_SYS(exit), SCMP_SYS(exit_group),
	SCMP_SYS(rt_sigreturn), SCMP_SYS(rt_sigprocmask),
	SCMP_SYS(restart_syscall), SCMP_SYS(clock_gettime), SCMP_SYS(futex),
	SCMP_SYS(getpid), SCMP_SYS(gettid),
};

/* And the master, to start listeners. */
static const int master_calls[] = {
	SCMP_SYS(dup2), SCMP_SYS(dup3), SCMP_SYS(close_range), SCMP_SYS(set_robust_list),
	SCMP_SYS(rseq), SCMP_SYS(seccomp),
};

#ifdef DIVE_SANITIZE
/*
 * The ASan/UBSan test build only: what the sanitizer runtime itself calls
 * while it runs and when it reports.  Production builds never add these.
 */
static const int sanitizer_calls[] = {
	SCMP_SYS(sigaltstack), SCMP_SYS(prlimit64), SCMP_SYS(getrlimit),
	SCMP_SYS(sched_yield), SCMP_SYS(sched_getaffinity), SCMP_SYS(openat),
	SCMP_SYS(readlink), SCMP_SYS(readlinkat), SCMP_SYS(lseek),
	SCMP_SYS(pread64), SCMP_SYS(rt_sigaction),
	SCMP_SYS(getppid), SCMP_SYS(uname), SCMP_SYS(nanosleep),
	SCMP_SYS(clock_nanosleep),
};
#endif

/* Namespaces a compromised master must not create. */
#define NS_FLAGS (CLONE_NEWNS | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | \
	CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWCGROUP)

static int
allow_all(scmp_filter_ctx ctx, const int *calls, size_t n)
{
	size_t i;
	int r;

	for (i = 0; i < n; i++)
		if ((r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, calls[i], 0)) != 0)
			return r;
	return 0;
}

/* Rules with argument checks, common to both filters. */
static int
allow_args(scmp_filter_ctx ctx)
{
	int r;

	/* Memory, but never executable: no new code in a listener. */
	if ((r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1,
	    SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0))) != 0 ||
	    (r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 1,
	    SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0))) != 0)
		return r;
	/*
	 * fcntl(2) only as session.c uses it: F_SETFL, and never with
	 * O_ASYNC.  F_SETOWN, F_SETOWN_EX, F_SETSIG, O_ASYNC, F_NOTIFY and
	 * F_SETLEASE make the kernel signal a process of our choice: any
	 * process of the listener user (the master, other listeners, other
	 * dived instances' listeners) would be in reach, SIGKILL included.
	 * The ioctls that do the same (FIOSETOWN, SIOCSPGRP, FIOASYNC) stay
	 * refused with every ioctl.
	 */
	if ((r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(fcntl), 2,
	    SCMP_A1(SCMP_CMP_EQ, F_SETFL, 0),
	    SCMP_A2(SCMP_CMP_MASKED_EQ, O_ASYNC, 0))) != 0)
		return r;
	/* fstat(2) as glibc does it: on a descriptor, never on a path. */
	return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(newfstatat), 1,
	    SCMP_A3(SCMP_CMP_EQ, AT_EMPTY_PATH, 0));
}

static int
allow_master(scmp_filter_ctx ctx)
{
	int r;

	if ((r = allow_all(ctx, master_calls,
	    sizeof(master_calls) / sizeof(master_calls[0]))) != 0)
		return r;
	/* fork(), as glibc implements it, without new namespaces. */
	if ((r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
	    SCMP_A0(SCMP_CMP_MASKED_EQ, NS_FLAGS, 0))) != 0)
		return r;
	/* clone3 hides its flags in memory: make glibc fall back to clone. */
	if ((r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3),
	    0)) != 0)
		return r;
	return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prctl), 1,
	    SCMP_A0(SCMP_CMP_EQ, PR_SET_NAME, 0));
}

/* Export a libseccomp filter as a BPF program we load ourselves. */
static void
export_bpf(scmp_filter_ctx ctx, struct sock_fprog *out)
{
	struct stat st;
	void *prog;
	int fd;

	if ((fd = memfd_create("dived-seccomp", MFD_CLOEXEC)) < 0 ||
	    seccomp_export_bpf(ctx, fd) != 0 || fstat(fd, &st) != 0 ||
	    st.st_size <= 0 || st.st_size % sizeof(struct sock_filter) != 0 ||
	    (prog = malloc((size_t)st.st_size)) == NULL ||
	    pread(fd, prog, (size_t)st.st_size, 0) != st.st_size)
		fatal("cannot build the seccomp filter");
	(void)close(fd);
	out->len = (unsigned short)(st.st_size / sizeof(struct sock_filter));
	out->filter = prog;
}

static void
build_filter(int master, struct sock_fprog *out)
{
	scmp_filter_ctx ctx;

	if ((ctx = seccomp_init(SCMP_ACT_KILL_PROCESS)) == NULL)
		fatal("seccomp_init failed");
	if (seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH,
	    SCMP_ACT_KILL_PROCESS) != 0 ||
	    allow_all(ctx, listener_calls,
	    sizeof(listener_calls) / sizeof(listener_calls[0])) != 0 ||
	    allow_args(ctx) != 0 || (master && allow_master(ctx) != 0))
		fatal("cannot build the seccomp filter");
#ifdef DIVE_SANITIZE
	/* tgkill fails rather than kills, as the runtime may try it (abort):
	 * allowed, it would signal any process of the listener user. */
	if (allow_all(ctx, sanitizer_calls,
	    sizeof(sanitizer_calls) / sizeof(sanitizer_calls[0])) != 0 ||
	    seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(tgkill),
	    0) != 0)
		fatal("cannot build the seccomp filter");
#endif
#ifdef DIVE_TEST_HOOKS
	if (master && hook_master_filter(ctx) != 0)
		fatal("cannot build the seccomp filter");
#endif
	export_bpf(ctx, out);
	seccomp_release(ctx);
}

/* A root that is an empty directory no longer in any filesystem tree. */
static void
enter_empty_root(void)
{
	char dir[] = "/tmp/dived-root.XXXXXX";

	if (mkdtemp(dir) == NULL || chdir(dir) != 0 || rmdir(dir) != 0 ||
	    chroot(".") != 0 || chdir("/") != 0)
		fatal("cannot enter an empty root: %s", strerror(errno));
}

static void
set_limits(const struct lconf *c)
{
	struct rlimit zero = { 0, 0 };
	struct rlimit nofile = { MSG_MAX_FDS * 2 + 32, MSG_MAX_FDS * 2 + 32 };
	struct rlimit nproc = { c->max_conns + 8, c->max_conns + 8 };

	if (setrlimit(RLIMIT_CORE, &zero) != 0 ||
	    setrlimit(RLIMIT_FSIZE, &zero) != 0 ||
	    setrlimit(RLIMIT_MEMLOCK, &zero) != 0 ||
	    setrlimit(RLIMIT_NOFILE, &nofile) != 0 ||
	    setrlimit(RLIMIT_NPROC, &nproc) != 0)
		fatal("setrlimit: %s", strerror(errno));
}

static void
drop_ids(const struct lconf *c)
{
	uid_t r, e, s;
	gid_t rg, eg, sg;
	unsigned long cap;

	/* Bounding and ambient sets first: that still needs CAP_SETPCAP. */
	for (cap = 0; prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; cap++)
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0)
			fatal("cannot drop capability %lu: %s", cap,
			    strerror(errno));
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 &&
	    errno != EINVAL)
		fatal("cannot clear ambient capabilities: %s", strerror(errno));
	if (setgroups(0, NULL) != 0 || setresgid(c->gid, c->gid, c->gid) != 0 ||
	    setresuid(c->uid, c->uid, c->uid) != 0)
		fatal("cannot become uid %u gid %u: %s", (unsigned)c->uid,
		    (unsigned)c->gid, strerror(errno));
	/* setresuid clears permitted and effective, not inheritable. */
	capng_clear(CAPNG_SELECT_BOTH);
	if (capng_apply(CAPNG_SELECT_CAPS) != 0)
		fatal("cannot clear capabilities");
	if (getresuid(&r, &e, &s) != 0 || r != c->uid || e != c->uid ||
	    s != c->uid || getresgid(&rg, &eg, &sg) != 0 || rg != c->gid ||
	    eg != c->gid || sg != c->gid)
		fatal("identity change did not take effect");
	capng_get_caps_process();
	if (capng_have_capabilities(CAPNG_SELECT_CAPS) != CAPNG_NONE ||
	    prctl(PR_CAPBSET_READ, 0UL, 0, 0, 0) != 0)
		fatal("capabilities left after dropping them");
}

static void
load_filter(const struct sock_fprog *f)
{
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, f, 0, 0) != 0)
		fatal("cannot load the seccomp filter: %s", strerror(errno));
}

void
sandbox_enter(const struct lconf *c, struct filters *f)
{
	int null;

	(void)prctl(PR_SET_NAME, "dived-lmaster", 0, 0, 0);
	if ((null = open("/dev/null", O_RDWR | O_CLOEXEC)) < 0)
		fatal("/dev/null: %s", strerror(errno));
	build_filter(1, &f->master);
	build_filter(0, &f->listener);
	enter_empty_root();
	set_limits(c);
	drop_ids(c);
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0 ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		fatal("prctl: %s", strerror(errno));
	load_filter(&f->master);
	/* Nothing a listener writes may reach dived's log or terminal. */
	if (dup2(null, 0) != 0 || dup2(null, 1) != 1 || dup2(null, 2) != 2)
		_exit(LX_FAILED);
	(void)close(null);
}

void
sandbox_listener(const struct filters *f)
{
	(void)prctl(PR_SET_NAME, "dived-listener", 0, 0, 0);
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0U, &f->listener) != 0)
		_exit(LX_FAILED);
}
