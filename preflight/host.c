/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * host.c - read the snapshot the checks work on.
 */
#include "format.h"
#include "host.h"
#include "kparam.h"
#include "macro.h"
#include "snapshot.h"
#include "strbuf.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

/* as on the command line, in state file names, JSON, env and kmsg */
static const char *const phase_names[] = {
	[PHASE_CHECK] = "check",
	[PHASE_PREDICT] = "predict",
	[PHASE_VERIFY] = "verify",
	[PHASE_UPGRADE] = "upgrade",
};
_Static_assert(ARRAY_SIZE(phase_names) == PHASE_COUNT, "a name for every phase");

const char *phase_name(enum phase p)
{
	return phase_names[p];
}

int phase_parse(const char *name, enum phase *p)
{
	for (size_t i = 0; i < ARRAY_SIZE(phase_names); i++)
		if (!strcmp(name, phase_names[i])) {
			*p = (enum phase)i;
			return 0;
		}
	return -EINVAL;
}

const char *const module_names[M_COUNT] = {
	[M_VFIO] = "vfio",
	[M_VFIO_IOMMU_TYPE1] = "vfio_iommu_type1",
	[M_VFIO_PCI] = "vfio_pci",
	[M_NOUVEAU] = "nouveau",
	[M_NVIDIA] = "nvidia",
	[M_AMDGPU] = "amdgpu",
	[M_RADEON] = "radeon",
	[M_I915] = "i915",
	[M_XE] = "xe",
	[M_AST] = "ast",
	[M_MGAG200] = "mgag200",
	[M_VIRTIO_GPU] = "virtio_gpu",
	[M_VIRTIO_PCI] = "virtio_pci",
	[M_BOCHS] = "bochs",
	[M_BOCHS_DRM] = "bochs_drm",
	[M_KVM] = "kvm",
	[M_KVM_INTEL] = "kvm_intel",
	[M_KVM_AMD] = "kvm_amd",
	[M_VENDOR_RESET] = "vendor_reset",
};

int module_id_of(const char *name)
{
	for (int i = 0; i < M_COUNT; i++)
		if (modname_eq(name, module_names[i]))
			return i;
	return -1;
}

static void load_kernel_release(struct host *h)
{
	struct utsname u;
	int n = root_read(h->root, "proc/sys/kernel/osrelease", h->kernel_release,
			  sizeof(h->kernel_release));

	if (n > 0) {
		char *v = str_trim(h->kernel_release);
		memmove(h->kernel_release, v, strlen(v) + 1);
	} else if (strcmp(h->root->path, "/") == 0 && uname(&u) == 0) {
		str_fmt(h->kernel_release, sizeof(h->kernel_release), "%s", u.release);
	} else {
		h->kernel_release[0] = '\0';
	}
}

/* the buffer on the stack: through malloc it costs klibc an mmap and a munmap */
static int load_cmdline(struct host *h)
{
	char buf[CMDLINE_MAX + 1];
	int n, err;

	n = root_read(h->root, "proc/cmdline", buf, CMDLINE_MAX + 1);
	if (n < 0) {
		diag_add(&h->diag, "/proc/cmdline: %s; command line treated as empty",
			 ERR_TEXT(-n));
		buf[0] = '\0';
	} else {
		if ((size_t)n == CMDLINE_MAX)
			diag_add(&h->diag, "/proc/cmdline longer than %d bytes; the rest ignored",
				 CMDLINE_MAX);
		if (strlen(buf) != (size_t)n)
			diag_add(&h->diag,
				 "/proc/cmdline contains NUL bytes; read up to the first");
	}
	err = cmdline_parse(&h->cmdline, buf);
	if (!err && !(h->cmdline_raw = strdup(buf)))
		err = -ENOMEM;
	if (!err && h->cmdline.dropped)
		diag_add(&h->diag, "/proc/cmdline has more than %d parameters; %d ignored",
			 CMDLINE_MAX_PARAMS, h->cmdline.dropped);
	return err;
}

static bool value_true(const char *v)
{
	return !strcmp(v, "1") || !strcasecmp(v, "y") || !strcasecmp(v, "yes") ||
	       !strcasecmp(v, "true") || !strcasecmp(v, "on");
}

