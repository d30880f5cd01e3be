/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of src/common/msg.c: frame headers, fixed-layout messages and
 * the two exec request formats, with every limit and malformed input.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "buf.h"
#include "errors.h"
#include "msg.h"
#include "monitor.h"

/* Room for any payload these tests build. */
#define TEST_BUF_MAX	(MSG_MAX_LEN + 4096)

/*
 * Sanitizer builds reserve terabytes of address space for their shadow
 * memory, so the address-space limit below only works without them.
 */
#if defined(DIVE_SANITIZE) || defined(__SANITIZE_ADDRESS__)
#define CAN_LIMIT_AS 0
#else
#define CAN_LIMIT_AS 1
#endif

/* A copy of n bytes, allocated to exactly that size (ASan sees overreads). */
static uint8_t *
dup_bytes(const void *p, size_t n)
{
	uint8_t *c = malloc(n > 0 ? n : 1);

	cr_assert_not_null(c);
	if (n > 0)
		memcpy(c, p, n);
	return c;
}

/* ---- address-space limit: "no huge allocation" ---- */

static rlim_t saved_as_cur;

/* Address space in use now, in bytes (first field of statm, in pages). */
static size_t
vm_size(void)
{
	char s[128];
	size_t pages = 0, i;
	ssize_t n;
	int fd;

	fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
	cr_assert_geq(fd, 0);
	n = read(fd, s, sizeof(s) - 1);
	(void)close(fd);
	cr_assert_gt(n, 0);
	s[n] = '\0';
	for (i = 0; s[i] >= '0' && s[i] <= '9'; i++)
		pages = pages * 10 + (size_t)(s[i] - '0');
	return pages * (size_t)sysconf(_SC_PAGESIZE);
}

/*
 * limit_as: from now on, any allocation of more than about slack bytes
 * fails (the decoders then return E_NOMEM, which the tests refuse).
 */
static void
limit_as(size_t slack)
{
	struct rlimit rl;

	if (!CAN_LIMIT_AS)
		return;
	cr_assert_eq(getrlimit(RLIMIT_AS, &rl), 0);
	saved_as_cur = rl.rlim_cur;
	rl.rlim_cur = vm_size() + slack;
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_cur > rl.rlim_max)
		rl.rlim_cur = rl.rlim_max;
	cr_assert_eq(setrlimit(RLIMIT_AS, &rl), 0);
}

static void
unlimit_as(void)
{
	struct rlimit rl;

	if (!CAN_LIMIT_AS)
		return;
	cr_assert_eq(getrlimit(RLIMIT_AS, &rl), 0);
	rl.rlim_cur = saved_as_cur;
	cr_assert_eq(setrlimit(RLIMIT_AS, &rl), 0);
}

/* ---- frame header ---- */

Test(msg, hdr_pack_layout_is_big_endian)
{
	static const uint8_t want[MSG_HDR_LEN] = {
		0x44, 0x56, 0x00, 0x01, 0x12, 0x34, 0x00, 0xfd,
		0xde, 0xad, 0xbe, 0xef,
	};
	uint8_t out[MSG_HDR_LEN];
	size_t i;

	msg_hdr_pack(out, 0x1234, 253, 0xdeadbeefu);
	for (i = 0; i < MSG_HDR_LEN; i++)
		cr_assert_eq(out[i], want[i], "byte %zu: 0x%02x", i, out[i]);
}

Test(msg, hdr_round_trip)
{
	static const struct {
		uint16_t type, nfds;
		uint32_t len;
	} c[] = {
		{ MSG_HELLO, 0, 0 },
		{ MSG_REQ_EXEC, 253, MSG_MAX_LEN },
		{ 0xffff, 0xffff, 0xffffffffu },
		{ 0, 0, 1 },
	};
	uint8_t out[MSG_HDR_LEN];
	struct msg_hdr h;
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		msg_hdr_pack(out, c[i].type, c[i].nfds, c[i].len);
		memset(&h, 0xa5, sizeof(h));
		cr_assert_eq(msg_hdr_unpack(out, &h), 0);
		cr_assert_eq(h.magic, MSG_MAGIC);
		cr_assert_eq(h.type, c[i].type);
		cr_assert_eq(h.nfds, c[i].nfds);
		cr_assert_eq(h.len, c[i].len);
	}
}

Test(msg, hdr_wrong_magic_base_is_bad_magic)
{
	static const uint8_t bases[][4] = {
		{ 0x00, 0x00, 0x00, 0x01 },
		{ 0x44, 0x57, 0x00, 0x01 },	/* "DW" */
		{ 0x45, 0x56, 0x00, 0x01 },	/* "EV" */
		{ 0x56, 0x44, 0x00, 0x01 },	/* byte-swapped */
		{ 0x01, 0x00, 0x56, 0x44 },	/* little-endian */
		{ 'G', 'E', 'T', ' ' },		/* HTTP */
	};
	uint8_t in[MSG_HDR_LEN];
	struct msg_hdr h;
	size_t i;

	for (i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
		msg_hdr_pack(in, MSG_HELLO, 0, 28);
		memcpy(in, bases[i], 4);
		cr_assert_eq(msg_hdr_unpack(in, &h), E_BAD_MAGIC, "case %zu",
		    i);
	}
}

Test(msg, hdr_right_base_other_version_is_e_version)
{
	static const uint16_t versions[] = { 0, 2, 0x0101, 0xffff };
	uint8_t in[MSG_HDR_LEN];
	struct msg_hdr h;
	size_t i;

	for (i = 0; i < sizeof(versions) / sizeof(versions[0]); i++) {
		msg_hdr_pack(in, MSG_HELLO, 0, 28);
		in[2] = (uint8_t)(versions[i] >> 8);
		in[3] = (uint8_t)versions[i];
		cr_assert_eq(msg_hdr_unpack(in, &h), E_VERSION,
		    "version 0x%04x", versions[i]);
	}
}

/* ---- msg_dispatch ---- */

enum { ST_A, ST_B, ST_C };

static int calls;
static void *seen_ctx, *seen_arg;

static void
handler(void *ctx, void *arg)
{
	calls++;
	seen_ctx = ctx;
	seen_arg = arg;
}

static const struct msg_entry test_e[] = {
	{ MSG_REQ_USER, 0, MSG_ST(ST_A), 16, MSG_F_ONCE, handler },
	{ MSG_REQ_EXEC, MSG_NFDS_ANY, MSG_ST(ST_A) | MSG_ST(ST_B), 100, 0,
	    handler },
	{ MSG_PTY, 1, MSG_ST(ST_B), 0, MSG_F_ONCE, handler },
};
static const struct msg_table test_t = { "tester", "test", test_e,
	sizeof(test_e) / sizeof(test_e[0]) };

/* Dispatch one frame of type, nfds fresh descriptors and len bytes. */
static int
dispatch(struct msg_rx *rx, uint16_t type, uint16_t nfds, uint32_t len,
    int *fds)
{
	struct msg_hdr h = { MSG_MAGIC, type, nfds, len };
	int ctx, arg;
	uint16_t i;
	int r;

	for (i = 0; i < nfds; i++)
		cr_assert_geq(fds[i] = open("/dev/null", O_RDONLY | O_CLOEXEC),
		    0);
	calls = 0;
	r = msg_dispatch(&test_t, rx, &h, fds, nfds, &ctx, &arg);
	if (r == 0) {
		cr_assert_eq(calls, 1);
		cr_assert_eq(seen_ctx, &ctx);
		cr_assert_eq(seen_arg, &arg);
	} else {
		cr_assert_eq(calls, 0, "a refused frame reached its handler");
		cr_assert_not_null(rx->why);
		for (i = 0; i < nfds; i++)
			cr_assert_eq(fds[i], -1, "descriptor %u left open", i);
	}
	return r;
}

static void
close_fds(int *fds, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (fds[i] >= 0)
			(void)close(fds[i]);
}

Test(msg, dispatch_calls_the_handler_of_a_permitted_frame)
{
	struct msg_rx rx = { ST_A, 0, NULL };
	int fds[3] = { -1, -1, -1 };

	cr_assert_eq(dispatch(&rx, MSG_REQ_USER, 0, 16, fds), 0);
	cr_assert_eq(dispatch(&rx, MSG_REQ_EXEC, 3, 100, fds), 0);
	close_fds(fds, 3);
	cr_assert_eq(dispatch(&rx, MSG_REQ_EXEC, 0, 0, fds), 0);
	rx.state = ST_B;
	cr_assert_eq(dispatch(&rx, MSG_PTY, 1, 0, fds), 0);
	close_fds(fds, 1);
}

Test(msg, dispatch_refuses_a_type_not_in_the_table)
{
	static const uint16_t t[] = { 0, MSG_HELLO, MSG_STARTED,
		MSG_REQ_SIGNAL, MSG_MON_EXEC, MSG_LM_SESSION, 0xffff };
	struct msg_rx rx = { ST_A, 0, NULL };
	int fds[2];
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		cr_assert_eq(dispatch(&rx, t[i], 2, 0, fds), E_BAD_TYPE);
		cr_assert_str_eq(rx.why, "not on this channel");
	}
}

Test(msg, dispatch_refuses_the_wrong_state)
{
	struct msg_rx rx = { ST_B, 0, NULL };
	int fds[1];

	cr_assert_eq(dispatch(&rx, MSG_REQ_USER, 0, 0, fds), E_BAD_TYPE);
	cr_assert_str_eq(rx.why, "not in this state");
	rx.state = ST_C;
	cr_assert_eq(dispatch(&rx, MSG_REQ_EXEC, 1, 0, fds), E_BAD_TYPE);
	rx.state = ST_A;
	cr_assert_eq(dispatch(&rx, MSG_PTY, 1, 0, fds), E_BAD_TYPE);
	rx.state = 32;		/* no state of any table */
	cr_assert_eq(dispatch(&rx, MSG_REQ_EXEC, 0, 0, fds), E_BAD_TYPE);
	rx.state = 1000;
	cr_assert_eq(dispatch(&rx, MSG_REQ_EXEC, 0, 0, fds), E_BAD_TYPE);
}

Test(msg, dispatch_refuses_the_wrong_descriptor_count_and_closes_them)
{
	struct msg_rx rx = { ST_A, 0, NULL };
	int fds[4];

	cr_assert_eq(dispatch(&rx, MSG_REQ_USER, 1, 0, fds), E_FD_COUNT);
	cr_assert_str_eq(rx.why, "wrong descriptor count");
	cr_assert_eq(dispatch(&rx, MSG_REQ_USER, 4, 0, fds), E_FD_COUNT);
	rx.state = ST_B;
	cr_assert_eq(dispatch(&rx, MSG_PTY, 0, 0, fds), E_FD_COUNT);
	cr_assert_eq(dispatch(&rx, MSG_PTY, 2, 0, fds), E_FD_COUNT);
	/* A refused frame is not counted as seen. */
	cr_assert_eq(dispatch(&rx, MSG_PTY, 1, 0, fds), 0);
	close_fds(fds, 1);
}

Test(msg, dispatch_refuses_a_payload_past_the_limit)
{
	struct msg_rx rx = { ST_A, 0, NULL };
	int fds[1];

	cr_assert_eq(dispatch(&rx, MSG_REQ_USER, 0, 17, fds), E_TOO_LONG);
	cr_assert_str_eq(rx.why, "too long");
	cr_assert_eq(dispatch(&rx, MSG_REQ_EXEC, 0, 101, fds), E_TOO_LONG);
	cr_assert_eq(dispatch(&rx, MSG_REQ_EXEC, 0, UINT32_MAX, fds),
	    E_TOO_LONG);
	rx.state = ST_B;
	cr_assert_eq(dispatch(&rx, MSG_PTY, 1, 1, fds), E_TOO_LONG);
	cr_assert_eq(dispatch(&rx, MSG_REQ_EXEC, 0, 100, fds), 0);
}

Test(msg, dispatch_refuses_a_once_type_repeated)
{
	struct msg_rx rx = { ST_A, 0, NULL };
	int fds[1];

	cr_assert_eq(dispatch(&rx, MSG_REQ_USER, 0, 0, fds), 0);
	cr_assert_eq(dispatch(&rx, MSG_REQ_USER, 0, 0, fds), E_BAD_TYPE);
	cr_assert_str_eq(rx.why, "repeated");
	/* Not ONCE: as often as it comes. */
	cr_assert_eq(dispatch(&rx, MSG_REQ_EXEC, 0, 0, fds), 0);
	cr_assert_eq(dispatch(&rx, MSG_REQ_EXEC, 0, 0, fds), 0);
	/* Once per session: a new session starts with none seen. */
	rx = (struct msg_rx){ ST_A, 0, NULL };
	cr_assert_eq(dispatch(&rx, MSG_REQ_USER, 0, 0, fds), 0);
}

Test(msg, dispatch_a_table_without_handlers_only_checks)
{
	static const struct msg_entry e[] = {
		{ MSG_HELLO, 0, MSG_ST(0), 28, 0, MSG_NO_HANDLER(handler) },
	};
	static const struct msg_table t = { "x", "y", e, 1 };
	struct msg_hdr h = { MSG_MAGIC, MSG_HELLO, 0, 28 };
	struct msg_rx rx = { 0, 0, NULL };

	calls = 0;
	cr_assert_eq(msg_dispatch(&t, &rx, &h, NULL, 0, NULL, NULL), 0);
	cr_assert_eq(calls, 0);
}

/* ---- fixed-layout messages ---- */

union fixed {
	struct msg_hello hello;
	struct msg_started started;
	struct msg_signal signal;
	struct msg_error error;
	struct msg_ready ready;
	struct msg_exit exit;
	struct msg_failed failed;
	struct msg_session session;
};

typedef int (*decode_fn)(struct buf *, union fixed *);

