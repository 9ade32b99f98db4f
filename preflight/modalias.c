/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modalias.c - match PCI functions against modules.alias.
 */
#include "format.h"
#include "kmod_index.h"
#include "modalias.h"
#include "strbuf.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

void pci_modalias(const struct pci_func *d, char *buf, size_t cap)
{
	str_fmt(buf, cap, "pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X", d->vendor, d->device,
		d->subvendor, d->subdevice, (d->class >> 16) & 0xff, (d->class >> 8) & 0xff,
		d->class & 0xff);
}

/*
 * Length of the bracket expression at p ("[...]"), 0 when it has no
 * closing ']' (then '[' is literal). A leading ']' is a member; a
 * backslash quotes the next byte, inside the brackets too.
 */
static size_t bracket_len(const char *p)
{
	size_t i = 1;

	if (p[i] == '!' || p[i] == '^')
		i++;
	if (p[i] == ']')
		i++;
	for (; p[i]; i++) {
		if (p[i] == '\\' && p[i + 1])
			i++;
		else if (p[i] == ']')
			return i + 1;
	}
	return 0;
}

/* one member at p[*i] (a quoted byte taken as itself); *i moves past it */
static unsigned char member(const char *p, size_t *i, size_t end)
{
	if (p[*i] == '\\' && *i + 1 < end)
		(*i)++;
	return (unsigned char)p[(*i)++];
}

static int bracket_match(const char *p, size_t len, unsigned char c)
{
	size_t i = 1, end = len - 1;
	int neg = 0, hit = 0;

	if (p[i] == '!' || p[i] == '^') {
		neg = 1;
		i++;
	}
	while (i < end) {
		unsigned char lo = member(p, &i, end), hi = lo;

		if (i + 1 < end && p[i] == '-') {
			i++;
			hi = member(p, &i, end);
		}
		hit |= lo <= c && c <= hi;
	}
	return hit != neg;
}

/* how much of the pattern one character c consumes at p; 0 when it does not match */
static size_t match_one(const char *p, unsigned char c)
{
	size_t n;

	if (*p == '?')
		return 1;
	if (*p == '[' && (n = bracket_len(p)))
		return bracket_match(p, n, c) ? n : 0;
	if (*p == '\\') /* quotes the next byte; a trailing one matches nothing, as in glibc */
		return p[1] && (unsigned char)p[1] == c ? 2 : 0;
	return (unsigned char)*p == c ? 1 : 0;
}

/*
 * fnmatch(3) without flags, as kmod matches aliases: '*', '?', bracket
 * expressions with ranges and '!'/'^', backslash quoting; no POSIX
 * classes ([:alpha:]), which no alias uses. fuzz_aliasmatch checks it
 * against glibc's. One star is remembered and retried one character
 * later: no recursion, O(n*m).
 */
int alias_match(const char *p, const char *t)
{
	const char *star = NULL, *resume = NULL;
	size_t n;

	while (*t) {
		if (*p == '*') {
			star = ++p;
			resume = t;
		} else if (*p && (n = match_one(p, (unsigned char)*t))) {
			p += n;
			t++;
		} else if (star) {
			p = star;
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
	char alias[ALIAS_SCAN_MAX][64]; /* the modaliases of out->scanned */
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
	if (truncated || !str_starts(line, "alias "))
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

struct index_hit {
	struct alias_hits *out;
	size_t dev;
};

static int on_index_value(void *arg, const char *module)
{
	struct index_hit *ih = arg;

	if (!modname_eq(module, "vfio_pci"))
		add_hit(ih->out, ih->dev, module);
	return 0;
}

/* one wildcard lookup per function in modules.alias.bin; -errno when the index cannot answer */
static int scan_index(const struct root *r, const char *kver, struct scan_ctx *c)
{
	struct kmod_index ix;
	char path[160];
	int err;

	str_fmt(path, sizeof(path), "lib/modules/%s/modules.alias.bin", kver);
	if ((err = kmod_index_open(&ix, r, path)) < 0)
		return err;
	for (size_t i = 0; i < c->out->n_scanned && !err; i++) {
		struct index_hit ih = { .out = c->out, .dev = c->out->scanned[i] };

		err = kmod_index_match(&ix, c->alias[i], on_index_value, &ih);
	}
	kmod_index_close(&ix);
	return err;
}

int modalias_scan(const struct root *r, const char *kver, const struct pci_list *l,
		  int (*want)(const struct pci_func *), struct alias_hits *out, struct diag *dg)
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
		if ((err = scan_index(r, kver, c)) == 0) {
			out->source = KMOD_FROM_INDEX;
		} else {
			/* the text file answers what the index could not: start over from it */
			int ierr = err;

			out->n = 0;
			out->overflow = 0;
			str_fmt(path, sizeof(path), "lib/modules/%s/modules.alias", kver);
			err = root_for_each_line_regular(r, path, on_alias, c);
			if (err == 0)
				out->source = KMOD_FROM_TEXT;
			if (err == 0 && ierr != -ENOENT)
				diag_add(
					dg,
					"/lib/modules/%s/modules.alias.bin: %s; read modules.alias instead",
					kver, KMOD_INDEX_ERROR(ierr));
		}
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
