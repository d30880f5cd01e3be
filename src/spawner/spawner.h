/* SPDX-License-Identifier: MIT */
/* Process: the spawner, dived's child for one request (root). */
/*
 * The spawner: a child of the monitor that sets up one accepted request
 * and executes its program.  See dived(8), ORDER OF OPERATIONS.
 */
#ifndef DIVE_SPAWNER_H
#define DIVE_SPAWNER_H

#include <pwd.h>
#include <stdbool.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "conf.h"
#include "msg.h"
#include "options.h"
#include "policy.h"

/*
 * Exit statuses of the spawner and the processes it forks (dived(8), EXIT
 * STATUS).  Once the program is executed, the status is the program's.
 */
enum spawn_exit {
	SPAWN_EXIT_OK = 0,		/* -D: the half that stays, once the
					 * program's half is detached; the
					 * -t map writer, done or not needed */
	SPAWN_EXIT_WRITER_FAILED = 1,	/* the -t map writer could not write */
	SPAWN_EXIT_FAILED = 127,	/* a step before execve failed (the
					 * step is reported, or printed with
					 * -J); the -a command not executed */
	SPAWN_EXIT_SIGNAL = 128,	/* + the signal that killed the
					 * program, as pid 1 of a new pid
					 * namespace that cannot die alike */
};

struct identity;

struct spawn_args {
	const struct dived_opts *o;
	const char *forced_path;	/* absolute path of the forced argv[0] */
	char **daemon_env;		/* for -E */
	rlim_t nofile_soft;		/* RLIMIT_NOFILE for the program */
	struct ucred peer;		/* the client, from SO_PEERCRED */
	uint32_t client_ctty;		/* its controlling terminal at accept
					 * (peer_identify), 0: none */
	const gid_t *groups;		/* its groups, from SO_PEERGROUPS */
	size_t ngroups;
	const struct req_exec *req;	/* accepted by the monitor */
	int fdsock;			/* MSG_SPAWN_FDS arrives here, or -1 */
	int statusfd;			/* status frames go here, CLOEXEC */
	int lfd;			/* -F: report to the listener, or -1 */
	unsigned int timeout;		/* seconds to wait for the fds */
	bool inplace;			/* -J: no client, this very process */
	/* Set by the monitor's policy decision (decide.c), else NULL: */
	const char *target_user;	/* the user the client asked for */
	const struct identity *id;	/* the identity it resolved */
	const char *exec_path;		/* execute exactly this program */
	const struct policy_file *exec_file; /* the file it was, or NULL */
	const struct conf_rule *rule;	/* the permitting rule */
	pid_t monitor;			/* the spawner's parent (spawn_fork) */
	const struct ns_kept *ns;	/* -N, opened at start-up */
};

/* The monitor's side of a spawner being started (launch.c). */
struct spawn_handle {
	int fdsock;		/* for the listener: the client's fds go here */
	int statusfd;		/* read end of the status pipe, non-blocking */
	pid_t pid;		/* the spawner, once forked */
};

/*
 * spawn_prepare: the socket and pipe of a spawner: a->fdsock and
 * a->statusfd are its ends, h->fdsock and h->statusfd the monitor's.
 * Returns 0 or an errno value (nothing is left open then).
 */
int spawn_prepare(struct spawn_args *a, struct spawn_handle *h);

/*
 * spawn_command_line: the program's command line, NULL-terminated: the
 * forced words, then (unless -A) the client's arguments; their count in
 * *argc.  The strings are the options' and the request's.  NULL: ENOMEM.
 */
char **spawn_command_line(const struct dived_opts *o,
    const struct req_exec *r, size_t *argc);

/* spawn_cancel: close what spawn_prepare opened, when no spawner comes. */
void spawn_cancel(struct spawn_args *a, struct spawn_handle *h);

/*
 * spawn_fork: fork the spawner (h->pid), closing h->fdsock and the
 * spawner's ends here.  With -F (a->o->no_fork) this process becomes the
 * spawner and never returns.  Returns 0 or an errno value; on failure
 * everything of h is closed.
 */
