#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The state files the boot phases leave in /run/vfio-preflight: predict.env's
# lists are whole whatever their length, and sourcing the file gives them back.

load test_helper/common

# a host with N functions of one GPU model, all listed in vfio-pci.ids
many_claimed_host() {
	local n="$1" f="$BATS_TEST_TMPDIR/many.host"
	{
		echo "kernel 6.1.0-18-amd64"
		echo "cmdline BOOT_IMAGE=/boot/vmlinuz-6.1.0-18-amd64 root=/dev/sda1 ro intel_iommu=on vfio-pci.ids=10de:1aef"
		echo "acpi DMAR"
		echo "iommu on type=DMA units=dmar0"
		echo "interrupts remap"
		echo "dev 00:00.0 8086:2020 class=060000 group=0"
		echo "dev 00:02.0 1234:1111 class=030000 group=1 boot_vga=1"
		for i in $(seq 1 "$n"); do
			printf 'dev %02x:00.1 10de:1aef class=040300 group=%d\n' "$((i + 1))" "$((i + 1))"
		done
	} >"$f"
	"$REPO/tests/mkfixture" "$f" "$BATS_TEST_TMPDIR/many" >/dev/null
	mkdir -p "$BATS_TEST_TMPDIR/many/dev" && : >"$BATS_TEST_TMPDIR/many/dev/kmsg"
	echo "$BATS_TEST_TMPDIR/many"
}

@test "state: predict.env lists every claimed device whole, past 1 KiB, and sources back exactly" {
	local root env got want
	root="$(many_claimed_host 120)"
	run -0 "$VFP" boot predict --root "$root"
	env="$root/run/vfio-preflight/predict.env"
	want="$(seq 1 120 | while read -r i; do printf '0000:%02x:00.1 ' "$((i + 1))"; done)"
	want="${want% }"
	got="$(sh -c ". '$env' && printf '%s' \"\$CLAIMED\"")"
	[ "${#got}" -gt 1024 ]
	[ "$got" = "$want" ]
}

@test "state: the files are replaced whole (no temporary file left), a reader sees the old or the new" {
	local root
	root="$(many_claimed_host 2)"
	run -0 "$VFP" boot predict --root "$root"
	ino="$(stat -c %i "$root/run/vfio-preflight/predict.json")"
	run -0 "$VFP" boot predict --root "$root"
	[ "$(stat -c %i "$root/run/vfio-preflight/predict.json")" != "$ino" ]
	[ -z "$(find "$root/run/vfio-preflight" -name '.*')" ]
	jq -e '.phase == "predict"' "$root/run/vfio-preflight/predict.json"
}
