#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The failures the forums are full of (issue 10, section 3): each check in its
# pass and non-pass forms, in every phase it runs in, on fixture hosts
# modelled on published reports (tests/hosts/*.host say which).

load test_helper/common

setup_file() { fixtures_setup; }
setup() { fixtures_setup; }

# level of check ID on ROOT in PHASE
level_in() {
	"$VFP" check --root "$1" --json --phase "$2" | jq -r --arg id "$3" '.checks[] | select(.id == $id) | .level'
}

# a host description edited by sed, built into a tree: NAME SED-SCRIPT -> path
edited_host() {
	local dir
	dir="$(mktemp -d -p "$BATS_TEST_TMPDIR")"
	sed "$2" "$REPO/tests/hosts/$1.host" >"$dir/$1.host"
	"$REPO/tests/mkfixture" "$dir/$1.host" "$dir/tree" >/dev/null
	printf '%s\n' "$dir/tree"
}

# --- display.framebuffer --------------------------------------------------

@test "display.framebuffer: FAIL in verify and check when BOOTFB still holds BAR 0 (Proxmox 7.2, 5.15)" {
	for phase in verify check; do
		check_json "$(host fb-bootfb-pve72)" --phase "$phase"
		assert_level display.framebuffer fail
		assert_says display.framebuffer message "BOOTFB [mem 0xd0000000-0xd07e8fff]"
		assert_says display.framebuffer message "BAR 0 of 0000:05:00.0 [1002:73ff]"
		assert_says display.framebuffer message "predates vfio-pci's framebuffer removal (6.0)"
		assert_says display.framebuffer hint "add initcall_blacklist=sysfb_init to GRUB_CMDLINE_LINUX_DEFAULT"
	done
}

@test "display.framebuffer: WARN in predict on a kernel before 6.0, where vfio-pci will not remove it" {
	check_json "$(host fb-bootfb-pve72)" --phase predict
	assert_level display.framebuffer warn
	assert_says display.framebuffer hint "initcall_blacklist=sysfb_init"
}

@test "display.framebuffer: predict PASSes naming no parameter when vfio-pci (6.0+) will remove it from a VGA device" {
	root="$(edited_host fb-bootfb-pve72 's/^kernel 5.15.30-2-pve/kernel 6.8.12-4-pve/')"
	check_json "$root" --phase predict
	assert_level display.framebuffer pass
	assert_says display.framebuffer message "removes it when it binds this VGA device: no parameter needed"
	[[ "$(hint_of display.framebuffer)" != *initcall_blacklist* ]]
	# once bound, a region still there is a FAIL: the removal did not happen
	[ "$(level_in "$root" verify display.framebuffer)" = fail ]
}

@test "display.framebuffer: a non-VGA display (0x0380) is not cleaned by vfio-pci even on 6.18 (Strix Halo, simpledrm)" {
	check_json "$(host fb-simpledrm-strixhalo)" --phase predict
	assert_level display.framebuffer warn
	assert_says display.framebuffer message "VGA-class devices only"
	for phase in verify check; do
		check_json "$(host fb-simpledrm-strixhalo)" --phase "$phase"
		assert_level display.framebuffer fail
		assert_says display.framebuffer message "BAR 0 of 0000:c3:00.0 [1002:1586]"
		assert_says display.framebuffer hint "initcall_blacklist=sysfb_init"
	done
}

@test "display.framebuffer: the fix follows the framebuffer's kind (efifb: video=efifb:off, vesafb: video=vesafb:off)" {
	root="$(edited_host fb-bootfb-pve72 's/^framebuffer BOOTFB/framebuffer efifb/; s/ video=efifb:off//')"
	check_json "$root"
	assert_level display.framebuffer fail
	assert_says display.framebuffer hint "add video=efifb:off to"
	root="$(edited_host fb-bootfb-pve72 's/^framebuffer BOOTFB/framebuffer vesafb/')"
	check_json "$root"
	assert_says display.framebuffer hint "add video=vesafb:off to"
}

