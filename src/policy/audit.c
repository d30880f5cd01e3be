/* SPDX-License-Identifier: MIT */
/* Process: pure code, called by dived at start-up and the monitor. */
/*
 * Runs in: the monitor (root).  Trusts: nothing in the strings it
 * formats: argv, directories, executables and names may hold any byte a
 * client chose, and none of them can end a line, start a record, or
 * reach a terminal as a control sequence.  Pure formatting.
 */
#include <sha2.h>
#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "errors.h"

/* Room kept for ,"truncated":true}\n at the end of every record. */
#define TAIL_ROOM	24u

struct jw {
	char *o;
	size_t n;		/* bytes written */
	size_t lim;		/* n never passes it */
	bool trunc;
};

static bool
room(const struct jw *w, size_t k)
{
	return w->n + k <= w->lim;
}

/* Callers check room() first. */
static void
raw(struct jw *w, const char *s, size_t k)
{
	memcpy(w->o + w->n, s, k);
	w->n += k;
}

/* Length of the UTF-8 sequence at p (left bytes), 0 if invalid. */
static size_t
u8_len(const unsigned char *p, size_t left, unsigned int *cp)
{
	unsigned int c = p[0], min, k, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf)
		k = 2, min = 0x80, c &= 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		k = 3, min = 0x800, c &= 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		k = 4, min = 0x10000, c &= 0x07;
	else
		return 0;
	if (left < k)
		return 0;
	for (i = 1; i < k; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3f);
	}
	/* No overlong forms, surrogates or code points above U+10FFFF. */
	if (c < min || (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return 0;
	*cp = c;
	return k;
}

static bool
valid_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t left = strlen(s), k;
	unsigned int cp;

	while (left > 0) {
		if ((k = u8_len(p, left, &cp)) == 0)
			return false;
		p += k;
		left -= k;
	}
	return true;
}

/* The JSON form of one code point (its k bytes at p) into e. */
static size_t
escape_cp(const char *p, size_t k, unsigned int cp, char *e)
{
	static const char hex[] = "0123456789abcdef";

	if (cp == '"' || cp == '\\') {
		e[0] = '\\';
		e[1] = (char)cp;
		return 2;
	}
	if (cp == '\n' || cp == '\t' || cp == '\r') {
		e[0] = '\\';
		e[1] = (char)(cp == '\n' ? 'n' : cp == '\t' ? 't' : 'r');
		return 2;
	}
	if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x2028 ||
	    cp == 0x2029) {
		e[0] = '\\';
		e[1] = 'u';
		e[2] = hex[(cp >> 12) & 15];
		e[3] = hex[(cp >> 8) & 15];
		e[4] = hex[(cp >> 4) & 15];
		e[5] = hex[cp & 15];
		return 6;
	}
	memcpy(e, p, k);
	return k;
}

/*
 * A string value using at most cap bytes (and what is left): escaped
 * UTF-8, or {"hex":...}; NULL is null.  Cut at a whole character.
 * Returns false if not even an empty value fits.
 */
static bool
put_str(struct jw *w, const char *s, size_t cap)
{
	static const char hex[] = "0123456789abcdef";
	const size_t save = w->lim;
	size_t left, k, ek;
	unsigned int cp;
	char e[6];
	bool utf;

	if (s == NULL) {
		if (!room(w, 4))
			return false;
		raw(w, "null", 4);
		return true;
	}
	if (w->n + cap < w->lim)
		w->lim = w->n + cap;
	utf = valid_utf8(s);
	if (!room(w, utf ? 2 : 10)) {
		w->lim = save;
		return false;
	}
	raw(w, utf ? "\"" : "{\"hex\":\"", utf ? 1 : 8);
	w->lim -= utf ? 1 : 2;		/* the closing quote (and brace) */
	for (left = strlen(s); left > 0; s += k, left -= k) {
		if (utf) {
			cp = 0;
			if ((k = u8_len((const unsigned char *)s, left,
			    &cp)) == 0)
				break;		/* not after valid_utf8() */
			ek = escape_cp(s, k, cp, e);
		} else {
			k = 1;
			ek = 2;
			e[0] = hex[(unsigned char)*s >> 4];
			e[1] = hex[(unsigned char)*s & 15];
		}
		if (!room(w, ek)) {
			w->trunc = true;
			break;
		}
		raw(w, e, ek);
	}
	w->lim += utf ? 1 : 2;
	raw(w, utf ? "\"" : "\"}", utf ? 1 : 2);
	w->lim = save;
	return true;
}

/*
 * ,"key": then a value; a field that does not fit is left out whole
 * and the record marked truncated.
 */
