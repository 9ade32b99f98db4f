/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vm_cmd.h - the `vm` command, called by main() with argv[0] = "vm". */
#ifndef VFP_VM_CMD_H
#define VFP_VM_CMD_H

#include "cli.h"

/* returns an enum exit_status, as check: EXIT_FAILED when a VM has a FAIL */
int vm_main(int argc, char **argv);

#endif
