/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of src/common/buf.c: big-endian encoders and decoders, the
 * growth limit of owned buffers, read-only views and buf_get_cstring.
 */
#include <stdint.h>
#include <string.h>

#include <criterion/criterion.h>

#include "buf.h"
#include "errors.h"

/* The bytes of b (from its start) must be exactly want[0..n). */
static void
expect_bytes(const struct buf *b, const uint8_t *want, size_t n)
{
	size_t i;

	cr_assert_eq(b->len, n, "length %zu, expected %zu", b->len, n);
	for (i = 0; i < n; i++)
		cr_assert_eq(b->d[i], want[i], "byte %zu is 0x%02x, not 0x%02x",
		    i, b->d[i], want[i]);
}

Test(buf, init_is_empty_and_allocates_nothing)
{
	struct buf b;

	buf_init(&b, 100);
	cr_assert_null(b.d);
	cr_assert_eq(b.len, 0);
	cr_assert_eq(b.off, 0);
	cr_assert_eq(b.max, 100);
	cr_assert(b.owned);
	cr_assert_eq(buf_left(&b), 0);
	cr_assert_eq(buf_done(&b), 0);
	buf_free(&b);
}

Test(buf, put_u8_writes_one_byte)
{
	static const uint8_t want[] = { 0x00, 0x7f, 0x80, 0xff };
	struct buf b;

	buf_init(&b, 64);
	cr_assert_eq(buf_put_u8(&b, 0x00), 0);
	cr_assert_eq(buf_put_u8(&b, 0x7f), 0);
	cr_assert_eq(buf_put_u8(&b, 0x80), 0);
	cr_assert_eq(buf_put_u8(&b, 0xff), 0);
	expect_bytes(&b, want, sizeof(want));
	buf_free(&b);
}

Test(buf, put_u16_is_big_endian)
{
	static const uint8_t want[] = { 0x12, 0x34, 0xff, 0x00, 0x00, 0x01 };
	struct buf b;

	buf_init(&b, 64);
	cr_assert_eq(buf_put_u16(&b, 0x1234), 0);
	cr_assert_eq(buf_put_u16(&b, 0xff00), 0);
	cr_assert_eq(buf_put_u16(&b, 0x0001), 0);
	expect_bytes(&b, want, sizeof(want));
	buf_free(&b);
}

Test(buf, put_u32_is_big_endian)
{
	static const uint8_t want[] = {
		0x12, 0x34, 0x56, 0x78, 0xff, 0xee, 0xdd, 0xcc,
		0x00, 0x00, 0x00, 0x01,
	};
	struct buf b;

	buf_init(&b, 64);
	cr_assert_eq(buf_put_u32(&b, 0x12345678u), 0);
	cr_assert_eq(buf_put_u32(&b, 0xffeeddccu), 0);
	cr_assert_eq(buf_put_u32(&b, 1), 0);
	expect_bytes(&b, want, sizeof(want));
	buf_free(&b);
}

Test(buf, put_i32_is_twos_complement_big_endian)
{
	static const uint8_t want[] = {
		0xff, 0xff, 0xff, 0xff, 0x80, 0x00, 0x00, 0x00,
		0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
	};
	struct buf b;

	buf_init(&b, 64);
	cr_assert_eq(buf_put_i32(&b, -1), 0);
	cr_assert_eq(buf_put_i32(&b, INT32_MIN), 0);
	cr_assert_eq(buf_put_i32(&b, INT32_MAX), 0);
	cr_assert_eq(buf_put_i32(&b, -2), 0);
	expect_bytes(&b, want, sizeof(want));
	buf_free(&b);
}

Test(buf, put_u64_is_big_endian)
{
	static const uint8_t want[] = {
		0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
	};
	struct buf b;

	buf_init(&b, 64);
	cr_assert_eq(buf_put_u64(&b, 0x0123456789abcdefULL), 0);
	cr_assert_eq(buf_put_u64(&b, 0xfffffffffffffffeULL), 0);
	expect_bytes(&b, want, sizeof(want));
	buf_free(&b);
}

