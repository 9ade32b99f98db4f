/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check_reset.c - gpu.reset: can the claimed GPUs be reset between guest
 * runs.
 *
 * AMD's Polaris, Vega and Navi 1x cards do not survive the kernel's own
 * resets (the "AMD reset bug"): the out-of-tree vendor-reset module
 * supplies a device-specific one. Since Linux 5.15 the kernel only uses it
 * when the device's reset_method is set to device_specific (a udev rule),
 * and vendor-reset must be loaded before vfio-pci binds the card. The
 * device list is vendor-reset's own (src/device-db.h).
 */
#include "checks.h"
#include "format.h"
#include "pci_ids.h"
#include "kver.h"
#include "macro.h"

#include <stdint.h>
#include <string.h>

/* vendor-reset's device IDs (src/device-db.h), sorted; runs[] gives each run's family */
static const uint16_t vr_ids[] = {
	0x66a0, 0x66a1, 0x66a2, 0x66a3, 0x66a4, 0x66a7, 0x66af, 0x67c0, 0x67c1, 0x67c2,
	0x67c4, 0x67c7, 0x67c8, 0x67c9, 0x67ca, 0x67cc, 0x67cf, 0x67d0, 0x67df, 0x67e0,
	0x67e1, 0x67e3, 0x67e7, 0x67e8, 0x67e9, 0x67eb, 0x67ef, 0x67ff, 0x6860, 0x6861,
	0x6862, 0x6863, 0x6864, 0x6867, 0x6868, 0x6869, 0x686a, 0x686b, 0x686c, 0x686d,
	0x686e, 0x686f, 0x687f, 0x6980, 0x6981, 0x6985, 0x6986, 0x6987, 0x6995, 0x6997,
	0x699f, 0x6fdf, 0x7310, 0x7312, 0x7318, 0x7319, 0x731a, 0x731b, 0x731e, 0x731f,
	0x7340, 0x7341, 0x7347, 0x734f, 0x7360, 0x7362, 0x738c,
};
static const char *const vr_family[] = { "Polaris 10", "Polaris 11", "Polaris 12",
					 "Vega 10",    "Vega 20",    "Navi 10",
					 "Navi 14",    "Navi 12",    "Arcturus" };
/* consecutive IDs of one family: count, family */
static const uint8_t vr_runs[][2] = {
	{ 7, 4 }, { 12, 0 }, { 9, 1 }, { 15, 3 }, { 8, 2 },
	{ 1, 0 }, { 8, 5 },  { 4, 6 }, { 2, 7 },  { 1, 8 },
};

/* vendor-reset's family for an AMD device, or NULL when it does not handle it */
static const char *vendor_reset_family(const struct pci_func *d)
{
	size_t i, run = 0, left = vr_runs[0][0];

	if (d->vendor != PCI_VENDOR_ID_ATI)
		return NULL;
	for (i = 0; i < ARRAY_SIZE(vr_ids); i++, left--) {
		if (!left &&
		    run + 1 <
			    ARRAY_SIZE(
				    vr_runs)) /* the runs cover vr_ids: tests check every family */
			left = vr_runs[++run][0];
		if (vr_ids[i] == d->device)
			return vr_family[vr_runs[run][1]];
	}
	return NULL;
}

/* reset_method's first method is device_specific */
static bool uses_device_specific(const struct pci_func *d)
{
	size_t n = strlen("device_specific");

	return !strncmp(d->reset_method, "device_specific", n) &&
	       (d->reset_method[n] == '\0' || d->reset_method[n] == ' ');
}

/* something loads vendor-reset before vfio-pci: a softdep, or the initramfs's module list */
static bool vendor_reset_ordered(const struct host *h)
{
	return modconf_softdep_pre(&h->modconf, "vfio_pci", "vendor_reset") ||
	       modload_in_initramfs(&h->modload, "vendor_reset");
}

