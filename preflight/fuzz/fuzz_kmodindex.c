/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: kmod's binary index reader over any bytes. The input
 * is the index; lookups use fixed keys (a GPU, a USB disk whose aliases
 * carry bracket sets, a module name) and one made of the input's last
 * bytes, so the fuzzer steers keys too. ASan checks every read stays in
 * the buffer; the visit bound keeps shared or cyclic child offsets finite.
 */
#include "kmod_index.h"

#include <stdint.h>
#include <string.h>

static int count(void *ctx, const char *value)
{
	(*(size_t *)ctx) += strlen(value) + 1;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const keys[] = {
		"pci:v00001234d00001111sv00001AF4sd00001100bc03sc00i00",
		"usb:v13FDp3940d0100dc00dsc00dp00ic08isc06ip62in00",
		"vfio_pci",
		"bochs",
		"",
	};
	struct kmod_index ix;
	char tail[49];
	size_t k = size < sizeof(tail) - 1 ? size : sizeof(tail) - 1, seen = 0;
	const char *v;
	size_t len;

	if (kmod_index_open_mem(&ix, data, size) < 0)
		return 0;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		kmod_index_match(&ix, keys[i], count, &seen);
		if (kmod_index_get(&ix, keys[i], &v, &len) > 0)
			seen += len;
	}
	memcpy(tail, data + size - k, k);
	tail[k] = '\0';
	kmod_index_match(&ix, tail, count, &seen);
	if (kmod_index_get(&ix, tail, &v, &len) > 0)
		seen += len;
	kmod_index_close(&ix);
	return seen == (size_t)-1;
}
