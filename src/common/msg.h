/* SPDX-License-Identifier: MIT */
/* Process: several: shared by the programs that link it (Makefile). */
/*
 * The wire format: message types, limits, payload structures and their
 * encoders and decoders.  This is the only file that knows the layout of a
 * payload; nothing outside msg.c reads raw payload bytes.
 *
 * Frame: u32 magic|version, u16 type, u16 nfds, u32 len (big-endian), then
 * len payload bytes.  The nfds descriptors travel as SCM_RIGHTS with the
 * first byte of the frame.  See dive-protocol(7).
 */
#ifndef DIVE_MSG_H
#define DIVE_MSG_H

#include <stdint.h>
#include <sys/types.h>

#include "buf.h"

#define MSG_MAGIC_BASE	0x44560000u	/* "DV" */
#define MSG_VERSION	1u
#define MSG_MAGIC	(MSG_MAGIC_BASE | MSG_VERSION)
#define MSG_HDR_LEN	12

/* Limits, checked before anything is allocated. */
#define MSG_MAX_LEN	(4u << 20)	/* payload of an exec request */
#define MSG_MAX_SMALL	64u		/* payload of every other message */
#define MSG_MAX_ARGS	65536u		/* argv entries */
#define MSG_MAX_ENV	65536u		/* environment entries */
#define MSG_MAX_STR	131072u		/* one string, with its NUL */
#define MSG_MAX_FDS	253u		/* descriptors per message (SCM_MAX_FD) */
#define MSG_MAX_FDNUM	1048575u	/* highest descriptor number (nr_open) */
#define MSG_MAX_WINSIZE	10000u		/* rows or columns of a terminal */
#define MSG_MAX_USER	256u		/* a user name, without its NUL */
#define MSG_MAX_STATUS	8u		/* payload on a status pipe */

/* Message types: requests even, answers odd; a value is never reused. */
enum msg_type {
	/* server (listener) <-> client (dive) */
	MSG_HELLO = 1,		/* S->C banner: flags and limits */
	MSG_REQ_EXEC = 2,	/* C->S the request, with its descriptors */
	MSG_STARTED = 3,	/* S->C the program runs: its pid */
	MSG_REQ_SIGNAL = 4,	/* C->S deliver a signal (dived --signals) */
	MSG_EXITED = 5,		/* S->C the program ended */
	MSG_FAILED = 7,		/* S->C it could not be started */
	MSG_ERROR = 9,		/* S->C the request was refused: E_* code */
	MSG_PTY = 11,		/* S->C the pseudo-terminal's master (1 fd) */
	MSG_REQ_USER = 14,	/* C->S run as this user (HELLO_TARGET_USER) */
	/* listener <-> monitor, over the per-session socketpair */
	MSG_MON_EXEC = 32,	/* L->M the validated request (no fds) */
	MSG_MON_SENDFDS = 33,	/* M->L send the fds over this socket (1 fd) */
	MSG_MON_SIGNAL = 34,	/* L->M a validated signal number */
	MSG_MON_STARTED = 35,	/* M->L */
	MSG_MON_ERROR = 36,	/* L->M the client broke the protocol */
	MSG_MON_FAILED = 37,	/* M->L */
	MSG_MON_EXITED = 39,	/* M->L */
	MSG_MON_USER = 44,	/* L->M the validated MSG_REQ_USER */
	/* listener -> spawner, over the socket from MSG_MON_SENDFDS */
	MSG_SPAWN_FDS = 40,	/* the client's descriptors, no payload */
	MSG_SPAWN_PTY = 41,	/* S->L the pty master (1 fd), no payload */
	/* spawner -> monitor, over the status pipe (and MSG_MON_FAILED) */
	MSG_SPAWN_EXEC = 42,	/* executing now: no payload */
	/* monitor <-> listener master */
	MSG_LM_SESSION = 64,	/* M->LM a new connection (2 fds) */
	MSG_LM_READY = 65,	/* LM->M sandbox is up */
};

struct msg_hdr {
	uint32_t magic;
	uint16_t type;
	uint16_t nfds;
	uint32_t len;
};

