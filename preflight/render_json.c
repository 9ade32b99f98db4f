/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * render_json.c - one JSON object for scripts; the schema is a contract
 * (see vfio-preflight(8)): verdict, iommu_active, headless, checks,
 * devices, groups. Written with out_* directly: this is the hot path on
 * hosts with thousands of functions.
 */
#include "render.h"

void json_str(struct out *o, const char *s)
{
	out_char(o, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			out_char(o, '\\');
			out_char(o, (char)c);
		} else if (c < 0x20 || c == 0x7f) {
			out_str(o, "\\u00");
			out_hex(o, c, 2);
		} else {
			out_char(o, (char)c);
		}
	}
	out_char(o, '"');
}

static void json_str_or_null(struct out *o, const char *s)
{
	if (s && *s)
		json_str(o, s);
	else
		out_str(o, "null");
}

static void json_bool(struct out *o, const char *key, bool v)
{
	out_str(o, key);
	out_str(o, v ? "true" : "false");
}

/* ,"key":"hhhh" */
static void json_hex(struct out *o, const char *key, unsigned long v, int digits)
{
	out_str(o, key);
	out_char(o, '"');
	out_hex(o, v, digits);
	out_char(o, '"');
}

static void json_checks(struct out *o, const struct report *rep)
{
	out_str(o, "\"checks\":[");
	for (size_t i = 0; i < rep->n; i++) {
		const struct check_result *r = &rep->results[i];

		out_str(o, i ? ",{\"id\":" : "{\"id\":");
		json_str(o, r->id);
		out_str(o, ",\"level\":\"");
		out_str(o, level_name(r->level));
		out_str(o, "\",\"message\":");
		json_str(o, r->message);
		out_str(o, ",\"hint\":");
		json_str_or_null(o, r->hint);
		out_char(o, '}');
	}
	out_char(o, ']');
}

static void json_devices(struct out *o, const struct host *h)
{
	out_str(o, "\"devices\":[");
	for (size_t i = 0; i < h->pci.n; i++) {
		const struct pci_func *d = &h->pci.v[i];

		out_str(o, i ? ",{\"slot\":" : "{\"slot\":");
		json_str(o, d->slot);
		json_hex(o, ",\"vendor\":", d->vendor, 4);
		json_hex(o, ",\"device\":", d->device, 4);
		json_hex(o, ",\"subsystem_vendor\":", d->subvendor, 4);
		json_hex(o, ",\"subsystem_device\":", d->subdevice, 4);
		json_hex(o, ",\"class\":", d->class, 6);
		out_str(o, ",\"driver\":");
		json_str_or_null(o, d->driver);
		out_str(o, ",\"iommu_group\":");
		if (d->iommu_group >= 0)
			out_dec(o, d->iommu_group);
		else
			out_str(o, "null");
		out_str(o, ",\"boot_vga\":");
		out_str(o, d->boot_vga < 0 ? "null" : d->boot_vga ? "true" : "false");
		json_bool(o, ",\"claimed\":", host_claims(d));
		if (d->name) {
			out_str(o, ",\"name\":");
			json_str(o, d->name);
		}
		out_char(o, '}');
	}
	out_char(o, ']');
}

static void json_groups(struct out *o, const struct host *h)
{
	out_str(o, "\"groups\":[");
	for (size_t start = 0, end; start < h->n_by_group; start = end) {
		bool passthrough = false, viable = true;

		end = host_group_end(h, start);
		for (size_t i = start; i < end; i++) {
			const struct pci_func *d = &h->pci.v[h->by_group[i].idx];

			passthrough |= host_claims(d);
			viable &= !dev_blocks_group(h, d);
		}
		out_str(o, start ? ",{\"id\":" : "{\"id\":");
		out_dec(o, h->by_group[start].group);
		out_str(o, ",\"devices\":[");
		for (size_t i = start; i < end; i++) {
			if (i > start)
				out_char(o, ',');
			json_str(o, h->pci.v[h->by_group[i].idx].slot);
		}
		out_char(o, ']');
		json_bool(o, ",\"passthrough\":", passthrough);
		json_bool(o, ",\"viable\":", viable);
		out_char(o, '}');
	}
	out_char(o, ']');
}

void render_json(struct out *o, const struct host *h, const struct report *rep)
{
	out_str(o, "{\"verdict\":\"");
	out_str(o, level_name(rep->verdict));
	out_str(o, "\",\"phase\":\"");
	out_str(o, phase_name(h->phase));
	out_char(o, '"');
	json_bool(o, ",\"iommu_active\":", rep->iommu_active);
	json_bool(o, ",\"headless\":", rep->headless);
	out_str(o, ",\"root\":");
	json_str(o, h->root->path);
	out_str(o, ",\"kernel\":");
	json_str_or_null(o, h->kernel_release);
	out_char(o, ',');
	json_checks(o, rep);
	out_char(o, ',');
	json_devices(o, h);
	out_char(o, ',');
	json_groups(o, h);
	out_str(o, "}\n");
}
