/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check_vfio.c - are the vfio modules there, are the ids right, did
 * vfio-pci get every device it should, and can a host GPU driver race it.
 */
#include "format.h"
#include "checks.h"
#include "macro.h"

#include <string.h>

/* fix texts given at more than one place: one copy in the binary (a literal used twice) */
#define BUS_ADDRESS_HINT                                                                  \
	"'%s' is a bus address; ids= takes vendor:device IDs, e.g. the [10de:2204] that " \
	"lspci -nn shows for it%s%s"
#define GET_STARTED_HINT                                                                        \
	"find the GPU's IDs with lspci -nn and add 'options vfio-pci ids=10de:2204,10de:1aef' " \
	"(your IDs) to /etc/modprobe.d/vfio.conf"
#define ENTRY_FORM_HINT                                                               \
	"write each entry as vendor:device in hex, comma-separated, no spaces (e.g. " \
	"%sids=10de:2204,10de:1aef)%s%s"

static const char *const modstate_names[] = {
	[MOD_UNKNOWN] = "not loaded", [MOD_MISSING] = "missing",  [MOD_AVAILABLE] = "not loaded",
	[MOD_LOADED] = "loaded",      [MOD_BUILTIN] = "built in",
};

static bool passthrough_configured(const struct host *h)
{
	return h->ids.n > 0 || h->n_claimed > 0;
}

void check_vfio_modules(const struct host *h, struct check_result *r)
{
	static const enum module_id need[] = { M_VFIO, M_VFIO_IOMMU_TYPE1, M_VFIO_PCI };
	char states[200], missing[96] = "", unloaded[96] = "";
	struct strbuf sb, sm, su;

	sb_init(&sb, states, sizeof(states));
	sb_init(&sm, missing, sizeof(missing));
	sb_init(&su, unloaded, sizeof(unloaded));
	for (size_t i = 0; i < ARRAY_SIZE(need); i++) {
		enum modstate s = h->mod[need[i]];
		const char *name = module_names[need[i]];

		sb_addf(&sb, "%s%s: %s", i ? ", " : "", name,
			h->phase == PHASE_PREDICT && s == MOD_AVAILABLE ? "in the image"
									: modstate_names[s]);
		/* vfio requests vfio_iommu_type1 itself once it is loaded */
		bool on_demand = need[i] == M_VFIO_IOMMU_TYPE1 && host_module_present(h, M_VFIO);

		if (s == MOD_MISSING)
			sb_addf(&sm, "%s%s", sm.len ? ", " : "", name);
		else if (!on_demand &&
			 (s == MOD_AVAILABLE || (s == MOD_UNKNOWN && h->phase != PHASE_PREDICT)))
			sb_addf(&su, "%s%s", su.len ? ", " : "", name);
	}
	if (!passthrough_configured(h)) {
		result_set(r, LEVEL_NOTE, "no device is configured for vfio-pci (%s)", states);
		result_hint_rebuild(r, GET_STARTED_HINT);
		return;
	}
	if (missing[0]) {
		result_set(r, LEVEL_FAIL, "vfio modules missing for kernel %s: %s (%s)",
			   h->kernel_release[0] ? h->kernel_release : "(unknown)", missing, states);
		result_hint_rebuild(
			r,
			"use a kernel built with CONFIG_VFIO_PCI (Debian and Proxmox kernels are)");
		return;
	}
	if (unloaded[0] && h->phase != PHASE_PREDICT) {
		result_set(r, LEVEL_FAIL, "vfio modules not loaded: %s (%s)", unloaded, states);
		result_hint_rebuild(
			r,
			"add vfio, vfio_iommu_type1 and vfio_pci, one per line, to /etc/initramfs-tools/modules "
			"and /etc/modules");
		return;
	}
	result_set(r, LEVEL_PASS, "%s", states);
}

/* "01:00.0" or "0000:01:00.0" written where an ID belongs */
static bool looks_like_slot(const char *s)
{
	return strchr(s, '.') != NULL && strchr(s, ':') != NULL;
}

