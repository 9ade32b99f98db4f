#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The fake root trees built by tests/mkfixture from tests/hosts/*.host must read like the
# kernel's own sysfs/procfs: lspci (a reader we did not write) must see exactly the
# described machine, and every file and link must agree with every other.

bats_require_minimum_version 1.5.0

MKFIXTURE="$BATS_TEST_DIRNAME/mkfixture"
HOSTS="$BATS_TEST_DIRNAME/hosts"

setup_file() {
    # A full build is ~130k inodes.  Build on tmpfs where there is one: on ext4, creating
    # that many inodes soon after deleting as many is many times slower.
    if [ -d /dev/shm ] && [ -w /dev/shm ]; then
        FIXTURE_BASE=$(mktemp -d /dev/shm/vfio-preflight-fixtures.XXXXXX)
    else
        FIXTURE_BASE="$BATS_FILE_TMPDIR"
    fi
    export FIXTURE_BASE TREES="$FIXTURE_BASE/trees"
    local rc=0
    "$MKFIXTURE" --all "$TREES" >"$FIXTURE_BASE/build.log" 2>&1 || rc=$?
    echo "$rc" >"$FIXTURE_BASE/build.rc"
}

teardown_file() {
    case "$FIXTURE_BASE" in
        /dev/shm/vfio-preflight-fixtures.*) rm -rf "$FIXTURE_BASE" ;;
    esac
}

