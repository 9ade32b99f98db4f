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
# then "records N" (ring writes) and "beyond N"; on a second line each path
# opened more than once; on a third, each syscall beyond the floor.
# Paths are as the binary passes them: relative to --root.
#
# The floor is what reading each input once takes: a failed open; or open,
# one read per buffer (of 4 KiB or more where the first comes back full)
# until a short read (a file under proc/ to the read that returns 0: a
# seq_file may return short before its end), close; a
# directory: open, getdents64 until it returns 0, close; an index: open,
# fstat, mmap, close, munmap; the ring: one write per record and an open per
# 10 records (the kernel's per-open burst); a state file: temp file, writes,
# close, rename, and off tmpfs an fsync of it and of its directory; an
# openat2 retried after -EAGAIN; klibc's start (TCGETS on 0-2) and exit.
# The heap's mmaps and munmaps (klibc's malloc, 64 KiB a chunk) are the
# process's, not judged.
# Anything else is "beyond": an input opened or read again, a read past its
# end, a second fstat, a call the floor has no use for (lseek, fcntl...).
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
function fd_name(fd) {	# what the trace opened as fd, or "fdN": one word either way
	return fd in fd_path ? fd_path[fd] : "fd" fd
}
function beyond_floor(what) {
	beyond++
	beyond_list = beyond_list " " what
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
		# -EAGAIN: a rename or mount elsewhere while openat2 resolved ".." under
		# RESOLVE_BENEATH/IN_ROOT; the kernel asks for the retry that follows
		if ($0 !~ /= -1 EAGAIN /) {
			if (name != "openat" && opens[path]++ == 1) twice = twice " " path
			if (path ~ /(^|\/)dev\/kmsg$/) kmsg_opens++
			else if (opens[path] > 1) beyond_floor(name ":" path)
		}
		if (ret ~ /^[0-9]+$/) {
			fd_cat[ret] = c; fd_path[ret] = path; fd_end[ret] = ""; fd_stat[ret] = fd_map[ret] = fd_synced[ret] = 0
			fd_dir[ret] = $0 ~ /O_DIRECTORY/
		}
	} else if (name ~ /^(read|write|close|fstat|fstatfs|getdents64|fsync|pread64|lseek)$/) {
		fd = arg($0, 1); sub(/\).*/, "", fd)
		c = fd in fd_cat ? fd_cat[fd] : "process"
		if (name == "write" && c == "ring") records++
		if (name == "read" || name == "getdents64") {
			count = $0; sub(/\) += .*/, "", count); sub(/.*, /, "", count)
			if (!(fd in fd_path) || fd_end[fd] == "eof")
				beyond_floor(name ":" fd_name(fd) ":after-end")
			else if (fd_end[fd] == "short" && fd_path[fd] !~ /(^|\/)proc\//)
				beyond_floor(name ":" fd_path[fd] ":after-short-read")
			else if (fd_end[fd] == "full" && name == "read" && fd_count[fd] < 4096)
				beyond_floor(name ":" fd_path[fd] ":in-pieces-under-4-KiB")
			fd_count[fd] = count + 0
			fd_end[fd] = ret == "0" ? "eof" : name == "read" && ret + 0 < count + 0 ? "short" : "full"
		} else if (name == "close") {
			if (!(fd in fd_path)) beyond_floor("close:fd" fd)
			delete fd_path[fd]; delete fd_cat[fd]
		} else if (name == "fstat" || name == "fstatfs") {
			if (!(fd in fd_path) || fd_stat[fd]++) beyond_floor(name ":" fd_name(fd))
		} else if (name == "write") {
			if (c != "ring" && c != "state") beyond_floor("write:fd" fd)
		} else if (name == "fsync") {	# off tmpfs: a state file once, its directory once a rename
			if (c != "state" || (fd_dir[fd] ? ++dir_syncs > renames : fd_synced[fd]++))
				beyond_floor(name ":" fd_name(fd))
		} else
			beyond_floor(name ":" fd_name(fd))
	} else if (name == "readlinkat") {
		c = "pci-scan"
		path = $0; sub(/^[^"]*"/, "", path); sub(/".*/, "", path)
		if (links[path]++) beyond_floor(name ":" path)
	} else if (name ~ /^(renameat|renameat2|unlinkat|mkdirat|linkat)$/) {
		c = "state"
		if (name ~ /^rename/) renames++
	} else if (name == "mmap" && $0 !~ /MAP_ANONYMOUS/) {
		delete unmapped[ret]
		fd = arg($0, 5)
		c = fd_cat[fd]
		map_cat[ret] = c
		if (!(fd in fd_path) || fd_map[fd]++) beyond_floor(name ":" fd_name(fd))
	} else if (name == "munmap") {
		a = arg($0, 1)
		c = a in map_cat ? map_cat[a] : "process"
		if (a in unmapped) beyond_floor(name ":" a)
		unmapped[a] = 1
	} else if (name == "ioctl") {
		# klibc's stdio start asks whether 0, 1 and 2 are terminals
		if ($0 !~ /^ioctl\([012], TCGETS/ || tcgets++ >= 3) beyond_floor(name)
	} else if (name == "mmap") {
		delete unmapped[ret]	# the heap: an address unmapped may come back
	} else if (name != "execve")
		beyond_floor(name)
	n[c]++
	total++
}
END {
	if (kmsg_opens > int((records + 9) / 10)) {
		for (k = int((records + 9) / 10); k < kmsg_opens; k++) beyond_floor("open:dev/kmsg")
	}
	printf "total %d", total
	split("pci-scan pci-device ring state modprobe kmod-index other process", order, " ")
	for (i = 1; i in order; i++)
		printf " %s %d", order[i], n[order[i]]
	printf " records %d beyond %d\n%s\n%s\n", records, beyond, substr(twice, 2), substr(beyond_list, 2)
}