int spawn_fork(struct spawn_args *a, struct spawn_handle *h);

/*
 * spawn_just_execute: -J, -j: no socket and no client; apply the options
 * to this very process and execute the forced command.  Never returns.
 */
void spawn_just_execute(const struct dived_opts *o, const char *forced_path,
    char **env, rlim_t nofile_soft, const struct ns_kept *ns)
    __attribute__((noreturn));

/*
 * spawn_run: set up and execute the program; on any failure report the
 * step and errno on statusfd and _exit(SPAWN_EXIT_FAILED).  Never returns.
 */
void spawn_run(const struct spawn_args *a) __attribute__((noreturn));

/* The identity the program runs with (ids.c). */
struct identity {
	bool change;		/* false with -P: keep the daemon's ids */
	uid_t ruid, euid;
	gid_t rgid, egid;
	gid_t *groups;
	int ngroups;
	char *client_name;	/* for DIVE_USER, NULL if no passwd entry */
	char *name;		/* the target's passwd entry, NULL if none */
	char *home, *shell;
};

/* ids.c */

/*
 * ids_user: look up a user by name or number in the system databases.
 * out: the entry, whose pw_name points to *namebuf (the caller frees it).
 * Returns 0 or an errno value (ENOENT: no such user).
 */
int ids_user(const char *name, struct passwd *out, char **namebuf);

/* ids_group: a group by name or number; 0 or an errno value. */
int ids_group(const char *name, gid_t *gid);

/*
 * ids_group_list: a comma-separated list of groups (-g).  *groups is
 * allocated (the caller frees it).  Returns 0 or an errno value.
 */
int ids_group_list(const char *list, gid_t **groups, int *ngroups);

/*
 * ids_preload: have the name service load its modules (nsswitch.conf)
 * in this process, the monitor, by looking up its own user and groups,
 * so that every spawner forked from it finds them loaded rather than
 * loading them again for each request.  Nothing is kept but the loaded
 * modules: each request still reads the databases afresh.
 */
void ids_preload(void);

/*
 * ids_resolve: the identity for one request, from SO_PEERCRED and the
 * options, looked up in the daemon's own root.  Returns 0 or an errno.
 */
int ids_resolve(const struct spawn_args *a, struct identity *id);

/*
 * ids_resolve_rules: the id of every user and group name in c's rules,
 * from the system databases (at start-up).  Returns 0, or an errno value
 * with msg naming the name and where it is ("FILE:LINE:COL: ...").
 */
int ids_resolve_rules(struct conf *c, char *msg, size_t len);

/* ids_free: release what ids_resolve allocated. */
void ids_free(struct identity *id);
int ids_apply(const struct identity *id, int *step);

/*
 * spawn_find_program: the absolute path of a forced command: as given if
 * it has a '/', else searched in PATH (dived's own, at start-up).
 * Returns an allocated path, or NULL with errno set.
 */
char *spawn_find_program(const char *prog, const char *path);

/*
 * What a policy decision is made on, and what it leaves for the spawner
 * (facts.c).  The inputs come from the kernel and the options.
 */
struct facts {
	const struct dived_opts *o;
	uid_t user_uid;			/* -u's user */
	const char *forced_path;
	const gid_t *groups;		/* the client's (SO_PEERGROUPS) */
	size_t ngroups;
	const char *target;		/* a user the client asked for */
	const struct req_exec *req;
	bool resolve;			/* find the program (with a policy) */
	/* Results, valid until facts_free: */
	char tuid[16];			/* the target's uid, if not default */
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
 * facts_get: fill in f's results from its inputs and a (whose
 * target_user and id it sets).  Returns 0, or -1 when the request cannot
 * be decided: f->fail and f->reason say why (f->d.permit is false).
 */
int facts_get(struct facts *f, struct spawn_args *a);

