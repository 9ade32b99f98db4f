/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * strbuf.h - bounded string building for messages.
 *
 * A strbuf never overflows: text past the capacity is dropped and
 * `truncated` is set, so renderers can say so instead of cutting silently.
 * A cut never splits a UTF-8 character.
 */
#ifndef VFP_STRBUF_H
#define VFP_STRBUF_H

#include <stddef.h>

struct strbuf {
	char *buf;
	size_t cap, len;
	int truncated;
};

void sb_init(struct strbuf *sb, char *buf, size_t cap);
void sb_add(struct strbuf *sb, const char *s);
void sb_addn(struct strbuf *sb, const char *s, size_t n);
/* sb_addf, sb_vaddf: in format.h, beside the engine they run on */
/* bytes that still fit before the terminating NUL */
size_t sb_room(const struct strbuf *sb);

/* small text helpers shared by the parsers */
char *str_trim(char *s);
int str_starts(const char *s, const char *prefix);
/* module names: modprobe treats '-' and '_' alike; normalize to '_' */
void modname_normalize(char *s);
int modname_eq(const char *a, const char *b);
/* parse exactly `digits`..1 hex digits (optional 0x), whole string; -1 on error */
long hex_parse(const char *s, unsigned max_digits);

#endif
