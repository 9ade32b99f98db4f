#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Built-in host drivers (issue 10, section 4): a driver listed in
# modules.builtin binds at kernel init, before any initramfs script runs, so
# no softdep or blacklist can keep it from a claimed device. The checks say so
# in every phase and give the fix that works (driver_override + unbind before
# vfio-pci loads, or initcall_blacklist=). Modelled on the guide's RTX 3090
# host with the GPU driver built in, as some distribution kernels build their
# display drivers (Debian 13 builds virtio_pci in).

load test_helper/common

setup() { fixtures_setup; }

# nouveau built into the guide host's kernel
builtin_nouveau() {
	root="$(copy_host guide-single-gpu)"
	echo "kernel/drivers/gpu/drm/nouveau/nouveau.ko" >>"$root"/lib/modules/*/modules.builtin
	mkdir -p "$root/sys/module/nouveau"
}

# nouveau, built in, holding the claimed card (as at init-top: it bound at kernel init)
nouveau_holds_card() {
	builtin_nouveau
	d="$root/sys/bus/pci/devices/0000:01:00.0"
	mkdir -p "$root/sys/bus/pci/drivers/nouveau"
	ln -sfn ../../../../bus/pci/drivers/nouveau "$d/driver"
	sed -i 's/^DRIVER=.*/DRIVER=nouveau/' "$d/uevent"
}

# conf LINE...: the root's /etc/default/vfio-preflight
conf() {
	mkdir -p "$root/etc/default"
	printf '%s\n' "$@" >"$root/etc/default/vfio-preflight"
}

# predict ROOT: boot predict; REBIND's value in $rebind
# (the same slots as STATE/rebind, which exists only when there are some)
predict() {
	mkdir -p "$1/dev" && : >"$1/dev/kmsg"
	run -0 "$VFP" boot predict --root "$1"
	rebind="$(sed -n "s/^REBIND='\(.*\)'$/\1/p" "$1/run/vfio-preflight/predict.env")"
	grep -q "^REBIND='" "$1/run/vfio-preflight/predict.env"
	if [ -n "$rebind" ]; then
		[ "$(cat "$1/run/vfio-preflight/rebind")" = "$rebind" ]
	else
		[ ! -e "$1/run/vfio-preflight/rebind" ]
	fi
}

@test "vfio.host-drivers: NOTE in every phase when a built-in GPU driver can take the claimed card: init-top rebinds it" {
	builtin_nouveau
	for phase in check predict verify; do
		check_json "$root" --phase "$phase"
		assert_level vfio.host-drivers note
		assert_says vfio.host-drivers message "nouveau (built into the kernel) takes 0000:01:00.0 [10de:2204] at kernel init"
		assert_says vfio.host-drivers message "init-top moves it to vfio-pci by slot (REBIND_BUILTIN=yes)"
		assert_says vfio.host-drivers hint "initcall_blacklist="
	done
}

@test "vfio.host-drivers: FAIL in every phase with REBIND_BUILTIN=no, blacklist or not, naming the line" {
	builtin_nouveau
	conf '# no rebinding here' 'REBIND_BUILTIN="no"'
	grep -q "blacklist nouveau" "$root"/etc/modprobe.d/*.conf
	for phase in check predict verify; do
		check_json "$root" --phase "$phase"
		assert_level vfio.host-drivers fail
		assert_says vfio.host-drivers message "nouveau (built into the kernel) takes 0000:01:00.0 [10de:2204] at kernel init"
		assert_says vfio.host-drivers message "no softdep or blacklist can stop it"
		assert_says vfio.host-drivers hint 'remove REBIND_BUILTIN="no" (/etc/default/vfio-preflight:2) so init-top moves 0000:01:00.0 to vfio-pci by slot'
		assert_says vfio.host-drivers hint "initcall_blacklist="
	done
}

# modules.alias as depmod writes it: loadable modules only. A built-in
# driver's device-table aliases are in no file (Debian 13's 6.12:
# modules.builtin.modinfo has none for its built-in virtio_pci).
alias_without_builtins() {
	local f
	for f in "$root"/lib/modules/*/; do
		echo 'alias pci:v000010DEd*sv*sd*bc04sc03i00* snd_hda_intel' >"${f}modules.alias"
	done
}

