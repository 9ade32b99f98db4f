/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * json_check.h - an oracle for the JSON writers' fuzz targets, written
 * apart from the writers: RFC 8259 grammar over bytes, strings decoded
 * code point by code point (RFC 3629: no overlongs, surrogates or values
 * past U+10FFFF; no raw control characters).
 */
#ifndef VFP_FUZZ_JSON_CHECK_H
#define VFP_FUZZ_JSON_CHECK_H

#include <stddef.h>
#include <stdint.h>

struct jcur {
	const unsigned char *p, *end;
	int depth;
};

static void jws(struct jcur *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
		c->p++;
}

/* one UTF-8 character at p as a code point; bytes used, 0 when ill-formed */
static size_t jutf8(const unsigned char *p, const unsigned char *end, uint32_t *cp)
{
	size_t n, i;
	uint32_t v;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if ((p[0] & 0xe0) == 0xc0) {
		n = 2;
		v = p[0] & 0x1f;
	} else if ((p[0] & 0xf0) == 0xe0) {
		n = 3;
		v = p[0] & 0x0f;
	} else if ((p[0] & 0xf8) == 0xf0) {
		n = 4;
		v = p[0] & 0x07;
	} else {
		return 0;
	}
	if ((size_t)(end - p) < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (p[i] & 0x3f);
	}
	if ((n == 2 && v < 0x80) || (n == 3 && v < 0x800) || (n == 4 && v < 0x10000) ||
	    (v >= 0xd800 && v <= 0xdfff) || v > 0x10ffff)
		return 0;
	*cp = v;
	return n;
}

static int jhex4(const unsigned char *p, uint32_t *v)
{
	*v = 0;
	for (int i = 0; i < 4; i++) {
		unsigned char h = p[i];

		*v <<= 4;
		if (h >= '0' && h <= '9')
			*v |= h - '0';
		else if (h >= 'a' && h <= 'f')
			*v |= h - 'a' + 10;
		else if (h >= 'A' && h <= 'F')
			*v |= h - 'A' + 10;
		else
			return -1;
	}
	return 0;
}

/*
 * A string at c->p; its decoded bytes into out (cap bytes, may be NULL) as
 * UTF-8, \u00XX escapes as the byte XX. Returns the decoded length or -1.
 */
static long jstring(struct jcur *c, unsigned char *out, size_t cap)
{
	size_t n = 0;

	if (c->p >= c->end || *c->p != '"')
		return -1;
	c->p++;
	while (c->p < c->end && *c->p != '"') {
		uint32_t cp;
		size_t k;

		if (*c->p == '\\') {
			if (c->end - c->p < 2)
				return -1;
			switch (c->p[1]) {
			case '"':
			case '\\':
			case '/':
			case 'b':
			case 'f':
			case 'n':
			case 'r':
			case 't':
				if (out && n < cap)
					out[n] = c->p[1];
				n++;
				c->p += 2;
				continue;
			case 'u':
				if (c->end - c->p < 6 || jhex4(c->p + 2, &cp) < 0)
					return -1;
				if (cp >= 0xd800 && cp <= 0xdfff)
					return -1; /* the writers never split a character in
						      surrogates */
				if (out && n < cap && cp < 0x100)
					out[n] = (unsigned char)cp;
				n++;
				c->p += 6;
				continue;
			default: return -1;
			}
		}
		if (*c->p < 0x20 || !(k = jutf8(c->p, c->end, &cp)))
			return -1;
		for (size_t i = 0; i < k; i++, n++)
			if (out && n < cap)
				out[n] = c->p[i];
		c->p += k;
	}
	if (c->p >= c->end)
		return -1;
	c->p++;
	return (long)n;
}

static int jvalue(struct jcur *c);

static int jnumber(struct jcur *c)
{
	const unsigned char *s = c->p;

	if (c->p < c->end && *c->p == '-')
		c->p++;
	if (c->p >= c->end || *c->p < '0' || *c->p > '9')
		return -1;
	if (*c->p == '0')
		c->p++;
	else
		while (c->p < c->end && *c->p >= '0' && *c->p <= '9')
			c->p++;
	if (c->p < c->end && *c->p == '.') {
		c->p++;
		if (c->p >= c->end || *c->p < '0' || *c->p > '9')
			return -1;
		while (c->p < c->end && *c->p >= '0' && *c->p <= '9')
			c->p++;
	}
	return c->p > s ? 0 : -1;
}

static int jword(struct jcur *c, const char *w)
{
	size_t n = 0;

	while (w[n])
		n++;
	if ((size_t)(c->end - c->p) < n)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (c->p[i] != (unsigned char)w[i])
			return -1;
	c->p += n;
	return 0;
}

/* an array's values or an object's "key": value pairs, from the open bracket to `close` */
static int jmembers(struct jcur *c, unsigned char close, int object)
{
	int first = 1;

	c->p++;
	for (;;) {
		jws(c);
		if (first && c->p < c->end && *c->p == close)
			break;
		if (object) {
			if (jstring(c, NULL, 0) < 0)
				return -1;
			jws(c);
			if (c->p >= c->end || *c->p++ != ':')
				return -1;
		}
		if (jvalue(c) < 0)
			return -1;
		first = 0;
		jws(c);
		if (c->p < c->end && *c->p == ',') {
			c->p++;
			continue;
		}
		if (c->p < c->end && *c->p == close)
			break;
		return -1;
	}
	c->p++;
	c->depth--;
	return 0;
}

static int jvalue(struct jcur *c)
{
	jws(c);
	if (c->p >= c->end || ++c->depth > 64)
		return -1;
	switch (*c->p) {
	case '"': return jstring(c, NULL, 0) < 0 ? -1 : (c->depth--, 0);
	case 't': return jword(c, "true") < 0 ? -1 : (c->depth--, 0);
	case 'f': return jword(c, "false") < 0 ? -1 : (c->depth--, 0);
	case 'n': return jword(c, "null") < 0 ? -1 : (c->depth--, 0);
	case '[': return jmembers(c, ']', 0);
	case '{': return jmembers(c, '}', 1);
	}
	if (jnumber(c) < 0)
		return -1;
	c->depth--;
	return 0;
}

/* one JSON document (and nothing but white space after it) */
static int json_doc_valid(const void *s, size_t n)
{
	struct jcur c = { s, (const unsigned char *)s + n, 0 };

	if (jvalue(&c) < 0)
		return 0;
	jws(&c);
	return c.p == c.end;
}

#endif
