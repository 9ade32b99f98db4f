/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check_vm.c - the table of vm.* checks and running it for one VM.
 */
#include "macro.h"
#include "vm/check_vm.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

const struct vm_check vm_check_table[] = {
	{ "vm.config", check_vm_config },   { "vm.host", check_vm_host },
	{ "vm.device", check_vm_device },   { "vm.functions", check_vm_functions },
	{ "vm.group", check_vm_group },	    { "vm.binding", check_vm_binding },
	{ "vm.machine", check_vm_machine }, { "vm.firmware", check_vm_firmware },
	{ "vm.memory", check_vm_memory },   { "vm.shared", check_vm_shared },
	{ "vm.cpu", check_vm_cpu },
};
static const struct vm_check returned = { "vm.returned", check_vm_returned };
const size_t vm_check_count = ARRAY_SIZE(vm_check_table);

int vm_report_run(const struct vm_ctx *x, struct report *rep)
{
	memset(rep, 0, sizeof(*rep));
	rep->results = calloc(vm_check_count, sizeof(*rep->results));
	if (!rep->results)
		return -ENOMEM;
	for (size_t i = 0; i < vm_check_count; i++) {
		struct check_result *r = &rep->results[rep->n];
		const struct vm_check *c = &vm_check_table[i];

		/* a VM without a config or without passthrough: only what its config says */
		if (i > 0 && (!x->vm->exists || !vm_passthrough(x->vm)))
			break;
		if (i > 0 && x->post_stop)
			c = &returned;
		r->id = c->id;
		c->run(x, r);
		if (r->level != LEVEL_NOTE && r->level > rep->verdict)
			rep->verdict = r->level;
		rep->n++;
		if (c == &returned)
			break;
	}
	return 0;
}