/* the device whose vendor:device differs from id in the fewest hex digits (<= 2) */
static const struct pci_func *closest_device(const struct host *h, const struct vfio_id *id)
{
	const struct pci_func *best = NULL;
	int best_diff = 3;

	if (id->vendor > 0xffff || id->device > 0xffff)
		return NULL; /* "any" or out of range: nothing to be close to */
	for (size_t i = 0; i < h->pci.n; i++) {
		const struct pci_func *d = &h->pci.v[i];
		uint32_t a = (id->vendor << 16) | id->device;
		uint32_t b = ((uint32_t)d->vendor << 16) | d->device;
		int diff = 0;

		for (size_t k = 0; k < 2 * sizeof(a); k++, a >>= 4, b >>= 4) /* each hex digit */
			diff += (a & 0xf) != (b & 0xf);
		if (diff < best_diff) {
			best_diff = diff;
			best = d;
		}
	}
	return best;
}

/* an entry of an overridden ids= list that the effective list does not have */
static const struct vfio_id *ignored_id(const struct vfio_ids *ids)
{
	for (size_t i = 0; i < ids->n; i++) {
		const struct vfio_id *a = &ids->v[i];
		bool kept = a->source == ids->effective;

		for (size_t k = 0; k < ids->n && !kept; k++) {
			const struct vfio_id *b = &ids->v[k];

			kept = b->source == ids->effective &&
			       !memcmp(&a->vendor, &b->vendor, 6 * sizeof(uint32_t));
		}
		if (!kept)
			return a;
	}
	return NULL;
}

/* a device the ids match that vfio-pci's probe refuses (a bridge) */
static const struct pci_func *vfio_refused_dev(const struct host *h)
{
	for (size_t i = 0; i < h->pci.n; i++)
		if (h->pci.v[i].vfio_refuses)
			return &h->pci.v[i];
	return NULL;
}

