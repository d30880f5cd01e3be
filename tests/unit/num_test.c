/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of src/common/num.c: num_parse and num_parse_base, their
 * syntax, their bounds and overflow without wraparound.
 */
#include <limits.h>
#include <stddef.h>

#include <criterion/criterion.h>

#include "errors.h"
#include "num.h"

#define UNTOUCHED	0x5a5a5a5a5a5a5a5aLL

/* num_parse(s, min, max) must give ret and, on success, want. */
static void
expect_num(const char *s, long long min, long long max, int ret,
    long long want)
{
	long long v = UNTOUCHED;
	int r;

	r = num_parse(s, min, max, &v);
	cr_assert_eq(r, ret, "num_parse(\"%s\", %lld, %lld) = %d, not %d",
	    s != NULL ? s : "(null)", min, max, r, ret);
	if (ret == 0)
		cr_assert_eq(v, want, "\"%s\" gave %lld, not %lld", s, v,
		    want);
}

/* num_parse_base(s, base, max) must give ret and, on success, want. */
static void
expect_base(const char *s, int base, unsigned long long max, int ret,
    unsigned long long want)
{
	unsigned long long v = (unsigned long long)UNTOUCHED;
	int r;

	r = num_parse_base(s, base, max, &v);
	cr_assert_eq(r, ret, "num_parse_base(\"%s\", %d, %llu) = %d, not %d",
	    s != NULL ? s : "(null)", base, max, r, ret);
	if (ret == 0)
		cr_assert_eq(v, want, "\"%s\" gave %llu, not %llu", s, v,
		    want);
	else
		cr_assert_eq(v, (unsigned long long)UNTOUCHED,
		    "\"%s\": output written on error",
		    s != NULL ? s : "(null)");
}

Test(num, parse_plain_decimal)
{
	expect_num("0", 0, 100, 0, 0);
	expect_num("42", 0, 100, 0, 42);
	expect_num("-42", -100, 100, 0, -42);
	expect_num("007", 0, 100, 0, 7);
	expect_num("-007", -100, 100, 0, -7);
	expect_num("-0", -1, 1, 0, 0);
	expect_num("-0", 0, 1, 0, 0);
}

Test(num, parse_rejects_empty_string)
{
	expect_num("", 0, 100, E_NUM_INVALID, 0);
	expect_num("", LLONG_MIN, LLONG_MAX, E_NUM_INVALID, 0);
}

Test(num, parse_rejects_null)
{
	expect_num(NULL, 0, 100, E_NUM_INVALID, 0);
}

Test(num, parse_rejects_sign_only)
{
	expect_num("-", -100, 100, E_NUM_INVALID, 0);
	expect_num("+", -100, 100, E_NUM_INVALID, 0);
	expect_num("--5", -100, 100, E_NUM_INVALID, 0);
	expect_num("-+5", -100, 100, E_NUM_INVALID, 0);
	expect_num("+-5", -100, 100, E_NUM_INVALID, 0);
}

Test(num, parse_rejects_leading_plus)
{
	expect_num("+5", 0, 100, E_NUM_INVALID, 0);
	expect_num("+0", 0, 100, E_NUM_INVALID, 0);
}

Test(num, parse_rejects_spaces)
{
	expect_num(" 5", 0, 100, E_NUM_INVALID, 0);
	expect_num("5 ", 0, 100, E_NUM_INVALID, 0);
	expect_num("\t5", 0, 100, E_NUM_INVALID, 0);
	expect_num("5\n", 0, 100, E_NUM_INVALID, 0);
	expect_num("1 2", 0, 100, E_NUM_INVALID, 0);
	expect_num("- 5", -100, 100, E_NUM_INVALID, 0);
	expect_num(" ", 0, 100, E_NUM_INVALID, 0);
}

Test(num, parse_rejects_trailing_garbage)
{
	expect_num("5x", 0, 100, E_NUM_INVALID, 0);
	expect_num("12abc", 0, 100, E_NUM_INVALID, 0);
	expect_num("1e3", 0, 10000, E_NUM_INVALID, 0);
	expect_num("1.0", 0, 100, E_NUM_INVALID, 0);
	expect_num("1a", 0, 100, E_NUM_INVALID, 0);
	expect_num("0x10", 0, 100, E_NUM_INVALID, 0);
	expect_num("5-", -100, 100, E_NUM_INVALID, 0);
	expect_num("abc", 0, 100, E_NUM_INVALID, 0);
}

Test(num, parse_min_and_max_accepted_exactly)
{
	expect_num("10", 0, 10, 0, 10);
	expect_num("0", 0, 10, 0, 0);
	expect_num("-5", -5, 5, 0, -5);
	expect_num("5", -5, 5, 0, 5);
	expect_num("7", 7, 7, 0, 7);
}

