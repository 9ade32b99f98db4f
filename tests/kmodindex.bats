#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# kmod's binary indexes (preflight/kmod_index.c) on real module files: the
# installed Debian kernel's /lib/modules/KVER and an unpacked default
# MODULES=most initramfs of it (bench/most-image). Its answers are compared
# with a linear fnmatch(3) scan of modules.alias and with the real
# `modprobe --resolve-alias`; the text files are the fallback where an index
# is missing or damaged, and preflight.input says so.

load test_helper/common

setup_file() {
	KVER=""
	for k in $(printf '%s\n' /boot/vmlinuz-* 2>/dev/null | sed 's|^/boot/vmlinuz-||' | sort -V); do
		[ -e "/lib/modules/$k/modules.alias.bin" ] && KVER="$k"
	done
	export KVER
	[ -n "$KVER" ] || return 0
	QUERY="$BATS_FILE_TMPDIR/kmodindex-query"
	# the preflight's reader, linked like the fuzz targets (every core source)
	cc -O1 -g -Wall -Wextra -Werror -D_GNU_SOURCE -I"$REPO/preflight" -o "$QUERY" \
		"$REPO/tests/tools/kmodindex-query.c" \
		$(find "$REPO/preflight" -name '*.c' ! -path '*/fuzz/*' ! -name main.c ! -name pci_libpci.c)
	export QUERY
	IMGDIR="$("$REPO/bench/most-image" "$KVER" 2>/dev/null | sed -n 2p)" || IMGDIR=""
	export IMGDIR
}

setup() {
	fixtures_setup
	[ -n "$KVER" ] || skip "no installed kernel with modules.alias.bin (tests/boot/setup)"
}

# keys DIR: modaliases to ask about: every fixture host's PCI functions, this
# machine's, and one made from every 25th pattern of DIR/modules.alias (pci
# and usb ones, brackets included: '*' dropped, '?' as 0, a set as its first member)
keys() {
	{
		cat "$FIXTURES"/*/sys/bus/pci/devices/*/modalias /sys/bus/pci/devices/*/modalias 2>/dev/null
		python3 - "$1/modules.alias" <<'EOF'
import re, sys
pats = [l.split()[1] for l in open(sys.argv[1]) if l.startswith(("alias pci:", "alias usb:"))]
for p in pats[::25]:
    p = re.sub(r"\[!?\]?([^]]).*?\]", r"\1", p)
    print(p.replace("*", "").replace("?", "0"))
EOF
	} | sort -u
}

# modules.alias.bin through the preflight's reader == fnmatch over modules.alias
agree_with_scan() {
	local dir="$1" n=0 line
	mapfile -t ks < <(keys "$dir")
	[ "${#ks[@]}" -gt 150 ]
	run -0 "$QUERY" alias "$dir" "${ks[@]}"
	while IFS= read -r line; do
		n=$((n + 1))
		local idx="${line#*index:}" scan="${line#*| scan:}"
		idx="${idx%% | scan:*}"
		if [ "$idx" != "$scan" ] || [[ "$line" == *"error"* ]]; then
			echo "disagree: $line"
			return 1
		fi
	done <<<"$output"
	[ "$n" -eq "${#ks[@]}" ]
	# not all empty: the keys were made to match
	[ "$(grep -c 'index: [a-z]' <<<"$output")" -gt 100 ]
	echo "# $n modaliases agree ($dir)" >&3
}

@test "kmod index: modules.alias.bin answers as a linear fnmatch scan of modules.alias (installed kernel)" {
	agree_with_scan "/lib/modules/$KVER"
}

@test "kmod index: modules.alias.bin answers as a linear fnmatch scan of modules.alias (MODULES=most image)" {
	[ -n "$IMGDIR" ] || skip "no MODULES=most image (bench/most-image failed)"
	agree_with_scan "$IMGDIR/lib/modules/$KVER"
}

# the index's modules == what modprobe -d ROOT -S KVER --resolve-alias resolves,
# less the built-in modules modprobe adds from modules.builtin.alias.bin
agree_with_modprobe() {
	local root="$1" dir="$1/lib/modules/$KVER" k want got n=0
	command -v modprobe >/dev/null || skip "no modprobe"
	mkdir -p "$BATS_TEST_TMPDIR/noconf"
	mapfile -t ks < <(keys "$dir" | awk 'NR % 4 == 1')
	run -0 "$QUERY" alias "$dir" "${ks[@]}"
	while IFS= read -r line; do
		k="${line%%: index:*}"
		got="$(sed 's/.*index: *//; s/ *| scan:.*//' <<<"$line")"
		want="$(modprobe -d "$root" -S "$KVER" -C "$BATS_TEST_TMPDIR/noconf" --resolve-alias "$k" 2>/dev/null |
			while read -r m; do grep -q "/$m\.ko" "$dir/modules.builtin" 2>/dev/null ||
				grep -q "/${m//_/[-_]}\.ko" "$dir/modules.builtin" || echo "$m"; done | sort -u | xargs)"
		if [ "$got" != "$want" ]; then
			echo "$k: preflight '$got', modprobe '$want'"
			return 1
		fi
		n=$((n + 1))
	done <<<"$output"
	[ "$n" -gt 40 ]
	echo "# $n modaliases resolved alike by modprobe --resolve-alias ($root)" >&3
}

