/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the pure steps of a listener's session: admit_request
 * (src/common/admit.c, which the monitor runs again) refuses what the
 * server's MSG_HELLO said it does not take, and dedup_env
 * (src/listener/session.c) keeps the first entry of each name, in order.
 */
#include <string.h>

#include <criterion/criterion.h>

#include "admit.h"
#include "errors.h"
#include "listener.h"

static struct admit_conf c;
static struct req_exec r;
static const char *args[] = { "/bin/true", NULL };

/* A server with flags, and a plain request: one argument, nothing else. */
static void
setup(uint32_t flags)
{
	memset(&c, 0, sizeof(c));
	memset(&r, 0, sizeof(r));
	c.flags = flags;
	c.max_fds = MSG_MAX_FDS;
	r.argc = 1;
	r.argv = args;
}

TestSuite(admit);

Test(admit, plain_request_passes)
{
	setup(0);
	cr_assert_eq(admit_request(&r, &c), 0);
	setup(HELLO_ALL_FLAGS & ~(HELLO_NO_ARGV | HELLO_PTY_ONLY));
	cr_assert_eq(admit_request(&r, &c), 0);
}

Test(admit, no_program_unless_forced)
{
	setup(0);
	r.argc = 0;
	cr_assert_eq(admit_request(&r, &c), E_NO_PROGRAM);
	setup(HELLO_FORCED_ARGV);
	r.argc = 0;
	cr_assert_eq(admit_request(&r, &c), 0);
	/* -A: a forced command line takes no client arguments at all. */
	setup(HELLO_FORCED_ARGV | HELLO_NO_ARGV);
	cr_assert_eq(admit_request(&r, &c), E_NOT_ALLOWED);
	r.argc = 0;
	cr_assert_eq(admit_request(&r, &c), 0);
}

Test(admit, specials_the_server_does_not_take)
{
	setup(HELLO_NO_CWD);
	r.specials = REQ_SPECIAL_CWD;
	cr_assert_eq(admit_request(&r, &c), E_NOT_ALLOWED);
	setup(HELLO_NO_CTTY);
	r.specials = REQ_SPECIAL_TTY;
	cr_assert_eq(admit_request(&r, &c), E_NOT_ALLOWED);
	/* A root directory only where the server uses it (-r). */
	setup(0);
	r.specials = REQ_SPECIAL_ROOT;
	cr_assert_eq(admit_request(&r, &c), E_NOT_ALLOWED);
	setup(HELLO_CLIENT_ROOT);
	r.specials = REQ_SPECIAL_ALL;
	cr_assert_eq(admit_request(&r, &c), 0);
	/* Without the item, the refusing flag does not matter. */
	setup(HELLO_NO_CWD | HELLO_NO_CTTY);
	cr_assert_eq(admit_request(&r, &c), 0);
}

Test(admit, descriptors_environment_arguments)
{
	setup(HELLO_NO_FDS);
	r.nfdmap = 1;
	cr_assert_eq(admit_request(&r, &c), E_NOT_ALLOWED);
	/* -O: the pty's numbers are descriptors too. */
	setup(HELLO_NO_FDS | HELLO_PTY);
	r.flags = REQ_F_PTY;
	r.pty.nfd = 1;
	cr_assert_eq(admit_request(&r, &c), E_NOT_ALLOWED);
	setup(HELLO_NO_ENV);
	r.envc = 1;
	cr_assert_eq(admit_request(&r, &c), E_NOT_ALLOWED);
	setup(HELLO_NO_ENV | HELLO_NO_FDS);
	cr_assert_eq(admit_request(&r, &c), 0);
	setup(HELLO_NO_ARGV);
	cr_assert_eq(admit_request(&r, &c), E_NOT_ALLOWED);
}

Test(admit, pseudo_terminal)
{
	setup(0);
	r.flags = REQ_F_PTY;
	cr_assert_eq(admit_request(&r, &c), E_PTY_REFUSED);
	setup(HELLO_PTY);
	r.flags = REQ_F_PTY;
	cr_assert_eq(admit_request(&r, &c), 0);
	setup(HELLO_PTY | HELLO_PTY_ONLY);
	cr_assert_eq(admit_request(&r, &c), E_PTY_REQUIRED);
	r.flags = REQ_F_PTY;
	cr_assert_eq(admit_request(&r, &c), 0);
}

Test(admit, first_refusal_wins)
{
	/* An item refused outright comes before the pty and the program. */
	setup(HELLO_NO_ENV);
	r.envc = 1;
	r.argc = 0;
	r.flags = REQ_F_PTY;
	cr_assert_eq(admit_request(&r, &c), E_NOT_ALLOWED);
	setup(0);
	r.argc = 0;
	r.flags = REQ_F_PTY;
	cr_assert_eq(admit_request(&r, &c), E_PTY_REFUSED);
}

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
