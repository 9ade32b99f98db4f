# SPDX-License-Identifier: GPL-2.0-or-later
# bench/syscalls.awk: one boot phase's syscalls (strace -o FILE, one
# process) by what they serve. Prints one line of "name count" pairs:
#   pci-scan    the PCI directory, each function's uevent and iommu_group link
#   pci-device  the other sysfs files of single functions (boot_vga, resource...)
#   ring        /dev/kmsg: its opens, one write per record, closes
#   state       /run/vfio-preflight: temp file, write, rename; removals
#   modprobe    the modprobe.d directories and files, the module-load lists
#   kmod-index  modules.*.bin: open, fstat, mmap, close, munmap
#   other       every other input (cmdline, /proc, /sys/module, ACPI...)
#   process     klibc's start and exit, heap mmaps, the root's directory fd
# then "records N" (ring writes); on a second line each path opened more
# than once. Paths are as the binary passes them: relative to --root.
function category(path) {
	if (path ~ /(^|\/)sys\/bus\/pci\/devices(\/[^\/]+\/(uevent|iommu_group))?$/) return "pci-scan"
	if (path ~ /(^|\/)sys\/bus\/pci\/devices\//) return "pci-device"
	if (path ~ /(^|\/)dev\/kmsg$/) return "ring"
	if (path ~ /(^|\/)run\/vfio-preflight(\/|$)/) return "state"
	if (path ~ /modprobe\.d|modules-load\.d|(^|\/)conf\/modules$|(^|\/)etc\/modules$/) return "modprobe"
	if (path ~ /(^|\/)lib\/modules\/.*\.bin$/) return "kmod-index"
	return "other"
}
function arg(line, i,    a, parts) {	# the i-th argument of a call, as strace prints it
	a = line; sub(/^[a-z0-9_]+\(/, "", a)
	split(a, parts, /, /)
	return parts[i]
}
/^\+\+\+|^---/ { next }
/^exit(_group)?\(/ { next }	# as strace -c, which never sees it return
{
	name = $0; sub(/\(.*/, "", name)
	ret = $0; sub(/.*\) += /, "", ret); sub(/ .*/, "", ret)
	c = "process"
	if (name ~ /^open(at|at2)?$/) {
		path = $0; sub(/^[^"]*"/, "", path); sub(/".*/, "", path)
		# the root itself (open), files in the state directory's fd (openat)
		c = name == "open" ? "process" : name == "openat" ? "state" : category(path)
		if (name != "openat" && opens[path]++ == 1) twice = twice " " path
		if (ret ~ /^[0-9]+$/) fd_cat[ret] = c
	} else if (name ~ /^(read|write|close|fstat|fstatfs|getdents64|fsync|pread64|lseek)$/) {
		fd = arg($0, 1); sub(/\).*/, "", fd)
		c = fd in fd_cat ? fd_cat[fd] : "process"
		if (name == "write" && c == "ring") records++
	} else if (name == "readlinkat") {
		c = "pci-scan"
	} else if (name ~ /^(renameat|renameat2|unlinkat|mkdirat|linkat)$/) {
		c = "state"
	} else if (name == "mmap" && $0 !~ /MAP_ANONYMOUS/) {
		c = fd_cat[arg($0, 5)]
		map_cat[ret] = c
	} else if (name == "munmap") {
		a = arg($0, 1)
		c = a in map_cat ? map_cat[a] : "process"
	}
	n[c]++
	total++
}
END {
	printf "total %d", total
	split("pci-scan pci-device ring state modprobe kmod-index other process", order, " ")
	for (i = 1; i in order; i++)
		printf " %s %d", order[i], n[order[i]]
	printf " records %d\n%s\n", records, substr(twice, 2)
}
