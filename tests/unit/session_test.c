/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the pure step of a listener's session: dedup_env
 * (src/listener/session.c) keeps the first entry of each name, in order.
 * (The request's admissibility, admit_request: admit_test.c.)
 */
#include <string.h>

#include <criterion/criterion.h>

#include "errors.h"
#include "listener.h"

static struct req_exec r;

/* envp (NULL-terminated) as the request's environment. */
static void
set_env(const char **envp)
{
	memset(&r, 0, sizeof(r));
	r.envp = envp;
	for (r.envc = 0; envp[r.envc] != NULL; r.envc++)
		;
}

static void
assert_env(const char *const *want)
{
	uint32_t i;

	for (i = 0; want[i] != NULL; i++) {
		cr_assert_lt(i, r.envc, "entry %u missing: %s", i, want[i]);
		cr_assert_str_eq(r.envp[i], want[i]);
	}
	cr_assert_eq(r.envc, i);
	cr_assert_null(r.envp[i]);
}

TestSuite(dedup_env);

Test(dedup_env, nothing_to_do)
{
	const char *none[] = { NULL };
	const char *one[] = { "A=1", NULL };
	const char *two[] = { "A=1", "B=1", NULL };

	set_env(none);
	cr_assert_eq(dedup_env(&r), 0);
	assert_env(none);
	set_env(one);
	cr_assert_eq(dedup_env(&r), 0);
	assert_env(one);
	set_env(two);
	cr_assert_eq(dedup_env(&r), 0);
	assert_env(two);
}

Test(dedup_env, first_of_each_name_in_order)
{
	const char *e[] = { "B=1", "A=1", "B=2", "A=2", "C=1", "A=3", NULL };
	static const char *const want[] = { "B=1", "A=1", "C=1", NULL };

	set_env(e);
	cr_assert_eq(dedup_env(&r), 0);
	assert_env(want);
}

Test(dedup_env, names_compare_whole)
{
	/* A prefix is another name; an empty value is a value; the name
	 * ends at the first '='. */
	const char *e[] = { "A=1", "AB=2", "A=", "A==x", "AB=3", "=x", "=y",
		NULL };
	static const char *const want[] = { "A=1", "AB=2", "=x", NULL };

	set_env(e);
	cr_assert_eq(dedup_env(&r), 0);
	assert_env(want);
}

Test(dedup_env, many_of_one_name)
{
	static const char *e[MSG_MAX_ENV + 1];
	static const char *const want[] = { "X=first", "Y=1", NULL };
	uint32_t i;

	e[0] = "X=first";
	for (i = 1; i < MSG_MAX_ENV; i++)
		e[i] = i == MSG_MAX_ENV / 2 ? "Y=1" : "X=again";
	e[MSG_MAX_ENV] = NULL;
	set_env(e);
	cr_assert_eq(r.envc, MSG_MAX_ENV);
	cr_assert_eq(dedup_env(&r), 0);
	assert_env(want);
}
