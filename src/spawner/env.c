/* SPDX-License-Identifier: MIT */
/* Process: the spawner, dived's child for one request (root). */
/*
 * The program's environment: the client's (or, with -E, the daemon's),
 * without any DIVE_* entry, plus DIVE_UID, DIVE_GID, DIVE_PID and
 * DIVE_USER describing the client as the kernel identified it.  When the
 * program gains privileges over its client, only an allow-list of the
 * client's entries passes (dived(8), ENVIRONMENT), as sudo's env_reset
 * does: no list of dangerous names can know every library's variables.
 * Then the permitting rule of a policy, if any, shapes what is left.
 * Runs as: root (spawner).  Trusts: SO_PEERCRED, the exec plan.  Does not
 * trust: the client's entries, which can never set a DIVE_* variable.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"
#include "spawner.h"

/*
 * What a program that gains privileges gets from its client besides what
 * the operator names: how to talk to the client's terminal and display,
 * and in which language and time zone.  Each only with a value that
 * names something of the system's, never a file (see passed()).  A name
 * ending in '*' is a prefix.
 */
static const char *const passed_names[] = {
	"TERM",		/* terminal type: a terminfo entry of the system's */
	"COLORTERM",	/* a word such as "truecolor" */
	"LANG", "LANGUAGE", "LC_*",	/* locale names of the system's */
	"DISPLAY",	/* an X display name such as ":0" */
	"TZ",		/* a zone of the system's zone database */
};

/* Does NAME=... match pattern p (a name, or a prefix ending in '*')? */
static bool
name_matches(const char *entry, size_t namelen, const char *p, size_t plen)
{
	if (plen > 0 && p[plen - 1] == '*')
		return namelen >= plen - 1 && strncmp(entry, p, plen - 1) == 0;
	return namelen == plen && strncmp(entry, p, plen) == 0;
}

/*
 * An entry of the list with a harmless value: no '/' (no file of the
 * caller's choosing: a terminfo file, a locale directory, an X socket),
 * no shell function ("() {...}"), and for TZ a name without ".." that
 * the C library looks up in the zone database (TZDIR never passes), or
 * a file of that database.  COLORTERM is a word programs only compare.
 */
static bool
passed(const char *entry)
{
	size_t n = strcspn(entry, "="), i;
	const char *v = entry + n + (entry[n] == '=');

	if (entry[n] != '=' || strncmp(v, "() ", 3) == 0)
		return false;
	for (i = 0; i < sizeof(passed_names) / sizeof(passed_names[0]); i++)
		if (name_matches(entry, n, passed_names[i],
		    strlen(passed_names[i])))
			break;
	if (i == sizeof(passed_names) / sizeof(passed_names[0]))
		return false;
	if (name_matches(entry, n, "TZ", 2))
		return strstr(v, "..") == NULL && (v[*v == ':'] != '/' ||
		    strncmp(v + (*v == ':'), "/usr/share/zoneinfo/", 20) == 0);
	return name_matches(entry, n, "COLORTERM", 9) ||
	    strchr(v, '/') == NULL;
}

/*
 * Kept by the operator: named by --keep-env, or by the keepenv { } list
 * of the permitting rule (a plain keepenv names nothing).
 */
static bool
kept(const struct plan_env *e, const char *entry)
{
	size_t n = strcspn(entry, "="), k, j;
	const char *s;
	int i;

	for (i = 0; i < e->nkeep_env; i++)
		for (s = e->keep_env[i]; *s != '\0'; s += k + (s[k] == ',')) {
			k = strcspn(s, ",");
			if (name_matches(entry, n, s, k))
				return true;
		}
	if (e->rule && e->rule_keeplist)
		for (j = 0; j < e->nkeep; j++)
			if (name_matches(entry, n, e->keep[j],
			    strlen(e->keep[j])))
				return true;
	return false;
}

/* Does the program run with a group its client does not run with? */
static bool
gains_groups(const struct plan_who *w, const struct identity *id)
{
	size_t j;
	int i;

	for (i = 0; i < id->ngroups; i++) {
		for (j = 0; j < w->ngroups; j++)
			if (w->groups[j] == id->groups[i])
				break;
		if (j == w->ngroups && id->groups[i] != w->peer.gid)
			return true;
	}
	return false;
}

/*
 * Does the program get more than its client has?  Another uid or gid
 * (real or effective), groups chosen by -g or a supplementary group the
 * client does not run with (-u naming its own user, whose groups it
 * dropped), capabilities (-c, -m), a new user namespace (-s user: every
 * capability in it, and with maps the operator wrote with -t, other
 * users' ids of the host), or root: a root client may itself be
 * confined (fewer capabilities, a container), so running as root counts
 * as a gain too.  -P keeps dived's own ids, root.  What the options
 * give (-g, -c, -m, -s user) the plan says (p->env.gains); the identity
 * may be resolved only here.
 */
static bool
gains_privileges(const struct exec_plan *p, const struct identity *id)
{
	const struct plan_who *w = &p->who;

	if (!id->change)
		return true;
	return id->ruid != w->peer.uid || id->euid != w->peer.uid ||
	    id->ruid == 0 || id->euid == 0 || id->rgid != w->peer.gid ||
	    id->egid != w->peer.gid || p->env.gains || gains_groups(w, id);
}

