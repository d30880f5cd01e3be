/* SPDX-License-Identifier: MIT */
/* Process: dived at start-up, before the loop; dived --check-config. */
/*
 * dived's command line: dive 1.9's options plus this implementation's
 * limits.  Parsing is a pure function (no I/O, no name lookups), so it can
 * be fuzzed; names are resolved by the caller afterwards.
 */
#ifndef DIVE_OPTIONS_H
#define DIVE_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "buf.h"
#include "plantypes.h"

#define OPT_MAX_PIDFILES	16
#define OPT_MAX_WRITES		16
#define OPT_MAX_RLIMITS		32
#define OPT_MAX_KEEP_ENV	16

/* Defaults of the limits (dived(8), LIMITS). */
#define OPT_DEF_MAX_CONNS	1024u
#define OPT_DEF_MAX_PER_UID	128u
#define OPT_DEF_TIMEOUT		10u	/* seconds to send a request */
#define OPT_DEF_AUTH_TIMEOUT	120u	/* seconds for -a's command */
#define OPT_DEF_MAX_FDS		253u
#define OPT_DEF_MAX_BYTES	(4u << 20)
#define OPT_DEF_LISTENER_USER	"_dived"

struct dived_opts {
	const char *socket;		/* path or @name; NULL with -J, -i */
	bool just_execute;		/* -J, -j: no socket, exec in place */
	bool inetd;			/* -i: one client on stdin */
	bool no_fork;			/* -F: serve one client, no fork */
	bool children_daemon;		/* -D */
	bool detach;			/* -d */
	const char *pidfiles[OPT_MAX_PIDFILES];	/* -p */
	int npidfiles;
	bool chmod_set;			/* -C */
	mode_t chmod_mode;
	const char *chown_spec;		/* -U user:group */
	const char *user;		/* -u */
	const char *effective_user;	/* -e */
	const char *groups;		/* -g */
	bool no_setuid;			/* -P */
	bool no_environment;		/* -E */
	bool no_argv;			/* -A */
	bool no_chdir;			/* -H */
	bool no_fds;			/* -O */
	bool no_umask;			/* -M */
	bool pass_fds_umask;		/* --pass-fds-umask */
	bool no_setsid;			/* -S */
	bool no_csctty;			/* -T */
	bool pty;			/* --pty: every program gets a pty */
	bool no_pty;			/* --no-pty: none ever does */
	bool signals;			/* -n */
	bool signals_pgid;		/* --signals-pgid */
	bool no_wait;			/* -w */
	char **forced_argv;		/* after --, NULL-terminated */
	int forced_argc;
	const char *listener_user;	/* --listener-user */
	bool listener_user_force;	/* --listener-user-force */
	bool verbose;			/* -v */
	unsigned int max_conns;		/* --max-connections */
	unsigned int max_per_uid;	/* --max-per-uid */
	unsigned int timeout;		/* --request-timeout */
	unsigned int auth_timeout;	/* --auth-timeout */
	unsigned int max_fds;		/* --max-fds */
	unsigned int max_bytes;		/* --max-request-bytes */
	/* Capabilities: bit n is capability n. */
	bool bset_keep_set;		/* -B LIST */
	uint64_t bset_keep;
	uint64_t bset_drop;		/* -b LIST */
	uint64_t ambient;		/* -m LIST */
	bool caps_set;			/* -c TEXT */
	uint64_t cap_eff, cap_prm, cap_inh;
	bool no_new_privs;		/* -X */
	bool lock_securebits;		/* -L */
	const char *authenticate;	/* -a CMD */
	struct opt_rlimit rlimits[OPT_MAX_RLIMITS];	/* -l */
	int nrlimits;
	const char *setns[OPT_MAX_SETNS];	/* -N, in order */
	int nsetns;
	int unshare;			/* -s: CLONE_NEW* */
	struct opt_write writes[OPT_MAX_WRITES];	/* -t, -tt */
	int nwrites;
	const char *chroot_dir;		/* -R */
	const char *chdir_dir;		/* -h */
	const char *pivot_new;		/* -V NEW OLD */
	const char *pivot_old;
	bool client_chroot;		/* -r */
	bool root_to_current;		/* -W */
	bool allow_outside_dirs;	/* --allow-outside-dirs */
	/* Policy and audit (dived.conf(5), dived(8) AUDIT LOG). */
	const char *config;		/* --config FILE */
	const char *allow_users;	/* --allow-users LIST */
	const char *allow_groups;	/* --allow-groups LIST */
	const char *audit_log;		/* --audit-log FILE */
	bool audit_syslog;		/* --audit-syslog */
	bool audit_fsync;		/* --audit-fsync */
	bool audit_fail_open;		/* --audit-fail-open */
	const char *check_config;	/* --check-config FILE: a mode */
	const char *as_client;		/* --as-client USER (with it) */
	const char *as_target;		/* --as-target USER (with it) */
	bool check_forced;		/* --forced: after -- is forced */
	/* --keep-env: lists of names (NAME, or PREFIX* ) kept even when
	 * the program gains privileges; each checked by opt_parse. */
	const char *keep_env[OPT_MAX_KEEP_ENV];
	int nkeep_env;
};

enum opt_result {
	OPT_OK = 0,
	OPT_HELP = 1,		/* --help: print opt_usage() */
	OPT_VERSION = 2,	/* --version */
	OPT_ERROR = 3,		/* usage error: message in err */
};

/*
 * opt_parse: parse dived's argv (argv[0] is the program name).
 * o: filled in; its pointers point into argv.
 * err, errlen: receives a one-line message for OPT_ERROR.
 * Returns an enum opt_result.
 */
int opt_parse(int argc, char **argv, struct dived_opts *o, char *err,
    size_t errlen);

/* opt_usage: the --help text. */
const char *opt_usage(void);

#endif
