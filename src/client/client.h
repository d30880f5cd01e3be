/* SPDX-License-Identifier: MIT */
/*
 * dive, the client: shared state of its steps.
 */
#ifndef DIVE_CLIENT_H
#define DIVE_CLIENT_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "msg.h"

/* Exit statuses of dive itself (dive(1), EXIT STATUS). */
#define DIVE_EXIT_SOCKET	1	/* socket or local context failed */
#define DIVE_EXIT_CONNECT	2	/* cannot connect, or wrong server uid */
#define DIVE_EXIT_VERSION	3	/* not a compatible dived */
#define DIVE_EXIT_USAGE		4
#define DIVE_EXIT_NOEXEC	126	/* found but could not be executed */
#define DIVE_EXIT_DROPPED	127	/* dropped, refused or not found */

struct client {
	const char *sockpath;
	char **args;		/* PROGRAM ARGS... (may be empty) */
	int nargs;
	int waitmode;		/* DIVE_WAITMODE: 0 status, 1 none, 2 fd */
	int sigfwmode;		/* DIVE_SIGFWMODE: 0 none, 1 pid, 2 group */
	const char *curdir;	/* DIVE_CURDIR or "." */
	const char *rootdir;	/* DIVE_ROOTDIR or NULL */
	const char *terminal;	/* DIVE_TERMINAL or NULL for the default */
	long long server_uid;	/* DIVE_SERVERUID or -1 */
	int *fds;		/* the caller's descriptors, ascending */
	size_t nfds;
	int sock;
	struct msg_hello hello;
	int waitfd;		/* read end of the wait pipe, or -1 */
	pid_t pid;		/* the started program, 0 before MSG_STARTED */
	bool same_pidns;	/* pid usable for kill(2) from here */
	sigset_t fwset;		/* signals dive forwards */
};

/* Print "dive: <message>" on stderr and exit with status. */
void die(int status, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));

/* Print "dive: <message>" on stderr. */
void warnx_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* request.c: gather the caller's context and send the request. */
void collect_fds(struct client *c);
void send_request(struct client *c);

/*
 * wait.c: hold the signals dive forwards (from just before the request
 * goes out, so none is lost while the program starts), wait for the
 * program and end like it.
 */
void hold_signals(struct client *c);
void wait_program(struct client *c) __attribute__((noreturn));

#endif
