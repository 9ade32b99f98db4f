/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * strbuf.c - bounded string building and tiny text helpers.
 */
#include "strbuf.h"
#include "utf8.h"

#include <string.h>

void sb_init(struct strbuf *sb, char *buf, size_t cap)
{
	sb->buf = buf;
	sb->cap = cap;
	sb->len = 0;
	sb->truncated = 0;
	if (cap)
		buf[0] = '\0';
}

void sb_addn(struct strbuf *sb, const char *s, size_t n)
{
	size_t room;

	if (!sb->cap || sb->truncated) /* once cut, nothing after: the text stays a prefix */
		return;
	room = sb->cap - 1 - sb->len;
	if (n > room) {
		n = utf8_cut(s, room); /* never half a character */
		sb->truncated = 1;
	}
	memcpy(sb->buf + sb->len, s, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void sb_add(struct strbuf *sb, const char *s)
{
	sb_addn(sb, s, strlen(s));
}

size_t sb_room(const struct strbuf *sb)
{
	return sb->cap ? sb->cap - 1 - sb->len : 0;
}

char *str_trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
		*--e = '\0';
	return s;
}

int str_starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

void modname_normalize(char *s)
{
	for (; *s; s++)
		if (*s == '-')
			*s = '_';
}

int modname_eq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char ca = *a == '-' ? '_' : *a, cb = *b == '-' ? '_' : *b;
		if (ca != cb)
			return 0;
	}
	return *a == *b;
}

long hex_parse(const char *s, unsigned max_digits)
{
	long v = 0;
	unsigned n = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	for (; *s; s++, n++) {
		int d;
		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			return -1;
		if (n >= max_digits)
			return -1;
		v = v * 16 + d;
	}
	return n ? v : -1;
}
