/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check_iommu.c - is the IOMMU on in firmware and kernel, does it remap
 * interrupts, and is isolation weakened by the ACS override.
 */
#include "checks.h"

#include <string.h>

/* what the firmware setup calls the IOMMU on this platform (by its host bridge) */
static const char *firmware_switch(const struct host *h)
{
	switch (host_platform_vendor(h)) {
	case PCI_VENDOR_ID_INTEL: return "Intel VT-d";
	case PCI_VENDOR_ID_AMD: return "AMD IOMMU / AMD-Vi (with SVM)";
	}
	return "Intel VT-d, or AMD IOMMU / AMD-Vi (with SVM),";
}

void check_iommu_firmware(const struct host *h, struct check_result *r)
{
	if (h->has_dmar)
		result_set(r, LEVEL_PASS,
			   "ACPI DMAR table present: Intel VT-d is enabled in firmware");
	else if (h->has_ivrs)
		result_set(r, LEVEL_PASS, "ACPI IVRS table present: AMD-Vi is enabled in firmware");
	else if (host_iommu_active(h) || h->n_iommu_units)
		result_set(r, LEVEL_PASS, "IOMMU present without a DMAR/IVRS table (%u units)",
			   h->n_iommu_units);
	else if (h->acpi == TRI_UNKNOWN) {
		result_set(r, LEVEL_NOTE,
			   "no ACPI tables visible (/sys/firmware/acpi missing): cannot tell "
			   "whether the firmware enables the IOMMU");
		result_hint(
			r,
			"check the firmware setup: Intel VT-d, or AMD IOMMU / AMD-Vi, must be enabled");
	} else {
		result_set(r, LEVEL_FAIL,
			   "no DMAR or IVRS ACPI table: the IOMMU is disabled in firmware");
		result_hint(r, "enable %s in the firmware setup, then reboot", firmware_switch(h));
	}
}

static const char *param_value(const struct host *h, const char *key)
{
	const struct cmdline_param *p = cmdline_last(&h->cmdline, key);
	return p ? (p->val ? p->val : "") : NULL;
}

void check_iommu_kernel(const struct host *h, struct check_result *r)
{
	const char *intel = param_value(h, "intel_iommu"), *amd = param_value(h, "amd_iommu");
	const char *iommu = param_value(h, "iommu"), *file = host_cmdline_file_hint(h);
	bool amd_on = amd && strcmp(amd, "on") == 0;

	if (host_iommu_active(h)) {
		if (amd_on) {
			result_set(r, LEVEL_NOTE,
				   "IOMMU active: %u groups, default domain %s; amd_iommu=on is "
				   "not a valid value and is ignored",
				   h->n_groups, h->domain_type[0] ? h->domain_type : "unknown");
			result_hint(r, "remove amd_iommu=on from %s: AMD-Vi is on by default",
				    file);
			return;
		}
		result_set(r, LEVEL_PASS, "IOMMU active: %u groups, %u unit%s, default domain %s%s",
			   h->n_groups, h->n_iommu_units, h->n_iommu_units == 1 ? "" : "s",
			   h->domain_type[0] ? h->domain_type : "unknown",
			   h->domain_type[0] && !strcmp(h->domain_type, "identity") ? " (iommu=pt)"
										    : "");
		return;
	}
	if (!h->has_dmar && !h->has_ivrs && h->acpi == TRI_YES) {
		result_set(r, LEVEL_FAIL,
			   "IOMMU not active: no IOMMU groups, and the firmware has it off "
			   "(see iommu.firmware)");
		if (host_platform_vendor(h) == PCI_VENDOR_ID_AMD) /* amd_iommu needs no parameter */
			result_hint(
				r,
				"enable %s in the firmware setup; the kernel then turns it on by itself",
				firmware_switch(h));
		else if (intel && !strcmp(intel, "on"))
			result_hint(
				r,
				"enable %s in the firmware setup: intel_iommu=on is already on the command "
				"line and takes effect once the firmware has it on",
				firmware_switch(h));
		else
			result_hint(
				r,
				"enable %s in the firmware setup first; then add intel_iommu=on iommu=pt "
				"(Intel) to %s",
				firmware_switch(h), file);
	} else if (intel && strcmp(intel, "off") == 0) {
		result_set(r, LEVEL_FAIL,
			   "IOMMU not active: intel_iommu=off is on the kernel command line");
		result_hint(
			r, "replace intel_iommu=off with intel_iommu=on iommu=pt in %s, and reboot",
			file);
	} else if ((iommu && strcmp(iommu, "off") == 0) || (amd && strcmp(amd, "off") == 0)) {
		result_set(r, LEVEL_FAIL, "IOMMU not active: %s=off is on the kernel command line",
			   iommu && !strcmp(iommu, "off") ? "iommu" : "amd_iommu");
		result_hint(r, "remove it from %s, and reboot", file);
	} else if (h->has_ivrs) {
		result_set(
			r, LEVEL_FAIL,
			"IOMMU not active: no IOMMU groups although the firmware has AMD-Vi on%s",
			amd_on ? " (amd_iommu=on is not a valid value)" : "");
		result_hint(r,
			    "AMD-Vi is on by default: remove amd_iommu=on/off from %s and look for "
			    "\"AMD-Vi\" errors in dmesg",
			    file);
	} else {
		result_set(r, LEVEL_FAIL, "IOMMU not active: no IOMMU groups%s",
			   intel ? "" : " (this kernel needs intel_iommu=on)");
		result_hint(r, "add intel_iommu=on iommu=pt to %s, and reboot", file);
	}
}

