/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: the kernel command line parser and its queries. */
#include "cmdline.h"
#include "fuzz_text.h"
#include "snapshot.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cmdline c; /* 16 KiB of slots: keep it off the stack */
	char *text = fuzz_text(data, size);
	size_t pos = 0;

	if (!text)
		return 0;
	{
		/* the snapshot comparison of configured and booted parameters */
		static char a[4096], b[4096], d[4096];
		struct strbuf sa, sb, sd;

		sb_init(&sa, a, sizeof(a));
		sb_init(&sb, b, sizeof(b));
		sb_init(&sd, d, sizeof(d));
		passthrough_params(text, &sa);
		passthrough_params("intel_iommu=on iommu=pt vfio-pci.ids=10de:2204", &sb);
		params_missing(a, b, "configured: ", &sd);
		params_missing(b, a, "booted: ", &sd);
		lines_missing(text, "modprobe: blacklist nouveau\n", "+ ", &sd);
	}
	if (cmdline_parse(&c, text) == 0) {
		cmdline_last(&c, "vfio-pci.ids");
		while (cmdline_next(&c, "console", &pos))
			;
		cmdline_serial_console(&c);
		cmdline_free(&c);
	}
	free(text);
	return 0;
}
