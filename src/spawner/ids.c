/* SPDX-License-Identifier: MIT */
/*
 * The identity a program runs with: resolved from the system databases in
 * the daemon's own root, before any root or namespace a client could
 * influence is entered (no NSS code from a client's tree ever runs), and
 * applied with checked setgroups/setresgid/setresuid.
 * Runs as: root (spawner).  Trusts: SO_PEERCRED, /etc via NSS, options.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errors.h"
#include "msg.h"
#include "num.h"
#include "spawner.h"

static int
user_by_name(const char *name, struct passwd *out, char **strbuf)
{
	struct passwd *pw;
	long long n;

	/* Resolved again here: the databases may have changed since start. */
	if (num_parse(name, 0, (uid_t)-2, &n) == 0)
		pw = getpwuid((uid_t)n);
	else
		pw = getpwnam(name);
	if (pw == NULL)
		return errno != 0 ? errno : ENOENT;
	*out = *pw;
	if ((*strbuf = strdup(pw->pw_name)) == NULL)
		return ENOMEM;
	out->pw_name = *strbuf;
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

/* -g G1,G2,...: the first is the primary group. */
static int
listed_groups(const char *list, struct identity *id)
{
	char *copy, *save = NULL, *g;
	struct group *gr;
	long long v;
	int n = 0;

	if ((copy = strdup(list)) == NULL ||
	    (id->groups = calloc(strlen(list) / 2 + 1, sizeof(gid_t))) == NULL) {
		free(copy);
		return ENOMEM;
	}
	for (g = strtok_r(copy, ",", &save); g != NULL;
	    g = strtok_r(NULL, ",", &save)) {
		if (num_parse(g, 0, (gid_t)-2, &v) == 0)
			id->groups[n++] = (gid_t)v;
		else if ((gr = getgrnam(g)) != NULL)
			id->groups[n++] = gr->gr_gid;
		else {
			free(copy);
			return ENOENT;
		}
	}
	free(copy);
	if (n == 0)
		return EINVAL;
	id->ngroups = n;
	id->rgid = id->egid = id->groups[0];
	return 0;
}

static int
resolve_target(const struct spawn_args *a, struct identity *id)
{
	const struct dived_opts *o = a->o;
	struct passwd pw;
	char *name = NULL;
	int r;

	if (o->user == NULL) {
		id->ruid = id->euid = a->peer.uid;
		id->rgid = id->egid = a->peer.gid;
		if (id->client_name == NULL) {	/* no passwd entry */
			if ((id->groups = malloc(sizeof(gid_t))) == NULL)
				return ENOMEM;
			id->groups[0] = a->peer.gid;
			id->ngroups = 1;
			return 0;
		}
		return user_groups(id->client_name, a->peer.gid, id);
	}
	if ((r = user_by_name(o->user, &pw, &name)) != 0)
		return r;
	id->ruid = id->euid = pw.pw_uid;
	id->rgid = id->egid = pw.pw_gid;
	r = o->groups != NULL ? listed_groups(o->groups, id) :
	    user_groups(pw.pw_name, pw.pw_gid, id);
	free(name);
	return r;
}

int
ids_resolve(const struct spawn_args *a, struct identity *id)
{
	const struct passwd *pw;
	struct passwd epw;
	char *ename = NULL;
	int r;

	memset(id, 0, sizeof(*id));
	errno = 0;
	if ((pw = getpwuid(a->peer.uid)) != NULL &&
	    (id->client_name = strdup(pw->pw_name)) == NULL)
		return ENOMEM;
	if (a->o->no_setuid)
		return 0;
	id->change = true;
	if ((r = resolve_target(a, id)) != 0)
		return r;
	if (a->o->effective_user != NULL) {
		if ((r = user_by_name(a->o->effective_user, &epw, &ename)) != 0)
			return r;
		id->euid = epw.pw_uid;
		free(ename);
	}
	return 0;
}

/*
 * Set groups, gids and uids, in that order, each checked; *step names the
 * one that failed.  Returns 0 or an errno value.
 */
int
ids_apply(const struct identity *id, int *step)
{
	uid_t r, e, s;
	gid_t rg, eg, sg;

	if (!id->change)
		return 0;
	*step = STEP_GROUPS;
	if (setgroups((size_t)id->ngroups, id->groups) != 0)
		return errno;
	*step = STEP_SETGID;
	if (setresgid(id->rgid, id->egid, id->egid) != 0)
		return errno;
	if (getresgid(&rg, &eg, &sg) != 0 || rg != id->rgid ||
	    eg != id->egid || sg != id->egid)
		return EPERM;
	*step = STEP_SETUID;
	if (setresuid(id->ruid, id->euid, id->euid) != 0)
		return errno;
	if (getresuid(&r, &e, &s) != 0 || r != id->ruid || e != id->euid ||
	    s != id->euid)
		return EPERM;
	return 0;
}
