#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The boot binary as built: static klibc, stripped, within budget; the install.

load test_helper/common

@test "build: the boot binary is a static, stripped executable" {
	run -0 file "$REPO/preflight/vfio-preflight"
	[[ "$output" == *"statically linked"* ]]
	[[ "$output" == *"stripped"* && "$output" != *"not stripped"* ]]
}

@test "build: the boot binary is built with klibc, not glibc" {
	# glibc static binaries carry their version string; klibc ones do not
	! grep -aq "GLIBC" "$REPO/preflight/vfio-preflight"
	! grep -aq "GNU C Library" "$REPO/preflight/vfio-preflight"
}

# The initramfs carries preflight/vfio-preflight-boot: the program with only
# the commands the boot runs (boot, rescue). Issue 11 set 96 KiB for it (the
# 40 KiB one of issue 2 is withdrawn); make bench prints it beside the budget,
# with its compressed share of the image, which is what users pay.
@test "build: the initramfs binary is within issue 11's 96 KiB budget (98,304 bytes)" {
	size="$(stat -c %s "$REPO/preflight/vfio-preflight-boot")"
	echo "# size: $size bytes (budget 98304)" >&3
	[ "$size" -le 98304 ]
}

@test "build: the initramfs binary is static klibc and has the boot's commands, not the admin's" {
	run -0 file "$REPO/preflight/vfio-preflight-boot"
	[[ "$output" == *"statically linked"* ]]
	! grep -aq "GLIBC" "$REPO/preflight/vfio-preflight-boot"
	run -0 "$REPO/preflight/vfio-preflight-boot" --help
	for cmd in boot rescue; do
		[[ "$output" == *"vfio-preflight $cmd "* ]] || { echo "the boot binary lacks $cmd"; return 1; }
	done
	for cmd in check groups snapshot config status vm; do
		[[ "$output" != *"vfio-preflight $cmd "* ]] || { echo "the boot binary has $cmd"; return 1; }
	done
	run -2 "$REPO/preflight/vfio-preflight-boot" vm
	run -0 "$REPO/preflight/vfio-preflight" --help
	[[ "$output" == *"vfio-preflight vm "* && "$output" == *"vfio-preflight groups "* ]]
}

# The cut leaves out what only the admin's commands use (VFP_BOOT_ONLY:
# options, phase_is_check(), rescue's --loader/--grubenv/--esp); what the boot
# phases write and say must not change with it. Both binaries on the same
# trees: the state files, the ring's lines and the exit status, byte for byte.
@test "build: the initramfs binary's boot phases write and say what the full program's do" {
	fixtures_setup
	local h b p
	for h in guide-single-gpu driver-grabbed laptop-nonviable iommu-off-kernel vendor-reset-5700xt; do
		root="$(copy_host "$h")"
		for b in vfio-preflight vfio-preflight-boot; do
			mkdir -p "$root/st-$b"
			for p in predict verify "upgrade --rootmnt $root"; do
				# shellcheck disable=SC2086 # the phase and its options
				"$REPO/preflight/$b" boot $p --root "$root" --state-dir "st-$b" >"$root/st-$b/${p%% *}.out" 2>&1
				echo "status $?" >>"$root/st-$b/${p%% *}.out"
			done
		done
		[ -s "$root/st-vfio-preflight/verify.json" ]
		diff -r "$root/st-vfio-preflight" "$root/st-vfio-preflight-boot"
	done
	# the rescue one-shot: what the boot scripts pass, and none of an admin's paths
	run -2 "$REPO/preflight/vfio-preflight-boot" rescue --status --esp /boot/efi
	[[ "$output" == *"[--reason TEXT]"* && "$output" != *"--esp"* ]]
}

# The installed /usr/sbin binary holds every command (groups, vm, status
# --motd/--prometheus); it never goes into the initramfs, so it has a ceiling
# against growth only.
@test "build: the installed binary stays within its 160 KiB ceiling" {
	size="$(stat -c %s "$REPO/preflight/vfio-preflight")"
	echo "# size: $size bytes" >&3
	[ "$size" -le 163840 ]
}

