/* SPDX-License-Identifier: MIT */
/* Process: several: shared by the programs that link it (Makefile). */
/*
 * Runs in: every process.  Trusts: nothing in the bytes it decodes; every
 * read is bounds-checked against the view before it happens.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "errors.h"

void
buf_init(struct buf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max;
	b->owned = true;
}

void
buf_view(struct buf *b, const void *data, size_t len)
{
	memset(b, 0, sizeof(*b));
	/* The view is never written through; the cast only drops const. */
	b->d = (uint8_t *)(uintptr_t)data;
	b->len = len;
	b->cap = len;
	b->max = len;
}

void
buf_free(struct buf *b)
{
	size_t max = b->max;
	bool owned = b->owned;

	if (owned && b->d != NULL) {
		explicit_bzero(b->d, b->cap);
		free(b->d);
	}
	memset(b, 0, sizeof(*b));
	b->max = max;
	b->owned = owned;
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	b->off = 0;
}

size_t
buf_left(const struct buf *b)
{
	return b->len - b->off;
}

const uint8_t *
buf_ptr(const struct buf *b)
{
	return b->d + b->off;
}

int
buf_reserve(struct buf *b, size_t n)
{
	size_t want, ncap;
	uint8_t *nd;

	if (!b->owned || n > b->max || b->len > b->max - n)
		return E_TOO_LONG;
	want = b->len + n;
	if (want <= b->cap)
		return 0;
	ncap = b->cap < 256 ? 256 : b->cap;
	while (ncap < want)
		ncap = ncap > b->max / 2 ? b->max : ncap * 2;
	if ((nd = realloc(b->d, ncap)) == NULL)
		return E_NOMEM;
	b->d = nd;
	b->cap = ncap;
	return 0;
}

int
buf_put_bytes(struct buf *b, const void *p, size_t n)
{
	int r;

	if (n == 0)
		return 0;
	if ((r = buf_reserve(b, n)) != 0)
		return r;
	memcpy(b->d + b->len, p, n);
	b->len += n;
	return 0;
}

int
buf_put_u8(struct buf *b, uint8_t v)
{
	return buf_put_bytes(b, &v, 1);
}

int
buf_put_u16(struct buf *b, uint16_t v)
{
	uint8_t x[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	return buf_put_bytes(b, x, sizeof(x));
}

int
buf_put_u32(struct buf *b, uint32_t v)
{
	uint8_t x[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16),
		(uint8_t)(v >> 8), (uint8_t)v };

	return buf_put_bytes(b, x, sizeof(x));
}

int
buf_put_i32(struct buf *b, int32_t v)
{
	return buf_put_u32(b, (uint32_t)v);
}

int
buf_put_u64(struct buf *b, uint64_t v)
{
	uint8_t x[8];
	size_t i;

	/* One append, so that a failure leaves the buffer as it was. */
	for (i = 0; i < sizeof(x); i++)
		x[i] = (uint8_t)(v >> (56 - 8 * i));
	return buf_put_bytes(b, x, sizeof(x));
}

int
buf_put_cstring(struct buf *b, const char *s, size_t max_len)
{
	size_t n = strlen(s) + 1;
	int r;

	if (n > max_len || n > UINT32_MAX)
		return E_BAD_STRING;
	if ((r = buf_reserve(b, 4 + n)) != 0)
		return r;
	if ((r = buf_put_u32(b, (uint32_t)n)) != 0)
		return r;
	return buf_put_bytes(b, s, n);
}

int
buf_get_bytes(struct buf *b, const uint8_t **p, size_t n)
{
	if (n > buf_left(b))
		return E_SHORT;
	*p = b->d + b->off;
	b->off += n;
	return 0;
}

int
buf_get_u8(struct buf *b, uint8_t *v)
{
	const uint8_t *p;
	int r;

	if ((r = buf_get_bytes(b, &p, 1)) != 0)
		return r;
	*v = p[0];
	return 0;
}

int
buf_get_u16(struct buf *b, uint16_t *v)
{
	const uint8_t *p;
	int r;

	if ((r = buf_get_bytes(b, &p, 2)) != 0)
		return r;
	*v = (uint16_t)((p[0] << 8) | p[1]);
	return 0;
}

int
buf_get_u32(struct buf *b, uint32_t *v)
{
	const uint8_t *p;
	int r;

	if ((r = buf_get_bytes(b, &p, 4)) != 0)
		return r;
	*v = ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	    ((uint32_t)p[2] << 8) | (uint32_t)p[3];
	return 0;
}

int
buf_get_i32(struct buf *b, int32_t *v)
{
	uint32_t u;
	int r;

	if ((r = buf_get_u32(b, &u)) != 0)
		return r;
	*v = (int32_t)u;
	return 0;
}

int
buf_get_u64(struct buf *b, uint64_t *v)
{
	uint32_t hi, lo;
	int r;

	if (buf_left(b) < 8)
		return E_SHORT;
	if ((r = buf_get_u32(b, &hi)) != 0 || (r = buf_get_u32(b, &lo)) != 0)
		return r;
	*v = ((uint64_t)hi << 32) | lo;
	return 0;
}

int
buf_get_cstring(struct buf *b, const char **s, size_t *len, size_t max_len)
{
	const uint8_t *p;
	size_t save = b->off;
	uint32_t n;
	int r;

	if ((r = buf_get_u32(b, &n)) != 0)
		return r;
	if (n == 0 || n > max_len) {
		b->off = save;
		return E_BAD_STRING;
	}
	if ((r = buf_get_bytes(b, &p, n)) != 0) {
		b->off = save;
		return r;
	}
	if (p[n - 1] != '\0' || memchr(p, '\0', n - 1) != NULL) {
		b->off = save;
		return E_BAD_STRING;
	}
	*s = (const char *)p;
	if (len != NULL)
		*len = n - 1;
	return 0;
}

int
buf_done(const struct buf *b)
{
	return buf_left(b) == 0 ? 0 : E_TRAILING;
}