static size_t
key(struct jw *w, const char *k)
{
	size_t start = w->n, kl = strlen(k);

	if (!room(w, kl + 4)) {
		w->trunc = true;
		return (size_t)-1;
	}
	raw(w, start == 0 ? "{\"" : ",\"", 2);
	raw(w, k, kl);
	raw(w, "\":", 2);
	return start;
}

static void
undo(struct jw *w, size_t start)
{
	if (start != (size_t)-1)
		w->n = start;
	w->trunc = true;
}

static void
f_str(struct jw *w, const char *k, const char *v, size_t cap)
{
	size_t start = key(w, k);

	if (start != (size_t)-1 && !put_str(w, v, cap))
		undo(w, start);
}

/* A field whose value is written as it is: a number, null, true. */
static void
f_raw(struct jw *w, const char *k, const char *v, size_t n)
{
	size_t start = key(w, k);

	if (start == (size_t)-1)
		return;
	if (!room(w, n)) {
		undo(w, start);
		return;
	}
	raw(w, v, n);
}

static void
f_lit(struct jw *w, const char *k, const char *lit)
{
	f_raw(w, k, lit, strlen(lit));
}

static void
f_num(struct jw *w, const char *k, long long v)
{
	char num[24];
	int n = snprintf(num, sizeof(num), "%lld", v);

	if (n > 0)
		f_raw(w, k, num, (size_t)n);
}

/* Unsigned ids, 64-bit counters: as JSON numbers too. */
static void
f_unum(struct jw *w, const char *k, unsigned long long v)
{
	char num[24];
	int n = snprintf(num, sizeof(num), "%llu", v);

	if (n > 0)
		f_raw(w, k, num, (size_t)n);
}

/* The owner of the client's user namespace (its own uid outside one). */
static void
f_owner(struct jw *w, uid_t owner)
{
	if (owner == (uid_t)-1)
		f_lit(w, "client_owner_uid", "null");
	else
		f_unum(w, "client_owner_uid", owner);
}

/* A list of ids, at most max of them (then cut, and marked). */
static void
f_ids(struct jw *w, const char *k, const gid_t *v, size_t nv, size_t max)
{
	size_t start, i;
	char num[16];
	int n;

	if (v == NULL) {
		f_lit(w, k, "null");
		return;
	}
	if ((start = key(w, k)) == (size_t)-1)
		return;
	if (!room(w, 2)) {
		undo(w, start);
		return;
	}
	raw(w, "[", 1);
	w->lim--;	/* the ']' */
	for (i = 0; i < nv; i++) {
		n = snprintf(num, sizeof(num), "%s%u", i > 0 ? "," : "",
		    (unsigned int)v[i]);
		if (i == max || n < 0 || !room(w, (size_t)n)) {
			w->trunc = true;
			break;
		}
		raw(w, num, (size_t)n);
	}
	w->lim++;
	raw(w, "]", 1);
}

/* argv: as many whole or cut strings as fit in what is left. */
static void
f_argv(struct jw *w, const char *const *v, size_t nv)
{
	size_t start, i, mark;
	bool before, ok, cut = false;

	if ((start = key(w, "argv")) == (size_t)-1)
		return;
	if (!room(w, 2)) {
		undo(w, start);
		return;
	}
	raw(w, "[", 1);
	w->lim--;
	for (i = 0; i < nv; i++) {
		mark = w->n;
		if (i > 0) {
			if (!room(w, 1))
				break;
			raw(w, ",", 1);
		}
		before = w->trunc;
		w->trunc = false;
		ok = put_str(w, v[i], w->lim - w->n);
		cut = w->trunc;
		w->trunc = before;
		if (!ok) {
			w->n = mark;
			break;
		}
		if (cut) {	/* no room for more */
			i++;
			break;
		}
	}
	if (i < nv || cut)
		w->trunc = true;
	w->lim++;
	raw(w, "]", 1);
}

