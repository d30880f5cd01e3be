/* SPDX-License-Identifier: MIT */
/* Process: dived-listener (unprivileged, seccomp-confined). */
/*
 * dived-listener: the unprivileged side of dived.  A listener master,
 * started once by the monitor and sandboxed before it serves anything,
 * forks one listener per connection; each listener parses exactly one
 * client's request and relays that session.
 */
#ifndef DIVE_LISTENER_H
#define DIVE_LISTENER_H

#include <linux/filter.h>
#include <stdint.h>
#include <sys/types.h>

#include "log.h"
#include "msg.h"

/*
 * Exit statuses of dived-listener, the master and each listener (dived(8),
 * EXIT STATUS).  Every ordinary end is 0, whichever side ended first; the
 * monitor logs a master's status when it ends while dived runs.
 */
enum listener_exit {
	LX_DONE = 0,		/* the program's end (or start) was relayed */
	LX_CLIENT_GONE = 0,	/* the client hung up */
	LX_CLIENT_ERROR = 0,	/* the client broke the protocol or a limit,
				 * and both sides were told */
	LX_MONITOR_GONE = 0,	/* the monitor hung up or stopped */
	LX_FAILED = FATAL_EXIT,	/* a system call or the sandbox failed, or
				 * the monitor sent what it never sends */
	/* 127: not executed (MON_CHILD_NOEXEC, before it runs) */
};

/* Configuration from the monitor (command line of dived-listener). */
struct lconf {
	uid_t uid;
	gid_t gid;
	unsigned int timeout;		/* seconds for a whole request */
	unsigned int max_fds;
	unsigned int max_bytes;
	unsigned int max_conns;
	uint32_t flags;			/* HELLO_* */
	uint64_t pidns_dev, pidns_ino;
};

/* Two precompiled seccomp programs: the master's and the listeners'. */
struct filters {
	struct sock_fprog master;
	struct sock_fprog listener;
};

/*
 * sandbox_enter: build both filters, then confine this process for good:
 * empty deleted root, listener uid and gid, no capabilities in any set,
 * no_new_privs, not dumpable, tight rlimits, the master's filter.  Ends
 * the process on any failure (fail closed).
 */
void sandbox_enter(const struct lconf *c, struct filters *f);

/* sandbox_listener: add the listeners' stricter filter (no fork). */
void sandbox_listener(const struct filters *f);

/*
 * nonss.c: what a static dived-listener has instead of getpwuid(3) and
 * initgroups(3): they fail with ENOSYS.
 */
struct passwd;
struct passwd *nonss_getpwuid(uid_t uid);
int nonss_initgroups(const char *user, gid_t group);

/*
 * listener_serve: serve one connection: client socket cfd, monitor
 * session socket mfd.  Never returns.
 */
void listener_serve(const struct lconf *c, const struct msg_session *m,
    int cfd, int mfd) __attribute__((noreturn));

/*
 * A pure step of session.c, not static so that tests/unit/session_test.c
 * can call it (the request's admissibility is admit_request, admit.h).
 * dedup_env: keep only the first entry of each name in r's environment,
 * in their order (r->envp and r->envc are rewritten); 0 or E_NOMEM.
 */
int dedup_env(struct req_exec *r);

#endif
