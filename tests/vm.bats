#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# `vfio-preflight vm`: the Proxmox VE guest side. Each scenario in tests/vms/NAME is a
# node's /etc/pve (VM configs in qemu-server's syntax, pci.cfg), /etc/hostname and
# /proc/meminfo laid over the fixture host named in tests/vms/NAME/host.

load test_helper/common

setup() {
	fixtures_setup
}

# A private root: the fixture host with the scenario's node files over it.
vm_root() {
	local name="$1" root="$BATS_TEST_TMPDIR/$1"
	cp -a "$FIXTURES/$(cat "$REPO/tests/vms/$name/host")" "$root"
	(cd "$REPO/tests/vms/$name" && tar cf - --exclude=./host .) | tar xf - -C "$root"
	printf '%s\n' "$root"
}

# level / message / hint of check ID for VMID in the vm JSON held in $output
vm_level() { jq -r --argjson v "$1" --arg id "$2" '.vms[] | select(.vmid == $v) | .checks[] | select(.id == $id) | .level' <<<"$output"; }
vm_field() { jq -r --argjson v "$1" --arg id "$2" --arg f "$3" '.vms[] | select(.vmid == $v) | .checks[] | select(.id == $id) | .[$f]' <<<"$output"; }

# assert VMID's check ID has LEVEL, and (optional) its message or hint contains TEXT
assert_vm() {
	local vmid="$1" id="$2" level="$3" text="${4:-}" got
	got="$(vm_level "$vmid" "$id")"
	if [ "$got" != "$level" ]; then
		echo "VM $vmid $id: expected $level, got '$got'" >&2
		jq --argjson v "$vmid" '.vms[] | select(.vmid == $v) | .checks' <<<"$output" >&2
		return 1
	fi
	[ -z "$text" ] && return 0
	case "$(vm_field "$vmid" "$id" message) $(vm_field "$vmid" "$id" hint)" in
	*"$text"*) return 0 ;;
	esac
	echo "VM $vmid $id: neither message nor hint contains '$text'" >&2
	jq --argjson v "$vmid" --arg id "$id" '.vms[] | select(.vmid == $v) | .checks[] | select(.id == $id)' <<<"$output" >&2
	return 1
}

@test "vm: the guide's LLM VM passes every check, exit 0, JSON as documented" {
	root="$(vm_root guide)"
	run -0 "$VFP" vm 100 --root "$root" --json
	jq -e '.verdict == "pass" and (.vms | length) == 1 and .vms[0].vmid == 100 and .vms[0].name == "llm"' <<<"$output"
	jq -e '.vms[0].checks | all(has("id") and has("level") and has("message") and has("hint"))' <<<"$output"
	for id in vm.config vm.host vm.device vm.functions vm.group vm.binding vm.machine vm.firmware vm.memory \
		vm.cpu; do
		assert_vm 100 "$id" pass
	done
	# the other VMs of this node name the same GPU (vm.shared below)
	assert_vm 100 vm.shared note
}

@test "vm.shared: a GPU no other VM names passes" {
	root="$(vm_root two-nvidia)"
	run -0 "$VFP" vm 300 --root "$root" --json
	assert_vm 300 vm.shared pass
}

@test "vm: only the current config counts: the snapshot's and the pending hostpci are not judged" {
	root="$(vm_root guide)"
	run -0 "$VFP" vm 100 --root "$root" --json
	assert_vm 100 vm.device pass "0000:01:00.0 [10de:2204]"
	[[ "$(vm_field 100 vm.device message)" != *"02:00"* && "$(vm_field 100 vm.device message)" != *"99:00"* ]]
	assert_vm 100 vm.config pass "snapshots and pending changes not judged"
}