Test(num, parse_one_past_each_bound_is_range)
{
	expect_num("11", 0, 10, E_NUM_RANGE, 0);
	expect_num("-1", 0, 10, E_NUM_RANGE, 0);
	expect_num("-6", -5, 5, E_NUM_RANGE, 0);
	expect_num("6", -5, 5, E_NUM_RANGE, 0);
	expect_num("0", 1, 10, E_NUM_RANGE, 0);
	expect_num("-0", 1, 10, E_NUM_RANGE, 0);
	expect_num("6", 7, 7, E_NUM_RANGE, 0);
	expect_num("8", 7, 7, E_NUM_RANGE, 0);
}

Test(num, parse_negative_only_range)
{
	expect_num("-7", -10, -5, 0, -7);
	expect_num("-10", -10, -5, 0, -10);
	expect_num("-5", -10, -5, 0, -5);
	expect_num("-4", -10, -5, E_NUM_RANGE, 0);
	expect_num("-11", -10, -5, E_NUM_RANGE, 0);
	expect_num("0", -10, -5, E_NUM_RANGE, 0);
	expect_num("-0", -10, -5, E_NUM_RANGE, 0);
	expect_num("7", -10, -5, E_NUM_RANGE, 0);
}

Test(num, parse_llong_bounds)
{
	expect_num("9223372036854775807", LLONG_MIN, LLONG_MAX, 0,
	    LLONG_MAX);
	expect_num("-9223372036854775808", LLONG_MIN, LLONG_MAX, 0,
	    LLONG_MIN);
	expect_num("9223372036854775808", LLONG_MIN, LLONG_MAX, E_NUM_RANGE,
	    0);
	expect_num("-9223372036854775809", LLONG_MIN, LLONG_MAX,
	    E_NUM_RANGE, 0);
	expect_num("-9223372036854775807", LLONG_MIN, LLONG_MAX, 0,
	    -LLONG_MAX);
	expect_num("9223372036854775806", 0, LLONG_MAX - 1, 0,
	    LLONG_MAX - 1);
	expect_num("9223372036854775807", 0, LLONG_MAX - 1, E_NUM_RANGE, 0);
	expect_num("-9223372036854775807", LLONG_MIN + 1, 0, 0,
	    LLONG_MIN + 1);
	expect_num("-9223372036854775808", LLONG_MIN + 1, 0, E_NUM_RANGE,
	    0);
}

Test(num, parse_huge_digit_strings_are_range_not_wraparound)
{
	/* 2^64 would wrap to 0, 2^64 + 5 to 5. */
	expect_num("18446744073709551616", LLONG_MIN, LLONG_MAX,
	    E_NUM_RANGE, 0);
	expect_num("18446744073709551621", LLONG_MIN, LLONG_MAX,
	    E_NUM_RANGE, 0);
	expect_num("-18446744073709551616", LLONG_MIN, LLONG_MAX,
	    E_NUM_RANGE, 0);
	expect_num("18446744073709551615", LLONG_MIN, LLONG_MAX,
	    E_NUM_RANGE, 0);
	expect_num("-18446744073709551615", LLONG_MIN, LLONG_MAX,
	    E_NUM_RANGE, 0);
	expect_num("99999999999999999999999999999999999999", LLONG_MIN,
	    LLONG_MAX, E_NUM_RANGE, 0);
	expect_num("-99999999999999999999999999999999999999", LLONG_MIN,
	    LLONG_MAX, E_NUM_RANGE, 0);
	expect_num("36893488147419103237", 0, 100, E_NUM_RANGE, 0);
	expect_num("000000000000000000000000000000000000042", 0, 100, 0, 42);
}

Test(num, parse_garbage_after_huge_number_is_invalid)
{
	expect_num("99999999999999999999999x", 0, 100, E_NUM_INVALID, 0);
}

/*
 * A refused number never reaches the caller: the output keeps its value
 * on every error, as num_parse_base already does.
 */
Test(num, parse_error_leaves_output_untouched)
{
	static const struct {
		const char *s;
		long long min, max;
	} c[] = {
		{ "", 0, 10 }, { "x", 0, 10 },
		{ "99999999999999999999", 0, 10 }, { "11", 0, 10 }, { "-1", 0, 10 }, { "0", 1, 10 },
		{ "-0", 1, 10 }, { "-4", -10, -5 }, { "0", -10, -5 },
	};
	long long v;
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		v = UNTOUCHED;
		cr_assert_neq(num_parse(c[i].s, c[i].min, c[i].max, &v), 0);
		cr_assert_eq(v, UNTOUCHED, "num_parse(\"%s\", %lld, %lld) "
		    "failed but wrote %lld", c[i].s, c[i].min, c[i].max, v);
	}
}

Test(num, parse_rejects_min_above_max)
{
	expect_num("5", 10, 0, E_NUM_INVALID, 0);
}