host_names() {
    local f
    for f in "$HOSTS"/*.host; do basename "$f" .host; done
}

lspci_tree() {  # lspci_tree TREE ARGS... (libkmod's complaint about the build host on stderr)
    run -0 --separate-stderr lspci -A linux-sysfs -O "sysfs.path=$1/sys/bus/pci" "${@:2}"
}

# "SLOT CLASS VVVV:DDDD DRIVER" for each dev line of a description (DRIVER "-": unbound).
described_devs() {
    awk '
        /^dev / {
            slot = tolower($2)
            if (split(slot, part, ":") == 2) slot = "0000:" slot
            cls = "?"; drv = "-"
            for (i = 4; i <= NF && $i !~ /^#/; i++) {
                if ($i ~ /^class=/) cls = substr($i, 7, 4)
                if ($i ~ /^driver=/) drv = substr($i, 8)
            }
            print slot, tolower(cls), tolower($3), drv
        }' "$1" | sort
}

# "CLASS VVVV:DDDD DRIVER COUNT" for each kind of VF the sriov lines ask for.
described_vfs() {
    awk '
        function norm(s) { s = tolower(s); if (split(s, part, ":") == 2) s = "0000:" s; return s }
        FNR == NR && /^dev / {
            for (i = 4; i <= NF; i++) if ($i ~ /^class=/) cls[norm($2)] = tolower(substr($i, 7, 4))
            next
        }
        FNR != NR && /^sriov / {
            drv = "-"
            for (i = 3; i <= NF && $i !~ /^#/; i++) {
                if ($i ~ /^count=/) count = substr($i, 7)
                if ($i ~ /^vf=/) vf = tolower(substr($i, 4))
                if ($i ~ /^driver=/) drv = substr($i, 8)
            }
            n[cls[norm($2)] " " vf " " drv] += count
        }
        END { for (k in n) print k, n[k] }' "$1" "$1" | sort
}

# The same "SLOT CLASS VVVV:DDDD DRIVER" shape from `lspci -nnkD` output on stdin.
listed_devs() {
    awk '
        BEGIN {
            h = "[0-9a-f][0-9a-f]"; h4 = h h
            start = "^" h4 ":" h ":"; class_re = "\\[" h4 "\\]:"; id_re = "\\[" h4 ":" h4 "\\]"
        }
        function flush() { if (slot != "") print slot, cls, ids, drv }
        $0 ~ start {
            flush()
            slot = $1; drv = "-"; ids = "?"
            cls = match($0, class_re) ? substr($0, RSTART + 1, 4) : "?"
            rest = $0
            while (match(rest, id_re)) {
                ids = substr(rest, RSTART + 1, 9); rest = substr(rest, RSTART + RLENGTH)
            }
            next
        }
        /^\tKernel driver in use: / { drv = $NF }
        END { flush() }' | sort
}

# check_uevents DEVICES-DIR DRIVER-LINKS SLOTS: rebuilds each device's uevent and modalias
# from its attribute files and driver link (DRIVER-LINKS: "DIR TARGET" lines); prints each
# disagreement, then "N checked".
check_uevents() {
    awk -v dir="$1" -v drivers="$2" '
        function line(f,   l) { l = ""; getline l < f; close(f); return l }
        function whole(f,   l, s) { s = ""; while ((getline l < f) > 0) s = s l "\n"; close(f); return s }
        function hex(f) { return toupper(substr(line(f), 3)) }
        BEGIN {
            while ((getline l < drivers) > 0) {
                split(l, a, " "); n = split(a[1], p, "/"); m = split(a[2], q, "/")
                drv[p[n]] = q[m]
            }
        }
        {
            d = dir "/" $1
            v = hex(d "/vendor"); dv = hex(d "/device")
            sv = hex(d "/subsystem_vendor"); sd = hex(d "/subsystem_device")
            c = hex(d "/class"); pc = c
            while (length(pc) > 4 && substr(pc, 1, 1) == "0") pc = substr(pc, 2)
            alias = "pci:v0000" v "d0000" dv "sv0000" sv "sd0000" sd \
                    "bc" substr(c, 1, 2) "sc" substr(c, 3, 2) "i" substr(c, 5, 2)
            want = ($1 in drv ? "DRIVER=" drv[$1] "\n" : "") "PCI_CLASS=" pc "\n" \
                   "PCI_ID=" v ":" dv "\n" "PCI_SUBSYS_ID=" sv ":" sd "\n" \
                   "PCI_SLOT_NAME=" $1 "\n" "MODALIAS=" alias "\n"
            if (whole(d "/uevent") != want) print $1 ": uevent disagrees"
            if (line(d "/modalias") != alias) print $1 ": modalias disagrees"
            checked++
        }
        END { print checked " checked" }' "$3"
}

@test "every host description builds into its own tree" {
    local rc host
    rc=$(cat "$FIXTURE_BASE/build.rc")
    [ "$rc" -eq 0 ] || { cat "$FIXTURE_BASE/build.log"; false; }
    for host in $(host_names); do
        [ -d "$TREES/$host/sys/bus/pci/devices" ] || { echo "no tree for $host"; false; }
    done
    local trees=("$TREES"/*)
    [ "${#trees[@]}" -eq "$(host_names | wc -l)" ]
}

@test "one host builds alone into a new directory and refuses a non-empty one" {
    local out="$BATS_TEST_TMPDIR/one"
    run -0 "$MKFIXTURE" "$HOSTS/guide-single-gpu.host" "$out"
    [ -z "$output" ]
    [ "$(cat "$out/proc/sys/kernel/osrelease")" = "6.8.12-4-pve" ]
    run -2 "$MKFIXTURE" "$HOSTS/guide-single-gpu.host" "$out"
    [[ "$output" == *"$out exists and is not empty"* ]]
    mkdir "$BATS_TEST_TMPDIR/empty"
    run -0 "$MKFIXTURE" "$HOSTS/guide-typo.host" "$BATS_TEST_TMPDIR/empty"
}

@test "usage errors exit 2 with the usage line" {
    run -2 "$MKFIXTURE"
    [[ "$output" == *"usage: mkfixture HOSTFILE OUTDIR"* ]]
    run -2 "$MKFIXTURE" --all
    run -2 "$MKFIXTURE" --bogus "$BATS_TEST_TMPDIR/x"
    run -2 "$MKFIXTURE" "$HOSTS/no-such-host.host" "$BATS_TEST_TMPDIR/x"
    [[ "$output" == *"no-such-host.host: no such host description"* ]]
    [ ! -e "$BATS_TEST_TMPDIR/x" ]
}

@test "lspci lists exactly the described devices, with their IDs, classes and drivers" {
    local host described listed
    for host in $(host_names); do
        lspci_tree "$TREES/$host" -nnkD
        listed=$(listed_devs <<<"$output")
        described=$(described_devs "$HOSTS/$host.host")
        # dev lines: each listed once, with the right class, IDs and driver
        diff -u <(echo "$described") \
            <(awk 'NR == FNR { want[$1]; next } $1 in want' <(echo "$described") <(echo "$listed")) ||
            { echo "in $host"; false; }
        # everything else lspci lists must be the VFs the sriov lines ask for
        diff -u <(described_vfs "$HOSTS/$host.host") \
            <(awk 'NR == FNR { want[$1]; next } !($1 in want) { print $2, $3, $4 }' \
                <(echo "$described") <(echo "$listed") | sort | uniq -c |
                awk '{ print $2, $3, $4, $1 }' | sort) ||
            { echo "VFs of $host"; false; }
    done
}

@test "sriov-4096 has 4096 PCI functions and bench-512 has 512" {
    lspci_tree "$TREES/sriov-4096" -D
    [ "${#lines[@]}" -eq 4096 ]
    lspci_tree "$TREES/bench-512" -D
    [ "${#lines[@]}" -eq 512 ]
}

@test "lspci sees the bridge hierarchy: VFs under their PF's bridge, bus ranges covering them" {
    lspci_tree "$TREES/sriov-4096" -t
    [[ "$output" == *"-[0000:17]---00.0-[18-27]--+-00.0"* ]]
    lspci_tree "$TREES/sriov-4096" -s 27:1f.7 -nn
    [[ "$output" == "27:1f.7 Ethernet controller [0200]: "*"[8086:154c]"* ]]
}

@test "uevent agrees with vendor, device, subsystem, class and the driver link of every device" {
    local host tree
    for host in $(host_names); do
        tree="$TREES/$host"
        find "$tree/sys/devices" -name driver -type l -printf '%h %l\n' >"$BATS_TEST_TMPDIR/drivers"
        ls "$tree/sys/bus/pci/devices" >"$BATS_TEST_TMPDIR/slots"
        run -0 check_uevents "$tree/sys/bus/pci/devices" "$BATS_TEST_TMPDIR/drivers" \
            "$BATS_TEST_TMPDIR/slots"
        [ "${#lines[@]}" -eq 1 ] || { echo "in $host"; false; }
        [ "${lines[0]}" = "$(wc -l <"$BATS_TEST_TMPDIR/slots") checked" ]
    done
}

@test "every symlink is relative and resolves inside its own tree" {
    local host tree
    for host in $(host_names); do
        tree=$(realpath "$TREES/$host")
        run -0 find "$tree" -type l -lname '/*'
        [ -z "$output" ] || { echo "absolute links in $host"; false; }
        # realpath -e fails on a dangling link; every target must lie inside the tree
        find "$tree" -type l -print0 | xargs -0 realpath -e -- >"$BATS_TEST_TMPDIR/targets"
        [ -s "$BATS_TEST_TMPDIR/targets" ]
        run -1 grep -v "^$tree/" "$BATS_TEST_TMPDIR/targets"
    done
}

@test "driver and iommu_group links agree with the driver and group directories" {
    local tree="$TREES/two-nvidia" dev
    for dev in "$tree"/sys/bus/pci/devices/*; do
        if [ -L "$dev/driver" ]; then
            [ "$(realpath "$dev/driver/${dev##*/}")" = "$(realpath "$dev")" ]
        fi
        if [ -L "$dev/iommu_group" ]; then
            [ "$(realpath "$dev/iommu_group/devices/${dev##*/}")" = "$(realpath "$dev")" ]
        fi
    done
    run -0 ls "$tree/sys/kernel/iommu_groups/16/devices"
    [ "${lines[*]}" = "0000:0a:00.0 0000:0a:00.1 0000:0a:00.2 0000:0a:00.3" ]
    [ "$(readlink "$tree/sys/bus/pci/devices/0000:0b:00.0/driver")" = \
      "../../../../bus/pci/drivers/nouveau" ]
}

@test "root complexes and IOMMU functions on EPYC have no group, everything else does" {
    local tree="$TREES/epyc-aspeed" bus
    for bus in 00 20 40 60; do
        [ ! -e "$tree/sys/bus/pci/devices/0000:$bus:00.0/iommu_group" ]
        [ ! -e "$tree/sys/bus/pci/devices/0000:$bus:00.2/iommu_group" ]
    done
    [ -L "$tree/sys/bus/pci/devices/0000:41:00.0/iommu_group" ]
    run -0 ls "$tree/sys/class/iommu"
    [ "${lines[*]}" = "ivhd0 ivhd1 ivhd2 ivhd3" ]
    [ "$(readlink "$tree/sys/bus/pci/devices/0000:41:00.0/iommu")" = "../../../virtual/iommu/ivhd2" ]
}

@test "iommu off: the group and unit directories exist and are empty" {
    local host
    for host in iommu-off-firmware iommu-off-kernel; do
        run -0 ls -A "$TREES/$host/sys/kernel/iommu_groups" "$TREES/$host/sys/class/iommu"
        [ "${#lines[@]}" -eq 2 ]   # the two "DIR:" headers, no entries
    done
    [ -e "$TREES/iommu-off-kernel/sys/firmware/acpi/tables/DMAR" ]
    run -0 ls -A "$TREES/iommu-off-firmware/sys/firmware/acpi/tables"
    [ -z "$output" ]
}

@test "ACPI DMAR and IVRS tables start with their signature and have a valid checksum" {
    local table sum
    for table in "$TREES/guide-single-gpu/sys/firmware/acpi/tables/DMAR" \
                 "$TREES/epyc-aspeed/sys/firmware/acpi/tables/IVRS"; do
        [ "$(head -c 4 "$table")" = "${table##*/}" ]
        sum=$(od -An -v -tu1 "$table" | awk '{ for (i = 1; i <= NF; i++) s += $i } END { print s % 256 }')
        [ "$sum" -eq 0 ]
        [ "$(stat -c %s "$table")" -ge 48 ]
    done
}

@test "boot_vga exists only on VGA devices, and at most one device is the boot display" {
    local host dev class boot ones
    for host in $(host_names); do
        ones=0
        for dev in "$TREES/$host"/sys/bus/pci/devices/*; do
            read -r class <"$dev/class"
            if [[ "$class" == 0x0300* ]]; then
                [ -e "$dev/boot_vga" ] || { echo "$dev: no boot_vga"; false; }
                read -r boot <"$dev/boot_vga"
                [ "$boot" = 0 ] || ones=$((ones + 1))
            else
                [ ! -e "$dev/boot_vga" ] || { echo "$dev: boot_vga on $class"; false; }
            fi
        done
        [ "$ones" -le 1 ]
    done
    [ "$(cat "$TREES/guide-single-gpu/sys/bus/pci/devices/0000:01:00.0/boot_vga")" = 1 ]
}

@test "driver_override reads (null) and reset_method exists only where a method is described" {
    local dev="$TREES/guide-single-gpu/sys/bus/pci/devices"
    [ "$(cat "$dev/0000:01:00.0/driver_override")" = "(null)" ]
    [ "$(cat "$dev/0000:01:00.0/reset_method")" = "bus" ]
    [ "$(cat "$dev/0000:01:00.1/reset_method")" = "flr" ]
    [ ! -e "$TREES/no-reset/sys/bus/pci/devices/0000:03:00.0/reset_method" ]
    [ ! -e "$TREES/no-reset/sys/bus/pci/devices/0000:03:00.0/reset" ]
}

@test "modules: bound drivers are loaded, the rest only in modules.dep, vfio-pci ids never shown" {
    local tree="$TREES/guide-single-gpu" dep
    [ "$(cat "$tree/sys/module/vfio_pci/initstate")" = live ]
    [ "$(cat "$tree/sys/module/vfio_pci/parameters/disable_vga")" = Y ]
    [ ! -e "$tree/sys/module/vfio_pci/parameters/ids" ]
    [ -L "$tree/sys/module/vfio_pci_core/holders/vfio_pci" ]
    [ ! -e "$tree/sys/module/nouveau" ]
    dep="$tree/lib/modules/6.8.12-4-pve/modules.dep"
    grep -qx 'kernel/drivers/vfio/pci/vfio-pci.ko: kernel/drivers/vfio/pci/vfio-pci-core.ko kernel/virt/lib/irqbypass.ko kernel/drivers/vfio/vfio.ko' "$dep"
    grep -q '^kernel/drivers/gpu/drm/nouveau/nouveau.ko: ' "$dep"
    grep -q '^kernel/drivers/gpu/drm/drm.ko:' "$dep"   # dependencies have lines of their own
    [ "$(cat "$TREES/unsafe-interrupts/sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts")" = Y ]
}

@test "a built-in module has a sys/module directory without initstate and a modules.builtin line" {
    local host="$BATS_TEST_TMPDIR/builtin.host" out="$BATS_TEST_TMPDIR/builtin"
    printf '%s\n' 'kernel 6.1.0-18-amd64' 'cmdline ro' 'acpi DMAR' 'iommu on' \
        'module vfio_pci builtin' \
        'dev 01:00.0 10de:2204 class=030000 group=1 driver=vfio-pci' >"$host"
    run -0 "$MKFIXTURE" "$host" "$out"
    [ -d "$out/sys/module/vfio_pci" ]
    [ ! -e "$out/sys/module/vfio_pci/initstate" ]
    grep -qx 'kernel/drivers/vfio/pci/vfio-pci.ko' "$out/lib/modules/6.1.0-18-amd64/modules.builtin"
    grep -qx 'kernel/drivers/vfio/vfio.ko' "$out/lib/modules/6.1.0-18-amd64/modules.builtin"
    run -1 grep 'vfio-pci.ko:' "$out/lib/modules/6.1.0-18-amd64/modules.dep"
    [ "$(readlink "$out/sys/bus/pci/drivers/vfio-pci/module")" = "../../../../module/vfio_pci" ]
}

@test "interrupt chips follow remapping: IR- with it, plain IO-APIC and PCI-MSI without" {
    run -0 grep -c 'IR-IO-APIC' "$TREES/guide-single-gpu/proc/interrupts"
    run -0 grep -c 'IR-PCI-MSI-0000:00:14.0 ' "$TREES/guide-single-gpu/proc/interrupts"
    run -0 grep -c ' PCI-MSI 1572864-edge ' "$TREES/unsafe-interrupts/proc/interrupts"
    run -1 grep 'IR-' "$TREES/unsafe-interrupts/proc/interrupts"
    run -0 grep -c ' IO-APIC ' "$TREES/unsafe-interrupts/proc/interrupts"
}

@test "SR-IOV: VFs link to their PF, the PF lists them, and each VF has a group of its own" {
    local dev="$TREES/sriov-4096/sys/bus/pci/devices"
    [ "$(cat "$dev/0000:18:00.0/sriov_numvfs")" = 4080 ]
    [ "$(realpath "$dev/0000:18:00.0/virtfn0")" = "$(realpath "$dev/0000:18:02.0")" ]
    [ "$(realpath "$dev/0000:27:1f.7/physfn")" = "$(realpath "$dev/0000:18:00.0")" ]
    [ "$(readlink "$dev/0000:27:1f.7/physfn")" = "../0000:18:00.0" ]
    run -0 ls "$dev/0000:27:1f.7/iommu_group/devices"
    [ "$output" = "0000:27:1f.7" ]
    [ "$(cat "$dev/0000:27:1f.7/reset_method")" = flr ]
    local groups=("$TREES/sriov-4096"/sys/kernel/iommu_groups/*)
    [ "${#groups[@]}" -eq $((13 + 4080)) ]
}

@test "proc and file blocks carry the description's text" {
    local tree="$TREES/guide-single-gpu"
    [ "$(tail -c 1 "$tree/proc/cmdline" | od -An -c | tr -d ' ')" = '\n' ]
    grep -qx 'BOOT_IMAGE=/boot/vmlinuz-6.8.12-4-pve root=/dev/mapper/pve-root ro quiet intel_iommu=on iommu=pt' \
        "$tree/proc/cmdline"
    printf '%s\n' 'options vfio-pci ids=10de:2204,10de:1aef disable_vga=1' |
        cmp - "$tree/etc/modprobe.d/vfio.conf"
    [ ! -e "$tree/dev/kmsg" ]
}

# --- bad descriptions: exit 2, naming FILE:LINE -------------------------------------------

HEADER='kernel 6.1.0-18-amd64
cmdline ro quiet
acpi DMAR
iommu on'

refused_at() {  # refused_at LINE MESSAGE, description on stdin
    local file="$BATS_TEST_TMPDIR/bad.host"
    cat >"$file"
    run -2 "$MKFIXTURE" "$file" "$BATS_TEST_TMPDIR/out"
    [[ "$output" == "mkfixture: $file:$1: "*"$2"* ]] || { echo "wanted line $1: $2"; false; }
    [ ! -e "$BATS_TEST_TMPDIR/out" ]
}

@test "bad description: an unknown keyword names its line" {
    refused_at 5 "unknown keyword 'gpu'" <<<"$HEADER
gpu 01:00.0"
}

@test "bad description: an unknown dev attribute names its line" {
    refused_at 6 "unknown attribute 'colour='" <<<"$HEADER
# the iGPU
dev 00:02.0 8086:3e92 class=030000 colour=blue"
}

@test "bad description: IDs and classes must be hex of the right width" {
    refused_at 5 "bad vendor:device id '8086:3eg2'" <<<"$HEADER
dev 00:02.0 8086:3eg2 class=030000"
    refused_at 5 "bad class '0300'" <<<"$HEADER
dev 00:02.0 8086:3e92 class=0300"
    refused_at 5 "bad slot '00:02'" <<<"$HEADER
dev 00:02 8086:3e92 class=030000"
}

@test "bad description: parent must exist and be a PCI bridge" {
    refused_at 5 "parent 0000:00:01.0 is not described" <<<"$HEADER
dev 01:00.0 10de:2204 class=030000 parent=00:01.0"
    refused_at 6 "parent 0000:00:00.0 is not a PCI bridge" <<<"$HEADER
dev 00:00.0 8086:3e30 class=060000
dev 01:00.0 10de:2204 class=030000 parent=00:00.0"
}

@test "bad description: a device behind a bridge without parent= is refused" {
    refused_at 6 "add parent=00:01.0" <<<"$HEADER
dev 00:01.0 8086:1901 class=060400
dev 01:00.1 10de:1aef class=040300
dev 01:00.0 10de:2204 class=030000 parent=00:01.0"
}

@test "bad description: boot_vga only on VGA devices, and only one boot display" {
    refused_at 5 "boot_vga= is only valid for VGA devices" <<<"$HEADER
dev 01:00.1 10de:1aef class=040300 boot_vga=1"
    refused_at 6 "boot_vga=1 already given to 0000:00:02.0 (line 5)" <<<"$HEADER
dev 00:02.0 8086:3e92 class=030000 boot_vga=1
dev 01:00.0 10de:2204 class=030000 boot_vga=1"
}

@test "bad description: group= with the IOMMU off, and iommu on without a table" {
    refused_at 5 "group= given but the host says 'iommu off'" <<'EOF'
kernel 6.1.0-18-amd64
cmdline ro
acpi DMAR
iommu off
dev 00:02.0 8086:3e92 class=030000 group=1
EOF
    refused_at 4 "'iommu on' needs a DMAR or IVRS table" <<'EOF'
kernel 6.1.0-18-amd64
cmdline ro
acpi none
iommu on
EOF
}

@test "bad description: a file block must be indented and closed" {
    refused_at 6 "file content must be indented by two spaces" <<<"$HEADER
file /etc/modprobe.d/vfio.conf
options vfio-pci ids=10de:2204
end"
    refused_at 5 "file block is not closed" <<<"$HEADER
file /etc/modprobe.d/vfio.conf
  options vfio-pci ids=10de:2204"
    refused_at 5 "expected: file /ABSOLUTE/PATH" <<<"$HEADER
file etc/modprobe.d/vfio.conf
end"
}

@test "bad description: a bound driver whose module is declared missing" {
    refused_at 6 "needs module nouveau, but line 5 says it is missing" <<<"$HEADER
module nouveau missing
dev 01:00.0 10de:2204 class=030000 driver=nouveau"
    refused_at 5 "unknown module 'nvidia_uvm'" <<<"$HEADER
module nvidia_uvm loaded"
    refused_at 5 "only loaded or built-in modules show parameters" <<<"$HEADER
param vfio_pci disable_vga Y"
}

@test "bad description: duplicate slots and VFs landing on taken addresses" {
    refused_at 6 "device 0000:00:02.0 given twice (first at line 5)" <<<"$HEADER
dev 00:02.0 8086:3e92 class=030000
dev 00:02.0 8086:3e92 class=030000"
    refused_at 7 "VF 0 lands on 0000:03:00.1, already used by line 6" <<<"$HEADER
dev 03:00.0 8086:10fb class=020000
dev 03:00.1 8086:10fb class=020000
sriov 03:00.0 count=4 vf=8086:10ed offset=1"
    refused_at 6 "VF 255 lands on bus 04, which described devices use" <<<"$HEADER
dev 03:00.0 8086:1572 class=020000
sriov 03:00.0 count=300 vf=8086:154c offset=1
dev 04:00.0 144d:a808 class=010802"
}

@test "bad description: a file block cannot replace a generated file" {
    local file="$BATS_TEST_TMPDIR/clash.host"
    printf '%s\n' "$HEADER" 'file /proc/cmdline' '  ro' 'end' >"$file"
    run -2 "$MKFIXTURE" "$file" "$BATS_TEST_TMPDIR/out"
    [[ "$output" == "mkfixture: $file:5: file /proc/cmdline clashes with the generated tree" ]]
}

@test "bad description: a missing required line is reported at the end of the file" {
    refused_at 3 "missing required line 'iommu ...'" <<'EOF'
kernel 6.1.0-18-amd64
cmdline ro
acpi DMAR
EOF
}
