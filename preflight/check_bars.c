/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check_bars.c - pci.bars: did the firmware give every memory BAR of the
 * claimed functions an address. A large-VRAM card's 64-bit BAR does not
 * fit below 4 GiB: with Above 4G Decoding off the kernel logs "BAR N: no
 * space for [mem size ...]" and leaves it unassigned, and neither the host
 * nor a guest can use the card.
 */
#include "checks.h"

void check_pci_bars(const struct host *h, struct check_result *r)
{
	struct item_list bad;
	char buf[ITEMS_LEN], label[48], size[24];
	size_t read = 0, sized = 0;

	if (!h->n_claimed) {
		result_set(r, LEVEL_PASS, "no device is claimed");
		return;
	}
	items_begin(&bad, buf, sizeof(buf));
	for (size_t i = 0; i < h->bars.n; i++) {
		const struct dev_bars *db = &h->bars.v[i];
		const struct pci_func *d = &h->pci.v[db->dev];

		read++;
		for (unsigned b = 0; b < PCI_STD_BARS; b++) {
			sized += bar_is_mem(&db->bar[b]) && bar_size(&db->bar[b]);
			if (bar_unplaced(&db->bar[b]))
				items_add(&bad, "%s BAR %u (%s%s)",
					  dev_label(d, label, sizeof(label)), b,
					  size_text(bar_size(&db->bar[b]), size, sizeof(size)),
					  db->bar[b].flags & IORESOURCE_MEM_64 ? ", 64-bit" : "");
		}
	}
	if (bad.shown || bad.omitted) {
		result_set(
			r, LEVEL_FAIL,
			"the firmware gave no address to %s (\"BAR N: no space for\"): the device "
			"cannot work",
			items_end(&bad));
		result_hint(
			r,
			"enable Above 4G Decoding (and Resizable BAR if the card needs it) in the firmware");
		return;
	}
	if (!sized) { /* no resource file, or one without memory BARs: nothing to judge */
		result_set(r, LEVEL_NOTE, "no memory BAR listed for the %zu claimed functions",
			   h->n_claimed);
		result_hint(r, "look for \"no space for\" in 'dmesg'");
		return;
	}
	result_set(r, LEVEL_PASS,
		   "all %zu memory BARs of the %zu claimed function%s have an address", sized, read,
		   read == 1 ? "" : "s");
}
