/* SPDX-License-Identifier: MIT */
/*
 * Test helper, for checking dive-protocol(7) against the code, and so
 * that no test writes the wire format out by hand:
 *   protodump          the two frames of its EXAMPLES, in hex, one a line,
 *                      as the real encoder (msg.c) writes them
 *   protodump limits   "NAME VALUE" for each limit of its LIMITS
 *   protodump errors   "CODE TEXT" for each error code (errors.c)
 *   protodump error CODE       a MSG_ERROR frame carrying CODE, in hex
 *   protodump user NAME        a MSG_REQ_USER frame asking for NAME
 *   protodump header TYPE NFDS LEN [VERSION]
 *                      a frame header alone (TYPE a name of the table
 *                      below), of this protocol version or VERSION
 *   protodump tables   its CHANNELS: each receiver's table, one entry a
 *                      line, "RECEIVER|TYPE|FROM|STATES|FDS|BYTES|ONCE"
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "errors.h"
#include "msg.h"
#include "num.h"

#include "msgtables.h"

/* Every type by its name; a test names one in lower case, without MSG_. */
static const struct {
	uint16_t type;
	const char *name;
} types[] = {
	{ MSG_HELLO, "MSG_HELLO" }, { MSG_REQ_EXEC, "MSG_REQ_EXEC" },
	{ MSG_STARTED, "MSG_STARTED" }, { MSG_REQ_SIGNAL, "MSG_REQ_SIGNAL" },
	{ MSG_EXITED, "MSG_EXITED" }, { MSG_FAILED, "MSG_FAILED" },
	{ MSG_ERROR, "MSG_ERROR" }, { MSG_PTY, "MSG_PTY" },
	{ MSG_REQ_USER, "MSG_REQ_USER" }, { MSG_MON_EXEC, "MSG_MON_EXEC" },
	{ MSG_MON_SENDFDS, "MSG_MON_SENDFDS" },
	{ MSG_MON_SIGNAL, "MSG_MON_SIGNAL" },
	{ MSG_MON_STARTED, "MSG_MON_STARTED" },
	{ MSG_MON_ERROR, "MSG_MON_ERROR" }, { MSG_MON_FAILED, "MSG_MON_FAILED" },
	{ MSG_MON_EXITED, "MSG_MON_EXITED" }, { MSG_MON_USER, "MSG_MON_USER" },
	{ MSG_SPAWN_FDS, "MSG_SPAWN_FDS" }, { MSG_SPAWN_PTY, "MSG_SPAWN_PTY" },
	{ MSG_SPAWN_EXEC, "MSG_SPAWN_EXEC" },
	{ MSG_LM_SESSION, "MSG_LM_SESSION" }, { MSG_LM_READY, "MSG_LM_READY" },
};

static int
dump(uint16_t type, uint16_t nfds, const struct buf *b)
{
	uint8_t hdr[MSG_HDR_LEN];
	size_t i;

	msg_hdr_pack(hdr, type, nfds, (uint32_t)b->len);
	for (i = 0; i < sizeof(hdr); i++)
		printf("%02x", hdr[i]);
	for (i = 0; i < b->len; i++)
		printf("%02x", b->d[i]);
	putchar('\n');
	return 0;
}

static void
errors(void)
{
	int c;

	for (c = 1; c <= E_MAX_CODE; c++)
		if (strcmp(err_str(-c), "unknown error") != 0)
			printf("%d %s\n", c, err_str(-c));
}

static int
type_of(const char *name, uint16_t *type)
{
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcasecmp(types[i].name + 4, name) == 0) {
			*type = types[i].type;
			return 0;
		}
	return -1;
}

/* header TYPE NFDS LEN [VERSION] */
static int
header(int argc, char **argv)
{
	uint8_t hdr[MSG_HDR_LEN];
	long long nfds, len, version = MSG_VERSION;
	uint32_t magic;
	uint16_t type;
	size_t i;

	if (argc < 5 || type_of(argv[2], &type) != 0 ||
	    num_parse(argv[3], 0, UINT16_MAX, &nfds) != 0 ||
	    num_parse(argv[4], 0, UINT32_MAX, &len) != 0 ||
	    (argc > 5 && num_parse(argv[5], 0, UINT16_MAX, &version) != 0))
		return 2;
	msg_hdr_pack(hdr, type, (uint16_t)nfds, (uint32_t)len);
	/* The magic leads the header, big-endian (msg.h). */
	magic = MSG_MAGIC_BASE | (uint32_t)version;
	for (i = 0; i < 4; i++)
		hdr[i] = (uint8_t)(magic >> (24 - 8 * i));
	for (i = 0; i < sizeof(hdr); i++)
		printf("%02x", hdr[i]);
	putchar('\n');
	return 0;
}

