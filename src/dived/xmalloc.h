/* SPDX-License-Identifier: MIT */
/* Process: dived at start-up, before the loop; dived --check-config. */
/*
 * Allocators that end the process on failure, for program code only
 * (never in code that a long-lived daemon loop must survive).
 */
#ifndef DIVE_XMALLOC_H
#define DIVE_XMALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);

#endif
