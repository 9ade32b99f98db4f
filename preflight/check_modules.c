/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check_modules.c - modules.unknown: a module-load list naming a module
 * this kernel does not have. Passthrough guides still list vfio_virqfd,
 * merged into vfio in Linux 6.2. systemd-modules-load logs "Failed to
 * find module 'NAME'" at error level on every boot and skips the line (a
 * missing module is not fatal to the service); in the initramfs
 * mkinitramfs drops it silently and load_modules' modprobe reports it
 * on the console on every boot.
 */
#include "checks.h"
#include "kver.h"

void check_modules_unknown(const struct host *h, struct check_result *r)
{
	const struct modload *ml = &h->modload;
	struct item_list missing;
	char buf[ITEMS_LEN];
	bool systemd = false, initramfs = false, virqfd = false;
	const char *kver = h->kernel_release[0] ? h->kernel_release : "(unknown)";

	if (!ml->n) {
		result_set(r, LEVEL_PASS, "no module-load list names a module");
		return;
	}
	if (!ml->have_dep) {
		result_set(r, LEVEL_NOTE,
			   "no modules.dep for kernel %s: %u listed modules not checked", kver,
			   ml->n);
		result_hint(r, "run depmod -a %s", h->kernel_release);
		return;
	}
	items_begin(&missing, buf, sizeof(buf));
	for (unsigned i = 0; i < ml->n; i++) {
		const struct modload_entry *e = &ml->v[i];

		if (e->found)
			continue;
		items_add(&missing, "%s (%s:%u)", e->module, e->file, e->line);
		systemd |= !e->initramfs;
		initramfs |= e->initramfs;
		virqfd |= modname_eq(e->module, "vfio_virqfd");
	}
	if (!missing.shown && !missing.omitted) {
		result_set(r, LEVEL_PASS, "kernel %s has all %u listed modules", kver, ml->n);
		return;
	}
	result_set(r, LEVEL_WARN, "kernel %s has no module %s%s%s%s", kver, items_end(&missing),
		   virqfd && kver_at_least(h->kernel_release, 6, 2) == 1
			   ? "; vfio_virqfd was merged into vfio in Linux 6.2"
			   : "",
		   systemd ? "; systemd-modules-load logs \"Failed to find module\" every boot"
			   : "",
		   initramfs ? "; the initramfs's modprobe reports it every boot" : "");
	result_hint(r, "delete the lines named%s", initramfs ? REBUILD_STEP : "");
}
