/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vmset.h - the VMs of this node and what their hostpci entries name on
 * this host: read once, then judged by the vm.* checks (check_vm.c).
 *
 * vmset_load() does all the reading under the root prefix: the configs in
 * /etc/pve/qemu-server (pmxcfs' link to /etc/pve/nodes/NODE/qemu-server),
 * /etc/pve/mapping/pci.cfg, /proc/meminfo, qemu-server's PCI reservations
 * in /run/qemu-server. vmset_resolve() maps every hostpci entry to the
 * functions of the host snapshot as qemu-server does (an id without a
 * function is every function of the card; a mapping is checked against
 * the hardware it recorded). Absent files are data, never errors.
 */
#ifndef VFP_VMSET_H
#define VFP_VMSET_H

#include "host.h"
#include "vm/pveconf.h"

#define VM_FN_MAX 16   /* functions one hostpci entry may name */
#define VM_MAX	  4096 /* VMs kept; more are counted in the diag */

enum vm_res_status {
	RES_OK,
	RES_INVALID,	 /* the value does not parse: qemu-server skips it */
	RES_NOT_FOUND,	 /* "no PCI device found for ..." */
	RES_MAP_MISSING, /* "PCI device mapping not found for ..." */
	RES_MAP_CHANGED, /* "PCI device mapping invalid (hardware probably changed)" */
};

struct vm_res {
	enum vm_res_status status;
	char why[200];
	size_t fn[VM_FN_MAX]; /* into host.pci */
	unsigned n_fn;
	bool single_function;  /* every id named a function ("01:00.0") */
	unsigned alternatives; /* mapping: map lines for this node */
};

struct vm {
	struct vmconf conf;
	char path[96]; /* "/etc/pve/qemu-server/100.conf" */
	bool exists;
	struct vm_res res[VM_HOSTPCI_MAX];
};

struct vm_reservation {
	char id[PCI_SLOT_LEN];
	unsigned long vmid;
	bool live; /* pid: and that process exists */
};

struct vmset {
	struct vm *v;
	size_t n, cap;
	char node[VM_NAME_LEN];
	char confdir[96];		   /* relative to the root; "" when none */
	bool have_pve;			   /* /etc/pve exists */
	long mem_total_mib, mem_avail_mib; /* -1 unknown */
	char *pci_cfg;			   /* /etc/pve/mapping/pci.cfg, NULL when absent */
	struct vm_reservation *resv;
	size_t n_resv;
	struct diag diag;
};

struct vmset_options {
	const unsigned long *vmids; /* asked for by number; n_vmids 0: all */
	size_t n_vmids;
	bool all; /* keep VMs without passthrough too */
};

/* Read the VMs (those asked for, and every one with a hostpci entry); 0 or -ENOMEM. */
int vmset_load(struct vmset *s, const struct root *r, const struct vmset_options *opt);
/* Resolve every hostpci entry against the host snapshot. */
void vmset_resolve(struct vmset *s, const struct host *h);
void vmset_free(struct vmset *s);

/* the VM assigned this function, or NULL; the running holder from qemu-server's reservations */
const struct vm_reservation *vmset_reserved(const struct vmset *s, const char *slot);
bool vm_assigns(const struct vm *vm, size_t fn);
/* has any hostpci entry */
static inline bool vm_passthrough(const struct vm *vm)
{
	return vm->conf.n_pci > 0;
}

#endif
