# SPDX-License-Identifier: GPL-2.0-or-later
# vfio-preflight: rescue kernel command line rules (POSIX sh library).
#
# Installed as /usr/share/vfio-preflight/rescue-cmdline.sh and sourced by the
# GRUB generator (/etc/grub.d/42_vfio-preflight-rescue) and by the kernel
# hooks that write systemd-boot rescue entries. It is the single place that
# says what "a boot without GPU passthrough" means on the command line.
#
# vfio_rescue_cmdline [CMDLINE...]
#   Reads a kernel command line from the arguments (joined by one space) or,
#   with no arguments, from stdin (newlines count as blanks), and prints the
#   rescue command line on one line. Always returns 0.
#
# Rules (shared contract with the C side of vfio-preflight):
#   - Parameters are split like the kernel does: blanks separate them, double
#     quotes protect blanks and may appear anywhere in a parameter. A name
#     matches with '-' and '_' treated alike (vfio-pci.ids = vfio_pci.ids).
#   - Removed (passthrough only): intel_iommu, amd_iommu, iommu (any value),
#     every vfio_pci.* parameter, pcie_acs_override, nofb, a video= whose
#     value only switches framebuffers off (efifb:off, vesafb:off,
#     vesafb:off,efifb:off, ...), and sysfb_init from initcall_blacklist= (the
#     parameter goes when nothing else is left in it).
#   - Kept byte for byte, in order: everything else, including quoted values,
#     kvm.ignore_msrs=, iommu.* and everything after a lone "--" (those are
#     arguments for init, not for the kernel).
#   - Added once, before any "--": the marker "vfio_preflight.rescue=1" and
#     "module_blacklist=vfio_pci". module_blacklist= is a single string in the
#     kernel (the last one wins), so an existing module_blacklist= list is
#     merged into ours instead of being overridden: "module_blacklist=A,B,vfio_pci".
#   - Idempotent: a rescue command line comes back unchanged.
#   - Blanks between kept parameters are kept when they are spaces or tabs;
#     leading and trailing blanks are dropped.

vfio_rescue_cmdline()
(
	if [ "$#" -gt 0 ]; then
		_vrc_in=
		_vrc_first=1
		for _vrc_arg in "$@"; do
			if [ "${_vrc_first}" = 1 ]; then
				_vrc_in=${_vrc_arg}
				_vrc_first=0
			else
				_vrc_in="${_vrc_in} ${_vrc_arg}"
			fi
		done
		printf '%s\n' "${_vrc_in}"
	else
		cat
	fi | LC_ALL=C awk '
	# name with "-" and "_" treated alike, as the kernel compares them
	function norm(s,   r) {
		r = s
		gsub(/-/, "_", r)
		return r
	}
	# true when every comma-separated item of a video= value is "NAME:off"
	function fb_off_only(v,   n, a, k) {
		if (v == "")
			return 0
		n = split(v, a, ",")
		for (k = 1; k <= n; k++)
			if (a[k] !~ /^[A-Za-z0-9_]+:off$/)
				return 0
		return 1
	}
	# a separator is kept only if it is made of spaces and tabs
	function sepfix(s) {
		if (s ~ /^[ \t]+$/)
			return s
		return " "
	}
	{ buf = (NR == 1) ? $0 : buf "\n" $0 }
	END {
		ws = " \t\n\r\f\v"
		n = length(buf)
		i = 1
		nkept = 0
		nbl = 0
		tail = ""
		while (i <= n) {
			sep = ""
			while (i <= n && index(ws, substr(buf, i, 1)) > 0) {
				sep = sep substr(buf, i, 1)
				i++
			}
			if (i > n)
				break
			tok = ""
			q = 0
			while (i <= n) {
				c = substr(buf, i, 1)
				if (c == "\"")
					q = !q
				else if (!q && index(ws, c) > 0)
					break
				tok = tok c
				i++
			}
			if (tok == "--") {
				rest = substr(buf, i)
				gsub(/[\n\r\f\v]/, " ", rest)
				sub(/[ \t]+$/, "", rest)
				tail = "--" rest
				break
			}
			u = tok
			gsub(/"/, "", u)
			eq = index(u, "=")
			if (eq > 0) {
				key = substr(u, 1, eq - 1)
				val = substr(u, eq + 1)
			} else {
				key = u
				val = ""
			}
			nk = norm(key)
			drop = 0
			if (nk == "intel_iommu" || nk == "amd_iommu" || nk == "iommu" ||
			    nk == "pcie_acs_override" || nk == "nofb" ||
			    nk == "vfio_preflight.rescue") {
				drop = 1
			} else if (substr(nk, 1, 9) == "vfio_pci.") {
				drop = 1
			} else if (nk == "video" && eq > 0 && fb_off_only(val)) {
				drop = 1
			} else if (nk == "initcall_blacklist" && eq > 0) {
				m = split(val, a, ",")
				left = ""
				hit = 0
				for (k = 1; k <= m; k++) {
					if (a[k] == "sysfb_init")
						hit = 1
					else if (a[k] != "")
						left = (left == "") ? a[k] : left "," a[k]
				}
				if (hit) {
					if (left == "")
						drop = 1
					else
						tok = key "=" left
				}
			} else if (nk == "module_blacklist") {
				drop = 1
				m = split(val, a, ",")
				for (k = 1; k <= m; k++) {
					if (a[k] == "" || norm(a[k]) == "vfio_pci" || (a[k] in seen))
						continue
					seen[a[k]] = 1
					bl[++nbl] = a[k]
				}
			}
			if (!drop) {
				kept[++nkept] = tok
				ksep[nkept] = sepfix(sep)
			}
		}
		out = ""
		for (k = 1; k <= nkept; k++)
			out = (k == 1) ? kept[k] : out ksep[k] kept[k]
		list = ""
		for (k = 1; k <= nbl; k++)
			list = list bl[k] ","
		marker = "vfio_preflight.rescue=1 module_blacklist=" list "vfio_pci"
		out = (out == "") ? marker : out " " marker
		if (tail != "")
			out = out " " tail
		print out
	}'
)