@test "vm: the guide's common mistakes: GPU without its audio, i440fx, SeaBIOS, no cpu: host" {
	root="$(vm_root guide)"
	run -0 "$VFP" vm 101 --root "$root" --json
	assert_vm 101 vm.functions warn "0000:01:00.1 [10de:1aef]"
	assert_vm 101 vm.functions warn "qm set 101 --hostpci0 0000:01:00"
	assert_vm 101 vm.machine warn "i440fx"
	assert_vm 101 vm.firmware warn "qm set 101 --bios ovmf --efidisk0 local-lvm:1,efitype=4m"
	assert_vm 101 vm.cpu note "qm set 101 --cpu host"
	jq -e '.verdict == "warn"' <<<"$output"
}

@test "vm.machine: pcie=1 on i440fx is a FAIL with qemu-server's words, exit 1" {
	root="$(vm_root guide)"
	run -1 "$VFP" vm 102 --root "$root" --json
	assert_vm 102 vm.machine fail "q35 machine model is not enabled"
	assert_vm 102 vm.machine fail "qm set 102 --machine q35"
}

@test "vm: OVMF without efidisk0, a balloon target, Windows + NVIDIA without hidden=1" {
	root="$(vm_root guide)"
	run -0 "$VFP" vm 103 --root "$root" --json
	assert_vm 103 vm.firmware warn "qm set 103 --efidisk0 local-zfs:1,efitype=4m"
	assert_vm 103 vm.memory note "qm set 103 --balloon 0"
	assert_vm 103 vm.cpu note "Code 43"
	assert_vm 103 vm.cpu note "hidden=1"
	assert_vm 103 vm.machine pass "pc-q35-8.1"
}

@test "vm.cpu: hidden=1 and hv_vendor_id in args pass" {
	root="$(vm_root guide)"
	run -0 "$VFP" vm 104 --root "$root" --json
	assert_vm 104 vm.cpu pass "KVM hidden"
	assert_vm 104 vm.firmware pass
}

@test "vm.memory: a VM larger than the host's RAM fails (VFIO pins it all)" {
	root="$(vm_root guide)"
	run -1 "$VFP" vm 105 --root "$root" --json
	assert_vm 105 vm.memory fail "131072 MiB"
	assert_vm 105 vm.memory fail "64251 MiB"
}

@test "vm.device: an address with no device is a FAIL (the card moved)" {
	root="$(vm_root guide)"
	run -1 "$VFP" vm 106 --root "$root" --json
	assert_vm 106 vm.device fail "no PCI device 0000:0a:00"
}

@test "vm.config: unknown keys, hostpci16, a line that is not key: value are named; a bad hostpci value FAILs" {
	root="$(vm_root guide)"
	run -1 "$VFP" vm 107 --root "$root" --json
	assert_vm 107 vm.config note "'gpu' is not a qemu-server option"
	assert_vm 107 vm.config note "'hostpci16' is not a qemu-server option"
	assert_vm 107 vm.config note "line 11: not 'key: value'"
	assert_vm 107 vm.device fail "hostpci1: '0000:0A:00' does not parse"
	# hostpci0 lists both functions one by one: the whole card
	assert_vm 107 vm.functions pass
}

@test "vm: by default only VMs with a hostpci entry; a VMID or --all adds the others" {
	root="$(vm_root guide)"
	run -1 "$VFP" vm --root "$root" --json
	[ "$(jq -c '[.vms[].vmid]' <<<"$output")" = "[100,101,102,103,104,105,106,107]" ]
	run -0 "$VFP" vm 108 --root "$root" --json
	assert_vm 108 vm.config pass "no hostpci entry"
	[ "$(jq '.vms[0].checks | length' <<<"$output")" -eq 1 ]
	run -1 "$VFP" vm --all --root "$root" --json
	jq -e '[.vms[].vmid] | index(108) != null' <<<"$output"
}

@test "vm.shared: the same GPU in a VM that does not autostart is a NOTE naming the VMs" {
	root="$(vm_root guide)"
	run -0 "$VFP" vm 100 --root "$root" --json
	run -0 "$VFP" vm 104 --root "$root" --json
	assert_vm 104 vm.shared note "VM 100 (0000:01:00.0)"
}

