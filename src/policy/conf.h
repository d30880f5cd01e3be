/* SPDX-License-Identifier: MIT */
/* Process: pure code, called by dived at start-up and the monitor. */
/*
 * The policy language of dived.conf(5): a pure parser from text to rules.
 * No I/O and no name service lookups happen here: user and group names
 * stay names (numbers are parsed), and the caller resolves them.
 */
#ifndef DIVE_CONF_H
#define DIVE_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* Limits, checked while parsing. */
#define CONF_MAX_SIZE	(1u << 20)	/* bytes of text */
#define CONF_MAX_RULES	4096u		/* rules in one text */
#define CONF_MAX_WORDS	1024u		/* words in one rule */
#define CONF_MAX_WORD	4096u		/* bytes of one word */

enum conf_action {
	CONF_PERMIT = 1,
	CONF_DENY = 2,
};

/* Who a rule is about: the client. */
enum conf_who {
	CONF_WHO_USER = 1,	/* a user name or uid */
	CONF_WHO_GROUP = 2,	/* ":group": the client's gid or groups */
	CONF_WHO_ANY = 3,	/* "*" */
};

/* Whom the program runs as. */
enum conf_as {
	CONF_AS_DEFAULT = 1,	/* no "as": the client, or dived --user */
	CONF_AS_USER = 2,	/* "as USER" */
	CONF_AS_ANY = 3,	/* "as *" */
};

/* Options of a permit rule. */
#define CONF_OPT_KEEPENV	0x1u	/* keepenv: the client's environment */
#define CONF_OPT_KEEPLIST	0x2u	/* keepenv { ... }: some of it */
#define CONF_OPT_SETENV		0x4u	/* setenv { ... } */
#define CONF_OPT_NOFDS		0x8u	/* only descriptors 0, 1 and 2 */
#define CONF_OPT_NOROOT		0x10u	/* ignore the client's root (-r) */

/* A user or group of a rule: a name as written, or a number. */
struct conf_id {
	char *name;		/* as written; NULL for CONF_*_ANY/DEFAULT */
	bool numeric;		/* name is a number: id holds it */
	uint32_t id;		/* the number, or set by the caller */
	unsigned int col;	/* column of the name, for messages */
};

struct conf_rule {
	enum conf_action action;
	unsigned int opts;		/* CONF_OPT_* */
	unsigned int line;		/* line of the rule's first word */
	const char *origin;		/* file, or option ("--...") */
	enum conf_who who;
	struct conf_id who_id;
	enum conf_as as;
	struct conf_id as_id;
	char *cmd;			/* absolute path; NULL: any program */
	bool has_args;			/* "args": exactly these arguments */
	char **args;			/* nargs words after "args" */
	size_t nargs;
	char **keep;			/* keepenv { NAME NAME* ... } */
	size_t nkeep;
	char **setenv;			/* setenv { NAME=VALUE -NAME ... } */
	size_t nsetenv;
};

struct conf {
	struct conf_rule *rules;	/* in the order written */
	size_t nrules;
};

/* What conf_parse found wrong, and where. */
enum conf_errcode {
	CONF_E_NONE = 0,
	CONF_E_NOMEM,		/* out of memory */
	CONF_E_TOO_BIG,		/* text above CONF_MAX_SIZE */
	CONF_E_NUL,		/* a NUL byte */
	CONF_E_CR,		/* a carriage return */
	CONF_E_CONTROL,		/* another control byte */
	CONF_E_QUOTE,		/* quoted string without its end */
	CONF_E_BACKSLASH,	/* backslash at the end of the text */
	CONF_E_WORD_LONG,	/* word above CONF_MAX_WORD */
	CONF_E_TOO_MANY_WORDS,	/* rule above CONF_MAX_WORDS */
	CONF_E_TOO_MANY_RULES,	/* text above CONF_MAX_RULES */
	CONF_E_ACTION,		/* rule not starting with permit or deny */
	CONF_E_DENY_OPTION,	/* an option in a deny rule */
	CONF_E_REPEATED,	/* an option given twice */
	CONF_E_NEED_LIST,	/* setenv without { */
	CONF_E_LIST_END,	/* { without } on the line */
	CONF_E_BRACE,		/* { or } out of place */
	CONF_E_ENV_NAME,	/* not a variable name */
	CONF_E_ENV_ENTRY,	/* setenv entry not NAME=VALUE or -NAME */
	CONF_E_ENV_DIVE,	/* DIVE_* in setenv or keepenv */
	CONF_E_NO_WHO,		/* no user or group */
	CONF_E_BAD_NAME,	/* malformed user or group name */
	CONF_E_BAD_ID,		/* uid or gid out of range */
	CONF_E_NO_AS,		/* "as" without a user */
	CONF_E_NO_CMD,		/* "cmd" without a path */
	CONF_E_CMD_PATH,	/* command not an absolute, plain path */
	CONF_E_ARGS,		/* "args" without "cmd" before it */
	CONF_E_UNEXPECTED,	/* a word where the rule must end */
	CONF_E_MAX
};

struct conf_error {
	enum conf_errcode code;
	unsigned int line, col;		/* 1-based; the byte column */
	char msg[160];			/* one line, without file or line */
};

/*
 * conf_parse: parse the rules in text[0..len) (need not be
 * NUL-terminated; any bytes are accepted as input, so the function can
 * be fuzzed as is).  On success *out holds the rules (free them with
 * conf_free) and 0 is returned.  On failure nothing is left allocated,
 * err tells what and where, and E_CONF (or E_NOMEM) is returned.
 */
int conf_parse(const char *text, size_t len, struct conf *out,
    struct conf_error *err) WUR;

/* conf_free: release what conf_parse allocated; *c becomes empty. */
void conf_free(struct conf *c);

/*
 * conf_append: move every rule of src to the end of dst (src becomes
 * empty).  Returns 0 or E_NOMEM (then both are unchanged).
 */
int conf_append(struct conf *dst, struct conf *src) WUR;

/*
 * conf_rule_str: a rule in canonical form, words quoted where needed
 * ("permit keepenv alice as root cmd /usr/bin/id args -u"), into buf
 * (always NUL-terminated; "..." ends a truncated text).
 */
void conf_rule_str(const struct conf_rule *r, char *buf, size_t len);

/*
 * conf_allow: the rules of --allow-users or --allow-groups (opt): one
 * "permit keepenv NAME" (or ":NAME") for each comma-separated name in
 * list, with origin opt, appended to out.  Returns 0, or E_CONF or
 * E_NOMEM with err->msg saying why.
 */
int conf_allow(const char *opt, const char *list, bool group,
    struct conf *out, struct conf_error *err) WUR;

/*
 * conf_rule_label: where rule r comes from, "FILE:LINE" or its option
 * ("--allow-users"), into buf (len bytes, NUL-terminated).
 */
void conf_rule_label(const struct conf_rule *r, char *buf, size_t len);

/* conf_env_name: whether s[0..n) is a variable name: [A-Za-z_][A-Za-z0-9_]*. */
bool conf_env_name(const char *s, size_t n);

#endif
