#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Every check, in its pass form and its non-pass forms, on fixture hosts
# modelled on real passthrough machines (tests/hosts/*.host).

load test_helper/common

setup_file() { fixtures_setup; }
setup() { fixtures_setup; }

set_cmdline() { printf '%s\n' "$2" >"$1/proc/cmdline"; }

# --- iommu.firmware -------------------------------------------------------

@test "iommu.firmware: PASS when the ACPI DMAR table is present" {
	check_json "$(host guide-single-gpu)"
	assert_level iommu.firmware pass
	assert_says iommu.firmware message "DMAR"
}

@test "iommu.firmware: PASS on AMD when the IVRS table is present" {
	check_json "$(host epyc-aspeed)"
	assert_level iommu.firmware pass
	assert_says iommu.firmware message "IVRS"
}

@test "iommu.firmware: FAIL when neither DMAR nor IVRS exists, naming the Intel switch on an Intel host" {
	check_json "$(host iommu-off-firmware)"
	assert_level iommu.firmware fail
	assert_says iommu.firmware hint "enable Intel VT-d in the firmware setup"
	# intel_iommu=on is already there: the kernel fix does not ask for it again
	assert_level iommu.kernel fail
	assert_says iommu.kernel hint "intel_iommu=on is already on the command line"
}

@test "iommu.firmware: on an AMD host (AMD host bridge) the fix names AMD-Vi and no parameter" {
	sed 's/^dev 00:00.0 8086:3ec2 /dev 00:00.0 1022:1480 /; s/ intel_iommu=on//' \
		"$REPO/tests/hosts/iommu-off-firmware.host" >"$BATS_TEST_TMPDIR/amd.host"
	"$REPO/tests/mkfixture" "$BATS_TEST_TMPDIR/amd.host" "$BATS_TEST_TMPDIR/amd" >/dev/null
	check_json "$BATS_TEST_TMPDIR/amd"
	assert_level iommu.firmware fail
	assert_says iommu.firmware hint "enable AMD IOMMU / AMD-Vi (with SVM) in the firmware setup"
	assert_says iommu.kernel hint "the kernel then turns it on by itself"
	[[ "$(hint_of iommu.kernel)" != *intel_iommu* ]]
}

@test "iommu.firmware: NOTE when no ACPI tables are visible at all" {
	root="$(copy_host iommu-off-firmware)"
	rm -rf "$root/sys/firmware/acpi"
	check_json "$root"
	assert_level iommu.firmware note
}

# --- iommu.kernel ---------------------------------------------------------

@test "iommu.kernel: PASS with the group count when the IOMMU is active" {
	check_json "$(host guide-single-gpu)"
	assert_level iommu.kernel pass
	assert_says iommu.kernel message "groups"
	[ "$(jq .iommu_active <<<"$output")" = true ]
}

@test "iommu.kernel: FAIL naming intel_iommu=off and the GRUB file when the kernel has it off" {
	check_json "$(host iommu-off-kernel)"
	assert_level iommu.kernel fail
	assert_says iommu.kernel message "intel_iommu=off"
	assert_says iommu.kernel hint "/etc/default/grub"
	[ "$(jq .iommu_active <<<"$output")" = false ]
}

@test "iommu.kernel: the hint names /etc/kernel/cmdline and proxmox-boot-tool on a proxmox-boot-tool host" {
	root="$(copy_host iommu-off-kernel)"
	mkdir -p "$root/etc/kernel"
	echo "root=ZFS=rpool/ROOT/pve-1 boot=zfs" >"$root/etc/kernel/cmdline"
	echo "7A3C-12F0" >"$root/etc/kernel/proxmox-boot-uuids"
	check_json "$root"
	assert_says iommu.kernel hint "/etc/kernel/cmdline, then run proxmox-boot-tool refresh"
}

@test "iommu.kernel: with /etc/kernel/cmdline but no proxmox-boot-tool (Debian's systemd-boot) the hint runs update-initramfs, whose hook runs kernel-install" {
	root="$(copy_host iommu-off-kernel)"
	mkdir -p "$root/etc/kernel"
	echo "root=UUID=0b6f1c1e-3f1e-4f7c-9d1a-2f9c4b1e7a10 ro quiet" >"$root/etc/kernel/cmdline"
	check_json "$root"
	assert_says iommu.kernel hint "/etc/kernel/cmdline, then run update-initramfs -u -k all"
	[[ "$(jq -r '.checks[] | select(.id == "iommu.kernel") | .hint' <<<"$output")" != *proxmox-boot-tool* ]]
	[[ "$(jq -r '.checks[] | select(.id == "iommu.kernel") | .hint' <<<"$output")" != *GRUB* ]]
}

