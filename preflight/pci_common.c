/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pci_common.c - device table housekeeping shared by every access method.
 */
#include "format.h"
#include "pci.h"
#include "sort.h"
#include "strbuf.h"
#include "utf8.h"

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

static long hex_span(const char *p, size_t n, unsigned max);

long pci_slot_key(const char *s)
{
	long dom, bus, dev, fn;
	size_t len = strlen(s);

	/* DDDD:BB:DD.F, the domain may be longer on some hosts (VMD) */
	if (len < 12 || len >= PCI_SLOT_LEN || s[len - 2] != '.' || s[len - 5] != ':' ||
	    s[len - 8] != ':' || len - 8 > 7)
		return -1;
	dom = hex_span(s, len - 8, 6);
	bus = hex_span(s + len - 7, 2, 2);
	dev = hex_span(s + len - 4, 2, 2);
	fn = s[len - 1] - '0';
	if (dom < 0 || bus < 0 || dev < 0 || dev > 31 || fn < 0 || fn > 7)
		return -1;
	return ((dom & 0xffff) << 16) | (bus << 8) | (dev << 3) | fn; /* VMD domains wrap */
}

/*
 * Sort by slot. readdir order is arbitrary; sorting packed (key, index)
 * integers and moving each record once is far cheaper than qsort
 * swapping 200-byte records through a callback. The records move in
 * place, cycle by cycle: a second table of 8192 functions would be
 * another 1.3 MB of peak memory.
 */
