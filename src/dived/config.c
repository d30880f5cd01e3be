/* SPDX-License-Identifier: MIT */
/* Process: dived at start-up, before the loop; dived --check-config. */
/*
 * The policy: --allow-users and --allow-groups, then the rules of
 * --config FILE, which must be a regular file owned by root and not
 * writable by group or others before a byte of it is read; every user
 * and group name resolved at start-up.  And dived --check-config.
 * Runs as: root (monitor) at start-up; any user with --check-config.
 * Trusts: the system databases.  Does not trust: the file, until its
 * owner and mode are checked; then conf.c parses it as untrusted text.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "errors.h"
#include "log.h"
#include "dived.h"
#include "xmalloc.h"

#define config_fail(...)	dived_exit(DIVED_EXIT_CONFIG, __VA_ARGS__)

static void
check_file(const char *path, const struct stat *st)
{
	if (!S_ISREG(st->st_mode))
		config_fail("%s: not a regular file", path);
	if (st->st_uid != 0)
		config_fail("%s: owned by uid %u; a policy file must be owned "
		    "by root", path, (unsigned int)st->st_uid);
	if (st->st_mode & (S_IWGRP | S_IWOTH))
		config_fail("%s: writable by %s (mode %04o); a policy file must "
		    "not be (chmod go-w %s)", path, st->st_mode & S_IWOTH ?
		    "others" : "its group", (unsigned int)st->st_mode & 07777,
		    path);
}

/* The file, checked first; a FIFO must not hang us (O_NONBLOCK). */
static char *
read_file(const char *path, size_t *len)
{
	struct stat st;
	ssize_t n = 1;
	char *text;
	int fd, e;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY |
	    O_NONBLOCK)) < 0 || fstat(fd, &st) != 0)
		config_fail("%s: %s", path, strerror(errno));
	check_file(path, &st);
	text = xmalloc(CONF_MAX_SIZE + 1);
	for (*len = 0; *len <= CONF_MAX_SIZE && n != 0; *len += (size_t)n)
		if ((n = read(fd, text + *len, CONF_MAX_SIZE + 1 - *len)) < 0)
			break;
	e = n < 0 ? errno : 0;
	(void)close(fd);
	if (e == 0 && *len <= CONF_MAX_SIZE)
		return text;
	free(text);		/* (the sanitizer build checks for leaks) */
	if (e != 0)
		config_fail("%s: %s", path, strerror(e));
	config_fail("%s: larger than %u bytes", path, CONF_MAX_SIZE);
}

static void
parse_file(const char *path, struct conf *pol)
{
	struct conf_error err;
	struct conf c;
	size_t len, i;
	char *text = read_file(path, &len);

	if (conf_parse(text, len, &c, &err) != 0) {
		free(text);
		config_fail("%s:%u:%u: %s", path, err.line, err.col, err.msg);
	}
	for (i = 0; i < c.nrules; i++)
		c.rules[i].origin = path;
	if (conf_append(pol, &c) != 0)
		fatal("out of memory");
	free(text);
}

/*
 * A cmd that names no file (a typo, /sbin for /usr/bin) matches only a
 * request for that very path: say so.  To stderr with --check-config.
 */
static void
warn_missing(const struct conf *pol, bool check)
{
	const struct conf_rule *r;
	char where[1024];
	struct stat st;
	size_t i;

	for (i = 0; i < pol->nrules; i++) {
		r = &pol->rules[i];
		if (r->cmd == NULL || stat(r->cmd, &st) == 0)
			continue;
		conf_rule_label(r, where, sizeof(where));
		if (check)
			fprintf(stderr, "dived: warning: %s: cmd %s: %s\n",
			    where, r->cmd, strerror(errno));
		else
			log_warn("warning: %s: cmd %s: %s", where, r->cmd,
			    strerror(errno));
	}
}

struct conf *
config_load(const struct dived_opts *o)
{
	struct conf_error err;
	struct conf *pol;
	char msg[512];

	if (o->config == NULL && o->allow_users == NULL &&
	    o->allow_groups == NULL)
		return NULL;
	pol = xcalloc(1, sizeof(*pol));
	/* First, so that the file's rules, matching last, can refine. */
	if (o->allow_users != NULL && conf_allow("--allow-users",
	    o->allow_users, false, pol, &err) != 0)
		config_fail("--allow-users: %s", err.msg);
	if (o->allow_groups != NULL && conf_allow("--allow-groups",
	    o->allow_groups, true, pol, &err) != 0)
		config_fail("--allow-groups: %s", err.msg);
	if (o->config != NULL)
		parse_file(o->config, pol);
	if (ids_resolve_rules(pol, msg, sizeof(msg)) != 0)
		config_fail("%s", msg);
	warn_missing(pol, o->check_config != NULL);
	return pol;
}

