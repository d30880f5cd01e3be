/* SPDX-License-Identifier: MIT */
/*
 * Runs in: dived (root) at start-up, before anything else.  Trusts: the
 * operator who wrote the command line, but checks every value all the
 * same; a bad one is a usage error naming the option.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "msg.h"
#include "num.h"
#include "options.h"

enum opt_type {
	T_BOOL,		/* set a bool */
	T_STR,		/* store the argument */
	T_UINT,		/* unsigned within [min, max] */
	T_MODE,		/* octal file mode */
	T_PIDFILE,	/* append to the pidfile list */
	T_HELP,
	T_VERSION,
};

struct opt_def {
	const char *sname;	/* short form, or NULL */
	const char *lname;	/* long form */
	enum opt_type type;
	size_t off;		/* field in struct dived_opts */
	unsigned int min, max;	/* T_UINT bounds */
};

#define F(field) offsetof(struct dived_opts, field)

static const struct opt_def opt_table[] = {
	{ "-d", "--detach", T_BOOL, F(detach), 0, 0 },
	{ "-p", "--pidfile", T_PIDFILE, 0, 0, 0 },
	{ "-C", "--chmod", T_MODE, 0, 0, 0 },
	{ "-U", "--chown", T_STR, F(chown_spec), 0, 0 },
	{ "-u", "--user", T_STR, F(user), 0, 0 },
	{ "-e", "--effective-user", T_STR, F(effective_user), 0, 0 },
	{ "-g", "--groups", T_STR, F(groups), 0, 0 },
	{ "-P", "--no-setuid", T_BOOL, F(no_setuid), 0, 0 },
	{ "-E", "--no-environment", T_BOOL, F(no_environment), 0, 0 },
	{ "-A", "--no-argv", T_BOOL, F(no_argv), 0, 0 },
	{ "-H", "--no-chdir", T_BOOL, F(no_chdir), 0, 0 },
	{ "-O", "--no-fds", T_BOOL, F(no_fds), 0, 0 },
	{ "-M", "--no-umask", T_BOOL, F(no_umask), 0, 0 },
	{ "-S", "--no-setsid", T_BOOL, F(no_setsid), 0, 0 },
	{ "-T", "--no-csctty", T_BOOL, F(no_csctty), 0, 0 },
	{ "-n", "--signals", T_BOOL, F(signals), 0, 0 },
	{ NULL, "--signals-pgid", T_BOOL, F(signals_pgid), 0, 0 },
	{ "-w", "--no-wait", T_BOOL, F(no_wait), 0, 0 },
	{ "-v", "--verbose", T_BOOL, F(verbose), 0, 0 },
	{ NULL, "--listener-user", T_STR, F(listener_user), 0, 0 },
	{ NULL, "--max-connections", T_UINT, F(max_conns), 1, 65536 },
	{ NULL, "--max-per-uid", T_UINT, F(max_per_uid), 1, 65536 },
	{ NULL, "--request-timeout", T_UINT, F(timeout), 1, 3600 },
	{ NULL, "--max-fds", T_UINT, F(max_fds), 3, MSG_MAX_FDS },
	{ NULL, "--max-request-bytes", T_UINT, F(max_bytes), 4096,
	    MSG_MAX_LEN },
	{ NULL, "--help", T_HELP, 0, 0, 0 },
	{ NULL, "--version", T_VERSION, 0, 0, 0 },
};

static const char usage_text[] =
    "usage: dived SOCKET|@NAME [options] [-- PROGRAM [ARGS...]]\n"
    "\n"
    "Listen on SOCKET and start programs for dive(1) clients, with their\n"
    "descriptors, arguments, environment, umask, directory and terminal,\n"
    "as their own user unless told otherwise.  See dived(8).\n"
    "\n"
    "  -d --detach             run in the background (log to syslog)\n"
    "  -p --pidfile FILE       write the daemon's pid (repeatable)\n"
    "  -C --chmod MODE         mode of the socket, e.g. 0660\n"
    "  -U --chown USER:GROUP   owner of the socket\n"
    "  -u --user USER          run programs as USER, not as the client\n"
    "  -e --effective-user USER  effective uid USER for programs\n"
    "  -g --groups G1,G2,...   groups for programs (first: primary; -u)\n"
    "  -P --no-setuid          keep the daemon's own ids (no setuid)\n"
    "  -E --no-environment     ignore the client's environment\n"
    "  -A --no-argv            ignore the client's arguments\n"
    "  -H --no-chdir           ignore the client's current directory\n"
    "  -O --no-fds             ignore the client's descriptors\n"
    "  -M --no-umask           ignore the client's umask\n"
    "  -S --no-setsid          do not make the program a session leader\n"
    "  -T --no-csctty          do not set a controlling terminal\n"
    "  -n --signals            deliver signals the client forwards\n"
    "     --signals-pgid       ... to the program's process group\n"
    "  -w --no-wait            do not report exit statuses\n"
    "  -v --verbose            log every request\n"
    "     --listener-user USER     uid of the listeners (_dived)\n"
    "     --max-connections N      connections at once (1024)\n"
    "     --max-per-uid N          connections per client uid (128)\n"
    "     --request-timeout SECS   time to send a request (10)\n"
    "     --max-fds N              descriptors per request (253)\n"
    "     --max-request-bytes N    request size (4194304)\n"
    "     --version            print the version\n"
    "     --help               print this help\n"
    "  -- PROGRAM ARGS         forced command line, prepended to the\n"
    "                          client's arguments\n";

const char *
opt_usage(void)
{
	return usage_text;
}

static int
fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return OPT_ERROR;
}

