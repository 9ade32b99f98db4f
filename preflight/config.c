/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * config.c - the configuration parser and writer (see config.h).
 *
 * Lenient as kmod's config: a bad line is reported and skipped, never fatal.
 * The messages quote the file's bytes only through shown(), which keeps
 * printable ASCII, so a hostile file cannot put invalid UTF-8 or control
 * characters into the kernel ring.
 */
#include "config.h"
#include "checks.h"
#include "format.h"
#include "macro.h"
#include "strbuf.h"

#include <errno.h>
#include <string.h>

static const struct {
	const char *name, *def;
} keys[CONFIG_KEYS] = {
	[CONFIG_FALLBACK] = { "FALLBACK", "auto" },
	[CONFIG_FATAL_CHECKS] = { "FATAL_CHECKS", "display.headless" },
	[CONFIG_FORCE_LOAD] = { "FORCE_LOAD", "vfio_pci" },
	[CONFIG_REBIND_BUILTIN] = { "REBIND_BUILTIN", "yes" },
};

static const char *const fallbacks[] = { "auto", "reboot", "inplace", "off" };
static const char *const yesno[] = { "yes", "no" };

#define MODULE_NAME_MAX 55 /* the kernel's MODULE_NAME_LEN less the NUL */
#define SHOWN_MAX	40

const char *config_key_name(enum config_key k)
{
	return keys[k].name;
}

const char *config_default(enum config_key k)
{
	return keys[k].def;
}

static void set_default(struct config *c, enum config_key k)
{
	size_t n = strlen(keys[k].def);

	memcpy(c->value[k], keys[k].def, n + 1);
	c->line[k] = 0;
}

int config_rebind_builtin(const struct config *c)
{
	return !strcmp(c->value[CONFIG_REBIND_BUILTIN], "yes");
}

void config_defaults(struct config *c)
{
	for (int k = 0; k < CONFIG_KEYS; k++)
		set_default(c, (enum config_key)k);
	c->problems = 0;
}

/* s[0..n) for a message: printable ASCII, '?' for anything else, cut with "..." */
static void shown(struct strbuf *sb, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n && i < SHOWN_MAX; i++) {
		unsigned char ch = (unsigned char)s[i];

		sb_addn(sb, ch >= 0x20 && ch < 0x7f && ch != '\'' ? (const char *)&s[i] : "?", 1);
	}
	if (i < n)
		sb_add(sb, "...");
}

static int problem(struct config *c, unsigned lineno, config_warn_fn warn, void *ctx,
		   const char *msg)
{
	c->problems++;
	if (warn)
		warn(ctx, lineno, msg);
	return -EINVAL;
}

static int is_blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r';
}

static int is_key_char(char ch, int first)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || ch == '_' ||
	       (!first && ch >= '0' && ch <= '9');
}

/* characters a shell takes literally in an unquoted word */
static int is_plain(char ch)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
	       (ch && strchr("._,:/+@%-=", ch));
}

static int is_module_char(char ch)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
	       ch == '_' || ch == '-';
}

static int known_check(const char *w, size_t n)
{
	for (size_t i = 0; i < check_count; i++)
		if (strlen(check_table[i].id) == n && !memcmp(check_table[i].id, w, n))
			return 1;
	return 0;
}

/* w[0..n) is one of the n_words words */
static int one_of(const char *const *words, size_t n_words, const char *w, size_t n)
{
	for (size_t i = 0; i < n_words; i++)
		if (strlen(words[i]) == n && !memcmp(words[i], w, n))
			return 1;
	return 0;
}

/*
 * Checks v (NUL-terminated, no NUL inside) for key k and stores it normalized.
 * Returns 0, or -EINVAL with `why` naming the first bad word.
 */
