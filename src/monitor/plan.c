/* SPDX-License-Identifier: MIT */
/* Process: the monitor, dived's long-lived root process. */
/*
 * The exec plan of a request (plan.h), built once from the options, the
 * policy's decision and the request: every decision the spawner carries
 * out is made here, so that it needs neither the options nor the rule.
 * Pure: no I/O, no name lookups (those are made before, by facts.c, or
 * after, by the spawner, as the plan says).
 * Runs as: root (the monitor), and in the unit tests.  Trusts: the
 * options, the permitting rule, and a request the monitor admitted.
 */
#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "monitor.h"

char **
spawn_command_line(const struct dived_opts *o, const struct req_exec *r,
    size_t *argc)
{
	size_t n = 0, i;
	char **v;

	if ((v = calloc((size_t)o->forced_argc + r->argc + 1,
	    sizeof(char *))) == NULL)
		return NULL;
	for (i = 0; i < (size_t)o->forced_argc; i++)
		v[n++] = o->forced_argv[i];
	for (i = 0; i < r->argc && !o->no_argv; i++)
		v[n++] = (char *)(uintptr_t)r->argv[i];
	*argc = n;
	return v;
}

void
plan_who_set(struct plan_who *w, const struct dived_opts *o,
    const struct ucred *peer, const char *target)
{
	memset(w, 0, sizeof(*w));
	w->peer = *peer;
	w->keep_ids = o->no_setuid;
	/* A target the policy let the client ask for comes with its own
	 * groups; -u with -g's. */
	w->user = target != NULL ? target : o->user;
	w->group_list = target != NULL ? NULL : o->groups;
	w->effective_user = o->effective_user;
}

static void
plan_where(struct plan_where *w, const struct dived_opts *o,
    const struct conf_rule *rule)
{
	w->setns = o->setns;
	w->nsetns = o->nsetns;
	w->unshare = o->unshare;
	w->writes = o->writes;
	w->nwrites = o->nwrites;
	w->chroot_dir = o->chroot_dir;
	w->chdir_dir = o->chdir_dir;
	w->pivot_new = o->pivot_new;
	w->pivot_old = o->pivot_old;
	/* -r, unless the permitting rule says noroot. */
	w->client_chroot = o->client_chroot && (rule == NULL ||
	    !(rule->opts & CONF_OPT_NOROOT));
	w->client_cwd = !o->no_chdir && o->chdir_dir == NULL &&
	    !o->root_to_current;
	w->root_to_current = o->root_to_current;
	w->allow_outside_dirs = o->allow_outside_dirs;
}

/*
 * The command line, and the program: the policy's decision, the forced
 * command, or (without either) the client's argv[0], searched later.
 * Permitted through another path of the rule's file (a client's link
 * under the rule's name), the program is run under the rule's path:
 * argv[0] in a client's directory would have it read her files there
 * (python takes a pyvenv.cfg next to argv[0]).
 */
static int
plan_what(struct plan_what *w, const struct plan_from *f)
{
	const struct dived_opts *o = f->o;

	if ((w->argv = spawn_command_line(o, f->req, &w->argc)) == NULL)
		return ENOMEM;
	w->forced_path = o->forced_argc > 0 ? f->forced_path : NULL;
	w->exec_path = f->exec_path;
	if (f->exec_file != NULL) {
		w->have_file = true;
		w->dev = f->exec_file->dev;
		w->ino = f->exec_file->ino;
	}
	w->rule_cmd = f->rule != NULL ? f->rule->cmd : NULL;
	if (w->exec_path != NULL && w->rule_cmd != NULL && w->argc > 0 &&
	    o->forced_argc == 0 && strcmp(w->rule_cmd, w->exec_path) != 0)
		w->argv[0] = (char *)(uintptr_t)w->rule_cmd;
	return 0;
}

/*
 * How many of the client's mapped descriptors the program gets: all, or
 * with its rule's nofds only 0, 1 and 2 (the lowest numbers); the rest
 * are closed with every other descriptor.
 */
uint32_t
plan_kept_fds(const struct req_exec *r, const struct conf_rule *rule)
{
	uint32_t n;

	if (rule == NULL || !(rule->opts & CONF_OPT_NOFDS))
		return r->nfdmap;
	for (n = 0; n < r->nfdmap && r->fdnum[n] <= 2; n++)
		;
	return n;
}

