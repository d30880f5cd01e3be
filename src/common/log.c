/* SPDX-License-Identifier: MIT */
/* Process: several: shared by the programs that link it (Makefile). */
/*
 * Runs in: the monitor and the spawner (root), the listener master before
 * its sandbox.  Trusts: nothing in the text it logs: control bytes are
 * escaped.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "errors.h"
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

int
log_close_fds(const int *keep, size_t n)
{
	unsigned int lo = 3, k[LOG_MAX_KEEP], t;
	size_t i, j, nk = 0;
	int err = 0;

	if (n > LOG_MAX_KEEP) {	/* never close one that was to be kept */
		errno = EINVAL;
		return E_SYS;
	}
	for (i = 0; i < n; i++)
		if (keep[i] >= 3)
			k[nk++] = (unsigned int)keep[i];
	for (i = 1; i < nk; i++)		/* a few dozen: insertion sort */
		for (j = i; j > 0 && k[j - 1] > k[j]; j--) {
			t = k[j];
			k[j] = k[j - 1];
			k[j - 1] = t;
		}
	if (log_syslog)
		closelog();
	for (i = 0; i < nk && err == 0; i++) {
		if (k[i] > lo && syscall(SYS_close_range, lo, k[i] - 1, 0U) != 0)
			err = errno;
		if (k[i] >= lo)
			lo = k[i] + 1;
	}
	if (err == 0 && syscall(SYS_close_range, lo, ~0U, 0U) != 0)
		err = errno;
	if (log_syslog)
		openlog(log_ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
	if (err == 0)
		return 0;
	errno = err;
	return E_SYS;
}

void
log_verbose(bool on)
{
	log_info_on = on;
}

/*
 * Copy src into dst (room for dlen bytes and a NUL) with every control
 * byte and backslash escaped, so that text from a client (a program name
 * with a newline, say) can never start a line of its own.
 */
static size_t
escape(char *dst, size_t dlen, const char *src)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)src;
	size_t n = 0;

	for (; *p != '\0'; p++) {
		if (*p >= 0x20 && *p != 0x7f && *p != '\\') {
			if (n + 1 >= dlen)
				break;
			dst[n++] = (char)*p;
			continue;
		}
		if (n + 4 >= dlen)
			break;
		dst[n++] = '\\';
		if (*p == '\\') {
			dst[n++] = '\\';
			continue;
		}
		dst[n++] = 'x';
		dst[n++] = hex[*p >> 4];
		dst[n++] = hex[*p & 15];
	}
	dst[n] = '\0';
	return n;
}

static void __attribute__((format(printf, 2, 0)))
log_v(int pri, const char *fmt, va_list ap)
{
	char raw[1024], line[1100];
	int n;

	if (pri >= LOG_INFO && !log_info_on)
		return;
	if (vsnprintf(raw, sizeof(raw), fmt, ap) < 0)
		return;
	if (log_syslog) {
		(void)escape(line, sizeof(line), raw);
		syslog(pri, "%s", line);
		return;
	}
	/* One write per line so that concurrent processes do not interleave. */
	n = snprintf(line, sizeof(line), "%s[%ld]: ", log_ident,
	    (long)getpid());
	if (n < 0 || n >= (int)sizeof(line) - 2)
		return;
	n += (int)escape(line + n, sizeof(line) - (size_t)n - 1, raw);
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
	_exit(FATAL_EXIT);
}
