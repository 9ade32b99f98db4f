/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dmar.h - the Reserved Memory Region Reporting structures of the ACPI
 * DMAR table, and the PCI functions they name.
 *
 * The firmware uses an RMRR to keep DMA working for a device it drives
 * itself (USB legacy emulation, the iGPU's stolen memory, a RAID card's or
 * NIC's shared memory with a management controller). intel-iommu refuses
 * to give such a device to a VM unless the kernel relaxes the RMRR
 * (device_rmrr_is_relaxable: USB controllers and display devices).
 *
 * dmar_parse() never reads outside buf: every length is checked against
 * what is left of the table and of the structure holding it.
 */
#ifndef VFP_DMAR_H
#define VFP_DMAR_H

#include <stddef.h>
#include <stdint.h>

#include "rootfs.h"

#define DMAR_PATH_MAX 8

struct dmar_scope {
	uint16_t segment;
	uint8_t type; /* 1 endpoint, 2 bridge (sub-hierarchy), 3 IOAPIC, 4 HPET, 5 ACPI */
	uint8_t start_bus;
	uint8_t n_path;
	uint8_t path[DMAR_PATH_MAX][2]; /* device, function from start_bus down */
	uint64_t base, limit;		/* the reserved region */
};

/*
 * Call cb for every device scope of every RMRR. Returns the number of
 * RMRR structures, -EINVAL for a buffer that is no DMAR table, -EBADMSG
 * when a structure runs past the end (the scopes before it were given).
 */
int dmar_parse(const uint8_t *buf, size_t len, void (*cb)(void *ctx, const struct dmar_scope *s),
	       void *ctx);

#define RMRR_MAX 32
struct rmrr_dev {
	uint32_t slot_key; /* as struct pci_func.slot_key */
	uint64_t base, limit;
};
struct rmrr_list {
	int status; /* 0 read, -ENOENT no DMAR table, other -errno: unreadable or damaged */
	struct rmrr_dev v[RMRR_MAX];
	unsigned n; /* the first RMRR_MAX endpoints */
};

/*
 * Read the DMAR table from fd (sys/firmware/acpi/tables/DMAR opened under
 * r; closed here) and resolve each RMRR endpoint's
 * path to a slot, through the bridges' secondary_bus_number files under
 * sys/bus/pci/devices, as the kernel walks it (dmar_find_matched_scope).
 */
void rmrr_load(const struct root *r, int fd, struct rmrr_list *out);

#endif
