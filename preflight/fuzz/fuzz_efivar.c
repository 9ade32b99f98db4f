/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: the EFI variable decoder (4 bytes of attributes, then
 * UTF-16LE). The string is NUL-terminated within its buffer, holds only
 * ASCII and '?' (or NULs of a list), and its length is what is returned.
 */
#include "rescue/efivar.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char buf[64];
	size_t cap = size ? 1 + data[0] % sizeof(buf) : sizeof(buf);
	int n = efivar_decode(data, size, buf, cap);

	if (n < 0)
		return 0;
	if ((size_t)n >= cap || buf[n] != '\0' || (n > 0 && buf[n - 1] == '\0'))
		abort(); /* not terminated, or a trailing NUL kept */
	for (int i = 0; i < n; i++)
		if ((unsigned char)buf[i] > 0x7f)
			abort(); /* a byte past ASCII leaked through */
	return 0;
}
