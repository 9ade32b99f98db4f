/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * esp.c - GPT scan for EFI system partitions; mount, visit, unmount.
 */
#include "format.h"
#include "esp.h"
#include "macro.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#define MNT "run/vfio-preflight/esp"

/* C12A7328-F81F-11D2-BA4B-00A0C93EC93B as stored on disk (mixed endian) */
static const unsigned char esp_type[16] = {
	0x28, 0x73, 0x2a, 0xc1, 0x1f, 0xf8, 0xd2, 0x11,
	0xba, 0x4b, 0x00, 0xa0, 0xc9, 0x3e, 0xc9, 0x3b,
};

static uint64_t le(const unsigned char *p, int n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

/* name of partition number `num` of disk (sys/block/DISK/PART/partition) */
static int part_name(const struct root *r, const char *disk, unsigned num, char *out, size_t cap)
{
	char path[600], buf[16];
	struct dirent *de;
	struct root_dir d;
	int found;

	str_fmt(path, sizeof(path), "sys/block/%s", disk);
	if ((found = root_dir_open(&d, r, path)) < 0)
		return found;
	found = -ENOENT;
	while (found && (de = root_dir_next(&d))) {
		str_fmt(path, sizeof(path), "sys/block/%s/%s/partition", disk, de->d_name);
		if (strncmp(de->d_name, disk, strlen(disk)) ||
		    root_read(r, path, buf, sizeof(buf)) < 0 || strtoul(buf, NULL, 10) != num)
			continue;
		str_fmt(out, cap, "/dev/%s", de->d_name);
		found = 0;
	}
	root_dir_close(&d);
	return found;
}

/* GPT partition numbers (1-based) of ESPs on DISK as a bit set of the first 64 */
static uint64_t disk_esps(const struct root *r, const char *disk)
{
	unsigned char h[512], e[16];
	char path[300];
	uint64_t lba, found = 0;
	unsigned lbs = 512, n, size;
	int fd;

	str_fmt(path, sizeof(path), "sys/block/%s/queue/logical_block_size", disk);
	if (root_read(r, path, (char *)h, 16) > 0)
		lbs = (unsigned)strtoul((char *)h, NULL, 10);
	str_fmt(path, sizeof(path), "dev/%s", disk);
	fd = root_openat(r, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	if (lbs >= 512 && lbs <= 4096 && pread(fd, h, sizeof(h), lbs) == (ssize_t)sizeof(h) &&
	    !memcmp(h, "EFI PART", 8)) {
		lba = le(h + 72, 8);
		n = (unsigned)le(h + 80, 4);
		size = (unsigned)le(h + 84, 4);
		for (unsigned i = 0; i < n && i < 64 && size >= 128; i++)
			if (pread(fd, e, 16, (off_t)(lba * lbs + (uint64_t)i * size)) == 16 &&
			    !memcmp(e, esp_type, 16))
				found |= 1ull << i;
	}
	close(fd);
	return found;
}

static int skip_disk(const char *n)
{
	static const char *const skip[] = { "loop", "ram", "zram", "dm-", "md", "sr", "fd", "nbd" };

	for (size_t i = 0; i < ARRAY_SIZE(skip); i++)
		if (!strncmp(n, skip[i], strlen(skip[i])))
			return 1;
	return n[0] == '.';
}

static int visit(const struct root *r, const char *dev, esp_cb cb, void *ctx)
{
	int fd, stop;

	if ((fd = root_mkdirs(r, MNT, 0700)) < 0)
		return fd;
	close(fd);
	if (mount(dev, "/" MNT, "vfat", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return -errno;
	fd = root_open_dirfd(r, MNT);
	stop = fd < 0 ? fd : cb(ctx, fd, dev);
	if (fd >= 0)
		close(fd);
	umount2("/" MNT, 0);
	unlinkat(r->fd, MNT, AT_REMOVEDIR);
	return stop;
}

int esp_for_each(const struct root *r, esp_cb cb, void *ctx)
{
	char dev[300];
	struct dirent *de;
	struct root_dir d;
	int count = 0, stop = 0, err;

	if (strcmp(r->path, "/"))
		return -ENOENT;
	if ((err = root_dir_open(&d, r, "sys/block")) < 0)
		return err;
	while (!stop && (de = root_dir_next(&d))) {
		uint64_t set;

		if (skip_disk(de->d_name) || !(set = disk_esps(r, de->d_name)))
			continue;
		for (unsigned i = 0; i < 64 && !stop; i++) {
			if (!(set & 1ull << i) ||
			    part_name(r, de->d_name, i + 1, dev, sizeof(dev)) < 0)
				continue;
			stop = visit(r, dev, cb, ctx);
			if (stop >= 0)
				count++;
			stop = stop > 0;
		}
	}
	root_dir_close(&d);
	return count ? count : -ENOENT;
}
