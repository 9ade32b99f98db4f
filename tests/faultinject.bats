#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Fault injection into the rescue one-shot writer, with strace's tampering:
# for `rescue --next-boot` and `--clear` on a GRUB and a systemd-boot tree,
# the process is killed at every system call it makes, and EIO, ENOSPC,
# EROFS and EACCES are injected at every open, write, fsync, ioctl and
# unlink (EIO also at every read). After each run:
#   - the grubenv is the old or the new valid 1024-byte block, every other
#     variable intact (compared with the real `grub-editenv FILE list`);
#   - each EFI variable is absent, old or new, never a stale reason beside
#     a new one-shot;
#   - the exit status matches the state: 0 only when the new state is there,
#     a failure always says why on stderr, never a bare "error N", never
#     "run update-grub" for an entry that is there, and a new block on a
#     failed run only where it says the fsync failed.
# The counts (injections tried, runs that ended in an allowed state) go to
# the TAP output for the notes.

load test_helper/common

KVER=6.1.0-18-amd64
GUID=4a67b082-0a4c-41cf-b6c7-440b29bb8c4f
OWN=99801ca0-e8a0-4748-9f15-ffc348321930
ONESHOT="LoaderEntryOneShot-$GUID"
REASON="VfioPreflightReason-$OWN"
ERRORS="EIO ENOSPC EROFS EACCES"
# the calls that change or open something; reads get EIO only
WRITES="open openat openat2 write pwrite64 fsync ioctl unlink unlinkat flock mkdirat"
READS="read pread64"

teardown() {
	chattr -R -i "$BATS_TEST_TMPDIR" 2>/dev/null || true
}

setup() {
	command -v strace >/dev/null || skip "strace not installed"
	strace -qq -o /dev/null -e inject=getpid:error=EIO true 2>/dev/null || skip "strace cannot inject here"
}

# --- the trees ------------------------------------------------------------

base_tree() {
	[ -e "$1" ] && chattr -R -i "$1" 2>/dev/null
	rm -rf "$1"
	mkdir -p "$1/proc/sys/kernel" "$1/boot/grub"
	echo "$KVER" >"$1/proc/sys/kernel/osrelease"
	echo "/dev/sda1 / ext4 rw 0 0" >"$1/proc/mounts"
}

# GRUB: a grubenv with other variables (one needing an escape); ACTION clear
# starts from a tree where the rescue one-shot and a reason are set
grub_tree() {
	local t="$1" action="$2" env="$1/boot/grub/grubenv"
	base_tree "$t"
	grub-editenv "$env" create
	grub-editenv "$env" set saved_entry=gnulinux-advanced-x 'odd=a\b' other=kept
	printf "menuentry 'rescue' \$menuentry_id_option 'vfio-preflight-rescue-%s' {\n}\n" "$KVER" \
		>"$t/boot/grub/grub.cfg"
	if [ "$action" = clear ]; then
		grub-editenv "$env" set "next_entry=vfio-preflight-rescue-$KVER" "vfio_preflight_reason=old reason"
	else
		grub-editenv "$env" set "vfio_preflight_reason=an older reason"
	fi
}

# efivar DIR NAME STRING [ATTR]: a string variable, UTF-16LE + NUL
efivar() {
	{
		printf "\\x${4:-07}\\x00\\x00\\x00"
		printf '%s' "$3" | iconv -f ascii -t utf-16le
		printf '\x00\x00'
	} >"$1/sys/firmware/efi/efivars/$2"
}

# systemd-boot: LoaderInfo, the rescue entry; the variables to change carry
# the immutable flag where the file system has one, as efivarfs gives them
sdboot_tree() {
	local t="$1" action="$2"
	base_tree "$t"
	mkdir -p "$t/sys/firmware/efi/efivars" "$t/efi/loader/entries"
	: >"$t/efi/loader/entries/debian-$KVER-vfio-rescue.conf"
	efivar "$t" "LoaderInfo-$GUID" "systemd-boot 252" 06
	if [ "$action" = clear ]; then
		efivar "$t" "$ONESHOT" "debian-$KVER-vfio-rescue.conf"
		efivar "$t" "$REASON" "old reason"
	else
		efivar "$t" "$ONESHOT" "some-other-entry.conf"
		efivar "$t" "$REASON" "an older reason"
	fi
	chattr +i "$t/sys/firmware/efi/efivars/$ONESHOT" "$t/sys/firmware/efi/efivars/$REASON" 2>/dev/null || true
}

# --- the state, as a string to compare -------------------------------------

var_state() {
	local f="$1/sys/firmware/efi/efivars/$2"
	if [ ! -e "$f" ] || [ ! -s "$f" ]; then
		echo absent	# created and never written: no variable in efivarfs
	else
		od -An -tx1 "$f" | tr -d ' \n'
	fi
}

state_of() {
	local t="$1" loader="$2" env="$1/boot/grub/grubenv"
	if [ "$loader" = grub ]; then
		[ "$(stat -c %s "$env")" = 1024 ] || { echo "size $(stat -c %s "$env")"; return; }
		grub-editenv "$env" list 2>&1 | tr '\n' '|'
	else
		echo "$(var_state "$t" "$ONESHOT") $(var_state "$t" "$REASON")"
	fi
}

# --- one sweep --------------------------------------------------------------

