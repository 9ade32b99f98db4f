#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Never break a boot: bad, missing and hostile input gets a clear message and
# a verdict, never a crash, a hang or a loop. Every run is bounded by timeout.

load test_helper/common

setup_file() { fixtures_setup; }
setup() {
	fixtures_setup
	root="$(copy_host guide-single-gpu)"
}

# run the check with a time bound; a verdict (exit 0 or 1) and valid JSON
check_survives() {
	run timeout 20 "$VFP" check --root "$root" --json
	if [ "$status" -gt 1 ]; then
		echo "exit status $status: $output" >&2
		return 1
	fi
	jq -e '.verdict' <<<"$output" >/dev/null
}

@test "bad input: an empty root gives a verdict" {
	root="$BATS_TEST_TMPDIR/empty"
	mkdir "$root"
	check_survives
	assert_level iommu.kernel fail
}

@test "bad input: no /proc at all (an initramfs before mount) is normal" {
	rm -rf "$root/proc"
	check_survives
	assert_level iommu.interrupt-remapping note
	assert_says preflight.input message "/proc/cmdline"
}

@test "bad input: empty and garbage sysfs attributes" {
	d="$root/sys/bus/pci/devices/0000:01:00.0"
	: >"$d/uevent"
	printf 'zzzz\n' >"$d/vendor"
	check_survives
	assert_says preflight.input message "0000:01:00.0"
}

@test "bad input: binary junk in uevent, cmdline and modprobe.d" {
	head -c 4096 /dev/urandom >"$root/sys/bus/pci/devices/0000:01:00.1/uevent"
	head -c 4096 /dev/urandom >"$root/proc/cmdline"
	head -c 65536 /dev/urandom >"$root/etc/modprobe.d/junk.conf"
	check_survives
}

@test "bad input: a symlink loop where a device should be" {
	ln -s loop-b "$root/sys/bus/pci/devices/0000:09:00.0"
	ln -s 0000:09:00.0 "$root/sys/bus/pci/devices/loop-b"
	ln -s self "$root/etc/modprobe.d/self.conf" && mv "$root/etc/modprobe.d/self.conf" "$root/etc/modprobe.d/self"
	ln -s self "$root/etc/modprobe.d/loop.conf"
	check_survives
	assert_says preflight.input message "0000:09:00.0"
}

@test "bad input: dangling driver and iommu_group links" {
	d="$(readlink -f "$root/sys/bus/pci/devices/0000:01:00.0")"
	rm -f "$d/iommu_group" && ln -s ../../../../kernel/iommu_groups/999 "$d/iommu_group"
	rm -rf "$root/sys/bus/pci/drivers/vfio-pci"
	check_survives
}

@test "bad input: a 4 KiB+ command line, and one of 100 KiB" {
	{ cat "$root/proc/cmdline" | tr -d '\n'; for i in $(seq 1 400); do printf ' opt%d=value%d' "$i" "$i"; done; echo; } \
		>"$root/proc/cmdline.new" && mv "$root/proc/cmdline.new" "$root/proc/cmdline"
	[ "$(wc -c <"$root/proc/cmdline")" -gt 4096 ]
	check_survives
	assert_level iommu.kernel pass
	head -c 102400 /dev/zero | tr '\0' 'a' >"$root/proc/cmdline"
	check_survives
	assert_says preflight.input message "longer than"
}

@test "bad input: unbalanced quotes on the command line" {
	echo 'root=/dev/sda1 "intel_iommu=on iommu=pt console=ttyS0' >"$root/proc/cmdline"
	check_survives
}

@test "bad input: a multi-MiB modprobe.d file is read to the end" {
	{ for i in $(seq 1 60000); do echo "options dummy$i param=$i # filler line to make it big"; done
	  echo "blacklist nouveau"; } >"$root/etc/modprobe.d/00-huge.conf"
	[ "$(wc -c <"$root/etc/modprobe.d/00-huge.conf")" -gt 3000000 ]
	check_survives
	assert_says preflight.input message "directives"
}

@test "bad input: vfio-pci ids= past the 256 kept are named, not dropped silently" {
	# one ids= holds 1023 bytes (a longer one makes vfio-pci refuse to load):
	# three lists of 100 IDs, 300 entries in all
	: >"$root/etc/modprobe.d/vfio.conf"
	for k in 0 1 2; do
		ids="$(for i in $(seq $((4096 + k * 100)) $((4194 + k * 100))); do printf '10de:%04x,' "$i"; done)10de:2204"
		echo "options vfio-pci ids=$ids" >>"$root/etc/modprobe.d/vfio.conf"
	done
	check_survives
	assert_says preflight.input message "vfio-pci ids=: more than 256 entries; 44 ignored"
}

@test "bad input: a 100 KiB line without newline, and a backslash on the last line" {
	head -c 102400 /dev/zero | tr '\0' 'x' >"$root/etc/modprobe.d/long.conf"
	printf 'options vfio-pci \\' >"$root/etc/modprobe.d/zz-cont.conf"
	check_survives
	assert_says preflight.input message "4 KiB"
}

@test "bad input: a FIFO and a character device planted as files do not hang the scan" {
	mkfifo "$root/proc/interrupts.fifo"
	rm "$root/proc/interrupts" && mv "$root/proc/interrupts.fifo" "$root/proc/interrupts"
	rm "$root/etc/modprobe.d/vfio.conf" && ln -s /dev/zero "$root/etc/modprobe.d/vfio.conf"
	check_survives
}

@test "bad input: thousands of IOMMU groups (SR-IOV, 4096 functions)" {
	root="$(host sriov-4096)"
	check_survives
	[ "$(jq '.devices | length' <<<"$output")" -eq 4096 ]
	[ "$(jq '.groups | length' <<<"$output")" -gt 4000 ]
}

@test "bad input: an unreadable state directory does not stop the boot phase" {
	mkdir -p "$root/dev" && : >"$root/dev/kmsg"
	mkdir -p "$root/run" && : >"$root/run/vfio-preflight"
	run -0 timeout 20 "$VFP" boot predict --root "$root"
	grep -q 'state: cannot' "$root/dev/kmsg"
}

@test "--root: an absolute link in the tree points into the tree, as after a chroot" {
	root="$(copy_host two-nvidia)"
	[ ! -e /srv/vfio-preflight-test ] || skip "/srv/vfio-preflight-test exists on this machine"
	# /etc/modprobe.d/vfio.conf -> /srv/vfio-preflight-test/vfio.conf (absolute)
	mkdir -p "$root/srv/vfio-preflight-test"
	mv "$root/etc/modprobe.d/vfio.conf" "$root/srv/vfio-preflight-test/vfio.conf"
	ln -s /srv/vfio-preflight-test/vfio.conf "$root/etc/modprobe.d/vfio.conf"
	# /proc/cmdline -> a relative link that climbs above the root: clamped at it
	mv "$root/proc/cmdline" "$root/cmdline.real"
	ln -s ../../../../../../../../../../../../cmdline.real "$root/proc/cmdline"
	check_json "$root"
	assert_level vfio.ids pass
	assert_says vfio.ids message "10de:21c4 (1)"
	assert_says vfio.ids message "/etc/modprobe.d/vfio.conf"
	# the command line was found: nothing was missing to report
	assert_level preflight.input pass
}
