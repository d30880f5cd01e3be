/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of src/dived/options.c: opt_parse on dived command lines,
 * defaults, option forms, limits, the forced command and bad combinations.
 */
#include <sched.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include <criterion/criterion.h>

#include "msg.h"
#include "options.h"

static struct dived_opts o;
static char err[512];

/* opt_parse on a NULL-terminated argv. */
static int
run(char **argv)
{
	int argc = 0;

	while (argv[argc] != NULL)
		argc++;
	memset(err, 0, sizeof(err));
	return opt_parse(argc, argv, &o, err, sizeof(err));
}

#define ARGV(...)	((char *[]){ "dived", __VA_ARGS__, NULL })

/* The command line must parse. */
#define OK(...) do {							\
	int r_ = run(ARGV(__VA_ARGS__));				\
	cr_assert_eq(r_, OPT_OK, "refused (%d): %s", r_, err);		\
} while (0)

/* The command line must be refused with a message. */
#define FAILS(...) do {							\
	int r_ = run(ARGV(__VA_ARGS__));				\
	cr_assert_eq(r_, OPT_ERROR, "not refused (%d)", r_);		\
	cr_assert_neq(err[0], '\0', "OPT_ERROR without a message");	\
} while (0)

/* The same, and the message must contain needle. */
#define FAILS_NAMING(needle, ...) do {					\
	FAILS(__VA_ARGS__);						\
	cr_assert_not_null(strstr(err, needle),				\
	    "message \"%s\" does not name \"%s\"", err, needle);	\
} while (0)

/* ---- defaults ---- */

Test(options, defaults)
{
	OK("/run/dived.sock");
	cr_assert_str_eq(o.socket, "/run/dived.sock");
	cr_assert_str_eq(o.listener_user, "_dived");
	cr_assert_str_eq(o.listener_user, OPT_DEF_LISTENER_USER);
	cr_assert_eq(o.max_conns, OPT_DEF_MAX_CONNS);
	cr_assert_eq(o.max_per_uid, OPT_DEF_MAX_PER_UID);
	cr_assert_eq(o.timeout, OPT_DEF_TIMEOUT);
	cr_assert_eq(o.auth_timeout, OPT_DEF_AUTH_TIMEOUT);
	cr_assert_eq(o.max_fds, OPT_DEF_MAX_FDS);
	cr_assert_eq(o.max_bytes, OPT_DEF_MAX_BYTES);
	cr_assert_not(o.just_execute);
	cr_assert_not(o.inetd);
	cr_assert_not(o.chmod_set);
	cr_assert_eq(o.npidfiles, 0);
	cr_assert_null(o.user);
	cr_assert_null(o.effective_user);
	cr_assert_null(o.groups);
	cr_assert_null(o.chown_spec);
	cr_assert_null(o.forced_argv);
	cr_assert_eq(o.forced_argc, 0);
	cr_assert_eq(o.nrlimits, 0);
	cr_assert_eq(o.nsetns, 0);
	cr_assert_eq(o.nwrites, 0);
	cr_assert_eq(o.unshare, 0);
}

Test(options, defaults_are_reset_on_every_call)
{
	OK("sock", "-v", "--max-fds", "10", "-p", "/a");
	cr_assert(o.verbose);
	OK("sock");
	cr_assert_not(o.verbose);
	cr_assert_eq(o.max_fds, OPT_DEF_MAX_FDS);
	cr_assert_eq(o.npidfiles, 0);
}

Test(options, no_arguments_is_an_error)
{
	char *argv[] = { "dived", NULL };

	cr_assert_eq(run(argv), OPT_ERROR);
	cr_assert_neq(err[0], '\0');
}

/* ---- booleans ---- */

