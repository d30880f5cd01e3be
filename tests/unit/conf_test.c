/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of src/policy/conf.c: the dived.conf(5) language.  Every
 * syntax error with its line and column, every limit at and past it,
 * comments, quoting, escapes, continuation lines, the canonical form,
 * --allow-users and --allow-groups.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "conf.h"
#include "errors.h"

static struct conf c;
static struct conf_error e;

static int
parse(const char *text)
{
	conf_free(&c);
	return conf_parse(text, strlen(text), &c, &e);
}

static void
fini(void)
{
	conf_free(&c);
}

TestSuite(conf, .fini = fini);

/* The text must parse into n rules. */
#define OK(text, n) do {						\
	int r_ = parse(text);						\
	cr_assert_eq(r_, 0, "refused at %u:%u: %s", e.line, e.col,	\
	    e.msg);							\
	cr_assert_eq(c.nrules, (size_t)(n), "%zu rules", c.nrules);	\
} while (0)

/* The text must be refused with code at line:col, nothing allocated. */
#define BAD(text, ecode, eline, ecol) do {				\
	int r_ = parse(text);						\
	cr_assert_eq(r_, E_CONF, "not refused (%d)", r_);		\
	cr_assert_eq(e.code, ecode, "code %d (%s), expected %d",	\
	    e.code, e.msg, ecode);					\
	cr_assert_eq(e.line, (unsigned)(eline), "line %u", e.line);	\
	cr_assert_eq(e.col, (unsigned)(ecol), "column %u", e.col);	\
	cr_assert_neq(e.msg[0], '\0');					\
	cr_assert_null(c.rules);					\
	cr_assert_eq(c.nrules, 0);					\
} while (0)

/* ---- what parses ---- */

Test(conf, empty_text_and_blank_lines_have_no_rules)
{
	OK("", 0);
	OK("\n\n   \n\t\n", 0);
	OK("# only a comment\n  # another\n", 0);
}

Test(conf, a_minimal_rule)
{
	OK("permit alice", 1);
	cr_assert_eq(c.rules[0].action, CONF_PERMIT);
	cr_assert_eq(c.rules[0].who, CONF_WHO_USER);
	cr_assert_str_eq(c.rules[0].who_id.name, "alice");
	cr_assert_not(c.rules[0].who_id.numeric);
	cr_assert_eq(c.rules[0].who_id.col, 8);
	cr_assert_eq(c.rules[0].as, CONF_AS_DEFAULT);
	cr_assert_null(c.rules[0].cmd);
	cr_assert_not(c.rules[0].has_args);
	cr_assert_eq(c.rules[0].opts, 0);
	cr_assert_eq(c.rules[0].line, 1);
}

Test(conf, every_part_of_a_rule)
{
	OK("permit keepenv nofds noroot setenv { A=1 -B } :wheel as root "
	    "cmd /usr/bin/id args -u -n\n", 1);
	const struct conf_rule *r = &c.rules[0];
	cr_assert_eq(r->opts, CONF_OPT_KEEPENV | CONF_OPT_NOFDS |
	    CONF_OPT_NOROOT | CONF_OPT_SETENV);
	cr_assert_eq(r->who, CONF_WHO_GROUP);
	cr_assert_str_eq(r->who_id.name, "wheel");
	cr_assert_eq(r->as, CONF_AS_USER);
	cr_assert_str_eq(r->as_id.name, "root");
	cr_assert_str_eq(r->cmd, "/usr/bin/id");
	cr_assert(r->has_args);
	cr_assert_eq(r->nargs, 2);
	cr_assert_str_eq(r->args[0], "-u");
	cr_assert_str_eq(r->args[1], "-n");
	cr_assert_eq(r->nsetenv, 2);
	cr_assert_str_eq(r->setenv[0], "A=1");
	cr_assert_str_eq(r->setenv[1], "-B");
}

Test(conf, deny_rules)
{
	OK("deny * as * cmd /bin/sh", 1);
	cr_assert_eq(c.rules[0].action, CONF_DENY);
	cr_assert_eq(c.rules[0].who, CONF_WHO_ANY);
	cr_assert_eq(c.rules[0].as, CONF_AS_ANY);
	cr_assert_null(c.rules[0].who_id.name);
}

