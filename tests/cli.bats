#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The command-line contract: exit codes, --root, the JSON schema, the text report.

load test_helper/common

setup_file() { fixtures_setup; }
setup() { fixtures_setup; }

@test "cli: exit 0 when no check fails" {
	run -0 "$VFP" check --root "$(host two-nvidia)"
	[[ "$output" == *"Verdict: PASS"* ]]
}

@test "cli: exit 1 when a check fails" {
	run -1 "$VFP" check --root "$(host guide-single-gpu)"
	[[ "$output" == *"Verdict: FAIL"* ]]
}

@test "cli: exit 2 on a usage error, with the usage on stderr" {
	run -2 --separate-stderr "$VFP" check --frobnicate
	[[ "$stderr" == *"usage: vfio-preflight check"* ]]
	run -2 "$VFP"
	run -2 "$VFP" nonsense
	run -2 "$VFP" check --root
	run -2 "$VFP" check --phase upgrade
}

@test "cli: exit 2 when the root does not exist" {
	run -2 --separate-stderr "$VFP" check --root "$BATS_TEST_TMPDIR/nowhere"
	[[ "$stderr" == *"cannot open root"* ]]
}

@test "cli: --help and --version exit 0" {
	run -0 "$VFP" --help
	[[ "$output" == *"vfio-preflight(8)"* ]]
	run -0 "$VFP" --version
	[[ "$output" =~ ^vfio-preflight\ [0-9] ]]
}

@test "cli: --root reads every path under the root, never the build machine's /" {
	root="$(copy_host guide-single-gpu)"
	run -1 "$VFP" check --root "$root" --json
	jq -e '.root == "'"$root"'"' <<<"$output"
	jq -e '.kernel == "6.8.12-4-pve"' <<<"$output"
	# nothing of this machine's PCI bus leaks in: exactly the fixture's functions
	[ "$(jq '.devices | length' <<<"$output")" -eq "$(ls "$root/sys/bus/pci/devices" | wc -l)" ]
}

@test "json: the object carries verdict, iommu_active, headless, checks, devices and groups" {
	check_json "$(host guide-single-gpu)"
	[ "$status" -eq 1 ]
	jq -e '
	  (.verdict | IN("pass","warn","fail")) and
	  (.iommu_active | type == "boolean") and (.headless | type == "boolean") and
	  (.checks | type == "array" and length > 0) and
	  all(.checks[]; (.id|type=="string") and (.level | IN("pass","note","warn","fail")) and
	      (.message|type=="string") and (.hint == null or (.hint|type=="string"))) and
	  all(.devices[]; (.slot | test("^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\\.[0-7]$")) and
	      (.vendor | test("^[0-9a-f]{4}$")) and (.device | test("^[0-9a-f]{4}$")) and
	      (.subsystem_vendor | test("^[0-9a-f]{4}$")) and (.subsystem_device | test("^[0-9a-f]{4}$")) and
	      (.class | test("^[0-9a-f]{6}$")) and (.driver == null or (.driver|type=="string")) and
	      (.iommu_group == null or (.iommu_group|type=="number")) and
	      (.boot_vga == null or (.boot_vga|type=="boolean")) and (.claimed|type=="boolean")) and
	  all(.groups[]; (.id|type=="number") and (.devices|type=="array") and
	      (.passthrough|type=="boolean") and (.viable|type=="boolean"))
	' <<<"$output"
}

@test "json: every check of the table runs in its phase, once, in table order" {
	local phase
	for phase in check predict verify; do
		check_json "$(host guide-single-gpu)" --phase "$phase"
		diff -u <(check_ids "$phase") <(jq -r '.checks[].id' <<<"$output")
	done
	# the upgrade rows: tests/golden.bats runs them on every host
	[ -n "$(check_ids upgrade)" ]
}

@test "json: every non-pass check carries a hint" {
	for h in guide-single-gpu laptop-nonviable amd-ryzen-chipset-group iommu-off-kernel driver-grabbed; do
		check_json "$(host "$h")"
		jq -e 'all(.checks[] | select(.level != "pass"); (.hint // "") != "")' <<<"$output"
	done
}

@test "json: the verdict is the worst level and matches the exit status" {
	check_json "$(host two-nvidia)"
	[ "$status" -eq 0 ]
	jq -e '.verdict == "pass"' <<<"$output"
	check_json "$(host boot-vga-claimed)"
	[ "$status" -eq 0 ]
	jq -e '.verdict == "warn"' <<<"$output"
	check_json "$(host laptop-nonviable)"
	[ "$status" -eq 1 ]
	jq -e '.verdict == "fail"' <<<"$output"
}

@test "json: devices carry driver, group, boot_vga and claimed as the tree says" {
	check_json "$(host intel-igpu-dgpu)"
	jq -e '.devices[] | select(.slot == "0000:01:00.0") |
	       .vendor == "1002" and .device == "67df" and .class == "030000" and
	       .driver == "vfio-pci" and .iommu_group == 1 and .claimed and .boot_vga == false' <<<"$output"
	jq -e '.devices[] | select(.slot == "0000:00:02.0") | .boot_vga and (.claimed | not)' <<<"$output"
	jq -e '.groups[] | select(.id == 1) | .passthrough and .viable' <<<"$output"
}

@test "json: root complexes without an IOMMU group have iommu_group null (EPYC)" {
	check_json "$(host epyc-aspeed)"
	jq -e '[.devices[] | select(.iommu_group == null)] | length > 0' <<<"$output"
	assert_level iommu.kernel pass
}

