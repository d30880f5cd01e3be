/* SPDX-License-Identifier: MIT */
/* Process: several: shared by the programs that link it (Makefile). */
/*
 * The admissibility of a request (admit.h): the same rule, with the same
 * errors, in the listener and in the monitor.
 * Runs in: the listener (on the client's request) and the monitor (on
 * the listener's, which it does not trust).  Pure: no I/O.
 */
#include "admit.h"
#include "errors.h"

int
admit_request(const struct req_exec *r, const struct admit_conf *c)
{
	uint32_t fl = c->flags;

	if (((r->specials & REQ_SPECIAL_CWD) && (fl & HELLO_NO_CWD)) ||
	    ((r->specials & REQ_SPECIAL_ROOT) && !(fl & HELLO_CLIENT_ROOT)) ||
	    ((r->specials & REQ_SPECIAL_TTY) && (fl & HELLO_NO_CTTY)) ||
	    ((r->nfdmap > 0 || r->pty.nfd > 0) && (fl & HELLO_NO_FDS)) ||
	    (r->envc > 0 && (fl & HELLO_NO_ENV)) ||
	    (r->argc > 0 && (fl & HELLO_NO_ARGV)))
		return E_NOT_ALLOWED;
	if ((r->flags & REQ_F_PTY) && !(fl & HELLO_PTY))
		return E_PTY_REFUSED;
	if (!(r->flags & REQ_F_PTY) && (fl & HELLO_PTY_ONLY))
		return E_PTY_REQUIRED;
	if (req_exec_nfds(r) > c->max_fds)
		return E_TOO_MANY_FDS;
	if (r->argc == 0 && !(fl & HELLO_FORCED_ARGV))
		return E_NO_PROGRAM;
	return 0;
}
