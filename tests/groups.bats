#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# vfio-preflight groups: the IOMMU groups as a tree (group -> bridge ->
# functions), passthrough groups first with their verdict.

load test_helper/common

setup() {
	fixtures_setup
}
# exact lines come from --backend sysfs: a libpci build adds names (a test of its own)

@test "groups: a viable passthrough group, its four functions under their bridge, exit 0" {
	run -0 "$VFP" groups --backend sysfs --root "$(host two-nvidia)"
	[[ "${lines[0]}" == *"32 in all, 1 with a device claimed for passthrough" ]]
	[ "${lines[1]}" = "group 16: passthrough, viable" ]
	[ "${lines[2]}" = '  \-0000:00:03.1 PCI bridge [1022:1483]' ]
	[[ "${lines[3]}" == "      +-0a:00.0 VGA [10de:21c4]"*"driver vfio-pci  claimed (vfio-pci ids)" ]]
	[[ "${lines[6]}" == '      \-0a:00.3 serial bus [10de:1aed]'*"claimed (vfio-pci ids)" ]]
	# the host's card (group 17) is a host group: shown only with --all
	[[ "$output" != *"group 17"* ]]
	[[ "${lines[7]}" == "(31 host groups not shown: --all lists them)" ]]
}

@test "groups: a group that is not viable names the unclaimed function, exit 1" {
	run -1 "$VFP" groups --backend sysfs --root "$(host laptop-nonviable)"
	[[ "$output" == *"group 1: passthrough, not viable: 1 function not claimed (vfio-preflight check: iommu.group-viable)"* ]]
	[[ "$output" == *'\-01:00.1 audio [10de:0fbc]  driver snd_hda_intel  not claimed: blocks the group'* ]]
	[[ "$output" == *"+-01:00.0 VGA [10de:1392]  driver vfio-pci  claimed (vfio-pci ids)"* ]]
	# the root port is in the group too: a bridge is allowed
	[[ "$output" == *"00:01.0 PCI bridge [8086:0c01]  driver pcieport  bridge (allowed in a passthrough group)"* ]]
}

@test "groups: host devices in a passthrough group are named as such, behind every bridge" {
	run -1 "$VFP" groups --backend sysfs --root "$(host amd-ryzen-chipset-group)"
	[[ "$output" == *"group 3: passthrough, not viable: 4 host devices in it"* ]]
	[[ "$output" == *"+-03:00.1 SATA controller [1022:43c8]  driver ahci  host device: the VM start takes it from the host"* ]]
	[[ "$output" == *'+-0000:1d:01.0 PCI bridge [1022:43c7]'* ]]
	[[ "$output" == *'\-1f:00.0 network [10ec:8168]  driver r8169  host device'* ]]
	[[ "$output" == *'\-0000:1d:04.0 PCI bridge [1022:43c7]'* ]]
}

@test "groups: --all lists every group of sys/kernel/iommu_groups once, passthrough groups first" {
	root="$(host two-nvidia)"
	run -0 "$VFP" groups --backend sysfs --root "$root" --all
	grep '^group ' <<<"$output" | sed 's/^group \([0-9]*\):.*/\1/' >"$BATS_TEST_TMPDIR/shown"
	ls "$root/sys/kernel/iommu_groups" | sort -n >"$BATS_TEST_TMPDIR/groups"
	[ "$(head -1 "$BATS_TEST_TMPDIR/shown")" = 16 ]
	diff <(sort -n "$BATS_TEST_TMPDIR/shown") "$BATS_TEST_TMPDIR/groups"
	[[ "$output" == *"group 17: host (2 functions)"* ]]
	[[ "$output" == *'+-0b:00.0 VGA [10de:1c82]  driver nouveau (boot display)  host keeps it'* ]]
	[[ "$output" != *"not shown"* ]]
}

@test "groups: with the IOMMU off there are no groups to draw, exit 1 when a device is claimed" {
	run -1 "$VFP" groups --backend sysfs --root "$(host iommu-off-kernel)"
	[[ "$output" == *"no IOMMU groups: the IOMMU is off in firmware or kernel"* ]]
}

@test "groups: its exit status agrees with iommu.group-viable and iommu.group-host-devices on every host" {
	for dir in "$FIXTURES"/*/; do
		root="${dir%/}"
		rc=0
		"$VFP" groups --backend sysfs --root "$root" >/dev/null || rc=$?
		levels="$("$VFP" check --root "$root" --json | jq -r \
			'[.checks[] | select(.id == "iommu.group-viable" or .id == "iommu.group-host-devices") | .level] | join(",")')"
		want=0
		[[ "$levels" == *fail* ]] && want=1
		[ "$rc" = "$want" ] || { echo "${root##*/}: groups exit $rc, checks $levels"; return 1; }
	done
}

@test "groups: the host build names every function from pci.ids (libpci)" {
	[ -x "$REPO/preflight/vfio-preflight-host" ] || skip "make host not built"
	run -0 "$REPO/preflight/vfio-preflight-host" groups --root "$(host guide-single-gpu)"
	[[ "$output" == *"01:00.0 VGA [10de:2204] NVIDIA Corporation GA102 [GeForce RTX 3090]  driver vfio-pci (boot display)  claimed"* ]]
	run -0 "$REPO/preflight/vfio-preflight-host" groups --root "$(host guide-single-gpu)" --backend sysfs
	[[ "$output" != *"GeForce"* ]]
}

@test "groups: colour on a terminal in both outcomes, none off it or with --no-color" {
	run script -qec "$VFP groups --backend sysfs --root $(host two-nvidia)" /dev/null
	[[ "$output" == *$'passthrough, \e[32mviable\e[0m'* ]]
	run script -qec "$VFP groups --backend sysfs --root $(host laptop-nonviable)" /dev/null
	[[ "$output" == *$'passthrough, \e[1;31mnot viable\e[0m'* ]]
	[[ "$output" == *$'\e[1;31mnot claimed: blocks the group\e[0m'* ]]
	run script -qec "$VFP groups --backend sysfs --root $(host laptop-nonviable) --no-color" /dev/null
	[[ "$output" != *$'\e['* ]]
	run -1 "$VFP" groups --backend sysfs --root "$(host laptop-nonviable)"
	[[ "$output" != *$'\e['* ]]
}

@test "groups: usage errors exit 2; --all belongs to groups only" {
	run -2 "$VFP" groups --bogus
	run -2 "$VFP" check --all
}
