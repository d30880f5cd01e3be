/* SPDX-License-Identifier: MIT */
/*
 * Test-only forging hooks of dived-listener (see hooks.h for how the hook
 * build is made and kept out of bin/dived-listener).  They make a
 * listener act compromised towards the monitor: after the listener has
 * checked the client's request, it changes what it passes on, so that a
 * test can show the monitor's own checks refuse it.  The operation comes
 * from the file "dived-listener.forge" next to the executable (a request
 * cannot always carry it: dived -A drops the client's argv).
 */
#ifndef DIVE_TEST_FORGE_H
#define DIVE_TEST_FORGE_H

#include <stddef.h>

#include "msg.h"

/* hook_forge_start: before the sandbox (still root): read the operation. */
void hook_forge_start(void);

/*
 * hook_forge_request: the request r passed the listener's checks; change
 * it (and fds, *nfds: the client's descriptors, at most MSG_MAX_FDS;
 * user: MSG_MAX_USER + 1 bytes, "" for none) as the operation says, or
 * send the monitor (mfd) a message it must not take now.  max_fds: the
 * server's --max-fds.
 */
void hook_forge_request(int mfd, unsigned int max_fds, struct req_exec *r,
    int *fds, size_t *nfds, char *user);

/* hook_forge_sent: the request (exec, as encoded) went: a message after it. */
void hook_forge_sent(int mfd, const struct buf *exec);

/* hook_forge_started: the program started: a signal the monitor refuses. */
void hook_forge_started(int mfd);

#endif