/* MSG_HELLO flags: what this server does with a request. */
#define HELLO_NO_WAIT		0x0001u	/* no exit status (-w, -D, -F) */
#define HELLO_SIGNALS		0x0002u	/* accepts MSG_REQ_SIGNAL */
#define HELLO_CLIENT_ROOT	0x0004u	/* uses the client's root (-r) */
#define HELLO_NO_FDS		0x0008u	/* no client fds (-O) */
#define HELLO_NO_CWD		0x0010u	/* no client cwd (-H) */
#define HELLO_NO_ENV		0x0020u	/* no client environment (-E) */
#define HELLO_NO_ARGV		0x0040u	/* no client arguments (-A) */
#define HELLO_NO_CTTY		0x0080u	/* no controlling terminal (-T/-S) */
#define HELLO_FORCED_ARGV	0x0100u	/* a command line is forced (--) */
#define HELLO_NO_SETSID		0x0200u	/* program not a group leader (-S) */
#define HELLO_PTY		0x0400u	/* allocates a pty on request */
#define HELLO_PTY_ONLY		0x0800u	/* every request must ask (--pty) */
#define HELLO_TARGET_USER	0x1000u	/* accepts MSG_REQ_USER (a policy) */
#define HELLO_TTYMODES		0x2000u	/* accepts REQ_F_TTYMODES */
#define HELLO_ALL_FLAGS		0x3fffu

struct msg_hello {
	uint32_t flags;
	uint32_t max_fds;	/* descriptors per request */
	uint32_t max_bytes;	/* payload bytes per request */
	uint64_t pidns_dev;	/* the server's pid namespace, 0 if unknown */
	uint64_t pidns_ino;
};

/* Special descriptors of a request, sent first, in this order. */
#define REQ_SPECIAL_CWD		0x1u
#define REQ_SPECIAL_ROOT	0x2u
#define REQ_SPECIAL_TTY		0x4u
#define REQ_SPECIAL_ALL		0x7u

/* Request flags (first field of MSG_REQ_EXEC and MSG_MON_EXEC). */
#define REQ_F_PTY		0x2u	/* a pseudo-terminal: struct req_pty */
#define REQ_F_TTYMODES		0x4u	/* with REQ_F_PTY: its initial modes */
#define REQ_F_ALL		0x6u

/* A terminal's size, as in struct winsize; rows and cols bounded. */
struct msg_winsize {
	uint16_t rows, cols;
	uint16_t xpixel, ypixel;
};

/*
 * REQ_F_TTYMODES: the caller's terminal modes, as in Linux's struct
 * termios (the flag words and the control characters), for the new
 * pseudo-terminal: erase and interrupt characters, IUTF8, flow control.
 * Any value is accepted: the terminal is the program's own, which could
 * set the same modes itself; the kernel ignores what a pty cannot do.
 */
#define MSG_TTY_NCC	32u		/* control characters, as glibc's NCCS */
struct msg_ttymodes {
	uint32_t iflag, oflag, cflag, lflag;
	uint8_t cc[MSG_TTY_NCC];
};

/*
 * REQ_F_PTY: the program gets a new pseudo-terminal as its controlling
 * terminal, of this initial size, at these descriptor numbers (ascending,
 * none of them in the descriptor map; nothing travels for them), with
 * these modes if REQ_F_TTYMODES is set (else the kernel's defaults).  The
 * client never sends its own terminal with it (REQ_SPECIAL_TTY).
 */
struct req_pty {
	struct msg_winsize ws;
	uint32_t nfd;
	uint32_t fdnum[MSG_MAX_FDS];
	struct msg_ttymodes modes;
};

/*
 * A decoded exec request (MSG_REQ_EXEC or MSG_MON_EXEC).  The strings
 * point into the decoded payload, which must outlive this structure; the
 * argv and envp arrays are owned (req_exec_free).
 */
