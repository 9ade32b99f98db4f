/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vm_cmd.c - `vfio-preflight vm`: the host snapshot of `check`, then the
 * vm.* checks for each VM of this node that passes a PCI device through.
 *
 * Exit status as for check: 0 no VM has a FAIL, 1 one has, 2 usage,
 * 3 internal error. The hookscript relies on 1 meaning "refuse the start";
 * --post-stop only reports (exit 0 unless the call is wrong).
 */
#include "format.h"
#include "vm/check_vm.h"
#include "vm/render_vm.h"
#include "vm/vm_cmd.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct vm_options {
	const char *root;
	unsigned long *vmids;
	size_t n_vmids;
	bool all, onboot, post_stop, json, kmsg, no_color;
};

static int vm_usage(void)
{
	err_printf(
		"usage: vfio-preflight vm [VMID...] [--all] [--onboot] [--post-stop] [--root DIR] [--json] "
		"[--kmsg] [--no-color]\n");
	return EXIT_USAGE;
}

static int parse_vm_args(int argc, char **argv, struct vm_options *o)
{
	o->root = "/";
	if (!(o->vmids = calloc((size_t)argc, sizeof(*o->vmids))))
		return -ENOMEM;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		char *end;

		if (!strcmp(a, "--all"))
			o->all = true;
		else if (!strcmp(a, "--onboot"))
			o->onboot = true;
		else if (!strcmp(a, "--post-stop"))
			o->post_stop = true;
		else if (!strcmp(a, "--json"))
			o->json = true;
		else if (!strcmp(a, "--kmsg"))
			o->kmsg = true;
		else if (!strcmp(a, "--no-color"))
			o->no_color = true;
		else if (!strcmp(a, "--root") && i + 1 < argc)
			o->root = argv[++i];
		else if (a[0] >= '1' && a[0] <= '9' &&
			 (o->vmids[o->n_vmids] = strtoul(a, &end, 10)) && !*end &&
			 o->vmids[o->n_vmids] <= 999999999ul)
			o->n_vmids++;
		else {
			err_printf(
				"vfio-preflight: vm: '%s' is neither a VMID (100-999999999) nor an option\n",
				a);
			return -EINVAL;
		}
	}
	return 0;
}

/* the VMs judged: those asked for; else with --onboot the autostarted ones; else all passthrough
 * (--all: all) */
static bool selected(const struct vm_options *o, const struct vm *vm)
{
	if (o->n_vmids) {
		for (size_t i = 0; i < o->n_vmids; i++)
			if (o->vmids[i] == vm->conf.vmid)
				return true;
		return false;
	}
	if (o->onboot)
		return vm->conf.onboot && vm_passthrough(vm) && !vm->conf.template_vm;
	return o->all || vm_passthrough(vm);
}

/* reset_method is read only for the devices a check needs it for */
static void read_details(struct host *h, const struct vmset *s, const struct root *r)
{
	for (size_t i = 0; i < s->n; i++)
		for (unsigned j = 0; j < VM_HOSTPCI_MAX; j++)
			for (unsigned k = 0; k < s->v[i].res[j].n_fn; k++)
				pci_read_reset_method(r, &h->pci.v[s->v[i].res[j].fn[k]]);
}

static int run_vms(const struct vm_options *o, const struct root *r, struct kmsg *k)
{
	struct host_options hopt = { .phase = PHASE_CHECK, .backend = &pci_backend_sysfs };
	struct host *h = malloc(sizeof(*h));
	struct vmset *s = malloc(sizeof(*s));
	struct vmset_options sopt = { .vmids = o->vmids, .n_vmids = o->n_vmids, .all = o->all };
	struct report host_rep = { 0 };
	struct out out;
	struct vm_render vr = { .o = &out, .k = k, .json = o->json, .kmsg = o->kmsg };
	const char *why_none = NULL;
	int err = -ENOMEM;

	if (!h || !s)
		goto out_free;
	memset(h, 0, sizeof(*h));
	memset(s, 0, sizeof(*s));
	if ((err = host_load(h, r, &hopt)) < 0 || (err = report_run(h, &host_rep)) < 0 ||
	    (err = vmset_load(s, r, &sopt)) < 0)
		goto out_free;
	vmset_resolve(s, h);
	if (o->post_stop)
		read_details(h, s, r);
	out_init(&out, STDOUT_FILENO);
	vr.color = !o->no_color && !o->json && isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
	vm_render_begin(&vr, s, r);
	for (size_t i = 0; i < s->n; i++) {
		struct vm_ctx x = { .h = h,
				    .host_rep = &host_rep,
				    .s = s,
				    .vm = &s->v[i],
				    .onboot = o->onboot,
				    .post_stop = o->post_stop };
		struct report rep;

		if (!selected(o, &s->v[i]))
			continue;
		if ((err = vm_report_run(&x, &rep)) < 0)
			goto out_free;
		vm_render_vm(&vr, &s->v[i], &rep);
		report_free(&rep);
	}
	if (!vr.n_vms)
		why_none =
			!s->have_pve
				? "no /etc/pve: not a Proxmox VE node, or pve-cluster.service is not running"
			: !s->confdir[0] ? "no /etc/pve/qemu-server for this node"
			: o->onboot	 ? "no VM with a hostpci entry starts at boot (onboot: 1)"
					 : "no VM on this node has a hostpci entry";
	vm_render_end(&vr, why_none);
	out_flush(&out);
	err = vr.verdict == LEVEL_FAIL ? 1 : 0;
out_free:
	report_free(&host_rep);
	if (s)
		vmset_free(s);
	if (h)
		host_free(h);
	free(h);
	free(s);
	return err;
}

int vm_main(int argc, char **argv)
{
	struct vm_options o = { 0 };
	struct root r;
	struct kmsg k;
	int ret;

	if ((ret = parse_vm_args(argc, argv, &o)) < 0) {
		free(o.vmids);
		return ret == -ENOMEM ? EXIT_INTERNAL : vm_usage();
	}
	if (root_open(&r, o.root) < 0) {
		err_printf("vfio-preflight: cannot open root '%s': %s\n", o.root, ERR_TEXT(errno));
		free(o.vmids);
		return EXIT_USAGE;
	}
	kmsg_init(&k, &r);
	ret = run_vms(&o, &r, &k);
	if (ret < 0) {
		if (o.kmsg)
			kmsg_log(&k, 3, "vm: ERROR %s while reading the host or the VMs",
				 ERR_TEXT(-ret));
		err_printf("vfio-preflight: internal error: %s\n", ERR_TEXT(-ret));
	}
	kmsg_close(&k);
	root_close(&r);
	free(o.vmids);
	if (ret < 0)
		return EXIT_INTERNAL;
	return o.post_stop ? EXIT_OK : ret ? EXIT_FAILED : EXIT_OK;
}
