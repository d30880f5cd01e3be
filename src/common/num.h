/* SPDX-License-Identifier: MIT */
/* Process: several: shared by the programs that link it (Makefile). */
/*
 * Range-checked number parsing (strtonum(3)-like, without libbsd, so the
 * client links only libc).
 */
#ifndef DIVE_NUM_H
#define DIVE_NUM_H

#include <stdint.h>

#include "buf.h"

/*
 * num_parse: parse a decimal integer in [min, max].  The whole string must
 * be the number: an optional '-', digits, nothing else.
 * Returns 0, E_NUM_INVALID or E_NUM_RANGE.
 */
int num_parse(const char *s, long long min, long long max, long long *out) WUR;

/*
 * num_parse_base: the same in base 8, 10 or 16, unsigned, no sign; a
 * "0x" prefix is accepted in base 16.
 */
int num_parse_base(const char *s, int base, unsigned long long max,
    unsigned long long *out) WUR;

#endif
