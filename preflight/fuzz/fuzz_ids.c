/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: vfio-pci ids= lists, parsed and matched. */
#include "fuzz_text.h"
#include "modalias.h"
#include "pci.h"
#include "vfio_ids.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vfio_ids ids;
	struct pci_func dev;
	char *text = fuzz_text(data, size);

	if (!text)
		return 0;
	memset(&ids, 0, sizeof(ids));
	pci_func_init(&dev);
	dev.vendor = 0x10de;
	dev.device = 0x2204;
	dev.class = 0x030000;
	vfio_ids_add_list(&ids, text, "fuzz", 0);
	vfio_ids_add_list(&ids, text, "fuzz again", 1);
	for (size_t i = 0; i < ids.n; i++)
		vfio_id_matches(&ids.v[i], &dev);
	/* modules.alias patterns against a modalias, and the other way round */
	alias_match(text, "pci:v000010DEd00002204sv00001458sd0000403Bbc03sc00i00");
	alias_match("pci:v000010DEd*sv*sd*bc03sc*i*", text);
	free(text);
	return 0;
}
