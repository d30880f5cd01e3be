/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of src/common/errors.c: every code has a text, codes not
 * given have the generic one, and nothing is ever NULL.
 */
#include <string.h>

#include <criterion/criterion.h>

#include "errors.h"

Test(errors, never_null)
{
	int r;

	for (r = 5; r >= -(E_MAX_CODE + 5); r--) {
		cr_assert_not_null(err_str(r), "code %d", r);
		cr_assert_neq(err_str(r)[0], '\0', "code %d", r);
	}
	cr_assert_str_eq(err_str(-E_MAX_CODE - 1), "unknown error");
	cr_assert_str_eq(err_str(1), "unknown error");
	cr_assert_str_eq(err_str(-0x7fffffff), "unknown error");
}

Test(errors, known_codes)
{
	cr_assert_str_eq(err_str(0), "success");
	cr_assert_str_eq(err_str(E_REQUEST_BYTES),
	    "request larger than the server accepts");
	cr_assert_not_null(strstr(err_str(E_RESOURCES), "out of resources"));
}
