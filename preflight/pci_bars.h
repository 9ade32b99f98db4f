/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pci_bars.h - the memory BARs of the claimed functions, from sysfs
 * "resource" (one "start end flags" line per resource: BARs 0-5, the ROM,
 * then bridge windows or SR-IOV BARs).
 *
 * A BAR the firmware could not place reads as start 0, end size-1 with
 * its flags set: the kernel logged "BAR N: no space for [mem size ...]"
 * and the device cannot work, in the host or in a guest.
 */
#ifndef VFP_PCI_BARS_H
#define VFP_PCI_BARS_H

#include <stdint.h>
#include <stddef.h>

#include "pci.h"

#define PCI_STD_BARS	    6
#define IORESOURCE_IO	    0x00000100u
#define IORESOURCE_MEM	    0x00000200u
#define IORESOURCE_PREFETCH 0x00002000u
#define IORESOURCE_MEM_64   0x00100000u

struct pci_bar {
	uint64_t start, end, flags;
};
struct dev_bars {
	size_t dev; /* index into host.pci */
	struct pci_bar bar[PCI_STD_BARS];
};
struct bar_list {
	struct dev_bars *v;
	size_t n;
};

/* Up to 16 hex digits (optional 0x) after blanks: the end of them, or NULL when none or too many.
 */
const char *hex_word(const char *s, uint64_t *out);
/* Parse a resource file's text into bars (the first six lines); returns the lines parsed. */
int pci_parse_resource(const char *text, struct pci_bar *bars);
static inline uint64_t bar_size(const struct pci_bar *b)
{
	return b->flags && b->end > b->start ? b->end - b->start + 1 : 0;
}
static inline int bar_is_mem(const struct pci_bar *b)
{
	return (b->flags & IORESOURCE_MEM) != 0;
}
/* a memory BAR with a size but no address */
static inline int bar_unplaced(const struct pci_bar *b)
{
	return bar_is_mem(b) && b->start == 0 && b->end != 0;
}

/* Read the BARs of every function `want` selects; returns 0 or -ENOMEM. */
int bars_load(const struct root *r, const struct pci_list *l, int (*want)(const struct pci_func *),
	      struct bar_list *out);
void bars_free(struct bar_list *l);

/* "256 MiB" */
const char *size_text(uint64_t size, char *buf, size_t cap);

#endif