static int set_value(struct config *c, enum config_key k, const char *v, const char **why,
		     const char **bad, size_t *badlen)
{
	char norm[CONFIG_VALUE_MAX];
	size_t len = 0, words = 0;

	for (const char *p = v;;) {
		const char *w;
		size_t n;

		while (is_blank(*p) || *p == '\n')
			p++;
		if (!*p)
			break;
		for (w = p; *p && !is_blank(*p) && *p != '\n'; p++)
			;
		n = (size_t)(p - w);
		*bad = w;
		*badlen = n;
		if (k == CONFIG_FALLBACK) {
			if (words || !one_of(fallbacks, ARRAY_SIZE(fallbacks), w, n)) {
				*why = "is not one of auto, reboot, inplace, off";
				return -EINVAL;
			}
		} else if (k == CONFIG_REBIND_BUILTIN) {
			if (words || !one_of(yesno, ARRAY_SIZE(yesno), w, n)) {
				*why = "is not yes or no";
				return -EINVAL;
			}
		} else if (k == CONFIG_FATAL_CHECKS) {
			if (!known_check(w, n)) {
				*why = "is no check id (see dmesg | grep vfio-preflight)";
				return -EINVAL;
			}
		} else {
			size_t i;

			for (i = 0; i < n && is_module_char(w[i]); i++)
				;
			if (i < n || n > MODULE_NAME_MAX) {
				*why = "is no module name";
				return -EINVAL;
			}
		}
		if (words)
			norm[len++] = ' ';
		memcpy(norm + len, w, n); /* fits: norm is as large as v's buffer */
		len += n;
		words++;
	}
	if (!words && k != CONFIG_FORCE_LOAD) {
		*bad = v;
		*badlen = 0;
		*why = k == CONFIG_FATAL_CHECKS
			       ? "is empty (to never fall back, set FALLBACK=\"off\")"
			       : "is empty";
		return -EINVAL;
	}
	norm[len] = '\0';
	memcpy(c->value[k], norm, len + 1);
	return 0;
}

int config_parse_line(struct config *c, const char *line, size_t len, unsigned lineno, int cut,
		      config_warn_fn warn, void *ctx)
{
	const char *p = line, *end = line + len, *key, *val;
	char value[CONFIG_VALUE_MAX], msg[256];
	struct strbuf sb;
	size_t keylen, vlen = 0;
	int k;

	sb_init(&sb, msg, sizeof(msg));
	while (p < end && is_blank(*p))
		p++;
	if (p == end || *p == '#')
		return 0;
	if (cut)
		return problem(c, lineno, warn, ctx, "line too long, ignored");
	if (memchr(p, '\0', (size_t)(end - p)))
		return problem(c, lineno, warn, ctx, "a NUL byte in the line, ignored");
	for (key = p; p < end && is_key_char(*p, p == key); p++)
		;
	keylen = (size_t)(p - key);
	if (!keylen || p == end || *p != '=') {
		sb_add(&sb, "not KEY=\"value\": '");
		shown(&sb, key, (size_t)(end - key));
		sb_add(&sb, "', ignored");
		return problem(c, lineno, warn, ctx, msg);
	}
	p++;
	val = p;
	if (p < end && (*p == '"' || *p == '\'')) {
		char q = *p++;
		const char *close = memchr(p, q, (size_t)(end - p));

		if (!close)
			return problem(c, lineno, warn, ctx, "unterminated quote, line ignored");
		if (q == '"')
			for (const char *s = p; s < close; s++)
				if (*s == '$' || *s == '`' || *s == '\\') {
					sb_addf(&sb,
						"'%c' in a value is shell code, not data: line ignored",
						*s);
					return problem(c, lineno, warn, ctx, msg);
				}
		vlen = (size_t)(close - p);
		val = p;
		p = close + 1;
	} else {
		while (p < end && is_plain(*p))
			p++;
		vlen = (size_t)(p - val);
	}
	if (p < end && !is_blank(*p)) {
		sb_add(&sb, "not KEY=\"value\" (quote the value): '");
		shown(&sb, key, (size_t)(end - key));
		sb_add(&sb, "', ignored");
		return problem(c, lineno, warn, ctx, msg);
	}
	while (p < end && is_blank(*p))
		p++;
	if (p < end && *p != '#') {
		sb_add(&sb, "text after the value (quote it): '");
		shown(&sb, key, (size_t)(end - key));
		sb_add(&sb, "', ignored");
		return problem(c, lineno, warn, ctx, msg);
	}
	for (k = 0; k < CONFIG_KEYS; k++)
		if (strlen(keys[k].name) == keylen && !memcmp(keys[k].name, key, keylen))
			break;
	if (k == CONFIG_KEYS) {
		sb_add(&sb, "unknown key '");
		shown(&sb, key, keylen);
		sb_add(&sb, "', ignored");
		return problem(c, lineno, warn, ctx, msg);
	}
	if (vlen >= sizeof(value)) {
		set_default(c, (enum config_key)k);
		sb_addf(&sb, "%s: value longer than %u bytes; the default '%s' applies",
			keys[k].name, CONFIG_VALUE_MAX - 1, keys[k].def);
		return problem(c, lineno, warn, ctx, msg);
	}
	memcpy(value, val, vlen);
	value[vlen] = '\0';
	{
		const char *why = "", *bad = value;
		size_t badlen = 0;

		if (set_value(c, (enum config_key)k, value, &why, &bad, &badlen) < 0) {
			set_default(c, (enum config_key)k);
			sb_add(&sb, keys[k].name);
			if (badlen) {
				sb_add(&sb, ": '");
				shown(&sb, bad, badlen);
				sb_add(&sb, "'");
			}
			sb_addf(&sb, " %s; the default '%s' applies", why, keys[k].def);
			return problem(c, lineno, warn, ctx, msg);
		}
	}
	c->line[k] = lineno;
	return 0;
}