@test "vfio.host-drivers: a built-in driver missing from modules.alias still takes the card (Debian 13's virtio_pci)" {
	builtin_nouveau
	alias_without_builtins
	for phase in check verify; do
		check_json "$root" --phase "$phase"
		assert_level vfio.host-drivers note
		assert_says vfio.host-drivers message "nouveau (built into the kernel) takes 0000:01:00.0 [10de:2204] at kernel init"
	done
	nouveau_holds_card
	alias_without_builtins
	check_json "$root" --phase predict
	assert_level vfio.host-drivers note
	assert_says vfio.host-drivers message "nouveau (built into the kernel) takes 0000:01:00.0 [10de:2204] at kernel init"
	# unbound at init-top: every built-in driver has probed, this one did not take it
	rm "$d/driver"
	sed -i 's/^DRIVER=.*//' "$d/uevent"
	check_json "$root" --phase predict
	assert_level vfio.host-drivers pass
	# held by another host driver: nouveau did not take it either
	mkdir -p "$root/sys/bus/pci/drivers/nvidia"
	ln -sfn ../../../../bus/pci/drivers/nvidia "$d/driver"
	sed -i 's/^$/DRIVER=nvidia/' "$d/uevent"
	check_json "$root" --phase verify
	[[ "$(message_of vfio.host-drivers)" != *"nouveau (built into the kernel)"* ]]
}

@test "vfio.host-drivers: on vfio-pci after predict, the rebind record tells whether the built-in driver had the card" {
	builtin_nouveau
	alias_without_builtins
	conf 'REBIND_BUILTIN="no"'
	mkdir -p "$root/run/vfio-preflight"
	: >"$root/run/vfio-preflight/predict.env"
	# predict ran and asked no rebind: nouveau never had it (initcall_blacklist=, as
	# tests/boot/run builtin-initcall boots it)
	for phase in verify check; do
		check_json "$root" --phase "$phase"
		assert_level vfio.host-drivers pass
	done
	# predict asked init-top to move it: nouveau had it at kernel init
	conf '# rebinding'
	echo "0000:01:00.0" >"$root/run/vfio-preflight/rebind"
	check_json "$root" --phase verify
	assert_level vfio.host-drivers note
	assert_says vfio.host-drivers message "nouveau (built into the kernel) takes 0000:01:00.0 [10de:2204] at kernel init"
}

@test "vfio.host-drivers: a built-in driver on a host without an IOMMU: turn it on first, not a rebind that cannot run" {
	# amdgpu built in, holding the claimed card, as it would from kernel init
	root="$(copy_host iommu-off-firmware)"
	sed -i '/^kernel\/drivers\/gpu\/drm\/amd\/amdgpu\/amdgpu.ko:/d' "$root"/lib/modules/*/modules.dep
	echo "kernel/drivers/gpu/drm/amd/amdgpu/amdgpu.ko" >>"$root"/lib/modules/*/modules.builtin
	rm -f "$root/sys/bus/pci/drivers/amdgpu/module" "$root/sys/module/amdgpu/initstate"
	for phase in check predict verify; do
		check_json "$root" --phase "$phase"
		assert_level vfio.host-drivers fail
		assert_says vfio.host-drivers message "amdgpu (built into the kernel) takes 0000:01:00.0 [1002:73df] at kernel init"
		assert_says vfio.host-drivers hint "vfio-pci cannot take a device while the IOMMU is off (see iommu.kernel): turn it on first, then reboot"
	done
}

@test "vfio.binding: predict counts a claimed card on a built-in driver as claimed: init-top rebinds it" {
	nouveau_holds_card
	check_json "$root" --phase predict
	assert_level vfio.binding pass
	assert_says vfio.binding message "0000:01:00.0 [10de:2204] (on built-in nouveau: init-top rebinds it unless the boot falls back)"
}

