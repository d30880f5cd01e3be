/* SPDX-License-Identifier: MIT */
/* Process: pure code, called by dived at start-up and the monitor. */
/*
 * Runs in: the monitor (root), which decides every request; dived
 * --check-config; the spawner, for the environment of a permitted
 * request.  Trusts: the rules it is given (from a root-owned file) and
 * the facts in struct policy_req, which the monitor took from the kernel.
 * Pure functions, so they live in common/ and not in monitor/: the unit
 * tests and fuzzers link them without the monitor, and the spawner
 * needs policy_env.  The listener never calls them (tools/lint.sh).
 */
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "msg.h"
#include "policy.h"

static bool
in_groups(gid_t g, const struct policy_req *q)
{
	size_t i;

	if (q->gid == g)
		return true;
	for (i = 0; i < q->ngroups; i++)
		if (q->groups[i] == g)
			return true;
	return false;
}

static bool
args_match(const struct conf_rule *r, const struct policy_req *q)
{
	size_t i;

	if (!r->has_args)
		return true;
	if (r->nargs != q->nargs)
		return false;
	for (i = 0; i < r->nargs; i++)
		if (strcmp(r->args[i], q->args[i]) != 0)
			return false;
	return true;
}

/* The last component of a path. */
static const char *
base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s != NULL ? s + 1 : p;
}

/*
 * The same path (which is the same file, or names none), or the same
 * file; for a permit rule under the same name: a link named reboot to a
 * permitted systemctl must not make systemctl a reboot.  A deny rule
 * holds under every name.
 */
static bool
cmd_match(const struct conf_rule *r, const struct policy_req *q)
{
	struct policy_file f;

	if (q->cmd == NULL)
		return false;
	if (strcmp(r->cmd, q->cmd) == 0)
		return true;
	if (r->action == CONF_PERMIT && (q->name == NULL ||
	    strcmp(base_name(r->cmd), base_name(q->name)) != 0))
		return false;
	return q->have_file && q->lookup != NULL &&
	    q->lookup(r->cmd, &f, q->lookup_arg) == 0 &&
	    f.dev == q->file.dev && f.ino == q->file.ino;
}

bool
policy_match(const struct conf_rule *r, const struct policy_req *q)
{
	switch (r->who) {
	case CONF_WHO_USER:
		if (q->uid != (uid_t)r->who_id.id)
			return false;
		break;
	case CONF_WHO_GROUP:
		if (!in_groups((gid_t)r->who_id.id, q))
			return false;
		break;
	case CONF_WHO_ANY:
		break;
	}
	switch (r->as) {
	case CONF_AS_DEFAULT:
		if (!q->target_default)
			return false;
		break;
	case CONF_AS_USER:
		if (q->target != (uid_t)r->as_id.id)
			return false;
		break;
	case CONF_AS_ANY:
		break;
	}
	if (r->cmd != NULL && !cmd_match(r, q))
		return false;
	return args_match(r, q);
}

void
policy_decide(const struct conf *c, const struct policy_req *q,
    struct policy_decision *d)
{
	size_t i;

	/* The last match wins: the first one from the end. */
	d->rule = NULL;
	for (i = c->nrules; i > 0 && d->rule == NULL; i--)
		if (policy_match(&c->rules[i - 1], q))
			d->rule = &c->rules[i - 1];
	d->permit = d->rule != NULL && d->rule->action == CONF_PERMIT;
	d->reason = d->permit ? 0 : d->rule == NULL ? DENY_NO_RULE : DENY_RULE;
}

int
policy_canon_path(const char *in, char *out, size_t len)
{
	size_t n = 0, c;

	if (in[0] != '/' || len < 2)
		return in[0] != '/' ? E_BAD_VALUE : E_TOO_LONG;
	for (;;) {
		while (*in == '/')
			in++;
		if (*in == '\0')
			break;
		c = strcspn(in, "/");
		if (c == 2 && in[0] == '.' && in[1] == '.')
			return E_BAD_VALUE;
		if (c != 1 || in[0] != '.') {
			if (n + 1 + c + 1 > len)
				return E_TOO_LONG;
			out[n++] = '/';
			memcpy(out + n, in, c);
			n += c;
		}
		in += c;
	}
	if (n == 0)
		out[n++] = '/';
	out[n] = '\0';
	return 0;
}

