/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of src/policy/policy.c: matching by user, group and uid,
 * the target user, the command and its exact arguments; the last
 * matching rule wins and no match denies; plain paths; the environment
 * a rule gives.
 */
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "errors.h"
#include "msg.h"
#include "policy.h"

static struct conf c;

static void
fini(void)
{
	conf_free(&c);
}

TestSuite(policy, .fini = fini);

/*
 * Parse text, then resolve the names the tests use as a loader would:
 * alice 1001, bob 1002, root 0; groups wheel 10, staff 50.
 */
static void
load(const char *text)
{
	static const struct {
		const char *name;
		uint32_t id;
	} users[] = { { "alice", 1001 }, { "bob", 1002 }, { "root", 0 } },
	    groups[] = { { "wheel", 10 }, { "staff", 50 } };
	struct conf_error e;
	struct conf_id *id;
	size_t i, k, j;

	conf_free(&c);
	cr_assert_eq(conf_parse(text, strlen(text), &c, &e), 0, "%u:%u: %s",
	    e.line, e.col, e.msg);
	for (i = 0; i < c.nrules; i++) {
		for (k = 0; k < 2; k++) {
			id = k == 0 ? &c.rules[i].who_id : &c.rules[i].as_id;
			bool grp = k == 0 && c.rules[i].who == CONF_WHO_GROUP;
			if (id->name == NULL || id->numeric)
				continue;
			for (j = 0; j < 3; j++)
				if (!grp && strcmp(id->name, users[j].name) == 0)
					id->id = users[j].id;
			for (j = 0; j < 2; j++)
				if (grp && strcmp(id->name, groups[j].name) == 0)
					id->id = groups[j].id;
		}
	}
}

static const gid_t alice_groups[] = { 1001, 10 };

/* alice (gid 1001, groups 1001 and wheel) runs cmd args as herself. */
static struct policy_req
req(const char *cmd, const char *const *args, size_t nargs)
{
	struct policy_req q;

	memset(&q, 0, sizeof(q));
	q.uid = q.gid = q.target = 1001;
	q.groups = alice_groups;
	q.ngroups = 2;
	q.target_default = true;
	q.cmd = cmd;
	q.args = args;
	q.nargs = nargs;
	return q;
}

static bool
permits(const struct policy_req *q)
{
	struct policy_decision d;

	policy_decide(&c, q, &d);
	return d.permit;
}

static const char *const none[] = { NULL };

Test(policy, no_rules_deny_by_default)
{
	struct policy_req q = req("/bin/ls", none, 0);
	struct policy_decision d;

	load("");
	policy_decide(&c, &q, &d);
	cr_assert_not(d.permit);
	cr_assert_null(d.rule);
	cr_assert_eq(d.reason, DENY_NO_RULE);
}

Test(policy, no_matching_rule_denies)
{
	struct policy_req q = req("/bin/ls", none, 0);
	struct policy_decision d;

	load("permit bob\npermit :staff");
	policy_decide(&c, &q, &d);
	cr_assert_not(d.permit);
	cr_assert_eq(d.reason, DENY_NO_RULE);
}

Test(policy, by_user_name_uid_and_anyone)
{
	struct policy_req q = req("/bin/ls", none, 0);

	load("permit alice");
	cr_assert(permits(&q));
	load("permit 1001");
	cr_assert(permits(&q));
	load("permit 1002");
	cr_assert_not(permits(&q));
	load("permit *");
	cr_assert(permits(&q));
}

Test(policy, by_group_primary_or_supplementary)
{
	struct policy_req q = req("/bin/ls", none, 0);

	load("permit :wheel");		/* supplementary */
	cr_assert(permits(&q));
	load("permit :1001");		/* primary, by number */
	cr_assert(permits(&q));
	load("permit :staff");
	cr_assert_not(permits(&q));
	q.ngroups = 0;			/* the kernel says: no groups */
	load("permit :wheel");
	cr_assert_not(permits(&q));
}

Test(policy, the_last_matching_rule_wins)
{
	struct policy_req q = req("/bin/ls", none, 0);
	struct policy_decision d;

	load("permit alice\ndeny :wheel\n");
	policy_decide(&c, &q, &d);
	cr_assert_not(d.permit);
	cr_assert_eq(d.reason, DENY_RULE);
	cr_assert_eq(d.rule, &c.rules[1]);
	load("deny :wheel\npermit alice\n");
	policy_decide(&c, &q, &d);
	cr_assert(d.permit);
	cr_assert_eq(d.rule, &c.rules[1]);
	/* A later rule that does not match changes nothing. */
	load("deny *\npermit alice\ndeny bob\npermit :staff\n");
	policy_decide(&c, &q, &d);
	cr_assert(d.permit);
	cr_assert_eq(d.rule, &c.rules[1]);
}