@test "iommu.kernel: FAIL asking for intel_iommu=on when the kernel default left it off" {
	root="$(copy_host iommu-off-kernel)"
	set_cmdline "$root" "BOOT_IMAGE=/boot/vmlinuz root=/dev/sda2 ro quiet"
	check_json "$root"
	assert_level iommu.kernel fail
	assert_says iommu.kernel hint "intel_iommu=on"
}

@test "iommu.kernel: amd_iommu=on is called out as an invalid value" {
	root="$(copy_host epyc-aspeed)"
	set_cmdline "$root" "$(cat "$root/proc/cmdline") amd_iommu=on"
	check_json "$root"
	assert_level iommu.kernel note
	assert_says iommu.kernel message "amd_iommu=on is not a valid value"
}

# --- iommu.interrupt-remapping ---------------------------------------------

@test "iommu.interrupt-remapping: PASS when interrupts go through IR- chips" {
	check_json "$(host guide-single-gpu)"
	assert_level iommu.interrupt-remapping pass
}

@test "iommu.interrupt-remapping: FAIL when remapping is off and nothing allows unsafe interrupts" {
	root="$(copy_host guide-single-gpu)"
	sed -i 's/IR-//g' "$root/proc/interrupts"
	check_json "$root"
	assert_level iommu.interrupt-remapping fail
	assert_says iommu.interrupt-remapping message "vfio_iommu_type1 will refuse"
}

@test "iommu.interrupt-remapping: WARN (security) when allow_unsafe_interrupts=1 papers over it" {
	check_json "$(host unsafe-interrupts)"
	assert_level iommu.interrupt-remapping warn
	assert_says iommu.interrupt-remapping message "allow_unsafe_interrupts=1"
}

@test "iommu.interrupt-remapping: FAIL when nointremap is on the command line" {
	root="$(copy_host guide-single-gpu)"
	set_cmdline "$root" "$(cat "$root/proc/cmdline") nointremap"
	check_json "$root"
	assert_level iommu.interrupt-remapping fail
	assert_says iommu.interrupt-remapping hint "nointremap"
}

# --- security.acs-override --------------------------------------------------

@test "security.acs-override: PASS without pcie_acs_override" {
	check_json "$(host guide-single-gpu)"
	assert_level security.acs-override pass
}

@test "security.acs-override: WARN naming the override value" {
	check_json "$(host acs-override)"
	assert_level security.acs-override warn
	assert_says security.acs-override message "pcie_acs_override=downstream,multifunction"
}

# --- vfio.modules -----------------------------------------------------------

@test "vfio.modules: PASS when vfio, vfio_iommu_type1 and vfio_pci are loaded" {
	check_json "$(host guide-single-gpu)"
	assert_level vfio.modules pass
}

@test "vfio.modules: FAIL with the initramfs-tools hint when vfio_pci is not loaded" {
	root="$(copy_host guide-single-gpu)"
	rm -rf "$root/sys/module/vfio_pci"
	check_json "$root"
	assert_level vfio.modules fail
	assert_says vfio.modules message "vfio_pci"
	assert_says vfio.modules hint "/etc/initramfs-tools/modules"
}

