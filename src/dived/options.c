/* SPDX-License-Identifier: MIT */
/* Process: dived at start-up, before the loop; dived --check-config. */
/*
 * Runs in: dived (root) at start-up, before anything else.  Trusts: the
 * operator who wrote the command line, but checks every value all the
 * same; a bad one is a usage error naming the option and the item.
 * A pure function: no I/O, no name service lookups (fuzzed as such).
 */
#include <ctype.h>
#include <sched.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cap-ng.h>

#include "msg.h"
#include "num.h"
#include "options.h"

enum opt_type {
	T_BOOL,		/* set a bool */
	T_STR,		/* store the argument */
	T_UINT,		/* unsigned within [min, max] */
	T_MODE,		/* octal file mode */
	T_PIDFILE,	/* append to the pidfile list */
	T_SETNS,	/* append to the setns list */
	T_CAPS,		/* capability list into a mask */
	T_CAPTEXT,	/* -c text */
	T_RLIMIT,	/* -l list */
	T_UNSHARE,	/* -s list */
	T_WRITE,	/* -t FILE STRING */
	T_UIDMAP,	/* -tt */
	T_PIVOT,	/* -V NEW OLD */
	T_KEEPENV,	/* --keep-env list */
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
	{ "-F", "--no-fork", T_BOOL, F(no_fork), 0, 0 },
	{ "-D", "--children-daemon", T_BOOL, F(children_daemon), 0, 0 },
	{ "-u", "--user", T_STR, F(user), 0, 0 },
	{ "-e", "--effective-user", T_STR, F(effective_user), 0, 0 },
	{ "-g", "--groups", T_STR, F(groups), 0, 0 },
	{ "-P", "--no-setuid", T_BOOL, F(no_setuid), 0, 0 },
	{ "-E", "--no-environment", T_BOOL, F(no_environment), 0, 0 },
	{ "-A", "--no-argv", T_BOOL, F(no_argv), 0, 0 },
	{ "-H", "--no-chdir", T_BOOL, F(no_chdir), 0, 0 },
	{ "-O", "--no-fds", T_BOOL, F(no_fds), 0, 0 },
	{ "-M", "--no-umask", T_BOOL, F(no_umask), 0, 0 },
	{ NULL, "--pass-fds-umask", T_BOOL, F(pass_fds_umask), 0, 0 },
	{ "-S", "--no-setsid", T_BOOL, F(no_setsid), 0, 0 },
	{ "-T", "--no-csctty", T_BOOL, F(no_csctty), 0, 0 },
	{ NULL, "--pty", T_BOOL, F(pty), 0, 0 },
	{ NULL, "--no-pty", T_BOOL, F(no_pty), 0, 0 },
	{ "-n", "--signals", T_BOOL, F(signals), 0, 0 },
	{ NULL, "--signals-pgid", T_BOOL, F(signals_pgid), 0, 0 },
	{ "-w", "--no-wait", T_BOOL, F(no_wait), 0, 0 },
	{ "-B", "--retain-capabilities", T_CAPS, F(bset_keep), 0, 0 },
	{ "-b", "--remove-capabilities", T_CAPS, F(bset_drop), 0, 0 },
	{ "-m", "--ambient-capabilities", T_CAPS, F(ambient), 0, 0 },
	{ "-c", "--set-capabilities", T_CAPTEXT, 0, 0, 0 },
	{ "-X", "--no-new-privs", T_BOOL, F(no_new_privs), 0, 0 },
	{ "-L", "--lock-securebits", T_BOOL, F(lock_securebits), 0, 0 },
	{ "-a", "--authenticate", T_STR, F(authenticate), 0, 0 },
	{ "-l", "--rlimit", T_RLIMIT, 0, 0, 0 },
	{ "-N", "--setns", T_SETNS, 0, 0, 0 },
	{ "-s", "--unshare", T_UNSHARE, 0, 0, 0 },
	{ "-t", "--write-content", T_WRITE, 0, 0, 0 },
	{ "-tt", "--setup-uidgidmap", T_UIDMAP, 0, 0, 0 },
	{ "-R", "--chroot", T_STR, F(chroot_dir), 0, 0 },
	{ "-h", "--chdir", T_STR, F(chdir_dir), 0, 0 },
	{ "-V", "--pivot-root", T_PIVOT, 0, 0, 0 },
	{ "-r", "--client-chroot", T_BOOL, F(client_chroot), 0, 0 },
	{ "-W", "--root-to-current", T_BOOL, F(root_to_current), 0, 0 },
	{ NULL, "--allow-outside-dirs", T_BOOL, F(allow_outside_dirs), 0, 0 },
	{ "-v", "--verbose", T_BOOL, F(verbose), 0, 0 },
	{ NULL, "--listener-user", T_STR, F(listener_user), 0, 0 },
	{ NULL, "--listener-user-force", T_BOOL, F(listener_user_force), 0, 0 },
	{ NULL, "--config", T_STR, F(config), 0, 0 },
	{ NULL, "--allow-users", T_STR, F(allow_users), 0, 0 },
	{ NULL, "--allow-groups", T_STR, F(allow_groups), 0, 0 },
	{ NULL, "--audit-log", T_STR, F(audit_log), 0, 0 },
	{ NULL, "--audit-syslog", T_BOOL, F(audit_syslog), 0, 0 },
	{ NULL, "--audit-fsync", T_BOOL, F(audit_fsync), 0, 0 },
	{ NULL, "--audit-fail-open", T_BOOL, F(audit_fail_open), 0, 0 },
	{ NULL, "--as-client", T_STR, F(as_client), 0, 0 },
	{ NULL, "--as-target", T_STR, F(as_target), 0, 0 },
	{ NULL, "--forced", T_BOOL, F(check_forced), 0, 0 },
	{ NULL, "--max-connections", T_UINT, F(max_conns), 1, 65536 },
	{ NULL, "--max-per-uid", T_UINT, F(max_per_uid), 1, 65536 },
	{ NULL, "--request-timeout", T_UINT, F(timeout), 1, 3600 },
	{ NULL, "--auth-timeout", T_UINT, F(auth_timeout), 1, 86400 },
	{ NULL, "--max-fds", T_UINT, F(max_fds), 3, MSG_MAX_FDS },
	{ NULL, "--max-request-bytes", T_UINT, F(max_bytes), 4096,
	    MSG_MAX_LEN },
	{ NULL, "--keep-env", T_KEEPENV, 0, 0, 0 },
	{ NULL, "--help", T_HELP, 0, 0, 0 },
	{ NULL, "--version", T_VERSION, 0, 0, 0 },
};

