/* SPDX-License-Identifier: MIT */
/* Process: several: shared by the programs that link it (Makefile). */
/*
 * Error codes returned by the common library: 0 or a negative E_* value.
 * The absolute values also travel in MSG_ERROR answers, so a value, once
 * given, is never reused for another meaning.
 *
 * Two tiers of error handling:
 * - Library code (src/common and the pure modules: policy, conf, audit,
 *   env ...) never exits.  It returns 0 or an E_* value (E_SYS: see
 *   errno), or, where the caller must say which step failed, E_SYS with a
 *   struct err_step.  err_str() describes a code.
 * - Program code (each program's main.c, start-up, dispatchers) decides:
 *   it ends a session, or dies through fatal() (log.h), which logs one
 *   line and exits with FATAL_EXIT.  Every status a program exits with is
 *   named in its own header (enum dive_exit, dived_exit, listener_exit,
 *   spawn_exit) and listed in its man page.
 */
#ifndef DIVE_ERRORS_H
#define DIVE_ERRORS_H

enum dive_err {
	E_OK = 0,
	E_SYS = -1,		/* a system call failed; see errno */
	E_NOMEM = -2,		/* out of memory */
	E_AGAIN = -3,		/* would block; call again when ready */
	E_EOF = -4,		/* peer closed at a message boundary */
	E_TRUNCATED = -5,	/* peer closed inside a message */
	E_BAD_MAGIC = -6,	/* peer does not speak the dive protocol */
	E_VERSION = -7,		/* peer speaks another protocol version */
	E_TOO_LONG = -8,	/* message or buffer above its limit */
	E_TOO_MANY_FDS = -9,	/* more descriptors than allowed */
	E_CTRUNC = -10,		/* control data truncated (MSG_CTRUNC) */
	E_FD_COUNT = -11,	/* descriptors differ from the header count */
	E_BAD_CMSG = -12,	/* unexpected control message */
	E_SHORT = -13,		/* payload ends inside a field */
	E_TRAILING = -14,	/* bytes left after the last field */
	E_BAD_STRING = -15,	/* string without NUL, embedded NUL, too long */
	E_BAD_ENV = -16,	/* environment entry without a name and '=' */
	E_TOO_MANY_ARGS = -17,	/* argument count above the limit */
	E_TOO_MANY_ENV = -18,	/* environment count above the limit */
	E_BAD_FDNUM = -19,	/* fd number out of range or not ascending */
	E_BAD_TYPE = -20,	/* message type not expected here */
	E_BAD_VALUE = -21,	/* field value out of range */
	E_TIMEOUT = -22,	/* request not complete in time */
	E_BAD_FD_KIND = -23,	/* descriptor of the wrong kind for its role */
	E_NOT_ALLOWED = -24,	/* the server does not accept this item */
	E_LIMIT_CONN = -25,	/* too many connections */
	E_LIMIT_UID = -26,	/* too many connections from this user */
	E_BAD_SIGNAL = -27,	/* signal number out of range */
	E_UNAVAILABLE = -28,	/* server shutting down or internal failure */
	E_NUM_INVALID = -29,	/* not a number */
	E_NUM_RANGE = -30,	/* number out of range */
	E_NO_PROGRAM = -31,	/* no program to run */
	E_REQUEST_BYTES = -32,	/* request larger than the server accepts */
	E_NO_POLICY = -33,	/* choosing the user needs a server policy */
	E_BAD_USER = -34,	/* malformed user name */
	E_CONF = -35,		/* configuration error (details elsewhere) */
	E_PTY_REQUIRED = -37,	/* the server needs REQ_F_PTY (dived --pty) */
	E_PTY_REFUSED = -38,	/* the server offers no pseudo-terminal */
	E_BAD_WINSIZE = -39,	/* terminal size out of range */
	E_RESOURCES = -41,	/* server out of descriptors or processes */
};

#define E_MAX_CODE 41

/*
 * What failed, for a function whose caller must name the step in its
 * message: a static text, the object it concerned (a path, or NULL), and
 * the errno value.  Such a function returns E_SYS and fills one.
 */
struct err_step {
	const char *step;
	const char *obj;
	int err;
};

/*
 * err_str: describe an E_* code.
 * r: 0 or a negative E_* value (other values give a generic text).
 * Returns a static string; the caller does not free it.
 */
const char *err_str(int r);

#endif