@test "display.framebuffer: PASS in every phase when the framebuffer lies outside every claimed BAR" {
	root="$(edited_host fb-bootfb-pve72 's/^framebuffer BOOTFB d0000000-d07e8fff/framebuffer BOOTFB c0000000-c07e8fff/')"
	for phase in predict verify check; do
		[ "$(level_in "$root" "$phase" display.framebuffer)" = pass ]
	done
	check_json "$(host guide-single-gpu)"
	assert_level display.framebuffer pass
	assert_says display.framebuffer message "no firmware framebuffer"
}

@test "display.framebuffer: WARN in verify while vfio-pci has not bound the VGA device yet (6.0+), pointing at vfio.binding" {
	root="$(edited_host fb-bootfb-pve72 's/^kernel 5.15.30-2-pve/kernel 6.8.12-4-pve/; /^dev 05:00.0/s/driver=vfio-pci/driver=amdgpu/')"
	check_json "$root" --phase verify
	assert_level display.framebuffer warn
	assert_says display.framebuffer message "see vfio.binding"
}

@test "display.framebuffer: NOTE when /proc/iomem cannot be read" {
	root="$(copy_host fb-bootfb-pve72)"
	rm "$root/proc/iomem"
	check_json "$root"
	assert_level display.framebuffer note
}

# --- iommu.rmrr -----------------------------------------------------------

@test "iommu.rmrr: FAIL naming the NIC port the DMAR table reserves memory for, in every phase (HP Gen8)" {
	for phase in predict verify check; do
		check_json "$(host rmrr-hp-gen8)" --phase "$phase"
		assert_level iommu.rmrr fail
		assert_says iommu.rmrr message "0000:03:00.1 [14e4:165f] [mem 0xbdffd000-0xbdffffff]"
		assert_says iommu.rmrr message "ineligible for IOMMU domain attach due to platform RMRR requirement"
		assert_says iommu.rmrr hint "intel_iommu=relax_rmrr (this Proxmox kernel has it) to GRUB_CMDLINE_LINUX_DEFAULT"
	done
	# the port on the host driver is in an RMRR too, but it is not claimed
	[[ "$(message_of iommu.rmrr)" != *"03:00.0"* ]]
}

@test "iommu.rmrr: the real DMAR table the fixture carries parses to the RMRRs iasl would show" {
	command -v iasl >/dev/null || skip "iasl (acpica-tools) not installed"
	cp "$(host rmrr-hp-gen8)/sys/firmware/acpi/tables/DMAR" "$BATS_TEST_TMPDIR/dmar.dat"
	(cd "$BATS_TEST_TMPDIR" && iasl -d dmar.dat >/dev/null 2>&1)
	grep -q "Reserved Memory Region" "$BATS_TEST_TMPDIR/dmar.dsl"
	[ "$(grep -c 'Reserved Memory Region' "$BATS_TEST_TMPDIR/dmar.dsl")" -eq 5 ]
}

@test "iommu.rmrr: without a kernel patch the hint does not offer relax_rmrr as a parameter to add" {
	root="$(edited_host rmrr-hp-gen8 's/6.2.16-3-pve/6.1.0-18-amd64/g')"
	check_json "$root"
	assert_level iommu.rmrr fail
	assert_says iommu.rmrr hint "only patched kernels (Proxmox: intel_iommu=relax_rmrr)"
}

@test "iommu.rmrr: NOTE with intel_iommu=relax_rmrr on the command line (Proxmox opt-in)" {
	root="$(edited_host rmrr-hp-gen8 's/intel_iommu=on/intel_iommu=on,relax_rmrr/')"
	check_json "$root"
	assert_level iommu.rmrr note
	assert_says iommu.rmrr message "intel_iommu=relax_rmrr lets it pass"
}

@test "iommu.rmrr: PASS for a claimed USB controller in an RMRR: the kernel relaxes it" {
	root="$(edited_host rmrr-hp-gen8 '/^dev 03:00.1/s/ driver=vfio-pci override=vfio-pci//; /^dev 00:1d.0/s/driver=ehci-pci/driver=vfio-pci override=vfio-pci/')"
	for phase in predict verify check; do
		check_json "$root" --phase "$phase"
		assert_level iommu.rmrr pass
		assert_says iommu.rmrr message "RMRRs name 0000:00:1d.0 [8086:1c26], which the kernel relaxes"
	done
}

