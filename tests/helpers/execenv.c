/* SPDX-License-Identifier: MIT */
/*
 * Test helper: execenv [ENTRY...] -- PROGRAM [ARGS...]
 * Runs PROGRAM with exactly the given environment entries, verbatim:
 * duplicates and entries without '=' included (env(1) cannot do that).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		;
	if (i + 1 >= argc) {
		fprintf(stderr, "usage: execenv [ENTRY...] -- PROGRAM [ARGS]\n");
		return 2;
	}
	argv[i] = NULL;
	execve(argv[i + 1], argv + i + 1, argv + 1);
	perror(argv[i + 1]);
	return 127;
}
