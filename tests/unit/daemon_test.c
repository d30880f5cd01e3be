/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of src/common/daemon.c's start-up steps: they return E_SYS
 * and name the step (and the file) that failed, and never exit; dived's
 * main.c turns that into its one fatal line.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "daemon.h"
#include "errors.h"

static char dir[] = "/tmp/daemon_test.XXXXXX";

static void
mkdir_tmp(void)
{
	cr_assert_not_null(mkdtemp(dir));
}

static void
rm_tmp(void)
{
	static const char *const names[] = { "a.pid", "b.pid", "link.pid" };
	int fd = open(dir, O_DIRECTORY | O_CLOEXEC);
	size_t i;

	for (i = 0; fd >= 0 && i < sizeof(names) / sizeof(names[0]); i++)
		(void)unlinkat(fd, names[i], 0);
	if (fd >= 0)
		(void)close(fd);
	(void)rmdir(dir);
}

TestSuite(daemon, .init = mkdir_tmp, .fini = rm_tmp);

static void
read_file(const char *path, char *out, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	cr_assert_geq(fd, 0, "%s: %s", path, strerror(errno));
	n = read(fd, out, len - 1);
	cr_assert_geq(n, 0);
	out[n] = '\0';
	(void)close(fd);
}

Test(daemon, pidfiles_written)
{
	struct dived_opts o;
	struct err_step e = { NULL, NULL, 0 };
	char a[256], b[256], want[32], got[32];

	memset(&o, 0, sizeof(o));
	cr_assert_eq(daemon_write_pidfiles(&o, &e), 0, "none to write");
	(void)snprintf(a, sizeof(a), "%s/a.pid", dir);
	(void)snprintf(b, sizeof(b), "%s/b.pid", dir);
	o.pidfiles[0] = a;
	o.pidfiles[1] = b;
	o.npidfiles = 2;
	cr_assert_eq(daemon_write_pidfiles(&o, &e), 0);
	(void)snprintf(want, sizeof(want), "%ld\n", (long)getpid());
	read_file(a, got, sizeof(got));
	cr_assert_str_eq(got, want);
	read_file(b, got, sizeof(got));
	cr_assert_str_eq(got, want);
	cr_assert_null(e.step, "nothing failed");
}

Test(daemon, pidfile_error_names_step_and_file)
{
	struct dived_opts o;
	struct err_step e = { NULL, NULL, 0 };
	char a[256], b[256], link[256];

	memset(&o, 0, sizeof(o));
	(void)snprintf(a, sizeof(a), "%s/a.pid", dir);
	(void)snprintf(b, sizeof(b), "%s/none/b.pid", dir);
	o.pidfiles[0] = a;
	o.pidfiles[1] = b;
	o.npidfiles = 2;
	errno = 0;
	cr_assert_eq(daemon_write_pidfiles(&o, &e), E_SYS);
	cr_assert_str_eq(e.step, "cannot write pidfile");
	cr_assert_eq(e.obj, b, "the second one failed");
	cr_assert_eq(e.err, ENOENT);
	cr_assert_eq(access(a, F_OK), 0, "the first one is written");

	/* Never through a symbolic link. */
	(void)snprintf(link, sizeof(link), "%s/link.pid", dir);
	cr_assert_eq(symlink(a, link), 0);
	o.pidfiles[0] = link;
	o.npidfiles = 1;
	memset(&e, 0, sizeof(e));
	cr_assert_eq(daemon_write_pidfiles(&o, &e), E_SYS);
	cr_assert_eq(e.obj, link);
	cr_assert_eq(e.err, ELOOP);
}

/* The parent returns (it does not exit) and learns whether the child
 * got ready; the child leads a session of its own. */
static void
detach(bool child_ready)
{
	struct daemon_detach d;
	struct err_step e;
	pid_t me = getpid();

	cr_assert_eq(daemon_detach_start(&d, &e), 0);
	if (!d.parent) {
		if (getsid(0) != getpid() || getpid() == me)
			_exit(2);
		if (child_ready && daemon_detach_done(d.fd, &e) != 0)
			_exit(3);
		_exit(0);
	}
	cr_assert_eq(getpid(), me);
	cr_assert_eq(d.fd, -1);
	cr_assert_eq(d.ready, child_ready);
	while (wait(NULL) > 0)
		;
}

Test(daemon, detach_ready)
{
	detach(true);
}

Test(daemon, detach_child_died)
{
	detach(false);
}
