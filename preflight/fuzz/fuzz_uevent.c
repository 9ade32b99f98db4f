/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: sysfs uevent and iommu_group link parsing. */
#include "fuzz_text.h"
#include "pci.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pci_func dev;
	char *text = fuzz_text(data, size);

	if (!text)
		return 0;
	pci_group_from_link(text);
	pci_func_init(&dev);
	pci_parse_uevent(text, &dev);
	free(text);
	return 0;
}
