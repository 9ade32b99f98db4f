/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modprobe.c - collect and parse modprobe.d directives.
 */
#include "format.h"
#include "modprobe.h"
#include "cmdline.h"
#include "strbuf.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *const conf_dirs[] = {
	"etc/modprobe.d", "run/modprobe.d", "usr/local/lib/modprobe.d",
	"lib/modprobe.d", "usr/lib/modprobe.d", NULL,
};

struct conf_file {
	char name[128];		/* basename */
	char path[192];		/* relative to the root */
};

struct parse_ctx {
	struct modconf *mc;
	struct diag *dg;
	unsigned short file;
	char join[ROOT_LINE_MAX + 1];	/* continued lines joined */
	size_t join_len;
	unsigned join_start;
	int join_overflow;
	int full_said;
};

static int has_conf_suffix(const char *name)
{
	size_t len = strlen(name);
	return len > 5 && strcmp(name + len - 5, ".conf") == 0;
}

static int conf_file_cmp(const void *a, const void *b)
{
	return strcmp(((const struct conf_file *)a)->name, ((const struct conf_file *)b)->name);
}

/* Gather .conf names, first directory wins for a given name. */
static size_t collect_files(const struct root *r, struct conf_file *out, size_t max, struct diag *dg)
{
	size_t n = 0;

	for (int i = 0; conf_dirs[i]; i++) {
		DIR *dir = root_opendir(r, conf_dirs[i]);
		struct dirent *de;

		if (!dir)
			continue;
		while ((de = readdir(dir))) {
			size_t j;

			if (de->d_name[0] == '.' || !has_conf_suffix(de->d_name))
				continue;
			if (strlen(de->d_name) >= sizeof(out->name)) {
				diag_add(dg, "/%s/%.60s...: file name too long; ignored", conf_dirs[i], de->d_name);
				continue;
			}
			for (j = 0; j < n; j++)
				if (strcmp(out[j].name, de->d_name) == 0)
					break;
			if (j < n)
				continue;	/* shadowed by an earlier directory */
			if (n == max) {
				diag_add(dg, "more than %zu modprobe.d files; the rest ignored", max);
				break;
			}
			memcpy(out[n].name, de->d_name, strlen(de->d_name) + 1);
			str_fmt(out[n].path, sizeof(out[n].path), "%s/%.*s", conf_dirs[i],
				 (int)sizeof(out[n].name) - 1, out[n].name);
			n++;
		}
		closedir(dir);
	}
	qsort(out, n, sizeof(*out), conf_file_cmp);
	return n;
}

static void bad_line(struct parse_ctx *pc, unsigned line, const char *why)
{
	diag_add(pc->dg, "/%s:%u: %s; ignoring bad line", pc->mc->files[pc->file] + 1, line, why);
}

static int add_directive(struct parse_ctx *pc, enum mod_kind kind, const char *module,
			 const char *args, unsigned line)
{
	struct modconf *mc = pc->mc;
	struct mod_directive *d;

	if (strlen(module) >= MODNAME_LEN) {
		bad_line(pc, line, "module name too long");
		return 0;
	}
	if (mc->n == MODCONF_MAX_DIRECTIVES) {
		if (!pc->full_said)
			diag_add(pc->dg, "more than %d modprobe.d directives; the rest ignored",
				 MODCONF_MAX_DIRECTIVES);
		pc->full_said = 1;
		return 0;
	}
	if (mc->n >= mc->cap) {
		size_t cap = mc->cap ? mc->cap * 2 : 32;
		struct mod_directive *v;

		if (cap > MODCONF_MAX_DIRECTIVES)
			cap = MODCONF_MAX_DIRECTIVES;
		v = realloc(mc->d, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		mc->d = v;
		mc->cap = cap;
	}
	d = &mc->d[mc->n];
	d->args = strdup(args ? args : "");
	if (!d->args)
		return -ENOMEM;
	d->kind = kind;
	d->file = pc->file;
	d->line = line;
	str_fmt(d->module, sizeof(d->module), "%s", module);
	modname_normalize(d->module);
	mc->n++;
	return 0;
}

static char *next_word(char **s)
{
	char *w;

	while (**s == ' ' || **s == '\t')
		(*s)++;
	if (!**s)
		return NULL;
	w = *s;
	while (**s && **s != ' ' && **s != '\t')
		(*s)++;
	if (**s)
		*(*s)++ = '\0';
	return w;
}

static int parse_directive(struct parse_ctx *pc, char *text, unsigned line)
{
	char *s = str_trim(text), *cmd, *module, *rest;

	if (!*s || *s == '#')
		return 0;
	cmd = next_word(&s);
	module = next_word(&s);
	rest = str_trim(s);
	if (!module) {
		if (strcmp(cmd, "include") != 0)
			bad_line(pc, line, "missing module name");
		return 0;
	}
	if (strcmp(cmd, "options") == 0)
		return add_directive(pc, MOD_OPTIONS, module, rest, line);
	if (strcmp(cmd, "blacklist") == 0)
		return add_directive(pc, MOD_BLACKLIST, module, NULL, line);
	if (strcmp(cmd, "install") == 0)
		return add_directive(pc, MOD_INSTALL, module, rest, line);
	if (strcmp(cmd, "softdep") == 0)
		return add_directive(pc, MOD_SOFTDEP, module, rest, line);
	if (strcmp(cmd, "alias") == 0 || strcmp(cmd, "remove") == 0 ||
	    strcmp(cmd, "include") == 0 || strcmp(cmd, "weakdep") == 0)
		return 0;
	bad_line(pc, line, "unknown command");
	return 0;
}

static int has_binary(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 && s[i] != '\t' && s[i] != '\r')
			return 1;
	return 0;
}

