/* SPDX-License-Identifier: MIT */
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

#include "msg.h"
#include "options.h"

struct spawn_args {
	const struct dived_opts *o;
	const char *forced_path;	/* absolute path of the forced argv[0] */
	char **daemon_env;		/* for -E */
	rlim_t nofile_soft;		/* RLIMIT_NOFILE for the program */
	struct ucred peer;		/* the client, from SO_PEERCRED */
	const struct req_exec *req;	/* accepted by the monitor */
	int fdsock;			/* MSG_SPAWN_FDS arrives here, or -1 */
	int statusfd;			/* failures reported here; CLOEXEC */
	int lfd;			/* -F: report to the listener, or -1 */
	unsigned int timeout;		/* seconds to wait for the fds */
	bool inplace;			/* -J: no client, this very process */
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
    char **env, rlim_t nofile_soft) __attribute__((noreturn));

/*
 * spawn_run: set up and execute the program; on any failure report the
 * step and errno on statusfd and _exit(127).  Never returns.
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
int ids_apply(const struct identity *id, int *step);

/*
 * spawn_find_program: the absolute path of a forced command: as given if
 * it has a '/', else searched in PATH (dived's own, at start-up).
 * Returns an allocated path, or NULL with errno set.
 */
char *spawn_find_program(const char *prog, const char *path);

/* ns.c: namespaces, files written after them, root and directory. */
int ns_setns(const struct dived_opts *o);
int ns_unshare(const struct dived_opts *o);
/* ns_die_with_parent: be killed when the parent ends. */
int ns_die_with_parent(void);

/* The map helper for a new user namespace (ns.c). */
struct ns_helper {
	pid_t pid;		/* -1 if none */
	int go;			/* write end: "the namespace exists" */
};
int ns_helper_start(const struct dived_opts *o, uid_t uid, gid_t gid,
    struct ns_helper *h);
int ns_helper_finish(struct ns_helper *h);
int ns_write_content(const struct dived_opts *o, uid_t uid, gid_t gid);

/* Where the program's root and current directory come from. */
struct rootctx {
	int client_root;	/* -r: the client's root, or -1 */
	int client_cwd;		/* the client's directory, or -1 to keep */
	int server_root;	/* -W: dived's root, or -1 */
};
int ns_prepare_root(const struct dived_opts *o, struct rootctx *rc);
int ns_set_root(const struct dived_opts *o, const struct rootctx *rc,
    int *step);

/* caps.c: bounding set, securebits, capabilities, no_new_privs. */
int caps_before_ids(const struct dived_opts *o, int *step);
int caps_after_ids(const struct dived_opts *o, int *step);

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
 * pty_open: a new pseudo-terminal of size ws, the slave owned by uid
 * (group tty, mode 0620).  Call before any change of root.  *master and
 * *slave are CLOEXEC; the caller closes them.  Returns 0 or an errno.
 */
int pty_open(const struct msg_winsize *ws, uid_t uid, int *master,
    int *slave);

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

/* fds.c */
int fds_receive(const struct spawn_args *a, int *fds, size_t n);
int fds_install(const uint32_t *num, int *fds, size_t nfds, int *statusfd);

#endif
