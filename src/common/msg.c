/* SPDX-License-Identifier: MIT */
/* Process: several: shared by the programs that link it (Makefile). */
/*
 * Runs in: every process.  Trusts: nothing in a payload.  Every count is
 * checked against its limit and against the bytes left before anything is
 * allocated; strings must end in their only NUL.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errors.h"
#include "msg.h"

/* Smallest encoding of one string: u32 length and the NUL. */
#define MIN_CSTRING 5u

void
msg_hdr_pack(uint8_t *out, uint16_t type, uint16_t nfds, uint32_t len)
{
	const uint32_t magic = MSG_MAGIC;

	out[0] = (uint8_t)(magic >> 24);
	out[1] = (uint8_t)(magic >> 16);
	out[2] = (uint8_t)(magic >> 8);
	out[3] = (uint8_t)magic;
	out[4] = (uint8_t)(type >> 8);
	out[5] = (uint8_t)type;
	out[6] = (uint8_t)(nfds >> 8);
	out[7] = (uint8_t)nfds;
	out[8] = (uint8_t)(len >> 24);
	out[9] = (uint8_t)(len >> 16);
	out[10] = (uint8_t)(len >> 8);
	out[11] = (uint8_t)len;
}

int
msg_hdr_unpack(const uint8_t *in, struct msg_hdr *h)
{
	struct buf b;
	int r;

	buf_view(&b, in, MSG_HDR_LEN);
	if ((r = buf_get_u32(&b, &h->magic)) != 0 ||
	    (r = buf_get_u16(&b, &h->type)) != 0 ||
	    (r = buf_get_u16(&b, &h->nfds)) != 0 ||
	    (r = buf_get_u32(&b, &h->len)) != 0)
		return r;
	if ((h->magic & 0xffff0000u) != MSG_MAGIC_BASE)
		return E_BAD_MAGIC;
	if (h->magic != MSG_MAGIC)
		return E_VERSION;
	return 0;
}

static const struct msg_entry *
find_entry(const struct msg_table *t, uint16_t type, size_t *i)
{
	for (*i = 0; *i < t->n && *i < MSG_TABLE_MAX; (*i)++)
		if (t->e[*i].type == type)
			return &t->e[*i];
	return NULL;
}

/* Which check e fails for this frame, or NULL. */
static const char *
refusal(const struct msg_entry *e, size_t i, const struct msg_rx *rx,
    const struct msg_hdr *h, int *r)
{
	*r = E_BAD_TYPE;
	if (e == NULL)
		return "not on this channel";
	if (rx->state >= 32 || !(e->states & MSG_ST(rx->state)))
		return "not in this state";
	if ((e->flags & MSG_F_ONCE) && (rx->seen & (1u << i)))
		return "repeated";
	*r = E_FD_COUNT;
	if (e->nfds != MSG_NFDS_ANY && h->nfds != e->nfds)
		return "wrong descriptor count";
	*r = E_TOO_LONG;
	if (h->len > e->max_len)
		return "too long";
	*r = 0;
	return NULL;
}

int
msg_dispatch(const struct msg_table *t, struct msg_rx *rx,
    const struct msg_hdr *h, int *fds, size_t nfds, void *ctx, void *arg)
{
	const struct msg_entry *e;
	size_t i, k;
	int r;

	e = find_entry(t, h->type, &i);
	if ((rx->why = refusal(e, i, rx, h, &r)) != NULL) {
		for (k = 0; k < nfds; k++)
			if (fds[k] >= 0) {
				(void)close(fds[k]);
				fds[k] = -1;
			}
		return r;
	}
	if (e->flags & MSG_F_ONCE)
		rx->seen |= 1u << i;
	if (e->fn != NULL)
		e->fn(ctx, arg);
	return 0;
}

int
msg_encode_hello(struct buf *b, const struct msg_hello *m)
{
	int r;

	if ((r = buf_put_u32(b, m->flags)) != 0 ||
	    (r = buf_put_u32(b, m->max_fds)) != 0 ||
	    (r = buf_put_u32(b, m->max_bytes)) != 0 ||
	    (r = buf_put_u64(b, m->pidns_dev)) != 0 ||
	    (r = buf_put_u64(b, m->pidns_ino)) != 0)
		return r;
	return 0;
}

