/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * checks.c - the check table, running it, and the result helpers.
 */
#include "format.h"
#include "checks.h"
#include "macro.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

const struct check check_table[] = {
	{ "iommu.firmware", check_iommu_firmware, PHASES_RUNTIME },
	{ "iommu.kernel", check_iommu_kernel, PHASES_RUNTIME },
	{ "iommu.interrupt-remapping", check_interrupt_remapping, PHASES_RUNTIME },
	{ "security.acs-override", check_acs_override, PHASES_RUNTIME },
	{ "vfio.modules", check_vfio_modules, PHASES_RUNTIME },
	{ "vfio.options", check_vfio_options, PHASES_RUNTIME },
	{ "vfio.ids", check_vfio_ids, PHASES_RUNTIME },
	{ "vfio.binding", check_vfio_binding, PHASES_RUNTIME },
	{ "vfio.host-drivers", check_host_drivers, PHASES_RUNTIME },
	{ "iommu.group-viable", check_group_viable, PHASES_RUNTIME },
	{ "iommu.group-host-devices", check_group_host_devices, PHASES_RUNTIME },
	{ "display.headless", check_display_headless, PHASES_RUNTIME },
	{ "gpu.reset", check_gpu_reset, PHASES_RUNTIME },
	{ "display.framebuffer", check_display_framebuffer, PHASES_RUNTIME },
	{ "iommu.rmrr", check_iommu_rmrr, PHASES_RUNTIME },
	{ "pci.bars", check_pci_bars, PHASES_RUNTIME },
	{ "kvm.available", check_kvm_available, PHASES_RUNTIME },
	{ "modules.unknown", check_modules_unknown, PHASES_RUNTIME | PHASES_UPGRADE },
	{ "initramfs.modprobe-stale", check_modprobe_stale, PHASES_UPGRADE },
	{ "boot.cmdline-stale", check_cmdline_stale, PHASES_UPGRADE },
	{ "initramfs.vfio-modules", check_image_modules, PHASES_UPGRADE },
	{ "preflight.input", check_input, PHASES_RUNTIME | PHASES_UPGRADE },
};
const size_t check_count = ARRAY_SIZE(check_table);

/* everything a level is, wherever it is shown; kmsg priorities as <linux/kern_levels.h> */
static const struct {
	const char *name, *tag, *color;
	int kmsg_priority;
} levels[] = {
	[LEVEL_PASS] = { "pass", "PASS", "\033[32m", 6 },   /* KERN_INFO */
	[LEVEL_NOTE] = { "note", "NOTE", "\033[36m", 5 },   /* KERN_NOTICE */
	[LEVEL_WARN] = { "warn", "WARN", "\033[33m", 4 },   /* KERN_WARNING */
	[LEVEL_FAIL] = { "fail", "FAIL", "\033[1;31m", 3 }, /* KERN_ERR */
};
_Static_assert(ARRAY_SIZE(levels) == LEVEL_COUNT, "a row for every level");

const char *level_name(enum level l)
{
	return levels[l].name;
}

const char *level_tag(enum level l)
{
	return levels[l].tag;
}

int level_kmsg_priority(enum level l)
{
	return levels[l].kmsg_priority;
}

const char *level_color(enum level l)
{
	return levels[l].color;
}

void result_set(struct check_result *r, enum level l, const char *fmt, ...)
{
	va_list ap;

	r->level = l;
	va_start(ap, fmt);
	str_vfmt(r->message, sizeof(r->message), fmt, ap);
	va_end(ap);
}

void result_hint(struct check_result *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	str_vfmt(r->hint, sizeof(r->hint), fmt, ap);
	va_end(ap);
}

void result_hint_rebuild(struct check_result *r, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	str_vfmt(r->hint, sizeof(r->hint), fmt, ap);
	va_end(ap);
	n = strlen(r->hint);
	str_fmt(r->hint + n, sizeof(r->hint) - n, "%s", REBUILD_STEP);
}

/*
 * /etc/kernel/cmdline is read by proxmox-boot-tool (its ESPs listed in
 * proxmox-boot-uuids) and by kernel-install, which Debian's systemd-boot
 * package runs from its initramfs post-update hook; else GRUB's file.
 */
const char *host_cmdline_file_hint(const struct host *h)
{
	if (h->cmdline_from == CMDLINE_KERNEL)
		return "/etc/kernel/cmdline, then run proxmox-boot-tool refresh";
	if (h->cmdline_from == CMDLINE_KERNEL_INSTALL)
		return "/etc/kernel/cmdline, then run update-initramfs -u -k all (systemd-boot's hook "
		       "rewrites the boot entries)";
	return "GRUB_CMDLINE_LINUX_DEFAULT in /etc/default/grub, then run update-grub";
}

/* room kept at the end of a list for " (+NNNN more)" */
#define ITEMS_TAIL 16

void items_begin(struct item_list *il, char *buf, size_t cap)
{
	sb_init(&il->sb, buf, cap);
	il->shown = il->omitted = 0;
}

void items_add(struct item_list *il, const char *fmt, ...)
{
	char item[256];
	va_list ap;
	size_t len;

	if (il->omitted) { /* once one did not fit, the rest are only counted: no formatting */
		il->omitted++;
		return;
	}
	va_start(ap, fmt);
	str_vfmt(item, sizeof(item), fmt, ap);
	va_end(ap);
	len = strlen(item) + (il->shown ? 2 : 0);
	if (len + ITEMS_TAIL > sb_room(&il->sb)) {
		il->omitted++;
		return;
	}
	if (il->shown)
		sb_add(&il->sb, ", ");
	sb_add(&il->sb, item);
	il->shown++;
}

const char *items_end(struct item_list *il)
{
	if (il->omitted)
		sb_addf(&il->sb, " (+%u more)", il->omitted);
	return il->sb.buf;
}

int report_run(const struct host *h, struct report *rep)
{
	struct display_state ds;

	memset(rep, 0, sizeof(*rep));
	rep->results = calloc(check_count, sizeof(*rep->results));
	if (!rep->results)
		return -ENOMEM;
	for (size_t i = 0; i < check_count; i++) {
		struct check_result *r = &rep->results[rep->n];

		if (!(check_table[i].phases & (1u << h->phase)))
			continue;
		r->id = check_table[i].id;
		check_table[i].run(h, r);
		if (r->level != LEVEL_NOTE && r->level > rep->verdict)
			rep->verdict = r->level;
		rep->n++;
	}
	display_state(h, &ds);
	rep->headless = ds.headless;
	rep->iommu_active = host_iommu_active(h);
	return 0;
}

void report_free(struct report *rep)
{
	free(rep->results);
	rep->results = NULL;
	rep->n = 0;
}
