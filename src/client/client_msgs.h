/* SPDX-License-Identifier: MIT */
/* Process: dive, the client (as the caller). */
/*
 * What dive takes from the server (dive-protocol(7), CHANNELS):
 * { type, descriptors, states, bytes at most, flags, handler } for
 * msg_dispatch().  H is MSG_HANDLER where the handlers are (dive.c,
 * wait.c) and MSG_NO_HANDLER where the tables are only printed.
 */
#ifndef DIVE_CLIENT_MSGS_H
#define DIVE_CLIENT_MSGS_H

#include "msg.h"

/* dive's states toward the server. */
enum cl_state {
	CL_GREETING,	/* connected: the greeting or a refusal */
	CL_ANSWERS,	/* request sent, without a pty */
	CL_PTY_ANSWERS,	/* request sent, with REQ_F_PTY */
};

#define CL_SENT	(MSG_ST(CL_ANSWERS) | MSG_ST(CL_PTY_ANSWERS))

/* The greeting (dive.c). */
#define CLIENT_GREETING(H) \
	{ MSG_HELLO, 0, MSG_ST(CL_GREETING), MSG_MAX_SMALL, MSG_F_ONCE, \
	    H(greeted) }, \
	{ MSG_ERROR, 0, MSG_ST(CL_GREETING), MSG_MAX_SMALL, MSG_F_ONCE, \
	    H(refused) }

/* The answers to the request (wait.c). */
#define CLIENT_ANSWERS(H) \
	{ MSG_PTY, 1, MSG_ST(CL_PTY_ANSWERS), 0, MSG_F_ONCE, H(got_pty) }, \
	{ MSG_STARTED, 0, CL_SENT, MSG_MAX_SMALL, MSG_F_ONCE, \
	    H(got_started) }, \
	{ MSG_EXITED, 0, CL_SENT, MSG_MAX_SMALL, MSG_F_ONCE, H(got_exit) }, \
	{ MSG_FAILED, 0, CL_SENT, MSG_MAX_SMALL, MSG_F_ONCE, \
	    H(got_failed) }, \
	{ MSG_ERROR, 0, CL_SENT, MSG_MAX_SMALL, MSG_F_ONCE, H(got_error) }

#endif
