#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Rescue entries: the cmdline rules (rescue/rescue-cmdline.sh), the GRUB
# generator (rescue/grub.d/42_vfio-preflight-rescue) and the systemd-boot /
# proxmox-boot-tool kernel hooks (rescue/kernel/*/zz-vfio-preflight-rescue).
# Fixtures live in tests/rescue/<scenario>/ and are copied into
# $BATS_TEST_TMPDIR before anything touches them.

bats_require_minimum_version 1.5.0

REPO=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
RESCUE="$REPO/rescue"
FIX="$BATS_TEST_DIRNAME/rescue"
GEN="$RESCUE/grub.d/42_vfio-preflight-rescue"
POSTINST="$RESCUE/kernel/postinst.d/zz-vfio-preflight-rescue"
POSTRM="$RESCUE/kernel/postrm.d/zz-vfio-preflight-rescue"
MARKER="vfio_preflight.rescue=1 module_blacklist=vfio_pci"
MID=4b3f0c9e2d8a4f6b9c1e7a5d3b2f1e0c

setup() {
	export VFIO_PREFLIGHT_LIBDIR="$RESCUE"
	unset VFIO_PREFLIGHT_ROOT VFIO_PREFLIGHT_ESP_MOUNTED VFIO_PREFLIGHT_BOOTDIR \
		VFIO_PREFLIGHT_GRUB_LIB VFIO_PREFLIGHT_GRUB_BOOTPATH VFIO_PREFLIGHT_UNSHARED
}

# --- helpers ---------------------------------------------------------------

# rescue ARGS...: vfio_rescue_cmdline under dash, as the hooks run it
rescue() {
	dash -c '. "$1/rescue-cmdline.sh"; shift; vfio_rescue_cmdline "$@"' sh "$RESCUE" "$@"
}

# rescue_stdin TEXT: the same, reading the command line from stdin
rescue_stdin() {
	printf '%s' "$1" | dash -c '. "$1/rescue-cmdline.sh"; vfio_rescue_cmdline' sh "$RESCUE"
}

# expect_strips PARAM: PARAM goes, its neighbours stay
expect_strips() {
	run -0 rescue "root=/dev/sda1 $1 quiet"
	if [ "$output" != "root=/dev/sda1 quiet $MARKER" ]; then
		echo "input:    root=/dev/sda1 $1 quiet"
		echo "output:   $output"
		echo "expected: root=/dev/sda1 quiet $MARKER"
		return 1
	fi
}

# expect_keeps PARAM: PARAM stays exactly as it was
expect_keeps() {
	run -0 rescue "root=/dev/sda1 $1 quiet"
	if [ "$output" != "root=/dev/sda1 $1 quiet $MARKER" ]; then
		echo "input:    root=/dev/sda1 $1 quiet"
		echo "output:   $output"
		return 1
	fi
}

# same FILE1 FILE2: like cmp, with a diff for the log
same() {
	diff -u "$1" "$2"
}

# fixture NAME: fresh copy of tests/rescue/NAME; prints its path
fixture() {
	rm -rf "${BATS_TEST_TMPDIR:?}/$1"
	cp -a "$FIX/$1" "$BATS_TEST_TMPDIR/$1"
	printf '%s\n' "$BATS_TEST_TMPDIR/$1"
}

