/* SPDX-License-Identifier: MIT */
/*
 * Shared by the fuzz targets: run every decoder that a frame of a given
 * type reaches in dived or dive, and check what a decoder promises about
 * what it accepts (limits, strings, a canonical encoding).  A broken
 * promise aborts, which libFuzzer reports as a crash with its input.
 */
#ifndef DIVE_FUZZ_CHECK_H
#define DIVE_FUZZ_CHECK_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "msg.h"

/* A promise of the code under test; a broken one is a crash. */
#define REQUIRE(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: broken promise: %s\n",		\
		    __FILE__, __LINE__, #cond);				\
		abort();						\
	}								\
} while (0)

/*
 * fz_client_frame: a frame between dive and a listener (either way):
 * MSG_REQ_EXEC, MSG_REQ_SIGNAL, and the answers dive decodes.
 */
void fz_client_frame(const struct msg_hdr *h, const uint8_t *p, size_t n);

/*
 * fz_monitor_frame: a frame the monitor decodes: from a listener
 * (MSG_MON_*), from the listener master (MSG_LM_READY), from a spawner's
 * status pipe (MSG_SPAWN_EXEC, MSG_MON_FAILED, through its table and
 * status_frame after each state), and what the listener master and the spawner decode
 * from the monitor and a listener.
 */
void fz_monitor_frame(const struct msg_hdr *h, const uint8_t *p, size_t n);

/*
 * fz_status_stream: n bytes on a spawner's status pipe, written chunk
 * bytes at a time (0: at once), read as the monitor reads them; the
 * outcome must be the one the protocol gives for those bytes (status.c).
 */
void fz_status_stream(const uint8_t *d, size_t n, size_t chunk);

/*
 * fz_split_frame: header and payload of a fuzz input: the first
 * MSG_HDR_LEN bytes are the header (msg_hdr_unpack), the rest is the
 * payload, whatever the header's length says.  Returns 0, or -1 when the
 * input is shorter than a header or the header is not ours.
 */
int fz_split_frame(const uint8_t *d, size_t n, struct msg_hdr *h,
    const uint8_t **p, size_t *plen);

#endif
