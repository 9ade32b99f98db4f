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

@test "kmod differential: modprobe.d files around the reader's 4096-byte buffer, without a last newline, and as links" {
	local size root a b f same=0 n=0 pad
	for size in 4094 4095 4096 4097 8191 8192 8193 12288 20000; do
		for last in nl none; do
			root="$BATS_TEST_TMPDIR/s$size-$last"
			mkdir -p "$root/proc" "$root/etc/modprobe.d" "$root/lib/modprobe.d"
			printf 'BOOT_IMAGE=/vmlinuz quiet\n' >"$root/proc/cmdline"
			f="$root/etc/modprobe.d/vfio.conf"
			# comment lines up to SIZE bytes, then the options line at the end
			local opts="options vfio-pci ids=10de:2204,10de:1aef disable_vga=1"
			[ "$last" = nl ] && opts="$opts"$'\n'
			pad=$((size - ${#opts}))
			{ while ((pad > 80)); do printf '#%078d\n' 0; pad=$((pad - 80)); done
			  ((pad > 1)) && printf '#%0*d\n' $((pad - 2)) 0
			  ((pad == 1)) && printf '\n'
			  printf '%s' "$opts"; } >"$f"
			[ "$(stat -c %s "$f")" -eq "$size" ]
			# the same text through a link in lib/modprobe.d (not DT_REG: read to its end)
			printf 'options vfio-pci enable_sriov=1\n' >"$root/real.conf"
			ln -s ../../real.conf "$root/lib/modprobe.d/sriov.conf"
			a="$(ours "$root")"
			b="$(theirs "$root")"
			n=$((n + 1))
			if [ "$a" = "$b" ] && [ -n "$b" ]; then
				same=$((same + 1))
			else
				echo "size $size ($last): ours '$a', kmod '$b'"
			fi
		done
	done
	echo "# buffer-edge files: $n tried, $same matching" >&3
	[ "$same" -eq "$n" ]
}