@test "vm.group: a GPU in the chipset's group takes the host's NVMe, SATA, USB and NIC: FAIL naming them" {
	root="$(vm_root chipset)"
	run -1 "$VFP" vm --root "$root" --json
	assert_vm 200 vm.group fail "0000:1e:00.0 [c0a9:540a] (NVMe, nvme)"
	assert_vm 200 vm.group fail "(SATA controller, ahci)"
	assert_vm 200 vm.group fail "(network, r8169)"
	assert_vm 200 vm.group fail "(USB controller, xhci_hcd)"
	[[ "$(vm_field 200 vm.group message)" != *"20:00.1"* ]]	# the GPU's own audio goes to the VM
	[ "$(jq -r .vms[0].checks[0].id <<<"$output")" = vm.config ]
	jq -e '.node == "b450"' <<<"$output"
}

@test "vm.binding: the host's console card is a WARN; a card on vfio-pci passes" {
	root="$(vm_root two-nvidia)"
	run -0 "$VFP" vm --root "$root" --json
	assert_vm 300 vm.binding pass "0000:0a:00.3 [10de:1aed] on vfio-pci"
	assert_vm 300 vm.group pass
	assert_vm 301 vm.binding warn "the host's console is on 0000:0b:00.0 [10de:1c82] (nouveau, boot display)"
	assert_vm 301 vm.binding warn "0000:0b:00.1 [10de:0fb9] from snd_hda_intel"
}

@test "vm.device: resource mappings: valid, id changed, iommugroup changed, no map for this node, unknown" {
	root="$(vm_root mapping)"
	run -1 "$VFP" vm --root "$root" --json
	assert_vm 400 vm.device pass "mapping=rtx3090"
	assert_vm 400 vm.group pass
	assert_vm 401 vm.device fail "'id' does not match for 0000:01:00.0 (10de:2204 on the host, 10de:2203 recorded)"
	assert_vm 401 vm.device fail "hardware probably changed"
	assert_vm 402 vm.device fail "'iommugroup' does not match"
	assert_vm 403 vm.device fail "no map for this node"
	assert_vm 404 vm.device fail "no such mapping"
	# the node is /etc/hostname's: on another node 400's map is missing too
	echo pve2.example.com >"$root/etc/hostname"
	mkdir -p "$root/etc/pve/nodes/pve2" && mv "$root/etc/pve/nodes/pve/qemu-server" "$root/etc/pve/nodes/pve2/"
	rm "$root/etc/pve/qemu-server"
	run -1 "$VFP" vm 400 --root "$root" --json
	assert_vm 400 vm.device fail "pci device '0000:41:00.0' not found"
}

@test "vm.device: the mapping's mdev flag must match what the card offers (mdev_supported_types)" {
	root="$(vm_root mapping)"
	run -1 "$VFP" vm 405 --root "$root" --json
	assert_vm 405 vm.device fail "'mdev' does not match for 0000:01:00.0 (0 on the host, 1 recorded)"
	# a card that offers mediated devices, mapped without the flag
	mkdir "$root/sys/bus/pci/devices/0000:01:00.0/mdev_supported_types"
	run -1 "$VFP" vm 400 --root "$root" --json
	assert_vm 400 vm.device fail "'mdev' does not match for 0000:01:00.0 (1 on the host, 0 recorded)"
}

@test "vm.device: a mapping without /etc/pve/mapping/pci.cfg fails" {
	root="$(vm_root mapping)"
	rm "$root/etc/pve/mapping/pci.cfg"
	run -1 "$VFP" vm 400 --root "$root" --json
	assert_vm 400 vm.device fail "no /etc/pve/mapping/pci.cfg"
}

