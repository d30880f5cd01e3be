/* SPDX-License-Identifier: MIT */
/*
 * Test-only forging hooks of dived-listener (see forge.h): each operation
 * changes a request the listener has already checked, or sends the
 * monitor a message out of turn, in one of the ways a compromised
 * listener could, one per check the monitor makes again.  Only built
 * into bin/tests/dived-listener-hooks.
 * Runs as: the listener user, sandboxed (the operations); root before
 * the sandbox (hook_forge_start).  Trusts: the test that chose the
 * operation.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errors.h"
#include "fdpass.h"
#include "forge.h"

static char forge_op[32];	/* the operation, or "" */

void
hook_forge_start(void)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd;

	if ((n = readlink("/proc/self/exe", path, sizeof(path) - 7)) <= 0)
		return;
	memcpy(path + n, ".forge", 7);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return;
	n = read(fd, forge_op, sizeof(forge_op) - 1);
	(void)close(fd);
	forge_op[n > 0 ? n : 0] = '\0';
	forge_op[strcspn(forge_op, "\n")] = '\0';
}

static int
is_op(const char *name)
{
	return strcmp(forge_op, name) == 0;
}

/* An answer the monitor must refuse: the listener ends if it cannot. */
static void
send_user(int mfd, const char *name)
{
	struct buf b;

	buf_init(&b, MSG_MAX_SMALL + MSG_MAX_USER + 8);
	if (msg_encode_user(&b, name) != 0 ||
	    fdpass_send(mfd, MSG_MON_USER, &b, NULL, 0) != 0)
		_exit(1);
	buf_free(&b);
}

static void
send_i32(int mfd, uint16_t type, int32_t v)
{
	struct buf b;

	buf_init(&b, MSG_MAX_SMALL);
	/* Raw: a forged value may be out of its type's range. */
	if (buf_put_i32(&b, v) != 0 || fdpass_send(mfd, type, &b, NULL,
	    0) != 0)
		_exit(1);
	buf_free(&b);
}

/*
 * A frame of type with the payload b and, if fd >= 0, that one
 * descriptor: the monitor takes none from a listener.
 */
static void
send_frame(int mfd, uint16_t type, const struct buf *b, int fd)
{
	if (fdpass_send(mfd, type, b, fd >= 0 ? &fd : NULL, fd >= 0) != 0)
		_exit(1);
}

/* The request r, sent ahead of the listener's own, with a descriptor. */
static void
send_exec_fd(int mfd, const struct req_exec *r)
{
	struct buf b;

	buf_init(&b, MSG_MAX_LEN + 4096u);
	if (msg_encode_mon_exec(&b, r) != 0)
		_exit(1);
	send_frame(mfd, MSG_MON_EXEC, &b, mfd);
	buf_free(&b);
}

/* The spawner's frame (status pipe only) on the listener's channel. */
static void
send_spawn_exec(int mfd)
{
	struct buf b;

	buf_init(&b, MSG_MAX_SMALL);
	if (msg_encode_spawn_exec(&b) != 0)
		_exit(1);
	send_frame(mfd, MSG_SPAWN_EXEC, &b, -1);
	buf_free(&b);
}

/*
 * The first mapped descriptor becomes the directory or terminal of
 * role: the descriptors are the specials (cwd, root, tty, in that order)
 * and then the mapped ones, so it moves to its role's place.
 */
static void
mapped_to_special(struct req_exec *r, int *fds, uint32_t role)
{
	size_t first = (size_t)__builtin_popcount(r->specials);
	size_t pos = (size_t)__builtin_popcount(r->specials & (role - 1));
	int fd;

	if (r->nfdmap == 0 || (r->specials & role) != 0)
		return;
	fd = fds[first];
	memmove(fds + pos + 1, fds + pos, (first - pos) * sizeof(*fds));
	fds[pos] = fd;
	memmove(r->fdnum, r->fdnum + 1, (r->nfdmap - 1) * sizeof(*r->fdnum));
	r->nfdmap--;
	r->specials |= role;
}

/*
 * More mapped descriptors, copies of the client's first one (sent as
 * often as listed; closing the copies again only fails), until there
 * are want in all.
 */
