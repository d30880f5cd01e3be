/* SPDX-License-Identifier: MIT */
/* Process: the spawner, dived's child for one request (root). */
/*
 * Namespaces (-N, -s), files written after them (-t, -tt), the program's
 * root (-h, -R, -V, -r) and its current directory.
 * Runs as: root (spawner), or the target user inside a new user
 * namespace.  Trusts: the exec plan.  Does not trust: the client's root and
 * directory descriptors: after any change of root, a current directory
 * that is not below the new root is replaced by that root, unless -W asks
 * for the server's root as current directory.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <linux/nsfs.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "msg.h"
#include "num.h"
#include "spawner.h"

/*
 * -N PATH names a namespace when dived starts, and that one is joined for
 * dived's whole life: the path is opened once and the descriptor kept.
 * A path opened anew for each request would name whatever holds it now:
 * after /proc/PID's process ends, any user's process that gets PID, in
 * namespaces of its own.  A kept namespace outlives what it was for, so
 * each request checks that it is still that: PID's process (a pidfd taken
 * before the path was opened) has not ended, or any other path (a bind
 * mount such as /run/netns/NAME) still names the same namespace (its
 * number cannot have been reused while dived holds it open).
 */
static pid_t
proc_pid(const char *path)
{
	char num[16];
	size_t n;
	long long v;

	if (strncmp(path, "/proc/", 6) != 0)
		return 0;
	path += 6;
	n = strspn(path, "0123456789");
	if (n == 0 || n >= sizeof(num) || path[n] != '/')
		return 0;
	memcpy(num, path, n);
	num[n] = '\0';
	if (num_parse(num, 1, INT_MAX, &v) != 0)
		return 0;
	return (pid_t)v;
}

static bool
ended(int pidfd)
{
	struct pollfd p = { pidfd, POLLIN, 0 };

	/* Readable once the process has ended; an error counts as ended. */
	return poll(&p, 1, 0) != 0;
}

static int
keep_one(const char *path, int *fd, int *pidfd, struct stat *st,
    const char **why)
{
	pid_t pid = proc_pid(path);

	*why = NULL;
	if (pid > 0 && (*pidfd = (int)syscall(SYS_pidfd_open, pid, 0U)) < 0)
		return errno;
	if ((*fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0 ||
	    fstat(*fd, st) != 0)
		return errno;
	if (ioctl(*fd, NS_GET_NSTYPE) < 0) {
		*why = "not a namespace file (such as /proc/PID/ns/net)";
		return EINVAL;
	}
	/* Alive after the open: the file was that process's. */
	if (*pidfd >= 0 && ended(*pidfd)) {
		*why = "its process has ended";
		return ESRCH;
	}
	return 0;
}

int
ns_keep(const char *const *setns, int n, struct ns_kept *k, char *err,
    size_t errlen)
{
	const char *why;
	struct stat st;
	int i, r;

	memset(k, 0, sizeof(*k));
	for (i = 0; i < OPT_MAX_SETNS; i++)
		k->fd[i] = k->pidfd[i] = -1;
	for (i = 0; i < n && i < OPT_MAX_SETNS; i++) {
		if ((r = keep_one(setns[i], &k->fd[i], &k->pidfd[i], &st,
		    &why)) != 0) {
			(void)snprintf(err, errlen, "-N %s: %s", setns[i],
			    why != NULL ? why : strerror(r));
			ns_keep_close(k);
			return r;
		}
		k->dev[i] = st.st_dev;
		k->ino[i] = st.st_ino;
		k->n = i + 1;
	}
	return 0;
}

void
ns_keep_close(struct ns_kept *k)
{
	int i;

	for (i = 0; i < OPT_MAX_SETNS; i++) {
		if (k->fd[i] >= 0)
			(void)close(k->fd[i]);
		if (k->pidfd[i] >= 0)
			(void)close(k->pidfd[i]);
		k->fd[i] = k->pidfd[i] = -1;
	}
	k->n = 0;
}

/* Is the i-th namespace still the one named at start-up? */
static int
still_there(const struct plan_where *w, const struct ns_kept *k, int i)
{
	struct stat st;

	if (k->pidfd[i] >= 0)
		return ended(k->pidfd[i]) ? NS_GONE_ENDED : 0;
	if (stat(w->setns[i], &st) != 0 || st.st_dev != k->dev[i] ||
	    st.st_ino != k->ino[i])
		return NS_GONE_REPLACED;
	return 0;
}

int
ns_setns(const struct plan_where *w, const struct ns_kept *k, int *gone)
{
	int i, r;

	*gone = -1;
	if (w->nsetns == 0)
		return 0;
	if (k == NULL || k->n != w->nsetns)
		return EINVAL;		/* never opened: fail closed */
	/* All checked first: once one is joined, paths resolve there. */
	for (i = 0; i < k->n; i++)
		if ((r = still_there(w, k, i)) != 0) {
			*gone = i | r;
			return 0;
		}
	for (i = 0; i < k->n; i++)
		if (setns(k->fd[i], 0) != 0)
			return errno;
	return 0;
}

int
ns_die_with_parent(bool on)
{
	return prctl(PR_SET_PDEATHSIG, on ? SIGKILL : 0, 0, 0, 0) != 0 ?
	    errno : 0;
}

/*
 * A new mount namespace is a copy that may share its mounts with dived's
 * (systemd makes / shared): the program's mounts must not appear outside.
 * Mounts made outside still reach it, as with systemd's private mounts.
 */
int
ns_unshare(const struct plan_where *w)
{
	if (w->unshare != 0 && unshare(w->unshare) != 0)
		return errno;
	if ((w->unshare & CLONE_NEWNS) &&
	    mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) != 0)
		return errno;
	return 0;
}