/*
 * facts_decide: facts_get, then the decision of pol on them (none: any
 * request whose facts could be gathered is permitted).  A target user
 * that does not exist is refused as "no such user" only when the policy
 * would let the client ask for any user, and otherwise gets the policy's
 * own denial.  The daemon and dived --check-config both decide through
 * it.  Returns 0 if permitted, else -1 with f->d, f->fail and f->reason
 * saying why.
 */
int facts_decide(struct facts *f, struct spawn_args *a,
    const struct conf *pol);

/* facts_refuse: mark f refused at step, with err (errno or DENY_*). */
void facts_refuse(struct facts *f, uint32_t step, int err,
    const char *reason);

/* facts_free: release f's results. */
void facts_free(struct facts *f);

/* dived --check-config --as-client USER [--as-target USER] -- CMD ARGS */
struct facts_check {
	struct dived_opts o;	/* the options, without a forced command */
	struct req_exec req;	/* CMD ARGS */
	struct identity client;	/* USER, with its groups from the database */
	struct spawn_args a;
	struct facts f;		/* as facts_get left it */
};

/*
 * facts_check: the inputs of facts_decide for that request, as the
 * monitor would have them for a client logged in as o->as_client.  With
 * forced_path (the program of a forced command line, found as dived
 * finds it at start-up), the words after -- are that command line and
 * the client's arguments; else they are the client's request.  Returns
 * 0, or an errno value about the client (ENOENT: no such user).
 * Release with facts_check_free.
 */
int facts_check(struct facts_check *k, const struct dived_opts *o,
    const char *forced_path);
void facts_check_free(struct facts_check *k);

/* ns.c: namespaces, files written after them, root and directory. */

/* -N: the namespaces named at start-up, kept open (all O_CLOEXEC). */
struct ns_kept {
	int fd[OPT_MAX_SETNS];		/* the namespace, or -1 */
	int pidfd[OPT_MAX_SETNS];	/* /proc/PID/...: PID's, or -1 */
	dev_t dev[OPT_MAX_SETNS];	/* the file, to see another one */
	ino_t ino[OPT_MAX_SETNS];	/* named by its path later */
	int n;				/* o->nsetns once all are open */
};
/*
 * ns_keep: open each -N file (and take a pidfd of a /proc/PID path's
 * process first).  Returns 0, or an errno value with a message naming
 * the file in err (nothing is left open then).
 */
int ns_keep(const struct dived_opts *o, struct ns_kept *k, char *err,
    size_t errlen);
/* ns_keep_close: close what ns_keep opened. */
void ns_keep_close(struct ns_kept *k);
/* What ns_setns says of a kept namespace that is gone, with its index. */
#define NS_GONE_ENDED		0x100	/* /proc/PID: the process ended */
#define NS_GONE_REPLACED	0x200	/* its path names another one */
/*
 * ns_setns: join the kept namespaces in order, unless one is gone: then
 * *gone is its index | NS_GONE_*, nothing is joined and 0 is returned.
 * Otherwise *gone is -1; returns 0 or an errno value.
 */
int ns_setns(const struct dived_opts *o, const struct ns_kept *k,
    int *gone);
int ns_unshare(const struct dived_opts *o);
/* ns_die_with_parent: be killed when the parent ends (or no more). */
int ns_die_with_parent(bool on);

/* The map helper for a new user namespace (ns.c). */
struct ns_helper {
	pid_t pid;		/* -1 if none */
	int go;			/* write end: "the namespace exists" */
};
int ns_helper_start(const struct dived_opts *o, uid_t uid, gid_t gid,
    struct ns_helper *h);
int ns_helper_finish(struct ns_helper *h);
/* -t, -tt; userns: all but the maps, which the helper wrote. */
int ns_write_content(const struct dived_opts *o, bool userns, uid_t uid,
    gid_t gid);

