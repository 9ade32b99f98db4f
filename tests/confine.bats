#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Nothing escapes --root, --rootmnt, --state-dir: for every file the program
# writes or reads, a link planted in the tree that points out of it (absolute,
# or climbing ../) resolves inside the tree, and the file outside is unchanged.

load test_helper/common

KVER=6.1.0-18-amd64
GUID=4a67b082-0a4c-41cf-b6c7-440b29bb8c4f
OWN=99801ca0-e8a0-4748-9f15-ffc348321930

setup() {
	T="$BATS_TEST_TMPDIR/tree"
	OUT="$BATS_TEST_TMPDIR/outside"
	mkdir -p "$T/proc/sys/kernel" "$T/dev" "$T/boot/grub" "$OUT"
	echo "$KVER" >"$T/proc/sys/kernel/osrelease"
	echo "BOOT_IMAGE=/vmlinuz-$KVER root=/dev/sda1 ro" >"$T/proc/cmdline"
	echo "/dev/sda1 / ext4 rw 0 0" >"$T/proc/mounts"
	: >"$T/dev/kmsg"
	echo "precious" >"$OUT/file"
	# ../ from T/boot/grub up to the test dir, then into outside/
	UP="../../../outside"
}

# a grubenv as grub-editenv writes it, at PATH
grubenv_at() {
	grub-editenv "$1" create
	grub-editenv "$1" set saved_entry=keep
}

grub_cfg() {
	printf "menuentry 'rescue' \$menuentry_id_option 'vfio-preflight-rescue-%s' {\n}\n" "$KVER" \
		>"$T/boot/grub/grub.cfg"
}

# efivar NAME STRING under T (UTF-16LE + NUL)
efivar() {
	mkdir -p "$T/sys/firmware/efi/efivars"
	{
		printf '\x06\x00\x00\x00'
		printf '%s' "$2" | iconv -f ascii -t utf-16le
		printf '\x00\x00'
	} >"$T/sys/firmware/efi/efivars/$1"
}

sdboot_tree() {
	efivar "LoaderInfo-$GUID" "systemd-boot 252"
	mkdir -p "$T/efi/loader/entries"
	: >"$T/efi/loader/entries/debian-$KVER-vfio-rescue.conf"
}

# --- writes -------------------------------------------------------------------

@test "confine: a state file that is a link out of the tree is replaced, the file outside unchanged" {
	mkdir -p "$T/run/vfio-preflight"
	ln -s "$OUT/file" "$T/run/vfio-preflight/predict.json"
	ln -s "../../../outside/file" "$T/run/vfio-preflight/predict.env"
	run -0 "$VFP" boot predict --root "$T"
	[ "$(cat "$OUT/file")" = precious ]
	[ ! -L "$T/run/vfio-preflight/predict.json" ] && [ ! -L "$T/run/vfio-preflight/predict.env" ]
	jq -e '.phase == "predict"' "$T/run/vfio-preflight/predict.json"
	grep -qx "PHASE='predict'" "$T/run/vfio-preflight/predict.env"
	# no temporary file left behind
	[ "$(find "$T/run/vfio-preflight" -name '.*' | wc -l)" = 0 ]
}

@test "confine: a run link out of the tree creates no directory outside; the boot goes on" {
	ln -s "$OUT" "$T/run"
	run -0 "$VFP" boot predict --root "$T"
	[ "$(ls "$OUT")" = file ]
	grep -q "state: cannot write /run/vfio-preflight/predict.json" "$T/dev/kmsg"
}

@test "confine: --state-dir climbing ../ stays inside the tree" {
	run -0 "$VFP" boot predict --root "$T" --state-dir ../../../../outside/state
	[ ! -e "$OUT/state" ]
	[ -s "$T/outside/state/predict.json" ]
}

@test "confine: a grubenv that is a link out of the tree (absolute, ../) is not written" {
	grub_cfg
	grubenv_at "$OUT/grubenv"
	cp "$OUT/grubenv" "$OUT/grubenv.orig"
	for target in "$OUT/grubenv" "$UP/grubenv"; do
		ln -sfn "$target" "$T/boot/grub/grubenv"
		run -1 "$VFP" rescue --next-boot --root "$T"
		run -1 "$VFP" rescue --next-boot --root "$T" --grubenv /boot/grub/grubenv
		[[ "$output" == *"cannot read boot/grub/grubenv: no such file"* ]]
		cmp "$OUT/grubenv" "$OUT/grubenv.orig"
	done
}

@test "confine: --grubenv PATH and --esp DIR are inside the root, whatever the slashes" {
	grub_cfg
	grubenv_at "$OUT/grubenv"
	cp "$OUT/grubenv" "$OUT/grubenv.orig"
	run -1 "$VFP" rescue --next-boot --root "$T" --grubenv "$OUT/grubenv"
	run -1 "$VFP" rescue --next-boot --root "$T" --grubenv "../../../../../../../../$OUT/grubenv"
	mkdir -p "$OUT/grub"
	cp "$OUT/grubenv" "$OUT/grub/grubenv"
	run -1 "$VFP" rescue --next-boot --root "$T" --esp "$OUT"
	cmp "$OUT/grubenv" "$OUT/grubenv.orig"
	cmp "$OUT/grub/grubenv" "$OUT/grubenv.orig"
	# and the same path inside the tree is the one written
	mkdir -p "$T/$OUT"
	cp "$OUT/grubenv.orig" "$T/$OUT/grubenv"
	printf "menuentry 'r' \$menuentry_id_option 'vfio-preflight-rescue-%s' {\n}\n" "$KVER" >"$T/$OUT/grub.cfg"
	run -0 "$VFP" rescue --next-boot --root "$T" --grubenv "$OUT/grubenv"
	grub-editenv "$T/$OUT/grubenv" list | grep -qx "next_entry=vfio-preflight-rescue-$KVER"
}