static void
f_time(struct jw *w, const char *k, const struct timespec *now)
{
	char t[40];
	struct tm tm;
	time_t sec = now->tv_sec;

	if (gmtime_r(&sec, &tm) == NULL ||
	    snprintf(t, sizeof(t), "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, now->tv_nsec / 1000000) >= (int)sizeof(t))
		t[0] = '\0';
	f_str(w, k, t, sizeof(t));
}

/* The count of records left out before this one, and since when. */
static void
f_left(struct jw *w, const struct audit_record *r)
{
	f_unum(w, "suppressed", r->suppressed);
	if (r->suppressed > 0)
		f_time(w, "suppressed_since", &r->since);
	else
		f_lit(w, "suppressed_since", "null");
}

static void
client(struct jw *w, const struct audit_client *c, size_t cap, size_t maxids)
{
	f_unum(w, "client_uid", c->uid);
	f_owner(w, c->owner);
	f_unum(w, "client_gid", c->gid);
	f_num(w, "client_pid", c->pid);
	f_str(w, "client_user", c->user, cap);
	f_ids(w, "client_groups", c->groups, c->ngroups, maxids);
	f_str(w, "client_exe", c->exe, cap);
	f_str(w, "client_exe_error", c->exe_error, cap);
	f_str(w, "client_cwd", c->cwd, cap);
	f_str(w, "client_cwd_error", c->cwd_error, cap);
}

static void
decision(struct jw *w, const struct audit_record *r, size_t cap,
    size_t maxids)
{
	const struct audit_target *t = r->target;
	size_t save;

	f_str(w, "decision", r->accept ? "accept" : "reject", cap);
	f_str(w, "reason", r->reason, cap);
	f_str(w, "rule", r->rule, cap);
	client(w, &r->client, cap, maxids);
	f_str(w, "target_user", t != NULL ? t->user : NULL, cap);
	if (t != NULL && !t->no_entry) {
		f_unum(w, "target_uid", t->uid);
		f_unum(w, "target_gid", t->gid);
	} else {
		f_lit(w, "target_uid", "null");
		f_lit(w, "target_gid", "null");
	}
	f_ids(w, "target_groups", t != NULL && !t->no_entry ? t->groups : NULL,
	    t != NULL ? t->ngroups : 0, maxids);
	f_str(w, "program", r->program, cap);
	f_left(w, r);
	f_unum(w, "argc", r->argc);
	if (r->argv_sha256 != NULL) {
		f_unum(w, "argv_bytes", r->argv_bytes);
		f_str(w, "argv_sha256", r->argv_sha256, cap);
	}
	/* A rejected request ran nothing: its length and hash say enough
	 * about the rest, and no client can fill the log with it. */
	if (!r->accept && w->n + AUDIT_REJECTED_ARGV < w->lim) {
		save = w->lim;
		w->lim = w->n + AUDIT_REJECTED_ARGV;
		f_argv(w, r->argv, r->argc);
		w->lim = save;
	} else
		f_argv(w, r->argv, r->argc);
}

static void
end(struct jw *w, const struct audit_record *r, size_t cap)
{
	static const char *const res[] = { "", "exited", "killed", "dumped",
		"failed", "detached" };
	bool sig = r->result == AUDIT_KILLED || r->result == AUDIT_DUMPED;
	bool failed = r->result == AUDIT_FAILED;

	f_unum(w, "client_uid", r->client.uid);
	f_owner(w, r->client.owner);
	if (r->pid > 0)
		f_num(w, "pid", r->pid);
	else
		f_lit(w, "pid", "null");
	f_str(w, "result", r->result >= AUDIT_EXITED &&
	    r->result <= AUDIT_DETACHED ? res[r->result] : "unknown", cap);
	if (r->result == AUDIT_EXITED)
		f_num(w, "status", r->value);
	else
		f_lit(w, "status", "null");
	if (sig)
		f_num(w, "signal", r->value);
	else
		f_lit(w, "signal", "null");
	f_str(w, "step", failed ? r->step : NULL, cap);
	f_str(w, "error", failed ? r->error : NULL, cap);
	f_unum(w, "duration_ms", r->duration_ms);
}

int
audit_format(char *out, size_t max, const struct audit_record *r,
    const struct timespec *now, size_t *len)
{
	static const char *const types[] = { "", "decision", "end",
		"connection", "suppressed" };
	struct jw w = { out, 0, max - TAIL_ROOM, false };
	size_t cap = max / 16, maxids = max / 128;

	if (max < AUDIT_MIN_RECORD)
		return E_TOO_LONG;
	f_time(&w, "time", now);
	f_str(&w, "type", r->type >= AUDIT_DECISION &&
	    r->type <= AUDIT_SUPPRESSED ? types[r->type] : "unknown", cap);
	f_str(&w, "id", r->id, cap);
	f_str(&w, "socket", r->socket, cap);
	if (r->type == AUDIT_DECISION)
		decision(&w, r, cap, maxids);
	else if (r->type == AUDIT_END)
		end(&w, r, cap);
	else if (r->type == AUDIT_SUPPRESSED) {
		if (r->other_uids)
			f_lit(&w, "client_uid", "null");
		else
			f_unum(&w, "client_uid", r->client.uid);
		f_left(&w, r);
	} else {
		f_unum(&w, "client_uid", r->client.uid);
		f_owner(&w, r->client.owner);
		f_unum(&w, "client_gid", r->client.gid);
		f_num(&w, "client_pid", r->client.pid);
		f_str(&w, "reason", r->reason, cap);
		f_left(&w, r);
	}
	w.lim = max;
	if (w.trunc)
		raw(&w, ",\"truncated\":true", 17);
	raw(&w, "}\n", 2);
	*len = w.n;
	return 0;
}

size_t
audit_syslog_frame(char *out, size_t len, int pri, const struct tm *tm,
    const char *ident, pid_t pid)
{
	char ts[32];
	int n;

	if (strftime(ts, sizeof(ts), "%b %e %H:%M:%S", tm) == 0)
		return 0;
	n = snprintf(out, len, "<%d>%s %s[%ld]: ", pri, ts, ident, (long)pid);
	return n < 0 || (size_t)n >= len ? 0 : (size_t)n;
}

static void refill(struct audit_rate *r, uint64_t now_ms);

bool
audit_rate_take(struct audit_rate *r, uint64_t now_ms, uint64_t *suppressed)
{
	refill(r, now_ms);
	if (r->tokens_ms < AUDIT_RATE_EVERY_MS) {
		r->suppressed++;
		return false;
	}
	r->tokens_ms -= AUDIT_RATE_EVERY_MS;
	*suppressed = r->suppressed;
	r->suppressed = 0;
	return true;
}

static void
refill(struct audit_rate *r, uint64_t now_ms)
{
	const uint64_t full = (uint64_t)AUDIT_RATE_BURST * AUDIT_RATE_EVERY_MS;

	if (!r->started) {
		r->started = true;
		r->tokens_ms = full;
		r->last_ms = now_ms;
	}
	if (now_ms > r->last_ms) {
		r->tokens_ms += now_ms - r->last_ms;
		if (r->tokens_ms > full)
			r->tokens_ms = full;
		r->last_ms = now_ms;
	}
}

/* The count of uid, or the shared one (*other); never NULL. */
static struct audit_rate *
rate_of(struct audit_rates *t, uid_t uid, uint64_t now_ms, bool *other)
{
	const uint64_t full = (uint64_t)AUDIT_RATE_BURST * AUDIT_RATE_EVERY_MS;
	struct audit_rate_uid *free_one = NULL, *u;
	size_t i;

	*other = false;
	for (i = 0; i < AUDIT_RATE_UIDS; i++) {
		u = &t->u[i];
		if (u->used && u->uid == uid)
			return &u->r;
		if (free_one != NULL)
			continue;
		if (u->used)
			refill(&u->r, now_ms);
		/* Nothing counted, nothing spent: as good as new. */
		if (!u->used || (u->r.suppressed == 0 &&
		    u->r.tokens_ms == full))
			free_one = u;
	}
	if (free_one == NULL) {
		*other = true;
		return &t->other;
	}
	memset(free_one, 0, sizeof(*free_one));
	free_one->used = true;
	free_one->uid = uid;
	return &free_one->r;
}

bool
audit_rates_take(struct audit_rates *t, uid_t uid, uint64_t now_ms,
    const struct timespec *rt, struct audit_left *left)
{
	struct audit_rate *r;
	bool other;

	r = rate_of(t, uid, now_ms, &other);
	memset(left, 0, sizeof(*left));
	left->uid = uid;
	left->other_uids = other;
	left->since = r->since;
	if (!audit_rate_take(r, now_ms, &left->n)) {
		if (r->suppressed == 1)
			r->since = *rt;
		return false;
	}
	return true;
}

bool
audit_rates_due(struct audit_rates *t, uint64_t now_ms, bool all,
    struct audit_left *left, uint64_t *wait_ms)
{
	struct audit_rate *r;
	size_t i;
	uint64_t w;

	*wait_ms = UINT64_MAX;
	for (i = 0; i <= AUDIT_RATE_UIDS; i++) {
		r = i < AUDIT_RATE_UIDS ? &t->u[i].r : &t->other;
		if ((i < AUDIT_RATE_UIDS && !t->u[i].used) ||
		    r->suppressed == 0)
			continue;
		refill(r, now_ms);
		if (all || r->tokens_ms >= AUDIT_RATE_EVERY_MS) {
			left->uid = i < AUDIT_RATE_UIDS ? t->u[i].uid : 0;
			left->other_uids = i == AUDIT_RATE_UIDS;
			left->since = r->since;
			left->n = r->suppressed;
			r->suppressed = 0;
			if (r->tokens_ms >= AUDIT_RATE_EVERY_MS)
				r->tokens_ms -= AUDIT_RATE_EVERY_MS;
			return true;
		}
		w = AUDIT_RATE_EVERY_MS - r->tokens_ms;
		if (w < *wait_ms)
			*wait_ms = w;
	}
	return false;
}

uint64_t
audit_argv_digest(const char *const *argv, size_t argc, char hex[65])
{
	SHA2_CTX ctx;
	uint64_t n = 0;
	size_t i, k;

	SHA256Init(&ctx);
	for (i = 0; i < argc; i++) {
		k = strlen(argv[i]) + 1;
		SHA256Update(&ctx, (const uint8_t *)argv[i], k);
		n += k;
	}
	(void)SHA256End(&ctx, hex);
	return n;
}