static const struct {
	const char *sname, *lname;
	size_t off;
} bools[] = {
	{ "-d", "--detach", offsetof(struct dived_opts, detach) },
	{ "-F", "--no-fork", offsetof(struct dived_opts, no_fork) },
	{ "-D", "--children-daemon",
	    offsetof(struct dived_opts, children_daemon) },
	{ "-P", "--no-setuid", offsetof(struct dived_opts, no_setuid) },
	{ "-E", "--no-environment",
	    offsetof(struct dived_opts, no_environment) },
	{ "-A", "--no-argv", offsetof(struct dived_opts, no_argv) },
	{ "-H", "--no-chdir", offsetof(struct dived_opts, no_chdir) },
	{ "-O", "--no-fds", offsetof(struct dived_opts, no_fds) },
	{ "-M", "--no-umask", offsetof(struct dived_opts, no_umask) },
	{ "-S", "--no-setsid", offsetof(struct dived_opts, no_setsid) },
	{ "-T", "--no-csctty", offsetof(struct dived_opts, no_csctty) },
	{ NULL, "--pty", offsetof(struct dived_opts, pty) },
	{ NULL, "--no-pty", offsetof(struct dived_opts, no_pty) },
	{ "-n", "--signals", offsetof(struct dived_opts, signals) },
	{ NULL, "--signals-pgid", offsetof(struct dived_opts, signals_pgid) },
	{ "-w", "--no-wait", offsetof(struct dived_opts, no_wait) },
	{ "-X", "--no-new-privs", offsetof(struct dived_opts, no_new_privs) },
	{ "-L", "--lock-securebits",
	    offsetof(struct dived_opts, lock_securebits) },
	{ "-r", "--client-chroot",
	    offsetof(struct dived_opts, client_chroot) },
	{ "-W", "--root-to-current",
	    offsetof(struct dived_opts, root_to_current) },
	{ NULL, "--allow-outside-dirs",
	    offsetof(struct dived_opts, allow_outside_dirs) },
	{ NULL, "--pass-fds-umask",
	    offsetof(struct dived_opts, pass_fds_umask) },
	{ "-v", "--verbose", offsetof(struct dived_opts, verbose) },
};

#define NBOOLS (sizeof(bools) / sizeof(bools[0]))

static bool
bool_at(size_t i)
{
	return *(const bool *)(const void *)((const char *)&o +
	    bools[i].off);
}

/* Only boolean number want is set. */
static void
expect_only_bool(size_t want, const char *form)
{
	size_t i;

	for (i = 0; i < NBOOLS; i++)
		cr_assert_eq(bool_at(i), i == want, "%s set %s to %d", form,
		    bools[i].lname, bool_at(i));
}

Test(options, every_boolean_off_by_default)
{
	size_t i;

	OK("sock", "--", "/bin/true");
	for (i = 0; i < NBOOLS; i++)
		cr_assert_not(bool_at(i), "%s is on by default",
		    bools[i].lname);
}

Test(options, every_boolean_in_short_and_long_form)
{
	size_t i;
	int r;

	for (i = 0; i < NBOOLS; i++) {
		/* (-P with a forced command implies -O -M: tested below) */
		if (bools[i].off == offsetof(struct dived_opts, no_setuid)) {
			r = run(ARGV("sock", "-P"));
			cr_assert_eq(r, OPT_OK, "%s", err);
			expect_only_bool(i, "-P");
			cr_assert_eq(run(ARGV("sock", "--no-setuid")), OPT_OK);
			expect_only_bool(i, "--no-setuid");
			continue;
		}
		if (bools[i].sname != NULL) {
			r = run(ARGV("sock", (char *)bools[i].sname, "--",
			    "/bin/true"));
			cr_assert_eq(r, OPT_OK, "%s: %s", bools[i].sname, err);
			expect_only_bool(i, bools[i].sname);
		}
		r = run(ARGV("sock", (char *)bools[i].lname, "--",
		    "/bin/true"));
		cr_assert_eq(r, OPT_OK, "%s: %s", bools[i].lname, err);
		expect_only_bool(i, bools[i].lname);
	}
}

Test(options, forced_command_with_privileges_implies_no_fds_no_umask)
{
	OK("sock", "-u", "root", "-E", "-A", "-H", "--", "/bin/true");
	cr_assert(o.no_fds && o.no_umask);
	OK("sock", "-e", "root", "--", "/bin/true");
	cr_assert(o.no_fds && o.no_umask);
	OK("sock", "-P", "--", "/bin/true");
	cr_assert(o.no_fds && o.no_umask);
	OK("sock", "-m", "cap_chown", "--", "/bin/true");
	cr_assert(o.no_fds && o.no_umask);
	OK("sock", "-c", "cap_chown+ep", "--", "/bin/true");
	cr_assert(o.no_fds && o.no_umask);
	OK("sock", "-s", "user", "-tt", "--", "/bin/true");
	cr_assert(o.no_fds && o.no_umask);
	/* Not without privileges, a forced command, or with the option. */
	OK("sock", "-c", "cap_chown-eip", "--", "/bin/true");
	cr_assert(!o.no_fds && !o.no_umask);
	OK("sock", "-u", "root");
	cr_assert(!o.no_fds && !o.no_umask);
	OK("sock", "--", "/bin/true");
	cr_assert(!o.no_fds && !o.no_umask);
	OK("sock", "-u", "root", "--pass-fds-umask", "--", "/bin/true");
	cr_assert(!o.no_fds && !o.no_umask);
	OK("-J", "-u", "root", "--", "/bin/true");
	cr_assert(!o.no_fds && !o.no_umask);
}

