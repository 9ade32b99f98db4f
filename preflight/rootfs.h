/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rootfs.h - every file access of the preflight, relative to a root prefix.
 *
 * Contract: paths given here are relative to the root ("sys/bus/pci/...",
 * never "/sys/..."), so a fixture tree is read exactly like "/". Functions
 * return a length or 0 on success and a negative errno on failure; absence
 * (-ENOENT, -ENOTDIR, -ELOOP) is data for the caller, never fatal.
 * Opens use O_NONBLOCK so a FIFO or tty planted in a tree cannot hang us.
 * Under a root other than "/", links resolve inside it (openat2's
 * RESOLVE_IN_ROOT): an absolute link in a captured tree or in the real root
 * of the upgrade phase points into that tree, as after a chroot, never at
 * the files of the machine running us. The *_at functions take a directory
 * fd of the tree and resolve as openat does: sysfs links are relative.
 */
#ifndef VFP_ROOTFS_H
#define VFP_ROOTFS_H

#include <stddef.h>
#include <dirent.h>

struct root {
	int fd;			/* O_DIRECTORY fd of the root prefix */
	const char *path;	/* as given, for messages */
	int contained;		/* not "/": resolve links inside it */
};

int root_open(struct root *r, const char *path);
void root_close(struct root *r);
/* openat under the root; returns an fd or -errno */
int root_openat(const struct root *r, const char *rel, int flags);

/* Read at most cap-1 bytes of a small file and NUL-terminate; returns length. */
int root_read(const struct root *r, const char *rel, char *buf, size_t cap);
int root_read_at(int dirfd, const char *rel, char *buf, size_t cap);

/* readlinkat, NUL-terminated; returns length. */
int root_readlink_at(int dirfd, const char *rel, char *buf, size_t cap);

int root_exists(const struct root *r, const char *rel);
int root_open_dirfd(const struct root *r, const char *rel);
DIR *root_opendir(const struct root *r, const char *rel);

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



/* Does the file contain `needle` anywhere (streamed, any size)? 1, 0 or -errno. */
int root_file_contains(const struct root *r, const char *rel, const char *needle);
#endif
