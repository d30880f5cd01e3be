/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: the policy language of dived.conf(5) (conf_parse),
 * on the input as the text of a file, and policy_canon_path on it as a
 * path.  A refusal must say where and why; accepted rules must stay
 * within the parser's limits, and their canonical form (conf_rule_str)
 * must parse again into the same rules.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "conf.h"
#include "policy.h"

#define RULE_TEXT	65536	/* room for one rule in canonical form */

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

static void
check_rule(const struct conf_rule *r)
{
	size_t i;

	REQUIRE(r->action == CONF_PERMIT || r->action == CONF_DENY);
	REQUIRE(r->action == CONF_PERMIT || r->opts == 0);
	REQUIRE(r->who >= CONF_WHO_USER && r->who <= CONF_WHO_ANY);
	REQUIRE(r->as >= CONF_AS_DEFAULT && r->as <= CONF_AS_ANY);
	REQUIRE(r->cmd == NULL || r->cmd[0] == '/');
	REQUIRE(!r->has_args || r->cmd != NULL);
	for (i = 0; i < r->nkeep; i++)
		REQUIRE(strncmp(r->keep[i], "DIVE_", 5) != 0);
	for (i = 0; i < r->nsetenv; i++)
		REQUIRE(strncmp(r->setenv[i] + (r->setenv[i][0] == '-'),
		    "DIVE_", 5) != 0);
}

/* The canonical text of every rule, one a line; NULL if one is cut. */
static char *
canonical(const struct conf *c, size_t *len)
{
	char *text, *line;
	size_t i, k;

	if ((text = malloc(c->nrules * RULE_TEXT + 1)) == NULL ||
	    (line = malloc(RULE_TEXT)) == NULL) {
		free(text);
		return NULL;
	}
	*len = 0;
	for (i = 0; i < c->nrules; i++) {
		conf_rule_str(&c->rules[i], line, RULE_TEXT);
		k = strlen(line);
		REQUIRE(k < RULE_TEXT);
		if (k + 4 >= RULE_TEXT) {	/* perhaps cut: no check */
			free(text);
			free(line);
			return NULL;
		}
		memcpy(text + *len, line, k);
		*len += k;
		text[(*len)++] = '\n';
	}
	free(line);
	return text;
}

static void
round_trip(const struct conf *c)
{
	struct conf again;
	struct conf_error err;
	char *text, *t2;
	size_t len, len2;

	if ((text = canonical(c, &len)) == NULL)
		return;
	REQUIRE(conf_parse(text, len, &again, &err) == 0);
	REQUIRE(again.nrules == c->nrules);
	if ((t2 = canonical(&again, &len2)) != NULL) {
		REQUIRE(len2 == len && memcmp(t2, text, len) == 0);
		free(t2);
	}
	conf_free(&again);
	free(text);
}

static void
canon_path(const uint8_t *d, size_t n)
{
	char in[512], out[512], out2[512];

	if (n >= sizeof(in))
		return;
	memcpy(in, d, n);
	in[n] = '\0';
	if (policy_canon_path(in, out, sizeof(out)) != 0)
		return;
	REQUIRE(out[0] == '/');
	REQUIRE(policy_canon_path(out, out2, sizeof(out2)) == 0);
	REQUIRE(strcmp(out, out2) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct conf c;
	struct conf_error err;
	size_t i;

	memset(&err, 'x', sizeof(err));
	if (conf_parse((const char *)d, n, &c, &err) != 0) {
		REQUIRE(err.code > CONF_E_NONE && err.code < CONF_E_MAX);
		REQUIRE(memchr(err.msg, '\0', sizeof(err.msg)) != NULL);
		REQUIRE(err.msg[0] != '\0');
	} else {
		REQUIRE(c.nrules <= CONF_MAX_RULES);
		for (i = 0; i < c.nrules; i++)
			check_rule(&c.rules[i]);
		round_trip(&c);
		conf_free(&c);
	}
	canon_path(d, n);
	return 0;
}
