/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: the line parsers of the platform inputs, each line of
 * the input given to all of them: /proc/iomem framebuffer lines, /proc/cpuinfo
 * lines, and the whole input as a sysfs resource file.
 */
#include "cpu.h"
#include "fuzz_text.h"
#include "iomem.h"
#include "pci_bars.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size), *line, *save = NULL;
	struct pci_bar bars[PCI_STD_BARS];
	struct cpu_virt c;
	char sz[24];

	if (!text)
		return 0;
	pci_parse_resource(text, bars);
	for (int i = 0; i < PCI_STD_BARS; i++)
		size_text(bar_size(&bars[i]), sz, sizeof(sz));
	memset(&c, 0, sizeof(c));
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct fb_region r;

		if (iomem_parse_fb(line, &r) &&
		    (r.end < r.start || strlen(r.name) >= sizeof(r.name)))
			abort();
		cpuinfo_parse_line(line, &c);
	}
	free(text);
	return 0;
}
