/* SPDX-License-Identifier: MIT */
/*
 * Runs in: the fuzz targets only.  The decoders get bytes the fuzzer
 * chose; whatever they accept must be within the limits of msg.h and
 * encode back to exactly the same bytes (each format has one encoding).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "check.h"
#include "errors.h"
#include "msg.h"
#include "../helpers/msgtables.h"

int
fz_split_frame(const uint8_t *d, size_t n, struct msg_hdr *h,
    const uint8_t **p, size_t *plen)
{
	if (n < MSG_HDR_LEN || msg_hdr_unpack(d, h) != 0)
		return -1;
	*p = d + MSG_HDR_LEN;
	*plen = n - MSG_HDR_LEN;
	return 0;
}

/* The encoding of a decoded value must be the bytes it came from. */
static void
same_bytes(const struct buf *b, const uint8_t *p, size_t n)
{
	REQUIRE(b->len == n);
	REQUIRE(n == 0 || memcmp(b->d, p, n) == 0);
}

/* A string the decoder returned: inside the input, NUL-terminated. */
static void
check_string(const char *s, const uint8_t *p, size_t n, int env)
{
	const uint8_t *q = (const uint8_t *)s, *nul;

	REQUIRE(q >= p && q < p + n);
	nul = memchr(q, '\0', (size_t)(p + n - q));
	REQUIRE(nul != NULL);
	REQUIRE((size_t)(nul - q) < MSG_MAX_STR);
	if (env) {
		REQUIRE(s[0] != '=' && s[0] != '\0');
		REQUIRE(strchr(s, '=') != NULL);
	}
}

/* REQ_F_PTY: a size within bounds, its own ascending numbers. */
static void
check_pty(const struct req_exec *r)
{
	const struct req_pty *t = &r->pty;
	uint32_t i, j;

	if (!(r->flags & REQ_F_PTY)) {
		REQUIRE(t->nfd == 0);
		return;
	}
	REQUIRE((r->specials & REQ_SPECIAL_TTY) == 0);
	REQUIRE(t->ws.rows <= MSG_MAX_WINSIZE && t->ws.cols <= MSG_MAX_WINSIZE);
	REQUIRE(t->nfd <= MSG_MAX_FDS && r->nfdmap + t->nfd <= MSG_MAX_FDS);
	for (i = 0; i < t->nfd; i++) {
		REQUIRE(t->fdnum[i] <= MSG_MAX_FDNUM);
		REQUIRE(i == 0 || t->fdnum[i] > t->fdnum[i - 1]);
		for (j = 0; j < r->nfdmap; j++)
			REQUIRE(r->fdnum[j] != t->fdnum[i]);
	}
}

/* What both exec decoders promise about a request they accept. */
static void
check_req(const struct req_exec *r, const uint8_t *p, size_t n)
{
	uint32_t i;

	REQUIRE((r->flags & ~REQ_F_ALL) == 0);
	check_pty(r);
	REQUIRE(r->umask <= 0777);
	REQUIRE((r->specials & ~REQ_SPECIAL_ALL) == 0);
	REQUIRE(r->nfdmap <= MSG_MAX_FDS);
	REQUIRE(req_exec_nfds(r) <= MSG_MAX_FDS);
	REQUIRE(r->argc <= MSG_MAX_ARGS && r->envc <= MSG_MAX_ENV);
	for (i = 0; i < r->nfdmap; i++) {
		REQUIRE(r->fdnum[i] <= MSG_MAX_FDNUM);
		REQUIRE(i == 0 || r->fdnum[i] > r->fdnum[i - 1]);
	}
	REQUIRE(r->argv != NULL && r->argv[r->argc] == NULL);
	REQUIRE(r->envp != NULL && r->envp[r->envc] == NULL);
	for (i = 0; i < r->argc; i++)
		check_string(r->argv[i], p, n, 0);
	for (i = 0; i < r->envc; i++)
		check_string(r->envp[i], p, n, 1);
}

