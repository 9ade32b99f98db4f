/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mounts.h - which mount holds a path, from /proc/mounts lines.
 *
 * A line is "DEVICE MOUNTPOINT FSTYPE ..." separated by blanks (the kernel
 * escapes blanks inside a field as \040, so they never split one). The
 * longest mount point that is the path or a parent of it wins; at equal
 * length the later line does (a mount on top of another).
 */
#ifndef VFP_RESCUE_MOUNTS_H
#define VFP_RESCUE_MOUNTS_H

#include <stddef.h>

struct mount_find {
	const char *path; /* absolute: "/boot/grub" */
	size_t best;	  /* length of the best mount point so far */
	int found;
	char fs[32], dev[128]; /* of the best, cut to fit */
};

/* Feed one line (modified in place); lines that do not parse are skipped. */
void mounts_line(struct mount_find *m, char *line);

#endif