@test "vfio.binding: a claimed card still on its built-in driver after init-top: the rebind failed, see the ring" {
	nouveau_holds_card
	for phase in check verify; do
		check_json "$root" --phase "$phase"
		assert_level vfio.binding fail
		assert_says vfio.binding message "is bound to nouveau (built in)"
		assert_says vfio.binding hint "no softdep or blacklist stops it"
		assert_says vfio.binding hint "init-top's rebind (REBIND_BUILTIN=yes) did not move 0000:01:00.0"
		assert_says vfio.binding hint "dmesg | grep 'vfio-preflight: rebind'"
		[[ "$(hint_of vfio.binding)" != *"softdep nouveau pre:"* ]]
	done
}

@test "vfio.binding: with REBIND_BUILTIN=no, the rebind-by-slot fix and the line to remove, not a softdep" {
	nouveau_holds_card
	conf 'REBIND_BUILTIN=no'
	for phase in check predict verify; do
		check_json "$root" --phase "$phase"
		assert_level vfio.binding fail
		assert_says vfio.binding message "is bound to nouveau (built in)"
		assert_says vfio.binding hint 'Remove REBIND_BUILTIN="no" (/etc/default/vfio-preflight:1) so init-top moves 0000:01:00.0 to vfio-pci'
		assert_says vfio.binding hint "nouveau/unbind"
		[[ "$(hint_of vfio.binding)" != *"softdep nouveau pre:"* ]]
	done
}

@test "vfio.binding: a built-in driver not in the module table is told by /sys/module without initstate" {
	root="$(copy_host guide-single-gpu)"
	d="$root/sys/bus/pci/devices/0000:01:00.1"
	mkdir -p "$root/sys/bus/pci/drivers/snd_hda_intel"
	ln -sfn ../../../../bus/pci/drivers/snd_hda_intel "$d/driver"
	sed -i 's/^DRIVER=.*/DRIVER=snd_hda_intel/' "$d/uevent"
	rm -f "$root/sys/module/snd_hda_intel/initstate"
	check_json "$root"
	assert_says vfio.binding message "is bound to snd_hda_intel (built in)"
	touch "$root/sys/module/snd_hda_intel/initstate"
	check_json "$root"
	assert_says vfio.binding hint "softdep snd_hda_intel pre: vfio-pci"
}

# 8250_pci's driver is "serial": the driver name names no module. Its driver
# directory has no module link (as a built-in driver's, where /sys/module has
# no entry for it), so it is built in; a loadable one always has the link.
@test "vfio.binding: a driver whose directory has no module link is built in, whatever its name" {
	root="$(copy_host guide-single-gpu)"
	d="$root/sys/bus/pci/devices/0000:00:16.0"
	mkdir -p "$root/sys/bus/pci/drivers/serial"
	ln -sfn ../../../../bus/pci/drivers/serial "$d/driver"
	printf 'DRIVER=serial\n' | cat - "$d/uevent" >"$d/uevent.new" && mv "$d/uevent.new" "$d/uevent"
	sed -i 's/ids=10de:2204,10de:1aef/ids=10de:2204,10de:1aef,8086:a360/' "$root/etc/modprobe.d/vfio.conf"
	check_json "$root"
	assert_level vfio.binding fail
	assert_says vfio.binding message "0000:00:16.0 [8086:a360] is bound to serial (built in)"
	# a module's driver: the link names it, and its initstate says loaded
	mkdir -p "$root/sys/module/serial_mod"
	touch "$root/sys/module/serial_mod/initstate"
	ln -sfn ../../../../module/serial_mod "$root/sys/bus/pci/drivers/serial/module"
	check_json "$root"
	assert_says vfio.binding message "0000:00:16.0 [8086:a360] is bound to serial"
	[[ "$(message_of vfio.binding)" != *"serial (built in)"* ]]
	assert_says vfio.binding hint "softdep serial pre: vfio-pci"
}

