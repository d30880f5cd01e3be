/* SPDX-License-Identifier: MIT */
/* Process: several: shared by the programs that link it (Makefile). */
/*
 * Bounded byte buffer: the only place that does pointer arithmetic on wire
 * data.  A buffer is either owned (grows up to `max` while encoding) or a
 * read-only view of bytes owned elsewhere (for decoding).  All integers are
 * big-endian on the wire.
 */
#ifndef DIVE_BUF_H
#define DIVE_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WUR __attribute__((warn_unused_result))

struct buf {
	uint8_t *d;	/* storage; NULL until the first put */
	size_t len;	/* bytes written */
	size_t off;	/* read position */
	size_t cap;	/* allocated bytes */
	size_t max;	/* hard limit on len */
	bool owned;	/* free d in buf_free */
};

/*
 * buf_init: start an empty, owned buffer that may grow to max bytes.
 * Nothing is allocated until the first put; release with buf_free().
 */
void buf_init(struct buf *b, size_t max);

/*
 * buf_view: decode-only view of len bytes at data (not copied, not freed).
 */
void buf_view(struct buf *b, const void *data, size_t len);

/* buf_free: release an owned buffer (wiped first) and reset it to empty. */
void buf_free(struct buf *b);

/* buf_reset: forget the contents but keep the allocation. */
void buf_reset(struct buf *b);

/*
 * buf_reserve: make room for n more bytes without changing the contents.
 * Returns 0, E_TOO_LONG past the maximum, or E_NOMEM.
 */
int buf_reserve(struct buf *b, size_t n) WUR;

/* Number of unread bytes. */
size_t buf_left(const struct buf *b);

/* Pointer to the unread bytes (valid until the next put). */
const uint8_t *buf_ptr(const struct buf *b);

/*
 * Encoders: append a value.  Return 0, or E_TOO_LONG when the buffer
 * would pass its maximum, or E_NOMEM.
 */
int buf_put_u8(struct buf *b, uint8_t v) WUR;
int buf_put_u16(struct buf *b, uint16_t v) WUR;
int buf_put_u32(struct buf *b, uint32_t v) WUR;
int buf_put_i32(struct buf *b, int32_t v) WUR;
int buf_put_u64(struct buf *b, uint64_t v) WUR;
int buf_put_bytes(struct buf *b, const void *p, size_t n) WUR;

/*
 * buf_put_cstring: append a string as u32 length (including the NUL),
 * the bytes and the NUL.  Fails with E_BAD_STRING above max_len bytes.
 */
int buf_put_cstring(struct buf *b, const char *s, size_t max_len) WUR;

/*
 * Decoders: consume a value.  Return 0, or E_SHORT when fewer bytes are
 * left than the value needs (nothing is consumed then).
 */
int buf_get_u8(struct buf *b, uint8_t *v) WUR;
int buf_get_u16(struct buf *b, uint16_t *v) WUR;
int buf_get_u32(struct buf *b, uint32_t *v) WUR;
int buf_get_i32(struct buf *b, int32_t *v) WUR;
int buf_get_u64(struct buf *b, uint64_t *v) WUR;
int buf_get_bytes(struct buf *b, const uint8_t **p, size_t n) WUR;

/*
 * buf_get_cstring: consume a string written by buf_put_cstring.
 * Rejects (E_BAD_STRING) a length of 0 or above max_len, a missing final
 * NUL and an embedded NUL.  *s points into the buffer (not a copy); *len
 * gets the length without the NUL.
 */
int buf_get_cstring(struct buf *b, const char **s, size_t *len,
    size_t max_len) WUR;

/* buf_done: E_TRAILING if unread bytes remain, else 0. */
int buf_done(const struct buf *b) WUR;

#endif
