/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rootfs.c - bounded, non-blocking file reads under a root prefix.
 */
#include "rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#ifndef __KLIBC__
#include <sys/syscall.h>
#endif

#define OPEN_RO (O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)

/* openat2(2): klibc has no wrapper, glibc no generic one before 2.x; -errno */
static long raw_openat2(int dirfd, const char *rel, struct open_how *how)
{
#if defined(__KLIBC__) && defined(__x86_64__)
	register long size __asm__("r10") = (long)sizeof(*how);
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "0"((long)__NR_openat2), "D"((long)dirfd), "S"(rel), "d"(how), "r"(size)
			 : "rcx", "r11", "memory");
	return ret;
#elif defined(__KLIBC__)
	(void)dirfd, (void)rel, (void)how;
	return -ENOSYS;
#else
	long ret = syscall(SYS_openat2, dirfd, rel, how, sizeof(*how));

	return ret < 0 ? -errno : ret;
#endif
}

/*
 * -EAGAIN: with RESOLVE_IN_ROOT or RESOLVE_BENEATH the kernel cannot tell a
 * ".." from an escape when a rename or mount anywhere on the system raced
 * the walk (fs/namei.c checks rename_lock and mount_lock), and asks for a
 * retry. Sysfs device links are full of "..": without the retry a busy host
 * drops PCI functions (seen on a CI run: 4 of 4096). Bounded, then the error.
 */
#define OPENAT2_RETRIES 16

static long sys_openat2(int dirfd, const char *rel, struct open_how *how)
{
	long ret;
	int tries = 0;

	do
		ret = raw_openat2(dirfd, rel, how);
	while (ret == -EAGAIN && (how->resolve & (RESOLVE_IN_ROOT | RESOLVE_BENEATH)) &&
	       ++tries < OPENAT2_RETRIES);
	return ret;
}

