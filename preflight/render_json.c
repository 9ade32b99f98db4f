/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * render_json.c - one JSON object for scripts; the schema is a contract
 * (see vfio-preflight(8)): verdict, iommu_active, headless, checks,
 * devices, groups. Written with out_* directly: this is the hot path on
 * hosts with thousands of functions.
 */
#include "render.h"
#include "utf8.h"

#include <string.h>

/* a string literal, its length known at compile time (no strlen per call) */
/* (ASCII by construction, so out_bytes: no UTF-8 check of what is known valid) */
#define LIT(o, s) out_bytes((o), (s), sizeof(s) - 1)
/* the same, at a cursor into the buffer (see dev_begin) */
#define PUT(p, s) ((p) = (char *)memcpy((p), (s), sizeof(s) - 1) + sizeof(s) - 1)

/* a byte JSON takes as it is: a macro, so the per-byte loops stay inline under -Os */
#define json_plain(c) ((c) >= 0x20 && (c) != '"' && (c) != '\\' && (c) != 0x7f)

/* escaped, runs of plain bytes copied at once */
void json_str(struct out *o, const char *s)
{
	out_char(o, '"');
	while (*s) {
		const char *run = s;
		unsigned char c;

		while (json_plain((unsigned char)*s))
			s++;
		out_mem(o, run, (size_t)(s - run));
		if (!(c = (unsigned char)*s))
			break;
		if (c == '"' || c == '\\') {
			out_char(o, '\\');
			out_char(o, (char)c);
		} else {
			LIT(o, "\\u00");
			out_hex(o, c, 2);
		}
		s++;
	}
	out_char(o, '"');
}

static void json_str_or_null(struct out *o, const char *s)
{
	if (s && *s)
		json_str(o, s);
	else
		LIT(o, "null");
}

#define json_bool(o, key, v) ((v) ? LIT((o), key "true") : LIT((o), key "false"))

static void json_checks(struct out *o, const struct report *rep)
{
	LIT(o, "\"checks\":[");
	for (size_t i = 0; i < rep->n; i++) {
		const struct check_result *r = &rep->results[i];

		if (i)
			out_char(o, ',');
		LIT(o, "{\"id\":");
		json_str(o, r->id);
		LIT(o, ",\"level\":\"");
		out_str(o, level_name(r->level));
		LIT(o, "\",\"message\":");
		json_str(o, r->message);
		LIT(o, ",\"hint\":");
		json_str_or_null(o, r->hint);
		out_char(o, '}');
	}
	out_char(o, ']');
}

/*
 * The per-function records are the output's bulk on large hosts (4096
 * functions: ~800 KB): each is written at a cursor into the buffer,
 * literal by literal, with one bounds check per record instead of one
 * per byte. All but the name is bounded: the slot and driver escaped
 * take at most 6 bytes a byte.
 */
#define DEV_RECORD_MAX (256 + 6 * (PCI_DRIVER_LEN + PCI_SLOT_LEN))

static char *put_hex(char *p, unsigned long v, int digits)
{
	for (int i = digits - 1; i >= 0; i--, v >>= 4)
		p[i] = "0123456789abcdef"[v & 15];
	return p + digits;
}

static char *put_dec(char *p, long v)
{
	char tmp[24], *t = tmp + sizeof(tmp);
	unsigned long u = v < 0 ? 0ul - (unsigned long)v : (unsigned long)v;

	do
		*--t = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*--t = '-';
	memcpy(p, t, (size_t)(tmp + sizeof(tmp) - t));
	return p + (tmp + sizeof(tmp) - t);
}

/* a JSON string of at most PCI_DRIVER_LEN bytes: 6 bytes each escaped; UTF-8 as out_mem keeps it */
static char *put_str(char *p, const char *s)
{
	*p++ = '"';
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		size_t k;

		if (c >= 0x80) { /* a whole character, or U+FFFD for a stray byte */
			if ((k = utf8_char(s, strnlen(s, 4)))) {
				memcpy(p, s, k);
				p += k;
				s += k - 1;
			} else {
				PUT(p, UTF8_REPLACEMENT);
			}
		} else if (json_plain(c)) {
			*p++ = (char)c;
		} else if (c == '"' || c == '\\') {
			*p++ = '\\';
			*p++ = (char)c;
		} else {
			PUT(p, "\\u00");
			p = put_hex(p, c, 2);
		}
	}
	*p++ = '"';
	return p;
}

/* a cursor with room for `need` bytes */
static char *dev_begin(struct out *o, size_t need)
{
	if (sizeof(o->buf) - o->len < need)
		out_flush(o);
	return o->buf + o->len;
}

static void dev_end(struct out *o, const char *p)
{
	o->len = (size_t)(p - o->buf);
}

