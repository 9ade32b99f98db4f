/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * atomic_file.c - temp file + fsync + rename, see atomic_file.h.
 */
#include "atomic_file.h"

#include "format.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

static int open_dir(const struct root *r, const char *dir, bool create)
{
	dir += strspn(dir, "/");
	if (!*dir)
		dir = ".";
	/* every component created and opened inside the root: a link cannot lead out */
	return create ? root_mkdirs(r, dir, 0755) : root_open_dirfd(r, dir);
}

int atomic_dir_open(struct atomic_dir *d, const struct root *r, const char *dir, bool create)
{
	struct statfs sfs;

	d->fd = open_dir(r, dir, create);
	if (d->fd < 0)
		return d->fd;
	/* f_type is a word of its own width per architecture: compare unsigned */
	d->durable = fstatfs(d->fd, &sfs) < 0 || ((unsigned long)sfs.f_type != TMPFS_MAGIC &&
						  (unsigned long)sfs.f_type != RAMFS_MAGIC);
	return 0;
}

void atomic_dir_close(struct atomic_dir *d)
{
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
}

static int create_tmp(int dfd, const char *tmp)
{
	int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    fd = openat(dfd, tmp, flags, 0644);

	if (fd < 0 && errno == EEXIST) {
		unlinkat(dfd, tmp, 0); /* left by a writer that was killed, or planted */
		fd = openat(dfd, tmp, flags, 0644);
	}
	return fd < 0 ? -errno : fd;
}

int atomic_dir_write(const struct atomic_dir *d, const char *name, atomic_render_fn render,
		     const void *ctx)
{
	char tmp[128];
	struct out o;
	int fd, err = 0;

	if (str_fmt(tmp, sizeof(tmp), ".%s.tmp", name) < 0)
		return -ENAMETOOLONG;
	if ((fd = create_tmp(d->fd, tmp)) < 0)
		return fd;
	out_init(&o, fd);
	render(&o, ctx);
	err = out_flush(&o);
	if (!err && d->durable && fsync(fd) < 0)
		err = -errno;
	if (close(fd) < 0 && !err)
		err = -errno;
	if (!err && renameat(d->fd, tmp, d->fd, name) < 0)
		err = -errno;
	if (err)
		unlinkat(d->fd, tmp, 0);
	else if (d->durable)
		fsync(d->fd); /* the rename itself survives a crash */
	return err;
}

int atomic_write(const struct root *r, const char *dir, bool create, const char *name,
		 atomic_render_fn render, const void *ctx)
{
	struct atomic_dir d;
	int err = atomic_dir_open(&d, r, dir, create);

	if (err < 0)
		return err;
	err = atomic_dir_write(&d, name, render, ctx);
	atomic_dir_close(&d);
	return err;
}

int atomic_remove(const struct root *r, const char *dir, const char *name)
{
	int dfd = open_dir(r, dir, false), err = 0;

	if (dfd == -ENOENT)
		return 0;
	if (dfd < 0)
		return dfd;
	if (unlinkat(dfd, name, 0) < 0 && errno != ENOENT)
		err = -errno;
	close(dfd);
	return err;
}
