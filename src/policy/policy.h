/* SPDX-License-Identifier: MIT */
/* Process: pure code, called by dived at start-up and the monitor. */
/*
 * Policy decisions on parsed rules (conf.h): which rule matches a
 * request, whether it is permitted, and the environment a permitting
 * rule gives the program.  Pure functions.
 */
#ifndef DIVE_POLICY_H
#define DIVE_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "buf.h"
#include "conf.h"

/* Where a program named without a '/' is looked for, and the PATH of a
 * rule without keepenv. */
#define POLICY_SAFE_PATH \
	"/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* A file, as the kernel names it: what a path resolves to. */
struct policy_file {
	dev_t dev;
	ino_t ino;
};

/* A request as the policy sees it: facts from the kernel and dived. */
struct policy_req {
	uid_t uid;			/* the client (SO_PEERCRED) */
	gid_t gid;
	const gid_t *groups;		/* its groups (SO_PEERGROUPS) */
	size_t ngroups;
	uid_t target;			/* the user the program would run as */
	bool target_default;		/* nobody asked for another one */
	const char *cmd;		/* absolute path of the program */
	const char *name;		/* its argv[0], as the client sent it */
	bool have_file;			/* file holds what cmd resolves to */
	struct policy_file file;
	/* What a rule's cmd resolves to now (0), or -1 if to no file; NULL:
	 * commands are compared as strings only. */
	int (*lookup)(const char *path, struct policy_file *out, void *arg);
	void *lookup_arg;
	const char *const *args;	/* its arguments after argv[0] */
	size_t nargs;
};

struct policy_decision {
	bool permit;
	const struct conf_rule *rule;	/* the last matching rule, or NULL */
	uint32_t reason;		/* DENY_* (msg.h) when !permit */
};

/*
 * policy_match: whether rule r matches request q.  Names in r must have
 * been resolved (r->who_id.id, r->as_id.id hold the ids).  A rule's cmd
 * matches the program when it is the same path, or when both resolve to
 * the same file (q->lookup for the rule's, q->file for the program's):
 * on a merged /usr, /bin/sh, /usr/bin/sh and the file they link to are
 * one program.  A permit rule matches another path of its file only
 * under the rule's own name (the last component of q->name and r->cmd):
 * some programs act by the name they run as (systemctl as reboot).
 */
bool policy_match(const struct conf_rule *r, const struct policy_req *q);

/*
 * policy_decide: the last rule of c that matches q decides; no match
 * denies (DENY_NO_RULE), a deny rule denies (DENY_RULE).
 */
void policy_decide(const struct conf *c, const struct policy_req *q,
    struct policy_decision *d);

/*
 * policy_canon_path: the plain form of an absolute path: repeated '/'
 * and "." components removed, no trailing '/'.  Into out (len bytes).
 * Returns 0, E_BAD_VALUE for a relative path or a ".." component, or
 * E_TOO_LONG.
 */
int policy_canon_path(const char *in, char *out, size_t len) WUR;

/* The target's entries a rule without keepenv sets (NULL: not set). */
struct policy_target_env {
	const char *user;
	const char *home;
	const char *shell;
};

/*
 * policy_env: the environment permitting rule r gives a program whose
 * client sent env (NULL-terminated, one entry per name):
 *   keepenv:           env as it is;
 *   otherwise:         TERM and DISPLAY and the names of keepenv { }
 *                      from env, and where env has none of them PATH
 *                      (POLICY_SAFE_PATH), HOME, USER, LOGNAME, SHELL
 *                      of the target;
 *   then setenv { }:   NAME=VALUE replaces or adds, -NAME removes.
 * Returns a NULL-terminated vector in one allocation (free() it); its
 * entries point into env, r or that allocation.  NULL: out of memory.
 */
char **policy_env(const struct conf_rule *r, const char *const *env,
    const struct policy_target_env *t);

#endif
