/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rootfs.h - every file access of the preflight, relative to a root prefix.
 *
 * Contract: paths given here are relative to the root ("sys/bus/pci/...",
 * never "/sys/..."), so a fixture tree is read exactly like "/". Functions
 * return a length or 0 on success and a negative errno on failure; absence
 * (-ENOENT, -ENOTDIR, -ELOOP) is data for the caller, never fatal.
 * Opens use O_NONBLOCK so a FIFO or tty planted in a tree cannot hang us.
 * Links resolve inside the root (openat2's RESOLVE_IN_ROOT), for "/" too, so
 * the real boot and a tree go through the same code: an absolute link or one
 * climbing "../" in a captured tree, the real root of the upgrade phase or a
 * state directory points into that tree, as after a chroot, never at the
 * files of the machine running us. Without openat2 a write refuses every
 * link on its path (-ELOOP); a read follows them as openat does.
 * The *_at functions take a directory fd already resolved in the tree and
 * never follow a link in their last component (sysfs attributes and EFI
 * variables are never links): the link itself is the answer (-ELOOP).
 */
#ifndef VFP_ROOTFS_H
#define VFP_ROOTFS_H

#include <dirent.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct root {
	int fd;		  /* O_DIRECTORY fd of the root prefix */
	const char *path; /* as given, for messages */
	int contained;	  /* not "/": resolve links inside it */
};

int root_open(struct root *r, const char *path);
void root_close(struct root *r);
/* openat under the root (0644 when it creates); returns an fd or -errno */
int root_openat(const struct root *r, const char *rel, int flags);
/* mkdir -p under the root, every component resolved in it; a dirfd or -errno */
int root_mkdirs(const struct root *r, const char *rel, mode_t mode);

/* Read at most cap-1 bytes of a small file and NUL-terminate; returns length. */
int root_read(const struct root *r, const char *rel, char *buf, size_t cap);
int root_read_at(int dirfd, const char *rel, char *buf, size_t cap);
/* the same from a file opened already, which it closes */
int root_read_fd(int fd, char *buf, size_t cap);
/*
 * root_read for sysfs, whose links are all relative: a link may not leave the
 * root at all, not even to come back (-EXDEV for an absolute link or one
 * climbing past the root), so a readlink of the same path walks the same
 * files. Without openat2 it reads as openat does.
 */
int root_read_beneath(const struct root *r, const char *rel, char *buf, size_t cap);

/* readlinkat, NUL-terminated; returns length. */
int root_readlink_at(int dirfd, const char *rel, char *buf, size_t cap);

int root_exists(const struct root *r, const char *rel);
int root_open_dirfd(const struct root *r, const char *rel);

/*
 * A directory listed through getdents64 into this struct (on the caller's
 * stack), not a malloc'd DIR: klibc's malloc maps a fresh 64 KiB chunk for
 * a DIR that fits nowhere else and unmaps it at closedir, two syscalls a
 * listing. 16 KiB a call, as klibc's readdir reads.
 */
struct root_dir {
	int fd;
	unsigned pos, end;
	bool done;
	union {
		struct dirent first; /* the alignment getdents64 writes dirents at */
		char bytes[16384];
	} buf;
};
/* 0, or -errno (the directory stays closed: root_dir_close is not needed) */
int root_dir_open(struct root_dir *d, const struct root *r, const char *rel);
/* the same on a directory fd of the caller's (dup'd: theirs stays open) */
int root_dir_open_fd(struct root_dir *d, int fd);
/* the next entry, "." and ".." included; NULL at the end or on an error */
struct dirent *root_dir_next(struct root_dir *d);
void root_dir_close(struct root_dir *d);

/*
 * Stream a file line by line (any size) through cb. Lines longer than
 * LINE_MAX_LEN are reported to cb with truncated=1 and their rest skipped.
 * cb returns 0 to go on, non-zero to stop. Returns 0 or -errno.
 */
#define ROOT_LINE_MAX 4096
/* a bound on what is read of one file: /dev/zero planted in a tree must not hang us */
#define ROOT_FILE_MAX (32u << 20)
typedef int (*root_line_cb)(void *ctx, char *line, size_t len, unsigned lineno, int truncated);
int root_for_each_line(const struct root *r, const char *rel, root_line_cb cb, void *ctx);
/*
 * The same for a file known to be a regular one on a local filesystem: one
 * its directory listed as DT_REG, or one of depmod's under lib/modules. A
 * short read is its end, which saves the read() that returns 0: a regular
 * file's read() returns less than asked only at its end or when a caught
 * signal interrupts it (POSIX), and this program catches none. Not for a
 * kernel file (a seq_file may come back short early) or one on FUSE
 * (/etc/pve: direct_io reads may too).
 */
int root_for_each_line_regular(const struct root *r, const char *rel, root_line_cb cb, void *ctx);

/* Does the file contain `needle` anywhere (streamed, any size)? 1, 0 or -errno. */
int root_file_contains(const struct root *r, const char *rel, const char *needle);
#endif
