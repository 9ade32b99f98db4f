/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vfio_ids.c - parse and match vfio-pci ids= entries.
 */
#include "format.h"
#include "vfio_ids.h"
#include "pci.h"
#include "strbuf.h"

#include <errno.h>
#include <string.h>

int vfio_id_parse(const char *text, struct vfio_id *id)
{
	uint32_t *field[6];
	char tmp[VFIO_ID_TEXT];
	char *s = tmp, *tok;
	int n = 0;

	memset(id, 0, sizeof(*id));
	id->subvendor = VFIO_ANY_ID;
	id->subdevice = VFIO_ANY_ID;
	field[0] = &id->vendor;
	field[1] = &id->device;
	field[2] = &id->subvendor;
	field[3] = &id->subdevice;
	field[4] = &id->class;
	field[5] = &id->class_mask;

	str_fmt(id->text, sizeof(id->text), "%s", text);
	if (strlen(text) >= sizeof(tmp)) {
		id->malformed = 1;
		return -EINVAL;
	}
	strcpy(tmp, text);
	while ((tok = strsep(&s, ":"))) {
		long v;

		if (n == 6) {
			id->malformed = 1;
			return -EINVAL;
		}
		v = hex_parse(tok, 8);
		if (v < 0) {
			id->malformed = 1;
			return -EINVAL;
		}
		*field[n++] = (uint32_t)v;
	}
	/* the kernel needs at least vendor:device */
	if (n < 2) {
		id->malformed = 1;
		return -EINVAL;
	}
	return 0;
}

void vfio_ids_add_list(struct vfio_ids *ids, const char *list, const char *where, int from_cmdline)
{
	const char *p = list;
	uint8_t src;

	if (ids->nsrc == VFIO_SRC_MAX)
		ids->nsrc--;	/* keep the newest: it is the one that counts */
	src = (uint8_t)ids->nsrc++;
	str_fmt(ids->src[src].where, sizeof(ids->src[src].where), "%s", where);
	ids->src[src].from_cmdline = from_cmdline;
	ids->effective = src;

	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		char entry[VFIO_ID_TEXT + 1];

		if (ids->n == VFIO_IDS_MAX) {
			ids->dropped++;
		} else {
			struct vfio_id *id = &ids->v[ids->n++];

			if (len > VFIO_ID_TEXT)
				len = VFIO_ID_TEXT; /* too long to be valid: parse flags it */
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
	return !id->malformed &&
	       field_match(id->vendor, dev->vendor) &&
	       field_match(id->device, dev->device) &&
	       field_match(id->subvendor, dev->subvendor) &&
	       field_match(id->subdevice, dev->subdevice) &&
	       !((id->class ^ dev->class) & id->class_mask);
}