Test(conf, numbers_are_ids)
{
	OK("permit 1001 as 0\npermit :4294967294", 2);
	cr_assert(c.rules[0].who_id.numeric);
	cr_assert_eq(c.rules[0].who_id.id, 1001);
	cr_assert(c.rules[0].as_id.numeric);
	cr_assert_eq(c.rules[0].as_id.id, 0);
	cr_assert_eq(c.rules[1].who_id.id, 4294967294u);
}

Test(conf, args_alone_means_no_arguments)
{
	OK("permit alice cmd /bin/true args", 1);
	cr_assert(c.rules[0].has_args);
	cr_assert_eq(c.rules[0].nargs, 0);
	cr_assert_not_null(c.rules[0].args);
}

Test(conf, keywords_are_plain_words_after_args)
{
	OK("permit alice cmd /bin/echo args as cmd args permit \\#x", 1);
	cr_assert_eq(c.rules[0].nargs, 5);
	cr_assert_str_eq(c.rules[0].args[0], "as");
	cr_assert_str_eq(c.rules[0].args[4], "#x");
}

Test(conf, keepenv_alone_and_with_a_list)
{
	OK("permit keepenv alice\npermit keepenv { LANG LC_* } bob", 2);
	cr_assert_eq(c.rules[0].opts, CONF_OPT_KEEPENV);
	cr_assert_eq(c.rules[1].opts, CONF_OPT_KEEPLIST);
	cr_assert_eq(c.rules[1].nkeep, 2);
	cr_assert_str_eq(c.rules[1].keep[1], "LC_*");
}

Test(conf, braces_need_no_blanks_and_lists_may_be_empty)
{
	OK("permit setenv{A=1}keepenv{}alice", 1);
	cr_assert_eq(c.rules[0].nsetenv, 1);
	cr_assert_eq(c.rules[0].nkeep, 0);
	cr_assert_eq(c.rules[0].opts, CONF_OPT_SETENV | CONF_OPT_KEEPLIST);
}

Test(conf, comments_end_rules_and_hash_inside_a_word_is_text)
{
	OK("permit alice # not bob\npermit setenv { C=#fff } bob cmd /x "
	    "args a#b #c", 2);
	cr_assert_str_eq(c.rules[0].who_id.name, "alice");
	cr_assert_str_eq(c.rules[1].setenv[0], "C=#fff");
	cr_assert_eq(c.rules[1].nargs, 1);
	cr_assert_str_eq(c.rules[1].args[0], "a#b");
}

Test(conf, quotes_and_escapes)
{
	OK("permit alice cmd /bin/echo args \"a b\" 'c' \"\" x\\ y "
	    "\"q\\\"q\" \\# \"back\\\\slash\" a\"b\"c", 1);
	const struct conf_rule *r = &c.rules[0];
	cr_assert_eq(r->nargs, 8);
	cr_assert_str_eq(r->args[0], "a b");
	cr_assert_str_eq(r->args[1], "'c'");	/* only double quotes */
	cr_assert_str_eq(r->args[2], "");
	cr_assert_str_eq(r->args[3], "x y");
	cr_assert_str_eq(r->args[4], "q\"q");
	cr_assert_str_eq(r->args[5], "#");
	cr_assert_str_eq(r->args[6], "back\\slash");
	cr_assert_str_eq(r->args[7], "abc");
}

Test(conf, quoted_words_are_never_keywords)
{
	OK("permit \"keepenv\"\npermit \"as\" as \"cmd\"\n", 2);
	cr_assert_eq(c.rules[0].opts, 0);
	cr_assert_str_eq(c.rules[0].who_id.name, "keepenv");
	cr_assert_str_eq(c.rules[1].who_id.name, "as");
	cr_assert_str_eq(c.rules[1].as_id.name, "cmd");
	cr_assert_null(c.rules[1].cmd);
}

Test(conf, an_escaped_keyword_is_a_word_too)
{
	OK("permit \\nofds", 1);
	cr_assert_eq(c.rules[0].opts, 0);
	cr_assert_str_eq(c.rules[0].who_id.name, "nofds");
}

Test(conf, continuation_lines_join_a_rule)
{
	OK("# a\npermit keepenv \\\n   alice \\\n  cmd /bin/ls\npermit bob", 2);
	cr_assert_eq(c.rules[0].line, 2);
	cr_assert_str_eq(c.rules[0].cmd, "/bin/ls");
	cr_assert_eq(c.rules[1].line, 5);
}

