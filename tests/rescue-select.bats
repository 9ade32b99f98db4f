#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# "vfio-preflight rescue": the one-shot boot of the rescue entry. grubenv
# editing (GRUB next_entry), EFI variables (systemd-boot LoaderEntryOneShot)
# against a fake efivars directory, entry selection on Proxmox and plain
# systemd-boot ESP layouts, refusal where GRUB cannot clear next_entry, and
# the exit codes (0 done, 1 could not, 2 usage, 4 refused).

load test_helper/common

KVER=6.8.12-4-pve
GUID=4a67b082-0a4c-41cf-b6c7-440b29bb8c4f
OWN=99801ca0-e8a0-4748-9f15-ffc348321930

setup() {
	ROOT="$BATS_TEST_TMPDIR/root"
	mkdir -p "$ROOT/proc/sys/kernel" "$ROOT/boot/grub"
	echo "$KVER" >"$ROOT/proc/sys/kernel/osrelease"
	echo "/dev/sda2 / ext4 rw,relatime 0 0" >"$ROOT/proc/mounts"
	EFIVARS="$ROOT/sys/firmware/efi/efivars"
}

# a grubenv as grub-editenv writes it, with some variables
grub_root() {
	local env="$ROOT/boot/grub/grubenv"
	grub-editenv "$env" create
	grub-editenv "$env" set saved_entry=gnulinux-advanced-x 'odd=a\b'
	printf "menuentry 'rescue' \$menuentry_id_option 'vfio-preflight-rescue-%s' {\n}\n" "$KVER" \
		>"$ROOT/boot/grub/grub.cfg"
}

grub_list() { grub-editenv "$ROOT/boot/grub/grubenv" list; }

# efivar NAME STRING: a Boot Loader Interface variable (UTF-16LE + NUL)
efivar() {
	mkdir -p "$EFIVARS"
	{
		printf '\x06\x00\x00\x00'
		printf '%s' "$2" | iconv -f ascii -t utf-16le
		printf '\x00\x00'
	} >"$EFIVARS/$1"
}

sdboot_root() {
	efivar "LoaderInfo-$GUID" "systemd-boot 252.30-1~deb12u2"
}

# expected bytes of a string variable, as hex
var_hex() {
	{
		printf '\x07\x00\x00\x00'
		printf '%s' "$1" | iconv -f ascii -t utf-16le
		printf '\x00\x00'
	} | od -An -tx1 | tr -d ' \n'
}

file_hex() { od -An -tx1 "$1" | tr -d ' \n'; }

# --- grubenv ----------------------------------------------------------------

@test "grub: --next-boot sets next_entry, keeps every other variable and 1024 bytes" {
	grub_root
	run -0 "$VFP" rescue --next-boot --root "$ROOT"
	[[ "$output" == *"next_entry=vfio-preflight-rescue-$KVER"* ]]
	[ "$(stat -c %s "$ROOT/boot/grub/grubenv")" = 1024 ]
	run -0 grub_list
	[ "${lines[0]}" = "saved_entry=gnulinux-advanced-x" ]
	[ "${lines[1]}" = 'odd=a\b' ]
	[ "${lines[2]}" = "next_entry=vfio-preflight-rescue-$KVER" ]
	[ "${#lines[@]}" = 3 ]
}

@test "grub: setting twice leaves the file byte for byte as it was" {
	grub_root
	run -0 "$VFP" rescue --next-boot --root "$ROOT"
	cp "$ROOT/boot/grub/grubenv" "$BATS_TEST_TMPDIR/once"
	touch -d '2001-01-01' "$ROOT/boot/grub/grubenv"
	run -0 "$VFP" rescue --next-boot --root "$ROOT"
	cmp "$BATS_TEST_TMPDIR/once" "$ROOT/boot/grub/grubenv"
	[ "$(stat -c %Y "$ROOT/boot/grub/grubenv")" = "$(date -d 2001-01-01 +%s)" ]
}

