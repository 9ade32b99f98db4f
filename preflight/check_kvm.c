/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check_kvm.c - kvm.available: can this host run a KVM guest at all.
 *
 * With VT-x locked off by the firmware the kernel clears "vmx" from
 * /proc/cpuinfo (Linux 5.6+); with SVM disabled in the firmware "svm"
 * stays but kvm_amd refuses to load. Either way /dev/kvm is missing and
 * no passthrough VM can start. In the initramfs kvm is not loaded yet, so
 * only the flag can be judged there.
 */
#include "checks.h"
#include "pci_ids.h"

/* what the firmware setup calls hardware virtualization on this platform */
static const char *virt_switch(const struct host *h)
{
	switch (host_platform_vendor(h)) {
	case PCI_VENDOR_ID_INTEL: return "Intel Virtualization Technology (VT-x)";
	case PCI_VENDOR_ID_AMD: return "SVM Mode (AMD-V)";
	}
	return "VT-x or AMD-V";
}

void check_kvm_available(const struct host *h, struct check_result *r)
{
	const struct cpu_virt *c = &h->cpu;
	const char *flag = c->vmx ? "vmx" : "svm";
	enum module_id mod = c->vmx ? M_KVM_INTEL : M_KVM_AMD;

	if (c->status < 0 || (!c->vmx && !c->svm)) {
		result_set(r, c->status < 0 ? LEVEL_NOTE : LEVEL_FAIL, "%s: no KVM guest can start",
			   c->status < 0 ? "/proc/cpuinfo unreadable"
					 : "no vmx or svm flag in /proc/cpuinfo");
		result_hint(r, "enable %s in the firmware setup, then reboot", virt_switch(h));
		return;
	}
	if (!phase_is_check(h->phase)) { /* predict, verify: in the initramfs */
		result_set(r, LEVEL_NOTE,
			   "the CPU has %s; %s and /dev/kvm come after the switch to the real root",
			   flag, module_names[mod]);
		result_hint(r, "run 'vfio-preflight check' on the running host");
		return;
	}
	if (!c->dev_kvm) {
		result_set(r, LEVEL_FAIL, "the CPU has %s, but /dev/kvm is missing (%s %s)", flag,
			   module_names[mod],
			   h->mod[mod] == MOD_MISSING ? "is not in this kernel" : "is not loaded");
		result_hint(
			r,
			"modprobe %s; if dmesg says \"disabled by bios\", enable %s in the firmware setup",
			module_names[mod], virt_switch(h));
		return;
	}
	result_set(r, LEVEL_PASS, "%s on, /dev/kvm present", flag);
}
