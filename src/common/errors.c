/* SPDX-License-Identifier: MIT */
/* Process: several: shared by the programs that link it (Makefile). */
/*
 * Runs in: every process.  Trusts: nothing.  Pure table lookup.
 */
#include <stddef.h>

#include "errors.h"

static const char *const err_text[E_MAX_CODE + 1] = {
	[0] = "success",
	[1] = "system call failed",
	[2] = "out of memory",
	[3] = "operation would block",
	[4] = "connection closed",
	[5] = "connection closed in the middle of a message",
	[6] = "peer does not speak the dive protocol",
	[7] = "incompatible protocol version",
	[8] = "message too long",
	[9] = "too many file descriptors",
	[10] = "control data truncated (MSG_CTRUNC)",
	[11] = "file descriptor count does not match the header",
	[12] = "unexpected control message",
	[13] = "message ends inside a field",
	[14] = "trailing bytes after the message",
	[15] = "malformed string (missing or embedded NUL, or too long)",
	[16] = "environment entry without NAME=",
	[17] = "too many arguments",
	[18] = "too many environment variables",
	[19] = "file descriptor number out of range or repeated",
	[20] = "unexpected message type",
	[21] = "field value out of range",
	[22] = "request not completed in time",
	[23] = "file descriptor of the wrong kind for its role",
	[24] = "item not accepted by this server",
	[25] = "too many connections",
	[26] = "too many connections from this user",
	[27] = "invalid signal number",
	[28] = "server unavailable",
	[29] = "not a number",
	[30] = "number out of range",
	[31] = "no program to run",
	[32] = "request larger than the server accepts",
	[33] = "the server has no policy that lets a client choose the user",
	[34] = "malformed user name",
	[35] = "configuration error",
	[37] = "the server requires a pseudo-terminal (dived --pty)",
	[38] = "the server offers no pseudo-terminal",
	[39] = "terminal size out of range",
	[41] = "server out of resources (descriptors or processes)",
};

const char *
err_str(int r)
{
	if (r > 0 || r < -E_MAX_CODE || err_text[-r] == NULL)
		return "unknown error";
	return err_text[-r];
}
