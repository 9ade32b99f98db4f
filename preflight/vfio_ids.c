/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vfio_ids.c - parse and match vfio-pci ids= entries.
 */
#include "format.h"
#include "vfio_ids.h"
#include "pci.h"
#include "kparam.h"
#include "strbuf.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/*
 * vsscanf(s, "%x:%x:%x:%x:%x:%x") as lib/vsprintf.c runs it: spaces are
 * skipped before each number, a "0x" prefix is taken, digits beyond 32
 * bits keep the low ones, and the first byte that does not fit ends the
 * scan without complaint. Returns the number of fields read.
 */
static int scan_fields(const char *s, uint32_t *field[6], const char **end)
{
	int n = 0;

	while (n < 6) {
		uint64_t v = 0;
		int d;

		if (n > 0 && *s++ != ':')
			break;
		if (!*s)
			break;
		s = kparam_skip_spaces((char *)s);
		if (hex_digit(*s) < 0)
			break;
		if (s[0] == '0' && (s[1] | 0x20) == 'x')
			s += 2;
		while ((d = hex_digit(*s)) >= 0) {
			v = v * 16 + (uint64_t)d;
			s++;
		}
		*field[n++] = (uint32_t)v;
		*end = s;
	}
	return n;
}

/* written as the syntax says: 1-8 hex digits per field, 2-6 fields, nothing else */
static bool canonical(const char *s)
{
	int fields = 0, digits = 0;

	for (;; s++) {
		if (hex_digit(*s) >= 0) {
			if (++digits > 8)
				return false;
			continue;
		}
		if (!digits || (*s != ':' && *s) || ++fields > 6)
			return false;
		if (!*s)
			return fields >= 2;
		digits = 0;
	}
}

int vfio_id_parse(const char *text, struct vfio_id *id)
{
	uint32_t *field[6];

	memset(id, 0, sizeof(*id));
	id->subvendor = VFIO_ANY_ID;
	id->subdevice = VFIO_ANY_ID;
	field[0] = &id->vendor;
	field[1] = &id->device;
	field[2] = &id->subvendor;
	field[3] = &id->subdevice;
	field[4] = &id->class;
	field[5] = &id->class_mask;

	const char *end = text;

	str_fmt(id->text, sizeof(id->text), "%s", text);
	id->fields = (uint8_t)scan_fields(text, field, &end);
	if (id->fields < 2) { /* the kernel: "invalid id string", skipped */
		id->malformed = 1;
		return -EINVAL;
	}
	if (!canonical(text)) {
		id->odd = ODD_COSMETIC;
		for (; *end; end++) /* digits the scan never reached: an ID lost */
			if (hex_digit(*end) >= 0)
				id->odd = ODD_DROPS;
	}
	return 0;
}

void vfio_ids_add_list(struct vfio_ids *ids, const char *list, const char *where, int from_cmdline)
{
	const char *p = list;
	uint8_t src;

	if (ids->nsrc == VFIO_SRC_MAX)
		ids->nsrc--; /* keep the newest: it is the one that counts */
	src = (uint8_t)ids->nsrc++;
	str_fmt(ids->src[src].where, sizeof(ids->src[src].where), "%s", where);
	ids->src[src].from_cmdline = from_cmdline;
	ids->effective = src;

	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		char entry[VFIO_ENTRY_MAX + 1];

		if (len == 0) {
			; /* the kernel skips an empty entry */
		} else if (ids->n == VFIO_IDS_MAX) {
			ids->dropped++;
		} else {
			struct vfio_id *id = &ids->v[ids->n++];

			if (len > VFIO_ENTRY_MAX)
				len = VFIO_ENTRY_MAX; /* ids= holds 1023 bytes in all */
			memcpy(entry, p, len);
			entry[len] = '\0';
			vfio_id_parse(entry, id);
			id->source = src;
		}
		if (!comma)
			break;
		p = comma + 1;
	}
}

static int field_match(uint32_t want, uint32_t have)
{
	return want == VFIO_ANY_ID || want == have;
}

int vfio_id_matches(const struct vfio_id *id, const struct pci_func *dev)
{
	return !id->malformed && field_match(id->vendor, dev->vendor) &&
	       field_match(id->device, dev->device) && field_match(id->subvendor, dev->subvendor) &&
	       field_match(id->subdevice, dev->subdevice) &&
	       !((id->class ^ dev->class) & id->class_mask);
}

const char *vfio_id_read_as(const struct vfio_id *id, char *buf, size_t cap)
{
	const uint32_t *f = &id->vendor; /* vendor .. class_mask, in order */
	size_t len = 0;
	int n;

	/* every field the kernel's sscanf read (at least vendor:device), and only those:
	 * an absent one keeps its default (any sub-id; class 0 with mask 0 matches all) */
	buf[0] = '\0';
	for (int i = 0; i < (id->fields > 2 ? id->fields : 2) && i < 6; i++) {
		n = str_fmt(buf + len, cap - len, i >= 4 ? ":%06x" : i ? ":%04x" : "%04x", f[i]);
		if (n < 0)
			break;
		len += (size_t)n;
	}
	return buf;
}
