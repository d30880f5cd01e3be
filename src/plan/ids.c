/* SPDX-License-Identifier: MIT */
/* Process: the monitor and the spawner: the plan between them. */
/*
 * The identity a program runs with: resolved from the system databases in
 * the daemon's own root, before any root or namespace a client could
 * influence is entered (no NSS code from a client's tree ever runs): by
 * the monitor for its decision, by the spawner where no policy asked for
 * it (the plan says which), by dived at start-up for the policy's names.
 * Applied by the spawner (setids.c).
 * Runs as: root.  Trusts: SO_PEERCRED, /etc via NSS, the plan.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "errors.h"
#include "msg.h"
#include "num.h"
#include "plan.h"

int
ids_user(const char *name, struct passwd *out, char **namebuf)
{
	struct passwd *pw;
	long long n;

	memset(out, 0, sizeof(*out));
	*namebuf = NULL;
	errno = 0;
	if (num_parse(name, 0, (uid_t)-2, &n) == 0)
		pw = getpwuid((uid_t)n);
	else
		pw = getpwnam(name);
	if (pw == NULL)
		return errno != 0 ? errno : ENOENT;
	*out = *pw;
	if ((*namebuf = strdup(pw->pw_name)) == NULL)
		return ENOMEM;
	out->pw_name = *namebuf;
	return 0;
}

int
ids_group(const char *name, gid_t *gid)
{
	struct group *gr;
	long long n;

	if (num_parse(name, 0, (gid_t)-2, &n) == 0) {
		*gid = (gid_t)n;
		return 0;
	}
	errno = 0;
	if ((gr = getgrnam(name)) == NULL)
		return errno != 0 ? errno : ENOENT;
	*gid = gr->gr_gid;
	return 0;
}

/* Supplementary groups of a user, as initgroups(3) would set them. */
static int
user_groups(const char *name, gid_t gid, struct identity *id)
{
	int n = 32;
	gid_t *g = NULL, *ng;

	for (;;) {
		if ((ng = reallocarray(g, (size_t)n, sizeof(gid_t))) == NULL) {
			free(g);
			return ENOMEM;
		}
		g = ng;
		if (getgrouplist(name, gid, g, &n) >= 0)
			break;
		if (n > 65536) {
			free(g);
			return E2BIG;
		}
	}
	id->groups = g;
	id->ngroups = n;
	return 0;
}

int
ids_group_list(const char *list, gid_t **groups, int *ngroups)
{
	char *copy, *save = NULL, *g;
	int n = 0, r = 0;

	*groups = NULL;
	if ((copy = strdup(list)) == NULL ||
	    (*groups = calloc(strlen(list) / 2 + 1, sizeof(gid_t))) == NULL) {
		free(copy);
		return ENOMEM;
	}
	for (g = strtok_r(copy, ",", &save); g != NULL && r == 0;
	    g = strtok_r(NULL, ",", &save))
		r = ids_group(g, &(*groups)[n++]);
	free(copy);
	if (r == 0 && n == 0)
		r = EINVAL;
	if (r != 0) {
		free(*groups);
		*groups = NULL;
		return r;
	}
	*ngroups = n;
	return 0;
}

void
ids_preload(void)
{
	const struct passwd *pw;
	char *name;
	gid_t g[1];
	int n = 1;

	if ((pw = getpwuid(getuid())) == NULL ||
	    (name = strdup(pw->pw_name)) == NULL)
		return;
	/* Group lookups merge every source: this loads all the modules. */
	(void)getgrouplist(name, pw->pw_gid, g, &n);
	free(name);
}

/* The target's name, home and shell, for the policy's environment. */
static int
keep_entry(const struct passwd *pw, struct identity *id)
{
	if (pw == NULL || pw->pw_name == NULL || pw->pw_dir == NULL ||
	    pw->pw_shell == NULL)
		return 0;
	if ((id->name = strdup(pw->pw_name)) == NULL ||
	    (id->home = strdup(pw->pw_dir)) == NULL ||
	    (id->shell = strdup(pw->pw_shell)) == NULL)
		return ENOMEM;
	return 0;
}

/*
 * The program's user: the one a permitting policy rule let the client
 * ask for (with its own groups), else -u, else the client (whose entry,
 * if any, is client).
 */
