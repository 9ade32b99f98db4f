/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pci_topology.c - upstream bridges from the sysfs device links, see
 * pci_topology.h.
 */
#include "pci_topology.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

size_t pci_find_key(const struct pci_list *l, uint32_t key)
{
	size_t lo = 0, hi = l->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (l->v[mid].slot_key == key)
			return mid;
		if (l->v[mid].slot_key < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return PCI_NO_PARENT;
}

/* the path component before the last one of link, as a slot key, or -1 */
static long parent_key(char *link)
{
	char *last = strrchr(link, '/'), *prev;

	if (!last)
		return -1;
	*last = '\0';
	prev = strrchr(link, '/');
	return pci_slot_key(prev ? prev + 1 : link);
}

int pci_parents(const struct root *r, const struct pci_list *l, size_t *parent)
{
	int dfd = root_open_dirfd(r, "sys/bus/pci/devices");

	for (size_t i = 0; i < l->n; i++)
		parent[i] = PCI_NO_PARENT;
	if (dfd < 0)
		return dfd;
	for (size_t i = 0; i < l->n; i++) {
		char link[512];
		long key;

		if (root_readlink_at(dfd, l->v[i].slot, link, sizeof(link)) < 0)
			continue;
		key = parent_key(link);
		/* a function is never its own parent, whatever a tree says */
		if (key >= 0 && (uint32_t)key != l->v[i].slot_key)
			parent[i] = pci_find_key(l, (uint32_t)key);
	}
	close(dfd);
	return 0;
}
