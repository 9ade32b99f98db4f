#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The local-bottom phase: does the boot match the configuration on disk?
# An "image" tree (what the initramfs holds) against a "root" tree (the real
# root at ${rootmnt}), both built from a fixture host.

load test_helper/common

setup_file() { fixtures_setup; }
setup() {
	fixtures_setup
	rootmnt="$(copy_host guide-single-gpu)"
	mkdir -p "$rootmnt/etc/default"
	printf 'GRUB_DEFAULT=0\nGRUB_CMDLINE_LINUX_DEFAULT="quiet intel_iommu=on iommu=pt"\nGRUB_CMDLINE_LINUX=""\n' \
		>"$rootmnt/etc/default/grub"
	image="$BATS_TEST_TMPDIR/image"
	mkdir -p "$image/etc/vfio-preflight" "$image/proc" "$image/dev" "$image/lib/modules/6.8.12-4-pve"
	"$VFP" snapshot --root "$rootmnt" >"$image/etc/vfio-preflight/snapshot"
	cp "$rootmnt/proc/cmdline" "$image/proc/cmdline"
	echo 6.8.12-4-pve >"$image/proc/osrelease"
	mkdir -p "$image/proc/sys/kernel" && echo 6.8.12-4-pve >"$image/proc/sys/kernel/osrelease"
	echo "kernel/drivers/vfio/pci/vfio-pci.ko: kernel/drivers/vfio/vfio.ko" >"$image/lib/modules/6.8.12-4-pve/modules.dep"
	: >"$image/dev/kmsg"
}

upgrade() {
	run -0 "$VFP" boot upgrade --root "$image" --rootmnt "$rootmnt"
	output="$(cat "$image/run/vfio-preflight/upgrade.json")"
}

@test "snapshot: lists the vfio options, blacklists and softdeps, and the configured passthrough parameters" {
	run -0 "$VFP" snapshot --root "$rootmnt"
	[[ "$output" == *"modprobe: options vfio_pci ids=10de:2204,10de:1aef disable_vga=1"* ]]
	[[ "$output" == *"modprobe: blacklist nouveau"* ]]
	[[ "$output" == *"cmdline: intel_iommu=on iommu=pt"* ]]
}

@test "snapshot: /etc/kernel/cmdline (proxmox-boot-tool) wins over /etc/default/grub" {
	mkdir -p "$rootmnt/etc/kernel"
	echo "root=ZFS=rpool/ROOT/pve-1 boot=zfs amd_iommu=off iommu=pt" >"$rootmnt/etc/kernel/cmdline"
	run -0 "$VFP" snapshot --root "$rootmnt"
	[[ "$output" == *"cmdline: amd_iommu=off iommu=pt"* ]]
}

@test "upgrade: all PASS when the image and the boot match the configuration" {
	upgrade
	assert_level initramfs.modprobe-stale pass
	assert_level boot.cmdline-stale pass
	assert_level initramfs.vfio-modules pass
	jq -e '.verdict == "pass"' <<<"$output"
}

@test "upgrade: FAIL with the update-initramfs hint when modprobe.d changed after the image was built" {
	echo "options vfio-pci ids=10de:2204" >"$rootmnt/etc/modprobe.d/vfio.conf"
	upgrade
	assert_level initramfs.modprobe-stale fail
	assert_says initramfs.modprobe-stale message "only on disk: modprobe: options vfio_pci ids=10de:2204"
	assert_says initramfs.modprobe-stale hint "update-initramfs -u -k all"
	grep -q '^<3>vfio-preflight: initramfs.modprobe-stale: FAIL' "$image/dev/kmsg"
}

@test "upgrade: FAIL with the update-grub hint when /etc/default/grub changed and update-grub was not run" {
	sed -i 's/intel_iommu=on iommu=pt/intel_iommu=on iommu=pt vfio-pci.ids=10de:2204,10de:1aef/' "$rootmnt/etc/default/grub"
	upgrade
	assert_level boot.cmdline-stale fail
	assert_says boot.cmdline-stale message "configured but not booted: vfio_pci.ids=10de:2204,10de:1aef"
	assert_says boot.cmdline-stale hint "update-grub"
}

@test "upgrade: the proxmox-boot-tool hint when /etc/kernel/cmdline is the configuration of a proxmox-boot-tool host" {
	mkdir -p "$rootmnt/etc/kernel"
	echo "root=ZFS=rpool/ROOT/pve-1 boot=zfs quiet" >"$rootmnt/etc/kernel/cmdline"
	echo "7A3C-12F0" >"$rootmnt/etc/kernel/proxmox-boot-uuids"
	upgrade
	assert_level boot.cmdline-stale fail
	assert_says boot.cmdline-stale message "booted but no longer configured: intel_iommu=on iommu=pt"
	assert_says boot.cmdline-stale hint "run proxmox-boot-tool refresh, then reboot"
}

@test "upgrade: /etc/kernel/cmdline without proxmox-boot-tool (systemd-boot, kernel-install): the update-initramfs hint" {
	mkdir -p "$rootmnt/etc/kernel"
	echo "root=UUID=0b6f1c1e-3f1e-4f7c-9d1a-2f9c4b1e7a10 ro quiet" >"$rootmnt/etc/kernel/cmdline"
	upgrade
	assert_level boot.cmdline-stale fail
	assert_says boot.cmdline-stale message "/etc/kernel/cmdline"
	assert_says boot.cmdline-stale hint "run update-initramfs -u -k all, then reboot"
}

@test "upgrade: a grub.d drop-in overrides /etc/default/grub, as grub-mkconfig does" {
	mkdir -p "$rootmnt/etc/default/grub.d"
	echo 'GRUB_CMDLINE_LINUX_DEFAULT="quiet"' >"$rootmnt/etc/default/grub.d/50-cloud.cfg"
	upgrade
	assert_level boot.cmdline-stale fail
}

@test "upgrade: a rescue boot is not a stale command line" {
	echo "$(cat "$image/proc/cmdline") vfio_preflight.rescue=1 module_blacklist=vfio_pci" >"$image/proc/cmdline"
	sed -i 's/ intel_iommu=on iommu=pt//' "$image/proc/cmdline"
	upgrade
	assert_level boot.cmdline-stale note
}

@test "upgrade: FAIL when ids are configured but the image has no vfio_pci" {
	: >"$image/lib/modules/6.8.12-4-pve/modules.dep"
	upgrade
	assert_level initramfs.vfio-modules fail
	assert_says initramfs.vfio-modules hint "/etc/initramfs-tools/modules"
}

@test "upgrade: without a stored snapshot the image's own modprobe.d is compared" {
	rm "$image/etc/vfio-preflight/snapshot"
	mkdir -p "$image/etc/modprobe.d"
	cp "$rootmnt"/etc/modprobe.d/*.conf "$image/etc/modprobe.d/"
	upgrade
	assert_level initramfs.modprobe-stale pass
	echo "softdep nouveau pre: vfio-pci" >>"$rootmnt/etc/modprobe.d/vfio.conf"
	upgrade
	assert_level initramfs.modprobe-stale fail
}

@test "upgrade: needs --rootmnt, and a missing real root is an error the boot survives" {
	run -2 "$VFP" boot upgrade --root "$image"
	run -3 "$VFP" boot upgrade --root "$image" --rootmnt "$BATS_TEST_TMPDIR/nowhere"
	grep -q 'cannot open the real root' "$image/dev/kmsg"
}
