/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * atomic_file.h - replace a file so that a reader sees the old or the new
 * content, never a part: write DIR/.NAME.tmp, fsync, rename over DIR/NAME.
 * (node_exporter's textfile collector and pam_motd read at any moment.)
 */
#ifndef VFP_ATOMIC_FILE_H
#define VFP_ATOMIC_FILE_H

#include <stdbool.h>

#include "out.h"
#include "rootfs.h"

typedef void (*atomic_render_fn)(struct out *o, const void *ctx);

/*
 * DIR is relative to the root (leading '/' ignored) and must exist (create
 * creates it first, mode 0755). Returns 0 or -errno; on error DIR/NAME is
 * unchanged and the temp file gone.
 */
int atomic_write(const struct root *r, const char *dir, bool create, const char *name,
		 atomic_render_fn render, const void *ctx);
/* unlink DIR/NAME; "already absent" is success */
int atomic_remove(const struct root *r, const char *dir, const char *name);

#endif