static int
dec_hello(struct buf *b, union fixed *u)
{
	return msg_decode_hello(b, &u->hello);
}

static int
dec_started(struct buf *b, union fixed *u)
{
	return msg_decode_started(b, &u->started);
}

static int
dec_signal(struct buf *b, union fixed *u)
{
	return msg_decode_signal(b, &u->signal);
}

static int
dec_error(struct buf *b, union fixed *u)
{
	return msg_decode_error(b, &u->error);
}

static int
dec_mon_error(struct buf *b, union fixed *u)
{
	return msg_decode_mon_error(b, &u->error);
}

static int
dec_ready(struct buf *b, union fixed *u)
{
	return msg_decode_ready(b, &u->ready);
}

static int
dec_exit(struct buf *b, union fixed *u)
{
	return msg_decode_exit(b, &u->exit);
}

static int
dec_failed(struct buf *b, union fixed *u)
{
	return msg_decode_failed(b, &u->failed);
}

static int
dec_session(struct buf *b, union fixed *u)
{
	return msg_decode_session(b, &u->session);
}

/* Decode an exact-size copy of p[0..n). */
static int
decode_fixed(decode_fn dec, const uint8_t *p, size_t n, union fixed *u)
{
	uint8_t *c = dup_bytes(p, n);
	struct buf b;
	int r;

	buf_view(&b, c, n);
	r = dec(&b, u);
	free(c);
	return r;
}

/*
 * The encoding enc must decode; every shorter prefix must give E_SHORT
 * and one more byte E_TRAILING.
 */
static void
expect_strict_length(decode_fn dec, const struct buf *enc, size_t want_len)
{
	uint8_t longer[128];
	union fixed u;
	size_t n;

	cr_assert_eq(enc->len, want_len, "encoded %zu bytes, not %zu",
	    enc->len, want_len);
	cr_assert_lt(want_len, sizeof(longer));
	cr_assert_eq(decode_fixed(dec, enc->d, enc->len, &u), 0);
	for (n = 0; n < enc->len; n++)
		cr_assert_eq(decode_fixed(dec, enc->d, n, &u), E_SHORT,
		    "%zu of %zu bytes", n, enc->len);
	memcpy(longer, enc->d, enc->len);
	longer[enc->len] = 0;
	cr_assert_eq(decode_fixed(dec, longer, enc->len + 1, &u),
	    E_TRAILING);
}

Test(msg, hello_round_trip)
{
	const struct msg_hello m = {
		.flags = HELLO_NO_WAIT | HELLO_SIGNALS | HELLO_NO_SETSID,
		.max_fds = MSG_MAX_FDS,
		.max_bytes = MSG_MAX_LEN,
		.pidns_dev = 0x0123456789abcdefULL,
		.pidns_ino = 0xfedcba9876543210ULL,
	};
	union fixed u;
	struct buf b;

	buf_init(&b, MSG_MAX_SMALL);
	cr_assert_eq(msg_encode_hello(&b, &m), 0);
	memset(&u, 0, sizeof(u));
	cr_assert_eq(decode_fixed(dec_hello, b.d, b.len, &u), 0);
	cr_assert_eq(u.hello.flags, m.flags);
	cr_assert_eq(u.hello.max_fds, m.max_fds);
	cr_assert_eq(u.hello.max_bytes, m.max_bytes);
	cr_assert_eq(u.hello.pidns_dev, m.pidns_dev);
	cr_assert_eq(u.hello.pidns_ino, m.pidns_ino);
	buf_free(&b);
}

Test(msg, hello_decode_rejects_short_and_trailing)
{
	const struct msg_hello m = { 1, 2, 3, 4, 5 };
	struct buf b;

	buf_init(&b, MSG_MAX_SMALL);
	cr_assert_eq(msg_encode_hello(&b, &m), 0);
	expect_strict_length(dec_hello, &b, 28);
	buf_free(&b);
}

Test(msg, hello_decode_checks_max_fds)
{
	struct msg_hello m = { 0, MSG_MAX_FDS, 0, 0, 0 };
	union fixed u;
	struct buf b;

	buf_init(&b, MSG_MAX_SMALL);
	cr_assert_eq(msg_encode_hello(&b, &m), 0);
	cr_assert_eq(decode_fixed(dec_hello, b.d, b.len, &u), 0);
	buf_free(&b);
	m.max_fds = MSG_MAX_FDS + 1;
	cr_assert_eq(msg_encode_hello(&b, &m), 0);
	cr_assert_eq(decode_fixed(dec_hello, b.d, b.len, &u), E_BAD_VALUE);
	buf_free(&b);
	m.max_fds = 0xffffffffu;
	cr_assert_eq(msg_encode_hello(&b, &m), 0);
	cr_assert_eq(decode_fixed(dec_hello, b.d, b.len, &u), E_BAD_VALUE);
	buf_free(&b);
}

Test(msg, hello_decode_ignores_unknown_flags)
{
	const struct msg_hello m = { 0xffffffffu, 3, 4096, 0, 0 };
	union fixed u;
	struct buf b;

	buf_init(&b, MSG_MAX_SMALL);
	cr_assert_eq(msg_encode_hello(&b, &m), 0);
	cr_assert_eq(decode_fixed(dec_hello, b.d, b.len, &u), 0);
	cr_assert_eq(u.hello.flags, 0xffffffffu);
	buf_free(&b);
}

/* One i32 or u32 payload, as its own encoder writes it, decoded. */
static int
one_word(decode_fn dec, struct buf *b, uint32_t v, union fixed *u)
{
	buf_reset(b);
	cr_assert_eq(buf_put_u32(b, v), 0);
	return decode_fixed(dec, b->d, b->len, u);
}

Test(msg, started_round_trip_and_pid_range)
{
	static const int32_t ok[] = { 1, 2, 4242, INT32_MAX };
	static const int32_t bad[] = { 0, -1, INT32_MIN };
	struct msg_started m;
	union fixed u;
	struct buf b;
	size_t i;

	buf_init(&b, MSG_MAX_SMALL);
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		buf_reset(&b);
		m.pid = ok[i];
		cr_assert_eq(msg_encode_started(&b, &m), 0);
		cr_assert_eq(decode_fixed(dec_started, b.d, b.len, &u), 0);
		cr_assert_eq(u.started.pid, ok[i]);
	}
	expect_strict_length(dec_started, &b, 4);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(one_word(dec_started, &b, (uint32_t)bad[i], &u),
		    E_BAD_VALUE);
	buf_free(&b);
}

Test(msg, signal_round_trip_and_range_at_the_limits)
{
	struct msg_signal m;
	union fixed u;
	struct buf b;

	buf_init(&b, MSG_MAX_SMALL);
	m.sig = MSG_SIG_MAX;
	cr_assert_eq(msg_encode_signal(&b, &m), 0);
	cr_assert_eq(decode_fixed(dec_signal, b.d, b.len, &u), 0);
	cr_assert_eq(u.signal.sig, MSG_SIG_MAX);
	expect_strict_length(dec_signal, &b, 4);
	cr_assert_eq(one_word(dec_signal, &b, 1, &u), 0);
	cr_assert_eq(one_word(dec_signal, &b, 0, &u), E_BAD_SIGNAL);
	cr_assert_eq(one_word(dec_signal, &b, MSG_SIG_MAX + 1, &u),
	    E_BAD_SIGNAL);
	cr_assert_eq(one_word(dec_signal, &b, (uint32_t)-1, &u), E_BAD_SIGNAL);
	buf_free(&b);
}

Test(msg, error_codes_any_from_a_server_known_from_a_listener)
{
	struct msg_error m = { (uint32_t)-E_TIMEOUT };
	union fixed u;
	struct buf b;

	buf_init(&b, MSG_MAX_SMALL);
	cr_assert_eq(msg_encode_error(&b, &m), 0);
	cr_assert_eq(decode_fixed(dec_error, b.d, b.len, &u), 0);
	cr_assert_eq(u.error.code, m.code);
	expect_strict_length(dec_error, &b, 4);
	expect_strict_length(dec_mon_error, &b, 4);
	/* A newer server may have more codes: dive shows them. */
	cr_assert_eq(one_word(dec_error, &b, 0, &u), 0);
	cr_assert_eq(one_word(dec_error, &b, 0xffffffffu, &u), 0);
	cr_assert_eq(one_word(dec_mon_error, &b, 1, &u), 0);
	cr_assert_eq(one_word(dec_mon_error, &b, E_MAX_CODE, &u), 0);
	cr_assert_eq(one_word(dec_mon_error, &b, 0, &u), E_BAD_VALUE);
	cr_assert_eq(one_word(dec_mon_error, &b, E_MAX_CODE + 1, &u),
	    E_BAD_VALUE);
	buf_free(&b);
}

Test(msg, ready_round_trip_and_strict_length)
{
	struct msg_ready m = { 0xdeadbeefu };
	union fixed u;
	struct buf b;

	buf_init(&b, MSG_MAX_SMALL);
	cr_assert_eq(msg_encode_ready(&b, &m), 0);
	cr_assert_eq(decode_fixed(dec_ready, b.d, b.len, &u), 0);
	cr_assert_eq(u.ready.build, m.build);
	expect_strict_length(dec_ready, &b, 4);
	buf_free(&b);
}

/* Encode an exit status and decode it again. */
static int
exit_round_trip(uint32_t how, uint32_t value, struct msg_exit *out)
{
	const struct msg_exit m = { how, value };
	union fixed u;
	struct buf b;
	int r;

	buf_init(&b, MSG_MAX_SMALL);
	cr_assert_eq(msg_encode_exit(&b, &m), 0);
	cr_assert_eq(b.len, 8);
	memset(&u, 0, sizeof(u));
	r = decode_fixed(dec_exit, b.d, b.len, &u);
	if (out != NULL)
		*out = u.exit;
	buf_free(&b);
	return r;
}

Test(msg, exit_round_trip)
{
	struct msg_exit e;

	cr_assert_eq(exit_round_trip(EXIT_HOW_EXITED, 0, &e), 0);
	cr_assert_eq(e.how, EXIT_HOW_EXITED);
	cr_assert_eq(e.value, 0);
	cr_assert_eq(exit_round_trip(EXIT_HOW_EXITED, 255, &e), 0);
	cr_assert_eq(e.value, 255);
	cr_assert_eq(exit_round_trip(EXIT_HOW_KILLED, 9, &e), 0);
	cr_assert_eq(e.how, EXIT_HOW_KILLED);
	cr_assert_eq(e.value, 9);
	cr_assert_eq(exit_round_trip(EXIT_HOW_DUMPED, 11, &e), 0);
	cr_assert_eq(e.how, EXIT_HOW_DUMPED);
	cr_assert_eq(e.value, 11);
}

Test(msg, exit_decode_rejects_short_and_trailing)
{
	const struct msg_exit m = { EXIT_HOW_KILLED, 15 };
	struct buf b;

	buf_init(&b, MSG_MAX_SMALL);
	cr_assert_eq(msg_encode_exit(&b, &m), 0);
	expect_strict_length(dec_exit, &b, 8);
	buf_free(&b);
}

Test(msg, exit_decode_checks_how)
{
	cr_assert_eq(exit_round_trip(0, 0, NULL), E_BAD_VALUE);
	cr_assert_eq(exit_round_trip(4, 1, NULL), E_BAD_VALUE);
	cr_assert_eq(exit_round_trip(0xffffffffu, 1, NULL), E_BAD_VALUE);
}

Test(msg, exit_decode_checks_status_and_signal_range)
{
	cr_assert_eq(exit_round_trip(EXIT_HOW_EXITED, 256, NULL),
	    E_BAD_VALUE);
	cr_assert_eq(exit_round_trip(EXIT_HOW_EXITED, 0xffffffffu, NULL),
	    E_BAD_VALUE);
	cr_assert_eq(exit_round_trip(EXIT_HOW_KILLED, 0, NULL), E_BAD_VALUE);
	cr_assert_eq(exit_round_trip(EXIT_HOW_KILLED, 1, NULL), 0);
	cr_assert_eq(exit_round_trip(EXIT_HOW_KILLED, MSG_SIG_MAX, NULL), 0);
	cr_assert_eq(exit_round_trip(EXIT_HOW_KILLED, 65, NULL), E_BAD_VALUE);
	cr_assert_eq(exit_round_trip(EXIT_HOW_DUMPED, 0, NULL), E_BAD_VALUE);
	cr_assert_eq(exit_round_trip(EXIT_HOW_DUMPED, 65, NULL), E_BAD_VALUE);
	cr_assert_eq(exit_round_trip(EXIT_HOW_DUMPED, 64, NULL), 0);
}

/* Encode a failure report and decode it again. */
static int
failed_round_trip(uint32_t step, int32_t err, struct msg_failed *out)
{
	const struct msg_failed m = { step, err };
	union fixed u;
	struct buf b;
	int r;

	buf_init(&b, MSG_MAX_SMALL);
	cr_assert_eq(msg_encode_failed(&b, &m), 0);
	cr_assert_eq(b.len, 8);
	memset(&u, 0, sizeof(u));
	r = decode_fixed(dec_failed, b.d, b.len, &u);
	if (out != NULL)
		*out = u.failed;
	buf_free(&b);
	return r;
}

Test(msg, failed_round_trip)
{
	struct msg_failed f;

	cr_assert_eq(failed_round_trip(STEP_EXEC, 2, &f), 0);
	cr_assert_eq(f.step, STEP_EXEC);
	cr_assert_eq(f.err, 2);
	cr_assert_eq(failed_round_trip(STEP_DENIED, 0, &f), 0);
	cr_assert_eq(f.step, STEP_DENIED);
	cr_assert_eq(f.err, 0);
	cr_assert_eq(failed_round_trip(STEP_MAX, 4095, &f), 0);
	cr_assert_eq(f.step, STEP_MAX);
	cr_assert_eq(f.err, 4095);
}