Test(options, boolean_with_a_value_is_an_error)
{
	FAILS("sock", "--verbose=1");
	FAILS("sock", "--detach=");
	FAILS("sock", "--signals-pgid=yes");
}

Test(options, boolean_given_twice_is_fine)
{
	OK("sock", "-v", "--verbose", "-v");
	cr_assert(o.verbose);
}

/* ---- values ---- */

Test(options, string_option_forms)
{
	OK("sock", "--user=alice");
	cr_assert_str_eq(o.user, "alice");
	OK("sock", "--user", "bob");
	cr_assert_str_eq(o.user, "bob");
	OK("sock", "-u", "carol");
	cr_assert_str_eq(o.user, "carol");
	OK("sock", "--listener-user=_other");
	cr_assert_str_eq(o.listener_user, "_other");
	OK("sock", "--listener-user", "_third");
	cr_assert_str_eq(o.listener_user, "_third");
	cr_assert(!o.listener_user_force);
	OK("sock", "--listener-user", "bob", "--listener-user-force");
	cr_assert(o.listener_user_force);
	OK("sock", "-e", "eve", "--chdir=/tmp", "-R", "/srv");
	cr_assert_str_eq(o.effective_user, "eve");
	cr_assert_str_eq(o.chdir_dir, "/tmp");
	cr_assert_str_eq(o.chroot_dir, "/srv");
}

Test(options, value_after_equals_may_contain_equals)
{
	OK("sock", "--authenticate=test x = y");
	cr_assert_str_eq(o.authenticate, "test x = y");
}

Test(options, separate_value_may_look_like_an_option)
{
	OK("sock", "-u", "-v");
	cr_assert_str_eq(o.user, "-v");
	cr_assert_not(o.verbose);
}

Test(options, short_option_with_equals_is_unknown)
{
	FAILS_NAMING("-u=bob", "sock", "-u=bob");
}

Test(options, last_value_wins_for_strings)
{
	OK("sock", "-u", "a", "--user=b");
	cr_assert_str_eq(o.user, "b");
}

Test(options, pidfile_repeatable_up_to_the_limit)
{
	static char names[OPT_MAX_PIDFILES + 1][32];
	char *argv[2 + 2 * (OPT_MAX_PIDFILES + 1) + 1];
	int i, n = 0;

	argv[n++] = "dived";
	argv[n++] = "sock";
	for (i = 0; i < OPT_MAX_PIDFILES; i++) {
		(void)snprintf(names[i], sizeof(names[i]), "/run/p%d", i);
		argv[n++] = i % 2 == 0 ? "-p" : "--pidfile";
		argv[n++] = names[i];
	}
	argv[n] = NULL;
	cr_assert_eq(run(argv), OPT_OK, "%s", err);
	cr_assert_eq(o.npidfiles, OPT_MAX_PIDFILES);
	for (i = 0; i < OPT_MAX_PIDFILES; i++)
		cr_assert_str_eq(o.pidfiles[i], names[i]);

	(void)snprintf(names[i], sizeof(names[i]), "/run/p%d", i);
	argv[n++] = "-p";
	argv[n++] = names[i];
	argv[n] = NULL;
	cr_assert_eq(run(argv), OPT_ERROR);
	cr_assert_neq(err[0], '\0');
}

Test(options, pidfile_equals_form_and_empty_name)
{
	OK("sock", "--pidfile=/run/a.pid", "-p", "/run/b.pid");
	cr_assert_eq(o.npidfiles, 2);
	cr_assert_str_eq(o.pidfiles[0], "/run/a.pid");
	cr_assert_str_eq(o.pidfiles[1], "/run/b.pid");
	FAILS("sock", "--pidfile=");
	FAILS("sock", "-p", "");
}

