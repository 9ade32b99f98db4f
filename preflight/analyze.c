/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * analyze.c - derive what the configuration does to the devices: which
 * ones vfio-pci claims, which ids match, and the devices of each group.
 */
#include "format.h"
#include "host.h"
#include "macro.h"
#include "sort.h"
#include "strbuf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

bool host_claims(const struct pci_func *d)
{
	return d->claim != CLAIM_NONE;
}

bool host_module_present(const struct host *h, enum module_id m)
{
	return h->mod[m] == MOD_LOADED || h->mod[m] == MOD_BUILTIN;
}

bool host_cmdline_blacklisted(const struct host *h, const char *module)
{
	static const char *const keys[] = { "module_blacklist", "modprobe.blacklist" };

	for (size_t k = 0; k < ARRAY_SIZE(keys); k++) {
		const struct cmdline_param *p;
		size_t pos = 0;

		while ((p = cmdline_next(&h->cmdline, keys[k], &pos)))
			for (const char *s = p->val ? p->val : ""; *s;) {
				size_t len = strcspn(s, ",");
				char name[MODNAME_LEN];

				if (len < sizeof(name)) {
					memcpy(name, s, len);
					name[len] = '\0';
					if (modname_eq(name, module))
						return true;
				}
				s += len + (s[len] == ',');
			}
	}
	return false;
}

bool host_iommu_active(const struct host *h)
{
	return h->n_groups > 0;
}

unsigned host_platform_vendor(const struct host *h)
{
	for (size_t i = 0; i < h->pci.n; i++) {
		const struct pci_func *d = &h->pci.v[i];

		if (!strcmp(d->slot, "0000:00:00.0") && pci_class16(d) == PCI_CLASS_BRIDGE_HOST &&
		    (d->vendor == PCI_VENDOR_ID_INTEL || d->vendor == PCI_VENDOR_ID_AMD))
			return d->vendor;
	}
	return 0;
}

/* With vfio-pci built in, modprobe.d never reaches it: only the cmdline counts. */
static void settle_effective_ids(struct host *h)
{
	struct vfio_ids *ids = &h->ids;

	if (h->mod[M_VFIO_PCI] != MOD_BUILTIN || ids->effective < 0)
		return;
	while (ids->effective >= 0 && !ids->src[ids->effective].from_cmdline)
		ids->effective--;
}

/*
 * Is this bound driver built into the kernel? Then it bound at kernel init,
 * before any initramfs script, and no softdep or blacklist moves it. Known
 * modules by modules.builtin. Others by the driver's sysfs: a driver from a
 * loadable module always has a `module` link (module_add_driver() with an
 * owner), a built-in one only where /sys/module/NAME exists, which then has no
 * initstate; 8250_pci's driver is "serial", so the link, not the driver name,
 * names the module. Without the driver's directory: /sys/module/DRIVER.
 */
static bool driver_is_builtin(const struct host *h, const char *driver)
{
	char name[PCI_DRIVER_LEN], path[PCI_DRIVER_LEN + 32], link[128];
	const char *mod = name;
	int m;

	str_fmt(name, sizeof(name), "%s", driver);
	modname_normalize(name);
	if ((m = module_id_of(name)) >= 0)
		return h->mod[m] == MOD_BUILTIN;
	str_fmt(path, sizeof(path), "sys/bus/pci/drivers/%s/module", driver);
	if (root_readlink_at(h->root->fd, path, link, sizeof(link)) > 0) {
		mod = strrchr(link, '/') ? strrchr(link, '/') + 1 : link;
	} else {
		str_fmt(path, sizeof(path), "sys/bus/pci/drivers/%s", driver);
		if (root_exists(h->root, path))
			return true; /* a driver without a module link is built in */
		str_fmt(path, sizeof(path), "sys/module/%s", name);
		if (!root_exists(h->root, path))
			return false;
	}
	str_fmt(path, sizeof(path), "sys/module/%s/initstate", mod);
	return !root_exists(h->root, path);
}

/*
 * Can init-top's rebind (init-top/00-vfio-preflight-rebind) move a claimed
 * function off its built-in driver? Not when the configuration switches it
 * off, on a rescue boot or one that fell back, or when vfio-pci cannot take it (blacklisted on the
 * command line, missing, no IOMMU group): unbinding then only takes the
 * device from the host.
 */
bool host_rebind_possible(const struct host *h)
{
	return !h->rebind_off && !h->rescue_boot && !h->fell_back && host_iommu_active(h) &&
	       h->mod[M_VFIO_PCI] != MOD_MISSING && !host_cmdline_blacklisted(h, "vfio_pci");
}

