#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# After the boot: the login message of a boot that fell back or started
# from the rescue entry (status --motd), node_exporter metrics (status
# --prometheus DIR), and the systemd units that write them.

load test_helper/common

setup() {
	fixtures_setup
	# the guide's single-GPU host as the initramfs left it: predict saved
	root="$(copy_host guide-single-gpu)"
	run -0 "$VFP" boot predict --root "$root"
	printf 'cpu  1 2 3 4\nbtime 1764633600\n' >"$root/proc/stat"
	mkdir -p "$root/var/lib/prometheus/node-exporter" "$root/dev"
	: >"$root/dev/kmsg"
}

fall_back() {
	echo "inplace display.headless failed: vfio-pci would claim 0000:01:00.0 0000:01:00.1" \
		>"$root/run/vfio-preflight/fallback"
}

rescue_boot() {
	sed -i 's/$/ vfio_preflight.rescue=1/' "$root/proc/cmdline"
}

@test "motd: a boot that fell back in place says so, why, the failed check with its fix, and what to run" {
	fall_back
	run -0 "$VFP" status --root "$root" --motd
	motd="$(cat "$root/run/motd.d/vfio-preflight")"
	[[ "$motd" == "vfio-preflight: this boot FELL BACK (FALLBACK=inplace): vfio-pci claims nothing on this boot."* ]]
	[[ "$motd" == *"  why: display.headless failed: vfio-pci would claim 0000:01:00.0 0000:01:00.1"* ]]
	[[ "$motd" == *"    FAIL  display.headless           binding leaves the host headless"* ]]
	[[ "$motd" == *"        fix: keep one display for the host"* ]]
	[[ "$motd" == *"run 'update-initramfs -u -k all'"* ]]
	[ ! -e "$root/run/motd.d/.vfio-preflight.tmp" ]
}

@test "motd: a rescue boot gives the reason the previous boot logged to the kernel ring" {
	rescue_boot
	printf '%s\n' "6,812,4210,-;vfio-preflight: iommu.kernel: PASS IOMMU active" \
		"2,813,4302,-;vfio-preflight: fallback: rescue boot (vfio_preflight.rescue=1): the previous boot fell back because display.headless failed: vfio-pci would claim 0000:01:00.0" \
		>"$root/dev/kmsg"
	run -0 "$VFP" status --root "$root" --motd
	run -0 cat "$root/run/motd.d/vfio-preflight"
	[ "${lines[0]}" = "vfio-preflight: this is a RESCUE BOOT (vfio_preflight.rescue=1): no GPU passthrough, vfio-pci claims nothing." ]
	[ "${lines[1]}" = "  why: the previous boot fell back because display.headless failed: vfio-pci would claim 0000:01:00.0" ]
}

@test "motd: a rescue entry chosen by hand says that no fallback reason was kept" {
	rescue_boot
	run -0 "$VFP" status --root "$root" --motd
	run -0 grep -F "why: the rescue entry was chosen in the boot menu" "$root/run/motd.d/vfio-preflight"
}

@test "motd: a normal boot has no login message, and an old one is removed" {
	run -0 "$VFP" status --root "$root" --motd
	[ ! -e "$root/run/motd.d/vfio-preflight" ]
	mkdir -p "$root/run/motd.d"
	echo old >"$root/run/motd.d/vfio-preflight"
	run -0 "$VFP" status --root "$root" --motd
	[ ! -e "$root/run/motd.d/vfio-preflight" ]
}

@test "prometheus: the textfile passes promtool check metrics and holds levels, verdict, fallback, boot time" {
	command -v promtool >/dev/null || skip "promtool (package prometheus) not installed"
	fall_back
	run -0 "$VFP" status --root "$root" --prometheus /var/lib/prometheus/node-exporter
	prom="$root/var/lib/prometheus/node-exporter/vfio-preflight.prom"
	run -0 promtool check metrics <"$prom"
	run -0 cat "$prom"
	[[ "$output" == *'vfio_preflight_check_level{phase="predict",check="display.headless"} 3'* ]]
	[[ "$output" == *'vfio_preflight_check_level{phase="predict",check="iommu.kernel"} 0'* ]]
	[[ "$output" == *'vfio_preflight_verdict{phase="predict"} 3'* ]]
	[[ "$output" == *'vfio_preflight_phase_ran{phase="predict"} 1'* ]]
	[[ "$output" == *'vfio_preflight_phase_ran{phase="verify"} 0'* ]]
	[[ "$output" == *'vfio_preflight_headless{phase="predict"} 1'* ]]
	[[ "$output" == *'vfio_preflight_fallback{mode="inplace"} 1'* ]]
	[[ "$output" == *'vfio_preflight_rescue_boot 0'* ]]
	[[ "$output" == *'vfio_preflight_boot_time_seconds 1764633600'* ]]
	# one sample per check the phase ran
	want="$(grep -c . <<<"$(sed -n "s/^CHECKS='\(.*\)'$/\1/p" "$root/run/vfio-preflight/predict.env" | tr ' ' '\n')")"
	[ "$(grep -c '^vfio_preflight_check_level{phase="predict"' "$prom")" = "$want" ]
}

