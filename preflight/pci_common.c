/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pci_common.c - device table housekeeping shared by every access method.
 */
#include "format.h"
#include "pci.h"
#include "sort.h"
#include "strbuf.h"

#include <errno.h>
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

long pci_slot_key(const char *s)
{
	char part[8];
	long dom, bus, dev, fn;
	size_t len = strlen(s);

	/* DDDD:BB:DD.F, the domain may be longer on some hosts (VMD) */
	if (len < 12 || len >= PCI_SLOT_LEN || s[len - 2] != '.' || s[len - 5] != ':' || s[len - 8] != ':' ||
	    len - 8 > sizeof(part) - 1)
		return -1;
	memcpy(part, s, len - 8);
	part[len - 8] = '\0';
	dom = hex_parse(part, 6);
	memcpy(part, s + len - 7, 2);
	part[2] = '\0';
	bus = hex_parse(part, 2);
	memcpy(part, s + len - 4, 2);
	dev = hex_parse(part, 2);
	fn = s[len - 1] - '0';
	if (dom < 0 || bus < 0 || dev < 0 || dev > 31 || fn < 0 || fn > 7)
		return -1;
	return ((dom & 0xffff) << 16) | (bus << 8) | (dev << 3) | fn;	/* VMD domains wrap */
}

/*
 * Sort by slot. readdir order is arbitrary; sorting packed (key, index)
 * integers and moving each record once is far cheaper than qsort
 * swapping 200-byte records through a callback.
 */
int pci_list_sort(struct pci_list *l)
{
	uint64_t *keys;
	struct pci_func *sorted;

	if (l->n < 2)
		return 0;
	keys = malloc(l->n * sizeof(*keys));
	if (!keys)
		return -ENOMEM;
	for (size_t i = 0; i < l->n; i++)
		keys[i] = ((uint64_t)l->v[i].slot_key << 32) | i;
	if (sort_u64(keys, l->n) < 0 || !(sorted = malloc(l->cap * sizeof(*sorted)))) {
		free(keys);
		return -ENOMEM;
	}
	for (size_t i = 0; i < l->n; i++)
		sorted[i] = l->v[(uint32_t)keys[i]];
	free(keys);
	free(l->v);
	l->v = sorted;
	return 0;
}

bool pci_same_slot(const struct pci_func *a, const struct pci_func *b)
{
	return a->slot_key >> 3 == b->slot_key >> 3;
}

const char *dev_label(const struct pci_func *d, char *buf, size_t cap)
{
	str_fmt(buf, cap, "%s [%04x:%04x]", d->slot, d->vendor, d->device);
	return buf;
}

const char *pci_class_name(const struct pci_func *d)
{
	switch (pci_class16(d)) {
	case PCI_CLASS_DISPLAY_VGA: return "VGA";
	case PCI_CLASS_DISPLAY_3D: return "3D controller";
	case PCI_CLASS_DISPLAY_OTHER: return "display controller";
	case PCI_CLASS_MULTIMEDIA_AUDIO_DEV: return "audio";
	case PCI_CLASS_BRIDGE_HOST: return "host bridge";
	case PCI_CLASS_BRIDGE_ISA: return "ISA bridge";
	case PCI_CLASS_BRIDGE_PCI: return "PCI bridge";
	case PCI_CLASS_SERIAL_USB: return "USB controller";
	case PCI_CLASS_SERIAL_SMBUS: return "SMBus";
	case PCI_CLASS_SERIAL_OTHER: return "serial bus";
	case PCI_CLASS_STORAGE_SATA: return "SATA controller";
	case PCI_CLASS_STORAGE_NVM: return "NVMe";
	}
	switch (pci_base_class(d)) {
	case PCI_BASE_CLASS_STORAGE: return "storage";
	case PCI_BASE_CLASS_NETWORK: return "network";
	case PCI_BASE_CLASS_DISPLAY: return "display";
	case PCI_BASE_CLASS_MULTIMEDIA: return "multimedia";
	case PCI_BASE_CLASS_BRIDGE: return "bridge";
	case PCI_BASE_CLASS_SERIAL: return "serial bus";
	}
	return "device";
}

/* "10DE:2204" -> hi, lo; 0 on success */
static int parse_id_pair(const char *s, size_t len, uint16_t *hi, uint16_t *lo)
{
	char tmp[16];
	const char *colon;
	long a, b;

	if (len >= sizeof(tmp))
		return -1;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	colon = strchr(tmp, ':');
	if (!colon)
		return -1;
	tmp[colon - tmp] = '\0';
	a = hex_parse(tmp, 4);
	b = hex_parse(colon + 1, 4);
	if (a < 0 || b < 0)
		return -1;
	*hi = (uint16_t)a;
	*lo = (uint16_t)b;
	return 0;
}

#define KEY_IS(line, len, key) ((len) > sizeof(key) - 1 && !memcmp((line), (key), sizeof(key) - 1))

int pci_parse_uevent(char *buf, struct pci_func *d)
{
	int have_id = 0;
	char *line = buf;

	while (*line) {
		char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);

		if (KEY_IS(line, len, "DRIVER=")) {
			size_t n = len - 7 < sizeof(d->driver) - 1 ? len - 7 : sizeof(d->driver) - 1;

			memcpy(d->driver, line + 7, n);
			d->driver[n] = '\0';
		} else if (KEY_IS(line, len, "PCI_CLASS=")) {
			char tmp[16];
			long v;

			if (len - 10 < sizeof(tmp)) {
				memcpy(tmp, line + 10, len - 10);
				tmp[len - 10] = '\0';
				if ((v = hex_parse(tmp, 6)) >= 0)
					d->class = (uint32_t)v;
			}
		} else if (KEY_IS(line, len, "PCI_ID=")) {
			have_id = parse_id_pair(line + 7, len - 7, &d->vendor, &d->device) == 0;
		} else if (KEY_IS(line, len, "PCI_SUBSYS_ID=")) {
			parse_id_pair(line + 14, len - 14, &d->subvendor, &d->subdevice);
		}
		if (!nl)
			break;
		line = nl + 1;
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

	str_fmt(path, sizeof(path), "sys/bus/pci/devices/%s/%s", d->slot, attr);
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
		str_fmt(d->override, sizeof(d->override), "%s", v);
}
