/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check_input.c - report what was ignored while reading the host, so a
 * garbage line in modprobe.d is named instead of silently skipped.
 */
#include "checks.h"

#include <stdbool.h>

/*
 * Where kmod's binary index was missing and the text file answered: not
 * a problem of the input (a damaged index is a diag), but worth a word,
 * since kmod itself would have read the index.
 */
static const char *text_fallback(const struct host *h)
{
	bool dep = h->modules_source == KMOD_FROM_TEXT, alias = h->aliases.source == KMOD_FROM_TEXT;

	if (dep && alias)
		return "; no kmod indexes (modules.dep.bin, modules.alias.bin): read modules.dep and modules.alias";
	if (dep)
		return "; no kmod index (modules.dep.bin, modules.builtin.bin): read modules.dep and modules.builtin";
	if (alias)
		return "; no kmod index (modules.alias.bin): read modules.alias";
	return "";
}

void check_input(const struct host *h, struct check_result *r)
{
	struct item_list il;
	char buf[ITEMS_LEN];

	if (!h->diag.total) {
		result_set(r, LEVEL_PASS,
			   "all inputs read cleanly (%zu PCI functions, %zu modprobe.d files%s)",
			   h->pci.n, h->modconf.nfiles, text_fallback(h));
		return;
	}
	items_begin(&il, buf, sizeof(buf));
	for (unsigned i = 0; i < h->diag.n; i++)
		items_add(&il, "%s", h->diag.msg[i]);
	il.omitted += h->diag.total - h->diag.n;
	result_set(r, LEVEL_WARN, "ignored %u input problem%s: %s", h->diag.total,
		   h->diag.total == 1 ? "" : "s", items_end(&il));
	result_hint(r, "fix or remove what is named; the other checks ran without it");
}