@test "prometheus: a boot without saved verdicts still writes valid metrics that say so" {
	command -v promtool >/dev/null || skip "promtool (package prometheus) not installed"
	rm -r "$root/run/vfio-preflight"
	run -0 "$VFP" status --root "$root" --prometheus /var/lib/prometheus/node-exporter
	prom="$root/var/lib/prometheus/node-exporter/vfio-preflight.prom"
	run -0 promtool check metrics <"$prom"
	run -0 grep -c '^vfio_preflight_phase_ran{phase="[a-z]*"} 0$' "$prom"
	[ "$output" = 3 ]
	run -0 grep -x 'vfio_preflight_fallback{mode="none"} 0' "$prom"
}

@test "prometheus: the file is replaced by rename (a reader keeps the old one whole), no temp file stays" {
	prom="$root/var/lib/prometheus/node-exporter/vfio-preflight.prom"
	echo "# old" >"$prom"
	exec 4<"$prom"
	run -0 "$VFP" status --root "$root" --prometheus /var/lib/prometheus/node-exporter
	# the open file is the old inode, untouched; the name is the new file
	[ "$(cat <&4)" = "# old" ]
	exec 4<&-
	run -0 grep -c '^vfio_preflight_' "$prom"
	run -0 ls -A "$root/var/lib/prometheus/node-exporter"
	[ "$output" = vfio-preflight.prom ]
}

@test "prometheus: a missing directory is an error naming Debian's node-exporter directory, exit 3" {
	run -3 --separate-stderr "$VFP" status --root "$root" --prometheus /srv/none
	[[ "$stderr" == *"cannot write /srv/none/vfio-preflight.prom: "* ]]
	[[ "$stderr" == *"/var/lib/prometheus/node-exporter"* ]]
}

@test "prometheus: under --root a link out of the tree is followed inside it, never outside" {
	outside="$BATS_TEST_TMPDIR/outside"
	mkdir -p "$outside" "$root$outside"
	rm -r "$root/var/lib/prometheus/node-exporter"
	ln -s "$outside" "$root/var/lib/prometheus/node-exporter"
	run -0 "$VFP" status --root "$root" --prometheus /var/lib/prometheus/node-exporter
	[ -z "$(ls -A "$outside")" ]
	[ -f "$root$outside/vfio-preflight.prom" ]
}

@test "units: the motd and metrics units pass systemd-analyze verify and run status as documented" {
	command -v systemd-analyze >/dev/null || skip "systemd-analyze not installed"
	dest="$BATS_TEST_TMPDIR/dest"
	run -0 make -C "$REPO" install DESTDIR="$dest"
	for u in vfio-preflight-motd vfio-preflight-metrics; do
		f="$dest/lib/systemd/system/$u.service"
		[ -f "$f" ]
		# the unit as installed, pointed at the binary under DESTDIR
		sed "s|ExecStart=/usr/sbin/vfio-preflight|ExecStart=$dest/usr/sbin/vfio-preflight|" "$f" \
			>"$BATS_TEST_TMPDIR/$u.service"
		run -0 systemd-analyze verify --man=no "$BATS_TEST_TMPDIR/$u.service"
	done
	run -0 grep -x 'ExecStart=/usr/sbin/vfio-preflight status --motd' "$dest/lib/systemd/system/vfio-preflight-motd.service"
	run -0 grep -x 'ExecStart=/usr/sbin/vfio-preflight status --prometheus /var/lib/prometheus/node-exporter' \
		"$dest/lib/systemd/system/vfio-preflight-metrics.service"
	run -0 grep -x 'ConditionPathIsDirectory=/var/lib/prometheus/node-exporter' \
		"$dest/lib/systemd/system/vfio-preflight-metrics.service"
}
