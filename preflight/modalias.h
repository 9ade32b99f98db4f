/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modalias.h - which modules of this kernel would bind a PCI function.
 *
 * The kernel's own answer lives in lib/modules/KVER/modules.alias
 * ("alias pci:v000010DEd*sv*sd*bc03sc*i* nouveau"): matching a function's
 * modalias against it names every driver udev's coldplug would load for
 * it, including ones no vendor table would think of (virtio_pci takes a
 * virtio-vga before virtio_gpu ever sees it).
 */
#ifndef VFP_MODALIAS_H
#define VFP_MODALIAS_H

#include "diag.h"
#include "kmod_index.h"
#include "pci.h"
#include "rootfs.h"

#define ALIAS_HITS_MAX 32

struct alias_hit {
	size_t dev; /* index into the host's pci list */
	char module[32];
};

#define ALIAS_SCAN_MAX 64

struct alias_hits {
	struct alias_hit v[ALIAS_HITS_MAX];
	size_t n;
	int have_aliases;		/* modules.alias(.bin) was readable */
	enum kmod_source source;	/* which of the two answered */
	int overflow;			/* more hits than v holds */
	size_t scanned[ALIAS_SCAN_MAX]; /* the functions asked about */
	size_t n_scanned;
};

/* "pci:v000010DEd00002204sv00001458sd0000403Bbc03sc00i00" */
void pci_modalias(const struct pci_func *d, char *buf, size_t cap);
/* fnmatch(3)-style match ('*', '?', [...]), as kmod matches aliases */
int alias_match(const char *pattern, const char *text);
/*
 * Modules other than vfio_pci whose aliases match a function that `want`
 * selects (claimed ones), from modules.alias.bin, or from modules.alias
 * where the index is missing or damaged (a damaged one is a diag).
 * Returns 0 or -errno (no file at all is 0 with have_aliases unset).
 */
int modalias_scan(const struct root *r, const char *kver, const struct pci_list *l,
		  int (*want)(const struct pci_func *), struct alias_hits *out, struct diag *dg);
/*
 * Can `module` bind function `dev`, by modules.alias? 1 or 0; -1 when
 * the scan cannot tell (no modules.alias, function not scanned, overflow).
 */
int alias_binds(const struct alias_hits *hits, size_t dev, const char *module);

#endif
