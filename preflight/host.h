/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * host.h - one snapshot of everything the checks look at.
 *
 * host_load() does all the reading (under the root prefix); the checks
 * are pure functions of the snapshot. Absent inputs are recorded as
 * unknown, never as errors.
 */
#ifndef VFP_HOST_H
#define VFP_HOST_H

#include <stdbool.h>

#include "cmdline.h"
#include "cpu.h"
#include "dmar.h"
#include "diag.h"
#include "kmod_index.h"
#include "kmod_options.h"
#include "initcall.h"
#include "iomem.h"
#include "modalias.h"
#include "modload.h"
#include "modprobe.h"
#include "pci.h"
#include "pci_bars.h"
#include "rootfs.h"
#include "snapshot.h"
#include "vfio_ids.h"
#include "vfio_params.h"

enum phase {
	PHASE_CHECK,   /* a running host */
	PHASE_PREDICT, /* initramfs init-top: nothing bound yet */
	PHASE_VERIFY,  /* initramfs after load_modules */
	PHASE_UPGRADE, /* initramfs local-bottom, real root at rootmnt */
	PHASE_COUNT
};

/*
 * PHASE_CHECK: `check` on a running host, which the boot cut (VFP_BOOT_ONLY,
 * see main.c) never runs. There this is constant false, so what only `check`
 * reads or says is not in the initramfs' binary.
 */
#ifdef VFP_BOOT_ONLY
#define phase_is_check(p) ((void)(p), false)
#else
#define phase_is_check(p) ((p) == PHASE_CHECK)
#endif

const char *phase_name(enum phase p);		  /* "check", "predict", ... */
int phase_parse(const char *name, enum phase *p); /* 0 or -EINVAL */

enum tristate { TRI_UNKNOWN = -1, TRI_NO = 0, TRI_YES = 1 };

enum modstate {
	MOD_UNKNOWN, /* no modules.dep to tell */
	MOD_MISSING,
	MOD_AVAILABLE, /* in modules.dep, not loaded */
	MOD_LOADED,
	MOD_BUILTIN,
};

/* Modules the checks ask about; index with enum module_id. */
enum module_id {
	M_VFIO,
	M_VFIO_IOMMU_TYPE1,
	M_VFIO_PCI,
	M_NOUVEAU,
	M_NVIDIA,
	M_AMDGPU,
	M_RADEON,
	M_I915,
	M_XE,
	M_AST,
	M_MGAG200,
	M_VIRTIO_GPU,
	M_VIRTIO_PCI,
	M_BOCHS,
	M_BOCHS_DRM,
	M_KVM,
	M_KVM_INTEL,
	M_KVM_AMD,
	M_VENDOR_RESET,
	M_COUNT
};
extern const char *const module_names[M_COUNT];
/* the enum module_id of a module name ('-' or '_'), -1 when not one of them */
int module_id_of(const char *name);

struct group_ref {
	int group;
	size_t idx; /* into host.pci */
};

struct host {
	enum phase phase;
	const struct root *root;
	char kernel_release[96]; /* "" unknown */

	struct cmdline cmdline;
	char *cmdline_raw; /* /proc/cmdline as read, for kmod's own reading of it */
	struct modconf modconf;
	struct vfio_ids ids;
	/* vfio-pci's option string (kmod) and what the kernel makes of it */
	struct vfio_options {
		struct modopts opts;
		struct vfio_load load;
		bool known;   /* built and parsed (not in PHASE_UPGRADE, not out of memory) */
		bool builtin; /* built into the kernel: modprobe.d never reaches it */
		bool refused; /* init_module() fails: nothing is claimed */
	} vfio;
	struct pci_list pci;
	const char *backend;

	/* IOMMU */
	enum tristate acpi; /* ACPI tables visible at all */
	bool has_dmar, has_ivrs;
	int dmar_fd; /* the DMAR table, open from load_iommu until the RMRRs are read, else -1 */
	unsigned n_groups;	/* entries of /sys/kernel/iommu_groups */
	unsigned n_iommu_units; /* entries of /sys/class/iommu */
	char domain_type[16];	/* of a passthrough group, else of group 0 */
	enum tristate intremap; /* from /proc/interrupts */
	bool allow_unsafe;
	char allow_unsafe_where[128];
	/* where the kernel command line is kept (GRUB's without /etc/kernel/cmdline) */
	enum cmdline_source cmdline_from;

