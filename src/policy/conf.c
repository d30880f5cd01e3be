/* SPDX-License-Identifier: MIT */
/* Process: pure code, called by dived at start-up and the monitor. */
/*
 * Runs in: dived (root) at start-up and dived --check-config (any user);
 * the fuzzers.  Trusts: nothing in the text: every byte is checked, every
 * count bounded (CONF_MAX_*), every error reported with its line and
 * column.  A pure function of its input: no I/O, no name lookups.
 *
 * A text is lines; a line holds at most one rule, words separated by
 * blanks.  The lexer turns one rule (a line, with its continuations)
 * into tokens; the parser checks the tokens against the grammar of
 * dived.conf(5).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "errors.h"
#include "msg.h"
#include "num.h"

enum tok_kind { T_WORD, T_LBRACE, T_RBRACE, T_END };

struct tok {
	enum tok_kind kind;
	bool quoted;		/* some of it quoted or escaped: no keyword */
	unsigned int line, col;
	char *text;		/* T_WORD: owned until taken */
};

struct lexer {
	const char *p, *end;
	unsigned int line;
	const char *bol;		/* beginning of the current line */
	struct conf_error *err;
	struct tok tok[CONF_MAX_WORDS + 1];	/* one rule and its end */
	size_t ntok;
};

static int
set_err(struct conf_error *err, enum conf_errcode code, unsigned int line,
    unsigned int col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static int
set_err(struct conf_error *err, enum conf_errcode code, unsigned int line,
    unsigned int col, const char *fmt, ...)
{
	va_list ap;

	err->code = code;
	err->line = line;
	err->col = col;
	va_start(ap, fmt);
	(void)vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return code == CONF_E_NOMEM ? E_NOMEM : E_CONF;
}

/* Bytes no text may hold, wherever they are (comments too). */
static int
check_bytes(const char *text, size_t len, struct conf_error *err)
{
	unsigned int line = 1, col = 1;
	unsigned char c;
	size_t i;

	for (i = 0; i < len; i++, col++) {
		c = (unsigned char)text[i];
		if (c == '\n') {
			line++;
			col = 0;
		} else if (c == '\0')
			return set_err(err, CONF_E_NUL, line, col,
			    "NUL byte");
		else if (c == '\r')
			return set_err(err, CONF_E_CR, line, col,
			    "carriage return (a DOS line ending?)");
		else if ((c < 0x20 && c != '\t') || c == 0x7f)
			return set_err(err, CONF_E_CONTROL, line, col,
			    "control character 0x%02x", c);
	}
	return 0;
}

static unsigned int
col_of(const struct lexer *lx, const char *p)
{
	return (unsigned int)(p - lx->bol) + 1;
}

static void
newline(struct lexer *lx, const char *nl)
{
	lx->line++;
	lx->bol = nl + 1;
}

/* Append one byte to a word being built in w[0..*n). */
static int
word_add(struct lexer *lx, char *w, size_t *n, char c, const struct tok *t)
{
	if (*n >= CONF_MAX_WORD)
		return set_err(lx->err, CONF_E_WORD_LONG, t->line, t->col,
		    "word longer than %u bytes", CONF_MAX_WORD);
	w[(*n)++] = c;
	return 0;
}

/* Inside "...": up to the closing quote; a backslash escapes one byte. */
static int
lex_quoted(struct lexer *lx, char *w, size_t *n, const struct tok *t)
{
	const char *open = lx->p++;
	unsigned int oline = lx->line, ocol = col_of(lx, open);
	int r;

	for (;;) {
		if (lx->p == lx->end || *lx->p == '\n')
			return set_err(lx->err, CONF_E_QUOTE, oline, ocol,
			    "quoted string without its closing quote on "
			    "this line");
		if (*lx->p == '"') {
			lx->p++;
			return 0;
		}
		if (*lx->p == '\\' && lx->p + 1 < lx->end) {
			if (lx->p[1] == '\n') {		/* joins the lines */
				newline(lx, lx->p + 1);
				lx->p += 2;
				continue;
			}
			lx->p++;
		}
		if ((r = word_add(lx, w, n, *lx->p++, t)) != 0)
			return r;
	}
}

static bool
ends_word(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '{' || c == '}';
}

static int
lex_word(struct lexer *lx, struct tok *t, char *w)
{
	size_t n = 0;
	int r;

	t->kind = T_WORD;
	while (lx->p < lx->end && !ends_word(*lx->p)) {
		if (*lx->p == '"') {
			t->quoted = true;
			if ((r = lex_quoted(lx, w, &n, t)) != 0)
				return r;
			continue;
		}
		if (*lx->p == '\\') {
			if (lx->p + 1 == lx->end)
				return set_err(lx->err, CONF_E_BACKSLASH,
				    lx->line, col_of(lx, lx->p),
				    "backslash at the end of the file");
			if (lx->p[1] == '\n')	/* continuation: a blank */
				break;
			t->quoted = true;
			lx->p++;
		}
		if ((r = word_add(lx, w, &n, *lx->p++, t)) != 0)
			return r;
	}
	if ((t->text = malloc(n + 1)) == NULL)
		return set_err(lx->err, CONF_E_NOMEM, t->line, t->col,
		    "out of memory");
	memcpy(t->text, w, n);
	t->text[n] = '\0';
	return 0;
}

/* Blanks, continuations and comments before the next token. */
static void
skip_blanks(struct lexer *lx)
{
	while (lx->p < lx->end) {
		if (*lx->p == ' ' || *lx->p == '\t')
			lx->p++;
		else if (*lx->p == '\\' && lx->p + 1 < lx->end &&
		    lx->p[1] == '\n') {
			newline(lx, lx->p + 1);
			lx->p += 2;
		} else if (*lx->p == '#') {
			while (lx->p < lx->end && *lx->p != '\n')
				lx->p++;
		} else
			return;
	}
}

static int
lex_one(struct lexer *lx, struct tok *t, char *w)
{
	skip_blanks(lx);
	memset(t, 0, sizeof(*t));
	t->line = lx->line;
	t->col = col_of(lx, lx->p);
	if (lx->p == lx->end)
		t->kind = T_END;
	else if (*lx->p == '\n') {
		t->kind = T_END;
		newline(lx, lx->p++);
	} else if (*lx->p == '{' || *lx->p == '}') {
		t->kind = *lx->p++ == '{' ? T_LBRACE : T_RBRACE;
	} else
		return lex_word(lx, t, w);
	return 0;
}

static void
free_tokens(struct lexer *lx)
{
	size_t i;

	for (i = 0; i < lx->ntok; i++)
		free(lx->tok[i].text);
	lx->ntok = 0;
}

/* The tokens of the next rule, ending with its T_END.  w: scratch. */
static int
lex_rule(struct lexer *lx, char *w)
{
	struct tok *t;
	int r;

	free_tokens(lx);
	for (;;) {
		t = &lx->tok[lx->ntok];
		if ((r = lex_one(lx, t, w)) != 0)
			return r;
		lx->ntok++;
		if (t->kind == T_END)
			return 0;
		if (lx->ntok > CONF_MAX_WORDS)
			return set_err(lx->err, CONF_E_TOO_MANY_WORDS, t->line,
			    t->col, "more than %u words in one rule",
			    CONF_MAX_WORDS);
	}
}

/* ---- the grammar ---- */

struct parser {
	struct lexer *lx;
	size_t i;			/* next token */
	struct conf_rule *r;
};

static struct tok *
peek(struct parser *ps)
{
	return &ps->lx->tok[ps->i];
}

static bool
is_kw(const struct tok *t, const char *kw)
{
	return t->kind == T_WORD && !t->quoted && strcmp(t->text, kw) == 0;
}

static const char *
tok_str(const struct tok *t)
{
	switch (t->kind) {
	case T_WORD:
		return t->text;
	case T_LBRACE:
		return "{";
	case T_RBRACE:
		return "}";
	case T_END:
		break;
	}
	return "end of line";
}

/* "expected X, not 'Y'" at token t. */
static int
perr(struct parser *ps, const struct tok *t, enum conf_errcode code,
    const char *what)
{
	if (t->kind == T_END)
		return set_err(ps->lx->err, code, t->line, t->col,
		    "%s before the end of the line", what);
	return set_err(ps->lx->err, code, t->line, t->col, "%s, not '%.48s'",
	    what, tok_str(t));
}

/* Take a word's text out of its token: the rule owns it now. */
static char *
take(struct tok *t)
{
	char *s = t->text;

	t->text = NULL;
	return s;
}

bool
conf_env_name(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || (s[0] >= '0' && s[0] <= '9'))
		return false;
	for (i = 0; i < n; i++)
		if (!(s[i] == '_' || (s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9')))
			return false;
	return true;
}

static bool
is_dive_name(const char *s)
{
	return strncmp(s, "DIVE_", 5) == 0;
}

/* One entry of keepenv { }: NAME or a prefix NAME*. */
static int
check_keep(struct parser *ps, const struct tok *t)
{
	size_t n = strlen(t->text);

	if (n > 1 && t->text[n - 1] == '*')
		n--;
	if (!conf_env_name(t->text, n))
		return perr(ps, t, CONF_E_ENV_NAME, "expected a variable "
		    "name (or a prefix ending in *)");
	if (is_dive_name(t->text))
		return set_err(ps->lx->err, CONF_E_ENV_DIVE, t->line, t->col,
		    "'%.48s': DIVE_* variables are set by dived", t->text);
	return 0;
}

/* One entry of setenv { }: NAME=VALUE or -NAME. */
static int
check_set(struct parser *ps, const struct tok *t)
{
	const char *s = t->text, *eq = strchr(s, '=');
	bool unset = s[0] == '-';
	size_t n = unset ? strlen(s + 1) : eq != NULL ? (size_t)(eq - s) : 0;

	if (unset ? !conf_env_name(s + 1, n) || eq != NULL :
	    eq == NULL || !conf_env_name(s, n))
		return perr(ps, t, CONF_E_ENV_ENTRY, "expected NAME=VALUE or "
		    "-NAME");
	if (is_dive_name(s + unset))
		return set_err(ps->lx->err, CONF_E_ENV_DIVE, t->line, t->col,
		    "'%.48s': DIVE_* variables are set by dived", s);
	return 0;
}

/* { WORD ... } into a new vector; the opening brace is next. */
static int
parse_list(struct parser *ps, char ***vec, size_t *n, bool keep)
{
	const struct tok *open = peek(ps);
	struct tok *t;
	size_t cnt = 0, i;
	int r;

	for (i = ps->i + 1; ps->lx->tok[i].kind == T_WORD; i++)
		cnt++;
	if (ps->lx->tok[i].kind == T_END)
		return set_err(ps->lx->err, CONF_E_LIST_END, open->line,
		    open->col, "'{' without its '}' on this line");
	if (ps->lx->tok[i].kind == T_LBRACE)
		return perr(ps, &ps->lx->tok[i], CONF_E_BRACE,
		    "lists do not nest: expected a word or '}'");
	if ((*vec = calloc(cnt + 1, sizeof(char *))) == NULL)
		return set_err(ps->lx->err, CONF_E_NOMEM, open->line,
		    open->col, "out of memory");
	for (ps->i++; (t = peek(ps))->kind == T_WORD; ps->i++) {
		if ((r = keep ? check_keep(ps, t) : check_set(ps, t)) != 0)
			return r;
		(*vec)[(*n)++] = take(t);
	}
	ps->i++;	/* the '}' */
	return 0;
}

static int
parse_option(struct parser *ps, unsigned int bit)
{
	struct conf_rule *r = ps->r;
	const struct tok *t = peek(ps);
	unsigned int have = bit == CONF_OPT_KEEPENV ?
	    CONF_OPT_KEEPENV | CONF_OPT_KEEPLIST : bit;

	if (r->action == CONF_DENY)
		return set_err(ps->lx->err, CONF_E_DENY_OPTION, t->line,
		    t->col, "deny rules take no options (%s)", t->text);
	if (r->opts & have)
		return set_err(ps->lx->err, CONF_E_REPEATED, t->line, t->col,
		    "option %s given twice", t->text);
	ps->i++;
	if (bit == CONF_OPT_KEEPENV && peek(ps)->kind == T_LBRACE) {
		r->opts |= CONF_OPT_KEEPLIST;
		return parse_list(ps, &r->keep, &r->nkeep, true);
	}
	if (bit == CONF_OPT_SETENV) {
		if (peek(ps)->kind != T_LBRACE)
			return perr(ps, peek(ps), CONF_E_NEED_LIST,
			    "setenv needs a list in braces: expected '{'");
		r->opts |= bit;
		return parse_list(ps, &r->setenv, &r->nsetenv, false);
	}
	r->opts |= bit;
	return 0;
}

static int
parse_options(struct parser *ps)
{
	static const struct {
		const char *kw;
		unsigned int bit;
	} opts[] = {
		{ "keepenv", CONF_OPT_KEEPENV }, { "setenv", CONF_OPT_SETENV },
		{ "nofds", CONF_OPT_NOFDS }, { "noroot", CONF_OPT_NOROOT },
	};
	size_t k;
	int r;

	for (;;) {
		for (k = 0; k < sizeof(opts) / sizeof(opts[0]); k++)
			if (is_kw(peek(ps), opts[k].kw))
				break;
		if (k == sizeof(opts) / sizeof(opts[0]))
			return 0;
		if ((r = parse_option(ps, opts[k].bit)) != 0)
			return r;
	}
}

/* A user or group: a name (msg_check_user's characters) or a number. */
static int
parse_id(struct parser *ps, struct tok *t, const char *s, struct conf_id *id,
    const char *what)
{
	unsigned long long n;

	id->col = t->col;
	if (s[strspn(s, "0123456789")] == '\0' && s[0] != '\0') {
		if (num_parse_base(s, 10, 4294967294ULL, &n) != 0)
			return set_err(ps->lx->err, CONF_E_BAD_ID, t->line,
			    t->col, "%s id %.48s out of range (0 to "
			    "4294967294)", what, s);
		id->numeric = true;
		id->id = (uint32_t)n;
	} else if (msg_check_user(s) != 0) {
		return set_err(ps->lx->err, CONF_E_BAD_NAME, t->line, t->col,
		    "'%.48s' is not a valid %s name (letters, digits and "
		    "._@$-, not starting with -)", s, what);
	}
	if ((id->name = strdup(s)) == NULL)
		return set_err(ps->lx->err, CONF_E_NOMEM, t->line, t->col,
		    "out of memory");
	return 0;
}

static int
parse_who(struct parser *ps)
{
	struct conf_rule *r = ps->r;
	struct tok *t = peek(ps);

	if (t->kind != T_WORD)
		return perr(ps, t, t->kind == T_END ? CONF_E_NO_WHO :
		    CONF_E_BRACE, "expected a user, :group or *");
	ps->i++;
	if (is_kw(t, "*")) {
		r->who = CONF_WHO_ANY;
		return 0;
	}
	if (t->text[0] == ':') {
		r->who = CONF_WHO_GROUP;
		return parse_id(ps, t, t->text + 1, &r->who_id, "group");
	}
	r->who = CONF_WHO_USER;
	return parse_id(ps, t, t->text, &r->who_id, "user");
}

static int
parse_as(struct parser *ps)
{
	struct conf_rule *r = ps->r;
	struct tok *t;

	r->as = CONF_AS_DEFAULT;
	if (!is_kw(peek(ps), "as"))
		return 0;
	t = &ps->lx->tok[++ps->i];
	if (t->kind != T_WORD)
		return perr(ps, t, t->kind == T_END ? CONF_E_NO_AS :
		    CONF_E_BRACE, "expected a user or * after 'as'");
	ps->i++;
	if (is_kw(t, "*")) {
		r->as = CONF_AS_ANY;
		return 0;
	}
	r->as = CONF_AS_USER;
	return parse_id(ps, t, t->text, &r->as_id, "user");
}

/* An absolute path without empty, "." or ".." components. */
static bool
plain_path(const char *s)
{
	const char *c;
	size_t n;

	if (s[0] != '/')
		return false;
	for (c = s + 1;; c += n + 1) {
		n = strcspn(c, "/");
		if (n == 0 || (n == 1 && c[0] == '.') ||
		    (n == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		if (c[n] == '\0')
			return true;
	}
}

static int
parse_args(struct parser *ps)
{
	struct conf_rule *r = ps->r;
	struct tok *t;
	size_t n = 0, i;

	r->has_args = true;
	for (i = ++ps->i; ps->lx->tok[i].kind == T_WORD; i++)
		n++;
	if ((r->args = calloc(n + 1, sizeof(char *))) == NULL)
		return set_err(ps->lx->err, CONF_E_NOMEM, peek(ps)->line,
		    peek(ps)->col, "out of memory");
	while ((t = peek(ps))->kind == T_WORD) {
		r->args[r->nargs++] = take(t);
		ps->i++;
	}
	return 0;
}

static int
parse_cmd(struct parser *ps)
{
	struct conf_rule *r = ps->r;
	struct tok *t;

	if (is_kw(peek(ps), "args"))
		return perr(ps, peek(ps), CONF_E_ARGS, "'args' needs 'cmd "
		    "PATH' before it");
	if (!is_kw(peek(ps), "cmd"))
		return 0;
	t = &ps->lx->tok[++ps->i];
	if (t->kind != T_WORD)
		return perr(ps, t, t->kind == T_END ? CONF_E_NO_CMD :
		    CONF_E_BRACE, "expected a path after 'cmd'");
	if (!plain_path(t->text))
		return perr(ps, t, CONF_E_CMD_PATH, "the command must be an "
		    "absolute path without empty, . or .. components");
	r->cmd = take(t);
	ps->i++;
	return is_kw(peek(ps), "args") ? parse_args(ps) : 0;
}

/* permit|deny [options] who [as user] [cmd path [args word...]] */
static int
parse_rule(struct parser *ps)
{
	struct tok *t = peek(ps);
	int r;

	ps->r->line = t->line;
	if (is_kw(t, "permit"))
		ps->r->action = CONF_PERMIT;
	else if (is_kw(t, "deny"))
		ps->r->action = CONF_DENY;
	else
		return perr(ps, t, CONF_E_ACTION, "expected 'permit' or "
		    "'deny'");
	ps->i++;
	if ((r = parse_options(ps)) != 0 || (r = parse_who(ps)) != 0 ||
	    (r = parse_as(ps)) != 0 || (r = parse_cmd(ps)) != 0)
		return r;
	t = peek(ps);
	if (t->kind == T_END)
		return 0;
	return perr(ps, t, t->kind == T_WORD ? CONF_E_UNEXPECTED :
	    CONF_E_BRACE, "expected the end of the rule");
}

static void
free_vec(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void
free_rule(struct conf_rule *r)
{
	free(r->who_id.name);
	free(r->as_id.name);
	free(r->cmd);
	free_vec(r->args, r->nargs);
	free_vec(r->keep, r->nkeep);
	free_vec(r->setenv, r->nsetenv);
	memset(r, 0, sizeof(*r));
}

void
conf_free(struct conf *c)
{
	size_t i;

	for (i = 0; i < c->nrules; i++)
		free_rule(&c->rules[i]);
	free(c->rules);
	c->rules = NULL;
	c->nrules = 0;
}

/* One more (zeroed) rule in c (capacity *cap), or NULL after set_err. */
static struct conf_rule *
grow(struct conf *c, size_t *cap, const struct tok *t, struct conf_error *err)
{
	struct conf_rule *nr;
	size_t ncap;

	if (c->nrules == CONF_MAX_RULES) {
		(void)set_err(err, CONF_E_TOO_MANY_RULES, t->line, t->col,
		    "more than %u rules", CONF_MAX_RULES);
		return NULL;
	}
	if (c->nrules == *cap) {
		ncap = *cap == 0 ? 16 : *cap * 2;
		if ((nr = reallocarray(c->rules, ncap, sizeof(*nr))) == NULL) {
			(void)set_err(err, CONF_E_NOMEM, t->line, t->col,
			    "out of memory");
			return NULL;
		}
		c->rules = nr;
		*cap = ncap;
	}
	nr = &c->rules[c->nrules++];
	memset(nr, 0, sizeof(*nr));
	return nr;
}

static int
parse_all(struct lexer *lx, struct conf *out, char *w)
{
	struct parser ps;
	size_t cap = 0;
	int r;

	for (;;) {
		if ((r = lex_rule(lx, w)) != 0)
			return r;
		if (lx->ntok > 1) {	/* not an empty line */
			memset(&ps, 0, sizeof(ps));
			ps.lx = lx;
			if ((ps.r = grow(out, &cap, &lx->tok[0], lx->err)) ==
			    NULL)
				return lx->err->code == CONF_E_NOMEM ? E_NOMEM :
				    E_CONF;
			if ((r = parse_rule(&ps)) != 0)
				return r;
		}
		if (lx->p == lx->end)
			return 0;
	}
}

int
conf_parse(const char *text, size_t len, struct conf *out,
    struct conf_error *err)
{
	struct lexer *lx;
	char *w;
	int r;

	memset(out, 0, sizeof(*out));
	memset(err, 0, sizeof(*err));
	if (len > CONF_MAX_SIZE)
		return set_err(err, CONF_E_TOO_BIG, 1, 1, "more than %u bytes",
		    CONF_MAX_SIZE);
	if ((r = check_bytes(text, len, err)) != 0)
		return r;
	if ((lx = calloc(1, sizeof(*lx))) == NULL ||
	    (w = malloc(CONF_MAX_WORD)) == NULL) {
		free(lx);
		return set_err(err, CONF_E_NOMEM, 1, 1, "out of memory");
	}
	lx->p = lx->bol = text;
	lx->end = text + len;
	lx->line = 1;
	lx->err = err;
	r = parse_all(lx, out, w);
	free_tokens(lx);
	free(lx);
	free(w);
	if (r != 0)
		conf_free(out);
	return r;
}

int
conf_append(struct conf *dst, struct conf *src)
{
	struct conf_rule *nr;

	if (src->nrules == 0)
		return 0;
	if ((nr = reallocarray(dst->rules, dst->nrules + src->nrules,
	    sizeof(*nr))) == NULL)
		return E_NOMEM;
	memcpy(nr + dst->nrules, src->rules, src->nrules * sizeof(*nr));
	dst->rules = nr;
	dst->nrules += src->nrules;
	free(src->rules);
	src->rules = NULL;
	src->nrules = 0;
	return 0;
}

/* ---- the canonical form ---- */

struct out {
	char *buf;
	size_t len, n;
	bool full;
};

static void
put(struct out *o, const char *s, size_t n)
{
	if (o->full)
		return;
	if (o->n + n + 4 > o->len) {	/* room for "..." and the NUL */
		o->full = true;
		if (o->len >= 4) {
			memcpy(o->buf + (o->n < o->len - 4 ? o->n :
			    o->len - 4), "...", 4);
		}
		return;
	}
	memcpy(o->buf + o->n, s, n);
	o->n += n;
	o->buf[o->n] = '\0';
}

static void
put_s(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

static bool
needs_quotes(const char *s)
{
	static const char *const kw[] = { "permit", "deny", "keepenv",
		"setenv", "nofds", "noroot", "as", "cmd", "args", "*" };
	size_t i;

	if (s[0] == '\0' || s[0] == '#' || strpbrk(s, " \t\"\\{}") != NULL)
		return true;
	for (i = 0; i < sizeof(kw) / sizeof(kw[0]); i++)
		if (strcmp(s, kw[i]) == 0)
			return true;
	return false;
}

/* A word, quoted when it would not read back as the same word. */
static void
put_word(struct out *o, const char *s)
{
	put_s(o, " ");
	if (!needs_quotes(s)) {
		put_s(o, s);
		return;
	}
	put_s(o, "\"");
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			put_s(o, "\\");
		put(o, s, 1);
	}
	put_s(o, "\"");
}

static void
put_list(struct out *o, const char *name, char **v, size_t n)
{
	size_t i;

	put_s(o, name);
	put_s(o, " {");
	for (i = 0; i < n; i++)
		put_word(o, v[i]);
	put_s(o, " }");
}

void
conf_rule_str(const struct conf_rule *r, char *buf, size_t len)
{
	struct out o = { buf, len, 0, len == 0 };
	size_t i;

	if (len > 0)
		buf[0] = '\0';
	put_s(&o, r->action == CONF_PERMIT ? "permit" : "deny");
	if (r->opts & CONF_OPT_KEEPENV)
		put_s(&o, " keepenv");
	if (r->opts & CONF_OPT_KEEPLIST)
		put_list(&o, " keepenv", r->keep, r->nkeep);
	if (r->opts & CONF_OPT_SETENV)
		put_list(&o, " setenv", r->setenv, r->nsetenv);
	if (r->opts & CONF_OPT_NOFDS)
		put_s(&o, " nofds");
	if (r->opts & CONF_OPT_NOROOT)
		put_s(&o, " noroot");
	if (r->who == CONF_WHO_ANY)
		put_s(&o, " *");
	else if (r->who == CONF_WHO_GROUP) {
		put_s(&o, " :");
		put_s(&o, r->who_id.name);	/* checked: no quotes needed */
	} else
		put_word(&o, r->who_id.name);
	if (r->as == CONF_AS_ANY)
		put_s(&o, " as *");
	else if (r->as == CONF_AS_USER) {
		put_s(&o, " as");
		put_word(&o, r->as_id.name);
	}
	if (r->cmd != NULL) {
		put_s(&o, " cmd");
		put_word(&o, r->cmd);
	}
	if (r->has_args) {
		put_s(&o, " args");
		for (i = 0; i < r->nargs; i++)
			put_word(&o, r->args[i]);
	}
}

void
conf_rule_label(const struct conf_rule *r, char *buf, size_t len)
{
	const char *o = r->origin != NULL ? r->origin : "?";

	if (o[0] == '-')
		(void)snprintf(buf, len, "%s", o);
	else
		(void)snprintf(buf, len, "%s:%u", o, r->line);
}

int
conf_allow(const char *opt, const char *list, bool group, struct conf *out,
    struct conf_error *err)
{
	size_t len = 0, cap = (strlen(list) + 1) * 24, i, n;
	char *text, name[MSG_MAX_USER + 1];
	struct conf c;
	int r;

	memset(err, 0, sizeof(*err));
	if ((text = malloc(cap)) == NULL)
		return set_err(err, CONF_E_NOMEM, 1, 1, "out of memory");
	for (; *list != '\0'; list += n + (list[n] == ',')) {
		n = strcspn(list, ",");
		memcpy(name, list, n < MSG_MAX_USER ? n : MSG_MAX_USER);
		name[n < MSG_MAX_USER ? n : MSG_MAX_USER] = '\0';
		if (n > MSG_MAX_USER || msg_check_user(name) != 0) {
			free(text);
			return set_err(err, CONF_E_BAD_NAME, 1, 1, "'%.48s' is "
			    "not a valid %s name", name, group ? "group" :
			    "user");
		}
		/* Quoted: a name is never read as a keyword. */
		len += (size_t)snprintf(text + len, cap - len,
		    "permit keepenv \"%s%s\"\n", group ? ":" : "", name);
	}
	if (len == 0) {
		free(text);
		return set_err(err, CONF_E_NO_WHO, 1, 1, "no %s given",
		    group ? "groups" : "users");
	}
	r = conf_parse(text, len, &c, err);
	free(text);
	if (r != 0)
		return r;
	for (i = 0; i < c.nrules; i++)
		c.rules[i].origin = opt;
	if (conf_append(out, &c) != 0) {
		conf_free(&c);
		return set_err(err, CONF_E_NOMEM, 1, 1, "out of memory");
	}
	return 0;
}