int root_open(struct root *r, const char *path)
{
	r->path = (path && *path) ? path : "/";
	r->contained = strcmp(r->path, "/") != 0;
	r->fd = open(r->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return r->fd < 0 ? -errno : 0;
}

/*
 * Without openat2 (kernel < 5.6, a seccomp filter, klibc off x86_64): a write
 * walks the path one component at a time with O_NOFOLLOW, so any link on the
 * way is refused (-ELOOP) rather than followed out of the tree.
 */
static int walk_nofollow(int dirfd, const char *rel, int flags, mode_t mode)
{
	char part[256];
	int fd = fcntl(dirfd, F_DUPFD_CLOEXEC, 0);

	while (fd >= 0) {
		size_t n = strcspn(rel, "/");
		int last = rel[n + strspn(rel + n, "/")] == '\0', next;

		if (n >= sizeof(part))
			next = -ENAMETOOLONG;
		else if (n == 2 && rel[0] == '.' && rel[1] == '.')
			next = -EXDEV; /* climbing out is never a write's business */
		else {
			memcpy(part, rel, n);
			part[n] = '\0';
			next = openat(fd, n ? part : ".",
				      last ? flags | O_NOFOLLOW
					   : O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC,
				      mode);
			next = next < 0 ? -errno : next;
		}
		close(fd);
		if (last || next < 0)
			return next;
		fd = next;
		rel += n + strspn(rel + n, "/");
	}
	return -errno;
}

/* writes and creations: nothing through a link, the file itself */
#define WRITE_FLAGS (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC | O_APPEND)

int root_openat(const struct root *r, const char *rel, int flags)
{
	/* "/" too: the real boot goes through the same resolution as a tree */
	struct open_how how = { .flags = (unsigned)flags,
				.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
	long ret;
	int fd;

	if (flags & O_CREAT)
		how.mode = 0644;
	ret = sys_openat2(r->fd, rel, &how);
	if (ret != -ENOSYS && ret != -EPERM)
		return (int)ret;
	/* no openat2: writes refuse links; reads follow them as openat does (see the man page) */
	if (r->contained && (flags & WRITE_FLAGS))
		return walk_nofollow(r->fd, rel, flags, 0644);
	fd = openat(r->fd, rel, flags, 0644);
	return fd < 0 ? -errno : fd;
}

/*
 * PATH opened as a directory, the missing components made from the deepest
 * one that exists: mkdirat in the parent's fd, then the whole path opened
 * again in the tree, so a link put there meanwhile cannot lead out. The
 * common case, a parent that exists, costs one failed open and four calls.
 */
static int mkdirs_in(const struct root *r, char *path, mode_t mode)
{
	int fd = root_open_dirfd(r, path), pfd, err = 0;
	char *base;

	if (fd != -ENOENT)
		return fd;
	base = strrchr(path, '/');
	if (base) {
		*base = '\0';
		pfd = mkdirs_in(r, path, mode);
		*base++ = '/';
		if (pfd < 0)
			return pfd;
	} else {
		pfd = r->fd;
		base = path;
	}
	if (mkdirat(pfd, base, mode) < 0 && errno != EEXIST)
		err = -errno;
	if (pfd != r->fd)
		close(pfd);
	return err ? err : root_open_dirfd(r, path);
}

int root_mkdirs(const struct root *r, const char *rel, mode_t mode)
{
	char path[256];
	size_t len = 0;

	/* "a//b/" as "a/b": every component a name of its own */
	for (const char *p = rel; *p; p++) {
		if (*p == '/' && (len == 0 || path[len - 1] == '/'))
			continue;
		if (len + 1 >= sizeof(path))
			return -ENAMETOOLONG;
		path[len++] = *p;
	}
	while (len > 0 && path[len - 1] == '/')
		len--;
	if (len == 0)
		return root_open_dirfd(r, ".");
	path[len] = '\0';
	return mkdirs_in(r, path, mode);
}

void root_close(struct root *r)
{
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
}

/* read the open fd into buf, NUL-terminated, and close it; returns length */
static int read_small(int fd, char *buf, size_t cap)
{
	size_t len = 0;
	int err = 0;

	/*
	 * sysfs hands out an attribute in one read(); a short read therefore
	 * means end of file and saves the extra read() per attribute.
	 */
	while (len < cap - 1) {
		ssize_t n = read(fd, buf + len, cap - 1 - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = (errno == EAGAIN) ? 0 : -errno;
			break;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if ((size_t)n < cap - 1 - (len - (size_t)n))
			break;
	}
	close(fd);
	buf[len] = '\0';
	return err ? err : (int)len;
}

int root_read_beneath(const struct root *r, const char *rel, char *buf, size_t cap)
{
	struct open_how how = { .flags = OPEN_RO,
				.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS };
	long fd;

	if (cap == 0)
		return -EINVAL;
	fd = sys_openat2(r->fd, rel, &how);
	if (fd == -ENOSYS || fd == -EPERM) {
		fd = openat(r->fd, rel, OPEN_RO);
		fd = fd < 0 ? -errno : fd;
	}
	return fd < 0 ? (int)fd : read_small((int)fd, buf, cap);
}

int root_read_at(int dirfd, const char *rel, char *buf, size_t cap)
{
	int fd;

	if (cap == 0)
		return -EINVAL;
	fd = openat(dirfd, rel, OPEN_RO | O_NOFOLLOW);
	return fd < 0 ? -errno : read_small(fd, buf, cap);
}

int root_read_fd(int fd, char *buf, size_t cap)
{
	if (cap == 0) {
		close(fd);
		return -EINVAL;
	}
	return read_small(fd, buf, cap);
}

int root_read(const struct root *r, const char *rel, char *buf, size_t cap)
{
	int fd;

	if (cap == 0)
		return -EINVAL;
	fd = root_openat(r, rel, OPEN_RO);
	return fd < 0 ? fd : read_small(fd, buf, cap);
}

int root_readlink_at(int dirfd, const char *rel, char *buf, size_t cap)
{
	ssize_t n;

	if (cap == 0)
		return -EINVAL;
	n = readlinkat(dirfd, rel, buf, cap - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return (int)n;
}

int root_exists(const struct root *r, const char *rel)
{
	int fd;

	if (!r->contained)
		return faccessat(r->fd, rel, F_OK, 0) == 0;
	fd = root_openat(r, rel, OPEN_RO);
	if (fd >= 0)
		close(fd);
	return fd >= 0 || fd == -EACCES;
}

int root_open_dirfd(const struct root *r, const char *rel)
{
	return root_openat(r, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static int dir_start(struct root_dir *d, int fd)
{
	if (fd < 0)
		return fd;
	d->fd = fd;
	d->pos = d->end = 0;
	d->done = false;
	return 0;
}

int root_dir_open(struct root_dir *d, const struct root *r, const char *rel)
{
	return dir_start(d, root_open_dirfd(r, rel));
}

int root_dir_open_fd(struct root_dir *d, int fd)
{
	int own = fcntl(fd, F_DUPFD_CLOEXEC, 0);

	return dir_start(d, own < 0 ? -errno : own);
}

static ssize_t dir_fill(int fd, char *buf, size_t cap)
{
#ifdef __KLIBC__
	return getdents(fd, (struct dirent *)buf, cap);
#else
	return getdents64(fd, buf, cap);
#endif
}

struct dirent *root_dir_next(struct root_dir *d)
{
	struct dirent *de;

	if (d->pos >= d->end) {
		ssize_t n;

		if (d->done)
			return NULL;
		do
			n = dir_fill(d->fd, d->buf.bytes, sizeof(d->buf.bytes));
		while (n < 0 && errno == EINTR);
		if (n <= 0) {
			d->done = true;
			return NULL;
		}
		d->pos = 0;
		d->end = (unsigned)n;
	}
	de = (struct dirent *)(d->buf.bytes + d->pos);
	/* the kernel's own records; still, never step past what it returned */
	if (d->end - d->pos < offsetof(struct dirent, d_name) + 1 ||
	    de->d_reclen < offsetof(struct dirent, d_name) + 1 || de->d_reclen > d->end - d->pos) {
		d->done = true;
		d->pos = d->end;
		return NULL;
	}
	d->pos += de->d_reclen;
	return de;
}

void root_dir_close(struct root_dir *d)
{
	close(d->fd);
	d->fd = -1;
}

static int for_each_line(const struct root *r, const char *rel, bool regular, root_line_cb cb,
			 void *ctx)
{
	char buf[ROOT_LINE_MAX + 1];
	size_t have = 0, seen = 0;
	unsigned lineno = 0;
	int skipping = 0, fd, ret = 0;
	bool end = false;

	fd = root_openat(r, rel, OPEN_RO);
	if (fd < 0)
		return fd;
	for (;;) {
		size_t want = ROOT_LINE_MAX - have;
		ssize_t n = end ? 0 : read(fd, buf + have, want);
		char *start, *nl;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = errno == EAGAIN ? 0 : -errno;
			break;
		}
		end = regular && (size_t)n < want;
		if (n == 0) {
			if (have && !skipping) {
				buf[have] = '\0';
				cb(ctx, buf, have, ++lineno, 0);
			}
			break;
		}
		if ((seen += (size_t)n) > ROOT_FILE_MAX) {
			ret = -EFBIG;
			break;
		}
		have += (size_t)n;
		start = buf;
		while ((nl = memchr(start, '\n', have - (size_t)(start - buf)))) {
			*nl = '\0';
			lineno++;
			if (!skipping && cb(ctx, start, (size_t)(nl - start), lineno, 0)) {
				close(fd);
				return 0;
			}
			skipping = 0;
			start = nl + 1;
		}
		have -= (size_t)(start - buf);
		memmove(buf, start, have);
		if (have == ROOT_LINE_MAX) {
			/* overlong line: report its head once, drop the rest */
			if (!skipping) {
				buf[have] = '\0';
				if (cb(ctx, buf, have, lineno + 1, 1))
					break;
			}
			skipping = 1;
			have = 0;
		}
	}
	close(fd);
	return ret;
}

int root_for_each_line(const struct root *r, const char *rel, root_line_cb cb, void *ctx)
{
	return for_each_line(r, rel, false, cb, ctx);
}

int root_for_each_line_regular(const struct root *r, const char *rel, root_line_cb cb, void *ctx)
{
	return for_each_line(r, rel, true, cb, ctx);
}

int root_file_contains(const struct root *r, const char *rel, const char *needle)
{
	size_t nlen = strlen(needle), keep = 0, seen = 0;
	char buf[8192];
	int fd, found = 0;

	if (nlen == 0 || nlen >= sizeof(buf) / 2)
		return -EINVAL;
	fd = root_openat(r, rel, OPEN_RO);
	if (fd < 0)
		return fd;
	for (;;) {
		ssize_t n = read(fd, buf + keep, sizeof(buf) - keep);
		size_t total;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno != EAGAIN)
			found = -errno; /* an I/O error is not "not there" */
		if (n <= 0)
			break;
		if ((seen += (size_t)n) > ROOT_FILE_MAX) {
			found = -EFBIG;
			break;
		}
		total = keep + (size_t)n;
		if (memmem(buf, total, needle, nlen)) {
			found = 1;
			break;
		}
		/* keep a tail so a match across two reads is seen */
		keep = total < nlen - 1 ? total : nlen - 1;
		memmove(buf, buf + total - keep, keep);
	}
	close(fd);
	return found;
}