@test "kmod index: the same modules as modprobe --resolve-alias (installed kernel)" {
	agree_with_modprobe /
}

@test "kmod index: the same modules as modprobe --resolve-alias (MODULES=most image)" {
	[ -n "$IMGDIR" ] || skip "no MODULES=most image (bench/most-image failed)"
	agree_with_modprobe "$IMGDIR"
}

@test "kmod index: every module of modules.dep and modules.builtin is found by name, absent ones are not" {
	local dir="/lib/modules/$KVER"
	mapfile -t deps < <(sed 's/:.*//; s|.*/||; s/\.ko.*//; s/-/_/g' "$dir/modules.dep" | awk 'NR % 7 == 0')
	run -0 "$QUERY" get "$dir/modules.dep.bin" "${deps[@]}" no_such_module vfio_pc vfio_pci_x
	[ "$(grep -c ': kernel/' <<<"$output")" -eq "${#deps[@]}" ]
	[ "$(grep -c ': (none)$' <<<"$output")" -eq 3 ]
	# the value is the module's modules.dep line
	line="$(grep '^vfio-pci\|/vfio-pci\.ko' "$dir/modules.dep" | head -1)"
	run -0 "$QUERY" get "$dir/modules.dep.bin" vfio_pci
	[ "$output" = "vfio_pci: $line" ]
	mapfile -t builtin < <(sed 's|.*/||; s/\.ko.*//; s/-/_/g' "$dir/modules.builtin")
	run -0 "$QUERY" get "$dir/modules.builtin.bin" "${builtin[@]}" vfio_pci
	[ "$(grep -c ': $' <<<"$output")" -eq "${#builtin[@]}" ]
	[ "$(tail -1 <<<"$output")" = "vfio_pci: (none)" ]
}

# a fixture host with this kernel's real module files, as depmod leaves them
real_files_host() {
	root="$(copy_host "$1")"
	kdir="$root/lib/modules/$(cat "$root/proc/sys/kernel/osrelease")"
	for f in modules.alias modules.alias.bin modules.dep modules.dep.bin modules.builtin modules.builtin.bin; do
		cp "/lib/modules/$KVER/$f" "$kdir/"
	done
}

@test "kmod index: the checks read the same from the indexes as from the text files" {
	real_files_host two-nvidia
	run -0 "$VFP" check --root "$root" --json --phase predict
	with_index="$output"
	[[ "$(message_of preflight.input)" != *"kmod ind"* ]]
	rm "$kdir"/*.bin
	run -0 "$VFP" check --root "$root" --json --phase predict
	without="$output"
	# the text files answered, and preflight.input says so without a WARN
	output="$without"
	assert_level preflight.input pass
	assert_says preflight.input message "no kmod indexes (modules.dep.bin, modules.alias.bin): read modules.dep and modules.alias"
	diff <(jq -S 'del(.checks[] | select(.id == "preflight.input"))' <<<"$with_index") \
		<(jq -S 'del(.checks[] | select(.id == "preflight.input"))' <<<"$without")
	# and the real files named real drivers for the guest's card
	output="$with_index"
	assert_says vfio.host-drivers message "nouveau"
}

@test "kmod index: a damaged modules.alias.bin is a preflight.input WARN, and modules.alias answers instead" {
	real_files_host two-nvidia
	run -0 "$VFP" check --root "$root" --json --phase predict
	good="$output"
	for damage in truncate magic offset; do
		cp "/lib/modules/$KVER/modules.alias.bin" "$kdir/modules.alias.bin"
		case "$damage" in
		truncate) truncate -s 100000 "$kdir/modules.alias.bin" ;;
		magic) printf 'XXXX' | dd of="$kdir/modules.alias.bin" conv=notrunc status=none ;;
		# the root node's offset past the end of the file
		offset) printf '\x2f\xff\xff\xff' | dd of="$kdir/modules.alias.bin" bs=1 seek=8 conv=notrunc status=none ;;
		esac
		check_json "$root" --phase predict
		assert_level preflight.input warn
		assert_says preflight.input message "modules.alias.bin: damaged"
		assert_says preflight.input message "read modules.alias instead"
		diff <(jq -S 'del(.checks[] | select(.id == "preflight.input")) | del(.verdict)' <<<"$good") \
			<(jq -S 'del(.checks[] | select(.id == "preflight.input")) | del(.verdict)' <<<"$output")
	done
}

@test "kmod index: a damaged modules.dep.bin falls back to modules.dep and modules.builtin" {
	real_files_host guide-single-gpu
	check_json "$root"
	good="$output"
	printf '\0\0\0\0' | dd of="$kdir/modules.dep.bin" bs=1 seek=4 conv=notrunc status=none
	check_json "$root"
	assert_level preflight.input warn
	assert_says preflight.input message "modules.dep.bin or modules.builtin.bin: damaged"
	diff <(jq -S '.checks[] | select(.id == "vfio.modules")' <<<"$good") \
		<(jq -S '.checks[] | select(.id == "vfio.modules")' <<<"$output")
}
