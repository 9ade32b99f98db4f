/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modload.h - the modules a host is told to load by name at boot, and
 * whether this kernel has them.
 *
 * Running root: /etc/modules (Debian), modules-load.d/NAME.conf of /etc, /run,
 * /usr/lib and /lib merged by file name as
 * systemd-modules-load does (Debian's /etc/modules-load.d/modules.conf is
 * a link to ../modules: read once), and /etc/initramfs-tools/modules.
 * Inside the initramfs: its /conf/modules (the copy mkinitramfs made).
 * Guides still list vfio_virqfd, merged into vfio in Linux 6.2.
 */
#ifndef VFP_MODLOAD_H
#define VFP_MODLOAD_H

#include <stdbool.h>

#include "modprobe.h"
#include "rootfs.h"

#define MODLOAD_MAX 64
struct modload_entry {
	char module[MODNAME_LEN]; /* normalized: '_' */
	char file[48];		  /* "/etc/modules" */
	unsigned line;
	bool found;	/* in modules.dep or modules.builtin */
	bool initramfs; /* loaded by the initramfs, not systemd-modules-load */
};
struct modload {
	struct modload_entry v[MODLOAD_MAX];
	unsigned n;    /* the first MODLOAD_MAX entries */
	bool have_dep; /* modules.dep was read: !found means missing */
};

/* in_initramfs: read /conf/modules only; else the running root's lists */
void modload_read(const struct root *r, bool in_initramfs, struct modload *ml);
/* module `name` (any spelling) exists: mark the entries naming it */
void modload_mark(struct modload *ml, const char *name);
/* mark from lib/modules/KVER/modules.{dep,builtin} under r (the upgrade phase's real root) */
void modload_scan(const struct root *r, const char *kver, struct modload *ml);
/* an entry of the initramfs's list names `module` */
bool modload_in_initramfs(const struct modload *ml, const char *module);

#endif