@test "vm --onboot: two autostarted VMs with one GPU and too much memory; the others are not judged" {
	root="$(vm_root autostart)"
	run -1 "$VFP" vm --onboot --root "$root" --json
	[ "$(jq -c '[.vms[].vmid]' <<<"$output")" = "[500,501]" ]
	assert_vm 500 vm.shared fail "also in VM 501; both start at boot"
	assert_vm 500 vm.memory fail "32768 MiB together"
	run -0 "$VFP" vm 502 --root "$root" --json
	assert_vm 502 vm.shared note "VM 500"
}

@test "vm.memory: autostarted VMs beyond what the host keeps but within its RAM: WARN with the figures" {
	root="$(vm_root autostart)"
	sed -i 's/^MemTotal:.*/MemTotal:       34816000 kB/' "$root/proc/meminfo"
	run -1 "$VFP" vm 500 --root "$root" --json
	assert_vm 500 vm.memory warn "500 (16384), 501 (16384)"
	assert_vm 500 vm.memory warn "the host has 34000 MiB and keeps 2125"
}

@test "vm.shared: a device reserved by a running VM fails the start; a dead reservation does not" {
	root="$(vm_root autostart)"
	mkdir -p "$root/run/qemu-server" "$root/proc/4242"
	printf '0000:01:00.0 503 pid:4242\n0000:01:00.1 503 pid:4242\n' >"$root/run/qemu-server/pci-id-reservations"
	run -1 "$VFP" vm 502 --root "$root" --json
	assert_vm 502 vm.shared fail "0000:01:00.0 is in use by VM 503 (running)"
	rmdir "$root/proc/4242"
	run -0 "$VFP" vm 502 --root "$root" --json
	assert_vm 502 vm.shared note
}

@test "vm.memory: no /proc/meminfo is a NOTE, not a crash" {
	root="$(vm_root autostart)"
	rm "$root/proc/meminfo"
	run -0 "$VFP" vm 502 --root "$root" --json
	assert_vm 502 vm.memory note "unknown"
}

@test "vm: the GTX 860M without its audio: functions and group WARN, the audio is unbound from snd_hda_intel" {
	root="$(vm_root laptop)"
	run -1 "$VFP" vm --root "$root" --json
	assert_vm 600 vm.functions warn "0000:01:00.1 [10de:0fbc] (audio)"
	assert_vm 600 vm.group warn "group 1: 0000:01:00.1 [10de:0fbc] (audio, snd_hda_intel)"
	assert_vm 600 vm.binding pass "on vfio-pci"
	# driver=keep binds nothing: the group is not viable
	assert_vm 601 vm.group fail "0000:01:00.1 [10de:0fbc] on snd_hda_intel"
}

@test "vm: IOMMU off in firmware: vm.group and vm.host FAIL; host drivers to unbind are a NOTE" {
	root="$(vm_root iommu-off)"
	run -1 "$VFP" vm --root "$root" --json
	assert_vm 700 vm.group fail "IOMMU not present"
	assert_vm 700 vm.host fail "iommu.firmware"
	assert_vm 700 vm.binding note "0000:01:00.0 [1002:73df] from amdgpu"
}

@test "vm: a GVT-g mediated device stays on i915 and binds no group" {
	root="$(vm_root gvt)"
	run -0 "$VFP" vm --root "$root" --json
	assert_vm 800 vm.binding pass "stays on i915 (mediated device i915-GVTg_V5_4)"
	assert_vm 800 vm.device pass "(mdev)"
}

@test "vm: no /etc/pve is said clearly, exit 0; a VMID asked for there fails vm.config" {
	root="$(host guide-single-gpu)"
	run -0 "$VFP" vm --root "$root" --json
	jq -e '.verdict == "pass" and (.vms | length) == 0' <<<"$output"
	jq -e '.message | contains("no /etc/pve")' <<<"$output"
	run -0 "$VFP" vm --root "$root"
	[[ "$output" == *"No VM to check: no /etc/pve"* ]]
	run -1 "$VFP" vm 100 --root "$root" --json
	assert_vm 100 vm.config fail "no /etc/pve"
}

