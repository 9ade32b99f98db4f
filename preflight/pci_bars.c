/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pci_bars.c - memory BARs from sysfs "resource", for the claimed functions only.
 */
#include "format.h"
#include "pci_bars.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

const char *hex_word(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	int digits = 0;

	while (*s == ' ' || *s == '\t')
		s++;
	if (s[0] == '0' && (s[1] | 0x20) == 'x')
		s += 2;
	for (;; s++) {
		unsigned c = (unsigned char)*s | 0x20u;

		if (*s >= '0' && *s <= '9')
			v = v << 4 | (unsigned)(*s - '0');
		else if (c >= 'a' && c <= 'f')
			v = v << 4 | (c - 'a' + 10);
		else
			break;
		if (++digits > 16)
			return NULL;
	}
	*out = v;
	return digits ? s : NULL;
}

int pci_parse_resource(const char *text, struct pci_bar *bars)
{
	const char *p = text;
	int n = 0;

	memset(bars, 0, PCI_STD_BARS * sizeof(*bars));
	while (n < PCI_STD_BARS && *p) {
		struct pci_bar b;
		const char *q;

		if ((q = hex_word(p, &b.start)) && (q = hex_word(q, &b.end)) &&
		    (q = hex_word(q, &b.flags)) && (*q == '\n' || *q == '\0' || *q == ' '))
			bars[n] = b;
		n++;
		if (!(p = strchr(p, '\n')))
			break;
		p++;
	}
	return n;
}

int bars_load(const struct root *r, const struct pci_list *l, int (*want)(const struct pci_func *),
	      struct bar_list *out)
{
	size_t n = 0;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < l->n; i++)
		n += want(&l->v[i]) != 0;
	if (!n)
		return 0;
	if (!(out->v = calloc(n, sizeof(*out->v))))
		return -ENOMEM;
	for (size_t i = 0; i < l->n; i++) {
		char path[PCI_SLOT_LEN + 40], buf[1024];

		if (!want(&l->v[i]))
			continue;
		str_fmt(path, sizeof(path), "sys/bus/pci/devices/%s/resource", l->v[i].slot);
		if (root_read(r, path, buf, sizeof(buf)) <= 0)
			continue; /* absent: unknown, no BAR judged */
		out->v[out->n].dev = i;
		pci_parse_resource(buf, out->v[out->n].bar);
		out->n++;
	}
	return 0;
}

void bars_free(struct bar_list *l)
{
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

const char *size_text(uint64_t size, char *buf, size_t cap)
{
	static const char *const units[] = { "bytes", "KiB", "MiB", "GiB", "TiB" };
	unsigned u = 0;

	while (u + 1 < sizeof(units) / sizeof(units[0]) && size >= 1024 && size % 1024 == 0) {
		size /= 1024;
		u++;
	}
	str_fmt(buf, cap, "%lu %s", (unsigned long)size, units[u]);
	return buf;
}
