/* SPDX-License-Identifier: MIT */
/* Process: the monitor, dived's long-lived root process. */
/*
 * What the kernel says about the process at the other end of a
 * connected AF_UNIX socket, beyond SO_PEERCRED: its groups, and its
 * executable and current directory read from /proc without a pid race.
 */
#ifndef DIVE_PEER_H
#define DIVE_PEER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "buf.h"

/*
 * peer_groups: the peer's supplementary groups at connect(2) time
 * (SO_PEERGROUPS).  *groups is allocated (the caller frees it; it may
 * be non-NULL with *n == 0).  Returns 0, E_SYS (errno) or E_NOMEM.
 */
int peer_groups(int sock, gid_t **groups, size_t *n) WUR;

/* The peer's /proc links, or why they are not known. */
struct peer_proc {
	char *exe;		/* allocated, or NULL ... */
	const char *exe_error;	/* ... and this says why (static text) */
	char *cwd;
	const char *cwd_error;
};

/*
 * peer_proc: readlink of /proc/PID/exe and /proc/PID/cwd for the peer of
 * sock, whose SO_PEERCRED pid is pid.  The pid is trusted only while a
 * pidfd of the peer (SO_PEERPIDFD, Linux 6.5) shows the process alive
 * after /proc/PID was opened, so a reused pid cannot stand in for it;
 * without a pidfd nothing is read.  Release with peer_proc_free.
 */
void peer_proc(int sock, pid_t pid, struct peer_proc *p);

void peer_proc_free(struct peer_proc *p);

/* Who the connecting process is, beyond its uid, as the kernel says. */
struct peer_kernel {
	uid_t owner;		/* owns its user namespace chain in dived's
				 * own user namespace; its uid in dived's */
	uint32_t ctty;		/* its controlling terminal (the device
				 * number as TIOCGDEV gives it), 0: none */
};

/*
 * peer_identify: the owner of the user namespace the peer of sock runs
 * in (walked up to dived's own, NS_GET_PARENT, NS_GET_OWNER_UID) and its
 * controlling terminal, for the process whose SO_PEERCRED is cr.  All is
 * read through a pidfd of the connecting process (SO_PEERPIDFD, Linux
 * 6.5; before that pidfd_open of the pid, trusted only while that
 * process has the client's uid), which must show it alive after every
 * read, so a reused pid cannot stand in for it.  Returns 0, or
 * E_UNAVAILABLE (E_RESOURCES when out of descriptors or memory) with
 * *why saying why (static text): the caller refuses the connection.
 */
int peer_identify(int sock, const struct ucred *cr, struct peer_kernel *k,
    const char **why) WUR;

/*
 * peer_ctty_now: the controlling terminal of the client's process (cr's
 * pid, while it runs as cr's uid) as it is now, 0 if none or unknown.
 * A terminal is the client's while its session has it: the number read
 * at accept may since name another session's terminal (the client hung
 * its own pty up, and the number went to the next pty opened).
 */
uint32_t peer_ctty_now(const struct ucred *cr) WUR;

#endif
