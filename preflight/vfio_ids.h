/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vfio_ids.h - vfio-pci's ids= list: parsing and matching.
 *
 * Syntax (drivers/vfio/pci/vfio_pci.c): comma-separated entries
 * vendor:device[:subvendor[:subdevice[:class[:class_mask]]]], hex, where
 * ffffffff means "any" and absent sub-ids match anything. Entries the
 * kernel would reject or misread are kept and flagged `malformed`, so the
 * report can name them.
 */
#ifndef VFP_VFIO_IDS_H
#define VFP_VFIO_IDS_H

#include <stdint.h>
#include <stddef.h>

#define VFIO_ANY_ID 0xffffffffu
#define VFIO_ID_TEXT 72	/* 6 fields of 0x + 8 digits, 5 colons */
#define VFIO_SRC_MAX 16
#define VFIO_IDS_MAX 256

struct pci_func;

struct vfio_id {
	uint32_t vendor, device, subvendor, subdevice, class, class_mask;
	char text[VFIO_ID_TEXT];	/* the entry as written (cut to fit) */
	uint8_t source;			/* index into vfio_ids.src */
	uint8_t malformed;
	unsigned matches;		/* devices it matches (filled by analysis) */
};

struct vfio_id_source {
	char where[120];	/* "/etc/modprobe.d/vfio.conf:3", "kernel command line" */
	int from_cmdline;
};

struct vfio_ids {
	struct vfio_id v[VFIO_IDS_MAX];
	size_t n;
	unsigned dropped;
	struct vfio_id_source src[VFIO_SRC_MAX];
	size_t nsrc;
	int effective;		/* source index whose ids= takes effect, -1 none */
};

/* Parse one entry; returns 0 or -EINVAL (then id->malformed is set). */
int vfio_id_parse(const char *text, struct vfio_id *id);
/* Add a whole ids= value from `where`; it becomes the effective source. */
void vfio_ids_add_list(struct vfio_ids *ids, const char *list, const char *where, int from_cmdline);
int vfio_id_matches(const struct vfio_id *id, const struct pci_func *dev);

#endif
