/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kmod_index.c - lookups in depmod's binary indexes.
 *
 * The format, as kmod's libkmod-index.c documents it: big-endian u32s;
 * a header of magic 0xB007F457, version (major 2 in the high half) and
 * the root node's offset word. An offset word carries flags in its top
 * nibble (0x8 a prefix, 0x4 values, 0x2 children) and the file offset in
 * the rest; 0 means "no node". A node is: the prefix (NUL-terminated),
 * then first and last child characters (bytes, < 128) and one offset word
 * per character between them, then a value count and per value a u32
 * priority and a NUL-terminated string. Keys are the paths through the
 * trie: the prefixes plus the child characters between them.
 *
 * Wildcard lookups (aliases are shell patterns) follow kmod: walk the key
 * down the trie; at every node also take the '*', '?' and '[' children,
 * and when a prefix holds one of those characters, match every key below
 * that point as a pattern against the rest of the key.
 */
#include "diag.h"
#include "kmod_index.h"
#include "modalias.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define INDEX_MAGIC 0xB007F457u
#define INDEX_MAJOR 2u
#define NODE_PREFIX 0x80000000u
#define NODE_VALUES 0x40000000u
#define NODE_CHILDS 0x20000000u
#define NODE_MASK   0x0FFFFFFFu
#define HEADER_LEN  12u
#define CHILD_MAX   128u

struct node {
	const char *prefix;
	size_t plen;
	unsigned first, last; /* first > last: no children */
	const unsigned char *children;
	uint32_t nvalues;
	size_t values; /* offset of the first value */
};

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int kmod_index_open_mem(struct kmod_index *ix, const void *buf, size_t size)
{
	const unsigned char *p = buf;

	ix->map = p;
	ix->size = size;
	ix->mapped = 0;
	ix->root = 0;
	if (size == 0) /* depmod writes modules.builtin.bin empty when nothing is built in */
		return 0;
	if (size < HEADER_LEN || size > NODE_MASK || be32(p) != INDEX_MAGIC ||
	    be32(p + 4) >> 16 != INDEX_MAJOR)
		return -EINVAL;
	ix->root = be32(p + 8);
	return 0;
}

int kmod_index_open(struct kmod_index *ix, const struct root *r, const char *rel)
{
	struct stat st;
	void *map;
	int fd = root_openat(r, rel, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY), err;

	ix->map = NULL;
	ix->size = 0;
	ix->mapped = 0;
	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (st.st_size && st.st_size < (off_t)HEADER_LEN) || st.st_size > (off_t)NODE_MASK) {
		close(fd);
		return -EINVAL;
	}
	if (st.st_size == 0) {
		close(fd);
		return kmod_index_open_mem(ix, "", 0);
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	err = map == MAP_FAILED ? -errno : 0;
	close(fd);
	if (err)
		return err;
	if ((err = kmod_index_open_mem(ix, map, (size_t)st.st_size)) < 0) {
		munmap(map, (size_t)st.st_size);
		ix->map = NULL;
		return err;
	}
	ix->mapped = 1;
	return 0;
}

void kmod_index_close(struct kmod_index *ix)
{
	if (ix->map && ix->mapped)
		munmap((void *)ix->map, ix->size);
	ix->map = NULL;
	ix->size = 0;
}

/* the node an offset word names; -EINVAL when any part of it lies outside the file */
static int read_node(const struct kmod_index *ix, uint32_t word, struct node *n)
{
	size_t pos = word & NODE_MASK, left;
	const unsigned char *nul;

	if (pos < HEADER_LEN || pos >= ix->size)
		return -EINVAL;
	n->prefix = "";
	n->plen = 0;
	if (word & NODE_PREFIX) {
		if (!(nul = memchr(ix->map + pos, '\0', ix->size - pos)))
			return -EINVAL;
		n->prefix = (const char *)ix->map + pos;
		n->plen = (size_t)(nul - (ix->map + pos));
		pos += n->plen + 1;
	}
	left = ix->size - pos;
	n->first = 1;
	n->last = 0;
	n->children = NULL;
	if (word & NODE_CHILDS) {
		if (left < 2)
			return -EINVAL;
		n->first = ix->map[pos];
		n->last = ix->map[pos + 1];
		if (n->first > n->last || n->last >= CHILD_MAX ||
		    (left - 2) / 4 < n->last - n->first + 1)
			return -EINVAL;
		n->children = ix->map + pos + 2;
		pos += 2 + 4 * (n->last - n->first + 1);
		left = ix->size - pos;
	}
	n->nvalues = 0;
	n->values = pos + 4;
	if (word & NODE_VALUES) {
		if (left < 4)
			return -EINVAL;
		n->nvalues = be32(ix->map + pos);
		if (n->nvalues > (left - 4) / 5) /* a value is at least a priority and a NUL */
			return -EINVAL;
	}
	return 0;
}

/* the offset word of child c, 0 when there is none */
static uint32_t child_word(const struct node *n, unsigned char c)
{
	if (c < n->first || c > n->last)
		return 0;
	return be32(n->children + 4 * (c - n->first));
}