/* the vendor-reset card d: say what is missing; false when nothing is */
static bool judge_vendor_reset(const struct host *h, const struct pci_func *d, const char *family,
			       struct check_result *r)
{
	bool initramfs = !phase_is_check(h->phase); /* predict, verify */
	bool no_module = h->mod[M_VENDOR_RESET] == MOD_MISSING;
	bool no_order = h->mod[M_VFIO_PCI] != MOD_BUILTIN && !vendor_reset_ordered(h);
	/* udev sets it after the switch to the real root: judged on the running host only */
	bool no_method = phase_is_check(h->phase) && kver_at_least(h->kernel_release, 5, 15) != 0 &&
			 d->has_reset_method && !uses_device_specific(d);
	char label[48], id[8] = "";

	if (!no_module && !no_order && !no_method)
		return false;
	if (no_method)
		str_fmt(id, sizeof(id), "%04x", d->device);
	/* each part: what is missing (message), its fix (hint) */
	result_set(r, LEVEL_WARN, "%s (%s) needs vendor-reset:%s%s%s%s%s",
		   dev_label(d, label, sizeof(label)), family,
		   no_module ? (initramfs ? " not in the initramfs;" : " not installed;") : "",
		   no_order ? " nothing loads it before vfio-pci binds;" : "",
		   no_method ? " reset_method is '" : "", no_method ? d->reset_method : "",
		   no_method ? "', not device_specific" : "");
	result_hint(
		r, "%s%s%s%s%s",
		no_module ? (initramfs ? "add vendor-reset to /etc/initramfs-tools/modules; "
				       : "install vendor-reset (github.com/gnif/vendor-reset); ")
			  : "",
		no_order
			? "add 'softdep vfio-pci pre: vendor-reset' to /etc/modprobe.d/vfio.conf, then "
			  "update-initramfs -u; "
			: "",
		no_method
			? "in /etc/udev/rules.d/99-vendor-reset.rules: ACTION==\"add\", SUBSYSTEM==\"pci\", "
			  "ATTR{vendor}==\"0x1002\", ATTR{device}==\"0x"
			: "",
		id, no_method ? "\", ATTR{reset_method}=\"device_specific\"" : "");
	return true;
}

void check_gpu_reset(const struct host *h, struct check_result *r)
{
	struct item_list none, ok;
	char none_buf[ITEMS_LEN], ok_buf[ITEMS_LEN], label[48];

	items_begin(&none, none_buf, sizeof(none_buf));
	items_begin(&ok, ok_buf, sizeof(ok_buf));
	for (size_t i = 0; i < h->pci.n; i++) {
		const struct pci_func *d = &h->pci.v[i];
		const char *family;

		if (!host_claims(d) || !pci_is_display(d))
			continue;
		if ((family = vendor_reset_family(d))) {
			if (judge_vendor_reset(h, d, family, r))
				return;
			items_add(&ok, "%s: vendor-reset (%s)", dev_label(d, label, sizeof(label)),
				  family);
		} else if (d->has_reset_method && d->reset_method[0]) {
			items_add(&ok, "%s: %s", dev_label(d, label, sizeof(label)),
				  d->reset_method);
		} else {
			items_add(&none, "%s", dev_label(d, label, sizeof(label)));
		}
	}
	if (!none.shown && !ok.shown) {
		result_set(r, LEVEL_PASS, "no GPU is claimed: nothing to reset");
		return;
	}
	if (none.shown && kver_at_least(h->kernel_release, 5, 15) == 0) {
		result_set(r, LEVEL_NOTE,
			   "kernel %s predates reset_method (5.15): cannot tell how %s resets",
			   h->kernel_release, items_end(&none));
		result_hint(
			r, "if a second VM start hangs the GPU, reboot the host between VM starts");
		return;
	}
	if (none.shown) {
		result_set(r, LEVEL_WARN,
			   "no reset method for %s: a guest restart may hang the GPU",
			   items_end(&none));
		result_hint(r, "reboot the host between VM starts");
		return;
	}
	result_set(r, LEVEL_PASS, "reset methods: %s", items_end(&ok));
}
