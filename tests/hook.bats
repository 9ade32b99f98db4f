#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The initramfs-tools hook under the real mkinitramfs: it validates
# /etc/default/vfio-preflight with the binary's parser, prints a W: per
# problem and never fails the image build.

load test_helper/common

setup() {
	fixtures_setup # the proxmox-boot-tool test predicts on a copy of a fixture host
	command -v mkinitramfs >/dev/null || skip "initramfs-tools not installed"
	KVER="$(find /lib/modules -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -V | tail -1)"
	[ -n "$KVER" ] || skip "no kernel modules in /lib/modules"
	T="$BATS_TEST_TMPDIR/root"
	C="$BATS_TEST_TMPDIR/conf"
	mkdir -p "$T/etc/default" "$C/hooks" "$C/scripts" "$C/conf.d"
	printf '%s\n' MODULES=list BUSYBOX=n COMPRESS=gzip >"$C/initramfs.conf"
	: >"$C/modules"
	cp "$REPO/initramfs-hooks/hooks/vfio-preflight" "$C/hooks/"
}

# build: mkinitramfs with only this project's hook added; $output has its messages
build() {
	run env VFIO_PREFLIGHT_BIN="$VFP" VFIO_PREFLIGHT_ROOT="$T" \
		VFIO_PREFLIGHT_FUNCTIONS="$REPO/initramfs-hooks/functions" \
		mkinitramfs -d "$C" -o "$BATS_TEST_TMPDIR/initrd.img" "$KVER"
}

# unpacked PATH: a file of the image
unpacked() {
	local x="$BATS_TEST_TMPDIR/x"
	[ -d "$x" ] || unmkinitramfs "$BATS_TEST_TMPDIR/initrd.img" "$x" >/dev/null
	cat "$x/$1"
}

@test "hook: a configuration that is not valid shell warns per line, builds, and its valid lines count" {
	printf '%s\n' 'FALLBACK="off' 'FORCE_LOAD="vfio_pci vfio_iommu_type1"' '`reboot`' 'exit 1' \
		'FATAL_CHECKS="nope"' >"$T/etc/default/vfio-preflight"
	build
	echo "$output"
	[ "$status" -eq 0 ]
	f="$T/etc/default/vfio-preflight"
	[[ "$output" == *"W: vfio-preflight: $f:1: unterminated quote, line ignored"* ]]
	[[ "$output" == *"W: vfio-preflight: $f:3: not KEY=\"value\": '\`reboot\`', ignored"* ]]
	[[ "$output" == *"W: vfio-preflight: $f:4: not KEY=\"value\": 'exit 1', ignored"* ]]
	[[ "$output" == *"W: vfio-preflight: $f:5: FATAL_CHECKS: 'nope' is no check id"* ]]
	# the file goes in as it is (the boot reads it with the same parser)
	[ "$(unpacked etc/default/vfio-preflight)" = "$(cat "$f")" ]
	# FORCE_LOAD from the valid line 2: both modules loaded after init-top
	unpacked conf/modules | grep -qx 'vfio_pci'
	unpacked conf/modules | grep -qx 'vfio_iommu_type1'
}

@test "hook: a bad FORCE_LOAD falls back to vfio_pci; no configuration at all is no warning" {
	printf '%s\n' 'FORCE_LOAD="vfio_pci;rm"' >"$T/etc/default/vfio-preflight"
	build
	[ "$status" -eq 0 ]
	[[ "$output" == *"FORCE_LOAD: 'vfio_pci;rm' is no module name; the default 'vfio_pci' applies"* ]]
	unpacked conf/modules | grep -qx 'vfio_pci'
	rm "$T/etc/default/vfio-preflight"
	rm -rf "$BATS_TEST_TMPDIR/x"
	build
	[ "$status" -eq 0 ]
	[[ "$output" != *"W: vfio-preflight"* ]]
	unpacked conf/modules | grep -qx 'vfio_pci'
}

