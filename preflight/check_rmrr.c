/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check_rmrr.c - iommu.rmrr: is a claimed device named in an RMRR of the
 * DMAR table. intel-iommu then refuses to attach it to a VM's domain
 * ("Device is ineligible for IOMMU domain attach due to platform RMRR
 * requirement"; newer kernels: "Firmware has requested this device have
 * a 1:1 IOMMU mapping, rejecting configuring the device without a 1:1
 * mapping"), except where device_rmrr_is_relaxable() says the RMRR only
 * serves the firmware's boot-time use: USB controllers (class 0x0c03) and
 * display devices (base class 0x03). Proxmox kernels carry an opt-in
 * patch, intel_iommu=relax_rmrr, that treats every RMRR as relaxable.
 */
#include "checks.h"
#include "pci_ids.h"

#include <errno.h>
#include <string.h>

static bool relaxable(const struct pci_func *d)
{
	return pci_class16(d) == PCI_CLASS_SERIAL_USB ||
	       pci_base_class(d) == PCI_BASE_CLASS_DISPLAY;
}

/* intel_iommu=...,relax_rmrr,... on the command line */
static bool relax_rmrr(const struct host *h)
{
	size_t pos = 0;
	const struct cmdline_param *p;

	while ((p = cmdline_next(&h->cmdline, "intel_iommu", &pos)))
		if (p->val && strstr(p->val, "relax_rmrr"))
			return true;
	return false;
}

static const struct rmrr_dev *rmrr_for(const struct host *h, const struct pci_func *d)
{
	for (unsigned i = 0; i < h->rmrr.n; i++)
		if (h->rmrr.v[i].slot_key == d->slot_key)
			return &h->rmrr.v[i];
	return NULL;
}

void check_iommu_rmrr(const struct host *h, struct check_result *r)
{
	struct item_list blocked, relaxed;
	char bbuf[ITEMS_LEN], rbuf[ITEMS_LEN / 2], label[48];
	bool pve = strstr(h->kernel_release, "-pve") != NULL;

	if (!h->n_claimed || h->rmrr.status == -ENOENT) {
		result_set(r, LEVEL_PASS,
			   h->n_claimed ? "no DMAR table: no RMRR" : "no device is claimed");
		return;
	}
	if (h->rmrr.status < 0) {
		result_set(r, LEVEL_NOTE, "/sys/firmware/acpi/tables/DMAR: %s: RMRRs not checked",
			   h->rmrr.status == -EBADMSG ? "damaged" : ERR_TEXT(h->rmrr.status));
		result_hint(r, "look for RMRR in 'dmesg | grep DMAR'");
		return;
	}
	items_begin(&blocked, bbuf, sizeof(bbuf));
	items_begin(&relaxed, rbuf, sizeof(rbuf));
	for (size_t i = 0; i < h->pci.n; i++) {
		const struct pci_func *d = &h->pci.v[i];
		const struct rmrr_dev *m;

		if (!host_claims(d) || !(m = rmrr_for(h, d)))
			continue;
		dev_label(d, label, sizeof(label));
		if (relaxable(d))
			items_add(&relaxed, "%s", label);
		else
			items_add(&blocked, "%s [mem 0x%lx-0x%lx]", label, (unsigned long)m->base,
				  (unsigned long)m->limit);
	}
	if (blocked.shown) {
		bool relax = relax_rmrr(h);

		result_set(
			r, relax ? LEVEL_NOTE : LEVEL_FAIL,
			"an RMRR of the DMAR table reserves memory for %s: %s", items_end(&blocked),
			relax ? "intel_iommu=relax_rmrr lets it pass (firmware DMA there may hit "
				"guest memory)"
			      : "intel-iommu refuses it (\"Device is ineligible for IOMMU domain attach due "
				"to platform RMRR requirement\")");
		result_hint(
			r,
			"use a slot no RMRR names, or turn off the firmware feature using the region%s%s",
			relax ? ""
			: pve ? "; or add intel_iommu=relax_rmrr (this Proxmox kernel has it) to "
			      : "; only patched kernels (Proxmox: intel_iommu=relax_rmrr) ignore RMRRs",
			pve && !relax ? host_cmdline_file_hint(h) : "");
		return;
	}
	if (relaxed.shown)
		result_set(r, LEVEL_PASS, "RMRRs name %s, which the kernel relaxes (USB, display)",
			   items_end(&relaxed));
	else
		result_set(r, LEVEL_PASS, "no RMRR names a claimed device (%u RMRR endpoints)",
			   h->rmrr.n);
}