static const char usage_text[] =
    "usage: dived SOCKET|@NAME [options] [-- PROGRAM [ARGS...]]\n"
    "       dived -i [options] [-- PROGRAM [ARGS...]]\n"
    "       dived -J|-j [options] -- PROGRAM [ARGS...]\n"
    "       dived --check-config FILE [--as-client USER [--as-target USER]\n"
    "             [--forced] -- PROGRAM [ARGS...]]\n"
    "\n"
    "Listen on SOCKET and start programs for dive(1) clients, with their\n"
    "descriptors, arguments, environment, umask, directory and terminal,\n"
    "as their own user unless told otherwise.  See dived(8).\n"
    "\n"
    "Modes (first argument instead of SOCKET):\n"
    "  -i --inetd              serve one client connected on stdin\n"
    "  -J --just-execute       no socket: apply the options to this\n"
    "                          process and execute the forced command\n"
    "  -j --just-execute2      the same as -J -S -T -P\n"
    "     --check-config FILE  check a policy file and exit; print what\n"
    "                          it decides for PROGRAM with --as-client\n"
    "                          (exit 0 permit, 3 deny)\n"
    "Daemon:\n"
    "  -d --detach             run in the background (log to syslog)\n"
    "  -p --pidfile FILE       write the daemon's pid (repeatable)\n"
    "  -C --chmod MODE         mode of the socket, e.g. 0660\n"
    "  -U --chown USER:GROUP   owner of the socket\n"
    "  -F --no-fork            serve one client, becoming its program\n"
    "  -D --children-daemon    detach programs from dived (no status)\n"
    "  -v --verbose            log every request\n"
    "Identity:\n"
    "  -u --user USER          run programs as USER, not as the client\n"
    "  -e --effective-user USER  effective uid USER for programs\n"
    "  -g --groups G1,G2,...   groups for programs (first: primary; -u)\n"
    "  -P --no-setuid          keep the daemon's own ids (no setuid)\n"
    "What the client may set:\n"
    "  -E --no-environment     ignore the client's environment\n"
    "  -A --no-argv            ignore the client's arguments\n"
    "  -H --no-chdir           ignore the client's current directory\n"
    "  -O --no-fds             ignore the client's descriptors\n"
    "  -M --no-umask           ignore the client's umask\n"
    "     --pass-fds-umask     pass them to a forced command that runs\n"
    "                          with privileges (else -O -M are implied)\n"
    "  -r --client-chroot      use the client's root directory (and -X)\n"
    "Session and signals:\n"
    "  -S --no-setsid          do not make the program a session leader\n"
    "  -T --no-csctty          do not set a controlling terminal\n"
    "     --pty                always a new pseudo-terminal (dive relays)\n"
    "     --no-pty             never one: the caller's terminal is used\n"
    "  -n --signals            deliver signals the client forwards\n"
    "     --signals-pgid       ... to the program's process group\n"
    "  -w --no-wait            do not report exit statuses\n"
    "  -a --authenticate CMD   run CMD (sh -c) first; non-zero: refuse\n"
    "Namespaces and root:\n"
    "  -N --setns FILE         enter this namespace (repeatable, in order)\n"
    "  -s --unshare LIST       new namespaces for each program:\n"
    "                          ipc,net,fs,mnt,pid,uts,user,cgroup\n"
    "  -t --write-content FILE STRING  write STRING to FILE after them\n"
    "  -tt --setup-uidgidmap   map root in the new user namespace to the\n"
    "                          program's user\n"
    "  -h --chdir DIR          change to DIR (before -R)\n"
    "  -R --chroot DIR         change root to DIR\n"
    "  -V --pivot-root NEW OLD pivot_root(2) to NEW, old root at OLD\n"
    "                          (with -s mnt)\n"
    "  -W --root-to-current    start in dived's root directory\n"
    "     --allow-outside-dirs  let the client's descriptors hold\n"
    "                          directories outside the new root\n"
    "Capabilities and limits:\n"
    "  -B --retain-capabilities LIST  bounding set keeps only LIST\n"
    "  -b --remove-capabilities LIST  remove LIST from the bounding set\n"
    "  -m --ambient-capabilities LIST raise LIST as ambient\n"
    "  -c --set-capabilities TEXT     e.g. 'cap_net_raw+eip cap_chown+i'\n"
    "  -X --no-new-privs       set no_new_privs\n"
    "  -L --lock-securebits    set and lock NOROOT and NO_SETUID_FIXUP\n"
    "  -l --rlimit LIST        e.g. cpu=10,nofile=256:128,core=0\n"
    "                          as cpu fsize data stack core locks\n"
    "                          sigpending msgqueue nice rtprio rttime\n"
    "                          nofile nproc memlock rss, or numbers\n"
    "Policy (dived.conf(5)) and audit:\n"
    "     --config FILE        who may run what as whom; default deny\n"
    "     --allow-users U1,U2,...   these users may use the socket\n"
    "     --allow-groups G1,G2,...  members of these groups may use it\n"
    "     --audit-log FILE     audit records as JSON lines in FILE\n"
    "                          (default with a policy: syslog authpriv)\n"
    "     --audit-syslog       records to syslog too (or without policy)\n"
    "     --audit-fsync        sync the file after every record\n"
    "     --audit-fail-open    serve requests that cannot be recorded\n"
    "                          (default: refuse them)\n"
    "     --as-client USER     (--check-config) whose request to decide\n"
    "     --as-target USER     (--check-config) the user it asks for\n"
    "     --forced             (--check-config) the words after -- are\n"
    "                          the forced command line (implied by -A)\n"
    "Limits of the daemon:\n"
    "     --listener-user USER     uid of the listeners (_dived)\n"
    "     --listener-user-force    even with a login shell or password\n"
    "     --max-connections N      connections at once (1024)\n"
    "     --max-per-uid N          connections per client uid (128)\n"
    "     --request-timeout SECS   time to send a request (10)\n"
    "     --auth-timeout SECS      time for -a's command (120)\n"
    "     --max-fds N              descriptors per request (253)\n"
    "     --max-request-bytes N    request size (4194304)\n"
    "     --keep-env NAME,PREFIX*  keep these variables even when the\n"
    "                              program gains privileges (repeatable)\n"
    "     --help, --version\n"
    "  -- PROGRAM ARGS         forced command line, prepended to the\n"
    "                          client's arguments\n";