@test "vfio.modules: FAIL when the kernel has no vfio_pci module at all" {
	root="$(copy_host guide-single-gpu)"
	rm -rf "$root/sys/module/vfio_pci"
	sed -i '/vfio-pci/d' "$root"/lib/modules/*/modules.dep
	check_json "$root"
	assert_level vfio.modules fail
	assert_says vfio.modules message "missing"
	# the rebuild step once (it was said twice: the text carried it and the
	# step appended to every fix that needs a new image)
	[ "$(hint_of vfio.modules)" = "use a kernel built with CONFIG_VFIO_PCI (Debian and Proxmox kernels are), then run update-initramfs -u -k all" ]
}

@test "vfio.modules: PASS in the predict phase when the modules are in the image but not loaded" {
	root="$(copy_host guide-single-gpu)"
	rm -rf "$root/sys/module/vfio_pci" "$root/sys/module/vfio" "$root/sys/module/vfio_iommu_type1"
	check_json "$root" --phase predict
	assert_level vfio.modules pass
	assert_says vfio.modules message "in the image"
}

# --- vfio.ids ---------------------------------------------------------------

@test "vfio.ids: PASS when every listed ID matches a device" {
	check_json "$(host guide-single-gpu)"
	assert_level vfio.ids pass
	assert_says vfio.ids message "10de:2204 (1)"
}

@test "vfio.ids: FAIL naming the ID that matches nothing, and suggesting the real one" {
	check_json "$(host guide-typo)"
	assert_level vfio.ids fail
	assert_says vfio.ids message "10de:2205"
	assert_says vfio.ids hint "did you mean 10de:2204"
}

@test "vfio.ids: FAIL on a bus address written where an ID belongs" {
	root="$(copy_host guide-single-gpu)"
	echo "options vfio-pci ids=01:00.0,10de:1aef" >"$root/etc/modprobe.d/vfio.conf"
	check_json "$root"
	assert_level vfio.ids fail
	assert_says vfio.ids message "'01:00.0'"
	assert_says vfio.ids hint "bus address"
}

@test "vfio.ids: the full vendor:device:subvendor:subdevice:class:mask syntax matches" {
	root="$(copy_host guide-single-gpu)"
	echo "options vfio-pci ids=10de:2204:1458:403b,ffffffff:ffffffff:ffffffff:ffffffff:040300:ffffff" \
		>"$root/etc/modprobe.d/vfio.conf"
	check_json "$root"
	assert_level vfio.ids pass
	[ "$(jq '[.devices[] | select(.claimed)] | length' <<<"$output")" -ge 2 ]
}

@test "vfio.ids: WARN when a second ids= list silently drops an ID" {
	root="$(copy_host guide-single-gpu)"
	set_cmdline "$root" "$(cat "$root/proc/cmdline") vfio-pci.ids=10de:2204"
	check_json "$root"
	assert_level vfio.ids warn
	assert_says vfio.ids message "10de:1aef"
}

@test "vfio.ids: vfio_pci.ids= (underscore) on the command line counts like vfio-pci.ids=" {
	root="$(copy_host guide-single-gpu)"
	rm "$root/etc/modprobe.d/vfio.conf"
	set_cmdline "$root" "$(cat "$root/proc/cmdline") vfio_pci.ids=10de:2204,10de:1aef"
	check_json "$root"
	assert_level vfio.ids pass
	assert_says vfio.ids message "kernel command line"
}

@test "vfio.ids: FAIL when vfio-pci is built in and the IDs live only in modprobe.d" {
	root="$(copy_host guide-single-gpu)"
	rm -f "$root/sys/module/vfio_pci/initstate"
	echo "kernel/drivers/vfio/pci/vfio-pci.ko" >>"$root"/lib/modules/*/modules.builtin
	check_json "$root"
	assert_level vfio.ids fail
	assert_says vfio.ids message "built into this kernel"
}

