/* SPDX-License-Identifier: MIT */
/* Process: several: shared by the programs that link it (Makefile). */
/*
 * Whether a request may be made at all to a server that told its clients
 * what it takes (MSG_HELLO): one pure check, made by the listener on the
 * client's request and again by the monitor on the listener's.
 */
#ifndef DIVE_ADMIT_H
#define DIVE_ADMIT_H

#include <stdint.h>

#include "msg.h"

/* What a socket admits: from dived's options, as MSG_HELLO says it. */
struct admit_conf {
	uint32_t flags;		/* HELLO_* */
	unsigned int max_fds;	/* --max-fds: at most so many descriptors */
};

/*
 * admit_request: 0 if r asks only for what c admits, else an E_* code:
 * E_NOT_ALLOWED for an item the server does not take (a directory, the
 * client's root or terminal, descriptors with -O, an environment with
 * -E, arguments with -A), E_PTY_REFUSED or E_PTY_REQUIRED, then
 * E_TOO_MANY_FDS, then E_NO_PROGRAM (no argument and no forced command).
 * Pure: no I/O.
 */
int admit_request(const struct req_exec *r, const struct admit_conf *c)
    __attribute__((warn_unused_result));

#endif
