/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * out.h - buffered output to a file descriptor.
 *
 * Replaces stdio in the boot binary: klibc's vfprintf formats every call
 * through vsnprintf, and the JSON of 4096 functions is thousands of calls.
 * Hot paths use out_str/out_hex/out_dec; out_printf is for the rest.
 * Everything but out_bytes is text: bytes that are not well-formed UTF-8
 * come out as U+FFFD, so a report stays valid UTF-8 whatever the tree
 * holds. out_bytes is for data read back byte for byte (env, snapshot).
 */
#ifndef VFP_OUT_H
#define VFP_OUT_H

#include <stdarg.h>
#include <stddef.h>

struct out {
	int fd;
	int err; /* first write error, -errno */
	size_t len;
	char buf[16384]; /* 4096 functions of JSON are ~1.2 MB: 75 writes, not 300 */
};

void out_init(struct out *o, int fd);
void out_mem(struct out *o, const char *s, size_t n);
void out_bytes(struct out *o, const char *s, size_t n);
void out_str(struct out *o, const char *s);
void out_char(struct out *o, char c); /* ASCII; a byte >= 0x80 alone is no character */
void out_hex(struct out *o, unsigned long v, int digits); /* zero-padded, lower case */
void out_dec(struct out *o, long v);
void out_printf(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void out_vprintf(struct out *o, const char *fmt, va_list ap);
/* Write what is buffered; returns 0 or the first error. */
int out_flush(struct out *o);

/* one formatted line on stderr, unbuffered: for error messages */
void err_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
