# SPDX-License-Identifier: GPL-2.0-or-later
# vfio-preflight: systemd-boot rescue loader entries (POSIX sh library).
#
# Installed as /usr/share/vfio-preflight/rescue-entries.sh and sourced, after
# rescue-cmdline.sh, by the kernel hooks
#   /etc/kernel/postinst.d/zz-vfio-preflight-rescue
#   /etc/kernel/postrm.d/zz-vfio-preflight-rescue
#
# Beside every kernel entry ID.conf in loader/entries/ it keeps a rescue entry
# ID-vfio-rescue.conf (boot counting "+N-M" is dropped from ID):
#   proxmox-boot-tool ESPs:  proxmox-<kver>.conf -> proxmox-<kver>-vfio-rescue.conf
#   plain systemd-boot:      <token>-<kver>.conf -> <token>-<kver>-vfio-rescue.conf
#                            (token: /etc/kernel/entry-token, else /etc/machine-id)
# The loader entry id systemd-boot uses (and LoaderEntryOneShot must name) is
# that file name, ".conf" included.
#
# A rescue entry is the kernel's entry with the title suffixed
# " (rescue: no GPU passthrough)" and the options passed through
# vfio_rescue_cmdline; every other line (version, machine-id, sort-key, linux,
# initrd, ...) is copied. It sorts right after its kernel's entry in
# systemd-boot (the "-" suffix makes it the older version), so neither
# "default proxmox-*" nor "first entry" can pick it.
#
# Every run reconciles the whole entries directory, not only the kernel it was
# called for: it (re)writes rescue entries for all kernel entries and removes
# rescue entries whose kernel entry is gone. That repairs what a
# "proxmox-boot-tool refresh" leaves behind (refresh runs only its own hook,
# zz-proxmox-boot, never the rest of /etc/kernel/postinst.d/).
#
# Environment:
#   VFIO_PREFLIGHT_ROOT         root prefix for /etc and the ESP paths (tests);
#                               when set, nothing is ever mounted and bootctl
#                               is not asked
#   VFIO_PREFLIGHT_ESP_MOUNTED  directory holding proxmox-boot-tool ESPs as
#                               DIR/<UUID>, already mounted (tests; nothing is
#                               mounted then)
# Messages go to stderr, prefixed "vfio-preflight-rescue:". Functions return
# 0 on success and 1 when something could not be done (already logged).

VFIO_RESCUE_SUFFIX=-vfio-rescue

vfio_rescue_log()
{
	printf 'vfio-preflight-rescue: %s\n' "$*" >&2
}

# vfio_rescue_first_line FILE: prints FILE's first line; 1 if unreadable
vfio_rescue_first_line()
{
	[ -r "$1" ] || return 1
	IFS= read -r _vrf_line <"$1" || [ -n "${_vrf_line}" ] || return 1
	printf '%s\n' "${_vrf_line}"
}

# vfio_rescue_entry_write SRC DST FALLBACK_CMDLINE_FILE
#   Writes the rescue entry DST for the loader entry SRC.
#   Returns 0 when DST is written or already right, 2 when SRC is no Linux
#   entry (no "linux" line: left alone), 1 on error.
vfio_rescue_entry_write()
(
	src=$1
	dst=$2
	fallback=$3
	title=
	opts=
	have_opts=0
	have_linux=0
	body=
	if [ ! -r "${src}" ]; then
		vfio_rescue_log "cannot read ${src}"
		return 1
	fi
	while IFS= read -r line || [ -n "${line}" ]; do
		line=${line%"$(printf '\r')"}
		line=${line#"${line%%[![:blank:]]*}"}
		case ${line} in
		'' | '#'*) continue ;;
		esac
		key=${line%%[[:blank:]]*}
		val=${line#"${key}"}
		val=${val#"${val%%[![:blank:]]*}"}
		case ${key} in
		title) title=${val} ;;
		options)
			opts=${opts:+${opts} }${val}
			have_opts=1
			;;
		*)
			[ "${key}" = linux ] && have_linux=1
			body="${body}${line}