Test(buf, put_bytes_appends_verbatim)
{
	static const uint8_t want[] = { 'a', 0x00, 0xff, '\n', 'z' };
	struct buf b;

	buf_init(&b, 64);
	cr_assert_eq(buf_put_bytes(&b, want, 3), 0);
	cr_assert_eq(buf_put_bytes(&b, want + 3, 2), 0);
	expect_bytes(&b, want, sizeof(want));
	buf_free(&b);
}

Test(buf, put_zero_bytes_is_a_no_op)
{
	struct buf b;

	buf_init(&b, 0);
	cr_assert_eq(buf_put_bytes(&b, "x", 0), 0);
	cr_assert_eq(buf_put_bytes(&b, NULL, 0), 0);
	cr_assert_eq(b.len, 0);
	cr_assert_null(b.d);
	buf_free(&b);
}

Test(buf, put_cstring_writes_length_bytes_and_nul)
{
	static const uint8_t want[] = {
		0x00, 0x00, 0x00, 0x04, 'a', 'b', 'c', 0x00,
		0x00, 0x00, 0x00, 0x01, 0x00,
	};
	struct buf b;

	buf_init(&b, 64);
	cr_assert_eq(buf_put_cstring(&b, "abc", 4), 0);
	cr_assert_eq(buf_put_cstring(&b, "", 1), 0);
	expect_bytes(&b, want, sizeof(want));
	buf_free(&b);
}

Test(buf, put_cstring_rejects_string_above_max_len)
{
	struct buf b;

	buf_init(&b, 64);
	/* "abcd" needs 5 bytes with its NUL. */
	cr_assert_eq(buf_put_cstring(&b, "abcd", 4), E_BAD_STRING);
	cr_assert_eq(b.len, 0);
	cr_assert_eq(buf_put_cstring(&b, "abcd", 5), 0);
	cr_assert_eq(b.len, 9);
	buf_free(&b);
}

Test(buf, put_cstring_past_max_appends_nothing)
{
	struct buf b;

	buf_init(&b, 8);
	cr_assert_eq(buf_put_cstring(&b, "abcd", 100), E_TOO_LONG);
	cr_assert_eq(b.len, 0);
	cr_assert_eq(buf_put_cstring(&b, "abc", 100), 0);
	cr_assert_eq(b.len, 8);
	buf_free(&b);
}

Test(buf, get_u8_u16_u32_i32_u64_round_trip)
{
	struct buf b;
	uint64_t u64;
	uint32_t u32;
	uint16_t u16;
	int32_t i32;
	uint8_t u8;

	buf_init(&b, 64);
	cr_assert_eq(buf_put_u8(&b, 0xa5), 0);
	cr_assert_eq(buf_put_u16(&b, 0xbeef), 0);
	cr_assert_eq(buf_put_u32(&b, 0xdeadbeefu), 0);
	cr_assert_eq(buf_put_i32(&b, -123456789), 0);
	cr_assert_eq(buf_put_i32(&b, INT32_MIN), 0);
	cr_assert_eq(buf_put_u64(&b, 0xfedcba9876543210ULL), 0);
	cr_assert_eq(buf_left(&b), 1 + 2 + 4 + 4 + 4 + 8);

	cr_assert_eq(buf_get_u8(&b, &u8), 0);
	cr_assert_eq(u8, 0xa5);
	cr_assert_eq(buf_get_u16(&b, &u16), 0);
	cr_assert_eq(u16, 0xbeef);
	cr_assert_eq(buf_get_u32(&b, &u32), 0);
	cr_assert_eq(u32, 0xdeadbeefu);
	cr_assert_eq(buf_get_i32(&b, &i32), 0);
	cr_assert_eq(i32, -123456789);
	cr_assert_eq(buf_get_i32(&b, &i32), 0);
	cr_assert_eq(i32, INT32_MIN);
	cr_assert_eq(buf_get_u64(&b, &u64), 0);
	cr_assert_eq(u64, 0xfedcba9876543210ULL);
	cr_assert_eq(buf_left(&b), 0);
	cr_assert_eq(buf_done(&b), 0);
	buf_free(&b);
}