const char *
opt_usage(void)
{
	return usage_text;
}

static int __attribute__((format(printf, 3, 4)))
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

/* One capability: a name with or without "cap_", any case, or a number. */
static int
parse_cap(const char *s, size_t len, unsigned int *cap)
{
	char name[32];
	long long n;
	size_t i;
	int c;

	if (len == 0 || len >= sizeof(name))
		return -1;
	for (i = 0; i < len; i++)
		name[i] = (char)tolower((unsigned char)s[i]);
	name[len] = '\0';
	if (num_parse(name, 0, 63, &n) == 0) {
		*cap = (unsigned int)n;
		return 0;
	}
	c = capng_name_to_capability(strncmp(name, "cap_", 4) == 0 ?
	    name + 4 : name);
	if (c < 0 || c > 63)
		return -1;
	*cap = (unsigned int)c;
	return 0;
}

/* A comma-separated capability list ("" is the empty set). */
static int
parse_caplist(const char *s, size_t len, uint64_t *mask, char *err,
    size_t errlen, const char *name)
{
	const char *end = s + len, *comma;
	unsigned int cap;

	*mask = 0;
	while (s < end) {
		if ((comma = memchr(s, ',', (size_t)(end - s))) == NULL)
			comma = end;
		if (comma - s == 3 && strncmp(s, "all", 3) == 0)
			*mask = ~0ULL;
		else if (parse_cap(s, (size_t)(comma - s), &cap) != 0)
			return fail(err, errlen, "%s: unknown capability "
			    "'%.*s'", name, (int)(comma - s), s);
		else
			*mask |= 1ULL << cap;
		s = comma + (comma < end);
		if (comma < end && s == end)
			return fail(err, errlen, "%s: empty capability name",
			    name);
	}
	return OPT_OK;
}