@test "iommu.rmrr: PASS when no RMRR names a claimed device, and on AMD (no DMAR table)" {
	root="$(edited_host rmrr-hp-gen8 '/^rmrr 03:00.1/d')"
	check_json "$root"
	assert_level iommu.rmrr pass
	assert_says iommu.rmrr message "no RMRR names a claimed device (4 RMRR endpoints)"
	check_json "$(host epyc-aspeed)"
	assert_level iommu.rmrr pass
	assert_says iommu.rmrr message "no DMAR table: no RMRR"
}

@test "iommu.rmrr: NOTE, no crash, when the DMAR table is cut short" {
	root="$(copy_host rmrr-hp-gen8)"
	chmod u+w "$root/sys/firmware/acpi/tables/DMAR"
	truncate -s 100 "$root/sys/firmware/acpi/tables/DMAR"
	# the header still says the full length: the RMRRs run past what is there
	check_json "$root"
	[ "$status" -le 1 ]
	level="$(level_of iommu.rmrr)"
	[ "$level" = note ] || [ "$level" = pass ]
}

# --- pci.bars -------------------------------------------------------------

@test "pci.bars: FAIL naming the unplaced 8 GiB BAR 2 in every phase (Z97, Above 4G Decoding off)" {
	for phase in predict verify check; do
		check_json "$(host above4g-off-arc)" --phase "$phase"
		assert_level pci.bars fail
		assert_says pci.bars message "no address to 0000:03:00.0 [8086:56a1] BAR 2 (8 GiB, 64-bit)"
		assert_says pci.bars hint "enable Above 4G Decoding (and Resizable BAR if the card needs it) in the firmware"
	done
	# the sysfs resource line is what the kernel shows for it: start 0, end size-1
	sed -n 3p "$(host above4g-off-arc)/sys/bus/pci/devices/0000:03:00.0/resource" |
		grep -qx '0x0000000000000000 0x00000001ffffffff 0x000000000014220c'
}

@test "pci.bars: PASS once the firmware places the BAR above 4 GiB" {
	root="$(edited_host above4g-off-arc 's/2:-:8G:64p/2:4000000000:8G:64p/')"
	for phase in predict verify check; do
		[ "$(level_in "$root" "$phase" pci.bars)" = pass ]
	done
	check_json "$root"
	assert_says pci.bars message "all 2 memory BARs of the 1 claimed function have an address"
}

# --- kvm.available --------------------------------------------------------

@test "kvm.available: FAIL naming SVM Mode (AMD-V) when the CPU shows no svm flag, in every phase" {
	for phase in predict verify check; do
		check_json "$(host vtx-off-amd)" --phase "$phase"
		assert_level kvm.available fail
		assert_says kvm.available message "no vmx or svm flag in /proc/cpuinfo: no KVM guest can start"
		assert_says kvm.available hint "enable SVM Mode (AMD-V) in the firmware setup"
	done
}

@test "kvm.available: on an Intel host the fix names VT-x" {
	root="$(edited_host above4g-off-arc 's/^cpus 8/cpus 8\ncpu none/')"
	check_json "$root"
	assert_level kvm.available fail
	assert_says kvm.available hint "Intel Virtualization Technology (VT-x)"
}

@test "kvm.available: FAIL when the flag is there but /dev/kvm is not (kvm_intel not loaded)" {
	root="$(edited_host above4g-off-arc 's/^module vfio_iommu_type1 loaded/module vfio_iommu_type1 loaded\nmodule kvm_intel available/')"
	[ ! -e "$root/dev/kvm" ]
	check_json "$root"
	assert_level kvm.available fail
	assert_says kvm.available message "/dev/kvm is missing (kvm_intel is not loaded)"
	assert_says kvm.available hint "modprobe kvm_intel"
	# in the initramfs /dev/kvm cannot exist yet: a NOTE, not a FAIL
	[ "$(level_in "$root" predict kvm.available)" = note ]
	[ "$(level_in "$root" verify kvm.available)" = note ]
}

