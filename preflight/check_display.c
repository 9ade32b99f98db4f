/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check_display.c - does the host keep a console once vfio-pci has the
 * GPUs (gpu.reset lives in check_reset.c).
 */
#include "checks.h"

#include <string.h>

void display_state(const struct host *h, struct display_state *ds)
{
	memset(ds, 0, sizeof(*ds));
	ds->serial_console = cmdline_serial_console(&h->cmdline);
	for (size_t i = 0; i < h->pci.n; i++) {
		const struct pci_func *d = &h->pci.v[i];

		if (!pci_is_display(d))
			continue;
		ds->displays++;
		if (d->boot_vga == 1)
			ds->boot_vga = d;
		if (host_claims(d)) {
			ds->claimed++;
		} else {
			ds->kept++;
			if (!ds->first_kept)
				ds->first_kept = d;
		}
	}
	ds->headless = ds->displays && ds->claimed && !ds->kept && !ds->serial_console;
}

/*
 * A claimed display with the same vendor:device as another claimed one
 * (identical cards), preferring one that is not the boot display: the
 * card to name when ids= cannot tell them apart. NULL when none.
 */
static const struct pci_func *identical_claimed_display(const struct host *h,
							const struct pci_func *boot)
{
	const struct pci_func *found = NULL;

	for (size_t i = 0; i < h->pci.n; i++) {
		const struct pci_func *a = &h->pci.v[i];

		if (!pci_is_display(a) || !host_claims(a))
			continue;
		for (size_t k = 0; k < h->pci.n; k++) {
			const struct pci_func *b = &h->pci.v[k];

			if (k != i && pci_is_display(b) && host_claims(b) &&
			    a->vendor == b->vendor && a->device == b->device) {
				if (!found || found == boot)
					found = a;
				break;
			}
		}
	}
	return found;
}

void check_display_headless(const struct host *h, struct check_result *r)
{
	struct display_state ds;
	struct item_list claimed;
	char buf[ITEMS_LEN], label[48], kept[48];

	display_state(h, &ds);
	items_begin(&claimed, buf, sizeof(buf));
	for (size_t i = 0; i < h->pci.n; i++) {
		const struct pci_func *d = &h->pci.v[i];

		if (pci_is_display(d) && host_claims(d))
			items_add(&claimed, "%s%s", dev_label(d, label, sizeof(label)),
				  d->boot_vga == 1 ? " (boot display)" : "");
	}
	if (ds.headless) {
		const struct pci_func *twin = identical_claimed_display(h, ds.boot_vga);

		result_set(r, LEVEL_FAIL,
			   "binding leaves the host headless: vfio-pci claims every display (%s) "
			   "and no serial console is configured",
			   items_end(&claimed));
		if (twin) /* removing the ID would free both cards: bind one by slot */
			result_hint(
				r,
				"ids= matches by model and takes every %04x:%04x card: remove it from ids= and "
				"bind the guest's card by slot (echo vfio-pci > driver_override of each %.*s.* "
				"function, in an initramfs-tools init-top script), or add console=ttyS0,115200 to %s",
				twin->vendor, twin->device, (int)strlen(twin->slot) - 2, twin->slot,
				host_cmdline_file_hint(h));
		else
			result_hint(
				r,
				"keep one display for the host (remove its ID from ids=), or add "
				"console=ttyS0,115200 to %s; to get in now, pick the boot entry "
				"'(rescue: no GPU passthrough)'",
				host_cmdline_file_hint(h));
		return;
	}
	if (!ds.displays) {
		result_set(r, LEVEL_NOTE, "no display controller found%s",
			   ds.serial_console ? "; the host console is the serial port" : "");
		result_hint(
			r,
			"nothing to lose to vfio-pci; make sure you can reach the host over the network or serial");
		return;
	}
	if (!ds.claimed) {
		result_set(r, LEVEL_PASS, "vfio-pci claims no display; the host keeps %zu",
			   ds.displays);
		return;
	}
	if (!ds.kept) {
		result_set(r, LEVEL_PASS,
			   "every display goes to vfio-pci (%s); the host console is serial (%s)",
			   items_end(&claimed), ds.serial_console);
		return;
	}
	dev_label(ds.first_kept, kept, sizeof(kept));
	if (ds.boot_vga && host_claims(ds.boot_vga)) {
		result_set(r, LEVEL_WARN,
			   "the boot display %s goes to vfio-pci; the host keeps %s, which shows "
			   "nothing until its driver loads",
			   dev_label(ds.boot_vga, label, sizeof(label)), kept);
		result_hint(
			r,
			"set the host's GPU (%s) as the primary display in the firmware setup, or accept a dark "
			"screen during early boot",
			ds.first_kept->slot);
		return;
	}
	result_set(r, LEVEL_PASS, "the host keeps %zu display(s), e.g. %s%s%s", ds.kept, kept,
		   ds.first_kept->driver[0] ? " on " : "", ds.first_kept->driver);
}
