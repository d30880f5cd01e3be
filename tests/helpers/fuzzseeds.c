/* SPDX-License-Identifier: MIT */
/*
 * Test helper: fuzzseeds DIR writes the seed corpus of the fuzz targets
 * (tests/fuzz) into DIR/req, DIR/mon, DIR/frame and DIR/options: small
 * valid inputs made with the real encoders, and inputs at the edges
 * (limits, truncation, trailing bytes).  "make fuzz-seeds" refreshes
 * tests/fuzz/corpus with it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "errors.h"
#include "msg.h"

static const char *outdir;

static void
die(const char *what)
{
	fprintf(stderr, "fuzzseeds: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void
write_file(const char *sub, const char *name, const void *p, size_t n)
{
	char path[4096];
	int fd;

	(void)snprintf(path, sizeof(path), "%s/%s", outdir, sub);
	if (mkdir(path, 0755) != 0 && errno != EEXIST)
		die(path);
	(void)snprintf(path, sizeof(path), "%s/%s/%s", outdir, sub, name);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0644)) < 0 || write(fd, p, n) != (ssize_t)n || close(fd) != 0)
		die(path);
}

/* A frame: header (with the payload's true length) and payload. */
static void
frame(struct buf *out, uint16_t type, uint16_t nfds, const struct buf *p)
{
	uint8_t h[MSG_HDR_LEN];

	msg_hdr_pack(h, type, nfds, (uint32_t)p->len);
	if (buf_put_bytes(out, h, sizeof(h)) != 0 ||
	    (p->len > 0 && buf_put_bytes(out, p->d, p->len) != 0))
		die("frame");
}

/* Write one frame as DIR/sub/name, cut to keep bytes (0: all), plus
 * extra trailing zero bytes. */
static void
seed(const char *sub, const char *name, uint16_t type, uint16_t nfds,
    const struct buf *p, size_t keep, size_t extra)
{
	struct buf out;
	size_t i;

	buf_init(&out, MSG_MAX_LEN + 8192);
	frame(&out, type, nfds, p);
	for (i = 0; i < extra; i++)
		if (buf_put_u8(&out, 0) != 0)
			die("seed");
	write_file(sub, name, out.d, keep > 0 && keep < out.len ? keep :
	    out.len);
	buf_free(&out);
}

static const char *const argv1[] = { "/bin/true", NULL };
static const char *const argv3[] = { "/usr/bin/printf", "%s\\n", "a\nb",
	NULL };
static const char *const env2[] = { "PATH=/usr/bin:/bin", "EMPTY=", NULL };
static const char *const envdup[] = { "A=1", "A=2", "DIVE_UID=0", "B=x=y",
	NULL };

struct reqspec {
	const char *name;
	uint32_t flags;			/* REQ_F_PTY: 0, 1, 2 get the pty */
	uint32_t umask, specials, nfdmap;
	uint32_t fdnum[4];
	const char *const *argv;
	const char *const *envp;
};

static const struct reqspec reqs[] = {
	{ "exec-minimal", 0, 022, 0, 0, { 0 }, argv1, NULL },
	{ "exec-env", 0, 077, 0, 0, { 0 }, argv3, env2 },
	{ "exec-env-dups", 0, 0, 0, 0, { 0 }, argv1, envdup },
	{ "exec-cwd-stdio", 0, 022, REQ_SPECIAL_CWD, 3, { 0, 1, 2 }, argv1,
	    env2 },
	{ "exec-all-specials", 0, 0777, REQ_SPECIAL_ALL, 4, { 0, 1, 2, 9 },
	    argv3, envdup },
	{ "exec-no-argv", 0, 022, 0, 1, { 1 }, NULL, env2 },
	{ "exec-pty", REQ_F_PTY, 022, REQ_SPECIAL_CWD, 1, { 5 }, argv3,
	    env2 },
	{ "exec-pty-modes", REQ_F_PTY | REQ_F_TTYMODES, 022, REQ_SPECIAL_CWD,
	    1, { 5 }, argv3, env2 },
};

static uint32_t
count(const char *const *v)
{
	uint32_t n = 0;

	while (v != NULL && v[n] != NULL)
		n++;
	return n;
}