static void load_iommu(struct host *h)
{
	struct root_dir dir;
	struct dirent *de;
	char buf[128];
	const struct cmdline_param *p;
	const struct mod_directive *md;
	int ir;

	/* kept open for the RMRRs (load_platform): the table is opened once */
	h->dmar_fd = root_openat(h->root, "sys/firmware/acpi/tables/DMAR",
				 O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	h->has_dmar = h->dmar_fd >= 0;
	h->has_ivrs = root_exists(h->root, "sys/firmware/acpi/tables/IVRS");
	/* either table says the directory is there: probe it only without both */
	h->acpi = h->has_dmar || h->has_ivrs || root_exists(h->root, "sys/firmware/acpi/tables")
			  ? TRI_YES
			  : TRI_UNKNOWN;

	if (root_dir_open(&dir, h->root, "sys/kernel/iommu_groups") == 0) {
		while ((de = root_dir_next(&dir)))
			if (de->d_name[0] != '.')
				h->n_groups++;
		root_dir_close(&dir);
	}
	if (root_dir_open(&dir, h->root, "sys/class/iommu") == 0) {
		while ((de = root_dir_next(&dir)))
			if (de->d_name[0] != '.')
				h->n_iommu_units++;
		root_dir_close(&dir);
	}

	ir = root_file_contains(h->root, "proc/interrupts", "IR-");
	h->intremap = ir < 0 ? TRI_UNKNOWN : ir ? TRI_YES : TRI_NO;

	if ((md = modconf_option(&h->modconf, "vfio_iommu_type1", "allow_unsafe_interrupts", buf,
				 sizeof(buf))) &&
	    value_true(buf)) {
		h->allow_unsafe = true;
		modconf_where(&h->modconf, md, h->allow_unsafe_where,
			      sizeof(h->allow_unsafe_where));
	}
	if ((p = cmdline_last(&h->cmdline, "vfio_iommu_type1.allow_unsafe_interrupts"))) {
		h->allow_unsafe = !p->val || value_true(p->val);
		str_fmt(h->allow_unsafe_where, sizeof(h->allow_unsafe_where),
			"the kernel command line");
	}
	if (root_read(h->root, "sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts",
		      buf, sizeof(buf)) > 0 &&
	    value_true(str_trim(buf))) {
		if (!h->allow_unsafe)
			str_fmt(h->allow_unsafe_where, sizeof(h->allow_unsafe_where),
				"/sys/module/vfio_iommu_type1/parameters");
		h->allow_unsafe = true;
	}
	h->cmdline_from = root_exists(h->root, "etc/kernel/cmdline")
				  ? kernel_cmdline_source(h->root)
				  : CMDLINE_GRUB;
}

/* "kernel/drivers/vfio/pci/vfio-pci.ko.xz: ..." -> "vfio_pci" */
static int module_from_path(const char *line, char *out, size_t cap)
{
	const char *end = strchr(line, ':'), *start, *ko;
	size_t len;

	if (!end)
		end = line + strlen(line);
	for (start = end; start > line && start[-1] != '/'; start--)
		;
	ko = strstr(start, ".ko");
	if (!ko || ko > end)
		return -1;
	len = (size_t)(ko - start);
	if (len == 0 || len >= cap)
		return -1;
	memcpy(out, start, len);
	out[len] = '\0';
	return 0;
}

struct modfile_ctx {
	struct host *h;
	enum modstate state;
};

static int on_module_line(void *ctx, char *line, size_t len, unsigned lineno, int truncated)
{
	struct modfile_ctx *mc = ctx;
	char name[MODNAME_LEN];
	int idx;

	(void)len;
	(void)lineno;
	if (truncated || module_from_path(line, name, sizeof(name)) < 0)
		return 0;
	modload_mark(&mc->h->modload, name);
	idx = module_id_of(name);
	if (idx >= 0 && mc->h->mod[idx] < mc->state)
		mc->h->mod[idx] = mc->state;
	return 0;
}

/*
 * modules.dep.bin and modules.builtin.bin: one lookup per module the
 * checks ask about instead of a pass over modules.dep. -errno when an
 * index cannot answer; then the text files do (see load_modules).
 */
static int load_modules_index(struct host *h, const char *dir)
{
	struct kmod_index dep, builtin;
	char path[160];
	int err, berr;

	str_fmt(path, sizeof(path), "%s/modules.dep.bin", dir);
	if ((err = kmod_index_open(&dep, h->root, path)) < 0)
		return err;
	str_fmt(path, sizeof(path), "%s/modules.builtin.bin", dir);
	berr = kmod_index_open(&builtin, h->root, path);
	for (int i = 0; i < M_COUNT && err >= 0; i++) {
		const char *v;
		size_t len;

		if ((err = kmod_index_get(&dep, module_names[i], &v, &len)) >= 0)
			h->mod[i] = err ? MOD_AVAILABLE : MOD_MISSING;
		if (err >= 0 && berr == 0 &&
		    (err = kmod_index_get(&builtin, module_names[i], &v, &len)) > 0)
			h->mod[i] = MOD_BUILTIN;
	}
	/* the names the module-load lists give (modules.unknown) */
	for (unsigned i = 0; i < h->modload.n && err >= 0; i++) {
		struct modload_entry *e = &h->modload.v[i];
		const char *v;
		size_t len;

		if ((err = kmod_index_get(&dep, e->module, &v, &len)) > 0 ||
		    (err >= 0 && berr == 0 &&
		     (err = kmod_index_get(&builtin, e->module, &v, &len)) > 0))
			e->found = true;
	}
	kmod_index_close(&dep);
	if (berr == 0)
		kmod_index_close(&builtin);
	return err < 0 ? err : berr < 0 ? berr : 0;
}

static void load_modules(struct host *h)
{
	char path[160], dir[128];
	struct root_dir dir_sys;
	struct dirent *de;
	struct modfile_ctx mc = { .h = h };
	int err;

	for (int i = 0; i < M_COUNT; i++)
		h->mod[i] = MOD_UNKNOWN;
	if (h->kernel_release[0]) {
		str_fmt(dir, sizeof(dir), "lib/modules/%s", h->kernel_release);
		err = load_modules_index(h, dir);
		if (err == 0) {
			h->have_modules_dep = h->modload.have_dep = true;
			h->modules_source = KMOD_FROM_INDEX;
		} else {
			for (unsigned i = 0; i < h->modload.n; i++)
				h->modload.v[i].found = false;
			for (int i = 0; i < M_COUNT; i++)
				h->mod[i] = MOD_UNKNOWN;
			str_fmt(path, sizeof(path), "%s/modules.dep", dir);
			mc.state = MOD_AVAILABLE;
			if (root_for_each_line_regular(h->root, path, on_module_line, &mc) == 0) {
				h->have_modules_dep = h->modload.have_dep = true;
				h->modules_source = KMOD_FROM_TEXT;
				for (int i = 0; i < M_COUNT; i++)
					if (h->mod[i] == MOD_UNKNOWN)
						h->mod[i] = MOD_MISSING;
				if (err != -ENOENT)
					diag_add(
						&h->diag,
						"/%s/modules.dep.bin or modules.builtin.bin: %s; read modules.dep "
						"and modules.builtin instead",
						dir, KMOD_INDEX_ERROR(err));
			}
			str_fmt(path, sizeof(path), "%s/modules.builtin", dir);
			mc.state = MOD_BUILTIN;
			root_for_each_line_regular(h->root, path, on_module_line, &mc);
		}
	}
	/* /sys/module: loaded modules have initstate, built-in ones do not */
	if (root_dir_open(&dir_sys, h->root, "sys/module") == 0) {
		while ((de = root_dir_next(&dir_sys))) {
			int idx = module_id_of(de->d_name);

			if (idx < 0)
				continue;
			str_fmt(path, sizeof(path), "sys/module/%s/initstate", module_names[idx]);
			h->mod[idx] = root_exists(h->root, path) ? MOD_LOADED : MOD_BUILTIN;
		}
		root_dir_close(&dir_sys);
	}
}

/*
 * ids= as vfio-pci receives it: the option string kmod builds (modprobe.d,
 * then the command line's vfio-pci.* words as kmod reads them), parsed as
 * the kernel parses it; each ids= word is a source, the last one wins. A
 * built-in vfio-pci gets only the kernel's own reading of the command line
 * (which stops at "--"); its modprobe.d ids are kept to say they are lost.
 */
static void load_ids(struct host *h)
{
	struct vfio_options *vo = &h->vfio;
	const struct cmdline_param *p;
	size_t pos = 0;

	h->ids.effective = -1;
	vo->builtin = h->mod[M_VFIO_PCI] == MOD_BUILTIN;
	if (modopts_build(&vo->opts, &h->modconf, vo->builtin ? NULL : h->cmdline_raw, "vfio_pci") <
	    0)
		return;
	if (vfio_load_parse(&vo->load, vo->opts.text, kparam_bool_words(h->kernel_release)) < 0) {
		modopts_free(&vo->opts);
		return;
	}
	vo->known = true;
	vo->refused = !vo->builtin && vo->load.err;
	for (size_t i = 0; i < vo->load.n_ids; i++) {
		const struct vfio_ids_word *w = &vo->load.ids[i];
		char where[200];

		modopts_where(&vo->opts, &h->modconf, w->off, where, sizeof(where));
		if (str_starts(where, "the kernel command line"))
			vfio_ids_add_list(&h->ids, w->val, "kernel command line (vfio-pci.ids=)",
					  1);
		else
			vfio_ids_add_list(&h->ids, w->val, where, 0);
	}
	/* a built-in one: the kernel's reading of the command line; a value it refuses is not set
	 */
	if (vo->builtin)
		while ((p = cmdline_next(&h->cmdline, "vfio_pci.ids", &pos)))
			if (p->val && strlen(p->val) <= VFIO_ENTRY_MAX)
				vfio_ids_add_list(&h->ids, p->val,
						  "kernel command line (vfio-pci.ids=)", 1);
	if (h->ids.dropped)
		diag_add(&h->diag, "vfio-pci ids=: more than %d entries; %u ignored", VFIO_IDS_MAX,
			 h->ids.dropped);
}

/* a SNAPSHOT_MAX heap buffer holding what fill() writes */
static char *snapshot_text(void (*fill)(struct strbuf *, const void *), const void *arg)
{
	char *buf = malloc(SNAPSHOT_MAX);
	struct strbuf sb;

	if (!buf)
		return NULL;
	sb_init(&sb, buf, SNAPSHOT_MAX);
	fill(&sb, arg);
	return buf;
}

static void fill_modprobe(struct strbuf *sb, const void *mc)
{
	snapshot_modprobe(mc, sb);
}

/* the "modprobe:" lines of the snapshot file the hook stored in the image */
static void fill_stored(struct strbuf *sb, const void *r)
{
	char *file = malloc(SNAPSHOT_MAX), *line, *save = NULL;

	if (!file)
		return;
	if (root_read(r, "etc/vfio-preflight/snapshot", file, SNAPSHOT_MAX) > 0)
		for (line = strtok_r(file, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
			if (str_starts(line, "modprobe: "))
				sb_addf(sb, "%s\n", line);
	free(file);
}

static void fill_params(struct strbuf *sb, const void *text)
{
	passthrough_params(text, sb);
}

static int load_upgrade(struct host *h, const struct root *rootmnt)
{
	struct upgrade *up = &h->up;
	struct modconf root_mc;
	char *raw = malloc(CMDLINE_MAX + 1), *conf = malloc(SNAPSHOT_MAX);
	struct strbuf sb;
	int err = -ENOMEM;

	up->rootmnt = rootmnt->path;
	if (!raw || !conf)
		goto out;
	up->image_snapshot = root_exists(h->root, "etc/vfio-preflight/snapshot");
	up->image_modprobe = up->image_snapshot ? snapshot_text(fill_stored, h->root)
						: snapshot_text(fill_modprobe, &h->modconf);
	if ((err = modconf_load(&root_mc, rootmnt, &h->diag)) < 0)
		goto out;
	up->root_modprobe = snapshot_text(fill_modprobe, &root_mc);
	for (size_t i = 0; i < root_mc.n; i++)
		if (root_mc.d[i].kind == MOD_OPTIONS && modname_eq(root_mc.d[i].module, "vfio_pci"))
			up->root_configures_vfio = true;
	modconf_free(&root_mc);

	sb_init(&sb, conf, SNAPSHOT_MAX);
	up->configured_from = configured_cmdline(rootmnt, &sb);
	up->configured_params = snapshot_text(fill_params, conf);
	if (root_read(h->root, "proc/cmdline", raw, CMDLINE_MAX + 1) < 0)
		raw[0] = '\0';
	up->booted_params = snapshot_text(fill_params, raw);
	if (strstr(conf, "vfio-pci.ids=") || strstr(conf, "vfio_pci.ids="))
		up->root_configures_vfio = true;
	err = up->image_modprobe && up->root_modprobe && up->configured_params && up->booted_params
		      ? 0
		      : -ENOMEM;
out:
	free(raw);
	free(conf);
	return err;
}

static int claimed(const struct pci_func *d)
{
	return d->claim != CLAIM_NONE;
}

/* CPU, framebuffers, BARs and RMRRs: read after the claims, and for claimed functions only */
static int load_platform(struct host *h)
{
	/* kvm.available judges /dev/kvm only after the switch to the real root */
	cpu_load(h->root, h->phase != PHASE_PREDICT && h->phase != PHASE_VERIFY, &h->cpu);
	if (!h->n_claimed)
		return 0;
	iomem_load(h->root, &h->fbs);
	if (h->dmar_fd >= 0)
		rmrr_load(h->root, h->dmar_fd, &h->rmrr);
	else
		h->rmrr.status = -ENOENT;
	h->dmar_fd = -1; /* rmrr_load closed it */
	return bars_load(h->root, &h->pci, claimed, &h->bars);
}

int host_load(struct host *h, const struct root *r, const struct host_options *opt)
{
	int err;

	memset(h, 0, sizeof(*h));
	h->dmar_fd = -1;
	h->root = r;
	h->phase = opt->phase;
	h->backend = opt->backend->name;
	h->rebind_off = opt->rebind_off;
	h->rebind_off_line = opt->rebind_off_line;
	h->fell_back = opt->fell_back && opt->phase != PHASE_PREDICT;
	h->rebound = opt->phase != PHASE_PREDICT ? opt->rebound : NULL;

	load_kernel_release(h);
	if ((err = load_cmdline(h)) < 0)
		return err;
	if ((err = modconf_load(&h->modconf, r, &h->diag)) < 0)
		return err;
	/* before load_modules: its one pass over modules.dep marks the listed names */
	if (h->phase != PHASE_UPGRADE)
		modload_read(r, h->phase == PHASE_PREDICT || h->phase == PHASE_VERIFY, &h->modload);
	load_modules(h);
	h->rescue_boot = cmdline_last(&h->cmdline, "vfio_preflight.rescue") != NULL;
	if (h->phase == PHASE_UPGRADE) { /* no PCI scan: this phase compares configurations */
		if (!opt->rootmnt)
			return -EINVAL;
		/* the real root's load lists against the real root's modules for this kernel */
		modload_read(opt->rootmnt, false, &h->modload);
		modload_scan(opt->rootmnt, h->kernel_release, &h->modload);
		return load_upgrade(h, opt->rootmnt);
	}
	load_ids(h);
	load_iommu(h);
	if ((err = opt->backend->scan(r, &h->pci, &h->diag)) < 0 ||
	    (err = pci_list_sort(&h->pci)) < 0 || (err = host_analyze(h)) < 0) {
		if (h->dmar_fd >= 0) /* load_platform's, never reached */
			close(h->dmar_fd);
		h->dmar_fd = -1;
		return err;
	}
	return load_platform(h);
}

void host_free(struct host *h)
{
	if (h->dmar_fd >= 0)
		close(h->dmar_fd);
	h->dmar_fd = -1;
	cmdline_free(&h->cmdline);
	free(h->cmdline_raw);
	h->cmdline_raw = NULL;
	modopts_free(&h->vfio.opts);
	vfio_load_free(&h->vfio.load);
	modconf_free(&h->modconf);
	pci_list_free(&h->pci);
	bars_free(&h->bars);
	free(h->by_group);
	h->by_group = NULL;
	free(h->up.image_modprobe);
	free(h->up.root_modprobe);
	free(h->up.configured_params);
	free(h->up.booted_params);
}