Test(msg, failed_decode_rejects_short_and_trailing)
{
	const struct msg_failed m = { STEP_CHDIR, 13 };
	struct buf b;

	buf_init(&b, MSG_MAX_SMALL);
	cr_assert_eq(msg_encode_failed(&b, &m), 0);
	expect_strict_length(dec_failed, &b, 8);
	buf_free(&b);
}

Test(msg, failed_decode_checks_step_and_errno)
{
	cr_assert_eq(failed_round_trip(0, 1, NULL), E_BAD_VALUE);
	cr_assert_eq(failed_round_trip(STEP_MAX + 1, 1, NULL), E_BAD_VALUE);
	cr_assert_eq(failed_round_trip(0xffffffffu, 1, NULL), E_BAD_VALUE);
	cr_assert_eq(failed_round_trip(STEP_FORK, -1, NULL), E_BAD_VALUE);
	cr_assert_eq(failed_round_trip(STEP_FORK, INT32_MIN, NULL),
	    E_BAD_VALUE);
	cr_assert_eq(failed_round_trip(STEP_FORK, 4096, NULL), E_BAD_VALUE);
	cr_assert_eq(failed_round_trip(STEP_FORK, INT32_MAX, NULL),
	    E_BAD_VALUE);
}

Test(msg, spawn_exec_is_empty_and_strict)
{
	const uint8_t one = 0;
	struct buf b;

	buf_init(&b, 0);
	cr_assert_eq(msg_encode_spawn_exec(&b), 0);
	cr_assert_eq(b.len, 0);
	cr_assert_eq(msg_decode_spawn_exec(&b), 0);
	buf_free(&b);
	buf_view(&b, &one, 1);
	cr_assert_eq(msg_decode_spawn_exec(&b), E_TRAILING);
}

/* One frame of a status pipe: its header and payload, through st. */
static int
sframe(struct status_rx *st, uint16_t type, uint16_t nfds,
    const void *p, size_t n)
{
	const struct msg_hdr h = { MSG_MAGIC, type, nfds, (uint32_t)n };
	struct buf b;

	buf_view(&b, p, n);
	return status_frame(st, &h, &b);
}

static int
status_failed(struct status_rx *st, uint32_t step, int32_t err)
{
	const struct msg_failed f = { step, err };
	struct buf b;
	int r;

	buf_init(&b, MSG_MAX_STATUS);
	cr_assert_eq(msg_encode_failed(&b, &f), 0);
	cr_assert_leq(b.len, MSG_MAX_STATUS);
	r = sframe(st, MSG_MON_FAILED, 0, b.d, b.len);
	buf_free(&b);
	return r;
}

Test(msg, status_accepts_the_four_orders)
{
	struct status_rx st;

	/* Nothing (the end follows: the spawner died), EXEC (the program
	 * runs), FAILED, EXEC then the failure of execve. */
	memset(&st, 0, sizeof(st));
	cr_assert_eq(st.rx.state, STATUS_SETUP);
	cr_assert_eq(sframe(&st, MSG_SPAWN_EXEC, 0, NULL, 0), 0);
	cr_assert_eq(st.rx.state, STATUS_EXEC);
	memset(&st, 0, sizeof(st));
	cr_assert_eq(status_failed(&st, STEP_SETUID, EPERM), 0);
	cr_assert_eq(st.rx.state, STATUS_FAILED);
	cr_assert_eq(st.failed.step, STEP_SETUID);
	cr_assert_eq(st.failed.err, EPERM);
	memset(&st, 0, sizeof(st));
	cr_assert_eq(sframe(&st, MSG_SPAWN_EXEC, 0, NULL, 0), 0);
	cr_assert_eq(status_failed(&st, STEP_EXEC, ENOENT), 0);
	cr_assert_eq(st.rx.state, STATUS_FAILED);
	cr_assert_eq(st.failed.step, STEP_EXEC);
	cr_assert_eq(st.failed.err, ENOENT);
}

Test(msg, status_refuses_what_breaks_the_order)
{
	struct status_rx st;

	memset(&st, 0, sizeof(st));
	cr_assert_eq(sframe(&st, MSG_SPAWN_EXEC, 0, NULL, 0), 0);
	/* A second EXEC, a failure of another step than execve. */
	cr_assert_eq(sframe(&st, MSG_SPAWN_EXEC, 0, NULL, 0),
	    E_BAD_TYPE);
	cr_assert_eq(status_failed(&st, STEP_SETUID, EPERM), E_BAD_VALUE);
	cr_assert_eq(st.rx.state, STATUS_EXEC);	/* unchanged */
	/* Anything after a failure. */
	cr_assert_eq(status_failed(&st, STEP_EXEC, ENOENT), 0);
	cr_assert_eq(sframe(&st, MSG_SPAWN_EXEC, 0, NULL, 0),
	    E_BAD_TYPE);
	cr_assert_eq(status_failed(&st, STEP_EXEC, ENOENT), E_BAD_TYPE);
	cr_assert_eq(st.rx.state, STATUS_FAILED);
	cr_assert_eq(st.failed.step, STEP_EXEC);
}

Test(msg, status_refuses_other_types_fds_and_bad_payloads)
{
	static const uint16_t others[] = {
		MSG_FAILED, MSG_STARTED, MSG_MON_STARTED, MSG_MON_EXITED,
		MSG_MON_ERROR, MSG_SPAWN_FDS, MSG_SPAWN_PTY, 43, 0, 0xffff,
	};
	const uint8_t bytes[MSG_MAX_STATUS + 1] = { 0, 0, 0, STEP_EXEC };
	struct status_rx st;
	size_t i;

	memset(&st, 0, sizeof(st));
	for (i = 0; i < sizeof(others) / sizeof(others[0]); i++)
		cr_assert_eq(sframe(&st, others[i], 0, bytes, 8),
		    E_BAD_TYPE, "type %u", others[i]);
	cr_assert_eq(sframe(&st, MSG_SPAWN_EXEC, 1, NULL, 0),
	    E_FD_COUNT);
	cr_assert_eq(sframe(&st, MSG_MON_FAILED, 1, bytes, 8),
	    E_FD_COUNT);
	cr_assert_eq(sframe(&st, MSG_SPAWN_EXEC, 0, bytes, 1),
	    E_TOO_LONG);
	cr_assert_eq(sframe(&st, MSG_MON_FAILED, 0, bytes, 7), E_SHORT);
	cr_assert_eq(sframe(&st, MSG_MON_FAILED, 0, bytes, 9),
	    E_TOO_LONG);
	cr_assert_eq(status_failed(&st, 0, 0), E_BAD_VALUE);
	cr_assert_eq(status_failed(&st, STEP_MAX + 1, 0), E_BAD_VALUE);
	cr_assert_eq(status_failed(&st, STEP_EXEC, 4096), E_BAD_VALUE);
	cr_assert_eq(st.rx.state, STATUS_SETUP);
	cr_assert_eq(sframe(&st, MSG_MON_FAILED, 0, bytes, 8), 0);
}

Test(msg, spawn_err_str)
{
	struct msg_failed f = { STEP_CHDIR, ENOENT };
	char buf[128];

	cr_assert_str_eq(spawn_err_str(&f, buf, sizeof(buf)),
	    strerror(ENOENT));
	f.err = 0;
	cr_assert_str_eq(spawn_err_str(&f, buf, sizeof(buf)), "");
	f = (struct msg_failed){ STEP_OUTSIDE_DIR, 1 };
	cr_assert_str_eq(spawn_err_str(&f, buf, sizeof(buf)),
	    "descriptor 0 (dived --allow-outside-dirs allows it)");
	f.err = 4095;
	cr_assert_str_eq(spawn_err_str(&f, buf, sizeof(buf)),
	    "descriptor 4094 (dived --allow-outside-dirs allows it)");
	f.err = 0;
	cr_assert_str_eq(spawn_err_str(&f, buf, sizeof(buf)),
	    "a descriptor above 4094 (dived --allow-outside-dirs allows it)");
	f = (struct msg_failed){ STEP_NS_GONE, 2 };
	cr_assert_str_eq(spawn_err_str(&f, buf, sizeof(buf)),
	    "namespace 2 of -N: its process has ended");
	f.err = 1 + STEP_NS_GONE_REPLACED;
	cr_assert_str_eq(spawn_err_str(&f, buf, sizeof(buf)),
	    "namespace 1 of -N: its file names another namespace now");
	f = (struct msg_failed){ STEP_OUTSIDE_FD,
	    FDK_UNIX * STEP_OUTSIDE_FD_KIND + 4 };
	cr_assert_str_eq(spawn_err_str(&f, buf, sizeof(buf)),
	    "descriptor 3 (an AF_UNIX socket, which can carry descriptors; "
	    "dived --allow-outside-dirs allows it)");
	f.err = FDK_MAX * STEP_OUTSIDE_FD_KIND + 511;	/* the largest */
	cr_assert_str_eq(spawn_err_str(&f, buf, sizeof(buf)),
	    "descriptor 510 (a kind of descriptor dived does not know; "
	    "dived --allow-outside-dirs allows it)");
	f.err = FDK_PIDFD * STEP_OUTSIDE_FD_KIND;
	cr_assert_str_eq(spawn_err_str(&f, buf, sizeof(buf)),
	    "a descriptor above 510 (a pidfd, which reaches another "
	    "process; dived --allow-outside-dirs allows it)");
	cr_assert_leq(FDK_MAX * STEP_OUTSIDE_FD_KIND + 511, 4095);
}

Test(msg, spawn_err_str_names_a_foreign_terminal)
{
	struct msg_failed f = { STEP_TERMINAL, EPERM };
	char buf[128];

	cr_assert_str_eq(spawn_err_str(&f, buf, sizeof(buf)),
	    "the terminal belongs to another session than the client's");
	f.err = EIO;
	cr_assert_str_eq(spawn_err_str(&f, buf, sizeof(buf)), strerror(EIO));
}

Test(msg, session_round_trip)
{
	const struct msg_session m = {
		.id = 0x8000000000000001ULL,
		.uid = 0xfffffffeu,
		.gid = 65534,
		.pid = -5,
	};
	union fixed u;
	struct buf b;

	buf_init(&b, MSG_MAX_SMALL);
	cr_assert_eq(msg_encode_session(&b, &m), 0);
	memset(&u, 0, sizeof(u));
	cr_assert_eq(decode_fixed(dec_session, b.d, b.len, &u), 0);
	cr_assert_eq(u.session.id, m.id);
	cr_assert_eq(u.session.uid, m.uid);
	cr_assert_eq(u.session.gid, m.gid);
	cr_assert_eq(u.session.pid, m.pid);
	expect_strict_length(dec_session, &b, 20);
	buf_free(&b);
}

Test(msg, fixed_messages_fit_the_small_limit)
{
	const struct msg_hello h = { 1, 2, 3, 4, 5 };
	const struct msg_session s = { 1, 2, 3, 4 };
	struct buf b;

	buf_init(&b, MSG_MAX_SMALL);
	cr_assert_eq(msg_encode_hello(&b, &h), 0);
	cr_assert_eq(msg_encode_session(&b, &s), 0);
	cr_assert_leq(b.len, MSG_MAX_SMALL);
	buf_free(&b);
}

/* ---- exec requests: helpers ---- */

static const char *ex_argv[] = {
	"prog", "two words", "line1\nline2\n", "back\\slash\\",
	"\x01\xff\x7f", "", "-", NULL,
};
static const char *ex_envp[] = {
	"A=1", "EMPTY=", "X==y", "NL=a\nb", "HI=\x01\xff", "B\\=\\", NULL,
};

/* A request that uses every field. */
static void
example(struct req_exec *r)
{
	memset(r, 0, sizeof(*r));
	r->umask = 022;
	r->specials = REQ_SPECIAL_CWD | REQ_SPECIAL_TTY;
	r->nfdmap = 3;
	r->fdnum[0] = 0;
	r->fdnum[1] = 2;
	r->fdnum[2] = 9;
	r->argc = 7;
	r->argv = ex_argv;
	r->envc = 6;
	r->envp = ex_envp;
}

#define EXAMPLE_NFDS 5

static void
expect_same(const struct req_exec *a, const struct req_exec *b)
{
	uint32_t i;

	cr_assert_eq(a->flags, b->flags);
	cr_assert_eq(a->pty.ws.rows, b->pty.ws.rows);
	cr_assert_eq(a->pty.ws.cols, b->pty.ws.cols);
	cr_assert_eq(a->pty.ws.xpixel, b->pty.ws.xpixel);
	cr_assert_eq(a->pty.ws.ypixel, b->pty.ws.ypixel);
	cr_assert_eq(a->pty.nfd, b->pty.nfd);
	for (i = 0; i < a->pty.nfd; i++)
		cr_assert_eq(a->pty.fdnum[i], b->pty.fdnum[i], "pty fd %u", i);
	if (a->flags & REQ_F_TTYMODES) {
		cr_assert_eq(a->pty.modes.iflag, b->pty.modes.iflag);
		cr_assert_eq(a->pty.modes.oflag, b->pty.modes.oflag);
		cr_assert_eq(a->pty.modes.cflag, b->pty.modes.cflag);
		cr_assert_eq(a->pty.modes.lflag, b->pty.modes.lflag);
		cr_assert_eq(memcmp(a->pty.modes.cc, b->pty.modes.cc,
		    MSG_TTY_NCC), 0);
	}
	cr_assert_eq(a->umask, b->umask);
	cr_assert_eq(a->specials, b->specials);
	cr_assert_eq(a->nfdmap, b->nfdmap);
	for (i = 0; i < a->nfdmap; i++)
		cr_assert_eq(a->fdnum[i], b->fdnum[i], "fdnum[%u]", i);
	cr_assert_eq(a->argc, b->argc);
	cr_assert_eq(a->envc, b->envc);
	cr_assert_not_null(b->argv);
	cr_assert_not_null(b->envp);
	for (i = 0; i < a->argc; i++) {
		cr_assert_eq(strlen(a->argv[i]), strlen(b->argv[i]),
		    "argv[%u]", i);
		cr_assert_eq(memcmp(a->argv[i], b->argv[i],
		    strlen(a->argv[i]) + 1), 0, "argv[%u]", i);
	}
	cr_assert_null(b->argv[a->argc]);
	for (i = 0; i < a->envc; i++) {
		cr_assert_eq(strlen(a->envp[i]), strlen(b->envp[i]),
		    "envp[%u]", i);
		cr_assert_eq(memcmp(a->envp[i], b->envp[i],
		    strlen(a->envp[i]) + 1), 0, "envp[%u]", i);
	}
	cr_assert_null(b->envp[a->envc]);
}

