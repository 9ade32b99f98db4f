#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Golden verdicts, as kmod's testsuite keeps correct.txt per rootfs: every fixture host's
# level per check and phase must equal tests/hosts/NAME.expected (tests/verdicts writes
# both). A changed verdict shows as a diff; an intended one is a rewritten .expected in
# the same commit.

load test_helper/common

setup_file() { fixtures_setup; }
setup() { fixtures_setup; }

@test "golden: every host's verdicts per check and phase are its .expected" {
	local f name bad=0
	for f in "$REPO"/tests/hosts/*.host; do
		name="$(basename "$f" .host)"
		[ -e "$REPO/tests/hosts/$name.expected" ] || { echo "no tests/hosts/$name.expected"; bad=1; continue; }
		VFIO_PREFLIGHT="$VFP" "$REPO/tests/verdicts" "$(host "$name")" >"$BATS_TEST_TMPDIR/$name" || {
			echo "$name: tests/verdicts failed"
			bad=1
			continue
		}
		grep -v '^#' "$REPO/tests/hosts/$name.expected" |
			diff -u --label "$name.expected" --label "$name (this build)" - "$BATS_TEST_TMPDIR/$name" || bad=1
	done
	[ "$bad" -eq 0 ]
}

@test "golden: each .expected belongs to a host and lists exactly the table's checks per phase" {
	local f name phase
	for f in "$REPO"/tests/hosts/*.expected; do
		name="$(basename "$f" .expected)"
		[ -e "$REPO/tests/hosts/$name.host" ] || { echo "$name.expected has no $name.host"; return 1; }
		for phase in check predict verify upgrade; do
			diff -u --label "check_table ($phase)" --label "$name.expected ($phase)" <(check_ids "$phase") \
				<(awk -v p="$phase" '/^#/ { next } /^phase / { on = $2 == p; next } on { print $1 }' "$f")
		done
	done
}