int
msg_decode_hello(struct buf *b, struct msg_hello *m)
{
	int r;

	if ((r = buf_get_u32(b, &m->flags)) != 0 ||
	    (r = buf_get_u32(b, &m->max_fds)) != 0 ||
	    (r = buf_get_u32(b, &m->max_bytes)) != 0 ||
	    (r = buf_get_u64(b, &m->pidns_dev)) != 0 ||
	    (r = buf_get_u64(b, &m->pidns_ino)) != 0)
		return r;
	/* Unknown flags are ignored: a newer server may add some. */
	if (m->max_fds > MSG_MAX_FDS)
		return E_BAD_VALUE;
	return buf_done(b);
}

int
msg_encode_started(struct buf *b, const struct msg_started *m)
{
	return buf_put_i32(b, m->pid);
}

int
msg_decode_started(struct buf *b, struct msg_started *m)
{
	int r;

	if ((r = buf_get_i32(b, &m->pid)) != 0 || (r = buf_done(b)) != 0)
		return r;
	return m->pid >= 1 ? 0 : E_BAD_VALUE;
}

int
msg_encode_signal(struct buf *b, const struct msg_signal *m)
{
	return buf_put_i32(b, m->sig);
}

/* The layout first, then the range: trailing bytes are E_TRAILING. */
int
msg_decode_signal(struct buf *b, struct msg_signal *m)
{
	int r;

	if ((r = buf_get_i32(b, &m->sig)) != 0 || (r = buf_done(b)) != 0)
		return r;
	return m->sig >= 1 && m->sig <= MSG_SIG_MAX ? 0 : E_BAD_SIGNAL;
}

int
msg_encode_error(struct buf *b, const struct msg_error *m)
{
	return buf_put_u32(b, m->code);
}

/* MSG_ERROR: any code; one this client does not know is still shown. */
int
msg_decode_error(struct buf *b, struct msg_error *m)
{
	int r;

	if ((r = buf_get_u32(b, &m->code)) != 0)
		return r;
	return buf_done(b);
}

/* MSG_MON_ERROR: the listener is of this build: a code it knows. */
int
msg_decode_mon_error(struct buf *b, struct msg_error *m)
{
	int r;

	if ((r = msg_decode_error(b, m)) != 0)
		return r;
	return m->code >= 1 && m->code <= E_MAX_CODE ? 0 : E_BAD_VALUE;
}

int
msg_encode_ready(struct buf *b, const struct msg_ready *m)
{
	return buf_put_u32(b, m->build);
}

int
msg_decode_ready(struct buf *b, struct msg_ready *m)
{
	int r;

	if ((r = buf_get_u32(b, &m->build)) != 0)
		return r;
	return buf_done(b);
}

int
msg_encode_exit(struct buf *b, const struct msg_exit *m)
{
	int r;

	if ((r = buf_put_u32(b, m->how)) != 0)
		return r;
	return buf_put_u32(b, m->value);
}

int
msg_decode_exit(struct buf *b, struct msg_exit *m)
{
	int r;

	if ((r = buf_get_u32(b, &m->how)) != 0 ||
	    (r = buf_get_u32(b, &m->value)) != 0)
		return r;
	if (m->how < EXIT_HOW_EXITED || m->how > EXIT_HOW_DUMPED)
		return E_BAD_VALUE;
	if (m->how == EXIT_HOW_EXITED ? m->value > 255 :
	    m->value < 1 || m->value > MSG_SIG_MAX)
		return E_BAD_VALUE;
	return buf_done(b);
}

int
msg_encode_failed(struct buf *b, const struct msg_failed *m)
{
	int r;

	if ((r = buf_put_u32(b, m->step)) != 0)
		return r;
	return buf_put_i32(b, m->err);
}

int
msg_decode_failed(struct buf *b, struct msg_failed *m)
{
	int r;

	if ((r = buf_get_u32(b, &m->step)) != 0 ||
	    (r = buf_get_i32(b, &m->err)) != 0)
		return r;
	if (m->step < 1 || m->step > STEP_MAX || m->err < 0 || m->err > 4095)
		return E_BAD_VALUE;
	return buf_done(b);
}

int
msg_encode_session(struct buf *b, const struct msg_session *m)
{
	int r;

	if ((r = buf_put_u64(b, m->id)) != 0 ||
	    (r = buf_put_u32(b, m->uid)) != 0 ||
	    (r = buf_put_u32(b, m->gid)) != 0 ||
	    (r = buf_put_i32(b, m->pid)) != 0)
		return r;
	return 0;
}

