/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of src/spawner/env.c: without a privilege gain the client's
 * environment passes but for DIVE_*; with one only the allow-list, with
 * harmless values, and what the operator keeps, plus the target's HOME,
 * USER, LOGNAME, SHELL and a safe PATH; DIVE_* always from the kernel.
 */
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "log.h"
#include "monitor.h"
#include "options.h"
#include "policy.h"
#include "spawner.h"

static struct dived_opts o;
static struct req_exec r;
static struct plan_from a;
static struct exec_plan p;
static struct identity id;

/* The environment of the plan the monitor would build from o and r. */
static char **
build(void)
{
	plan_free(&p);
	cr_assert_eq(plan_build(&p, &a, false), 0);
	return env_build(&p, &id);
}

/* A client 1001:1001 asking with env; by default no gain (its own ids). */
static void
setup(const char **env)
{
	memset(&o, 0, sizeof(o));
	memset(&r, 0, sizeof(r));
	memset(&a, 0, sizeof(a));
	memset(&id, 0, sizeof(id));
	for (r.envc = 0; env[r.envc] != NULL; r.envc++)
		;
	r.envp = env;
	a.o = &o;
	a.req = &r;
	a.peer.uid = 1001;
	a.peer.gid = 1001;
	a.peer.pid = 42;
	id.change = true;
	id.ruid = id.euid = 1001;
	id.rgid = id.egid = 1001;
	id.client_name = "alice";
	id.name = "alice";
	id.home = "/home/alice";
	id.shell = "/bin/sh";
}

/* Become bob (1002:1002), a privilege gain. */
static void
as_bob(void)
{
	id.ruid = id.euid = 1002;
	id.rgid = id.egid = 1002;
	id.name = "bob";
	id.home = "/home/bob";
	id.shell = "/bin/bash";
}

/* The entry of env named name ("NAME=..."), or NULL. */
static const char *
get(char **env, const char *name)
{
	size_t n = strlen(name);

	for (; *env != NULL; env++)
		if (strncmp(*env, name, n) == 0 && (*env)[n] == '=')
			return *env;
	return NULL;
}

static size_t
count(char **env)
{
	size_t n = 0;

	while (env[n] != NULL)
		n++;
	return n;
}

TestSuite(env, .init = NULL);

Test(env, no_gain_passes_everything_but_dive)
{
	static const char *e[] = { "OPENSSL_CONF=/x", "LD_PRELOAD=/y",
		"HOME=/h", "DIVE_UID=0", "FOO_PLUGIN_DIR=/z", NULL };
	char **env;

	setup(e);
	env = build();
	cr_assert_not_null(env);
	cr_assert_str_eq(get(env, "OPENSSL_CONF"), "OPENSSL_CONF=/x");
	cr_assert_str_eq(get(env, "LD_PRELOAD"), "LD_PRELOAD=/y");
	cr_assert_str_eq(get(env, "HOME"), "HOME=/h");
	cr_assert_str_eq(get(env, "FOO_PLUGIN_DIR"), "FOO_PLUGIN_DIR=/z");
	cr_assert_str_eq(get(env, "DIVE_UID"), "DIVE_UID=1001");
	cr_assert_null(get(env, "PATH"));
	/* 4 of the client's, DIVE_UID, _GID, _PID, _USER */
	cr_assert_eq(count(env), 8);
}

