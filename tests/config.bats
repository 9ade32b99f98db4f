#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# /etc/default/vfio-preflight is data, never code: `vfio-preflight config`
# and `boot predict` read it with one parser, report every bad line with its
# file and line, and apply the key's default. Nothing in the file ever runs.

load test_helper/common

setup() {
	fixtures_setup # boot predict's tests copy a fixture host
	T="$BATS_TEST_TMPDIR/root"
	mkdir -p "$T/etc/default"
	CONF="$T/etc/default/vfio-preflight"
	F="$T/etc/default/vfio-preflight"
}

# conf LINE...: the configuration file, one argument a line
conf() {
	printf '%s\n' "$@" >"$CONF"
}

defaults='FALLBACK="auto"
FATAL_CHECKS="display.headless"
FORCE_LOAD="vfio_pci"
REBIND_BUILTIN="yes"'

@test "config: no file: the defaults, exit 0, nothing on stderr" {
	rm -f "$CONF"
	run -0 --separate-stderr "$VFP" config --root "$T"
	[ "$output" = "$defaults" ]
	[ -z "$stderr" ]
}

@test "config: the shipped file (all commented out) gives the defaults without a warning" {
	cp "$REPO/initramfs-hooks/default/vfio-preflight" "$CONF"
	run -0 --separate-stderr "$VFP" config --root "$T"
	[ "$output" = "$defaults" ]
	[ -z "$stderr" ]
}