int
msg_decode_session(struct buf *b, struct msg_session *m)
{
	int r;

	if ((r = buf_get_u64(b, &m->id)) != 0 ||
	    (r = buf_get_u32(b, &m->uid)) != 0 ||
	    (r = buf_get_u32(b, &m->gid)) != 0 ||
	    (r = buf_get_i32(b, &m->pid)) != 0)
		return r;
	return buf_done(b);
}

int
msg_encode_spawn_exec(struct buf *b)
{
	(void)b;
	return 0;
}

int
msg_decode_spawn_exec(struct buf *b)
{
	return buf_done(b);
}

int
msg_check_user(const char *s)
{
	size_t n = 0;

	if (s == NULL || s[0] == '-' || s[0] == '\0')
		return E_BAD_USER;
	for (; s[n] != '\0'; n++)
		if (n >= MSG_MAX_USER || (strchr("._@$-", s[n]) == NULL &&
		    !(s[n] >= 'a' && s[n] <= 'z') &&
		    !(s[n] >= 'A' && s[n] <= 'Z') &&
		    !(s[n] >= '0' && s[n] <= '9')))
			return E_BAD_USER;
	return 0;
}

int
msg_encode_user(struct buf *b, const char *name)
{
	int r;

	if ((r = msg_check_user(name)) != 0)
		return r;
	return buf_put_cstring(b, name, MSG_MAX_USER + 1);
}

int
msg_decode_user(struct buf *b, const char **name)
{
	int r;

	if ((r = buf_get_cstring(b, name, NULL, MSG_MAX_USER + 1)) != 0)
		return r == E_BAD_STRING ? E_BAD_USER : r;
	if ((r = msg_check_user(*name)) != 0)
		return r;
	return buf_done(b);
}

unsigned int
req_exec_nfds(const struct req_exec *r)
{
	return (unsigned int)__builtin_popcount(r->specials) + r->nfdmap;
}

void
req_exec_free(struct req_exec *r)
{
	free(r->argv);
	free(r->envp);
	r->argv = NULL;
	r->envp = NULL;
}

/* The fields every exec request shares, checked the same way for both. */
static int
check_head(const struct req_exec *r)
{
	if ((r->flags & ~REQ_F_ALL) != 0 || r->umask > 0777 ||
	    (r->specials & ~REQ_SPECIAL_ALL) != 0)
		return E_BAD_VALUE;
	/* A pseudo-terminal replaces the caller's terminal, never joins it. */
	if ((r->flags & REQ_F_PTY) && (r->specials & REQ_SPECIAL_TTY))
		return E_BAD_VALUE;
	if ((r->flags & REQ_F_TTYMODES) && !(r->flags & REQ_F_PTY))
		return E_BAD_VALUE;
	if (r->nfdmap > MSG_MAX_FDS)
		return E_TOO_MANY_FDS;
	if (r->argc > MSG_MAX_ARGS)
		return E_TOO_MANY_ARGS;
	if (r->envc > MSG_MAX_ENV)
		return E_TOO_MANY_ENV;
	if (req_exec_nfds(r) > MSG_MAX_FDS ||
	    (uint64_t)r->nfdmap + r->pty.nfd > MSG_MAX_FDS)
		return E_TOO_MANY_FDS;
	return 0;
}

/* Descriptor numbers: ascending, at most MSG_MAX_FDNUM. */
static int
get_fdnums(struct buf *b, uint32_t *num, uint32_t n)
{
	uint32_t i;
	int ret;

	if (buf_left(b) / 4 < n)
		return E_SHORT;
	for (i = 0; i < n; i++) {
		if ((ret = buf_get_u32(b, &num[i])) != 0)
			return ret;
		if (num[i] > MSG_MAX_FDNUM || (i > 0 && num[i] <= num[i - 1]))
			return E_BAD_FDNUM;
	}
	return 0;
}

static int
put_fdnums(struct buf *b, const uint32_t *num, uint32_t n)
{
	uint32_t i;
	int ret;

	for (i = 0; i < n; i++)
		if ((ret = buf_put_u32(b, num[i])) != 0)
			return ret;
	return 0;
}

static int
check_winsize(const struct msg_winsize *ws)
{
	return ws->rows > MSG_MAX_WINSIZE || ws->cols > MSG_MAX_WINSIZE ?
	    E_BAD_WINSIZE : 0;
}