@test "text: one line per check, a fix under each non-pass line, and no colour off a terminal" {
	run -1 "$VFP" check --root "$(host guide-single-gpu)"
	[ "$(grep -cE '^(PASS|NOTE|WARN|FAIL)  ' <<<"$output")" -eq "$(check_ids check | wc -l)" ]
	grep -A1 '^FAIL  display.headless' <<<"$output" | grep -q 'fix: '
	! grep -q $'\033' <<<"$output"
}

@test "text: the host build names devices from pci.ids (libpci backend)" {
	run -1 "$REPO/preflight/vfio-preflight-host" check --root "$(host guide-single-gpu)" --backend libpci
	[[ "$output" == *"GA102 [GeForce RTX 3090]"* ]]
}

@test "boot: writes state files and exits 0 even when checks fail" {
	root="$(copy_host guide-single-gpu)"
	mkdir -p "$root/dev" && : >"$root/dev/kmsg"
	run -0 "$VFP" boot predict --root "$root"
	[ -s "$root/run/vfio-preflight/predict.json" ]
	jq -e '.phase == "predict" and .headless' "$root/run/vfio-preflight/predict.json"
	grep -qx "HEADLESS='1'" "$root/run/vfio-preflight/predict.env"
	grep -qx "VERDICT='fail'" "$root/run/vfio-preflight/predict.env"
	# the env file is safe to source from busybox ash
	sh -c ". '$root/run/vfio-preflight/predict.env' && [ \"\$HEADLESS\" = 1 ]"
}

@test "status: prints the saved verdicts of the boot phases, text and JSON" {
	root="$(copy_host guide-single-gpu)"
	mkdir -p "$root/dev" && : >"$root/dev/kmsg"
	run -1 --separate-stderr "$VFP" status --root "$root"
	[[ "$stderr" == *"no saved verdicts"* ]]
	"$VFP" boot predict --root "$root"
	"$VFP" boot verify --root "$root"
	run -0 "$VFP" status --root "$root"
	[[ "$output" == *"== predict phase"* && "$output" == *"== verify phase"* ]]
	run -0 "$VFP" status --root "$root" --json
	jq -e '.predict.phase == "predict" and .verify.phase == "verify"' <<<"$output"
	# the boot saves the report once, as JSON (and .env for the scripts)
	[ "$(cd "$root/run/vfio-preflight" && echo *)" = "predict.env predict.json verify.env verify.json" ]
}

@test "status: each saved phase's text is byte for byte the report check prints for that phase, on every fixture host" {
	local name phase bad=0
	for name in $(ls "$FIXTURES"); do
		case "$name" in bench-512 | sriov-4096) continue ;; esac # large: the same code, slowly
		root="$BATS_TEST_TMPDIR/$name"
		cp -a "$(host "$name")" "$root"
		mkdir -p "$root/dev" && : >"$root/dev/kmsg"
		"$VFP" boot predict --root "$root"
		"$VFP" boot verify --root "$root"
		"$VFP" status --root "$root" >"$root/status" || { echo "$name: status failed"; bad=1; }
		for phase in predict verify; do
			awk -v p="$phase" '/^== / { on = $2 == p; next } on' "$root/status" | sed '${/^$/d}' >"$root/$phase.shown"
			"$VFP" check --root "$root" --phase "$phase" >"$root/$phase.check" || true
			diff -u --label "check --phase $phase" --label "status ($name)" "$root/$phase.check" "$root/$phase.shown" || bad=1
		done
	done
	[ "$bad" -eq 0 ]
}

@test "status: a saved report that is not one says so, names the file and exits 3; the other phases still print" {
	root="$(copy_host guide-single-gpu)"
	mkdir -p "$root/dev" && : >"$root/dev/kmsg"
	"$VFP" boot verify --root "$root"
	printf '{"verdict":"pass","checks":[' >"$root/run/vfio-preflight/predict.json"
	run -3 --separate-stderr "$VFP" status --root "$root"
	[[ "$stderr" == *"/run/vfio-preflight/predict.json: not a report this program saved"* ]]
	[[ "$output" == *"== verify phase"*"Verdict: "* ]]
	# more functions than a host has: refused as such, not read into memory without end
	{ printf '{"devices":['; yes '{},' | head -n 65536 | tr -d '\n'; printf '{}]}'; } \
		>"$root/run/vfio-preflight/predict.json"
	run -3 --separate-stderr "$VFP" status --root "$root"
	[[ "$stderr" == *"predict.json: not a report this program saved"* ]]
	head -c $((17 << 20)) /dev/zero | tr '\0' ' ' >"$root/run/vfio-preflight/predict.json"
	run -3 --separate-stderr "$VFP" status --root "$root"
	[[ "${stderr,,}" == *"predict.json: file too large"* ]]
}

@test "text: colour on a terminal, none with --no-color or NO_COLOR" {
	command -v script >/dev/null || skip "script (bsdutils) not installed"
	root="$(host guide-single-gpu)"
	run script -qec "$VFP check --root $root" /dev/null
	[[ "$output" == *$'\033[1;31mFAIL'* ]]
	run script -qec "$VFP check --root $root --no-color" /dev/null
	[[ "$output" != *$'\033['* ]]
	run script -qec "env NO_COLOR=1 $VFP check --root $root" /dev/null
	[[ "$output" != *$'\033['* ]]
}

@test "boot: --state-dir puts the verdicts where it says, and status reads them from there" {
	root="$(copy_host guide-single-gpu)"
	mkdir -p "$root/dev" && : >"$root/dev/kmsg"
	run -0 "$VFP" boot verify --root "$root" --state-dir /run/elsewhere/vfp
	[ -s "$root/run/elsewhere/vfp/verify.json" ]
	[ ! -e "$root/run/vfio-preflight" ]
	run -0 "$VFP" status --root "$root" --state-dir /run/elsewhere/vfp --json
	jq -e '.verify.phase == "verify"' <<<"$output"
}