Test(policy, target_default_named_and_any)
{
	struct policy_req q = req("/bin/ls", none, 0);

	load("permit alice");
	cr_assert(permits(&q));
	q.target = 0;
	q.target_default = false;
	cr_assert_not(permits(&q), "no 'as': only the default target");
	load("permit alice as root");
	cr_assert(permits(&q));
	load("permit alice as bob");
	cr_assert_not(permits(&q));
	load("permit alice as 0");
	cr_assert(permits(&q));
	load("permit alice as *");
	cr_assert(permits(&q));
	/* "as alice" matches alice even when she asked for herself. */
	q.target = 1001;
	load("permit alice as alice");
	cr_assert(permits(&q));
}

Test(policy, command_and_exact_arguments)
{
	static const char *const u[] = { "-u" }, *const un[] = { "-u", "-n" };
	struct policy_req q = req("/usr/bin/id", u, 1);

	load("permit alice cmd /usr/bin/id");
	cr_assert(permits(&q));
	load("permit alice cmd /usr/bin/ls");
	cr_assert_not(permits(&q));
	load("permit alice cmd /usr/bin/id args -u");
	cr_assert(permits(&q));
	load("permit alice cmd /usr/bin/id args -n");
	cr_assert_not(permits(&q));
	load("permit alice cmd /usr/bin/id args");
	cr_assert_not(permits(&q), "args alone: no arguments");
	q = req("/usr/bin/id", un, 2);
	load("permit alice cmd /usr/bin/id args -u");
	cr_assert_not(permits(&q), "a prefix of the arguments is not them");
	load("permit alice cmd /usr/bin/id args -u -n");
	cr_assert(permits(&q));
	q = req("/usr/bin/id", none, 0);
	load("permit alice cmd /usr/bin/id args");
	cr_assert(permits(&q));
}

Test(policy, an_unresolved_program_matches_no_cmd_rule)
{
	struct policy_req q = req(NULL, none, 0);

	load("permit alice cmd /bin/ls");
	cr_assert_not(permits(&q));
	load("permit alice");
	cr_assert(permits(&q));
}

Test(policy, deny_a_command_permit_the_rest)
{
	struct policy_req sh = req("/bin/sh", none, 0);
	struct policy_req ls = req("/bin/ls", none, 0);

	load("permit :wheel as *\ndeny * as * cmd /bin/sh\n");
	cr_assert_not(permits(&sh));
	cr_assert(permits(&ls));
}

/* ---- commands by file: a merged /usr, as a lookup table ---- */

static const struct {
	const char *path;
	dev_t dev;
	ino_t ino;
} files[] = {
	{ "/bin/sh", 8, 100 }, { "/usr/bin/sh", 8, 100 },
	{ "/usr/bin/dash", 8, 100 }, { "/bin/true", 8, 200 },
	{ "/usr/bin/true", 8, 200 }, { "/home/a/true", 9, 200 },
};
static int lookups;

static int
lookup(const char *path, struct policy_file *out, void *arg)
{
	size_t i;

	cr_assert_eq(arg, &lookups);
	lookups++;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (strcmp(files[i].path, path) == 0) {
			out->dev = files[i].dev;
			out->ino = files[i].ino;
			return 0;
		}
	return -1;
}

/* alice's request for path, which resolves as files[] says. */
static struct policy_req
req_file(const char *path, const char *const *args, size_t nargs)
{
	struct policy_req q = req(path, args, nargs);

	q.name = path;
	q.lookup = lookup;
	q.lookup_arg = &lookups;
	q.have_file = lookup(path, &q.file, &lookups) == 0;
	return q;
}

Test(policy, deny_cmd_stops_every_name_of_the_file)
{
	static const char *const v[] = { "/bin/sh", "/usr/bin/sh",
	    "/usr/bin/dash" };
	struct policy_req q;
	size_t i;

	load("permit alice\ndeny alice cmd /bin/sh\n");
	for (i = 0; i < 3; i++) {
		q = req_file(v[i], none, 0);
		cr_assert_not(permits(&q), "%s", v[i]);
	}
	q = req_file("/usr/bin/true", none, 0);
	cr_assert(permits(&q));
}