"
			;;
		esac
	done <"${src}"
	[ "${have_linux}" = 1 ] || return 2
	if [ "${have_opts}" = 0 ]; then
		if ! opts=$(vfio_rescue_first_line "${fallback}"); then
			vfio_rescue_log "${src} has no options line and ${fallback} is missing - no rescue entry for it"
			return 1
		fi
	fi
	id=${src##*/}
	id=${id%.conf}
	tmp="${dst}.vfio-tmp"
	{
		printf '# vfio-preflight rescue entry for %s: same kernel, no GPU passthrough.\n' "${src##*/}"
		printf '# Rewritten by /etc/kernel/postinst.d/zz-vfio-preflight-rescue; do not edit.\n'
		printf 'title      %s (rescue: no GPU passthrough)\n' "${title:-${id}}"
		printf '%s' "${body}"
		printf 'options    %s\n' "$(vfio_rescue_cmdline "${opts}")"
	} >"${tmp}" 2>/dev/null || {
		rm -f "${tmp}"
		vfio_rescue_log "cannot write ${tmp} - no rescue entry ${dst##*/}"
		return 1
	}
	if [ -f "${dst}" ] && cmp -s "${tmp}" "${dst}"; then
		rm -f "${tmp}"
		return 0
	fi
	if ! mv -f "${tmp}" "${dst}"; then
		rm -f "${tmp}"
		vfio_rescue_log "cannot write ${dst}"
		return 1
	fi
	vfio_rescue_log "wrote rescue entry ${dst}"
	return 0
)

# vfio_rescue_entries_sync ENTRIES_DIR PREFIX REMOVED_KVER FALLBACK_CMDLINE_FILE
#   Reconciles the rescue entries of the kernel entries PREFIX*.conf in
#   ENTRIES_DIR. REMOVED_KVER (may be empty) is a kernel being removed: its
#   rescue entry PREFIX<kver>-vfio-rescue.conf goes even if its kernel entry
#   is still there. Returns 1 if anything failed.
vfio_rescue_entries_sync()
(
	dir=$1
	prefix=$2
	removed=$3
	fallback=$4
	rc=0
	# VFIO_RESCUE_PURGE=1 (package removal): write none, remove every rescue entry
	for f in "${dir}/${prefix}"*.conf; do
		[ "${VFIO_RESCUE_PURGE:-}" = 1 ] && break
		[ -f "${f}" ] || continue
		id=${f##*/}
		id=${id%.conf}
		case ${id} in
		*"${VFIO_RESCUE_SUFFIX}" | *"${VFIO_RESCUE_SUFFIX}+"*) continue ;;
		esac
		stem=${id%%+*}
		if [ -n "${removed}" ] && [ "${stem}" = "${prefix}${removed}" ]; then
			continue
		fi
		vfio_rescue_entry_write "${f}" "${dir}/${stem}${VFIO_RESCUE_SUFFIX}.conf" "${fallback}"
		[ "$?" = 1 ] && rc=1
	done
	for r in "${dir}/${prefix}"*"${VFIO_RESCUE_SUFFIX}.conf"; do
		[ -f "${r}" ] || continue
		stem=${r##*/}
		stem=${stem%"$VFIO_RESCUE_SUFFIX.conf"}
		why=
		if [ "${VFIO_RESCUE_PURGE:-}" = 1 ]; then
			why="vfio-preflight removed"
		elif [ -n "${removed}" ] && [ "${stem}" = "${prefix}${removed}" ]; then
			why="kernel ${removed} removed"
		elif [ ! -f "${dir}/${stem}.conf" ] && ! vfio_rescue_any_file "${dir}/${stem}+"*.conf; then
			why="no kernel entry ${stem}.conf"
		else
			continue
		fi
		if rm -f "${r}"; then
			vfio_rescue_log "removed rescue entry ${r} (${why})"
		else
			vfio_rescue_log "cannot remove ${r} (${why})"
			rc=1
		fi
	done
	return "${rc}"
)

# vfio_rescue_any_file PATH...: 0 if one of the PATHs is a regular file
vfio_rescue_any_file()
{
	for _vra_f in "$@"; do
		[ -f "${_vra_f}" ] && return 0
	done
	return 1
}

# vfio_rescue_uuid_ok UUID: 0 if UUID looks like a vfat serial (XXXX-XXXX)
vfio_rescue_uuid_ok()
{
	case $1 in
	[0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f]-[0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f]) return 0 ;;
	esac
	return 1
}

