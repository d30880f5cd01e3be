/* SPDX-License-Identifier: MIT */
/* Process: dived-listener (unprivileged, seccomp-confined). */
/*
 * What a listener and the listener master take on each channel they read
 * (dive-protocol(7), CHANNELS): { type, descriptors, states, bytes at
 * most, flags, handler } for msg_dispatch().  H is MSG_HANDLER where the
 * handlers are (session.c, main.c) and MSG_NO_HANDLER where the tables
 * are only printed.
 */
#ifndef DIVE_LISTENER_MSGS_H
#define DIVE_LISTENER_MSGS_H

#include "msg.h"

/* A listener's states toward its client. */
enum lc_state {
	LC_REQUEST,	/* before the request, within the request timeout */
	LC_WAIT,	/* request passed on; no signals (yet) */
	LC_SIGNALS,	/* started, and the server takes signals */
};

/* From the client (session.c): the request, then signals. */
#define LISTENER_FROM_CLIENT(H) \
	{ MSG_REQ_USER, 0, MSG_ST(LC_REQUEST), MSG_MAX_SMALL + \
	    MSG_MAX_USER + 8u, MSG_F_ONCE, H(take_user) }, \
	{ MSG_REQ_EXEC, MSG_NFDS_ANY, MSG_ST(LC_REQUEST), MSG_MAX_LEN, \
	    MSG_F_ONCE, H(take_request) }, \
	{ MSG_REQ_SIGNAL, 0, MSG_ST(LC_SIGNALS), MSG_MAX_SMALL, 0, \
	    H(forward_signal) }

/* A listener's one state toward the monitor: its request is passed on. */
enum lm_side_state { LMON_ANSWERS };

/* From the monitor (session.c), and with -F or -D from the spawner. */
#define LISTENER_FROM_MONITOR(H) \
	{ MSG_MON_SENDFDS, 1, MSG_ST(LMON_ANSWERS), 0, MSG_F_ONCE, \
	    H(hand_fds) }, \
	{ MSG_MON_STARTED, 0, MSG_ST(LMON_ANSWERS), MSG_MAX_SMALL, \
	    MSG_F_ONCE, H(relay_started) }, \
	{ MSG_MON_FAILED, 0, MSG_ST(LMON_ANSWERS), MSG_MAX_SMALL, \
	    MSG_F_ONCE, H(relay_failed) }, \
	{ MSG_MON_EXITED, 0, MSG_ST(LMON_ANSWERS), MSG_MAX_SMALL, \
	    MSG_F_ONCE, H(relay_exited) }

/* A listener's one state toward the spawner: waiting for the pty. */
enum lsp_state { LSP_PTY };

/* From the spawner, over the socket of MSG_MON_SENDFDS (session.c). */
#define LISTENER_FROM_SPAWNER(H) \
	{ MSG_SPAWN_PTY, 1, MSG_ST(LSP_PTY), 0, MSG_F_ONCE, H(pass_pty) }

/* The listener master's one state: serving. */
enum lmaster_state { LMASTER_SERVING };

/* From the monitor, to the listener master (main.c). */
#define MASTER_FROM_MONITOR(H) \
	{ MSG_LM_SESSION, 2, MSG_ST(LMASTER_SERVING), MSG_MAX_SMALL, 0, \
	    H(start_session) }

#endif