static void
to_req(const struct reqspec *s, struct req_exec *r)
{
	memset(r, 0, sizeof(*r));
	r->flags = s->flags;
	if (s->flags & REQ_F_PTY) {
		r->pty.ws = (struct msg_winsize){ 24, 80, 0, 0 };
		r->pty.nfd = 3;
		r->pty.fdnum[0] = 0;
		r->pty.fdnum[1] = 1;
		r->pty.fdnum[2] = 2;
	}
	if (s->flags & REQ_F_TTYMODES) {	/* as stty sane leaves them */
		r->pty.modes = (struct msg_ttymodes){ 0x2d02, 0x5, 0xbf,
			0x8a3b, { 3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26,
			0, 18, 15, 23, 22 } };
	}
	r->umask = s->umask;
	r->specials = s->specials;
	r->nfdmap = s->nfdmap;
	memcpy(r->fdnum, s->fdnum, sizeof(s->fdnum));
	r->argc = count(s->argv);
	r->envc = count(s->envp);
	r->argv = (const char **)(uintptr_t)s->argv;
	r->envp = (const char **)(uintptr_t)s->envp;
}

static void
exec_seeds(void)
{
	struct req_exec r;
	struct buf p, m;
	size_t i;
	uint16_t nfds;

	for (i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++) {
		to_req(&reqs[i], &r);
		nfds = (uint16_t)req_exec_nfds(&r);
		buf_init(&p, MSG_MAX_LEN);
		buf_init(&m, MSG_MAX_LEN);
		if (msg_encode_req_exec(&p, &r) != 0 ||
		    msg_encode_mon_exec(&m, &r) != 0)
			die("encode");
		seed("req", reqs[i].name, MSG_REQ_EXEC, nfds, &p, 0, 0);
		seed("mon", reqs[i].name, MSG_MON_EXEC, 0, &m, 0, 0);
		if (i == 1) {	/* edges of one request */
			seed("req", "exec-truncated", MSG_REQ_EXEC, nfds, &p,
			    MSG_HDR_LEN + p.len / 2, 0);
			seed("req", "exec-trailing", MSG_REQ_EXEC, nfds, &p,
			    0, 1);
			seed("req", "exec-fd-count", MSG_REQ_EXEC, nfds + 1,
			    &p, 0, 0);
			seed("mon", "exec-truncated", MSG_MON_EXEC, 0, &m,
			    MSG_HDR_LEN + m.len / 2, 0);
			seed("mon", "exec-trailing", MSG_MON_EXEC, 0, &m, 0,
			    1);
		}
		buf_free(&p);
		buf_free(&m);
	}
}

static void
small(const char *sub, const char *name, uint16_t type, int kind,
    int64_t a, int64_t b)
{
	struct msg_hello h = { HELLO_ALL_FLAGS, MSG_MAX_FDS, MSG_MAX_LEN, 1,
		2 };
	struct msg_exit ex = { (uint32_t)a, (uint32_t)b };
	struct msg_failed f = { (uint32_t)a, (int32_t)b };
	struct msg_session s = { 7, 1000, 1000, 4242 };
	struct buf p;
	int r = 0;

	buf_init(&p, MSG_MAX_SMALL);
	switch (kind) {
	case 'h': r = msg_encode_hello(&p, &h); break;
	/* Any value, in range or not: one i32 or u32 word. */
	case 'i': r = buf_put_i32(&p, (int32_t)a); break;
	case 'u': r = buf_put_u32(&p, (uint32_t)a); break;
	case 'x': r = msg_encode_exit(&p, &ex); break;
	case 'f': r = msg_encode_failed(&p, &f); break;
	case 's': r = msg_encode_session(&p, &s); break;
	default: break;
	}
	if (r != 0)
		die("encode");
	seed(sub, name, type, (uint16_t)(type == MSG_LM_SESSION ? 2 :
	    type == MSG_MON_SENDFDS ? 1 : 0), &p, 0, 0);
	buf_free(&p);
}