struct req_exec {
	uint32_t flags;			/* REQ_F_* */
	struct req_pty pty;		/* with REQ_F_PTY, else zero */
	uint32_t umask;
	uint32_t specials;		/* REQ_SPECIAL_* present */
	uint32_t nfdmap;		/* mapped descriptors */
	uint32_t fdnum[MSG_MAX_FDS];	/* their numbers, ascending */
	uint32_t argc;
	uint32_t envc;
	const char **argv;		/* argc entries and NULL */
	const char **envp;		/* envc entries and NULL */
};

/* How a program ended (MSG_EXITED). */
enum exit_how {
	EXIT_HOW_EXITED = 1,	/* value: exit status */
	EXIT_HOW_KILLED = 2,	/* value: signal */
	EXIT_HOW_DUMPED = 3,	/* value: signal, core dumped */
};

struct msg_exit {
	uint32_t how;
	uint32_t value;
};

/* The step of starting a program that failed (MSG_FAILED). */
enum spawn_step {
	STEP_DENIED = 1,	/* refused before anything was done */
	STEP_FORK = 2,
	STEP_RECV_FDS = 3,
	STEP_IDENTITY = 4,
	STEP_NAMESPACES = 5,
	STEP_ROOT = 6,
	STEP_CHDIR = 7,
	STEP_RLIMITS = 8,
	STEP_SESSION = 9,
	STEP_TERMINAL = 10,
	STEP_GROUPS = 11,
	STEP_SETGID = 12,
	STEP_SETUID = 13,
	STEP_CAPS = 14,
	STEP_SECUREBITS = 15,
	STEP_NO_NEW_PRIVS = 16,
	STEP_FDS = 17,
	STEP_ENV = 18,
	STEP_EXEC = 19,
	STEP_NO_PROGRAM = 20,
	STEP_AUTH = 21,
	STEP_WRITE_CONTENT = 22,
	STEP_POLICY = 23,	/* err: a DENY_* reason, not an errno */
	STEP_AUDIT = 24,	/* the audit record could not be written */
	STEP_PTY = 25,		/* allocate the pseudo-terminal */
	STEP_SETUP_DIED = 27,	/* the spawner ended before executing */
	STEP_OUTSIDE_DIR = 29,	/* err: the descriptor's number + 1, or 0 */
	STEP_NO_CLIENT_ROOT = 30,
	STEP_NS_GONE = 33,	/* err: the -N's place + 1, + ..._REPLACED */
	STEP_OUTSIDE_FD = 34,	/* err: kind * 512 + number + 1 (0 if > 510) */
	STEP_MAX = 34,
};
/*
 * STEP_OUTSIDE_FD: what kind of descriptor, after a change of root, could
 * bring the program what lies outside it (enum fd_kind, in its err).
 */
enum fd_kind {
	FDK_PLAIN = 0,		/* none of these (a directory is checked) */
	FDK_UNIX = 1,		/* an AF_UNIX socket: SCM_RIGHTS */
	FDK_PIDFD = 2,		/* pidfd_getfd(2), setns(2) */
	FDK_NS = 3,		/* a namespace: setns(2) */
	FDK_IO_URING = 4,	/* registered files, IORING_OP_MSG_RING */
	FDK_FANOTIFY = 5,	/* events come with open descriptors */
	FDK_OTHER = 6,		/* unknown: refused too */
	FDK_MAX = 6,
};
#define STEP_OUTSIDE_FD_KIND	512
/* STEP_NS_GONE: its path names another namespace (else: process ended) */
#define STEP_NS_GONE_REPLACED	0x100

struct msg_failed {
	uint32_t step;
	int32_t err;		/* errno value, 0 if none (STEP_OUTSIDE_DIR:
				 * the descriptor number + 1, if below 4095) */
};

/* Why a policy denied a request (MSG_FAILED with STEP_POLICY). */
enum deny_reason {
	DENY_NO_RULE = 1,	/* no rule matches: the default */
	DENY_RULE = 2,		/* a deny rule matches last */
	DENY_PATH = 3,		/* program named by a relative path */
	DENY_NO_USER = 4,	/* the requested user does not exist */
	DENY_MAX = 4,
};