static void
add_mapped(struct req_exec *r, int *fds, size_t *nfds, size_t want)
{
	uint32_t num = r->nfdmap > 0 ? r->fdnum[r->nfdmap - 1] + 1 : 3;

	while (*nfds > 0 && *nfds < want && *nfds < MSG_MAX_FDS &&
	    r->nfdmap < MSG_MAX_FDS) {
		r->fdnum[r->nfdmap++] = num++;
		fds[*nfds] = fds[0];
		(*nfds)++;
	}
}

/* A new, owned array of strings (req_exec_free frees it). */
static const char **
strings(const char *s, uint32_t *n)
{
	const char **v;

	if ((v = calloc(2, sizeof(*v))) == NULL)
		_exit(1);
	v[0] = s;
	*n = 1;
	return v;
}

void
hook_forge_request(int mfd, unsigned int max_fds, struct req_exec *r,
    int *fds, size_t *nfds, char *user)
{
	if (is_op("user"))		/* without HELLO_TARGET_USER */
		memcpy(user, "root", 5);
	else if (is_op("user-twice")) {
		send_user(mfd, "root");
		if (user[0] == '\0')
			memcpy(user, "root", 5);
	} else if (is_op("no-pty")) {	/* to dived --pty */
		r->flags &= ~(uint32_t)(REQ_F_PTY | REQ_F_TTYMODES);
		memset(&r->pty, 0, sizeof(r->pty));
	} else if (is_op("pty")) {	/* to dived --no-pty */
		r->flags |= REQ_F_PTY;
		r->pty.nfd = 0;
	} else if (is_op("pty-fds")) {	/* to dived -O */
		r->pty.nfd = 1;
		r->pty.fdnum[0] = 0;
	} else if (is_op("cwd"))	/* to dived -H */
		mapped_to_special(r, fds, REQ_SPECIAL_CWD);
	else if (is_op("root"))		/* to dived without -r */
		mapped_to_special(r, fds, REQ_SPECIAL_ROOT);
	else if (is_op("tty"))		/* to dived -T */
		mapped_to_special(r, fds, REQ_SPECIAL_TTY);
	else if (is_op("fds"))		/* to dived -O */
		add_mapped(r, fds, nfds, *nfds + 1);
	else if (is_op("fd-count"))	/* one past --max-fds */
		add_mapped(r, fds, nfds, (size_t)max_fds + 1);
	else if (is_op("env")) {	/* to dived -E */
		free(r->envp);
		r->envp = strings("DIVE_FORGED=1", &r->envc);
	} else if (is_op("argv")) {	/* to dived -A */
		free(r->argv);
		r->argv = strings("forged", &r->argc);
	} else if (is_op("signal-early"))	/* before the request */
		send_i32(mfd, MSG_MON_SIGNAL, 15);
	else if (is_op("error-code"))	/* an error without a code */
		send_i32(mfd, MSG_MON_ERROR, 0);
	else if (is_op("error-big"))	/* one past the last code */
		send_i32(mfd, MSG_MON_ERROR, E_MAX_CODE + 1);
	else if (is_op("spawn-exec"))	/* the status pipe's type */
		send_spawn_exec(mfd);
	else if (is_op("exec-fd"))	/* the request with a descriptor */
		send_exec_fd(mfd, r);
}

void
hook_forge_sent(int mfd, const struct buf *exec)
{
	if (is_op("exec-twice")) {
		if (fdpass_send(mfd, MSG_MON_EXEC, exec, NULL, 0) != 0)
			_exit(1);
	} else if (is_op("user-late"))	/* with a policy */
		send_user(mfd, "root");
}

void
hook_forge_started(int mfd)
{
	if (is_op("signal"))		/* to dived without --signals */
		send_i32(mfd, MSG_MON_SIGNAL, 15);
	else if (is_op("signal-zero"))
		send_i32(mfd, MSG_MON_SIGNAL, 0);
	else if (is_op("signal-big"))
		send_i32(mfd, MSG_MON_SIGNAL, MSG_SIG_MAX + 1);
}
