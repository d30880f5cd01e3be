/* SPDX-License-Identifier: MIT */
/* Process: pure code, called by dived at start-up and the monitor. */
/*
 * Audit records: one JSON object per line (dived(8), AUDIT LOG).  Pure
 * formatting, and the rate limit of records about connections that end
 * before a request.  The sinks that write them are in auditlog.h.
 */
#ifndef DIVE_AUDIT_H
#define DIVE_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "buf.h"

/* A record's size in the JSON file and in a syslog message. */
#define AUDIT_MAX_RECORD	65536u
#define AUDIT_MAX_SYSLOG	8192u
#define AUDIT_MIN_RECORD	2048u	/* smallest limit the caps allow */

/* Records (and dived's log lines) about rejected requests and about
 * connections refused or ended without a request, per client uid: a
 * burst, then one per AUDIT_RATE_EVERY_MS; the rest are counted
 * ("suppressed") in the uid's next record. */
#define AUDIT_RATE_BURST	30u
#define AUDIT_RATE_EVERY_MS	6000u
#define AUDIT_RATE_UIDS		128u	/* uids with a count of their own */

/* A rejected request's argv in its record: at most this many bytes. */
#define AUDIT_REJECTED_ARGV	4096u

struct audit_client {
	uid_t uid;
	gid_t gid;
	pid_t pid;			/* 0: not in dived's pid namespace */
	const char *user;		/* NULL: no passwd entry */
	const gid_t *groups;		/* NULL: not known */
	size_t ngroups;
	const char *exe;		/* NULL: not determined, ... */
	const char *exe_error;		/* ... because of this */
	const char *cwd;
	const char *cwd_error;
	uid_t owner;			/* of its user namespace (its uid in
					 * none); -1: unknown */
};

struct audit_target {
	const char *user;		/* as asked for, or NULL */
	uid_t uid;
	gid_t gid;
	const gid_t *groups;
	size_t ngroups;
	bool no_entry;			/* no such user: no ids either */
};

enum audit_type {
	AUDIT_DECISION = 1,	/* a request accepted or rejected */
	AUDIT_END = 2,		/* the program (or its start) ended */
	AUDIT_CONNECTION = 3,	/* a connection ended without a request */
	AUDIT_SUPPRESSED = 4,	/* records left out, counted */
};

enum audit_result {
	AUDIT_EXITED = 1,	/* value: exit status */
	AUDIT_KILLED = 2,	/* value: signal */
	AUDIT_DUMPED = 3,	/* value: signal, core dumped */
	AUDIT_FAILED = 4,	/* step and error say why */
	AUDIT_DETACHED = 5,	/* dived -D: not dived's child */
};

struct audit_record {
	enum audit_type type;
	const char *id;			/* request id, shared by its records */
	const char *socket;
	struct audit_client client;	/* END uses uid only */
	/* AUDIT_DECISION */
	bool accept;
	const char *reason;		/* of a rejection, NULL if accepted */
	const char *rule;		/* "FILE:LINE", option, or NULL */
	const struct audit_target *target;	/* NULL: not resolved */
	const char *program;		/* absolute path, NULL: not resolved */
	const char *const *argv;
	size_t argc;
	uint64_t argv_bytes;		/* every string with its NUL */
	const char *argv_sha256;	/* of those bytes, in hex */
	/* AUDIT_END */
	pid_t pid;			/* started program, 0 if none */
	enum audit_result result;
	int value;
	const char *step, *error;	/* AUDIT_FAILED */
	uint64_t duration_ms;
	/* AUDIT_CONNECTION: reason above.  AUDIT_DECISION, _CONNECTION,
	 * _SUPPRESSED: */
	uint64_t suppressed;		/* records left out before this one */
	struct timespec since;		/* (realtime) the first of them */
	bool other_uids;		/* _SUPPRESSED: of uids not counted
					 * apart (client_uid null) */
};

/*
 * audit_format: the record as one line of JSON ending in '\n', into
 * out[0..max) (max at least AUDIT_MIN_RECORD); *len gets its length.
 * Long strings and lists are cut so that it fits, and "truncated":true
 * says so.  Strings that are valid UTF-8 appear as JSON strings with
 * every control character (C0, DEL, C1, U+2028, U+2029) escaped; other
 * strings appear as {"hex":"..."}, so that no byte is lost or misread
 * and no record can contain a line break.  now: CLOCK_REALTIME.
 * Returns 0, or E_TOO_LONG when max is below AUDIT_MIN_RECORD.
 */
int audit_format(char *out, size_t max, const struct audit_record *r,
    const struct timespec *now, size_t *len) WUR;

/*
 * audit_syslog_frame: "<PRI>Mmm dd hh:mm:ss IDENT[PID]: " (RFC 3164)
 * for a message logged at tm (local time), into out (len bytes, NUL
 * terminated).  Returns its length, 0 if it does not fit.
 */
size_t audit_syslog_frame(char *out, size_t len, int pri, const struct tm *tm,
    const char *ident, pid_t pid);

/* The rate limit; start from all zeros. */
struct audit_rate {
	uint64_t last_ms;		/* time of the last refill */
	uint64_t tokens_ms;		/* AUDIT_RATE_EVERY_MS per record */
	uint64_t suppressed;
	bool started;
	struct timespec since;		/* first left out (realtime) */
};

/*
 * One rate per client uid, in a table of fixed size: a uid with nothing
 * left out and a full allowance is as good as a new one, so its place is
 * taken when the table is full; when no place is free the uid shares
 * one count with every other such uid.  Start from all zeros.
 */
struct audit_rates {
	struct audit_rate_uid {
		uid_t uid;
		bool used;
		struct audit_rate r;
	} u[AUDIT_RATE_UIDS];
	struct audit_rate other;
};

/* What was left out of a uid's records, for the next one written. */
struct audit_left {
	uid_t uid;
	bool other_uids;	/* uid: none, the shared count */
	uint64_t n;
	struct timespec since;
};

/*
 * audit_rate_take: whether a record may be written at now_ms (a
 * monotonic clock).  When it may, *suppressed gets the number left out
 * since the last one written (and the count starts again).
 */
bool audit_rate_take(struct audit_rate *r, uint64_t now_ms,
    uint64_t *suppressed);

/*
 * audit_rates_take: whether a record about uid may be written at now_ms
 * (monotonic); rt (realtime) is remembered as the time of the first one
 * left out.  When it may, *left gets what was left out before it.
 */
bool audit_rates_take(struct audit_rates *t, uid_t uid, uint64_t now_ms,
    const struct timespec *rt, struct audit_left *left);

/*
 * audit_rates_due: a count of left-out records that is due at now_ms
 * (its uid may be recorded again, or any with all), taken into *left:
 * true, to be written as an AUDIT_SUPPRESSED record.  Otherwise false,
 * and *wait_ms is how long until one is due (UINT64_MAX: none).
 */
bool audit_rates_due(struct audit_rates *t, uint64_t now_ms, bool all,
    struct audit_left *left, uint64_t *wait_ms);

/*
 * audit_argv_digest: the length of argv[0..argc) as the kernel holds it
 * (every string with its NUL) and its SHA-256 as 64 hex digits and a
 * NUL, in hex.
 */
uint64_t audit_argv_digest(const char *const *argv, size_t argc,
    char hex[65]);

#endif
