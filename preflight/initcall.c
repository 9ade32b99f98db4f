/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * initcall.c - a built-in module's init function, from /proc/kallsyms (see
 * initcall.h).
 */
#include "initcall.h"
#include "format.h"
#include "strbuf.h"

#include <errno.h>
#include <string.h>

/* PCI drivers whose name is not their module's (read in the kernel source) */
static const struct {
	const char *driver, *module;
} renamed[] = {
	{ "serial", "8250_pci" },   /* drivers/tty/serial/8250/8250_pci.c */
	{ "xhci_hcd", "xhci_pci" }, /* drivers/usb/host/xhci-pci.c: .name = hcd_name */
};

void initcall_module_of_driver(const struct root *r, const char *driver, char *mod, size_t cap)
{
	char path[96], link[128];
	const char *name = driver;

	str_fmt(path, sizeof(path), "sys/bus/pci/drivers/%s/module", driver);
	if (root_readlink_at(r->fd, path, link, sizeof(link)) > 0) {
		name = strrchr(link, '/') ? strrchr(link, '/') + 1 : link;
	} else {
		for (size_t i = 0; i < sizeof(renamed) / sizeof(renamed[0]); i++)
			if (!strcmp(driver, renamed[i].driver))
				name = renamed[i].module;
	}
	str_fmt(mod, cap, "%s", name);
	modname_normalize(mod);
}

void initcall_want(struct initcall_list *l, const char *asked, const char *module)
{
	struct initcall_ref *e;

	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].asked, asked))
			return;
	if (l->n == INITCALL_MAX)
		return;
	e = &l->v[l->n++];
	str_fmt(e->asked, sizeof(e->asked), "%s", asked);
	str_fmt(e->module, sizeof(e->module), "%s", module);
	modname_normalize(e->module);
	e->fn[0] = '\0';
}

#define PREFIX "__initcall__kmod_"

/* "__initcall__kmod_MOD__ID_LINE_FN6" -> FN into e (appended after a comma) */
static void match_symbol(struct initcall_ref *e, const char *sym, size_t n)
{
	size_t ml = strlen(e->module), p = sizeof(PREFIX) - 1, used;

	if (n <= p + ml + 2 || memcmp(sym + p, e->module, ml) || sym[p + ml] != '_' ||
	    sym[p + ml + 1] != '_')
		return;
	p += ml + 2;
	for (int field = 0; field < 2; field++) { /* the counter, then the line */
		size_t start = p;

		while (p < n && sym[p] >= '0' && sym[p] <= '9')
			p++;
		if (p == start || p >= n || sym[p] != '_')
			return;
		p++;
	}
	if (n - p < 2 || sym[n - 1] != '6') /* device level: module_init of a built-in module */
		return;
	used = strlen(e->fn);
	if (used + (used ? 1 : 0) + (n - 1 - p) >= sizeof(e->fn))
		return;
	if (used)
		e->fn[used++] = ',';
	memcpy(e->fn + used, sym + p, n - 1 - p);
	e->fn[used + n - 1 - p] = '\0';
}

void initcall_parse_line(struct initcall_list *l, const char *line, size_t len)
{
	const char *sym = memchr(line, ' ', len), *end = line + len;

	if (!sym || !(sym = memchr(sym + 1, ' ', (size_t)(end - sym - 1))))
		return;
	sym++; /* "ADDR TYPE NAME[\t[MODULE]]": built-in symbols have no module column */
	if ((size_t)(end - sym) <= sizeof(PREFIX) - 1 || memcmp(sym, PREFIX, sizeof(PREFIX) - 1))
		return;
	for (const char *t = sym; t < end; t++)
		if (*t == '\t' || *t == ' ' || !*t)
			return;
	for (size_t i = 0; i < l->n; i++)
		match_symbol(&l->v[i], sym, (size_t)(end - sym));
}

static int line_cb(void *ctx, char *line, size_t len, unsigned lineno, int truncated)
{
	(void)lineno;
	if (!truncated)
		initcall_parse_line(ctx, line, len);
	return 0;
}

int initcall_lookup(const struct root *r, struct initcall_list *l)
{
	if (!l->n)
		return 0;
	l->status = root_for_each_line(r, "proc/kallsyms", line_cb, l);
	return l->status;
}

const char *initcall_fn(const struct initcall_list *l, const char *asked)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].asked, asked))
			return l->v[i].fn[0] ? l->v[i].fn : NULL;
	return NULL;
}