Test(buf, get_reads_big_endian_from_a_view)
{
	static const uint8_t in[] = {
		0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
		0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
	};
	struct buf b;
	uint64_t u64;
	uint32_t u32;
	uint16_t u16;
	uint8_t u8;

	buf_view(&b, in, sizeof(in));
	cr_assert_eq(buf_get_u8(&b, &u8), 0);
	cr_assert_eq(u8, 0x01);
	cr_assert_eq(buf_get_u16(&b, &u16), 0);
	cr_assert_eq(u16, 0x0203);
	cr_assert_eq(buf_get_u32(&b, &u32), 0);
	cr_assert_eq(u32, 0x04050607u);
	cr_assert_eq(buf_get_u64(&b, &u64), 0);
	cr_assert_eq(u64, 0x08090a0b0c0d0e0fULL);
	cr_assert_eq(buf_done(&b), 0);
}

Test(buf, get_i32_sign_extends_high_bit)
{
	static const uint8_t in[] = { 0xff, 0xff, 0xff, 0xfe };
	struct buf b;
	int32_t v;

	buf_view(&b, in, sizeof(in));
	cr_assert_eq(buf_get_i32(&b, &v), 0);
	cr_assert_eq(v, -2);
}

/*
 * Every decoder, with fewer bytes than it needs: E_SHORT, nothing
 * consumed, the output untouched.
 */
