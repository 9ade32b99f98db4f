/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * atomic_file.h - replace a file so that a reader sees the old or the new
 * content, never a part: write DIR/.NAME.tmp, fsync, rename over DIR/NAME.
 * On tmpfs and ramfs (/run, the initramfs) nothing outlives a crash, so the
 * fsyncs are left out there: they would be two calls per file for nothing.
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

/* a directory several files are replaced in: opened once, see atomic_write */
struct atomic_dir {
	int fd;
	bool durable; /* not tmpfs or ramfs: the file and the rename are fsynced */
};

int atomic_dir_open(struct atomic_dir *d, const struct root *r, const char *dir, bool create);
int atomic_dir_write(const struct atomic_dir *d, const char *name, atomic_render_fn render,
		     const void *ctx);
void atomic_dir_close(struct atomic_dir *d);

#endif
