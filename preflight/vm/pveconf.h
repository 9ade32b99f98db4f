/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pveconf.h - a Proxmox VE VM configuration and the PCI resource mappings,
 * read as qemu-server reads them.
 *
 * Contract (from qemu-server's parse_vm_config and pve-guest-common's
 * PVE::Mapping::PCI, facts only):
 * - One "key: value" per line; the key matches [a-z][a-z_-]*[0-9]* and
 *   starts the line. Blank lines are skipped, "#" lines are the
 *   description. A later line for the same key wins.
 * - The current configuration is everything before the first "[...]" line:
 *   snapshots ("[name]"), "[PENDING]" and "[special:...]" are not what
 *   starts. Lines after one are skipped.
 * - A line qemu-server cannot parse, or a key it does not know, is warned
 *   about and ignored; so is a value it rejects (the VM then starts without
 *   that setting). Every such line is recorded in the diag, never fatal.
 * - hostpciN (N < 16): a property string, the default key "host" is a
 *   PCI id ("0000:01:00", "01:00.0") or a ';' list of them, or
 *   "mapping=NAME"; pcie, x-vga, mdev, driver=vfio|keep, rombar.
 * The parser is fed one line at a time and holds no pointer into it: a
 * line may be any bytes (the fuzzer's job).
 */
#ifndef VFP_PVECONF_H
#define VFP_PVECONF_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

#define VM_HOSTPCI_MAX 16 /* qemu-server's $MAX_HOSTPCI_DEVICES */
#define VM_VALUE_LEN   160
#define VM_NAME_LEN    64

enum vm_bios { BIOS_SEABIOS, BIOS_OVMF };

struct vm_hostpci {
	bool present;
	bool valid;		   /* parsed as qemu-server would */
	char raw[VM_VALUE_LEN];	   /* the value, for messages and fixes */
	char host[VM_VALUE_LEN];   /* "0000:01:00;0000:02:00.0" or "" */
	char mapping[VM_NAME_LEN]; /* "" when host= */
	char mdev[VM_NAME_LEN];
	bool pcie, xvga, keep;
	unsigned lineno;
};

struct vmconf {
	unsigned long vmid;
	char name[VM_NAME_LEN];
	long memory;  /* MiB, qemu-server's default 512 */
	long balloon; /* MiB, -1 when not set */
	bool onboot, template_vm;
	char machine[VM_NAME_LEN]; /* the machine type, "" for the default (i440fx) */
	enum vm_bios bios;
	bool efidisk;
	char cpu[VM_NAME_LEN]; /* cputype, "" for the default (kvm64 / x86-64-v2-AES) */
	bool cpu_hidden, cpu_hv_vendor;
	bool args_hidden, args_hv_vendor; /* kvm=off / hv_vendor_id in args: */
	char ostype[16];
	char storage[VM_NAME_LEN]; /* the storage of the first disk, for fixes */
	struct vm_hostpci pci[VM_HOSTPCI_MAX];
	unsigned n_pci; /* entries present */
	/* parser state */
	bool in_current; /* before the first [section] */
	unsigned lines, skipped_sections;
	struct diag diag;
};

void vmconf_init(struct vmconf *c, unsigned long vmid);
/* one line without its '\n'; truncated: the line was longer than was kept */
void vmconf_line(struct vmconf *c, char *line, unsigned lineno, int truncated);
/* the whole text, split at '\n' (tests, fuzzing) */
void vmconf_parse_text(struct vmconf *c, char *text);

/* PVE boolean: 1 on yes true, 0 off no false (any case); -1 otherwise */
int pve_bool(const char *v);
/* a property string: the value of key (or the default key for a bare first
 * word when dflt is set) into out; 1 found, 0 absent */
int prop_get(const char *s, const char *key, bool dflt, char *out, size_t cap);
/* a qemu-server PCI id list: "[DDDD:]BB:DD[.F](;...)*", lower-case hex */
bool pve_pci_list_valid(const char *s);

/* /etc/pve/mapping/pci.cfg: the map entry of one mapping for one node */
#define MAP_PATH_LEN 128
struct pci_map_entry {
	bool found;   /* the mapping exists at all */
	bool on_node; /* a map line for this node */
	char path[MAP_PATH_LEN];
	char id[16], subsystem_id[16];
	long iommugroup; /* -1 not given */
	bool mdev;	 /* the mapping's "mdev 1": its devices provide mediated devices */
	unsigned n_maps; /* map lines for this node (alternatives) */
};

/* Find mapping `name` for `node` in the text of pci.cfg (modified in place). */
void pci_mapping_find(char *text, const char *name, const char *node, struct pci_map_entry *e,
		      struct diag *d);

#endif