/* A decoded request with the copy of the payload its strings point into. */
struct decoded {
	uint8_t *copy;
	struct req_exec r;
};

/*
 * After a failed decode the arrays must be NULL and req_exec_free safe
 * (again): a double free crashes the test.
 */
static void
check_failed(struct decoded *d)
{
	cr_assert_null(d->r.argv, "argv left allocated after an error");
	cr_assert_null(d->r.envp, "envp left allocated after an error");
	req_exec_free(&d->r);
	req_exec_free(&d->r);
	free(d->copy);
	d->copy = NULL;
}

/* Decode an exact-size copy of p[0..n) as MSG_REQ_EXEC. */
static int
decode_req(struct decoded *d, const uint8_t *p, size_t n, uint16_t nfds)
{
	struct buf b;
	int r;

	d->copy = dup_bytes(p, n);
	buf_view(&b, d->copy, n);
	memset(&d->r, 0xa5, sizeof(d->r));
	if ((r = msg_decode_req_exec(&b, nfds, &d->r)) != 0)
		check_failed(d);
	return r;
}

/* The same for MSG_MON_EXEC. */
static int
decode_mon(struct decoded *d, const uint8_t *p, size_t n)
{
	struct buf b;
	int r;

	d->copy = dup_bytes(p, n);
	buf_view(&b, d->copy, n);
	memset(&d->r, 0xa5, sizeof(d->r));
	if ((r = msg_decode_mon_exec(&b, &d->r)) != 0)
		check_failed(d);
	return r;
}

static void
decoded_free(struct decoded *d)
{
	req_exec_free(&d->r);
	free(d->copy);
	d->copy = NULL;
}

/* Decode b as MSG_REQ_EXEC with nfds descriptors; expect want. */
static void
expect_req(const struct buf *b, uint16_t nfds, int want)
{
	struct decoded d;
	int r;

	r = decode_req(&d, b->d, b->len, nfds);
	cr_assert_eq(r, want, "decode gave %d (%s), expected %d (%s)", r,
	    err_str(r), want, err_str(want));
	if (r == 0)
		decoded_free(&d);
}

static void
expect_mon(const struct buf *b, int want)
{
	struct decoded d;
	int r;

	r = decode_mon(&d, b->d, b->len);
	cr_assert_eq(r, want, "decode gave %d (%s), expected %d (%s)", r,
	    err_str(r), want, err_str(want));
	if (r == 0)
		decoded_free(&d);
}

static void
put32(struct buf *b, uint32_t v)
{
	cr_assert_eq(buf_put_u32(b, v), 0);
}

static void
putstr(struct buf *b, const char *s)
{
	cr_assert_eq(buf_put_cstring(b, s, SIZE_MAX), 0);
}

/* MSG_REQ_EXEC fields up to and including the descriptor map. */
static void
raw_req_head(struct buf *b, uint32_t flags, uint32_t umask,
    uint32_t specials, uint32_t nfdmap, const uint32_t *fdnum)
{
	uint32_t i;

	buf_init(b, TEST_BUF_MAX);
	put32(b, flags);
	put32(b, umask);
	put32(b, specials);
	put32(b, nfdmap);
	for (i = 0; i < nfdmap && fdnum != NULL; i++)
		put32(b, fdnum[i]);
}

/* A count and n strings (n may differ from the count). */
static void
raw_strings(struct buf *b, uint32_t count, const char *const *s, size_t n)
{
	size_t i;

	put32(b, count);
	for (i = 0; i < n; i++)
		putstr(b, s[i]);
}

/* MSG_MON_EXEC fields up to and including the descriptor map. */
static void
raw_mon_head(struct buf *b, uint32_t umask, uint32_t specials,
    uint32_t nfdmap, uint32_t argc, uint32_t envc, uint32_t len,
    const uint32_t *fdnum)
{
	uint32_t i;

	buf_init(b, TEST_BUF_MAX);
	put32(b, 0);		/* flags */
	put32(b, umask);
	put32(b, specials);
	put32(b, nfdmap);
	put32(b, argc);
	put32(b, envc);
	put32(b, len);
	for (i = 0; i < nfdmap && fdnum != NULL; i++)
		put32(b, fdnum[i]);
}

/* A whole MSG_MON_EXEC with a given string block. */
static void
raw_mon(struct buf *b, uint32_t argc, uint32_t envc, const void *blob,
    size_t len)
{
	raw_mon_head(b, 022, 0, 0, argc, envc, (uint32_t)len, NULL);
	cr_assert_eq(buf_put_bytes(b, blob, len), 0);
}

/* ---- MSG_REQ_EXEC ---- */

Test(msg, req_exec_round_trip)
{
	struct req_exec r;
	struct decoded d;
	struct buf b;

	example(&r);
	cr_assert_eq(req_exec_nfds(&r), EXAMPLE_NFDS);
	buf_init(&b, MSG_MAX_LEN);
	cr_assert_eq(msg_encode_req_exec(&b, &r), 0);
	cr_assert_eq(decode_req(&d, b.d, b.len, EXAMPLE_NFDS), 0);
	expect_same(&r, &d.r);
	/* The strings point into the payload, not into copies. */
	cr_assert_geq((const uint8_t *)d.r.argv[0], d.copy);
	cr_assert_lt((const uint8_t *)d.r.argv[0], d.copy + b.len);
	decoded_free(&d);
	buf_free(&b);
}

Test(msg, req_exec_round_trip_all_specials_no_fdmap)
{
	struct req_exec r;
	struct decoded d;
	struct buf b;

	example(&r);
	r.umask = 0777;
	r.specials = REQ_SPECIAL_ALL;
	r.nfdmap = 0;
	buf_init(&b, MSG_MAX_LEN);
	cr_assert_eq(msg_encode_req_exec(&b, &r), 0);
	cr_assert_eq(decode_req(&d, b.d, b.len, 3), 0);
	expect_same(&r, &d.r);
	decoded_free(&d);
	buf_free(&b);
}

Test(msg, req_exec_encoding_layout)
{
	static const uint8_t want[] = {
		0, 0, 0, 0,		/* flags */
		0, 0, 0, 027,		/* umask */
		0, 0, 0, 1,		/* specials */
		0, 0, 0, 1,		/* nfdmap */
		0, 0, 0, 5,		/* fdnum[0] */
		0, 0, 0, 1,		/* argc */
		0, 0, 0, 3, 'l', 's', 0,
		0, 0, 0, 1,		/* envc */
		0, 0, 0, 4, 'A', '=', 'b', 0,
	};
	static const char *argv[] = { "ls", NULL };
	static const char *envp[] = { "A=b", NULL };
	struct req_exec r;
	struct buf b;
	size_t i;

	memset(&r, 0, sizeof(r));
	r.umask = 027;
	r.specials = REQ_SPECIAL_CWD;
	r.nfdmap = 1;
	r.fdnum[0] = 5;
	r.argc = 1;
	r.argv = argv;
	r.envc = 1;
	r.envp = envp;
	buf_init(&b, MSG_MAX_LEN);
	cr_assert_eq(msg_encode_req_exec(&b, &r), 0);
	cr_assert_eq(b.len, sizeof(want));
	for (i = 0; i < sizeof(want); i++)
		cr_assert_eq(b.d[i], want[i], "byte %zu", i);
	buf_free(&b);
}

Test(msg, req_exec_truncated_at_every_offset_is_short)
{
	struct req_exec r;
	struct decoded d;
	struct buf b;
	size_t n;
	int ret;

	example(&r);
	buf_init(&b, MSG_MAX_LEN);
	cr_assert_eq(msg_encode_req_exec(&b, &r), 0);
	for (n = 0; n < b.len; n++) {
		ret = decode_req(&d, b.d, n, EXAMPLE_NFDS);
		cr_assert_eq(ret, E_SHORT, "%zu of %zu bytes: %d", n, b.len,
		    ret);
	}
	cr_assert_eq(decode_req(&d, b.d, b.len, EXAMPLE_NFDS), 0);
	decoded_free(&d);
	buf_free(&b);
}

Test(msg, req_exec_decode_rejects_trailing_byte)
{
	struct req_exec r;
	struct buf b;

	example(&r);
	buf_init(&b, MSG_MAX_LEN);
	cr_assert_eq(msg_encode_req_exec(&b, &r), 0);
	cr_assert_eq(buf_put_u8(&b, 0), 0);
	expect_req(&b, EXAMPLE_NFDS, E_TRAILING);
	buf_free(&b);
}

Test(msg, req_exec_decode_rejects_reserved_flags)
{
	static const uint32_t flags[] = { 1, 4, 0x80000000u, 0xffffffffu };
	static const char *argv[] = { "x" };
	struct buf b;
	size_t i;

	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		raw_req_head(&b, flags[i], 022, 0, 0, NULL);
		raw_strings(&b, 1, argv, 1);
		raw_strings(&b, 0, NULL, 0);
		expect_req(&b, 0, E_BAD_VALUE);
		buf_free(&b);
	}
	raw_req_head(&b, 0, 022, 0, 0, NULL);
	raw_strings(&b, 1, argv, 1);
	raw_strings(&b, 0, NULL, 0);
	expect_req(&b, 0, 0);
	buf_free(&b);
}

Test(msg, req_exec_decode_checks_umask)
{
	struct buf b;

	raw_req_head(&b, 0, 0777, 0, 0, NULL);
	raw_strings(&b, 0, NULL, 0);
	raw_strings(&b, 0, NULL, 0);
	expect_req(&b, 0, 0);
	buf_free(&b);

	raw_req_head(&b, 0, 01000, 0, 0, NULL);
	raw_strings(&b, 0, NULL, 0);
	raw_strings(&b, 0, NULL, 0);
	expect_req(&b, 0, E_BAD_VALUE);
	buf_free(&b);

	raw_req_head(&b, 0, 0xffffffffu, 0, 0, NULL);
	raw_strings(&b, 0, NULL, 0);
	raw_strings(&b, 0, NULL, 0);
	expect_req(&b, 0, E_BAD_VALUE);
	buf_free(&b);
}

Test(msg, req_exec_decode_rejects_unknown_specials)
{
	static const uint32_t bad[] = { 0x8, 0xf, 0x80000000u, 0xffffffffu };
	struct buf b;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		raw_req_head(&b, 0, 022, bad[i], 0, NULL);
		raw_strings(&b, 0, NULL, 0);
		raw_strings(&b, 0, NULL, 0);
		expect_req(&b, (uint16_t)__builtin_popcount(bad[i]),
		    E_BAD_VALUE);
		buf_free(&b);
	}
}

Test(msg, req_exec_decode_checks_nfds_against_header)
{
	struct req_exec r;
	struct buf b;

	example(&r);
	buf_init(&b, MSG_MAX_LEN);
	cr_assert_eq(msg_encode_req_exec(&b, &r), 0);
	expect_req(&b, EXAMPLE_NFDS - 1, E_FD_COUNT);
	expect_req(&b, EXAMPLE_NFDS + 1, E_FD_COUNT);
	expect_req(&b, 0, E_FD_COUNT);
	expect_req(&b, 3, E_FD_COUNT);		/* the map without specials */
	expect_req(&b, 2, E_FD_COUNT);		/* the specials alone */
	expect_req(&b, 0xffff, E_FD_COUNT);
	expect_req(&b, EXAMPLE_NFDS, 0);
	buf_free(&b);
}

Test(msg, req_exec_decode_rejects_repeated_fd_numbers)
{
	static const uint32_t fds[] = { 3, 3 };
	struct buf b;

	raw_req_head(&b, 0, 0, 0, 2, fds);
	raw_strings(&b, 0, NULL, 0);
	raw_strings(&b, 0, NULL, 0);
	expect_req(&b, 2, E_BAD_FDNUM);
	buf_free(&b);
}

Test(msg, req_exec_decode_rejects_descending_fd_numbers)
{
	static const uint32_t fds[] = { 0, 5, 4 };
	struct buf b;

	raw_req_head(&b, 0, 0, 0, 3, fds);
	raw_strings(&b, 0, NULL, 0);
	raw_strings(&b, 0, NULL, 0);
	expect_req(&b, 3, E_BAD_FDNUM);
	buf_free(&b);
}

Test(msg, req_exec_decode_checks_highest_fd_number)
{
	static const uint32_t ok[] = { 0, MSG_MAX_FDNUM };
	static const uint32_t bad[] = { 0, MSG_MAX_FDNUM + 1 };
	static const uint32_t huge[] = { 0xffffffffu };
	struct decoded d;
	struct buf b;

	raw_req_head(&b, 0, 0, 0, 2, ok);
	raw_strings(&b, 0, NULL, 0);
	raw_strings(&b, 0, NULL, 0);
	cr_assert_eq(decode_req(&d, b.d, b.len, 2), 0);
	cr_assert_eq(d.r.fdnum[1], MSG_MAX_FDNUM);
	decoded_free(&d);
	buf_free(&b);

	raw_req_head(&b, 0, 0, 0, 2, bad);
	raw_strings(&b, 0, NULL, 0);
	raw_strings(&b, 0, NULL, 0);
	expect_req(&b, 2, E_BAD_FDNUM);
	buf_free(&b);

	raw_req_head(&b, 0, 0, 0, 1, huge);
	raw_strings(&b, 0, NULL, 0);
	raw_strings(&b, 0, NULL, 0);
	expect_req(&b, 1, E_BAD_FDNUM);
	buf_free(&b);
}