/* REQ_F_TTYMODES: four flag words, then the control characters. */
static int
get_modes(struct buf *b, struct msg_ttymodes *m)
{
	const uint8_t *cc;
	int ret;

	if ((ret = buf_get_u32(b, &m->iflag)) != 0 ||
	    (ret = buf_get_u32(b, &m->oflag)) != 0 ||
	    (ret = buf_get_u32(b, &m->cflag)) != 0 ||
	    (ret = buf_get_u32(b, &m->lflag)) != 0 ||
	    (ret = buf_get_bytes(b, &cc, MSG_TTY_NCC)) != 0)
		return ret;
	memcpy(m->cc, cc, MSG_TTY_NCC);
	return 0;
}

static int
put_modes(struct buf *b, const struct msg_ttymodes *m)
{
	int ret;

	if ((ret = buf_put_u32(b, m->iflag)) != 0 ||
	    (ret = buf_put_u32(b, m->oflag)) != 0 ||
	    (ret = buf_put_u32(b, m->cflag)) != 0 ||
	    (ret = buf_put_u32(b, m->lflag)) != 0)
		return ret;
	return buf_put_bytes(b, m->cc, MSG_TTY_NCC);
}

/*
 * REQ_F_PTY: the size, then the numbers that get the terminal, then with
 * REQ_F_TTYMODES its modes.
 */
static int
get_pty(struct buf *b, struct req_exec *r)
{
	struct req_pty *p = &r->pty;
	int ret;

	if (!(r->flags & REQ_F_PTY))
		return 0;
	if ((ret = buf_get_u16(b, &p->ws.rows)) != 0 ||
	    (ret = buf_get_u16(b, &p->ws.cols)) != 0 ||
	    (ret = buf_get_u16(b, &p->ws.xpixel)) != 0 ||
	    (ret = buf_get_u16(b, &p->ws.ypixel)) != 0 ||
	    (ret = buf_get_u32(b, &p->nfd)) != 0)
		return ret;
	if ((ret = check_winsize(&p->ws)) != 0)
		return ret;
	if (p->nfd > MSG_MAX_FDS)
		return E_TOO_MANY_FDS;
	if ((ret = get_fdnums(b, p->fdnum, p->nfd)) != 0)
		return ret;
	return (r->flags & REQ_F_TTYMODES) ? get_modes(b, &p->modes) : 0;
}

static int
put_pty(struct buf *b, const struct req_exec *r)
{
	const struct req_pty *p = &r->pty;
	int ret;

	if (!(r->flags & REQ_F_PTY))
		return p->nfd == 0 ? 0 : E_BAD_VALUE;
	if ((ret = check_winsize(&p->ws)) != 0)	/* (check_head did nfd) */
		return ret;
	if ((ret = buf_put_u16(b, p->ws.rows)) != 0 ||
	    (ret = buf_put_u16(b, p->ws.cols)) != 0 ||
	    (ret = buf_put_u16(b, p->ws.xpixel)) != 0 ||
	    (ret = buf_put_u16(b, p->ws.ypixel)) != 0 ||
	    (ret = buf_put_u32(b, p->nfd)) != 0 ||
	    (ret = put_fdnums(b, p->fdnum, p->nfd)) != 0)
		return ret;
	return (r->flags & REQ_F_TTYMODES) ? put_modes(b, &p->modes) : 0;
}

/* No number gets both a client descriptor and the pseudo-terminal. */
static int
check_pty_fds(const struct req_exec *r)
{
	uint32_t i = 0, j = 0;

	while (i < r->nfdmap && j < r->pty.nfd) {
		if (r->fdnum[i] == r->pty.fdnum[j])
			return E_BAD_FDNUM;
		if (r->fdnum[i] < r->pty.fdnum[j])
			i++;
		else
			j++;
	}
	return 0;
}

static int
get_fdmap(struct buf *b, struct req_exec *r)
{
	int ret;

	if ((ret = get_fdnums(b, r->fdnum, r->nfdmap)) != 0)
		return ret;
	return check_pty_fds(r);
}

static int
put_fdmap(struct buf *b, const struct req_exec *r)
{
	int ret;

	if ((ret = check_pty_fds(r)) != 0)
		return ret;
	return put_fdnums(b, r->fdnum, r->nfdmap);
}

