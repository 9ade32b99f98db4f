/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check_framebuffer.c - display.framebuffer: a firmware framebuffer
 * (BOOTFB, efifb, vesafb, simpledrm...) registered inside a claimed
 * device's BAR keeps vfio-pci from reserving it: the VM start fails with
 * "vfio-pci 0000:01:00.0: BAR 0: can't reserve [mem ...]".
 *
 * Since Linux 6.0 vfio-pci removes conflicting framebuffers itself when it
 * binds a device of class VGA (0x0300): vfio_pci_vga_init() calls
 * aperture_remove_conflicting_pci_devices() for every memory BAR. It does
 * not for other display classes (3D controller 0x0302, 0x0380), nor on
 * older kernels. So the predict phase tells whether the removal will
 * happen; verify and check see whether the region is still there.
 */
#include "checks.h"
#include "pci_ids.h"
#include "kver.h"

#include <string.h>

/* vfio-pci will remove the framebuffer from d's BARs when it binds d */
static bool vfio_evicts(const struct host *h, const struct pci_func *d)
{
	return pci_class16(d) == PCI_CLASS_DISPLAY_VGA &&
	       kver_at_least(h->kernel_release, 6, 0) != 0;
}

/* the parameter that keeps this framebuffer from being registered at all */
static const char *fb_fix(const struct fb_region *f)
{
	if (str_starts(f->name, "efifb") || str_starts(f->name, "efi-framebuffer"))
		return "video=efifb:off";
	if (str_starts(f->name, "vesafb") || str_starts(f->name, "vesa-framebuffer"))
		return "video=vesafb:off";
	/* BOOTFB, simple-framebuffer, simpledrm: sysfb registered it; video=efifb:off does nothing
	 * there */
	return "initcall_blacklist=sysfb_init";
}

struct overlap {
	const struct pci_func *dev;
	unsigned bar;
	const struct fb_region *fb;
};

static bool find_overlap(const struct host *h, struct overlap *o)
{
	for (size_t i = 0; i < h->bars.n; i++) {
		const struct dev_bars *db = &h->bars.v[i];

		for (unsigned b = 0; b < PCI_STD_BARS; b++) {
			const struct pci_bar *bar = &db->bar[b];

			if (!bar_is_mem(bar) || bar_unplaced(bar) || !bar_size(bar))
				continue;
			for (unsigned k = 0; k < h->fbs.n; k++) {
				const struct fb_region *f = &h->fbs.v[k];

				if (f->start <= bar->end && bar->start <= f->end) {
					o->dev = &h->pci.v[db->dev];
					o->bar = b;
					o->fb = f;
					return true;
				}
			}
		}
	}
	return false;
}

static void fix_hint(const struct host *h, struct check_result *r, const struct fb_region *f)
{
	result_hint(r, "add %s to %s, and reboot", fb_fix(f), host_cmdline_file_hint(h));
}

void check_display_framebuffer(const struct host *h, struct check_result *r)
{
	bool predict = h->phase == PHASE_PREDICT;
	struct overlap o;
	char label[48];

	if (!h->n_claimed) {
		result_set(r, LEVEL_PASS, "no device is claimed");
		return;
	}
	if (h->fbs.status < 0) {
		result_set(r, LEVEL_NOTE, "/proc/iomem: %s: framebuffers not checked",
			   ERR_TEXT(h->fbs.status));
		result_hint(r, "run vfio-preflight as root");
		return;
	}
	if (find_overlap(h, &o)) {
		bool bound = modname_eq(o.dev->driver, "vfio_pci"), evicts = vfio_evicts(h, o.dev);
		enum level l = predict ? LEVEL_WARN : LEVEL_FAIL;
		const char *why;

		if (predict && evicts) {
			l = LEVEL_PASS;
			why = "vfio-pci (Linux 6.0+) removes it when it binds this VGA device: no parameter needed";
		} else if (!predict && evicts && !bound) {
			l = LEVEL_WARN;
			why = "vfio-pci removes it once it binds the device (see vfio.binding)";
		} else {
			why = evicts ? "vfio-pci did not remove it"
			      : pci_class16(o.dev) != PCI_CLASS_DISPLAY_VGA
				      ? "vfio-pci removes framebuffers of VGA-class devices only"
				      : "this kernel predates vfio-pci's framebuffer removal (6.0)";
		}
		result_set(r, l,
			   "firmware framebuffer %s [mem 0x%lx-0x%lx] is in BAR %u of %s; %s%s",
			   o.fb->name, (unsigned long)o.fb->start, (unsigned long)o.fb->end, o.bar,
			   dev_label(o.dev, label, sizeof(label)), why,
			   l == LEVEL_PASS
				   ? ""
				   : ": a VM start fails with \"BAR N: can't reserve [mem ...]\"");
		if (l != LEVEL_PASS)
			fix_hint(h, r, o.fb);
		return;
	}
	if (h->fbs.n)
		result_set(r, LEVEL_PASS,
			   "no firmware framebuffer in a claimed BAR (%s is elsewhere)",
			   h->fbs.v[0].name);
	else
		result_set(r, LEVEL_PASS, "no firmware framebuffer in /proc/iomem");
}
