/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check_vm_devices.c - the VM's hostpci devices on this host: do they
 * exist, are whole cards given, what the start takes from the host
 * (qemu-server binds every non-bridge device of each assigned device's
 * IOMMU group to vfio-pci, pve-common's pci_dev_group_bind_to_vfio), and
 * does another VM hold them.
 */
#include "format.h"
#include "macro.h"
#include "vm/check_vm.h"

#include <string.h>

#define FN(x, idx) (&(x)->h->pci.v[idx])

/* entries whose functions qemu-server hands to vfio-pci (not mdev, resolved) */
static bool entry_bound(const struct vm *vm, unsigned j)
{
	return vm->conf.pci[j].present && vm->res[j].status == RES_OK && !vm->conf.pci[j].mdev[0];
}

static bool is_vfio_driver(const char *drv)
{
	return strstr(drv, "vfio") != NULL;
}

/* the part of a hostpci value after its device ("0000:01:00.0,pcie=1" -> ",pcie=1") */
static const char *hostpci_options(const struct vm_hostpci *p)
{
	const char *c = strchr(p->raw, ',');

	if (str_starts(p->raw, "host=") || !c)
		return c ? c : "";
	return c;
}

/* ".1 .2 .3": the functions after the first, by their function number */
static const char *fn_list(const struct vm_ctx *x, const struct vm_res *res, char *buf, size_t cap)
{
	struct strbuf sb;

	sb_init(&sb, buf, cap);
	for (unsigned k = 1; k < res->n_fn; k++)
		sb_addf(&sb, "%s%s", k > 1 ? " " : "", strrchr(FN(x, res->fn[k])->slot, '.'));
	return buf;
}

void check_vm_device(const struct vm_ctx *x, struct check_result *r)
{
	const struct vm *vm = x->vm;
	struct item_list bad, ok;
	char bad_buf[ITEMS_LEN], ok_buf[ITEMS_LEN], label[48], others[64];
	int first_bad = -1;

	items_begin(&bad, bad_buf, sizeof(bad_buf));
	items_begin(&ok, ok_buf, sizeof(ok_buf));
	for (unsigned j = 0; j < VM_HOSTPCI_MAX; j++) {
		const struct vm_hostpci *p = &vm->conf.pci[j];
		const struct vm_res *res = &vm->res[j];

		if (!p->present)
			continue;
		if (res->status != RES_OK) {
			items_add(&bad, "hostpci%u: %s", j, res->why);
			if (first_bad < 0)
				first_bad = (int)j;
			continue;
		}
		if (p->mdev[0] && res->n_fn > 1) {
			items_add(
				&bad,
				"hostpci%u: mdev=%s on a card with %u functions (qemu-server: cannot use "
				"mediated device with multifunction device)",
				j, p->mdev, res->n_fn);
			if (first_bad < 0)
				first_bad = (int)j;
			continue;
		}
		items_add(&ok, "hostpci%u %s%s%s = %s%s%s", j, p->mapping[0] ? "mapping=" : "",
			  p->mapping[0] ? p->mapping : p->host,
			  p->mdev[0] ? " (mdev)"
			  : p->keep  ? " (driver=keep)"
				     : "",
			  dev_label(FN(x, res->fn[0]), label, sizeof(label)),
			  res->n_fn > 1 ? " with its other functions " : "",
			  res->n_fn > 1 ? fn_list(x, res, others, sizeof(others)) : "");
	}
	if (first_bad >= 0) {
		const struct vm_hostpci *p = &vm->conf.pci[first_bad];
		const struct vm_res *res = &vm->res[first_bad];

		result_set(r, LEVEL_FAIL, "%s", items_end(&bad));
		switch (res->status) {
		case RES_INVALID:
			result_hint(
				r,
				"qemu-server skips this line and starts without the device: write it as "
				"'qm set %lu --hostpci%d 0000:01:00,pcie=1' with the card's address from lspci -D",
				vm->conf.vmid, first_bad);
			break;
		case RES_MAP_MISSING:
			result_hint(
				r,
				"qemu-server refuses the start (PCI device mapping not found): add a map for node "
				"'%s' to mapping '%s' under Datacenter > Resource Mappings",
				x->s->node, p->mapping);
			break;
		case RES_MAP_CHANGED:
			result_hint(
				r,
				"qemu-server refuses the start (PCI device mapping invalid, hardware probably "
				"changed): edit mapping '%s' for node '%s' under Datacenter > Resource Mappings to "
				"what lspci -nn -s shows now",
				p->mapping, x->s->node);
			break;
		default:
			result_hint(
				r,
				"qemu-server refuses the start (no PCI device found): the card moved or is gone; "
				"find it with lspci -nn and 'qm set %lu --hostpci%d NEWADDRESS%s'",
				vm->conf.vmid, first_bad, p->mapping[0] ? "" : hostpci_options(p));
		}
		return;
	}
	result_set(r, LEVEL_PASS, "%s", items_end(&ok));
}

void check_vm_functions(const struct vm_ctx *x, struct check_result *r)
{
	const struct vm *vm = x->vm;
	struct item_list left;
	char left_buf[ITEMS_LEN], label[48];
	int first = -1;
	unsigned gpus = 0;

	items_begin(&left, left_buf, sizeof(left_buf));
	for (unsigned j = 0; j < VM_HOSTPCI_MAX; j++) {
		const struct vm_res *res = &vm->res[j];

		for (unsigned k = 0; entry_bound(vm, j) && k < res->n_fn; k++)
			gpus += pci_is_display(FN(x, res->fn[k]));
		if (!entry_bound(vm, j) || !res->single_function)
			continue;
		for (unsigned k = 0; k < res->n_fn; k++) {
			const struct pci_func *d = FN(x, res->fn[k]);

			if (!pci_is_display(d))
				continue;
			/* the card's other functions: neighbours in the sorted table */
			for (size_t i = 0; i < x->h->pci.n; i++) {
				const struct pci_func *o = FN(x, i);

				if (o == d || !pci_same_slot(o, d) || vm_assigns(vm, i))
					continue;
				items_add(
					&left,
					"hostpci%u names %s only: %s (%s) of the same card stays out",
					j, d->slot, dev_label(o, label, sizeof(label)),
					pci_class_name(o));
				if (first < 0)
					first = (int)j;
			}
		}
	}
	if (first >= 0) {
		const struct vm_hostpci *p = &vm->conf.pci[first];
		char card[PCI_SLOT_LEN];
		const struct pci_func *d = FN(x, vm->res[first].fn[0]);

		memcpy(card, d->slot, sizeof(card));
		card[strlen(card) - 2] = '\0'; /* "0000:01:00.0" -> "0000:01:00" */
		result_set(r, LEVEL_WARN, "%s", items_end(&left));
		result_hint(
			r,
			"pass the whole card (All Functions), its audio goes with it: 'qm set %lu --hostpci%d %s%s'",
			vm->conf.vmid, first, card, p->mapping[0] ? "" : hostpci_options(p));
		return;
	}
	result_set(r, LEVEL_PASS, "%s",
		   gpus ? "every GPU is passed with all its functions"
			: "no GPU assigned: nothing to pass with it");
}

/* [start, end) of group g in by_group; start == end when absent */
static void group_span(const struct host *h, int g, size_t *start, size_t *end)
{
	for (*start = 0; *start < h->n_by_group && h->by_group[*start].group != g; (*start)++)
		;
	*end = *start < h->n_by_group ? host_group_end(h, *start) : *start;
}

static bool host_role(const struct pci_func *d)
{
	unsigned c16 = pci_class16(d), base = pci_base_class(d);

	return base == 0x01 || base == 0x02 || c16 == 0x0c03 || c16 == 0x0601;
}

void check_vm_group(const struct vm_ctx *x, struct check_result *r)
{
	const struct vm *vm = x->vm;
	struct item_list lost, taken, keep;
	char lost_buf[ITEMS_LEN], taken_buf[ITEMS_LEN], keep_buf[200], label[48];
	int seen[VM_HOSTPCI_MAX * VM_FN_MAX];
	unsigned n_seen = 0, n_groups = 0;

	if (!x->h->n_iommu_units) {
		result_set(
			r, LEVEL_FAIL,
			"no IOMMU on this host: qemu-server refuses the start (cannot prepare PCI "
			"pass-through, IOMMU not present)");
		result_hint(
			r,
			"turn the IOMMU on: the fix under iommu.kernel and iommu.firmware (vfio-preflight check)");
		return;
	}
	items_begin(&lost, lost_buf, sizeof(lost_buf));
	items_begin(&taken, taken_buf, sizeof(taken_buf));
	items_begin(&keep, keep_buf, sizeof(keep_buf));
	for (unsigned j = 0; j < VM_HOSTPCI_MAX; j++) {
		if (!entry_bound(vm, j))
			continue;
		for (unsigned k = 0; k < vm->res[j].n_fn; k++) {
			const struct pci_func *d = FN(x, vm->res[j].fn[k]);
			size_t start, end;
			bool dup = false;

			if (d->iommu_group < 0) {
				items_add(&lost, "%s has no IOMMU group",
					  dev_label(d, label, sizeof(label)));
				continue;
			}
			for (unsigned s = 0; s < n_seen; s++)
				dup |= seen[s] == d->iommu_group;
			if (dup || n_seen == ARRAY_SIZE(seen))
				continue;
			seen[n_seen++] = d->iommu_group;
			n_groups++;
			group_span(x->h, d->iommu_group, &start, &end);
			for (size_t i = start; i < end; i++) {
				size_t idx = x->h->by_group[i].idx;
				const struct pci_func *m = FN(x, idx);

				if (pci_is_bridge(m) || vm_assigns(vm, idx))
					continue;
				if (vm->conf.pci[j].keep) { /* qemu-server binds nothing: vfio
							       judges the group as it is */
					if (!is_vfio_driver(m->driver) && m->driver[0])
						items_add(&keep, "%s on %s",
							  dev_label(m, label, sizeof(label)),
							  m->driver);
					continue;
				}
				if (is_vfio_driver(m->driver) || host_claims(m))
					continue; /* the host gave it up already */
				items_add(host_role(m) ? &lost : &taken, "group %d: %s (%s%s%s)",
					  d->iommu_group, dev_label(m, label, sizeof(label)),
					  pci_class_name(m), m->driver[0] ? ", " : "", m->driver);
			}
		}
	}
	if (lost.shown || lost.omitted) {
		result_set(
			r, LEVEL_FAIL,
			"starting VM %lu takes host devices (qemu-server binds every device of the "
			"group to vfio-pci): %s",
			vm->conf.vmid, items_end(&lost));
		result_hint(
			r,
			"move the GPU to a slot with its own IOMMU group (a CPU-attached slot) or check the "
			"firmware for an ACS option; never pass a group that holds the host's disk or network");
		return;
	}
	if (keep.shown || keep.omitted) {
		result_set(r, LEVEL_FAIL,
			   "driver=keep: qemu-server binds nothing, and vfio refuses a group with "
			   "devices on host drivers (QEMU: group N is not viable): %s",
			   items_end(&keep));
		result_hint(
			r,
			"bind those functions to vfio-pci before the start, or drop driver=keep");
		return;
	}
	if (taken.shown || taken.omitted) {
		result_set(r, LEVEL_WARN,
			   "the start also takes from the host, without giving it to VM %lu: %s",
			   vm->conf.vmid, items_end(&taken));
		result_hint(
			r,
			"add them to the VM (pass the whole card: All Functions) or accept that the host "
			"loses them while the VM runs");
		return;
	}
	result_set(r, LEVEL_PASS,
		   "%u IOMMU group%s, every device in %s assigned to VM %lu or a bridge", n_groups,
		   n_groups == 1 ? "" : "s", n_groups == 1 ? "it" : "them", vm->conf.vmid);
}

/* the host's console: the firmware's boot display, or the only display the host keeps */
static bool host_console(const struct vm_ctx *x, const struct pci_func *d)
{
	size_t kept = 0;

	if (d->boot_vga == 1)
		return true;
	for (size_t i = 0; i < x->h->pci.n; i++) {
		const struct pci_func *o = FN(x, i);

		if (pci_is_display(o) && !is_vfio_driver(o->driver) && !host_claims(o) &&
		    !vm_assigns(x->vm, i))
			kept++;
	}
	return kept == 0 && d->driver[0];
}

void check_vm_binding(const struct vm_ctx *x, struct check_result *r)
{
	const struct vm *vm = x->vm;
	struct item_list unbind, keep_bad, ok;
	char unbind_buf[ITEMS_LEN], keep_buf[200], ok_buf[200], label[48];
	const struct pci_func *console = NULL;

	items_begin(&unbind, unbind_buf, sizeof(unbind_buf));
	items_begin(&keep_bad, keep_buf, sizeof(keep_buf));
	items_begin(&ok, ok_buf, sizeof(ok_buf));
	for (unsigned j = 0; j < VM_HOSTPCI_MAX; j++) {
		const struct vm_hostpci *p = &vm->conf.pci[j];

		if (!p->present || vm->res[j].status != RES_OK)
			continue;
		for (unsigned k = 0; k < vm->res[j].n_fn; k++) {
			const struct pci_func *d = FN(x, vm->res[j].fn[k]);

			if (pci_is_bridge(d))
				continue;
			dev_label(d, label, sizeof(label));
			if (p->mdev[0]) {
				items_add(&ok, "%s stays on %s (mediated device %s)", label,
					  d->driver[0] ? d->driver : "no driver", p->mdev);
			} else if (p->keep) {
				if (is_vfio_driver(d->driver))
					items_add(&ok, "%s on %s (driver=keep)", label, d->driver);
				else
					items_add(&keep_bad, "%s is on %s", label,
						  d->driver[0] ? d->driver : "no driver");
			} else if (is_vfio_driver(d->driver)) {
				items_add(&ok, "%s on %s", label, d->driver);
			} else if (d->driver[0]) {
				items_add(&unbind, "%s from %s", label, d->driver);
				if (!console && pci_is_display(d) && host_console(x, d))
					console = d;
			} else {
				items_add(&ok, "%s unbound", label);
			}
		}
	}
	if (keep_bad.shown || keep_bad.omitted) {
		result_set(r, LEVEL_FAIL,
			   "driver=keep, but QEMU can only open a device on a vfio driver: %s",
			   items_end(&keep_bad));
		result_hint(
			r,
			"drop driver=keep (qemu-server then binds it to vfio-pci), or bind it to vfio-pci at boot");
		return;
	}
	if (console) {
		const char *serial = cmdline_serial_console(&x->h->cmdline);

		result_set(
			r, LEVEL_WARN,
			"the host's console is on %s (%s%s): starting VM %lu takes it and the host's "
			"screen goes dark; qemu-server unbinds %s",
			dev_label(console, label, sizeof(label)), console->driver,
			console->boot_vga == 1 ? ", boot display" : "", vm->conf.vmid,
			items_end(&unbind));
		result_hint(
			r,
			"keep another display for the host, or bind the card to vfio-pci at boot "
			"(options vfio-pci ids=%04x:%04x; see vfio-preflight check) and manage the host over the "
			"network%s",
			console->vendor, console->device,
			serial ? "; the serial console stays"
			       : " or a serial console (console=ttyS0)");
		return;
	}
	if (unbind.shown || unbind.omitted) {
		result_set(r, LEVEL_NOTE, "qemu-server unbinds at start and binds to vfio-pci: %s",
			   items_end(&unbind));
		result_hint(
			r,
			"nothing to do, or bind them to vfio-pci at boot (options vfio-pci ids=) so no host "
			"driver ever touches them");
		return;
	}
	if (!ok.shown && !ok.omitted) {
		result_set(r, LEVEL_PASS,
			   "no assigned device on this host to bind (see vm.device)");
		return;
	}
	result_set(r, LEVEL_PASS, "%s", items_end(&ok));
}

/* the first function x's VM hands to vfio that `other` names too, or NULL */
static const char *shared_slot(const struct vm_ctx *x, const struct vm *other)
{
	const struct vm *vm = x->vm;

	for (unsigned j = 0; j < VM_HOSTPCI_MAX; j++) {
		if (!entry_bound(vm, j) || vm->res[j].alternatives > 1)
			continue; /* a mapping with alternatives takes a free one */
		for (unsigned k = 0; k < vm->res[j].n_fn; k++)
			if (vm_assigns(other, vm->res[j].fn[k]))
				return FN(x, vm->res[j].fn[k])->slot;
	}
	return NULL;
}

void check_vm_shared(const struct vm_ctx *x, struct check_result *r)
{
	const struct vm *vm = x->vm;
	struct item_list fail, note;
	char fail_buf[ITEMS_LEN], note_buf[ITEMS_LEN];
	bool twice = false;

	items_begin(&fail, fail_buf, sizeof(fail_buf));
	items_begin(&note, note_buf, sizeof(note_buf));
	for (unsigned j = 0; j < VM_HOSTPCI_MAX; j++) {
		if (!entry_bound(vm, j) || vm->res[j].alternatives > 1)
			continue; /* a mapping with alternatives takes a free one */
		for (unsigned k = 0; k < vm->res[j].n_fn; k++) {
			size_t idx = vm->res[j].fn[k];
			const struct pci_func *d = FN(x, idx);
			const struct vm_reservation *rv = vmset_reserved(x->s, d->slot);

			for (unsigned j2 = j + 1; j2 < VM_HOSTPCI_MAX; j2++)
				for (unsigned k2 = 0; entry_bound(vm, j2) && k2 < vm->res[j2].n_fn;
				     k2++)
					if (vm->res[j2].fn[k2] == idx) {
						items_add(
							&fail,
							"%s is in hostpci%u and hostpci%u (qemu-server: device "
							"assigned more than once)",
							d->slot, j, j2);
						twice = true;
					}
			if (rv && rv->vmid != vm->conf.vmid)
				items_add(&fail,
					  "%s is in use by VM %lu (running): this start fails",
					  d->slot, rv->vmid);
		}
	}
	/* other VMs of this node naming the same functions: each VM once, with the first shared one
	 */
	for (size_t o = 0; o < x->s->n; o++) {
		const struct vm *other = &x->s->v[o];
		const char *slot = shared_slot(x, other);

		if (other == vm || !other->exists || other->conf.template_vm || !slot)
			continue;
		if (vm->conf.onboot && other->conf.onboot)
			items_add(
				&fail,
				"%s is also in VM %lu; both start at boot: the second start fails",
				slot, other->conf.vmid);
		else
			items_add(&note, "VM %lu (%s)", other->conf.vmid, slot);
	}
	if (fail.shown || fail.omitted) {
		result_set(r, LEVEL_FAIL, "%s", items_end(&fail));
		if (twice)
			result_hint(
				r,
				"name each function in one hostpci entry only: 'qm config %lu | grep hostpci'",
				vm->conf.vmid);
		else
			result_hint(
				r,
				"start at boot only one VM per device ('qm set VMID --onboot 0' for the others), "
				"or stop the VM that holds it first");
		return;
	}
	if (note.shown || note.omitted) {
		result_set(
			r, LEVEL_NOTE,
			"its devices are also assigned to %s: only one of them can run at a time",
			items_end(&note));
		result_hint(
			r,
			"fine while only one runs; a second start fails while the first holds the device");
		return;
	}
	result_set(r, LEVEL_PASS,
		   "no other VM on this node holds or autostarts with VM %lu's devices",
		   vm->conf.vmid);
}

/* post-stop: is every assigned function still on the bus, and can it be reset for the next start */
void check_vm_returned(const struct vm_ctx *x, struct check_result *r)
{
	const struct vm *vm = x->vm;
	struct item_list gone, noreset, ok;
	char gone_buf[200], noreset_buf[200], ok_buf[ITEMS_LEN], label[48];

	items_begin(&gone, gone_buf, sizeof(gone_buf));
	items_begin(&noreset, noreset_buf, sizeof(noreset_buf));
	items_begin(&ok, ok_buf, sizeof(ok_buf));
	for (unsigned j = 0; j < VM_HOSTPCI_MAX; j++) {
		const struct vm_res *res = &vm->res[j];

		if (!vm->conf.pci[j].present)
			continue;
		if (res->status == RES_NOT_FOUND || res->status == RES_MAP_CHANGED)
			items_add(&gone, "hostpci%u: %s", j, res->why);
		for (unsigned k = 0; k < res->n_fn; k++) {
			const struct pci_func *d = FN(x, res->fn[k]);

			dev_label(d, label, sizeof(label));
			if (!d->has_reset_method || !d->reset_method[0])
				items_add(&noreset, "%s", label);
			else
				items_add(&ok, "%s on %s (reset: %s)", label,
					  d->driver[0] ? d->driver : "no driver", d->reset_method);
		}
	}
	if (gone.shown || gone.omitted) {
		result_set(r, LEVEL_FAIL,
			   "after VM %lu stopped, its device is gone from the host: %s",
			   vm->conf.vmid, items_end(&gone));
		result_hint(
			r,
			"a failed reset took it off the bus: 'echo 1 > /sys/bus/pci/rescan', else reboot the host");
		return;
	}
	if (noreset.shown || noreset.omitted) {
		result_set(
			r, LEVEL_WARN,
			"back after VM %lu stopped, but no reset method: %s; the next start may find "
			"the GPU in the state the guest left",
			vm->conf.vmid, items_end(&noreset));
		result_hint(
			r,
			"for AMD Polaris/Vega/Navi cards load vendor-reset and set reset_method to "
			"device_specific (a udev rule)");
		return;
	}
	result_set(r, LEVEL_PASS, "back after VM %lu stopped: %s", vm->conf.vmid, items_end(&ok));
}
