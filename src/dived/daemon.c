/* SPDX-License-Identifier: MIT */
/* Process: dived at start-up, before the loop; dived --check-config. */
/*
 * Daemon plumbing for dived: the listening socket, pidfiles, detaching.
 * Runs as: root (monitor), at start-up and shutdown.  Trusts: the operator's
 * options, and a socket a service manager passed (checked all the same).
 * Does not trust: the directory the socket goes into, which others may be
 * able to write: the socket is bound, chmod'ed and chown'ed inside a fresh
 * root-only directory and only then renamed into place, so no path race
 * can redirect the chmod or chown.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "errors.h"
#include "log.h"
#include "daemon.h"
#include "num.h"

/* sd_listen_fds(3): passed descriptors start here. */
#define LISTEN_FDS_START 3

static int
listen_abstract(const char *name)
{
	struct sockaddr_un sa;
	size_t n = strlen(name);
	int s;

	if (n > sizeof(sa.sun_path)) {
		log_err("abstract socket name too long: %s", name);
		return E_SYS;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path + 1, name + 1, n - 1);
	if ((s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0)) < 0 || bind(s, (struct sockaddr *)&sa,
	    (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n)) != 0 ||
	    listen(s, SOMAXCONN) != 0) {
		log_err("cannot listen on %s: %s", name, strerror(errno));
		if (s >= 0)
			(void)close(s);
		return E_SYS;
	}
	return s;
}

/* Refuse to replace anything but a stale socket at the target path. */
static int
check_target(int dirfd, const char *base, const char *path)
{
	struct stat st;

	if (fstatat(dirfd, base, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return errno == ENOENT ? 0 : E_SYS;
	if (!S_ISSOCK(st.st_mode)) {
		log_err("%s exists and is not a socket; not replacing it",
		    path);
		return E_SYS;
	}
	return 0;
}

/* Bind, set mode and owner, listen: all inside the private directory. */
static int
bind_private(int tmpfd, const char *tmppath, const struct dived_opts *o,
    const struct daemon_owner *own, struct daemon_sock *ds)
{
	struct sockaddr_un sa;
	struct stat st;
	int s;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/s", tmppath) >=
	    (int)sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		return E_SYS;
	}
	if ((s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0)) < 0)
		return E_SYS;
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    (o->chmod_set && fchmodat(tmpfd, "s", o->chmod_mode, 0) != 0) ||
	    (own->set && fchownat(tmpfd, "s", own->uid, own->gid,
	    AT_SYMLINK_NOFOLLOW) != 0) ||
	    fstatat(tmpfd, "s", &st, AT_SYMLINK_NOFOLLOW) != 0 ||
	    listen(s, SOMAXCONN) != 0) {
		int save = errno;
		(void)close(s);
		errno = save;
		return E_SYS;
	}
	ds->dev = st.st_dev;
	ds->ino = st.st_ino;
	return s;
}

