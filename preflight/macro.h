/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * macro.h - the few compile-time helpers every file may use.
 */
#ifndef VFP_MACRO_H
#define VFP_MACRO_H

/* 0, or a compile error when a is a pointer rather than an array */
#define MUST_BE_ARRAY(a) \
	(sizeof(char[1 - 2 * __builtin_types_compatible_p(__typeof__(a), __typeof__(&(a)[0]))]) - 1)

/* elements of an array (never of a pointer: that does not compile) */
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]) + MUST_BE_ARRAY(a))

#endif
