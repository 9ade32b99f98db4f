#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# make demo: the README's one command that shows the tool without a GPU.

load test_helper/common

@test "demo: make demo checks the guide's single-GPU host (headless), a two-GPU host (fine) and this machine" {
	run -0 make -s -C "$REPO" demo
	[[ "$output" == *"==== example host guide-single-gpu: The Proxmox passthrough guide's own host ===="* ]]
	[[ "$output" == *"FAIL  display.headless           binding leaves the host headless"* ]]
	[[ "$output" == *"==== example host two-nvidia: Two NVIDIA cards ===="* ]]
	[[ "$output" == *"PASS  display.headless           the host keeps 1 display(s)"* ]]
	[[ "$output" == *"group 16: passthrough, viable"* ]]
	[[ "$output" == *"==== this machine ($(uname -n), kernel $(uname -r)) ===="* ]]
	# the machine's own report follows its heading, whatever its verdict
	[[ "${output##*==== this machine}" == *"vfio-preflight check: host report (root /, kernel $(uname -r)"* ]]
}