Test(options, chmod_octal)
{
	OK("sock", "--chmod", "0777");
	cr_assert(o.chmod_set);
	cr_assert_eq(o.chmod_mode, 0777);
	OK("sock", "-C", "07777");
	cr_assert_eq(o.chmod_mode, 07777);
	OK("sock", "--chmod=660");
	cr_assert_eq(o.chmod_mode, 0660);
	OK("sock", "-C", "0");
	cr_assert(o.chmod_set);
	cr_assert_eq(o.chmod_mode, 0);
}

Test(options, chmod_rejects_non_octal_and_too_big)
{
	FAILS_NAMING("999", "sock", "--chmod", "999");
	FAILS("sock", "--chmod", "010000");
	FAILS("sock", "-C", "8");
	FAILS("sock", "-C", "");
	FAILS("sock", "-C", "-1");
	FAILS("sock", "-C", "0x1ff");
	FAILS("sock", "-C", "rwx");
	FAILS("sock", "-C", " 0660");
}

/* One limit: min and max accepted, one past each refused. */
static void
check_uint(const char *name, size_t off, unsigned int min, unsigned int max)
{
	char v[32], eq[96];
	unsigned int got;
	int r;

	(void)snprintf(v, sizeof(v), "%u", min);
	r = run(ARGV("sock", (char *)name, v));
	cr_assert_eq(r, OPT_OK, "%s %s: %s", name, v, err);
	got = *(const unsigned int *)(const void *)((const char *)&o + off);
	cr_assert_eq(got, min, "%s %s gave %u", name, v, got);

	(void)snprintf(eq, sizeof(eq), "%s=%u", name, max);
	r = run(ARGV("sock", eq));
	cr_assert_eq(r, OPT_OK, "%s: %s", eq, err);
	got = *(const unsigned int *)(const void *)((const char *)&o + off);
	cr_assert_eq(got, max, "%s gave %u", eq, got);

	(void)snprintf(v, sizeof(v), "%u", min - 1);
	r = run(ARGV("sock", (char *)name, v));
	cr_assert_eq(r, OPT_ERROR, "%s %s accepted", name, v);
	cr_assert_not_null(strstr(err, name), "\"%s\" does not name %s", err,
	    name);

	(void)snprintf(v, sizeof(v), "%u", max + 1);
	r = run(ARGV("sock", (char *)name, v));
	cr_assert_eq(r, OPT_ERROR, "%s %s accepted", name, v);
	cr_assert_neq(err[0], '\0');

	r = run(ARGV("sock", (char *)name, "99999999999999999999999"));
	cr_assert_eq(r, OPT_ERROR);
	r = run(ARGV("sock", (char *)name, "12x"));
	cr_assert_eq(r, OPT_ERROR);
	r = run(ARGV("sock", (char *)name, "-1"));
	cr_assert_eq(r, OPT_ERROR);
	r = run(ARGV("sock", (char *)name, ""));
	cr_assert_eq(r, OPT_ERROR);
	cr_assert_neq(err[0], '\0');
}

Test(options, max_connections_limits)
{
	check_uint("--max-connections",
	    offsetof(struct dived_opts, max_conns), 1, 65536);
}

Test(options, max_per_uid_limits)
{
	check_uint("--max-per-uid", offsetof(struct dived_opts, max_per_uid),
	    1, 65536);
}

Test(options, request_timeout_limits)
{
	check_uint("--request-timeout", offsetof(struct dived_opts, timeout),
	    1, 3600);
}

Test(options, auth_timeout_limits)
{
	check_uint("--auth-timeout", offsetof(struct dived_opts,
	    auth_timeout), 1, 86400);
}

Test(options, max_fds_limits)
{
	check_uint("--max-fds", offsetof(struct dived_opts, max_fds), 3,
	    MSG_MAX_FDS);
}

Test(options, max_request_bytes_limits)
{
	check_uint("--max-request-bytes",
	    offsetof(struct dived_opts, max_bytes), 4096, MSG_MAX_LEN);
}

/* ---- errors ---- */

Test(options, unknown_option_is_named)
{
	FAILS_NAMING("--bogus", "sock", "--bogus");
	FAILS_NAMING("-Z", "sock", "-Z");
	FAILS_NAMING("--bogus=1", "sock", "--bogus=1");
	FAILS_NAMING("--verbos", "sock", "--verbos");
	FAILS_NAMING("--verbosex", "sock", "--verbosex");
	FAILS_NAMING("-vv", "sock", "-vv");
	FAILS_NAMING("stray", "sock", "stray");
}