# grub_env DIR CMD...: CMD with /etc/default/grub and grub.d/*.cfg of the
# fixture DIR sourced by dash and exported, the way grub-mkconfig does it
grub_env() {
	dir=$1
	shift
	dash -c '
		cfg=$1
		shift
		. "$cfg/default/grub"
		for x in "$cfg"/default/grub.d/*.cfg; do
			if [ -e "$x" ]; then . "$x"; fi
		done
		export GRUB_DISTRIBUTOR GRUB_CMDLINE_LINUX GRUB_CMDLINE_LINUX_DEFAULT \
			GRUB_DISABLE_LINUX_UUID GRUB_DISABLE_LINUX_PARTUUID \
			GRUB_GFXPAYLOAD_LINUX GRUB_DISABLE_RECOVERY
		exec "$@"' sh "$dir/etc" "$@"
}

# grub_generate DIR: run the generator on fixture DIR without grub-mkconfig_lib
grub_generate() {
	GRUB_DEVICE=/dev/sda3 VFIO_PREFLIGHT_BOOTDIR="$1/boot" VFIO_PREFLIGHT_GRUB_LIB= \
		grub_env "$1" "$GEN"
}

# generated NAME: a fresh copy of fixture NAME in $dir, the generator's output in $dir/out.cfg
generated() {
	dir=$(fixture "$1")
	grub_generate "$dir" >"$dir/out.cfg"
}

# linux_args CFG: the arguments after "ro" of every linux line, one a line
linux_args() {
	sed -n 's/^\tlinux\t[^ ]* root=[^ ]* ro //p' "$1"
}

pve_setup() {
	root=$(fixture pve-esp)
	export VFIO_PREFLIGHT_ROOT="$root" VFIO_PREFLIGHT_ESP_MOUNTED="$root/esp"
}

sdboot_setup() {
	root=$(fixture sdboot-esp)
	export VFIO_PREFLIGHT_ROOT="$root"
	entries="$root/boot/efi/loader/entries"
}

# --- cmdline rules -------------------------------------------------------------

@test "cmdline: removes intel_iommu=on" { expect_strips intel_iommu=on; }
@test "cmdline: removes intel_iommu=on,sm_on" { expect_strips intel_iommu=on,sm_on; }
@test "cmdline: removes intel-iommu=on (dash spelling)" { expect_strips intel-iommu=on; }
@test "cmdline: removes amd_iommu=force_isolation" { expect_strips amd_iommu=force_isolation; }
@test "cmdline: removes iommu=pt" { expect_strips iommu=pt; }
@test "cmdline: removes iommu=1" { expect_strips iommu=1; }
@test "cmdline: removes vfio-pci.ids=" { expect_strips vfio-pci.ids=10de:2204,10de:1aef; }
@test "cmdline: removes vfio_pci.ids=" { expect_strips vfio_pci.ids=10de:2204,10de:1aef; }
@test "cmdline: removes other vfio-pci module parameters" { expect_strips vfio-pci.disable_vga=1; }
@test "cmdline: removes vfio_pci.disable_idle_d3=1" { expect_strips vfio_pci.disable_idle_d3=1; }
@test "cmdline: removes pcie_acs_override=" { expect_strips pcie_acs_override=downstream,multifunction; }
@test "cmdline: removes video=efifb:off" { expect_strips video=efifb:off; }
@test "cmdline: removes video=vesafb:off" { expect_strips video=vesafb:off; }
@test "cmdline: removes video=vesafb:off,efifb:off" { expect_strips video=vesafb:off,efifb:off; }
@test "cmdline: removes video=simplefb:off" { expect_strips video=simplefb:off; }
@test "cmdline: removes initcall_blacklist=sysfb_init" { expect_strips initcall_blacklist=sysfb_init; }
@test "cmdline: removes nofb" { expect_strips nofb; }
@test "cmdline: removes a quoted vfio-pci.ids" { expect_strips '"vfio-pci.ids=10de:2204"'; }
@test "cmdline: removes vfio-pci.ids with a quoted value" { expect_strips 'vfio-pci.ids="10de:2204,10de:1aef"'; }

@test "cmdline: keeps kvm.ignore_msrs=1" { expect_keeps kvm.ignore_msrs=1; }
@test "cmdline: keeps a video= mode" { expect_keeps video=1024x768; }
@test "cmdline: keeps a video= that sets a mode on efifb" { expect_keeps video=efifb:1024x768; }
@test "cmdline: keeps iommu.passthrough=1" { expect_keeps iommu.passthrough=1; }
@test "cmdline: keeps vfio_iommu_type1 parameters" { expect_keeps vfio_iommu_type1.allow_unsafe_interrupts=1; }
@test "cmdline: keeps a quoted value that mentions vfio_pci" { expect_keeps 'dyndbg="module vfio_pci +p"'; }
@test "cmdline: keeps a quoted value that contains a passthrough parameter" { expect_keeps 'foo="intel_iommu=on bar"'; }
@test "cmdline: keeps modprobe.blacklist=" { expect_keeps modprobe.blacklist=nouveau,nvidiafb; }

@test "cmdline: everything that is not passthrough comes back byte for byte" {
	in='BOOT_IMAGE=/boot/vmlinuz-6.1.0-18-amd64 root=UUID=0d6c1a4e-8f0b-4c55-9a2e-3f1b7c9d2e10 ro  console=tty0	console=ttyS0,115200n8 rootflags=subvol=@ "acpi_osi=Windows 2020" dyndbg="file drivers/pci/* +p" quiet'
	run -0 rescue "$in"
	[ "$output" = "$in $MARKER" ]
}

@test "cmdline: a typical passthrough cmdline loses exactly its passthrough parameters" {
	run -0 rescue 'root=ZFS=rpool/ROOT/pve-1 boot=zfs quiet intel_iommu=on iommu=pt pcie_acs_override=downstream,multifunction video=vesafb:off,efifb:off initcall_blacklist=sysfb_init vfio-pci.ids=10de:2204,10de:1aef kvm.ignore_msrs=1 nofb'
	[ "$output" = "root=ZFS=rpool/ROOT/pve-1 boot=zfs quiet kvm.ignore_msrs=1 $MARKER" ]
}

@test "cmdline: the marker is added once" {
	run -0 rescue "root=/dev/sda1 quiet"
	[ "$output" = "root=/dev/sda1 quiet $MARKER" ]
	[ "$(printf '%s\n' "$output" | grep -o 'vfio_preflight.rescue=1' | wc -l)" -eq 1 ]
}

@test "cmdline: a rescue cmdline comes back unchanged" {
	once=$(rescue "root=/dev/sda1 quiet intel_iommu=on module_blacklist=nouveau")
	run -0 rescue "$once"
	[ "$output" = "$once" ]
}

@test "cmdline: a stale or different marker is replaced, not duplicated" {
	run -0 rescue "root=/dev/sda1 vfio_preflight.rescue=0 module_blacklist=vfio_pci quiet vfio_preflight.rescue=1"
	[ "$output" = "root=/dev/sda1 quiet $MARKER" ]
}

@test "cmdline: an existing module_blacklist= is merged, since the kernel keeps only the last one" {
	run -0 rescue "root=/dev/sda1 module_blacklist=nouveau,nvidiafb quiet"
	[ "$output" = "root=/dev/sda1 quiet vfio_preflight.rescue=1 module_blacklist=nouveau,nvidiafb,vfio_pci" ]
}

@test "cmdline: vfio-pci already in module_blacklist= is not listed twice" {
	run -0 rescue "module_blacklist=vfio-pci,nouveau"
	[ "$output" = "vfio_preflight.rescue=1 module_blacklist=nouveau,vfio_pci" ]
}

@test "cmdline: initcall_blacklist= keeps its other initcalls" {
	run -0 rescue "root=/dev/sda1 initcall_blacklist=foo_init,sysfb_init,bar_init"
	[ "$output" = "root=/dev/sda1 initcall_blacklist=foo_init,bar_init $MARKER" ]
}

@test "cmdline: arguments for init after -- stay untouched and the marker goes before --" {
	run -0 rescue "root=/dev/sda1 intel_iommu=on -- single iommu=pt"
	[ "$output" = "root=/dev/sda1 $MARKER -- single iommu=pt" ]
}

@test "cmdline: an empty cmdline becomes just the marker" {
	run -0 rescue ""
	[ "$output" = "$MARKER" ]
	run -0 rescue_stdin ""
	[ "$output" = "$MARKER" ]
}

@test "cmdline: reads stdin and treats the trailing newline of /etc/kernel/cmdline as a blank" {
	run -0 rescue_stdin "root=ZFS=rpool/ROOT/pve-1 boot=zfs iommu=pt
"
	[ "$output" = "root=ZFS=rpool/ROOT/pve-1 boot=zfs $MARKER" ]
}

@test "cmdline: several arguments are one cmdline" {
	run -0 rescue "root=/dev/sda1 quiet" "intel_iommu=on splash"
	[ "$output" = "root=/dev/sda1 quiet splash $MARKER" ]
}

@test "cmdline: leading and trailing blanks are dropped" {
	run -0 rescue "   root=/dev/sda1 quiet  "
	[ "$output" = "root=/dev/sda1 quiet $MARKER" ]
}

# --- GRUB generator --------------------------------------------------------------

@test "grub: Proxmox-style /etc/default/grub gives the golden rescue entries" {
	generated grub-proxmox
	same "$FIX/grub-proxmox/expected.cfg" "$dir/out.cfg"
}

@test "grub: Proxmox-style output passes grub-script-check" {
	command -v grub-script-check || skip "grub-script-check not installed (apt-get install grub-common)"
	generated grub-proxmox
	run -0 grub-script-check "$dir/out.cfg"
}

@test "grub: Proxmox-style entries strip exactly the passthrough parameters" {
	generated grub-proxmox
	run -0 linux_args "$dir/out.cfg"
	# removed: intel_iommu=on iommu=pt pcie_acs_override=downstream,multifunction
	#          video=vesafb:off,efifb:off initcall_blacklist=sysfb_init
	#          vfio-pci.ids=10de:2204,10de:1aef nofb
	want="root=ZFS=rpool/ROOT/pve-1 boot=zfs quiet kvm.ignore_msrs=1 $MARKER"
	[ "${#lines[@]}" -eq 2 ]
	[ "${lines[0]}" = "$want" ]
	[ "${lines[1]}" = "$want" ]
}

@test "grub: Debian-style /etc/default/grub with a grub.d drop-in gives the golden rescue entries" {
	generated grub-debian
	same "$FIX/grub-debian/expected.cfg" "$dir/out.cfg"
}

@test "grub: Debian-style output passes grub-script-check" {
	command -v grub-script-check || skip "grub-script-check not installed (apt-get install grub-common)"
	generated grub-debian
	run -0 grub-script-check "$dir/out.cfg"
}

@test "grub: Debian-style entries strip exactly the passthrough parameters" {
	generated grub-debian
	run -0 linux_args "$dir/out.cfg"
	# removed: amd_iommu=force_isolation iommu=pt vfio_pci.ids=1002:73bf,1002:ab28
	#          vfio-pci.disable_vga=1 video=efifb:off
	# merged:  module_blacklist=amdgpu -> module_blacklist=amdgpu,vfio_pci
	want='console=tty0 console=ttyS0,115200n8 dyndbg="module vfio_pci +p" quiet vfio_preflight.rescue=1 module_blacklist=amdgpu,vfio_pci'
	[ "${#lines[@]}" -eq 2 ]
	[ "${lines[0]}" = "$want" ]
	[ "${lines[1]}" = "$want" ]
}

@test "grub: one entry per kernel, newest first, with ids vfio-preflight-rescue-KVER" {
	generated grub-debian
	run -0 grep '^menuentry ' "$dir/out.cfg"
	[ "${#lines[@]}" -eq 2 ]
	[[ "${lines[0]}" == "menuentry 'Debian GNU/Linux, with Linux 6.1.0-18-amd64 (rescue: no GPU passthrough)' "*" \$menuentry_id_option 'vfio-preflight-rescue-6.1.0-18-amd64' {" ]]
	[[ "${lines[1]}" == "menuentry 'Debian GNU/Linux, with Linux 6.1.0-13-amd64 (rescue: no GPU passthrough)' "*" \$menuentry_id_option 'vfio-preflight-rescue-6.1.0-13-amd64' {" ]]
}

@test "grub: a half-installed kernel (*.dpkg-tmp) gets no entry" {
	generated grub-debian
	run ! grep -F 'dpkg-tmp' "$dir/out.cfg"
}

@test "grub: boots the same kernel and initrd files 10_linux would" {
	generated grub-proxmox
	run -0 grep -c "^	linux	/boot/vmlinuz-6.8.12-4-pve root=/dev/sda3 ro " "$dir/out.cfg"
	run -0 grep -c "^	initrd	/boot/initrd.img-6.8.12-4-pve\$" "$dir/out.cfg"
}

@test "grub: root=UUID= when the root filesystem UUID is known, as 10_linux does" {
	dir=$(fixture grub-proxmox)
	mkdir -p "$dir/dev/disk/by-uuid"
	touch "$dir/dev/disk/by-uuid/0d6c1a4e-8f0b-4c55-9a2e-3f1b7c9d2e10"
	GRUB_DEVICE_UUID=0d6c1a4e-8f0b-4c55-9a2e-3f1b7c9d2e10 VFIO_PREFLIGHT_ROOT="$dir" \
		grub_generate "$dir" >"$dir/out.cfg"
	run -0 grep -c 'root=UUID=0d6c1a4e-8f0b-4c55-9a2e-3f1b7c9d2e10 ro ' "$dir/out.cfg"
	[ "$output" -eq 2 ]
}

@test "grub: a kernel without initrd gets the plain root device, as 10_linux does" {
	dir=$(fixture grub-proxmox)
	rm "$dir/boot/initrd.img-6.5.13-6-pve"
	mkdir -p "$dir/dev/disk/by-uuid"
	touch "$dir/dev/disk/by-uuid/0d6c1a4e-8f0b-4c55-9a2e-3f1b7c9d2e10"
	GRUB_DEVICE_UUID=0d6c1a4e-8f0b-4c55-9a2e-3f1b7c9d2e10 VFIO_PREFLIGHT_ROOT="$dir" \
		grub_generate "$dir" >"$dir/out.cfg"
	run -0 grep "vmlinuz-6.5.13-6-pve root=" "$dir/out.cfg"
	[[ "$output" == *"root=/dev/sda3 ro "* ]]
	run -0 grep "vmlinuz-6.8.12-4-pve root=" "$dir/out.cfg"
	[[ "$output" == *"root=UUID=0d6c1a4e-8f0b-4c55-9a2e-3f1b7c9d2e10 ro "* ]]
	run ! grep -q "initrd.img-6.5.13-6-pve" "$dir/out.cfg"
}

@test "grub: no kernels means no entries and exit 0" {
	dir=$(fixture grub-debian)
	rm "$dir"/boot/vmlinuz-*
	run -0 --separate-stderr grub_generate "$dir"
	[ -z "$output" ]
	[[ "$stderr" == *"no kernels in $dir/boot"* ]]
}

@test "grub: a missing library is reported and never fails grub-mkconfig" {
	dir=$(fixture grub-debian)
	mkdir "$dir/broken"
	VFIO_PREFLIGHT_LIBDIR="$dir/broken" run -0 --separate-stderr grub_generate "$dir"
	[ -z "$output" ]
	[[ "$stderr" == *"cannot read $dir/broken/rescue-cmdline.sh"* ]]
}

@test "grub: removed, not purged (the generator stays as a conffile, the libraries are gone): silent, no entries" {
	dir=$(fixture grub-debian)
	VFIO_PREFLIGHT_LIBDIR="$dir/removed" run -0 --separate-stderr grub_generate "$dir"
	[ -z "$output" ]
	[ -z "$stderr" ]
}

@test "grub: with Debian's grub-mkconfig_lib sourced the output still passes grub-script-check" {
	[ -r /usr/share/grub/grub-mkconfig_lib ] || skip "grub-common not installed"
	dir=$(fixture grub-proxmox)
	GRUB_DEVICE=/dev/sda3 VFIO_PREFLIGHT_BOOTDIR="$dir/boot" pkgdatadir=/usr/share/grub \
		grub_env "$dir" "$GEN" >"$dir/out.cfg"
	run -0 grep -c '^menuentry ' "$dir/out.cfg"
	[ "$output" -eq 2 ]
	run -0 grub-script-check "$dir/out.cfg"
}

@test "grub: under Debian's own grub-mkconfig the whole grub.cfg passes grub-script-check" {
	[ -x /usr/sbin/grub-mkconfig ] && [ -x /etc/grub.d/10_linux ] || skip "grub-common not installed"
	[ "$(id -u)" = 0 ] || skip "grub-mkconfig runs only as root"
	grub-probe --target=device / >/dev/null 2>&1 || skip "grub-probe cannot see / here"
	dir=$(fixture grub-debian)
	mkdir -p "$dir/etc/grub.d" "$dir/out"
	cp /etc/grub.d/00_header /etc/grub.d/10_linux "$dir/etc/grub.d/"
	cp "$GEN" "$dir/etc/grub.d/"
	# Debian's grub-mkconfig, reading /etc/default/grub and /etc/grub.d from the fixture
	sed "s|^sysconfdir=.*|sysconfdir=\"$dir/etc\"|" /usr/sbin/grub-mkconfig >"$dir/grub-mkconfig"
	VFIO_PREFLIGHT_BOOTDIR="$dir/boot" run -0 sh "$dir/grub-mkconfig" -o "$dir/out/grub.cfg"
	run -0 grub-script-check "$dir/out/grub.cfg"
	run -0 grep -c "\$menuentry_id_option 'vfio-preflight-rescue-6.1.0-1[38]-amd64'" "$dir/out/grub.cfg"
	[ "$output" -eq 2 ]
}

# --- systemd-boot / proxmox-boot-tool kernel hooks ------------------------------------

@test "pve: postinst writes a rescue entry beside each kernel entry on every ESP" {
	pve_setup
	run -0 "$POSTINST" 6.8.12-4-pve
	for esp in A1B2-C3D4 E5F6-0718; do
		for k in 6.8.12-4-pve 6.5.13-6-pve; do
			same "$FIX/pve-esp/expected/proxmox-$k-vfio-rescue.conf" \
				"$root/esp/$esp/loader/entries/proxmox-$k-vfio-rescue.conf"
		done
	done
}

@test "pve: the rescue entry boots the kernel entry's files with the rescue options" {
	pve_setup
	run -0 "$POSTINST" 6.8.12-4-pve
	e="$root/esp/A1B2-C3D4/loader/entries"
	run -0 grep '^linux' "$e/proxmox-6.8.12-4-pve-vfio-rescue.conf"
	[ "$output" = "linux    /EFI/proxmox/6.8.12-4-pve/vmlinuz-6.8.12-4-pve" ]
	run -0 grep '^options' "$e/proxmox-6.8.12-4-pve-vfio-rescue.conf"
	[ "$output" = "options    root=ZFS=rpool/ROOT/pve-1 boot=zfs quiet $MARKER" ]
}

@test "pve: running postinst twice changes nothing" {
	pve_setup
	run -0 "$POSTINST" 6.8.12-4-pve
	(cd "$root/esp" && find . -type f -exec cksum {} + | sort) >"$BATS_TEST_TMPDIR/before"
	run -0 --separate-stderr "$POSTINST" 6.8.12-4-pve
	[[ "$stderr" != *wrote* ]]
	(cd "$root/esp" && find . -type f -exec cksum {} + | sort) >"$BATS_TEST_TMPDIR/after"
	same "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
}

@test "pve: postrm removes the removed kernel's rescue entries and keeps the others" {
	pve_setup
	run -0 "$POSTINST" 6.8.12-4-pve
	# zz-proxmox-boot (run before us) has already dropped the kernel's entry
	rm "$root"/esp/*/loader/entries/proxmox-6.5.13-6-pve.conf
	run -0 "$POSTRM" 6.5.13-6-pve
	for esp in A1B2-C3D4 E5F6-0718; do
		[ ! -e "$root/esp/$esp/loader/entries/proxmox-6.5.13-6-pve-vfio-rescue.conf" ]
		[ -f "$root/esp/$esp/loader/entries/proxmox-6.8.12-4-pve-vfio-rescue.conf" ]
	done
}

