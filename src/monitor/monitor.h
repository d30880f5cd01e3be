/* SPDX-License-Identifier: MIT */
/* Process: the monitor, dived's long-lived root process. */
/*
 * The monitor: dived's root process.  State shared by its files.
 */
#ifndef DIVE_MONITOR_H
#define DIVE_MONITOR_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <signal.h>
#include <sys/types.h>
#include <time.h>

#include "audit.h"
#include "auditlog.h"
#include "conf.h"
#include "fdpass.h"
#include "log.h"
#include "msg.h"
#include "options.h"
#include "peer.h"
#include "plan.h"
#include "policy.h"

/*
 * What the monitor's short-lived children exit with: the one that starts
 * dived-listener when it cannot execute it (the monitor logs the master's
 * status), and the one that delivers a signal as a program's user.
 */
enum mon_child_exit {
	MON_CHILD_OK = 0,
	MON_CHILD_FAILED = 1,		/* a step before kill(2) failed */
	MON_CHILD_NOEXEC = 127,		/* dived-listener not executed */
};

/*
 * What a policy decision is made on, and what it leaves for the plan
 * (facts.c).  The inputs come from the kernel and the options.
 */
struct facts {
	const struct dived_opts *o;
	struct ucred peer;		/* the client, from SO_PEERCRED */
	uid_t user_uid;			/* -u's user */
	const char *forced_path;
	const gid_t *groups;		/* the client's (SO_PEERGROUPS) */
	size_t ngroups;
	const char *target;		/* a user the client asked for */
	const struct req_exec *req;
	bool resolve;			/* find the program (with a policy) */
	/* Results, valid until facts_free: */
	char tuid[16];			/* the target's uid, if not default */
	const char *target_user;	/* tuid, or NULL: the default user */
	struct identity id;		/* whom the program runs as */
	bool have_id;
	bool no_user;			/* target has no passwd entry */
	char *path;			/* the program, NULL: not resolved */
	const char **argv;		/* the whole command line */
	size_t argc;
	struct policy_req q;
	struct policy_decision d;
	struct msg_failed fail;		/* why not, when !d.permit */
	const char *reason;
};

/*
 * facts_get: fill in f's results from its inputs.  Returns 0, or -1
 * when the request cannot be decided: f->fail and f->reason say why
 * (f->d.permit is false).
 */
int facts_get(struct facts *f);

/*
 * facts_decide: facts_get, then the decision of pol on them (none: any
 * request whose facts could be gathered is permitted).  A target user
 * that does not exist is refused as "no such user" only when the policy
 * would let the client ask for any user, and otherwise gets the policy's
 * own denial.  The daemon and dived --check-config both decide through
 * it.  Returns 0 if permitted, else -1 with f->d, f->fail and f->reason
 * saying why.
 */
int facts_decide(struct facts *f, const struct conf *pol);

/* facts_refuse: mark f refused at step, with err (errno or DENY_*). */
void facts_refuse(struct facts *f, uint32_t step, int err,
    const char *reason);

/* facts_free: release f's results. */
void facts_free(struct facts *f);

/*
 * spawn_command_line: the program's command line, NULL-terminated: the
 * forced words, then (unless -A) the client's arguments; their count in
 * *argc.  The strings are the options' and the request's.  NULL: ENOMEM.
 */
char **spawn_command_line(const struct dived_opts *o,
    const struct req_exec *r, size_t *argc);

/* What an exec plan is built from (launch.c). */
struct plan_from {
	const struct dived_opts *o;
	const char *forced_path;	/* absolute path of the forced argv[0] */
	char **daemon_env;		/* dived's own environment (-E, -J) */
	rlim_t nofile_soft;		/* RLIMIT_NOFILE dived started with */
	struct ucred peer;		/* the client, from SO_PEERCRED */
	uint32_t ctty;			/* its controlling terminal, 0: none */
	const gid_t *groups;		/* its groups, from SO_PEERGROUPS */
	size_t ngroups;
	const struct req_exec *req;	/* accepted by the monitor */
	/* The policy's decision (decide.c), else NULL: */
	const char *target_user;	/* the user the client asked for */
	const struct identity *id;	/* the identity it resolved */
	const char *exec_path;		/* execute exactly this program */
	const struct policy_file *exec_file; /* the file it was, or NULL */
	const struct conf_rule *rule;	/* the permitting rule */
};