static int on_line(void *ctx, char *line, size_t len, unsigned lineno, int truncated)
{
	struct parse_ctx *pc = ctx;
	int continued;

	if (truncated) {
		bad_line(pc, lineno, "line longer than 4 KiB");
		pc->join_len = 0;
		return 0;
	}
	if (has_binary(line, len) || strlen(line) != len) {
		bad_line(pc, lineno, "binary data");
		pc->join_len = 0;
		return 0;
	}
	continued = len && line[len - 1] == '\\';
	if (continued)
		line[--len] = '\0';
	if (pc->join_len == 0)
		pc->join_start = lineno;
	if (pc->join_len + len + 1 > ROOT_LINE_MAX) {
		if (!pc->join_overflow)
			bad_line(pc, pc->join_start, "continued line longer than 4 KiB");
		pc->join_overflow = 1;
	} else {
		memcpy(pc->join + pc->join_len, line, len);
		pc->join_len += len;
		pc->join[pc->join_len] = '\0';
	}
	if (continued)
		return 0;
	if (!pc->join_overflow && parse_directive(pc, pc->join, pc->join_start) < 0)
		return 1;	/* out of memory: stop this file */
	pc->join_len = 0;
	pc->join_overflow = 0;
	return 0;
}

int modconf_load(struct modconf *mc, const struct root *r, struct diag *dg)
{
	struct conf_file *files = calloc(MODCONF_MAX_FILES, sizeof(*files));
	struct parse_ctx *pc = calloc(1, sizeof(*pc));
	size_t n;
	int ret = 0;

	memset(mc, 0, sizeof(*mc));
	if (!files || !pc) {
		free(files);
		free(pc);
		return -ENOMEM;
	}
	n = collect_files(r, files, MODCONF_MAX_FILES, dg);
	pc->mc = mc;
	pc->dg = dg;
	for (size_t i = 0; i < n; i++) {
		int err;

		mc->files[i] = malloc(strlen(files[i].path) + 2);
		if (!mc->files[i]) {
			ret = -ENOMEM;
			break;
		}
		mc->files[i][0] = '/';
		strcpy(mc->files[i] + 1, files[i].path);
		mc->nfiles = i + 1;
		pc->file = (unsigned short)i;
		pc->join_len = 0;
		pc->join_overflow = 0;
		err = root_for_each_line(r, files[i].path, on_line, pc);
		if (pc->join_len && !pc->join_overflow)	/* backslash on the last line */
			parse_directive(pc, pc->join, pc->join_start);
		if (err < 0)
			diag_add(dg, "%s: %s", mc->files[i], ERR_TEXT(-err));
	}
	free(files);
	free(pc);
	return ret;
}

void modconf_free(struct modconf *mc)
{
	for (size_t i = 0; i < mc->n; i++)
		free(mc->d[i].args);
	for (size_t i = 0; i < mc->nfiles; i++)
		free(mc->files[i]);
	free(mc->d);
	memset(mc, 0, sizeof(*mc));
}

void modconf_where(const struct modconf *mc, const struct mod_directive *d, char *buf, size_t cap)
{
	str_fmt(buf, cap, "%s:%u", mc->files[d->file], d->line);
}

static int command_is_noop(const char *cmd)
{
	return strcmp(cmd, "/bin/false") == 0 || strcmp(cmd, "/bin/true") == 0 ||
	       strcmp(cmd, "false") == 0 || strcmp(cmd, "true") == 0 ||
	       strcmp(cmd, "/usr/bin/false") == 0 || strcmp(cmd, "/usr/bin/true") == 0;
}

const struct mod_directive *modconf_blacklisted(const struct modconf *mc, const char *module)
{
	for (size_t i = 0; i < mc->n; i++) {
		const struct mod_directive *d = &mc->d[i];

		if (!modname_eq(d->module, module))
			continue;
		if (d->kind == MOD_BLACKLIST || (d->kind == MOD_INSTALL && command_is_noop(d->args)))
			return d;
	}
	return NULL;
}

const struct mod_directive *modconf_softdep_pre(const struct modconf *mc, const char *module, const char *dep)
{
	for (size_t i = 0; i < mc->n; i++) {
		const struct mod_directive *d = &mc->d[i];
		char tmp[ROOT_LINE_MAX + 1], *s = tmp, *w;
		int in_pre = 0;

		if (d->kind != MOD_SOFTDEP || !modname_eq(d->module, module))
			continue;
		str_fmt(tmp, sizeof(tmp), "%s", d->args);
		while ((w = next_word(&s))) {
			if (strcmp(w, "pre:") == 0)
				in_pre = 1;
			else if (strcmp(w, "post:") == 0)
				in_pre = 0;
			else if (in_pre && modname_eq(w, dep))
				return d;
		}
	}
	return NULL;
}

int options_value(const char *opts, const char *param, char *buf, size_t cap)
{
	struct cmdline *c = malloc(sizeof(*c));
	const struct cmdline_param *p;
	int found = 0;

	if (!c)
		return -ENOMEM;
	if (cmdline_parse(c, opts) == 0) {
		p = cmdline_last(c, param);
		if (p) {
			str_fmt(buf, cap, "%s", p->val ? p->val : "");
			found = 1;
		}
		cmdline_free(c);
	}
	free(c);
	return found;
}

const struct mod_directive *modconf_option(const struct modconf *mc, const char *module,
					   const char *param, char *buf, size_t cap)
{
	const struct mod_directive *found = NULL;

	for (size_t i = 0; i < mc->n; i++) {
		const struct mod_directive *d = &mc->d[i];

		if (d->kind == MOD_OPTIONS && modname_eq(d->module, module) &&
		    options_value(d->args, param, buf, cap) > 0)
			found = d;
	}
	return found;	/* options_value writes buf only on a hit */
}
