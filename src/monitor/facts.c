/* SPDX-License-Identifier: MIT */
/* Process: the monitor, dived's long-lived root process. */
/*
 * What a request would run: whom as (looked up once, then handed to the
 * spawner as it is) and which program (an absolute path, or a bare name
 * found in a fixed search path, never the client's PATH), so that the
 * policy decides on exactly what the spawner then executes.
 * Runs as: root (the monitor, before it forks the spawner), or any user
 * for dived --check-config.  Trusts: the system databases and the file
 * system of dived's own root.  Does not trust: the client's arguments.
 */
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "monitor.h"
#include "policy.h"

void
facts_refuse(struct facts *f, uint32_t step, int err, const char *reason)
{
	f->d.permit = false;
	f->fail.step = step;
	f->fail.err = err;
	f->reason = reason;
}

/* A name from the client or dived: an absolute path, or one to look up. */
static int
resolve(const char *argv0, char **path)
{
	char buf[PATH_MAX];

	*path = NULL;
	if (argv0[0] == '/') {
		if (policy_canon_path(argv0, buf, sizeof(buf)) != 0)
			return EINVAL;
		return (*path = strdup(buf)) == NULL ? ENOMEM : 0;
	}
	if (strchr(argv0, '/') != NULL)
		return EINVAL;
	/* Never the client's PATH: a fixed one, in dived's root. */
	if ((*path = spawn_find_program(argv0, POLICY_SAFE_PATH)) == NULL)
		return errno == ENOMEM ? ENOMEM : ENOENT;
	return 0;
}

/* The whole command line, and the program it names. */
static int
command_line(struct facts *f)
{
	const struct dived_opts *o = f->o;

	if ((f->argv = (const char **)spawn_command_line(o, f->req,
	    &f->argc)) == NULL)
		return ENOMEM;
	if (f->argc == 0 || f->argv[0] == NULL)
		return EINVAL;
	if (o->forced_argc > 0)
		return (f->path = strdup(f->forced_path)) == NULL ? ENOMEM : 0;
	/* Without a policy the program is found as it always is. */
	return f->resolve ? resolve(f->argv[0], &f->path) : 0;
}

/*
 * The file a path names now, following links, in dived's root: what a
 * rule's cmd and the program are compared by (policy_match), and what
 * the spawner checks again just before it executes the program.
 */
static int
file_of(const char *path, struct policy_file *out, void *arg)
{
	struct stat st;

	(void)arg;
	if (stat(path, &st) != 0)
		return -1;
	out->dev = st.st_dev;
	out->ino = st.st_ino;
	return 0;
}

/* Whom the program runs as: looked up once, used by the spawner too. */
static int
target(struct facts *f)
{
	uid_t def = f->o->no_setuid ? geteuid() : f->o->user != NULL ?
	    f->user_uid : f->peer.uid;
	struct plan_who w;
	struct passwd pw;
	char *name = NULL;
	int err;

	if (f->target != NULL) {
		/* A user that does not exist is a target no rule names: the
		 * policy answers first, so that a client may learn that it
		 * does not exist only when it may ask for any user. */
		if ((err = ids_user(f->target, &pw, &name)) == ENOENT &&
		    f->resolve) {
			f->no_user = true;
			f->q.target = (uid_t)-1;
			f->q.target_default = false;
			return 0;
		}
		if (err == ENOENT)
			facts_refuse(f, STEP_POLICY, DENY_NO_USER,
			    deny_reason_str(DENY_NO_USER));
		else if (err != 0)
			facts_refuse(f, STEP_IDENTITY, err, strerror(err));
		if (err != 0)
			return -1;
		if (pw.pw_uid != def) {
			(void)snprintf(f->tuid, sizeof(f->tuid), "%u",
			    (unsigned int)pw.pw_uid);
			f->target_user = f->tuid;
		}
		free(name);
	}
	plan_who_set(&w, f->o, &f->peer, f->target_user);
	if ((err = ids_resolve(&w, &f->id)) != 0) {
		ids_free(&f->id);
		facts_refuse(f, STEP_IDENTITY, err, strerror(err));
		return -1;
	}
	f->have_id = true;
	f->q.target = f->id.change ? f->id.ruid : geteuid();
	f->q.target_default = f->target_user == NULL;
	return 0;
}

/*
 * Gather what the policy decides on.  Returns 0, or -1 when the request
 * cannot be decided (f->fail, f->reason say why).
 */
int
facts_get(struct facts *f)
{
	int err;

	f->d.permit = true;
	f->q.uid = f->peer.uid;
	f->q.gid = f->peer.gid;
	f->q.groups = f->groups;
	f->q.ngroups = f->ngroups;
	if (target(f) != 0)
		return -1;
	if ((err = command_line(f)) == ENOENT)	/* "command not found" */
		facts_refuse(f, STEP_EXEC, ENOENT, "program not found in "
		    POLICY_SAFE_PATH);
	else if (err == EINVAL)
		facts_refuse(f, STEP_POLICY, DENY_PATH,
		    deny_reason_str(DENY_PATH));
	else if (err != 0)
		facts_refuse(f, STEP_FORK, err, strerror(err));
	if (err != 0)
		return -1;
	f->q.cmd = f->path;
	f->q.name = f->argv[0];
	f->q.lookup = file_of;
	f->q.have_file = f->path != NULL &&
	    file_of(f->path, &f->q.file, NULL) == 0;
	f->q.args = f->argv + 1;
	f->q.nargs = f->argc - 1;
	return 0;
}

int
facts_decide(struct facts *f, const struct conf *pol)
{
	if (facts_get(f) != 0)
		return -1;
	if (pol == NULL)
		return 0;
	policy_decide(pol, &f->q, &f->d);
	if (!f->d.permit) {
		facts_refuse(f, STEP_POLICY, (int)f->d.reason,
		    deny_reason_str(f->d.reason));
		return -1;
	}
	/* Told only to a client the policy lets ask for this (any) user. */
	if (f->no_user) {
		f->d.rule = NULL;
		facts_refuse(f, STEP_POLICY, DENY_NO_USER,
		    deny_reason_str(DENY_NO_USER));
		return -1;
	}
	return 0;
}

void
facts_free(struct facts *f)
{
	if (f->have_id)
		ids_free(&f->id);
	free(f->path);
	free(f->argv);
	f->have_id = false;
	f->path = NULL;
	f->argv = NULL;
}
