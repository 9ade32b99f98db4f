/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmdline.c - split and query the kernel command line.
 */
#include "cmdline.h"
#include "kparam.h"
#include "strbuf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int cmdline_parse(struct cmdline *c, const char *text)
{
	size_t len = strnlen(text, CMDLINE_MAX);
	char *s;

	c->n = 0;
	c->dropped = 0;
	c->after_dashes = NULL;
	c->buf = malloc(len + 1);
	if (!c->buf)
		return -ENOMEM;
	memcpy(c->buf, text, len);
	c->buf[len] = '\0';

	s = kparam_skip_spaces(c->buf);
	while (*s) {
		char *key, *val;

		s = kparam_next(s, &key, &val);
		if (!val && strcmp(key, "--") == 0) {
			c->after_dashes = s; /* init's arguments, not the kernel's */
			break;
		}
		if (c->n == CMDLINE_MAX_PARAMS) {
			c->dropped++;
			continue;
		}
		c->p[c->n].key = key;
		c->p[c->n].val = val;
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
