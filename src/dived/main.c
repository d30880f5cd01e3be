/* SPDX-License-Identifier: MIT */
/* Process: dived at start-up, before the loop; dived --check-config. */
/*
 * dived: the monitor.  Parses the operator's options, resolves names,
 * opens the socket, starts the sandboxed listener master, then runs the
 * event loop (loop.c).
 * Runs as: root.  Trusts: its command line and the system databases.
 * Does not trust: clients and listeners (see loop.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <pwd.h>
#include <shadow.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon.h"
#include "errors.h"
#include "log.h"
#include "dived.h"
#include "version.h"
#include "xmalloc.h"

extern char **environ;


static struct dived_opts opts;
static struct setup setup;
static struct ctx ctx;
static struct daemon_sock dsock;
static struct auditlog audit;

void
dived_exit(enum dived_exit status, const char *fmt, ...)
{
	va_list ap;

	fputs("dived: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(status);
}

#define usage_error(...)	dived_exit(DIVED_EXIT_USAGE, __VA_ARGS__)

static void
parse(int argc, char **argv)
{
	char err[512];

	switch (opt_parse(argc, argv, &opts, err, sizeof(err))) {
	case OPT_OK:
		return;
	case OPT_HELP:
		fputs(opt_usage(), stdout);
		exit(DIVED_EXIT_OK);
	case OPT_VERSION:
		printf("dived %s (protocol %u)\n", DIVE_VERSION, MSG_VERSION);
		exit(DIVED_EXIT_OK);
	default:
		usage_error("%s", err);
	}
}

/* A user by name or number that must exist now. */
static uid_t
check_user(const char *opt, const char *name)
{
	struct passwd pw;
	char *buf = NULL;
	uid_t uid;

	if (ids_user(name, &pw, &buf) != 0)
		usage_error("%s: no such user '%s'", opt, name);
	uid = pw.pw_uid;
	free(buf);
	return uid;
}

/*
 * Why a listener user could be someone's login (NULL if it cannot): a
 * person logged in as it could signal and trace every listener.  Root
 * reads the shadow entry; a password is usable unless locked ('!' or
 * '*' first); an empty one is usable too (no password asked).
 */
static const char *
login_user(const struct passwd *pw)
{
	static const char *const nologin[] = { "/usr/sbin/nologin",
		"/sbin/nologin", "/bin/false", "/usr/bin/false" };
	const struct spwd *sp;
	const char *pass;
	size_t i;

	for (i = 0; i < sizeof(nologin) / sizeof(nologin[0]); i++)
		if (strcmp(pw->pw_shell, nologin[i]) == 0)
			break;
	if (i == sizeof(nologin) / sizeof(nologin[0]))
		return "a login shell";
	sp = getspnam(pw->pw_name);
	pass = sp != NULL ? sp->sp_pwdp : strcmp(pw->pw_passwd, "x") == 0 ?
	    "*" : pw->pw_passwd;
	if (pass[0] != '!' && pass[0] != '*')
		return "a usable password";
	return NULL;
}

static void
resolve_listener_user(void)
{
	const char *why;
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
	if ((why = login_user(pw)) != NULL && !opts.listener_user_force)
		usage_error("--listener-user %s: has %s, so someone could log "
		    "in as the listeners' uid; lock it (usermod --lock "
		    "--shell /usr/sbin/nologin %s), choose a system user, or "
		    "insist with --listener-user-force", opts.listener_user,
		    why, opts.listener_user);
	if (why != NULL)
		log_warn("--listener-user %s has %s (--listener-user-force)",
		    opts.listener_user, why);
	setup.luid = pw->pw_uid;
	setup.lgid = pw->pw_gid;
}

static void
resolve_chown(struct daemon_owner *own)
{
	char *spec = xstrdup(opts.chown_spec), *colon = strchr(spec, ':');

	if (colon == NULL || colon == spec || colon[1] == '\0')
		usage_error("--chown: '%s' is not USER:GROUP", opts.chown_spec);
	*colon = '\0';
	own->set = true;
	own->uid = check_user("--chown", spec);
	if (ids_group(colon + 1, &own->gid) != 0)
		usage_error("--chown: no such group '%s'", colon + 1);
	free(spec);
}