/*
 * -c: clauses like "cap_net_raw+eip cap_chown,cap_kill=i 11-e", applied
 * in order to an empty state, as cap_from_text(3) reads them.
 */
static int
parse_captext(struct dived_opts *o, const char *s, char *err, size_t errlen)
{
	uint64_t *sets[3] = { &o->cap_eff, &o->cap_inh, &o->cap_prm };
	uint64_t caps;
	size_t n;
	char op;
	int r, i;

	o->caps_set = true;
	o->cap_eff = o->cap_prm = o->cap_inh = 0;
	while (*s != '\0') {
		if (isspace((unsigned char)*s)) {
			s++;
			continue;
		}
		n = strcspn(s, "=+-");
		if (s[n] == '\0' || memchr(s, ' ', n) != NULL)
			return fail(err, errlen, "--set-capabilities: '%.*s' "
			    "has no +, - or = part", (int)strcspn(s, " "), s);
		if (n == 0)
			caps = ~0ULL;	/* "=ep": every capability */
		else if ((r = parse_caplist(s, n, &caps, err, errlen,
		    "--set-capabilities")) != OPT_OK)
			return r;
		for (s += n; *s == '=' || *s == '+' || *s == '-';) {
			op = *s++;
			if (op == '=')
				for (i = 0; i < 3; i++)
					*sets[i] &= ~caps;
			for (; *s == 'e' || *s == 'i' || *s == 'p'; s++) {
				i = *s == 'e' ? 0 : *s == 'i' ? 1 : 2;
				if (op == '-')
					*sets[i] &= ~caps;
				else
					*sets[i] |= caps;
			}
		}
		if (*s != '\0' && !isspace((unsigned char)*s))
			return fail(err, errlen, "--set-capabilities: unknown "
			    "flag '%c' (e, i or p)", *s);
	}
	return OPT_OK;
}

static const struct {
	const char *name;
	int resource;
} rlimit_names[] = {
	{ "as", RLIMIT_AS }, { "cpu", RLIMIT_CPU }, { "fsize", RLIMIT_FSIZE },
	{ "data", RLIMIT_DATA }, { "stack", RLIMIT_STACK },
	{ "core", RLIMIT_CORE }, { "locks", RLIMIT_LOCKS },
	{ "sigpending", RLIMIT_SIGPENDING }, { "msgqueue", RLIMIT_MSGQUEUE },
	{ "nice", RLIMIT_NICE }, { "rtprio", RLIMIT_RTPRIO },
	{ "rttime", RLIMIT_RTTIME }, { "nofile", RLIMIT_NOFILE },
	{ "nproc", RLIMIT_NPROC }, { "memlock", RLIMIT_MEMLOCK },
	{ "rss", RLIMIT_RSS },
};

