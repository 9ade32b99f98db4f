#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The device table equals lspci's reading of the same tree, and the libpci
# access method's, on every fixture host.

load test_helper/common

setup_file() { fixtures_setup; }
setup() { fixtures_setup; }

# slot vendor device class driver, one line per function, sorted
ours() {
	"$1" check --root "$2" --json ${3:+--backend "$3"} |
		jq -r '.devices[] | "\(.slot) \(.vendor):\(.device) \(.subsystem_vendor):\(.subsystem_device) \(.class[0:4]) \(.driver // "-")"' | sort
}

theirs() {
	lspci -A linux-sysfs -O sysfs.path="$1/sys/bus/pci" -nnkDvmm | awk -v RS= -F'\n' '
	{
		slot = ""; ven = ""; dev = ""; sv = "0000"; sd = "0000"; cls = ""; drv = "-"
		for (i = 1; i <= NF; i++) {
			split($i, kv, ":\t"); v = kv[2]
			id = v; sub(/.*\[/, "", id); sub(/\].*/, "", id)
			if (kv[1] == "Slot") slot = v
			else if (kv[1] == "Vendor") ven = id
			else if (kv[1] == "Device") dev = id
			else if (kv[1] == "SVendor") sv = id
			else if (kv[1] == "SDevice") sd = id
			else if (kv[1] == "Class") cls = id
			else if (kv[1] == "Driver") drv = v
		}
		print slot, ven ":" dev, sv ":" sd, cls, drv
	}' | sort
}

@test "differential: sysfs access method equals lspci on every fixture host" {
	for root in "$FIXTURES"/*/; do
		root="${root%/}"
		diff <(ours "$VFP" "$root") <(theirs "$root") || { echo "differs on $root"; return 1; }
	done
}

@test "differential: libpci access method equals the sysfs one on every fixture host" {
	for root in "$FIXTURES"/*/; do
		root="${root%/}"
		diff <(ours "$REPO/preflight/vfio-preflight-host" "$root" libpci) <(ours "$VFP" "$root") ||
			{ echo "differs on $root"; return 1; }
	done
}

@test "differential: both access methods reach the same verdicts on every fixture host" {
	for root in "$FIXTURES"/*/; do
		root="${root%/}"
		a="$("$VFP" check --root "$root" --json | jq -c '[.checks[] | [.id, .level]]')"
		b="$("$REPO/preflight/vfio-preflight-host" check --root "$root" --json --backend libpci |
			jq -c '[.checks[] | [.id, .level]]')"
		[ "$a" = "$b" ] || { echo "verdicts differ on $root"; return 1; }
	done
}

# openat2 with RESOLVE_IN_ROOT/BENEATH fails with EAGAIN when any rename on
# the system races a ".." of the walk; sysfs device links are full of them.
# Before the retry a busy host lost functions: 3,972-4,086 of 4,096 here.
@test "differential: renames elsewhere on the system drop no PCI function (openat2's EAGAIN is retried)" {
	root="$FIXTURES/sriov-4096"
	want="$(theirs "$root" | wc -l)"
	d="$BATS_TEST_TMPDIR/storm"
	mkdir -p "$d"
	: >"$d/a"
	python3 -c 'import os, sys
d = sys.argv[1]
open(d + "/running", "w").close()
while True:
    os.rename(d + "/a", d + "/b"); os.rename(d + "/b", d + "/a")' "$d" &
	storm=$!
	for i in $(seq 100); do [ -e "$d/running" ] && break; sleep 0.05; done
	for i in 1 2 3 4 5; do
		n="$("$VFP" check --root "$root" --json | jq '.devices | length')"
		[ "$n" -eq "$want" ] || { kill "$storm"; echo "run $i: $n of $want functions"; return 1; }
	done
	kill "$storm"
}
