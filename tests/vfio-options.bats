#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# vfio-pci's configuration read exactly as kmod builds its option string and
# the kernel parses it (issue 10, section 1): each case is one a person
# really writes, on the guide's RTX 3090 host (10de:2204 + audio 10de:1aef).

load test_helper/common

setup() { fixtures_setup; }

set_cmdline() { printf '%s\n' "$2" >"$1/proc/cmdline"; }
BASE="BOOT_IMAGE=/boot/vmlinuz-6.8.12-4-pve root=/dev/mapper/pve-root ro quiet intel_iommu=on iommu=pt"

# a copy of the guide's host with its vfio.conf replaced by $1 (may be empty)
with_conf() {
	root="$(copy_host guide-single-gpu)"
	printf '%s\n' "$1" >"$root/etc/modprobe.d/vfio.conf"
}

# as before vfio-pci loads: no function bound to it yet
unbind() {
	local d
	for d in "$root"/sys/bus/pci/devices/*; do sed -i 's/^DRIVER=vfio-pci$//' "$d/uevent"; done
}

ids_of() { jq -r '.vfio_pci.ids | join(",")' <<<"$output"; }

@test "vfio.options: a whole-quoted command-line word (as GRUB writes a value with a space) is taken" {
	with_conf ""
	set_cmdline "$root" "$BASE \"vfio-pci.ids=10de:2204, 10de:1aef\""
	check_json "$root"
	[ "$(jq -r .vfio_pci.options <<<"$output")" = 'ids="10de:2204, 10de:1aef"' ]
	[ "$(ids_of)" = "10de:2204,10de:1aef" ]
	assert_level vfio.options pass
	assert_level vfio.ids note
	assert_says vfio.ids message "' 10de:1aef' (read as 10de:1aef)"
	assert_says vfio.ids hint "/etc/default/grub"
}

@test "vfio.ids: '10de:2204;10de:1aef' claims 10de:2204 as the kernel's sscanf does, and WARNs that 1aef is lost" {
	with_conf "options vfio-pci ids=10de:2204;10de:1aef"
	check_json "$root"
	[ "$(ids_of)" = "10de:2204" ]
	assert_level vfio.ids warn
	assert_says vfio.ids message "'10de:2204;10de:1aef' (read as 10de:2204, the rest ignored)"
	[ "$(jq -r '.devices[] | select(.slot == "0000:01:00.0") | .claimed' <<<"$output")" = true ]
}

@test "vfio.ids: 0x prefixes, a trailing ')' or ':' and more than six fields are claimed, with a NOTE" {
	with_conf "options vfio-pci ids=0x10de:0x2204,10de:1aef),10de:2204:,10de:1aef:ffffffff:ffffffff:0:0:7"
	check_json "$root"
	[ "$(ids_of)" = "10de:2204,10de:1aef,10de:2204,10de:1aef:ffffffff:ffffffff:000000:000000" ]
	assert_level vfio.ids warn	# the seventh field's digit is never read
	assert_says vfio.ids message "'0x10de:0x2204' (read as 10de:2204)"
	assert_says vfio.ids message "'10de:1aef)' (read as 10de:1aef)"
}

@test "vfio.ids: an empty entry (trailing comma) is skipped as the kernel skips it, not malformed" {
	with_conf "options vfio-pci ids=10de:2204,10de:1aef,"
	check_json "$root"
	assert_level vfio.ids pass
}

@test "vfio.options: FAIL 'will not load' on an invalid bool, naming the word and file:line; nothing is claimed" {
	with_conf $'# guide step 4\noptions vfio-pci ids=10de:2204,10de:1aef disable_vga=ja'
	unbind
	check_json "$root" --phase predict
	assert_level vfio.options fail
	assert_says vfio.options message "vfio-pci will not load: 'disable_vga=ja' (/etc/modprobe.d/vfio.conf:2)"
	assert_says vfio.options hint "disable_vga=1"
	assert_level vfio.ids fail
	[ "$(jq -r .vfio_pci.loads <<<"$output")" = false ]
	[ "$(jq '[.devices[] | select(.claimed)] | length' <<<"$output")" -eq 0 ]
}

@test "vfio.options: disable_idle_d3=2 refuses too; yes/on/true and a bare bool load" {
	with_conf "options vfio-pci ids=10de:2204,10de:1aef disable_idle_d3=2"
	check_json "$root"
	assert_level vfio.options fail
	assert_says vfio.options message "'disable_idle_d3=2'"
	printf '%s\n' "options vfio-pci ids=10de:2204,10de:1aef disable_idle_d3=yes disable-vga=on nointxmask enable_sriov=true" \
		>"$root/etc/modprobe.d/vfio.conf"
	check_json "$root"
	assert_level vfio.options pass
	assert_level vfio.ids pass
}

# found by tests/kernel-differential.bats: the real 6.1 vfio-pci.ko refused it
@test "vfio.options: 'enable'/'disable' are refused before Linux 6.16 (kstrtobool took e/d only then), taken after" {
	with_conf "options vfio-pci ids=10de:2204,10de:1aef disable_vga=enable"
	check_json "$root" # the guide's kernel is 6.8.12-4-pve
	assert_level vfio.options fail
	assert_says vfio.options message "'disable_vga=enable' (/etc/modprobe.d/vfio.conf:1) is not a boolean for this kernel (enable/disable need Linux 6.16"
	[ "$(jq -r .vfio_pci.loads <<<"$output")" = false ]
	printf '6.1.0-57-amd64\n' >"$root/proc/sys/kernel/osrelease"
	printf '%s\n' "options vfio-pci ids=10de:2204,10de:1aef disable_idle_d3=disable" >"$root/etc/modprobe.d/vfio.conf"
	check_json "$root"
	assert_level vfio.options fail
	printf '6.17.2-1-pve\n' >"$root/proc/sys/kernel/osrelease"
	check_json "$root"
	assert_level vfio.options pass
	[ "$(jq -r .vfio_pci.loads <<<"$output")" = true ]
}

@test "vfio.ids: an entry's subvendor (3 fields) and class (5 fields) are shown as the kernel reads them" {
	with_conf "options vfio-pci ids=10de:2204:1458,10de:1aef:1458:403b:040300"
	check_json "$root"
	[ "$(ids_of)" = "10de:2204:1458,10de:1aef:1458:403b:040300" ]
}

@test "vfio.options: ids without '=' is a string parameter without a value: FAIL" {
	with_conf "options vfio-pci ids"
	check_json "$root"
	assert_level vfio.options fail
	assert_says vfio.options message "'ids' (/etc/modprobe.d/vfio.conf:1) is a string parameter without '='"
}

@test "vfio.options: an invalid bool on the command line names the command line and the boot loader's file" {
	with_conf "options vfio-pci ids=10de:2204,10de:1aef"
	set_cmdline "$root" "$BASE vfio-pci.disable_vga=ja"
	check_json "$root"
	assert_level vfio.options fail
	assert_says vfio.options message "(the kernel command line)"
	assert_says vfio.options hint "/etc/default/grub"
}

@test "modprobe.d: a backslash inside a line is dropped as kmod drops it" {
	with_conf 'options vfio-pci ids=10de:22\04,10de:1aef'
	check_json "$root"
	[ "$(jq -r .vfio_pci.options <<<"$output")" = "ids=10de:2204,10de:1aef" ]
	assert_level vfio.ids pass
}

@test "modprobe.d: a line continued with a backslash joins the next, an escaped backslash does not" {
	with_conf $'options vfio-pci ids=10de:2204,\\\n10de:1aef'
	check_json "$root"
	[ "$(jq -r .vfio_pci.options <<<"$output")" = "ids=10de:2204,10de:1aef" ]
	printf '%s\n' 'options vfio-pci ids=10de:2204 disable_vga=1\\' 'options vfio-pci ids=10de:2204,10de:1aef' \
		>"$root/etc/modprobe.d/vfio.conf"
	check_json "$root"
	[ "$(jq -r .vfio_pci.options <<<"$output")" = 'ids=10de:2204 disable_vga=1\ ids=10de:2204,10de:1aef' ]
}

@test "cmdline: an unclosed quote makes kmod drop the parameter" {
	with_conf ""
	unbind
	set_cmdline "$root" "$BASE vfio-pci.ids=\"10de:2204,10de:1aef"
	check_json "$root"
	[ "$(jq -r .vfio_pci.options <<<"$output")" = "" ]
	assert_level vfio.ids note
}

@test "vfio.options: a bare '--' in the options ends them, the command line's ids after it included" {
	with_conf "options vfio-pci ids=10de:2204 --"
	set_cmdline "$root" "$BASE vfio-pci.ids=10de:2204,10de:1aef"
	check_json "$root"
	assert_level vfio.options warn
	assert_says vfio.options message "ids= included"
	[ "$(ids_of)" = "10de:2204" ]
}

@test "cmdline: vfio-pci.ids= after a bare '--' still reaches a modular vfio-pci (kmod reads on)" {
	with_conf ""
	set_cmdline "$root" "$BASE -- vfio-pci.ids=10de:2204,10de:1aef"
	check_json "$root"
	[ "$(ids_of)" = "10de:2204,10de:1aef" ]
	assert_level vfio.ids pass
}

@test "cmdline: vfio-pci.ids= after a bare '--' does not reach a built-in vfio-pci" {
	with_conf ""
	rm -f "$root/sys/module/vfio_pci/initstate"
	echo "kernel/drivers/vfio/pci/vfio-pci.ko" >>"$root"/lib/modules/*/modules.builtin
	set_cmdline "$root" "$BASE -- vfio-pci.ids=10de:2204,10de:1aef"
	check_json "$root"
	[ "$(ids_of)" = "" ]
	set_cmdline "$root" "$BASE vfio-pci.ids=10de:2204,10de:1aef --"
	check_json "$root"
	[ "$(ids_of)" = "10de:2204,10de:1aef" ]
}

