/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check_vm_config.c - the VM's own settings for passthrough: the config
 * as read, the host's verdicts that decide it, machine type, firmware,
 * memory (VFIO pins all of it), CPU model.
 */
#include "macro.h"
#include "vm/check_vm.h"

#include <string.h>

#define FN(x, idx) (&(x)->h->pci.v[idx])

/* an assigned display function (the GPU), or NULL */
static const struct pci_func *vm_gpu(const struct vm_ctx *x, bool *primary)
{
	const struct vm *vm = x->vm;

	for (unsigned j = 0; j < VM_HOSTPCI_MAX; j++) {
		if (!vm->conf.pci[j].present || vm->res[j].status != RES_OK)
			continue;
		for (unsigned k = 0; k < vm->res[j].n_fn; k++)
			if (pci_is_display(FN(x, vm->res[j].fn[k]))) {
				if (primary)
					*primary = vm->conf.pci[j].xvga;
				return FN(x, vm->res[j].fn[k]);
			}
	}
	return NULL;
}

void check_vm_config(const struct vm_ctx *x, struct check_result *r)
{
	const struct vm *vm = x->vm;
	const struct vmconf *c = &vm->conf;

	if (!vm->exists) {
		if (c->diag.n) /* there, but unreadable */
			result_set(r, LEVEL_FAIL, "VM %lu: cannot read %s", c->vmid,
				   c->diag.msg[0]);
		else if (!x->s->have_pve)
			result_set(r, LEVEL_FAIL,
				   "VM %lu: no /etc/pve (pve-cluster.service mounts it; is this a "
				   "Proxmox VE node and is pve-cluster running?)",
				   c->vmid);
		else
			result_set(r, LEVEL_FAIL, "VM %lu: no %s on node '%s'", c->vmid,
				   vm->path[0] ? vm->path : "/etc/pve/qemu-server", x->s->node);
		result_hint(
			r,
			"qm list shows this node's VMs; a VM of another node is checked on that node");
		return;
	}
	if (c->diag.total) {
		struct item_list il;
		char buf[ITEMS_LEN];

		items_begin(&il, buf, sizeof(buf));
		for (unsigned i = 0; i < c->diag.n; i++)
			items_add(&il, "%s", c->diag.msg[i]);
		il.omitted += c->diag.total - c->diag.n;
		result_set(r, LEVEL_NOTE, "%s: %s", vm->path, items_end(&il));
		result_hint(
			r,
			"qemu-server ignores these lines too; 'qm config %lu' shows what it reads",
			c->vmid);
		return;
	}
	if (!vm_passthrough(vm)) {
		result_set(r, LEVEL_PASS, "%s: no hostpci entry, nothing to pass through",
			   vm->path);
		return;
	}
	if (c->template_vm) {
		result_set(r, LEVEL_NOTE, "%s is a template: it never starts, its clones do",
			   vm->path);
		return;
	}
	result_set(r, LEVEL_PASS, "%s: the current configuration (%u line%s%s)", vm->path, c->lines,
		   c->lines == 1 ? "" : "s",
		   c->in_current ? "" : "; snapshots and pending changes not judged");
}

/* does the VM assign a function the host's vfio-pci configuration claims */
static bool vm_claimed(const struct vm_ctx *x)
{
	const struct vm *vm = x->vm;

	for (unsigned j = 0; j < VM_HOSTPCI_MAX; j++)
		for (unsigned k = 0; vm->conf.pci[j].present && k < vm->res[j].n_fn; k++)
			if (host_claims(FN(x, vm->res[j].fn[k])))
				return true;
	return false;
}

void check_vm_host(const struct vm_ctx *x, struct check_result *r)
{
	/* the host's verdicts every passthrough start depends on */
	static const char *const ids[] = { "iommu.firmware", "iommu.kernel",
					   "iommu.interrupt-remapping", "vfio.modules",
					   "security.acs-override" };
	/* shown where the host's vfio-pci configuration claims this VM's devices; they do not
	 * decide the start: qemu-server binds the group itself (vm.binding, vm.group judge that) */
	static const char *const boot_ids[] = { "vfio.binding", "iommu.group-viable" };
	const struct check_result *worst = NULL;
	bool claimed = vm_claimed(x);
	struct item_list il;
	char buf[ITEMS_LEN];

	items_begin(&il, buf, sizeof(buf));
	for (size_t i = 0; i < x->host_rep->n; i++) {
		const struct check_result *hr = &x->host_rep->results[i];

		for (size_t k = 0; k < ARRAY_SIZE(ids); k++)
			if (!strcmp(hr->id, ids[k])) {
				items_add(&il, "%s %s", hr->id, level_tag(hr->level));
				if (hr->level != LEVEL_NOTE && (!worst || hr->level > worst->level))
					worst = hr;
			}
		for (size_t k = 0; claimed && k < ARRAY_SIZE(boot_ids); k++)
			if (!strcmp(hr->id, boot_ids[k]))
				items_add(&il, "%s %s at boot", hr->id, level_tag(hr->level));
	}
	if (worst && worst->level > LEVEL_PASS) {
		result_set(r, worst->level, "host: %s; %s: %s", items_end(&il), worst->id,
			   worst->message);
		result_hint(r, "%s", worst->hint);
		return;
	}
	result_set(r, LEVEL_PASS, "host: %s", items_end(&il));
}

