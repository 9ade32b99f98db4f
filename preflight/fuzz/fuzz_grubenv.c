/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: GRUB environment blocks. Any 1024 bytes are checked,
 * read and edited; an edit of a valid block must leave a valid block of
 * the same size with the value readable back.
 */
#include "rescue/grubenv.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const kv[] = { "next_entry", "vfio-preflight-rescue-6.1.0-18-amd64",
					  "vfio_preflight_reason", "display.headless \\ failed\n" };
	char blk[GRUBENV_SIZE], val[256];

	memset(blk, '#', sizeof(blk));
	memcpy(blk, data, size < sizeof(blk) ? size : sizeof(blk));
	grubenv_get(blk, "next_entry", val, sizeof(val));
	if (grubenv_check(blk, sizeof(blk)) < 0)
		return 0;
	if (grubenv_edit(blk, kv, 2) >= 0) {
		if (grubenv_check(blk, sizeof(blk)) < 0)
			abort(); /* an edit broke a valid block */
		if (grubenv_get(blk, "next_entry", val, sizeof(val)) < 0 || strcmp(val, kv[1]))
			abort(); /* the value did not read back */
	}
	return 0;
}
