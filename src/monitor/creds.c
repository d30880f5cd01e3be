/* SPDX-License-Identifier: MIT */
/*
 * Connection accounting by client uid, from kernel-given credentials.
 * Runs as: root (monitor).  Trusts: SO_PEERCRED only; no identity a
 * client or listener sends is ever believed.
 */
#include <stdlib.h>

#include "errors.h"
#include "monitor.h"

static struct uidcount *
find_uid(struct ctx *c, uid_t uid)
{
	size_t i;

	for (i = 0; i < c->nuids; i++)
		if (c->uids[i].uid == uid)
			return &c->uids[i];
	return NULL;
}

/*
 * Count a new connection of peer->uid, or refuse it when the total or the
 * per-uid limit is reached.  Returns 0, E_LIMIT_CONN, E_LIMIT_UID or
 * E_NOMEM.
 */
int
creds_admit(struct ctx *c, const struct ucred *peer)
{
	struct uidcount *u, *nu;

	if (c->nconns >= c->o->max_conns)
		return E_LIMIT_CONN;
	if ((u = find_uid(c, peer->uid)) == NULL) {
		if (c->nuids == c->capuids) {
			size_t ncap = c->capuids == 0 ? 16 : c->capuids * 2;
			nu = reallocarray(c->uids, ncap, sizeof(*nu));
			if (nu == NULL)
				return E_NOMEM;
			c->uids = nu;
			c->capuids = ncap;
		}
		u = &c->uids[c->nuids++];
		u->uid = peer->uid;
		u->n = 0;
	}
	if (u->n >= c->o->max_per_uid)
		return E_LIMIT_UID;
	u->n++;
	c->nconns++;
	return 0;
}

void
creds_release(struct ctx *c, uid_t uid)
{
	struct uidcount *u = find_uid(c, uid);

	if (u == NULL || u->n == 0)
		return;
	c->nconns--;
	if (--u->n == 0)
		*u = c->uids[--c->nuids];
}
