/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mounts.c - the mount holding a path, one /proc/mounts line at a time.
 */
#include "format.h"
#include "macro.h"
#include "mounts.h"

#include <string.h>

void mounts_line(struct mount_find *m, char *line)
{
	char *f[3];
	size_t n;

	for (size_t i = 0; i < ARRAY_SIZE(f); i++) {
		line += strspn(line, " \t");
		f[i] = line;
		line += strcspn(line, " \t");
		if (!*line && i + 1 < ARRAY_SIZE(f))
			return;
		if (*line)
			*line++ = '\0';
	}
	if (!*f[1] || !*f[2])
		return;
	/* "/" is a parent of everything: it counts as the empty prefix */
	n = strcmp(f[1], "/") ? strlen(f[1]) : 0;
	if (strncmp(m->path, f[1], n) || (m->path[n] && m->path[n] != '/'))
		return;
	if (n >= m->best || !m->found) {
		m->best = n;
		m->found = 1;
		str_fmt(m->fs, sizeof(m->fs), "%s", f[2]);
		str_fmt(m->dev, sizeof(m->dev), "%s", f[0]);
	}
}
