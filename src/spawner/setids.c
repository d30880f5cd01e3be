/* SPDX-License-Identifier: MIT */
/* Process: the spawner, dived's child for one request (root). */
/*
 * The identity change: groups, gids, uids, in that order, each checked
 * by reading it back.
 * Runs as: root (spawner).  Trusts: the identity in the plan.
 */
#include <errno.h>
#include <grp.h>
#include <unistd.h>

#include "msg.h"
#include "spawner.h"

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
