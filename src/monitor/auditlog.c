/* SPDX-License-Identifier: MIT */
/* Process: the monitor, dived's long-lived root process. */
/*
 * Runs in: the monitor (root).  Trusts: the operator's --audit-log path
 * and the syslog socket.  Records are formatted completely before
 * anything is written, and each goes out in one write(2) or send(2), so
 * that concurrent writers to the same file never interleave within a
 * line.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

#include "auditlog.h"
#include "errors.h"

static int
connect_syslog(struct auditlog *a)
{
	struct sockaddr_un sa;

	if (a->sock >= 0)
		(void)close(a->sock);
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, AUDITLOG_SYSLOG_PATH,
	    sizeof(AUDITLOG_SYSLOG_PATH));
	if ((a->sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return E_SYS;
	if (connect(a->sock, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		int save = errno;
		(void)close(a->sock);
		a->sock = -1;
		errno = save;
		return E_SYS;
	}
	return 0;
}

int
auditlog_open(struct auditlog *a, const char *file, bool use_syslog,
    bool fsync, const char **what)
{
	int r = 0, save = 0;

	memset(a, 0, sizeof(*a));
	a->fd = a->sock = -1;
	a->fsync = fsync;
	a->use_syslog = use_syslog;
	if ((a->buf = malloc(AUDIT_MAX_RECORD)) == NULL ||
	    (a->frame = malloc(AUDIT_MAX_SYSLOG + 256)) == NULL) {
		free(a->buf);
		a->buf = NULL;
		*what = "memory for its records";
		errno = ENOMEM;
		return E_NOMEM;	/* not a destination: fail-open cannot help */
	}
	/* Both are tried: with fail-open, the other one still works. */
	if (use_syslog && connect_syslog(a) != 0) {
		*what = "syslog (" AUDITLOG_SYSLOG_PATH ")";
		r = E_SYS;
		save = errno;
	}
	if (file != NULL && (a->fd = open(file, O_WRONLY | O_APPEND |
	    O_CREAT | O_CLOEXEC | O_NOCTTY, 0600)) < 0) {
		*what = file;
		r = E_SYS;
		save = errno;
	}
	errno = save;
	return r;
}

/*
 * One write(2) of the whole record.  When only a part of it fits (a full
 * disk), that part is cut off again, so that the file keeps whole lines.
 */
static int
write_file(struct auditlog *a, const char *p, size_t n)
{
	ssize_t w;
	off_t end;

	do
		w = write(a->fd, p, n);
	while (w < 0 && errno == EINTR);
	/* O_APPEND: the part written ends where the file now ends (only a
	 * regular file can be cut; lseek fails on anything else). */
	if (w > 0 && (size_t)w != n) {
		if ((end = lseek(a->fd, 0, SEEK_CUR)) >= w)
			(void)!ftruncate(a->fd, end - w);
		errno = ENOSPC;
	}
	if (w < 0 || (size_t)w != n)
		return E_SYS;
	if (a->fsync && fdatasync(a->fd) != 0 && errno != EINVAL)
		return E_SYS;
	return 0;
}

/* One message, without waiting: EAGAIN when the socket is full. */
static int
send_once(struct auditlog *a, const char *p, size_t n)
{
	if (a->sock < 0 && connect_syslog(a) != 0)
		return E_SYS;
	while (send(a->sock, p, n, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
		if (errno != EINTR)
			return E_SYS;
	return 0;
}

/* The server restarted, or its socket was replaced: once more. */
static int
send_msg(struct auditlog *a, const char *p, size_t n)
{
	if (send_once(a, p, n) == 0)
		return 0;
	if ((errno == ECONNREFUSED || errno == ENOTCONN || errno == ENOENT) &&
	    connect_syslog(a) == 0)
		return send_once(a, p, n);
	return E_SYS;
}

size_t
auditlog_flush(struct auditlog *a)
{
	struct auditlog_msg *m;

	while (a->qlen > 0) {
		m = &a->q[a->qhead];
		if (send_msg(a, m->p, m->n) != 0)
			break;
		free(m->p);
		m->p = NULL;
		a->qhead = (a->qhead + 1) % AUDITLOG_QUEUE_MAX;
		a->qlen--;
	}
	return a->qlen;
}

/*
 * In order, never waiting: after what is queued, or queued itself when
 * the socket is full.  A server that is gone fails the record.
 */
static int
send_or_queue(struct auditlog *a, const char *p, size_t n)
{
	struct auditlog_msg *m;

	if (auditlog_flush(a) == 0 && send_msg(a, p, n) == 0)
		return 0;
	if (errno != EAGAIN && errno != EWOULDBLOCK)
		return E_SYS;
	if (a->qlen == AUDITLOG_QUEUE_MAX) {
		errno = ENOBUFS;
		return E_SYS;
	}
	m = &a->q[(a->qhead + a->qlen) % AUDITLOG_QUEUE_MAX];
	if ((m->p = malloc(n)) == NULL)
		return E_SYS;
	memcpy(m->p, p, n);
	m->n = n;
	a->qlen++;
	return 0;
}

/* The record as a syslog message: a frame, the JSON without its '\n'. */
static int
write_syslog(struct auditlog *a, const struct audit_record *r,
    const struct timespec *now)
{
	struct tm tm;
	size_t h, n;
	int ret;

	if (localtime_r(&now->tv_sec, &tm) == NULL ||
	    (h = audit_syslog_frame(a->frame, 256, LOG_AUTHPRIV | LOG_NOTICE,
	    &tm, AUDITLOG_IDENT, getpid())) == 0)
		return E_SYS;
	if ((ret = audit_format(a->frame + h, AUDIT_MAX_SYSLOG, r, now,
	    &n)) != 0)
		return ret;
	n += h - 1;
	return send_or_queue(a, a->frame, n);
}

int
auditlog_write(struct auditlog *a, const struct audit_record *r,
    const char **what)
{
	struct timespec now;
	size_t n;
	int ret = 0, sret, save = 0;

	(void)clock_gettime(CLOCK_REALTIME, &now);
	/* Both are tried (with fail-open the other one still gets it); the
	 * first failure is the one reported. */
	if (a->fd >= 0 && ((ret = audit_format(a->buf, AUDIT_MAX_RECORD, r,
	    &now, &n)) != 0 || (ret = write_file(a, a->buf, n)) != 0)) {
		*what = "the audit log file";
		save = errno;
	}
	if (a->use_syslog && (sret = write_syslog(a, r, &now)) != 0 &&
	    ret == 0) {
		*what = "syslog (" AUDITLOG_SYSLOG_PATH ")";
		ret = sret;
		save = errno;
	}
	errno = save;
	return ret;
}