/* As dive 1.9: the file is created if need be, and truncated. */
static int
write_file(const char *path, const char *data)
{
	size_t n = strlen(data);
	int fd, r = 0;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
	    O_NOCTTY, 0666)) < 0)
		return errno;
	if (write(fd, data, n) != (ssize_t)n)
		r = errno != 0 ? errno : EIO;
	if (close(fd) != 0 && r == 0)
		r = errno;
	return r;
}

/* A user namespace's maps: written from outside, by the map helper. */
static bool
is_map(const char *file)
{
	return strcmp(file, OPT_UIDMAP_FILE) == 0 ||
	    strcmp(file, OPT_GIDMAP_FILE) == 0 ||
	    strcmp(file, OPT_SETGROUPS_FILE) == 0;
}

enum which { W_ALL, W_MAPS, W_OTHERS };

/*
 * -t FILE STRING, and -tt: root of the new user namespace is uid/gid.
 * pid > 0: write another process's /proc/self files (the map helper).
 */
static int
write_contents(const struct plan_where *w, uid_t uid, gid_t gid, pid_t pid,
    enum which which)
{
	char map[64], path[4096];
	const char *data, *file;
	int i, r;

	for (i = 0; i < w->nwrites; i++) {
		data = w->writes[i].data;
		file = w->writes[i].file;
		if (which != W_ALL && is_map(file) != (which == W_MAPS))
			continue;
		if (data == NULL) {
			(void)snprintf(map, sizeof(map), "0 %u 1",
			    strcmp(file, OPT_UIDMAP_FILE) == 0 ?
			    (unsigned)uid : (unsigned)gid);
			data = map;
		}
		if (pid > 0 && strncmp(file, "/proc/self/", 11) == 0) {
			(void)snprintf(path, sizeof(path), "/proc/%d/%s",
			    (int)pid, file + 11);
			file = path;
		}
		if ((r = write_file(file, data)) != 0)
			return r;
	}
	return 0;
}

int
ns_write_content(const struct plan_where *w, bool userns, uid_t uid,
    gid_t gid)
{
	/* The helper wrote the maps of a new user namespace already. */
	return write_contents(w, uid, gid, 0, userns ? W_OTHERS : W_ALL);
}