void check_vfio_ids(const struct host *h, struct check_result *r)
{
	const struct vfio_ids *ids = &h->ids;
	struct item_list bad, unmatched, matched, odd;
	char bad_buf[ITEMS_LEN], un_buf[ITEMS_LEN], ok_buf[ITEMS_LEN], odd_buf[ITEMS_LEN];
	const struct vfio_id *first_bad = NULL, *first_un = NULL, *first_odd = NULL;
	const struct pci_func *suggest = NULL;
	const struct vfio_id *lost;
	const struct pci_func *refused;

	if (h->vfio.refused) {
		result_set(
			r, LEVEL_FAIL,
			"vfio-pci will not load (see vfio.options), so no ids= of it take effect%s%s",
			ids->effective >= 0 ? ": not those from " : "",
			ids->effective >= 0 ? ids->src[ids->effective].where : "");
		result_hint(
			r, "fix the option vfio.options names; the ids themselves are checked once "
			   "vfio-pci loads");
		return;
	}
	if (ids->n == 0) {
		if (h->n_claimed) {
			result_set(r, LEVEL_PASS,
				   "no ids= configured; %zu device(s) claimed by driver_override "
				   "or an existing vfio-pci binding",
				   h->n_claimed);
			return;
		}
		result_set(r, LEVEL_NOTE,
			   "no vfio-pci ids configured (modprobe.d 'options vfio-pci ids=' or "
			   "vfio-pci.ids= on the kernel command line)");
		result_hint_rebuild(r, GET_STARTED_HINT);
		return;
	}
	if (ids->effective < 0) {
		result_set(r, LEVEL_FAIL,
			   "vfio-pci is built into this kernel: the ids= in %s never reach it",
			   ids->src[ids->nsrc - 1].where);
		result_hint(r, "put vfio-pci.ids=... on the kernel command line instead: %s",
			    host_cmdline_file_hint(h));
		return;
	}
	items_begin(&bad, bad_buf, sizeof(bad_buf));
	items_begin(&unmatched, un_buf, sizeof(un_buf));
	items_begin(&matched, ok_buf, sizeof(ok_buf));
	items_begin(&odd, odd_buf, sizeof(odd_buf));
	for (size_t i = 0; i < ids->n; i++) {
		const struct vfio_id *id = &ids->v[i];
		char as[VFIO_ID_TEXT];

		if (id->odd && !id->malformed && id->source == ids->effective) {
			items_add(&odd, "'%s' (read as %s%s)", id->text,
				  vfio_id_read_as(id, as, sizeof(as)),
				  id->odd == ODD_DROPS ? ", the rest ignored" : "");
			if (!first_odd || (id->odd == ODD_DROPS && first_odd->odd != ODD_DROPS))
				first_odd = id;
		}

		if (id->malformed) {
			items_add(&bad, "'%s' in %s", id->text, ids->src[id->source].where);
			if (!first_bad)
				first_bad = id;
		} else if (id->source != ids->effective) {
			continue;
		} else if (!id->matches) {
			if (looks_like_slot(id->text)) /* sscanf reads "01:00.0" as 0001:0000 */
				items_add(&unmatched, "'%s' (a bus address, read as %s)", id->text,
					  vfio_id_read_as(id, as, sizeof(as)));
			else
				items_add(&unmatched, "%s", id->text);
			if (!first_un) {
				first_un = id;
				suggest = closest_device(h, id);
			}
		} else {
			items_add(&matched, "%s (%u)", id->text, id->matches);
		}
	}
	if (first_bad) {
		result_set(r, LEVEL_FAIL, "malformed vfio-pci ids: %s", items_end(&bad));
		if (looks_like_slot(first_bad->text))
			result_hint(r, BUS_ADDRESS_HINT, first_bad->text, "", "");
		else
			result_hint_rebuild(r, ENTRY_FORM_HINT, "", "", "");
		return;
	}
	if (first_un) {
		result_set(r, LEVEL_FAIL, "vfio-pci ids that match no PCI device: %s, listed in %s",
			   items_end(&unmatched), ids->src[first_un->source].where);
		if (looks_like_slot(first_un->text))
			result_hint(r, BUS_ADDRESS_HINT, first_un->text, ", in ",
				    ids->src[first_un->source].where);
		else if (suggest)
			result_hint_rebuild(r, "did you mean %04x:%04x (%s, %s)? Fix the ID in %s",
					    suggest->vendor, suggest->device, suggest->slot,
					    pci_class_name(suggest),
					    ids->src[first_un->source].where);
		else
			result_hint(r, "check the IDs against lspci -nn and fix them in %s",
				    ids->src[first_un->source].where);
		return;
	}
	if ((refused = vfio_refused_dev(h))) {
		char label[48];

		result_set(r, LEVEL_WARN,
			   "ids from %s match %s, a %s: vfio-pci refuses a bridge (\"probe of %s "
			   "failed with error -22\"), the host keeps it",
			   ids->src[ids->effective].where, dev_label(refused, label, sizeof(label)),
			   pci_class_name(refused), refused->slot);
		result_hint_rebuild(r, "remove its ID from %s; pass the devices behind it through",
				    ids->src[ids->effective].where);
		return;
	}
	if ((lost = ignored_id(ids))) {
		result_set(r, LEVEL_WARN,
			   "ids= is set in %zu places and only the last, %s, takes effect: "
			   "%s from %s is ignored",
			   ids->nsrc, ids->src[ids->effective].where, lost->text,
			   ids->src[lost->source].where);
		result_hint(r,
			    "keep one ids= list (e.g. in /etc/modprobe.d/vfio.conf) with every ID, "
			    "and remove the others");
		return;
	}
	if (first_odd) {
		/* the kernel's sscanf takes these; say what it took, and what it dropped */
		result_set(r, first_odd->odd == ODD_DROPS ? LEVEL_WARN : LEVEL_NOTE,
			   "ids from %s match: %s; not written as vendor:device: %s",
			   ids->src[ids->effective].where, items_end(&matched), items_end(&odd));
		if (ids->src[ids->effective].from_cmdline)
			result_hint(r, ENTRY_FORM_HINT, "vfio-pci.", ": ",
				    host_cmdline_file_hint(h));
		else
			result_hint_rebuild(r, ENTRY_FORM_HINT, "", " in ",
					    ids->src[ids->effective].where);
		return;
	}
	result_set(r, LEVEL_PASS, "ids from %s match: %s", ids->src[ids->effective].where,
		   items_end(&matched));
}

