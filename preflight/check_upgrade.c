/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check_upgrade.c - after an upgrade or an edit, does the boot match the
 * configuration on disk? Run at local-bottom, with the real root mounted:
 * the image's modprobe.d snapshot against the root's (update-initramfs
 * forgotten), the configured command line against /proc/cmdline
 * (update-grub / proxmox-boot-tool refresh forgotten), and the vfio
 * modules of this kernel's image.
 */
#include "checks.h"
#include "snapshot.h"

void check_modprobe_stale(const struct host *h, struct check_result *r)
{
	const struct upgrade *up = &h->up;
	char buf[ITEMS_LEN];
	struct strbuf sb;

	sb_init(&sb, buf, sizeof(buf));
	lines_missing(up->root_modprobe, up->image_modprobe, "only on disk: ", &sb);
	lines_missing(up->image_modprobe, up->root_modprobe, "only in the image: ", &sb);
	if (!sb.len) {
		result_set(r, LEVEL_PASS,
			   "the image's modprobe.d configuration matches %s/etc/modprobe.d%s",
			   up->rootmnt,
			   up->image_snapshot ? " (snapshot taken when the image was built)" : "");
		return;
	}
	result_set(r, LEVEL_FAIL, "modprobe.d changed after this initramfs was built: %s%s", buf,
		   sb.truncated ? "..." : "");
	result_hint(
		r,
		"run update-initramfs -u -k all, then reboot: until then the image applies the old configuration");
}

void check_cmdline_stale(const struct host *h, struct check_result *r)
{
	const struct upgrade *up = &h->up;
	char buf[ITEMS_LEN];
	struct strbuf sb;

	if (h->rescue_boot) {
		result_set(
			r, LEVEL_NOTE,
			"rescue boot (vfio_preflight.rescue=1): the command line differs from the "
			"configuration on purpose");
		result_hint(
			r, "fix what the earlier verdicts name, then reboot into the normal entry");
		return;
	}
	if (up->configured_from == CMDLINE_UNCONFIGURED) {
		result_set(r, LEVEL_NOTE,
			   "no /etc/kernel/cmdline or /etc/default/grub in %s: cannot compare the "
			   "configured command line",
			   up->rootmnt);
		result_hint(
			r,
			"if the boot loader is configured elsewhere, compare it with /proc/cmdline by hand");
		return;
	}
	sb_init(&sb, buf, sizeof(buf));
	params_missing(up->configured_params, up->booted_params,
		       "configured but not booted: ", &sb);
	params_missing(up->booted_params, up->configured_params,
		       "booted but no longer configured: ", &sb);
	if (!sb.len) {
		result_set(r, LEVEL_PASS,
			   "the booted command line carries the passthrough parameters of %s (%s)",
			   cmdline_source_file(up->configured_from),
			   up->configured_params[0] ? up->configured_params : "none");
		return;
	}
	result_set(r, LEVEL_FAIL, "the booted command line differs from %s: %s",
		   cmdline_source_file(up->configured_from), buf);
	result_hint(r, "run %s, then reboot", cmdline_source_refresh(up->configured_from));
}

void check_image_modules(const struct host *h, struct check_result *r)
{
	enum modstate s = h->mod[M_VFIO_PCI];

	if (!h->up.root_configures_vfio) {
		result_set(r, LEVEL_PASS,
			   "the root configures no vfio-pci ids: the image needs no vfio modules");
		return;
	}
	if (s == MOD_AVAILABLE || s == MOD_LOADED || s == MOD_BUILTIN) {
		result_set(r, LEVEL_PASS, "vfio_pci is in this kernel's initramfs (%s)",
			   h->kernel_release);
		return;
	}
	if (s == MOD_UNKNOWN) {
		result_set(r, LEVEL_NOTE,
			   "cannot tell whether vfio_pci is in this image (no modules.dep for %s)",
			   h->kernel_release[0] ? h->kernel_release : "this kernel");
		result_hint(r, "check with: lsinitramfs /boot/initrd.img-$(uname -r) | grep vfio");
		return;
	}
	result_set(
		r, LEVEL_FAIL,
		"vfio-pci ids are configured but vfio_pci is not in this kernel's initramfs (%s)",
		h->kernel_release);
	result_hint_rebuild(
		r, "add vfio, vfio_iommu_type1 and vfio_pci to /etc/initramfs-tools/modules");
}
