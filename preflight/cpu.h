/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cpu.h - can this host run KVM guests at all: the CPU's virtualization
 * flag in /proc/cpuinfo (the kernel clears "vmx" when the firmware locked
 * VT-x off), and /dev/kvm.
 */
#ifndef VFP_CPU_H
#define VFP_CPU_H

#include <stdbool.h>

#include "rootfs.h"

struct cpu_virt {
	int status;    /* 0 read, else -errno of /proc/cpuinfo */
	bool vmx, svm; /* on the first CPU's flags line */
	bool dev_kvm;
};

/* One /proc/cpuinfo line into c; returns 1 after the first "flags" line (stop). */
int cpuinfo_parse_line(const char *line, struct cpu_virt *c);
/* /dev/kvm only when want_dev_kvm: in the initramfs it cannot exist yet */
void cpu_load(const struct root *r, bool want_dev_kvm, struct cpu_virt *c);

#endif
