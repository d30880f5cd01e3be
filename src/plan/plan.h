/* SPDX-License-Identifier: MIT */
/* Process: the monitor and the spawner: the plan between them. */
/*
 * The exec plan: what one request's program is set up with, decided once
 * by the monitor (launch.c, from the options, the permitting rule and
 * the request) and carried out by the spawner, which gets the plan and
 * its own descriptors and nothing else: no options, no rule, no request.
 * This is the one header the monitor and the spawner share; neither
 * includes the other's.
 */
#ifndef DIVE_PLAN_H
#define DIVE_PLAN_H

#include <pwd.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "msg.h"
#include "plantypes.h"

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

/* Which process carries the plan out; chosen once, by plan_build. */
enum plan_mode {
	PLAN_FORK,	/* a child of the monitor */
	PLAN_NO_FORK,	/* -F: the monitor itself, for its one client */
	PLAN_JUST,	/* -J, -j: dived itself, no client, no socket */
};

/* Who: the client, and whom the program runs as. */
struct plan_who {
	struct ucred peer;		/* the client, from SO_PEERCRED */
	const gid_t *groups;		/* its groups, from SO_PEERGROUPS */
	size_t ngroups;
	uint32_t ctty;			/* its controlling terminal, 0: none */
	const struct identity *id;	/* resolved by the monitor, or NULL:
					 * the spawner resolves, from: */
	bool keep_ids;			/* -P: dived's own ids */
	const char *user;		/* the target asked for, or -u; NULL:
					 * the client */
	const char *group_list;		/* -g (not with a target asked for) */
	const char *effective_user;	/* -e */
};

/* Where: namespaces, files written in them, root and directory. */
struct plan_where {
	const char *const *setns;	/* -N, in order (opened: ns_kept) */
	int nsetns;
	int unshare;			/* -s: CLONE_NEW* */
	const struct opt_write *writes;	/* -t, -tt */
	int nwrites;
	const char *chroot_dir;		/* -R */
	const char *chdir_dir;		/* -h */
	const char *pivot_new;		/* -V NEW OLD */
	const char *pivot_old;
	bool client_chroot;		/* -r, unless the rule says noroot */
	bool client_cwd;		/* the client's directory (not -H, -h,
					 * -W) */
	bool root_to_current;		/* -W */
	bool allow_outside_dirs;	/* --allow-outside-dirs */
};

/* What: the program and its command line. */
struct plan_what {
	char **argv;			/* NULL-terminated; argv[0] is the
					 * permitting rule's path where the
					 * client named it through another */
	size_t argc;
	const char *forced_path;	/* a forced command: this path */
	const char *exec_path;		/* decided by the policy: this file */
	bool have_file;			/* which exec_path named then: */
	dev_t dev;
	ino_t ino;
	const char *rule_cmd;		/* the permitting rule's path, or NULL */
};

/* Which descriptors: received, installed, and the terminal. */
struct plan_fds {
	size_t nrecv;			/* from the listener: specials, then
					 * the mapped ones */
	uint32_t specials;		/* REQ_SPECIAL_* */
	const uint32_t *fdnum;		/* the mapped ones' numbers */
	uint32_t nfdmap;
	uint32_t nkept;			/* the first nkept are installed: all,
					 * or with the rule's nofds 0, 1, 2 */
	bool none;			/* -O: /dev/null at 0, 1 and 2 */
	const struct req_pty *pty;	/* REQ_F_PTY: a new one; else NULL */
	bool ttymodes;			/* REQ_F_TTYMODES */
	const uint32_t *pty_fdnum;	/* where the slave goes (-O: 0, 1, 2) */
	uint32_t pty_nfd;
	bool set_umask;			/* the client's umask (not -M, -J) */
	mode_t umask;
	bool setsid;			/* a new session (not -S) */
	bool take_ctty;			/* the client's terminal (not -T) */
	unsigned int timeout;		/* seconds to wait for them */
};

/* The environment: its source and what filters it. */
struct plan_env {
	const char *const *src;		/* the client's, or dived's (-E, -J) */
	const char *const *daemon_env;	/* dived's (for -a's command) */
	bool as_is;			/* -J: src exactly as it is */
	bool daemon;			/* -E: dived's, never filtered */
	bool gains;			/* the options give more than the
					 * client has (-g, -m, -c, -s user) */
	const char *const *keep_env;	/* --keep-env lists */
	int nkeep_env;
	/* The permitting rule's environment options (dived.conf(5)): */
	bool rule;			/* a rule permitted: they apply */
	bool rule_keepenv;		/* keepenv: the client's entries */
	bool rule_keeplist;		/* keepenv { }: some of them */
	char *const *keep;		/* keepenv { NAME NAME* ... } */
	size_t nkeep;
	char *const *setenv;		/* setenv { ... } */
	size_t nsetenv;
};