@test "boot predict: REBIND lists the claimed functions a built-in driver holds, for init-top" {
	nouveau_holds_card
	conf 'FALLBACK="off"'
	predict "$root"
	[ "$rebind" = 0000:01:00.0 ]
	# read as data, and safe to source as init-top's other lines are
	dash -c ". '$root/run/vfio-preflight/predict.env' && [ \"\$REBIND\" = 0000:01:00.0 ]"
}

@test "boot predict: no REBIND when the boot falls back, with REBIND_BUILTIN=no, on a rescue boot, or without vfio-pci" {
	nouveau_holds_card
	# the guide host's only display is claimed: headless, display.headless is fatal
	conf 'FALLBACK="auto"'
	predict "$root"
	grep -qx "FATAL='display.headless'" "$root/run/vfio-preflight/predict.env"
	[ -z "$rebind" ]
	# FALLBACK=off goes on with passthrough: the rebind too
	conf 'FALLBACK="off"'
	predict "$root"
	[ "$rebind" = 0000:01:00.0 ]
	conf 'FALLBACK="off"' 'REBIND_BUILTIN="no"'
	predict "$root"
	[ -z "$rebind" ]
	conf 'FALLBACK="off"'
	cp "$root/proc/cmdline" "$BATS_TEST_TMPDIR/cmdline"
	echo "$(cat "$BATS_TEST_TMPDIR/cmdline") vfio_preflight.rescue=1 module_blacklist=vfio_pci" >"$root/proc/cmdline"
	predict "$root"
	[ -z "$rebind" ]
	echo "$(cat "$BATS_TEST_TMPDIR/cmdline") module_blacklist=vfio_pci" >"$root/proc/cmdline"
	predict "$root"
	[ -z "$rebind" ]
}

@test "vfio.binding: after a fallback the card stays on its built-in driver, and the hint says why" {
	nouveau_holds_card
	mkdir -p "$root/run/vfio-preflight"
	echo "inplace display.headless failed: vfio-pci would claim 0000:01:00.0" >"$root/run/vfio-preflight/fallback"
	for phase in check verify; do
		check_json "$root" --phase "$phase"
		assert_level vfio.binding fail
		assert_says vfio.binding hint "This boot fell back (see dmesg | grep 'vfio-preflight: fallback'), so init-top did not rebind 0000:01:00.0"
	done
	# FALLBACK=off went on with passthrough: the rebind ran, and failed
	echo "off display.headless failed: vfio-pci would claim 0000:01:00.0" >"$root/run/vfio-preflight/fallback"
	check_json "$root" --phase verify
	assert_says vfio.binding hint "did not move 0000:01:00.0"
}

# /proc/kallsyms of Debian 12's 6.1.0-57 kernel under QEMU (CONFIG_KALLSYMS_ALL=y), the
# lines for 8250: the initcall symbols name each built-in module's init function
kallsyms_8250() {
	cat >"$root/proc/kallsyms" <<'EOF'
ffffffff950cf06f t serial_pci_driver_init
ffffffff952a9bb0 d __initcall__kmod_8250__327_1250_serial8250_init6
ffffffff952a9bb4 d __initcall__kmod_8250_pci__336_6164_serial_pci_driver_init6
ffffffff952a9e64 d __initcall__kmod_8250__321_690_univ8250_console_initcon
ffffffffc0a01000 t nouveau_drm_init	[nouveau]
EOF
}

