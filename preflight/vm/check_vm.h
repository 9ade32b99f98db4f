/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check_vm.h - the vm.* checks: would this VM start, and what does its
 * start take from the host.
 *
 * As the host checks (checks.h), a check is a pure function: of the host
 * snapshot, the host's own report, and the node's VMs. It fills one result
 * with a level, a message naming the VM's devices, and a hint that is the
 * exact fix (a `qm set` command where there is one). Ids are stable.
 */
#ifndef VFP_CHECK_VM_H
#define VFP_CHECK_VM_H

#include "checks.h"
#include "vm/vmset.h"

struct vm_ctx {
	const struct host *h;
	const struct report *host_rep; /* `check` on the same snapshot */
	const struct vmset *s;
	const struct vm *vm;
	bool onboot;	/* judged as the boot's autostart (vm --onboot) */
	bool post_stop; /* the hookscript's post-stop: vm.returned only */
};

struct vm_check {
	const char *id;
	void (*run)(const struct vm_ctx *x, struct check_result *r);
};

extern const struct vm_check vm_check_table[];
extern const size_t vm_check_count;

/* Run the checks for one VM into rep (results allocated); 0 or -ENOMEM. */
int vm_report_run(const struct vm_ctx *x, struct report *rep);

/* the checks, one per row */
void check_vm_config(const struct vm_ctx *x, struct check_result *r);
void check_vm_host(const struct vm_ctx *x, struct check_result *r);
void check_vm_device(const struct vm_ctx *x, struct check_result *r);
void check_vm_functions(const struct vm_ctx *x, struct check_result *r);
void check_vm_group(const struct vm_ctx *x, struct check_result *r);
void check_vm_binding(const struct vm_ctx *x, struct check_result *r);
void check_vm_machine(const struct vm_ctx *x, struct check_result *r);
void check_vm_firmware(const struct vm_ctx *x, struct check_result *r);
void check_vm_memory(const struct vm_ctx *x, struct check_result *r);
void check_vm_shared(const struct vm_ctx *x, struct check_result *r);
void check_vm_cpu(const struct vm_ctx *x, struct check_result *r);
void check_vm_returned(const struct vm_ctx *x, struct check_result *r);

#endif