Test(num, base_decimal)
{
	expect_base("0", 10, 100, 0, 0);
	expect_base("100", 10, 100, 0, 100);
	expect_base("101", 10, 100, E_NUM_RANGE, 0);
	expect_base("18446744073709551615", 10, ~0ULL, 0, ~0ULL);
	expect_base("18446744073709551616", 10, ~0ULL, E_NUM_RANGE, 0);
	expect_base("99999999999999999999999999", 10, ~0ULL, E_NUM_RANGE, 0);
	expect_base("0x10", 10, 100, E_NUM_INVALID, 0);
	expect_base("1a", 10, 100, E_NUM_INVALID, 0);
}

Test(num, base_rejects_sign_spaces_and_empty)
{
	expect_base("", 10, 100, E_NUM_INVALID, 0);
	expect_base(NULL, 10, 100, E_NUM_INVALID, 0);
	expect_base("-1", 10, 100, E_NUM_INVALID, 0);
	expect_base("+1", 10, 100, E_NUM_INVALID, 0);
	expect_base("-0", 8, 100, E_NUM_INVALID, 0);
	expect_base(" 1", 16, 100, E_NUM_INVALID, 0);
	expect_base("1 ", 16, 100, E_NUM_INVALID, 0);
	expect_base("12x", 10, 100, E_NUM_INVALID, 0);
}

Test(num, base_octal)
{
	expect_base("0", 8, 07777, 0, 0);
	expect_base("777", 8, 07777, 0, 0777);
	expect_base("0777", 8, 07777, 0, 0777);
	expect_base("7777", 8, 07777, 0, 07777);
	expect_base("010", 8, 07777, 0, 8);
	expect_base("10000", 8, 07777, E_NUM_RANGE, 0);
	expect_base("1777777777777777777777", 8, ~0ULL, 0, ~0ULL);
	expect_base("2000000000000000000000", 8, ~0ULL, E_NUM_RANGE, 0);
}

Test(num, base_octal_rejects_digits_8_and_9)
{
	expect_base("8", 8, 07777, E_NUM_INVALID, 0);
	expect_base("9", 8, 07777, E_NUM_INVALID, 0);
	expect_base("18", 8, 07777, E_NUM_INVALID, 0);
	expect_base("0789", 8, 07777, E_NUM_INVALID, 0);
	expect_base("999", 8, 07777, E_NUM_INVALID, 0);
	expect_base("0x7", 8, 07777, E_NUM_INVALID, 0);
	expect_base("a", 8, 07777, E_NUM_INVALID, 0);
}

Test(num, base_hex_with_and_without_prefix)
{
	expect_base("ff", 16, ~0ULL, 0, 0xff);
	expect_base("FF", 16, ~0ULL, 0, 0xff);
	expect_base("0xff", 16, ~0ULL, 0, 0xff);
	expect_base("0XfF", 16, ~0ULL, 0, 0xff);
	expect_base("0x00ff", 16, ~0ULL, 0, 0xff);
	expect_base("0", 16, ~0ULL, 0, 0);
	expect_base("0x0", 16, ~0ULL, 0, 0);
	expect_base("deadBEEF", 16, ~0ULL, 0, 0xdeadbeefULL);
	expect_base("ffffffffffffffff", 16, ~0ULL, 0, ~0ULL);
	expect_base("0xffffffffffffffff", 16, ~0ULL, 0, ~0ULL);
	expect_base("10000000000000000", 16, ~0ULL, E_NUM_RANGE, 0);
	expect_base("fffffffffffffffff", 16, ~0ULL, E_NUM_RANGE, 0);
	expect_base("ff", 16, 0xfe, E_NUM_RANGE, 0);
	expect_base("fe", 16, 0xfe, 0, 0xfe);
}

Test(num, base_hex_rejects_bad_forms)
{
	expect_base("0x", 16, ~0ULL, E_NUM_INVALID, 0);
	expect_base("0X", 16, ~0ULL, E_NUM_INVALID, 0);
	expect_base("x10", 16, ~0ULL, E_NUM_INVALID, 0);
	expect_base("0x0x1", 16, ~0ULL, E_NUM_INVALID, 0);
	expect_base("00x1", 16, ~0ULL, E_NUM_INVALID, 0);
	expect_base("g", 16, ~0ULL, E_NUM_INVALID, 0);
	expect_base("0xg", 16, ~0ULL, E_NUM_INVALID, 0);
	expect_base("-0x1", 16, ~0ULL, E_NUM_INVALID, 0);
	expect_base("0x 1", 16, ~0ULL, E_NUM_INVALID, 0);
}

Test(num, base_rejects_bad_base)
{
	static const int bad[] = { 0, 1, 2, 7, 9, 11, 15, 17, 36, -1, -16 };
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_base("1", bad[i], ~0ULL, E_NUM_INVALID, 0);
}

Test(num, base_max_zero)
{
	expect_base("0", 10, 0, 0, 0);
	expect_base("000", 10, 0, 0, 0);
	expect_base("0x0", 16, 0, 0, 0);
	expect_base("1", 10, 0, E_NUM_RANGE, 0);
	expect_base("f", 16, 0, E_NUM_RANGE, 0);
}
