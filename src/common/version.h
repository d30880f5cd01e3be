/* SPDX-License-Identifier: MIT */
/* Process: several: shared by the programs that link it (Makefile). */
#ifndef DIVE_VERSION_H
#define DIVE_VERSION_H

#define DIVE_VERSION "2.0.0"
/* Bumped with any change of the messages between dived and its listener. */
#define DIVE_BUILD_ID 0x20000u

#endif