static const struct opt_def *
find_opt(const char *arg, const char **inline_val)
{
	const char *eq = NULL;
	size_t i, n = strlen(arg);

	*inline_val = NULL;
	if (strncmp(arg, "--", 2) == 0 && (eq = strchr(arg, '=')) != NULL)
		n = (size_t)(eq - arg);
	for (i = 0; i < sizeof(opt_table) / sizeof(opt_table[0]); i++) {
		const struct opt_def *d = &opt_table[i];
		if ((d->sname != NULL && eq == NULL &&
		    strcmp(arg, d->sname) == 0) ||
		    (strlen(d->lname) == n && strncmp(arg, d->lname, n) == 0)) {
			if (eq != NULL)
				*inline_val = eq + 1;
			return d;
		}
	}
	return NULL;
}

static int
set_value(struct dived_opts *o, const struct opt_def *d, const char *name,
    const char *val, char *err, size_t errlen)
{
	unsigned long long u;
	char *base = (char *)o;

	switch (d->type) {
	case T_STR:
		*(const char **)(void *)(base + d->off) = val;
		return OPT_OK;
	case T_UINT:
		if (num_parse_base(val, 10, d->max, &u) != 0 || u < d->min)
			return fail(err, errlen, "%s: '%s' is not a number "
			    "from %u to %u", name, val, d->min, d->max);
		*(unsigned int *)(void *)(base + d->off) = (unsigned int)u;
		return OPT_OK;
	case T_MODE:
		if (num_parse_base(val, 8, 07777, &u) != 0)
			return fail(err, errlen, "%s: '%s' is not an octal "
			    "mode such as 0660", name, val);
		o->chmod_set = true;
		o->chmod_mode = (mode_t)u;
		return OPT_OK;
	case T_PIDFILE:
		if (o->npidfiles == OPT_MAX_PIDFILES)
			return fail(err, errlen, "%s: at most %d pidfiles",
			    name, OPT_MAX_PIDFILES);
		if (*val == '\0')
			return fail(err, errlen, "%s: empty file name", name);
		o->pidfiles[o->npidfiles++] = val;
		return OPT_OK;
	case T_BOOL:
	case T_HELP:
	case T_VERSION:
		break;
	}
	return fail(err, errlen, "%s takes no argument", name);
}

static void
set_defaults(struct dived_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->listener_user = OPT_DEF_LISTENER_USER;
	o->max_conns = OPT_DEF_MAX_CONNS;
	o->max_per_uid = OPT_DEF_MAX_PER_UID;
	o->timeout = OPT_DEF_TIMEOUT;
	o->max_fds = OPT_DEF_MAX_FDS;
	o->max_bytes = OPT_DEF_MAX_BYTES;
}

/* Combinations that cannot work, refused as dive 1.9 refuses them. */
static int
check_combinations(const struct dived_opts *o, char *err, size_t errlen)
{
	if (o->groups != NULL && o->user == NULL)
		return fail(err, errlen, "--groups needs --user");
	if (o->no_setuid && (o->user != NULL || o->effective_user != NULL ||
	    o->groups != NULL))
		return fail(err, errlen, "--no-setuid cannot be combined with "
		    "--user, --effective-user or --groups");
	if (o->no_wait && (o->signals || o->signals_pgid))
		return fail(err, errlen, "--no-wait cannot be combined with "
		    "--signals: nothing would be there to deliver them");
	if (o->signals_pgid && o->no_setsid)
		return fail(err, errlen, "--signals-pgid needs the program to "
		    "lead its own process group; it cannot be combined with "
		    "--no-setsid");
	if (o->socket[0] == '@' && (o->chmod_set || o->chown_spec != NULL))
		return fail(err, errlen, "--chmod and --chown do not apply to "
		    "an abstract socket (%s)", o->socket);
	if (o->no_argv && o->forced_argc == 0)
		return fail(err, errlen, "--no-argv needs a forced command "
		    "line after --");
	if (o->socket[0] == '\0' || strcmp(o->socket, "@") == 0)
		return fail(err, errlen, "empty socket name");
	return OPT_OK;
}

static int
parse_one(int argc, char **argv, int *i, struct dived_opts *o, char *err,
    size_t errlen)
{
	const struct opt_def *d;
	const char *arg = argv[*i], *val;

	if ((d = find_opt(arg, &val)) == NULL)
		return fail(err, errlen, "unknown option '%s' (see dived "
		    "--help)", arg);
	if (d->type == T_HELP)
		return OPT_HELP;
	if (d->type == T_VERSION)
		return OPT_VERSION;
	if (d->type == T_BOOL) {
		if (val != NULL)
			return fail(err, errlen, "%s takes no argument",
			    d->lname);
		*(bool *)(void *)((char *)o + d->off) = true;
		return OPT_OK;
	}
	if (val == NULL) {
		if (*i + 1 >= argc)
			return fail(err, errlen, "%s needs an argument", arg);
		val = argv[++*i];
	}
	return set_value(o, d, arg, val, err, errlen);
}

int
opt_parse(int argc, char **argv, struct dived_opts *o, char *err,
    size_t errlen)
{
	int i, r;

	set_defaults(o);
	if (argc < 2)
		return fail(err, errlen, "no socket given (see dived --help)");
	if (strcmp(argv[1], "--help") == 0)
		return OPT_HELP;
	if (strcmp(argv[1], "--version") == 0)
		return OPT_VERSION;
	if (argv[1][0] == '-')
		return fail(err, errlen, "the first argument must be the "
		    "socket, not '%s' (use ./%s for such a path)", argv[1],
		    argv[1]);
	o->socket = argv[1];
	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			o->forced_argv = argv + i + 1;
			o->forced_argc = argc - i - 1;
			break;
		}
		if ((r = parse_one(argc, argv, &i, o, err, errlen)) != OPT_OK)
			return r;
	}
	return check_combinations(o, err, errlen);
}