/*
 * With a new user namespace the spawner is no longer root when it creates
 * it, and a process that is not dumpable cannot write its own maps.  So a
 * helper forked while still root writes them, from outside, once told.
 * Only the maps: every other file is written from inside, in the new
 * namespaces (from outside it would be the host's).
 */
int
ns_helper_start(const struct plan_where *w, uid_t uid, gid_t gid,
    struct ns_helper *h)
{
	pid_t parent = getpid();
	int p[2], i;
	char c;

	h->pid = -1;
	h->go = -1;
	for (i = 0; i < w->nwrites && !is_map(w->writes[i].file); i++)
		;
	if (i == w->nwrites)
		return 0;
	if (pipe2(p, O_CLOEXEC) != 0 || (h->pid = fork()) < 0)
		return errno;
	if (h->pid == 0) {
		(void)close(p[1]);
		if (read(p[0], &c, 1) != 1)
			_exit(SPAWN_EXIT_OK);	/* the spawner failed first */
		_exit(write_contents(w, uid, gid, parent, W_MAPS) == 0 ?
		    SPAWN_EXIT_OK : SPAWN_EXIT_WRITER_FAILED);
	}
	(void)close(p[0]);
	h->go = p[1];
	return 0;
}

int
ns_helper_finish(struct ns_helper *h)
{
	int st;

	if (h->pid < 0)
		return 0;
	if (write(h->go, "g", 1) != 1)
		return errno;
	(void)close(h->go);
	while (waitpid(h->pid, &st, 0) < 0)
		if (errno != EINTR)
			return errno;
	return WIFEXITED(st) && WEXITSTATUS(st) == SPAWN_EXIT_OK ? 0 : EPERM;
}