/*
 * "initcall_blacklist=FN (...)" for the built-in driver or module `asked`, or
 * where to find FN: only `check` on a running host reads /proc/kallsyms.
 */
static const char *initcall_words(const struct host *h, const char *asked, char *buf, size_t cap)
{
	const char *mod = asked;

#ifndef VFP_BOOT_ONLY /* the boot cut reads no kallsyms (analyze.c) and runs no check */
	const char *fn = initcall_fn(&h->initcalls, asked);

	for (size_t i = 0; i < h->initcalls.n; i++)
		if (!strcmp(h->initcalls.v[i].asked, asked))
			mod = h->initcalls.v[i].module;
	if (fn)
		str_fmt(buf, cap, "initcall_blacklist=%s (%s, from /proc/kallsyms)", fn, mod);
	else if (h->phase == PHASE_CHECK)
		str_fmt(buf, cap,
			"initcall_blacklist=FN of %s's __initcall__kmod_%s__N_N_FN6 in /proc/kallsyms",
			mod, mod);
	if (fn || h->phase == PHASE_CHECK)
		return buf;
#else
	(void)h;
#endif
	str_fmt(buf, cap,
		"initcall_blacklist= with %s's init function ('vfio-preflight check' names it)",
		mod);
	return buf;
}

/* where REBIND_BUILTIN="no" is set, for a hint */
static const char *rebind_off_where(const struct host *h, char *buf, size_t cap)
{
	if (h->rebind_off_line)
		str_fmt(buf, cap, "/etc/default/vfio-preflight:%u", h->rebind_off_line);
	else
		str_fmt(buf, cap, "/etc/default/vfio-preflight");
	return buf;
}

/* no IOMMU group, no vfio-pci: init-top's rebind does not run either */
#define IOMMU_OFF_FIX                                                                          \
	"vfio-pci cannot take a device while the IOMMU is off (see iommu.kernel): turn it on " \
	"first, then reboot"

/* pieces the built-in driver fixes share, one copy each in the binary (passed as %s) */
static const char builtin_before[] = ", before any initramfs script",
		  builtin_no_stop[] = "; no softdep or blacklist stops it",
		  no_rebind_cases[] = "(rescue boot, vfio-pci blacklisted or missing)";

/* "; or initcall_blacklist=... if no host device needs it", the last resort of a fix */
static const char *or_initcall(const struct host *h, const char *drv, char *buf, size_t cap)
{
	char ic[160];

	str_fmt(buf, cap, "; or %s if no host device needs it",
		initcall_words(h, drv, ic, sizeof(ic)));
	return buf;
}

/* the fix for a claimed function a built-in driver still holds after init-top */
static void builtin_hint(const struct host *h, const struct pci_func *d, struct check_result *r)
{
	char where[64], last[200], tail[CHECK_HINT_LEN];

	if (h->fell_back) /* the fallback needs the devices where the kernel put them */
		str_fmt(tail, sizeof(tail),
			"%s. This boot fell back (see dmesg | grep 'vfio-preflight: fallback'), so "
			"init-top did not rebind %s; a boot that does not fall back moves it to vfio-pci",
			builtin_before, d->slot);
	else if (d->rebind) /* it should have moved: the rebind failed or is not in the image */
		str_fmt(tail, sizeof(tail),
			"%s%s. init-top's rebind (REBIND_BUILTIN=yes) did not move %s: see dmesg | "
			"grep 'vfio-preflight: rebind'; an image built before it lacks it: run "
			"update-initramfs -u -k all",
			builtin_before, builtin_no_stop, d->slot);
	else if (h->rebind_off)
		str_fmt(tail, sizeof(tail),
			"%s. Remove REBIND_BUILTIN=\"no\" (%s) so init-top moves %s to vfio-pci "
			"(driver_override, %s/unbind), then update-initramfs -u -k all%s",
			builtin_no_stop, rebind_off_where(h, where, sizeof(where)), d->slot,
			d->driver, or_initcall(h, d->driver, last, sizeof(last)));
	else /* rescue boot, vfio-pci blacklisted or missing: nothing can take it */
		str_fmt(tail, sizeof(tail),
			"%s, and init-top's rebind does not run on this boot %s%s", builtin_no_stop,
			no_rebind_cases, or_initcall(h, d->driver, last, sizeof(last)));
	result_hint(r, "%s is built in: it binds at kernel init%s", d->driver, tail);
}