@test "vm: bad input never crashes: random bytes, a 1 MiB line, NULs, CRLF, a directory for a config" {
	root="$(vm_root guide)"
	q="$root/etc/pve/nodes/pve/qemu-server"
	head -c 200000 /dev/urandom >"$q/900.conf"
	{ printf 'hostpci0: 0000:01:00,pcie=1\nargs: '; head -c 1048576 /dev/zero | tr '\0' x; printf '\nmemory: 4096\n'; } >"$q/901.conf"
	printf 'hostpci0: 0000:01:00\0,pcie=1\nmemory: 2048\n' >"$q/902.conf"
	printf 'hostpci0: 0000:01:00,pcie=1\r\nmachine: q35\r\nmemory: 4096\r\n' >"$q/903.conf"
	mkdir "$q/904.conf"
	for id in 900 901 902 903 904; do
		run "$VFP" vm "$id" --root "$root" --json
		[ "$status" -le 1 ] || { echo "VM $id: status $status: $output"; return 1; }
		jq -e . >/dev/null <<<"$output"
	done
	run "$VFP" vm 901 --root "$root" --json
	assert_vm 901 vm.config note "line 2: longer than this reader keeps"
	assert_vm 901 vm.memory pass "4096 MiB"
	run -0 "$VFP" vm 903 --root "$root" --json
	assert_vm 903 vm.machine pass "q35"
	run -1 "$VFP" vm 904 --root "$root" --json
	assert_vm 904 vm.config fail "904.conf: is a directory"
}

@test "vm: usage errors exit 2" {
	run -2 "$VFP" vm abc
	run -2 "$VFP" vm 0
	run -2 "$VFP" vm 100 --root
}

@test "vm --kmsg: one record per check and a verdict per VM, prefixed for journalctl -k | grep" {
	root="$(vm_root guide)"
	mkdir -p "$root/dev" && : >"$root/dev/kmsg"
	run -1 "$VFP" vm 102 --kmsg --root "$root"
	grep -q '^<3>vfio-preflight: vm 102: vm.machine: FAIL hostpci0 has pcie=1' "$root/dev/kmsg"
	grep -q '^<3>vfio-preflight: vm 102: verdict: FAIL' "$root/dev/kmsg"
	grep -q '^<3>vfio-preflight: vm: verdict: FAIL (1 VM, 1 would not start)' "$root/dev/kmsg"
}

# the hookscript as qemu-server calls it: SCRIPT VMID PHASE
hook() {
	VFIO_PREFLIGHT="$VFP" VFIO_PREFLIGHT_ROOT="$root" "$REPO/pve/hookscript" "$@"
}

@test "hookscript: pre-start refuses a VM that would not start, with the reason in the task log" {
	root="$(vm_root guide)"
	run -1 hook 102 pre-start
	[[ "$output" == *"FAIL  vm.machine    hostpci0 has pcie=1 on machine i440fx"* ]]
	[[ "$output" == *"vfio-preflight: refusing to start VM 102"* ]]
	run -0 hook 100 pre-start
	[[ "$output" == *"VM 100: PASS"* ]]
	# a WARN does not stop a start
	run -0 hook 101 pre-start
	[[ "$output" == *"VM 101: WARN"* ]]
}

@test "hookscript: the other phases do nothing; a missing program or an internal error never blocks a start" {
	root="$(vm_root guide)"
	for phase in post-start pre-stop; do
		run -0 hook 102 "$phase"
		[ -z "$output" ]
	done
	VFIO_PREFLIGHT=/nonexistent run -0 "$REPO/pve/hookscript" 102 pre-start
	[[ "$output" == *"starts unchecked"* ]]
	VFIO_PREFLIGHT_ROOT=/nonexistent-root VFIO_PREFLIGHT="$VFP" run -0 "$REPO/pve/hookscript" 102 pre-start
	[[ "$output" == *"the check did not run (status 2)"* ]]
}