/* Limits. */
struct plan_limits {
	const struct opt_rlimit *rlimits;	/* -l */
	int nrlimits;
	rlim_t nofile_soft;		/* RLIMIT_NOFILE dived started with */
};

/* Capabilities (bit n is capability n), securebits, no_new_privs. */
struct plan_caps {
	bool bset_keep_set;		/* -B */
	uint64_t bset_keep;
	uint64_t bset_drop;		/* -b */
	uint64_t ambient;		/* -m */
	bool caps_set;			/* -c */
	uint64_t cap_eff, cap_prm, cap_inh;
	bool no_new_privs;		/* -X, or the client's root (-r) */
	bool lock_securebits;		/* -L */
};

/* -a: the authentication command. */
struct plan_auth {
	const char *cmd;		/* NULL: none */
	unsigned int timeout;		/* seconds */
};

struct exec_plan {
	enum plan_mode mode;
	bool detach;			/* -D: the program is not dived's child */
	struct plan_who who;
	struct plan_where where;
	struct plan_what what;
	struct plan_fds fds;
	struct plan_env env;
	struct plan_limits limits;
	struct plan_caps caps;
	struct plan_auth auth;
};

/* -N: the namespaces named at start-up, kept open (all O_CLOEXEC). */
struct ns_kept {
	int fd[OPT_MAX_SETNS];		/* the namespace, or -1 */
	int pidfd[OPT_MAX_SETNS];	/* /proc/PID/...: PID's, or -1 */
	dev_t dev[OPT_MAX_SETNS];	/* the file, to see another one */
	ino_t ino[OPT_MAX_SETNS];	/* named by its path later */
	int n;				/* all are open */
};

/*
 * ns_keep: open each -N file (setns[0..n)), taking a pidfd of a
 * /proc/PID path's process first.  Returns 0, or an errno value with a
 * message naming the file in err (nothing is left open then).
 */
int ns_keep(const char *const *setns, int n, struct ns_kept *k, char *err,
    size_t errlen);
/* ns_keep_close: close what ns_keep opened. */
void ns_keep_close(struct ns_kept *k);

/* What the spawner gets: the plan, and its own descriptors. */
struct spawn_args {
	const struct exec_plan *p;
	int fdsock;		/* MSG_SPAWN_FDS arrives here, or -1 */
	int statusfd;		/* failures reported here; CLOEXEC */
	int lfd;		/* -F, -D: report to the listener, or -1 */
	pid_t monitor;		/* the spawner's parent (spawn_start) */
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

/* spawn_cancel: close what spawn_prepare opened, when no spawner comes. */
void spawn_cancel(struct spawn_args *a, struct spawn_handle *h);

/*
 * spawn_start: start the spawner of a->p as its mode says: fork it
 * (h->pid), closing h->fdsock and the spawner's ends here; with -F
 * (PLAN_NO_FORK) this process becomes the spawner, and with -J
 * (PLAN_JUST, h all -1) the program, and it never returns.  Returns 0 or
 * an errno value; on failure everything of h is closed.
 */
int spawn_start(struct spawn_args *a, struct spawn_handle *h);

/*
 * spawn_run: carry out a->p: set up and execute the program; on any
 * failure report the step and errno and _exit(127).  Never returns.
 */
void spawn_run(const struct spawn_args *a) __attribute__((noreturn));

/* ids.c: name lookups, in the monitor and in the spawner. */

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
 * ids_resolve: the identity of w (its peer and the names it gives),
 * looked up in the daemon's own root.  Returns 0 or an errno.
 */
int ids_resolve(const struct plan_who *w, struct identity *id);

/* ids_free: release what ids_resolve allocated. */
void ids_free(struct identity *id);

/*
 * ids_preload: have the name service load its modules (nsswitch.conf)
 * in this process, the monitor, by looking up its own user and groups,
 * so that every spawner forked from it finds them loaded rather than
 * loading them again for each request.  Nothing is kept but the loaded
 * modules: each request still reads the databases afresh.
 */
void ids_preload(void);

struct conf;

/*
 * ids_resolve_rules: the id of every user and group name in c's rules,
 * from the system databases (at start-up).  Returns 0, or an errno value
 * with msg naming the name and where it is ("FILE:LINE:COL: ...").
 */
int ids_resolve_rules(struct conf *c, char *msg, size_t len);

/*
 * spawn_find_program: the absolute path of a forced command: as given if
 * it has a '/', else searched in PATH (dived's own, at start-up).
 * Returns an allocated path, or NULL with errno set.
 */
char *spawn_find_program(const char *prog, const char *path);

#endif
