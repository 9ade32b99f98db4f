/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * render_groups.h - the IOMMU groups as a tree (`vfio-preflight groups`).
 */
#ifndef VFP_RENDER_GROUPS_H
#define VFP_RENDER_GROUPS_H

#include <stdbool.h>
#include <stddef.h>

#include "checks.h"
#include "host.h"
#include "out.h"
#include "pci_topology.h"

/*
 * Passthrough groups first, each with its verdict, then with `all` every
 * other group. parent[] is pci_parents()'s table. Colour only when `color`.
 * Returns 1 when a passthrough group is not viable (or a claimed device has
 * no group at all), else 0.
 */
int render_groups(struct out *o, const struct host *h, const size_t *parent, bool all, bool color);

#endif
