/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * render_text.c - the human report: one line per check, a fix under
 * every line that is not a pass, the devices vfio-pci takes.
 */
#include "format.h"
#include "render.h"

#include <string.h>

#define COLOR_OFF "\033[0m"

static void text_devices(struct out *out, const struct host *h)
{
	bool header = false;

	for (size_t i = 0; i < h->pci.n; i++) {
		const struct pci_func *d = &h->pci.v[i];
		char group[16];

		if (!host_claims(d) && !pci_is_display(d))
			continue;
		if (!header) {
			out_printf(out, "\nDisplays and passthrough devices:\n");
			header = true;
		}
		if (d->iommu_group >= 0)
			str_fmt(group, sizeof(group), "%d", d->iommu_group);
		else
			strcpy(group, "-");
		out_printf(out, "  %s [%04x:%04x] %-14s group %-5s driver %-14s %s%s\n", d->slot,
			   d->vendor, d->device, pci_class_name(d), group,
			   d->driver[0] ? d->driver : "-", host_claims(d) ? "-> vfio-pci" : "host",
			   d->boot_vga == 1 ? " (boot display)" : "");
#ifdef HAVE_LIBPCI
		if (d->name)
			out_printf(out, "      %s\n", d->name);
#endif
	}
}

void render_text(struct out *out, const struct host *h, const struct report *rep, bool color)
{
	unsigned count[LEVEL_COUNT] = { 0 };

	out_printf(out,
		   "vfio-preflight %s: %s (root %s, kernel %s, %zu PCI functions, %s backend)\n\n",
		   phase_name(h->phase), "host report", h->root->path,
		   h->kernel_release[0] ? h->kernel_release : "unknown", h->pci.n, h->backend);
	for (size_t i = 0; i < rep->n; i++) {
		const struct check_result *r = &rep->results[i];

		count[r->level]++;
		out_printf(out, "%s%s%s  %-26s %s\n", color ? level_color(r->level) : "",
			   level_tag(r->level), color ? COLOR_OFF : "", r->id, r->message);
		if (r->level != LEVEL_PASS && r->hint[0])
			out_printf(out, "      %-26s fix: %s\n", "", r->hint);
	}
	text_devices(out, h);
	out_printf(out, "\nVerdict: %s%s%s (%u fail, %u warn, %u note, %u pass)%s\n",
		   color ? level_color(rep->verdict) : "", level_tag(rep->verdict),
		   color ? COLOR_OFF : "", count[LEVEL_FAIL], count[LEVEL_WARN], count[LEVEL_NOTE],
		   count[LEVEL_PASS],
		   rep->headless ? "; binding would leave the host headless" : "");
}
