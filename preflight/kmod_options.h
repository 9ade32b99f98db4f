/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kmod_options.h - the option string modprobe hands to a module.
 *
 * kmod joins, with one space, every "options MODULE ..." of the merged
 * modprobe.d (file name order, then line order), then every MODULE.PARAM
 * word of the kernel command line, in the order written (libkmod-config.c
 * kmod_config_parse_kcmdline, libkmod-module.c kmod_module_get_options).
 * The command line is read with kmod's own rules, not the kernel's:
 * - a word may be quoted whole ("mod.p=a b"); kmod re-quotes it as
 *   p="a b" for the module;
 * - a quote anywhere but the start of the word or inside the value makes
 *   kmod ignore the word; a quote never closed drops the parameter;
 * - a bare "--" does not stop kmod (kmod 30): vfio-pci.ids= after it still
 *   reaches a modular vfio-pci.
 * Each piece remembers where it came from, for messages.
 */
#ifndef VFP_KMOD_OPTIONS_H
#define VFP_KMOD_OPTIONS_H

#include <stddef.h>

#include "modprobe.h"

struct modopt_seg {
	size_t off;    /* where the piece starts in text */
	int directive; /* index into modconf.d, -1: the kernel command line */
};

struct modopts {
	char *text;
	size_t len;
	struct modopt_seg *seg;
	size_t nseg;
};

/* Calls cb(ctx, param) for each MODULE.PARAM word kmod takes from cmdline. */
typedef int (*kmod_param_cb)(void *ctx, const char *param);
int kmod_cmdline_params(const char *cmdline, const char *module, kmod_param_cb cb, void *ctx);

/* Returns 0 or -ENOMEM; cmdline may be NULL. */
int modopts_build(struct modopts *o, const struct modconf *mc, const char *cmdline,
		  const char *module);
void modopts_free(struct modopts *o);
/* "/etc/modprobe.d/vfio.conf:3" or "the kernel command line", for the byte at off */
void modopts_where(const struct modopts *o, const struct modconf *mc, size_t off, char *buf,
		   size_t cap);

#endif