Test(env, gain_passes_only_the_list)
{
	static const char *e[] = { "OPENSSL_CONF=/x", "FOO_PLUGIN_DIR=/z",
		"TERM=xterm", "COLORTERM=truecolor", "LANG=C.UTF-8",
		"LANGUAGE=de:fr", "LC_TIME=C", "DISPLAY=:0", "TZ=Europe/Paris",
		"HOME=/evil", "PATH=/evil", "USER=evil", "LOGNAME=evil",
		"SHELL=/evil", "DIVE_USER=root", NULL };
	char **env;

	setup(e);
	as_bob();
	env = build();
	cr_assert_not_null(env);
	cr_assert_null(get(env, "OPENSSL_CONF"));
	cr_assert_null(get(env, "FOO_PLUGIN_DIR"));
	cr_assert_str_eq(get(env, "TERM"), "TERM=xterm");
	cr_assert_str_eq(get(env, "COLORTERM"), "COLORTERM=truecolor");
	cr_assert_str_eq(get(env, "LANG"), "LANG=C.UTF-8");
	cr_assert_str_eq(get(env, "LANGUAGE"), "LANGUAGE=de:fr");
	cr_assert_str_eq(get(env, "LC_TIME"), "LC_TIME=C");
	cr_assert_str_eq(get(env, "DISPLAY"), "DISPLAY=:0");
	cr_assert_str_eq(get(env, "TZ"), "TZ=Europe/Paris");
	cr_assert_str_eq(get(env, "HOME"), "HOME=/home/bob");
	cr_assert_str_eq(get(env, "USER"), "USER=bob");
	cr_assert_str_eq(get(env, "LOGNAME"), "LOGNAME=bob");
	cr_assert_str_eq(get(env, "SHELL"), "SHELL=/bin/bash");
	cr_assert_str_eq(get(env, "PATH"), "PATH=" POLICY_SAFE_PATH);
	cr_assert_str_eq(get(env, "DIVE_USER"), "DIVE_USER=alice");
	/* 7 listed, 5 of the target, 4 DIVE_* */
	cr_assert_eq(count(env), 16);
}

Test(env, gain_refuses_listed_names_with_files_as_values)
{
	static const char *bad[] = { "TERM=../t", "LANG=/tmp/l", "LC_ALL=./x/y",
		"LANGUAGE=de:/x", "DISPLAY=/tmp/.X11-unix/X0", "TZ=/tmp/tz",
		"TZ=:/etc/x", "TZ=../zone", "TZ=:/usr/share/zoneinfo/../x",
		"LC_CTYPE=() { id; }", "TERM", "LANG", NULL };
	static const char *good[] = { "TZ=UTC", "TZ=:/usr/share/zoneinfo/UTC",
		"TZ=/usr/share/zoneinfo/Europe/Paris", "COLORTERM=a/b",
		"LC_MESSAGES=C", NULL };
	static const char *one[2] = { NULL, NULL };
	char **env;
	size_t i;

	for (i = 0; bad[i] != NULL; i++) {
		one[0] = bad[i];
		setup(one);
		as_bob();
		env = build();
		cr_assert_not_null(env);
		/* the target's 5 and DIVE_* 4, nothing else */
		cr_assert_eq(count(env), 9, "%s passed", bad[i]);
	}
	for (i = 0; good[i] != NULL; i++) {
		one[0] = good[i];
		setup(one);
		as_bob();
		env = build();
		cr_assert_not_null(env);
		cr_assert_eq(count(env), 10, "%s did not pass", good[i]);
	}
}

Test(env, gid_only_and_root_are_gains)
{
	static const char *e[] = { "FOO_PLUGIN_DIR=/z", NULL };

	setup(e);
	id.rgid = id.egid = 1003;	/* the client's uid, another group */
	cr_assert_null(get(build(), "FOO_PLUGIN_DIR"));
	setup(e);
	a.peer.uid = 0;			/* a root client, as root */
	id.ruid = id.euid = 0;
	cr_assert_null(get(build(), "FOO_PLUGIN_DIR"));
	setup(e);
	o.groups = "wheel";		/* -g */
	cr_assert_null(get(build(), "FOO_PLUGIN_DIR"));
	setup(e);
	id.change = false;		/* -P: dived's own ids, root */
	cr_assert_null(get(build(), "FOO_PLUGIN_DIR"));
}

