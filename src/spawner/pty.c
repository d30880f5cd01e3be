/* SPDX-License-Identifier: MIT */
/* Process: the spawner, dived's child for one request (root). */
/*
 * The program's pseudo-terminal (REQ_F_PTY): allocated in dived's own
 * root, before any namespace or root change, its slave owned by the
 * program's user (group tty, mode 0620, as login programs leave it), its
 * master sent back to the listener, which passes it on to dive.
 * And the client's own terminal, made controlling only if it is the
 * client's.
 * Runs as: root (spawner).  Trusts: the monitor's accepted request (size
 * and numbers, range-checked by msg.c).  Does not trust: anything in a
 * client's root: no path of it is ever opened here.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "errors.h"
#include "fdpass.h"
#include "spawner.h"

/* REQ_F_TTYMODES: the caller's modes; the speeds stay the pty's own. */
static int
set_modes(int s, const struct msg_ttymodes *m)
{
	struct termios t;

	_Static_assert(NCCS <= MSG_TTY_NCC, "control characters fit");
	if (tcgetattr(s, &t) != 0)
		return -1;
	t.c_iflag = m->iflag;
	t.c_oflag = m->oflag;
	t.c_cflag = m->cflag;
	t.c_lflag = m->lflag;
	memcpy(t.c_cc, m->cc, NCCS);
	return tcsetattr(s, TCSANOW, &t);
}

int
pty_open(const struct req_pty *p, int modes, uid_t uid, int *master,
    int *slave)
{
	const struct msg_winsize *ws = &p->ws;
	struct winsize w;
	gid_t tty;
	int m, s, err;

	*master = *slave = -1;
	if ((m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0)
		return errno;
	/* The slave by its master, not by a path that could be swapped. */
	if (grantpt(m) != 0 || unlockpt(m) != 0 ||
	    (s = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0) {
		err = errno;
		(void)close(m);
		return err;
	}
	/* Without a tty group, only its user may write to it. */
	if (ids_group("tty", &tty) != 0)
		tty = (gid_t)-1;
	w.ws_row = ws->rows;
	w.ws_col = ws->cols;
	w.ws_xpixel = ws->xpixel;
	w.ws_ypixel = ws->ypixel;
	if (fchown(s, uid, tty) != 0 ||
	    fchmod(s, tty != (gid_t)-1 ? 0620 : 0600) != 0 ||
	    ioctl(m, TIOCSWINSZ, &w) != 0 ||
	    (modes && set_modes(s, &p->modes) != 0)) {
		err = errno;
		(void)close(s);
		(void)close(m);
		return err;
	}
	*master = m;
	*slave = s;
	return 0;
}

int
pty_send_master(int sock, int master)
{
	int r = fdpass_send(sock, MSG_SPAWN_PTY, NULL, &master, 1);

	if (r == E_SYS)
		return errno;
	return r == 0 ? 0 : EPIPE;
}

/* Close what pty_merge made so far. */
static void
undo(int *fds, const int *made, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (made[i])
			(void)close(fds[i]);
}

int
pty_merge(const uint32_t *fdnum, const int *mapped, size_t n,
    const uint32_t *pnum, size_t np, int slave, uint32_t *num, int *fds,
    size_t *total)
{
	int made[MSG_MAX_FDS];
	size_t i = 0, j = 0, k = 0;
	int err;

	if (n + np > MSG_MAX_FDS)
		return EINVAL;
	while (i < n || j < np) {
		made[k] = j < np && (i == n || pnum[j] < fdnum[i]);
		if (made[k]) {
			num[k] = pnum[j++];
			if ((fds[k] = fcntl(slave, F_DUPFD_CLOEXEC, 0)) < 0) {
				err = errno;
				undo(fds, made, k);
				return err;
			}
		} else {
			num[k] = fdnum[i];
			fds[k] = mapped[i++];
		}
		k++;
	}
	*total = k;
	return 0;
}

int
pty_take_terminal(int tty, uint32_t client_ctty)
{
	unsigned int dev;

	/* A terminal of no session is anybody's to take. */
	if (ioctl(tty, TIOCSCTTY, 0) == 0)
		return 0;
	if (errno != EPERM)
		return errno;
	/* The client's session has it (its members share one controlling
	 * terminal): taking it from there is what the client asked for.
	 * Any other session's, up to root's, it must never be: TIOCSTI
	 * would type into that session's shell. */
	if (client_ctty == 0 || ioctl(tty, TIOCGDEV, &dev) != 0 ||
	    dev != client_ctty)
		return EPERM;
	return ioctl(tty, TIOCSCTTY, 1) == 0 ? 0 : errno;
}