Test(buf, get_short_returns_e_short_and_consumes_nothing)
{
	static const uint8_t in[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	const uint8_t *p;
	struct buf b;
	uint64_t u64;
	uint32_t u32;
	uint16_t u16;
	int32_t i32;
	uint8_t u8;
	size_t n;

	for (n = 0; n < 8; n++) {
		buf_view(&b, in, n);
		if (n < 1) {
			u8 = 0x5a;
			cr_assert_eq(buf_get_u8(&b, &u8), E_SHORT);
			cr_assert_eq(u8, 0x5a);
			cr_assert_eq(b.off, 0);
		}
		if (n < 2) {
			u16 = 0x5a5a;
			cr_assert_eq(buf_get_u16(&b, &u16), E_SHORT,
			    "u16 with %zu bytes", n);
			cr_assert_eq(u16, 0x5a5a);
			cr_assert_eq(b.off, 0);
		}
		if (n < 4) {
			u32 = 0x5a5a5a5au;
			i32 = 0x5a5a5a5a;
			cr_assert_eq(buf_get_u32(&b, &u32), E_SHORT,
			    "u32 with %zu bytes", n);
			cr_assert_eq(buf_get_i32(&b, &i32), E_SHORT,
			    "i32 with %zu bytes", n);
			cr_assert_eq(u32, 0x5a5a5a5au);
			cr_assert_eq(i32, 0x5a5a5a5a);
			cr_assert_eq(b.off, 0);
		}
		u64 = 0x5a5a5a5a5a5a5a5aULL;
		cr_assert_eq(buf_get_u64(&b, &u64), E_SHORT,
		    "u64 with %zu bytes", n);
		cr_assert_eq(u64, 0x5a5a5a5a5a5a5a5aULL);
		cr_assert_eq(b.off, 0, "u64 with %zu bytes consumed %zu", n,
		    b.off);
		cr_assert_eq(buf_get_bytes(&b, &p, n + 1), E_SHORT);
		cr_assert_eq(b.off, 0);
		cr_assert_eq(buf_left(&b), n);
	}
}

Test(buf, get_short_after_partial_read_keeps_offset)
{
	static const uint8_t in[] = { 0xaa, 0x01, 0x02, 0x03, 0x04, 0x05 };
	struct buf b;
	uint64_t u64;
	uint32_t u32;
	uint8_t u8;

	buf_view(&b, in, sizeof(in));
	cr_assert_eq(buf_get_u8(&b, &u8), 0);
	/* 5 bytes left: a u64 does not fit, a u32 does. */
	cr_assert_eq(buf_get_u64(&b, &u64), E_SHORT);
	cr_assert_eq(b.off, 1);
	cr_assert_eq(buf_get_u32(&b, &u32), 0);
	cr_assert_eq(u32, 0x01020304u);
	cr_assert_eq(buf_get_u32(&b, &u32), E_SHORT);
	cr_assert_eq(b.off, 5);
	cr_assert_eq(buf_left(&b), 1);
}

Test(buf, get_bytes_points_into_the_buffer)
{
	static const uint8_t in[] = { 'h', 'e', 'l', 'l', 'o' };
	const uint8_t *p = NULL;
	struct buf b;

	buf_view(&b, in, sizeof(in));
	cr_assert_eq(buf_get_bytes(&b, &p, 0), 0);
	cr_assert_eq(p, in);
	cr_assert_eq(buf_get_bytes(&b, &p, 2), 0);
	cr_assert_eq(p, in);
	cr_assert_eq(buf_ptr(&b), in + 2);
	cr_assert_eq(buf_get_bytes(&b, &p, 3), 0);
	cr_assert_eq(p, in + 2);
	cr_assert_eq(buf_left(&b), 0);
	cr_assert_eq(buf_get_bytes(&b, &p, 0), 0);
	cr_assert_eq(buf_get_bytes(&b, &p, 1), E_SHORT);
}

Test(buf, get_bytes_huge_count_is_short)
{
	static const uint8_t in[4] = { 0 };
	const uint8_t *p;
	struct buf b;
	uint8_t v;

	buf_view(&b, in, sizeof(in));
	cr_assert_eq(buf_get_u8(&b, &v), 0);
	cr_assert_eq(buf_get_bytes(&b, &p, SIZE_MAX), E_SHORT);
	cr_assert_eq(buf_get_bytes(&b, &p, SIZE_MAX - 1), E_SHORT);
	cr_assert_eq(b.off, 1);
}

Test(buf, growth_stops_exactly_at_max)
{
	struct buf b;
	size_t i;

	buf_init(&b, 1000);
	for (i = 0; i < 1000; i++)
		cr_assert_eq(buf_put_u8(&b, (uint8_t)i), 0, "byte %zu", i);
	cr_assert_eq(b.len, 1000);
	cr_assert_eq(buf_put_u8(&b, 0), E_TOO_LONG);
	cr_assert_eq(buf_put_bytes(&b, "x", 1), E_TOO_LONG);
	cr_assert_eq(b.len, 1000);
	for (i = 0; i < 1000; i++)
		cr_assert_eq(b.d[i], (uint8_t)i);
	buf_free(&b);
}

Test(buf, put_bytes_at_limit_ok_one_past_too_long)
{
	static uint8_t big[5000];
	struct buf b;

	memset(big, 0xab, sizeof(big));
	buf_init(&b, 4999);
	cr_assert_eq(buf_put_bytes(&b, big, 5000), E_TOO_LONG);
	cr_assert_eq(b.len, 0);
	cr_assert_eq(buf_put_bytes(&b, big, 4999), 0);
	cr_assert_eq(b.len, 4999);
	cr_assert_eq(memcmp(b.d, big, 4999), 0);
	buf_free(&b);
}

Test(buf, put_u16_u32_past_max_append_nothing)
{
	struct buf b;

	buf_init(&b, 7);
	cr_assert_eq(buf_put_u32(&b, 0x01020304u), 0);
	cr_assert_eq(buf_put_u32(&b, 0x05060708u), E_TOO_LONG);
	cr_assert_eq(b.len, 4);
	cr_assert_eq(buf_put_i32(&b, -1), E_TOO_LONG);
	cr_assert_eq(b.len, 4);
	cr_assert_eq(buf_put_u16(&b, 0x0506), 0);
	cr_assert_eq(b.len, 6);
	cr_assert_eq(buf_put_u16(&b, 0x0708), E_TOO_LONG);
	cr_assert_eq(b.len, 6);
	cr_assert_eq(buf_put_u8(&b, 0x07), 0);
	cr_assert_eq(b.len, 7);
	cr_assert_eq(buf_put_u8(&b, 0x08), E_TOO_LONG);
	cr_assert_eq(b.len, 7);
	buf_free(&b);
}

/*
 * A u64 that does not fit must not leave its high half behind: like
 * every other put (and buf_put_cstring, which reserves first), a failed
 * put appends nothing.
 */
Test(buf, put_u64_past_max_appends_nothing)
{
	struct buf b;

	buf_init(&b, 12);
	cr_assert_eq(buf_put_u64(&b, 1), 0);
	cr_assert_eq(b.len, 8);
	/* 4 bytes of room: the high half would fit, the low half not. */
	cr_expect_eq(buf_put_u64(&b, 0x1122334455667788ULL), E_TOO_LONG);
	cr_expect_eq(b.len, 8, "a failed buf_put_u64 appended %zu bytes",
	    b.len - 8);
	buf_free(&b);
}

Test(buf, reserve_checks_the_limit_without_overflow)
{
	struct buf b;

	buf_init(&b, 16);
	cr_assert_eq(buf_reserve(&b, 16), 0);
	cr_assert_eq(b.len, 0);
	cr_assert_geq(b.cap, 16);
	cr_assert_eq(buf_reserve(&b, 17), E_TOO_LONG);
	cr_assert_eq(buf_reserve(&b, SIZE_MAX), E_TOO_LONG);
	cr_assert_eq(buf_put_u64(&b, 0), 0);
	cr_assert_eq(buf_reserve(&b, 8), 0);
	cr_assert_eq(buf_reserve(&b, 9), E_TOO_LONG);
	cr_assert_eq(buf_reserve(&b, SIZE_MAX - 7), E_TOO_LONG);
	cr_assert_eq(b.len, 8);
	buf_free(&b);
}

Test(buf, zero_max_buffer_refuses_every_put)
{
	struct buf b;

	buf_init(&b, 0);
	cr_assert_eq(buf_put_u8(&b, 1), E_TOO_LONG);
	cr_assert_eq(buf_put_cstring(&b, "", 100), E_TOO_LONG);
	cr_assert_eq(b.len, 0);
	buf_free(&b);
}

Test(buf, large_buffer_grows_to_max)
{
	const size_t max = (1u << 20) + 3;
	struct buf b;
	size_t i;

	buf_init(&b, max);
	for (i = 0; i + 4 <= max; i += 4)
		cr_assert_eq(buf_put_u32(&b, (uint32_t)i), 0);
	cr_assert_eq(buf_put_u32(&b, 0), E_TOO_LONG);
	cr_assert_eq(buf_put_u16(&b, 0x0102), 0);
	cr_assert_eq(buf_put_u8(&b, 3), 0);
	cr_assert_eq(b.len, max);
	cr_assert_eq(buf_put_u8(&b, 4), E_TOO_LONG);
	for (i = 0; i + 4 <= max; i += 4) {
		uint32_t v;

		cr_assert_eq(buf_get_u32(&b, &v), 0);
		cr_assert_eq(v, (uint32_t)i);
	}
	buf_free(&b);
}

Test(buf, view_is_not_writable)
{
	uint8_t data[16];
	struct buf b;
	size_t i;

	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)i;
	buf_view(&b, data, sizeof(data));
	cr_assert_not(b.owned);
	cr_assert_eq(buf_put_u8(&b, 0xff), E_TOO_LONG);
	cr_assert_eq(buf_put_u16(&b, 0xffff), E_TOO_LONG);
	cr_assert_eq(buf_put_u32(&b, 0xffffffffu), E_TOO_LONG);
	cr_assert_eq(buf_put_i32(&b, -1), E_TOO_LONG);
	cr_assert_eq(buf_put_u64(&b, ~0ULL), E_TOO_LONG);
	cr_assert_eq(buf_put_bytes(&b, "zz", 2), E_TOO_LONG);
	cr_assert_eq(buf_put_cstring(&b, "z", 100), E_TOO_LONG);
	cr_assert_eq(buf_reserve(&b, 1), E_TOO_LONG);
	cr_assert_eq(b.len, sizeof(data));
	for (i = 0; i < sizeof(data); i++)
		cr_assert_eq(data[i], (uint8_t)i, "byte %zu changed", i);
}

