/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * out.c - buffered output to a file descriptor.
 */
#include "format.h"
#include "strbuf.h"
#include "out.h"
#include "utf8.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

void out_init(struct out *o, int fd)
{
	o->fd = fd;
	o->err = 0;
	o->len = 0;
}

int out_flush(struct out *o)
{
	size_t done = 0;

	while (done < o->len && !o->err) {
		ssize_t n = write(o->fd, o->buf + done, o->len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			o->err = n < 0 ? -errno : -EIO;
		else
			done += (size_t)n;
	}
	o->len = 0;
	return o->err;
}

void out_mem(struct out *o, const char *s, size_t n)
{
	while (n) {
		size_t k = utf8_valid(s, n);

		out_bytes(o, s, k);
		if (k == n)
			return;
		out_bytes(o, UTF8_REPLACEMENT, sizeof(UTF8_REPLACEMENT) - 1);
		s += k + 1;
		n -= k + 1;
	}
}

void out_bytes(struct out *o, const char *s, size_t n)
{
	while (n) {
		size_t room = sizeof(o->buf) - o->len, k = n < room ? n : room;

		memcpy(o->buf + o->len, s, k);
		o->len += k;
		s += k;
		n -= k;
		if (o->len == sizeof(o->buf))
			out_flush(o);
	}
}

void out_str(struct out *o, const char *s)
{
	out_mem(o, s, strlen(s));
}

void out_char(struct out *o, char c)
{
	if (c & 0x80) {
		out_bytes(o, UTF8_REPLACEMENT, sizeof(UTF8_REPLACEMENT) - 1);
		return;
	}
	if (o->len == sizeof(o->buf))
		out_flush(o);
	o->buf[o->len++] = c;
}

void out_hex(struct out *o, unsigned long v, int digits)
{
	char tmp[16];

	for (int i = digits - 1; i >= 0; i--, v >>= 4)
		tmp[i] = "0123456789abcdef"[v & 15];
	out_bytes(o, tmp, (size_t)digits);
}

void out_dec(struct out *o, long v)
{
	char tmp[24], *p = tmp + sizeof(tmp);
	unsigned long u = v < 0 ? 0ul - (unsigned long)v : (unsigned long)v;

	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*--p = '-';
	out_bytes(o, p, (size_t)(tmp + sizeof(tmp) - p));
}

void out_vprintf(struct out *o, const char *fmt, va_list ap)
{
	char tmp[1024];
	struct strbuf sb;

	sb_init(&sb, tmp, sizeof(tmp));
	sb_vaddf(&sb, fmt, ap);
	out_mem(o, tmp, sb.len);
}

void out_printf(struct out *o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	out_vprintf(o, fmt, ap);
	va_end(ap);
}

void err_printf(const char *fmt, ...)
{
	struct out o;
	va_list ap;

	out_init(&o, STDERR_FILENO);
	va_start(ap, fmt);
	out_vprintf(&o, fmt, ap);
	va_end(ap);
	out_flush(&o); /* an error here has nowhere left to go */
}