@test "vfio.ids: NOTE when nothing is configured for passthrough" {
	root="$(copy_host guide-single-gpu)"
	rm "$root/etc/modprobe.d/vfio.conf"
	for d in "$root"/sys/bus/pci/devices/*; do sed -i 's/^DRIVER=vfio-pci$//' "$d/uevent"; done
	check_json "$root"
	assert_level vfio.ids note
	[ "$(jq -r .headless <<<"$output")" = false ]
}

# --- vfio.binding -----------------------------------------------------------

@test "vfio.binding: PASS when every claimed device is bound to vfio-pci" {
	check_json "$(host guide-single-gpu)"
	assert_level vfio.binding pass
}

@test "vfio.binding: FAIL naming the driver that took the GPU, with the softdep fix" {
	check_json "$(host driver-grabbed)"
	assert_level vfio.binding fail
	assert_says vfio.binding message "bound to nouveau"
	assert_says vfio.binding hint "softdep nouveau pre: vfio-pci"
}

@test "vfio.binding: in the predict phase unbound listed devices will be claimed" {
	root="$(copy_host guide-single-gpu)"
	for d in "$root"/sys/bus/pci/devices/*; do sed -i '/^DRIVER=/d' "$d/uevent"; done
	check_json "$root" --phase predict
	assert_level vfio.binding pass
	assert_says vfio.binding message "will be claimed"
}

@test "vfio.binding: after boot an unbound listed device is a FAIL" {
	root="$(copy_host guide-single-gpu)"
	for d in "$root"/sys/bus/pci/devices/*; do sed -i '/^DRIVER=/d' "$d/uevent"; done
	check_json "$root" --phase verify
	assert_level vfio.binding fail
	assert_says vfio.binding message "bound to no driver"
}

@test "vfio.binding: with the IOMMU off the fix is the IOMMU, not a softdep (vfio-pci cannot bind)" {
	check_json "$(host iommu-off-kernel)"
	assert_level vfio.binding fail
	assert_says vfio.binding message "is bound to snd_hda_intel"
	assert_says vfio.binding hint "while the IOMMU is off (see iommu.kernel)"
	[[ "$(hint_of vfio.binding)" != *softdep* ]]
}

@test "vfio.binding: driver_override=vfio-pci claims a device without ids=" {
	root="$(copy_host guide-single-gpu)"
	rm "$root/etc/modprobe.d/vfio.conf"
	gpu="$root/sys/bus/pci/devices/0000:01:00.0"
	sed -i '/^DRIVER=/d' "$gpu/uevent"
	echo vfio-pci >"$gpu/driver_override"
	check_json "$root" --phase verify
	[ "$(jq -r '.devices[] | select(.slot == "0000:01:00.0") | .claimed' <<<"$output")" = true ]
	assert_level vfio.binding fail
}

# --- vfio.host-drivers ------------------------------------------------------

@test "vfio.host-drivers: PASS naming the blacklist that keeps nouveau away" {
	check_json "$(host guide-single-gpu)"
	assert_level vfio.host-drivers pass
	assert_says vfio.host-drivers message "nouveau blacklisted"
}

@test "vfio.host-drivers: WARN when nothing orders the GPU driver after vfio-pci" {
	check_json "$(host driver-grabbed)"
	assert_level vfio.host-drivers warn
	assert_says vfio.host-drivers hint "softdep nouveau pre: vfio-pci"
}

@test "vfio.host-drivers: WARN when a blacklist also takes the driver of the host's own card" {
	root="$(copy_host two-nvidia)"
	echo "blacklist nouveau" >"$root/etc/modprobe.d/zz-blacklist-nouveau.conf"
	sed -i '/^DRIVER=/d' "$root/sys/bus/pci/devices/0000:0b:00.0/uevent"
	check_json "$root"
	assert_level vfio.host-drivers warn
	assert_says vfio.host-drivers message "0000:0b:00.0"
}

# --- iommu.group-viable -----------------------------------------------------

@test "iommu.group-viable: PASS when the group holds the GPU, its audio and a bridge" {
	check_json "$(host intel-igpu-dgpu)"
	assert_level iommu.group-viable pass
	[ "$(jq '[.groups[] | select(.passthrough and .viable)] | length' <<<"$output")" -eq 1 ]
}

@test "iommu.group-viable: FAIL naming the audio function and the ID to add (laptop)" {
	check_json "$(host laptop-nonviable)"
	assert_level iommu.group-viable fail
	assert_says iommu.group-viable message "0000:01:00.1"
	assert_says iommu.group-viable hint "10de:0fbc"
}

@test "iommu.group-viable: the fix edits the list that takes effect (vfio-pci.ids= on the command line)" {
	root="$(copy_host laptop-nonviable)"
	sed -i '/^options vfio-pci/d' "$root/etc/modprobe.d/vfio.conf"
	sed -i 's/$/ vfio-pci.ids=10de:1392/' "$root/proc/cmdline"
	check_json "$root"
	assert_level iommu.group-viable fail
	assert_says iommu.group-viable hint "add 10de:0fbc to vfio-pci.ids="
	assert_says iommu.group-viable hint "/etc/default/grub, then run update-grub"
	[[ "$(hint_of iommu.group-viable)" != *modprobe.d* ]]
}

@test "iommu.group-viable: FAIL naming Turing's USB and UCSI functions and their IDs when only two are listed" {
	check_json "$(host turing-four-functions)"
	assert_level iommu.group-viable fail
	assert_says iommu.group-viable message "0000:01:00.2"
	assert_says iommu.group-viable message "0000:01:00.3"
	assert_says iommu.group-viable hint "10de:1ad6, 10de:1ad7"
	# the USB function belongs to the card, so it is not a host device
	assert_level iommu.group-host-devices pass
}

@test "iommu.group-viable: PASS on Turing once all four functions are listed" {
	root="$(copy_host turing-four-functions)"
	grep -rl "ids=" "$root/etc/modprobe.d" | xargs sed -i 's/ids=[^ ]*/ids=10de:1e07,10de:10f7,10de:1ad6,10de:1ad7/'
	for f in 2 3; do
		sed -i 's/^DRIVER=.*/DRIVER=vfio-pci/' "$root/sys/bus/pci/devices/0000:01:00.$f/uevent"
	done
	check_json "$root"
	assert_level iommu.group-viable pass
	assert_says iommu.group-viable message "group 1 (5 devices)"
}

