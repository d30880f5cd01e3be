/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: what the monitor (root) decodes: a listener's
 * MSG_MON_* messages, the listener master's MSG_LM_READY, a spawner's
 * status frames (after each state of its pipe); and the monitor's own
 * messages as the listener master
 * and the listeners decode them.  Input: a frame header, then the
 * payload.
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
		fz_monitor_frame(&h, p, plen);
	return 0;
}
