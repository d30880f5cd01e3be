/* SPDX-License-Identifier: MIT */
/* Process: dived at start-up, before the loop; dived --check-config. */
/*
 * Runs in: dived only (the monitor), in its start-up code before the event
 * loop (main.c, config.c): program code, where running out of memory ends
 * the process.  Trusts: its callers.
 */
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "log.h"
#include "xmalloc.h"

void *
xmalloc(size_t n)
{
	void *p = malloc(n == 0 ? 1 : n);

	if (p == NULL)
		fatal_f("out of memory (%zu bytes)", n);
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n == 0 ? 1 : n, size == 0 ? 1 : size);

	if (p == NULL)
		fatal_f("out of memory (%zu x %zu bytes)", n, size);
	return p;
}

void *
xreallocarray(void *p, size_t n, size_t size)
{
	void *q = reallocarray(p, n == 0 ? 1 : n, size == 0 ? 1 : size);

	if (q == NULL)
		fatal_f("out of memory (%zu x %zu bytes)", n, size);
	return q;
}

char *
xstrdup(const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		fatal_f("out of memory");
	return p;
}