@test "modprobe.d: a quoted \"ids=...\" word is read as the kernel reads it" {
	with_conf 'options vfio-pci "ids=10de:2204,10de:1aef" disable_vga=1'
	check_json "$root"
	[ "$(ids_of)" = "10de:2204,10de:1aef" ]
	assert_level vfio.ids pass
}

@test "modprobe.d: *.alias files are read like *.conf, and a name in /etc hides the same name in /lib" {
	with_conf ""
	printf '%s\n' "options vfio-pci ids=10de:2204,10de:1aef" >"$root/etc/modprobe.d/vfio.alias"
	mkdir -p "$root/lib/modprobe.d"
	printf '%s\n' "options vfio-pci ids=dead:beef" >"$root/lib/modprobe.d/vfio.alias"
	check_json "$root"
	[ "$(ids_of)" = "10de:2204,10de:1aef" ]
	[ "$(jq -r .vfio_pci.options <<<"$output")" = "ids=10de:2204,10de:1aef" ]
}

@test "modprobe.d: Debian's kmod 30 does not read /usr/lib/modprobe.d, kmod 34 (Debian 13) does, before /lib" {
	with_conf ""
	mkdir -p "$root/usr/lib/modprobe.d" "$root/lib/modprobe.d" "$root/var/lib/dpkg"
	echo "options vfio-pci ids=10de:2204,10de:1aef" >"$root/usr/lib/modprobe.d/vfio.conf"
	echo "options vfio-pci ids=10de:2204" >"$root/lib/modprobe.d/vfio.conf"
	rm "$root/etc/modprobe.d/vfio.conf"
	printf 'Package: kmod\nStatus: install ok installed\nVersion: 30+20221128-1\n\n' >"$root/var/lib/dpkg/status"
	check_json "$root"
	[ "$(ids_of)" = "10de:2204" ]
	printf 'Package: kmod\nStatus: install ok installed\nVersion: 34.2-2\n\n' >"$root/var/lib/dpkg/status"
	check_json "$root"
	[ "$(ids_of)" = "10de:2204,10de:1aef" ]
}

