/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * render_groups.c - `vfio-preflight groups`: the IOMMU groups as a tree,
 * group -> upstream bridge -> functions, drawn as lspci -tv draws, each
 * function with its ids, name (libpci builds), driver and who gets it. The
 * passthrough groups come first, each with its verdict; the judgements are
 * the checks' own (dev_blocks_group, dev_is_host_device), so this view and
 * iommu.group-viable never disagree.
 */
#include "render_groups.h"

#include "format.h"

#define GREEN  "\033[32m"
#define RED    "\033[1;31m"
#define YELLOW "\033[33m"
#define BOLD   "\033[1m"
#define RESET  "\033[0m"

struct view {
	struct out *o;
	const struct host *h;
	const size_t *parent;
	bool color;
};

static const char *paint(const struct view *v, const char *c)
{
	return v->color ? c : "";
}

static const struct pci_func *member(const struct host *h, size_t i)
{
	return &h->pci.v[h->by_group[i].idx];
}

static bool group_passthrough(const struct host *h, size_t start, size_t end)
{
	for (size_t i = start; i < end; i++)
		if (host_claims(member(h, i)))
			return true;
	return false;
}

static void function_line(const struct view *v, const char *indent, const char *branch,
			  const struct pci_func *d, bool passthrough)
{
	const char *who, *c = "";

	if (host_claims(d)) {
		who = d->claim == CLAIM_BOUND	   ? "claimed (bound to vfio-pci)"
		      : d->claim == CLAIM_OVERRIDE ? "claimed (driver_override)"
						   : "claimed (vfio-pci ids)";
		c = GREEN;
	} else if (pci_is_bridge(d)) {
		who = "bridge (allowed in a passthrough group)";
	} else if (passthrough && dev_is_host_device(v->h, d)) {
		who = "host device: the VM start takes it from the host";
		c = RED;
	} else if (passthrough && dev_blocks_group(v->h, d)) {
		who = "not claimed: blocks the group";
		c = RED;
	} else {
		who = "host keeps it";
	}
	out_printf(v->o, "%s%s%s %s [%04x:%04x]", indent, branch, d->slot + 5, pci_class_name(d),
		   d->vendor, d->device);
	if (d->name)
		out_printf(v->o, " %s", d->name);
	out_printf(v->o, "  driver %s%s  %s%s%s\n", d->driver[0] ? d->driver : "none",
		   d->boot_vga == 1 ? " (boot display)" : "", paint(v, c), who, paint(v, RESET));
}

/* true when a member of [start, j) sits behind the same bridge as member j */
static bool parent_seen(const struct view *v, size_t start, size_t j)
{
	size_t p = v->parent[v->h->by_group[j].idx];

	for (size_t k = start; k < j; k++)
		if (v->parent[v->h->by_group[k].idx] == p)
			return true;
	return false;
}

/* the functions of one group, under the bridge each sits behind */
static void group_tree(const struct view *v, size_t start, size_t end, bool passthrough)
{
	const struct host *h = v->h;

	for (size_t i = start; i < end; i++) {
		size_t p = v->parent[h->by_group[i].idx], last_child = i;
		bool more = false; /* members behind another bridge follow */

		if (parent_seen(v, start, i))
			continue;
		for (size_t j = i + 1; j < end; j++) {
			if (v->parent[h->by_group[j].idx] == p)
				last_child = j;
			else if (!parent_seen(v, start, j))
				more = true;
		}
		if (p == PCI_NO_PARENT) {
			out_printf(v->o, "  %s-[%.7s] root bus\n", more ? "+" : "\\",
				   member(h, i)->slot);
		} else {
			const struct pci_func *b = &h->pci.v[p];

			out_printf(v->o, "  %s-%s %s [%04x:%04x]\n", more ? "+" : "\\", b->slot,
				   pci_class_name(b), b->vendor, b->device);
		}
		for (size_t j = i; j <= last_child; j++)
			if (v->parent[h->by_group[j].idx] == p)
				function_line(v, more ? "  |   " : "      ",
					      j == last_child ? "\\-" : "+-", member(h, j),
					      passthrough);
	}
}

/* "group N: passthrough, viable" and the tree; returns true when viable */
static bool one_group(const struct view *v, size_t start, size_t end, bool passthrough)
{
	const struct host *h = v->h;
	size_t blocking = 0, host_devs = 0;

	for (size_t i = start; i < end; i++) {
		const struct pci_func *d = member(h, i);

		if (!passthrough)
			break;
		if (dev_is_host_device(h, d))
			host_devs++;
		else if (dev_blocks_group(h, d))
			blocking++;
	}
	out_printf(v->o, "%sgroup %d%s: ", paint(v, BOLD), h->by_group[start].group,
		   paint(v, RESET));
	if (!passthrough)
		out_printf(v->o, "host (%zu function%s)\n", end - start,
			   end - start == 1 ? "" : "s");
	else if (!blocking && !host_devs)
		out_printf(v->o, "passthrough, %sviable%s\n", paint(v, GREEN), paint(v, RESET));
	else {
		out_printf(v->o, "passthrough, %snot viable%s:", paint(v, RED), paint(v, RESET));
		if (blocking)
			out_printf(v->o, " %zu function%s not claimed", blocking,
				   blocking == 1 ? "" : "s");
		if (host_devs)
			out_printf(v->o, "%s %zu host device%s in it", blocking ? ";" : "",
				   host_devs, host_devs == 1 ? "" : "s");
		out_str(v->o, " (vfio-preflight check: iommu.group-viable)\n");
	}
	group_tree(v, start, end, passthrough);
	return !blocking && !host_devs;
}

int render_groups(struct out *o, const struct host *h, const size_t *parent, bool all, bool color)
{
	struct view v = { .o = o, .h = h, .parent = parent, .color = color };
	size_t n_groups = 0, n_pass = 0, not_viable = 0, claimed_no_group = 0;

	for (size_t s = 0, e; s < h->n_by_group; s = e) {
		e = host_group_end(h, s);
		n_groups++;
		n_pass += group_passthrough(h, s, e);
	}
	for (size_t i = 0; i < h->pci.n; i++)
		if (host_claims(&h->pci.v[i]) && h->pci.v[i].iommu_group < 0)
			claimed_no_group++;
	out_printf(
		o,
		"IOMMU groups (root %s): %zu in all, %zu with a device claimed for passthrough\n",
		h->root->path, n_groups, n_pass);
	if (!n_groups) {
		out_str(o, "no IOMMU groups: the IOMMU is off in firmware or kernel "
			   "(vfio-preflight check: iommu.firmware, iommu.kernel)\n");
		return claimed_no_group ? 1 : 0;
	}
	for (int pass = 1; pass >= 0; pass--) {
		if (!pass && !all)
			break;
		for (size_t s = 0, e; s < h->n_by_group; s = e) {
			e = host_group_end(h, s);
			if (group_passthrough(h, s, e) != (bool)pass)
				continue;
			out_char(o, '\n');
			if (!one_group(&v, s, e, pass))
				not_viable++;
		}
	}
	if (!n_pass)
		out_str(o,
			"\nno device is claimed for passthrough (vfio-pci ids, driver_override)\n");
	if (!all && n_groups > n_pass)
		out_printf(o, "\n(%zu host group%s not shown: --all lists them)\n",
			   n_groups - n_pass, n_groups - n_pass == 1 ? "" : "s");
	return not_viable || claimed_no_group ? 1 : 0;
}