	/* modules */
	enum modstate mod[M_COUNT];
	bool have_modules_dep;
	enum kmod_source modules_source; /* modules.dep.bin or the text modules.dep */

	/* the failures the forums are full of (platform inputs) */
	struct cpu_virt cpu;	/* vmx/svm, /dev/kvm */
	struct fb_list fbs;	/* firmware framebuffers in /proc/iomem */
	struct bar_list bars;	/* BARs of the claimed functions */
	struct rmrr_list rmrr;	/* DMAR RMRR endpoints */
	struct modload modload; /* modules named in load lists (upgrade: the real root's) */

	/* derived by host_analyze() */
	struct alias_hits aliases; /* initramfs phases: image drivers matching claimed functions */
	size_t n_claimed;
	struct group_ref *by_group; /* devices with a group, by (group, slot) */
	size_t n_by_group;	    /* devices that have a group */

	/* PHASE_UPGRADE: the image ("/") against the real root at rootmnt */
	struct upgrade {
		const char *rootmnt;  /* for messages */
		bool image_snapshot;  /* /etc/vfio-preflight/snapshot was found */
		char *image_modprobe; /* snapshot "modprobe:" lines of the image */
		char *root_modprobe;  /* ... and of the real root */
		enum cmdline_source configured_from;
		char *configured_params;   /* passthrough parameters configured */
		char *booted_params;	   /* ... and booted (/proc/cmdline) */
		bool root_configures_vfio; /* the real root lists ids for vfio-pci */
	} up;
	bool rescue_boot; /* vfio_preflight.rescue=1 on the cmdline */
	/* REBIND_BUILTIN="no": init-top leaves claimed devices on their built-in driver */
	bool rebind_off;
	unsigned rebind_off_line;
	bool fell_back; /* after predict: this boot fell back, nothing was rebound */
	/* after predict: the slots init-top was asked to move off a built-in driver
	 * (STATE/rebind; the caller's buffer), NULL unless STATE/predict.env says predict ran */
	const char *rebound;

	/* derived: claimed functions init-top's rebind moves off a built-in driver */
	size_t n_rebind;
	/* check phase: init functions of the built-in drivers that hold or can take a claimed
	 * device, for initcall_blacklist= (status -ENODATA elsewhere: boot reads no kallsyms) */
	struct initcall_list initcalls;

	struct diag diag;
};

struct host_options {
	enum phase phase;
	const struct pci_backend *backend;
	const struct root *rootmnt; /* PHASE_UPGRADE only */
	/* REBIND_BUILTIN="no" in /etc/default/vfio-preflight, on that line (0: unset) */
	bool rebind_off;
	unsigned rebind_off_line;
	bool fell_back;	     /* init-top fell back on this boot (STATE/fallback, not "off") */
	const char *rebound; /* STATE/rebind's slots after predict; NULL: predict did not run */
};

/* Read everything; returns 0 or -errno for internal failures only. */
int host_load(struct host *h, const struct root *r, const struct host_options *opt);
/* Claims, id matches, group index: called by host_load. */
int host_analyze(struct host *h);
void host_free(struct host *h);

/* helpers for checks */
bool host_claims(const struct pci_func *d);
bool host_iommu_active(const struct host *h);
/* init-top's rebind can move a claimed function off a built-in driver (see analyze.c) */
bool host_rebind_possible(const struct host *h);
bool host_module_present(const struct host *h, enum module_id m); /* loaded or built in */
/* module_blacklist= or modprobe.blacklist= on the command line names module */
bool host_cmdline_blacklisted(const struct host *h, const char *module);
/* [start, end) in by_group: the group that starts at by_group[start] */
size_t host_group_end(const struct host *h, size_t start);
/* the CPU platform, from the vendor of the host bridge at 0000:00:00.0: PCI_VENDOR_ID_INTEL, _AMD
 * or 0 */
unsigned host_platform_vendor(const struct host *h);

#endif
