/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modalias.c - match PCI functions against modules.alias.
 */
#include "format.h"
#include "modalias.h"
#include "strbuf.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

void pci_modalias(const struct pci_func *d, char *buf, size_t cap)
{
	str_fmt(buf, cap, "pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X", d->vendor, d->device, d->subvendor,
		 d->subdevice, (d->class >> 16) & 0xff, (d->class >> 8) & 0xff, d->class & 0xff);
}

int alias_match(const char *p, const char *t)
{
	const char *star = NULL, *resume = NULL;

	while (*t) {
		if (*p == '*') {
			star = p++;
			resume = t;
		} else if (*p == '?' || *p == *t) {
			p++;
			t++;
		} else if (star) {
			p = star + 1;
			t = ++resume;
		} else {
			return 0;
		}
	}
	while (*p == '*')
		p++;
	return *p == '\0';
}

struct scan_ctx {
	struct alias_hits *out;
	char alias[ALIAS_SCAN_MAX][64];	/* the modaliases of out->scanned */
};

static void add_hit(struct alias_hits *out, size_t dev, const char *module)
{
	for (size_t i = 0; i < out->n; i++)
		if (out->v[i].dev == dev && !strcmp(out->v[i].module, module))
			return;
	if (out->n == ALIAS_HITS_MAX) {
		out->overflow = 1;
		return;
	}
	out->v[out->n].dev = dev;
	str_fmt(out->v[out->n].module, sizeof(out->v[out->n].module), "%s", module);
	out->n++;
}

static int on_alias(void *arg, char *line, size_t len, unsigned lineno, int truncated)
{
	struct scan_ctx *c = arg;
	char *pattern, *module;

	(void)len;
	(void)lineno;
	if (truncated || !str_starts(line, "alias pci:"))
		return 0;
	pattern = line + 6;
	module = strchr(pattern, ' ');
	if (!module)
		return 0;
	*module++ = '\0';
	module = str_trim(module);
	if (modname_eq(module, "vfio_pci"))
		return 0;
	for (size_t i = 0; i < c->out->n_scanned; i++)
		if (alias_match(pattern, c->alias[i]))
			add_hit(c->out, c->out->scanned[i], module);
	return 0;
}

int modalias_scan(const struct root *r, const char *kver, const struct pci_list *l,
		  int (*want)(const struct pci_func *), struct alias_hits *out)
{
	struct scan_ctx *c;
	char path[160];
	int err = 0;

	memset(out, 0, sizeof(*out));
	if (!kver[0])
		return 0;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->out = out;
	for (size_t i = 0; i < l->n && out->n_scanned < ALIAS_SCAN_MAX; i++)
		if (want(&l->v[i])) {
			pci_modalias(&l->v[i], c->alias[out->n_scanned], sizeof(c->alias[0]));
			out->scanned[out->n_scanned++] = i;
		}
	if (out->n_scanned) {
		str_fmt(path, sizeof(path), "lib/modules/%s/modules.alias", kver);
		err = root_for_each_line(r, path, on_alias, c);
		out->have_aliases = err == 0;
	}
	free(c);
	return err == -ENOENT || err == -ENOTDIR ? 0 : err;
}

int alias_binds(const struct alias_hits *hits, size_t dev, const char *module)
{
	bool scanned = false;

	for (size_t i = 0; i < hits->n_scanned; i++)
		scanned |= hits->scanned[i] == dev;
	if (!hits->have_aliases || hits->overflow || !scanned)
		return -1;
	for (size_t i = 0; i < hits->n; i++)
		if (hits->v[i].dev == dev && modname_eq(hits->v[i].module, module))
			return 1;
	return 0;
}
