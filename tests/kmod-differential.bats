#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# vfio-pci's option string as we build it equals the one the real kmod
# builds: `modprobe --show-depends -C DIR... vfio-pci` prints the insmod
# line with the options, reading the tree's modprobe.d directories and, in a
# private mount namespace, the tree's command line bind-mounted over
# /proc/cmdline. The configurations come from a seeded generator of the
# shapes people write (quoted words, backslashes, '--', tabs, .alias files,
# the same name in several directories); KMOD_DIFF_COUNT sets how many
# (300 in CI), KMOD_DIFF_SEED the seed.

load test_helper/common
load test_helper/kmodgen

setup() {
	command -v modprobe >/dev/null || skip "no kmod here"
	[ "$(id -u)" -eq 0 ] || skip "unshare -m needs root"
	KVER="$(kmod_kernel)" || skip "no kernel module tree with vfio-pci (tests/boot/setup installs one)"
	export KVER
}

ours() {
	"$VFP" check --root "$1" --json 2>/dev/null | jq -j '.vfio_pci.options'
}

@test "kmod differential: vfio-pci's option string equals real modprobe --show-depends on generated configurations" {
	local count="${KMOD_DIFF_COUNT:-300}" seed="${KMOD_DIFF_SEED:-10}" i same=0 shown=0 a b root
	# shellcheck disable=SC2034 # read through pick's nameref
	read -ra DIRS_A <<<"$DIRS"
	RANDOM="$seed"
	for ((i = 0; i < count; i++)); do
		root="$BATS_TEST_TMPDIR/c$i"
		generate "$root"
		a="$(ours "$root")"
		b="$(theirs "$root")"
		if [ "$a" = "$b" ]; then
			same=$((same + 1))
			rm -rf "$root"
		elif ((shown++ < 5)); then
			echo "config $i differs: ours '$a', kmod '$b'"
			cat "$root/proc/cmdline"
			grep -r . "$root" --include='*.conf' --include='*.alias' || true
		fi
	done
	echo "# kmod differential (seed $seed): $count configurations tried, $same matching" >&3
	[ "$same" -eq "$count" ]
}

@test "kmod differential: the generator really produces the hard cases" {
	# shellcheck disable=SC2034
	read -ra DIRS_A <<<"$DIRS"
	RANDOM=10
	local i quoted=0 dashes=0 alias=0 refused=0 root
	for ((i = 0; i < 100; i++)); do
		root="$BATS_TEST_TMPDIR/g$i"
		generate "$root"
		grep -q '"vfio-pci.ids=' "$root/proc/cmdline" && quoted=$((quoted + 1))
		grep -qrs -- ' -- \|--$' "$root" && dashes=$((dashes + 1))
		[ -n "$(find "$root" -name '*.alias')" ] && alias=$((alias + 1))
		[ "$("$VFP" check --root "$root" --json | jq .vfio_pci.loads)" = false ] && refused=$((refused + 1))
		rm -rf "$root"
	done
	echo "# generated: $quoted whole-quoted cmdline words, $dashes with '--', $alias with .alias files, $refused refused" >&3
	[ "$quoted" -gt 5 ] && [ "$dashes" -gt 5 ] && [ "$alias" -gt 5 ] && [ "$refused" -gt 5 ]
}