@test "kvm.available: PASS on the running host with vmx and /dev/kvm; NOTE in the initramfs phases" {
	check_json "$(host guide-single-gpu)"
	assert_level kvm.available pass
	assert_says kvm.available message "vmx on, /dev/kvm present"
	check_json "$(host guide-single-gpu)" --phase predict
	assert_level kvm.available note
	assert_says kvm.available message "come after the switch to the real root"
}

# --- modules.unknown ------------------------------------------------------

@test "modules.unknown: WARN naming vfio_virqfd at /etc/modules:4 on a 6.8 kernel" {
	check_json "$(host virqfd-pve8)"
	assert_level modules.unknown warn
	assert_says modules.unknown message "vfio_virqfd (/etc/modules:4)"
	assert_says modules.unknown message "merged into vfio in Linux 6.2"
	assert_says modules.unknown message "systemd-modules-load logs \"Failed to find module\""
	assert_says modules.unknown hint "delete the line"
}

@test "modules.unknown: PASS for the same list on a 6.1 kernel, which still has vfio_virqfd" {
	root="$(edited_host virqfd-pve8 's/6.8.12-4-pve/6.1.0-18-amd64/g')"
	check_json "$root"
	assert_level modules.unknown pass
	assert_says modules.unknown message "has all 4 listed modules"
}

@test "modules.unknown: modules-load.d files and initramfs-tools/modules count, with their own consequence" {
	root="$(copy_host guide-single-gpu)"
	mkdir -p "$root/etc/modules-load.d" "$root/usr/lib/modules-load.d" "$root/etc/initramfs-tools"
	printf '# vfio\nvfio_virqfd\n' >"$root/etc/modules-load.d/vfio.conf"
	printf 'vfio_virqfd\n' >"$root/usr/lib/modules-load.d/vfio.conf"	# shadowed by /etc's
	printf 'vfio\nkvmgt\n' >"$root/etc/initramfs-tools/modules"
	# Debian's link: /etc/modules is read once
	ln -s ../modules "$root/etc/modules-load.d/modules.conf"
	check_json "$root"
	assert_level modules.unknown warn
	assert_says modules.unknown message "vfio_virqfd (/etc/modules-load.d/vfio.conf:2)"
	assert_says modules.unknown message "kvmgt (/etc/initramfs-tools/modules:2)"
	assert_says modules.unknown message "the initramfs's modprobe reports it every boot"
	assert_says modules.unknown hint "update-initramfs -u -k all"
	[[ "$(message_of modules.unknown)" != *usr/lib/modules-load.d* ]]
	[ "$(jq -r '.checks[] | select(.id == "modules.unknown") | .message' <<<"$output" | grep -o '/etc/modules:' | wc -l)" -eq 0 ]
}

@test "modules.unknown: in the initramfs phases the image's /conf/modules is judged against the image" {
	root="$(copy_host guide-single-gpu)"
	mkdir -p "$root/conf"
	printf 'vfio_pci\nvfio_virqfd\n' >"$root/conf/modules"
	for phase in predict verify; do
		check_json "$root" --phase "$phase"
		assert_level modules.unknown warn
		assert_says modules.unknown message "vfio_virqfd (/conf/modules:2)"
	done
	check_json "$(host guide-single-gpu)" --phase predict
	assert_level modules.unknown pass
}