static int
resolve_target(const struct plan_who *w, const struct passwd *client,
    struct identity *id)
{
	const char *user = w->user;
	struct passwd pw;
	char *name = NULL;
	int r;

	if (user == NULL) {
		if ((r = keep_entry(client, id)) != 0)
			return r;
		id->ruid = id->euid = w->peer.uid;
		id->rgid = id->egid = w->peer.gid;
		if (id->client_name == NULL) {	/* no passwd entry */
			if ((id->groups = malloc(sizeof(gid_t))) == NULL)
				return ENOMEM;
			id->groups[0] = w->peer.gid;
			id->ngroups = 1;
			return 0;
		}
		return user_groups(id->client_name, w->peer.gid, id);
	}
	if ((r = ids_user(user, &pw, &name)) != 0)
		return r;
	id->ruid = id->euid = pw.pw_uid;
	id->rgid = id->egid = pw.pw_gid;
	if ((r = keep_entry(&pw, id)) != 0) {
		free(name);
		return r;
	}
	if (w->group_list == NULL)
		r = user_groups(pw.pw_name, pw.pw_gid, id);
	else if ((r = ids_group_list(w->group_list, &id->groups,
	    &id->ngroups)) == 0)
		id->rgid = id->egid = id->groups[0];	/* first is primary */
	free(name);
	return r;
}

int
ids_resolve(const struct plan_who *w, struct identity *id)
{
	const struct passwd *pw;
	struct passwd epw;
	char *ename = NULL;
	int r;

	memset(id, 0, sizeof(*id));
	errno = 0;
	if ((pw = getpwuid(w->peer.uid)) != NULL &&
	    (id->client_name = strdup(pw->pw_name)) == NULL)
		return ENOMEM;
	if (w->keep_ids)
		return keep_entry(getpwuid(geteuid()), id);
	id->change = true;
	/* (nothing has read the passwd database since: pw is as it was) */
	if ((r = resolve_target(w, pw, id)) != 0)
		return r;
	if (w->effective_user != NULL) {
		if ((r = ids_user(w->effective_user, &epw, &ename)) != 0)
			return r;
		id->euid = epw.pw_uid;
		free(ename);
	}
	return 0;
}

/* One name of a rule: its id, or a message naming it and where. */
static int
rule_id(const struct conf_rule *r, struct conf_id *id, bool group, char *msg,
    size_t len)
{
	struct passwd pw;
	char *buf = NULL, where[64];
	gid_t gid = 0;
	int err;

	memset(&pw, 0, sizeof(pw));
	if (id->name == NULL || id->numeric)
		return 0;
	if ((err = group ? ids_group(id->name, &gid) :
	    ids_user(id->name, &pw, &buf)) != 0) {
		if (r->origin[0] == '-')
			(void)snprintf(where, sizeof(where), "%s", r->origin);
		else
			(void)snprintf(where, sizeof(where), ":%u:%u", r->line,
			    id->col);
		(void)snprintf(msg, len, "%s%s: %s %s '%s'%s%s",
		    r->origin[0] == '-' ? "" : r->origin, where,
		    err == ENOENT ? "no such" : "cannot look up the",
		    group ? "group" : "user", id->name, err == ENOENT ? "" :
		    ": ", err == ENOENT ? "" : strerror(err));
		return err;
	}
	id->id = group ? (uint32_t)gid : (uint32_t)pw.pw_uid;
	free(buf);
	return 0;
}

int
ids_resolve_rules(struct conf *c, char *msg, size_t len)
{
	struct conf_rule *r;
	size_t i;
	int err;

	for (i = 0; i < c->nrules; i++) {
		r = &c->rules[i];
		if ((err = rule_id(r, &r->who_id, r->who == CONF_WHO_GROUP,
		    msg, len)) != 0 ||
		    (err = rule_id(r, &r->as_id, false, msg, len)) != 0)
			return err;
	}
	return 0;
}

void
ids_free(struct identity *id)
{
	free(id->groups);
	free(id->client_name);
	free(id->name);
	free(id->home);
	free(id->shell);
	memset(id, 0, sizeof(*id));
}