/* --check-config FILE --as-client USER [--as-target USER] -- CMD ARGS */
static int
check_as_client(const struct dived_opts *o, const struct conf *pol)
{
	struct facts_check k;
	const struct facts *f = &k.f;
	char text[1024], where[1024], *forced = NULL;
	int err;

	/* -A: the client sends no arguments, so the words after -- can only
	 * be the forced command line; --forced says they are. */
	if ((o->no_argv || o->check_forced) && (forced =
	    spawn_find_program(o->forced_argv[0], getenv("PATH"))) == NULL)
		dived_exit(DIVED_EXIT_USAGE, "forced command %s: %s",
		    o->forced_argv[0], errno == ENOENT ? "not found in PATH" :
		    strerror(errno));
	if ((err = facts_check(&k, o, forced)) != 0)
		config_fail("--as-client %s: %s", o->as_client, err == ENOENT ?
		    "no such user" : strerror(err));
	/* As the daemon decides (decide.c): the same facts, the same code. */
	(void)facts_decide(&k.f, pol);
	printf("%s\n", f->d.permit ? "permit" : "deny");
	if (f->d.rule != NULL) {
		conf_rule_label(f->d.rule, where, sizeof(where));
		conf_rule_str(f->d.rule, text, sizeof(text));
		printf("rule %s: %s\n", where, text);
	} else
		printf("rule none: %s\n", f->reason != NULL ? f->reason :
		    deny_reason_str(DENY_NO_RULE));
	if (f->path != NULL && f->have_id)
		printf("program %s as %s (uid %u)\n", f->path,
		    f->id.name != NULL ? f->id.name : "?",
		    (unsigned int)f->q.target);
	err = f->d.permit ? DIVED_EXIT_OK : DIVED_EXIT_DENIED;
	facts_check_free(&k);
	free(forced);
	return err;
}

int
config_check(const struct dived_opts *o)
{
	struct dived_opts co = *o;
	struct conf *pol;
	int r = DIVED_EXIT_OK;

	co.config = o->check_config;
	pol = config_load(&co);
	if (o->as_client == NULL)
		printf("%s: %zu rule%s, no errors\n", o->check_config,
		    pol->nrules, pol->nrules == 1 ? "" : "s");
	else
		r = check_as_client(&co, pol);
	conf_free(pol);
	free(pol);
	return r;
}

/*
 * The request of --check-config --as-client USER: as the monitor would
 * have it from a client logged in as USER (dived.h).
 */
int
facts_check(struct facts_check *k, const struct dived_opts *o,
    const char *forced_path)
{
	struct plan_who self;
	struct passwd pw;
	char *name = NULL;
	int err;

	memset(k, 0, sizeof(*k));
	if ((err = ids_user(o->as_client, &pw, &name)) != 0)
		return err;
	k->f.peer.uid = pw.pw_uid;
	k->f.peer.gid = pw.pw_gid;
	free(name);
	/* The client's groups, as a login would give them. */
	memset(&self, 0, sizeof(self));
	self.peer = k->f.peer;
	self.effective_user = o->effective_user;	/* as before: -e looked up */
	if ((err = ids_resolve(&self, &k->client)) != 0)
		return err;
	/* The words after -- are the request, or with forced_path (-A,
	 * --forced) the daemon's forced command line followed by the
	 * client's arguments: the command line the daemon builds. */
	k->o = *o;
	if (forced_path != NULL)
		k->f.forced_path = forced_path;
	else {
		k->o.forced_argc = 0;
		k->o.forced_argv = NULL;
		k->req.argc = (uint32_t)o->forced_argc;
		k->req.argv = (const char **)o->forced_argv;
	}
	k->f.o = &k->o;
	k->f.req = &k->req;
	k->f.groups = k->client.groups;
	k->f.ngroups = (size_t)k->client.ngroups;
	k->f.target = o->as_target;
	k->f.resolve = true;
	if (o->user != NULL && ids_user(o->user, &pw, &name) == 0) {
		k->f.user_uid = pw.pw_uid;
		free(name);
	}
	return 0;
}

void
facts_check_free(struct facts_check *k)
{
	facts_free(&k->f);
	ids_free(&k->client);
}