static int
alloc_vec(const char ***vec, uint32_t n)
{
	if ((*vec = reallocarray(NULL, (size_t)n + 1, sizeof(**vec))) == NULL)
		return E_NOMEM;
	(*vec)[n] = NULL;
	return 0;
}

/* An environment entry must be NAME=VALUE with a non-empty NAME. */
static int
check_env(const char *s)
{
	const char *eq = strchr(s, '=');

	return eq == NULL || eq == s ? E_BAD_ENV : 0;
}

static int
get_strings(struct buf *b, uint32_t n, const char **vec, int env)
{
	uint32_t i;
	int r;

	for (i = 0; i < n; i++) {
		if ((r = buf_get_cstring(b, &vec[i], NULL, MSG_MAX_STR)) != 0)
			return r;
		if (env && (r = check_env(vec[i])) != 0)
			return r;
	}
	return 0;
}

static int
put_strings(struct buf *b, uint32_t n, const char *const *vec)
{
	uint32_t i;
	int r;

	for (i = 0; i < n; i++)
		if ((r = buf_put_cstring(b, vec[i], MSG_MAX_STR)) != 0)
			return r;
	return 0;
}

/* The fields both formats start with: flags, pty, umask, specials, nfdmap. */
static int
put_head(struct buf *b, const struct req_exec *r)
{
	int ret;

	if ((ret = buf_put_u32(b, r->flags)) != 0 ||
	    (ret = put_pty(b, r)) != 0 ||
	    (ret = buf_put_u32(b, r->umask)) != 0 ||
	    (ret = buf_put_u32(b, r->specials)) != 0)
		return ret;
	return buf_put_u32(b, r->nfdmap);
}

static int
get_head(struct buf *b, struct req_exec *r)
{
	int ret;

	if ((ret = buf_get_u32(b, &r->flags)) != 0)
		return ret;
	if ((r->flags & ~REQ_F_ALL) != 0)	/* before the pty depends on it */
		return E_BAD_VALUE;
	if ((ret = get_pty(b, r)) != 0 ||
	    (ret = buf_get_u32(b, &r->umask)) != 0 ||
	    (ret = buf_get_u32(b, &r->specials)) != 0)
		return ret;
	return buf_get_u32(b, &r->nfdmap);
}

int
msg_encode_req_exec(struct buf *b, const struct req_exec *r)
{
	int ret;

	if ((ret = check_head(r)) != 0)
		return ret;
	if ((ret = put_head(b, r)) != 0 ||
	    (ret = put_fdmap(b, r)) != 0 ||
	    (ret = buf_put_u32(b, r->argc)) != 0 ||
	    (ret = put_strings(b, r->argc, r->argv)) != 0 ||
	    (ret = buf_put_u32(b, r->envc)) != 0 ||
	    (ret = put_strings(b, r->envc, r->envp)) != 0)
		return ret;
	return 0;
}

/* Read a count and its strings, refusing counts the bytes cannot hold. */
static int
get_counted(struct buf *b, uint32_t *n, const char ***vec, uint32_t max,
    int toomany, int env)
{
	int r;

	if ((r = buf_get_u32(b, n)) != 0)
		return r;
	if (*n > max)
		return toomany;
	if (buf_left(b) / MIN_CSTRING < *n)
		return E_SHORT;
	if ((r = alloc_vec(vec, *n)) != 0)
		return r;
	return get_strings(b, *n, *vec, env);
}

int
msg_decode_req_exec(struct buf *b, uint16_t nfds, struct req_exec *r)
{
	int ret;

	memset(r, 0, sizeof(*r));
	if ((ret = get_head(b, r)) != 0 || (ret = check_head(r)) != 0)
		goto out;
	if (req_exec_nfds(r) != nfds) {
		ret = E_FD_COUNT;
		goto out;
	}
	if ((ret = get_fdmap(b, r)) != 0 ||
	    (ret = get_counted(b, &r->argc, &r->argv, MSG_MAX_ARGS,
	    E_TOO_MANY_ARGS, 0)) != 0 ||
	    (ret = get_counted(b, &r->envc, &r->envp, MSG_MAX_ENV,
	    E_TOO_MANY_ENV, 1)) != 0)
		goto out;
	ret = buf_done(b);
 out:
	if (ret != 0)
		req_exec_free(r);
	return ret;
}