Test(conf, a_continuation_separates_words)
{
	OK("permit alice\\\ncmd /bin/ls", 1);
	cr_assert_str_eq(c.rules[0].who_id.name, "alice");
	cr_assert_str_eq(c.rules[0].cmd, "/bin/ls");
}

Test(conf, a_continuation_inside_quotes_joins_the_text)
{
	OK("permit alice cmd /bin/echo args \"ab\\\ncd\" x", 1);
	cr_assert_str_eq(c.rules[0].args[0], "abcd");
	cr_assert_str_eq(c.rules[0].args[1], "x");
}

Test(conf, a_comment_ends_at_the_newline_even_after_a_backslash)
{
	OK("permit alice # comment \\\npermit bob", 2);
}

Test(conf, a_last_line_without_newline)
{
	OK("permit alice\npermit bob", 2);
	cr_assert_eq(c.rules[1].line, 2);
}

Test(conf, tabs_are_blanks_and_utf8_is_text)
{
	OK("permit\talice\tcmd\t/bin/echo args \xc3\xa9t\xc3\xa9", 1);
	cr_assert_str_eq(c.rules[0].args[0], "\xc3\xa9t\xc3\xa9");
}

Test(conf, the_text_need_not_end_in_nul)
{
	const char text[] = "permit alicebob";

	conf_free(&c);
	cr_assert_eq(conf_parse(text, 12, &c, &e), 0);
	cr_assert_str_eq(c.rules[0].who_id.name, "alice");
}

Test(conf, names_allowed_for_users_and_groups)
{
	OK("permit a.b-c_d@e$\npermit :_x.y", 2);
	cr_assert_str_eq(c.rules[0].who_id.name, "a.b-c_d@e$");
	cr_assert_str_eq(c.rules[1].who_id.name, "_x.y");
}

/* ---- every syntax error, with its line and column ---- */

Test(conf, error_text_too_big)
{
	char *big = malloc(CONF_MAX_SIZE + 1);

	memset(big, '\n', CONF_MAX_SIZE + 1);
	conf_free(&c);
	cr_assert_eq(conf_parse(big, CONF_MAX_SIZE + 1, &c, &e), E_CONF);
	cr_assert_eq(e.code, CONF_E_TOO_BIG);
	cr_assert_eq(conf_parse(big, CONF_MAX_SIZE, &c, &e), 0);
	cr_assert_eq(c.nrules, 0);
	free(big);
}

Test(conf, error_nul_byte)
{
	conf_free(&c);
	cr_assert_eq(conf_parse("permit a\nlic\0e", 14, &c, &e), E_CONF);
	cr_assert_eq(e.code, CONF_E_NUL);
	cr_assert_eq(e.line, 2);
	cr_assert_eq(e.col, 4);
}

Test(conf, error_carriage_return)
{
	BAD("permit alice\r\n", CONF_E_CR, 1, 13);
}

Test(conf, error_control_bytes_anywhere_even_in_comments)
{
	BAD("permit alice\n# \x1b[31m\n", CONF_E_CONTROL, 2, 3);
	BAD("permit \x7f", CONF_E_CONTROL, 1, 8);
	BAD("permit \"a\x01\"", CONF_E_CONTROL, 1, 10);
}

Test(conf, error_unterminated_quote)
{
	BAD("permit alice\npermit \"bob\npermit carol", CONF_E_QUOTE, 2, 8);
	BAD("permit \"bob", CONF_E_QUOTE, 1, 8);
}

Test(conf, error_backslash_at_the_end)
{
	BAD("permit alice\\", CONF_E_BACKSLASH, 1, 13);
}

Test(conf, error_word_too_long_at_the_limit_and_past_it)
{
	char *t = malloc(CONF_MAX_WORD + 32);

	memcpy(t, "permit ", 7);
	memset(t + 7, 'a', CONF_MAX_WORD);
	t[7 + CONF_MAX_WORD] = '\0';
	/* A 4096-byte word is long enough for a name to be refused... */
	BAD(t, CONF_E_BAD_NAME, 1, 8);
	/* ... but not for its length; one more byte is. */
	t[7 + CONF_MAX_WORD] = 'a';
	t[8 + CONF_MAX_WORD] = '\0';
	BAD(t, CONF_E_WORD_LONG, 1, 8);
	free(t);
}

/* Append s at *len in t (room checked by the caller's allocation). */
static void
append(char *t, size_t *len, const char *s)
{
	size_t n = strlen(s);

	memcpy(t + *len, s, n + 1);
	*len += n;
}