int pci_list_sort(struct pci_list *l)
{
	uint64_t *keys;

	if (l->n < 2)
		return 0;
	keys = malloc(l->n * sizeof(*keys));
	if (!keys)
		return -ENOMEM;
	for (size_t i = 0; i < l->n; i++)
		keys[i] = ((uint64_t)l->v[i].slot_key << 32) | i;
	if (sort_u64(keys, l->n) < 0) {
		free(keys);
		return -ENOMEM;
	}
	/* position i takes the record at from(i); a done position points at itself */
	for (size_t i = 0; i < l->n; i++) {
		struct pci_func tmp;
		size_t j = i, k;

		if ((uint32_t)keys[i] == i)
			continue;
		tmp = l->v[i];
		for (;;) {
			k = (uint32_t)keys[j];
			keys[j] = (keys[j] & ~0xffffffffull) | j;
			if (k == i) {
				l->v[j] = tmp;
				break;
			}
			l->v[j] = l->v[k];
			j = k;
		}
	}
	free(keys);
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

/* a hex digit's value plus one; 0 for every other byte */
static const unsigned char hex1[256] = {
	['0'] = 1,  ['1'] = 2,	['2'] = 3,  ['3'] = 4,	['4'] = 5,  ['5'] = 6,
	['6'] = 7,  ['7'] = 8,	['8'] = 9,  ['9'] = 10, ['a'] = 11, ['b'] = 12,
	['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16, ['A'] = 11, ['B'] = 12,
	['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

/* hex_parse() over [p, p + n): 1..max digits after an optional 0x, or -1 */
static long hex_span(const char *p, size_t n, unsigned max)
{
	long v = 0;

	if (n >= 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		p += 2;
		n -= 2;
	}
	if (n == 0 || n > max)
		return -1;
	for (; n; n--, p++) {
		unsigned d = hex1[(unsigned char)*p];

		if (!d)
			return -1;
		v = v * 16 + (long)(d - 1);
	}
	return v;
}

/* "10DE:2204" over [p, p + n) -> hi, lo; 0 on success */
static int id_pair(const char *p, size_t n, uint16_t *hi, uint16_t *lo)
{
	const char *colon = memchr(p, ':', n);
	long a, b;

	if (!colon)
		return -1;
	a = hex_span(p, (size_t)(colon - p), 4);
	b = hex_span(colon + 1, n - (size_t)(colon - p) - 1, 4);
	if (a < 0 || b < 0)
		return -1;
	*hi = (uint16_t)a;
	*lo = (uint16_t)b;
	return 0;
}

/*
 * The end of the line at p: the first '\n' or NUL, eight bytes a step
 * (a byte is zero in x exactly when the classic (x - 0x01..) & ~x & 0x80..
 * test says so; '\n' is found the same way in x ^ 0x0a..).
 */
static const char *line_end(const char *p, const char *end)
{
	const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull,
		       nl = ones * '\n';

	while (end - p >= 8) {
		uint64_t x, y;

		memcpy(&x, p, 8);
		y = x ^ nl;
		if (((x - ones) & ~x & highs) | ((y - ones) & ~y & highs))
			break;
		p += 8;
	}
	while (p < end && *p != '\n' && *p != '\0')
		p++;
	return p;
}

/*
 * Does a line of len bytes start with key (4 to 16 bytes) and go on after
 * it? Two overlapping word loads per side instead of a memcmp call.
 */
static inline int has_key(const char *line, size_t len, const char *key, size_t klen)
{
	uint64_t a, b;
	uint32_t x, y;

	if (len <= klen)
		return 0;
	if (klen >= 8) {
		memcpy(&a, line, 8);
		memcpy(&b, key, 8);
		if (a != b)
			return 0;
		memcpy(&a, line + klen - 8, 8);
		memcpy(&b, key + klen - 8, 8);
		return a == b;
	}
	memcpy(&x, line, 4);
	memcpy(&y, key, 4);
	if (x != y)
		return 0;
	memcpy(&x, line + klen - 4, 4);
	memcpy(&y, key + klen - 4, 4);
	return x == y;
}

#define KEY_IS(line, len, key) has_key((line), (len), (key), sizeof(key) - 1)

int pci_parse_uevent_n(const char *buf, size_t n, struct pci_func *d)
{
	enum { SEEN_ID = 1, SEEN_CLASS = 2, SEEN_SUBSYS = 4, SEEN_ALL = 7 };
	const char *line = buf, *end = buf + n;
	int have_id = 0;
	unsigned seen = 0;

	/*
	 * One pass: a line is told by its first bytes, then skipped at once.
	 * The kernel writes DRIVER= before the bus's own keys (dev_uevent()
	 * adds it before calling pci_uevent()), so once the three PCI_ keys
	 * are in, PCI_SLOT_NAME= and MODALIAS= are not read at all.
	 */
	while (line < end && *line && seen != SEEN_ALL) {
		const char *eol = line_end(line, end);
		size_t len = (size_t)(eol - line);
		long v;

		if (line[0] == 'D' && KEY_IS(line, len, "DRIVER=")) {
			/* a name that fits whole is not cut (and utf8_cut would look one byte past
			 * it) */
			size_t k = len - 7 <= sizeof(d->driver) - 1
					   ? len - 7
					   : utf8_cut(line + 7, sizeof(d->driver) - 1);

			memcpy(d->driver, line + 7, k);
			d->driver[k] = '\0';
		} else if (line[0] != 'P' || !KEY_IS(line, len, "PCI_")) {
			/* MODALIAS=, PCI_SLOT_NAME= and what a later kernel adds */
		} else if (KEY_IS(line, len, "PCI_ID=")) {
			have_id = id_pair(line + 7, len - 7, &d->vendor, &d->device) == 0;
			seen |= SEEN_ID;
		} else if (KEY_IS(line, len, "PCI_CLASS=")) {
			if ((v = hex_span(line + 10, len - 10, 6)) >= 0)
				d->class = (uint32_t)v;
			seen |= SEEN_CLASS;
		} else if (KEY_IS(line, len, "PCI_SUBSYS_ID=")) {
			id_pair(line + 14, len - 14, &d->subvendor, &d->subdevice);
			seen |= SEEN_SUBSYS;
		}
		if (eol == end || *eol == '\0')
			break;
		line = eol + 1;
	}
	return have_id ? 0 : -1;
}

int pci_parse_uevent(char *buf, struct pci_func *d)
{
	return pci_parse_uevent_n(buf, strlen(buf), d);
}

int pci_group_from_link_n(const char *link, size_t n)
{
	const char *num = link + n;
	long v = 0;

	while (num > link && num[-1] != '/')
		num--;
	if (num == link + n)
		return -1;
	for (; num < link + n; num++) {
		if (*num < '0' || *num > '9' || v > 10000000)
			return -1;
		v = v * 10 + (*num - '0');
	}
	return (int)v;
}

int pci_group_from_link(const char *link)
{
	return pci_group_from_link_n(link, strlen(link));
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

unsigned pci_header_type(const struct root *r, const struct pci_func *d)
{
	unsigned char cfg[16];

	/* header types 1 and 2 are the PCI-to-PCI and CardBus bridges' (base class
	 * 0x06): any other function's header is the normal one, no read needed */
	if (pci_base_class(d) != 0x06)
		return 0;
	if (read_dev_attr(r, d, "config", (char *)cfg, sizeof(cfg)) >= 15)
		return cfg[14] & 0x7f;
	return pci_is_bridge(d);
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