static int
listen_path(const char *path, const struct dived_opts *o,
    const struct daemon_owner *own, struct daemon_sock *ds)
{
	char *d = strdup(path), *b = strdup(path), tmp[64];
	int dirfd = -1, tmpfd = -1, s = -1;

	if (d == NULL || b == NULL || (ds->base = strdup(basename(b))) == NULL)
		goto out;	/* errno: ENOMEM */
	if ((dirfd = open(dirname(d), O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0 ||
	    check_target(dirfd, ds->base, path) != 0)
		goto out;
	(void)snprintf(tmp, sizeof(tmp), "/proc/self/fd/%d/.dived-XXXXXX",
	    dirfd);
	if (mkdtemp(tmp) == NULL ||
	    (tmpfd = open(tmp, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		goto out;
	if ((s = bind_private(tmpfd, tmp, o, own, ds)) >= 0 &&
	    renameat(tmpfd, "s", dirfd, ds->base) != 0) {
		(void)close(s);
		s = -1;
	}
 out:
	if (s < 0)
		log_err("cannot listen on %s: %s", path, strerror(errno));
	if (tmpfd >= 0) {
		(void)unlinkat(tmpfd, "s", 0);
		(void)rmdir(tmp);
		(void)close(tmpfd);
	}
	if (s >= 0)
		ds->dirfd = dirfd;
	else if (dirfd >= 0)
		(void)close(dirfd);
	free(d);
	free(b);
	return s;
}

int
daemon_listen(const struct dived_opts *o, const struct daemon_owner *own,
    struct daemon_sock *ds)
{
	memset(ds, 0, sizeof(*ds));
	ds->dirfd = -1;
	if (o->socket[0] == '@')
		return listen_abstract(o->socket);
	return listen_path(o->socket, o, own, ds);
}

/* Is the passed socket bound to the name dived was told to serve? */
static bool
same_address(const struct sockaddr_un *sa, socklen_t len, const char *want)
{
	size_t n = len > offsetof(struct sockaddr_un, sun_path) ?
	    (size_t)len - offsetof(struct sockaddr_un, sun_path) : 0;

	if (want[0] == '@')	/* abstract: a leading NUL, no final one */
		return n == strlen(want) && sa->sun_path[0] == '\0' &&
		    memcmp(sa->sun_path + 1, want + 1, n - 1) == 0;
	return n > 0 && sa->sun_path[0] != '\0' &&
	    strnlen(sa->sun_path, n) == strlen(want) &&
	    memcmp(sa->sun_path, want, strlen(want)) == 0;
}

/* What the passed descriptor is bound to, for the error message. */
static void
describe(const struct sockaddr_un *sa, socklen_t len, char *out, size_t olen)
{
	size_t n = len > offsetof(struct sockaddr_un, sun_path) ?
	    (size_t)len - offsetof(struct sockaddr_un, sun_path) : 0;

	if (n == 0)
		(void)snprintf(out, olen, "no address");
	else if (sa->sun_path[0] == '\0')
		(void)snprintf(out, olen, "@%.*s", (int)(n - 1),
		    sa->sun_path + 1);
	else
		(void)snprintf(out, olen, "%.*s", (int)strnlen(sa->sun_path,
		    n), sa->sun_path);
}

/* Descriptor 3 must be an AF_UNIX stream socket listening on o->socket. */
static int
check_passed(const struct dived_opts *o)
{
	const int fd = LISTEN_FDS_START;
	struct sockaddr_un sa;
	socklen_t len = sizeof(int), alen = sizeof(sa);
	int domain = 0, type = 0, acc = 0, fl;
	char name[sizeof(sa.sun_path) + 2];
	struct stat st;

	if (fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode)) {
		log_err("socket activation: descriptor %d is not a socket", fd);
		return E_SYS;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) != 0 ||
	    getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0 ||
	    getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &acc, &len) != 0 ||
	    domain != AF_UNIX || type != SOCK_STREAM || acc == 0) {
		log_err("socket activation: descriptor %d is not a listening "
		    "AF_UNIX stream socket (ListenStream= with a path or "
		    "@name, Accept=no)", fd);
		return E_SYS;
	}
	memset(&sa, 0, sizeof(sa));
	if (getsockname(fd, (struct sockaddr *)&sa, &alen) != 0 ||
	    alen > sizeof(sa) || !same_address(&sa, alen, o->socket)) {
		describe(&sa, alen > sizeof(sa) ? 0 : alen, name,
		    sizeof(name));
		log_err("socket activation: the socket passed is %s, not %s; "
		    "ListenStream= and dived's first argument must agree",
		    name, o->socket);
		return E_SYS;
	}
	if (o->chmod_set || o->chown_spec != NULL) {
		log_err("socket activation: --chmod and --chown do not apply "
		    "to a socket the service manager created; set its "
		    "SocketMode=, SocketUser= and SocketGroup=");
		return E_SYS;
	}
	if (o->detach) {
		log_err("socket activation: not with --detach; the service "
		    "manager that passed the socket supervises dived");
		return E_SYS;
	}
	if ((fl = fcntl(fd, F_GETFL)) < 0 ||
	    fcntl(fd, F_SETFL, fl | O_NONBLOCK) != 0 ||
	    fcntl(fd, F_SETFD, FD_CLOEXEC) != 0) {
		log_err("socket activation: fcntl: %s", strerror(errno));
		return E_SYS;
	}
	return fd;
}

int
daemon_activation(const struct dived_opts *o, struct daemon_sock *ds,
    int *fd)
{
	const char *pid_s = getenv("LISTEN_PID"), *n_s = getenv("LISTEN_FDS");
	long long pid, n;
	int r = 0;

	*fd = -1;
	memset(ds, 0, sizeof(*ds));
	ds->dirfd = -1;		/* the service manager owns the file */
	if (pid_s == NULL && n_s == NULL)
		return 0;
	if (pid_s == NULL || n_s == NULL ||
	    num_parse(pid_s, 1, INT32_MAX, &pid) != 0 ||
	    num_parse(n_s, 0, INT32_MAX, &n) != 0) {
		log_err("socket activation: LISTEN_PID='%s' and LISTEN_FDS='%s' "
		    "must be a pid and a count", pid_s != NULL ? pid_s : "",
		    n_s != NULL ? n_s : "");
		r = E_SYS;
	} else if (pid != (long long)getpid() || n == 0 || o->socket == NULL) {
		/* For another process, none passed, or -i: not ours to use. */
	} else if (n != 1) {
		log_err("socket activation: %lld sockets passed (LISTEN_FDS); "
		    "dived serves exactly one", n);
		r = E_SYS;
	} else if ((*fd = check_passed(o)) < 0)
		r = E_SYS;
	/* Neither the programs nor anything dived runs may see them. */
	(void)unsetenv("LISTEN_PID");
	(void)unsetenv("LISTEN_FDS");
	(void)unsetenv("LISTEN_FDNAMES");
	return r;
}

static int
accept_one(int lfd)
{
	int fd;

	do
		fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	while (fd < 0 && (errno == EINTR || errno == ECONNABORTED));
	return fd;
}

int
daemon_accept(int lfd, int *spare, bool *starved)
{
	int fd;

	*starved = false;
	if ((fd = accept_one(lfd)) >= 0 || (errno != EMFILE &&
	    errno != ENFILE) || *spare < 0)
		return fd;
	(void)close(*spare);
	*spare = -1;
	if ((fd = accept_one(lfd)) >= 0)
		*starved = true;
	return fd;
}

int
daemon_spare(int *spare)
{
	if (*spare >= 0)
		(void)close(*spare);
	*spare = open("/dev/null", O_RDONLY | O_CLOEXEC);
	return *spare >= 0 ? 0 : E_SYS;
}

void
daemon_unlink_socket(const struct daemon_sock *ds)
{
	struct stat st;

	if (ds->dirfd < 0)
		return;
	if (fstatat(ds->dirfd, ds->base, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    st.st_dev == ds->dev && st.st_ino == ds->ino)
		(void)unlinkat(ds->dirfd, ds->base, 0);
}

/* Fill e (step, object, errno) and return E_SYS, errno preserved. */
static int
failed(struct err_step *e, const char *step, const char *obj)
{
	e->step = step;
	e->obj = obj;
	e->err = errno;
	return E_SYS;
}

int
daemon_detach_start(struct daemon_detach *d, struct err_step *e)
{
	int p[2], r;
	pid_t pid;
	ssize_t n;
	char c = 0;

	memset(d, 0, sizeof(*d));
	if (pipe2(p, O_CLOEXEC) != 0)
		return failed(e, "cannot detach", NULL);
	if ((pid = fork()) < 0) {
		r = failed(e, "cannot detach", NULL);
		(void)close(p[0]);
		(void)close(p[1]);
		return r;
	}
	if (pid > 0) {
		/* Parent: succeed only once the daemon says it is ready. */
		(void)close(p[1]);
		do
			n = read(p[0], &c, 1);
		while (n < 0 && errno == EINTR);
		d->parent = true;
		d->ready = n == 1 && c == 'R';
		d->fd = -1;
		return 0;
	}
	(void)close(p[0]);
	d->fd = p[1];
	if (setsid() < 0)
		return failed(e, "setsid", NULL);
	return 0;
}

int
daemon_detach_done(int fd, struct err_step *e)
{
	int n = open("/dev/null", O_RDWR | O_CLOEXEC), r = 0;

	if (n < 0 || dup2(n, 0) < 0 || dup2(n, 1) < 0)
		r = failed(e, "cannot open /dev/null", NULL);
	else {
		log_init("dived", true);
		if (dup2(n, 2) < 0)
			r = failed(e, "dup2", NULL);
	}
	if (n >= 0)
		(void)close(n);
	if (r != 0)
		return r;
	(void)!write(fd, "R", 1);
	(void)close(fd);
	return 0;
}

/* Our pid into one pidfile. */
static int
write_pidfile(const char *path, const char *line, size_t len)
{
	struct stat st;
	int fd, save;

	fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return E_SYS;
	/* Not O_TRUNC: a pidfile may be a cgroup's procs file. */
	if (fstat(fd, &st) != 0 ||
	    (S_ISREG(st.st_mode) && ftruncate(fd, 0) != 0) ||
	    write(fd, line, len) != (ssize_t)len) {
		save = errno;
		(void)close(fd);
		errno = save;
		return E_SYS;
	}
	return close(fd) != 0 ? E_SYS : 0;
}

int
daemon_write_pidfiles(const struct dived_opts *o, struct err_step *e)
{
	char line[32];
	int i, n;

	n = snprintf(line, sizeof(line), "%ld\n", (long)getpid());
	for (i = 0; i < o->npidfiles; i++)
		if (write_pidfile(o->pidfiles[i], line, (size_t)n) != 0)
			return failed(e, "cannot write pidfile",
			    o->pidfiles[i]);
	return 0;
}

void
daemon_remove_pidfiles(const struct dived_opts *o)
{
	struct stat st;
	int i;

	for (i = 0; i < o->npidfiles; i++)
		if (lstat(o->pidfiles[i], &st) == 0 && S_ISREG(st.st_mode))
			(void)unlink(o->pidfiles[i]);
}
