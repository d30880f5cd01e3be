/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: what a client sends a listener (MSG_REQ_EXEC with
 * its descriptor count, MSG_REQ_SIGNAL) and what dive decodes from a
 * server.  Input: a frame header, then the payload.
 */
#include <stddef.h>
#include <stdint.h>

#include "check.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct msg_hdr h;
	const uint8_t *p;
	size_t plen;

	if (fz_split_frame(d, n, &h, &p, &plen) == 0)
		fz_client_frame(&h, p, plen);
	return 0;
}
