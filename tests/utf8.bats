#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Every output is well-formed UTF-8 whatever bytes the tree holds (issue 8): the
# root's own path, driver names, the cmdline and modprobe.d (names and content)
# carry bytes that are not UTF-8 and characters a byte count cuts in two.
# Readers as strict as they come judge it: python3's json.load and its UTF-8
# decoder with errors="strict" (jq would hide a bad byte by substituting).

load test_helper/common

setup_file() { fixtures_setup; }

# utf8_strict FILE...: each file decodes as UTF-8 with no error
utf8_strict() {
	python3 -c 'import sys
for f in sys.argv[1:]:
    open(f, encoding="utf-8", errors="strict").read()' "$@"
}

# json_strict FILE: one JSON document, decoded strictly
json_strict() {
	python3 -c 'import json, sys; json.load(open(sys.argv[1], encoding="utf-8", errors="strict"))' "$1"
}

setup() {
	fixtures_setup
	# the tree itself sits under a directory whose name is not UTF-8
	top="$BATS_TEST_TMPDIR/$(printf 'tree-\xff\xfe')"
	mkdir -p "$top"
	cp -a "$(host guide-single-gpu)" "$top/host"
	root="$top/host"
	local dev="$root/sys/devices/pci0000:00/0000:00:01.0"
	# a driver name with a stray byte, and one of 2-byte characters longer than the
	# 31 bytes a driver name keeps: a byte count cuts the 16th character in two
	ln -sfn "../../../../bus/pci/drivers/$(printf 'nouveau\xff')" "$dev/0000:01:00.0/driver"
	sed -i "s/^DRIVER=.*/DRIVER=$(printf 'nouveau\xff')/" "$dev/0000:01:00.0/uevent"
	long="$(printf 'é%.0s' $(seq 20))"
	ln -sfn "../../../../bus/pci/drivers/$long" "$dev/0000:01:00.1/driver"
	if grep -q '^DRIVER=' "$dev/0000:01:00.1/uevent"; then
		sed -i "s/^DRIVER=.*/DRIVER=$long/" "$dev/0000:01:00.1/uevent"
	else
		echo "DRIVER=$long" >>"$dev/0000:01:00.1/uevent"
	fi
	printf 'BOOT_IMAGE=/boot/vmlinuz-6.8.12-4-pve root=/dev/mapper/pve-root ro intel_iommu=\xc3 iommu=pt\xe2\x82 vfio-pci.ids=10de:2204,10de:1aef,\xf0\x9f\x98\n' \
		>"$root/proc/cmdline"
	printf 'options vfio-pci ids=10de:2204,10de:1aef,10de:\xe9\xe9\nblacklist nouv\xc3eau\nbogus \xff\xfe line\n' \
		>"$root/etc/modprobe.d/$(printf 'vfio-\xff\xc3.conf')"
	mkdir -p "$root/dev"
	: >"$root/dev/kmsg"
}

@test "utf8: the bad bytes reach the report (the test is not vacuous)" {
	run -1 --separate-stderr "$VFP" check --root "$root" --json
	printf '%s' "$output" >"$BATS_TEST_TMPDIR/report.json"
	# each stray byte became U+FFFD; the well-formed 2-byte characters survive whole
	grep -q $'\xef\xbf\xbd' "$BATS_TEST_TMPDIR/report.json"
	python3 -c 'import json, sys
r = json.load(open(sys.argv[1], encoding="utf-8"))
drivers = {d["slot"]: d["driver"] for d in r["devices"]}
assert drivers["0000:01:00.0"] == "nouveau\ufffd", drivers["0000:01:00.0"]
assert drivers["0000:01:00.1"] == "é" * 15, drivers["0000:01:00.1"]
assert r["root"].endswith("tree-\ufffd\ufffd/host"), r["root"]' "$BATS_TEST_TMPDIR/report.json"
}

@test "utf8: check --json is strict JSON and UTF-8, in every phase" {
	local phase
	for phase in check predict verify; do
		run -1 --separate-stderr "$VFP" check --root "$root" --json --phase "$phase"
		printf '%s' "$output" >"$BATS_TEST_TMPDIR/$phase.json"
		json_strict "$BATS_TEST_TMPDIR/$phase.json"
	done
}

@test "utf8: the text report, the kmsg records and stderr are UTF-8" {
	"$VFP" check --root "$root" --kmsg >"$BATS_TEST_TMPDIR/report.txt" 2>"$BATS_TEST_TMPDIR/stderr" || true
	[ -s "$BATS_TEST_TMPDIR/report.txt" ] && [ -s "$root/dev/kmsg" ]
	grep -q 'nouveau' "$BATS_TEST_TMPDIR/report.txt"
	utf8_strict "$BATS_TEST_TMPDIR/report.txt" "$root/dev/kmsg" "$BATS_TEST_TMPDIR/stderr"
}

@test "utf8: the saved state of boot predict (json, env) and status are UTF-8" {
	run -0 "$VFP" boot predict --root "$root"
	json_strict "$root/run/vfio-preflight/predict.json"
	utf8_strict "$root/run/vfio-preflight/predict.env" "$root/dev/kmsg"
	"$VFP" status --root "$root" --json >"$BATS_TEST_TMPDIR/status.json"
	json_strict "$BATS_TEST_TMPDIR/status.json"
	"$VFP" status --root "$root" >"$BATS_TEST_TMPDIR/status.txt"
	utf8_strict "$BATS_TEST_TMPDIR/status.txt"
}

@test "utf8: a name cut to fit a message (%.40s) keeps whole characters, not a U+FFFD" {
	# 1 + 30 * 2 bytes: a cut at byte 40 falls inside the 20th character
	mkdir "$root/sys/bus/pci/devices/x$(printf 'é%.0s' $(seq 30))"
	run -1 --separate-stderr "$VFP" check --root "$root" --json
	printf '%s' "$output" >"$BATS_TEST_TMPDIR/report.json"
	python3 -c 'import json, sys
r = json.load(open(sys.argv[1], encoding="utf-8", errors="strict"))
m = [c["message"] for c in r["checks"] if c["id"] == "preflight.input"][0]
want = "x" + "é" * 19 + ": not a PCI slot name"
assert want in m, m' "$BATS_TEST_TMPDIR/report.json"
}
