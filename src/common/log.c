/* SPDX-License-Identifier: MIT */
/*
 * Runs in: the monitor and the spawner (root), the listener master before
 * its sandbox.  Trusts: its callers to pass sanitized text.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

static const char *log_ident = "dive";
static bool log_syslog;
static bool log_info_on;

void
log_init(const char *ident, bool use_syslog)
{
	log_ident = ident;
	if (use_syslog && !log_syslog)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
	else if (!use_syslog && log_syslog)
		closelog();
	log_syslog = use_syslog;
}

void
log_verbose(bool on)
{
	log_info_on = on;
}

static void
log_v(int pri, const char *fmt, va_list ap)
{
	char line[1024];
	int n, m;

	if (pri >= LOG_INFO && !log_info_on)
		return;
	if (log_syslog) {
		(void)vsnprintf(line, sizeof(line), fmt, ap);
		syslog(pri, "%s", line);
		return;
	}
	/* One write per line so that concurrent processes do not interleave. */
	n = snprintf(line, sizeof(line), "%s[%ld]: ", log_ident,
	    (long)getpid());
	if (n < 0 || n >= (int)sizeof(line) - 2)
		return;
	m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	if (m < 0)
		return;
	n = n + m < (int)sizeof(line) - 2 ? n + m : (int)sizeof(line) - 2;
	line[n++] = '\n';
	(void)!write(STDERR_FILENO, line, (size_t)n);
}

void
log_msg(int pri, const char *fmt, ...)
{
	int save = errno;
	va_list ap;

	va_start(ap, fmt);
	log_v(pri, fmt, ap);
	va_end(ap);
	errno = save;
}

void
fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_v(LOG_ERR, fmt, ap);
	va_end(ap);
	_exit(1);
}
