/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: the /proc/mounts reader. Every line of the input is fed
 * for the path "/boot/grub"; a mount found must be a parent of that path
 * and its fields NUL-terminated within their buffers.
 */
#include "fuzz_text.h"
#include "rescue/mounts.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mount_find m = { .path = "/boot/grub" };
	char *text = fuzz_text(data, size), *line, *next;

	if (!text)
		return 0;
	for (line = text; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		mounts_line(&m, line);
	}
	if (m.found && (m.best > strlen(m.path) || !memchr(m.fs, '\0', sizeof(m.fs)) ||
			!memchr(m.dev, '\0', sizeof(m.dev)) || !m.fs[0]))
		abort();
	free(text);
	return 0;
}
