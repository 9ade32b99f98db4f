/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * render_vm.c - the vm report, one VM at a time as it is judged: a text
 * block per VM (what the hookscript prints into the start task's log),
 * JSON {verdict, vms: [{vmid, name, verdict, checks}]}, kernel-ring
 * records "vfio-preflight: vm 100: vm.group: FAIL ...".
 */
#include "format.h"
#include "vm/render_vm.h"

static const char *const colors[] = { "\033[32m", "\033[36m", "\033[33m", "\033[1;31m" };

void vm_render_begin(struct vm_render *vr, const struct vmset *s, const struct root *r)
{
	if (vr->json) {
		out_str(vr->o, "{\"node\":");
		json_str(vr->o, s->node);
		out_str(vr->o, ",\"root\":");
		json_str(vr->o, r->path);
		out_str(vr->o, ",\"host_memory_mib\":");
		if (s->mem_total_mib >= 0)
			out_dec(vr->o, s->mem_total_mib);
		else
			out_str(vr->o, "null");
		out_str(vr->o, ",\"vms\":[");
	} else {
		char ram[32];

		if (s->mem_total_mib >= 0)
			str_fmt(ram, sizeof(ram), "%ld MiB", s->mem_total_mib);
		else
			str_fmt(ram, sizeof(ram), "unknown");
		out_printf(vr->o, "vfio-preflight vm: node %s, root %s, host RAM %s\n",
			   s->node[0] ? s->node : "unknown", r->path, ram);
	}
}

static void counts(const struct report *rep, unsigned count[4])
{
	for (int i = 0; i < 4; i++)
		count[i] = 0;
	for (size_t i = 0; i < rep->n; i++)
		count[rep->results[i].level]++;
}

void vm_render_vm(struct vm_render *vr, const struct vm *vm, const struct report *rep)
{
	const struct vmconf *c = &vm->conf;
	unsigned count[4];

	counts(rep, count);
	vr->n_vms++;
	vr->n_fail += rep->verdict == LEVEL_FAIL;
	if (rep->verdict > vr->verdict)
		vr->verdict = rep->verdict;
	if (vr->kmsg) {
		for (size_t i = 0; i < rep->n; i++) {
			const struct check_result *res = &rep->results[i];

			if (res->level == LEVEL_PASS || !res->hint[0])
				kmsg_log(vr->k, level_kmsg_priority(res->level),
					 "vm %lu: %s: %s %s", c->vmid, res->id,
					 level_tag(res->level), res->message);
			else
				kmsg_log(vr->k, level_kmsg_priority(res->level),
					 "vm %lu: %s: %s %s -- fix: %s", c->vmid, res->id,
					 level_tag(res->level), res->message, res->hint);
		}
		kmsg_log(vr->k, level_kmsg_priority(rep->verdict),
			 "vm %lu: verdict: %s (%u fail, %u warn, %u note, %u pass)", c->vmid,
			 level_tag(rep->verdict), count[LEVEL_FAIL], count[LEVEL_WARN],
			 count[LEVEL_NOTE], count[LEVEL_PASS]);
	}
	if (vr->json) {
		out_str(vr->o, vr->n_vms > 1 ? ",{\"vmid\":" : "{\"vmid\":");
		out_dec(vr->o, (long)c->vmid);
		out_str(vr->o, ",\"name\":");
		if (c->name[0])
			json_str(vr->o, c->name);
		else
			out_str(vr->o, "null");
		out_str(vr->o, ",\"onboot\":");
		out_str(vr->o, c->onboot ? "true" : "false");
		out_str(vr->o, ",\"verdict\":\"");
		out_str(vr->o, level_name(rep->verdict));
		out_str(vr->o, "\",\"checks\":[");
		for (size_t i = 0; i < rep->n; i++) {
			const struct check_result *res = &rep->results[i];

			out_str(vr->o, i ? ",{\"id\":" : "{\"id\":");
			json_str(vr->o, res->id);
			out_str(vr->o, ",\"level\":\"");
			out_str(vr->o, level_name(res->level));
			out_str(vr->o, "\",\"message\":");
			json_str(vr->o, res->message);
			out_str(vr->o, ",\"hint\":");
			if (res->hint[0])
				json_str(vr->o, res->hint);
			else
				out_str(vr->o, "null");
			out_char(vr->o, '}');
		}
		out_str(vr->o, "]}");
		return;
	}
	out_printf(vr->o, "\nVM %lu%s%s%s%s %s\n", c->vmid, c->name[0] ? " (" : "", c->name,
		   c->name[0] ? ")" : "", c->onboot ? ", starts at boot," : "", vm->path);
	for (size_t i = 0; i < rep->n; i++) {
		const struct check_result *res = &rep->results[i];

		out_printf(vr->o, "%s%s%s  %-13s %s\n", vr->color ? colors[res->level] : "",
			   level_tag(res->level), vr->color ? "\033[0m" : "", res->id,
			   res->message);
		if (res->level != LEVEL_PASS && res->hint[0])
			out_printf(vr->o, "      %-13s fix: %s\n", "", res->hint);
	}
	out_printf(vr->o, "VM %lu: %s%s%s (%u fail, %u warn, %u note, %u pass)\n", c->vmid,
		   vr->color ? colors[rep->verdict] : "", level_tag(rep->verdict),
		   vr->color ? "\033[0m" : "", count[LEVEL_FAIL], count[LEVEL_WARN],
		   count[LEVEL_NOTE], count[LEVEL_PASS]);
}

void vm_render_end(struct vm_render *vr, const char *why_none)
{
	if (vr->kmsg)
		kmsg_log(vr->k, level_kmsg_priority(vr->verdict),
			 "vm: verdict: %s (%u VM%s, %u would not start)%s%s",
			 level_tag(vr->verdict), vr->n_vms, vr->n_vms == 1 ? "" : "s", vr->n_fail,
			 why_none ? ": " : "", why_none ? why_none : "");
	if (vr->json) {
		out_str(vr->o, "],\"verdict\":\"");
		out_str(vr->o, level_name(vr->verdict));
		out_str(vr->o, "\",\"message\":");
		if (why_none)
			json_str(vr->o, why_none);
		else
			out_str(vr->o, "null");
		out_str(vr->o, "}\n");
		return;
	}
	if (why_none)
		out_printf(vr->o, "\nNo VM to check: %s\n", why_none);
	out_printf(vr->o, "\nVerdict: %s%s%s (%u VM%s checked, %u would not start)\n",
		   vr->color ? colors[vr->verdict] : "", level_tag(vr->verdict),
		   vr->color ? "\033[0m" : "", vr->n_vms, vr->n_vms == 1 ? "" : "s", vr->n_fail);
}