static bool machine_q35(const struct vmconf *c)
{
	return strstr(c->machine, "q35") != NULL; /* machine_base_type: q35, pc-q35-8.1, ... */
}

void check_vm_machine(const struct vm_ctx *x, struct check_result *r)
{
	const struct vmconf *c = &x->vm->conf;
	const char *machine = c->machine[0] ? c->machine : "i440fx (the default)";
	const struct pci_func *gpu;
	char label[48];

	for (unsigned j = 0; j < VM_HOSTPCI_MAX; j++)
		if (c->pci[j].present && c->pci[j].pcie && !machine_q35(c)) {
			result_set(
				r, LEVEL_FAIL,
				"hostpci%u has pcie=1 on machine %s: qemu-server refuses the start "
				"(q35 machine model is not enabled)",
				j, machine);
			result_hint(r, "qm set %lu --machine q35 (or drop pcie=1 from hostpci%u)",
				    c->vmid, j);
			return;
		}
	if ((gpu = vm_gpu(x, NULL)) && !machine_q35(c)) {
		result_set(r, LEVEL_WARN,
			   "GPU %s on machine %s sits on plain PCI, not PCI Express; GPU drivers "
			   "expect a PCIe link",
			   dev_label(gpu, label, sizeof(label)), machine);
		result_hint(
			r,
			"qm set %lu --machine q35 and pcie=1 on the GPU's hostpci entry (a Windows guest "
			"re-detects its devices once)",
			c->vmid);
		return;
	}
	result_set(r, LEVEL_PASS, "machine %s%s", machine, machine_q35(c) ? " (PCI Express)" : "");
}

void check_vm_firmware(const struct vm_ctx *x, struct check_result *r)
{
	const struct vmconf *c = &x->vm->conf;
	const char *storage = c->storage[0] ? c->storage : "local-lvm";
	bool primary = false;
	const struct pci_func *gpu = vm_gpu(x, &primary);
	char label[48];

	if (gpu && c->bios != BIOS_OVMF) {
		result_set(r, LEVEL_WARN,
			   "GPU %s%s with SeaBIOS: current GPUs start from their UEFI ROM; "
			   "SeaBIOS needs the legacy VGA path",
			   dev_label(gpu, label, sizeof(label)),
			   primary ? " is the primary display (x-vga=1)" : "");
		result_hint(
			r,
			"qm set %lu --bios ovmf --efidisk0 %s:1,efitype=4m,pre-enrolled-keys=1 (a guest installed "
			"under SeaBIOS boots under OVMF only from a GPT disk)",
			c->vmid, storage);
		return;
	}
	if (c->bios == BIOS_OVMF && !c->efidisk) {
		result_set(
			r, LEVEL_WARN,
			"OVMF without efidisk0: the EFI variables (boot order, Secure Boot keys) "
			"are lost at every start");
		result_hint(r, "qm set %lu --efidisk0 %s:1,efitype=4m,pre-enrolled-keys=1", c->vmid,
			    storage);
		return;
	}
	result_set(r, LEVEL_PASS, "%s%s", c->bios == BIOS_OVMF ? "OVMF with efidisk0" : "SeaBIOS",
		   gpu ? "" : " (no GPU assigned)");
}

/* what the host keeps for itself when VMs are counted: 1 GiB or 1/16 of RAM */
static long host_reserve(long total)
{
	return total / 16 > 1024 ? total / 16 : 1024;
}

