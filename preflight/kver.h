/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kver.h - "6.8.12-4-pve" against a kernel version the checks know a fact about. */
#ifndef VFP_KVER_H
#define VFP_KVER_H

/* 1 when release >= major.minor, 0 when older, -1 when it does not parse */
int kver_at_least(const char *release, long major, long minor);

#endif
