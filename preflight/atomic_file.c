/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * atomic_file.c - temp file + fsync + rename, see atomic_file.h.
 */
#include "atomic_file.h"

#include "format.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int open_dir(const struct root *r, const char *dir, bool create)
{
	dir += strspn(dir, "/");
	if (!*dir)
		dir = ".";
	/* every component created and opened inside the root: a link cannot lead out */
	return create ? root_mkdirs(r, dir, 0755) : root_open_dirfd(r, dir);
}

int atomic_write(const struct root *r, const char *dir, bool create, const char *name,
		 atomic_render_fn render, const void *ctx)
{
	char tmp[128];
	struct out o;
	int dfd, fd, err = 0;

	if (str_fmt(tmp, sizeof(tmp), ".%s.tmp", name) < 0)
		return -ENAMETOOLONG;
	if ((dfd = open_dir(r, dir, create)) < 0)
		return dfd;
	unlinkat(dfd, tmp, 0); /* left by a writer that was killed */
	fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0) {
		err = -errno;
		close(dfd);
		return err;
	}
	out_init(&o, fd);
	render(&o, ctx);
	err = out_flush(&o);
	if (!err && fsync(fd) < 0)
		err = -errno;
	if (close(fd) < 0 && !err)
		err = -errno;
	if (!err && renameat(dfd, tmp, dfd, name) < 0)
		err = -errno;
	if (err)
		unlinkat(dfd, tmp, 0);
	else
		fsync(dfd); /* the rename itself survives a crash */
	close(dfd);
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