@test "hook: the boot scripts' library goes in as /lib/vfio-preflight/functions and fallback; without it no preflight" {
	build
	[ "$status" -eq 0 ]
	cmp <(unpacked lib/vfio-preflight/functions) "$REPO/initramfs-hooks/functions"
	cmp <(unpacked lib/vfio-preflight/fallback) "$REPO/initramfs-hooks/fallback"
	rm -rf "$BATS_TEST_TMPDIR/x"
	run env VFIO_PREFLIGHT_BIN="$VFP" VFIO_PREFLIGHT_ROOT="$T" VFIO_PREFLIGHT_FUNCTIONS=/nonexistent \
		mkinitramfs -d "$C" -o "$BATS_TEST_TMPDIR/initrd.img" "$KVER"
	[ "$status" -eq 0 ]
	[[ "$output" == *"W: vfio-preflight: /nonexistent not found, not adding the preflight to the initramfs"* ]]
	! unpacked usr/sbin/vfio-preflight >/dev/null 2>&1
}

@test "hook: given the boot cut, it puts the cut into the image and runs config and snapshot with the full program beside it" {
	printf '%s\n' 'FORCE_LOAD="vfio_pci vfio_iommu_type1"' 'FALLBACK="nope"' >"$T/etc/default/vfio-preflight"
	mkdir -p "$T/etc/modprobe.d"
	echo "options vfio-pci ids=10de:2204,10de:1aef" >"$T/etc/modprobe.d/vfio.conf"
	run env VFIO_PREFLIGHT_BIN="$REPO/preflight/vfio-preflight-boot" VFIO_PREFLIGHT_ROOT="$T" \
		VFIO_PREFLIGHT_FUNCTIONS="$REPO/initramfs-hooks/functions" \
		mkinitramfs -d "$C" -o "$BATS_TEST_TMPDIR/initrd.img" "$KVER"
	echo "$output"
	[ "$status" -eq 0 ]
	# the cut has no config command: the warning comes from the full program's parser
	[[ "$output" == *"FALLBACK: 'nope'"* ]]
	[[ "$output" != *"usage:"* && "$output" != *"snapshot"*"failed"* ]]
	unpacked conf/modules | grep -qx 'vfio_iommu_type1'
	cmp "$BATS_TEST_TMPDIR/x/usr/sbin/vfio-preflight" "$REPO/preflight/vfio-preflight-boot"
	unpacked etc/vfio-preflight/snapshot | grep -qx 'modprobe: options vfio_pci ids=10de:2204,10de:1aef'
}

@test "hook: the image carries /etc/kernel/cmdline and proxmox-boot-uuids, so the boot phases' fixes name proxmox-boot-tool, not GRUB" {
	mkdir -p "$T/etc/kernel"
	echo "root=ZFS=rpool/ROOT/pve-1 boot=zfs" >"$T/etc/kernel/cmdline"
	echo "7A3C-12F0" >"$T/etc/kernel/proxmox-boot-uuids"
	build
	[ "$status" -eq 0 ]
	[ "$(unpacked etc/kernel/cmdline)" = "root=ZFS=rpool/ROOT/pve-1 boot=zfs" ]
	[ "$(unpacked etc/kernel/proxmox-boot-uuids)" = "7A3C-12F0" ]
	# the image's files under a host that boots with the IOMMU off: predict's fix
	root="$(copy_host iommu-off-kernel)"
	mkdir -p "$root/etc/kernel"
	cp "$BATS_TEST_TMPDIR/x/etc/kernel/cmdline" "$BATS_TEST_TMPDIR/x/etc/kernel/proxmox-boot-uuids" "$root/etc/kernel/"
	"$VFP" boot predict --root "$root" 2>/dev/null || true
	output="$(cat "$root/run/vfio-preflight/predict.json")"
	assert_says iommu.kernel hint "/etc/kernel/cmdline, then run proxmox-boot-tool refresh"
	# without them (a GRUB host) nothing is added and the fix is GRUB's
	rm -rf "$T/etc/kernel" "$BATS_TEST_TMPDIR/x"
	build
	[ "$status" -eq 0 ]
	unmkinitramfs "$BATS_TEST_TMPDIR/initrd.img" "$BATS_TEST_TMPDIR/x" >/dev/null
	[ ! -e "$BATS_TEST_TMPDIR/x/etc/kernel/cmdline" ]
}