@test "vfio.options: PASS shows the string vfio-pci loads with (modprobe.d, then the command line)" {
	with_conf "options vfio-pci ids=10de:2204 disable_vga=1"
	set_cmdline "$root" "$BASE vfio_pci.ids=10de:2204,10de:1aef"
	check_json "$root"
	assert_level vfio.options pass
	assert_says vfio.options message "'ids=10de:2204 disable_vga=1 ids=10de:2204,10de:1aef'"
	[ "$(ids_of)" = "10de:2204,10de:1aef" ]
}

@test "modprobe.d: kmod 33 and later (Debian 13's 34) no longer read *.alias files" {
	with_conf ""
	printf '%s\n' "options vfio-pci ids=10de:2204,10de:1aef" >"$root/etc/modprobe.d/vfio.alias"
	mkdir -p "$root/var/lib/dpkg"
	printf 'Package: kmod\nStatus: install ok installed\nVersion: 34.2-2\n\n' >"$root/var/lib/dpkg/status"
	check_json "$root"
	[ "$(ids_of)" = "" ]
	printf 'Package: kmod\nStatus: install ok installed\nVersion: 30+20221128-1\n\n' >"$root/var/lib/dpkg/status"
	check_json "$root"
	[ "$(ids_of)" = "10de:2204,10de:1aef" ]
}