Test(msg, req_exec_max_fds_without_specials_is_accepted)
{
	uint32_t fds[MSG_MAX_FDS];
	struct req_exec r;
	struct decoded d;
	struct buf b;
	uint32_t i;

	for (i = 0; i < MSG_MAX_FDS; i++)
		fds[i] = i * 4000;
	memset(&r, 0, sizeof(r));
	r.nfdmap = MSG_MAX_FDS;
	memcpy(r.fdnum, fds, sizeof(fds));
	buf_init(&b, MSG_MAX_LEN);
	cr_assert_eq(msg_encode_req_exec(&b, &r), 0);
	cr_assert_eq(decode_req(&d, b.d, b.len, MSG_MAX_FDS), 0);
	cr_assert_eq(d.r.nfdmap, MSG_MAX_FDS);
	for (i = 0; i < MSG_MAX_FDS; i++)
		cr_assert_eq(d.r.fdnum[i], fds[i]);
	cr_assert_eq(d.r.argc, 0);
	cr_assert_null(d.r.argv[0]);
	decoded_free(&d);
	buf_free(&b);
}

Test(msg, req_exec_one_fd_past_max_is_too_many)
{
	uint32_t fds[MSG_MAX_FDS + 1];
	struct buf b;
	uint32_t i;

	for (i = 0; i < MSG_MAX_FDS + 1; i++)
		fds[i] = i;
	raw_req_head(&b, 0, 0, 0, MSG_MAX_FDS + 1, fds);
	raw_strings(&b, 0, NULL, 0);
	raw_strings(&b, 0, NULL, 0);
	expect_req(&b, MSG_MAX_FDS + 1, E_TOO_MANY_FDS);
	expect_req(&b, MSG_MAX_FDS, E_TOO_MANY_FDS);
	buf_free(&b);
	/* A huge map with no bytes for it must not be read. */
	raw_req_head(&b, 0, 0, 0, 0xffffffffu, NULL);
	expect_req(&b, 0xffff, E_TOO_MANY_FDS);
	buf_free(&b);
}

Test(msg, req_exec_specials_count_toward_the_fd_limit)
{
	uint32_t fds[MSG_MAX_FDS];
	struct buf b;
	uint32_t i;

	for (i = 0; i < MSG_MAX_FDS; i++)
		fds[i] = i;
	raw_req_head(&b, 0, 0, REQ_SPECIAL_ALL, MSG_MAX_FDS - 3, fds);
	raw_strings(&b, 0, NULL, 0);
	raw_strings(&b, 0, NULL, 0);
	expect_req(&b, MSG_MAX_FDS, 0);
	buf_free(&b);
	raw_req_head(&b, 0, 0, REQ_SPECIAL_ALL, MSG_MAX_FDS - 2, fds);
	raw_strings(&b, 0, NULL, 0);
	raw_strings(&b, 0, NULL, 0);
	expect_req(&b, MSG_MAX_FDS + 1, E_TOO_MANY_FDS);
	buf_free(&b);
}

Test(msg, req_exec_fd_map_shorter_than_nfdmap_is_short)
{
	static const uint32_t fds[] = { 1, 2 };
	struct buf b;

	raw_req_head(&b, 0, 0, 0, 3, NULL);
	put32(&b, fds[0]);
	put32(&b, fds[1]);
	expect_req(&b, 3, E_SHORT);
	buf_free(&b);
}

/* argc empty strings, or envc "e=" entries: argc/envc at a limit. */
static void
many_strings(struct buf *b, uint32_t argc, uint32_t envc)
{
	uint32_t i;

	raw_req_head(b, 0, 0, 0, 0, NULL);
	put32(b, argc);
	for (i = 0; i < argc; i++)
		putstr(b, "");
	put32(b, envc);
	for (i = 0; i < envc; i++)
		putstr(b, "e=");
}

Test(msg, req_exec_argc_at_limit_ok_one_past_too_many)
{
	struct decoded d;
	struct buf b;

	many_strings(&b, MSG_MAX_ARGS, 0);
	cr_assert_eq(decode_req(&d, b.d, b.len, 0), 0);
	cr_assert_eq(d.r.argc, MSG_MAX_ARGS);
	cr_assert_str_eq(d.r.argv[MSG_MAX_ARGS - 1], "");
	cr_assert_null(d.r.argv[MSG_MAX_ARGS]);
	decoded_free(&d);
	buf_free(&b);

	many_strings(&b, MSG_MAX_ARGS + 1, 0);
	expect_req(&b, 0, E_TOO_MANY_ARGS);
	buf_free(&b);
}

Test(msg, req_exec_envc_at_limit_ok_one_past_too_many)
{
	struct decoded d;
	struct buf b;

	many_strings(&b, 0, MSG_MAX_ENV);
	cr_assert_eq(decode_req(&d, b.d, b.len, 0), 0);
	cr_assert_eq(d.r.envc, MSG_MAX_ENV);
	cr_assert_str_eq(d.r.envp[MSG_MAX_ENV - 1], "e=");
	cr_assert_null(d.r.envp[MSG_MAX_ENV]);
	decoded_free(&d);
	buf_free(&b);

	many_strings(&b, 0, MSG_MAX_ENV + 1);
	expect_req(&b, 0, E_TOO_MANY_ENV);
	buf_free(&b);
}

Test(msg, req_exec_encode_refuses_counts_above_limits)
{
	struct req_exec r;
	struct buf b;

	buf_init(&b, MSG_MAX_LEN);
	example(&r);
	r.argc = MSG_MAX_ARGS + 1;
	cr_assert_eq(msg_encode_req_exec(&b, &r), E_TOO_MANY_ARGS);
	example(&r);
	r.envc = MSG_MAX_ENV + 1;
	cr_assert_eq(msg_encode_req_exec(&b, &r), E_TOO_MANY_ENV);
	example(&r);
	r.nfdmap = MSG_MAX_FDS + 1;
	cr_assert_eq(msg_encode_req_exec(&b, &r), E_TOO_MANY_FDS);
	example(&r);
	r.umask = 01000;
	cr_assert_eq(msg_encode_req_exec(&b, &r), E_BAD_VALUE);
	example(&r);
	r.specials = 0x10;
	cr_assert_eq(msg_encode_req_exec(&b, &r), E_BAD_VALUE);
	cr_assert_eq(b.len, 0);
	buf_free(&b);
}

Test(msg, req_exec_encode_stops_at_buffer_limit)
{
	struct req_exec r;
	struct buf b;

	example(&r);
	buf_init(&b, 40);
	cr_assert_eq(msg_encode_req_exec(&b, &r), E_TOO_LONG);
	buf_free(&b);
}

/*
 * Huge counts with a few bytes behind them are refused before anything is
 * allocated: the address space is limited to what is mapped now plus
 * 256 KiB around the decode, so an allocation for the count fails.
 */
Test(msg, req_exec_huge_counts_rejected_without_allocating)
{
	struct decoded d[4];
	struct buf b[4];
	int r[4];
	int i;

	/* argc 0xffffffff */
	raw_req_head(&b[0], 0, 0, 0, 0, NULL);
	put32(&b[0], 0xffffffffu);
	putstr(&b[0], "x");
	/* envc 0xffffffff */
	raw_req_head(&b[1], 0, 0, 0, 0, NULL);
	put32(&b[1], 0);
	put32(&b[1], 0xffffffffu);
	putstr(&b[1], "x=");
	/* argc and envc at the limit, three strings' worth of bytes */
	raw_req_head(&b[2], 0, 0, 0, 0, NULL);
	put32(&b[2], MSG_MAX_ARGS);
	putstr(&b[2], "a");
	putstr(&b[2], "b");
	putstr(&b[2], "c");
	raw_req_head(&b[3], 0, 0, 0, 0, NULL);
	put32(&b[3], 0);
	put32(&b[3], MSG_MAX_ENV);
	putstr(&b[3], "a=");
	putstr(&b[3], "b=");

	for (i = 0; i < 4; i++)
		d[i].copy = dup_bytes(b[i].d, b[i].len);
	limit_as((size_t)256 * 1024);
	for (i = 0; i < 4; i++) {
		struct buf v;

		buf_view(&v, d[i].copy, b[i].len);
		r[i] = msg_decode_req_exec(&v, 0, &d[i].r);
	}
	unlimit_as();
	cr_assert_eq(r[0], E_TOO_MANY_ARGS, "argc 0xffffffff: %d", r[0]);
	cr_assert_eq(r[1], E_TOO_MANY_ENV, "envc 0xffffffff: %d", r[1]);
	cr_assert_eq(r[2], E_SHORT, "argc %u with 3 strings: %d",
	    MSG_MAX_ARGS, r[2]);
	cr_assert_eq(r[3], E_SHORT, "envc %u with 2 strings: %d",
	    MSG_MAX_ENV, r[3]);
	for (i = 0; i < 4; i++) {
		check_failed(&d[i]);
		buf_free(&b[i]);
	}
}

Test(msg, req_exec_payload_ending_before_count_strings_is_short)
{
	static const char *two[] = { "a", "b" };
	struct buf b;

	raw_req_head(&b, 0, 0, 0, 0, NULL);
	raw_strings(&b, 3, two, 2);
	expect_req(&b, 0, E_SHORT);
	buf_free(&b);
	/* The count of the environment read as a string: length 0. */
	raw_req_head(&b, 0, 0, 0, 0, NULL);
	raw_strings(&b, 3, two, 2);
	raw_strings(&b, 0, NULL, 0);
	expect_req(&b, 0, E_BAD_STRING);
	buf_free(&b);
}

Test(msg, req_exec_string_of_max_str_bytes_ok_one_more_bad)
{
	static char big[MSG_MAX_STR + 1];
	struct decoded d;
	struct buf b;

	/* MSG_MAX_STR bytes with the NUL. */
	memset(big, 'a', sizeof(big));
	big[MSG_MAX_STR - 1] = '\0';
	raw_req_head(&b, 0, 0, 0, 0, NULL);
	put32(&b, 1);
	putstr(&b, big);
	put32(&b, 0);
	cr_assert_eq(decode_req(&d, b.d, b.len, 0), 0);
	cr_assert_eq(strlen(d.r.argv[0]), MSG_MAX_STR - 1);
	decoded_free(&d);
	buf_free(&b);

	/* One byte more. */
	big[MSG_MAX_STR - 1] = 'a';
	big[MSG_MAX_STR] = '\0';
	raw_req_head(&b, 0, 0, 0, 0, NULL);
	put32(&b, 1);
	putstr(&b, big);
	put32(&b, 0);
	expect_req(&b, 0, E_BAD_STRING);
	buf_free(&b);

	/* The same in the environment. */
	big[0] = 'A';
	big[1] = '=';
	raw_req_head(&b, 0, 0, 0, 0, NULL);
	put32(&b, 0);
	put32(&b, 1);
	putstr(&b, big);
	expect_req(&b, 0, E_BAD_STRING);
	buf_free(&b);
}

Test(msg, req_exec_encode_refuses_string_above_max_str)
{
	static char big[MSG_MAX_STR + 1];
	const char *argv[] = { big, NULL };
	struct req_exec r;
	struct buf b;

	memset(big, 'a', sizeof(big));
	big[MSG_MAX_STR] = '\0';
	memset(&r, 0, sizeof(r));
	r.argc = 1;
	r.argv = argv;
	buf_init(&b, MSG_MAX_LEN);
	cr_assert_eq(msg_encode_req_exec(&b, &r), E_BAD_STRING);
	buf_free(&b);
	big[MSG_MAX_STR - 1] = '\0';
	cr_assert_eq(msg_encode_req_exec(&b, &r), 0);
	buf_free(&b);
}

Test(msg, req_exec_decode_rejects_bad_strings)
{
	struct buf b;

	/* Missing final NUL. */
	raw_req_head(&b, 0, 0, 0, 0, NULL);
	put32(&b, 1);
	put32(&b, 2);
	cr_assert_eq(buf_put_bytes(&b, "ab", 2), 0);
	put32(&b, 0);
	expect_req(&b, 0, E_BAD_STRING);
	buf_free(&b);
	/* Embedded NUL. */
	raw_req_head(&b, 0, 0, 0, 0, NULL);
	put32(&b, 1);
	put32(&b, 3);
	cr_assert_eq(buf_put_bytes(&b, "a\0b", 3), 0);
	put32(&b, 0);
	expect_req(&b, 0, E_BAD_STRING);
	buf_free(&b);
	/* Length 0. */
	raw_req_head(&b, 0, 0, 0, 0, NULL);
	put32(&b, 1);
	put32(&b, 0);
	put32(&b, 0);
	expect_req(&b, 0, E_BAD_STRING);
	buf_free(&b);
}

Test(msg, req_exec_env_without_equals_is_bad_env)
{
	static const char *bad[] = { "NOEQUALS", "", "=value", "=" };
	static const char *good[] = { "A=1" };
	struct buf b;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		raw_req_head(&b, 0, 0, 0, 0, NULL);
		raw_strings(&b, 0, NULL, 0);
		put32(&b, 2);
		putstr(&b, good[0]);
		putstr(&b, bad[i]);
		expect_req(&b, 0, E_BAD_ENV);
		buf_free(&b);
	}
}

