/* SPDX-License-Identifier: MIT */
/* Process: dived at start-up, before the loop; dived --check-config. */
/*
 * dived's daemon plumbing: the listening socket (created without a path
 * race), pidfiles and detaching from the terminal.  Library code: every
 * function returns 0 (or a descriptor) or E_SYS, and never exits; dived's
 * start-up (main.c) ends the process on an error.
 */
#ifndef DIVE_DAEMON_H
#define DIVE_DAEMON_H

#include <stdbool.h>
#include <sys/types.h>

#include "errors.h"
#include "options.h"

/* Owner for the socket file (--chown). */
struct daemon_owner {
	bool set;
	uid_t uid;
	gid_t gid;
};

/* The socket file created, to remove it at exit if it is still ours. */
struct daemon_sock {
	int dirfd;		/* its directory, -1 for an abstract socket */
	char *base;		/* its name there */
	dev_t dev;
	ino_t ino;
};

/*
 * daemon_listen: listen on o->socket (a path or @abstract).  A path gets
 * its mode (--chmod) and owner (own) before it appears at its final name;
 * an existing socket there is replaced, anything else is not.  ds records
 * the file.  Returns the non-blocking listening socket, or E_SYS after
 * logging why.
 */
int daemon_listen(const struct dived_opts *o, const struct daemon_owner *own,
    struct daemon_sock *ds);

/*
 * daemon_activation: take the listening socket a service manager passed
 * (LISTEN_PID, LISTEN_FDS, as sd_listen_fds(3) describes them, without
 * libsystemd).  When LISTEN_PID is this process and LISTEN_FDS is 1,
 * descriptor 3 must be a listening AF_UNIX stream socket bound to
 * o->socket, and --chmod, --chown and --detach must not be given; it is
 * made non-blocking and close-on-exec and stored in *fd.  Variables for
 * another process, LISTEN_FDS=0, or no socket to serve (-i) leave *fd at
 * -1.  The variables are removed from the environment in every case.  ds
 * is set up so that daemon_unlink_socket() leaves the file alone.
 * Returns 0, or E_SYS after logging why the passed socket cannot be
 * used.
 */
int daemon_activation(const struct dived_opts *o, struct daemon_sock *ds,
    int *fd);

/*
 * daemon_accept: the next connection on the non-blocking listening socket
 * lfd, itself non-blocking and close-on-exec.  When no descriptor is left
 * (EMFILE, ENFILE), *spare, a descriptor held for this, is closed to take
 * the connection anyway, so that it can be refused with an answer rather
 * than left waiting (*starved is then set).  Returns the descriptor, or
 * E_SYS with errno: EAGAIN when no connection waits; EMFILE or ENFILE when
 * none could be taken even so.
 */
int daemon_accept(int lfd, int *spare, bool *starved);

/*
 * daemon_spare: (re)open the spare descriptor of daemon_accept(), at the
 * lowest free number, so that it is below any limit the others reach.
 * Returns 0, or E_SYS (and *spare is -1) if it cannot be opened now.
 */
int daemon_spare(int *spare);

/* daemon_unlink_socket: remove the socket file if it is still ours. */
void daemon_unlink_socket(const struct daemon_sock *ds);

/* Where daemon_detach_start() returns. */
struct daemon_detach {
	bool parent;		/* in the parent, which should now exit */
	bool ready;		/* parent: the child called detach_done */
	int fd;			/* child: for daemon_detach_done() */
};

/*
 * daemon_detach_start: fork.  The child leads a new session and finds in
 * d->fd the descriptor to pass to daemon_detach_done().  The parent
 * returns once the child has called it (d->ready) or has died first
 * (!d->ready); it has nothing more to do but exit.  Returns 0, or E_SYS
 * with the failed step in e (in the only process, or in the child).
 */
int daemon_detach_start(struct daemon_detach *d, struct err_step *e)
    __attribute__((warn_unused_result));

/*
 * daemon_detach_done: stdio to /dev/null, log to syslog, release the
 * parent through fd (closed).  Returns 0, or E_SYS with the step in e.
 */
int daemon_detach_done(int fd, struct err_step *e)
    __attribute__((warn_unused_result));

/*
 * daemon_write_pidfiles: our pid into every --pidfile.  Returns 0, or
 * E_SYS with e naming the step and the pidfile (e->obj, the caller's
 * string) at the first that cannot be written.
 */
int daemon_write_pidfiles(const struct dived_opts *o, struct err_step *e)
    __attribute__((warn_unused_result));

/* daemon_remove_pidfiles: remove those that are regular files. */
void daemon_remove_pidfiles(const struct dived_opts *o);

#endif