/* Length of an entry's name (up to its '='). */
static size_t
name_len(const char *e)
{
	return strcspn(e, "=");
}

static bool
same_name(const char *e, const char *name, size_t n)
{
	return name_len(e) == n && strncmp(e, name, n) == 0;
}

/*
 * Set (or with del, remove) the entry for e's name in v[0..*n): every
 * entry of that name goes, whether or not the listener left duplicates.
 */
static void
put_env(const char **v, size_t *n, const char *e, size_t nlen, bool del)
{
	bool set = false;
	size_t i = 0;

	while (i < *n)
		if (!same_name(v[i], e, nlen))
			i++;
		else if (!del && !set) {
			v[i++] = e;		/* in place of the first */
			set = true;
		} else
			v[i] = v[--*n];
	if (!del && !set)
		v[(*n)++] = e;
}

/* keepenv { } entries: a name, or a prefix ending in '*'. */
static bool
kept(const struct conf_rule *r, const char *e)
{
	static const char *const always[] = { "TERM", "DISPLAY" };
	size_t i, k, n = name_len(e);

	for (i = 0; i < 2; i++)
		if (same_name(e, always[i], strlen(always[i])))
			return true;
	for (i = 0; i < r->nkeep; i++) {
		k = strlen(r->keep[i]);
		if (r->keep[i][k - 1] == '*' ? n >= k - 1 &&
		    strncmp(e, r->keep[i], k - 1) == 0 :
		    same_name(e, r->keep[i], k))
			return true;
	}
	return false;
}

/* "NAME=value" at *p (advanced), unless value is NULL or the name is
 * already set (by an entry kept from the client). */
static void
default_var(const char **v, size_t *n, char **p, const char *name,
    const char *value)
{
	size_t nl = strlen(name), vl, i;

	if (value == NULL)
		return;
	for (i = 0; i < *n; i++)
		if (same_name(v[i], name, nl))
			return;
	vl = strlen(value);
	memcpy(*p, name, nl);
	(*p)[nl] = '=';
	memcpy(*p + nl + 1, value, vl + 1);
	v[(*n)++] = *p;
	*p += nl + vl + 2;
}

static size_t
var_size(const char *name, const char *value)
{
	return value == NULL ? 0 : strlen(name) + strlen(value) + 2;
}

char **
policy_env(const struct conf_rule *r, const char *const *env,
    const struct policy_target_env *t)
{
	bool all = (r->opts & CONF_OPT_KEEPENV) != 0;
	const char **v;
	size_t nenv = 0, n = 0, i, extra;
	char *p;

	while (env != NULL && env[nenv] != NULL)
		nenv++;
	extra = var_size("PATH", POLICY_SAFE_PATH) + var_size("HOME",
	    t->home) + var_size("USER", t->user) +
	    var_size("LOGNAME", t->user) + var_size("SHELL", t->shell);
	if ((v = malloc((nenv + r->nsetenv + 6) * sizeof(char *) + extra)) ==
	    NULL)
		return NULL;
	p = (char *)(v + nenv + r->nsetenv + 6);
	/* One entry per name already (the listener keeps the first). */
	for (i = 0; i < nenv; i++)
		if (all || kept(r, env[i]))
			v[n++] = env[i];
	if (!all) {
		default_var(v, &n, &p, "PATH", POLICY_SAFE_PATH);
		default_var(v, &n, &p, "HOME", t->home);
		default_var(v, &n, &p, "USER", t->user);
		default_var(v, &n, &p, "LOGNAME", t->user);
		default_var(v, &n, &p, "SHELL", t->shell);
	}
	for (i = 0; i < r->nsetenv; i++) {
		if (r->setenv[i][0] == '-')
			put_env(v, &n, r->setenv[i] + 1,
			    strlen(r->setenv[i] + 1), true);
		else
			put_env(v, &n, r->setenv[i], name_len(r->setenv[i]),
			    false);
	}
	v[n] = NULL;
	return (char **)(void *)v;
}