Test(buf, view_of_partly_read_data_is_not_writable)
{
	uint8_t data[8] = { 0 };
	struct buf b;
	uint32_t v;

	buf_view(&b, data, sizeof(data));
	cr_assert_eq(buf_get_u32(&b, &v), 0);
	cr_assert_eq(buf_put_u8(&b, 1), E_TOO_LONG);
	cr_assert_eq(data[0], 0);
}

Test(buf, free_of_a_view_does_not_free_the_data)
{
	uint8_t data[4] = { 1, 2, 3, 4 };
	struct buf b;

	buf_view(&b, data, sizeof(data));
	buf_free(&b);
	cr_assert_null(b.d);
	cr_assert_eq(b.len, 0);
	cr_assert_not(b.owned);
	cr_assert_eq(data[0], 1);
	cr_assert_eq(data[3], 4);
}

Test(buf, free_resets_and_keeps_the_limit)
{
	struct buf b;

	buf_init(&b, 10);
	cr_assert_eq(buf_put_u64(&b, 42), 0);
	buf_free(&b);
	cr_assert_null(b.d);
	cr_assert_eq(b.len, 0);
	cr_assert_eq(b.cap, 0);
	cr_assert_eq(b.max, 10);
	cr_assert(b.owned);
	cr_assert_eq(buf_put_u64(&b, 43), 0);
	cr_assert_eq(buf_put_u32(&b, 43), E_TOO_LONG);
	buf_free(&b);
	buf_free(&b);
}