static void
check_names(void)
{
	gid_t *groups = NULL;
	int n;

	if (opts.user != NULL)
		setup.user_uid = check_user("--user", opts.user);
	if (opts.effective_user != NULL)
		(void)check_user("--effective-user", opts.effective_user);
	if (opts.groups != NULL &&
	    ids_group_list(opts.groups, &groups, &n) != 0)
		usage_error("--groups: '%s' names a group that does not exist",
		    opts.groups);
	free(groups);
	/* Resolved now, so no client's PATH can ever choose it. */
	if (opts.forced_argc > 0 && (setup.forced_path =
	    spawn_find_program(opts.forced_argv[0], getenv("PATH"))) == NULL)
		usage_error("forced command %s: %s", opts.forced_argv[0],
		    errno == ENOENT ? "not found in PATH" : strerror(errno));
}

static uint32_t
hello_flags(void)
{
	uint32_t f = 0;

	f |= opts.no_wait || opts.no_fork || opts.children_daemon ?
	    HELLO_NO_WAIT : 0;
	f |= opts.signals || opts.signals_pgid ? HELLO_SIGNALS : 0;
	f |= opts.client_chroot ? HELLO_CLIENT_ROOT : 0;
	f |= opts.no_fds ? HELLO_NO_FDS : 0;
	f |= opts.no_chdir || opts.chdir_dir != NULL || opts.root_to_current ?
	    HELLO_NO_CWD : 0;
	f |= opts.no_environment ? HELLO_NO_ENV : 0;
	f |= opts.no_argv ? HELLO_NO_ARGV : 0;
	f |= opts.no_csctty || opts.no_setsid ? HELLO_NO_CTTY : 0;
	f |= opts.forced_argc > 0 ? HELLO_FORCED_ARGV : 0;
	f |= opts.no_setsid ? HELLO_NO_SETSID : 0;
	/* A pty is the controlling terminal of a new session, and dive
	 * relays until the exit status comes. */
	f |= !opts.no_pty && !(f & (HELLO_NO_CTTY | HELLO_NO_WAIT)) ?
	    HELLO_PTY | HELLO_TTYMODES : 0;
	f |= opts.pty ? HELLO_PTY_ONLY : 0;
	f |= ctx.pol != NULL && !opts.no_setuid ? HELLO_TARGET_USER : 0;
	return f;
}

static void
resolve(struct daemon_owner *own)
{
	char err[512];
	struct rlimit rl;
	struct stat st;

	if (!opts.just_execute)
		resolve_listener_user();
	if (opts.chown_spec != NULL)
		resolve_chown(own);
	check_names();
	if (ns_keep(opts.setns, opts.nsetns, &setup.ns, err, sizeof(err)) != 0)
		usage_error("%s", err);
	ids_preload();
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
	ctx.pol = config_load(&opts);
	setup.hello_flags = hello_flags();
}

/* The audit log: with a policy, --audit-log or --audit-syslog. */
static void
open_audit(void)
{
	const char *what;
	uint64_t nonce = 0;
	int r;

	if (ctx.pol == NULL && opts.audit_log == NULL && !opts.audit_syslog)
		return;
	ctx.audit = &audit;
	if ((r = auditlog_open(&audit, opts.audit_log, opts.audit_syslog ||
	    opts.audit_log == NULL, opts.audit_fsync, &what)) != 0) {
		if (!opts.audit_fail_open || r == E_NOMEM)
			fatal("cannot open the audit log, %s: %s (see "
			    "--audit-log, --audit-fail-open)", what,
			    strerror(errno));
		log_warn("cannot open the audit log, %s: %s; serving requests "
		    "anyway (--audit-fail-open)", what, strerror(errno));
	}
	/* Request ids: unique across restarts, without a state file. */
	if (getrandom(&nonce, sizeof(nonce), 0) != (ssize_t)sizeof(nonce))
		nonce = (uint64_t)getpid() << 32 | (uint64_t)time(NULL);
	(void)snprintf(ctx.idbase, sizeof(ctx.idbase), "%016llx",
	    (unsigned long long)nonce);
}

