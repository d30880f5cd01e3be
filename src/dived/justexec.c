/* SPDX-License-Identifier: MIT */
/* Process: dived at start-up, before the loop; dived --check-config. */
/*
 * -J, -j: no socket and no client.  dived builds the plan of its forced
 * command as the monitor would for a request, and carries it out in this
 * very process (the spawner's code, PLAN_JUST): the program replaces it.
 * Runs as: root (or whoever started dived -J).  Trusts: its options.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dived.h"

void
spawn_just_execute(const struct dived_opts *o, const char *forced_path,
    char **env, rlim_t nofile_soft, const struct ns_kept *ns)
{
	static const struct req_exec none;
	static struct exec_plan p;
	struct spawn_handle h;
	struct plan_from f;
	struct spawn_args a;

	memset(&f, 0, sizeof(f));
	f.o = o;
	f.forced_path = forced_path;
	f.daemon_env = env;
	f.nofile_soft = nofile_soft;
	f.peer.pid = getpid();
	f.peer.uid = getuid();
	f.peer.gid = getgid();
	f.req = &none;
	if (plan_build(&p, &f, true) != 0) {
		(void)fprintf(stderr, "dived: cannot %s: %s\n",
		    spawn_step_str(STEP_ENV), strerror(ENOMEM));
		_exit(SPAWN_EXIT_FAILED);
	}
	memset(&a, 0, sizeof(a));
	a.p = &p;
	a.ns = ns;
	a.fdsock = a.statusfd = a.lfd = -1;
	h.fdsock = h.statusfd = h.pid = -1;	/* none: no client */
	(void)spawn_start(&a, &h);
	_exit(SPAWN_EXIT_FAILED);	/* (spawn_start does not return with -J) */
}