Test(buf, reset_forgets_contents_keeps_allocation)
{
	const uint8_t *d;
	struct buf b;
	uint8_t v;

	buf_init(&b, 64);
	cr_assert_eq(buf_put_u32(&b, 7), 0);
	cr_assert_eq(buf_get_u8(&b, &v), 0);
	d = b.d;
	buf_reset(&b);
	cr_assert_eq(b.d, d);
	cr_assert_eq(b.len, 0);
	cr_assert_eq(b.off, 0);
	cr_assert_eq(buf_left(&b), 0);
	cr_assert_eq(buf_put_u8(&b, 9), 0);
	cr_assert_eq(b.d, d);
	cr_assert_eq(buf_get_u8(&b, &v), 0);
	cr_assert_eq(v, 9);
	buf_free(&b);
}

Test(buf, left_and_ptr_follow_the_read_offset)
{
	static const uint8_t in[] = { 9, 8, 7, 6 };
	struct buf b;
	uint16_t v;

	buf_view(&b, in, sizeof(in));
	cr_assert_eq(buf_left(&b), 4);
	cr_assert_eq(buf_ptr(&b), in);
	cr_assert_eq(buf_get_u16(&b, &v), 0);
	cr_assert_eq(buf_left(&b), 2);
	cr_assert_eq(buf_ptr(&b), in + 2);
}

Test(buf, done_reports_trailing_bytes)
{
	static const uint8_t in[] = { 1, 2, 3 };
	struct buf b;
	uint16_t v;
	uint8_t u;

	buf_view(&b, in, sizeof(in));
	cr_assert_eq(buf_done(&b), E_TRAILING);
	cr_assert_eq(buf_get_u16(&b, &v), 0);
	cr_assert_eq(buf_done(&b), E_TRAILING);
	cr_assert_eq(buf_get_u8(&b, &u), 0);
	cr_assert_eq(buf_done(&b), 0);
	buf_view(&b, in, 0);
	cr_assert_eq(buf_done(&b), 0);
}