static int
is_dive_var(const char *e)
{
	return strncmp(e, "DIVE_", 5) == 0;
}

static char *
fmt_var(const char *name, long long v)
{
	char *s = NULL;

	if (asprintf(&s, "%s=%lld", name, v) < 0)
		return NULL;
	return s;
}

/* "NAME=value" appended at out[*k], unless value is NULL or an entry the
 * operator kept already sets NAME.  0, or -1 when out of memory. */
static int
target_var(const char **out, size_t *k, const char *name, const char *value)
{
	size_t n = strlen(name), i;
	char *s;

	if (value == NULL)
		return 0;
	for (i = 0; i < *k; i++)
		if (name_matches(out[i], strcspn(out[i], "="), name, n))
			return 0;
	/* Not freed: the spawner executes the program or exits next. */
	if (asprintf(&s, "%s=%s", name, value) < 0)
		return -1;
	out[(*k)++] = s;
	return 0;
}

/*
 * The client's entries through the allow-list: those of passed() and
 * those the operator kept; then PATH (a fixed safe one), HOME, USER,
 * LOGNAME and SHELL of the target.  (Nothing is logged: leaving most of
 * a client's entries behind is the rule, not an event.)
 */
static const char *const *
filter_env(const struct plan_env *e, const struct identity *id,
    const char *const *src)
{
	const char **out;
	size_t n = 0, i, k = 0;

	while (src != NULL && src[n] != NULL)
		n++;
	if ((out = calloc(n + 6, sizeof(*out))) == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		if (passed(src[i]) || kept(e, src[i]))
			out[k++] = src[i];
	if (target_var(out, &k, "PATH", POLICY_SAFE_PATH) != 0 ||
	    target_var(out, &k, "HOME", id->home) != 0 ||
	    target_var(out, &k, "USER", id->name) != 0 ||
	    target_var(out, &k, "LOGNAME", id->name) != 0 ||
	    target_var(out, &k, "SHELL", id->shell) != 0) {
		free(out);
		return NULL;
	}
	out[k] = NULL;
	return out;
}

/*
 * The permitting rule's environment options on src (policy_env(), which
 * reads only these of a rule).
 */
static char **
rule_env(const struct plan_env *e, const char *const *src,
    const struct policy_target_env *t)
{
	struct conf_rule r;

	memset(&r, 0, sizeof(r));
	r.opts = (e->rule_keepenv ? CONF_OPT_KEEPENV : 0) |
	    (e->rule_keeplist ? CONF_OPT_KEEPLIST : 0) |
	    (e->nsetenv > 0 ? CONF_OPT_SETENV : 0);
	r.keep = (char **)(uintptr_t)e->keep;
	r.nkeep = e->nkeep;
	r.setenv = (char **)(uintptr_t)e->setenv;
	r.nsetenv = e->nsetenv;
	return policy_env(&r, src, t);
}

char **
env_build(const struct exec_plan *p, const struct identity *id)
{
	const struct plan_env *e = &p->env;
	const struct ucred *peer = &p->who.peer;
	const char *const *src = e->src;
	struct policy_target_env t = { id->name, id->home, id->shell };
	const char *const *clean = NULL;
	size_t n = 0, i, k = 0;
	char **env;

	if (e->as_is)		/* -J: no client, dived's environment as is */
		return (char **)(uintptr_t)e->src;
	/* Only the client's own entries, never dived's (-E) nor what a
	 * rule sets. */
	if (!e->daemon && gains_privileges(p, id) &&
	    (src = clean = filter_env(e, id, src)) == NULL)
		return NULL;
	/* The permitting rule's environment options come next.  (Only the
	 * spawner uses this, and it executes or exits next.) */
	if (e->rule && (src = (const char *const *)rule_env(e, src, &t)) ==
	    NULL) {
		free((void *)(uintptr_t)clean);
		return NULL;
	}
	while (src != NULL && src[n] != NULL)
		n++;
	if ((env = calloc(n + 5, sizeof(char *))) == NULL) {
		free((void *)(uintptr_t)clean);
		return NULL;
	}
	for (i = 0; i < n; i++)
		if (!is_dive_var(src[i]))
			env[k++] = (char *)(uintptr_t)src[i];
	/* Its entries point into the client's request, not into it. */
	free((void *)(uintptr_t)clean);
	/* Only the spawner uses this, and it exits on failure. */
	if ((env[k++] = fmt_var("DIVE_UID", (long long)peer->uid)) == NULL ||
	    (env[k++] = fmt_var("DIVE_GID", (long long)peer->gid)) == NULL ||
	    (env[k++] = fmt_var("DIVE_PID", (long long)peer->pid)) == NULL ||
	    (id->client_name != NULL &&
	    asprintf(&env[k++], "DIVE_USER=%s", id->client_name) < 0)) {
		free(env);
		return NULL;
	}
	env[k] = NULL;
	return env;
}