/* error CODE, user NAME: one frame, by the real encoder. */
static int
frame(int argc, char **argv)
{
	long long code;
	struct buf b;
	int r = 2;

	if (argc < 3)
		return 2;
	buf_init(&b, MSG_MAX_SMALL + MSG_MAX_USER + 8);
	if (strcmp(argv[1], "error") == 0) {
		if (num_parse(argv[2], 1, E_MAX_CODE, &code) == 0)
			r = msg_encode_error(&b, &(struct msg_error){
			    (uint32_t)code }) != 0 ||
			    dump(MSG_ERROR, 0, &b) != 0;
	} else if (strcmp(argv[1], "user") == 0) {
		r = msg_encode_user(&b, argv[2]) != 0 ||
		    dump(MSG_REQ_USER, 0, &b) != 0;
	}
	buf_free(&b);
	return r;
}

static void
limits(void)
{
	printf("MSG_MAX_LEN %u\n", MSG_MAX_LEN);
	printf("MSG_MAX_SMALL %u\n", MSG_MAX_SMALL);
	printf("MSG_MAX_FDS %u\n", MSG_MAX_FDS);
	printf("MSG_MAX_FDNUM %u\n", MSG_MAX_FDNUM);
	printf("MSG_MAX_ARGS %u\n", MSG_MAX_ARGS);
	printf("MSG_MAX_ENV %u\n", MSG_MAX_ENV);
	printf("MSG_MAX_STR %u\n", MSG_MAX_STR);
	printf("MSG_SIG_MAX %d\n", MSG_SIG_MAX);
	printf("MSG_HDR_LEN %d\n", MSG_HDR_LEN);
	printf("MSG_MAGIC 0x%08x\n", MSG_MAGIC);
}


/*
 * The states of each table of msg_tables (in its order), by value, as
 * dive-protocol(7) names them.
 */
static const char *const states[][4] = {
	{ "request", "wait", "signals" },		/* enum lc_state */
	{ "greeting", "sent", "sent-pty" },		/* enum cl_state */
	{ "greeting", "sent", "sent-pty" },
	{ "request", "spawning", "running", "ended" },	/* enum sess_state */
	{ "answers" },					/* enum lm_side_state */
	{ "pty" },					/* enum lsp_state */
	{ "serving" },					/* enum lmaster_state */
	{ "starting" },					/* enum lm_state */
	{ "setup", "exec", "failed" },			/* enum status_state */
	{ "fds" },					/* enum sp_state */
};

static const char *
type_name(uint16_t type)
{
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (types[i].type == type)
			return types[i].name;
	return "?";
}

/* The states of mask, comma-separated, or "any" for all of several. */
static void
print_states(const char *const *names, uint32_t mask)
{
	unsigned int i, n = 0, all = 0;

	for (i = 0; i < 4 && names[i] != NULL; i++)
		all |= 1u << i;
	if (i > 1 && mask == all) {
		printf("any");
		return;
	}
	for (i = 0; i < 4 && names[i] != NULL; i++)
		if (mask & (1u << i))
			printf("%s%s", n++ > 0 ? "," : "", names[i]);
	if (mask & ~all)
		printf("%s?", n > 0 ? "," : "");
}

static void
tables(void)
{
	const struct msg_entry *e;
	size_t t, i;

	for (t = 0; t < sizeof(msg_tables) / sizeof(msg_tables[0]); t++)
		for (i = 0; i < msg_tables[t].n; i++) {
			e = &msg_tables[t].e[i];
			printf("%s|%s|%s|", msg_tables[t].to,
			    type_name(e->type), msg_tables[t].from);
			print_states(states[t], e->states);
			if (e->nfds == MSG_NFDS_ANY)
				printf("|any");
			else
				printf("|%u", e->nfds);
			printf("|%u|%s\n", e->max_len,
			    (e->flags & MSG_F_ONCE) ? "yes" : "no");
		}
}

int
main(int argc, char **argv)
{
	static const char *args[] = { "/bin/echo", "hi", NULL };
	static const char *envp[] = { "PATH=/bin", NULL };
	struct msg_hello h = { HELLO_SIGNALS, 253, 4u << 20, 4, 4026531836u };
	struct req_exec r;
	struct buf b;

	if (argc > 1 && strcmp(argv[1], "limits") == 0) {
		limits();
		return 0;
	}
	if (argc > 1 && strcmp(argv[1], "errors") == 0) {
		errors();
		return 0;
	}
	if (argc > 1 && strcmp(argv[1], "tables") == 0) {
		tables();
		return 0;
	}
	if (argc > 1 && strcmp(argv[1], "header") == 0)
		return header(argc, argv);
	if (argc > 1)
		return frame(argc, argv);
	buf_init(&b, MSG_MAX_SMALL);
	if (msg_encode_hello(&b, &h) != 0 || dump(MSG_HELLO, 0, &b) != 0)
		return 1;
	buf_free(&b);
	memset(&r, 0, sizeof(r));
	r.umask = 022;
	r.specials = REQ_SPECIAL_CWD;
	r.nfdmap = 3;
	r.fdnum[0] = 0;
	r.fdnum[1] = 1;
	r.fdnum[2] = 2;
	r.argc = 2;
	r.argv = args;
	r.envc = 1;
	r.envp = envp;
	buf_init(&b, MSG_MAX_LEN);
	if (msg_encode_req_exec(&b, &r) != 0 ||
	    dump(MSG_REQ_EXEC, (uint16_t)req_exec_nfds(&r), &b) != 0)
		return 1;
	buf_free(&b);
	return 0;
}