Test(msg, req_exec_argv_may_hold_anything_but_nul)
{
	static const char *argv[] = { "=", "no-equals-needed", "", NULL };
	struct req_exec r;
	struct decoded d;
	struct buf b;

	memset(&r, 0, sizeof(r));
	r.argc = 3;
	r.argv = argv;
	buf_init(&b, MSG_MAX_LEN);
	cr_assert_eq(msg_encode_req_exec(&b, &r), 0);
	cr_assert_eq(decode_req(&d, b.d, b.len, 0), 0);
	expect_same(&r, &d.r);
	decoded_free(&d);
	buf_free(&b);
}

Test(msg, req_exec_empty_argv_decodes)
{
	struct req_exec r;
	struct decoded d;
	struct buf b;

	memset(&r, 0, sizeof(r));
	buf_init(&b, MSG_MAX_LEN);
	cr_assert_eq(msg_encode_req_exec(&b, &r), 0);
	cr_assert_eq(b.len, 24);
	cr_assert_eq(decode_req(&d, b.d, b.len, 0), 0);
	cr_assert_eq(d.r.argc, 0);
	cr_assert_eq(d.r.envc, 0);
	cr_assert_not_null(d.r.argv);
	cr_assert_null(d.r.argv[0]);
	cr_assert_not_null(d.r.envp);
	cr_assert_null(d.r.envp[0]);
	decoded_free(&d);
	buf_free(&b);
}

Test(msg, req_exec_free_is_safe_after_failed_decode)
{
	struct req_exec r;
	struct buf b, v;

	/* Fails in the environment, after argv was allocated. */
	raw_req_head(&b, 0, 0, 0, 0, NULL);
	put32(&b, 2);
	putstr(&b, "a");
	putstr(&b, "b");
	put32(&b, 1);
	putstr(&b, "novalue");
	buf_view(&v, b.d, b.len);
	cr_assert_eq(msg_decode_req_exec(&v, 0, &r), E_BAD_ENV);
	cr_assert_null(r.argv);
	cr_assert_null(r.envp);
	req_exec_free(&r);
	req_exec_free(&r);
	buf_free(&b);
}

Test(msg, req_exec_free_of_zeroed_request_is_safe)
{
	struct req_exec r;

	memset(&r, 0, sizeof(r));
	req_exec_free(&r);
	req_exec_free(&r);
	cr_assert_null(r.argv);
}

/* ---- MSG_MON_EXEC ---- */

Test(msg, mon_exec_round_trip)
{
	struct req_exec r;
	struct decoded d;
	struct buf b;

	example(&r);
	buf_init(&b, MSG_MAX_LEN);
	cr_assert_eq(msg_encode_mon_exec(&b, &r), 0);
	cr_assert_eq(decode_mon(&d, b.d, b.len), 0);
	expect_same(&r, &d.r);
	decoded_free(&d);
	buf_free(&b);
}

Test(msg, mon_exec_encoding_layout)
{
	static const uint8_t want[] = {
		0, 0, 0, 0,		/* flags */
		0, 0, 0, 027,		/* umask */
		0, 0, 0, 2,		/* specials */
		0, 0, 0, 1,		/* nfdmap */
		0, 0, 0, 2,		/* argc */
		0, 0, 0, 1,		/* envc */
		0, 0, 0, 9,		/* strbytes */
		0, 0, 0, 7,		/* fdnum[0] */
		'l', 's', 0, '/', 0, 'A', '=', 'b', 0,
	};
	static const char *argv[] = { "ls", "/", NULL };
	static const char *envp[] = { "A=b", NULL };
	struct req_exec r;
	struct buf b;
	size_t i;

	memset(&r, 0, sizeof(r));
	r.umask = 027;
	r.specials = REQ_SPECIAL_ROOT;
	r.nfdmap = 1;
	r.fdnum[0] = 7;
	r.argc = 2;
	r.argv = argv;
	r.envc = 1;
	r.envp = envp;
	buf_init(&b, MSG_MAX_LEN);
	cr_assert_eq(msg_encode_mon_exec(&b, &r), 0);
	cr_assert_eq(b.len, sizeof(want));
	for (i = 0; i < sizeof(want); i++)
		cr_assert_eq(b.d[i], want[i], "byte %zu", i);
	buf_free(&b);
}

Test(msg, mon_exec_truncated_at_every_offset_is_short)
{
	struct req_exec r;
	struct decoded d;
	struct buf b;
	size_t n;
	int ret;

	example(&r);
	buf_init(&b, MSG_MAX_LEN);
	cr_assert_eq(msg_encode_mon_exec(&b, &r), 0);
	for (n = 0; n < b.len; n++) {
		ret = decode_mon(&d, b.d, n);
		cr_assert_eq(ret, E_SHORT, "%zu of %zu bytes: %d", n, b.len,
		    ret);
	}
	buf_free(&b);
}

Test(msg, mon_exec_decode_rejects_trailing_byte)
{
	struct req_exec r;
	struct buf b;

	example(&r);
	buf_init(&b, MSG_MAX_LEN);
	cr_assert_eq(msg_encode_mon_exec(&b, &r), 0);
	cr_assert_eq(buf_put_u8(&b, 0), 0);
	expect_mon(&b, E_TRAILING);
	buf_free(&b);
}

Test(msg, mon_exec_strbytes_must_match_the_blob)
{
	static const char blob[] = "ls\0-l\0A=b";	/* 10 bytes */
	struct buf b;

	raw_mon(&b, 2, 1, blob, sizeof(blob));
	expect_mon(&b, 0);
	buf_free(&b);
	/* strbytes one more than the bytes that follow */
	raw_mon_head(&b, 0, 0, 0, 2, 1, sizeof(blob) + 1, NULL);
	cr_assert_eq(buf_put_bytes(&b, blob, sizeof(blob)), 0);
	expect_mon(&b, E_SHORT);
	buf_free(&b);
	/* strbytes one less */
	raw_mon_head(&b, 0, 0, 0, 2, 1, sizeof(blob) - 1, NULL);
	cr_assert_eq(buf_put_bytes(&b, blob, sizeof(blob)), 0);
	expect_mon(&b, E_TRAILING);
	buf_free(&b);
	/* strbytes huge */
	raw_mon_head(&b, 0, 0, 0, 2, 1, 0xffffffffu, NULL);
	cr_assert_eq(buf_put_bytes(&b, blob, sizeof(blob)), 0);
	expect_mon(&b, E_SHORT);
	buf_free(&b);
}

Test(msg, mon_exec_counts_must_match_the_nuls)
{
	static const char blob[] = "a\0B=1\0C=d";	/* 3 strings */
	struct buf b;

	/* Fewer strings declared than the block holds. */
	raw_mon(&b, 1, 1, blob, sizeof(blob));
	expect_mon(&b, E_TRAILING);
	buf_free(&b);
	raw_mon(&b, 0, 0, blob, sizeof(blob));
	expect_mon(&b, E_TRAILING);
	buf_free(&b);
	/* More strings declared than the block holds. */
	raw_mon(&b, 2, 2, blob, sizeof(blob));
	expect_mon(&b, E_BAD_STRING);
	buf_free(&b);
	raw_mon(&b, 3, 1, blob, sizeof(blob));
	expect_mon(&b, E_BAD_STRING);
	buf_free(&b);
	/* More strings than bytes: refused before anything is allocated. */
	raw_mon(&b, 6, 5, blob, sizeof(blob));
	expect_mon(&b, E_SHORT);
	buf_free(&b);
	/* Right. */
	raw_mon(&b, 2, 1, blob, sizeof(blob));
	expect_mon(&b, 0);
	buf_free(&b);
}

Test(msg, mon_exec_blob_without_final_nul_is_bad)
{
	static const char blob[] = { 'l', 's', 0, 'x' };
	static const char one[] = { 'x' };
	struct buf b;

	raw_mon(&b, 2, 0, blob, sizeof(blob));
	expect_mon(&b, E_BAD_STRING);
	buf_free(&b);
	raw_mon(&b, 1, 0, one, sizeof(one));
	expect_mon(&b, E_BAD_STRING);
	buf_free(&b);
	raw_mon(&b, 0, 1, "A=b", 3);
	expect_mon(&b, E_BAD_STRING);
	buf_free(&b);
}

Test(msg, mon_exec_env_without_equals_is_bad_env)
{
	static const struct {
		const char *blob;
		size_t len;
	} c[] = {
		{ "prog\0NOEQ", 10 },
		{ "prog\0=v", 8 },
		{ "prog\0", 6 },	/* empty entry: the second NUL */
		{ "prog\0A=1\0=", 11 },
	};
	struct buf b;
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		uint32_t envc = i == 3 ? 2 : 1;

		raw_mon(&b, 1, envc, c[i].blob, c[i].len);
		expect_mon(&b, E_BAD_ENV);
		buf_free(&b);
	}
}

Test(msg, mon_exec_string_above_max_str_is_bad)
{
	static char big[MSG_MAX_STR + 1];
	struct decoded d;
	struct buf b;

	memset(big, 'a', sizeof(big));
	big[MSG_MAX_STR - 1] = '\0';
	raw_mon(&b, 1, 0, big, MSG_MAX_STR);
	cr_assert_eq(decode_mon(&d, b.d, b.len), 0);
	cr_assert_eq(strlen(d.r.argv[0]), MSG_MAX_STR - 1);
	decoded_free(&d);
	buf_free(&b);

	big[MSG_MAX_STR - 1] = 'a';
	big[MSG_MAX_STR] = '\0';
	raw_mon(&b, 1, 0, big, MSG_MAX_STR + 1);
	expect_mon(&b, E_BAD_STRING);
	buf_free(&b);

	big[0] = 'A';
	big[1] = '=';
	raw_mon(&b, 0, 1, big, MSG_MAX_STR + 1);
	expect_mon(&b, E_BAD_STRING);
	buf_free(&b);
}

Test(msg, mon_exec_counts_above_limits)
{
	static const uint32_t fds[MSG_MAX_FDS + 1] = { 0 };
	struct buf b;

	raw_mon_head(&b, 0, 0, 0, MSG_MAX_ARGS + 1, 0, 0, NULL);
	expect_mon(&b, E_TOO_MANY_ARGS);
	buf_free(&b);
	raw_mon_head(&b, 0, 0, 0, 0, MSG_MAX_ENV + 1, 0, NULL);
	expect_mon(&b, E_TOO_MANY_ENV);
	buf_free(&b);
	raw_mon_head(&b, 0, 0, 0, 0xffffffffu, 0xffffffffu, 0, NULL);
	expect_mon(&b, E_TOO_MANY_ARGS);
	buf_free(&b);
	raw_mon_head(&b, 0, 0, MSG_MAX_FDS + 1, 0, 0, 0, fds);
	expect_mon(&b, E_TOO_MANY_FDS);
	buf_free(&b);
	raw_mon_head(&b, 0, REQ_SPECIAL_CWD, MSG_MAX_FDS, 0, 0, 0, fds);
	expect_mon(&b, E_TOO_MANY_FDS);
	buf_free(&b);
}

Test(msg, mon_exec_checks_head_fields)
{
	static const uint32_t desc[] = { 4, 4 };
	static const uint32_t high[] = { MSG_MAX_FDNUM + 1 };
	static const uint32_t top[] = { MSG_MAX_FDNUM };
	struct buf b;

	raw_mon_head(&b, 01000, 0, 0, 0, 0, 0, NULL);
	expect_mon(&b, E_BAD_VALUE);
	buf_free(&b);
	raw_mon_head(&b, 0777, 0, 0, 0, 0, 0, NULL);
	expect_mon(&b, 0);
	buf_free(&b);
	raw_mon_head(&b, 0, 0x8, 0, 0, 0, 0, NULL);
	expect_mon(&b, E_BAD_VALUE);
	buf_free(&b);
	raw_mon_head(&b, 0, 0, 2, 0, 0, 0, desc);
	expect_mon(&b, E_BAD_FDNUM);
	buf_free(&b);
	raw_mon_head(&b, 0, 0, 1, 0, 0, 0, high);
	expect_mon(&b, E_BAD_FDNUM);
	buf_free(&b);
	raw_mon_head(&b, 0, 0, 1, 0, 0, 0, top);
	expect_mon(&b, 0);
	buf_free(&b);
}

Test(msg, mon_exec_counts_at_limits_ok)
{
	struct decoded d;
	struct buf b;
	uint32_t i;

	raw_mon_head(&b, 0, 0, 0, MSG_MAX_ARGS, MSG_MAX_ENV,
	    MSG_MAX_ARGS + 3 * MSG_MAX_ENV, NULL);
	for (i = 0; i < MSG_MAX_ARGS; i++)
		cr_assert_eq(buf_put_u8(&b, 0), 0);
	for (i = 0; i < MSG_MAX_ENV; i++)
		cr_assert_eq(buf_put_bytes(&b, "e=", 3), 0);
	cr_assert_eq(decode_mon(&d, b.d, b.len), 0);
	cr_assert_eq(d.r.argc, MSG_MAX_ARGS);
	cr_assert_eq(d.r.envc, MSG_MAX_ENV);
	cr_assert_str_eq(d.r.argv[MSG_MAX_ARGS - 1], "");
	cr_assert_null(d.r.argv[MSG_MAX_ARGS]);
	cr_assert_str_eq(d.r.envp[MSG_MAX_ENV - 1], "e=");
	cr_assert_null(d.r.envp[MSG_MAX_ENV]);
	decoded_free(&d);
	buf_free(&b);
}

Test(msg, mon_exec_huge_counts_rejected_without_allocating)
{
	uint8_t *copy;
	struct req_exec r;
	struct buf b, v;
	int ret;

	/* Counts at their limits, 4 bytes of strings. */
	raw_mon(&b, MSG_MAX_ARGS, MSG_MAX_ENV, "a\0b=", 4);
	copy = dup_bytes(b.d, b.len);
	buf_view(&v, copy, b.len);
	limit_as((size_t)256 * 1024);
	ret = msg_decode_mon_exec(&v, &r);
	unlimit_as();
	cr_assert_eq(ret, E_SHORT, "%d", ret);
	cr_assert_null(r.argv);
	cr_assert_null(r.envp);
	req_exec_free(&r);
	free(copy);
	buf_free(&b);
}