@test "iommu.group-viable: FAIL when a claimed device has no group because the IOMMU is off" {
	check_json "$(host iommu-off-kernel)"
	assert_level iommu.group-viable fail
	assert_says iommu.group-viable hint "iommu.kernel"
}

# --- iommu.group-host-devices -----------------------------------------------

@test "iommu.group-host-devices: PASS when passthrough groups hold only the card" {
	check_json "$(host guide-single-gpu)"
	assert_level iommu.group-host-devices pass
}

@test "iommu.group-host-devices: FAIL naming the NVMe, NIC and SATA in the Ryzen chipset group" {
	check_json "$(host amd-ryzen-chipset-group)"
	assert_level iommu.group-host-devices fail
	assert_says iommu.group-host-devices message "NVMe"
	assert_says iommu.group-host-devices message "network"
	assert_level iommu.group-viable fail
}

# --- display.headless -------------------------------------------------------

@test "display.headless: FAIL when the only display is listed in vfio-pci ids (the guide's host)" {
	check_json "$(host guide-single-gpu)"
	assert_level display.headless fail
	assert_says display.headless message "0000:01:00.0"
	assert_says display.headless hint "rescue"
	[ "$(jq -r .headless <<<"$output")" = true ]
}

@test "display.headless: PASS when the host keeps its iGPU" {
	check_json "$(host intel-igpu-dgpu)"
	assert_level display.headless pass
	[ "$(jq -r .headless <<<"$output")" = false ]
}

@test "display.headless: PASS when the host keeps the second NVIDIA card" {
	check_json "$(host two-nvidia)"
	assert_level display.headless pass
	assert_says display.headless message "0000:0b:00.0"
}

@test "display.headless: PASS when a serial console is configured" {
	check_json "$(host serial-console)"
	assert_level display.headless pass
	assert_says display.headless message "ttyS0"
	[ "$(jq -r .headless <<<"$output")" = false ]
}

@test "display.headless: the ASPEED BMC display counts as a host display" {
	check_json "$(host epyc-aspeed)"
	assert_level display.headless pass
	assert_says display.headless message "1a03:2000"
}

@test "display.headless: WARN when the boot display is claimed but another remains" {
	check_json "$(host boot-vga-claimed)"
	assert_level display.headless warn
	assert_says display.headless message "boot display"
}

@test "display.headless: FAIL when identical cards make the ID list take both; the fix binds one by slot" {
	check_json "$(host identical-gpus)"
	assert_level display.headless fail
	# removing the ID would free both cards: the hint names the model and the guest's card
	assert_says display.headless hint "takes every 10de:2204 card"
	assert_says display.headless hint "driver_override of each 0000:0b:00.* function"
	[[ "$(hint_of display.headless)" != *"remove its ID from ids="* ]]
}