@test "bench: make bench measures against lspci -nk and busybox sh and prints the ratios and budgets" {
	# the 512-function host with this machine's module files only: the full
	# run (4096 and 8192 functions, the boot phases and their scripts) takes minutes
	# status 1 is a budget missed, 2 could not measure
	BENCH_HOSTS=bench-512 run bash "$REPO/bench/run"
	[ "$status" -le 1 ]
	[[ "$output" =~ size:\ [0-9]+\ bytes ]]
	[[ "$output" == *"module files of /lib/modules/"* ]]
	[[ "$output" == *"vfio-preflight check "* ]]
	[[ "$output" =~ ratios:\ lspci\ -nk\ /\ vfio-preflight\ =\ [0-9.]+x\ instructions ]]
	[[ "$output" == *"budget met:    >= 10x fewer instructions than lspci -nk"* ]]
	# every figure is printed beside its budget, met or missed
	[ "$(grep -c '^  budget met:\|^  BUDGET MISSED:' <<<"$output")" -eq 2 ]
}

@test "bench: syscalls.awk files every syscall of a boot phase under a category, finds none beyond the floor, and names an input opened twice or read past its end" {
	command -v strace >/dev/null || skip "no strace"
	root="$BATS_TEST_TMPDIR/host"
	"$REPO/tests/mkfixture" "$REPO/tests/hosts/gtx970-gt640.host" "$root" >/dev/null
	mkdir -p "$root/dev" && : >"$root/dev/kmsg"
	# once first: the runs measured find the state directory made, as the bench's do
	"$REPO/preflight/vfio-preflight-boot" boot predict --root "$root"
	strace -o "$BATS_TEST_TMPDIR/trace" "$REPO/preflight/vfio-preflight-boot" boot predict --root "$root"
	strace -c -o "$BATS_TEST_TMPDIR/count" "$REPO/preflight/vfio-preflight-boot" boot predict --root "$root"
	run -0 awk -f "$REPO/bench/syscalls.awk" "$BATS_TEST_TMPDIR/trace"
	# the categories add up to strace -c's total, and the PCI scan is 4 a function + the directory's 4
	local total sum n
	total="$(awk '$NF == "total" { print $4 }' "$BATS_TEST_TMPDIR/count")"
	read -r -a f <<<"${lines[0]}"
	[ "${f[0]}" = total ] && [ "${f[1]}" = "$total" ]
	sum=0
	for ((k = 2; k + 1 < ${#f[@]}; k += 2)); do
		case "${f[k]}" in records | beyond) ;; *) sum=$((sum + f[k + 1])) ;; esac
	done
	[ "$sum" -eq "$total" ]
	n="$(find "$root/sys/bus/pci/devices" -mindepth 1 -maxdepth 1 | wc -l)"
	[ "${f[3]}" -eq $((4 * n + 4)) ]
	# at the floor: nothing beyond
	[ "${f[-2]}" = beyond ] && [ "${f[-1]}" = 0 ] && [ -z "${lines[2]:-}" ]
	# opened twice: only /dev/kmsg (reopened every 10 records); an input opened again is named
	[ "${lines[1]}" = "dev/kmsg" ]
	# an openat2 the kernel refused with -EAGAIN (a rename elsewhere) and its retry: no waste
	awk '/"proc\/cmdline"/ && !r { x = $0; sub(/= [0-9]+$/, "= -1 EAGAIN (Resource temporarily unavailable)", x); print x; r = 1 } { print }' \
		"$BATS_TEST_TMPDIR/trace" >"$BATS_TEST_TMPDIR/retried"
	grep -q 'cmdline.*EAGAIN' "$BATS_TEST_TMPDIR/retried"
	run -0 awk -f "$REPO/bench/syscalls.awk" "$BATS_TEST_TMPDIR/retried"
	[[ "${lines[0]}" == *" beyond 0" ]] && [ "${lines[1]}" = "dev/kmsg" ]
	# cmdline opened again, a sysfs file read again after its short read, a
	# second fstatfs of the state directory, an lseek
	awk '{ print }
		/"sys\/bus\/pci\/devices\/[^"]*\/boot_vga"/ && !b { b = 1; fd = $NF; next }
		b == 1 && index($0, "read(" fd ",") == 1 { print "read(" fd ", \"\", 15) = 0"; b = 2 }
		/^fstatfs\(/ && !s { print; s = 1 }
		/"proc\/cmdline"/ { cmdline = $0 }
		END { print cmdline; print "lseek(1, 0, SEEK_CUR) = 0" }' "$BATS_TEST_TMPDIR/trace" >"$BATS_TEST_TMPDIR/waste"
	run -0 awk -f "$REPO/bench/syscalls.awk" "$BATS_TEST_TMPDIR/waste"
	[ "${lines[1]}" = "dev/kmsg proc/cmdline" ]
	[[ " ${lines[2]} " == *" openat2:proc/cmdline "* ]]
	[[ "${lines[2]}" =~ read:sys/bus/pci/devices/[^/]+/boot_vga:after-short-read ]]
	[[ " ${lines[2]} " == *" fstatfs:run/vfio-preflight "* ]]
	[[ " ${lines[2]} " == *" lseek:fd1 "* ]]
}

@test "bench: boot predict and verify stay at the syscall floor on every fixture host (text module files, RMRRs, 4096 VFs)" {
	command -v strace >/dev/null || skip "no strace"
	local name phase root out bad=0
	for name in $(ls "$FIXTURES"); do
		root="$(copy_host "$name")"
		mkdir -p "$root/dev" && : >"$root/dev/kmsg"
		for phase in predict verify; do
			"$REPO/preflight/vfio-preflight-boot" boot "$phase" --root "$root"
			strace -o "$BATS_TEST_TMPDIR/trace" "$REPO/preflight/vfio-preflight-boot" boot "$phase" --root "$root"
			out="$(awk -f "$REPO/bench/syscalls.awk" "$BATS_TEST_TMPDIR/trace")"
			if [ -n "$(sed -n 3p <<<"$out")" ]; then
				echo "$name $phase: beyond the floor: $(sed -n 3p <<<"$out")"
				bad=1
			fi
		done
		rm -rf "$root"
	done
	[ "$bad" = 0 ]
}

@test "boot harness: VFIO_BOOT_CLOCK takes wall or instructions, and refuses anything else before a boot" {
	run -2 env VFIO_BOOT_CLOCK=cycles "$REPO/tests/boot/run" healthy-intel
	[[ "$output" == *"VFIO_BOOT_CLOCK is 'cycles': wall or instructions"* ]]
}

@test "install: make install honours DESTDIR and PREFIX and installs the man page" {
	dest="$BATS_TEST_TMPDIR/dest"
	run -0 make -C "$REPO" install DESTDIR="$dest" PREFIX=/usr/local
	[ -x "$dest/usr/local/sbin/vfio-preflight" ]
	[ -f "$dest/usr/local/share/man/man8/vfio-preflight.8" ]
	run -0 make -C "$REPO" uninstall DESTDIR="$dest" PREFIX=/usr/local
	[ ! -e "$dest/usr/local/sbin/vfio-preflight" ]
}

@test "install: the initramfs-tools hook, boot scripts and rescue generators go where their tools read them" {
	dest="$BATS_TEST_TMPDIR/dest"
	run -0 make -C "$REPO" install DESTDIR="$dest"
	for f in usr/lib/vfio-preflight/vfio-preflight-boot usr/share/initramfs-tools/hooks/vfio-preflight \
		usr/share/initramfs-tools/scripts/init-top/00-vfio-preflight \
		usr/share/initramfs-tools/scripts/init-top/00-vfio-preflight-rebind \
		usr/share/initramfs-tools/scripts/init-premount/vfio-preflight \
		usr/share/initramfs-tools/scripts/local-bottom/vfio-preflight \
		etc/grub.d/42_vfio-preflight-rescue \
		etc/kernel/postinst.d/zz-vfio-preflight-rescue etc/kernel/postrm.d/zz-vfio-preflight-rescue; do
		[ -x "$dest/$f" ] || { echo "not installed executable: $f"; return 1; }
	done
	[ -f "$dest/usr/share/vfio-preflight/rescue-cmdline.sh" ]
	[ -x "$dest/usr/share/vfio-preflight/hookscript" ]
	[ -f "$dest/lib/systemd/system/vfio-preflight-vm.service" ]
	[ -f "$dest/etc/default/vfio-preflight" ]
	# the admin's configuration is never overwritten
	echo 'FALLBACK="off"' >"$dest/etc/default/vfio-preflight"
	run -0 make -C "$REPO" install DESTDIR="$dest"
	grep -qx 'FALLBACK="off"' "$dest/etc/default/vfio-preflight"
	run -0 make -C "$REPO" uninstall DESTDIR="$dest"
	[ -z "$(find "$dest" -type f ! -path '*/etc/default/*')" ]
}

@test "man: vfio-preflight(8) renders without warnings and documents every check id" {
	command -v groff >/dev/null || skip "groff not installed"
	run -0 groff -man -Tutf8 -ww -z "$REPO/preflight/vfio-preflight.8"
	[ -z "$output" ]
	local id ids
	ids="$( (check_ids check && check_ids upgrade) | sort -u)"
	[ "$(wc -l <<<"$ids")" -ge 16 ]
	for id in $ids; do
		grep -q "^\\.B $id\$" "$REPO/preflight/vfio-preflight.8" || { echo "man page lacks $id"; return 1; }
	done
}
