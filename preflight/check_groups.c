/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check_groups.c - can each passthrough group be handed to a VM, and
 * does handing it over take devices the host needs.
 *
 * vfio accepts a group when every device in it is bound to vfio-pci,
 * pci-stub or pcieport, or to nothing; bridges are not endpoints.
 */
#include "checks.h"
#include "macro.h"

#include <string.h>

static bool driver_allowed_in_group(const char *driver)
{
	return !driver[0] || modname_eq(driver, "vfio_pci") || modname_eq(driver, "pci_stub") ||
	       !strcmp(driver, "pcieport");
}

bool dev_is_host_device(const struct host *h, const struct pci_func *d)
{
	unsigned c16 = pci_class16(d), base = pci_base_class(d);

	size_t at = (size_t)(d - h->pci.v), i;

	if (host_claims(d))
		return false;
	/*
	 * Functions of a card that is passed through belong to the guest. The
	 * table is sorted by slot, so a card's functions are neighbours.
	 */
	for (i = at; i > 0 && pci_same_slot(&h->pci.v[i - 1], d); i--)
		;
	for (; i < h->pci.n && pci_same_slot(&h->pci.v[i], d); i++)
		if (host_claims(&h->pci.v[i]))
			return false;
	return base == PCI_BASE_CLASS_STORAGE || base == PCI_BASE_CLASS_NETWORK ||
	       c16 == PCI_CLASS_SERIAL_USB || c16 == PCI_CLASS_SERIAL_SMBUS ||
	       c16 == PCI_CLASS_BRIDGE_ISA;
}

/* is `module` kept from binding by alias: a blacklist line or modprobe.blacklist=/module_blacklist=
 */
static bool blacklisted(const struct host *h, const char *module)
{
	return modconf_blacklisted(&h->modconf, module) || host_cmdline_blacklisted(h, module);
}

/*
 * The host driver that binds an unbound function later (after the switch to
 * the real root, where its module lives), as the configuration leaves it:
 * NULL when none will (no driver for the class, or every one blacklisted).
 */
const char *dev_later_driver(const struct host *h, const struct pci_func *d)
{
	static const struct {
		uint16_t vendor;  /* 0: any */
		uint16_t class16; /* 0: any of base */
		uint8_t base;
		const char *drivers[2];
	} later[] = {
		{ 0,
		  PCI_CLASS_MULTIMEDIA_AUDIO_DEV,
		  PCI_BASE_CLASS_MULTIMEDIA,
		  { "snd_hda_intel", NULL } },
		{ 0, PCI_CLASS_SERIAL_USB, PCI_BASE_CLASS_SERIAL, { "xhci_pci", NULL } },
		{ PCI_VENDOR_ID_NVIDIA,
		  PCI_CLASS_SERIAL_OTHER,
		  PCI_BASE_CLASS_SERIAL,
		  { "i2c_nvidia_gpu", NULL } },
		{ PCI_VENDOR_ID_NVIDIA, 0, PCI_BASE_CLASS_DISPLAY, { "nouveau", "nvidia" } },
		{ PCI_VENDOR_ID_ATI, 0, PCI_BASE_CLASS_DISPLAY, { "amdgpu", "radeon" } },
		{ PCI_VENDOR_ID_INTEL, 0, PCI_BASE_CLASS_DISPLAY, { "i915", "xe" } },
	};

	for (size_t i = 0; i < ARRAY_SIZE(later); i++) {
		if ((later[i].vendor && later[i].vendor != d->vendor) ||
		    later[i].base != pci_base_class(d) ||
		    (later[i].class16 && later[i].class16 != pci_class16(d)))
			continue;
		for (size_t k = 0; k < ARRAY_SIZE(later[i].drivers) && later[i].drivers[k]; k++)
			if (!blacklisted(h, later[i].drivers[k]))
				return later[i].drivers[k];
	}
	return NULL;
}

/*
 * Does d keep its group from being viable? Judged by the end state the
 * configuration leads to, the same in every phase: a function bound to a
 * host driver does; an unbound one does when a host driver will bind it
 * later (in the initramfs the real root's modules have not had their turn;
 * on a running host coldplug is over and an unbound function stays so).
 */
bool dev_blocks_group(const struct host *h, const struct pci_func *d)
{
	if (host_claims(d) || pci_is_bridge(d))
		return false;
	if (!driver_allowed_in_group(d->driver))
		return true;
	return !d->driver[0] && !phase_is_check(h->phase) && dev_later_driver(h, d);
}

static bool group_has_claim(const struct host *h, size_t start, size_t end)
{
	for (size_t i = start; i < end; i++)
		if (host_claims(&h->pci.v[h->by_group[i].idx]))
			return true;
	return false;
}

static void claimed_without_group(const struct host *h, struct item_list *il)
{
	char label[48];

	for (size_t i = 0; i < h->pci.n; i++)
		if (host_claims(&h->pci.v[i]) && h->pci.v[i].iommu_group < 0)
			items_add(il, "%s has no IOMMU group",
				  dev_label(&h->pci.v[i], label, sizeof(label)));
}

