/* SPDX-License-Identifier: MIT */
/* Process: the monitor, dived's long-lived root process. */
/*
 * What the monitor takes on each channel it reads (dive-protocol(7),
 * CHANNELS): { type, descriptors, states, bytes at most, flags, handler }
 * for msg_dispatch().  H is MSG_HANDLER where the handlers are (loop.c,
 * lm.c, status.c) and MSG_NO_HANDLER where the tables are only printed.
 */
#ifndef DIVE_MONITOR_MSGS_H
#define DIVE_MONITOR_MSGS_H

#include "monitor.h"
#include "msg.h"

#define MON_ANY_STATE	(MSG_ST(S_REQUEST) | MSG_ST(S_SPAWNING) | \
			 MSG_ST(S_RUNNING) | MSG_ST(S_ENDED))

/* From a listener, over its session's socketpair (loop.c). */
#define MON_FROM_LISTENER(H) \
	{ MSG_MON_USER, 0, MSG_ST(S_REQUEST), \
	    MSG_MAX_SMALL + MSG_MAX_USER + 8u, MSG_F_ONCE, H(answer_user) }, \
	{ MSG_MON_EXEC, 0, MSG_ST(S_REQUEST), MSG_MAX_LEN + 4096u, \
	    MSG_F_ONCE, H(answer_exec) }, \
	{ MSG_MON_ERROR, 0, MON_ANY_STATE, MSG_MAX_SMALL, MSG_F_ONCE, \
	    H(answer_error) }, \
	{ MSG_MON_SIGNAL, 0, MSG_ST(S_RUNNING), MSG_MAX_SMALL, 0, \
	    H(answer_signal) }

/* The listener master's one state: starting (lm.c). */
enum lm_state { LM_STARTING };

/* From the listener master, once at its start (lm.c). */
#define MON_FROM_LM(H) \
	{ MSG_LM_READY, 0, MSG_ST(LM_STARTING), MSG_MAX_SMALL, MSG_F_ONCE, \
	    H(answer_ready) }

/*
 * From a spawner, over its status pipe (status.c; states enum
 * status_state): MSG_SPAWN_EXEC just before execve; MSG_MON_FAILED if a
 * step failed, after MSG_SPAWN_EXEC only for STEP_EXEC (its handler
 * checks); nothing after MSG_MON_FAILED.  A pipe carries no descriptors.
 */
#define MON_FROM_SPAWNER(H) \
	{ MSG_SPAWN_EXEC, 0, MSG_ST(STATUS_SETUP), 0, MSG_F_ONCE, \
	    H(answer_spawn_exec) }, \
	{ MSG_MON_FAILED, 0, MSG_ST(STATUS_SETUP) | MSG_ST(STATUS_EXEC), \
	    MSG_MAX_STATUS, MSG_F_ONCE, H(answer_spawn_failed) }

#endif