void check_interrupt_remapping(const struct host *h, struct check_result *r)
{
	const char *file = host_cmdline_file_hint(h);
	bool off_by_param =
		cmdline_last(&h->cmdline, "nointremap") ||
		(param_value(h, "intremap") && !strcmp(param_value(h, "intremap"), "off"));

	if (!host_iommu_active(h)) {
		result_set(r, LEVEL_NOTE,
			   "not checked: the IOMMU is not active (see iommu.kernel)");
		result_hint(r, "turn the IOMMU on first");
		return;
	}
	if (h->intremap == TRI_YES && !off_by_param) {
		if (h->allow_unsafe) {
			result_set(
				r, LEVEL_WARN,
				"interrupt remapping works, yet allow_unsafe_interrupts=1 is set "
				"(%s): a guest could inject interrupts into the host",
				h->allow_unsafe_where);
			result_hint(
				r,
				"remove allow_unsafe_interrupts=1 from %s; it is not needed here",
				h->allow_unsafe_where);
		} else {
			result_set(
				r, LEVEL_PASS,
				"interrupt remapping enabled (IR- interrupt chips in /proc/interrupts)");
		}
		return;
	}
	if (h->intremap == TRI_UNKNOWN && !off_by_param) {
		result_set(
			r, LEVEL_NOTE,
			"cannot tell whether interrupts are remapped: /proc/interrupts unreadable");
		result_hint(
			r,
			"look for \"DMAR-IR: Enabled IRQ remapping\" or \"AMD-Vi: Interrupt remapping enabled\" in dmesg");
		return;
	}
	if (h->allow_unsafe) {
		result_set(
			r, LEVEL_WARN,
			"interrupt remapping is off; vfio works only because allow_unsafe_interrupts=1 "
			"(%s): a guest can inject interrupts into the host",
			h->allow_unsafe_where);
		result_hint(
			r,
			"enable interrupt remapping (x2APIC / IOMMU interrupt remapping in firmware%s) and "
			"remove allow_unsafe_interrupts=1",
			off_by_param ? ", drop nointremap/intremap=off" : "");
		return;
	}
	result_set(
		r, LEVEL_FAIL,
		"interrupt remapping is off%s: vfio_iommu_type1 will refuse to attach IOMMU groups",
		off_by_param ? " (disabled on the kernel command line)" : "");
	if (off_by_param)
		result_hint(r, "remove nointremap / intremap=off from %s", file);
	else
		result_hint(
			r,
			"enable interrupt remapping / x2APIC in firmware; only if you accept the risk: "
			"options vfio_iommu_type1 allow_unsafe_interrupts=1 in /etc/modprobe.d/vfio.conf");
}

void check_acs_override(const struct host *h, struct check_result *r)
{
	const char *acs = param_value(h, "pcie_acs_override");

	if (!acs) {
		result_set(r, LEVEL_PASS,
			   "no pcie_acs_override: IOMMU groups show the hardware's real isolation");
		return;
	}
	result_set(r, LEVEL_WARN,
		   "pcie_acs_override=%s weakens isolation: devices split into separate groups "
		   "can still reach each other by DMA",
		   acs);
	result_hint(r, "prefer a slot whose group is already isolated; if you keep the override, "
		       "treat the guest as able to reach the host's devices");
}
