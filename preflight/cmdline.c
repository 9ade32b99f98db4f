/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmdline.c - split and query the kernel command line.
 */
#include "cmdline.h"
#include "strbuf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Remove the quotes the kernel removes: a leading one and its partner. */
static void strip_quotes(char *s)
{
	size_t len = strlen(s);

	if (len && s[0] == '"') {
		memmove(s, s + 1, len);
		len--;
		if (len && s[len - 1] == '"')
			s[--len] = '\0';
	}
}

int cmdline_parse(struct cmdline *c, const char *text)
{
	size_t len = strnlen(text, CMDLINE_MAX);
	char *s;

	c->n = 0;
	c->dropped = 0;
	c->buf = malloc(len + 1);
	if (!c->buf)
		return -ENOMEM;
	memcpy(c->buf, text, len);
	c->buf[len] = '\0';

	s = c->buf;
	for (;;) {
		char *start, *eq = NULL;
		int in_quote = 0;

		while (is_space(*s))
			s++;
		if (!*s)
			break;
		start = s;
		for (; *s && (in_quote || !is_space(*s)); s++) {
			if (*s == '"')
				in_quote = !in_quote;
			else if (*s == '=' && !eq && !in_quote)
				eq = s;
		}
		if (*s)
			*s++ = '\0';
		if (strcmp(start, "--") == 0)
			break;
		if (c->n == CMDLINE_MAX_PARAMS) {
			c->dropped++;
			continue;
		}
		if (eq) {
			*eq = '\0';
			strip_quotes(eq + 1);
		}
		strip_quotes(start);
		c->p[c->n].key = start;
		c->p[c->n].val = eq ? eq + 1 : NULL;
		c->n++;
	}
	return 0;
}

void cmdline_free(struct cmdline *c)
{
	free(c->buf);
	c->buf = NULL;
	c->n = 0;
}

int param_key_eq(const char *a, const char *b)
{
	return modname_eq(a, b);
}

const struct cmdline_param *cmdline_next(const struct cmdline *c, const char *key, size_t *pos)
{
	for (; *pos < c->n; (*pos)++)
		if (param_key_eq(c->p[*pos].key, key))
			return &c->p[(*pos)++];
	return NULL;
}

const struct cmdline_param *cmdline_last(const struct cmdline *c, const char *key)
{
	size_t i = c->n;

	while (i-- > 0)
		if (param_key_eq(c->p[i].key, key))
			return &c->p[i];
	return NULL;
}

const char *cmdline_serial_console(const struct cmdline *c)
{
	static const char *const serial[] = { "ttyS", "ttyAMA", "hvc", "ttyUSB", NULL };
	const struct cmdline_param *p;
	size_t pos = 0;

	while ((p = cmdline_next(c, "console", &pos))) {
		for (int i = 0; p->val && serial[i]; i++)
			if (str_starts(p->val, serial[i]))
				return p->val;
	}
	return NULL;
}
