/* SPDX-License-Identifier: MIT */
/*
 * The program's environment: the client's (or, with -E, the daemon's),
 * without any DIVE_* entry, plus DIVE_UID, DIVE_GID, DIVE_PID and
 * DIVE_USER describing the client as the kernel identified it.
 * Runs as: root (spawner).  Trusts: SO_PEERCRED.  Does not trust: the
 * client's entries, which can never set a DIVE_* variable.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"
#include "spawner.h"

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

char **
env_build(const struct spawn_args *a, const struct identity *id)
{
	const char *const *src = a->o->no_environment ?
	    (const char *const *)a->daemon_env : a->req->envp;
	struct policy_target_env t = { id->name, id->home, id->shell };
	size_t n = 0, i, k = 0;
	char **env;

	if (a->inplace)		/* -J: no client, dived's environment as is */
		return a->daemon_env;
	/* The permitting rule's environment options come first.  (Only
	 * the spawner uses this, and it executes or exits next.) */
	if (a->rule != NULL && (src = (const char *const *)policy_env(a->rule,
	    src, &t)) == NULL)
		return NULL;
	while (src != NULL && src[n] != NULL)
		n++;
	if ((env = calloc(n + 5, sizeof(char *))) == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		if (!is_dive_var(src[i]))
			env[k++] = (char *)(uintptr_t)src[i];
	/* Only the spawner uses this, and it exits on failure. */
	if ((env[k++] = fmt_var("DIVE_UID", (long long)a->peer.uid)) == NULL ||
	    (env[k++] = fmt_var("DIVE_GID", (long long)a->peer.gid)) == NULL ||
	    (env[k++] = fmt_var("DIVE_PID", (long long)a->peer.pid)) == NULL ||
	    (id->client_name != NULL &&
	    asprintf(&env[k++], "DIVE_USER=%s", id->client_name) < 0)) {
		free(env);
		return NULL;
	}
	env[k] = NULL;
	return env;
}