Test(conf, error_too_many_words_at_the_limit_and_past_it)
{
	size_t n = 5, i, len = 0;
	char *t = malloc(16 + CONF_MAX_WORDS * 3);

	cr_assert_not_null(t);
	append(t, &len, "permit a cmd /x args");	/* 5 words */
	for (i = n; i < CONF_MAX_WORDS; i++)
		append(t, &len, " y");
	OK(t, 1);
	cr_assert_eq(c.rules[0].nargs, CONF_MAX_WORDS - 5);
	append(t, &len, " z");
	BAD(t, CONF_E_TOO_MANY_WORDS, 1, 20 + 2 * (CONF_MAX_WORDS - 4));
	free(t);
}

Test(conf, error_too_many_rules_at_the_limit_and_past_it)
{
	size_t i, len = 0;
	char *t = malloc(CONF_MAX_RULES * 9 + 16);

	cr_assert_not_null(t);
	t[0] = '\0';
	for (i = 0; i < CONF_MAX_RULES; i++)
		append(t, &len, "permit a\n");
	OK(t, CONF_MAX_RULES);
	append(t, &len, "permit b\n");
	BAD(t, CONF_E_TOO_MANY_RULES, CONF_MAX_RULES + 1, 1);
	free(t);
}

Test(conf, error_no_action)
{
	BAD("allow alice", CONF_E_ACTION, 1, 1);
	BAD("permit a\n  Permit b", CONF_E_ACTION, 2, 3);
	BAD("\"permit\" alice", CONF_E_ACTION, 1, 1);
	BAD("{ permit }", CONF_E_ACTION, 1, 1);
}

Test(conf, error_options_in_a_deny_rule)
{
	BAD("deny keepenv alice", CONF_E_DENY_OPTION, 1, 6);
	BAD("deny nofds alice", CONF_E_DENY_OPTION, 1, 6);
}

Test(conf, error_repeated_options)
{
	BAD("permit nofds noroot nofds alice", CONF_E_REPEATED, 1, 21);
	BAD("permit keepenv keepenv { A } alice", CONF_E_REPEATED, 1, 16);
	BAD("permit keepenv { A } keepenv alice", CONF_E_REPEATED, 1, 22);
	BAD("permit setenv {} setenv {} alice", CONF_E_REPEATED, 1, 18);
}

Test(conf, error_setenv_without_a_list)
{
	BAD("permit setenv alice", CONF_E_NEED_LIST, 1, 15);
	BAD("permit setenv", CONF_E_NEED_LIST, 1, 14);
}

Test(conf, error_list_without_its_end)
{
	BAD("permit setenv { A=1 alice", CONF_E_LIST_END, 1, 15);
	BAD("permit keepenv {\n} alice", CONF_E_LIST_END, 1, 16);
}

Test(conf, error_braces_out_of_place)
{
	BAD("permit alice {", CONF_E_BRACE, 1, 14);
	BAD("permit }", CONF_E_BRACE, 1, 8);
	BAD("permit keepenv { A { B } } alice", CONF_E_BRACE, 1, 20);
	BAD("permit alice as {", CONF_E_BRACE, 1, 17);
	BAD("permit alice cmd }", CONF_E_BRACE, 1, 18);
	BAD("permit alice cmd /bin/ls args a { b", CONF_E_BRACE, 1, 33);
}

Test(conf, error_bad_variable_names)
{
	BAD("permit keepenv { 1A } alice", CONF_E_ENV_NAME, 1, 18);
	BAD("permit keepenv { A-B } alice", CONF_E_ENV_NAME, 1, 18);
	BAD("permit keepenv { * } alice", CONF_E_ENV_NAME, 1, 18);
	BAD("permit keepenv { A*B } alice", CONF_E_ENV_NAME, 1, 18);
}

Test(conf, error_bad_setenv_entries)
{
	BAD("permit setenv { FOO } alice", CONF_E_ENV_ENTRY, 1, 17);
	BAD("permit setenv { -FOO=1 } alice", CONF_E_ENV_ENTRY, 1, 17);
	BAD("permit setenv { =x } alice", CONF_E_ENV_ENTRY, 1, 17);
	BAD("permit setenv { A=1 9B=2 } alice", CONF_E_ENV_ENTRY, 1, 21);
}