Test(options, missing_argument_is_an_error)
{
	FAILS_NAMING("-u", "sock", "-u");
	FAILS_NAMING("--user", "sock", "--user");
	FAILS_NAMING("--max-fds", "sock", "--max-fds");
	FAILS_NAMING("-p", "sock", "-v", "-p");
	FAILS_NAMING("-C", "sock", "-C");
}

Test(options, two_argument_options_need_both)
{
	FAILS("sock", "-V", "/new");
	FAILS("sock", "-t", "/file");
	OK("sock", "-V", "/new", "/new/old", "-s", "mnt");
	cr_assert_str_eq(o.pivot_new, "/new");
	cr_assert_str_eq(o.pivot_old, "/new/old");
}

Test(options, error_message_fits_a_small_buffer)
{
	char small[8];
	int r;

	memset(small, 'Z', sizeof(small));
	r = opt_parse(3, ARGV("sock", "--a-very-long-unknown-option-name"),
	    &o, small, sizeof(small));
	cr_assert_eq(r, OPT_ERROR);
	cr_assert_lt(strlen(small), sizeof(small));
}

/* ---- the forced command ---- */

/*
 * o.forced_argv points into argv, so argv lives in the test's scope here
 * (not in the block of the OK macro).
 */
Test(options, double_dash_starts_the_forced_argv)
{
	char *argv[] = {
		"dived", "sock", "-v", "--", "prog", "-u", "--help", "--",
		"-p", NULL,
	};

	cr_assert_eq(run(argv), OPT_OK, "%s", err);
	cr_assert_eq(o.forced_argv, argv + 4);
	cr_assert(o.verbose);
	cr_assert_null(o.user);
	cr_assert_eq(o.npidfiles, 0);
	cr_assert_eq(o.forced_argc, 5);
	cr_assert_not_null(o.forced_argv);
	cr_assert_str_eq(o.forced_argv[0], "prog");
	cr_assert_str_eq(o.forced_argv[1], "-u");
	cr_assert_str_eq(o.forced_argv[2], "--help");
	cr_assert_str_eq(o.forced_argv[3], "--");
	cr_assert_str_eq(o.forced_argv[4], "-p");
	cr_assert_null(o.forced_argv[5]);
}

Test(options, double_dash_right_after_the_socket)
{
	char *argv[] = { "dived", "sock", "--", "/bin/sh", "-c", "echo", NULL };

	cr_assert_eq(run(argv), OPT_OK, "%s", err);
	cr_assert_eq(o.forced_argc, 3);
	cr_assert_str_eq(o.forced_argv[0], "/bin/sh");
	cr_assert_str_eq(o.forced_argv[2], "echo");
	cr_assert_null(o.forced_argv[3]);
}

Test(options, double_dash_without_command_is_empty)
{
	OK("sock", "--");
	cr_assert_eq(o.forced_argc, 0);
}

Test(options, modes_after_double_dash_are_arguments)
{
	OK("sock", "--", "-i", "-J", "--just-execute");
	cr_assert_not(o.inetd);
	cr_assert_not(o.just_execute);
	cr_assert_eq(o.forced_argc, 3);
}

/* ---- the first argument ---- */

Test(options, first_argument_starting_with_dash_is_an_error)
{
	FAILS_NAMING("-v", "-v", "sock");
	FAILS_NAMING("--verbose", "--verbose", "sock");
	FAILS("-u", "bob", "sock");
	FAILS("--user=bob", "sock");
	FAILS("-", "sock");
	FAILS("--", "prog");
	FAILS("--bogus");
}

Test(options, help_and_version_as_first_argument)
{
	cr_assert_eq(run(ARGV("--help")), OPT_HELP);
	cr_assert_eq(run(ARGV("--version")), OPT_VERSION);
	cr_assert_eq(run(ARGV("--help", "--bogus")), OPT_HELP);
	cr_assert_eq(run(ARGV("--version", "-x")), OPT_VERSION);
	cr_assert_not_null(opt_usage());
	cr_assert_neq(opt_usage()[0], '\0');
}

Test(options, help_and_version_after_the_socket)
{
	cr_assert_eq(run(ARGV("sock", "--help")), OPT_HELP);
	cr_assert_eq(run(ARGV("sock", "-v", "--version")), OPT_VERSION);
}

Test(options, socket_names)
{
	OK("@abstract");
	cr_assert_str_eq(o.socket, "@abstract");
	OK("./-dash");
	cr_assert_str_eq(o.socket, "./-dash");
	FAILS("");
	FAILS("@");
}

