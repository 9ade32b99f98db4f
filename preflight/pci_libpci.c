/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pci_libpci.c - the libpci access method, for host builds only.
 *
 * pciutils reads the same sysfs tree (its sysfs.path parameter is the
 * root prefix), so the checks see the same functions, plus names from
 * pci.ids for the human report. Debian ships no static libpci, which is
 * why the boot binary uses pci_sysfs.c instead.
 */
#ifdef HAVE_LIBPCI
#include "format.h"
#include "pci.h"
#include "strbuf.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <pci/pci.h>

/*
 * libpci's error callback must not return (the default exit()s, e.g. on
 * a missing vendor file) and gets no context pointer, so a file-local
 * jump buffer brings us back out with a message instead.
 */
static jmp_buf libpci_fail;
static char libpci_msg[160];

static void PCI_NONRET on_error(char *msg, ...)
{
	va_list ap;

	va_start(ap, msg);
	str_vfmt(libpci_msg, sizeof(libpci_msg), msg, ap);
	va_end(ap);
	longjmp(libpci_fail, 1);
}

/* absent optional attributes are silent, as in lspci */
static void on_warning(char *msg, ...)
{
	(void)msg;
}

static int fill(struct pci_access *pacc, struct pci_dev *p, struct pci_func *d)
{
	char name[256];
	const char *s;

	pci_fill_info(p, PCI_FILL_IDENT | PCI_FILL_CLASS | PCI_FILL_CLASS_EXT | PCI_FILL_SUBSYS |
				 PCI_FILL_DRIVER | PCI_FILL_IOMMU_GROUP);
	str_fmt(d->slot, sizeof(d->slot), "%04x:%02x:%02x.%d", p->domain & 0xffff, p->bus, p->dev,
		p->func);
	d->slot_key = ((uint32_t)(p->domain & 0xffff) << 16) | ((uint32_t)p->bus << 8) |
		      ((uint32_t)p->dev << 3) | (uint32_t)p->func;
	d->vendor = p->vendor_id;
	d->device = p->device_id;
	d->class = ((uint32_t)p->device_class << 8) | p->prog_if;
	d->subvendor = p->subsys_vendor_id;
	d->subdevice = p->subsys_id;
	if ((s = pci_get_string_property(p, PCI_FILL_DRIVER)))
		str_fmt(d->driver, sizeof(d->driver), "%s", s);
	if ((s = pci_get_string_property(p, PCI_FILL_IOMMU_GROUP)))
		d->iommu_group = pci_group_from_link(s);
	if (pci_lookup_name(pacc, name, sizeof(name),
			    PCI_LOOKUP_VENDOR | PCI_LOOKUP_DEVICE | PCI_LOOKUP_NO_NUMBERS,
			    p->vendor_id, p->device_id) &&
	    !(d->name = strdup(name)))
		return -ENOMEM;
	return 0;
}

static int libpci_scan(const struct root *r, struct pci_list *out, struct diag *dg)
{
	char path[4096];
	struct pci_access *volatile pacc = pci_alloc();
	struct pci_dev *p;

	if (!pacc)
		return -ENOMEM;
	str_fmt(path, sizeof(path), "%s/sys/bus/pci", strcmp(r->path, "/") ? r->path : "");
	pacc->method = PCI_ACCESS_SYS_BUS_PCI;
	pacc->error = on_error;
	pacc->warning = on_warning;
	pacc->debug = on_warning;
	pci_set_param(pacc, "sysfs.path", path);
	if (setjmp(libpci_fail)) {
		diag_add(dg, "libpci: %s; device table may be incomplete", libpci_msg);
		pci_cleanup(pacc);
		return 0;
	}
	pci_init(pacc);
	pci_scan_bus(pacc);
	for (p = pacc->devices; p; p = p->next) {
		struct pci_func *d = pci_list_add(out);

		if (!d || fill(pacc, p, d) < 0) {
			pci_cleanup(pacc);
			return -ENOMEM;
		}
	}
	pci_cleanup(pacc);
	return 0;
}

const struct pci_backend pci_backend_libpci = {
	.name = "libpci",
	.scan = libpci_scan,
};
#endif