void check_group_viable(const struct host *h, struct check_result *r)
{
	struct item_list bad, ok, add;
	char bad_buf[ITEMS_LEN], ok_buf[ITEMS_LEN], add_buf[160], label[48];
	size_t n_groups = 0;
	bool host_blocker = false;

	if (!h->n_claimed) {
		result_set(r, LEVEL_NOTE,
			   "no device is claimed for passthrough: no group to judge");
		result_hint(
			r,
			"list the GPU's functions in 'options vfio-pci ids=' to pass them through");
		return;
	}
	if (!host_iommu_active(h)) {
		result_set(
			r, LEVEL_FAIL,
			"no IOMMU groups: a claimed device cannot be assigned (see iommu.kernel)");
		result_hint(
			r,
			"turn the IOMMU on first: the fix under iommu.kernel (and iommu.firmware) says how");
		return;
	}
	items_begin(&bad, bad_buf, sizeof(bad_buf));
	items_begin(&ok, ok_buf, sizeof(ok_buf));
	items_begin(&add, add_buf, sizeof(add_buf));
	claimed_without_group(h, &bad);
	for (size_t start = 0, end; start < h->n_by_group; start = end) {
		int group = h->by_group[start].group;
		size_t members = 0;
		bool viable = true;

		end = host_group_end(h, start);
		if (!group_has_claim(h, start, end))
			continue;
		n_groups++;
		for (size_t i = start; i < end; i++) {
			const struct pci_func *d = &h->pci.v[h->by_group[i].idx];

			members++;
			if (!dev_blocks_group(h, d))
				continue;
			viable = false;
			if (d->driver[0])
				items_add(&bad, "group %d: %s (%s, %s) is not claimed", group,
					  dev_label(d, label, sizeof(label)), pci_class_name(d),
					  d->driver);
			else
				items_add(
					&bad,
					"group %d: %s (%s, no driver yet: %s binds it after the switch to "
					"the real root) is not claimed",
					group, dev_label(d, label, sizeof(label)),
					pci_class_name(d), dev_later_driver(h, d));
			if (dev_is_host_device(h, d))
				host_blocker = true;
			else
				items_add(&add, "%04x:%04x", d->vendor, d->device);
		}
		if (viable)
			items_add(&ok, "group %d (%zu device%s)", group, members,
				  members == 1 ? "" : "s");
	}
	if (bad.shown || bad.omitted) {
		/* when the loss happens: at VM start, not at boot */
		result_set(
			r, LEVEL_FAIL,
			"IOMMU group not viable: %s; at VM start Proxmox binds every non-bridge "
			"device of the group to vfio-pci (taking them from the host), plain QEMU refuses "
			"'group N is not viable'",
			items_end(&bad));
		const char *also =
			host_blocker
				? "; the group also holds host devices (see iommu.group-host-devices)"
				: "";
		const struct vfio_ids *ids = &h->ids;

		/* where the list that takes effect is written: its fix, not the guide's file */
		if (add.shown && ids->effective >= 0 && ids->src[ids->effective].from_cmdline)
			result_hint(
				r,
				"add %s to vfio-pci.ids= (the whole card goes to the guest): %s%s",
				items_end(&add), host_cmdline_file_hint(h), also);
		else if (add.shown)
			result_hint(
				r,
				"add %s to 'options vfio-pci ids=' in %s (the whole card goes to the guest), "
				"then run update-initramfs -u -k all%s",
				items_end(&add),
				ids->effective >= 0 ? ids->src[ids->effective].where
						    : "/etc/modprobe.d/vfio.conf",
				also);
		else if (host_blocker)
			result_hint(
				r,
				"the group holds host devices: move the GPU to a slot wired to the CPU "
				"(see iommu.group-host-devices)");
		else
			result_hint(
				r,
				"turn the IOMMU on and check the groups: ls /sys/kernel/iommu_groups/*/devices");
		return;
	}
	result_set(r, LEVEL_PASS, "%zu passthrough group%s viable: %s", n_groups,
		   n_groups == 1 ? "" : "s", items_end(&ok));
}

void check_group_host_devices(const struct host *h, struct check_result *r)
{
	struct item_list bad;
	char bad_buf[ITEMS_LEN], label[48];

	if (!h->n_claimed || !host_iommu_active(h)) {
		result_set(r, LEVEL_PASS, "no passthrough group holds a host device");
		return;
	}
	items_begin(&bad, bad_buf, sizeof(bad_buf));
	for (size_t start = 0, end; start < h->n_by_group; start = end) {
		end = host_group_end(h, start);
		if (!group_has_claim(h, start, end))
			continue;
		for (size_t i = start; i < end; i++) {
			const struct pci_func *d = &h->pci.v[h->by_group[i].idx];

			if (dev_is_host_device(h, d))
				items_add(&bad, "group %d: %s (%s%s%s)", h->by_group[i].group,
					  dev_label(d, label, sizeof(label)), pci_class_name(d),
					  d->driver[0] ? ", " : "", d->driver);
		}
	}
	if (bad.shown || bad.omitted) {
		result_set(r, LEVEL_FAIL,
			   "a passthrough group holds host devices; starting the VM takes them "
			   "from the host: %s",
			   items_end(&bad));
		result_hint(
			r,
			"put the GPU in a slot with its own group (a CPU-attached slot), or check the firmware "
			"for an ACS option; pcie_acs_override only hides the problem");
		return;
	}
	result_set(r, LEVEL_PASS, "passthrough groups hold only claimed devices and bridges");
}
