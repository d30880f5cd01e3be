/* SPDX-License-Identifier: MIT */
/* Process: the monitor and the spawner: the plan between them. */
/*
 * Option values an exec plan carries as dived's command line gave them
 * (options.h parses into these; plan.h points at them), so that the
 * spawner's code sees these few types and not the options themselves.
 */
#ifndef DIVE_PLANTYPES_H
#define DIVE_PLANTYPES_H

#include <sys/resource.h>

#define OPT_MAX_SETNS		16	/* -N */

/* -l: one resource limit. */
struct opt_rlimit {
	int resource;			/* RLIMIT_* */
	rlim_t hard, soft;
};

/* -t FILE STRING, -tt: written after the namespaces are set up. */
struct opt_write {
	const char *file;
	const char *data;		/* NULL: the uid/gid map of -tt */
};

/* -tt writes these three, with the target ids filled in per request. */
#define OPT_UIDMAP_FILE		"/proc/self/uid_map"
#define OPT_SETGROUPS_FILE	"/proc/self/setgroups"
#define OPT_GIDMAP_FILE		"/proc/self/gid_map"

#endif
