# SPDX-License-Identifier: GPL-2.0-or-later
# The busybox-sh baseline of bench/run: the scan a shell-script preflight would
# do, fork-free (builtins only): every function's uevent and iommu_group.
# usage: busybox sh bench/scan.sh ROOT
n=0
for d in "$1"/sys/bus/pci/devices/*; do
	while IFS= read -r line; do
		case "$line" in
		DRIVER=* | PCI_ID=* | PCI_CLASS=*) n=$((n + 1)) ;;
		esac
	done <"$d/uevent"
	[ -e "$d/iommu_group" ] && n=$((n + 1))
done
echo "$n"