/* MSG_LM_SESSION payload: who is on the other end of the descriptors. */
struct msg_session {
	uint64_t id;
	uint32_t uid;
	uint32_t gid;
	int32_t pid;
};

/*
 * msg_hdr_pack: write a frame header into out (MSG_HDR_LEN bytes).
 */
void msg_hdr_pack(uint8_t *out, uint16_t type, uint16_t nfds, uint32_t len);

/*
 * msg_hdr_unpack: read a frame header.  Returns 0, E_BAD_MAGIC for
 * another protocol, or E_VERSION for another version of this one.
 */
int msg_hdr_unpack(const uint8_t *in, struct msg_hdr *h) WUR;

/* Fixed-layout messages.  Decoders reject short and trailing bytes. */
int msg_encode_hello(struct buf *b, const struct msg_hello *m) WUR;
int msg_decode_hello(struct buf *b, struct msg_hello *m) WUR;
/*
 * One payload structure, encoder and decoder per message; the decoders
 * check each type's own limits.
 */
struct msg_started {		/* MSG_STARTED, MSG_MON_STARTED: i32 */
	int32_t pid;		/* >= 1 */
};
struct msg_signal {		/* MSG_REQ_SIGNAL, MSG_MON_SIGNAL: i32 */
	int32_t sig;		/* 1 to MSG_SIG_MAX, else E_BAD_SIGNAL */
};
struct msg_error {		/* MSG_ERROR, MSG_MON_ERROR: u32 */
	uint32_t code;		/* -E_*: any for MSG_ERROR (a newer server
				 * may have more), 1 to E_MAX_CODE for
				 * MSG_MON_ERROR */
};
struct msg_ready {		/* MSG_LM_READY: u32 */
	uint32_t build;		/* DIVE_BUILD_ID of the listener */
};
int msg_encode_started(struct buf *b, const struct msg_started *m) WUR;
int msg_decode_started(struct buf *b, struct msg_started *m) WUR;
int msg_encode_signal(struct buf *b, const struct msg_signal *m) WUR;
int msg_decode_signal(struct buf *b, struct msg_signal *m) WUR;
int msg_encode_error(struct buf *b, const struct msg_error *m) WUR;
int msg_decode_error(struct buf *b, struct msg_error *m) WUR;
int msg_decode_mon_error(struct buf *b, struct msg_error *m) WUR;
int msg_encode_ready(struct buf *b, const struct msg_ready *m) WUR;
int msg_decode_ready(struct buf *b, struct msg_ready *m) WUR;
int msg_encode_exit(struct buf *b, const struct msg_exit *m) WUR;
int msg_decode_exit(struct buf *b, struct msg_exit *m) WUR;
int msg_encode_failed(struct buf *b, const struct msg_failed *m) WUR;
int msg_decode_failed(struct buf *b, struct msg_failed *m) WUR;
int msg_encode_session(struct buf *b, const struct msg_session *m) WUR;
int msg_decode_session(struct buf *b, struct msg_session *m) WUR;
int msg_encode_spawn_exec(struct buf *b) WUR;		/* empty */
int msg_decode_spawn_exec(struct buf *b) WUR;

/*
 * msg_encode_req_exec: the client's MSG_REQ_EXEC payload.  The caller
 * sends popcount(specials) + nfdmap descriptors with it.
 */
int msg_encode_req_exec(struct buf *b, const struct req_exec *r) WUR;

/*
 * msg_decode_req_exec: decode and validate a MSG_REQ_EXEC payload that
 * arrived with nfds descriptors.  On success the caller owns r's arrays
 * (req_exec_free) and the strings point into b.
 */
int msg_decode_req_exec(struct buf *b, uint16_t nfds, struct req_exec *r) WUR;

/* msg_encode_mon_exec / msg_decode_mon_exec: the same for MSG_MON_EXEC. */
int msg_encode_mon_exec(struct buf *b, const struct req_exec *r) WUR;
int msg_decode_mon_exec(struct buf *b, struct req_exec *r) WUR;

