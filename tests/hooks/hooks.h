/* SPDX-License-Identifier: MIT */
/*
 * Test-only hooks of dived-listener.  Compiled in only with
 * -DDIVE_TEST_HOOKS, into bin/tests/dived-listener-hooks, never into
 * bin/dived-listener (tests/integration/87-sandbox-hooks.sh checks).
 * After the sandbox is up they make a listener, or the listener master,
 * attempt one operation the sandbox forbids, chosen by the test: a
 * listener by the request's argv[0] "dived-test-hook:OP", the master by
 * the file "dived-listener.hook" next to its executable.  The master
 * logs how each listener ended on dived's standard error, which must be
 * a pipe then (the sandbox's file size limit is 0).
 */
#ifndef DIVE_TEST_HOOKS_H
#define DIVE_TEST_HOOKS_H

#include <seccomp.h>

#include "msg.h"

/* Exit status of a process whose forbidden operation did not kill it. */
#define HOOK_SURVIVED 42

/*
 * hook_master_start: before the sandbox (still root): read the master's
 * operation, keep a copy of standard error, and reap and log listeners.
 */
void hook_master_start(void);

/* hook_master_filter: what the reaping needs in the master's filter. */
int hook_master_filter(scmp_filter_ctx ctx);

/* hook_master_ready: sandboxed and ready: the master's operation. */
void hook_master_ready(void);

/* hook_request: a listener decoded a request: its operation, if any. */
void hook_request(const struct req_exec *r);

/*
 * hook_hold_fds: keep the client's descriptors from the spawner
 * ("hold-fds"), or send it one byte of their frame first ("one-byte"),
 * or a frame off its table ("fds-wrong-type", "fds-none")?
 */
int hook_hold_fds(int sock);

#endif