static void claim_devices(struct host *h)
{
	struct vfio_ids *ids = &h->ids;

	for (size_t i = 0; i < h->pci.n; i++) {
		struct pci_func *d = &h->pci.v[i];

		/* driver_override only matters for devices nothing holds yet */
		if (!d->driver[0] && h->phase != PHASE_PREDICT)
			pci_read_override(h->root, d);
		if (pci_is_display(d))
			pci_read_boot_vga(h->root, d);

		d->claim = CLAIM_NONE;
		for (size_t k = 0; k < ids->n; k++) {
			if (!vfio_id_matches(&ids->v[k], d))
				continue;
			ids->v[k].matches++;
			if (ids->v[k].source == ids->effective && !h->vfio.refused)
				d->claim = CLAIM_IDS;
		}
		/* pci_match_device(): a driver_override binds the driver of exactly that name,
		 * ids or not, and no other ("vfio_pci" is not "vfio-pci"); none if it never loads
		 */
		if (d->override[0])
			d->claim = !strcmp(d->override, "vfio-pci") && !h->vfio.refused
					   ? CLAIM_OVERRIDE
					   : CLAIM_NONE;
		/* vfio_pci_core_register_device() takes only normal (type 0) headers: a bridge
		 * the ids match gets "probe ... failed with error -22" and stays unbound */
		d->vfio_refuses = d->claim != CLAIM_NONE && pci_header_type(h->root, d) != 0;
		if (d->vfio_refuses)
			d->claim = CLAIM_NONE;
		if (d->claim == CLAIM_NONE && modname_eq(d->driver, "vfio_pci"))
			d->claim = CLAIM_BOUND;
		if (d->claim != CLAIM_NONE) {
			h->n_claimed++;
			d->driver_builtin = d->driver[0] && !modname_eq(d->driver, "vfio_pci") &&
					    driver_is_builtin(h, d->driver);
			d->rebind = d->driver_builtin && host_rebind_possible(h);
			h->n_rebind += d->rebind;
			if (pci_is_display(d))
				pci_read_reset_method(h->root, d);
		}
	}
}

/* The table is sorted by slot, so (group, index) order is (group, slot) order. */
static int index_groups(struct host *h)
{
	uint64_t *keys = malloc((h->pci.n ? h->pci.n : 1) * sizeof(*keys));
	size_t n = 0;

	h->by_group = malloc((h->pci.n ? h->pci.n : 1) * sizeof(*h->by_group));
	if (!keys || !h->by_group) {
		free(keys);
		return -ENOMEM;
	}
	for (size_t i = 0; i < h->pci.n; i++)
		if (h->pci.v[i].iommu_group >= 0)
			keys[n++] = ((uint64_t)(uint32_t)h->pci.v[i].iommu_group << 32) | i;
	if (sort_u64(keys, n) < 0) {
		free(keys);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		h->by_group[i].group = (int)(keys[i] >> 32);
		h->by_group[i].idx = (uint32_t)keys[i];
	}
	h->n_by_group = n;
	free(keys);
	return 0;
}

size_t host_group_end(const struct host *h, size_t start)
{
	size_t end = start;

	while (end < h->n_by_group && h->by_group[end].group == h->by_group[start].group)
		end++;
	return end;
}

static void read_domain_type(struct host *h)
{
	char path[64], buf[32];
	int group = -1;

	for (size_t i = 0; i < h->pci.n && group < 0; i++)
		if (host_claims(&h->pci.v[i]))
			group = h->pci.v[i].iommu_group;
	if (group < 0 && h->n_by_group)
		group = h->by_group[0].group;
	if (group < 0)
		return;
	str_fmt(path, sizeof(path), "sys/kernel/iommu_groups/%d/type", group);
	if (root_read(h->root, path, buf, sizeof(buf)) > 0)
		str_fmt(h->domain_type, sizeof(h->domain_type), "%s", str_trim(buf));
}

/* what modules.alias is asked about: claimed functions vfio-pci does not hold yet, and claimed
 * displays */
static int alias_wanted(const struct pci_func *d)
{
	return d->claim != CLAIM_NONE && (!modname_eq(d->driver, "vfio_pci") || pci_is_display(d));
}

/*
 * On a running host: the init functions initcall_blacklist= would take for
 * the built-in drivers holding a claimed function, and the built-in GPU
 * drivers that can take a claimed display. One pass over /proc/kallsyms
 * (megabytes), so never at boot, where the hint says where to find it.
 */
static void find_initcalls(struct host *h)
{
	static const enum module_id gpu[] = { M_NOUVEAU,    M_NVIDIA,	  M_AMDGPU, M_RADEON,
					      M_I915,	    M_XE,	  M_AST,    M_MGAG200,
					      M_VIRTIO_GPU, M_VIRTIO_PCI, M_BOCHS,  M_BOCHS_DRM };
	struct initcall_list *l = &h->initcalls;
	bool display = false;

	l->status = -ENODATA;
	if (!phase_is_check(h->phase))
		return;
	for (size_t i = 0; i < h->pci.n; i++) {
		const struct pci_func *d = &h->pci.v[i];
		char mod[32];

		if (!host_claims(d))
			continue;
		display |= pci_is_display(d);
		if (!d->driver_builtin)
			continue;
		initcall_module_of_driver(h->root, d->driver, mod, sizeof(mod));
		initcall_want(l, d->driver, mod);
	}
	for (size_t k = 0; display && k < ARRAY_SIZE(gpu); k++)
		if (h->mod[gpu[k]] == MOD_BUILTIN)
			initcall_want(l, module_names[gpu[k]], module_names[gpu[k]]);
	if (l->n)
		initcall_lookup(h->root, l);
}

int host_analyze(struct host *h)
{
	int err;

	settle_effective_ids(h);
	claim_devices(h);
	find_initcalls(h);
	/*
	 * In the initramfs, modules.alias is the image's: exactly the drivers
	 * coldplug can load before vfio-pci. On a running host it lists every
	 * module on disk: it still says which GPU driver can bind a display
	 * (radeon cannot take a Navi card), but not what races vfio-pci.
	 */
	if (h->phase != PHASE_UPGRADE && h->n_claimed &&
	    (err = modalias_scan(h->root, h->kernel_release, &h->pci, alias_wanted, &h->aliases,
				 &h->diag)) < 0)
		diag_add(&h->diag, "modules.alias: %s", ERR_TEXT(err));
	if (index_groups(h) < 0)
		return -ENOMEM;
	read_domain_type(h);
	return 0;
}