static void
user_seed(const char *sub, const char *name, uint16_t type, const char *u)
{
	struct buf p;

	buf_init(&p, MSG_MAX_SMALL + MSG_MAX_USER + 8);
	if (msg_encode_user(&p, u) != 0)
		die("encode");
	seed(sub, name, type, 0, &p, 0, 0);
	buf_free(&p);
}

static void
small_seeds(void)
{
	small("req", "hello", MSG_HELLO, 'h', 0, 0);
	small("req", "started", MSG_STARTED, 'i', 4242, 0);
	small("req", "signal-9", MSG_REQ_SIGNAL, 'i', 9, 0);
	small("req", "signal-neg", MSG_REQ_SIGNAL, 'i', -1, 0);
	small("req", "exited-0", MSG_EXITED, 'x', EXIT_HOW_EXITED, 0);
	small("req", "killed-64", MSG_EXITED, 'x', EXIT_HOW_KILLED, 64);
	small("req", "dumped-11", MSG_EXITED, 'x', EXIT_HOW_DUMPED, 11);
	small("req", "failed-exec", MSG_FAILED, 'f', STEP_EXEC, 2);
	small("req", "failed-max", MSG_FAILED, 'f', STEP_MAX, 4095);
	small("req", "error", MSG_ERROR, 'u', (uint32_t)-E_BAD_MAGIC, 0);
	small("mon", "mon-error", MSG_MON_ERROR, 'u', (uint32_t)-E_TIMEOUT, 0);
	small("mon", "mon-signal", MSG_MON_SIGNAL, 'i', 15, 0);
	small("mon", "mon-started", MSG_MON_STARTED, 'i', 4242, 0);
	small("mon", "mon-failed", MSG_MON_FAILED, 'f', STEP_SETUID, 1);
	small("mon", "mon-exited", MSG_MON_EXITED, 'x', EXIT_HOW_EXITED, 3);
	small("mon", "lm-session", MSG_LM_SESSION, 's', 0, 0);
	small("mon", "lm-ready", MSG_LM_READY, 'u', 0x20000, 0);
	/* Each type's own limits, one past them. */
	small("req", "started-pid-0", MSG_STARTED, 'i', 0, 0);
	small("mon", "mon-signal-65", MSG_MON_SIGNAL, 'i', MSG_SIG_MAX + 1, 0);
	small("mon", "mon-error-0", MSG_MON_ERROR, 'u', 0, 0);
	small("mon", "mon-error-past", MSG_MON_ERROR, 'u', E_MAX_CODE + 1, 0);
	small("mon", "mon-sendfds", MSG_MON_SENDFDS, 'n', 0, 0);
	small("mon", "spawn-fds", MSG_SPAWN_FDS, 'n', 0, 0);
	small("mon", "spawn-exec", MSG_SPAWN_EXEC, 'n', 0, 0);
	user_seed("req", "user", MSG_REQ_USER, "root");
	user_seed("mon", "mon-user", MSG_MON_USER, "u@example.org");
}

/* frame: four set-up bytes (see fuzz_frame.c), then frames. */
static void
stream(const char *name, uint8_t limit, uint8_t chunk, uint8_t fds,
    uint16_t t1, const struct buf *p1, uint16_t n1, uint16_t t2,
    const struct buf *p2)
{
	struct buf out;
	uint8_t setup[4] = { limit, chunk, fds, 0 };

	buf_init(&out, MSG_MAX_LEN + 8192);
	if (buf_put_bytes(&out, setup, sizeof(setup)) != 0)
		die("stream");
	frame(&out, t1, n1, p1);
	if (p2 != NULL)
		frame(&out, t2, 0, p2);
	write_file("frame", name, out.d, out.len);
	buf_free(&out);
}