static void
same_req(const struct req_exec *a, const struct req_exec *b)
{
	uint32_t i;

	REQUIRE(a->flags == b->flags && a->umask == b->umask &&
	    a->specials == b->specials);
	REQUIRE(memcmp(&a->pty.ws, &b->pty.ws, sizeof(a->pty.ws)) == 0);
	REQUIRE(a->pty.nfd == b->pty.nfd && memcmp(a->pty.fdnum,
	    b->pty.fdnum, a->pty.nfd * sizeof(uint32_t)) == 0);
	REQUIRE(a->nfdmap == b->nfdmap && a->argc == b->argc &&
	    a->envc == b->envc);
	REQUIRE(memcmp(a->fdnum, b->fdnum, a->nfdmap * sizeof(uint32_t)) == 0);
	for (i = 0; i < a->argc; i++)
		REQUIRE(strcmp(a->argv[i], b->argv[i]) == 0);
	for (i = 0; i < a->envc; i++)
		REQUIRE(strcmp(a->envp[i], b->envp[i]) == 0);
}

/*
 * The listener's path: a client's request, decoded, passed on to the
 * monitor (encode_mon_exec), decoded there: the same request.
 */
static void
via_monitor(const struct req_exec *r)
{
	struct req_exec m;
	struct buf b, b2;
	int ret;

	buf_init(&b, MSG_MAX_LEN + 4096u);
	buf_init(&b2, MSG_MAX_LEN + 4096u);
	REQUIRE(msg_encode_mon_exec(&b, r) == 0);
	REQUIRE(msg_decode_mon_exec(&b, &m) == 0);
	check_req(&m, b.d, b.len);
	same_req(r, &m);
	ret = msg_encode_mon_exec(&b2, &m);
	REQUIRE(ret == 0);
	same_bytes(&b2, b.d, b.len);
	req_exec_free(&m);
	buf_free(&b);
	buf_free(&b2);
}

static void
client_exec(uint16_t nfds, const uint8_t *p, size_t n)
{
	struct req_exec r;
	struct buf v, b;

	buf_view(&v, p, n);
	if (msg_decode_req_exec(&v, nfds, &r) != 0) {
		REQUIRE(r.argv == NULL && r.envp == NULL);
		return;
	}
	REQUIRE(req_exec_nfds(&r) == nfds);
	check_req(&r, p, n);
	buf_init(&b, MSG_MAX_LEN + 4096u);
	REQUIRE(msg_encode_req_exec(&b, &r) == 0);
	same_bytes(&b, p, n);
	buf_free(&b);
	via_monitor(&r);
	req_exec_free(&r);
}

/* The fixed-layout messages: decode, check the range, encode back. */
static void
small_hello(const uint8_t *p, size_t n)
{
	struct msg_hello m;
	struct buf v, b;

	buf_view(&v, p, n);
	if (msg_decode_hello(&v, &m) != 0)
		return;
	REQUIRE(m.max_fds <= MSG_MAX_FDS);
	buf_init(&b, MSG_MAX_SMALL);
	REQUIRE(msg_encode_hello(&b, &m) == 0);
	same_bytes(&b, p, n);
	buf_free(&b);
}

/*
 * One word, each type with its own decoder and encoder: what decodes
 * encodes to the same bytes.
 */
#define SMALL_WORD(name, type, dec, enc) \
static void \
name(const uint8_t *p, size_t n) \
{ \
	struct buf v, b; \
	type m; \
\
	buf_view(&v, p, n); \
	if (dec(&v, &m) != 0) \
		return; \
	buf_init(&b, MSG_MAX_SMALL); \
	REQUIRE(enc(&b, &m) == 0); \
	same_bytes(&b, p, n); \
	buf_free(&b); \
}

SMALL_WORD(small_started, struct msg_started, msg_decode_started,
    msg_encode_started)
