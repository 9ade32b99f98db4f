/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * render_env.c - KEY='value' lines for the initramfs scripts, quoted so
 * that `. file` in busybox ash is safe whatever a message contains.
 */
#include "format.h"
#include "render.h"

#include <string.h>

void env_assign(struct out *out, const char *key, const char *value)
{
	out_str(out, key);
	out_str(out, "='");
	/* shell data, read back byte for byte: out_bytes, not text */
	for (; *value; value++) {
		if (*value == '\'')
			out_str(out, "'\\''");
		else
			out_bytes(out, *value == '\n' ? " " : value, 1);
	}
	out_str(out, "'\n");
}

static void env_list(struct out *out, const char *key, const struct report *rep, enum level l)
{
	char buf[512];
	struct strbuf sb;

	sb_init(&sb, buf, sizeof(buf));
	for (size_t i = 0; i < rep->n; i++)
		if (rep->results[i].level == l)
			sb_addf(&sb, "%s%s", sb.len ? " " : "", rep->results[i].id);
	env_assign(out, key, buf);
}

void render_env(struct out *out, const struct host *h, const struct report *rep)
{
	char buf[1024];
	struct strbuf sb;

	env_assign(out, "PHASE", phase_name(h->phase));
	env_assign(out, "VERDICT", level_name(rep->verdict));
	env_assign(out, "HEADLESS", rep->headless ? "1" : "0");
	env_assign(out, "IOMMU_ACTIVE", rep->iommu_active ? "1" : "0");
	env_list(out, "FAILED", rep, LEVEL_FAIL);
	env_list(out, "WARNED", rep, LEVEL_WARN);
	/* every check with its level, for status --prometheus; ids and level names need no quoting */
	out_str(out, "CHECKS='");
	for (size_t i = 0; i < rep->n; i++)
		out_printf(out, "%s%s=%s", i ? " " : "", rep->results[i].id, level_name(rep->results[i].level));
	out_str(out, "'\n");
	sb_init(&sb, buf, sizeof(buf));
	for (size_t i = 0; i < h->pci.n; i++)
		if (host_claims(&h->pci.v[i]))
			sb_addf(&sb, "%s%s", sb.len ? " " : "", h->pci.v[i].slot);
	env_assign(out, "CLAIMED", buf);
}
