/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * initcall.h - the name initcall_blacklist= takes for a built-in module.
 *
 * initcall_blacklist=FN compares FN with the name of each initcall's
 * function. A built-in module's module_init(fn) is device_initcall(fn), and
 * module_pci_driver(x) makes that function x_init, x being the struct
 * pci_driver's variable, not the driver's name (8250_pci: driver "serial",
 * function serial_pci_driver_init): neither the module's nor the driver's
 * name gives it. The kernel does: since 5.13 each initcall has a symbol
 * __initcall__kmod_MOD__ID_LINE_FN6 (MOD the module's KBUILD_MODNAME, 6 the
 * device level), which /proc/kallsyms lists with CONFIG_KALLSYMS_ALL (Debian:
 * on). Names only: kptr_restrict hides addresses, not names.
 */
#ifndef VFP_INITCALL_H
#define VFP_INITCALL_H

#include <stddef.h>

#include "rootfs.h"

#define INITCALL_MAX	4
#define INITCALL_FN_LEN 96

struct initcall_ref {
	char asked[32];		  /* the driver or module name a check asks about */
	char module[32];	  /* its module, '_' for '-' */
	char fn[INITCALL_FN_LEN]; /* "serial_pci_driver_init", comma-joined if several; "" unknown
				   */
};

struct initcall_list {
	struct initcall_ref v[INITCALL_MAX];
	size_t n;
	int status; /* 0 read, -errno: /proc/kallsyms unreadable (not looked up: -ENODATA) */
};

/*
 * The module a built-in PCI driver belongs to: the driver directory's module
 * link when there is one, else the few drivers whose name is not their
 * module's (serial: 8250_pci, xhci_hcd: xhci_pci), else the driver's name.
 */
void initcall_module_of_driver(const struct root *r, const char *driver, char *mod, size_t cap);
/* add a name to look up (at most INITCALL_MAX; again is a no-op) */
void initcall_want(struct initcall_list *l, const char *asked, const char *module);
/* one /proc/kallsyms line ("ADDR TYPE NAME[\tMODULE]", no newline, any bytes) */
void initcall_parse_line(struct initcall_list *l, const char *line, size_t len);
/* one pass over proc/kallsyms fills every fn it can; returns 0 or -errno */
int initcall_lookup(const struct root *r, struct initcall_list *l);
/* the function name for `asked`, or NULL when unknown */
const char *initcall_fn(const struct initcall_list *l, const char *asked);

#endif
