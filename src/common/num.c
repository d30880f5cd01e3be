/* SPDX-License-Identifier: MIT */
/* Process: several: shared by the programs that link it (Makefile). */
/* Runs in: every process.  Trusts: nothing in the text it parses. */
#include <string.h>

#include "errors.h"
#include "num.h"

static int
digit(char c, int base)
{
	int v;

	if (c >= '0' && c <= '9')
		v = c - '0';
	else if (c >= 'a' && c <= 'f')
		v = c - 'a' + 10;
	else if (c >= 'A' && c <= 'F')
		v = c - 'A' + 10;
	else
		return -1;
	return v < base ? v : -1;
}

int
num_parse_base(const char *s, int base, unsigned long long max,
    unsigned long long *out)
{
	unsigned long long v = 0;
	int d, range = 0;

	if (s == NULL || (base != 8 && base != 10 && base != 16))
		return E_NUM_INVALID;
	if (base == 16 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	if (*s == '\0')
		return E_NUM_INVALID;
	for (; *s != '\0'; s++) {
		if ((d = digit(*s, base)) < 0)
			return E_NUM_INVALID;
		if ((unsigned long long)d > max ||
		    v > (max - (unsigned long long)d) / (unsigned)base)
			range = 1;
		else
			v = v * (unsigned)base + (unsigned)d;
	}
	if (range || v > max)
		return E_NUM_RANGE;
	*out = v;
	return 0;
}

int
num_parse(const char *s, long long min, long long max, long long *out)
{
	unsigned long long mag, lim;
	long long v;
	int neg, r;

	if (s == NULL || min > max)
		return E_NUM_INVALID;
	neg = s[0] == '-';
	/* Bound the magnitude by the side of the range the sign selects. */
	if (neg)
		lim = min < 0 ? (unsigned long long)(-(min + 1)) + 1 : 0;
	else
		lim = max < 0 ? 0 : (unsigned long long)max;
	if ((r = num_parse_base(s + neg, 10, ~0ULL, &mag)) != 0)
		return r;
	if (mag > lim)
		return E_NUM_RANGE;
	v = neg ? (mag == 0 ? 0 : -(long long)(mag - 1) - 1) : (long long)mag;
	/* *out is written only on success. */
	if (v < min || v > max)
		return E_NUM_RANGE;
	*out = v;
	return 0;
}