void check_vfio_binding(const struct host *h, struct check_result *r)
{
	struct item_list bad, ok;
	char bad_buf[ITEMS_LEN], ok_buf[ITEMS_LEN], label[48];
	const struct pci_func *first_bad = NULL;
	size_t n_ok = 0;

	items_begin(&bad, bad_buf, sizeof(bad_buf));
	items_begin(&ok, ok_buf, sizeof(ok_buf));
	for (size_t i = 0; i < h->pci.n; i++) {
		const struct pci_func *d = &h->pci.v[i];

		if (!host_claims(d))
			continue;
		if (modname_eq(d->driver, "vfio_pci") ||
		    (!d->driver[0] && h->phase == PHASE_PREDICT)) {
			items_add(&ok, "%s", dev_label(d, label, sizeof(label)));
			n_ok++;
			continue;
		}
		if (d->rebind && h->phase == PHASE_PREDICT) { /* init-top moves it next */
			items_add(
				&ok,
				"%s (on built-in %s: init-top rebinds it unless the boot falls back)",
				dev_label(d, label, sizeof(label)), d->driver);
			n_ok++;
			continue;
		}
		if (d->driver[0])
			items_add(&bad, "%s is bound to %s%s", dev_label(d, label, sizeof(label)),
				  d->driver, d->driver_builtin ? " (built in)" : "");
		else
			items_add(&bad, "%s is bound to no driver",
				  dev_label(d, label, sizeof(label)));
		if (!first_bad || (!first_bad->driver[0] && d->driver[0]) ||
		    (d->driver_builtin && !first_bad->driver_builtin))
			first_bad = d;
	}
	if (first_bad) {
		result_set(r, LEVEL_FAIL, "not claimed by vfio-pci: %s", items_end(&bad));
		if (!host_iommu_active(h)) /* vfio-pci's probe fails on a device without a group */
			result_hint(r, IOMMU_OFF_FIX);
		else if (first_bad->driver_builtin) /* it bound at kernel init: only a rebind by
						       slot helps */
			builtin_hint(h, first_bad, r);
		else if (first_bad->driver[0])
			result_hint(
				r,
				"add 'softdep %s pre: vfio-pci' to /etc/modprobe.d/vfio.conf (or 'blacklist %s' "
				"if no host device needs it), then update-initramfs -u -k all and reboot",
				first_bad->driver, first_bad->driver);
		else
			result_hint(
				r,
				"load vfio-pci early: add vfio_pci to /etc/initramfs-tools/modules, "
				"then update-initramfs -u -k all and reboot");
		return;
	}
	if (!n_ok) {
		result_set(r, LEVEL_NOTE, "no device is claimed by vfio-pci");
		result_hint(
			r,
			"list the GPU and its audio function in 'options vfio-pci ids=' to pass them through");
		return;
	}
	result_set(r, LEVEL_PASS, "%s vfio-pci: %s",
		   h->phase == PHASE_PREDICT ? "will be claimed by" : "bound to", items_end(&ok));
}