/* Bytes of the NUL-separated string block of a request. */
static int
blob_len(const struct req_exec *r, uint32_t *len)
{
	uint64_t n = 0;
	uint32_t i;

	for (i = 0; i < r->argc; i++)
		n += strlen(r->argv[i]) + 1;
	for (i = 0; i < r->envc; i++)
		n += strlen(r->envp[i]) + 1;
	if (n > MSG_MAX_LEN)
		return E_TOO_LONG;
	*len = (uint32_t)n;
	return 0;
}

int
msg_encode_mon_exec(struct buf *b, const struct req_exec *r)
{
	uint32_t i, len;
	int ret;

	if ((ret = check_head(r)) != 0 || (ret = blob_len(r, &len)) != 0)
		return ret;
	if ((ret = put_head(b, r)) != 0 ||
	    (ret = buf_put_u32(b, r->argc)) != 0 ||
	    (ret = buf_put_u32(b, r->envc)) != 0 ||
	    (ret = buf_put_u32(b, len)) != 0 ||
	    (ret = put_fdmap(b, r)) != 0)
		return ret;
	for (i = 0; i < r->argc; i++)
		if ((ret = buf_put_bytes(b, r->argv[i],
		    strlen(r->argv[i]) + 1)) != 0)
			return ret;
	for (i = 0; i < r->envc; i++)
		if ((ret = buf_put_bytes(b, r->envp[i],
		    strlen(r->envp[i]) + 1)) != 0)
			return ret;
	return 0;
}

/*
 * Split the string block: exactly argc + envc NUL-terminated strings, each
 * within MSG_MAX_STR, environment entries in NAME=VALUE form.
 */
static int
split_blob(const char *p, uint32_t len, struct req_exec *r)
{
	const char *end = p + len, *nul;
	uint32_t i, n = r->argc + r->envc;
	int ret;

	for (i = 0; i < n; i++) {
		if (p >= end ||
		    (nul = memchr(p, '\0', (size_t)(end - p))) == NULL)
			return E_BAD_STRING;
		if ((size_t)(nul - p) + 1 > MSG_MAX_STR)
			return E_BAD_STRING;
		if (i < r->argc)
			r->argv[i] = p;
		else {
			if ((ret = check_env(p)) != 0)
				return ret;
			r->envp[i - r->argc] = p;
		}
		p = nul + 1;
	}
	return p == end ? 0 : E_TRAILING;
}

int
msg_decode_mon_exec(struct buf *b, struct req_exec *r)
{
	const uint8_t *blob;
	uint32_t len;
	int ret;

	memset(r, 0, sizeof(*r));
	if ((ret = get_head(b, r)) != 0 ||
	    (ret = buf_get_u32(b, &r->argc)) != 0 ||
	    (ret = buf_get_u32(b, &r->envc)) != 0 ||
	    (ret = buf_get_u32(b, &len)) != 0)
		goto out;
	if ((ret = check_head(r)) != 0 || (ret = get_fdmap(b, r)) != 0)
		goto out;
	if (len != buf_left(b)) {
		ret = len > buf_left(b) ? E_SHORT : E_TRAILING;
		goto out;
	}
	/* Every string takes at least its NUL. */
	if ((uint64_t)r->argc + r->envc > len) {
		ret = E_SHORT;
		goto out;
	}
	if ((ret = buf_get_bytes(b, &blob, len)) != 0 ||
	    (ret = alloc_vec(&r->argv, r->argc)) != 0 ||
	    (ret = alloc_vec(&r->envp, r->envc)) != 0)
		goto out;
	ret = split_blob((const char *)blob, len, r);
 out:
	if (ret != 0)
		req_exec_free(r);
	return ret;
}