Test(options, inetd_and_just_execute_modes)
{
	OK("-i");
	cr_assert(o.inetd);
	cr_assert_null(o.socket);
	OK("--inetd", "-v");
	cr_assert(o.inetd);
	OK("-J", "--", "/bin/true");
	cr_assert(o.just_execute);
	cr_assert_null(o.socket);
	cr_assert_not(o.no_setsid);
	OK("-j", "--", "/bin/true");
	cr_assert(o.just_execute);
	cr_assert(o.no_setsid);
	cr_assert(o.no_csctty);
	cr_assert(o.no_setuid);
	OK("--just-execute2", "--", "/bin/true");
	cr_assert(o.no_setuid);
}

Test(options, mode_options_only_first)
{
	FAILS("sock", "-i");
	FAILS("sock", "-J", "--", "/bin/true");
	FAILS("sock", "--just-execute2", "--", "/bin/true");
	FAILS_NAMING("must be the first", "sock", "-i");
	FAILS_NAMING("--inetd and --just-execute cannot be combined", "-i",
	    "-J");
	FAILS_NAMING("--just-execute and --inetd cannot be combined", "-J",
	    "--inetd", "--", "/bin/true");
	FAILS_NAMING("--just-execute2 and --inetd", "-j", "-i");
}

Test(options, just_execute_needs_a_command)
{
	FAILS("-J");
	FAILS("-J", "--");
	FAILS("-j", "-v");
}

Test(options, just_execute_has_no_client)
{
	FAILS("-J", "-n", "--", "/bin/true");
	FAILS("-J", "-w", "--", "/bin/true");
	FAILS("-J", "-F", "--", "/bin/true");
	FAILS("-J", "-r", "--", "/bin/true");
	FAILS("-J", "-a", "true", "--", "/bin/true");
}

Test(options, no_socket_no_chmod_chown_detach)
{
	FAILS("-i", "--chmod", "0600");
	FAILS("-i", "--chown", "root:root");
	FAILS("-i", "-d");
	FAILS("-J", "-C", "0600", "--", "/bin/true");
}

/* ---- combinations ---- */

Test(options, groups_need_user)
{
	FAILS_NAMING("--groups", "sock", "-g", "wheel");
	OK("sock", "-g", "wheel,users", "-u", "bob");
	cr_assert_str_eq(o.groups, "wheel,users");
	cr_assert_str_eq(o.user, "bob");
}

Test(options, no_setuid_excludes_user_effective_user_groups)
{
	FAILS("sock", "-P", "-u", "bob");
	FAILS("sock", "-u", "bob", "--no-setuid");
	FAILS("sock", "-P", "-e", "bob");
	FAILS("sock", "-P", "-u", "bob", "-g", "wheel");
	OK("sock", "-P");
	cr_assert(o.no_setuid);
}

Test(options, no_wait_excludes_signals)
{
	FAILS("sock", "-w", "-n");
	FAILS("sock", "-n", "--no-wait");
	FAILS("sock", "-w", "--signals-pgid");
	FAILS("sock", "-F", "-n");
	FAILS("sock", "-D", "--signals-pgid");
	OK("sock", "-n", "--signals-pgid");
	cr_assert(o.signals);
	cr_assert(o.signals_pgid);
}

Test(options, signals_pgid_excludes_no_setsid)
{
	FAILS("sock", "--signals-pgid", "-S");
	FAILS("sock", "-S", "--signals-pgid");
	OK("sock", "-n", "-S");
	cr_assert(o.signals);
	cr_assert(o.no_setsid);
}

Test(options, pty_and_no_pty_exclusive)
{
	FAILS_NAMING("--no-pty", "sock", "--pty", "--no-pty");
	FAILS("sock", "--no-pty", "--pty");
	OK("sock", "--pty", "--pty");
	cr_assert(o.pty);
	cr_assert_not(o.no_pty);
}

Test(options, pty_needs_a_session_and_a_terminal)
{
	FAILS_NAMING("--no-setsid", "sock", "--pty", "-S");
	FAILS_NAMING("--no-csctty", "sock", "-T", "--pty");
	/* Forbidding a pty goes with anything. */
	OK("sock", "--no-pty", "-S", "-T");
	cr_assert(o.no_pty);
}