/* each value of n through cb; -EINVAL when one runs past the end of the file */
static int each_value(const struct kmod_index *ix, const struct node *n, kmod_index_cb cb,
		      void *ctx)
{
	size_t pos = n->values;

	for (uint32_t i = 0; i < n->nvalues; i++) {
		const unsigned char *nul;
		int ret;

		if (ix->size - pos < 5 ||
		    !(nul = memchr(ix->map + pos + 4, '\0', ix->size - pos - 4)))
			return -EINVAL;
		if ((ret = cb(ctx, (const char *)ix->map + pos + 4)))
			return ret;
		pos = (size_t)(nul - ix->map) + 1;
	}
	return 0;
}

int kmod_index_get(const struct kmod_index *ix, const char *key, const char **val, size_t *len)
{
	uint32_t word = ix->root;

	if (!ix->size)
		return 0;
	/* every step takes at least one character of the key: this ends */
	for (;;) {
		struct node n;
		const unsigned char *v, *nul;

		if (read_node(ix, word, &n) < 0)
			return -EINVAL;
		if (strncmp(n.prefix, key, n.plen) != 0)
			return 0;
		key += n.plen;
		if (*key == '\0') {
			if (!n.nvalues)
				return 0;
			v = ix->map + n.values + 4; /* read_node checked 5 bytes */
			if (!(nul = memchr(v, '\0', ix->size - n.values - 4)))
				return -EINVAL;
			*val = (const char *)v;
			*len = (size_t)(nul - v);
			return 1;
		}
		if (!((word = child_word(&n, (unsigned char)*key)) & NODE_MASK))
			return 0;
		key++;
	}
}

struct wild {
	const struct kmod_index *ix;
	kmod_index_cb cb;
	void *ctx;
	unsigned visits;
	size_t plen;
	char pat[KMOD_INDEX_PATTERN_MAX + 1];
};

static int push(struct wild *w, const char *s, size_t n)
{
	if (n > KMOD_INDEX_PATTERN_MAX - w->plen)
		return -ENAMETOOLONG;
	memcpy(w->pat + w->plen, s, n);
	w->plen += n;
	return 0;
}

/*
 * Every key below n, from character `from` of its prefix on, appended to
 * the pattern so far and matched against `rest`. Each level adds a
 * character, so the pattern bound is also the depth bound.
 */
static int wild_all(struct wild *w, const struct node *n, size_t from, const char *rest)
{
	size_t saved = w->plen;
	int err;

	if (++w->visits > KMOD_INDEX_VISITS)
		return -E2BIG;
	if ((err = push(w, n->prefix + from, n->plen - from)) < 0)
		return err;
	for (unsigned c = n->first; c <= n->last && !err; c++) {
		uint32_t word = child_word(n, (unsigned char)c);
		struct node child;
		char ch = (char)c;

		if (!(word & NODE_MASK))
			continue;
		if ((err = read_node(w->ix, word, &child)) < 0 || (err = push(w, &ch, 1)) < 0)
			break;
		err = wild_all(w, &child, 0, rest);
		w->plen--;
	}
	if (!err && n->nvalues) {
		w->pat[w->plen] = '\0';
		if (alias_match(w->pat, rest))
			err = each_value(w->ix, n, w->cb, w->ctx);
	}
	w->plen = saved;
	return err;
}

/* a child whose character is a wildcard: every key below it is a pattern */
static int wild_child(struct wild *w, const struct node *n, char c, const char *rest)
{
	uint32_t word = child_word(n, (unsigned char)c);
	struct node child;
	int err;

	if (!(word & NODE_MASK))
		return 0;
	if ((err = read_node(w->ix, word, &child)) < 0)
		return err;
	w->plen = 0;
	push(w, &c, 1);
	err = wild_all(w, &child, 0, rest);
	w->plen = 0;
	return err;
}

int kmod_index_match(const struct kmod_index *ix, const char *key, kmod_index_cb cb, void *ctx)
{
	struct wild w = { .ix = ix, .cb = cb, .ctx = ctx };
	uint32_t word = ix->root;
	int err;

	if (!ix->size)
		return 0;
	for (;;) {
		struct node n;

		if (++w.visits > KMOD_INDEX_VISITS)
			return -E2BIG;
		if (read_node(ix, word, &n) < 0)
			return -EINVAL;
		for (size_t j = 0; j < n.plen; j++) {
			char c = n.prefix[j];

			if (c == '*' || c == '?' || c == '[') {
				w.plen = 0;
				return wild_all(&w, &n, j, key + j);
			}
			if (c != key[j])
				return 0;
		}
		key += n.plen;
		if ((err = wild_child(&w, &n, '*', key)) || (err = wild_child(&w, &n, '?', key)) ||
		    (err = wild_child(&w, &n, '[', key)))
			return err;
		if (*key == '\0')
			return each_value(ix, &n, cb, ctx);
		if (!((word = child_word(&n, (unsigned char)*key)) & NODE_MASK))
			return 0;
		key++;
	}
}

const char *kmod_index_error(int err, char *buf, unsigned cap)
{
	switch (err < 0 ? -err : err) {
	case EINVAL: return "damaged (an offset, length or header kmod would not write)";
	case E2BIG: return "damaged (a lookup would visit too many nodes)";
	case ENAMETOOLONG: return "damaged (a key longer than any alias)";
	}
	return err_text(err, buf, cap);
}