static int
parse_limit(const char *s, size_t len, rlim_t *v)
{
	char num[32];
	unsigned long long u;

	if (len == 0 || len >= sizeof(num))
		return -1;
	memcpy(num, s, len);
	num[len] = '\0';
	if (strcmp(num, "unlimited") == 0 || strcmp(num, "infinity") == 0) {
		*v = RLIM_INFINITY;
		return 0;
	}
	if (num_parse_base(num, 10, (unsigned long long)RLIM_INFINITY - 1,
	    &u) != 0)
		return -1;
	*v = (rlim_t)u;
	return 0;
}

/* One item NAME=HARD[:SOFT] of -l. */
static int
parse_rlimit_item(struct opt_rlimit *rl, const char *s, size_t len)
{
	const char *eq = memchr(s, '=', len), *colon;
	char name[16];
	long long n;
	size_t i, nl;

	if (eq == NULL || (nl = (size_t)(eq - s)) == 0 || nl >= sizeof(name))
		return -1;
	memcpy(name, s, nl);
	name[nl] = '\0';
	rl->resource = -1;
	for (i = 0; i < sizeof(rlimit_names) / sizeof(rlimit_names[0]); i++)
		if (strcmp(name, rlimit_names[i].name) == 0)
			rl->resource = rlimit_names[i].resource;
	if (rl->resource < 0 && num_parse(name, 0, RLIM_NLIMITS - 1, &n) == 0)
		rl->resource = (int)n;
	if (rl->resource < 0)
		return -1;
	s = eq + 1;
	len -= nl + 1;
	if ((colon = memchr(s, ':', len)) == NULL)
		colon = s + len;
	if (parse_limit(s, (size_t)(colon - s), &rl->hard) != 0)
		return -1;
	rl->soft = rl->hard;
	if (colon < s + len && parse_limit(colon + 1,
	    len - (size_t)(colon - s) - 1, &rl->soft) != 0)
		return -1;
	return rl->soft <= rl->hard ? 0 : -1;
}

static int
parse_rlimits(struct dived_opts *o, const char *s, char *err, size_t errlen)
{
	const char *comma;
	size_t n;

	do {
		n = (comma = strchr(s, ',')) != NULL ? (size_t)(comma - s) :
		    strlen(s);
		if (o->nrlimits == OPT_MAX_RLIMITS)
			return fail(err, errlen, "--rlimit: at most %d limits",
			    OPT_MAX_RLIMITS);
		if (parse_rlimit_item(&o->rlimits[o->nrlimits], s, n) != 0)
			return fail(err, errlen, "--rlimit: bad item '%.*s' "
			    "(RESOURCE=HARD[:SOFT], soft not above hard)",
			    (int)n, s);
		o->nrlimits++;
		s = comma != NULL ? comma + 1 : s + n;
	} while (comma != NULL);
	return OPT_OK;
}

static const struct {
	const char *name;
	int flag;
} ns_names[] = {
	/* "fs" is dive 1.9's name for a mount namespace. */
	{ "ipc", CLONE_NEWIPC }, { "net", CLONE_NEWNET }, { "fs", CLONE_NEWNS },
	{ "mnt", CLONE_NEWNS }, { "pid", CLONE_NEWPID },
	{ "uts", CLONE_NEWUTS }, { "user", CLONE_NEWUSER },
	{ "cgroup", CLONE_NEWCGROUP },
};

static int
parse_unshare(struct dived_opts *o, const char *s, char *err, size_t errlen)
{
	size_t n, i;

	for (;;) {
		n = strcspn(s, ",");
		for (i = 0; i < sizeof(ns_names) / sizeof(ns_names[0]); i++)
			if (strlen(ns_names[i].name) == n &&
			    strncmp(s, ns_names[i].name, n) == 0)
				break;
		if (i == sizeof(ns_names) / sizeof(ns_names[0]))
			return fail(err, errlen, "--unshare: unknown namespace "
			    "'%.*s' (ipc,net,fs,mnt,pid,uts,user,cgroup)",
			    (int)n, s);
		o->unshare |= ns_names[i].flag;
		if (s[n] == '\0')
			return OPT_OK;
		s += n + 1;
	}
}

static int
add_write(struct dived_opts *o, const char *file, const char *data,
    char *err, size_t errlen)
{
	if (o->nwrites == OPT_MAX_WRITES)
		return fail(err, errlen, "--write-content: at most %d files "
		    "(--setup-uidgidmap counts as 3)", OPT_MAX_WRITES);
	o->writes[o->nwrites].file = file;
	o->writes[o->nwrites++].data = data;
	return OPT_OK;
}

