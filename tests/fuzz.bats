#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Bounded libFuzzer runs over every parser (ASan + UBSan), seeded from the
# corpus in preflight/fuzz/corpus. FUZZ_SECONDS sets the time per target.

load test_helper/common

fuzz() {
	local target="$1" work="$BATS_TEST_TMPDIR/corpus"
	mkdir -p "$work"
	cp "$REPO/preflight/fuzz/corpus/$target"/* "$work/"
	run "$REPO/preflight/fuzz/fuzz-$target" -max_total_time="${FUZZ_SECONDS:-10}" -max_len=8192 \
		-timeout=5 -rss_limit_mb=2048 -print_final_stats=1 "$work"
	echo "$output" | grep -E '^(Done|stat::number_of_executed_units)' >&3 || true
	[ "$status" -eq 0 ]
	[[ "$output" == *"Done "* ]]
}

@test "fuzz: the kernel command line parser" { fuzz cmdline; }
@test "fuzz: the vfio-pci ids= parser and matcher" { fuzz ids; }
@test "fuzz: the sysfs uevent and iommu_group link parsers" { fuzz uevent; }
@test "fuzz: the modprobe.d reader and parser" { fuzz modprobe; }
@test "fuzz: vfio-pci's option string: kmod's command-line reading, the kernel's parse_args" { fuzz kparams; }
@test "fuzz: GRUB environment blocks: read, checked, edited, still valid" { fuzz grubenv; }
@test "fuzz: the EFI variable decoder (attributes + UTF-16LE): terminated, ASCII only" { fuzz efivar; }
@test "fuzz: the /proc/mounts reader: the mount found holds the path" { fuzz mounts; }
@test "fuzz: the message formatter prints what snprintf prints, and cuts cleanly" { fuzz format; }
@test "fuzz: qemu-server VM configs and pci.cfg mappings, line by line" { fuzz pveconf; }
@test "fuzz: the saved boot state (env files), the login message and the node_exporter metrics" { fuzz bootstate; }
@test "fuzz: a saved report (JSON) read back for status: what it writes again reads back to the same text" { fuzz savedreport; }
@test "fuzz: kmod's binary indexes (modules.alias.bin wildcard and exact lookups)" { fuzz kmodindex; }
@test "fuzz: the alias matcher agrees with fnmatch(3), as kmod matches aliases" { fuzz aliasmatch; }
@test "fuzz: the configuration parser: data, never code; its output parses back the same" { fuzz config; }
@test "fuzz: the JSON writer: valid JSON in well-formed UTF-8 for any bytes, strings decode back" { fuzz json; }
@test "fuzz: the env writer: what dash sources back is each value byte for byte" { fuzz envwriter; }
@test "fuzz: the snapshot and /etc/default/grub readers: any stored snapshot or grub file gives the upgrade checks and valid JSON" { fuzz snapshot; }
@test "fuzz: the ACPI DMAR parser (RMRRs, device scopes, paths)" { fuzz dmar; }
@test "fuzz: the /proc/iomem, /proc/cpuinfo and sysfs resource parsers" { fuzz platform; }
@test "fuzz: the /proc/kallsyms reader that names a built-in module's init function for initcall_blacklist=" { fuzz initcall; }
