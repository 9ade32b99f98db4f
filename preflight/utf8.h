/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * utf8.h - keeping output well-formed UTF-8 (RFC 3629) whatever bytes the
 * tree holds: directory and driver names, the cmdline and modprobe.d are
 * bytes, and a JSON, text or kmsg reader is entitled to reject bad UTF-8.
 */
#ifndef VFP_UTF8_H
#define VFP_UTF8_H

#include <stddef.h>

/* what an ill-formed byte becomes: U+FFFD REPLACEMENT CHARACTER */
#define UTF8_REPLACEMENT "\xef\xbf\xbd"

/* The length of the one character at s (n bytes there), 0 when it is ill-formed. */
size_t utf8_char(const char *s, size_t n);

/* How many bytes at the start of s[0..n) are well-formed UTF-8. */
size_t utf8_valid(const char *s, size_t n);

/*
 * The largest m <= n where s can be cut without splitting a character:
 * n itself unless s[n] continues a sequence. s[n] must be readable when
 * the text goes on past n.
 */
size_t utf8_cut(const char *s, size_t n);

/*
 * Copy src[0..n) to dst (at most cap bytes, never ending inside a
 * character) with every ill-formed byte replaced by U+FFFD. Returns the
 * bytes written; *used says how much of src they stand for.
 */
size_t utf8_repair(char *dst, size_t cap, const char *src, size_t n, size_t *used);

#endif
