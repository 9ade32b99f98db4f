/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_text.h - the fuzz input as a NUL-terminated string, as the parsers take it. */
#ifndef VFP_FUZZ_TEXT_H
#define VFP_FUZZ_TEXT_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* a malloc'd copy of data with a '\0' after it; NULL when out of memory */
static inline char *fuzz_text(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);

	if (text) {
		memcpy(text, data, size);
		text[size] = '\0';
	}
	return text;
}

#endif