@test "hookscript: post-stop logs whether the GPU came back, always exit 0" {
	root="$(vm_root guide)"
	mkdir -p "$root/dev" && : >"$root/dev/kmsg"
	run -0 hook 100 post-stop
	[[ "$output" == *"PASS  vm.returned"*"0000:01:00.0 [10de:2204] on vfio-pci (reset: bus)"* ]]
	grep -q 'vfio-preflight: vm 100: vm.returned: PASS' "$root/dev/kmsg"
	# the reset method gone: WARN
	rm "$root"/sys/devices/pci0000:00/0000:00:01.0/0000:01:00.0/reset_method
	run -0 hook 100 post-stop
	[[ "$output" == *"WARN  vm.returned"*"no reset method"* ]]
	# the card fell off the bus
	rm "$root/sys/bus/pci/devices/0000:01:00.0" "$root/sys/bus/pci/devices/0000:01:00.1"
	run -0 hook 100 post-stop
	[[ "$output" == *"FAIL  vm.returned"*"gone from the host"* ]]
}

@test "hookscript and unit: shellcheck clean, systemd-analyze verify clean" {
	shellcheck -s sh "$REPO/pve/hookscript"
	command -v systemd-analyze >/dev/null || skip "systemd-analyze not installed"
	dest="$BATS_TEST_TMPDIR/dest"
	run -0 make -C "$REPO" install DESTDIR="$dest"
	unit="$dest/lib/systemd/system/vfio-preflight-vm.service"
	MANPATH="$dest/usr/share/man" run -0 systemd-analyze verify "$unit"
	[ -z "$output" ] || { echo "$output"; return 1; }
	# '-' (a FAIL is not a failed unit) also skips the executable check: verify a copy without it
	mkdir "$BATS_TEST_TMPDIR/units"
	sed "s|^ExecStart=-/usr/sbin/|ExecStart=$dest/usr/sbin/|" "$unit" >"$BATS_TEST_TMPDIR/units/vfio-preflight-vm.service"
	MANPATH="$dest/usr/share/man" run -0 systemd-analyze verify "$BATS_TEST_TMPDIR/units/vfio-preflight-vm.service"
	[ -z "$output" ] || { echo "$output"; return 1; }
	grep -qx 'After=pve-cluster.service' "$dest/lib/systemd/system/vfio-preflight-vm.service"
	grep -qx 'Before=pve-guests.service' "$dest/lib/systemd/system/vfio-preflight-vm.service"
	grep -qx 'ExecStart=-/usr/sbin/vfio-preflight vm --onboot --kmsg --no-color' \
		"$dest/lib/systemd/system/vfio-preflight-vm.service"
}

@test "golden: every node's verdicts per VM and check are its tests/vms/NAME.expected" {
	local d name bad=0
	for d in "$REPO"/tests/vms/*/; do
		name="$(basename "$d")"
		[ -e "$REPO/tests/vms/$name.expected" ] || { echo "no tests/vms/$name.expected"; bad=1; continue; }
		cp -a "$FIXTURES/$(cat "$d/host")" "$BATS_TEST_TMPDIR/$name"
		VFIO_PREFLIGHT="$VFP" "$REPO/tests/vms/verdicts" "$name" "$BATS_TEST_TMPDIR/$name" >"$BATS_TEST_TMPDIR/$name.got" ||
			{ echo "$name: tests/vms/verdicts failed"; bad=1; continue; }
		grep -v '^#' "$REPO/tests/vms/$name.expected" |
			diff -u --label "$name.expected" --label "$name (this build)" - "$BATS_TEST_TMPDIR/$name.got" || bad=1
	done
	[ "$bad" -eq 0 ]
}

@test "man: every vm.* check id is documented" {
	local id
	root="$(vm_root guide)"
	run -1 "$VFP" vm --root "$root" --json
	for id in $(jq -r '[.vms[].checks[].id] | unique[]' <<<"$output") vm.returned; do
		grep -q "^\\.B $id\$" "$REPO/preflight/vfio-preflight.8" || { echo "man page lacks $id"; return 1; }
	done
}
