/* SPDX-License-Identifier: MIT */
/* Process: the monitor, dived's long-lived root process. */
/*
 * Policy decisions and audit records: the facts of a request (facts.c:
 * from the kernel, the options and the system databases, in dived's own
 * root), the decision (policy.c), and one record when it is decided,
 * one when its program ends, one for a connection that ends without a
 * request.
 * Runs as: root (monitor).  Trusts: SO_PEERCRED, SO_PEERGROUPS, /proc
 * through a pidfd, the policy.  Does not trust: the listener's request,
 * which decides nothing by itself: identities come from the kernel, the
 * program is resolved here, and the spawner executes exactly that.
 */
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errors.h"
#include "log.h"
#include "monitor.h"

static void
record_base(struct ctx *c, struct audit_record *r, enum audit_type type,
    uint64_t sid, char *id, size_t idlen)
{
	memset(r, 0, sizeof(*r));
	r->type = type;
	(void)snprintf(id, idlen, "%s-%llu", c->idbase,
	    (unsigned long long)sid);
	r->id = id;
	r->socket = c->o->socket != NULL ? c->o->socket : "(inetd)";
}

/* Write a record; 0, or E_SYS after logging why. */
static int
record(struct ctx *c, const struct audit_record *r, uint64_t sid)
{
	const char *what;

	if (auditlog_write(c->audit, r, &what) == 0)
		return 0;
	log_err("session %llu: audit: cannot write to %s: %s",
	    (unsigned long long)sid, what, strerror(errno));
	return E_SYS;
}

/* How often records queued for syslog are tried again. */
#define AUDIT_RETRY_MS	100u

static uint64_t
mono_ms(void)
{
	struct timespec now;

	(void)clock_gettime(CLOCK_MONOTONIC, &now);
	return (uint64_t)now.tv_sec * 1000 + (uint64_t)now.tv_nsec / 1000000;
}