@test "modules.unknown: the upgrade phase judges the real root's lists against the real root's modules" {
	rootmnt="$(copy_host virqfd-pve8)"
	image="$BATS_TEST_TMPDIR/image"
	mkdir -p "$image/etc/vfio-preflight" "$image/proc/sys/kernel" "$image/dev" "$image/lib/modules/6.8.12-4-pve"
	"$VFP" snapshot --root "$rootmnt" >"$image/etc/vfio-preflight/snapshot"
	cp "$rootmnt/proc/cmdline" "$image/proc/cmdline"
	echo 6.8.12-4-pve >"$image/proc/sys/kernel/osrelease"
	echo "kernel/drivers/vfio/pci/vfio-pci.ko: kernel/drivers/vfio/vfio.ko" >"$image/lib/modules/6.8.12-4-pve/modules.dep"
	: >"$image/dev/kmsg"
	"$VFP" boot upgrade --root "$image" --rootmnt "$rootmnt" || true
	output="$(cat "$image/run/vfio-preflight/upgrade.json")"
	assert_level modules.unknown warn
	assert_says modules.unknown message "vfio_virqfd (/etc/modules:4)"
	# vfio_pci exists in the real root's modules even though the image has no list
	[[ "$(message_of modules.unknown)" != *"vfio_pci ("* ]]
}

@test "modules.unknown: NOTE when modules.dep is missing" {
	root="$(copy_host virqfd-pve8)"
	rm "$root/lib/modules/6.8.12-4-pve/modules.dep"
	check_json "$root"
	assert_level modules.unknown note
}

# --- gpu.reset (vendor-reset) ---------------------------------------------

@test "gpu.reset: a vendor-reset card (Navi 10) on 5.15 without the udev rule and softdep: WARN naming both parts" {
	check_json "$(host vendor-reset-5700xt)"
	assert_level gpu.reset warn
	assert_says gpu.reset message "0000:03:00.0 [1002:731f] (Navi 10) needs vendor-reset:"
	assert_says gpu.reset message "reset_method is 'bus', not device_specific"
	assert_says gpu.reset message "nothing loads it before vfio-pci binds"
	assert_says gpu.reset hint "softdep vfio-pci pre: vendor-reset"
	assert_says gpu.reset hint 'ATTR{device}=="0x731f", ATTR{reset_method}="device_specific"'
	# installed and loaded: the module is not named as missing
	[[ "$(message_of gpu.reset)" != *"not installed"* ]]
	[[ "$(hint_of gpu.reset)" == *'"device_specific"' ]]
}

@test "gpu.reset: in the initramfs phases only the load order is judged (udev sets reset_method later)" {
	for phase in predict verify; do
		check_json "$(host vendor-reset-5700xt)" --phase "$phase"
		assert_level gpu.reset warn
		assert_says gpu.reset message "nothing loads it before vfio-pci binds"
		[[ "$(message_of gpu.reset)" != *reset_method* ]]
	done
}

@test "gpu.reset: PASS in every phase with the softdep and reset_method device_specific" {
	root="$(edited_host vendor-reset-5700xt 's/reset=bus parent=02:00.0/reset=device_specific,bus parent=02:00.0/; s/^  softdep amdgpu pre: vfio-pci/  softdep amdgpu pre: vfio-pci\n  softdep vfio-pci pre: vendor-reset/')"
	for phase in predict verify check; do
		check_json "$root" --phase "$phase"
		assert_level gpu.reset pass
		assert_says gpu.reset message "vendor-reset (Navi 10)"
	done
}

@test "gpu.reset: vendor-reset listed in the initramfs module list also orders it before vfio-pci" {
	root="$(edited_host vendor-reset-5700xt 's/reset=bus parent=02:00.0/reset=device_specific parent=02:00.0/')"
	mkdir -p "$root/etc/initramfs-tools"
	printf 'vendor-reset\nvfio_pci\n' >"$root/etc/initramfs-tools/modules"
	check_json "$root"
	assert_level gpu.reset pass
}

@test "gpu.reset: vendor-reset not installed is named, with where to get it" {
	check_json "$(host no-reset)"
	assert_level gpu.reset warn
	assert_says gpu.reset message "(Vega 10) needs vendor-reset"
	assert_says gpu.reset message "needs vendor-reset: not installed;"
	assert_says gpu.reset hint "github.com/gnif/vendor-reset"
}

@test "gpu.reset: an AMD card vendor-reset does not handle keeps the generic judgement" {
	check_json "$(host fb-bootfb-pve72)"
	assert_level gpu.reset pass
	assert_says gpu.reset message "0000:05:00.0 [1002:73ff]: bus"
}
