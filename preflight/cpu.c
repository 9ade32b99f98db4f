/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cpu.c - the virtualization flags of /proc/cpuinfo, and /dev/kvm.
 */
#include "cpu.h"

#include <string.h>

/* "flags\t\t: fpu vme ... vmx ..." holds word? */
static bool has_word(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; (p = strstr(p, word)); p += n)
		if ((p == list || p[-1] == ' ' || p[-1] == '\t') &&
		    (p[n] == ' ' || p[n] == '\0' || p[n] == '\t'))
			return true;
	return false;
}

/* "key\t\t: value" -> value when the line's key is `key` */
static const char *value_of(const char *line, const char *key)
{
	size_t n = strlen(key);
	const char *p;

	if (strncmp(line, key, n) != 0)
		return NULL;
	for (p = line + n; *p == ' ' || *p == '\t'; p++)
		;
	return *p == ':' ? p + 1 : NULL;
}

int cpuinfo_parse_line(const char *line, struct cpu_virt *c)
{
	const char *v;

	if (!(v = value_of(line, "flags")))
		return 0;
	c->vmx = has_word(v, "vmx");
	c->svm = has_word(v, "svm");
	return 1;
}

static int on_line(void *ctx, char *line, size_t len, unsigned lineno, int truncated)
{
	(void)len;
	(void)lineno;
	/* a flags line is ~1.5 KiB, well inside a line buffer: a truncated one is junk */
	return truncated ? 0 : cpuinfo_parse_line(line, ctx);
}

void cpu_load(const struct root *r, bool want_dev_kvm, struct cpu_virt *c)
{
	memset(c, 0, sizeof(*c));
	c->status = root_for_each_line(r, "proc/cpuinfo", on_line, c);
	c->dev_kvm = want_dev_kvm && root_exists(r, "dev/kvm") > 0;
}