# sweep LOADER ACTION: prints "tried N survived M" on fd 3, fails on the first bad run
sweep() {
	local loader="$1" action="$2" t="$BATS_TEST_TMPDIR/t" log="$BATS_TEST_TMPDIR/trace"
	local args=(rescue "--$action" --root "$t") old new old_os old_rs new_os new_rs
	local tried=0 survived=0 sc n k e spec rc got
	[ "$action" = next-boot ] && args+=(--reason "display.headless failed: vfio-pci would claim 0000:01:00.0")

	"${loader}_tree" "$t" "$action"
	old="$(state_of "$t" "$loader")"
	run -0 "$VFP" "${args[@]}"
	new="$(state_of "$t" "$loader")"
	[ "$old" != "$new" ]
	# the calls one clean run makes, counted per call
	"${loader}_tree" "$t" "$action"
	strace -qq -o "$log" "$VFP" "${args[@]}" >/dev/null 2>&1
	read -r old_os old_rs <<<"$old"
	read -r new_os new_rs <<<"$new"

	# check SPEC RC: the state after one injected run is allowed and matches RC
	check() {
		local spec="$1" rc="$2"
		got="$(state_of "$t" "$loader")"
		tried=$((tried + 1))
		local os rs
		if [ "$loader" = grub ]; then
			[ "$got" = "$old" ] || [ "$got" = "$new" ] || { echo "$spec: grubenv is neither old nor new: $got"; return 1; }
		else
			read -r os rs <<<"$got"
			[ "$os" = "$old_os" ] || [ "$os" = "$new_os" ] || [ "$os" = absent ] ||
				{ echo "$spec: $ONESHOT is neither absent, old nor new: $os"; return 1; }
			[ "$rs" = "$old_rs" ] || [ "$rs" = "$new_rs" ] || [ "$rs" = absent ] ||
				{ echo "$spec: $REASON is neither absent, old nor new: $rs"; return 1; }
			if [ "$old_rs" != "$new_rs" ] && [ "$rs" = "$old_rs" ] && [ "$os" = "$new_os" ] && [ "$old_os" != "$new_os" ]; then
				echo "$spec: the old reason stayed beside the new one-shot"
				return 1
			fi
		fi
		case "$rc" in
		137) ;;	# killed: any allowed state
		0)
			if [ "$loader" = grub ]; then
				[ "$got" = "$new" ] || { echo "$spec: exit 0 but the grubenv is not the new one"; cat "$BATS_TEST_TMPDIR/out"; return 1; }
			else
				[ "$os" = "$new_os" ] || { echo "$spec: exit 0 but $ONESHOT is $os"; cat "$BATS_TEST_TMPDIR/out"; return 1; }
				[ "$rs" = "$new_rs" ] || grep -q "$REASON" "$BATS_TEST_TMPDIR/err" ||
					{ echo "$spec: exit 0, the reason not written, and nothing says so"; return 1; }
			fi
			;;
		*)
			grep -q '^vfio-preflight: rescue: ' "$BATS_TEST_TMPDIR/err" ||
				{ echo "$spec: exit $rc without a message"; return 1; }
			! grep -qE 'error [0-9]+|run update-grub' "$BATS_TEST_TMPDIR/err" ||
				{ echo "$spec: misleading message:"; cat "$BATS_TEST_TMPDIR/err"; return 1; }
			if [ "$loader" = grub ] && [ "$got" = "$new" ]; then
				grep -q "fsync failed" "$BATS_TEST_TMPDIR/err" ||
					{ echo "$spec: exit $rc with the new block written, and the message does not say so:"; cat "$BATS_TEST_TMPDIR/err"; return 1; }
			fi
			;;
		esac
		survived=$((survived + 1))
	}

	# inject SPEC: one run of the command with one tampering
	inject() {
		"${loader}_tree" "$t" "$action"
		rc=0
		strace -qq -o /dev/null -e "inject=$1" "$VFP" "${args[@]}" \
			>"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" || rc=$?
		grep -v '^strace: ' "$BATS_TEST_TMPDIR/err" >"$BATS_TEST_TMPDIR/err.1" || true
		mv "$BATS_TEST_TMPDIR/err.1" "$BATS_TEST_TMPDIR/err"
		check "$1" "$rc"
	}

	# every call: killed at its k-th invocation (strace counts per call)
	while read -r n sc; do
		for k in $(seq 1 "$n"); do
			inject "$sc:signal=KILL:when=$k" || return 1
		done
		case " $WRITES " in
		*" $sc "*)
			for k in $(seq 1 "$n"); do
				for e in $ERRORS; do
					inject "$sc:error=$e:when=$k" || return 1
				done
			done
			;;
		esac
		case " $READS " in
		*" $sc "*)
			for k in $(seq 1 "$n"); do
				inject "$sc:error=EIO:when=$k" || return 1
			done
			;;
		esac
	done < <(sed -n 's/^\([a-z0-9_]*\)(.*/\1/p' "$log" | grep -vx 'execve\|exit\|exit_group' | sort | uniq -c)
	echo "# $loader --$action: $tried injections tried, $survived survived" >&3
	[ "$tried" -gt 0 ] && [ "$tried" = "$survived" ]
}

@test "faultinject: GRUB --next-boot: killed at every call, errors at every write: old or new block" {
	sweep grub next-boot
}

@test "faultinject: GRUB --clear: killed at every call, errors at every write: old or new block" {
	sweep grub clear
}

@test "faultinject: systemd-boot --next-boot: variables absent, old or new; never a stale reason" {
	sweep sdboot next-boot
}

@test "faultinject: systemd-boot --clear: variables absent, old or new; a failure names the variable" {
	sweep sdboot clear
}
