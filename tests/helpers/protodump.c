/* SPDX-License-Identifier: MIT */
/*
 * Test helper, for checking dive-protocol(7) against the code:
 *   protodump          the two frames of its EXAMPLES, in hex, one a line,
 *                      as the real encoder (msg.c) writes them
 *   protodump limits   "NAME VALUE" for each limit of its LIMITS
 */
#include <stdio.h>
#include <string.h>

#include "msg.h"

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
