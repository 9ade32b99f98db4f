/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: a qemu-server VM config, line by line as the vm
 * command feeds it (any bytes, overlong lines, snapshot sections), then
 * the same text as /etc/pve/mapping/pci.cfg. Checks what the callers rely
 * on: every string stays terminated within its field, memory stays >= 16
 * or the default, hostpci entries are counted right.
 */
#include "vm/pveconf.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_text.h"

static void terminated(const char *s, size_t cap)
{
	assert(memchr(s, '\0', cap) != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size), *map;
	struct vmconf *c = malloc(sizeof(*c));
	struct pci_map_entry e;
	struct diag dg = { .n = 0 };
	unsigned n = 0;

	if (!text || !c || !(map = strdup(text))) {
		free(text);
		free(c);
		return 0;
	}
	vmconf_init(c, 100);
	vmconf_parse_text(c, text);
	assert(c->memory == 512 || c->memory >= 16);
	terminated(c->name, sizeof(c->name));
	terminated(c->machine, sizeof(c->machine));
	terminated(c->cpu, sizeof(c->cpu));
	terminated(c->storage, sizeof(c->storage));
	for (unsigned i = 0; i < VM_HOSTPCI_MAX; i++) {
		const struct vm_hostpci *p = &c->pci[i];

		if (!p->present)
			continue;
		n++;
		terminated(p->raw, sizeof(p->raw));
		terminated(p->host, sizeof(p->host));
		terminated(p->mapping, sizeof(p->mapping));
		/* a valid entry names exactly one of host or mapping, and a host list qemu-server
		 * accepts */
		if (p->valid) {
			assert(!p->host[0] != !p->mapping[0]);
			assert(!p->host[0] || pve_pci_list_valid(p->host));
		}
	}
	assert(n == c->n_pci);
	assert(c->diag.n <= DIAG_KEEP && c->diag.n <= c->diag.total);

	pci_mapping_find(map, "gpu", "pve", &e, &dg);
	terminated(e.path, sizeof(e.path));
	terminated(e.id, sizeof(e.id));
	assert(!e.on_node || e.found);
	free(map);
	free(text);
	free(c);
	return 0;
}