Test(conf, error_dive_variables_cannot_be_set_or_kept)
{
	BAD("permit setenv { DIVE_UID=0 } alice", CONF_E_ENV_DIVE, 1, 17);
	BAD("permit setenv { -DIVE_USER } alice", CONF_E_ENV_DIVE, 1, 17);
	BAD("permit keepenv { DIVE_PID } alice", CONF_E_ENV_DIVE, 1, 18);
}

Test(conf, error_no_user_or_group)
{
	BAD("permit", CONF_E_NO_WHO, 1, 7);
	BAD("permit keepenv nofds\n", CONF_E_NO_WHO, 1, 21);
	BAD("deny # nobody", CONF_E_NO_WHO, 1, 14);
}

Test(conf, error_bad_names)
{
	BAD("permit al/ice", CONF_E_BAD_NAME, 1, 8);
	BAD("permit :", CONF_E_BAD_NAME, 1, 8);
	BAD("permit -alice", CONF_E_BAD_NAME, 1, 8);
	BAD("permit \"*\"", CONF_E_BAD_NAME, 1, 8);
	BAD("permit alice as \"\"", CONF_E_BAD_NAME, 1, 17);
	BAD("permit ::wheel", CONF_E_BAD_NAME, 1, 8);
}

Test(conf, error_ids_out_of_range)
{
	BAD("permit 4294967295", CONF_E_BAD_ID, 1, 8);
	BAD("permit :99999999999999999999999", CONF_E_BAD_ID, 1, 8);
	BAD("permit a as 4294967295", CONF_E_BAD_ID, 1, 13);
}

Test(conf, error_as_without_a_user)
{
	BAD("permit alice as", CONF_E_NO_AS, 1, 16);
	BAD("permit alice as # x", CONF_E_NO_AS, 1, 20);
}

Test(conf, error_cmd_without_a_path)
{
	BAD("permit alice cmd", CONF_E_NO_CMD, 1, 17);
}

Test(conf, error_command_paths)
{
	BAD("permit alice cmd bin/ls", CONF_E_CMD_PATH, 1, 18);
	BAD("permit alice cmd ls", CONF_E_CMD_PATH, 1, 18);
	BAD("permit alice cmd /usr/../bin/ls", CONF_E_CMD_PATH, 1, 18);
	BAD("permit alice cmd /usr/./ls", CONF_E_CMD_PATH, 1, 18);
	BAD("permit alice cmd /usr//ls", CONF_E_CMD_PATH, 1, 18);
	BAD("permit alice cmd /usr/bin/", CONF_E_CMD_PATH, 1, 18);
	BAD("permit alice cmd /", CONF_E_CMD_PATH, 1, 18);
	BAD("permit alice cmd /..", CONF_E_CMD_PATH, 1, 18);
}

Test(conf, error_args_without_cmd)
{
	BAD("permit alice args x", CONF_E_ARGS, 1, 14);
	BAD("permit alice as bob args", CONF_E_ARGS, 1, 21);
}

Test(conf, error_words_after_the_rule)
{
	BAD("permit alice bob", CONF_E_UNEXPECTED, 1, 14);
	BAD("permit alice cmd /bin/ls as root", CONF_E_UNEXPECTED, 1, 26);
	BAD("permit alice as bob as carol", CONF_E_UNEXPECTED, 1, 21);
	BAD("permit a\npermit b\n\npermit c d", CONF_E_UNEXPECTED, 4, 10);
}

Test(conf, errors_count_lines_across_continuations)
{
	BAD("permit \\\n  alice \\\n  bob", CONF_E_UNEXPECTED, 3, 3);
}

Test(conf, every_error_code_has_a_test)
{
	/* CONF_E_NOMEM aside, the tests above use each code: keep the list
	 * of codes and these tests in step. */
	cr_assert_eq(CONF_E_MAX, CONF_E_UNEXPECTED + 1);
}

/* ---- the canonical form ---- */

static void
round_trip(const char *text, const char *canon)
{
	char buf[512], again[512];

	OK(text, 1);
	conf_rule_str(&c.rules[0], buf, sizeof(buf));
	cr_assert_str_eq(buf, canon);
	OK(buf, 1);
	conf_rule_str(&c.rules[0], again, sizeof(again));
	cr_assert_str_eq(again, canon);
}

