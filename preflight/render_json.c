/*
 * render_json.c - one JSON object for scripts; the schema is a contract
 * (see vfio-preflight(8)): verdict, iommu_active, headless, checks,
 * devices, groups.
 */
#include "render.h"

#include <string.h>

static void json_str(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", out);
		else if (c == '\t')
			fputs("\\t", out);
		else if (c < 0x20 || c == 0x7f)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static void json_str_or_null(FILE *out, const char *s)
{
	if (s && *s)
		json_str(out, s);
	else
		fputs("null", out);
}

static void json_checks(FILE *out, const struct report *rep)
{
	fputs("\"checks\":[", out);
	for (size_t i = 0; i < rep->n; i++) {
		const struct check_result *r = &rep->results[i];

		fprintf(out, "%s{\"id\":", i ? "," : "");
		json_str(out, r->id);
		fprintf(out, ",\"level\":\"%s\",\"message\":", level_name(r->level));
		json_str(out, r->message);
		fputs(",\"hint\":", out);
		json_str_or_null(out, r->hint);
		fputc('}', out);
	}
	fputc(']', out);
}

static void json_devices(FILE *out, const struct host *h)
{
	fputs("\"devices\":[", out);
	for (size_t i = 0; i < h->pci.n; i++) {
		const struct pci_func *d = &h->pci.v[i];

		fprintf(out, "%s{\"slot\":\"%s\",\"vendor\":\"%04x\",\"device\":\"%04x\","
			"\"subsystem_vendor\":\"%04x\",\"subsystem_device\":\"%04x\",\"class\":\"%06x\",\"driver\":",
			i ? "," : "", d->slot, d->vendor, d->device, d->subvendor, d->subdevice, d->class);
		json_str_or_null(out, d->driver);
		if (d->iommu_group >= 0)
			fprintf(out, ",\"iommu_group\":%d", d->iommu_group);
		else
			fputs(",\"iommu_group\":null", out);
		fprintf(out, ",\"boot_vga\":%s,\"claimed\":%s",
			d->boot_vga < 0 ? "null" : d->boot_vga ? "true" : "false",
			host_claims(d) ? "true" : "false");
		if (d->name) {
			fputs(",\"name\":", out);
			json_str(out, d->name);
		}
		fputc('}', out);
	}
	fputc(']', out);
}

static void json_groups(FILE *out, const struct host *h)
{
	bool first_group = true;

	fputs("\"groups\":[", out);
	for (size_t start = 0, end; start < h->n_by_group; start = end) {
		bool passthrough = false, viable = true;

		for (end = start; end < h->n_by_group && h->by_group[end].group == h->by_group[start].group; end++) {
			const struct pci_func *d = &h->pci.v[h->by_group[end].idx];

			passthrough |= host_claims(d);
			viable &= !dev_blocks_group(h, d);
		}
		fprintf(out, "%s{\"id\":%d,\"devices\":[", first_group ? "" : ",", h->by_group[start].group);
		for (size_t i = start; i < end; i++)
			fprintf(out, "%s\"%s\"", i > start ? "," : "", h->pci.v[h->by_group[i].idx].slot);
		fprintf(out, "],\"passthrough\":%s,\"viable\":%s}", passthrough ? "true" : "false",
			viable ? "true" : "false");
		first_group = false;
	}
	fputc(']', out);
}

void render_json(FILE *out, const struct host *h, const struct report *rep)
{
	fprintf(out, "{\"verdict\":\"%s\",\"phase\":\"%s\",\"iommu_active\":%s,\"headless\":%s,\"root\":",
		level_name(rep->verdict), phase_name(h->phase), rep->iommu_active ? "true" : "false",
		rep->headless ? "true" : "false");
	json_str(out, h->root->path);
	fputs(",\"kernel\":", out);
	json_str_or_null(out, h->kernel_release);
	fputc(',', out);
	json_checks(out, rep);
	fputc(',', out);
	json_devices(out, h);
	fputc(',', out);
	json_groups(out, h);
	fputs("}\n", out);
}
