/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: dived's option parser (opt_parse), on a command line
 * made of the input's NUL-separated words after "dived".  Whatever it
 * returns, the result must be one of its four answers, a refusal must
 * come with a message, and an accepted command line must respect the
 * parser's own limits and combinations.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "msg.h"
#include "options.h"

#define MAX_WORDS	256

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

/* An accepted command line is within every limit options.h names. */
static void
check_ok(const struct dived_opts *o, int argc)
{
	int i;

	/* One mode: a socket, -i, -J, or --check-config. */
	REQUIRE((o->socket != NULL) + o->inetd + o->just_execute +
	    (o->check_config != NULL) == 1);
	REQUIRE(o->as_client != NULL || o->as_target == NULL);
	REQUIRE(o->npidfiles >= 0 && o->npidfiles <= OPT_MAX_PIDFILES);
	REQUIRE(o->nsetns >= 0 && o->nsetns <= OPT_MAX_SETNS);
	REQUIRE(o->nwrites >= 0 && o->nwrites <= OPT_MAX_WRITES);
	REQUIRE(o->nrlimits >= 0 && o->nrlimits <= OPT_MAX_RLIMITS);
	REQUIRE(o->nkeep_env >= 0 && o->nkeep_env <= OPT_MAX_KEEP_ENV);
	REQUIRE(o->forced_argc >= 0 && o->forced_argc < argc);
	REQUIRE(o->forced_argc == 0 || o->forced_argv[o->forced_argc] == NULL);
	REQUIRE(o->max_conns >= 1 && o->max_per_uid >= 1 && o->timeout >= 1);
	REQUIRE(o->max_fds >= 3 && o->max_fds <= MSG_MAX_FDS);
	REQUIRE(o->max_bytes >= 4096 && o->max_bytes <= MSG_MAX_LEN);
	REQUIRE(o->listener_user != NULL);
	REQUIRE(!(o->groups != NULL && o->user == NULL));
	REQUIRE(!(o->bset_keep_set && o->bset_drop != 0));
	REQUIRE((o->chroot_dir != NULL) + (o->pivot_new != NULL) +
	    o->client_chroot <= 1);
	REQUIRE(o->pivot_new == NULL || o->pivot_old != NULL);
	for (i = 0; i < o->nrlimits; i++) {
		REQUIRE(o->rlimits[i].resource >= 0 &&
		    o->rlimits[i].resource < RLIM_NLIMITS);
		REQUIRE(o->rlimits[i].soft <= o->rlimits[i].hard);
	}
	for (i = 0; i < o->nwrites; i++)
		REQUIRE(o->writes[i].file != NULL);
	for (i = 0; i < o->nkeep_env; i++)
		REQUIRE(o->keep_env[i][0] != '\0' &&
		    o->keep_env[i][strlen(o->keep_env[i]) - 1] != ',');
	if (o->socket != NULL)
		REQUIRE(o->socket[0] != '\0' && strcmp(o->socket, "@") != 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	static char prog[] = "dived";
	struct dived_opts o;
	char *copy, *argv[MAX_WORDS + 2], err[512];
	size_t i, start = 0;
	int argc = 1, r;

	if ((copy = malloc(n + 1)) == NULL)
		return 0;
	memcpy(copy, d, n);
	copy[n] = '\0';
	argv[0] = prog;
	/* Words end at each NUL; a last word without one ends the input. */
	for (i = 0; i < n && argc <= MAX_WORDS; i++)
		if (copy[i] == '\0') {
			argv[argc++] = copy + start;
			start = i + 1;
		}
	if (start < n && argc <= MAX_WORDS)
		argv[argc++] = copy + start;
	argv[argc] = NULL;
	memset(err, 'x', sizeof(err));
	r = opt_parse(argc, argv, &o, err, sizeof(err));
	REQUIRE(r == OPT_OK || r == OPT_HELP || r == OPT_VERSION ||
	    r == OPT_ERROR);
	if (r == OPT_ERROR) {
		REQUIRE(memchr(err, '\0', sizeof(err)) != NULL);
		REQUIRE(err[0] != '\0');
	}
	if (r == OPT_OK)
		check_ok(&o, argc);
	REQUIRE(strlen(opt_usage()) > 0);
	free(copy);
	return 0;
}