const char *
spawn_step_str(uint32_t step)
{
	static const char *const text[STEP_MAX + 1] = {
		[STEP_DENIED] = "start the program: request denied",
		[STEP_FORK] = "create a process",
		[STEP_RECV_FDS] = "receive the file descriptors",
		[STEP_IDENTITY] = "look up the user and groups",
		[STEP_NAMESPACES] = "enter the namespaces",
		[STEP_ROOT] = "change the root directory",
		[STEP_CHDIR] = "change the current directory",
		[STEP_RLIMITS] = "set resource limits",
		[STEP_SESSION] = "create a session",
		[STEP_TERMINAL] = "set the controlling terminal",
		[STEP_GROUPS] = "set the supplementary groups",
		[STEP_SETGID] = "set the group id",
		[STEP_SETUID] = "set the user id",
		[STEP_CAPS] = "set capabilities",
		[STEP_SECUREBITS] = "lock the securebits",
		[STEP_NO_NEW_PRIVS] = "set no_new_privs",
		[STEP_FDS] = "install the file descriptors",
		[STEP_ENV] = "build the environment",
		[STEP_EXEC] = "execute the program",
		[STEP_NO_PROGRAM] = "start a program: none given",
		[STEP_AUTH] = "authenticate",
		[STEP_WRITE_CONTENT] = "write a file (--write-content)",
		[STEP_POLICY] = "start the program: denied by policy",
		[STEP_AUDIT] = "record the request in the audit log",
		[STEP_PTY] = "allocate a pseudo-terminal",
		[STEP_OUTSIDE_DIR] =
		    "pass on a directory outside the program's root",
		[STEP_NO_CLIENT_ROOT] =
		    "use the client's root directory: none was sent (dived -r)",
		[STEP_SETUP_DIED] = "set up the program: its spawner died",
		[STEP_NS_GONE] =
		    "enter the namespaces named at start-up (dived -N)",
		[STEP_OUTSIDE_FD] =
		    "pass on a descriptor that reaches outside the root",
	};

	if (step < 1 || step > STEP_MAX || text[step] == NULL)
		return "start the program";
	return text[step];
}

const char *
deny_reason_str(uint32_t reason)
{
	static const char *const text[DENY_MAX + 1] = {
		[DENY_NO_RULE] = "no rule permits this request",
		[DENY_RULE] = "a rule denies this request",
		[DENY_PATH] =
		    "name the program by an absolute path or a bare name",
		[DENY_NO_USER] = "no such user",
	};

	if (reason < 1 || reason > DENY_MAX)
		return "the request is not permitted";
	return text[reason];
}

static const char *
outside_fd_str(int32_t err, char *buf, size_t len)
{
	static const char *const kind[FDK_MAX + 1] = {
		[FDK_UNIX] = "an AF_UNIX socket, which can carry descriptors",
		[FDK_PIDFD] = "a pidfd, which reaches another process",
		[FDK_NS] = "a namespace, which can be joined",
		[FDK_IO_URING] = "an io_uring, which can hold descriptors",
		[FDK_FANOTIFY] = "a fanotify group, which gives descriptors",
		[FDK_OTHER] = "a kind of descriptor dived does not know",
	};
	int k = err / STEP_OUTSIDE_FD_KIND, n = err % STEP_OUTSIDE_FD_KIND;
	const char *what = k >= 1 && k <= FDK_MAX ? kind[k] :
	    "a descriptor of another kind";
	char num[32];

	if (n > 0)
		(void)snprintf(num, sizeof(num), "descriptor %d", n - 1);
	else
		(void)snprintf(num, sizeof(num), "a descriptor above 510");
	(void)snprintf(buf, len, "%s (%s; dived --allow-outside-dirs allows "
	    "it)", num, what);
	return buf;
}

const char *
spawn_err_str(const struct msg_failed *f, char *buf, size_t len)
{
	static const char allow[] = "dived --allow-outside-dirs allows it";

	if (f->step == STEP_OUTSIDE_DIR) {
		if (f->err > 0)
			(void)snprintf(buf, len, "descriptor %d (%s)",
			    (int)f->err - 1, allow);
		else
			(void)snprintf(buf, len, "a descriptor above 4094 (%s)",
			    allow);
		return buf;
	}
	if (f->step == STEP_OUTSIDE_FD)
		return outside_fd_str(f->err, buf, len);
	if (f->step == STEP_NS_GONE) {
		(void)snprintf(buf, len, "namespace %d of -N: %s",
		    (int)(f->err & 0xff), f->err & STEP_NS_GONE_REPLACED ?
		    "its file names another namespace now" :
		    "its process has ended");
		return buf;
	}
	if (f->step == STEP_POLICY)
		return deny_reason_str((uint32_t)f->err);
	/* As root the spawner may take any terminal: EPERM is its refusal
	 * (pty_take_terminal). */
	if (f->step == STEP_TERMINAL && f->err == EPERM)
		return "the terminal belongs to another session than the "
		    "client's";
	return f->err != 0 ? strerror(f->err) : "";
}