Test(env, operator_keeps_names_and_prefixes)
{
	static const char *e[] = { "FOO_PLUGIN_DIR=/z", "OPENSSL_CONF=/x",
		"HOME=/mine", "GIT_DIR=/g", NULL };
	char **env;

	setup(e);
	as_bob();
	o.keep_env[0] = "FOO_*,HOME";
	o.nkeep_env = 1;
	env = build();
	cr_assert_not_null(env);
	cr_assert_str_eq(get(env, "FOO_PLUGIN_DIR"), "FOO_PLUGIN_DIR=/z");
	cr_assert_str_eq(get(env, "HOME"), "HOME=/mine");
	cr_assert_null(get(env, "OPENSSL_CONF"));
	cr_assert_null(get(env, "GIT_DIR"));
	cr_assert_str_eq(get(env, "USER"), "USER=bob");
}

Test(env, no_environment_passes_the_daemons)
{
	static const char *e[] = { "FOO_PLUGIN_DIR=/z", NULL };
	static char *d[] = { "OPENSSL_CONF=/daemon", NULL };
	char **env;

	setup(e);
	as_bob();
	o.no_environment = true;	/* -E */
	a.daemon_env = d;
	env = build();
	cr_assert_not_null(env);
	cr_assert_str_eq(get(env, "OPENSSL_CONF"), "OPENSSL_CONF=/daemon");
	cr_assert_null(get(env, "FOO_PLUGIN_DIR"));
	cr_assert_null(get(env, "HOME"));
}

Test(env, inplace_is_the_daemons_as_is)
{
	static const char *e[] = { "FOO=client", NULL };
	static char *d[] = { "DIVE_UID=7", "FOO=daemon", NULL };

	setup(e);
	a.daemon_env = d;
	plan_free(&p);
	cr_assert_eq(plan_build(&p, &a, true), 0);	/* -J */
	cr_assert_eq(env_build(&p, &id), d);
}

Test(env, client_never_sets_dive_variables)
{
	static const char *e[] = { "DIVE_UID=0", "DIVE_USER=root",
		"DIVE_PID=1", "DIVE_X=1", "DIVE=1", "XDIVE_UID=1", NULL };
	char **env;

	setup(e);
	/* Not even what the operator keeps by name or by prefix. */
	as_bob();
	o.keep_env[0] = "DIVE_*,DIVE_UID,DIVE,XDIVE_UID";
	o.nkeep_env = 1;
	env = build();
	cr_assert_not_null(env);
	cr_assert_str_eq(get(env, "DIVE_UID"), "DIVE_UID=1001");
	cr_assert_str_eq(get(env, "DIVE_GID"), "DIVE_GID=1001");
	cr_assert_str_eq(get(env, "DIVE_PID"), "DIVE_PID=42");
	cr_assert_str_eq(get(env, "DIVE_USER"), "DIVE_USER=alice");
	cr_assert_null(get(env, "DIVE_X"));
	cr_assert_str_eq(get(env, "DIVE"), "DIVE=1");
	cr_assert_str_eq(get(env, "XDIVE_UID"), "XDIVE_UID=1");
}

Test(env, empty_and_unnamed_client)
{
	static const char *e[] = { NULL };
	char **env;

	setup(e);
	r.envp = NULL;			/* no environment at all */
	id.client_name = NULL;		/* a uid without a name */
	env = build();
	cr_assert_not_null(env);
	cr_assert_null(get(env, "DIVE_USER"));
	cr_assert_eq(count(env), 3);
}

Test(env, gain_to_a_target_without_home_or_shell)
{
	static const char *e[] = { "HOME=/client", "SHELL=/client", NULL };
	char **env;

	setup(e);
	as_bob();
	id.home = NULL;
	id.shell = NULL;
	env = build();
	cr_assert_not_null(env);
	/* The client's never stand in for the target's. */
	cr_assert_null(get(env, "HOME"));
	cr_assert_null(get(env, "SHELL"));
	cr_assert_str_eq(get(env, "USER"), "USER=bob");
	cr_assert_str_eq(get(env, "PATH"), "PATH=" POLICY_SAFE_PATH);
}