@test "initcall_blacklist=: check names a built-in driver's init function from /proc/kallsyms, not from its name" {
	root="$(copy_host guide-single-gpu)"
	d="$root/sys/bus/pci/devices/0000:00:16.0"
	mkdir -p "$root/sys/bus/pci/drivers/serial"
	ln -sfn ../../../../bus/pci/drivers/serial "$d/driver"
	printf 'DRIVER=serial\n' | cat - "$d/uevent" >"$d/uevent.new" && mv "$d/uevent.new" "$d/uevent"
	sed -i 's/ids=10de:2204,10de:1aef/ids=10de:2204,10de:1aef,8086:a360/' "$root/etc/modprobe.d/vfio.conf"
	conf 'REBIND_BUILTIN="no"'
	kallsyms_8250
	check_json "$root"
	assert_says vfio.binding hint "initcall_blacklist=serial_pci_driver_init (8250_pci, from /proc/kallsyms)"
	# the boot phases read no kallsyms (megabytes): they say where the name comes from
	check_json "$root" --phase verify
	assert_says vfio.binding hint "initcall_blacklist= with serial's init function ('vfio-preflight check' names it)"
	# no initcall symbol (a kernel without CONFIG_KALLSYMS_ALL): how to find it, no guess
	grep -v __initcall "$root/proc/kallsyms" >"$root/proc/kallsyms.new" && mv "$root/proc/kallsyms.new" "$root/proc/kallsyms"
	check_json "$root"
	assert_says vfio.binding hint "initcall_blacklist=FN of 8250_pci's __initcall__kmod_8250_pci__N_N_FN6 in /proc/kallsyms"
}

@test "initcall_blacklist=: a built-in GPU driver's init function, for vfio.host-drivers" {
	builtin_nouveau
	printf '%s\n' 'ffffffff952a9bb4 d __initcall__kmod_nouveau__336_1430_nouveau_drm_init6' \
		'ffffffff952a9bb8 d __initcall__kmod_nouveau__337_1431_nouveau_late6s' >"$root/proc/kallsyms"
	check_json "$root"
	assert_level vfio.host-drivers note
	assert_says vfio.host-drivers hint "initcall_blacklist=nouveau_drm_init (nouveau, from /proc/kallsyms) on the kernel command line"
	[[ "$(hint_of vfio.host-drivers)" != *nouveau_late* ]]
}

# The init-top script's decisions, run for real (busybox sh, the script as shipped) in a
# private mount namespace: a tmpfs on /run holding the predict phase's rebind file (and a
# fallback record), a plain-file PCI tree on /sys/bus/pci, a file on /dev/kmsg. Files do not
# rebind anything: what the kernel does is proven under QEMU (tests/boot/run builtin-rebind
# builtin-off builtin-fallback builtin-initcall); here, what the script decides, and that it
# never fails.
SCRIPT="$REPO/initramfs-hooks/scripts/init-top/00-vfio-preflight-rebind"

# fake_pci: 0000:00:03.0 [1b36:0002] bound to serial, vfio-pci loaded (so no modprobe runs)
fake_pci() {
	P="$BATS_TEST_TMPDIR/pci"
	mkdir -p "$P/devices/0000:00:03.0" "$P/drivers/serial" "$P/drivers/vfio-pci"
	ln -s ../../drivers/serial "$P/devices/0000:00:03.0/driver"
	printf 'DRIVER=serial\nPCI_CLASS=70002\nPCI_ID=1B36:0002\n' >"$P/devices/0000:00:03.0/uevent"
	: >"$P/devices/0000:00:03.0/driver_override"
	: >"$P/drivers/serial/unbind"
	: >"$P/drivers_probe"
	KMSG="$BATS_TEST_TMPDIR/kmsg"
	: >"$KMSG"
}

# run_rebind REBIND-FILE-TEXT|- [FALLBACK-TEXT]: the script's exit status in $status
# ("-": no rebind file, as boot predict leaves it when nothing is to be rebound)
run_rebind() {
	[ "$(id -u)" -eq 0 ] || skip "a private mount namespace needs root"
	command -v busybox >/dev/null || skip "busybox not installed"
	rm -f "$BATS_TEST_TMPDIR/rebind"
	[ "$1" = - ] || printf '%s\n' "$1" >"$BATS_TEST_TMPDIR/rebind"
	printf '%s' "${2:-}" >"$BATS_TEST_TMPDIR/fallback"
	# shellcheck disable=SC2016 # expanded by the inner shell
	run unshare -m sh -c 'mount --make-rprivate / && mount -t tmpfs none /run &&
		mkdir -p /run/vfio-preflight &&
		{ [ ! -e "$1/rebind" ] || cp "$1/rebind" /run/vfio-preflight/; } &&
		{ [ ! -s "$1/fallback" ] || cp "$1/fallback" /run/vfio-preflight/; } &&
		mount --bind "$1/pci" /sys/bus/pci && mount --bind "$1/kmsg" /dev/kmsg || exit 99
		busybox sh "$2"' sh "$BATS_TEST_TMPDIR" "$SCRIPT"
	[ "$status" -ne 99 ] || skip "cannot make the mount namespace here"
}