Test(msg, mon_exec_empty_request_decodes)
{
	struct req_exec r;
	struct decoded d;
	struct buf b;

	memset(&r, 0, sizeof(r));
	buf_init(&b, MSG_MAX_LEN);
	cr_assert_eq(msg_encode_mon_exec(&b, &r), 0);
	cr_assert_eq(b.len, 28);
	cr_assert_eq(decode_mon(&d, b.d, b.len), 0);
	cr_assert_eq(d.r.argc, 0);
	cr_assert_null(d.r.argv[0]);
	cr_assert_null(d.r.envp[0]);
	decoded_free(&d);
	buf_free(&b);
}

Test(msg, mon_exec_encode_refuses_bad_heads_and_huge_blobs)
{
	static char big[MSG_MAX_STR];
	const char *argv[34];
	struct req_exec r;
	struct buf b;
	int i;

	buf_init(&b, TEST_BUF_MAX);
	example(&r);
	r.umask = 01000;
	cr_assert_eq(msg_encode_mon_exec(&b, &r), E_BAD_VALUE);
	example(&r);
	r.argc = MSG_MAX_ARGS + 1;
	cr_assert_eq(msg_encode_mon_exec(&b, &r), E_TOO_MANY_ARGS);
	cr_assert_eq(b.len, 0);
	/* 33 strings of MSG_MAX_STR bytes: above MSG_MAX_LEN together. */
	memset(big, 'a', sizeof(big));
	big[MSG_MAX_STR - 1] = '\0';
	for (i = 0; i < 33; i++)
		argv[i] = big;
	argv[33] = NULL;
	memset(&r, 0, sizeof(r));
	r.argc = 33;
	r.argv = argv;
	cr_assert_eq(msg_encode_mon_exec(&b, &r), E_TOO_LONG);
	cr_assert_eq(b.len, 0);
	r.argc = 32;
	argv[32] = NULL;
	cr_assert_eq(msg_encode_mon_exec(&b, &r), 0);
	buf_free(&b);
}

Test(msg, mon_exec_free_is_safe_after_failed_decode)
{
	struct req_exec r;
	struct buf b, v;

	/* Fails in split_blob, after both arrays were allocated. */
	raw_mon(&b, 1, 1, "a\0nope", 7);
	buf_view(&v, b.d, b.len);
	cr_assert_eq(msg_decode_mon_exec(&v, &r), E_BAD_ENV);
	cr_assert_null(r.argv);
	cr_assert_null(r.envp);
	req_exec_free(&r);
	req_exec_free(&r);
	buf_free(&b);
}

/*
 * r as MSG_REQ_EXEC, decoded, that as MSG_MON_EXEC, decoded: r again at
 * each step.
 */
static void
expect_round_trip(const struct req_exec *r, uint16_t nfds)
{
	struct decoded d1, d2;
	struct buf b1, b2;

	buf_init(&b1, MSG_MAX_LEN);
	buf_init(&b2, MSG_MAX_LEN);
	cr_assert_eq(msg_encode_req_exec(&b1, r), 0);
	cr_assert_eq(decode_req(&d1, b1.d, b1.len, nfds), 0);
	expect_same(r, &d1.r);
	cr_assert_eq(msg_encode_mon_exec(&b2, &d1.r), 0);
	cr_assert_eq(decode_mon(&d2, b2.d, b2.len), 0);
	expect_same(r, &d2.r);
	decoded_free(&d1);
	decoded_free(&d2);
	buf_free(&b1);
	buf_free(&b2);
}

Test(msg, both_formats_decode_to_the_same_request)
{
	struct req_exec r;

	example(&r);
	expect_round_trip(&r, EXAMPLE_NFDS);
}

/* ---- REQ_F_PTY, in both formats ---- */

/* A pty request: the terminal at 0 and 2, the client's fds at 1 and 9. */
static void
example_pty(struct req_exec *r)
{
	memset(r, 0, sizeof(*r));
	r->flags = REQ_F_PTY;
	r->pty.ws = (struct msg_winsize){ 24, 80, 640, 480 };
	r->pty.nfd = 2;
	r->pty.fdnum[0] = 0;
	r->pty.fdnum[1] = 2;
	r->umask = 022;
	r->specials = REQ_SPECIAL_CWD;
	r->nfdmap = 2;
	r->fdnum[0] = 1;
	r->fdnum[1] = 9;
	r->argc = 1;
	r->argv = ex_argv;
	r->envc = 1;
	r->envp = ex_envp;
}

#define EXAMPLE_PTY_NFDS 3

/* Encode r in both formats; expect want from each encoder. */
static void
expect_encode(const struct req_exec *r, int want)
{
	struct buf b;

	buf_init(&b, MSG_MAX_LEN);
	cr_assert_eq(msg_encode_req_exec(&b, r), want);
	buf_free(&b);
	buf_init(&b, MSG_MAX_LEN);
	cr_assert_eq(msg_encode_mon_exec(&b, r), want);
	buf_free(&b);
}

/*
 * The pty block as raw bytes after flags (u16 rows, cols, xpixel, ypixel,
 * u32 count, numbers), then a request with no fds and argv "x".
 */
static void
raw_pty_req(struct buf *b, uint32_t flags, uint16_t rows, uint16_t cols,
    uint32_t nfd, const uint32_t *num, size_t nnum, uint32_t specials)
{
	static const char *argv[] = { "x" };
	size_t i;

	buf_init(b, TEST_BUF_MAX);
	put32(b, flags);
	cr_assert_eq(buf_put_u16(b, rows), 0);
	cr_assert_eq(buf_put_u16(b, cols), 0);
	cr_assert_eq(buf_put_u16(b, 0), 0);
	cr_assert_eq(buf_put_u16(b, 0), 0);
	put32(b, nfd);
	for (i = 0; i < nnum; i++)
		put32(b, num[i]);
	put32(b, 022);
	put32(b, specials);
	put32(b, 0);		/* nfdmap */
	raw_strings(b, 1, argv, 1);
	raw_strings(b, 0, NULL, 0);
}

Test(msg, pty_req_exec_round_trip)
{
	struct req_exec r;
	struct decoded d;
	struct buf b;

	example_pty(&r);
	buf_init(&b, MSG_MAX_LEN);
	cr_assert_eq(msg_encode_req_exec(&b, &r), 0);
	cr_assert_eq(decode_req(&d, b.d, b.len, EXAMPLE_PTY_NFDS), 0);
	expect_same(&r, &d.r);
	decoded_free(&d);
	buf_free(&b);
}

Test(msg, pty_mon_exec_round_trip_and_same_as_req)
{
	struct req_exec r;

	example_pty(&r);
	expect_round_trip(&r, EXAMPLE_PTY_NFDS);
}

Test(msg, pty_req_exec_encoding_layout)
{
	static const uint8_t want[] = {
		0, 0, 0, 2,		/* flags: REQ_F_PTY */
		0, 50, 0, 132,		/* rows, cols */
		0, 1, 0, 2,		/* xpixel, ypixel */
		0, 0, 0, 1,		/* pty descriptors */
		0, 0, 0, 0,		/* at 0 */
		0, 0, 0, 022,		/* umask */
		0, 0, 0, 0,		/* specials */
		0, 0, 0, 0,		/* nfdmap */
		0, 0, 0, 1,		/* argc */
		0, 0, 0, 2, 'x', 0,
		0, 0, 0, 0,		/* envc */
	};
	static const char *argv[] = { "x", NULL };
	struct req_exec r;
	struct buf b;
	size_t i;

	memset(&r, 0, sizeof(r));
	r.flags = REQ_F_PTY;
	r.pty.ws = (struct msg_winsize){ 50, 132, 1, 2 };
	r.pty.nfd = 1;
	r.umask = 022;
	r.argc = 1;
	r.argv = argv;
	buf_init(&b, MSG_MAX_LEN);
	cr_assert_eq(msg_encode_req_exec(&b, &r), 0);
	cr_assert_eq(b.len, sizeof(want));
	for (i = 0; i < sizeof(want); i++)
		cr_assert_eq(b.d[i], want[i], "byte %zu", i);
	buf_free(&b);
}

/* r cut short at every offset: E_SHORT from both decoders. */
static void
expect_short_everywhere(const struct req_exec *r, uint16_t nfds)
{
	struct decoded d;
	struct buf b;
	size_t n;
	int ret;

	buf_init(&b, MSG_MAX_LEN);
	cr_assert_eq(msg_encode_req_exec(&b, r), 0);
	for (n = 0; n < b.len; n++) {
		ret = decode_req(&d, b.d, n, nfds);
		cr_assert_eq(ret, E_SHORT, "%zu of %zu bytes: %d", n, b.len,
		    ret);
	}
	buf_free(&b);
	buf_init(&b, MSG_MAX_LEN);
	cr_assert_eq(msg_encode_mon_exec(&b, r), 0);
	for (n = 0; n < b.len; n++) {
		ret = decode_mon(&d, b.d, n);
		cr_assert_eq(ret, E_SHORT, "%zu of %zu bytes: %d", n, b.len,
		    ret);
	}
	buf_free(&b);
}

Test(msg, pty_truncated_at_every_offset_is_short)
{
	struct req_exec r;

	example_pty(&r);
	expect_short_everywhere(&r, EXAMPLE_PTY_NFDS);
}

Test(msg, pty_window_size_at_limit_ok_one_past_bad)
{
	struct buf b;

	raw_pty_req(&b, REQ_F_PTY, MSG_MAX_WINSIZE, MSG_MAX_WINSIZE, 0, NULL,
	    0, 0);
	expect_req(&b, 0, 0);
	buf_free(&b);
	raw_pty_req(&b, REQ_F_PTY, 0, 0, 0, NULL, 0, 0);
	expect_req(&b, 0, 0);	/* unknown size: the kernel's default */
	buf_free(&b);
	raw_pty_req(&b, REQ_F_PTY, MSG_MAX_WINSIZE + 1, 80, 0, NULL, 0, 0);
	expect_req(&b, 0, E_BAD_WINSIZE);
	buf_free(&b);
	raw_pty_req(&b, REQ_F_PTY, 24, MSG_MAX_WINSIZE + 1, 0, NULL, 0, 0);
	expect_req(&b, 0, E_BAD_WINSIZE);
	buf_free(&b);
	raw_pty_req(&b, REQ_F_PTY, 0xffff, 0xffff, 0, NULL, 0, 0);
	expect_req(&b, 0, E_BAD_WINSIZE);
	buf_free(&b);
}

Test(msg, pty_encoders_check_what_decoders_check)
{
	struct req_exec r;

	example_pty(&r);
	expect_encode(&r, 0);
	r.pty.ws.cols = MSG_MAX_WINSIZE + 1;
	expect_encode(&r, E_BAD_WINSIZE);
	example_pty(&r);
	r.flags = 0;		/* numbers without the flag */
	expect_encode(&r, E_BAD_VALUE);
	example_pty(&r);
	r.specials |= REQ_SPECIAL_TTY;
	expect_encode(&r, E_BAD_VALUE);
	example_pty(&r);
	r.pty.fdnum[1] = 9;	/* also in the descriptor map */
	expect_encode(&r, E_BAD_FDNUM);
	example_pty(&r);
	r.flags |= 1;
	expect_encode(&r, E_BAD_VALUE);
}

Test(msg, pty_with_the_callers_terminal_is_refused)
{
	struct buf b;

	raw_pty_req(&b, REQ_F_PTY, 24, 80, 0, NULL, 0, REQ_SPECIAL_TTY);
	expect_req(&b, 1, E_BAD_VALUE);
	buf_free(&b);
	raw_pty_req(&b, REQ_F_PTY, 24, 80, 0, NULL, 0, REQ_SPECIAL_CWD);
	expect_req(&b, 1, 0);
	buf_free(&b);
}

/* ---- REQ_F_TTYMODES ---- */

/* example_pty with modes: every flag word and control character set. */
static void
example_modes(struct req_exec *r)
{
	uint32_t i;

	example_pty(r);
	r->flags |= REQ_F_TTYMODES;
	r->pty.modes.iflag = 0x11223344u;
	r->pty.modes.oflag = 0xffffffffu;
	r->pty.modes.cflag = 0;
	r->pty.modes.lflag = 0x80000001u;
	for (i = 0; i < MSG_TTY_NCC; i++)
		r->pty.modes.cc[i] = (uint8_t)(0xff - i);
}

Test(msg, ttymodes_round_trip_in_both_formats)
{
	struct req_exec r;

	example_modes(&r);
	expect_round_trip(&r, EXAMPLE_PTY_NFDS);
}

Test(msg, ttymodes_encoding_layout)
{
	struct req_exec r, plain;
	struct buf b, p;
	size_t at, i;

	example_modes(&r);
	plain = r;
	plain.flags &= ~REQ_F_TTYMODES;
	buf_init(&b, MSG_MAX_LEN);
	buf_init(&p, MSG_MAX_LEN);
	cr_assert_eq(msg_encode_req_exec(&b, &r), 0);
	cr_assert_eq(msg_encode_req_exec(&p, &plain), 0);
	/* After flags, the size (8) and the two pty numbers (12): 16 + 32. */
	cr_assert_eq(b.len, p.len + 16 + MSG_TTY_NCC);
	at = 4 + 8 + 4 + 4 * 2;
	cr_assert_eq(memcmp(b.d, "\0\0\0\x06", 4), 0);	/* PTY | TTYMODES */
	cr_assert_eq(memcmp(b.d + 4, p.d + 4, at - 4), 0);
	cr_assert_eq(memcmp(b.d + at, "\x11\x22\x33\x44\xff\xff\xff\xff"
	    "\0\0\0\0\x80\0\0\x01", 16), 0);
	for (i = 0; i < MSG_TTY_NCC; i++)
		cr_assert_eq(b.d[at + 16 + i], 0xff - i, "cc[%zu]", i);
	cr_assert_eq(memcmp(b.d + at + 16 + MSG_TTY_NCC, p.d + at,
	    p.len - at), 0);
	buf_free(&b);
	buf_free(&p);
}

