/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kmod_index.h - read depmod's binary indexes (modules.alias.bin,
 * modules.dep.bin, modules.builtin.bin), the files kmod itself answers
 * from. mkinitramfs copies them into every image.
 *
 * Contract: the file is mapped read-only under the root prefix; every
 * offset, length and count is checked against the file's size before it
 * is used, and a lookup visits at most KMOD_INDEX_VISITS nodes, so a
 * damaged or hostile file yields -EINVAL (or -E2BIG), never a read out of
 * bounds or a loop. Callers fall back to the text files on any error.
 */
#ifndef VFP_KMOD_INDEX_H
#define VFP_KMOD_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "rootfs.h"

/* longest key pattern a wildcard lookup assembles (real aliases: < 200) */
#define KMOD_INDEX_PATTERN_MAX 512
/* nodes one lookup may visit; the real modules.alias.bin needs a few hundred */
#define KMOD_INDEX_VISITS      200000u

/* which file answered a question about this kernel's modules */
enum kmod_source { KMOD_FROM_NONE, KMOD_FROM_INDEX, KMOD_FROM_TEXT };

struct kmod_index {
	const unsigned char *map;
	size_t size;
	uint32_t root; /* offset word of the root node */
	int mapped;    /* map came from mmap: unmap on close */
};

/*
 * Map `rel` under the root and check its header. 0, or -errno: -ENOENT
 * when absent, -EINVAL when it is no index of the version kmod writes.
 * An empty file is an empty index (depmod's modules.builtin.bin when
 * nothing is built in).
 */
int kmod_index_open(struct kmod_index *ix, const struct root *r, const char *rel);
/* the same over a buffer the caller keeps (tests, fuzzing) */
int kmod_index_open_mem(struct kmod_index *ix, const void *buf, size_t size);
void kmod_index_close(struct kmod_index *ix);

/*
 * Exact key (modules.dep.bin, modules.builtin.bin: a module name with
 * '_'): 1 and its first value in *val (not NUL-terminated; *len bytes,
 * pointing into the map), 0 when absent, -EINVAL when damaged.
 */
int kmod_index_get(const struct kmod_index *ix, const char *key, const char **val, size_t *len);

/*
 * Every value of every key that, as a shell pattern, matches `key`
 * (modules.alias.bin: a modalias), as kmod's wildcard search finds them.
 * cb gets each NUL-terminated value; a non-zero return stops the walk
 * and is returned. 0, or -EINVAL damaged, -E2BIG over the visit budget,
 * -ENAMETOOLONG a pattern over KMOD_INDEX_PATTERN_MAX.
 */
typedef int (*kmod_index_cb)(void *ctx, const char *value);
int kmod_index_match(const struct kmod_index *ix, const char *key, kmod_index_cb cb, void *ctx);

/* what a kmod_index_* error means, for the preflight.input diag */
const char *kmod_index_error(int err, char *buf, unsigned cap);
#define KMOD_INDEX_ERROR(err) kmod_index_error((err), (char[24]){ 0 }, 24)

#endif
