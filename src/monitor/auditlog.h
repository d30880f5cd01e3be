/* SPDX-License-Identifier: MIT */
/* Process: the monitor, dived's long-lived root process. */
/*
 * Where audit records go: a file of JSON lines (--audit-log) and syslog
 * (facility authpriv).  Unlike syslog(3), writing reports failure, so
 * that dived can refuse requests it cannot record (fail closed).
 */
#ifndef DIVE_AUDITLOG_H
#define DIVE_AUDITLOG_H

#include <stdbool.h>
#include <time.h>

#include "audit.h"
#include "buf.h"

#define AUDITLOG_SYSLOG_PATH	"/dev/log"
#define AUDITLOG_IDENT		"dived"
/* Syslog messages waiting for a syslog server that does not read: at
 * most this many (AUDIT_MAX_SYSLOG bytes and a frame each). */
#define AUDITLOG_QUEUE_MAX	64u

struct auditlog_msg {
	char *p;
	size_t n;
};

struct auditlog {
	int fd;			/* the file, O_APPEND, or -1 */
	bool fsync;		/* fdatasync after every record */
	bool use_syslog;
	int sock;		/* datagram socket to syslog, or -1 */
	char *buf;		/* AUDIT_MAX_RECORD bytes */
	char *frame;		/* AUDIT_MAX_SYSLOG + header */
	struct auditlog_msg q[AUDITLOG_QUEUE_MAX];	/* not yet sent */
	size_t qhead, qlen;
};

/*
 * auditlog_open: open file (NULL: none) for appending, creating it with
 * mode 0600, and with use_syslog connect to the syslog socket.  Returns
 * 0, or E_SYS with errno set and *what naming the destination that
 * failed (both are tried); E_NOMEM (no record can be written at all).
 */
int auditlog_open(struct auditlog *a, const char *file, bool use_syslog,
    bool fsync, const char **what) WUR;

/*
 * auditlog_write: format r (audit_format) and write it to every
 * destination (each tried whatever the other did), a syslog server that
 * went away being reconnected once.  Never waits for syslog: a message
 * its socket cannot take at once is queued (and sent by auditlog_flush),
 * and with the queue full the record fails (ENOBUFS).  Returns 0, or
 * E_SYS with errno set when a destination could not take the whole
 * record (*what names the first that failed).
 */
int auditlog_write(struct auditlog *a, const struct audit_record *r,
    const char **what) WUR;

/*
 * auditlog_flush: send what is queued for syslog, as much as its socket
 * takes now.  Returns the number of messages still queued.
 */
size_t auditlog_flush(struct auditlog *a);

#endif