@test "config: valid settings in every quoting, comments, blanks, CRLF, the last one wins" {
	conf '  # indented comment' '' 'FALLBACK=reboot' "FALLBACK='inplace'   # second wins" \
		'FATAL_CHECKS="  display.headless	 vfio.binding "' 'FORCE_LOAD=""' $'FORCE_LOAD="vfio_pci vfio-iommu-type1"\r'
	run -0 --separate-stderr "$VFP" config --root "$T"
	[ "$output" = 'FALLBACK="inplace"
FATAL_CHECKS="display.headless vfio.binding"
FORCE_LOAD="vfio_pci vfio-iommu-type1"
REBIND_BUILTIN="yes"' ]
	[ -z "$stderr" ]
}

# bad LINE MESSAGE-GLOB: that line alone is ignored with W: FILE:1: MESSAGE and
# the defaults stand; nothing in it ran (a marker file would appear)
bad() {
	conf "$1"
	run -1 --separate-stderr "$VFP" config --root "$T"
	[ "$output" = "$defaults" ]
	echo "stderr: $stderr"
	[[ "$stderr" == "W: vfio-preflight: $F:1: "$2 ]]
	[ "$(wc -l <<<"$stderr")" -eq 1 ]
	[ ! -e "$BATS_TEST_TMPDIR/ran" ]
}

@test "config: an unterminated quote is ignored with its line" {
	bad 'FALLBACK="off' 'unterminated quote, line ignored'
	bad "FALLBACK='off" 'unterminated quote, line ignored'
}

@test "config: a stray ')' is ignored with its line" {
	bad 'FALLBACK="off" )' "text after the value (quote it): 'FALLBACK=\"off\" )', ignored"
	bad 'FALLBACK=off)' "not KEY=\"value\" (quote the value): 'FALLBACK=off)', ignored"
}

@test "config: backquotes, \$( ), a backslash and other shell code are never run" {
	bad "\`touch $BATS_TEST_TMPDIR/ran\`" "not KEY=\"value\": '?touch *"
	bad "FALLBACK=\"\`touch $BATS_TEST_TMPDIR/ran\`\"" "'\`' in a value is shell code, not data: line ignored"
	bad "FALLBACK=\"\$(touch $BATS_TEST_TMPDIR/ran)\"" "'\$' in a value is shell code, not data: line ignored"
	bad 'FALLBACK="o\ff"' "'\\\\' in a value is shell code, not data: line ignored"
	bad "FALLBACK=off; touch $BATS_TEST_TMPDIR/ran" "not KEY=\"value\" (quote the value): *"
	bad "FALLBACK=off touch $BATS_TEST_TMPDIR/ran" "text after the value (quote it): *"
	bad "FALLBACK=\$(touch $BATS_TEST_TMPDIR/ran)" "not KEY=\"value\" (quote the value): *"
}

@test "config: 'exit', 'export' and other commands are no settings" {
	bad 'exit 1' "not KEY=\"value\": 'exit 1', ignored"
	bad 'export FALLBACK=off' "not KEY=\"value\": 'export FALLBACK=off', ignored"
	bad '. /etc/other' "not KEY=\"value\": '. /etc/other', ignored"
}

@test "config: an unknown key is ignored with its name" {
	bad 'FALLBAK="off"' "unknown key 'FALLBAK', ignored"
}

@test "config: a bad value is ignored and that key's default applies" {
	bad 'FALLBACK="sometimes"' "FALLBACK: 'sometimes' is not one of auto, reboot, inplace, off; the default 'auto' applies"
	bad 'FALLBACK="off inplace"' "FALLBACK: 'inplace' is not one of *"
	bad 'FALLBACK=""' "FALLBACK is empty; the default 'auto' applies"
	bad 'FATAL_CHECKS="display.headless vfio.bindnig"' "FATAL_CHECKS: 'vfio.bindnig' is no check id *; the default 'display.headless' applies"
	bad 'FATAL_CHECKS=""' "FATAL_CHECKS is empty (to never fall back, set FALLBACK=\"off\"); the default 'display.headless' applies"
	bad 'FORCE_LOAD="vfio_pci ../evil"' "FORCE_LOAD: '../evil' is no module name; the default 'vfio_pci' applies"
	bad 'REBIND_BUILTIN="off"' "REBIND_BUILTIN: 'off' is not yes or no; the default 'yes' applies"
	bad 'REBIND_BUILTIN="no no"' "REBIND_BUILTIN: 'no' is not yes or no; the default 'yes' applies"
	bad 'REBIND_BUILTIN=""' "REBIND_BUILTIN is empty; the default 'yes' applies"
}

@test "config: a bad value after a good one resets the key to its default" {
	conf 'FALLBACK="off"' 'FALLBACK="of"'
	run -1 --separate-stderr "$VFP" config --root "$T"
	[[ "$output" == 'FALLBACK="auto"'* ]]
	[[ "$stderr" == "W: vfio-preflight: $F:2: FALLBACK: 'of' "* ]]
}

@test "config: bytes that are no text are shown as '?', never copied into a message" {
	printf 'F\303\251=1\nX=\001\nFALLBACK="\377"\n' >"$CONF"
	run -1 --separate-stderr "$VFP" config --root "$T"
	[ "$output" = "$defaults" ]
	LC_ALL=C grep -q $'[\x80-\xff\x01]' <<<"$stderr" && return 1
	[[ "$stderr" == *"$F:1: not KEY=\"value\": 'F??=1', ignored"* ]]
	[[ "$stderr" == *"$F:3: FALLBACK: '?' is not one of"* ]]
}

@test "config: a NUL byte or an overlong line is ignored with its line" {
	printf 'FALLBACK="off\0"\n%05000d\nFALLBACK=reboot\n' 0 >"$CONF"
	run -1 --separate-stderr "$VFP" config --root "$T"
	[[ "$output" == 'FALLBACK="reboot"'* ]]
	[[ "$stderr" == *"$F:1: a NUL byte in the line, ignored"* ]]
	[[ "$stderr" == *"$F:2: line too long, ignored"* ]]
}

@test "config: at most 16 problems are reported, then a count" {
	for i in $(seq 40); do echo "junk $i"; done >"$CONF"
	run -1 --separate-stderr "$VFP" config --root "$T"
	[ "$(grep -c "^W: vfio-preflight: $F:[0-9]*: not KEY" <<<"$stderr")" -eq 16 ]
	[[ "$stderr" == *"W: vfio-preflight: $F: 24 more problems not shown" ]]
}

@test "config: an unreadable file is reported, the defaults apply" {
	mkdir -p "$CONF"
	run -1 --separate-stderr "$VFP" config --root "$T"
	[ "$output" = "$defaults" ]
	[[ "$stderr" == "W: vfio-preflight: $F: cannot read it: "*"; defaults apply" ]]
}

@test "config: --kmsg writes one kernel-ring record per problem, naming file and line" {
	mkdir -p "$T/dev" && : >"$T/dev/kmsg"
	conf 'FALLBACK="off' 'NOPE=1'
	run -1 --separate-stderr "$VFP" config --root "$T" --kmsg
	[ -z "$stderr" ]
	[ "$(cat "$T/dev/kmsg")" = "<4>vfio-preflight: config: $F:1: unterminated quote, line ignored
<4>vfio-preflight: config: $F:2: unknown key 'NOPE', ignored" ]
}

@test "config: its output is a valid configuration that parses to itself" {
	conf "FALLBACK='reboot'" 'FATAL_CHECKS=" vfio.binding  display.headless"' 'FORCE_LOAD=' 'BAD'
	run -1 "$VFP" config --root "$T"
	printf '%s\n' "$output" | grep -v '^W:' >"$BATS_TEST_TMPDIR/out"
	cp "$BATS_TEST_TMPDIR/out" "$CONF"
	run -0 --separate-stderr "$VFP" config --root "$T"
	[ "$output" = "$(cat "$BATS_TEST_TMPDIR/out")" ]
	[ -z "$stderr" ]
}

@test "config: a valid file means the same to dash as to the parser" {
	local f
	for f in 'FALLBACK=reboot' "FALLBACK='off'" 'FALLBACK="inplace" # c' \
		'FATAL_CHECKS="vfio.binding display.headless"' 'FORCE_LOAD=vfio_pci' "FORCE_LOAD=''" \
		'REBIND_BUILTIN=no' "REBIND_BUILTIN='yes'"; do
		conf "$f"
		run -0 "$VFP" config --root "$T"
		want="$(dash -c ". '$CONF'; printf 'FALLBACK=\"%s\"\nFATAL_CHECKS=\"%s\"\nFORCE_LOAD=\"%s\"\nREBIND_BUILTIN=\"%s\"' \
			\"\${FALLBACK-auto}\" \"\${FATAL_CHECKS-display.headless}\" \"\${FORCE_LOAD-vfio_pci}\" \
			\"\${REBIND_BUILTIN-yes}\"")"
		[ "$output" = "$want" ] || { echo "$f: parser '$output', dash '$want'"; return 1; }
	done
}

@test "config: boot predict logs the problems to the ring and gives init-top the validated FALLBACK with FATAL" {
	root="$(copy_host guide-single-gpu)" # headless: display.headless fails
	mkdir -p "$root/dev" "$root/etc/default" && : >"$root/dev/kmsg"
	printf '%s\n' 'FALLBACK="off' 'FATAL_CHECKS="display.headless vfio.binding"' >"$root/etc/default/vfio-preflight"
	run -0 "$VFP" boot predict --root "$root"
	grep -qx "<4>vfio-preflight: config: $root/etc/default/vfio-preflight:1: unterminated quote, line ignored" \
		"$root/dev/kmsg"
	# the broken FALLBACK line keeps the default; FATAL_CHECKS applies
	grep -qx "FATAL='display.headless'" "$root/run/vfio-preflight/predict.env"
	grep -qx "FALLBACK='auto'" "$root/run/vfio-preflight/predict.env"
	[ ! -e "$root/run/vfio-preflight/config.env" ]
	echo 'FALLBACK=inplace' >"$root/etc/default/vfio-preflight"
	run -0 "$VFP" boot predict --root "$root"
	grep -qx "FALLBACK='inplace'" "$root/run/vfio-preflight/predict.env"
	dash -c ". '$root/run/vfio-preflight/predict.env' && [ \"\$FALLBACK\" = inplace ]"
	# nothing fatal failed: no FALLBACK, init-top's normal path reads one line less
	echo 'FATAL_CHECKS="vfio.binding"' >"$root/etc/default/vfio-preflight"
	run -0 "$VFP" boot predict --root "$root"
	grep -qx "FATAL=''" "$root/run/vfio-preflight/predict.env"
	! grep -q '^FALLBACK=' "$root/run/vfio-preflight/predict.env"
}

@test "config: a usage error is exit 2" {
	run -2 "$VFP" config --json-please
}

@test "config: boot predict writes FATAL, the fatal checks that failed, for init-top" {
	root="$(copy_host guide-single-gpu)"
	mkdir -p "$root/dev" "$root/etc/default" && : >"$root/dev/kmsg"
	run -0 "$VFP" boot predict --root "$root"
	grep -qx "FATAL='display.headless'" "$root/run/vfio-preflight/predict.env"
	# headless, but display.headless not fatal: nothing to fall back for
	echo 'FATAL_CHECKS="vfio.binding"' >"$root/etc/default/vfio-preflight"
	run -0 "$VFP" boot predict --root "$root"
	grep -qx "FATAL=''" "$root/run/vfio-preflight/predict.env"
	# a broken line falls back to the default: display.headless is fatal again
	echo 'FATAL_CHECKS="vfio.binding' >"$root/etc/default/vfio-preflight"
	run -0 "$VFP" boot predict --root "$root"
	grep -qx "FATAL='display.headless'" "$root/run/vfio-preflight/predict.env"
	# sourced as init-top does
	dash -c ". '$root/run/vfio-preflight/predict.env' && [ \"\$FATAL\" = display.headless ]"
}
