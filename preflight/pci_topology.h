/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pci_topology.h - which bridge each PCI function sits behind.
 *
 * sysfs names the upstream bridge in the device path itself
 * (devices/pci0000:00/0000:00:03.1/0000:0a:00.0), so one readlink per
 * function tells the tree lspci -t draws. Only `groups` needs it; the boot
 * phases never pay for it.
 */
#ifndef VFP_PCI_TOPOLOGY_H
#define VFP_PCI_TOPOLOGY_H

#include "pci.h"
#include "rootfs.h"

#define PCI_NO_PARENT ((size_t)-1)

/*
 * parent[i] = index in l (sorted by slot) of the bridge function i sits
 * behind, or PCI_NO_PARENT for a root bus (or an unreadable link: absence
 * is data). Returns 0, or -errno when sys/bus/pci/devices cannot be opened.
 */
int pci_parents(const struct root *r, const struct pci_list *l, size_t *parent);

/* the index of slot_key in l (sorted), or PCI_NO_PARENT */
size_t pci_find_key(const struct pci_list *l, uint32_t key);

#endif