Test(policy, permit_cmd_permits_every_name_of_the_file)
{
	const char *const u[] = { "x", NULL };
	struct policy_req q = req_file("/usr/bin/true", u, 1);

	load("permit alice cmd /bin/true args x\n");
	cr_assert(permits(&q));
	q = req_file("/usr/bin/true", none, 0);
	cr_assert_not(permits(&q), "args still count");
	/* Another device, the same inode number: another file. */
	q = req_file("/home/a/true", u, 1);
	cr_assert_not(permits(&q));
	q = req_file("/usr/bin/sh", u, 1);
	cr_assert_not(permits(&q));
	q = req_file("/usr/bin/true", u, 1);
	q.name = "true";
	cr_assert(permits(&q));
}

Test(policy, permit_by_file_only_under_the_rule_s_name)
{
	struct policy_req q = req_file("/usr/bin/true", none, 0);

	load("permit alice cmd /bin/true\n");
	q.name = "/home/a/bin/reboot";	/* a link of hers to the file */
	cr_assert_not(permits(&q));
	q.name = "/home/a/bin/true";
	cr_assert(permits(&q));
	q.name = NULL;
	cr_assert_not(permits(&q), "no name known: no match by file");
	load("permit alice\ndeny alice cmd /bin/true\n");
	q.name = "/home/a/bin/reboot";
	cr_assert_not(permits(&q), "a deny rule holds under any name");
}

Test(policy, a_cmd_that_names_no_file_matches_its_path_only)
{
	struct policy_req q = req_file("/usr/bin/true", none, 0);

	load("deny alice cmd /no/such\npermit alice cmd /nowhere\n");
	cr_assert_not(permits(&q));
	q = req_file("/nowhere", none, 0);
	cr_assert_not(q.have_file);
	cr_assert(permits(&q), "the same path still matches");
	load("deny alice cmd /nowhere\npermit alice\n");
	cr_assert(permits(&q), "the last rule decides");
	load("permit alice\ndeny alice cmd /nowhere\n");
	cr_assert_not(permits(&q), "a deny by path holds without a file");
}

Test(policy, rules_without_cmd_look_nothing_up)
{
	struct policy_req q = req_file("/usr/bin/true", none, 0);

	load("permit alice\npermit bob cmd /bin/true\n");
	lookups = 0;
	cr_assert(permits(&q));
	cr_assert_eq(lookups, 0);
}

Test(policy, match_is_exported_for_each_rule)
{
	struct policy_req q = req("/bin/ls", none, 0);

	load("permit bob\npermit alice");
	cr_assert_not(policy_match(&c.rules[0], &q));
	cr_assert(policy_match(&c.rules[1], &q));
}

/* ---- plain paths ---- */

static void
canon(const char *in, const char *out)
{
	char buf[64];

	cr_assert_eq(policy_canon_path(in, buf, sizeof(buf)), 0, "%s", in);
	cr_assert_str_eq(buf, out);
}

Test(policy, canon_path)
{
	canon("/usr/bin/id", "/usr/bin/id");
	canon("//usr///bin//id", "/usr/bin/id");
	canon("/usr/./bin/./id", "/usr/bin/id");
	canon("/usr/bin/id/", "/usr/bin/id");
	canon("/", "/");
	canon("/./", "/");
	canon("/.x/..y", "/.x/..y");
}

Test(policy, canon_path_refuses)
{
	char buf[8];

	cr_assert_eq(policy_canon_path("bin/id", buf, sizeof(buf)),
	    E_BAD_VALUE);
	cr_assert_eq(policy_canon_path("", buf, sizeof(buf)), E_BAD_VALUE);
	cr_assert_eq(policy_canon_path("/a/../b", buf, sizeof(buf)),
	    E_BAD_VALUE);
	cr_assert_eq(policy_canon_path("/..", buf, sizeof(buf)), E_BAD_VALUE);
	cr_assert_eq(policy_canon_path("/abcdefg", buf, sizeof(buf)),
	    E_TOO_LONG);
	cr_assert_eq(policy_canon_path("/abcdef", buf, sizeof(buf)), 0);
}

/* ---- the environment ---- */

