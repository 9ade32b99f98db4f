#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Built-in host drivers (issue 10, section 4): a driver listed in
# modules.builtin binds at kernel init, before any initramfs script runs, so
# no softdep or blacklist can keep it from a claimed device. The checks say so
# in every phase and give the fix that works (driver_override + unbind before
# vfio-pci loads, or initcall_blacklist=). Modelled on the guide's RTX 3090
# host with the GPU driver built in, as some distribution kernels build their
# display drivers (Debian 13 builds virtio_pci in).

load test_helper/common

setup() { fixtures_setup; }

# nouveau built into the guide host's kernel
builtin_nouveau() {
	root="$(copy_host guide-single-gpu)"
	echo "kernel/drivers/gpu/drm/nouveau/nouveau.ko" >>"$root"/lib/modules/*/modules.builtin
	mkdir -p "$root/sys/module/nouveau"
}

@test "vfio.host-drivers: FAIL in every phase when a built-in GPU driver can take the claimed card, blacklist or not" {
	builtin_nouveau
	grep -q "blacklist nouveau" "$root"/etc/modprobe.d/*.conf
	for phase in check predict verify; do
		check_json "$root" --phase "$phase"
		assert_level vfio.host-drivers fail
		assert_says vfio.host-drivers message "nouveau (built into the kernel) takes 0000:01:00.0 [10de:2204] at kernel init"
		assert_says vfio.host-drivers message "no softdep or blacklist can stop it"
		assert_says vfio.host-drivers hint "/sys/bus/pci/devices/0000:01:00.0/driver_override"
		assert_says vfio.host-drivers hint "initcall_blacklist="
	done
}

@test "vfio.binding: a claimed card held by a built-in driver gets the rebind-by-slot fix, not a softdep" {
	builtin_nouveau
	d="$root/sys/bus/pci/devices/0000:01:00.0"
	mkdir -p "$root/sys/bus/pci/drivers/nouveau"
	ln -sfn ../../../../bus/pci/drivers/nouveau "$d/driver"
	sed -i 's/^DRIVER=.*/DRIVER=nouveau/' "$d/uevent"
	for phase in check verify; do
		check_json "$root" --phase "$phase"
		assert_level vfio.binding fail
		assert_says vfio.binding message "is bound to nouveau (built in)"
		assert_says vfio.binding hint "no softdep or blacklist stops it"
		assert_says vfio.binding hint "/sys/bus/pci/drivers/nouveau/unbind"
		[[ "$(hint_of vfio.binding)" != *"softdep nouveau pre:"* ]]
	done
}

@test "vfio.binding: a built-in driver not in the module table is told by /sys/module without initstate" {
	root="$(copy_host guide-single-gpu)"
	d="$root/sys/bus/pci/devices/0000:01:00.1"
	mkdir -p "$root/sys/bus/pci/drivers/snd_hda_intel"
	ln -sfn ../../../../bus/pci/drivers/snd_hda_intel "$d/driver"
	sed -i 's/^DRIVER=.*/DRIVER=snd_hda_intel/' "$d/uevent"
	rm -f "$root/sys/module/snd_hda_intel/initstate"
	check_json "$root"
	assert_says vfio.binding message "is bound to snd_hda_intel (built in)"
	touch "$root/sys/module/snd_hda_intel/initstate"
	check_json "$root"
	assert_says vfio.binding hint "softdep snd_hda_intel pre: vfio-pci"
}
