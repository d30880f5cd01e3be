/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of src/common/admit.c: what a request may ask of a server,
 * with the errors the listener and the monitor both give.
 */
#include <string.h>

#include <criterion/criterion.h>

#include "admit.h"
#include "errors.h"

static struct req_exec r;
static struct admit_conf c;
static const char *argv[] = { "true", NULL };
static const char *envp[] = { "A=1", NULL };

static void
setup(void)
{
	memset(&r, 0, sizeof(r));
	r.argc = 1;
	r.argv = argv;
	c.flags = HELLO_PTY;
	c.max_fds = 8;
}

TestSuite(admit, .init = setup);

Test(admit, plain_request)
{
	cr_assert_eq(admit_request(&r, &c), 0);
}

Test(admit, directory_with_no_cwd)
{
	r.specials = REQ_SPECIAL_CWD;
	cr_assert_eq(admit_request(&r, &c), 0);
	c.flags |= HELLO_NO_CWD;
	cr_assert_eq(admit_request(&r, &c), E_NOT_ALLOWED);
}

Test(admit, root_only_with_client_root)
{
	r.specials = REQ_SPECIAL_ROOT;
	cr_assert_eq(admit_request(&r, &c), E_NOT_ALLOWED);
	c.flags |= HELLO_CLIENT_ROOT;
	cr_assert_eq(admit_request(&r, &c), 0);
}

Test(admit, terminal_with_no_ctty)
{
	r.specials = REQ_SPECIAL_TTY;
	cr_assert_eq(admit_request(&r, &c), 0);
	c.flags |= HELLO_NO_CTTY;
	cr_assert_eq(admit_request(&r, &c), E_NOT_ALLOWED);
}

/* -O: no descriptor, and no pty descriptor numbers either. */
Test(admit, fds_with_no_fds)
{
	c.flags |= HELLO_NO_FDS;
	cr_assert_eq(admit_request(&r, &c), 0);
	r.nfdmap = 1;
	cr_assert_eq(admit_request(&r, &c), E_NOT_ALLOWED);
	r.nfdmap = 0;
	r.flags = REQ_F_PTY;
	r.pty.nfd = 1;
	cr_assert_eq(admit_request(&r, &c), E_NOT_ALLOWED);
	r.pty.nfd = 0;
	cr_assert_eq(admit_request(&r, &c), 0);
}

Test(admit, env_with_no_env)
{
	r.envc = 1;
	r.envp = envp;
	cr_assert_eq(admit_request(&r, &c), 0);
	c.flags |= HELLO_NO_ENV;
	cr_assert_eq(admit_request(&r, &c), E_NOT_ALLOWED);
}

Test(admit, argv_with_no_argv)
{
	c.flags |= HELLO_NO_ARGV | HELLO_FORCED_ARGV;
	cr_assert_eq(admit_request(&r, &c), E_NOT_ALLOWED);
	r.argc = 0;
	cr_assert_eq(admit_request(&r, &c), 0);
}

Test(admit, pty_refused_and_required)
{
	r.flags = REQ_F_PTY;
	cr_assert_eq(admit_request(&r, &c), 0);
	c.flags &= ~(uint32_t)HELLO_PTY;
	cr_assert_eq(admit_request(&r, &c), E_PTY_REFUSED);
	r.flags = 0;
	c.flags |= HELLO_PTY | HELLO_PTY_ONLY;
	cr_assert_eq(admit_request(&r, &c), E_PTY_REQUIRED);
	r.flags = REQ_F_PTY;
	cr_assert_eq(admit_request(&r, &c), 0);
}

/* At the limit, and one past it (specials count too). */
Test(admit, max_fds)
{
	r.nfdmap = 7;
	r.specials = REQ_SPECIAL_CWD;
	cr_assert_eq(admit_request(&r, &c), 0);
	r.specials |= REQ_SPECIAL_TTY;
	cr_assert_eq(admit_request(&r, &c), E_TOO_MANY_FDS);
}

Test(admit, no_program)
{
	r.argc = 0;
	cr_assert_eq(admit_request(&r, &c), E_NO_PROGRAM);
	c.flags |= HELLO_FORCED_ARGV;
	cr_assert_eq(admit_request(&r, &c), 0);
}

/* An item refused outranks the rest; no program comes last. */
Test(admit, order)
{
	r.argc = 0;
	r.nfdmap = 9;
	r.flags = REQ_F_PTY;
	c.flags = HELLO_NO_FDS;
	cr_assert_eq(admit_request(&r, &c), E_NOT_ALLOWED);
	c.flags = 0;
	cr_assert_eq(admit_request(&r, &c), E_PTY_REFUSED);
	r.flags = 0;
	cr_assert_eq(admit_request(&r, &c), E_TOO_MANY_FDS);
}