Test(msg, ttymodes_truncated_at_every_offset_is_short)
{
	struct req_exec r;

	example_modes(&r);
	expect_short_everywhere(&r, EXAMPLE_PTY_NFDS);
}

Test(msg, ttymodes_without_a_pty_refused)
{
	static const char *argv[] = { "x" };
	struct req_exec r;
	struct buf b;

	/* Encoders refuse it... */
	memset(&r, 0, sizeof(r));
	r.flags = REQ_F_TTYMODES;
	r.argc = 1;
	r.argv = argv;
	expect_encode(&r, E_BAD_VALUE);
	/* ... and so do decoders, from raw bytes. */
	buf_init(&b, TEST_BUF_MAX);
	put32(&b, REQ_F_TTYMODES);
	put32(&b, 022);
	put32(&b, 0);		/* specials */
	put32(&b, 0);		/* nfdmap */
	raw_strings(&b, 1, argv, 1);
	raw_strings(&b, 0, NULL, 0);
	expect_req(&b, 0, E_BAD_VALUE);
	buf_free(&b);
	/* The next unknown flag still is. */
	example_modes(&r);
	r.flags |= REQ_F_TTYMODES << 1;
	expect_encode(&r, E_BAD_VALUE);
}

Test(msg, pty_descriptor_numbers_checked)
{
	static const uint32_t ok[] = { 0, 1, 2, MSG_MAX_FDNUM };
	static const uint32_t high[] = { MSG_MAX_FDNUM + 1 };
	static const uint32_t rep[] = { 1, 1 };
	static const uint32_t desc[] = { 2, 1 };
	struct buf b;

	raw_pty_req(&b, REQ_F_PTY, 24, 80, 4, ok, 4, 0);
	expect_req(&b, 0, 0);
	buf_free(&b);
	raw_pty_req(&b, REQ_F_PTY, 24, 80, 1, high, 1, 0);
	expect_req(&b, 0, E_BAD_FDNUM);
	buf_free(&b);
	raw_pty_req(&b, REQ_F_PTY, 24, 80, 2, rep, 2, 0);
	expect_req(&b, 0, E_BAD_FDNUM);
	buf_free(&b);
	raw_pty_req(&b, REQ_F_PTY, 24, 80, 2, desc, 2, 0);
	expect_req(&b, 0, E_BAD_FDNUM);
	buf_free(&b);
	/* A count the bytes cannot hold, and a huge one. */
	raw_pty_req(&b, REQ_F_PTY, 24, 80, 100, ok, 1, 0);
	expect_req(&b, 0, E_SHORT);
	buf_free(&b);
	raw_pty_req(&b, REQ_F_PTY, 24, 80, 0xffffffffu, NULL, 0, 0);
	expect_req(&b, 0, E_TOO_MANY_FDS);
	buf_free(&b);
}

Test(msg, pty_numbers_count_toward_the_fd_limit)
{
	struct req_exec r;
	struct decoded d;
	struct buf b;
	uint32_t i;

	memset(&r, 0, sizeof(r));
	r.flags = REQ_F_PTY;
	r.pty.nfd = MSG_MAX_FDS;
	for (i = 0; i < MSG_MAX_FDS; i++)
		r.pty.fdnum[i] = i + 1;
	buf_init(&b, MSG_MAX_LEN);
	cr_assert_eq(msg_encode_req_exec(&b, &r), 0);
	cr_assert_eq(decode_req(&d, b.d, b.len, 0), 0);
	expect_same(&r, &d.r);
	decoded_free(&d);
	buf_free(&b);
	/* One more, as a client descriptor: past the limit. */
	r.nfdmap = 1;
	r.fdnum[0] = 0;
	expect_encode(&r, E_TOO_MANY_FDS);
	buf_init(&b, TEST_BUF_MAX);
	put32(&b, REQ_F_PTY);
	cr_assert_eq(buf_put_u32(&b, (24u << 16) | 80u), 0);
	put32(&b, 0);
	put32(&b, MSG_MAX_FDS);
	for (i = 0; i < MSG_MAX_FDS; i++)
		put32(&b, i + 1);
	put32(&b, 022);
	put32(&b, 0);
	put32(&b, 1);		/* nfdmap */
	put32(&b, 0);
	raw_strings(&b, 0, NULL, 0);
	raw_strings(&b, 0, NULL, 0);
	expect_req(&b, 1, E_TOO_MANY_FDS);
	buf_free(&b);
	raw_pty_req(&b, REQ_F_PTY, 24, 80, MSG_MAX_FDS + 1, NULL, 0, 0);
	expect_req(&b, 0, E_TOO_MANY_FDS);
	buf_free(&b);
}

Test(msg, pty_number_also_in_the_fd_map_is_refused)
{
	struct req_exec r;
	struct buf b;

	/* pty at 0 and 2, descriptors at 1 and 9: make the 2 a 9. */
	example_pty(&r);
	buf_init(&b, MSG_MAX_LEN);
	cr_assert_eq(msg_encode_req_exec(&b, &r), 0);
	cr_assert_eq(b.d[4 + 8 + 4 + 4 + 3], 2);
	b.d[4 + 8 + 4 + 4 + 3] = 9;
	expect_req(&b, EXAMPLE_PTY_NFDS, E_BAD_FDNUM);
	b.d[4 + 8 + 4 + 4 + 3] = 8;
	expect_req(&b, EXAMPLE_PTY_NFDS, 0);
	buf_free(&b);
	buf_init(&b, MSG_MAX_LEN);
	cr_assert_eq(msg_encode_mon_exec(&b, &r), 0);
	cr_assert_eq(b.d[4 + 8 + 4 + 4 + 3], 2);
	b.d[4 + 8 + 4 + 4 + 3] = 1;
	expect_mon(&b, E_BAD_FDNUM);
	buf_free(&b);
}

Test(msg, mon_exec_rejects_unknown_flags_and_bad_pty)
{
	struct req_exec r;
	struct buf b;

	example_pty(&r);
	buf_init(&b, MSG_MAX_LEN);
	cr_assert_eq(msg_encode_mon_exec(&b, &r), 0);
	b.d[3] = 0x3;		/* an unknown flag beside REQ_F_PTY */
	expect_mon(&b, E_BAD_VALUE);
	b.d[3] = 0x2;
	b.d[4] = 0xff;		/* rows 0xff18 */
	expect_mon(&b, E_BAD_WINSIZE);
	buf_free(&b);
}

Test(msg, new_error_codes_have_their_text)
{
	cr_assert_str_neq(err_str(E_PTY_REQUIRED), "unknown error");
	cr_assert_str_neq(err_str(E_PTY_REFUSED), "unknown error");
	cr_assert_str_neq(err_str(E_BAD_WINSIZE), "unknown error");
	cr_assert_eq(-E_BAD_WINSIZE <= E_MAX_CODE, 1);
	cr_assert_str_eq(err_str(-E_MAX_CODE - 1), "unknown error");
}

/* ---- spawn_step_str ---- */

static const uint32_t steps[] = {
	STEP_DENIED, STEP_FORK, STEP_RECV_FDS, STEP_IDENTITY, STEP_NAMESPACES,
	STEP_ROOT, STEP_CHDIR, STEP_RLIMITS, STEP_SESSION, STEP_TERMINAL,
	STEP_GROUPS, STEP_SETGID, STEP_SETUID, STEP_CAPS, STEP_SECUREBITS,
	STEP_NO_NEW_PRIVS, STEP_FDS, STEP_ENV, STEP_EXEC, STEP_NO_PROGRAM,
	STEP_AUTH, STEP_WRITE_CONTENT, STEP_POLICY, STEP_AUDIT, STEP_PTY,
	STEP_SETUP_DIED,
	STEP_OUTSIDE_DIR,
	STEP_NO_CLIENT_ROOT,
	STEP_NS_GONE,
	STEP_OUTSIDE_FD,
};

Test(msg, spawn_step_str_never_null)
{
	const char *fallback = spawn_step_str(0);
	uint32_t s;

	cr_assert_not_null(fallback);
	for (s = 0; s <= STEP_MAX + 5; s++) {
		cr_assert_not_null(spawn_step_str(s), "step %u", s);
		cr_assert_neq(spawn_step_str(s)[0], '\0', "step %u", s);
	}
	cr_assert_not_null(spawn_step_str(0xffffffffu));
	/* Every real step has its own text (the values are allotted in
	 * ranges, so some in between may be unused). */
	for (s = 0; s < sizeof(steps) / sizeof(steps[0]); s++)
		cr_assert_str_neq(spawn_step_str(steps[s]), fallback, "step %u",
		    steps[s]);
	cr_assert_str_eq(spawn_step_str(STEP_MAX + 1), fallback);
}

/* ---- MSG_REQ_USER, MSG_MON_USER: a user name ---- */

static int
user_round_trip(const char *name, const char **out)
{
	struct buf b, v;
	int r;

	buf_init(&b, 1024);
	if ((r = msg_encode_user(&b, name)) != 0) {
		buf_free(&b);
		return r;
	}
	buf_view(&v, b.d, b.len);
	r = msg_decode_user(&v, out);
	if (r == 0)
		cr_assert_str_eq(*out, name);
	buf_free(&b);
	return r;
}

Test(msg, user_names_round_trip)
{
	static const char *const ok[] = { "root", "0", "4294967294",
		"a.b-c_d", "u@example.org", "machine$", "_dived" };
	const char *out;
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		cr_assert_eq(user_round_trip(ok[i], &out), 0, "%s", ok[i]);
}

Test(msg, user_names_refused)
{
	static const char *const bad[] = { "", "-u", "a b", "a/b", "a:b",
		"a\nb", "\xc3\xa9", "a*", "../x" };
	const char *out;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_assert_eq(msg_check_user(bad[i]), E_BAD_USER, "%s", bad[i]);
		cr_assert_eq(user_round_trip(bad[i], &out), E_BAD_USER, "%s",
		    bad[i]);
	}
	cr_assert_eq(msg_check_user(NULL), E_BAD_USER);
}

Test(msg, user_name_at_the_limit_and_past_it)
{
	char name[MSG_MAX_USER + 2];
	const char *out;

	memset(name, 'a', MSG_MAX_USER);
	name[MSG_MAX_USER] = '\0';
	cr_assert_eq(user_round_trip(name, &out), 0);
	name[MSG_MAX_USER] = 'a';
	name[MSG_MAX_USER + 1] = '\0';
	cr_assert_eq(user_round_trip(name, &out), E_BAD_USER);
}

Test(msg, user_decode_rejects_bad_payloads)
{
	static const uint8_t embedded_nul[] = { 0, 0, 0, 4, 'a', 0, 'b', 0 };
	static const uint8_t no_nul[] = { 0, 0, 0, 2, 'a', 'b' };
	static const uint8_t bad_char[] = { 0, 0, 0, 3, 'a', ' ', 0 };
	static const uint8_t trailing[] = { 0, 0, 0, 2, 'a', 0, 'x' };
	static const uint8_t shorter[] = { 0, 0, 0, 9, 'a', 0 };
	struct buf v;
	const char *out;

	buf_view(&v, embedded_nul, sizeof(embedded_nul));
	cr_assert_eq(msg_decode_user(&v, &out), E_BAD_USER);
	buf_view(&v, no_nul, sizeof(no_nul));
	cr_assert_eq(msg_decode_user(&v, &out), E_BAD_USER);
	buf_view(&v, bad_char, sizeof(bad_char));
	cr_assert_eq(msg_decode_user(&v, &out), E_BAD_USER);
	buf_view(&v, trailing, sizeof(trailing));
	cr_assert_eq(msg_decode_user(&v, &out), E_TRAILING);
	buf_view(&v, shorter, sizeof(shorter));
	cr_assert_eq(msg_decode_user(&v, &out), E_SHORT);
}

Test(msg, policy_steps_and_reasons_have_texts)
{
	uint32_t i;

	cr_assert_str_eq(spawn_step_str(STEP_POLICY),
	    "start the program: denied by policy");
	cr_assert_str_eq(spawn_step_str(STEP_AUDIT),
	    "record the request in the audit log");
	for (i = 1; i <= DENY_MAX; i++)
		cr_assert_str_neq(deny_reason_str(i),
		    "the request is not permitted", "reason %u", i);
	cr_assert_str_eq(deny_reason_str(0), "the request is not permitted");
	cr_assert_str_eq(deny_reason_str(DENY_MAX + 1),
	    "the request is not permitted");
}

Test(msg, failed_decodes_the_policy_steps)
{
	struct msg_failed f = { STEP_AUDIT, 28 }, g;
	struct buf b, v;

	buf_init(&b, MSG_MAX_SMALL);
	cr_assert_eq(msg_encode_failed(&b, &f), 0);
	buf_view(&v, b.d, b.len);
	cr_assert_eq(msg_decode_failed(&v, &g), 0);
	cr_assert_eq(g.step, STEP_AUDIT);
	buf_free(&b);
	f.step = STEP_MAX + 1;
	buf_init(&b, MSG_MAX_SMALL);
	cr_assert_eq(msg_encode_failed(&b, &f), 0);
	buf_view(&v, b.d, b.len);
	cr_assert_eq(msg_decode_failed(&v, &g), E_BAD_VALUE);
	buf_free(&b);
}
