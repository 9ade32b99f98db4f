/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * format.c - the printf subset the messages use, see format.h.
 */
#include "format.h"
#include "utf8.h"

#include <errno.h>
#include <string.h>

_Static_assert(sizeof(size_t) == sizeof(unsigned long), "'z' is read as unsigned long");

static void sb_pad(struct strbuf *sb, char c, size_t n)
{
	while (n--)
		sb_addn(sb, &c, 1);
}

void sb_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
	while (*fmt) {
		const char *spec = strchr(fmt, '%');
		size_t width = 0, prec = (size_t)-1, n;
		int left = 0, zero = 0, lng = 0;
		char tmp[24], *s, *e = tmp + sizeof(tmp);
		unsigned long u;
		char conv;

		if (!spec)
			spec = fmt + strlen(fmt);
		sb_addn(sb, fmt, (size_t)(spec - fmt));
		if (!*spec)
			return;
		fmt = spec + 1;
		for (;; fmt++) {
			if (*fmt == '-')
				left = 1;
			else if (*fmt == '0')
				zero = 1;
			else
				break;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (size_t)(*fmt++ - '0');
		if (*fmt == '.') {
			if (*++fmt == '*') {
				int p = va_arg(ap, int);

				prec = p < 0 ? (size_t)-1 : (size_t)p;
				fmt++;
			} else {
				for (prec = 0; *fmt >= '0' && *fmt <= '9'; fmt++)
					prec = prec * 10 + (size_t)(*fmt - '0');
			}
		}
		while (*fmt == 'l' || *fmt == 'z')
			lng = *fmt++;
		s = e;
		conv = *fmt;
		switch (conv) {
		case 's':
			s = va_arg(ap, char *);
			if (!s)
				s = "(null)";
			e = s + strnlen(s, prec);
			if (*e) /* cut by the precision: whole UTF-8 characters only */
				e = s + utf8_cut(s, (size_t)(e - s));
			break;
		case 'c': *--s = (char)va_arg(ap, int); break;
		case 'd': {
			long v = lng ? va_arg(ap, long) : va_arg(ap, int);

			u = v < 0 ? 0ul - (unsigned long)v : (unsigned long)v;
			do
				*--s = (char)('0' + u % 10);
			while (u /= 10);
			if (v < 0)
				*--s = '-';
			break;
		}
		case 'u':
		case 'x':
		case 'X': {
			unsigned base = conv == 'u' ? 10 : 16;
			const char *digits = conv == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";

			u = lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned);
			do
				*--s = digits[u % base];
			while (u /= base);
			break;
		}
		case '%': *--s = '%'; break;
		default: /* unknown or cut short: show it as written */
			sb_addn(sb, spec, (size_t)(fmt - spec) + (*fmt != '\0'));
			if (*fmt)
				fmt++;
			continue;
		}
		fmt++;
		n = (size_t)(e - s);
		if (!left && width > n) {
			zero = zero && conv != 's' && conv != 'c';
			if (zero && *s == '-') { /* -0042, not 00-42 */
				sb_addn(sb, s++, 1);
				width--;
				n--;
			}
			sb_pad(sb, zero ? '0' : ' ', width - n);
		}
		sb_addn(sb, s, n);
		if (left && width > n)
			sb_pad(sb, ' ', width - n);
	}
}

void sb_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sb_vaddf(sb, fmt, ap);
	va_end(ap);
}

int str_vfmt(char *buf, size_t cap, const char *fmt, va_list ap)
{
	struct strbuf sb;

	sb_init(&sb, buf, cap);
	sb_vaddf(&sb, fmt, ap);
	return sb.truncated || !cap ? -ENAMETOOLONG : (int)sb.len;
}

int str_fmt(char *buf, size_t cap, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = str_vfmt(buf, cap, fmt, ap);
	va_end(ap);
	return n;
}