static void
frame_seeds(void)
{
	struct req_exec r;
	struct msg_signal s2 = { 2 };
	struct msg_error timeout = { (uint32_t)-E_TIMEOUT };
	struct buf p, m, sig, err;

	to_req(&reqs[3], &r);	/* cwd and three mapped: four fds */
	buf_init(&p, MSG_MAX_LEN);
	buf_init(&m, MSG_MAX_LEN);
	buf_init(&sig, MSG_MAX_SMALL);
	buf_init(&err, MSG_MAX_SMALL);
	if (msg_encode_req_exec(&p, &r) != 0 ||
	    msg_encode_mon_exec(&m, &r) != 0 || msg_encode_signal(&sig, &s2) != 0 ||
	    msg_encode_error(&err, &timeout) != 0)
		die("encode");
	/* The listener's reader: 4 MB, 253 fds; four sent with the frame. */
	stream("client-exec-then-signal", 3, 0, 0xc4, MSG_REQ_EXEC, &p, 4,
	    MSG_REQ_SIGNAL, &sig);
	stream("client-exec-bytewise", 3, 1, 0xc4, MSG_REQ_EXEC, &p, 4,
	    0, NULL);
	stream("client-exec-too-few-fds", 3, 16, 0xc2, MSG_REQ_EXEC,
	    &p, 4, 0, NULL);
	stream("client-exec-ctrunc", 2, 0, 0x47, MSG_REQ_EXEC, &p, 4,
	    0, NULL);
	stream("client-exec-over-limit", 1, 0, 0xc4, MSG_REQ_EXEC, &p,
	    4, 0, NULL);
	/* The monitor's reader of a listener: no fds. */
	stream("monitor-exec-then-error", 7, 0, 0, MSG_MON_EXEC, &m, 0,
	    MSG_MON_ERROR, &err);
	stream("monitor-exec-chunks", 7, 13, 0, MSG_MON_EXEC, &m, 0, 0,
	    NULL);
	stream("monitor-unwanted-fd", 5, 0, 0x01, MSG_MON_SIGNAL, &sig,
	    0, 0, NULL);
	buf_free(&p);
	buf_free(&m);
	buf_free(&sig);
	buf_free(&err);
}

/* frame, set-up bit 3: a spawner's frames on its status pipe (status.c). */
static void
status_stream(const char *name, uint8_t chunk, int nexec, uint32_t step,
    int32_t err, size_t cut)
{
	const struct msg_failed f = { step, err };
	const uint8_t setup[4] = { 8, chunk, 0, 0 };
	struct buf out, p, none;
	int i;

	buf_init(&out, 256);
	buf_init(&p, MSG_MAX_STATUS);
	buf_init(&none, 0);
	if (buf_put_bytes(&out, setup, sizeof(setup)) != 0 ||
	    msg_encode_spawn_exec(&none) != 0)
		die("status");
	for (i = 0; i < nexec; i++)
		frame(&out, MSG_SPAWN_EXEC, 0, &none);
	if (step != 0) {
		if (msg_encode_failed(&p, &f) != 0)
			die("encode");
		frame(&out, MSG_MON_FAILED, 0, &p);
	}
	write_file("frame", name, out.d, out.len - (cut < out.len ? cut :
	    0));
	buf_free(&out);
	buf_free(&p);
	buf_free(&none);
}

static void
status_seeds(void)
{
	/* The format before frames: a mark byte, a headerless failure. */
	static const uint8_t old[] = { 8, 0, 0, 0, 0x78, 0, 0, 0, STEP_EXEC,
		0, 0, 0, 2 };

	status_stream("status-died", 0, 0, 0, 0, 0);
	status_stream("status-exec", 0, 1, 0, 0, 0);
	status_stream("status-exec-bytewise", 1, 1, 0, 0, 0);
	status_stream("status-failed", 0, 0, STEP_SETUID, 1, 0);
	status_stream("status-exec-failed", 5, 1, STEP_EXEC, 2, 0);
	status_stream("status-exec-exec", 0, 2, 0, 0, 0);
	status_stream("status-exec-failed-other", 0, 1, STEP_CAPS, 1, 0);
	status_stream("status-failed-truncated", 0, 0, STEP_CHDIR, 2, 3);
	status_stream("status-exec-truncated", 0, 1, 0, 0, 1);
	write_file("frame", "status-old-format", old, sizeof(old));
}

/* config: texts in the language of dived.conf(5). */
#define CONF(name, s) write_file("config", name, s, sizeof(s) - 1)