void check_vm_memory(const struct vm_ctx *x, struct check_result *r)
{
	const struct vmconf *c = &x->vm->conf;
	long total = x->s->mem_total_mib, spare, sum = 0;
	struct item_list il;
	char buf[ITEMS_LEN];
	unsigned n = 0;

	if (total < 0) {
		result_set(
			r, LEVEL_NOTE,
			"VM %lu pins %ld MiB; /proc/meminfo unreadable, the host's RAM is unknown",
			c->vmid, c->memory);
		result_hint(r, "cat /proc/meminfo");
		return;
	}
	if (c->memory > total) {
		result_set(r, LEVEL_FAIL,
			   "VM %lu needs %ld MiB, all pinned by VFIO; the host has %ld MiB of RAM: "
			   "the start fails (Cannot allocate memory)",
			   c->vmid, c->memory, total);
		if (total - host_reserve(total) >= 512)
			result_hint(r, "qm set %lu --memory %ld (the host keeps %ld MiB)", c->vmid,
				    total - host_reserve(total), host_reserve(total));
		else
			result_hint(
				r,
				"this host has too little RAM for it: give the VM less (qm set %lu --memory MiB) "
				"or the host more",
				c->vmid);
		return;
	}
	spare = total - host_reserve(total);
	items_begin(&il, buf, sizeof(buf));
	for (size_t i = 0; c->onboot && i < x->s->n; i++) {
		const struct vm *o = &x->s->v[i];

		if (!o->exists || !o->conf.onboot || o->conf.template_vm || !vm_passthrough(o))
			continue;
		sum += o->conf.memory;
		n++;
		items_add(&il, "%lu (%ld)", o->conf.vmid, o->conf.memory);
	}
	if (n > 1 && sum > spare) {
		result_set(r, sum > total ? LEVEL_FAIL : LEVEL_WARN,
			   "the passthrough VMs that start at boot pin "
			   "%ld MiB together: %s; the host has %ld MiB and keeps %ld",
			   sum, items_end(&il), total, host_reserve(total));
		result_hint(
			r,
			"start fewer of them at boot (qm set VMID --onboot 0) or give them less memory "
			"(qm set VMID --memory MiB)");
		return;
	}
	if (!x->onboot && x->s->mem_avail_mib >= 0 && c->memory > x->s->mem_avail_mib) {
		result_set(
			r, LEVEL_WARN,
			"VM %lu pins %ld MiB; %ld MiB are available now (of %ld): the start may fail "
			"or push the host into swap",
			c->vmid, c->memory, x->s->mem_avail_mib, total);
		result_hint(r, "stop another VM first, or qm set %lu --memory %ld", c->vmid,
			    x->s->mem_avail_mib);
		return;
	}
	if (c->balloon > 0 && c->balloon < c->memory) {
		result_set(
			r, LEVEL_NOTE,
			"balloon: %ld with passthrough: VFIO pins all %ld MiB, the balloon cannot "
			"give any back",
			c->balloon, c->memory);
		result_hint(r, "qm set %lu --balloon 0", c->vmid);
		return;
	}
	result_set(r, LEVEL_PASS, "VM %lu pins %ld MiB of the host's %ld MiB%s", c->vmid, c->memory,
		   total, n > 1 ? "; the autostarted passthrough VMs fit together" : "");
}

static bool windows_guest(const struct vmconf *c)
{
	return c->ostype[0] == 'w'; /* wxp w2k w2k3 w2k8 wvista win7 ... win11 */
}

void check_vm_cpu(const struct vm_ctx *x, struct check_result *r)
{
	const struct vmconf *c = &x->vm->conf;
	bool primary = false;
	const struct pci_func *gpu = vm_gpu(x, &primary);
	char label[48];

	/* qemu-server hides KVM and sets hv_vendor_id itself for an x-vga=1 GPU */
	if (gpu && gpu->vendor == 0x10de && windows_guest(c) && !primary && !c->cpu_hidden &&
	    !(c->args_hidden && c->args_hv_vendor) && !c->cpu_hv_vendor) {
		result_set(r, LEVEL_NOTE,
			   "Windows guest with NVIDIA GPU %s: GeForce drivers older than 465 stop "
			   "with Code 43 when they see a hypervisor%s",
			   dev_label(gpu, label, sizeof(label)),
			   strcmp(c->cpu, "host") ? "; cpu is not host" : "");
		result_hint(r, "qm set %lu --cpu host,hidden=1,hv-vendor-id=proxmox", c->vmid);
		return;
	}
	if (strcmp(c->cpu, "host")) {
		result_set(r, LEVEL_NOTE,
			   "cpu: %s: the guide's advice for passthrough is cpu: host (the guest's "
			   "GPU driver sees the real CPU features)",
			   c->cpu[0] ? c->cpu : "the default model");
		result_hint(r, "qm set %lu --cpu host", c->vmid);
		return;
	}
	result_set(r, LEVEL_PASS, "cpu: host%s", c->cpu_hidden ? ", KVM hidden" : "");
}
