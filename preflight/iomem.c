/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * iomem.c - firmware framebuffer regions of /proc/iomem.
 */
#include "iomem.h"
#include "pci_bars.h"

#include <errno.h>
#include <string.h>

/* region names of the boot framebuffer drivers and devices (drivers/video, drivers/firmware/sysfb*)
 */
static const char *const fb_names[] = {
	"BOOTFB", "efifb",   "vesafb", "simplefb", "simpledrm", "simple-framebuffer",
	"efidrm", "vesadrm",
};

int iomem_parse_fb(const char *line, struct fb_region *r)
{
	const char *p = line, *name;
	size_t len;

	/* hex_word skips the indent; "0x" never appears in /proc/iomem */
	if (!(p = hex_word(p, &r->start)) || *p != '-' || !(p = hex_word(p + 1, &r->end)) ||
	    strncmp(p, " : ", 3))
		return 0;
	name = p + 3;
	len = strlen(name);
	while (len && (name[len - 1] == ' ' || name[len - 1] == '\r'))
		len--;
	for (size_t i = 0; i < sizeof(fb_names) / sizeof(fb_names[0]); i++) {
		size_t n = strlen(fb_names[i]);

		/* "simple-framebuffer.0", "efifb" */
		if (len >= n && !memcmp(name, fb_names[i], n) && (len == n || name[n] == '.')) {
			if (len >= sizeof(r->name))
				len = sizeof(r->name) - 1;
			memcpy(r->name, name, len);
			r->name[len] = '\0';
			return r->end >= r->start ? 1 : 0;
		}
	}
	return 0;
}

static int on_line(void *ctx, char *line, size_t len, unsigned lineno, int truncated)
{
	struct fb_list *out = ctx;
	struct fb_region r;

	(void)len;
	(void)lineno;
	if (truncated || !iomem_parse_fb(line, &r))
		return 0;
	if (!r.start && !r.end) { /* addresses hidden from a reader without CAP_SYS_ADMIN */
		out->status = -EACCES;
		return 0;
	}
	if (out->n < FB_MAX)
		out->v[out->n++] = r;
	return 0;
}

void iomem_load(const struct root *root, struct fb_list *out)
{
	int err;

	memset(out, 0, sizeof(*out));
	if ((err = root_for_each_line(root, "proc/iomem", on_line, out)) < 0)
		out->status = err;
}