/* Before the root changes: what -W will need afterwards. */
int
ns_prepare_root(const struct plan_where *w, struct rootctx *rc)
{
	struct stat st;

	rc->server_root = -1;
	if (stat("/", &st) != 0)
		return errno;
	rc->root_dev = st.st_dev;
	rc->root_ino = st.st_ino;
	if (w->root_to_current && w->chroot_dir == NULL &&
	    w->pivot_new == NULL &&
	    (rc->server_root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		return errno;
	return 0;
}

/* Is the current directory below the root?  The kernel knows. */
static int
cwd_inside_root(void)
{
	char buf[4096];
	long n = syscall(SYS_getcwd, buf, sizeof(buf));

	/* Not below the root: "(unreachable)..."; too deep: also refuse. */
	return n > 0 && buf[0] == '/';
}

/*
 * The root changes (-r without a root of the client's is refused), or
 * has changed: -N into a container's mount namespace gives its root.
 */
static bool
root_changes(const struct plan_where *w, const struct rootctx *rc)
{
	struct stat st;

	if (w->chroot_dir != NULL || w->pivot_new != NULL ||
	    (w->client_chroot && rc->client_root >= 0))
		return true;
	/* Not knowing counts as changed: the checks then run. */
	return stat("/", &st) != 0 || st.st_dev != rc->root_dev ||
	    st.st_ino != rc->root_ino;
}

#ifndef PIDFS_MAGIC
#define PIDFS_MAGIC	0x50494446	/* pidfds since Linux 6.9 */
#endif

/* Anonymous descriptors that carry nothing but their own events. */
static const char *const plain_anon[] = {
	"anon_inode:[eventfd]", "anon_inode:[timerfd]",
	"anon_inode:[signalfd]", "anon_inode:inotify",
	"anon_inode:[eventpoll]",	/* gives events, never descriptors */
};

static int
anon_kind(int fd)
{
	char path[64], link[128];
	ssize_t n;
	size_t i;

	(void)snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if ((n = readlink(path, link, sizeof(link) - 1)) < 0)
		return FDK_OTHER;
	link[n] = '\0';
	if (strcmp(link, "anon_inode:[pidfd]") == 0)
		return FDK_PIDFD;
	if (strcmp(link, "anon_inode:[io_uring]") == 0)
		return FDK_IO_URING;
	if (strcmp(link, "anon_inode:[fanotify]") == 0)
		return FDK_FANOTIFY;
	for (i = 0; i < sizeof(plain_anon) / sizeof(plain_anon[0]); i++)
		if (strcmp(link, plain_anon[i]) == 0)
			return FDK_PLAIN;
	return FDK_OTHER;
}

int
ns_fd_kind(int fd)
{
	socklen_t len = sizeof(int);
	struct statfs sf;
	struct stat st;
	int dom;

	if (fstat(fd, &st) != 0)
		return FDK_OTHER;
	/* An O_PATH descriptor of a socket file can be connected to. */
	if (S_ISSOCK(st.st_mode))
		return getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &dom, &len) == 0 &&
		    dom != AF_UNIX ? FDK_PLAIN : FDK_UNIX;
	if (fstatfs(fd, &sf) != 0)
		return FDK_OTHER;
	if (sf.f_type == NSFS_MAGIC)
		return FDK_NS;
	if (sf.f_type == PIDFS_MAGIC)
		return FDK_PIDFD;
	return sf.f_type == ANON_INODE_FS_MAGIC ? anon_kind(fd) : FDK_PLAIN;
}

/*
 * After a change of root, a directory among the program's descriptors
 * that lies outside the new root lets the program climb out with "..".
 * The kernel knows where a directory lies: getcwd() there does not give
 * a path below the root.  So each one is entered and looked at, and the
 * current directory restored.
 */
int
ns_check_dirs(const struct plan_where *w, const struct rootctx *rc,
    const int *fds, const uint8_t *kinds, size_t n, size_t *bad)
{
	struct stat st;
	size_t i;
	int here, r = 0;

	*bad = n;
	if (!root_changes(w, rc) || w->allow_outside_dirs || n == 0)
		return 0;
	/* What can bring the program anything from outside, later. */
	for (i = 0; i < n; i++)
		if (kinds[i] != FDK_PLAIN) {
			*bad = i;
			return 0;
		}
	if ((here = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		return errno;
	for (i = 0; i < n && *bad == n && r == 0; i++) {
		if (fstat(fds[i], &st) != 0)
			r = errno;
		else if (S_ISDIR(st.st_mode) &&
		    (fchdir(fds[i]) != 0 || !cwd_inside_root()))
			*bad = i;	/* (one dived cannot enter: refused) */
	}
	if (fchdir(here) != 0 && r == 0)
		r = errno;
	(void)close(here);
	return r;
}

static int
change_root(const struct plan_where *w, const struct rootctx *rc)
{
	if (w->chroot_dir != NULL && chroot(w->chroot_dir) != 0)
		return errno;
	if (w->pivot_new != NULL &&
	    (syscall(SYS_pivot_root, w->pivot_new, w->pivot_old) != 0 ||
	    chdir("/") != 0))
		return errno;
	if (w->client_chroot && rc->client_root >= 0 &&
	    (fchdir(rc->client_root) != 0 || chroot(".") != 0))
		return errno;
	return 0;
}

/*
 * -h, then the root (-R, -V or -r), then the directory: the client's, or
 * with -W the server's root; never one outside the new root otherwise.
 */
int
ns_set_root(const struct plan_where *w, const struct rootctx *rc, int *step)
{
	bool changed = root_changes(w, rc);
	int r;

	*step = STEP_CHDIR;
	if (w->chdir_dir != NULL && chdir(w->chdir_dir) != 0)
		return errno;
	*step = STEP_ROOT;
	if ((r = change_root(w, rc)) != 0)
		return r;
	*step = STEP_CHDIR;
	if (w->root_to_current)
		return rc->server_root >= 0 ? (fchdir(rc->server_root) != 0 ?
		    errno : 0) : (chdir("/") != 0 ? errno : 0);
	if (rc->client_cwd >= 0 && fchdir(rc->client_cwd) != 0)
		return errno;
	if (changed && !cwd_inside_root() && chdir("/") != 0)
		return errno;
	return 0;
}
