/* libFuzzer target: sysfs uevent and iommu_group link parsing. */
#include "pci.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pci_func dev;
	char *text = malloc(size + 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	pci_group_from_link(text);
	pci_func_init(&dev);
	pci_parse_uevent(text, &dev);
	free(text);
	return 0;
}
