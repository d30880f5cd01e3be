/* SPDX-License-Identifier: MIT */
/*
 * Runs in: the fuzz targets only (fuzz_frame, set-up bit 3).  What the
 * monitor (root) reads from a spawner's status pipe: the bytes go into a
 * real pipe, in chunks, and are read as the monitor reads them
 * (status_read: msgreader_read on a pipe, each frame through the table
 * MON_FROM_SPAWNER).  The outcome must be what the protocol allows and
 * nothing else (dive-protocol(7), CHANNELS), computed here from the
 * bytes alone: the end after nothing (the spawner died) or after
 * exactly one EXEC frame (the program runs); a valid failure, first or
 * after EXEC for STEP_EXEC only (what follows it is never read);
 * anything else a protocol violation.  The reader must never wait once
 * the pipe ended.
 */
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "errors.h"
#include "fdpass.h"
#include "monitor.h"

#define MAX_STATUS_INPUT	4096	/* fits the pipe's buffer */
#define FAILED_LEN	(MSG_HDR_LEN + 8)

enum outcome { DIED, RUNS, FAILED, VIOLATION };

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/* What the protocol says of this stream, without the code under test. */
static enum outcome
expected(const uint8_t *d, size_t n, struct msg_failed *f)
{
	uint8_t exec[MSG_HDR_LEN], failed[MSG_HDR_LEN];
	bool executing = false;

	msg_hdr_pack(exec, MSG_SPAWN_EXEC, 0, 0);
	msg_hdr_pack(failed, MSG_MON_FAILED, 0, 8);
	if (n >= MSG_HDR_LEN && memcmp(d, exec, MSG_HDR_LEN) == 0) {
		executing = true;
		d += MSG_HDR_LEN;
		n -= MSG_HDR_LEN;
	}
	if (n == 0)
		return executing ? RUNS : DIED;
	if (n < FAILED_LEN || memcmp(d, failed, MSG_HDR_LEN) != 0)
		return VIOLATION;
	f->step = be32(d + MSG_HDR_LEN);
	f->err = (int32_t)be32(d + MSG_HDR_LEN + 4);
	if (f->step < 1 || f->step > STEP_MAX || f->err < 0 || f->err > 4095)
		return VIOLATION;
	if (executing && f->step != STEP_EXEC)
		return VIOLATION;
	return FAILED;
}

static enum outcome
outcome_of(int r, const struct status_rx *st)
{
	if (r == 0) {
		REQUIRE(st->rx.state == STATUS_FAILED);
		return FAILED;
	}
	if (r == E_EOF) {
		REQUIRE(st->rx.state != STATUS_FAILED);
		return st->rx.state == STATUS_EXEC ? RUNS : DIED;
	}
	return VIOLATION;
}

/* Read the pipe as the monitor does; E_AGAIN while it may go on. */
static int
read_pipe(struct msgreader *rd, int fd, struct status_rx *st)
{
	int r = status_read(rd, fd, st);

	/* Once it has an answer, nothing of a frame is kept. */
	REQUIRE(r == E_AGAIN || (rd->got == 0 && !rd->have_hdr));
	REQUIRE(rd->nfds == 0);
	return r;
}

void
fz_status_stream(const uint8_t *d, size_t n, size_t chunk)
{
	struct msgreader rd;
	struct status_rx st;
	struct msg_failed want;
	size_t off, len;
	enum outcome got, exp;
	int p[2], r = E_AGAIN;

	if (n > MAX_STATUS_INPUT)
		return;
	if (chunk == 0)
		chunk = n;
	memset(&want, 0, sizeof(want));
	exp = expected(d, n, &want);
	REQUIRE(pipe2(p, O_CLOEXEC) == 0);
	REQUIRE(fcntl(p[0], F_SETFL, O_NONBLOCK) == 0);
	memset(&st, 0, sizeof(st));
	msgreader_init_pipe(&rd, MSG_MAX_STATUS);
	for (off = 0; off < n && r == E_AGAIN; off += len) {
		len = n - off < chunk ? n - off : chunk;
		REQUIRE(write(p[1], d + off, len) == (ssize_t)len);
		r = read_pipe(&rd, p[0], &st);
	}
	(void)close(p[1]);
	if (r == E_AGAIN)
		r = read_pipe(&rd, p[0], &st);
	REQUIRE(r != E_AGAIN);		/* the pipe has ended */
	got = outcome_of(r, &st);
	REQUIRE(got == exp);
	if (got == FAILED)
		REQUIRE(st.failed.step == want.step &&
		    st.failed.err == want.err);
	msgreader_free(&rd);
	(void)close(p[0]);
}
