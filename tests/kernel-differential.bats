#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# What the real kernel claims for vfio-pci equals what we say it claims.
# kmod-differential.bats holds our option string against the real kmod's;
# this holds our reading of that string against the real kernel: one QEMU
# guest (TCG) boots the Debian kernel of tests/boot/setup with an initramfs
# of kmod, busybox and vfio-pci.ko with its dependencies, and loads
# vfio-pci once per generated configuration with exactly the string the
# real kmod built for it on this host (`modprobe --show-depends`, through
# kmod's insmod), then unloads it. The kernel's own parse is in its ring:
# parse_args refusing the string fails the load, and vfio_pci_fill_ids logs
# one "vfio_pci: add [...]" line per id it adds; a PCI device of no other
# driver (QEMU's pci-testdev, and a pci-bridge) shows the claim as a bind. Ours: `check
# --root TREE --json` on the same tree, with the probe devices in its sysfs
# and the guest's kernel release: .vfio_pci.loads, .vfio_pci.ids, the
# devices' .claimed. KERNEL_DIFF_COUNT sets how many generated configurations
# (CI: 150; 32 directed ones always follow), KERNEL_DIFF_SEED the seed,
# KERNEL_DIFF_ROOT another root's kernel and modules (default this host's).
# The generator is kmod-differential's with the kernel's hard cases added
# (sscanf's fields, kstrtobool, quotes, '--', 1023 bytes).

load test_helper/common
load test_helper/kmodgen

# the guest's probe devices, which no Linux driver takes: QEMU's pci-testdev
# (an endpoint) and pci-bridge (header type 1: vfio-pci's probe refuses it).
# Each: slot in the trees, vendor, device, subsystem vendor and device,
# class, header type (config byte 0x0e), and the QEMU -device
PROBES=(
	"0000:00:03.0 1b36 0005 1af4 1100 00ff00 00 pci-testdev"
	"0000:00:04.0 1b36 0001 0000 0000 060400 01 pci-bridge,chassis_nr=1"
)
PROBE_VENDOR=1b36 PROBE_DEVICE=0005

# the newest kernel in $KROOT/boot whose module tree has vfio-pci
kernel_release() {
	local k r
	for k in $(printf '%s\n' "$KROOT"/boot/vmlinuz-* | sort -rV); do
		r="${k##*/vmlinuz-}"
		[ -r "$k" ] && compgen -G "$KROOT/lib/modules/$r/kernel/drivers/vfio/pci/vfio-pci.ko*" >/dev/null &&
			printf '%s\n' "$r" && return 0
	done
	return 1
}

setup() {
	local f
	[ "$(id -u)" -eq 0 ] || skip "unshare -m (kmod's view of a tree's cmdline) needs root"
	for f in modprobe qemu-system-x86_64 cpio busybox timeout jq; do
		command -v "$f" >/dev/null || skip "$f missing (tests/boot/setup installs what the boots need)"
	done
	# KERNEL_DIFF_ROOT: another Debian root's kernel and modules (e.g. the Debian 13 root
	# tests/boot/run --debian 13 builds, tests/boot/tmp/debian13/root); default this host's
	KROOT="${KERNEL_DIFF_ROOT:-}"
	KVER="$(kernel_release)" || skip "no kernel in ${KROOT:-}/boot with vfio-pci modules (tests/boot/setup installs one)"
	[ -z "$KROOT" ] || export KMOD_ROOT="$KROOT"
	export KVER KROOT
}

