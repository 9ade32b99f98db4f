/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: the /proc/kallsyms reader that names a built-in module's
 * init function for initcall_blacklist= (initcall.c), each input line given
 * to it with a few module names wanted; every name found is NUL-terminated,
 * fits, and holds only symbol characters.
 */
#include "initcall.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const mods[] = { "8250_pci", "nouveau", "virtio_pci", "a" };
	struct initcall_list l = { .n = 0 };
	const char *p = (const char *)data, *end = p + size;

	for (size_t i = 0; i < sizeof(mods) / sizeof(mods[0]); i++)
		initcall_want(&l, mods[i], mods[i]);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end;

		initcall_parse_line(&l, p, (size_t)(e - p));
		p = nl ? nl + 1 : end;
	}
	for (size_t i = 0; i < l.n; i++) {
		size_t n = strnlen(l.v[i].fn, sizeof(l.v[i].fn));

		if (n == sizeof(l.v[i].fn))
			abort();
		for (size_t k = 0; k < n; k++)
			if (l.v[i].fn[k] == ' ' || l.v[i].fn[k] == '\t' || l.v[i].fn[k] == '\n')
				abort();
	}
	return 0;
}