/*
 * plan_build: the exec plan of f (inplace: -J, no client), made once;
 * its pointers point into f's options, request and rule, which must
 * outlive it.  Returns 0 or ENOMEM.  Release with plan_free.
 */
int plan_build(struct exec_plan *p, const struct plan_from *f, bool inplace);
void plan_free(struct exec_plan *p);
/*
 * plan_kept_fds: how many of r's mapped descriptors (the first ones, by
 * ascending number) the program gets: all, or under a rule with nofds
 * only those numbered 0, 1 and 2.  Pure.
 */
uint32_t plan_kept_fds(const struct req_exec *r,
    const struct conf_rule *rule);

/* plan_who_set: whom o runs the program of peer as (target: asked for). */
void plan_who_set(struct plan_who *w, const struct dived_opts *o,
    const struct ucred *peer, const char *target);

/* What the monitor resolved at start-up from the options. */
struct setup {
	uid_t luid;			/* listener user */
	gid_t lgid;
	const char *forced_path;	/* absolute path of the forced argv[0] */
	char **daemon_env;		/* dived's own environment (for -E) */
	rlim_t nofile_soft;		/* RLIMIT_NOFILE dived started with */
	uint64_t pidns_dev, pidns_ino;	/* our pid namespace */
	uint32_t hello_flags;		/* what clients are told */
	uid_t user_uid;			/* -u's user */
	struct ns_kept ns;		/* -N, opened at start-up */
};

/* The policy and audit state of one session (decide.c). */
struct sess_pol {
	gid_t *groups;			/* SO_PEERGROUPS, with a policy */
	size_t ngroups;
	struct peer_proc proc;		/* exe and cwd, with an audit log */
	char *target;			/* MSG_MON_USER, or NULL */
	struct facts f;
	bool ended;			/* its end record is written */
	const char *why;		/* why it ended before a request */
	struct timespec t_start;
};

enum sess_state {
	S_REQUEST,	/* waiting for the listener's MSG_MON_EXEC */
	S_SPAWNING,	/* spawner forked, exec not yet reported */
	S_RUNNING,	/* program started */
	S_ENDED,	/* start failed or exit status sent */
};

/* What an epoll event points to. */
enum ev_kind { EV_LISTEN, EV_SIGNAL, EV_LM, EV_SESSION, EV_STATUS };

struct evtag {
	enum ev_kind kind;
	struct session *s;
};

/*
 * A spawner's status pipe, as the monitor reads it (status.c, with
 * MON_FROM_SPAWNER): its states, and what it said.
 */
enum status_state {
	STATUS_SETUP = 0,	/* nothing read yet */
	STATUS_EXEC = 1,	/* MSG_SPAWN_EXEC read */
	STATUS_FAILED = 2,	/* MSG_MON_FAILED read, in failed */
};

struct status_rx {
	struct msg_rx rx;	/* rx.state: an enum status_state */
	struct msg_failed failed;
	int err;		/* a handler's refusal of the last frame */
	uint16_t type;		/* the last frame's type */
};

/*
 * status_frame: one frame h (payload p) of a status pipe, through
 * msg_dispatch() and MON_FROM_SPAWNER.  Returns 0 and advances st, or
 * E_BAD_TYPE (a type not of this pipe, out of its order), E_FD_COUNT,
 * E_TOO_LONG, E_BAD_VALUE (a failure after MSG_SPAWN_EXEC but of execve)
 * or the payload's decoder's error; st->rx.why says which table check
 * failed, if one did.  On error st's state and failure are unchanged.
 */
int status_frame(struct status_rx *st, const struct msg_hdr *h,
    struct buf *p) WUR;

/*
 * status_read: read a status pipe fd (r without descriptors, limit
 * MSG_MAX_STATUS): each whole frame through status_frame(), until
 * MSG_MON_FAILED (0), the end (E_EOF: st->rx.state says whether
 * MSG_SPAWN_EXEC came), E_AGAIN, or an error (a violation).
 */
int status_read(struct msgreader *r, int fd, struct status_rx *st) WUR;