Test(options, pty_needs_an_exit_status)
{
	FAILS_NAMING("--no-wait", "sock", "--pty", "-w");
	FAILS("sock", "--pty", "-F");
	FAILS("sock", "-D", "--pty");
	OK("sock", "--no-pty", "-w");
	OK("-i", "--pty");
}

Test(options, pty_options_need_a_client)
{
	FAILS_NAMING("--pty", "-J", "--pty", "--", "/bin/true");
	FAILS("-J", "--no-pty", "--", "/bin/true");
	FAILS("-j", "--no-pty", "--", "/bin/true");
}

Test(options, chmod_chown_not_for_abstract_sockets)
{
	FAILS_NAMING("@dived", "@dived", "--chmod", "0600");
	FAILS("@dived", "--chown", "root:root");
	FAILS("@dived", "-C", "0600", "-U", "a:b");
	OK("/run/dived", "--chmod", "0600", "--chown", "root:root");
	cr_assert(o.chmod_set);
	cr_assert_str_eq(o.chown_spec, "root:root");
}

Test(options, no_argv_needs_a_forced_command)
{
	FAILS("sock", "-A");
	FAILS("sock", "--no-argv", "--");
	OK("sock", "-A", "--", "/bin/echo");
	cr_assert(o.no_argv);
}

Test(options, one_of_chroot_pivot_client_chroot)
{
	FAILS("sock", "-R", "/srv", "-r");
	FAILS("sock", "-R", "/srv", "-V", "/a", "/a/b", "-s", "mnt");
	FAILS("sock", "-r", "-V", "/a", "/a/b", "-s", "mnt");
}

Test(options, pivot_root_needs_a_mount_namespace)
{
	FAILS_NAMING("--unshare mnt", "sock", "-V", "/a", "/a/b");
	FAILS_NAMING("--unshare mnt", "-J", "-V", "/a", "/a/b", "--", "x");
	OK("sock", "-V", "/a", "/a/b", "-s", "mnt");
	cr_assert_str_eq(o.pivot_new, "/a");
	cr_assert_str_eq(o.pivot_old, "/a/b");
	OK("sock", "-V", "/a", "/a/b", "-s", "fs");
	OK("sock", "-V", "/a", "/a/b", "-N", "/proc/1/ns/mnt");
}

Test(options, retain_and_remove_capabilities_exclusive)
{
	OK("sock", "-B", "cap_net_raw,CHOWN,7");
	cr_assert(o.bset_keep_set);
	cr_assert_eq(o.bset_keep, (1ULL << 13) | (1ULL << 0) | (1ULL << 7));
	FAILS("sock", "-B", "cap_chown", "-b", "cap_kill");
	FAILS_NAMING("nosuchcap", "sock", "-b", "nosuchcap");
}

Test(options, unshare_list)
{
	OK("sock", "-s", "net,ipc,user");
	cr_assert_eq(o.unshare, CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUSER);
	OK("sock", "-s", "fs");		/* dive 1.9: a mount namespace */
	cr_assert_eq(o.unshare, CLONE_NEWNS);
	FAILS_NAMING("bogus", "sock", "-s", "net,bogus");
	FAILS("sock", "-s", "");
	FAILS("sock", "-s", "net,");
}

Test(options, uidgidmap_needs_user_namespace)
{
	FAILS("sock", "-tt");
	OK("sock", "-tt", "-s", "user");
	cr_assert_eq(o.nwrites, 3);
}

Test(options, rlimit_items)
{
	OK("sock", "-l", "nofile=256:128,core=0");
	cr_assert_eq(o.nrlimits, 2);
	cr_assert_eq(o.rlimits[0].resource, RLIMIT_NOFILE);
	cr_assert_eq(o.rlimits[0].hard, 256);
	cr_assert_eq(o.rlimits[0].soft, 128);
	cr_assert_eq(o.rlimits[1].resource, RLIMIT_CORE);
	cr_assert_eq(o.rlimits[1].hard, 0);
	cr_assert_eq(o.rlimits[1].soft, 0);
	FAILS("sock", "-l", "nofile=128:256");
	FAILS("sock", "-l", "nosuch=1");
	FAILS("sock", "-l", "nofile=");
	FAILS("sock", "-l", "nofile");
}

/* ---- policy and audit ---- */

