/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * iomem.h - firmware framebuffers in /proc/iomem.
 *
 * The boot framebuffer the firmware set up (GOP or VESA) is registered as
 * a memory region inside the GPU's BAR: "BOOTFB" (sysfb's simple-framebuffer
 * device), "efifb", "vesafb", "simpledrm"... While it is there, vfio-pci
 * cannot reserve that BAR for a guest ("BAR N: can't reserve [mem ...]").
 * Regions read as 0-0 when the reader is not root: those are unknown.
 */
#ifndef VFP_IOMEM_H
#define VFP_IOMEM_H

#include <stdbool.h>
#include <stdint.h>

#include "rootfs.h"

#define FB_MAX 8
struct fb_region {
	uint64_t start, end; /* inclusive, as the kernel prints them */
	char name[24];
};
struct fb_list {
	int status; /* 0 read, else -errno; -EACCES: addresses hidden (not root) */
	struct fb_region v[FB_MAX];
	unsigned n;
};

/*
 * One /proc/iomem line, "  e0000000-e02fffff : BOOTFB": fills r and
 * returns 1 for a framebuffer region, 0 for any other line.
 */
int iomem_parse_fb(const char *line, struct fb_region *r);
void iomem_load(const struct root *root, struct fb_list *out);

#endif