# vfio_rescue_needs_mounts: 0 when this run will mount proxmox-boot-tool ESPs
# itself (so the caller should move into a private mount namespace first)
vfio_rescue_needs_mounts()
{
	[ -z "${VFIO_PREFLIGHT_ROOT:-}" ] &&
		[ -z "${VFIO_PREFLIGHT_ESP_MOUNTED:-}" ] &&
		[ -s /etc/kernel/proxmox-boot-uuids ]
}

# vfio_rescue_pve_esp UUID REMOVED_KVER FALLBACK: one proxmox-boot-tool ESP
vfio_rescue_pve_esp()
{
	if [ -n "${VFIO_PREFLIGHT_ESP_MOUNTED:-}" ]; then
		_vrp_esp="${VFIO_PREFLIGHT_ESP_MOUNTED}/$1"
		if [ ! -d "${_vrp_esp}" ]; then
			vfio_rescue_log "ESP $1: ${_vrp_esp} does not exist - skipping"
			return 1
		fi
		vfio_rescue_pve_esp_sync "${_vrp_esp}" "$1" "$2" "$3"
		return "$?"
	fi
	if [ -n "${VFIO_PREFLIGHT_ROOT:-}" ]; then
		vfio_rescue_log "ESP $1: not mounting devices under VFIO_PREFLIGHT_ROOT (set VFIO_PREFLIGHT_ESP_MOUNTED) - skipping"
		return 1
	fi
	_vrp_dev="/dev/disk/by-uuid/$1"
	if [ ! -e "${_vrp_dev}" ]; then
		vfio_rescue_log "ESP $1: ${_vrp_dev} does not exist (run 'proxmox-boot-tool clean'?) - skipping"
		return 1
	fi
	if ! VFIO_RESCUE_MOUNTED=$(mktemp -d "${TMPDIR:-/var/tmp}/vfio-preflight-esp.XXXXXX"); then
		VFIO_RESCUE_MOUNTED=
		vfio_rescue_log "ESP $1: cannot create a mount point - skipping"
		return 1
	fi
	if ! mount "${_vrp_dev}" "${VFIO_RESCUE_MOUNTED}"; then
		vfio_rescue_log "ESP $1: mount of ${_vrp_dev} failed - skipping"
		rmdir "${VFIO_RESCUE_MOUNTED}"
		VFIO_RESCUE_MOUNTED=
		return 1
	fi
	vfio_rescue_pve_esp_sync "${VFIO_RESCUE_MOUNTED}" "$1" "$2" "$3"
	_vrp_rc=$?
	vfio_rescue_unmount || _vrp_rc=1
	return "${_vrp_rc}"
}

vfio_rescue_pve_esp_sync()
{
	if [ ! -d "$1/loader/entries" ]; then
		# GRUB mode: update-grub runs /etc/grub.d/42_vfio-preflight-rescue
		vfio_rescue_log "ESP $2: no loader/entries (GRUB mode?) - nothing to do here"
		return 0
	fi
	vfio_rescue_entries_sync "$1/loader/entries" proxmox- "$3" "$4"
}

# vfio_rescue_unmount: undoes vfio_rescue_pve_esp's mount (also from a trap)
vfio_rescue_unmount()
{
	[ -n "${VFIO_RESCUE_MOUNTED:-}" ] || return 0
	if ! umount "${VFIO_RESCUE_MOUNTED}"; then
		vfio_rescue_log "umount of ${VFIO_RESCUE_MOUNTED} failed"
		VFIO_RESCUE_MOUNTED=
		return 1
	fi
	rmdir "${VFIO_RESCUE_MOUNTED}" 2>/dev/null
	VFIO_RESCUE_MOUNTED=
	return 0
}