/* host GPU drivers that could take a display device of this vendor */
static const enum module_id *host_drivers_for(uint16_t vendor)
{
	static const enum module_id nvidia[] = { M_NOUVEAU, M_NVIDIA, M_COUNT };
	static const enum module_id amd[] = { M_AMDGPU, M_RADEON, M_COUNT };
	static const enum module_id intel[] = { M_I915, M_XE, M_COUNT };
	static const enum module_id aspeed[] = { M_AST, M_COUNT };
	static const enum module_id matrox[] = { M_MGAG200, M_COUNT };
	/* virtio_pci binds every virtio function before virtio_gpu sees it */
	static const enum module_id virtio[] = { M_VIRTIO_PCI, M_VIRTIO_GPU, M_COUNT };
	static const enum module_id qemu[] = { M_BOCHS, M_BOCHS_DRM, M_COUNT };
	static const enum module_id none[] = { M_COUNT };

	switch (vendor) {
	case PCI_VENDOR_ID_NVIDIA: return nvidia;
	case PCI_VENDOR_ID_ATI: return amd;
	case PCI_VENDOR_ID_INTEL: return intel;
	case PCI_VENDOR_ID_ASPEED: return aspeed;
	case PCI_VENDOR_ID_MATROX: return matrox;
	case PCI_VENDOR_ID_REDHAT_QUMRANET: return virtio;
	case PCI_VENDOR_ID_QEMU: return qemu;
	}
	return none;
}

/* what keeps a host driver from a device vfio-pci claims */
enum keep {
	KEEP_NOTHING,	/* it races vfio-pci */
	KEEP_BLACKLIST, /* modprobe.d: it autoloads for no device, the host's own neither */
	KEEP_SOFTDEP,	/* modprobe.d "softdep NAME pre: vfio-pci": vfio-pci binds first */
	KEEP_CMDLINE,	/* module_blacklist= / modprobe.blacklist=: as a blacklist */
};

/* Which rule keeps `name` away; `why` says it in words ("" for KEEP_NOTHING). */
static enum keep driver_kept_away(const struct host *h, const char *name, char *why, size_t cap)
{
	const struct mod_directive *d;
	char where[160];

	why[0] = '\0';
	if ((d = modconf_blacklisted(&h->modconf, name))) {
		modconf_where(&h->modconf, d, where, sizeof(where));
		str_fmt(why, cap, "%s blacklisted (%s)", name, where);
		return KEEP_BLACKLIST;
	}
	if ((d = modconf_softdep_pre(&h->modconf, name, "vfio_pci"))) {
		modconf_where(&h->modconf, d, where, sizeof(where));
		str_fmt(why, cap, "%s after vfio-pci (softdep, %s)", name, where);
		return KEEP_SOFTDEP;
	}
	if (host_cmdline_blacklisted(h, name)) {
		str_fmt(why, cap, "%s blacklisted on the kernel command line", name);
		return KEEP_CMDLINE;
	}
	return KEEP_NOTHING;
}

static bool driver_relevant(const struct host *h, enum module_id m)
{
	if (h->have_modules_dep)
		return h->mod[m] != MOD_MISSING;
	return host_module_present(h, m);
}

/* what the passes of check_host_drivers found, in the order the verdict weighs it */
struct drivers_seen {
	struct item_list kept, racing, conflict, builtin;
	char kept_buf[ITEMS_LEN], race_buf[ITEMS_LEN], conf_buf[ITEMS_LEN], builtin_buf[ITEMS_LEN];
	const struct pci_func *builtin_dev; /* first claimed display a built-in driver takes */
	int first_builtin;		    /* module_id, -1 none */
	unsigned judged;		    /* bit per module_id already judged */
	int first_race, first_conflict;	    /* module_id, -1 none */
	const char *first_alias;	    /* a module outside module_names, NULL none */
};

/* A blacklist starves the host's own cards of that vendor too: those the driver would drive. */
static void blacklist_conflicts(const struct host *h, const struct pci_func *d, enum module_id m,
				const char *why, struct drivers_seen *s)
{
	char label[48];

	for (size_t k = 0; k < h->pci.n; k++) {
		const struct pci_func *o = &h->pci.v[k];

		if (!pci_is_display(o) || host_claims(o) || o->vendor != d->vendor ||
		    (o->driver[0] && !modname_eq(o->driver, module_names[m])))
			continue;
		items_add(&s->conflict, "%s keeps %s from the host's display %s", why,
			  module_names[m], dev_label(o, label, sizeof(label)));
		if (s->first_conflict < 0)
			s->first_conflict = (int)m;
	}
}

