/* SPDX-License-Identifier: MIT */
/* Process: the monitor, dived's long-lived root process. */
/*
 * A spawner's status pipe, read through its table (MON_FROM_SPAWNER).
 * Runs as: root (monitor).  Trusts: nothing on the pipe: the spawner may
 * run code its client chose (with -a) by the time it writes.  Every frame
 * is checked by msg_dispatch() and its type's own decoder.
 */
#include <stdint.h>

#include "errors.h"
#include "monitor.h"
#include "monitor_msgs.h"

/* ctx: the status_rx; arg: the frame's payload. */
static void
answer_spawn_exec(void *cv, void *pv)
{
	struct status_rx *st = cv;

	if ((st->err = msg_decode_spawn_exec(pv)) == 0)
		st->rx.state = STATUS_EXEC;
}

static void
answer_spawn_failed(void *cv, void *pv)
{
	struct status_rx *st = cv;
	struct msg_failed f;

	if ((st->err = msg_decode_failed(pv, &f)) != 0)
		return;
	/* Once executing, only the execve itself can fail. */
	if (st->rx.state == STATUS_EXEC && f.step != STEP_EXEC) {
		st->err = E_BAD_VALUE;
		return;
	}
	st->rx.state = STATUS_FAILED;
	st->failed = f;
}

static const struct msg_entry from_spawner[] = {
	MON_FROM_SPAWNER(MSG_HANDLER) };
static const struct msg_table mon_from_spawner = { "spawner", "monitor",
	from_spawner, sizeof(from_spawner) / sizeof(from_spawner[0]) };

int
status_frame(struct status_rx *st, const struct msg_hdr *h, struct buf *p)
{
	uint32_t seen = st->rx.seen;
	int r;

	st->err = 0;
	st->type = h->type;
	if ((r = msg_dispatch(&mon_from_spawner, &st->rx, h, NULL, 0, st,
	    p)) != 0)
		return r;
	/* Refused by its handler: as if it had not come (a frame counts
	 * once it is accepted). */
	if (st->err != 0)
		st->rx.seen = seen;
	return st->err;
}

int
status_read(struct msgreader *r, int fd, struct status_rx *st)
{
	int ret;

	while (st->rx.state != STATUS_FAILED) {
		if ((ret = msgreader_read(r, fd)) != 0)
			return ret;
		ret = status_frame(st, &r->h, &r->payload);
		msgreader_next(r);
		if (ret != 0)
			return ret;
	}
	return 0;
}
