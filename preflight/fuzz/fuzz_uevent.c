/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: sysfs uevent and iommu_group link parsing, both the
 * NUL-terminated forms and the length-bounded ones the scan uses (on an
 * exactly-sized copy, so ASan sees a read one byte past the end).
 */
#include "fuzz_text.h"
#include "pci.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pci_func dev;
	char *text = fuzz_text(data, size), *exact = malloc(size ? size : 1);

	if (!text || !exact) {
		free(text);
		free(exact);
		return 0;
	}
	memcpy(exact, data, size);
	pci_group_from_link(text);
	pci_group_from_link_n(exact, size);
	pci_func_init(&dev);
	pci_parse_uevent(text, &dev);
	pci_func_init(&dev);
	pci_parse_uevent_n(exact, size, &dev);
	free(text);
	free(exact);
	return 0;
}
