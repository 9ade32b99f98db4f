/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kmod_options.c - build a module's option string the way kmod does.
 */
#include "format.h"
#include "kmod_options.h"
#include "strbuf.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

enum kstate { K_IGNORE, K_MODNAME, K_PARAM, K_VALUE, K_COMPLETE };

static bool kmod_space(char c)
{
	return c == '\0' || c == ' ' || c == '\n' || c == '\t' || c == '\v' || c == '\f' ||
	       c == '\r';
}

/* the bracket rule of kmod's underscores(), '-' read as '_' */
static bool module_matches(const char *name, const char *module)
{
	for (size_t i = 0; name[i]; i++) {
		if (name[i] == ']')
			return false;
		if (name[i] == '[') {
			i += strcspn(name + i, "]");
			if (!name[i])
				return false;
		}
	}
	return modname_eq(name, module);
}

int kmod_cmdline_params(const char *cmdline, const char *module, kmod_param_cb cb, void *ctx)
{
	size_t len = strlen(cmdline);
	char *buf = malloc(len + 1), *p, *modname, *param = NULL, *value = NULL,
	     *quote_start = NULL;
	enum kstate state = K_MODNAME;
	bool quoted = false, more = true;
	int ret = 0;

	if (!buf)
		return -ENOMEM;
	memcpy(buf, cmdline, len + 1);
	for (p = buf, modname = buf; more && !ret; p++) {
		if (*p == '"') {
			quoted = !quoted;
			/* an opening quote is allowed only as the word's first byte */
			if (quoted && state == K_MODNAME && p == modname) {
				quote_start = p;
				modname = p + 1;
			} else if (state != K_VALUE) {
				state = K_IGNORE;
			}
		} else if (kmod_space(*p)) {
			if (!*p)
				more = false;
			if (quoted && state == K_VALUE) {
				; /* a space inside the quoted value */
			} else if (quoted) {
				state = K_IGNORE;
			} else if (state == K_VALUE || state == K_PARAM) {
				*p = '\0';
				state = K_COMPLETE;
			} else {
				modname = p + 1;
				state = K_MODNAME;
				quote_start = NULL;
			}
		} else if (*p == '.') {
			if (state == K_MODNAME) {
				*p = '\0';
				param = p + 1;
				state = K_PARAM;
			} else if (state == K_PARAM) {
				state = K_IGNORE;
			}
		} else if (*p == '=') {
			if (state == K_PARAM) {
				value = p + 1;
				state = K_VALUE;
			} else if (state == K_MODNAME) {
				state = K_IGNORE;
			}
		}
		if (state != K_COMPLETE)
			continue;
		/*
		 * "mod.p=a b" as GRUB writes it: kmod moves the name one byte
		 * left over the opening quote and puts the quote before the
		 * value, p="a b". (A whole-quoted word without '=' has no value
		 * to move; kmod's result there is undefined, it is left as is.)
		 */
		if (quote_start && quote_start < modname && value && value > modname) {
			memmove(quote_start, modname, (size_t)(value - modname));
			value--;
			modname--;
			param--;
			*value = '"';
		}
		if (module_matches(modname, module))
			ret = cb(ctx, param);
		modname = p + 1;
		state = K_MODNAME;
		quote_start = NULL;
		value = NULL;
	}
	free(buf);
	return ret;
}

struct build_ctx {
	struct modopts *o;
	size_t cap, segcap;
};

static int append(struct build_ctx *bc, const char *s, int directive)
{
	struct modopts *o = bc->o;
	size_t len = strlen(s);

	if (!len)
		return 0; /* kmod skips an empty piece */
	if (o->len + len + 2 > bc->cap) {
		size_t cap = (o->len + len + 2) * 2;
		char *t = realloc(o->text, cap);

		if (!t)
			return -ENOMEM;
		o->text = t;
		bc->cap = cap;
	}
	if (o->nseg == bc->segcap) {
		size_t cap = bc->segcap ? bc->segcap * 2 : 8;
		struct modopt_seg *v = realloc(o->seg, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		o->seg = v;
		bc->segcap = cap;
	}
	if (o->len)
		o->text[o->len++] = ' ';
	o->seg[o->nseg].off = o->len;
	o->seg[o->nseg].directive = directive;
	o->nseg++;
	for (size_t i = 0; i < len; i++) /* kmod turns tabs into spaces */
		o->text[o->len++] = s[i] == '\t' ? ' ' : s[i];
	o->text[o->len] = '\0';
	return 0;
}

static int on_cmdline_param(void *ctx, const char *param)
{
	return append(ctx, param, -1);
}

int modopts_build(struct modopts *o, const struct modconf *mc, const char *cmdline,
		  const char *module)
{
	struct build_ctx bc = { .o = o };
	int err = 0;

	memset(o, 0, sizeof(*o));
	o->text = malloc(1);
	if (!o->text)
		return -ENOMEM;
	o->text[0] = '\0';
	bc.cap = 1;
	for (size_t i = 0; i < mc->n && !err; i++)
		if (mc->d[i].kind == MOD_OPTIONS && modname_eq(mc->d[i].module, module))
			err = append(&bc, mc->d[i].args, (int)i);
	if (!err && cmdline)
		err = kmod_cmdline_params(cmdline, module, on_cmdline_param, &bc);
	if (err)
		modopts_free(o);
	return err;
}

void modopts_free(struct modopts *o)
{
	free(o->text);
	free(o->seg);
	memset(o, 0, sizeof(*o));
}

void modopts_where(const struct modopts *o, const struct modconf *mc, size_t off, char *buf,
		   size_t cap)
{
	const struct modopt_seg *s = NULL;

	for (size_t i = 0; i < o->nseg && o->seg[i].off <= off; i++)
		s = &o->seg[i];
	if (!s || s->directive < 0)
		str_fmt(buf, cap, "the kernel command line");
	else
		modconf_where(mc, &mc->d[s->directive], buf, cap);
}