/*
 * Can module m take claimed function i? By modules.alias when it is there (radeon cannot take
 * a Navi card). depmod lists only loadable modules there, and a kernel's modules.builtin.modinfo
 * carries no device-table aliases (Debian 13's 6.12: none for its built-in virtio_pci), so for a
 * built-in driver "not in modules.alias" says nothing. The binding does: holding the function,
 * it takes it; another host driver holding it, or none in predict (every built-in driver has
 * probed by then), it does not. On vfio-pci after predict: it did when init-top was asked to
 * move it off (STATE/rebind), not when predict ran and did not ask (initcall_blacklist=, or no
 * match); without that record the vendor's table answers.
 */
static bool driver_can_take(const struct host *h, size_t i, enum module_id m)
{
	const struct pci_func *d = &h->pci.v[i];

	if (h->mod[m] != MOD_BUILTIN)
		return alias_binds(&h->aliases, i, module_names[m]) != 0;
	if (d->driver[0] && modname_eq(d->driver, module_names[m]))
		return true;
	if (d->driver[0] ? !modname_eq(d->driver, "vfio_pci") : h->phase == PHASE_PREDICT)
		return false;
	/* canonical slots, no spaces: one found in the list is one of its words */
	return !h->rebound || strstr(h->rebound, d->slot);
}

/* pass 1: the vendor's GPU drivers against each claimed display device */
static void judge_claimed_display(const struct host *h, size_t i, struct drivers_seen *s)
{
	const struct pci_func *d = &h->pci.v[i];
	char why[200], label[48];

	for (const enum module_id *m = host_drivers_for(d->vendor); *m != M_COUNT; m++) {
		enum keep k;

		if ((s->judged & (1u << *m)) || !driver_relevant(h, *m) ||
		    !driver_can_take(h, i, *m))
			continue;
		s->judged |= 1u << *m;
		if (h->mod[*m] ==
		    MOD_BUILTIN) { /* binds at kernel init: nothing in modprobe.d stops it */
			items_add(&s->builtin, "%s (built into the kernel) takes %s at kernel init",
				  module_names[*m], dev_label(d, label, sizeof(label)));
			if (s->first_builtin < 0) {
				s->first_builtin = (int)*m;
				s->builtin_dev = d;
			}
			continue;
		}
		k = driver_kept_away(h, module_names[*m], why, sizeof(why));
		if (k == KEEP_NOTHING) {
			items_add(&s->racing, "%s (nothing orders it after vfio-pci) may take %s",
				  module_names[*m], dev_label(d, label, sizeof(label)));
			if (s->first_race < 0)
				s->first_race = (int)*m;
			continue;
		}
		items_add(&s->kept, "%s", why);
		if (k != KEEP_SOFTDEP)
			blacklist_conflicts(h, d, *m, why, s);
	}
}

/*
 * pass 2: drivers in this initramfs whose aliases match a function vfio-pci does not hold.
 * Only in the initramfs: on a running host modules.alias lists every module on disk, which
 * says nothing of a race.
 */
static void judge_initramfs_aliases(const struct host *h, struct drivers_seen *s)
{
	char why[200], label[48];

	for (size_t i = 0; i < h->aliases.n; i++) {
		const struct alias_hit *a = &h->aliases.v[i];
		int m;

		if (modname_eq(h->pci.v[a->dev].driver, "vfio_pci"))
			continue;
		m = module_id_of(a->module);
		if (m >= 0 && (s->judged & (1u << m)))
			continue; /* judged in pass 1 */
		if (driver_kept_away(h, a->module, why, sizeof(why)) != KEEP_NOTHING) {
			items_add(&s->kept, "%s", why);
			continue;
		}
		items_add(&s->racing, "%s (in this initramfs, matches its modalias) may take %s",
			  a->module, dev_label(&h->pci.v[a->dev], label, sizeof(label)));
		if (!s->first_alias)
			s->first_alias = a->module;
	}
}

