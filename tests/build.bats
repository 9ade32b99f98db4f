#!/usr/bin/env bats
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

@test "build: the boot binary fits the 40 KiB budget" {
	size="$(stat -c %s "$REPO/preflight/vfio-preflight")"
	echo "size: $size bytes" >&3
	[ "$size" -le 40960 ]
}

@test "install: make install honours DESTDIR and PREFIX and installs the man page" {
	dest="$BATS_TEST_TMPDIR/dest"
	run -0 make -C "$REPO" install DESTDIR="$dest" PREFIX=/usr/local
	[ -x "$dest/usr/local/sbin/vfio-preflight" ]
	[ -f "$dest/usr/local/share/man/man8/vfio-preflight.8" ]
	run -0 make -C "$REPO" uninstall DESTDIR="$dest" PREFIX=/usr/local
	[ ! -e "$dest/usr/local/sbin/vfio-preflight" ]
}

@test "man: vfio-preflight(8) renders without warnings and documents every check id" {
	command -v groff >/dev/null || skip "groff not installed"
	run -0 groff -man -Tutf8 -ww -z "$REPO/preflight/vfio-preflight.8"
	[ -z "$output" ]
	for id in iommu.firmware iommu.kernel iommu.interrupt-remapping vfio.modules vfio.ids vfio.binding \
		vfio.host-drivers iommu.group-viable iommu.group-host-devices security.acs-override \
		display.headless gpu.reset preflight.input; do
		grep -q "$id" "$REPO/preflight/vfio-preflight.8" || { echo "man page lacks $id"; return 1; }
	done
}
