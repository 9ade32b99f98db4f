/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vfio_ids.h - vfio-pci's ids= list: parsing and matching.
 *
 * Syntax (drivers/vfio/pci/vfio_pci.c): comma-separated entries
 * vendor:device[:subvendor[:subdevice[:class[:class_mask]]]], hex, where
 * ffffffff means "any" and absent sub-ids match anything. Each entry is
 * read as vfio_pci_fill_ids() reads it, with sscanf("%x:%x:%x:%x:%x:%x"):
 * an entry of fewer than two fields is skipped by the kernel (`malformed`);
 * one the kernel takes although it is not written as the syntax says
 * (spaces, "0x", a trailing ';' or ')', more than six fields) is claimed
 * as the kernel claims it and flagged `odd`, so the report can name it.
 * Empty entries (",,") are skipped, as the kernel does.
 */
#ifndef VFP_VFIO_IDS_H
#define VFP_VFIO_IDS_H

#include <stdint.h>
#include <stddef.h>

#define VFIO_ANY_ID    0xffffffffu
#define VFIO_ID_TEXT   72 /* 6 fields of 0x + 8 digits, 5 colons */
#define VFIO_SRC_MAX   16
#define VFIO_IDS_MAX   256
#define VFIO_ENTRY_MAX 1023 /* the kernel's ids= holds 1023 bytes */

struct pci_func;

/* an entry the kernel takes although it is not written as the syntax says */
enum vfio_id_odd {
	ODD_NONE,
	ODD_COSMETIC, /* spaces, "0x", a trailing ':' or ')': read as meant */
	ODD_DROPS,    /* hex digits the kernel never reads ("10de:2204;10de:1aef") */
};

struct vfio_id {
	uint32_t vendor, device, subvendor, subdevice, class, class_mask;
	char text[VFIO_ID_TEXT]; /* the entry as written (cut to fit) */
	uint8_t source;		 /* index into vfio_ids.src */
	uint8_t malformed;	 /* fewer than 2 fields: the kernel skips it */
	uint8_t odd;		 /* enum vfio_id_odd */
	uint8_t fields;		 /* fields the kernel's sscanf read */
	unsigned matches;	 /* devices it matches (filled by analysis) */
};

struct vfio_id_source {
	char where[120]; /* "/etc/modprobe.d/vfio.conf:3", "kernel command line" */
	int from_cmdline;
};

struct vfio_ids {
	struct vfio_id v[VFIO_IDS_MAX];
	size_t n;
	unsigned dropped;
	struct vfio_id_source src[VFIO_SRC_MAX];
	size_t nsrc;
	int effective; /* source index whose ids= takes effect, -1 none */
};

/* Parse one entry; returns 0 or -EINVAL (then id->malformed is set). */
int vfio_id_parse(const char *text, struct vfio_id *id);
/* Add a whole ids= value from `where`; it becomes the effective source. */
void vfio_ids_add_list(struct vfio_ids *ids, const char *list, const char *where, int from_cmdline);
int vfio_id_matches(const struct vfio_id *id, const struct pci_func *dev);
/* what the kernel reads: "10de:2204" (with the sub-ids and class when given) */
const char *vfio_id_read_as(const struct vfio_id *id, char *buf, size_t cap);

#endif