# vfio_rescue_plain_dirs: prints candidate ESP/XBOOTLDR mount points, one a line
vfio_rescue_plain_dirs()
{
	if [ -z "${VFIO_PREFLIGHT_ROOT:-}" ] && command -v bootctl >/dev/null 2>&1; then
		bootctl --print-boot-path 2>/dev/null
		bootctl --print-esp-path 2>/dev/null
	fi
	printf '%s\n' "${VFIO_PREFLIGHT_ROOT:-}/efi" "${VFIO_PREFLIGHT_ROOT:-}/boot/efi" \
		"${VFIO_PREFLIGHT_ROOT:-}/boot"
}

# vfio_rescue_sync_all ACTION KVER
#   ACTION is "install", "remove" (KVER is the kernel being removed) or
#   "purge" (the package goes: every rescue entry is removed, none written).
#   proxmox-boot-tool hosts (/etc/kernel/proxmox-boot-uuids): every listed
#   ESP; otherwise every plain systemd-boot entries directory found.
#   Returns 1 if anything failed (already logged).
vfio_rescue_sync_all()
{
	_vrs_root=${VFIO_PREFLIGHT_ROOT:-}
	_vrs_removed=
	[ "$1" = remove ] && _vrs_removed=$2
	VFIO_RESCUE_PURGE=
	[ "$1" = purge ] && VFIO_RESCUE_PURGE=1
	_vrs_cmdline="${_vrs_root}/etc/kernel/cmdline"
	_vrs_uuids="${_vrs_root}/etc/kernel/proxmox-boot-uuids"
	_vrs_rc=0

	if [ -f "${_vrs_uuids}" ]; then
		# proxmox-boot-tool disables the plain systemd-boot hooks on such
		# hosts, so only its ESPs hold current entries.
		while IFS= read -r _vrs_uuid || [ -n "${_vrs_uuid}" ]; do
			[ -n "${_vrs_uuid}" ] || continue
			if ! vfio_rescue_uuid_ok "${_vrs_uuid}"; then
				vfio_rescue_log "'${_vrs_uuid}' in ${_vrs_uuids} is no vfat UUID - skipping"
				continue
			fi
			vfio_rescue_pve_esp "${_vrs_uuid}" "${_vrs_removed}" "${_vrs_cmdline}" </dev/null ||
				_vrs_rc=1
		done <"${_vrs_uuids}"
		return "${_vrs_rc}"
	fi

	if _vrs_token=$(vfio_rescue_first_line "${_vrs_root}/etc/kernel/entry-token") &&
		[ -n "${_vrs_token}" ]; then
		:
	elif _vrs_token=$(vfio_rescue_first_line "${_vrs_root}/etc/machine-id") &&
		[ -n "${_vrs_token}" ]; then
		:
	else
		_vrs_token=
	fi

	_vrs_seen=
	_vrs_dirs=$(vfio_rescue_plain_dirs)
	_vrs_nl='
'
	_vrs_oldifs=${IFS}
	IFS=${_vrs_nl}
	for _vrs_dir in ${_vrs_dirs}; do
		IFS=${_vrs_oldifs}
		[ -d "${_vrs_dir}/loader/entries" ] || continue
		_vrs_real=$(cd -P "${_vrs_dir}/loader/entries" 2>/dev/null && pwd -P) || continue
		case "${_vrs_nl}${_vrs_seen}" in
		*"${_vrs_nl}${_vrs_real}${_vrs_nl}"*) continue ;;
		esac
		_vrs_seen="${_vrs_seen}${_vrs_real}${_vrs_nl}"
		if [ -z "${_vrs_token}" ]; then
			vfio_rescue_log "no /etc/kernel/entry-token or /etc/machine-id - cannot tell this system's entries in ${_vrs_dir}/loader/entries"
			_vrs_rc=1
			continue
		fi
		vfio_rescue_entries_sync "${_vrs_dir}/loader/entries" "${_vrs_token}-" \
			"${_vrs_removed}" "${_vrs_cmdline}" || _vrs_rc=1
	done
	IFS=${_vrs_oldifs}
	return "${_vrs_rc}"
}