@test "confine: a grub.cfg that is a link out of the tree is read inside it" {
	grubenv_at "$T/boot/grub/grubenv"
	printf "menuentry 'r' \$menuentry_id_option 'vfio-preflight-rescue-%s' {\n}\n" "$KVER" >"$OUT/grub.cfg"
	ln -s "$OUT/grub.cfg" "$T/boot/grub/grub.cfg"
	run -1 "$VFP" rescue --next-boot --root "$T"
	[[ "$output" == *"no entry vfio-preflight-rescue-$KVER in grub.cfg"* ]]
}

@test "confine: an EFI variable that is a link out of the tree: outside file and its immutable flag unchanged" {
	sdboot_tree
	cp "$OUT/file" "$OUT/var"
	chattr +i "$OUT/var" 2>/dev/null || skip "no immutable flag on this file system"
	ln -s "$OUT/var" "$T/sys/firmware/efi/efivars/LoaderEntryOneShot-$GUID"
	ln -s "$UP/var" "$T/sys/firmware/efi/efivars/VfioPreflightReason-$OWN"
	run -0 "$VFP" rescue --next-boot --root "$T" --reason "display.headless failed"
	lsattr "$OUT/var" | grep -q '^----i'
	chattr -i "$OUT/var"
	[ "$(cat "$OUT/var")" = precious ]
	# the links were replaced by the variables themselves
	[ ! -L "$T/sys/firmware/efi/efivars/LoaderEntryOneShot-$GUID" ]
	run -0 "$VFP" rescue --status --root "$T"
	[[ "$output" == *"next boot: debian-$KVER-vfio-rescue.conf"* ]]
	[[ "$output" == *"reason: display.headless failed"* ]]
}

@test "confine: an efivars directory that is a link out of the tree is resolved inside it" {
	mkdir -p "$OUT/efivars" "$T/sys/firmware/efi"
	ln -s "$OUT/efivars" "$T/sys/firmware/efi/efivars"
	run -1 "$VFP" rescue --next-boot --root "$T" --loader systemd-boot
	[ -z "$(ls "$OUT/efivars")" ]
}

# --- reads --------------------------------------------------------------------

@test "confine: sysfs device links out of the tree (absolute, ../) never read this machine's devices" {
	local dev
	dev="$(ls /sys/bus/pci/devices 2>/dev/null | head -1)"
	[ -n "$dev" ] || skip "this machine has no PCI devices to leak"
	mkdir -p "$T/sys/bus/pci/devices"
	ln -s "/sys/bus/pci/devices/$dev" "$T/sys/bus/pci/devices/$dev"
	# as many ../ as reach / from the tree, then into the real sysfs
	ln -s "$(printf '../%.0s' $(seq 1 40))sys/bus/pci/devices/$dev" "$T/sys/bus/pci/devices/0000:ff:1f.7"
	run "$VFP" check --root "$T" --json
	jq -e '.devices == []' <<<"$output"
	[[ "$(message_of preflight.input)" == *"ignored"* ]]
}

@test "confine: an attribute file that is a link out of the tree is not read" {
	mkdir -p "$T/sys/devices/pci0000:00/0000:00:02.0" "$T/sys/bus/pci/devices"
	ln -s ../../../devices/pci0000:00/0000:00:02.0 "$T/sys/bus/pci/devices/0000:00:02.0"
	printf 'PCI_CLASS=30000\nPCI_ID=10DE:2204\n' >"$OUT/uevent"
	ln -s "$OUT/uevent" "$T/sys/devices/pci0000:00/0000:00:02.0/uevent"
	run "$VFP" check --root "$T" --json
	jq -e '.devices == []' <<<"$output"
}

@test "confine: status reads saved verdicts inside the tree, not through a link out of it" {
	mkdir -p "$T/run/vfio-preflight"
	echo '{"verdict":"fail","phase":"predict","checks":[{"id":"x","level":"fail","message":"OUTSIDE VERDICT","hint":null}]}' \
		>"$OUT/predict.json"
	ln -s "$OUT/predict.json" "$T/run/vfio-preflight/predict.json"
	run "$VFP" status --root "$T"
	[[ "$output" != *"OUTSIDE VERDICT"* ]]
	run "$VFP" status --root "$T" --json
	[[ "$output" != *"OUTSIDE VERDICT"* ]]
}

# --- path joins ---------------------------------------------------------------

@test "confine: overlong --grubenv, --esp and --state-dir are refused, never overflow a buffer" {
	local long
	long="$(printf 'd%.0s' $(seq 1 3000))"
	run -2 "$VFP" rescue --next-boot --root "$T" --grubenv "/$long/grubenv"
	[[ "$output" == *"path too long"* ]]
	run -2 "$VFP" rescue --clear --root "$T" --esp "/$long"
	[[ "$output" == *"path too long"* ]]
	run -0 "$VFP" boot predict --root "$T" --state-dir "/$long"
	grep -q "state: cannot write" "$T/dev/kmsg"
}
