/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of src/monitor/plan.c: the decisions the monitor makes once
 * and the spawner only carries out (-O, the rule's nofds and noroot, -r
 * implying no_new_privs, the rule's path as argv[0], whom as, -J).
 */
#include <sched.h>
#include <string.h>

#include <criterion/criterion.h>

#include "conf.h"
#include "monitor.h"

static struct dived_opts o;
static struct req_exec r;
static struct conf_rule rule;
static struct plan_from f;
static struct exec_plan p;

static const char *argv[] = { "ls", "-l", NULL };

static void
setup(void)
{
	memset(&o, 0, sizeof(o));
	memset(&r, 0, sizeof(r));
	memset(&rule, 0, sizeof(rule));
	memset(&f, 0, sizeof(f));
	r.argc = 2;
	r.argv = argv;
	r.nfdmap = 4;
	r.fdnum[0] = 0;
	r.fdnum[1] = 1;
	r.fdnum[2] = 2;
	r.fdnum[3] = 5;
	r.umask = 022;
	f.o = &o;
	f.req = &r;
	f.peer.uid = 1001;
	f.peer.gid = 1001;
}

static void
build(bool inplace)
{
	cr_assert_eq(plan_build(&p, &f, inplace), 0);
}

static void
teardown(void)
{
	plan_free(&p);
}

TestSuite(plan, .init = setup, .fini = teardown);

Test(plan, plain_request)
{
	build(false);
	cr_assert_eq(p.mode, PLAN_FORK);
	cr_assert_not(p.detach);
	cr_assert_eq(p.what.argc, 2);
	cr_assert_str_eq(p.what.argv[0], "ls");
	cr_assert_null(p.what.argv[2]);
	cr_assert_null(p.what.forced_path);
	cr_assert_eq(p.fds.nrecv, 4);
	cr_assert_eq(p.fds.nkept, 4);
	cr_assert_not(p.fds.none);
	cr_assert_null(p.fds.pty);
	cr_assert(p.fds.set_umask);
	cr_assert_eq(p.fds.umask, 022);
	cr_assert(p.fds.setsid);
	cr_assert(p.fds.take_ctty);
	cr_assert(p.where.client_cwd);
	cr_assert_not(p.caps.no_new_privs);
	cr_assert_null(p.who.user);
	cr_assert_not(p.who.keep_ids);
	cr_assert_eq(p.env.src, NULL);	/* the request's, none here */
	cr_assert_not(p.env.gains);
}

Test(plan, modes)
{
	o.no_fork = true;
	o.children_daemon = true;
	build(false);
	cr_assert_eq(p.mode, PLAN_NO_FORK);
	cr_assert(p.detach);
	plan_free(&p);
	o.no_fork = o.children_daemon = false;
	build(true);
	cr_assert_eq(p.mode, PLAN_JUST);
	cr_assert(p.env.as_is);
	cr_assert_not(p.fds.set_umask);	/* -J: dived's own */
	cr_assert(p.who.keep_ids);	/* -J without -u, -e, -g */
	plan_free(&p);
	o.user = "bob";
	build(true);
	cr_assert_not(p.who.keep_ids);
}

/* -O: no descriptor of the client's; a pty at 0, 1 and 2. */
Test(plan, no_fds)
{
	o.no_fds = true;
	r.nfdmap = 0;
	r.flags = REQ_F_PTY;
	r.pty.nfd = 1;
	r.pty.fdnum[0] = 7;
	build(false);
	cr_assert(p.fds.none);
	cr_assert_eq(p.fds.nkept, 0);
	cr_assert_eq(p.fds.pty, &r.pty);
	cr_assert_eq(p.fds.pty_nfd, 3);
	cr_assert_eq(p.fds.pty_fdnum[0], 0);
	cr_assert_eq(p.fds.pty_fdnum[2], 2);
}

Test(plan, pty_numbers)
{
	r.flags = REQ_F_PTY | REQ_F_TTYMODES;
	r.pty.nfd = 1;
	r.pty.fdnum[0] = 7;
	build(false);
	cr_assert_eq(p.fds.pty_nfd, 1);
	cr_assert_eq(p.fds.pty_fdnum[0], 7);
	cr_assert(p.fds.ttymodes);
}

/* The rule's nofds: only 0, 1 and 2 of the client's. */
Test(plan, rule_nofds)
{
	rule.opts = CONF_OPT_NOFDS;
	f.rule = &rule;
	build(false);
	cr_assert_eq(p.fds.nkept, 3);
	cr_assert_eq(p.fds.nrecv, 4);	/* all received, then closed */
}

/* -r implies no_new_privs, unless the rule says noroot. */
Test(plan, client_root)
{
	o.client_chroot = true;
	build(false);
	cr_assert(p.where.client_chroot);
	cr_assert(p.caps.no_new_privs);
	plan_free(&p);
	rule.opts = CONF_OPT_NOROOT;
	f.rule = &rule;
	build(false);
	cr_assert_not(p.where.client_chroot);
	cr_assert_not(p.caps.no_new_privs);
}

Test(plan, directory)
{
	o.no_chdir = true;
	build(false);
	cr_assert_not(p.where.client_cwd);
	plan_free(&p);
	o.no_chdir = false;
	o.root_to_current = true;
	build(false);
	cr_assert_not(p.where.client_cwd);
}

/* Permitted through another path of the rule's file: the rule's path. */
Test(plan, rule_path_as_argv0)
{
	rule.cmd = "/usr/bin/ls";
	f.rule = &rule;
	f.exec_path = "/bin/ls";
	build(false);
	cr_assert_str_eq(p.what.argv[0], "/usr/bin/ls");
	cr_assert_str_eq(p.what.rule_cmd, "/usr/bin/ls");
	plan_free(&p);
	f.exec_path = "/usr/bin/ls";
	build(false);
	cr_assert_str_eq(p.what.argv[0], "ls");
}

Test(plan, forced_command)
{
	char *forced[] = { "/bin/true", "x", NULL };

	o.forced_argv = forced;
	o.forced_argc = 2;
	o.no_argv = true;
	f.forced_path = "/usr/bin/true";
	r.argc = 0;
	build(false);
	cr_assert_eq(p.what.argc, 2);
	cr_assert_str_eq(p.what.argv[0], "/bin/true");
	cr_assert_str_eq(p.what.forced_path, "/usr/bin/true");
}

/* A target the client asked for comes with its own groups, not -g's. */
Test(plan, who)
{
	o.user = "alice";
	o.groups = "wheel";
	o.effective_user = "carol";
	build(false);
	cr_assert_str_eq(p.who.user, "alice");
	cr_assert_str_eq(p.who.group_list, "wheel");
	cr_assert_str_eq(p.who.effective_user, "carol");
	cr_assert(p.env.gains);		/* -g */
	plan_free(&p);
	f.target_user = "1002";
	build(false);
	cr_assert_str_eq(p.who.user, "1002");
	cr_assert_null(p.who.group_list);
}

Test(plan, gains_by_options)
{
	o.unshare = CLONE_NEWUSER;
	build(false);
	cr_assert(p.env.gains);
	plan_free(&p);
	o.unshare = 0;
	o.caps_set = true;	/* -c with empty sets gives nothing */
	build(false);
	cr_assert_not(p.env.gains);
	plan_free(&p);
	o.cap_eff = 1;
	build(false);
	cr_assert(p.env.gains);
}

/* plan_kept_fds: how many of the client's descriptors the program keeps. */
static struct req_exec kr;

static void
set_fds(const uint32_t *num, uint32_t n)
{
	memset(&kr, 0, sizeof(kr));
	memcpy(kr.fdnum, num, n * sizeof(*num));
	kr.nfdmap = n;
}

TestSuite(kept_fds);

Test(kept_fds, all_without_nofds)
{
	static const uint32_t num[] = { 0, 1, 2, 7, 200 };
	struct conf_rule nr;

	set_fds(num, 5);
	cr_assert_eq(plan_kept_fds(&kr, NULL), 5);
	memset(&nr, 0, sizeof(nr));
	nr.opts = CONF_OPT_NOFDS ^ ~0u;	/* every other option */
	cr_assert_eq(plan_kept_fds(&kr, &nr), 5);
	set_fds(num, 0);
	cr_assert_eq(plan_kept_fds(&kr, NULL), 0);
}

Test(kept_fds, nofds_keeps_only_0_1_2)
{
	static const uint32_t std[] = { 0, 1, 2, 3, 9 };
	static const uint32_t some[] = { 1, 5 };
	static const uint32_t high[] = { 3, 4 };
	struct conf_rule nr;

	memset(&nr, 0, sizeof(nr));
	nr.opts = CONF_OPT_NOFDS;
	set_fds(std, 5);
	cr_assert_eq(plan_kept_fds(&kr, &nr), 3);
	set_fds(std, 3);
	cr_assert_eq(plan_kept_fds(&kr, &nr), 3);
	set_fds(some, 2);
	cr_assert_eq(plan_kept_fds(&kr, &nr), 1);
	set_fds(high, 2);
	cr_assert_eq(plan_kept_fds(&kr, &nr), 0);
	set_fds(high, 0);
	cr_assert_eq(plan_kept_fds(&kr, &nr), 0);
}
