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

# Issue 2 asks for <= 40 KiB; with every check, the upgrade phase and the
# rescue one-shot writer the binary is ~66.4 KiB (see README "What it costs"),
# so this guards against growth and says the budget is not met. `groups` (the
# package installs this one binary, so the command lives in it) added 3.5 KiB,
# the vm command (issue 12: the qemu-server config reader and the vm.* checks,
# never run in the initramfs) ~29 KiB, status --motd and --prometheus (the same
# reason as groups) 6.3 KiB: the ceiling is 112 KiB since (108,000 bytes).
@test "build: the boot binary stays within its 112 KiB ceiling (the 40 KiB budget is not met)" {
	size="$(stat -c %s "$REPO/preflight/vfio-preflight")"
	echo "# size: $size bytes (budget 40960)" >&3
	[ "$size" -le 114688 ]
}

@test "bench: make bench measures against lspci -nk and busybox sh and prints the ratios" {
	# the 512-function host only: the full run (4096 too) takes minutes
	BENCH_HOSTS=bench-512 run -0 make -C "$REPO" bench
	[[ "$output" == *"vfio-preflight check "* ]]
	[[ "$output" =~ ratios:\ lspci\ -nk\ /\ vfio-preflight\ =\ [0-9.]+x\ instructions ]]
	[[ "$output" == *"budgets met"* ]]
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
	for f in usr/share/initramfs-tools/hooks/vfio-preflight \
		usr/share/initramfs-tools/scripts/init-top/00-vfio-preflight \
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