@test "grub: --clear restores the block exactly; clearing again changes nothing" {
	grub_root
	cp "$ROOT/boot/grub/grubenv" "$BATS_TEST_TMPDIR/before"
	run -0 "$VFP" rescue --next-boot --root "$ROOT" --reason "display.headless failed"
	run -0 "$VFP" rescue --clear --root "$ROOT"
	cmp "$BATS_TEST_TMPDIR/before" "$ROOT/boot/grub/grubenv"
	run -0 "$VFP" rescue --clear --root "$ROOT"
	[[ "$output" == *"no rescue one-shot set"* ]]
	cmp "$BATS_TEST_TMPDIR/before" "$ROOT/boot/grub/grubenv"
}

@test "grub: --clear leaves a next_entry that is not a rescue entry alone" {
	grub_root
	grub-editenv "$ROOT/boot/grub/grubenv" set next_entry=windows
	run -0 "$VFP" rescue --clear --root "$ROOT"
	run -0 grub_list
	[[ "$output" == *"next_entry=windows"* ]]
}

@test "grub: an existing next_entry is replaced in place, not duplicated" {
	grub_root
	grub-editenv "$ROOT/boot/grub/grubenv" set next_entry=windows other=1
	run -0 "$VFP" rescue --next-boot --root "$ROOT"
	run -0 grub_list
	[ "${lines[2]}" = "next_entry=vfio-preflight-rescue-$KVER" ]
	[ "${lines[3]}" = "other=1" ]
	[ "$(grep -c next_entry <<<"$output")" = 1 ]
}

@test "grub: --status shows the one-shot and the reason kept with it" {
	grub_root
	run -0 "$VFP" rescue --next-boot --root "$ROOT" --reason "display.headless failed"
	run -0 "$VFP" rescue --status --root "$ROOT"
	[[ "$output" == *"next boot: vfio-preflight-rescue-$KVER"* ]]
	[[ "$output" == *"reason: display.headless failed"* ]]
	run -0 grub_list
	[[ "$output" == *"vfio_preflight_reason=display.headless failed"* ]]
}

@test "grub: a file that is not a GRUB environment block is refused and left alone" {
	grub_root
	printf 'junk\n' >"$ROOT/boot/grub/grubenv"
	run -1 "$VFP" rescue --next-boot --root "$ROOT"
	[[ "$output" == *"not a valid 1024-byte GRUB environment block"* ]]
	[ "$(cat "$ROOT/boot/grub/grubenv")" = junk ]
}

@test "grub: a short block is refused" {
	grub_root
	head -c 512 "$ROOT/boot/grub/grubenv" >"$BATS_TEST_TMPDIR/short"
	cp "$BATS_TEST_TMPDIR/short" "$ROOT/boot/grub/grubenv"
	run -1 "$VFP" rescue --next-boot --root "$ROOT"
	cmp "$BATS_TEST_TMPDIR/short" "$ROOT/boot/grub/grubenv"
}

@test "grub: an oversized block is refused" {
	grub_root
	printf '#%.0s' $(seq 100) >>"$ROOT/boot/grub/grubenv"
	run -1 "$VFP" rescue --next-boot --root "$ROOT"
	[ "$(stat -c %s "$ROOT/boot/grub/grubenv")" = 1124 ]
}

@test "grub: a block with the right header but a line without '=' is refused" {
	grub_root
	{ printf '# GRUB Environment Block\nnoequals\n'; printf '#%.0s' $(seq 990); } >"$ROOT/boot/grub/grubenv"
	[ "$(stat -c %s "$ROOT/boot/grub/grubenv")" = 1024 ]
	run -1 "$VFP" rescue --next-boot --root "$ROOT"
}

@test "grub: a block that is full says so and is left alone" {
	grub_root
	# 25 header + "big=" + 984 + "\n" = 1014: 10 bytes of padding left
	{ printf '# GRUB Environment Block\nbig='; printf 'x%.0s' $(seq 984); printf '\n'; printf '#%.0s' $(seq 10); } \
		>"$ROOT/boot/grub/grubenv"
	[ "$(stat -c %s "$ROOT/boot/grub/grubenv")" = 1024 ]
	cp "$ROOT/boot/grub/grubenv" "$BATS_TEST_TMPDIR/full"
	run -1 "$VFP" rescue --next-boot --root "$ROOT"
	cmp "$BATS_TEST_TMPDIR/full" "$ROOT/boot/grub/grubenv"
}