/* a race first (a guest may get no GPU), then a starved host display */
static void drivers_verdict(const struct host *h, struct drivers_seen *s, struct check_result *r)
{
	char ic[256];

	if (s->first_builtin >= 0 && host_rebind_possible(h)) {
		/* init-top's rebind moves it; a card a host driver set up may not reset well */
		result_set(
			r, LEVEL_NOTE,
			"a built-in host driver binds a claimed device at kernel init, before any "
			"initramfs script; init-top moves it to vfio-pci by slot (REBIND_BUILTIN=yes): %s",
			items_end(&s->builtin));
		result_hint(
			r,
			"to keep %s off the card from the start (it initialised it before the rebind), "
			"%s on the kernel command line (%s), if no host device needs it",
			module_names[s->first_builtin],
			initcall_words(h, module_names[s->first_builtin], ic, sizeof(ic)),
			host_cmdline_file_hint(h));
		return;
	}
	if (s->first_builtin >= 0) {
		char where[64];

		result_set(r, LEVEL_FAIL,
			   "a built-in host driver binds a claimed device before any initramfs "
			   "script runs; no softdep or blacklist can stop it: %s",
			   items_end(&s->builtin));
		if (h->rebind_off)
			result_hint(
				r,
				"remove REBIND_BUILTIN=\"no\" (%s) so init-top moves %s to vfio-pci by "
				"slot (driver_override, unbind), then update-initramfs -u -k all; or %s "
				"on the kernel command line if no host device needs %s",
				rebind_off_where(h, where, sizeof(where)), s->builtin_dev->slot,
				initcall_words(h, module_names[s->first_builtin], ic, sizeof(ic)),
				module_names[s->first_builtin]);
		else if (!host_iommu_active(h))
			result_hint(r, IOMMU_OFF_FIX);
		else /* rescue boot, vfio-pci blacklisted or missing */
			result_hint(
				r,
				"init-top's rebind by slot does not run on this boot (rescue boot, "
				"vfio-pci blacklisted or missing); %s on the kernel command line keeps "
				"%s off every device, if no host device needs it",
				initcall_words(h, module_names[s->first_builtin], ic, sizeof(ic)),
				module_names[s->first_builtin]);
		return;
	}
	if (s->first_race >= 0 || s->first_alias) {
		result_set(r, LEVEL_WARN, "host driver can race vfio-pci: %s",
			   items_end(&s->racing));
		result_hint_rebuild(
			r, "add 'softdep %s pre: vfio-pci' to /etc/modprobe.d/vfio.conf",
			s->first_race >= 0 ? module_names[s->first_race] : s->first_alias);
		return;
	}
	if (s->first_conflict >= 0) {
		result_set(r, LEVEL_WARN, "blacklist hits a display the host keeps: %s",
			   items_end(&s->conflict));
		result_hint_rebuild(
			r,
			"replace 'blacklist %s' with 'softdep %s pre: vfio-pci' in /etc/modprobe.d",
			module_names[s->first_conflict], module_names[s->first_conflict]);
		return;
	}
	if (!s->judged && !s->kept.shown) {
		result_set(r, LEVEL_PASS, "no host GPU driver can take a claimed display device");
		return;
	}
	result_set(r, LEVEL_PASS, "host GPU drivers kept away: %s", items_end(&s->kept));
}

void check_host_drivers(const struct host *h, struct check_result *r)
{
	struct drivers_seen s = { .first_race = -1, .first_conflict = -1, .first_builtin = -1 };

	items_begin(&s.kept, s.kept_buf, sizeof(s.kept_buf));
	items_begin(&s.racing, s.race_buf, sizeof(s.race_buf));
	items_begin(&s.conflict, s.conf_buf, sizeof(s.conf_buf));
	items_begin(&s.builtin, s.builtin_buf, sizeof(s.builtin_buf));
	for (size_t i = 0; i < h->pci.n; i++)
		if (host_claims(&h->pci.v[i]) && pci_is_display(&h->pci.v[i]))
			judge_claimed_display(h, i, &s);
	if (h->phase == PHASE_PREDICT || h->phase == PHASE_VERIFY)
		judge_initramfs_aliases(h, &s);
	drivers_verdict(h, &s, r);
}