/* Each HELLO flag on its own, from a server with no other. */
/* A server with flags, and a plain request: one argument, nothing else. */
static void
with_flags(uint32_t flags)
{
	memset(&c, 0, sizeof(c));
	memset(&r, 0, sizeof(r));
	c.flags = flags;
	c.max_fds = MSG_MAX_FDS;
	r.argc = 1;
	r.argv = argv;
}

TestSuite(admit_flags);

Test(admit_flags, plain_request_passes)
{
	with_flags(0);
	cr_assert_eq(admit_request(&r, &c), 0);
	with_flags(HELLO_ALL_FLAGS & ~(HELLO_NO_ARGV | HELLO_PTY_ONLY));
	cr_assert_eq(admit_request(&r, &c), 0);
}

Test(admit_flags, no_program_unless_forced)
{
	with_flags(0);
	r.argc = 0;
	cr_assert_eq(admit_request(&r, &c), E_NO_PROGRAM);
	with_flags(HELLO_FORCED_ARGV);
	r.argc = 0;
	cr_assert_eq(admit_request(&r, &c), 0);
	/* -A: a forced command line takes no client arguments at all. */
	with_flags(HELLO_FORCED_ARGV | HELLO_NO_ARGV);
	cr_assert_eq(admit_request(&r, &c), E_NOT_ALLOWED);
	r.argc = 0;
	cr_assert_eq(admit_request(&r, &c), 0);
}

Test(admit_flags, specials_the_server_does_not_take)
{
	with_flags(HELLO_NO_CWD);
	r.specials = REQ_SPECIAL_CWD;
	cr_assert_eq(admit_request(&r, &c), E_NOT_ALLOWED);
	with_flags(HELLO_NO_CTTY);
	r.specials = REQ_SPECIAL_TTY;
	cr_assert_eq(admit_request(&r, &c), E_NOT_ALLOWED);
	/* A root directory only where the server uses it (-r). */
	with_flags(0);
	r.specials = REQ_SPECIAL_ROOT;
	cr_assert_eq(admit_request(&r, &c), E_NOT_ALLOWED);
	with_flags(HELLO_CLIENT_ROOT);
	r.specials = REQ_SPECIAL_ALL;
	cr_assert_eq(admit_request(&r, &c), 0);
	/* Without the item, the refusing flag does not matter. */
	with_flags(HELLO_NO_CWD | HELLO_NO_CTTY);
	cr_assert_eq(admit_request(&r, &c), 0);
}

Test(admit_flags, descriptors_environment_arguments)
{
	with_flags(HELLO_NO_FDS);
	r.nfdmap = 1;
	cr_assert_eq(admit_request(&r, &c), E_NOT_ALLOWED);
	/* -O: the pty's numbers are descriptors too. */
	with_flags(HELLO_NO_FDS | HELLO_PTY);
	r.flags = REQ_F_PTY;
	r.pty.nfd = 1;
	cr_assert_eq(admit_request(&r, &c), E_NOT_ALLOWED);
	with_flags(HELLO_NO_ENV);
	r.envc = 1;
	cr_assert_eq(admit_request(&r, &c), E_NOT_ALLOWED);
	with_flags(HELLO_NO_ENV | HELLO_NO_FDS);
	cr_assert_eq(admit_request(&r, &c), 0);
	with_flags(HELLO_NO_ARGV);
	cr_assert_eq(admit_request(&r, &c), E_NOT_ALLOWED);
}

Test(admit_flags, pseudo_terminal)
{
	with_flags(0);
	r.flags = REQ_F_PTY;
	cr_assert_eq(admit_request(&r, &c), E_PTY_REFUSED);
	with_flags(HELLO_PTY);
	r.flags = REQ_F_PTY;
	cr_assert_eq(admit_request(&r, &c), 0);
	with_flags(HELLO_PTY | HELLO_PTY_ONLY);
	cr_assert_eq(admit_request(&r, &c), E_PTY_REQUIRED);
	r.flags = REQ_F_PTY;
	cr_assert_eq(admit_request(&r, &c), 0);
}

Test(admit_flags, first_refusal_wins)
{
	/* An item refused outright comes before the pty and the program. */
	with_flags(HELLO_NO_ENV);
	r.envc = 1;
	r.argc = 0;
	r.flags = REQ_F_PTY;
	cr_assert_eq(admit_request(&r, &c), E_NOT_ALLOWED);
	with_flags(0);
	r.argc = 0;
	r.flags = REQ_F_PTY;
	cr_assert_eq(admit_request(&r, &c), E_PTY_REFUSED);
}