Test(buf, cstring_round_trip)
{
	const char *s = NULL;
	struct buf b;
	size_t len = 99;

	buf_init(&b, 64);
	cr_assert_eq(buf_put_cstring(&b, "hello", 6), 0);
	cr_assert_eq(buf_put_cstring(&b, "", 1), 0);
	cr_assert_eq(buf_put_cstring(&b, "\x01\xff\n\\", 100), 0);
	cr_assert_eq(buf_get_cstring(&b, &s, &len, 6), 0);
	cr_assert_str_eq(s, "hello");
	cr_assert_eq(len, 5);
	cr_assert_eq(s, (const char *)b.d + 4, "not a pointer into b");
	cr_assert_eq(buf_get_cstring(&b, &s, &len, 1), 0);
	cr_assert_str_eq(s, "");
	cr_assert_eq(len, 0);
	cr_assert_eq(buf_get_cstring(&b, &s, NULL, 5), 0);
	cr_assert_eq(memcmp(s, "\x01\xff\n\\", 5), 0);
	cr_assert_eq(buf_done(&b), 0);
	buf_free(&b);
}

/* Decode in[0..n) as one cstring; expect ret and, on error, offset 0. */
static void
expect_cstring(const uint8_t *in, size_t n, size_t max_len, int ret)
{
	const char *s = (const char *)0x1;
	struct buf b;
	size_t len = 12345;

	buf_view(&b, in, n);
	cr_assert_eq(buf_get_cstring(&b, &s, &len, max_len), ret,
	    "expected %d", ret);
	if (ret != 0) {
		cr_assert_eq(b.off, 0, "offset moved to %zu on error", b.off);
		cr_assert_eq(s, (const char *)0x1);
		cr_assert_eq(len, 12345);
	}
}

Test(buf, get_cstring_rejects_length_zero)
{
	static const uint8_t in[] = { 0, 0, 0, 0, 'a', 0 };

	expect_cstring(in, sizeof(in), 100, E_BAD_STRING);
}

Test(buf, get_cstring_rejects_length_above_max_len)
{
	static const uint8_t in[] = { 0, 0, 0, 4, 'a', 'b', 'c', 0 };

	expect_cstring(in, sizeof(in), 3, E_BAD_STRING);
	expect_cstring(in, sizeof(in), 4, 0);
}

Test(buf, get_cstring_rejects_missing_final_nul)
{
	static const uint8_t in[] = { 0, 0, 0, 3, 'a', 'b', 'c', 0 };

	expect_cstring(in, sizeof(in), 100, E_BAD_STRING);
}

Test(buf, get_cstring_rejects_embedded_nul)
{
	static const uint8_t in[] = { 0, 0, 0, 4, 'a', 0, 'c', 0 };
	static const uint8_t in2[] = { 0, 0, 0, 2, 0, 0 };

	expect_cstring(in, sizeof(in), 100, E_BAD_STRING);
	expect_cstring(in2, sizeof(in2), 100, E_BAD_STRING);
}

Test(buf, get_cstring_short_data_is_e_short)
{
	static const uint8_t in[] = { 0, 0, 0, 4, 'a', 'b', 'c', 0 };
	size_t n;

	for (n = 0; n < sizeof(in); n++)
		expect_cstring(in, n, 100, E_SHORT);
	expect_cstring(in, sizeof(in), 100, 0);
}

Test(buf, get_cstring_huge_length_is_rejected)
{
	static const uint8_t in[] = { 0xff, 0xff, 0xff, 0xff, 'a', 0 };

	expect_cstring(in, sizeof(in), 100, E_BAD_STRING);
	expect_cstring(in, sizeof(in), SIZE_MAX, E_SHORT);
}

Test(buf, get_cstring_error_after_read_keeps_offset)
{
	static const uint8_t in[] = {
		0, 0, 0, 2, 'x', 0,
		0, 0, 0, 2, 'y', 'z',
	};
	const char *s;
	struct buf b;

	buf_view(&b, in, sizeof(in));
	cr_assert_eq(buf_get_cstring(&b, &s, NULL, 10), 0);
	cr_assert_str_eq(s, "x");
	cr_assert_eq(buf_get_cstring(&b, &s, NULL, 10), E_BAD_STRING);
	cr_assert_eq(b.off, 6);
	cr_assert_eq(buf_done(&b), E_TRAILING);
}
