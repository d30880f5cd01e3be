/* SPDX-License-Identifier: MIT */
/*
 * dived: the monitor.  Parses the operator's options, resolves names,
 * opens the socket, starts the sandboxed listener master, then runs the
 * event loop (loop.c).
 * Runs as: root.  Trusts: its command line and the system databases.
 * Does not trust: clients and listeners (see loop.c).
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "errors.h"
#include "log.h"
#include "monitor.h"
#include "num.h"
#include "version.h"
#include "xmalloc.h"

extern char **environ;

/* Exit statuses of dived itself (dived(8), EXIT STATUS). */
#define DIVED_EXIT_FAILURE	1
#define DIVED_EXIT_USAGE	4

static struct dived_opts opts;
static struct setup setup;
static struct ctx ctx;

static void __attribute__((noreturn))
usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("dived: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(DIVED_EXIT_USAGE);
}

static void
parse(int argc, char **argv)
{
	char err[512];

	switch (opt_parse(argc, argv, &opts, err, sizeof(err))) {
	case OPT_OK:
		return;
	case OPT_HELP:
		fputs(opt_usage(), stdout);
		exit(0);
	case OPT_VERSION:
		printf("dived %s (protocol %u)\n", DIVE_VERSION, MSG_VERSION);
		exit(0);
	default:
		usage_error("%s", err);
	}
}

/* A user by name or number; the name must exist in both cases. */
static const struct passwd *
lookup_user(const char *opt, const char *name)
{
	const struct passwd *pw;
	long long n;

	if (num_parse(name, 0, (uid_t)-2, &n) == 0)
		pw = getpwuid((uid_t)n);
	else
		pw = getpwnam(name);
	if (pw == NULL)
		usage_error("%s: no such user '%s'", opt, name);
	return pw;
}

static gid_t
lookup_group(const char *opt, const char *name)
{
	const struct group *gr;
	long long n;

	if (num_parse(name, 0, (gid_t)-2, &n) == 0)
		return (gid_t)n;
	if ((gr = getgrnam(name)) == NULL)
		usage_error("%s: no such group '%s'", opt, name);
	return gr->gr_gid;
}

static void
resolve_listener_user(void)
{
	const struct passwd *pw = getpwnam(opts.listener_user);

	if (pw == NULL)
		usage_error("listener user '%s' does not exist; create it "
		    "(useradd --system --no-create-home --home-dir /nonexistent "
		    "--shell /usr/sbin/nologin %s) or choose another with "
		    "--listener-user", opts.listener_user, opts.listener_user);
	/* Clients must never share the listeners' uid (dived(8)). */
	if (pw->pw_uid == 0 || pw->pw_uid == 65534 ||
	    strcmp(pw->pw_name, "nobody") == 0)
		usage_error("--listener-user %s: needs a dedicated system "
		    "user, not root or nobody", opts.listener_user);
	setup.luid = pw->pw_uid;
	setup.lgid = pw->pw_gid;
}

static void
resolve_chown(uid_t *uid, gid_t *gid)
{
	char *spec = xstrdup(opts.chown_spec), *colon = strchr(spec, ':');

	if (colon == NULL || colon == spec || colon[1] == '\0')
		usage_error("--chown: '%s' is not USER:GROUP", opts.chown_spec);
	*colon = '\0';
	*uid = lookup_user("--chown", spec)->pw_uid;
	*gid = lookup_group("--chown", colon + 1);
	free(spec);
}

static void
check_groups(void)
{
	char *list = xstrdup(opts.groups), *save = NULL, *g;
	int n = 0;

	for (g = strtok_r(list, ",", &save); g != NULL;
	    g = strtok_r(NULL, ",", &save), n++)
		(void)lookup_group("--groups", g);
	if (n == 0)
		usage_error("--groups: empty list");
	free(list);
}

