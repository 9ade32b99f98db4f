/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pci.h - the PCI functions of a host and the access methods that read them.
 *
 * As in pciutils, an access method (backend) fills the device table and
 * the rest of the program never touches the files behind it. Core fields
 * come from the backend; the few attributes that only some devices need
 * (boot_vga, reset_method, driver_override) are read afterwards by
 * pci_read_boot_vga(), pci_read_reset_method() and pci_read_override() for
 * those devices only, which keeps a boot-time scan at a handful of
 * syscalls per function.
 */
#ifndef VFP_PCI_H
#define VFP_PCI_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#include "diag.h"
#include "pci_ids.h"
#include "rootfs.h"

#define PCI_SLOT_LEN   16
#define PCI_DRIVER_LEN 32
#define PCI_RESET_LEN  48

enum claim {
	CLAIM_NONE = 0,
	CLAIM_IDS,	/* an effective ids= entry matches */
	CLAIM_OVERRIDE, /* driver_override is vfio-pci */
	CLAIM_BOUND,	/* already bound to vfio-pci */
};

struct pci_func {
	char slot[PCI_SLOT_LEN]; /* "0000:01:00.0" */
	uint32_t slot_key;	 /* domain:16 bus:8 device:5 function:3, sorts like slot */
	uint16_t vendor, device, subvendor, subdevice;
	uint32_t class;	       /* 24 bits: base, sub, prog-if */
	int iommu_group;       /* -1: no group */
	int8_t boot_vga;       /* -1: no attribute */
	bool has_reset_method; /* the attribute exists */
	char reset_method[PCI_RESET_LEN];
	char driver[PCI_DRIVER_LEN];   /* "" when unbound */
	char override[PCI_DRIVER_LEN]; /* "" when none */
	const char *name;	       /* from pci.ids (libpci backend), or NULL */
	uint8_t claim;		       /* enum claim, filled by analysis */
	bool driver_builtin;	       /* driver is built into the kernel (analysis) */
	bool rebind;		       /* init-top's rebind moves it to vfio-pci (analysis) */
	bool vfio_refuses;	       /* matched, but vfio-pci's probe refuses it (analysis) */
};

struct pci_list {
	struct pci_func *v;
	size_t n, cap;
};

struct pci_backend {
	const char *name;
	/* fill slot, ids, class, driver, iommu_group; -errno on failure */
	int (*scan)(const struct root *r, struct pci_list *out, struct diag *d);
};

extern const struct pci_backend pci_backend_sysfs;
#ifdef HAVE_LIBPCI
extern const struct pci_backend pci_backend_libpci;
#endif

struct pci_func *pci_list_add(struct pci_list *l);
void pci_list_free(struct pci_list *l);
int pci_list_sort(struct pci_list *l);
void pci_func_init(struct pci_func *d);

/* "0000:01:00.0" -> slot_key; -1 when it is not a slot name */
long pci_slot_key(const char *slot);

/* class helpers */
static inline unsigned pci_base_class(const struct pci_func *d)
{
	return d->class >> 16;
}
static inline unsigned pci_class16(const struct pci_func *d)
{
	return d->class >> 8;
}
static inline bool pci_is_display(const struct pci_func *d)
{
	return pci_base_class(d) == PCI_BASE_CLASS_DISPLAY;
}
static inline bool pci_is_bridge(const struct pci_func *d)
{
	return pci_class16(d) == PCI_CLASS_BRIDGE_PCI ||
	       pci_class16(d) == PCI_CLASS_BRIDGE_PCI_SEMI;
}
/* same physical card: same domain:bus:device, another function */
bool pci_same_slot(const struct pci_func *a, const struct pci_func *b);
const char *pci_class_name(const struct pci_func *d);
/* "0000:01:00.0 [10de:2204]" into buf, for messages */
const char *dev_label(const struct pci_func *d, char *buf, size_t cap);

/* Attributes only some devices need, read for those devices only. */
void pci_read_boot_vga(const struct root *r, struct pci_func *d);
void pci_read_reset_method(const struct root *r, struct pci_func *d);
void pci_read_override(const struct root *r, struct pci_func *d);
/* The header type (config byte 0x0e, without the multi-function bit) of a
 * bridge-class function, else 0 (normal); from the class when config cannot
 * be read: 1 for a PCI bridge. */
unsigned pci_header_type(const struct root *r, const struct pci_func *d);
/*
 * Parse a sysfs uevent buffer (n bytes, or up to a NUL) into d in one
 * pass; returns 0 when PCI_ID was found.
 */
int pci_parse_uevent_n(const char *buf, size_t n, struct pci_func *d);
int pci_parse_uevent(char *buf, struct pci_func *d);
/* "../../../kernel/iommu_groups/12" (n bytes) -> 12, or -1 */
int pci_group_from_link_n(const char *link, size_t n);
int pci_group_from_link(const char *link);

#endif