Test(options, policy_and_audit_options)
{
	OK("sock", "--config", "/etc/dived.conf", "--allow-users", "a,b",
	    "--allow-groups=wheel", "--audit-log", "/var/log/dived.json",
	    "--audit-fsync", "--audit-syslog", "--audit-fail-open");
	cr_assert_str_eq(o.config, "/etc/dived.conf");
	cr_assert_str_eq(o.allow_users, "a,b");
	cr_assert_str_eq(o.allow_groups, "wheel");
	cr_assert_str_eq(o.audit_log, "/var/log/dived.json");
	cr_assert(o.audit_fsync);
	cr_assert(o.audit_syslog);
	cr_assert(o.audit_fail_open);
	cr_assert_null(o.check_config);
	OK("sock");
	cr_assert_null(o.config);
	cr_assert_not(o.audit_fail_open);
}

Test(options, check_config_is_a_mode)
{
	OK("--check-config", "/etc/dived.conf");
	cr_assert_str_eq(o.check_config, "/etc/dived.conf");
	cr_assert_null(o.socket);
	OK("--check-config=/x", "--as-client", "alice", "--as-target", "root",
	    "--", "/usr/bin/id", "-u");
	cr_assert_str_eq(o.check_config, "/x");
	cr_assert_str_eq(o.as_client, "alice");
	cr_assert_str_eq(o.as_target, "root");
	cr_assert_eq(o.forced_argc, 2);
	cr_assert_not(o.check_forced);
	OK("--check-config", "/x", "--as-client", "alice", "--forced", "--",
	    "/usr/bin/id", "-u");
	cr_assert(o.check_forced);
	FAILS_NAMING("--forced goes with --as-client", "--check-config", "/x",
	    "--forced", "--", "/usr/bin/id");
	FAILS_NAMING("--as-client", "sock", "--forced", "--", "/usr/bin/id");
	FAILS_NAMING("needs a file", "--check-config");
	FAILS_NAMING("needs a file", "--check-config=");
	FAILS_NAMING("first argument", "sock", "--check-config", "/x");
}

Test(options, policy_combinations)
{
	FAILS_NAMING("--check-config", "sock", "--as-client", "alice");
	FAILS_NAMING("--as-client", "--check-config", "/x", "--as-target",
	    "root", "--", "/bin/id");
	FAILS_NAMING("after --", "--check-config", "/x", "--as-client", "a");
	FAILS_NAMING("--audit-log", "sock", "--audit-fsync");
	FAILS_NAMING("nothing is audited", "sock", "--audit-fail-open");
	OK("sock", "--allow-users", "a", "--audit-fail-open");
	FAILS_NAMING("no client", "-J", "--config", "/x", "--", "/bin/true");
	FAILS_NAMING("no client", "-J", "--audit-log", "/x", "--", "/bin/true");
}

Test(options, keep_env_names_and_prefixes)
{
	OK("sock", "--keep-env", "LD_LIBRARY_PATH,PYTHON*", "--keep-env=*");
	cr_assert_eq(o.nkeep_env, 2);
	cr_assert_str_eq(o.keep_env[0], "LD_LIBRARY_PATH,PYTHON*");
	cr_assert_str_eq(o.keep_env[1], "*");
	OK("sock", "--keep-env", "_a1");
	FAILS_NAMING("--keep-env", "sock", "--keep-env", "");
	FAILS_NAMING("'A=B'", "sock", "--keep-env", "A=B");
	FAILS_NAMING("'B*C'", "sock", "--keep-env", "A,B*C");
	FAILS("sock", "--keep-env", "A,");
	FAILS("sock", "--keep-env", ",A");
	FAILS("sock", "--keep-env", "A,,B");
	FAILS("sock", "--keep-env", "**");
	FAILS("sock", "--keep-env", "A B");
	FAILS("sock", "--keep-env");
}

Test(options, keep_env_at_most_16)
{
	char *argv[2 + 2 * (OPT_MAX_KEEP_ENV + 1) + 1];
	int i, argc = 0;

	argv[argc++] = "dived";
	argv[argc++] = "sock";
	for (i = 0; i < OPT_MAX_KEEP_ENV; i++) {
		argv[argc++] = "--keep-env";
		argv[argc++] = "A";
	}
	argv[argc] = NULL;
	cr_assert_eq(run(argv), OPT_OK, "%s", err);
	cr_assert_eq(o.nkeep_env, OPT_MAX_KEEP_ENV);
	argv[argc++] = "--keep-env";
	argv[argc++] = "A";
	argv[argc] = NULL;
	cr_assert_eq(run(argv), OPT_ERROR);
	cr_assert_not_null(strstr(err, "at most 16"));
}
