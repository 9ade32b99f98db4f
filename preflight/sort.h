/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sort.h - sort 64-bit keys ascending.
 *
 * The tables sorted here (functions by slot, functions by IOMMU group)
 * pack what they sort by in the high bits and an index in the low bits,
 * so one integer sort replaces qsort's callback per comparison: klibc's
 * qsort was a third of a 4096-function check.
 */
#ifndef VFP_SORT_H
#define VFP_SORT_H

#include <stddef.h>
#include <stdint.h>

/* Stable bottom-up merge sort; returns 0 or -ENOMEM. */
int sort_u64(uint64_t *v, size_t n);

#endif
