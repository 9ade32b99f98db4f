/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * render_vm.h - output of the vm command, streamed VM by VM: begin, one
 * call per judged VM, end (which writes the overall verdict).
 */
#ifndef VFP_RENDER_VM_H
#define VFP_RENDER_VM_H

#include "render.h"
#include "vm/vmset.h"

struct vm_render {
	struct out *o;
	struct kmsg *k; /* records when kmsg is set */
	bool json, kmsg, color;
	/* totals, kept by vm_render_vm */
	enum level verdict;
	unsigned n_vms, n_fail;
};

void vm_render_begin(struct vm_render *vr, const struct vmset *s, const struct root *r);
void vm_render_vm(struct vm_render *vr, const struct vm *vm, const struct report *rep);
/* why_none: no VM was checked, and why (NULL otherwise) */
void vm_render_end(struct vm_render *vr, const char *why_none);

#endif
