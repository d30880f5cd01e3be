/* SPDX-License-Identifier: MIT */
/* Process: dived-listener (unprivileged, seccomp-confined). */
/*
 * The listener never looks up a user or a group: it has numeric ids from
 * the monitor and runs in an empty root, where no database exists.  When
 * dived-listener is linked statically these stand in for the C library's
 * getpwuid() and initgroups(), which libcap-ng refers to (from
 * capng_change_id(), never called here), so that the binary carries no
 * name service code at all (the Makefile maps the names with --defsym).
 * Runs as: the listener user, sandboxed.  Trusts: nothing.
 */
#include <errno.h>
#include <stddef.h>

#include "listener.h"

struct passwd *
nonss_getpwuid(uid_t uid)
{
	(void)uid;
	errno = ENOSYS;
	return NULL;
}

int
nonss_initgroups(const char *user, gid_t group)
{
	(void)user;
	(void)group;
	errno = ENOSYS;
	return -1;
}