# found by tests/kernel-differential.bats: the real vfio-pci logged "probe of
# 0000:00:02.0 failed with error -22" for QEMU's pci-bridge its ids matched
@test "vfio.ids: a PCI bridge the ids match is not claimed (vfio-pci's probe refuses a type 1 header): WARN naming it" {
	with_conf "options vfio-pci ids=10de:2204,10de:1aef,8086:1901"
	unbind
	check_json "$root" --phase predict
	[ "$(jq -r '.devices[] | select(.slot == "0000:00:01.0") | .claimed' <<<"$output")" = false ]
	# the GPU's config space has the multi-function bit (0x80) in its header type: still type 0
	[ "$(jq -r '.devices[] | select(.slot == "0000:01:00.0") | .claimed' <<<"$output")" = true ]
	assert_level vfio.ids warn
	assert_says vfio.ids message "match 0000:00:01.0 [8086:1901], a PCI bridge: vfio-pci refuses a bridge (\"probe of 0000:00:01.0 failed with error -22\")"
	assert_says vfio.ids hint "remove its ID from /etc/modprobe.d/vfio.conf:1"
	# without config space, the class says it: 0604 is a bridge
	rm "$root/sys/bus/pci/devices/0000:00:01.0/config"
	with_conf "options vfio-pci ids=8086:1901,10de:2204,10de:1aef"
	unbind
	check_json "$root" --phase predict
	[ "$(jq -r '.devices[] | select(.slot == "0000:00:01.0") | .claimed' <<<"$output")" = false ]
	assert_level vfio.ids warn
}

# found by tests/kernel-differential.bats with the guest's driver_override set
@test "driver_override: it binds only the driver of exactly that name, ids or not, and nothing when vfio-pci will not load" {
	with_conf "options vfio-pci ids=10de:2204,10de:1aef"
	unbind
	local gpu="$root/sys/bus/pci/devices/0000:01:00.0"
	claimed() { jq -r --arg s "$1" '.devices[] | select(.slot == $s) | .claimed' <<<"$output"; }
	rm -f "$gpu/driver"
	echo pci-stub >"$gpu/driver_override"
	check_json "$root"
	[ "$(claimed 0000:01:00.0)" = false ] # the ids match, the override names another driver
	[ "$(claimed 0000:01:00.1)" = true ]
	echo vfio_pci >"$gpu/driver_override" # modprobe's spelling is not the driver's name
	check_json "$root"
	[ "$(claimed 0000:01:00.0)" = false ]
	echo vfio-pci >"$gpu/driver_override"
	with_conf ""
	unbind
	check_json "$root"
	[ "$(claimed 0000:01:00.0)" = true ] # no ids at all
	with_conf "options vfio-pci disable_vga=ja"
	unbind
	check_json "$root"
	[ "$(claimed 0000:01:00.0)" = false ] # vfio-pci never loads
}
