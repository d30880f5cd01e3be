/* SPDX-License-Identifier: MIT */
/* Process: the spawner, dived's child for one request (root). */
/*
 * What the spawner takes on the channel it reads (dive-protocol(7),
 * CHANNELS): { type, descriptors, states, bytes at most, flags, handler }
 * for msg_dispatch().  H is MSG_HANDLER where the handler is (fds.c) and
 * MSG_NO_HANDLER where the table is only printed.
 */
#ifndef DIVE_SPAWNER_MSGS_H
#define DIVE_SPAWNER_MSGS_H

#include "msg.h"

/* The spawner's one state on that socket: waiting for the descriptors. */
enum sp_state { SP_FDS };

/*
 * From the listener, over the socket of MSG_MON_SENDFDS (fds.c): the
 * client's descriptors, as many as the accepted request names (the
 * reader takes no more, the handler refuses fewer), nothing else.
 */
#define SPAWNER_FROM_LISTENER(H) \
	{ MSG_SPAWN_FDS, MSG_NFDS_ANY, MSG_ST(SP_FDS), 0, MSG_F_ONCE, \
	    H(take_fds) }

#endif
