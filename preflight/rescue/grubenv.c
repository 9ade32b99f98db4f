/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * grubenv.c - check, read and rewrite a GRUB environment block.
 */
#include "grubenv.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

static const char header[] = "# GRUB Environment Block\n";
#define HDR (sizeof(header) - 1)

/* end of the line starting at p (the index of its '\n'), escapes honoured */
static size_t line_end(const char *b, size_t p, size_t end)
{
	while (p < end && b[p] != '\n')
		p += b[p] == '\\' ? 2 : 1;
	return p;
}

/* start of the '#' padding: after the last newline */
static size_t pad_start(const char *b)
{
	size_t s = GRUBENV_SIZE;

	while (s > HDR && b[s - 1] == '#')
		s--;
	return s;
}

int grubenv_check(const char *blk, size_t len)
{
	size_t p, e, end;

	if (len != GRUBENV_SIZE || memcmp(blk, header, HDR) || memchr(blk, '\0', len))
		return -EINVAL;
	end = pad_start(blk);
	if (blk[end - 1] != '\n')
		return -EINVAL;
	for (p = HDR; p < end; p = e + 1) {
		e = line_end(blk, p, end);
		if (e >= end)
			return -EINVAL;
		if (blk[p] != '#' && (blk[p] == '=' || !memchr(blk + p, '=', e - p)))
			return -EINVAL;
	}
	return 0;
}

/* does the line [p, e) set `name`? */
static int is_var(const char *b, size_t p, size_t e, const char *name)
{
	size_t nl = strlen(name);

	return b[p] != '#' && e - p > nl && !memcmp(b + p, name, nl) && b[p + nl] == '=';
}

int grubenv_get(const char *blk, const char *name, char *val, size_t cap)
{
	size_t end = pad_start(blk), p, e, n = 0;

	if (grubenv_check(blk, GRUBENV_SIZE) < 0)
		return -EINVAL; /* the loop below relies on every line ending in the block */
	for (p = HDR; p < end; p = e + 1) {
		e = line_end(blk, p, end);
		if (!is_var(blk, p, e, name))
			continue;
		for (p += strlen(name) + 1; p < e && n + 1 < cap; p++)
			val[n++] = blk[p] == '\\' ? blk[++p] : blk[p];
		val[n] = '\0';
		return (int)n;
	}
	return -ENOENT;
}

/* append "name=value\n", escaped; 0 or -ENOSPC (then *o is unchanged) */
static int put_var(char *out, size_t *o, const char *name, const char *value)
{
	size_t nl = strlen(name), k = *o;

	if (k + nl + 2 > GRUBENV_SIZE) /* name, '=' and the final '\n' */
		return -ENOSPC;
	memcpy(out + k, name, nl);
	k += nl;
	out[k++] = '=';
	for (; *value; value++) {
		size_t esc = *value == '\\' || *value == '\n';

		if (k + esc + 2 > GRUBENV_SIZE) /* the byte, its escape, the final '\n' */
			return -ENOSPC;
		if (esc)
			out[k++] = '\\';
		out[k++] = *value;
	}
	out[k++] = '\n';
	*o = k;
	return 0;
}

int grubenv_edit(char *blk, const char *const *kv, int n)
{
	char out[GRUBENV_SIZE];
	unsigned done = 0;
	size_t end, p, e, o = HDR;
	int i;

	if (grubenv_check(blk, GRUBENV_SIZE) < 0 || n > 8)
		return -EINVAL;
	memcpy(out, header, HDR);
	end = pad_start(blk);
	for (p = HDR; p < end; p = e + 1) {
		e = line_end(blk, p, end);
		for (i = 0; i < n && !is_var(blk, p, e, kv[2 * i]); i++)
			;
		if (i == n) {
			if (o + e + 1 - p > GRUBENV_SIZE)
				return -ENOSPC;
			memcpy(out + o, blk + p, e + 1 - p);
			o += e + 1 - p;
		} else if (!(done & 1u << i) && kv[2 * i + 1]) {
			if (put_var(out, &o, kv[2 * i], kv[2 * i + 1]) < 0)
				return -ENOSPC;
		}
		if (i < n)
			done |= 1u << i;
	}
	for (i = 0; i < n; i++)
		if (!(done & 1u << i) && kv[2 * i + 1] &&
		    put_var(out, &o, kv[2 * i], kv[2 * i + 1]) < 0)
			return -ENOSPC;
	memset(out + o, '#', GRUBENV_SIZE - o);
	if (!memcmp(out, blk, GRUBENV_SIZE))
		return 0;
	memcpy(blk, out, GRUBENV_SIZE);
	return 1;
}

static int read_block(int fd, char *blk)
{
	struct stat st;
	ssize_t got;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode) || st.st_size != GRUBENV_SIZE)
		return -EINVAL;
	got = pread(fd, blk, GRUBENV_SIZE, 0);
	if (got < 0)
		return -errno;
	return grubenv_check(blk, (size_t)got);
}

int grubenv_read(const struct root *r, const char *rel, char *blk)
{
	int fd = root_openat(r, rel, O_RDONLY | O_NONBLOCK | O_CLOEXEC), err;

	if (fd < 0)
		return fd;
	err = read_block(fd, blk);
	close(fd);
	return err;
}

/* the write-open, or a read-only one where that is refused: editing may find nothing to do */
static int open_rw(const struct root *r, const char *rel, int *werr)
{
	int fd = root_openat(r, rel, O_RDWR | O_NONBLOCK | O_CLOEXEC);

	*werr = 0;
	if (fd == -EROFS || fd == -EACCES || fd == -EPERM) {
		*werr = fd;
		fd = root_openat(r, rel, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	}
	return fd;
}

int grubenv_update(const struct root *r, const char *rel, const char *const *kv, int n,
		   enum grubenv_step *step)
{
	char blk[GRUBENV_SIZE];
	int fd, err, werr, i;
	ssize_t w;

	*step = GRUBENV_OPEN;
	fd = open_rw(r, rel, &werr);
	if (fd < 0) {
		for (i = 0; fd == -ENOENT && i < n && !kv[2 * i + 1]; i++)
			;
		return i == n ? 0 : fd;
	}
	/* two writers (a boot script and an admin) take turns: neither edit is lost */
	*step = GRUBENV_LOCK;
	err = flock(fd, LOCK_EX) < 0 ? -errno : 0;
	if (!err) {
		*step = GRUBENV_READ;
		err = read_block(fd, blk);
	}
	if (!err) {
		*step = GRUBENV_EDIT;
		err = grubenv_edit(blk, kv, n);
	}
	if (err == 1 && werr) {
		*step = GRUBENV_OPEN;
		err = werr;
	} else if (err == 1) {
		*step = GRUBENV_WRITE;
		w = pwrite(fd, blk, GRUBENV_SIZE, 0);
		if (w != GRUBENV_SIZE) {
			err = w < 0 ? -errno : -EIO;
		} else if (fsync(fd) < 0) {
			*step = GRUBENV_SYNC;
			err = -errno;
		}
	}
	close(fd);
	return err;
}
