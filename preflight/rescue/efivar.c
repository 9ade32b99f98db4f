/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * efivar.c - read, write and delete string EFI variables in efivarfs.
 */
#include "efivar.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <unistd.h>

#define EFIVARS "sys/firmware/efi/efivars"
#define RAW_MAX 8192

/* from <linux/fs.h>, which clashes with <sys/mount.h> in klibc */
#ifndef FS_IOC_GETFLAGS
#define FS_IOC_GETFLAGS _IOR('f', 1, long)
#define FS_IOC_SETFLAGS _IOW('f', 2, long)
#endif
#ifndef FS_IMMUTABLE_FL
#define FS_IMMUTABLE_FL 0x00000010
#endif

static int dir_is_empty(int fd)
{
	struct root_dir d;
	struct dirent *de;
	int empty = 1;

	if (root_dir_open_fd(&d, fd) < 0)
		return 1;
	while (empty && (de = root_dir_next(&d)))
		empty = de->d_name[0] == '.';
	root_dir_close(&d);
	return empty;
}

int efivar_open_dir(const struct root *r)
{
	int fd = root_open_dirfd(r, EFIVARS);

	if (strcmp(r->path, "/") || (fd >= 0 && !dir_is_empty(fd)))
		return fd;
	if (fd >= 0)
		close(fd);
	if (!root_exists(r, "sys/firmware/efi"))
		return -ENOENT;
	if (mount("efivarfs", "/" EFIVARS, "efivarfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) <
		    0 &&
	    errno != EBUSY)
		return -errno;
	return root_open_dirfd(r, EFIVARS);
}

int efivar_get(int dirfd, const char *name, char *buf, size_t cap)
{
	unsigned char raw[RAW_MAX];
	int n = root_read_at(dirfd, name, (char *)raw, sizeof(raw));

	if (n == 0)
		return -ENOENT; /* created, never written (a writer killed): efivarfs has no such
				   variable */
	if (n < 0)
		return n;
	return efivar_decode(raw, (size_t)n, buf, cap);
}

int efivar_decode(const unsigned char *raw, size_t n, char *buf, size_t cap)
{
	size_t i, k = 0;

	if (n < 4 || cap == 0)
		return -EINVAL;
	for (i = 4; i + 1 < n && k + 1 < cap; i += 2)
		buf[k++] = raw[i + 1] || raw[i] > 0x7f ? '?' : (char)raw[i];
	while (k > 0 && buf[k - 1] == '\0')
		k--;
	buf[k] = '\0';
	return (int)k;
}

static void clear_immutable(int dirfd, const char *name)
{
	/* O_NOFOLLOW: a link planted in efivars/ must not unprotect a file elsewhere */
	int fd = openat(dirfd, name, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC), flags;

	if (fd < 0)
		return;
	if (ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0 && (flags & FS_IMMUTABLE_FL)) {
		flags &= ~FS_IMMUTABLE_FL;
		ioctl(fd, FS_IOC_SETFLAGS, &flags);
	}
	close(fd);
}

int efivar_set(int dirfd, const char *name, const char *value)
{
	unsigned char want[4 + 2 * (EFIVAR_STR_MAX + 1)], have[RAW_MAX];
	size_t len = 0;
	int n, fd;

	if (value) {
		size_t vl = strlen(value);

		if (vl > EFIVAR_STR_MAX)
			return -ENAMETOOLONG;
		memset(want, 0, sizeof(want));
		want[0] = 7;
		for (size_t i = 0; i < vl; i++)
			want[4 + 2 * i] = (unsigned char)value[i];
		len = 4 + 2 * (vl + 1);
	}
	n = root_read_at(dirfd, name, (char *)have, sizeof(have));
	if (n == -ENOENT && !value)
		return 0;
	if (value && n == (int)len && !memcmp(have, want, len))
		return 0;
	clear_immutable(dirfd, name);
	if (n != -ENOENT && unlinkat(dirfd, name, 0) < 0 && errno != ENOENT)
		return -errno;
	if (!value)
		return 1;
	fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0 && errno == EEXIST) {
		/* another writer got there first: right if it wrote the same */
		n = root_read_at(dirfd, name, (char *)have, sizeof(have));
		return n == (int)len && !memcmp(have, want, len) ? 0 : -EEXIST;
	}
	if (fd < 0)
		return -errno;
	n = (int)write(fd, want, len);
	if (n != (int)len) {
		n = n < 0 ? -errno : -EIO;
		close(fd);
		unlinkat(dirfd, name, 0);
		return n;
	}
	return close(fd) < 0 ? -errno : 1;
}