unsigned config_parse(struct config *c, const char *text, size_t len, config_warn_fn warn,
		      void *ctx)
{
	const char *p = text, *end = text + len;
	unsigned lineno = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end;

		config_parse_line(c, p, (size_t)(e - p), ++lineno, 0, warn, ctx);
		p = nl ? nl + 1 : end;
	}
	return c->problems;
}

void config_write(struct out *o, const struct config *c)
{
	for (int k = 0; k < CONFIG_KEYS; k++) {
		out_str(o, keys[k].name);
		out_str(o, "=\"");
		out_str(o, c->value[k]);
		out_str(o, "\"\n");
	}
}

/* the result of check id w[0..n) in rep, or NULL */
static const struct check_result *result_of(const struct report *rep, const char *w, size_t n)
{
	for (size_t i = 0; i < rep->n; i++)
		if (strlen(rep->results[i].id) == n && !memcmp(rep->results[i].id, w, n))
			return &rep->results[i];
	return NULL;
}

/* calls fn for each check of FATAL_CHECKS that failed in rep (or is headless) */
static void for_each_fatal(const struct config *c, const struct report *rep,
			   void (*fn)(void *ctx, const char *w, size_t n), void *ctx)
{
	static const char headless[] = "display.headless";
	const char *p = c->value[CONFIG_FATAL_CHECKS];

	while (*p) {
		const char *w = p;
		const struct check_result *res;
		size_t n;

		while (*p && *p != ' ')
			p++;
		n = (size_t)(p - w);
		res = result_of(rep, w, n);
		if ((res && res->level == LEVEL_FAIL) ||
		    (rep->headless && n == sizeof(headless) - 1 && !memcmp(w, headless, n)))
			fn(ctx, w, n);
		while (*p == ' ')
			p++;
	}
}

struct fatal_out {
	struct out *o;
	int n;
};

static void fatal_word(void *ctx, const char *w, size_t n)
{
	struct fatal_out *f = ctx;

	if (f->n++)
		out_char(f->o, ' ');
	out_mem(f->o, w, n); /* validated ids: no quote in them */
}

void config_write_fatal(struct out *o, const struct config *c, const struct report *rep)
{
	struct fatal_out f = { o, 0 };

	out_str(o, "FATAL='");
	for_each_fatal(c, rep, fatal_word, &f);
	out_str(o, "'\n");
	if (f.n) { /* what init-top does about them; a validated word: no quote in it */
		out_str(o, "FALLBACK='");
		out_str(o, c->value[CONFIG_FALLBACK]);
		out_str(o, "'\n");
	}
}

static void fatal_count(void *ctx, const char *w, size_t n)
{
	(void)w;
	(void)n;
	++*(int *)ctx;
}

int config_falls_back(const struct config *c, const struct report *rep)
{
	int n = 0;

	for_each_fatal(c, rep, fatal_count, &n);
	return n > 0 && strcmp(c->value[CONFIG_FALLBACK], "off") != 0;
}