/* Append to a repeatable option's list of max file names. */
static int
set_list(const char **list, int *n, int max, const char *name,
    const char *val, char *err, size_t errlen)
{
	if (*n == max)
		return fail(err, errlen, "%s: at most %d", name, max);
	if (*val == '\0')
		return fail(err, errlen, "%s: empty file name", name);
	list[(*n)++] = val;
	return OPT_OK;
}

/*
 * --keep-env: NAME or PREFIX* items, comma-separated; names of letters,
 * digits and '_' ("*" alone keeps every variable).
 */
static int
add_keep_env(struct dived_opts *o, const char *val, char *err, size_t errlen)
{
	static const char name_chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789_";
	const char *s = val;
	size_t n, k;

	for (;;) {
		n = strcspn(s, ",");
		k = n > 0 && s[n - 1] == '*' ? n - 1 : n;
		if (n == 0 || strspn(s, name_chars) != k)
			return fail(err, errlen, "--keep-env: '%.*s' is not a "
			    "variable name (letters, digits and _, with a "
			    "final * for a prefix)", (int)n, s);
		if (s[n] == '\0')
			break;
		s += n + 1;
	}
	if (o->nkeep_env == OPT_MAX_KEEP_ENV)
		return fail(err, errlen, "--keep-env: at most %d times",
		    OPT_MAX_KEEP_ENV);
	o->keep_env[o->nkeep_env++] = val;
	return OPT_OK;
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
		return set_list(o->pidfiles, &o->npidfiles, OPT_MAX_PIDFILES,
		    name, val, err, errlen);
	case T_SETNS:
		return set_list(o->setns, &o->nsetns, OPT_MAX_SETNS, name, val,
		    err, errlen);
	case T_CAPS:
		o->bset_keep_set |= d->off == F(bset_keep);
		return parse_caplist(val, strlen(val),
		    (uint64_t *)(void *)(base + d->off), err, errlen, name);
	case T_CAPTEXT:
		return parse_captext(o, val, err, errlen);
	case T_RLIMIT:
		return parse_rlimits(o, val, err, errlen);
	case T_UNSHARE:
		return parse_unshare(o, val, err, errlen);
	case T_KEEPENV:
		return add_keep_env(o, val, err, errlen);
	case T_BOOL:
	case T_WRITE:
	case T_UIDMAP:
	case T_PIVOT:
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
	o->auth_timeout = OPT_DEF_AUTH_TIMEOUT;
	o->max_fds = OPT_DEF_MAX_FDS;
	o->max_bytes = OPT_DEF_MAX_BYTES;
}

