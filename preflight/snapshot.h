/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * snapshot.h - the vfio-relevant boot configuration as normalized text.
 *
 * The initramfs hook stores `vfio-preflight snapshot` in the image; at
 * local-bottom the same text is computed from the real root and the two
 * are compared, which tells whether update-initramfs was forgotten. The
 * configured kernel command line (/etc/kernel/cmdline for
 * proxmox-boot-tool, else /etc/default/grub and grub.d) is compared with
 * /proc/cmdline the same way, parameter by parameter.
 *
 * Format, one item per line:
 *   modprobe: <options|blacklist|softdep|install> <module> <args>
 *   cmdline: <passthrough parameters of the configured command line>
 */
#ifndef VFP_SNAPSHOT_H
#define VFP_SNAPSHOT_H

#include "modprobe.h"
#include "rootfs.h"
#include "strbuf.h"

#define SNAPSHOT_MAX (64 * 1024)

/* modprobe: lines for the directives that decide passthrough */
void snapshot_modprobe(const struct modconf *mc, struct strbuf *out);

/* where the boot loader's command line is configured */
enum cmdline_source {
	CMDLINE_UNCONFIGURED,	/* neither file: configured elsewhere, or no boot loader */
	CMDLINE_KERNEL,		/* /etc/kernel/cmdline with proxmox-boot-uuids: proxmox-boot-tool */
	CMDLINE_KERNEL_INSTALL, /* /etc/kernel/cmdline alone: kernel-install (systemd-boot) */
	CMDLINE_GRUB,		/* /etc/default/grub and grub.d/: grub-mkconfig */
	CMDLINE_SOURCE_COUNT
};
const char *cmdline_source_file(enum cmdline_source s);	   /* "/etc/kernel/cmdline", NULL */
const char *cmdline_source_refresh(enum cmdline_source s); /* "update-grub", NULL */

/* The command line the boot loader is configured to pass, and where it is. */
enum cmdline_source configured_cmdline(const struct root *r, struct strbuf *out);
/* which tool reads an existing /etc/kernel/cmdline: CMDLINE_KERNEL or _KERNEL_INSTALL */
enum cmdline_source kernel_cmdline_source(const struct root *r);

/* The passthrough parameters of a command line, sorted, space-separated. */
void passthrough_params(const char *cmdline, struct strbuf *out);

/*
 * Items of `a` missing from `b`, appended to out after `label`, or
 * nothing when none is missing: parameters (space-separated, from
 * passthrough_params) or lines ('\n'-separated).
 */
void params_missing(const char *a, const char *b, const char *label, struct strbuf *out);
void lines_missing(const char *a, const char *b, const char *label, struct strbuf *out);

#endif