static void json_devices(struct out *o, const struct host *h)
{
	LIT(o, "\"devices\":[");
	for (size_t i = 0; i < h->pci.n; i++) {
		const struct pci_func *d = &h->pci.v[i];
		char *p = dev_begin(o, DEV_RECORD_MAX);

		if (i)
			*p++ = ',';
		PUT(p, "{\"slot\":");
		p = put_str(p, d->slot);
		PUT(p, ",\"vendor\":\"");
		p = put_hex(p, d->vendor, 4);
		PUT(p, "\",\"device\":\"");
		p = put_hex(p, d->device, 4);
		PUT(p, "\",\"subsystem_vendor\":\"");
		p = put_hex(p, d->subvendor, 4);
		PUT(p, "\",\"subsystem_device\":\"");
		p = put_hex(p, d->subdevice, 4);
		PUT(p, "\",\"class\":\"");
		p = put_hex(p, d->class, 6);
		PUT(p, "\",\"driver\":");
		if (d->driver[0])
			p = put_str(p, d->driver);
		else
			PUT(p, "null");
		PUT(p, ",\"iommu_group\":");
		if (d->iommu_group >= 0)
			p = put_dec(p, d->iommu_group);
		else
			PUT(p, "null");
		PUT(p, ",\"boot_vga\":");
		if (d->boot_vga < 0)
			PUT(p, "null");
		else if (d->boot_vga)
			PUT(p, "true");
		else
			PUT(p, "false");
		if (host_claims(d))
			PUT(p, ",\"claimed\":true");
		else
			PUT(p, ",\"claimed\":false");
		dev_end(o, p);
#ifdef HAVE_LIBPCI
		if (d->name) { /* libpci backend only; any length */
			LIT(o, ",\"name\":");
			json_str(o, d->name);
		}
#endif
		out_char(o, '}');
	}
	out_char(o, ']');
}

static void json_groups(struct out *o, const struct host *h)
{
	LIT(o, "\"groups\":[");
	for (size_t start = 0, end; start < h->n_by_group; start = end) {
		bool passthrough = false, viable = true;
		char *p;

		end = host_group_end(h, start);
		for (size_t i = start; i < end; i++) {
			const struct pci_func *d = &h->pci.v[h->by_group[i].idx];

			passthrough |= host_claims(d);
			viable &= !dev_blocks_group(h, d);
		}
		p = dev_begin(o, 64);
		if (start)
			*p++ = ',';
		PUT(p, "{\"id\":");
		p = put_dec(p, h->by_group[start].group);
		PUT(p, ",\"devices\":[");
		dev_end(o, p);
		for (size_t i = start; i < end; i++) {
			p = dev_begin(o, 8 * PCI_SLOT_LEN);
			if (i > start)
				*p++ = ',';
			p = put_str(p, h->pci.v[h->by_group[i].idx].slot);
			dev_end(o, p);
		}
		out_char(o, ']');
		json_bool(o, ",\"passthrough\":", passthrough);
		json_bool(o, ",\"viable\":", viable);
		out_char(o, '}');
	}
	out_char(o, ']');
}

/* "vfio_pci": the option string kmod builds, whether the kernel loads the module with it, the ids
 * it adds */
static void json_vfio(struct out *o, const struct host *h)
{
	const struct vfio_ids *ids = &h->ids;
	char as[VFIO_ID_TEXT];
	bool first = true;

	out_str(o, ",\"vfio_pci\":{\"options\":");
	json_str(o, h->vfio.opts.text ? h->vfio.opts.text : "");
	json_bool(o, ",\"builtin\":", h->vfio.builtin);
	json_bool(o, ",\"loads\":", !h->vfio.refused);
	out_str(o, ",\"ids\":[");
	for (size_t i = 0; i < ids->n && !h->vfio.refused; i++) {
		const struct vfio_id *id = &ids->v[i];

		if (id->malformed || (int)id->source != ids->effective)
			continue;
		if (!first)
			out_char(o, ',');
		first = false;
		json_str(o, vfio_id_read_as(id, as, sizeof(as)));
	}
	out_str(o, "]}");
}

void render_json(struct out *o, const struct host *h, const struct report *rep)
{
	LIT(o, "{\"verdict\":\"");
	out_str(o, level_name(rep->verdict));
	LIT(o, "\",\"phase\":\"");
	out_str(o, phase_name(h->phase));
	out_char(o, '"');
	json_bool(o, ",\"iommu_active\":", rep->iommu_active);
	json_bool(o, ",\"headless\":", rep->headless);
	LIT(o, ",\"root\":");
	json_str(o, h->root->path);
	LIT(o, ",\"kernel\":");
	json_str_or_null(o, h->kernel_release);
	LIT(o, ",\"backend\":");
	json_str(o, h->backend);
	out_char(o, ',');
	json_checks(o, rep);
	out_char(o, ',');
	json_devices(o, h);
	out_char(o, ',');
	json_groups(o, h);
	if (h->vfio.known)
		json_vfio(o, h);
	LIT(o, "}\n");
}
