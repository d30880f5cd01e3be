/* SPDX-License-Identifier: MIT */
/* Process: the spawner, dived's child for one request (root). */
/*
 * The spawner: a child of the monitor that sets up one accepted request
 * and executes its program.  See dived(8), ORDER OF OPERATIONS.
 */
#ifndef DIVE_SPAWNER_H
#define DIVE_SPAWNER_H

#include <stdbool.h>
#include <sys/types.h>

#include "msg.h"
#include "plan.h"

/* setids.c: the identity change. */
int ids_apply(const struct identity *id, int *step);

/* ns.c: namespaces, files written after them, root and directory. */

/* What ns_setns says of a kept namespace that is gone, with its index. */
#define NS_GONE_ENDED		0x100	/* /proc/PID: the process ended */
#define NS_GONE_REPLACED	0x200	/* its path names another one */
/*
 * ns_setns: join the kept namespaces in order, unless one is gone: then
 * *gone is its index | NS_GONE_*, nothing is joined and 0 is returned.
 * Otherwise *gone is -1; returns 0 or an errno value.
 */
int ns_setns(const struct plan_where *w, const struct ns_kept *k,
    int *gone);
int ns_unshare(const struct plan_where *w);
/* ns_die_with_parent: be killed when the parent ends (or no more). */
int ns_die_with_parent(bool on);

/* The map helper for a new user namespace (ns.c). */
struct ns_helper {
	pid_t pid;		/* -1 if none */
	int go;			/* write end: "the namespace exists" */
};
int ns_helper_start(const struct plan_where *w, uid_t uid, gid_t gid,
    struct ns_helper *h);
int ns_helper_finish(struct ns_helper *h);
/* -t, -tt; userns: all but the maps, which the helper wrote. */
int ns_write_content(const struct plan_where *w, bool userns, uid_t uid,
    gid_t gid);

/* Where the program's root and current directory come from. */
struct rootctx {
	int client_root;	/* -r: the client's root, or -1 */
	int client_cwd;		/* the client's directory, or -1 to keep */
	int server_root;	/* -W: dived's root, or -1 */
	dev_t root_dev;		/* dived's root before any change, */
	ino_t root_ino;		/* to see -N move into another one */
};
int ns_prepare_root(const struct plan_where *w, struct rootctx *rc);
int ns_set_root(const struct plan_where *w, const struct rootctx *rc,
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
int ns_check_dirs(const struct plan_where *w, const struct rootctx *rc,
    const int *fds, const uint8_t *kinds, size_t n, size_t *bad);

/* caps.c: bounding set, securebits, capabilities, no_new_privs. */
int caps_before_ids(const struct plan_caps *k, int *step);
int caps_after_ids(const struct plan_caps *k, int *step);
/* caps_setuid_fixup: -L: drop what setresuid() would have; 0 or errno. */
int caps_setuid_fixup(const struct plan_caps *k);

/*
 * auth.c: -a CMD with the client's stdio (the pty slave where the
 * request puts the pseudo-terminal; -1 if none); 0 if it exited 0.
 */
int auth_run(const struct exec_plan *p, const struct identity *id,
    const int *mapped, int pty);

/*
 * env_build: the program's environment (p->env) for identity id: the
 * client's entries, filtered on a privilege gain, then the permitting
 * rule's options, then DIVE_*.  NULL: out of memory.  The vector and
 * some entries are allocated and never freed: the spawner executes or
 * exits next.
 */
char **env_build(const struct exec_plan *p, const struct identity *id);

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

/* fds.c */
int fds_receive(int sock, unsigned int timeout, int *fds, size_t n);
int fds_install(const uint32_t *num, int *fds, size_t nfds, int *statusfd);
/* fds_keep_only: close every descriptor from 3 up but a and b (-1: none). */
int fds_keep_only(int a, int b);

#endif