@test "display.headless: the predict phase already knows before anything is bound" {
	root="$(copy_host guide-single-gpu)"
	for d in "$root"/sys/bus/pci/devices/*; do sed -i '/^DRIVER=/d' "$d/uevent"; done
	check_json "$root" --phase predict
	assert_level display.headless fail
}

# --- gpu.reset --------------------------------------------------------------

@test "gpu.reset: PASS listing the reset methods of the claimed GPU" {
	check_json "$(host guide-single-gpu)"
	assert_level gpu.reset pass
	assert_says gpu.reset message "bus"
}

@test "gpu.reset: WARN with the vendor-reset hint for an AMD GPU without a reset method" {
	check_json "$(host no-reset)"
	assert_level gpu.reset warn
	assert_says gpu.reset hint "vendor-reset"
}

# --- preflight.input --------------------------------------------------------

@test "preflight.input: PASS when every input reads cleanly" {
	check_json "$(host guide-single-gpu)"
	assert_level preflight.input pass
}

@test "preflight.input: WARN naming the bad modprobe.d line, and the good lines still count" {
	root="$(copy_host guide-single-gpu)"
	printf 'frobnicate vfio-pci now\noptions vfio-pci ids=10de:2204,10de:1aef\n' >"$root/etc/modprobe.d/vfio.conf"
	check_json "$root"
	assert_level preflight.input warn
	assert_says preflight.input message "/etc/modprobe.d/vfio.conf:1"
	assert_level vfio.ids pass
}

# --- vfio.host-drivers in the initramfs: the image's modules.alias ---------

# an initramfs-like copy of the guide's host: nothing bound yet, an image modules.alias
image_with_alias() {
	root="$(copy_host guide-single-gpu)"
	for d in "$root"/sys/bus/pci/devices/*; do sed -i '/^DRIVER=/d' "$d/uevent"; done
	printf '%s\n' "$@" >"$root/lib/modules/6.8.12-4-pve/modules.alias"
}

@test "vfio.host-drivers: predict WARNs about a driver in the image whose alias matches the GPU" {
	image_with_alias "alias pci:v*d*sv*sd*bc03sc*i* fancy_fb" "alias pci:v00008086d*sv*sd*bc*sc*i* e1000e"
	check_json "$root" --phase predict
	assert_level vfio.host-drivers warn
	assert_says vfio.host-drivers message "fancy_fb (in this initramfs, matches its modalias) may take 0000:01:00.0"
	assert_says vfio.host-drivers hint "softdep fancy_fb pre: vfio-pci"
}

@test "vfio.host-drivers: predict PASSes when the matching driver is ordered after vfio-pci" {
	image_with_alias "alias pci:v*d*sv*sd*bc03sc*i* fancy_fb"
	echo "softdep fancy_fb pre: vfio-pci" >>"$root/etc/modprobe.d/vfio.conf"
	check_json "$root" --phase predict
	assert_level vfio.host-drivers pass
	assert_says vfio.host-drivers message "fancy_fb after vfio-pci (softdep"
}

@test "vfio.host-drivers: a running host does not judge by modules.alias (every module on disk is in it)" {
	image_with_alias "alias pci:v*d*sv*sd*bc03sc*i* fancy_fb"
	check_json "$root"
	assert_level vfio.host-drivers pass
}

# the serial-console host passes a Navi 21 (1002:73bf): amdgpu drives it, radeon does not
navi_aliases() {
	root="$(copy_host serial-console)"
	printf '%s\n' "alias pci:v00001002d000073BFsv*sd*bc*sc*i* amdgpu" \
		"alias pci:v00001002d00006798sv*sd*bc*sc*i* radeon" "$@" \
		>"$root/lib/modules/6.1.0-18-amd64/modules.alias"
}

@test "vfio.host-drivers: without modules.alias every GPU driver of the vendor is suspect" {
	check_json "$(host serial-console)"
	assert_level vfio.host-drivers warn
	assert_says vfio.host-drivers message "radeon (nothing orders it after vfio-pci)"
}

@test "vfio.host-drivers: modules.alias rules out a driver that cannot bind the card (radeon and a Navi GPU)" {
	navi_aliases
	check_json "$root"
	assert_level vfio.host-drivers pass
	assert_says vfio.host-drivers message "amdgpu after vfio-pci (softdep"
	[[ "$(message_of vfio.host-drivers)" != *radeon* ]]
}

@test "vfio.host-drivers: modules.alias keeps a driver that can bind the card" {
	navi_aliases "alias pci:v00001002d000073BFsv*sd*bc03sc*i* radeon"
	check_json "$root"
	assert_level vfio.host-drivers warn
	assert_says vfio.host-drivers message "radeon (nothing orders it after vfio-pci) may take 0000:0c:00.0"
}

# --- every fix ----------------------------------------------------------------

@test "no fix on any fixture host, in any phase, asks for the same step twice" {
	local name phase hints
	for name in $(ls "$FIXTURES"); do
		for phase in check predict verify; do
			run "$VFP" check --root "$(host "$name")" --json --phase "$phase"
			hints="$(jq -r '.checks[].hint // empty' <<<"$output")"
			[ -n "$output" ] || { echo "$name/$phase: no JSON"; return 1; }
			# the steps of a fix are joined by ", then " / "; then "
			if awk '{ n = split($0, s, /[,;] then /); for (i = 1; i <= n; i++) if (seen[s[i]]++) exit 1; delete seen }' <<<"$hints"; then
				continue
			fi
			echo "$name/$phase: a fix repeats a step:"
			echo "$hints"
			return 1
		done
	done
}
