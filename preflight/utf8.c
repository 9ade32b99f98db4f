/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * utf8.c - well-formed UTF-8 for output, see utf8.h.
 */
#include "utf8.h"

#include <string.h>

/* length of the well-formed sequence at s (n bytes there), 0 when ill-formed */
static size_t seq_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t len;

	if (c < 0x80)
		return 1;
	if (c < 0xc2 || c > 0xf4) /* a continuation byte, an overlong 2-byte lead, past U+10FFFF */
		return 0;
	len = c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
	/* the second byte's range excludes overlongs, surrogates and past U+10FFFF (RFC 3629 4) */
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return len;
}

size_t utf8_char(const char *s, size_t n)
{
	return n ? seq_len((const unsigned char *)s, n) : 0;
}

size_t utf8_valid(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, k;

	while (i < n) {
		if (u[i] < 0x80) { /* the common case: ASCII */
			i++;
			continue;
		}
		if (!(k = seq_len(u + i, n - i)))
			break;
		i += k;
	}
	return i;
}

size_t utf8_cut(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t m = n;

	/* back over at most three continuation bytes to the lead they belong to */
	while (m > 0 && n - m < 3 && (u[m] & 0xc0) == 0x80)
		m--;
	if ((u[m] & 0xc0) == 0x80 || u[m] < 0xc0)
		return n; /* no lead there: n splits no well-formed character */
	return m;
}

size_t utf8_repair(char *dst, size_t cap, const char *src, size_t n, size_t *used)
{
	size_t in = 0, out = 0;

	while (in < n) {
		size_t k = utf8_valid(src + in, n - in);

		if (k > cap - out) { /* the last that fits, whole characters only */
			k = utf8_cut(src + in, cap - out);
			memcpy(dst + out, src + in, k);
			out += k;
			in += k;
			break;
		}
		memcpy(dst + out, src + in, k);
		out += k;
		in += k;
		if (in == n)
			break;
		/* src[in] starts no well-formed character */
		if (cap - out < sizeof(UTF8_REPLACEMENT) - 1)
			break;
		memcpy(dst + out, UTF8_REPLACEMENT, sizeof(UTF8_REPLACEMENT) - 1);
		out += sizeof(UTF8_REPLACEMENT) - 1;
		in++;
	}
	*used = in;
	return out;
}