/* Options taking two arguments, and -tt, which takes none. */
static int
set_multi(int argc, char **argv, int *i, struct dived_opts *o,
    const struct opt_def *d, char *err, size_t errlen)
{
	const char *name = argv[*i];
	int r;

	if (d->type == T_UIDMAP) {
		if ((r = add_write(o, OPT_UIDMAP_FILE, NULL, err, errlen)) ||
		    (r = add_write(o, OPT_SETGROUPS_FILE, "deny", err,
		    errlen)) ||
		    (r = add_write(o, OPT_GIDMAP_FILE, NULL, err, errlen)))
			return r;
		return OPT_OK;
	}
	if (*i + 2 >= argc)
		return fail(err, errlen, "%s needs two arguments", name);
	*i += 2;
	if (d->type == T_PIVOT) {
		o->pivot_new = argv[*i - 1];
		o->pivot_old = argv[*i];
		return OPT_OK;
	}
	return add_write(o, argv[*i - 1], argv[*i], err, errlen);
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
	if (d->type == T_BOOL || d->type == T_UIDMAP || d->type == T_WRITE ||
	    d->type == T_PIVOT) {
		if (val != NULL)
			return fail(err, errlen, "%s: give its arguments as "
			    "separate words", d->lname);
		if (d->type != T_BOOL)
			return set_multi(argc, argv, i, o, d, err, errlen);
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

/* --check-config FILE (or =FILE) as the first argument: *i is next. */
static int
parse_check(int argc, char **argv, int *i, struct dived_opts *o, char *err,
    size_t errlen)
{
	const char *a = argv[1];

	if (strncmp(a, "--check-config=", 15) == 0)
		o->check_config = a + 15;
	else if (argc > 2)
		o->check_config = argv[(*i)++];
	if (o->check_config == NULL || o->check_config[0] == '\0')
		return fail(err, errlen, "--check-config needs a file");
	return OPT_OK;
}

/* The long name of a mode (-i, -J, -j, --check-config), or NULL. */
static const char *
mode_name(const char *a)
{
	if (strcmp(a, "-i") == 0 || strcmp(a, "--inetd") == 0)
		return "--inetd";
	if (strcmp(a, "-J") == 0 || strcmp(a, "--just-execute") == 0)
		return "--just-execute";
	if (strcmp(a, "-j") == 0 || strcmp(a, "--just-execute2") == 0)
		return "--just-execute2";
	if (strncmp(a, "--check-config", 14) == 0)
		return "--check-config";
	return NULL;
}

/* The first argument: a socket, or one of the modes without a socket. */
static int
parse_mode(const char *a, struct dived_opts *o, char *err, size_t errlen)
{
	if (strcmp(a, "-i") == 0 || strcmp(a, "--inetd") == 0)
		o->inetd = true;
	else if (strcmp(a, "-J") == 0 || strcmp(a, "--just-execute") == 0)
		o->just_execute = true;
	else if (strcmp(a, "-j") == 0 || strcmp(a, "--just-execute2") == 0) {
		o->just_execute = true;
		o->no_setsid = o->no_csctty = o->no_setuid = true;
	} else if (a[0] == '-')
		return fail(err, errlen, "the first argument must be the "
		    "socket, -i, -J, -j or --check-config, not '%s' (use "
		    "./%s for such a path)", a, a);
	else
		o->socket = a;
	return OPT_OK;
}

static int
check_modes(const struct dived_opts *o, char *err, size_t errlen)
{
	const char *m = o->inetd ? "--inetd" : "--just-execute";

	if (o->just_execute && o->forced_argc == 0)
		return fail(err, errlen, "--just-execute needs a command line "
		    "after --");
	if (o->socket == NULL && (o->chmod_set || o->chown_spec != NULL ||
	    o->detach))
		return fail(err, errlen, "%s: no socket, so no --chmod, "
		    "--chown or --detach", m);
	if (o->just_execute && (o->signals || o->signals_pgid ||
	    o->no_wait || o->no_fork || o->children_daemon ||
	    o->client_chroot || o->authenticate != NULL || o->pty ||
	    o->no_pty))
		return fail(err, errlen, "--just-execute has no client: no "
		    "-n, -w, -F, -D, -r, -a, --pty or --no-pty");
	if (o->socket != NULL && o->socket[0] == '@' &&
	    (o->chmod_set || o->chown_spec != NULL))
		return fail(err, errlen, "--chmod and --chown do not apply to "
		    "an abstract socket (%s)", o->socket);
	if (o->socket != NULL &&
	    (o->socket[0] == '\0' || strcmp(o->socket, "@") == 0))
		return fail(err, errlen, "empty socket name");
	return OPT_OK;
}

/* Policy and audit options that need each other. */
static int
check_policy(const struct dived_opts *o, char *err, size_t errlen)
{
	bool policy = o->config != NULL || o->allow_users != NULL ||
	    o->allow_groups != NULL;

	if ((o->as_client != NULL || o->as_target != NULL) &&
	    o->check_config == NULL)
		return fail(err, errlen, "--as-client and --as-target go with "
		    "--check-config");
	if (o->as_target != NULL && o->as_client == NULL)
		return fail(err, errlen, "--as-target needs --as-client");
	if (o->check_forced && o->as_client == NULL)
		return fail(err, errlen, "--forced goes with --as-client");
	if (o->check_config != NULL && o->as_client != NULL &&
	    o->forced_argc == 0)
		return fail(err, errlen, "--as-client needs the program to "
		    "check after --");
	if (o->just_execute && (policy || o->audit_log != NULL ||
	    o->audit_syslog))
		return fail(err, errlen, "--just-execute has no client: no "
		    "policy or audit options");
	if (o->audit_fsync && o->audit_log == NULL)
		return fail(err, errlen, "--audit-fsync needs --audit-log");
	if (o->audit_fail_open && !policy && o->audit_log == NULL &&
	    !o->audit_syslog)
		return fail(err, errlen, "--audit-fail-open: nothing is "
		    "audited without a policy, --audit-log or --audit-syslog");
	return OPT_OK;
}

/*
 * A forced command that runs with rights the operator chose (-u, -e, -P,
 * -c, -m, -s user) serves whoever may connect: it gets dived's umask and no
 * descriptor of the client (-M, -O), or a client's umask 000 makes the
 * files it writes the client's to change, and the client's descriptors
 * (or the ones it closed) decide where its output goes.  The client
 * still names nothing: that is what -A, -E and -H are for.
 */
static void
forced_privileged(struct dived_opts *o)
{
	bool gain = o->user != NULL || o->effective_user != NULL ||
	    o->no_setuid || o->ambient != 0 ||
	    (o->unshare & CLONE_NEWUSER) != 0 ||
	    (o->caps_set && (o->cap_eff | o->cap_prm | o->cap_inh) != 0);

	if (o->forced_argc == 0 || o->just_execute ||
	    o->check_config != NULL || o->pass_fds_umask || !gain)
		return;
	o->no_fds = o->no_umask = true;
}

/* Combinations that cannot work, refused as dive 1.9 refuses them. */
static int
check_combinations(const struct dived_opts *o, char *err, size_t errlen)
{
	bool nowait = o->no_wait || o->no_fork || o->children_daemon;
	int r;

	if (o->groups != NULL && o->user == NULL)
		return fail(err, errlen, "--groups needs --user");
	if (o->no_setuid && (o->user != NULL || o->effective_user != NULL ||
	    o->groups != NULL))
		return fail(err, errlen, "--no-setuid cannot be combined with "
		    "--user, --effective-user or --groups");
	if (nowait && (o->signals || o->signals_pgid))
		return fail(err, errlen, "--signals needs dived to wait for the "
		    "program: not with --no-wait, --no-fork or "
		    "--children-daemon");
	if (o->pty && o->no_pty)
		return fail(err, errlen, "--pty and --no-pty cannot be "
		    "combined");
	if (o->pty && (o->no_setsid || o->no_csctty))
		return fail(err, errlen, "--pty makes the pseudo-terminal the "
		    "controlling terminal of a new session: not with "
		    "--no-setsid or --no-csctty");
	if (o->pty && nowait)
		return fail(err, errlen, "--pty needs dived to wait for the "
		    "program: not with --no-wait, --no-fork or "
		    "--children-daemon");
	if (o->signals_pgid && o->no_setsid)
		return fail(err, errlen, "--signals-pgid needs the program to "
		    "lead its own process group; not with --no-setsid");
	if (o->no_argv && o->forced_argc == 0)
		return fail(err, errlen, "--no-argv needs a forced command "
		    "line after --");
	if (o->bset_keep_set && o->bset_drop != 0)
		return fail(err, errlen, "--retain-capabilities and "
		    "--remove-capabilities cannot be combined");
	if ((o->chroot_dir != NULL) + (o->pivot_new != NULL) +
	    o->client_chroot > 1)
		return fail(err, errlen, "choose one of --chroot, --pivot-root "
		    "and --client-chroot");
	/* pivot_root(2) moves every process of the mount namespace. */
	if (o->pivot_new != NULL && !(o->unshare & CLONE_NEWNS) &&
	    o->nsetns == 0)
		return fail(err, errlen, "--pivot-root needs --unshare mnt: in "
		    "dived's own mount namespace it would move dived's root "
		    "(and every other process's) too");
	for (int i = 0; i < o->nwrites; i++)
		if (o->writes[i].data == NULL && !(o->unshare & CLONE_NEWUSER))
			return fail(err, errlen, "--setup-uidgidmap needs "
			    "--unshare user");
	if ((r = check_policy(o, err, errlen)) != OPT_OK)
		return r;
	return check_modes(o, err, errlen);
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
	i = 2;
	if (strncmp(argv[1], "--check-config", 14) == 0 &&
	    (argv[1][14] == '\0' || argv[1][14] == '=')) {
		if ((r = parse_check(argc, argv, &i, o, err, errlen)) != OPT_OK)
			return r;
	} else if ((r = parse_mode(argv[1], o, err, errlen)) != OPT_OK)
		return r;
	for (; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			o->forced_argv = argv + i + 1;
			o->forced_argc = argc - i - 1;
			break;
		}
		if (mode_name(argv[i]) != NULL && o->socket == NULL)
			return fail(err, errlen, "%s and %s cannot be combined",
			    mode_name(argv[1]), mode_name(argv[i]));
		if (mode_name(argv[i]) != NULL)
			return fail(err, errlen, "%s must be the first "
			    "argument, instead of the socket", argv[i]);
		if ((r = parse_one(argc, argv, &i, o, err, errlen)) != OPT_OK)
			return r;
	}
	if ((r = check_combinations(o, err, errlen)) != OPT_OK)
		return r;
	forced_privileged(o);
	return OPT_OK;
}