Test(conf, canonical_form_reads_back_the_same)
{
	round_trip("permit   alice", "permit alice");
	round_trip("permit nofds keepenv { A } setenv{B=\"x y\"} :g as * "
	    "cmd /bin/echo args \"\" \"a\\\"b\" as \\\\",
	    "permit keepenv { A } setenv { \"B=x y\" } nofds :g as * "
	    "cmd /bin/echo args \"\" \"a\\\"b\" \"as\" \"\\\\\"");
	round_trip("deny * cmd /bin/sh", "deny * cmd /bin/sh");
	round_trip("permit \"cmd\" as 0", "permit \"cmd\" as 0");
}

Test(conf, canonical_form_truncated_with_dots)
{
	char buf[16];

	OK("permit alice cmd /usr/bin/something", 1);
	conf_rule_str(&c.rules[0], buf, sizeof(buf));
	cr_assert_lt(strlen(buf), sizeof(buf), "%s", buf);
	cr_assert_eq(strncmp(buf, "permit alice", 12), 0, "%s", buf);
	cr_assert_str_eq(buf + strlen(buf) - 3, "...");
}

Test(conf, rule_labels)
{
	char buf[64];

	OK("\n\npermit alice", 1);
	c.rules[0].origin = "/etc/dived.conf";
	conf_rule_label(&c.rules[0], buf, sizeof(buf));
	cr_assert_str_eq(buf, "/etc/dived.conf:3");
	c.rules[0].origin = "--allow-users";
	conf_rule_label(&c.rules[0], buf, sizeof(buf));
	cr_assert_str_eq(buf, "--allow-users");
}

/* ---- --allow-users, --allow-groups, conf_append ---- */

Test(conf, allow_users_makes_one_keepenv_rule_per_name)
{
	conf_free(&c);
	cr_assert_eq(conf_allow("--allow-users", "alice,1002,nofds", false,
	    &c, &e), 0);
	cr_assert_eq(c.nrules, 3);
	cr_assert_eq(c.rules[0].opts, CONF_OPT_KEEPENV);
	cr_assert_str_eq(c.rules[0].who_id.name, "alice");
	cr_assert(c.rules[1].who_id.numeric);
	cr_assert_str_eq(c.rules[2].who_id.name, "nofds");
	cr_assert_str_eq(c.rules[2].origin, "--allow-users");
	cr_assert_eq(c.rules[2].as, CONF_AS_DEFAULT);
}

Test(conf, allow_groups_appends_group_rules)
{
	conf_free(&c);
	cr_assert_eq(conf_allow("--allow-users", "a", false, &c, &e), 0);
	cr_assert_eq(conf_allow("--allow-groups", "wheel,adm", true, &c, &e),
	    0);
	cr_assert_eq(c.nrules, 3);
	cr_assert_eq(c.rules[1].who, CONF_WHO_GROUP);
	cr_assert_str_eq(c.rules[2].who_id.name, "adm");
}

Test(conf, allow_refuses_bad_names)
{
	conf_free(&c);
	cr_assert_eq(conf_allow("--allow-users", "alice,b\"ob", false, &c,
	    &e), E_CONF);
	cr_assert_eq(e.code, CONF_E_BAD_NAME);
	cr_assert_eq(c.nrules, 0);
	cr_assert_eq(conf_allow("--allow-users", "a,,b", false, &c, &e),
	    E_CONF);
	cr_assert_eq(conf_allow("--allow-users", "", false, &c, &e), E_CONF);
	cr_assert_eq(e.code, CONF_E_NO_WHO);
	cr_assert_eq(conf_allow("--allow-groups", "a b", true, &c, &e),
	    E_CONF);
}

Test(conf, append_moves_the_rules)
{
	struct conf more;
	struct conf_error e2;

	OK("permit a", 1);
	cr_assert_eq(conf_parse("permit b\npermit c", 17, &more, &e2), 0);
	cr_assert_eq(conf_append(&c, &more), 0);
	cr_assert_eq(c.nrules, 3);
	cr_assert_eq(more.nrules, 0);
	cr_assert_null(more.rules);
	cr_assert_str_eq(c.rules[2].who_id.name, "c");
}

Test(conf, env_names)
{
	cr_assert(conf_env_name("A_1", 3));
	cr_assert(conf_env_name("_", 1));
	cr_assert_not(conf_env_name("1A", 2));
	cr_assert_not(conf_env_name("", 0));
	cr_assert_not(conf_env_name("A=", 2));
}
