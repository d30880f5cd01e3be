/* SPDX-License-Identifier: MIT */
/* Process: several: shared by the programs that link it (Makefile). */
/*
 * Logging for the daemon processes: to stderr, or to syslog once detached.
 * fatal*() are for program code only (main.c files and dispatchers);
 * library code returns errors instead.
 */
#ifndef DIVE_LOG_H
#define DIVE_LOG_H

#include <stdbool.h>
#include <syslog.h>

/*
 * log_init: name the program and choose the destination.
 * ident: prefix of every line (kept, not copied).
 * use_syslog: send to syslog (facility LOG_DAEMON) instead of stderr.
 */
void log_init(const char *ident, bool use_syslog);

/*
 * log_close_fds: close every descriptor from 3 up but the n in keep
 * (-1: none), and the syslog socket with them, which is opened anew:
 * no later line goes to whatever takes its number.  Returns 0, or E_SYS
 * with errno set (EINVAL, and nothing closed, for more than LOG_MAX_KEEP
 * to keep).
 */
#define LOG_MAX_KEEP	64
int log_close_fds(const int *keep, size_t n);

/* log_verbose: also emit LOG_INFO lines (off: only notices and worse). */
void log_verbose(bool on);

/* log_msg: one line at priority pri; errno is preserved. */
void log_msg(int pri, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#define log_info(...)	log_msg(LOG_INFO, __VA_ARGS__)
#define log_notice(...)	log_msg(LOG_NOTICE, __VA_ARGS__)
#define log_warn(...)	log_msg(LOG_WARNING, __VA_ARGS__)
#define log_err(...)	log_msg(LOG_ERR, __VA_ARGS__)

/*
 * The status fatal() exits with.  Each program names it in its own list
 * of exit statuses (DIVED_EXIT_FAILURE, LX_FAILED).
 */
#define FATAL_EXIT	1

/* fatal: log at LOG_ERR and _exit(FATAL_EXIT). */
void fatal(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

#define fatal_f(fmt, ...)	fatal("%s: " fmt, __func__, ##__VA_ARGS__)
#define fatal_fr(r, fmt, ...) \
	fatal("%s: " fmt ": %s", __func__, ##__VA_ARGS__, err_str(r))

#endif