/* Where the program's root and current directory come from. */
struct rootctx {
	int client_root;	/* -r: the client's root, or -1 */
	int client_cwd;		/* the client's directory, or -1 to keep */
	int server_root;	/* -W: dived's root, or -1 */
	dev_t root_dev;		/* dived's root before any change, */
	ino_t root_ino;		/* to see -N move into another one */
};
int ns_prepare_root(const struct dived_opts *o, struct rootctx *rc);
int ns_set_root(const struct dived_opts *o, const struct rootctx *rc,
    int *step);
/*
 * ns_fd_kind: what a descriptor could bring a program from outside its
 * root (enum fd_kind).  Reads /proc/self/fd: call it in dived's root.
 */
int ns_fd_kind(int fd);
/*
 * ns_check_dirs: after the root changed, *bad is the index of the first
 * of fds[0..n) whose kind (kinds[], from ns_fd_kind) is not FDK_PLAIN,
 * else of the first directory outside the new root, or n if none is (or
 * --allow-outside-dirs).  Returns 0 or an errno value.
 */
int ns_check_dirs(const struct dived_opts *o, const struct rootctx *rc,
    const int *fds, const uint8_t *kinds, size_t n, size_t *bad);

/* caps.c: bounding set, securebits, capabilities, no_new_privs. */
int caps_before_ids(const struct dived_opts *o, int *step);
int caps_after_ids(const struct dived_opts *o, bool client_root, int *step);
/* caps_setuid_fixup: -L: drop what setresuid() would have; 0 or errno. */
int caps_setuid_fixup(const struct dived_opts *o);

/*
 * auth.c: -a CMD with the client's stdio (the pty slave where the
 * request puts the pseudo-terminal; -1 if none); 0 if it exited 0.
 */
int auth_run(const struct spawn_args *a, const struct identity *id,
    const int *mapped, int pty);

/* env.c */
char **env_build(const struct spawn_args *a, const struct identity *id);

/* pty.c */

/*
 * pty_open: a new pseudo-terminal of the size p->ws, with the modes
 * p->modes if modes is non-zero (REQ_F_TTYMODES), the slave owned by uid
 * (group tty, mode 0620).  Call before any change of root.  *master and
 * *slave are CLOEXEC; the caller closes them.  Returns 0 or an errno.
 */
int pty_open(const struct req_pty *p, int modes, uid_t uid, int *master,
    int *slave);

/*
 * pty_take_terminal: make tty (the client's, DIVE_PTY=0) the controlling
 * terminal of this new session leader, only if it is the client's own:
 * of no session, or the controlling terminal of the client's session
 * (client_ctty, read at accept through a pidfd).  Only then is it taken
 * from the client's session, with force.  Returns 0, EPERM when it is
 * another session's, or another errno value.
 */
int pty_take_terminal(int tty, uint32_t client_ctty);

/* pty_send_master: MSG_SPAWN_PTY to the listener; 0 or an errno. */
int pty_send_master(int sock, int master);

/*
 * pty_merge: the program's descriptors: the client's (fdnum, mapped; n)
 * and a copy of slave at each number of pnum (np), ascending, into num
 * and fds (room for MSG_MAX_FDS).  The copies are the caller's to close.
 * Returns 0 or an errno (nothing made is left open then).
 */
int pty_merge(const uint32_t *fdnum, const int *mapped, size_t n,
    const uint32_t *pnum, size_t np, int slave, uint32_t *num, int *fds,
    size_t *total);

/*
 * spawn_kept_fds: how many of r's mapped descriptors (the first ones, by
 * ascending number) the program gets: all, or under a rule with nofds
 * only those numbered 0, 1 and 2.  Pure (spawn.c; not static so that
 * tests/unit/spawn_test.c can call it).
 */
uint32_t spawn_kept_fds(const struct req_exec *r,
    const struct conf_rule *rule);

/* fds.c */
int fds_receive(const struct spawn_args *a, int *fds, size_t n);
int fds_install(const uint32_t *num, int *fds, size_t nfds, int *statusfd);
/* fds_keep_only: close every descriptor from 3 up but a and b (-1: none). */
int fds_keep_only(int a, int b);

#endif
