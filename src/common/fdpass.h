/* SPDX-License-Identifier: MIT */
/* Process: several: shared by the programs that link it (Makefile). */
/*
 * Framed messages over AF_UNIX stream sockets, with descriptors passed as
 * SCM_RIGHTS, and over pipes, which carry none (a spawner's status): one
 * sender and one incremental reader used by every process.
 */
#ifndef DIVE_FDPASS_H
#define DIVE_FDPASS_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "msg.h"

/*
 * fdpass_send: send one frame (header and payload) of the given type with
 * nfds descriptors attached to its first byte.  Loops over partial writes;
 * never raises SIGPIPE on a socket.  On a pipe (no descriptors) one
 * writev(2): a frame of at most PIPE_BUF bytes arrives whole or not at
 * all; SIGPIPE is the caller's to ignore there.  payload may be NULL for
 * an empty message.
 * Returns 0, E_AGAIN (non-blocking socket full before the first byte went
 * out), E_EOF (peer gone), E_TOO_MANY_FDS or E_SYS.
 */
int fdpass_send(int sock, uint16_t type, const struct buf *payload,
    const int *fds, size_t nfds) WUR;

/*
 * An incremental frame reader.  Works on blocking and non-blocking
 * sockets: msgreader_read() returns E_AGAIN until a whole frame is in.
 */
struct msgreader {
	uint8_t hdr[MSG_HDR_LEN];
	size_t got;		/* bytes of the header, then of the payload */
	int have_hdr;
	struct msg_hdr h;
	struct buf payload;	/* owned, limited to max_len */
	int fds[MSG_MAX_FDS];	/* received, MSG_CMSG_CLOEXEC */
	size_t nfds;
	size_t max_len;		/* payload limit for this peer */
	size_t max_fds;		/* descriptor limit for this peer */
	int pipe;		/* a pipe (msgreader_init_pipe): read(2) */
};

/* msgreader_init: prepare a reader with its limits (max_fds <= 253). */
void msgreader_init(struct msgreader *r, size_t max_len, size_t max_fds);
/* msgreader_init_pipe: the same for a pipe (read(2); no descriptors). */
void msgreader_init_pipe(struct msgreader *r, size_t max_len);

/*
 * msgreader_read: read what is available of the current frame.
 * Returns 0 when r->h, r->payload and r->fds hold a whole frame; E_AGAIN;
 * E_EOF when the peer closed between frames; E_TRUNCATED inside one;
 * E_BAD_MAGIC, E_VERSION, E_TOO_LONG, E_TOO_MANY_FDS, E_CTRUNC,
 * E_BAD_CMSG, E_FD_COUNT or E_SYS.  After an error the reader is reset
 * and its descriptors closed.
 */
int msgreader_read(struct msgreader *r, int sock) WUR;

/*
 * msgreader_take_fds: move the frame's descriptors to out (room for
 * r->nfds); the caller owns them afterwards.  Returns how many.
 */
size_t msgreader_take_fds(struct msgreader *r, int *out);

/* msgreader_next: drop the current frame (closing untaken fds). */
void msgreader_next(struct msgreader *r);

/* msgreader_free: drop everything and release the payload buffer. */
void msgreader_free(struct msgreader *r);

/* fdpass_close_all: close n descriptors, ignoring -1 entries. */
void fdpass_close_all(int *fds, size_t n);

#endif