@test "grub: a block that is full says there is no room for next_entry, and says where" {
	grub_root
	{ printf '# GRUB Environment Block\nbig='; printf 'x%.0s' $(seq 984); printf '\n'; printf '#%.0s' $(seq 10); } \
		>"$ROOT/boot/grub/grubenv"
	run -1 "$VFP" rescue --next-boot --root "$ROOT" --reason "display.headless failed"
	[[ "$output" == *"no room for next_entry"* ]]
}

@test "grub: the one-shot first: a reason too long for the block is cut to fit, saying how much" {
	grub_root
	reason="$(printf 'display.headless failed: claimed %.0s0000:01:00.0 ' $(seq 1 60))"
	run -0 "$VFP" rescue --next-boot --root "$ROOT" --reason "$reason"
	[[ "$output" == *"reason is cut to fit"* ]]
	run -0 grub_list
	[[ "$output" == *"next_entry=vfio-preflight-rescue-$KVER"* ]]
	[[ "$output" == *"saved_entry=gnulinux-advanced-x"* && "$output" == *'odd=a\b'* ]]
	[[ "$output" =~ vfio_preflight_reason=display\.headless\ failed.*\ \[[0-9]+\ bytes\ cut\] ]]
	[ "$(stat -c %s "$ROOT/boot/grub/grubenv")" = 1024 ]
}