# the kernel's hard cases, appended to the generator's (PD: the probe device)
PD="$PROBE_VENDOR:$PROBE_DEVICE"
LONG="$(printf "$PD,%.0s" {1..102})" # 1020 bytes
OPTS+=(
	"ids=$PD" "ids=$PD" "ids=1b36:5" "ids=0x1b36:0X0005" "ids=1B36:0005" "ids=$PD:1af4:1100"
	"ids=$PD:1af4" "ids=$PD:1af4:1101" "ids=$PD:ffffffff:ffffffff:00ff00:ffffff"
	"ids=ffffffff:ffffffff:ffffffff:ffffffff:00ff00:ffffff" "ids=$PD:1af4:1100:0:0:9"
	"ids=11b36:0005" "ids=100001b36:0005" "ids=1b36:-5" "ids=+1b36:5" "ids=$PD)" "ids=$PD;1234:5678"
	"ids=1b36" "ids=:0005" "ids=1b36:" "ids=1b36::1af4" "ids=0x:5" "ids=0xg:5" "ids=1b36 :0005"
	"ids=\"1b36: 0005\"" "ids=\"$PD\"" "\"ids=$PD\"" "ids=1b36:\"0005\"" "ids=$PD,,1234:5678,"
	"ids=${LONG}1b3" "ids=${LONG}1b36" "ids=$PD ids=1234:5678" "ids=$PD -- disable_vga=ja"
	"ids=$PD:1af4:1100:00ff00" "ids=$PD:0x1af4:0x1100:0x00ff00:0xffffff" "ids=1b36:0005:1af4:11000"
	"ids=1b36:0001" "ids=1b36:0001,$PD" "ids=ffffffff:ffffffff:ffffffff:ffffffff:060400:ffff00"
	'disable_vga=enable' 'disable_vga=on' 'disable_vga=of' 'disable_vga=o' 'disable_vga=' 'disable_vga'
	'nointxmask=Yes' 'enable_sriov=ture' 'disable_denylist=1' 'disable_vga=0x1' 'disable_idle_d3=-1'
	'DISABLE_VGA=1' 'disable_vga=disable' 'nointxmask=N' 'ids="' 'foo' 'foo=bar' 'vfio_pci.ids=1:2'
)
WORDS+=(
	"vfio-pci.ids=$PD" 'vfio_pci.disable_vga=enable' "vfio-pci.ids=\"$PD, 1b36:0x5\""
	"\"vfio-pci.ids=$PD ,1b36:5\"" 'vfio-pci.ids=100001b36:0005' 'vfio_pci.nointxmask' 'vfio-pci.ids=1b36'
)

# hand-picked configurations run after the generated ones, one rule each
# (an options line in etc/modprobe.d/vfio.conf), so every run holds them
DIRECTED=(
	"ids=1b36:0001" "ids=ffffffff:ffffffff:ffffffff:ffffffff:060400:ffff00" "ids=1b36:0001,$PD"
	"ids=${LONG}1b3" "ids=${LONG}1b36" "ids=$PD:1af4:1100:00ff00:ffffff" "ids=$PD:1af4:1100:00ff01:ffffff"
	"ids=$PD:1af4:1101" "ids=$PD:0:0" "ids=$PD:ffffffff:ffffffff:0:0:7" "ids=100001b36:0005"
	"ids=0x1b36:0x0005" "ids= $PD" "ids=\"$PD, 1b36:0001\"" "ids=$PD -- ids=1234:5678"
	"disable_vga=enable" "disable_vga=true" "disable_vga=of" "disable_vga=o" "nointxmask="
	"nointxmask" "disable_denylist=1 ids=$PD" "ids=$PD ids=" "ids=1b36:5%" "ids=1b36:-5"
	"-- ids=$PD"
)
# and with the endpoint's driver_override set (DRIVER|OPTIONS): the kernel
# matches a device whose override names another driver with no ids, and
# one whose override names vfio-pci with none
OVERRIDES=("pci-stub|ids=$PD" "pci-stub|ids=ffffffff:ffffffff:ffffffff:ffffffff:00ff00:ffffff"
	"vfio-pci|" "vfio-pci|ids=1234:5678" "vfio_pci|ids=$PD" "vfio-pci|disable_vga=ja")

# what a tree shares with the guest: its kernel release (the kernel's
# parse changed across releases: kstrtobool) and the probe devices in sysfs
add_guest() {
	local p slot v d sv sd c h qdev dir
	mkdir -p "$1/proc/sys/kernel"
	printf '%s\n' "$KVER" >"$1/proc/sys/kernel/osrelease"
	for p in "${PROBES[@]}"; do
		read -r slot v d sv sd c h qdev <<<"$p"
		dir="$1/sys/bus/pci/devices/$slot"
		mkdir -p "$dir"
		printf '0x%s\n' "$v" >"$dir/vendor"
		printf '0x%s\n' "$d" >"$dir/device"
		printf '0x%s\n' "$sv" >"$dir/subsystem_vendor"
		printf '0x%s\n' "$sd" >"$dir/subsystem_device"
		printf '0x%s\n' "$c" >"$dir/class"
		# the first 64 bytes of config space: ids, class, header type
		printf "\\x${v:2:2}\\x${v:0:2}\\x${d:2:2}\\x${d:0:2}\\0\\0\\0\\0\\0\\x${c:4:2}\\x${c:2:2}\\x${c:0:2}\\0\\0\\x$h\\0" >"$dir/config"
		head -c 48 /dev/zero >>"$dir/config"
	done
}

# "vendor:device[:subvendor[:subdevice[:class[:mask]]]]" as six hex numbers
# with the kernel's defaults for absent fields
norm_id() {
	local v d sv sd c m
	IFS=: read -r v d sv sd c m <<<"$1"
	printf '%x:%x:%x:%x:%x:%x\n' "0x$v" "0x$d" "0x${sv:-ffffffff}" "0x${sd:-ffffffff}" "0x${c:-0}" "0x${m:-0}"
}

