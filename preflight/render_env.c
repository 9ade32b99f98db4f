/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * render_env.c - KEY='value' lines for the initramfs scripts, quoted so
 * that `. file` in busybox ash is safe whatever a message contains.
 */
#include "format.h"
#include "render.h"

#include <string.h>

/* the quoted body of a value: ' closes, \' is a quote, ' reopens; no newline */
static void env_body(struct out *out, const char *value)
{
	/* shell data, read back byte for byte: out_bytes, not text */
	for (; *value; value++) {
		if (*value == '\'')
			out_str(out, "'\\''");
		else
			out_bytes(out, *value == '\n' ? " " : value, 1);
	}
}

void env_assign(struct out *out, const char *key, const char *value)
{
	out_str(out, key);
	out_str(out, "='");
	env_body(out, value);
	out_str(out, "'\n");
}

/* a space-separated list streamed item by item: no buffer, so never cut mid-item */
static void env_open(struct out *out, const char *key)
{
	out_str(out, key);
	out_str(out, "='");
}

static void env_item(struct out *out, int *n, const char *item)
{
	if ((*n)++)
		out_char(out, ' ');
	env_body(out, item);
}

static void env_list(struct out *out, const char *key, const struct report *rep, enum level l)
{
	int n = 0;

	env_open(out, key);
	for (size_t i = 0; i < rep->n; i++)
		if (rep->results[i].level == l)
			env_item(out, &n, rep->results[i].id);
	out_str(out, "'\n");
}

void render_env(struct out *out, const struct host *h, const struct report *rep)
{
	int n = 0;

	env_assign(out, "PHASE", phase_name(h->phase));
	env_assign(out, "VERDICT", level_name(rep->verdict));
	env_assign(out, "HEADLESS", rep->headless ? "1" : "0");
	env_assign(out, "IOMMU_ACTIVE", rep->iommu_active ? "1" : "0");
	env_list(out, "FAILED", rep, LEVEL_FAIL);
	env_list(out, "WARNED", rep, LEVEL_WARN);
	/* every check with its level, for status --prometheus; ids and level names need no quoting
	 */
	out_str(out, "CHECKS='");
	for (size_t i = 0; i < rep->n; i++)
		out_printf(out, "%s%s=%s", i ? " " : "", rep->results[i].id,
			   level_name(rep->results[i].level));
	out_str(out, "'\n");
	env_open(out, "CLAIMED");
	for (size_t i = 0; i < h->pci.n; i++)
		if (host_claims(&h->pci.v[i]))
			env_item(out, &n, h->pci.v[i].slot);
	out_str(out, "'\n");
}

void render_env_rebind(struct out *out, const struct host *h, bool falls_back)
{
	int n = 0;

	env_open(out, "REBIND");
	for (size_t i = 0; i < h->pci.n && !falls_back; i++)
		if (h->pci.v[i].rebind)
			env_item(out, &n, h->pci.v[i].slot);
	out_str(out, "'\n");
}

void render_rebind_list(struct out *out, const struct host *h)
{
	int n = 0;

	for (size_t i = 0; i < h->pci.n; i++)
		if (h->pci.v[i].rebind)
			out_printf(out, "%s%s", n++ ? " " : "", h->pci.v[i].slot);
	out_char(out, '\n');
}