static const char *
get(char **env, const char *name)
{
	size_t n = strlen(name), i;

	for (i = 0; env[i] != NULL; i++)
		if (strncmp(env[i], name, n) == 0 && env[i][n] == '=')
			return env[i] + n + 1;
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

static const char *const client_env[] = { "HOME=/home/alice", "TERM=xterm",
	"LD_PRELOAD=/tmp/evil.so", "LANG=C.UTF-8", "LC_ALL=C", "PATH=/tmp",
	"DISPLAY=:0", "X=1", NULL };
static const struct policy_target_env root_env = { "root", "/root",
	"/bin/sh" };

static char **
env_of(const char *text)
{
	char **env;

	load(text);
	env = policy_env(&c.rules[0], client_env, &root_env);
	cr_assert_not_null(env);
	return env;
}

Test(policy, env_without_keepenv_is_the_targets)
{
	char **env = env_of("permit alice");

	cr_assert_eq(count(env), 7);
	cr_assert_str_eq(get(env, "TERM"), "xterm");
	cr_assert_str_eq(get(env, "DISPLAY"), ":0");
	cr_assert_str_eq(get(env, "HOME"), "/root");
	cr_assert_str_eq(get(env, "USER"), "root");
	cr_assert_str_eq(get(env, "LOGNAME"), "root");
	cr_assert_str_eq(get(env, "SHELL"), "/bin/sh");
	cr_assert_str_eq(get(env, "PATH"), POLICY_SAFE_PATH);
	cr_assert_null(get(env, "LD_PRELOAD"));
	cr_assert_null(get(env, "LANG"));
	free(env);
}

Test(policy, env_keepenv_keeps_it_all)
{
	char **env = env_of("permit keepenv alice");

	cr_assert_eq(count(env), 8);
	cr_assert_str_eq(get(env, "HOME"), "/home/alice");
	cr_assert_str_eq(get(env, "PATH"), "/tmp");
	cr_assert_str_eq(get(env, "LD_PRELOAD"), "/tmp/evil.so");
	cr_assert_null(get(env, "USER"));
	free(env);
}

Test(policy, env_keep_list_with_prefixes)
{
	char **env = env_of("permit keepenv { LANG LC_* HOME } alice");

	cr_assert_str_eq(get(env, "LANG"), "C.UTF-8");
	cr_assert_str_eq(get(env, "LC_ALL"), "C");
	/* A kept name wins over the target's. */
	cr_assert_str_eq(get(env, "HOME"), "/home/alice");
	cr_assert_str_eq(get(env, "USER"), "root");
	cr_assert_str_eq(get(env, "PATH"), POLICY_SAFE_PATH);
	cr_assert_null(get(env, "X"));
	cr_assert_eq(count(env), 9);
	free(env);
}

Test(policy, env_setenv_sets_replaces_and_removes)
{
	char **env = env_of("permit keepenv setenv { X=2 NEW=a=b -LD_PRELOAD "
	    "-NOPE EMPTY= } alice");

	cr_assert_str_eq(get(env, "X"), "2");
	cr_assert_str_eq(get(env, "NEW"), "a=b");
	cr_assert_str_eq(get(env, "EMPTY"), "");
	cr_assert_null(get(env, "LD_PRELOAD"));
	cr_assert_eq(count(env), 9);
	free(env);
}

/* Duplicated names (which a sound listener never passes on) all go. */
Test(policy, env_setenv_acts_on_every_entry_of_a_name)
{
	static const char *const dups[] = { "LD_PRELOAD=/a.so", "X=1",
		"LD_PRELOAD=/b.so", "X=3", "LD_PRELOAD=/c.so", NULL };
	char **env;
	size_t i, nx = 0;

	load("permit keepenv setenv { -LD_PRELOAD X=2 } alice");
	env = policy_env(&c.rules[0], dups, &root_env);
	cr_assert_not_null(env);
	for (i = 0; env[i] != NULL; i++) {
		cr_assert_neq(strncmp(env[i], "LD_PRELOAD=", 11), 0,
		    "%s left", env[i]);
		nx += strncmp(env[i], "X=", 2) == 0;
	}
	cr_assert_eq(nx, 1);
	cr_assert_str_eq(get(env, "X"), "2");
	cr_assert_eq(count(env), 1);
	free(env);
}

Test(policy, env_setenv_without_keepenv_overrides_the_target)
{
	char **env = env_of("permit setenv { PATH=/bin -TERM } alice");

	cr_assert_str_eq(get(env, "PATH"), "/bin");
	cr_assert_null(get(env, "TERM"));
	free(env);
}

Test(policy, env_of_a_target_without_passwd_entry)
{
	static const struct policy_target_env nothing = { NULL, NULL, NULL };
	char **env;

	load("permit alice");
	env = policy_env(&c.rules[0], NULL, &nothing);
	cr_assert_not_null(env);
	cr_assert_eq(count(env), 1);
	cr_assert_str_eq(get(env, "PATH"), POLICY_SAFE_PATH);
	free(env);
}