@test "pve: postrm removes the rescue entry even while the kernel entry is still there" {
	pve_setup
	run -0 "$POSTINST" 6.8.12-4-pve
	run -0 "$POSTRM" 6.5.13-6-pve
	[ ! -e "$root/esp/A1B2-C3D4/loader/entries/proxmox-6.5.13-6-pve-vfio-rescue.conf" ]
	[ -f "$root/esp/A1B2-C3D4/loader/entries/proxmox-6.5.13-6-pve.conf" ]
}

@test "pve: after 'proxmox-boot-tool refresh' the next run repairs stale and orphaned rescue entries" {
	pve_setup
	run -0 "$POSTINST" 6.8.12-4-pve
	# what refresh does: rewrite proxmox-KVER.conf from /etc/kernel/cmdline and
	# drop kernels it no longer keeps (entry and EFI/proxmox/KVER only)
	for esp in "$root"/esp/*; do
		sed -i 's/^options .*/options  root=ZFS=rpool\/ROOT\/pve-2 boot=zfs intel_iommu=on/' \
			"$esp/loader/entries/proxmox-6.8.12-4-pve.conf"
		rm -r "$esp/EFI/proxmox/6.5.13-6-pve" "$esp/loader/entries/proxmox-6.5.13-6-pve.conf"
	done
	run -0 "$POSTINST" 6.8.12-4-pve
	for esp in "$root"/esp/*; do
		run -0 grep '^options' "$esp/loader/entries/proxmox-6.8.12-4-pve-vfio-rescue.conf"
		[ "$output" = "options    root=ZFS=rpool/ROOT/pve-2 boot=zfs $MARKER" ]
		[ ! -e "$esp/loader/entries/proxmox-6.5.13-6-pve-vfio-rescue.conf" ]
	done
}

@test "pve: an entry without options gets /etc/kernel/cmdline" {
	pve_setup
	sed -i '/^options/d' "$root/esp/A1B2-C3D4/loader/entries/proxmox-6.8.12-4-pve.conf"
	echo 'root=ZFS=rpool/ROOT/pve-1 boot=zfs quiet video=efifb:off nomodeset' >"$root/etc/kernel/cmdline"
	run -0 "$POSTINST" 6.8.12-4-pve
	run -0 grep '^options' "$root/esp/A1B2-C3D4/loader/entries/proxmox-6.8.12-4-pve-vfio-rescue.conf"
	[ "$output" = "options    root=ZFS=rpool/ROOT/pve-1 boot=zfs quiet nomodeset $MARKER" ]
}

@test "pve: an ESP in GRUB mode (no loader/entries) is left alone" {
	pve_setup
	rm -r "$root/esp/E5F6-0718/loader"
	mkdir "$root/esp/E5F6-0718/grub"
	run -0 --separate-stderr "$POSTINST" 6.8.12-4-pve
	[[ "$stderr" == *"ESP E5F6-0718: no loader/entries"* ]]
	[ ! -e "$root/esp/E5F6-0718/loader" ]
	[ -f "$root/esp/A1B2-C3D4/loader/entries/proxmox-6.8.12-4-pve-vfio-rescue.conf" ]
}

@test "pve: a missing ESP or a bad UUID line is logged and skipped" {
	pve_setup
	printf 'A1B2-C3D4\nnot-a-uuid\n\nFFFF-0000\n' >"$root/etc/kernel/proxmox-boot-uuids"
	run -0 --separate-stderr "$POSTINST" 6.8.12-4-pve
	[[ "$stderr" == *"'not-a-uuid' in $root/etc/kernel/proxmox-boot-uuids is no vfat UUID"* ]]
	[[ "$stderr" == *"ESP FFFF-0000: $root/esp/FFFF-0000 does not exist"* ]]
	[ -f "$root/esp/A1B2-C3D4/loader/entries/proxmox-6.8.12-4-pve-vfio-rescue.conf" ]
}

@test "pve: under a root prefix nothing is ever mounted" {
	pve_setup
	unset VFIO_PREFLIGHT_ESP_MOUNTED
	run -0 --separate-stderr "$POSTINST" 6.8.12-4-pve
	[[ "$stderr" == *"ESP A1B2-C3D4: not mounting devices under VFIO_PREFLIGHT_ROOT"* ]]
}

@test "pve: a write error is logged and the kernel install still succeeds" {
	pve_setup
	mkdir "$root/esp/A1B2-C3D4/loader/entries/proxmox-6.8.12-4-pve-vfio-rescue.conf.vfio-tmp"
	run -0 --separate-stderr "$POSTINST" 6.8.12-4-pve
	[[ "$stderr" == *"cannot write"*"proxmox-6.8.12-4-pve-vfio-rescue.conf.vfio-tmp"* ]]
	[ -f "$root/esp/E5F6-0718/loader/entries/proxmox-6.8.12-4-pve-vfio-rescue.conf" ]
}

@test "systemd-boot: postinst writes rescue entries beside this machine's kernel entries" {
	sdboot_setup
	run -0 "$POSTINST" 6.1.0-18-amd64
	for k in 6.1.0-18-amd64 6.1.0-13-amd64; do
		same "$FIX/sdboot-esp/expected/$MID-$k-vfio-rescue.conf" "$entries/$MID-$k-vfio-rescue.conf"
	done
}

@test "systemd-boot: other installations' entries and non-Linux entries are left alone" {
	sdboot_setup
	run -0 "$POSTINST" 6.1.0-18-amd64
	run -0 ls "$entries"
	[ "${#lines[@]}" -eq 6 ]
	[ ! -e "$entries/9f8e7d6c5b4a39281706f5e4d3c2b1a0-6.6.13-amd64-vfio-rescue.conf" ]
	[ ! -e "$entries/memtest86+-vfio-rescue.conf" ]
}

@test "systemd-boot: boot counting is dropped from the rescue entry's name" {
	sdboot_setup
	run -0 "$POSTINST" 6.1.0-13-amd64
	[ -f "$entries/$MID-6.1.0-13-amd64-vfio-rescue.conf" ]
	run ! ls "$entries"/*+*-vfio-rescue*
}

@test "systemd-boot: /etc/kernel/entry-token names the entries when present" {
	sdboot_setup
	echo debian >"$root/etc/kernel/entry-token"
	for f in "$entries/$MID"-*.conf; do
		mv "$f" "$entries/debian-${f#"$entries/$MID-"}"
	done
	run -0 "$POSTINST" 6.1.0-18-amd64
	[ -f "$entries/debian-6.1.0-18-amd64-vfio-rescue.conf" ]
	[ ! -e "$entries/$MID-6.1.0-18-amd64-vfio-rescue.conf" ]
}

@test "systemd-boot: running postinst twice changes nothing" {
	sdboot_setup
	run -0 "$POSTINST" 6.1.0-18-amd64
	cp -a "$entries" "$BATS_TEST_TMPDIR/before"
	run -0 --separate-stderr "$POSTINST" 6.1.0-18-amd64
	[[ "$stderr" != *wrote* ]]
	diff -r "$BATS_TEST_TMPDIR/before" "$entries"
}

@test "systemd-boot: postrm removes the removed kernel's rescue entry" {
	sdboot_setup
	run -0 "$POSTINST" 6.1.0-18-amd64
	rm "$entries/$MID-6.1.0-13-amd64+2-1.conf"
	run -0 "$POSTRM" 6.1.0-13-amd64
	[ ! -e "$entries/$MID-6.1.0-13-amd64-vfio-rescue.conf" ]
	[ -f "$entries/$MID-6.1.0-18-amd64-vfio-rescue.conf" ]
}

@test "systemd-boot: the ESP is also found at /efi" {
	sdboot_setup
	mv "$root/boot/efi" "$root/efi"
	run -0 "$POSTINST" 6.1.0-18-amd64
	[ -f "$root/efi/loader/entries/$MID-6.1.0-18-amd64-vfio-rescue.conf" ]
}

@test "systemd-boot: no ESP at all is fine" {
	sdboot_setup
	rm -r "$root/boot"
	run -0 "$POSTINST" 6.1.0-18-amd64
}

@test "hooks: no kernel version is a usage error" {
	run -2 "$POSTINST"
	[[ "$output" == *"usage:"* ]]
	run -2 "$POSTRM" ""
}

@test "hooks: a missing library is reported and never fails the kernel install" {
	sdboot_setup
	mkdir "$root/broken"
	VFIO_PREFLIGHT_LIBDIR="$root/broken" run -0 "$POSTINST" 6.1.0-18-amd64
	[[ "$output" == *"cannot read $root/broken/rescue-cmdline.sh"* ]]
	[ ! -e "$entries/$MID-6.1.0-18-amd64-vfio-rescue.conf" ]
}

@test "hooks: removed, not purged (the hooks stay as conffiles, the libraries are gone): silent, nothing written" {
	sdboot_setup
	for hook in "$POSTINST" "$POSTRM"; do
		VFIO_PREFLIGHT_LIBDIR="$root/removed" run -0 "$hook" 6.1.0-18-amd64
		[ -z "$output" ]
		VFIO_PREFLIGHT_LIBDIR="$root/removed" run -0 "$hook"
		[ -z "$output" ]
	done
	[ ! -e "$entries/$MID-6.1.0-18-amd64-vfio-rescue.conf" ]
}

# --- hygiene -----------------------------------------------------------------------

@test "rescue scripts are shellcheck-clean as POSIX sh" {
	command -v shellcheck || skip "shellcheck not installed"
	cd "$RESCUE"
	run -0 shellcheck -s sh -x rescue-cmdline.sh rescue-entries.sh \
		grub.d/42_vfio-preflight-rescue \
		kernel/postinst.d/zz-vfio-preflight-rescue kernel/postrm.d/zz-vfio-preflight-rescue
}

@test "rescue scripts parse under dash and are executable" {
	for f in "$GEN" "$POSTINST" "$POSTRM"; do
		[ -x "$f" ]
		dash -n "$f"
	done
	dash -n "$RESCUE/rescue-cmdline.sh"
	dash -n "$RESCUE/rescue-entries.sh"
}