@test "rebind script: each slot gets driver_override, an unbind and a probe; one vfio-pci did not take goes back, logged, exit 0" {
	fake_pci
	run_rebind 0000:00:03.0
	[ "$status" -eq 0 ]
	[ "$(cat "$P/drivers/serial/unbind")" = 0000:00:03.0 ]
	[ "$(cat "$P/drivers_probe")" = 0000:00:03.0 ]
	# the fake device stays on serial: given back, override cleared
	[ "$(cat "$P/devices/0000:00:03.0/driver_override")" = "" ]
	grep -qx '<3>vfio-preflight: rebind: FAIL 0000:00:03.0: vfio-pci did not take it (drivers_probe (vfio-pci already loaded)); given back to serial, boot continues' "$KMSG"
}

@test "rebind script: nothing when the fallback ran (a rebind file left anyway), nothing without one" {
	fake_pci
	run_rebind 0000:00:03.0 "inplace display.headless failed: vfio-pci would claim 0000:00:03.0"
	[ "$status" -eq 0 ]
	[ ! -s "$P/drivers/serial/unbind" ] && [ ! -s "$P/devices/0000:00:03.0/driver_override" ]
	grep -qx '<4>vfio-preflight: rebind: none: this boot falls back (inplace); 0000:00:03.0 stay on their drivers' "$KMSG"
	: >"$KMSG"
	run_rebind -
	[ "$status" -eq 0 ]
	[ ! -s "$KMSG" ] && [ ! -s "$P/drivers/serial/unbind" ]
	run_rebind ""
	[ "$status" -eq 0 ]
	[ ! -s "$KMSG" ] && [ ! -s "$P/drivers/serial/unbind" ]
	# FALLBACK=off goes on with passthrough: the rebind runs
	run_rebind 0000:00:03.0 "off display.headless failed: vfio-pci would claim 0000:00:03.0"
	[ "$(cat "$P/drivers/serial/unbind")" = 0000:00:03.0 ]
}

@test "rebind script: the rebind file is read, never run; a bad slot or an unwritable override is logged, the boot goes on" {
	fake_pci
	run_rebind "\$(touch $BATS_TEST_TMPDIR/ran) ../../x 0000:00:03.0"
	[ "$status" -eq 0 ]
	[ ! -e "$BATS_TEST_TMPDIR/ran" ]
	grep -qx "<3>vfio-preflight: rebind: FAIL '../../x' is no PCI slot, skipped; boot continues" "$KMSG"
	grep -qx "<3>vfio-preflight: rebind: FAIL '\$(touch' is no PCI slot, skipped; boot continues" "$KMSG"
	[ "$(cat "$P/drivers/serial/unbind")" = 0000:00:03.0 ]
	# driver_override that cannot be written: no unbind, the device stays where it is
	: >"$KMSG" && : >"$P/drivers/serial/unbind"
	rm "$P/devices/0000:00:03.0/driver_override" && mkdir "$P/devices/0000:00:03.0/driver_override"
	run_rebind 0000:00:03.0
	[ "$status" -eq 0 ]
	[ ! -s "$P/drivers/serial/unbind" ]
	grep -q '^<3>vfio-preflight: rebind: FAIL 0000:00:03.0: cannot write /sys/bus/pci/devices/0000:00:03.0/driver_override; it stays on serial, boot continues$' "$KMSG"
}