SMALL_WORD(small_signal, struct msg_signal, msg_decode_signal,
    msg_encode_signal)
SMALL_WORD(small_error, struct msg_error, msg_decode_error, msg_encode_error)
SMALL_WORD(small_mon_error, struct msg_error, msg_decode_mon_error,
    msg_encode_error)
SMALL_WORD(small_ready, struct msg_ready, msg_decode_ready, msg_encode_ready)

/* Every table, in every state: a refusal says why, the rest is 0. */
static void
dispatch_all(const struct msg_hdr *h)
{
	struct msg_rx rx;
	size_t t;
	unsigned int st;
	int r;

	for (t = 0; t < sizeof(msg_tables) / sizeof(msg_tables[0]); t++)
		for (st = 0; st < 4; st++) {
			rx = (struct msg_rx){ st, 0, NULL };
			r = msg_dispatch(&msg_tables[t], &rx, h, NULL, 0, NULL,
			    NULL);
			REQUIRE(r == 0 ? rx.why == NULL : rx.why != NULL);
			REQUIRE(r == 0 || r == E_BAD_TYPE || r == E_FD_COUNT ||
			    r == E_TOO_LONG);
		}
}

static void
small_exit(const uint8_t *p, size_t n)
{
	struct msg_exit m;
	struct buf v, b;

	buf_view(&v, p, n);
	if (msg_decode_exit(&v, &m) != 0)
		return;
	REQUIRE(m.how >= EXIT_HOW_EXITED && m.how <= EXIT_HOW_DUMPED);
	REQUIRE(m.how == EXIT_HOW_EXITED ? m.value <= 255 :
	    m.value >= 1 && m.value <= MSG_SIG_MAX);
	buf_init(&b, MSG_MAX_SMALL);
	REQUIRE(msg_encode_exit(&b, &m) == 0);
	same_bytes(&b, p, n);
	buf_free(&b);
}

static void
small_failed(const uint8_t *p, size_t n)
{
	struct msg_failed m;
	struct buf v, b;

	buf_view(&v, p, n);
	if (msg_decode_failed(&v, &m) != 0)
		return;
	REQUIRE(m.step >= 1 && m.step <= STEP_MAX);
	REQUIRE(m.err >= 0 && m.err <= 4095);
	REQUIRE(spawn_step_str(m.step) != NULL);
	buf_init(&b, MSG_MAX_SMALL);
	REQUIRE(msg_encode_failed(&b, &m) == 0);
	same_bytes(&b, p, n);
	buf_free(&b);
}

static void
small_user(const uint8_t *p, size_t n)
{
	struct buf v, b;
	const char *name;

	buf_view(&v, p, n);
	if (msg_decode_user(&v, &name) != 0)
		return;
	REQUIRE(msg_check_user(name) == 0);
	REQUIRE(strlen(name) >= 1 && strlen(name) <= MSG_MAX_USER);
	check_string(name, p, n, 0);
	buf_init(&b, MSG_MAX_SMALL + MSG_MAX_USER + 8);
	REQUIRE(msg_encode_user(&b, name) == 0);
	same_bytes(&b, p, n);
	buf_free(&b);
}

static void
small_session(const uint8_t *p, size_t n)
{
	struct msg_session m;
	struct buf v, b;

	buf_view(&v, p, n);
	if (msg_decode_session(&v, &m) != 0)
		return;
	buf_init(&b, MSG_MAX_SMALL);
	REQUIRE(msg_encode_session(&b, &m) == 0);
	same_bytes(&b, p, n);
	buf_free(&b);
}

static void
spawn_exec(const uint8_t *p, size_t n)
{
	struct buf v, b;

	buf_view(&v, p, n);
	if (msg_decode_spawn_exec(&v) != 0)
		return;
	buf_init(&b, 0);
	REQUIRE(msg_encode_spawn_exec(&b) == 0);
	same_bytes(&b, p, n);
	buf_free(&b);
}