/*
 * msg_check_user: whether s is acceptable as a user name in MSG_REQ_USER:
 * 1 to MSG_MAX_USER bytes of letters, digits and "._@$-", not starting
 * with '-'.  Returns 0 or E_BAD_USER.
 */
int msg_check_user(const char *s) WUR;

/*
 * msg_encode_user / msg_decode_user: MSG_REQ_USER and MSG_MON_USER, one
 * string checked by msg_check_user.  *name points into b.
 */
int msg_encode_user(struct buf *b, const char *name) WUR;
int msg_decode_user(struct buf *b, const char **name) WUR;

/* req_exec_free: release the arrays of a decoded request. */
void req_exec_free(struct req_exec *r);

/* req_exec_nfds: descriptors that travel with a request. */
unsigned int req_exec_nfds(const struct req_exec *r);

/* spawn_step_str: what a step does, for "cannot <step>" messages. */
const char *spawn_step_str(uint32_t step);

/* deny_reason_str: a DENY_* reason as text (static). */
const char *deny_reason_str(uint32_t reason);

/*
 * spawn_err_str: the reason of a failed step, for "cannot <step>:
 * <reason>": strerror(f->err), the DENY_* reason's text for STEP_POLICY
 * or the descriptor of STEP_OUTSIDE_DIR, formatted into buf (len bytes).
 * Returns "" if there is none to give.
 */
const char *spawn_err_str(const struct msg_failed *f, char *buf, size_t len);

/*
 * The receiving side: every receiver has one table per channel it reads,
 * which names each message it takes: in which of its states, with exactly
 * how many descriptors, how long at most, whether once only, and the
 * handler.  The tables are printed in dive-protocol(7).
 */
#define MSG_NFDS_ANY	0xffffu	/* as the payload says (MSG_REQ_EXEC) */
#define MSG_F_ONCE	0x1u	/* at most once per session */
#define MSG_ST(x)	(1u << (x))
#define MSG_TABLE_MAX	32u	/* entries per table (the seen mask) */

/* A handler: the receiver's two arguments given to msg_dispatch(). */
typedef void msg_handler_fn(void *ctx, void *arg);

struct msg_entry {
	uint16_t type;
	uint16_t nfds;		/* exact count, or MSG_NFDS_ANY */
	uint32_t states;	/* MSG_ST() of each state it may come in */
	uint32_t max_len;	/* payload bytes at most */
	uint32_t flags;		/* MSG_F_ONCE */
	msg_handler_fn *fn;
};

struct msg_table {
	const char *from;	/* the sender, as the log names it */
	const char *to;		/* the receiver */
	const struct msg_entry *e;
	size_t n;		/* at most MSG_TABLE_MAX */
};

/* A receiver's session as msg_dispatch() sees it. */
struct msg_rx {
	unsigned int state;	/* below 32 */
	uint32_t seen;		/* bit i: entry i (MSG_F_ONCE) arrived */
	const char *why;	/* after a refusal: which check failed */
};

/*
 * msg_dispatch: look the frame's type up in t, check it against the
 * entry (state, descriptor count, length, once), then call the entry's
 * handler with ctx and arg.  The handler owns the frame's descriptors.
 * Returns 0 once the handler returned, or, the descriptors closed (set to
 * -1) and rx->why saying which check failed: E_BAD_TYPE (not in t, not
 * in this state, or repeated), E_FD_COUNT or E_TOO_LONG.  A refusal is a
 * protocol violation: the caller logs it once and ends the session.
 */
int msg_dispatch(const struct msg_table *t, struct msg_rx *rx,
    const struct msg_hdr *h, int *fds, size_t nfds, void *ctx, void *arg)
    WUR;

/* Handler wrappers: MSG_HANDLER(f) in a receiver, MSG_NO_HANDLER(f) to
 * print its table (tests/helpers/protodump.c). */
#define MSG_HANDLER(f)		f
#define MSG_NO_HANDLER(f)	NULL

/* Valid signal numbers for MSG_REQ_SIGNAL: 1 to MSG_SIG_MAX. */
#define MSG_SIG_MAX 64

#endif
