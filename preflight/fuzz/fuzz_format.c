/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: the message formatter against the C library's
 * snprintf. The input picks literals, conversions (flags, width,
 * precision, length) and their arguments; both must print the same text,
 * and when the buffer is too small ours must be a prefix that says so.
 * Ours never cuts a UTF-8 character: a precision or a full buffer that
 * falls inside one cuts before it, where snprintf cuts bytes.
 */
#include "format.h"
#include "utf8.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct input {
	const uint8_t *p;
	size_t n;
};

static unsigned take(struct input *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

static unsigned long take_long(struct input *in)
{
	unsigned long v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | take(in);
	return v;
}

/* one conversion: returns the two renderings' lengths compared inside */
static void one(struct input *in)
{
	static const char *const strs[] = {
		"",
		"x",
		"0000:01:00.0",
		"10de:2204",
		"a longer string value",
		"\xc3\xa9t\xc3\xa9",
		"\xe2\x82\xac\xf0\x9f\x98\x80 \xe6\x97\xa5\xe6\x9c\xac"
	};
	char cut[32];
	static const char convs[] = "sdux X c%";
	char fmt[32], ours[64], libc[256];
	size_t f = 0, cap = take(in) % sizeof(ours) + 1;
	unsigned flags = take(in), conv = convs[take(in) % (sizeof(convs) - 1)];
	int width = (int)(take(in) % 40), prec = (int)(take(in) % 30), len;

	if (conv == ' ')
		conv = 'o'; /* not supported: must come out as written */
	fmt[f++] = '[';
	fmt[f++] = '%';
	if (flags & 1)
		fmt[f++] = '-';
	if (flags & 2 && conv != 's' && conv != 'c' && conv != '%')
		fmt[f++] = '0';
	if (flags & 4 && conv != '%')
		f += (size_t)sprintf(fmt + f, "%d", width);
	if (flags & 8 && conv == 's')
		f += (size_t)(flags & 16 ? sprintf(fmt + f, ".*") : sprintf(fmt + f, ".%d", prec));
	if (flags & 32 && conv != 's' && conv != 'c' && conv != '%')
		fmt[f++] = flags & 64 ? 'z' : 'l';
	fmt[f++] = (char)conv;
	fmt[f++] = ']';
	fmt[f] = '\0';

	unsigned long v = take_long(in);

	if (conv == 'c')
		v = 32 + v % 95; /* printable: a NUL would end the comparison early */
	const char *s = strs[take(in) % (sizeof(strs) / sizeof(strs[0]))];
	int n;

	/* what ours prints of s under a precision: whole characters only */
	if (conv == 's' && flags & 8 && (size_t)prec < strlen(s)) {
		size_t k = utf8_cut(s, (size_t)prec);

		memcpy(cut, s, k);
		cut[k] = '\0';
	} else {
		snprintf(cut, sizeof(cut), "%s", s);
	}
	switch (conv) {
	case 's':
		if (flags & 8 && flags & 16) {
			n = str_fmt(ours, cap, fmt, prec, s);
			len = snprintf(libc, sizeof(libc), fmt, prec, cut);
		} else {
			n = str_fmt(ours, cap, fmt, s);
			len = snprintf(libc, sizeof(libc), fmt, cut);
		}
		break;
	case 'o':
		n = str_fmt(ours, cap, "[%o]", 8u);
		if (n >= 0 && strcmp(ours, "[%o]"))
			abort();
		return;
	case '%':
	case 'c':
	default:
		if (flags & 32) { /* %ld %lu %lx %zu ... */
			n = str_fmt(ours, cap, fmt, v);
			len = snprintf(libc, sizeof(libc), fmt, v);
		} else {
			n = str_fmt(ours, cap, fmt, (unsigned)v);
			len = snprintf(libc, sizeof(libc), fmt, (unsigned)v);
		}
		break;
	}
	if (len < 0)
		abort();
	if ((size_t)len < cap) { /* fits: the same text and length */
		if (n != len || strcmp(ours, libc))
			abort();
	} else { /* cut: a prefix up to cap - 1 bytes, whole characters, -ENAMETOOLONG */
		size_t want = utf8_cut(libc, cap - 1);

		if (n != -ENAMETOOLONG || strlen(ours) != want || strncmp(ours, libc, want))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };

	while (in.n)
		one(&in);
	return 0;
}
