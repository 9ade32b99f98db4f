/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check_input.c - report what was ignored while reading the host, so a
 * garbage line in modprobe.d is named instead of silently skipped.
 */
#include "checks.h"

void check_input(const struct host *h, struct check_result *r)
{
	struct item_list il;
	char buf[ITEMS_LEN];

	if (!h->diag.total) {
		result_set(r, LEVEL_PASS, "all inputs read cleanly (%zu PCI functions, %zu modprobe.d files)",
			   h->pci.n, h->modconf.nfiles);
		return;
	}
	items_begin(&il, buf, sizeof(buf));
	for (unsigned i = 0; i < h->diag.n; i++)
		items_add(&il, "%s", h->diag.msg[i]);
	il.omitted += h->diag.total - h->diag.n;
	result_set(r, LEVEL_WARN, "ignored %u input problem%s: %s", h->diag.total, h->diag.total == 1 ? "" : "s",
		   items_end(&il));
	result_hint(r, "fix or remove what is named; the other checks ran without it");
}