static void
setup_signals(void)
{
	sigset_t set;

	/* An inherited SIG_IGN would reap children behind our back (inetd
	 * helpers ignore SIGCHLD) and no exit status would ever be seen. */
	(void)signal(SIGCHLD, SIG_DFL);
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

/* A step of the daemon plumbing failed: say which, and end. */
static void __attribute__((noreturn))
die_step(const struct err_step *e)
{
	if (e->obj != NULL)
		fatal("%s %s: %s", e->step, e->obj, strerror(e->err));
	fatal("%s: %s", e->step, strerror(e->err));
}

static void
write_pidfiles(void)
{
	struct err_step e;

	if (daemon_write_pidfiles(&opts, &e) != 0)
		die_step(&e);
}

/* -d: the parent exits once the child is ready; the child goes on. */
static int
detach_start(void)
{
	struct daemon_detach d;
	struct err_step e;

	if (daemon_detach_start(&d, &e) != 0)
		die_step(&e);
	if (d.parent)
		_exit(d.ready ? DIVED_EXIT_OK : DIVED_EXIT_FAILURE);
	return d.fd;
}

static void
detach_done(int fd)
{
	struct err_step e;

	if (daemon_detach_done(fd, &e) != 0)
		die_step(&e);
}

/* -i: the connection is on stdin (and stdout and stderr: not ours). */
static int
inetd_connection(void)
{
	int fd = fcntl(0, F_DUPFD_CLOEXEC, 3), null;

	if (fd < 0 || (null = open("/dev/null", O_RDWR | O_CLOEXEC)) < 0 ||
	    dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0)
		exit(DIVED_EXIT_FAILURE);
	(void)close(null);
	log_init("dived", true);
	return fd;
}

int
main(int argc, char **argv)
{
	struct daemon_owner own = { false, 0, 0 };
	int exe, ready = -1, passed;

	/* Requests' buffers (up to --max-request-bytes each) straight from
	 * and back to the kernel, whatever came before: a fixed threshold
	 * keeps malloc from moving them onto a heap that cannot shrink. */
	(void)mallopt(M_MMAP_THRESHOLD, 256 * 1024);
	parse(argc, argv);
	log_init("dived", false);
	log_verbose(opts.verbose);
	if (opts.check_config != NULL)
		return config_check(&opts);
	if (opts.just_execute) {
		resolve(&own);
		write_pidfiles();	/* the program keeps our pid */
		spawn_just_execute(&opts, setup.forced_path, environ,
		    setup.nofile_soft, &setup.ns);
	}
	if (geteuid() != 0) {
		fprintf(stderr, "dived: must be started as root: listeners "
		    "run sandboxed under their own uid (see dived(8))\n");
		return DIVED_EXIT_FAILURE;
	}
	/* Before anything copies the environment the programs get. */
	if (daemon_activation(&opts, &dsock, &passed) != 0)
		return DIVED_EXIT_FAILURE;
	resolve(&own);
	open_audit();
	if (opts.socket != NULL && opts.socket[0] == '@' && ctx.pol == NULL)
		log_warn("%s: an abstract socket has no permissions: anyone "
		    "in this network namespace can connect (restrict it with "
		    "--allow-users, --allow-groups or --config)", opts.socket);
	ctx.o = &opts;
	ctx.su = &setup;
	ctx.dsock = &dsock;
	ctx.listen_tag = (struct evtag){ EV_LISTEN, NULL };
	ctx.sig_tag = (struct evtag){ EV_SIGNAL, NULL };
	ctx.lm_tag = (struct evtag){ EV_LM, NULL };
	exe = lm_open_listener_exe();
	if ((ctx.ep = epoll_create1(EPOLL_CLOEXEC)) < 0)
		fatal("epoll_create1: %s", strerror(errno));
	ctx.listen_fd = ctx.inetd_fd = -1;
	if (opts.inetd)
		ctx.inetd_fd = inetd_connection();
	else if (passed >= 0)
		ctx.listen_fd = passed;
	else if ((ctx.listen_fd = daemon_listen(&opts, &own, &dsock)) < 0)
		return DIVED_EXIT_FAILURE;
	if (opts.detach)
		ready = detach_start();
	setup_signals();
	write_pidfiles();
	lm_start(&ctx, exe);
	if (ready >= 0)
		detach_done(ready);
	if (!opts.inetd)
		log_notice("listening on %s%s", opts.socket, passed >= 0 ?
		    " (socket from the service manager)" : "");
	loop_run(&ctx);
	lm_stop(&ctx);
	daemon_unlink_socket(&dsock);
	daemon_remove_pidfiles(&opts);
	return DIVED_EXIT_OK;
}