/* "N more left out since T" in dived's own log. */
static void
log_left(const struct audit_left *l)
{
	char t[32];
	struct tm tm;

	if (l->n == 0)
		return;
	if (gmtime_r(&l->since.tv_sec, &tm) == NULL ||
	    strftime(t, sizeof(t), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		t[0] = '\0';
	if (l->other_uids)
		log_notice("other uids: %llu more left out since %s",
		    (unsigned long long)l->n, t);
	else
		log_notice("uid %u: %llu more left out since %s",
		    (unsigned)l->uid, (unsigned long long)l->n, t);
}

/*
 * Whether a record and a log line about uid's rejected request or
 * refused connection may be written now (the rate limit); *left gets
 * the count of those left out before, already logged.
 */
static bool
report(struct ctx *c, uid_t uid, struct audit_left *left)
{
	struct timespec rt;

	(void)clock_gettime(CLOCK_REALTIME, &rt);
	if (!audit_rates_take(&c->rates, uid, mono_ms(), &rt, left))
		return false;
	log_left(left);
	return true;
}

int
decide_tick(struct ctx *c, bool all)
{
	struct audit_record r;
	struct audit_left l;
	uint64_t wait_ms;
	char ids[48];

	while (audit_rates_due(&c->rates, mono_ms(), all, &l, &wait_ms)) {
		log_left(&l);
		if (c->audit == NULL)
			continue;
		record_base(c, &r, AUDIT_SUPPRESSED, 0, ids, sizeof(ids));
		r.id = NULL;
		r.client.uid = l.uid;
		r.other_uids = l.other_uids;
		r.suppressed = l.n;
		r.since = l.since;
		(void)record(c, &r, 0);
	}
	/* Records syslog could not take yet: tried again soon. */
	if (c->audit != NULL && auditlog_flush(c->audit) > 0) {
		if (all)
			log_err("audit: %zu records not sent to syslog",
			    c->audit->qlen);
		else if (wait_ms > AUDIT_RETRY_MS)
			wait_ms = AUDIT_RETRY_MS;
	}
	return wait_ms > INT_MAX ? -1 : (int)wait_ms + 1;
}

static void
client_fields(const struct session *s, struct audit_client *cl)
{
	const struct facts *f = &s->pol.f;

	cl->uid = s->peer.uid;
	cl->owner = s->pk.owner;
	cl->gid = s->peer.gid;
	cl->pid = s->peer.pid;
	cl->user = f->have_id ? f->id.client_name : NULL;
	cl->groups = s->pol.groups;
	cl->ngroups = s->pol.ngroups;
	cl->exe = s->pol.proc.exe;
	cl->exe_error = s->pol.proc.exe_error;
	cl->cwd = s->pol.proc.cwd;
	cl->cwd_error = s->pol.proc.cwd_error;
}

static int
record_decision(struct ctx *c, struct session *s, const struct audit_left *l)
{
	const struct facts *f = &s->pol.f;
	struct audit_target t;
	struct audit_record r;
	char id[48], rule[PATH_MAX + 32], sum[65];

	record_base(c, &r, AUDIT_DECISION, s->id, id, sizeof(id));
	client_fields(s, &r.client);
	r.accept = f->d.permit;
	r.reason = f->d.permit ? NULL : f->reason;
	if (f->d.rule != NULL) {
		conf_rule_label(f->d.rule, rule, sizeof(rule));
		r.rule = rule;
	}
	if (f->have_id) {
		t.user = f->id.name;
		t.uid = f->id.change ? f->id.ruid : geteuid();
		t.gid = f->id.change ? f->id.rgid : getegid();
		t.groups = f->id.change ? f->id.groups : NULL;
		t.ngroups = f->id.change ? (size_t)f->id.ngroups : 0;
		r.target = &t;
	} else if (s->pol.target != NULL) {
		/* Asked for, but no such user: its name only. */
		memset(&t, 0, sizeof(t));
		t.user = s->pol.target;
		t.no_entry = true;
		r.target = &t;
	}
	r.program = f->path;
	r.argv = f->argv != NULL ? f->argv : s->pol.f.req->argv;
	r.argc = f->argv != NULL ? f->argc : s->pol.f.req->argc;
	r.argv_bytes = audit_argv_digest(r.argv, r.argc, sum);
	r.argv_sha256 = sum;
	if (l != NULL) {
		r.suppressed = l->n;
		r.since = l->since;
	}
	return record(c, &r, s->id);
}

int
decide_exec(struct ctx *c, struct session *s, struct plan_from *pf,
    struct msg_failed *fail)
{
	struct facts *f = &s->pol.f;
	struct audit_left left;
	bool shown;

	if (c->audit == NULL)		/* none, and so no policy either */
		return 0;
	(void)clock_gettime(CLOCK_MONOTONIC, &s->pol.t_start);
	f->o = c->o;
	f->peer = pf->peer;
	f->user_uid = c->su->user_uid;
	f->forced_path = c->su->forced_path;
	f->groups = s->pol.groups;
	f->ngroups = s->pol.ngroups;
	f->target = s->pol.target;
	f->req = pf->req;
	f->resolve = c->pol != NULL;
	(void)facts_decide(f, c->pol);	/* as --check-config does */
	/* A rejection is recorded and logged within the rate limit. */
	shown = f->d.permit || report(c, s->peer.uid, &left);
	if (shown && record_decision(c, s, f->d.permit ? NULL : &left) != 0 &&
	    !c->o->audit_fail_open && f->d.permit)
		facts_refuse(f, STEP_AUDIT, errno, "audit log not writable");
	*fail = f->fail;
	if (!f->d.permit) {
		if (shown)
			slog(s, LOG_NOTICE, "refused: %s", f->reason);
		return -1;
	}
	/* Exactly what was decided: whom as, this program, this rule's
	 * options. */
	pf->target_user = f->target_user;
	pf->id = &f->id;
	pf->exec_path = c->pol != NULL ? f->path : NULL;
	pf->exec_file = c->pol != NULL && f->q.have_file ? &f->q.file : NULL;
	pf->rule = f->d.rule;
	return 0;
}

void
decide_end(struct ctx *c, struct session *s, const siginfo_t *si,
    const struct msg_failed *fail)
{
	struct audit_record r;
	struct timespec now;
	char id[48];

	if (c->audit == NULL || s->pol.ended ||
	    !s->pol.f.d.permit)
		return;
	s->pol.ended = true;
	record_base(c, &r, AUDIT_END, s->id, id, sizeof(id));
	r.client.uid = s->peer.uid;
	r.client.owner = s->pk.owner;
	if (fail != NULL) {
		r.result = AUDIT_FAILED;
		r.step = spawn_step_str(fail->step);
		r.error = fail->err != 0 ? strerror(fail->err) : NULL;
	} else if (si == NULL) {
		/* -D: executed, detached; its pid is the listener's to know. */
		r.result = AUDIT_DETACHED;
	} else {
		r.pid = s->child;
		r.result = si->si_code == CLD_EXITED ? AUDIT_EXITED :
		    si->si_code == CLD_DUMPED ? AUDIT_DUMPED : AUDIT_KILLED;
		r.value = si->si_status;
	}
	(void)clock_gettime(CLOCK_MONOTONIC, &now);
	r.duration_ms = (uint64_t)(now.tv_sec - s->pol.t_start.tv_sec) * 1000 +
	    (uint64_t)(now.tv_nsec / 1000000) -
	    (uint64_t)(s->pol.t_start.tv_nsec / 1000000);
	(void)record(c, &r, s->id);
}

bool
decide_conn(struct ctx *c, const struct ucred *peer, uid_t owner,
    uint64_t id, const char *why)
{
	struct audit_record r;
	struct audit_left left;
	char ids[48];

	if (!report(c, peer->uid, &left))
		return false;
	if (c->audit == NULL)
		return true;
	record_base(c, &r, AUDIT_CONNECTION, id, ids, sizeof(ids));
	r.client.uid = peer->uid;
	r.client.owner = owner;
	r.client.gid = peer->gid;
	r.client.pid = peer->pid;
	r.reason = why;
	r.suppressed = left.n;
	r.since = left.since;
	(void)record(c, &r, id);
	return true;
}

/* At accept: what only the client's socket can tell. */
int
decide_accepted(struct ctx *c, struct session *s, int fd)
{
	/* Without its groups, a :group rule could not deny it, nor could
	 * the spawner tell whether the program gains some: refuse. */
	if (peer_groups(fd, &s->pol.groups, &s->pol.ngroups) != 0)
		return E_UNAVAILABLE;
	if (c->audit == NULL)		/* none, and so no policy either */
		return 0;
	peer_proc(fd, s->peer.pid, &s->pol.proc);
	return 0;
}

/* MSG_MON_USER: only with a policy that decides it, once. */
int
decide_user(struct ctx *c, struct session *s)
{
	const char *name;
	int r;

	if (!(c->su->hello_flags & HELLO_TARGET_USER) || s->pol.target != NULL)
		return E_NOT_ALLOWED;
	if ((r = msg_decode_user(&s->rd.payload, &name)) != 0)
		return r;
	return (s->pol.target = strdup(name)) == NULL ? E_NOMEM : 0;
}

void
decide_free(struct session *s)
{
	facts_free(&s->pol.f);
	free(s->pol.groups);
	peer_proc_free(&s->pol.proc);
	free(s->pol.target);
	memset(&s->pol, 0, sizeof(s->pol));
}
