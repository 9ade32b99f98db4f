/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * format.h - the printf subset the messages use, into bounded buffers.
 *
 * klibc's vsnprintf is 2.9 KB of the static binary and handles floats,
 * positional widths and flags no message here uses. This one knows
 * %s %c %d %u %x %X %%, the flags '-' and '0', a width, a precision
 * ('.N' or '.*', strings only; it never cuts a UTF-8 character in two)
 * and the length modifiers 'l' and 'z'.
 * Anything else is copied literally, so a bad format shows up in the
 * text instead of reading a wrong argument. The format attributes keep
 * the compiler checking every call against printf's rules.
 */
#ifndef VFP_FORMAT_H
#define VFP_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

#include "strbuf.h"

/* snprintf's job: returns the length, or -ENAMETOOLONG when cut (buf still ends in '\0') */
int str_fmt(char *buf, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int str_vfmt(char *buf, size_t cap, const char *fmt, va_list ap);
/* the same, appended to a strbuf (cut text sets sb->truncated) */
void sb_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_vaddf(struct strbuf *sb, const char *fmt, va_list ap);

#endif