/*
 * A spawner's status frame, after each of the three states, through the
 * monitor's table (status_frame: MON_FROM_SPAWNER in msg_dispatch()):
 * only its two types, without descriptors, in their order; the state
 * unchanged if refused.
 */
static void
spawner_frame(const struct msg_hdr *h, const uint8_t *p, size_t n)
{
	static const enum status_state from[] = {
		STATUS_SETUP, STATUS_EXEC, STATUS_FAILED,
	};
	struct status_rx st;
	struct buf v;
	size_t i;

	for (i = 0; i < sizeof(from) / sizeof(from[0]); i++) {
		memset(&st, 0, sizeof(st));
		st.rx.state = from[i];
		buf_view(&v, p, n);
		if (status_frame(&st, h, &v) != 0) {
			REQUIRE(st.rx.state == from[i] && st.rx.seen == 0);
			continue;
		}
		REQUIRE(st.rx.why == NULL && st.err == 0);
		REQUIRE(h->nfds == 0 && from[i] != STATUS_FAILED);
		if (h->type == MSG_SPAWN_EXEC) {
			REQUIRE(n == 0 && from[i] == STATUS_SETUP);
			REQUIRE(st.rx.state == STATUS_EXEC);
			continue;
		}
		REQUIRE(h->type == MSG_MON_FAILED && n == 8);
		REQUIRE(st.rx.state == STATUS_FAILED);
		REQUIRE(from[i] == STATUS_SETUP ||
		    st.failed.step == STEP_EXEC);
		small_failed(p, n);
	}
}

void
fz_client_frame(const struct msg_hdr *h, const uint8_t *p, size_t n)
{
	dispatch_all(h);
	switch (h->type) {
	case MSG_REQ_EXEC:
		client_exec(h->nfds, p, n);
		break;
	case MSG_HELLO:
		small_hello(p, n);
		break;
	case MSG_STARTED:
		small_started(p, n);
		break;
	case MSG_REQ_SIGNAL:
		small_signal(p, n);
		break;
	case MSG_EXITED:
		small_exit(p, n);
		break;
	case MSG_FAILED:
		small_failed(p, n);
		break;
	case MSG_ERROR:
		small_error(p, n);
		break;
	case MSG_REQ_USER:
		small_user(p, n);
		break;
	default:
		break;
	}
}

static void
monitor_exec(const uint8_t *p, size_t n)
{
	struct req_exec r;
	struct buf v, b;

	buf_view(&v, p, n);
	if (msg_decode_mon_exec(&v, &r) != 0) {
		REQUIRE(r.argv == NULL && r.envp == NULL);
		return;
	}
	check_req(&r, p, n);
	buf_init(&b, MSG_MAX_LEN + 4096u);
	REQUIRE(msg_encode_mon_exec(&b, &r) == 0);
	same_bytes(&b, p, n);
	buf_free(&b);
	req_exec_free(&r);
}

void
fz_monitor_frame(const struct msg_hdr *h, const uint8_t *p, size_t n)
{
	dispatch_all(h);
	spawner_frame(h, p, n);
	switch (h->type) {
	case MSG_MON_EXEC:
		monitor_exec(p, n);
		break;
	case MSG_MON_SIGNAL:
		small_signal(p, n);
		break;
	case MSG_MON_STARTED:
		small_started(p, n);
		break;
	case MSG_MON_ERROR:
		small_mon_error(p, n);
		break;
	case MSG_LM_READY:
		small_ready(p, n);
		break;
	case MSG_MON_FAILED:
		small_failed(p, n);
		break;
	case MSG_MON_EXITED:
		small_exit(p, n);
		break;
	case MSG_LM_SESSION:
		small_session(p, n);
		break;
	case MSG_MON_USER:
		small_user(p, n);
		break;
	case MSG_SPAWN_EXEC:
		spawn_exec(p, n);
		break;
	default:
		break;
	}
}
