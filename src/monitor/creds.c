/* SPDX-License-Identifier: MIT */
/* Process: the monitor, dived's long-lived root process. */
/*
 * Connection accounting by client uid, from kernel-given credentials, and
 * the log lines that name a session by them.
 * Runs as: root (monitor).  Trusts: SO_PEERCRED and the user namespace
 * owner the kernel reports (peer.c); no identity a client or listener
 * sends is ever believed.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "errors.h"
#include "log.h"
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

/* One more connection counted for uid. */
static int
charge(struct ctx *c, uid_t uid)
{
	struct uidcount *u, *nu;

	if ((u = find_uid(c, uid)) == NULL) {
		if (c->nuids == c->capuids) {
			size_t ncap = c->capuids == 0 ? 16 : c->capuids * 2;
			nu = reallocarray(c->uids, ncap, sizeof(*nu));
			if (nu == NULL)
				return E_NOMEM;
			c->uids = nu;
			c->capuids = ncap;
		}
		u = &c->uids[c->nuids++];
		u->uid = uid;
		u->n = 0;
	}
	u->n++;
	return 0;
}

static void
drop(struct ctx *c, uid_t uid)
{
	struct uidcount *u = find_uid(c, uid);

	if (u != NULL && u->n > 0 && --u->n == 0)
		*u = c->uids[--c->nuids];
}

static bool
at_limit(struct ctx *c, uid_t uid)
{
	const struct uidcount *u = find_uid(c, uid);

	return u != NULL && u->n >= c->o->max_per_uid;
}

/*
 * Count a new connection of peer->uid and of owner, the user whose user
 * namespace it runs in (peer_identify): a user's subordinate uids are
 * that user's too, so that a namespace of many uids cannot multiply its
 * allowance.  Refuse it when the total or either per-uid count is at its
 * limit.  Returns 0, E_LIMIT_CONN, E_LIMIT_UID or E_NOMEM.
 */
int
creds_admit(struct ctx *c, const struct ucred *peer, uid_t owner)
{
	if (c->nconns >= c->o->max_conns)
		return E_LIMIT_CONN;
	if (at_limit(c, peer->uid) || at_limit(c, owner))
		return E_LIMIT_UID;
	if (charge(c, peer->uid) != 0)
		return E_NOMEM;
	if (owner != peer->uid && charge(c, owner) != 0) {
		drop(c, peer->uid);
		return E_NOMEM;
	}
	c->nconns++;
	return 0;
}

void
creds_release(struct ctx *c, uid_t uid, uid_t owner)
{
	if (find_uid(c, uid) == NULL)
		return;
	c->nconns--;
	drop(c, uid);
	if (owner != uid)
		drop(c, owner);
}

const char *
creds_owner_str(const struct ucred *peer, const struct peer_kernel *pk)
{
	static char s[32];

	s[0] = '\0';
	if (pk->owner != peer->uid)
		(void)snprintf(s, sizeof(s), " (owner %u)",
		    (unsigned)pk->owner);
	return s;
}

/*
 * Not known (the client has ended, no pidfd): refused, since neither its
 * limits nor its terminal could be checked.
 */
int
creds_identify(struct ctx *c, int fd, const struct ucred *peer,
    struct peer_kernel *pk)
{
	const char *why;
	int r;

	if ((r = peer_identify(fd, peer, pk, &why)) == 0)
		return 0;
	/* Recorded and logged within the rate limit of its uid. */
	if (decide_conn(c, peer, (uid_t)-1, ++c->next_id, why))
		log_notice("uid %u pid %d: connection refused: %s",
		    (unsigned)peer->uid, (int)peer->pid, why);
	return r == E_RESOURCES ? r : E_UNAVAILABLE;
}

static void __attribute__((format(printf, 4, 0)))
slog_v(const struct session *s, bool pid, int pri, const char *fmt,
    va_list ap)
{
	char text[1024];
	int save = errno;

	if (vsnprintf(text, sizeof(text), fmt, ap) < 0)
		text[0] = '\0';
	if (pid)
		log_msg(pri, "session %llu: uid %u pid %d: %s",
		    (unsigned long long)s->id, (unsigned)s->peer.uid,
		    (int)s->peer.pid, text);
	else
		log_msg(pri, "session %llu: uid %u: %s",
		    (unsigned long long)s->id, (unsigned)s->peer.uid, text);
	errno = save;
}

void
slog(const struct session *s, int pri, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	slog_v(s, true, pri, fmt, ap);
	va_end(ap);
}

void
slog_uid(const struct session *s, int pri, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	slog_v(s, false, pri, fmt, ap);
	va_end(ap);
}
