#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The kernel-ring writer, against a regular file standing in for /dev/kmsg.

load test_helper/common

setup_file() { fixtures_setup; }
setup() {
	fixtures_setup
	root="$(copy_host guide-single-gpu)"
	mkdir -p "$root/dev"
	: >"$root/dev/kmsg"
}

@test "kmsg: one record per check plus the verdict, all with the stable prefix" {
	run -1 "$VFP" check --root "$root" --kmsg --json
	[ "$(wc -l <"$root/dev/kmsg")" -eq $(($(check_ids check | wc -l) + 1)) ]
	! grep -v '^<[3-6]>vfio-preflight: ' "$root/dev/kmsg"
	grep -q '^<[3-6]>vfio-preflight: verdict: FAIL' "$root/dev/kmsg"
}

@test "kmsg: priorities are FAIL=3, WARN=4, NOTE=5, PASS=6" {
	root2="$(copy_host boot-vga-claimed)"
	mkdir -p "$root2/dev" && : >"$root2/dev/kmsg"
	"$VFP" check --root "$root" --kmsg >/dev/null || true
	"$VFP" check --root "$root2" --kmsg >/dev/null || true
	grep -q '^<3>vfio-preflight: display.headless: FAIL ' "$root/dev/kmsg"
	grep -q '^<6>vfio-preflight: iommu.kernel: PASS ' "$root/dev/kmsg"
	grep -q '^<4>vfio-preflight: display.headless: WARN ' "$root2/dev/kmsg"
	! grep -E '^<[0-2]>|^<[7-9]>' "$root/dev/kmsg" "$root2/dev/kmsg"
}

@test "kmsg: a non-pass record carries its fix" {
	"$VFP" check --root "$root" --kmsg >/dev/null || true
	grep -q '^<3>vfio-preflight: display.headless: FAIL .* -- fix: ' "$root/dev/kmsg"
}

@test "kmsg: no record exceeds 1 KiB, however long the message" {
	root3="$(copy_host sriov-4096)"
	mkdir -p "$root3/dev" && : >"$root3/dev/kmsg"
	# 100 unmatched IDs (just under the 1023 bytes the kernel's ids= holds) make the longest messages
	ids="$(seq 1 100 | awk '{printf "%s8086:%04x", (NR>1?",":""), NR}')"
	mkdir -p "$root3/etc/modprobe.d"
	echo "options vfio-pci ids=$ids" >"$root3/etc/modprobe.d/vfio.conf"
	"$VFP" check --root "$root3" --kmsg >/dev/null || true
	awk 'length($0) + 1 > 1024 { bad = 1 } END { exit bad }' "$root3/dev/kmsg"
	grep -q '(+[0-9]* more)' "$root3/dev/kmsg"
}

@test "kmsg: the file is reopened at least every 10 records (the per-open burst), so the devkmsg ratelimit drops nothing" {
	command -v strace >/dev/null || skip "strace not installed"
	# under --root the file is opened with openat2 (links resolve inside the root)
	strace -f -e trace=openat,openat2,write -o "$BATS_TEST_TMPDIR/trace" "$VFP" check --root "$root" --kmsg >/dev/null || true
	awk '/openat2?\(.*dev\/kmsg/ { if (n > 10) bad = 1; n = 0 } /write\([0-9]+, "<[0-9]>vfio-preflight/ { n++ } END { if (n > 10) bad = 1; exit bad }' \
		"$BATS_TEST_TMPDIR/trace"
	[ "$(grep -cE 'openat2?\(.*dev/kmsg' "$BATS_TEST_TMPDIR/trace")" -ge 2 ]
}

@test "kmsg: without /dev/kmsg the records go to stderr, without the priority tag" {
	rm "$root/dev/kmsg"
	run -1 --separate-stderr "$VFP" check --root "$root" --kmsg --json
	[[ "$stderr" == *"vfio-preflight: display.headless: FAIL"* ]]
	[[ "$stderr" != *"<3>"* ]]
	jq -e .headless <<<"$output"
}
