/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * efivar.h - EFI variables through efivarfs under a root prefix.
 *
 * A variable file is NAME-GUID; its content is 4 bytes of attributes (LE)
 * and the data. The strings here are the Boot Loader Interface kind: UTF-16LE
 * with a trailing NUL, attributes NON_VOLATILE|BOOTSERVICE|RUNTIME (7).
 * Writes follow the safe pattern: read first and skip when already right,
 * clear the immutable inode flag efivarfs puts on most variables, then one
 * write() of attributes + data. Deleting what is already absent succeeds.
 * Functions return 0 or a length on success, -errno on failure.
 */
#ifndef VFP_EFIVAR_H
#define VFP_EFIVAR_H

#include "rootfs.h"

#include <stddef.h>

#define EFI_LOADER_GUID "4a67b082-0a4c-41cf-b6c7-440b29bb8c4f" /* Boot Loader Interface */
#define EFI_VFP_GUID	"99801ca0-e8a0-4748-9f15-ffc348321930" /* vfio-preflight's own */

/*
 * fd of the root's sys/firmware/efi/efivars. When the root is "/" and the
 * directory is empty, efivarfs is mounted there first. -ENOENT: no EFI boot.
 */
int efivar_open_dir(const struct root *r);

/*
 * A string variable, as ASCII (a code unit above 0x7f reads as '?'); embedded
 * NULs (lists like LoaderEntries) are kept. Returns the number of characters
 * before the final NUL, or -errno.
 */
int efivar_get(int dirfd, const char *name, char *buf, size_t cap);

/* The string of a variable's raw content (attributes + UTF-16LE), as efivar_get. */
int efivar_decode(const unsigned char *raw, size_t n, char *buf, size_t cap);

/*
 * Set a string variable (value, at most EFIVAR_STR_MAX characters) or delete
 * it (NULL): 1 changed, 0 already so. The old one is deleted before the new
 * one is created, so a writer killed half-way leaves it absent or complete
 * (an empty file, created and never written, is no variable in efivarfs).
 */
#define EFIVAR_STR_MAX 255
int efivar_set(int dirfd, const char *name, const char *value);

#endif
