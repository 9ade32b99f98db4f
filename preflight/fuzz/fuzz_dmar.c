/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: the ACPI DMAR parser over any bytes (lengths that lie,
 * structures that run past the table, scopes past their RMRR), with the
 * "DMAR" signature forced on half the inputs so the body is reached.
 * Every scope handed to the callback must lie inside the buffer's claims.
 */
#include "dmar.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void on_scope(void *ctx, const struct dmar_scope *s)
{
	unsigned *n = ctx;

	if (s->n_path == 0 || s->n_path > DMAR_PATH_MAX)
		abort();
	(*n)++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *buf = malloc(size ? size : 1);
	unsigned n = 0;
	int ret;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	if (size >= 8 && (data[0] & 1)) { /* a valid signature and a length that may lie */
		memcpy(buf, "DMAR", 4);
	}
	ret = dmar_parse(buf, size, on_scope, &n);
	if (ret < 0 && ret != -22 && ret != -74) /* -EINVAL, -EBADMSG */
		abort();
	free(buf);
	return 0;
}