static void
config_seeds(void)
{
	CONF("wheel", "# dived.conf\n"
	    "permit keepenv { LANG LC_* } :wheel as *\n"
	    "deny :wheel as root cmd /bin/sh\n"
	    "deny :wheel as root cmd /usr/bin/bash\n"
	    "permit alice as root cmd /usr/sbin/service args nginx restart\n");
	CONF("backup", "permit nofds setenv { TZ=UTC \"GREETING=hello world\" "
	    "-TERM } \\\n    :operators as backup \\\n"
	    "    cmd /usr/local/bin/backup args --all --quiet\n");
	CONF("everybody", "permit keepenv *\ndeny 1005\n");
	CONF("numbers", "permit noroot 1000 as 0 cmd /bin/true args\n"
	    "permit :100 as *\n");
	CONF("quotes", "permit 'bob' cmd \"/usr/bin/printf\" args '%s\\n' "
	    "\"a b\"\n");
	CONF("bad-action", "allow alice\n");
	CONF("bad-dive", "permit setenv { DIVE_UID=0 } alice\n");
	CONF("bad-path", "permit alice cmd bin/sh\n");
	CONF("bad-brace", "permit keepenv { A alice\n");
	CONF("empty", "");
	CONF("comments", "# nothing\n\n   # but comments\n");
	write_file("config", "path", "/usr//bin/./env/", 16);
}

/* options: NUL-separated words after "dived". */
static void
cmdline(const char *name, const char *words, size_t len)
{
	write_file("options", name, words, len);
}

#define CMD(name, s) cmdline(name, s, sizeof(s) - 1)

static void
option_seeds(void)
{
	CMD("socket", "/run/dived.sock");
	CMD("abstract-verbose", "@dive\0-v\0--max-per-uid=4");
	CMD("inetd-forced", "-i\0-u\0root\0--\0/bin/sh\0-c\0id");
	CMD("just-execute", "-J\0-s\0pid,mnt\0-R\0/srv\0--\0/bin/true");
	CMD("just-execute2", "-j\0-l\0nofile=64:32,core=0\0--\0/bin/true");
	CMD("identity", "/s\0-u\0root\0-g\0root,adm\0-e\0nobody");
	CMD("no-setuid", "/s\0-P\0-E\0-A\0-H\0-O\0-M\0-S\0-T\0--\0/bin/id");
	CMD("caps", "/s\0-c\0cap_net_raw+eip cap_kill=i 11-e\0-B\0all");
	CMD("ambient", "/s\0-m\0cap_kill,CAP_CHOWN,12\0-X\0-L");
	CMD("drop-caps", "/s\0-b\0cap_sys_admin\0-a\0/bin/true");
	CMD("userns", "/s\0-s\0user,pid,net\0-tt\0-t\0/tmp/f\0data");
	CMD("pivot", "/s\0-V\0/new\0/new/old\0-h\0/tmp\0-W");
	CMD("client-root", "/s\0-r\0-n\0--signals-pgid");
	CMD("socket-owner", "/s\0-C\00660\0-U\0root:root\0-d\0-p\0/run/p");
	CMD("limits", "/s\0--max-connections\0001\0--max-fds=3\0"
	    "--request-timeout=3600\0--max-request-bytes\0004096");
	CMD("setns", "/s\0-N\0/proc/1/ns/net\0-N\0/proc/1/ns/uts\0-D\0-w");
	CMD("listener-user", "/s\0--listener-user\0_dived\0-F");
	CMD("listener-user-force", "/s\0--listener-user\0bob\0"
	    "--listener-user-force");
	CMD("keep-env", "/s\0-u\0root\0--keep-env\0LD_LIBRARY_PATH,PYTHON*\0"
	    "--keep-env=*");
	CMD("help", "--help");
	CMD("version", "/s\0--version");
	CMD("bad-limit", "/s\0--max-fds\0002");
	CMD("bad-first", "-v\0/s");
	CMD("empty", "");
}

int
main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: fuzzseeds DIR\n");
		return 2;
	}
	outdir = argv[1];
	if (mkdir(outdir, 0755) != 0 && errno != EEXIST)
		die(outdir);
	exec_seeds();
	small_seeds();
	frame_seeds();
	status_seeds();
	option_seeds();
	config_seeds();
	return 0;
}