/* The forced program, resolved now so no client PATH can replace it. */
static const char *
resolve_forced(const char *prog)
{
	const char *path = getenv("PATH");
	char *dirs, *save = NULL, *d, cand[4096];
	struct stat st;

	if (strchr(prog, '/') != NULL) {
		if (realpath(prog, cand) == NULL)
			usage_error("forced command %s: %s", prog,
			    strerror(errno));
		return xstrdup(cand);
	}
	dirs = xstrdup(path != NULL ? path :
	    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	for (d = strtok_r(dirs, ":", &save); d != NULL;
	    d = strtok_r(NULL, ":", &save)) {
		if (d[0] != '/' || snprintf(cand, sizeof(cand), "%s/%s", d,
		    prog) >= (int)sizeof(cand))
			continue;
		if (stat(cand, &st) == 0 && S_ISREG(st.st_mode) &&
		    access(cand, X_OK) == 0) {
			free(dirs);
			return xstrdup(cand);
		}
	}
	usage_error("forced command %s: not found in PATH", prog);
}

static uint32_t
hello_flags(void)
{
	uint32_t f = 0;

	f |= opts.no_wait ? HELLO_NO_WAIT : 0;
	f |= opts.signals || opts.signals_pgid ? HELLO_SIGNALS : 0;
	f |= opts.no_fds ? HELLO_NO_FDS : 0;
	f |= opts.no_chdir ? HELLO_NO_CWD : 0;
	f |= opts.no_environment ? HELLO_NO_ENV : 0;
	f |= opts.no_argv ? HELLO_NO_ARGV : 0;
	f |= opts.no_csctty || opts.no_setsid ? HELLO_NO_CTTY : 0;
	f |= opts.forced_argc > 0 ? HELLO_FORCED_ARGV : 0;
	f |= opts.no_setsid ? HELLO_NO_SETSID : 0;
	return f;
}

static void
resolve(uid_t *cuid, gid_t *cgid)
{
	struct rlimit rl;
	struct stat st;

	resolve_listener_user();
	if (opts.chown_spec != NULL)
		resolve_chown(cuid, cgid);
	if (opts.user != NULL)
		(void)lookup_user("--user", opts.user);
	if (opts.effective_user != NULL)
		(void)lookup_user("--effective-user", opts.effective_user);
	if (opts.groups != NULL)
		check_groups();
	if (opts.forced_argc > 0)
		setup.forced_path = resolve_forced(opts.forced_argv[0]);
	if (stat("/proc/self/ns/pid", &st) == 0) {
		setup.pidns_dev = (uint64_t)st.st_dev;
		setup.pidns_ino = (uint64_t)st.st_ino;
	}
	/* Room for many sessions; programs get the original soft limit. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		setup.nofile_soft = rl.rlim_cur;
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
	setup.daemon_env = environ;
	setup.hello_flags = hello_flags();
}

static void
setup_signals(void)
{
	sigset_t set;

	(void)signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGQUIT);
	if (sigprocmask(SIG_BLOCK, &set, NULL) != 0 ||
	    (ctx.sig_fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK)) < 0)
		fatal("signalfd: %s", strerror(errno));
}

int
main(int argc, char **argv)
{
	uid_t cuid = 0;
	gid_t cgid = 0;
	int exe, ready = -1;

	parse(argc, argv);
	log_init("dived", false);
	log_verbose(opts.verbose);
	if (geteuid() != 0) {
		fprintf(stderr, "dived: must be started as root: listeners "
		    "run sandboxed under their own uid (see dived(8))\n");
		return DIVED_EXIT_FAILURE;
	}
	resolve(&cuid, &cgid);
	ctx.o = &opts;
	ctx.su = &setup;
	ctx.listen_tag = (struct evtag){ EV_LISTEN, NULL };
	ctx.sig_tag = (struct evtag){ EV_SIGNAL, NULL };
	ctx.lm_tag = (struct evtag){ EV_LM, NULL };
	exe = lm_open_listener_exe();
	if ((ctx.ep = epoll_create1(EPOLL_CLOEXEC)) < 0)
		fatal("epoll_create1: %s", strerror(errno));
	if ((ctx.listen_fd = sock_listen(&opts, cuid, cgid,
	    opts.chown_spec != NULL)) < 0)
		return DIVED_EXIT_FAILURE;
	if (opts.detach)
		ready = detach_start();
	setup_signals();
	pidfiles_write(&opts);
	lm_start(&ctx, exe);
	if (ready >= 0)
		detach_done(ready);
	log_notice("listening on %s", opts.socket);
	loop_run(&ctx);
	sock_cleanup(&opts);
	pidfiles_remove(&opts);
	return 0;
}