struct session {
	struct session *prev, *next;
	uint64_t id;
	struct ucred peer;		/* from SO_PEERCRED at accept */
	struct peer_kernel pk;		/* its namespace owner and terminal */
	enum sess_state state;
	int lfd;			/* to the listener, -1 once it is gone */
	int statusfd;			/* spawner's status pipe, -1 if none */
	pid_t child;			/* program (or spawner), 0 if none */
	struct status_rx st;		/* what its status pipe said */
	bool counted;			/* holds a connection slot (creds.c) */
	struct msgreader rd;
	struct msg_rx rx;		/* its ONCE messages (msg_dispatch) */
	struct msgreader srd;		/* of statusfd */
	struct evtag ltag, stag;
	struct sess_pol pol;
};

struct uidcount {
	uid_t uid;
	unsigned int n;
};

struct daemon_sock;

struct ctx {
	const struct dived_opts *o;
	const struct daemon_sock *dsock;	/* the socket file, if any */
	struct setup *su;
	int ep;				/* epoll */
	int listen_fd;			/* -1 with -i, or after -F's client */
	int inetd_fd;			/* -i: the connection, until taken */
	int sig_fd;			/* signalfd: SIGCHLD, SIGTERM, ... */
	int lm_fd;			/* to the listener master */
	int spare_fd;			/* for daemon_accept(), or -1 */
	bool accept_paused;		/* out of descriptors: listen_fd idle */
	pid_t lm_pid;
	int lm_exe;			/* dived-listener (O_PATH), to restart */
	bool lm_served;			/* the master got a connection */
	struct timespec lm_since;	/* when it started (monotonic) */
	struct evtag listen_tag, sig_tag, lm_tag;
	struct session *sessions;
	unsigned int nconns;		/* sessions holding a slot */
	struct uidcount *uids;		/* connections per client uid */
	size_t nuids, capuids;
	uint64_t next_id;
	bool stopping;
	bool passrights;		/* SO_PASSRIGHTS=0 works on this kernel */
	struct conf *pol;		/* the policy, or NULL */
	struct auditlog *audit;		/* always with a policy; NULL: none */
	struct audit_rates rates;	/* of rejections and refusals */
	char idbase[24];		/* request ids are IDBASE-N */
};

/* lm.c: the listener master. */
void lm_start(struct ctx *c, int listener_exe);
int lm_open_listener_exe(void);
int lm_hand_over(struct ctx *c, struct session *s, int client_fd);
/* lm_stop: end the listener master and reap it (listeners live on). */
void lm_stop(struct ctx *c);
/*
 * lm_gone: the master ended (si) or closed its socket (si NULL): start
 * another, or stop dived if it died before serving anyone.
 */
void lm_gone(struct ctx *c, const siginfo_t *si);

/* loop.c: the event loop. */
void loop_run(struct ctx *c);


/* decide.c: policy decisions and audit records. */
int decide_accepted(struct ctx *c, struct session *s, int fd);
int decide_user(struct ctx *c, struct session *s);
int decide_exec(struct ctx *c, struct session *s, struct plan_from *pf,
    struct msg_failed *fail);
void decide_end(struct ctx *c, struct session *s, const siginfo_t *si,
    const struct msg_failed *fail);
/* decide_conn: record (and say whether to log) a connection refused
 * or ended without a request, within the rate limit of its uid. */
bool decide_conn(struct ctx *c, const struct ucred *peer, uid_t owner,
    uint64_t id, const char *why);
/* decide_tick: write the counts of records left out that are due (all:
 * every one); returns the ms until the next is, or -1. */
int decide_tick(struct ctx *c, bool all);
void decide_free(struct session *s);

/* creds.c: connection accounting by client uid. */
int creds_admit(struct ctx *c, const struct ucred *peer, uid_t owner);
void creds_release(struct ctx *c, uid_t uid, uid_t owner);
/* creds_identify: peer_identify for a new connection; on failure logged,
 * recorded, and E_UNAVAILABLE or E_RESOURCES returned for the caller to
 * refuse it with. */
int creds_identify(struct ctx *c, int fd, const struct ucred *peer,
    struct peer_kernel *pk);
/* creds_owner_str: " (owner U)" for a client in a namespace of U's, else
 * "" (static storage). */
const char *creds_owner_str(const struct ucred *peer,
    const struct peer_kernel *pk);

/*
 * slog: one log line about session s at priority pri, after the prefix
 * every such line has, "session ID: uid UID pid PID: " (operators and the
 * tests grep it); errno is preserved.  slog_uid: the same with the prefix
 * "session ID: uid UID: " of the lines about its spawner and program.
 */
void slog(const struct session *s, int pri, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void slog_uid(const struct session *s, int pri, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
