#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The Debian package: "make deb" without root from a clean copy of the tree,
# lintian clean, and it holds exactly what "make install" installs.

load test_helper/common

setup_file() {
	# one build for the file, as an unprivileged user in a copy without
	# .git: the package needs neither root nor a git checkout
	DEB_TMP="$(mktemp -d)"
	chmod 755 "$DEB_TMP"
	mkdir "$DEB_TMP/src"
	git -C "$REPO" ls-files -z --cached --others --exclude-standard |
		(cd "$REPO" && xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh) |
		(cd "$REPO" && tar -c --null -T - -f -) | tar -x -C "$DEB_TMP/src"
	chown -R nobody:nogroup "$DEB_TMP/src"
	VERSION="$(sed -n 's/^VERSION *= *//p' "$REPO/Makefile")"
	ARCH="$(dpkg --print-architecture)"
	DEB="$DEB_TMP/src/dist/vfio-preflight_${VERSION}_${ARCH}.deb"
	export DEB_TMP VERSION ARCH DEB
	HOME="$DEB_TMP" setpriv --reuid=nobody --regid=nogroup --clear-groups \
		make -C "$DEB_TMP/src" deb >"$DEB_TMP/make-deb.log" 2>&1 || true
}

teardown_file() {
	rm -rf "$DEB_TMP"
}

setup() {
	[ -f "$DEB" ] || { cat "$DEB_TMP/make-deb.log" >&2; return 1; }
}

@test "deb: make deb builds dist/vfio-preflight_VERSION_ARCH.deb as an unprivileged user" {
	run -0 dpkg-deb -f "$DEB" Package Version Architecture
	[ "$output" = "Package: vfio-preflight
Version: $VERSION
Architecture: $ARCH" ]
	# the build ran in a copy: the tree it was made from has no build output
	[ ! -e "$DEB_TMP/src/dist/build" ]
	[ ! -e "$DEB_TMP/src/debian/vfio-preflight" ]
	[ "$(stat -c %U "$DEB")" = nobody ]
}

@test "deb: lintian reports no error and no warning, and every override says why" {
	run -0 lintian --fail-on error,warning "$DEB"
	! grep -E '^[EW]: ' <<<"$output"
	for f in "$REPO"/debian/*lintian-overrides; do
		[ -f "$f" ] || continue
		awk '/^#/ { why = 1; next } /^[[:space:]]*$/ { why = 0; next }
			!why { print FILENAME ": override without a reason: " $0; bad = 1 } END { exit bad }' "$f"
	done
}

@test "deb: it holds exactly what make install installs, plus copyright, changelog and lintian overrides" {
	dest="$BATS_TEST_TMPDIR/dest"
	run -0 make -C "$REPO" install DESTDIR="$dest" PREFIX=/usr
	(cd "$dest" && find . ! -type d | sed 's|^\.||; s|\.8$|.8.gz|' | sort) >"$BATS_TEST_TMPDIR/install"
	printf '%s\n' /usr/share/doc/vfio-preflight/changelog.gz /usr/share/doc/vfio-preflight/copyright \
		/usr/share/lintian/overrides/vfio-preflight \
		>>"$BATS_TEST_TMPDIR/install"
	sort -o "$BATS_TEST_TMPDIR/install" "$BATS_TEST_TMPDIR/install"
	dpkg-deb --fsys-tarfile "$DEB" | tar -t | grep -v '/$' | sed 's|^\.||' | sort >"$BATS_TEST_TMPDIR/deb"
	diff -u "$BATS_TEST_TMPDIR/install" "$BATS_TEST_TMPDIR/deb"
}

@test "deb: /etc/default/vfio-preflight is a conffile; the initramfs is rebuilt through update-initramfs, once on removal" {
	dpkg-deb --ctrl-tarfile "$DEB" | tar -xO ./conffiles >"$BATS_TEST_TMPDIR/conffiles"
	run -0 grep -x /etc/default/vfio-preflight "$BATS_TEST_TMPDIR/conffiles"
	# no triggers file: dpkg activates nothing when the package is removed, so
	# the postrm's "update-initramfs -u -k all" is the only rebuild (the
	# e2e, tests/deb/run, counts them); the postinst's "update-initramfs -u"
	# defers to initramfs-tools' trigger
	run -0 sh -c "dpkg-deb --ctrl-tarfile '$DEB' | tar -t"
	[[ "$output" != *triggers* ]]
	dpkg-deb -e "$DEB" "$BATS_TEST_TMPDIR/ctl"
	run -0 grep -c '^[[:space:]]*update-initramfs -u ||' "$BATS_TEST_TMPDIR/ctl/postinst"
	[ "$output" = 1 ]
	run -0 grep -c 'update-initramfs' "$BATS_TEST_TMPDIR/ctl/postrm"
	run -0 grep -c '^[[:space:]]*update-initramfs -u -k all ||' "$BATS_TEST_TMPDIR/ctl/postrm"
	[ "$output" = 1 ]
	run -0 dpkg-deb -f "$DEB" Depends
	[[ "$output" == *initramfs-tools* ]]
}

@test "deb: after apt remove (not purge) the conffile hooks left behind do nothing, silently" {
	tree="$BATS_TEST_TMPDIR/removed"
	dpkg-deb -x "$DEB" "$tree"
	dpkg-deb --ctrl-tarfile "$DEB" | tar -xO ./conffiles >"$BATS_TEST_TMPDIR/conffiles"
	# what dpkg leaves after a removal: the conffiles, nothing else
	(cd "$tree" && find . ! -type d | sed 's|^\.||') | while read -r f; do
		grep -qx "$f" "$BATS_TEST_TMPDIR/conffiles" || rm "$tree$f"
	done
	find "$tree" -depth -type d -empty -delete
	[ ! -e "$tree/usr/share/vfio-preflight" ]
	hooks=0
	while read -r f; do
		[ -x "$tree$f" ] || continue
		hooks=$((hooks + 1))
		# as the kernel packages, update-initramfs and grub-mkconfig call them
		VFIO_PREFLIGHT_LIBDIR="$tree/usr/share/vfio-preflight" run -0 --separate-stderr \
			"$tree$f" 6.1.0-18-amd64 /boot/vmlinuz-6.1.0-18-amd64
		[ -z "$output" ] || { echo "$f printed: $output" >&2; false; }
		[ -z "$stderr" ] || { echo "$f printed: $stderr" >&2; false; }
	done <"$BATS_TEST_TMPDIR/conffiles"
	# the GRUB generator and the three kernel / initramfs hooks
	[ "$hooks" = 4 ]
}

@test "deb: the packaged binary is the static boot binary and says the package's version" {
	dpkg-deb -x "$DEB" "$BATS_TEST_TMPDIR/x"
	run -0 "$BATS_TEST_TMPDIR/x/usr/sbin/vfio-preflight" --version
	[ "$output" = "vfio-preflight $VERSION" ]
	run -0 file "$BATS_TEST_TMPDIR/x/usr/sbin/vfio-preflight"
	[[ "$output" == *"statically linked"* ]]
	run -0 dpkg-parsechangelog -l "$REPO/debian/changelog" -S Version
	[ "$output" = "$VERSION" ]
}

@test "deb: debian/copyright is machine-readable (DEP-5) and names the licence of COPYING" {
	run -0 head -1 "$REPO/debian/copyright"
	[ "$output" = "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/" ]
	run -0 grep -c '^License: GPL-2+$' "$REPO/debian/copyright"
	run -0 grep -q 'Version 2, June 1991' "$REPO/COPYING"
	run -0 grep -q '/usr/share/common-licenses/GPL-2' "$REPO/debian/copyright"
}
