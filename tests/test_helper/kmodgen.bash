# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2034 # the arrays are read through pick's nameref
# A seeded generator of vfio-pci configurations as people write them
# (modprobe.d files in every directory kmod reads, a kernel command line),
# and the option string the real kmod builds from one. Used by
# kmod-differential.bats (our string against kmod's) and
# kernel-differential.bats (kmod's string loaded into the real kernel
# against our reading of it). Seed with RANDOM=N; callers may append to the
# arrays before generating, which changes their sequence only.

# the kernel release whose module tree has vfio-pci, for modprobe -S (and
# KMOD_ROOT, when set, the root whose /lib/modules holds it: modprobe -d)
kmod_kernel() {
	local ko
	for ko in /lib/modules/*/kernel/drivers/vfio/pci/vfio-pci.ko*; do
		[ -e "$ko" ] || continue
		ko="${ko#/lib/modules/}"
		printf '%s\n' "${ko%%/*}"
		return 0
	done
	return 1
}

# the search path ours reads in a tree that does not say which kmod it has
DIRS="etc/modprobe.d run/modprobe.d usr/local/lib/modprobe.d lib/modprobe.d usr/lib/modprobe.d"

# pick ARRAY: one of its elements, at random, in PICKED. Not printed for a
# $(...): bash reseeds RANDOM in every subshell, and the seeded set would not
# be the same set twice
pick() {
	local -n arr="$1"
	PICKED="${arr[RANDOM % ${#arr[@]}]}"
}

# shellcheck disable=SC1003 # backslashes kept as written: kmod's rule is tested
OPTS=(
	'ids=10de:2204' 'ids=10de:2204,10de:1aef' 'ids=1002:67df,1002:aaf0' 'ids="10de:2204, 10de:1aef"'
	'"ids=10de:2204,10de:1aef"' 'ids=10de:2204;10de:1aef' 'ids=0x10de:0x2204' 'ids=' 'ids'
	'ids=10de:2204,' 'ids=10de:2204:1458:403b' 'ids=01:00.0' 'disable_vga=1' 'disable_vga=ja'
	'disable-vga=on' 'disable_idle_d3=2' 'disable_idle_d3=Y' 'nointxmask' 'enable_sriov=yes'
	'--' 'ids=10de:22\04' 'ids=10de:2204\' 'ids="10de:2204' 'x=1' '#' 'ids=10de:1aef   '
	$'ids=10de:2204\tdisable_vga=1' 'ids=10de:2204 # comment'
)
HEADS=(
	'options vfio-pci' 'options vfio_pci' $'options\tvfio-pci' 'options  vfio-pci' ' options vfio-pci'
	'options vfio-pci ' 'options nouveau' 'options vfio-pci.ids' 'options vfio-pci[x]'
	'options vfio-pci]' '#options vfio-pci'
)
NOISE=('blacklist nouveau' 'softdep nouveau pre: vfio-pci' 'install nouveau /bin/false'
	'alias pci:v000010DEd* vfio-pci' 'include /etc/foo' 'bogus line' '')
WORDS=(
	quiet 'root=/dev/sda1' 'intel_iommu=on' 'vfio-pci.ids=10de:2204,10de:1aef' 'vfio_pci.ids=10de:2204'
	'"vfio-pci.ids=10de:2204, 10de:1aef"' 'vfio-pci.ids="10de:2204, 10de:1aef"' '--'
	'vfio-pci.disable_vga=1' 'vfio-pci.disable_vga=ja' 'vfio-pci.ids=10de:2204 -- vfio-pci.ids=1:2'
	'foo="bar' 'vfio-pci.ids="10de:2204' 'vfio.pci.ids=1:2' 'x"y' 'vfio-pci.ids' 'vfio-pci.=1'
	'"quiet"' 'modprobe.blacklist=nouveau' 'VFIO-PCI.ids=1:2' 'vfio-pci.ids=1:2.3'
	$'vfio-pci.ids="a\tb"' '"vfio-pci.nointxmask"'
)
FILES=(vfio.conf vfio.conf a.conf z.conf vfio.alias local.conf vfio.conf.dpkg-old README)

# one random configuration under $1
generate() {
	local root="$1" nfiles i n kind line w cmd=""
	mkdir -p "$root/proc"
	nfiles=$((RANDOM % 4))
	for ((i = 0; i < nfiles; i++)); do
		local dir file
		pick DIRS_A
		dir="$PICKED"
		pick FILES
		file="$PICKED"
		mkdir -p "$root/$dir"
		n=$((1 + RANDOM % 3))
		while ((n-- > 0)); do
			kind=$((RANDOM % 5))
			pick NOISE
			line="$PICKED"
			if ((kind > 0)); then
				pick HEADS
				line="$PICKED"
				pick OPTS
				line="$line $PICKED"
			fi
			if ((kind == 1 || kind == 2)); then
				pick OPTS
				if ((kind == 1)); then # on a continued line, as kmod joins it
					line="$line \\"$'\n'"$PICKED"
				else
					line="$line $PICKED"
				fi
			fi
			printf '%s\n' "$line" >>"$root/$dir/$file"
		done
	done
	n=$((RANDOM % 6))
	while ((n-- > 0)); do
		pick WORDS
		w="$PICKED"
		cmd="${cmd:+$cmd }$w"
	done
	printf 'BOOT_IMAGE=/vmlinuz %s\n' "$cmd" >"$root/proc/cmdline"
}

# the options kmod puts on vfio-pci's insmod line for the tree $1
theirs() {
	local root="$1" args=() d line
	for d in $DIRS; do args+=(-C "$root/$d"); done
	# shellcheck disable=SC2016 # expanded by the inner shell
	line="$(unshare -m sh -c 'mount --bind "$1/proc/cmdline" /proc/cmdline && shift && exec "$@"' \
		sh "$root" modprobe ${KMOD_ROOT:+-d "$KMOD_ROOT"} -S "$KVER" --show-depends "${args[@]}" vfio-pci 2>/dev/null |
		grep '/vfio-pci\.ko' | tail -n 1)"
	line="${line#insmod * }"
	# modprobe prints the options and a space (for options given on its own command line)
	printf '%s' "${line% }"
}
