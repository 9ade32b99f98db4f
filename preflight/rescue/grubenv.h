/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * grubenv.h - GRUB environment blocks (grubenv), edited in memory and in place.
 *
 * A block is exactly GRUBENV_SIZE bytes: the header "# GRUB Environment
 * Block\n", then "name=value\n" lines (a backslash escapes the next byte, so
 * a value may hold "\\" and "\n"; lines starting with '#' are comments), then
 * '#' padding to the end. GRUB's save_env rewrites the file's sectors in
 * place, so the file keeps its size and its blocks: it is rewritten with one
 * write of the whole block, never replaced.
 *
 * Functions return 0 or a length on success and -errno on failure:
 * -EINVAL for a block that is not valid (wrong size, no header, a line
 * without '=', a NUL byte, no newline before the padding), -ENOSPC when the
 * result does not fit.
 */
#ifndef VFP_GRUBENV_H
#define VFP_GRUBENV_H

#include "rootfs.h"

#include <stddef.h>

#define GRUBENV_SIZE 1024

int grubenv_check(const char *blk, size_t len);

/* Unescaped value of `name` into val (NUL-terminated); length, -ENOENT, or -EINVAL for a bad block.
 */
int grubenv_get(const char *blk, const char *name, char *val, size_t cap);

/*
 * Set or unset variables: kv holds n pairs {name, value}, value NULL to
 * unset. A variable that exists keeps its place; new ones go at the end;
 * every other line is kept byte for byte. 1 if the block changed, 0 if it
 * already was so.
 */
int grubenv_edit(char *blk, const char *const *kv, int n);

/* Read and check REL under the root (links resolve inside it); 0 or -errno. */
int grubenv_read(const struct root *r, const char *rel, char *blk);

/* where grubenv_update stopped, for a message that says what happened */
enum grubenv_step {
	GRUBENV_OPEN,  /* nothing read: the file could not be opened (for writing) */
	GRUBENV_LOCK,  /* nothing read */
	GRUBENV_READ,  /* the block is not valid or cannot be read */
	GRUBENV_EDIT,  /* the result does not fit (-ENOSPC); the file is unchanged */
	GRUBENV_WRITE, /* the write failed: the file is unchanged (one pwrite of the block) */
	GRUBENV_SYNC,  /* written, but fsync failed: it may not be on disk */
};

/*
 * grubenv_edit on the file REL under the root, under an exclusive flock so
 * two writers take turns: checked first, left alone when already right (0,
 * also on a read-only file system), else rewritten with one write of
 * GRUBENV_SIZE bytes and fsync (1). A missing file is -ENOENT when setting,
 * 0 when only unsetting. On failure *step says how far it got.
 */
int grubenv_update(const struct root *r, const char *rel, const char *const *kv, int n,
		   enum grubenv_step *step);

#endif
