/*
 * pci_common.c - device table housekeeping shared by every access method.
 */
#include "pci.h"
#include "strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void pci_func_init(struct pci_func *d)
{
	memset(d, 0, sizeof(*d));
	d->iommu_group = -1;
	d->boot_vga = -1;
}

struct pci_func *pci_list_add(struct pci_list *l)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct pci_func *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return NULL;
		l->v = v;
		l->cap = cap;
	}
	pci_func_init(&l->v[l->n]);
	return &l->v[l->n++];
}

void pci_list_free(struct pci_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free((char *)l->v[i].name);
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

static int slot_cmp(const void *a, const void *b)
{
	return strcmp(((const struct pci_func *)a)->slot, ((const struct pci_func *)b)->slot);
}

void pci_list_sort(struct pci_list *l)
{
	if (l->n > 1)
		qsort(l->v, l->n, sizeof(*l->v), slot_cmp);
}

bool pci_same_slot(const struct pci_func *a, const struct pci_func *b)
{
	const char *dot_a = strrchr(a->slot, '.'), *dot_b = strrchr(b->slot, '.');

	return dot_a && dot_b && dot_a - a->slot == dot_b - b->slot &&
	       strncmp(a->slot, b->slot, (size_t)(dot_a - a->slot)) == 0;
}

const char *pci_class_name(const struct pci_func *d)
{
	switch (pci_class16(d)) {
	case 0x0300: return "VGA";
	case 0x0302: return "3D controller";
	case 0x0380: return "display controller";
	case 0x0403: return "audio";
	case 0x0600: return "host bridge";
	case 0x0601: return "ISA bridge";
	case 0x0604: return "PCI bridge";
	case 0x0c03: return "USB controller";
	case 0x0c05: return "SMBus";
	case 0x0c80: return "serial bus";
	case 0x0106: return "SATA controller";
	case 0x0108: return "NVMe";
	}
	switch (pci_base_class(d)) {
	case 0x01: return "storage";
	case 0x02: return "network";
	case 0x03: return "display";
	case 0x04: return "multimedia";
	case 0x06: return "bridge";
	case 0x0c: return "serial bus";
	}
	return "device";
}

static long hex_field(const char *s, unsigned digits)
{
	return hex_parse(s, digits);
}

int pci_parse_uevent(char *buf, struct pci_func *d)
{
	int have_id = 0;
	char *line, *save = NULL;

	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *colon;
		long v;

		if (str_starts(line, "DRIVER=")) {
			snprintf(d->driver, sizeof(d->driver), "%s", line + 7);
		} else if (str_starts(line, "PCI_CLASS=")) {
			v = hex_field(line + 10, 6);
			if (v >= 0)
				d->class = (uint32_t)v;
		} else if (str_starts(line, "PCI_ID=") || str_starts(line, "PCI_SUBSYS_ID=")) {
			int sub = line[4] == 'S';
			char *val = line + (sub ? 14 : 7);
			long hi, lo;

			colon = strchr(val, ':');
			if (!colon)
				continue;
			*colon = '\0';
			hi = hex_field(val, 4);
			lo = hex_field(colon + 1, 4);
			if (hi < 0 || lo < 0)
				continue;
			if (sub) {
				d->subvendor = (uint16_t)hi;
				d->subdevice = (uint16_t)lo;
			} else {
				d->vendor = (uint16_t)hi;
				d->device = (uint16_t)lo;
				have_id = 1;
			}
		}
	}
	return have_id ? 0 : -1;
}

int pci_group_from_link(const char *link)
{
	const char *slash = strrchr(link, '/');
	const char *num = slash ? slash + 1 : link;
	long v = 0;

	if (!*num)
		return -1;
	for (; *num; num++) {
		if (*num < '0' || *num > '9' || v > 10000000)
			return -1;
		v = v * 10 + (*num - '0');
	}
	return (int)v;
}

static int read_dev_attr(const struct root *r, const struct pci_func *d, const char *attr,
			 char *buf, size_t cap)
{
	char path[PCI_SLOT_LEN + 40];

	snprintf(path, sizeof(path), "sys/bus/pci/devices/%s/%s", d->slot, attr);
	return root_read(r, path, buf, cap);
}

void pci_read_boot_vga(const struct root *r, struct pci_func *d)
{
	char buf[16];

	if (read_dev_attr(r, d, "boot_vga", buf, sizeof(buf)) > 0)
		d->boot_vga = buf[0] == '1';
}

void pci_read_reset_method(const struct root *r, struct pci_func *d)
{
	char *v;

	if (read_dev_attr(r, d, "reset_method", d->reset_method, sizeof(d->reset_method)) < 0)
		return;
	d->has_reset_method = true;
	v = str_trim(d->reset_method);
	memmove(d->reset_method, v, strlen(v) + 1);
}

void pci_read_override(const struct root *r, struct pci_func *d)
{
	char buf[64], *v;

	if (read_dev_attr(r, d, "driver_override", buf, sizeof(buf)) <= 0)
		return;
	v = str_trim(buf);
	if (strcmp(v, "(null)") != 0)
		snprintf(d->override, sizeof(d->override), "%s", v);
}