@test "grub: no room for any reason: next_entry is set all the same, an older reason is gone" {
	grub_root
	run -0 "$VFP" rescue --next-boot --root "$ROOT" --reason "old reason"
	run -0 "$VFP" rescue --clear --root "$ROOT"
	GRUB_OLD="vfio_preflight_reason=old reason
"
	grub-editenv "$ROOT/boot/grub/grubenv" set vfio_preflight_reason="old reason"
	# fill the block so that, without the old reason's line, next_entry's line
	# fits with 10 bytes to spare and no cut reason does
	free=$((1024 - $(sed -z 's/#*$//' "$ROOT/boot/grub/grubenv" | wc -c)))
	entry="next_entry=vfio-preflight-rescue-$KVER"
	fill=$((free + ${#GRUB_OLD} - 5 - ${#entry} - 1 - 10))
	grub-editenv "$ROOT/boot/grub/grubenv" set "pad=$(printf 'p%.0s' $(seq "$fill"))"
	run -0 "$VFP" rescue --next-boot --root "$ROOT" --reason "$(printf 'r%.0s' $(seq 400))"
	[[ "$output" == *"no room for the reason"* ]]
	run -0 grub_list
	[[ "$output" == *"next_entry=vfio-preflight-rescue-$KVER"* ]]
	[[ "$output" != *vfio_preflight_reason* ]]
	[[ "$output" == *"pad=ppp"* && "$output" == *"saved_entry=gnulinux-advanced-x"* ]]
}

@test "grub: already set, or nothing to clear, is success on a file that cannot be written" {
	grub_root
	run -0 "$VFP" rescue --next-boot --root "$ROOT"
	chattr +i "$ROOT/boot/grub/grubenv" 2>/dev/null || skip "no immutable flag here"
	"$VFP" rescue --next-boot --root "$ROOT" >"$BATS_TEST_TMPDIR/set" 2>&1 || echo "rc $?" >>"$BATS_TEST_TMPDIR/set"
	"$VFP" rescue --clear --root "$ROOT" >"$BATS_TEST_TMPDIR/clear" 2>&1 || echo "rc $?" >>"$BATS_TEST_TMPDIR/clear"
	chattr -i "$ROOT/boot/grub/grubenv"
	run -0 "$VFP" rescue --clear --root "$ROOT"
	chattr +i "$ROOT/boot/grub/grubenv"
	"$VFP" rescue --clear --root "$ROOT" >"$BATS_TEST_TMPDIR/none" 2>&1 || echo "rc $?" >>"$BATS_TEST_TMPDIR/none"
	chattr -i "$ROOT/boot/grub/grubenv"
	run cat "$BATS_TEST_TMPDIR/set"
	[[ "$output" == *"(already set)" ]]
	run cat "$BATS_TEST_TMPDIR/clear"
	[[ "$output" == *"cannot open boot/grub/grubenv for writing: not permitted"*"rc 1" ]]
	run cat "$BATS_TEST_TMPDIR/none"
	[[ "$output" == *"no rescue one-shot set" ]]
}

@test "grub: two --next-boot at once both end right, the block whole" {
	grub_root
	for i in $(seq 1 10); do
		"$VFP" rescue --next-boot --root "$ROOT" --reason "run $i a" >"$BATS_TEST_TMPDIR/a" 2>&1 &
		"$VFP" rescue --next-boot --root "$ROOT" --reason "run $i b" >"$BATS_TEST_TMPDIR/b" 2>&1 &
		wait %1 || { cat "$BATS_TEST_TMPDIR/a"; false; }
		wait %2 || { cat "$BATS_TEST_TMPDIR/b"; false; }
		run -0 grub_list
		[[ "$output" == *"next_entry=vfio-preflight-rescue-$KVER"* ]]
		[[ "$output" == *"saved_entry=gnulinux-advanced-x"* ]]
	done
}

@test "grub: no rescue entry in grub.cfg: exit 1 with 'run update-grub'" {
	grub_root
	echo "menuentry 'Debian' {}" >"$ROOT/boot/grub/grub.cfg"
	run -1 "$VFP" rescue --next-boot --root "$ROOT"
	[[ "$output" == *"run update-grub"* ]]
	run -0 grub_list
	[[ "$output" != *next_entry* ]]
}

@test "grub: Proxmox GRUB mode writes the grubenv on the ESP, not /boot/grub" {
	grub_root
	mkdir -p "$ROOT/boot/efi/grub"
	cp "$ROOT/boot/grub/grubenv" "$ROOT/boot/grub/grub.cfg" "$ROOT/boot/efi/grub/"
	run -0 "$VFP" rescue --next-boot --root "$ROOT"
	grub-editenv "$ROOT/boot/efi/grub/grubenv" list | grep -qx "next_entry=vfio-preflight-rescue-$KVER"
	! grub_list | grep -q next_entry
}

@test "grub: --grubenv names the file to edit" {
	grub_root
	mkdir -p "$ROOT/esp/grub"
	cp "$ROOT/boot/grub/grubenv" "$ROOT/boot/grub/grub.cfg" "$ROOT/esp/grub/"
	run -0 "$VFP" rescue --next-boot --root "$ROOT" --grubenv /esp/grub/grubenv
	grub-editenv "$ROOT/esp/grub/grubenv" list | grep -qx "next_entry=vfio-preflight-rescue-$KVER"
}

refused_on() {
	grub_root
	printf '%s\n' "$1" >>"$ROOT/proc/mounts"
	cp "$ROOT/boot/grub/grubenv" "$BATS_TEST_TMPDIR/before"
	run -4 "$VFP" rescue --next-boot --root "$ROOT"
	[[ "$output" == *"refused"*"GRUB cannot clear next_entry"* ]]
	cmp "$BATS_TEST_TMPDIR/before" "$ROOT/boot/grub/grubenv"
}

@test "grub: refused (exit 4) when /boot is on LVM" {
	refused_on "/dev/mapper/pve-root / ext4 rw 0 0"
}

@test "grub: refused (exit 4) when /boot is on mdraid" {
	refused_on "/dev/md0 /boot ext4 rw 0 0"
}

@test "grub: refused (exit 4) when /boot is on btrfs" {
	refused_on "/dev/sda2 / btrfs rw,subvol=/@ 0 0"
}

@test "grub: refused (exit 4) when /boot is on ZFS" {
	refused_on "rpool/ROOT/pve-1 / zfs rw,xattr,noacl 0 0"
}

@test "grub: a separate ext4 /boot is fine even with the root on ZFS" {
	grub_root
	printf '%s\n' "rpool/ROOT/pve-1 / zfs rw 0 0" "/dev/sda1 /boot ext4 rw 0 0" >"$ROOT/proc/mounts"
	run -0 "$VFP" rescue --next-boot --root "$ROOT"
}

@test "grub: no grubenv anywhere: exit 1 and says where it looked" {
	run -1 "$VFP" rescue --next-boot --root "$ROOT"
	[[ "$output" == *"no grubenv found"* ]]
}

# --- systemd-boot / EFI variables -----------------------------------------

@test "systemd-boot: --next-boot writes LoaderEntryOneShot as attributes 7 + UTF-16LE id + NUL" {
	sdboot_root
	mkdir -p "$ROOT/efi/loader/entries"
	touch "$ROOT/efi/loader/entries/proxmox-$KVER.conf" "$ROOT/efi/loader/entries/proxmox-$KVER-vfio-rescue.conf"
	run -0 "$VFP" rescue --next-boot --root "$ROOT"
	[[ "$output" == *"systemd-boot: next boot only: proxmox-$KVER-vfio-rescue.conf"* ]]
	[ "$(file_hex "$EFIVARS/LoaderEntryOneShot-$GUID")" = "$(var_hex "proxmox-$KVER-vfio-rescue.conf")" ]
}

@test "systemd-boot: the entry comes from the loader's LoaderEntries list when there is one" {
	sdboot_root
	mkdir -p "$EFIVARS"
	{
		printf '\x06\x00\x00\x00'
		printf '%s\0' "proxmox-6.5.13-1-pve.conf" "proxmox-6.5.13-1-pve-vfio-rescue.conf" \
			"proxmox-$KVER.conf" "proxmox-$KVER-vfio-rescue.conf" | iconv -f ascii -t utf-16le
	} >"$EFIVARS/LoaderEntries-$GUID"
	run -0 "$VFP" rescue --next-boot --root "$ROOT"
	[ "$(file_hex "$EFIVARS/LoaderEntryOneShot-$GUID")" = "$(var_hex "proxmox-$KVER-vfio-rescue.conf")" ]
}

@test "systemd-boot: plain layout picks <machine-id>-<kver>-vfio-rescue.conf in /boot/efi" {
	sdboot_root
	local mid=4b3f0c9e2d8a4f6b9c1e7a5d3b2f1e0c
	mkdir -p "$ROOT/boot/efi/loader/entries"
	touch "$ROOT/boot/efi/loader/entries/$mid-$KVER.conf" \
		"$ROOT/boot/efi/loader/entries/$mid-6.1.0-9-amd64-vfio-rescue.conf" \
		"$ROOT/boot/efi/loader/entries/$mid-$KVER-vfio-rescue.conf"
	run -0 "$VFP" rescue --next-boot --root "$ROOT"
	[ "$(file_hex "$EFIVARS/LoaderEntryOneShot-$GUID")" = "$(var_hex "$mid-$KVER-vfio-rescue.conf")" ]
}

@test "systemd-boot: --esp DIR names the ESP" {
	sdboot_root
	mkdir -p "$ROOT/mnt/esp/loader/entries"
	touch "$ROOT/mnt/esp/loader/entries/proxmox-$KVER-vfio-rescue.conf"
	run -0 "$VFP" rescue --next-boot --root "$ROOT" --esp mnt/esp
	[ -f "$EFIVARS/LoaderEntryOneShot-$GUID" ]
}

@test "systemd-boot: no rescue entry for the running kernel: exit 1, nothing written" {
	sdboot_root
	mkdir -p "$ROOT/efi/loader/entries"
	touch "$ROOT/efi/loader/entries/proxmox-6.1.0-9-amd64-vfio-rescue.conf"
	run -1 "$VFP" rescue --next-boot --root "$ROOT"
	[[ "$output" == *"zz-vfio-preflight-rescue $KVER"* ]]
	[ ! -e "$EFIVARS/LoaderEntryOneShot-$GUID" ]
}

@test "systemd-boot: setting what is already set does not rewrite the variable" {
	sdboot_root
	mkdir -p "$ROOT/efi/loader/entries"
	touch "$ROOT/efi/loader/entries/proxmox-$KVER-vfio-rescue.conf"
	run -0 "$VFP" rescue --next-boot --root "$ROOT"
	touch -d 2001-01-01 "$EFIVARS/LoaderEntryOneShot-$GUID"
	run -0 "$VFP" rescue --next-boot --root "$ROOT"
	[[ "$output" == *"(already set)"* ]]
	[ "$(stat -c %Y "$EFIVARS/LoaderEntryOneShot-$GUID")" = "$(date -d 2001-01-01 +%s)" ]
}

@test "systemd-boot: --reason is kept in our own EFI variable; --status shows it" {
	sdboot_root
	mkdir -p "$ROOT/efi/loader/entries"
	touch "$ROOT/efi/loader/entries/proxmox-$KVER-vfio-rescue.conf"
	run -0 "$VFP" rescue --next-boot --root "$ROOT" --reason "display.headless failed"
	[ "$(file_hex "$EFIVARS/VfioPreflightReason-$OWN")" = "$(var_hex "display.headless failed")" ]
	run -0 "$VFP" rescue --status --root "$ROOT"
	[[ "$output" == *"loader: systemd-boot"* ]]
	[[ "$output" == *"next boot: proxmox-$KVER-vfio-rescue.conf"* ]]
	[[ "$output" == *"reason: display.headless failed"* ]]
}

@test "systemd-boot: --clear deletes our one-shot and reason; already absent is success" {
	sdboot_root
	efivar "LoaderEntryOneShot-$GUID" "proxmox-$KVER-vfio-rescue.conf"
	efivar "VfioPreflightReason-$OWN" "x"
	run -0 "$VFP" rescue --clear --root "$ROOT"
	[ ! -e "$EFIVARS/LoaderEntryOneShot-$GUID" ]
	[ ! -e "$EFIVARS/VfioPreflightReason-$OWN" ]
	run -0 "$VFP" rescue --clear --root "$ROOT"
}

@test "systemd-boot: a reason too long for the variable is cut to fit; no older reason stays" {
	sdboot_root
	mkdir -p "$ROOT/efi/loader/entries"
	touch "$ROOT/efi/loader/entries/proxmox-$KVER-vfio-rescue.conf"
	run -0 "$VFP" rescue --next-boot --root "$ROOT" --reason "an older fallback"
	run -0 "$VFP" rescue --next-boot --root "$ROOT" --reason "$(printf 'claimed 0000:01:00.0 %.0s' $(seq 1 30))"
	[[ "$output" == *"reason is cut to fit"* ]]
	run -0 "$VFP" rescue --status --root "$ROOT"
	[[ "$output" != *"an older fallback"* ]]
	[[ "$output" =~ reason:\ claimed\ 0000:01:00\.0.*\[[0-9]+\ bytes\ cut\] ]]
	# no reason at all: the older one goes too
	run -0 "$VFP" rescue --next-boot --root "$ROOT"
	[ ! -e "$EFIVARS/VfioPreflightReason-$OWN" ]
}

@test "systemd-boot: two --next-boot at once both end right (no 'error 17')" {
	sdboot_root
	mkdir -p "$ROOT/efi/loader/entries"
	touch "$ROOT/efi/loader/entries/proxmox-$KVER-vfio-rescue.conf"
	for i in $(seq 1 10); do
		"$VFP" rescue --next-boot --root "$ROOT" --reason "same" >"$BATS_TEST_TMPDIR/a" 2>&1 &
		"$VFP" rescue --next-boot --root "$ROOT" --reason "same" >"$BATS_TEST_TMPDIR/b" 2>&1 &
		wait %1 || { cat "$BATS_TEST_TMPDIR/a"; false; }
		wait %2 || { cat "$BATS_TEST_TMPDIR/b"; false; }
		[ "$(file_hex "$EFIVARS/LoaderEntryOneShot-$GUID")" = "$(var_hex "proxmox-$KVER-vfio-rescue.conf")" ]
		run -0 "$VFP" rescue --clear --root "$ROOT"
	done
}

@test "systemd-boot: already set is success where the variables cannot be written" {
	sdboot_root
	mkdir -p "$ROOT/efi/loader/entries"
	touch "$ROOT/efi/loader/entries/proxmox-$KVER-vfio-rescue.conf"
	run -0 "$VFP" rescue --next-boot --root "$ROOT" --reason "why"
	chattr +i "$EFIVARS" 2>/dev/null || skip "no immutable flag here"
	"$VFP" rescue --next-boot --root "$ROOT" --reason "why" >"$BATS_TEST_TMPDIR/set" 2>&1 || echo "$?" >>"$BATS_TEST_TMPDIR/set"
	"$VFP" rescue --clear --root "$ROOT" >"$BATS_TEST_TMPDIR/clear" 2>&1 || echo "rc $?" >>"$BATS_TEST_TMPDIR/clear"
	chattr -i "$EFIVARS"
	run cat "$BATS_TEST_TMPDIR/set"
	[[ "$output" == *"(already set)" ]]
	run cat "$BATS_TEST_TMPDIR/clear"
	[[ "$output" == *"cannot delete VfioPreflightReason-$OWN"*"the rescue one-shot stays set"*"rc 1" ]]
}

@test "systemd-boot: --clear leaves someone else's one-shot alone" {
	sdboot_root
	efivar "LoaderEntryOneShot-$GUID" "auto-windows"
	run -0 "$VFP" rescue --clear --root "$ROOT"
	[ -e "$EFIVARS/LoaderEntryOneShot-$GUID" ]
}

@test "systemd-boot: refused when systemd-boot did not start this boot" {
	mkdir -p "$EFIVARS"
	run -1 "$VFP" rescue --next-boot --loader systemd-boot --root "$ROOT"
	[[ "$output" == *"no LoaderInfo"* ]]
	[ ! -e "$EFIVARS/LoaderEntryOneShot-$GUID" ]
}

@test "auto: LoaderInfo of systemd-boot chooses systemd-boot, and says so" {
	sdboot_root
	grub_root
	mkdir -p "$ROOT/efi/loader/entries"
	touch "$ROOT/efi/loader/entries/proxmox-$KVER-vfio-rescue.conf"
	run -0 "$VFP" rescue --next-boot --auto --root "$ROOT"
	[[ "$output" == *"systemd-boot: next boot only"* ]]
	run -0 grub_list
	[[ "$output" != *next_entry* ]]
}

@test "auto: LoaderInfo written by GRUB's bli module still means GRUB" {
	efivar "LoaderInfo-$GUID" "GRUB 2.12"
	grub_root
	run -0 "$VFP" rescue --next-boot --auto --root "$ROOT"
	[[ "$output" == *"grub: next boot only"* ]]
	[ ! -e "$EFIVARS/LoaderEntryOneShot-$GUID" ]
}

@test "auto: no EFI at all chooses GRUB" {
	grub_root
	run -0 "$VFP" rescue --next-boot --auto --root "$ROOT"
	[[ "$output" == *"grub: next boot only"* ]]
}

# --- usage ------------------------------------------------------------------

@test "usage: no action, two actions, unknown options and loaders exit 2" {
	run -2 "$VFP" rescue
	run -2 "$VFP" rescue --next-boot --clear
	run -2 "$VFP" rescue --next-boot --frobnicate
	run -2 "$VFP" rescue --status --loader lilo
	run -2 "$VFP" rescue --status --root
	[[ "$output" == *"usage: vfio-preflight rescue"* ]]
}

@test "usage: a root that does not exist exits 2" {
	run -2 "$VFP" rescue --status --root "$BATS_TEST_TMPDIR/nope"
}