static void
plan_fds(struct plan_fds *d, const struct plan_from *f, bool inplace)
{
	static const uint32_t stdio[3] = { 0, 1, 2 };
	const struct dived_opts *o = f->o;
	const struct req_exec *r = f->req;

	d->nrecv = req_exec_nfds(r);
	d->specials = r->specials;
	d->fdnum = r->fdnum;
	d->nfdmap = r->nfdmap;
	/* -O: none of the client's (the request maps none: admit.c). */
	d->none = o->no_fds;
	d->nkept = d->none ? 0 : plan_kept_fds(r, f->rule);
	if (r->flags & REQ_F_PTY) {
		d->pty = &r->pty;
		d->ttymodes = (r->flags & REQ_F_TTYMODES) != 0;
		/* -O: the pseudo-terminal is the program's stdio. */
		d->pty_fdnum = d->none ? stdio : r->pty.fdnum;
		d->pty_nfd = d->none ? 3 : r->pty.nfd;
	}
	d->set_umask = !o->no_umask && !inplace;
	d->umask = (mode_t)r->umask;
	d->setsid = !o->no_setsid;
	d->take_ctty = !o->no_csctty;
	d->timeout = o->timeout;
}

static void
plan_env(struct plan_env *e, const struct plan_from *f, bool inplace)
{
	const struct dived_opts *o = f->o;
	const struct conf_rule *r = f->rule;

	e->daemon = o->no_environment;
	e->daemon_env = (const char *const *)f->daemon_env;
	e->as_is = inplace;	/* -J: no client, dived's environment */
	e->src = o->no_environment || inplace ?
	    (const char *const *)f->daemon_env : f->req->envp;
	/* What the options give beyond the client's own ids (env.c). */
	e->gains = o->groups != NULL || o->ambient != 0 ||
	    (o->unshare & CLONE_NEWUSER) != 0 ||
	    (o->caps_set && (o->cap_eff | o->cap_prm | o->cap_inh) != 0);
	e->keep_env = o->keep_env;
	e->nkeep_env = o->nkeep_env;
	if (r == NULL)
		return;
	e->rule = true;
	e->rule_keepenv = (r->opts & CONF_OPT_KEEPENV) != 0;
	e->rule_keeplist = (r->opts & CONF_OPT_KEEPLIST) != 0;
	e->keep = r->keep;
	e->nkeep = r->nkeep;
	e->setenv = r->setenv;
	e->nsetenv = r->nsetenv;
}

static void
plan_caps(struct plan_caps *k, const struct dived_opts *o, bool client_root)
{
	k->bset_keep_set = o->bset_keep_set;
	k->bset_keep = o->bset_keep;
	k->bset_drop = o->bset_drop;
	k->ambient = o->ambient;
	k->caps_set = o->caps_set;
	k->cap_eff = o->cap_eff;
	k->cap_prm = o->cap_prm;
	k->cap_inh = o->cap_inh;
	/* -r implies -X: in a root the client made, a set-user-ID program
	 * could be fed its files. */
	k->no_new_privs = o->no_new_privs || client_root;
	k->lock_securebits = o->lock_securebits;
}

int
plan_build(struct exec_plan *p, const struct plan_from *f, bool inplace)
{
	const struct dived_opts *o = f->o;

	memset(p, 0, sizeof(*p));
	p->mode = inplace ? PLAN_JUST : o->no_fork ? PLAN_NO_FORK : PLAN_FORK;
	p->detach = o->children_daemon;
	plan_who_set(&p->who, o, &f->peer, f->target_user);
	p->who.groups = f->groups;
	p->who.ngroups = f->ngroups;
	p->who.ctty = f->ctty;
	p->who.id = f->id;
	/* -J without -u, -e or -g: the ids stay as they are (no client). */
	if (inplace && o->user == NULL && o->effective_user == NULL)
		p->who.keep_ids = true;
	plan_where(&p->where, o, f->rule);
	plan_fds(&p->fds, f, inplace);
	plan_env(&p->env, f, inplace);
	p->limits.rlimits = o->rlimits;
	p->limits.nrlimits = o->nrlimits;
	p->limits.nofile_soft = f->nofile_soft;
	plan_caps(&p->caps, o, p->where.client_chroot);
	p->auth.cmd = o->authenticate;
	p->auth.timeout = o->auth_timeout;
	return plan_what(&p->what, f);
}

void
plan_free(struct exec_plan *p)
{
	free(p->what.argv);
	p->what.argv = NULL;
}