# ours for the tree $1: "loads=true|false claimed=B... ids=a,b,..." (B: 1 or
# 0 per probe device)
ours_claims() {
	local json loads claimed ids=() id
	json="$("$VFP" check --root "$1" --json 2>/dev/null)" || true # exit 1 on a FAIL verdict
	loads="$(jq -r '.vfio_pci.loads' <<<"$json")"
	claimed="$(jq -r --arg slots "$(printf '%s\n' "${PROBES[@]}" | cut -d' ' -f1)" \
		'[($slots | split("\n"))[] as $s | [.devices[] | select(.slot == $s) | .claimed][0] |
		  if . then "1" else "0" end] | join("")' <<<"$json")"
	while IFS= read -r id; do
		[ -n "$id" ] && ids+=("$(norm_id "$id")")
	done < <(jq -r '.vfio_pci.ids[]?' <<<"$json")
	local IFS=,
	printf 'loads=%s claimed=%s ids=%s\n' "$loads" "$claimed" "${ids[*]}"
}

# the initramfs: busybox and kmod with their libraries, vfio-pci and its
# dependencies, the init and the configurations under /kd
make_initrd() {
	local w="$1" r="$1/root" f lib m line
	mkdir -p "$r"/{bin,proc,sys,dev,kd} "$r/kd/opts"
	cp tests/kernel-diff/init "$r/init"
	for f in "$(command -v busybox)" "$(command -v kmod)"; do
		cp -L "$f" "$r/bin/"
		for lib in $(ldd "$f" | grep -o '/[^ ]*'); do
			mkdir -p "$r${lib%/*}" && cp -L "$lib" "$r$lib"
		done
	done
	for f in sh mount cat dmesg sleep; do ln -s busybox "$r/bin/$f"; done
	for f in insmod rmmod; do ln -s kmod "$r/bin/$f"; done
	while read -r line; do
		m="${line#insmod }"
		m="${m%% *}"
		cp "$m" "$r/kd/"
		case "$m" in
		*/vfio-pci.ko*) cp "$m" "$r/kd/vfio-pci.ko" ;;
		*) printf '%s\n' "${m##*/}" >>"$r/kd/deps" ;;
		esac
	done < <(modprobe ${KROOT:+-d "$KROOT"} -S "$KVER" --show-depends -a vfio_iommu_type1 vfio-pci |
		grep '^insmod ' | awk '!seen[$2]++')
	printf '%s\n' "${PROBES[@]}" | awk '{ print $2 ":" $3 }' >"$r/kd/probe"
	cp "$w"/opts/* "$r/kd/opts/"
	[ ! -d "$w/override" ] || cp -r "$w/override" "$r/kd/"
	(cd "$r" && find . | cpio -o -H newc --quiet) >"$w/initrd.img"
}

# boot the guest once; its report is $1/report.log
boot_guest() {
	local w="$1" count="$2" p devs=()
	for p in "${PROBES[@]}"; do devs+=(-device "${p##* }"); done
	# TCG: ~15 s to boot, then ~0.75 s per load and unload here (2 cores, loaded)
	timeout -k 5 "$((120 + 3 * count))" nice qemu-system-x86_64 -machine q35 -accel tcg -cpu max -smp 1 -m 512 \
		-nographic -no-reboot -monitor none -nic none -vga none \
		-device intel-iommu,intremap=on,caching-mode=on "${devs[@]}" \
		-serial "file:$w/console.log" -serial "file:$w/report.log" \
		-kernel "$KROOT/boot/vmlinuz-$KVER" -initrd "$w/initrd.img" \
		-append "console=ttyS0 loglevel=3 printk.time=0 panic=1 no_timer_check intel_iommu=on" \
		</dev/null >"$w/qemu.log" 2>&1
}

# the kernel's claims for configuration $2 from the report $1, in the form
# ours_claims prints
kernel_claims() {
	awk -v n="$2" '
		{ sub(/\r$/, "") } # the guest tty ends lines with CR LF
		$1 == "===" && $2 == n { split($3, r, "="); split($4, b, "="); on = 1
			loads = r[2] == 0 ? "true" : "false"; claimed = b[2]; next }
		$1 == "===" { on = 0 }
		on && /^vfio_pci: add \[/ {
			s = $0; sub(/^vfio_pci: add \[/, "", s); gsub(/[][]/, " ", s); sub(/class /, "", s)
			gsub(/\//, " ", s); sub(/0x/, "", s)
			split(s, f, /[ :]+/)
			id = sprintf("%s:%s:%s:%s:%s:%s", f[1], f[2], f[3], f[4], f[5], f[6])
			ids = ids == "" ? id : ids "," id }
		END { if (loads != "") printf "%s %s %s\n", loads, claimed, ids }' "$1" | {
		local loads claimed list ids=() id
		read -r loads claimed list || return 0
		IFS=, read -ra list <<<"$list"
		for id in "${list[@]}"; do ids+=("$(norm_id "$id")"); done
		local IFS=,
		printf 'loads=%s claimed=%s ids=%s\n' "$loads" "$claimed" "${ids[*]}"
	}
}

@test "kernel differential: the real vfio-pci.ko claims what we say it claims, on generated configurations" {
	local count="${KERNEL_DIFF_COUNT:-150}" seed="${KERNEL_DIFF_SEED:-10}" w="$BATS_TEST_TMPDIR"
	local i same=0 shown=0 a b root total t0 t1 t2 refused=0 bound=0 added=0 p v d sv sd c
	# shellcheck disable=SC2034 # read through pick's nameref
	read -ra DIRS_A <<<"$DIRS"
	mkdir -p "$w/opts"
	RANDOM="$seed"
	t0="$SECONDS"
	for ((i = 0; i < count; i++)); do
		root="$w/c$i"
		generate "$root"
		add_guest "$root"
		theirs "$root" >"$w/opts/$i"
		ours_claims "$root" >"$w/ours.$i"
	done
	for p in "${DIRECTED[@]}"; do
		root="$w/c$i"
		mkdir -p "$root/etc/modprobe.d" "$root/proc"
		printf 'options vfio-pci %s\n' "$p" >"$root/etc/modprobe.d/vfio.conf"
		printf 'BOOT_IMAGE=/vmlinuz quiet\n' >"$root/proc/cmdline"
		add_guest "$root"
		theirs "$root" >"$w/opts/$i"
		ours_claims "$root" >"$w/ours.$i"
		i=$((i + 1))
	done
	mkdir -p "$w/override"
	for p in "${OVERRIDES[@]}"; do
		root="$w/c$i"
		mkdir -p "$root/etc/modprobe.d" "$root/proc"
		[ -z "${p#*|}" ] || printf 'options vfio-pci %s\n' "${p#*|}" >"$root/etc/modprobe.d/vfio.conf"
		printf 'BOOT_IMAGE=/vmlinuz quiet\n' >"$root/proc/cmdline"
		add_guest "$root"
		printf '%s\n' "${p%%|*}" >"$root/sys/bus/pci/devices/${PROBES[0]%% *}/driver_override"
		printf '%s\n' "${p%%|*}" >"$w/override/$i"
		theirs "$root" >"$w/opts/$i"
		ours_claims "$root" >"$w/ours.$i"
		i=$((i + 1))
	done
	total="$i"
	make_initrd "$w"
	t1="$SECONDS"
	run -0 boot_guest "$w" "$total"
	t2="$SECONDS"
	grep -q "^=== end $total" "$w/report.log" || {
		tail -n 20 "$w/console.log" "$w/report.log"
		false
	}
	# the devices the trees hold are the ones the guest has
	for p in "${PROBES[@]}"; do
		read -r _ v d sv sd c _ <<<"$p"
		grep -q "^=== probe 0x$v:0x$d at .* sub 0x$sv:0x$sd class 0x$c" "$w/report.log" || {
			grep '^=== probe' "$w/report.log"
			false
		}
	done
	for ((i = 0; i < total; i++)); do
		a="$(<"$w/ours.$i")"
		b="$(kernel_claims "$w/report.log" "$i")"
		case "$b" in loads=false*) refused=$((refused + 1)) ;; esac
		case "$b" in *claimed=1*) bound=$((bound + 1)) ;; esac
		case "$b" in *ids=?*) added=$((added + 1)) ;; esac
		if [ "$a" = "$b" ]; then
			same=$((same + 1))
		elif ((shown++ < 8)); then
			echo "config $i$( ((i < count)) || echo " (directed)") differs:"
			echo "  ours:   $a"
			echo "  kernel: $b"
			printf '  options (from kmod): %s\n' "$(<"$w/opts/$i")"
			sed -n "/^=== $i rc/,/^===/p" "$w/report.log" | sed '$d; s/^/  ring: /'
		fi
	done
	echo "# kernel differential (seed $seed, kernel $KVER): $total configurations tried" \
		"($count generated, $((total - count)) directed, ${#OVERRIDES[@]} of them with a driver_override)," \
		"$same matching;" \
		"host side $((t1 - t0)) s, guest $((t2 - t1)) s" >&3
	echo "# the kernel refused $refused, added ids in $added, bound the endpoint in $bound" >&3
	[ "$same" -eq "$total" ]
	# not a vacuous agreement: every outcome was really seen
	((count < 50)) || { ((refused > 5)) && ((added > 20)) && ((bound > 5)); }
}
