/* SPDX-License-Identifier: MIT */
/* Process: dive, the client (as the caller). */
/*
 * dive, the client: shared state of its steps.
 */
#ifndef DIVE_CLIENT_H
#define DIVE_CLIENT_H

#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <termios.h>

#include "msg.h"

/*
 * Exit statuses of dive itself (dive(1), EXIT STATUS: those of dive 1.9).
 * Otherwise dive exits with the program's status, or dies by its signal
 * (DIVE_EXIT_SIGNAL + the signal number if it cannot).
 */
enum dive_exit {
	DIVE_EXIT_OK = 0,	/* --help, --version; started (waitmode 1) */
	DIVE_EXIT_SOCKET = 1,	/* socket or local context failed */
	DIVE_EXIT_CONNECT = 2,	/* cannot connect, or wrong server uid */
	DIVE_EXIT_VERSION = 3,	/* not a compatible dived */
	DIVE_EXIT_USAGE = 4,	/* bad command line or DIVE_* variable */
	DIVE_EXIT_NOEXEC = 126,	/* found but not executable, or denied */
	DIVE_EXIT_DROPPED = 127, /* dropped, refused or not found */
	DIVE_EXIT_SIGNAL = 128,	/* + the signal that killed the program */
};

/* One direction of the pty relay. */
struct relaybuf {
	char d[4096];
	size_t len, off;
};

/*
 * Pty mode (dive(1), TERMINALS): the program gets a new pseudo-terminal
 * in place of each of the caller's descriptors that is a terminal, and
 * dive relays between the caller's terminal and the master.
 */
struct ptystate {
	bool on;		/* this request asks for a pty */
	uint32_t fdnum[MSG_MAX_FDS];	/* numbers that get it, ascending */
	size_t nfd;
	int master;		/* from MSG_PTY, -1 before */
	int infd;		/* relayed to the master, or -1 */
	int outfd;		/* the master's output goes here, or -1 */
	int ttyfd;		/* the caller's terminal (raw mode), or -1 */
	int sizefd;		/* where the window size comes from, or -1 */
	bool raw;		/* ttyfd is in raw mode; saved holds its modes */
	struct termios saved;
	bool in_eof, master_eof;
	char last_in;		/* the last byte relayed in */
	struct relaybuf in, out;
};

struct client {
	const char *sockpath;
	const char *user;	/* -u USER: run as USER (a server policy) */
	char **args;		/* PROGRAM ARGS... (may be empty) */
	int nargs;
	int waitmode;		/* DIVE_WAITMODE: 0 status, 1 none, 2 fd */
	int sigfwmode;		/* DIVE_SIGFWMODE: 0 none, 1 pid, 2 group */
	const char *curdir;	/* DIVE_CURDIR or "." */
	const char *rootdir;	/* DIVE_ROOTDIR or NULL */
	const char *terminal;	/* DIVE_TERMINAL or NULL for the default */
	int ptymode;		/* -t/-T or DIVE_PTY: 1, 0, or -1 default */
	long long server_uid;	/* DIVE_SERVERUID or -1 */
	int *fds;		/* the caller's descriptors, ascending */
	size_t nfds;
	int sock;
	struct msg_hello hello;
	int waitfd;		/* read end of the wait pipe, or -1 */
	pid_t pid;		/* the started program, 0 before MSG_STARTED */
	bool same_pidns;	/* pid usable for kill(2) from here */
	sigset_t fwset;		/* signals dive forwards */
	struct ptystate pty;
};

/* Print "dive: <message>" on stderr and exit with status. */
void die(enum dive_exit status, const char *fmt, ...)
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

/* end_like: exit as the program ended (its status, or its signal). */
void end_like(struct client *c, const struct msg_exit *ex)
    __attribute__((noreturn));

/* pty.c: pty mode. */

/* pty_decide: pty mode or not, from the variables and MSG_HELLO. */
void pty_decide(struct client *c);

/* pty_replaced: whether descriptor fd gets the pty (not sent). */
bool pty_replaced(const struct client *c, int fd);

/* pty_fill: the REQ_F_PTY part of the request. */
void pty_fill(const struct client *c, struct req_exec *r);

/* pty_signals: the signals pty mode handles itself (always caught). */
void pty_signals(sigset_t *set);

/* pty_start: MSG_PTY arrived: raw mode, window size, relay. */
void pty_start(struct client *c, int master);

/* pty_restore: the caller's terminal as it was (idempotent). */
void pty_restore(struct client *c);

/*
 * pty_signal: handle sig if pty mode takes care of it; returns false
 * for signals to forward.  Ends dive for SIGTERM, SIGHUP, SIGINT and
 * SIGQUIT (the program sees its terminal hang up).
 */
bool pty_signal(struct client *c, int sig);

/* pty_poll: the relay's pollfds (n slots); pty_events: act on them. */
#define PTY_NPOLL 3
void pty_poll(const struct client *c, struct pollfd *p);
void pty_events(struct client *c, const struct pollfd *p);

/* pty_drain: relay what the master holds now, before dive ends. */
void pty_drain(struct client *c);

#endif
