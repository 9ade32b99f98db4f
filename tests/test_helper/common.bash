# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2154 # $output and $status are set by bats' run
# Common setup for the bats suite: where the binary is, fixture hosts built
# once per run from tests/hosts/*.host, and JSON helpers.

bats_require_minimum_version 1.5.0

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# The binary under test: the static boot binary unless the runner says otherwise
# (tests/run-tests also runs the suite against the ASan+UBSan build).
VFP="${VFIO_PREFLIGHT:-$REPO/preflight/vfio-preflight}"

# Build every fixture host once per bats run; tests copy before modifying.
fixtures_setup() {
	if [ -z "${FIXTURES:-}" ]; then
		FIXTURES="$BATS_RUN_TMPDIR/fixtures"
		if mkdir "$BATS_RUN_TMPDIR/fixtures.lock" 2>/dev/null; then
			"$REPO/tests/mkfixture" --all "$FIXTURES" >/dev/null
			touch "$BATS_RUN_TMPDIR/fixtures.done"
		fi
		while [ ! -e "$BATS_RUN_TMPDIR/fixtures.done" ]; do sleep 0.1; done
	fi
	export FIXTURES
}

host() {
	printf '%s/%s\n' "$FIXTURES" "$1"
}

# A private, writable copy of a fixture host for a test that changes it.
copy_host() {
	cp -a "$FIXTURES/$1" "$BATS_TEST_TMPDIR/$1"
	printf '%s/%s\n' "$BATS_TEST_TMPDIR" "$1"
}

# Run `check --json` on ROOT (extra args after it); the JSON is in $output.
check_json() {
	local root="$1"
	shift
	run "$VFP" check --root "$root" --json "$@"
}

# level / message / hint of check ID in the JSON held in $output
level_of() { jq -r --arg id "$1" '.checks[] | select(.id == $id) | .level' <<<"$output"; }
message_of() { jq -r --arg id "$1" '.checks[] | select(.id == $id) | .message' <<<"$output"; }
hint_of() { jq -r --arg id "$1" '.checks[] | select(.id == $id) | .hint' <<<"$output"; }

# assert that check ID has LEVEL; print the whole check on failure
assert_level() {
	local got
	got="$(level_of "$1")"
	if [ "$got" != "$2" ]; then
		echo "check $1: expected $2, got '$got'" >&2
		jq --arg id "$1" '.checks[] | select(.id == $id)' <<<"$output" >&2
		return 1
	fi
}

# assert that FIELD (message|hint) of check ID contains TEXT
assert_says() {
	local id="$1" field="$2" text="$3" got
	got="$(jq -r --arg id "$id" --arg f "$field" '.checks[] | select(.id == $id) | .[$f]' <<<"$output")"
	case "$got" in
	*"$text"*) return 0 ;;
	esac
	echo "check $id: $field does not contain '$text': $got" >&2
	return 1
}

# check_ids PHASE: the ids of preflight/checks.c's check_table that run in PHASE
# (check, predict, verify: the runtime rows; upgrade), in table order. Lists of
# ids in tests come from here, so a new row is tested without editing them.
check_ids() {
	local mask=PHASES_RUNTIME
	[ "$1" = upgrade ] && mask=PHASES_UPGRADE
	awk -v mask="$mask" '
		/^const struct check check_table\[\]/ { t = 1; next }
		t && /^};/ { exit }
		t && /^[ \t]*\{ "/ && index($0, mask) { split($0, f, "\""); print f[2] }
	' "$REPO/preflight/checks.c"
}
