/* SPDX-License-Identifier: MIT */
/* Process: dived at start-up, before the loop; dived --check-config. */
/*
 * dived's start-up: what main.c calls before it hands over to the
 * monitor's loop (loop_run), and the modes that never reach it (-J,
 * --check-config).  The monitor's own code does not include this file.
 */
#ifndef DIVE_DIVED_H
#define DIVE_DIVED_H

#include "monitor.h"

/*
 * Exit statuses of dived itself (dived(8), EXIT STATUS).  With -J and -j
 * dived becomes the program: then its status is the program's, or
 * SPAWN_EXIT_FAILED (spawner.h) when a step fails before.
 */
enum dived_exit {
	DIVED_EXIT_OK = 0,		/* stopped by a signal; -i, -F served */
	DIVED_EXIT_FAILURE = FATAL_EXIT, /* cannot start, or cannot go on */
	DIVED_EXIT_CONFIG = 2,		/* policy file unsafe or invalid */
	DIVED_EXIT_DENIED = 3,		/* --check-config: it would deny */
	DIVED_EXIT_USAGE = 4,		/* a bad command line */
};

/* dived_exit: "dived: MESSAGE" on stderr, then exit(status). */
void dived_exit(enum dived_exit status, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 2, 3)));

/* config.c: the policy, and --check-config. */
struct conf *config_load(const struct dived_opts *o);
int config_check(const struct dived_opts *o);

/* dived --check-config --as-client USER [--as-target USER] -- CMD ARGS */
struct facts_check {
	struct dived_opts o;	/* the options, without a forced command */
	struct req_exec req;	/* CMD ARGS */
	struct identity client;	/* USER, with its groups from the database */
	struct facts f;		/* as facts_get left it */
};

/*
 * facts_check: the inputs of facts_decide for that request, as the
 * monitor would have them for a client logged in as o->as_client.  With
 * forced_path (the program of a forced command line, found as dived
 * finds it at start-up), the words after -- are that command line and
 * the client's arguments; else they are the client's request.  Returns
 * 0, or an errno value about the client (ENOENT: no such user).
 * Release with facts_check_free.
 */
int facts_check(struct facts_check *k, const struct dived_opts *o,
    const char *forced_path);
void facts_check_free(struct facts_check *k);

/* justexec.c */
/*
 * spawn_just_execute: -J, -j: no socket and no client; apply the options
 * to this very process and execute the forced command.  Never returns.
 */
void spawn_just_execute(const struct dived_opts *o, const char *forced_path,
    char **env, rlim_t nofile_soft, const struct ns_kept *ns)
    __attribute__((noreturn));

#endif
