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
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/*
 * kmod's search path, in priority order. kmod 32 added its DISTCONFDIR
 * (/usr/lib) before /lib; kmod 30 (Debian 12) has no /usr/lib at all. When
 * the tree does not say which kmod it has, /usr/lib is read last.
 */
static const char *const dirs_kmod30[] = {
	"etc/modprobe.d", "run/modprobe.d", "usr/local/lib/modprobe.d", "lib/modprobe.d", NULL,
};
static const char *const dirs_kmod32[] = {
	"etc/modprobe.d",     "run/modprobe.d", "usr/local/lib/modprobe.d",
	"usr/lib/modprobe.d", "lib/modprobe.d", NULL,
};
static const char *const dirs_unknown[] = {
	"etc/modprobe.d", "run/modprobe.d",	"usr/local/lib/modprobe.d",
	"lib/modprobe.d", "usr/lib/modprobe.d", NULL,
};

struct kmod_version_ctx {
	int in_kmod;
	long version; /* -1 unknown */
};

static int on_status_line(void *ctx, char *line, size_t len, unsigned lineno, int truncated)
{
	struct kmod_version_ctx *kv = ctx;

	(void)len;
	(void)lineno;
	if (truncated)
		return 0;
	if (!line[0])
		kv->in_kmod = 0;
	else if (str_starts(line, "Package: "))
		kv->in_kmod = strcmp(line + 9, "kmod") == 0;
	else if (kv->in_kmod && str_starts(line, "Version: ")) {
		const char *v = line + 9;
		long n = 0;

		if (strchr(v, ':')) /* an epoch */
			v = strchr(v, ':') + 1;
		while (*v >= '0' && *v <= '9' && n < 100000)
			n = n * 10 + (*v++ - '0');
		kv->version = n;
		return 1;
	}
	return 0;
}

/* the tree's kmod major version from dpkg's status file, -1 when it does not say */
static long kmod_version(const struct root *r)
{
	struct kmod_version_ctx kv = { 0, -1 };

	root_for_each_line(r, "var/lib/dpkg/status", on_status_line, &kv);
	return kv.version;
}

static const char *const *conf_dirs_for(long v)
{
	return v < 0 ? dirs_unknown : v >= 32 ? dirs_kmod32 : dirs_kmod30;
}

struct conf_file {
	char name[128]; /* basename */
	char path[192]; /* relative to the root */
	bool regular;	/* listed as DT_REG, not a link (to /dev/null, say) */
};

struct parse_ctx {
	struct modconf *mc;
	struct diag *dg;
	unsigned short file;
	char join[ROOT_LINE_MAX + 1]; /* continued lines joined */
	size_t join_len;
	unsigned join_start;
	int join_overflow;
	int full_said;
};

/* kmod reads *.conf, and before kmod 33 also *.alias (a name of at least 6 bytes) */
static int has_conf_suffix(const char *name, bool alias_too)
{
	size_t len = strlen(name);

	return len >= 6 && (strcmp(name + len - 5, ".conf") == 0 ||
			    (alias_too && strcmp(name + len - 6, ".alias") == 0));
}

static int conf_file_cmp(const void *a, const void *b)
{
	return strcmp(((const struct conf_file *)a)->name, ((const struct conf_file *)b)->name);
}

/*
 * Gather .conf names, first directory wins for a given name: n, or -ENOMEM.
 * The array grows as needed: all MODCONF_MAX_FILES at once (80 KB) would
 * go through klibc's mmap and munmap on every boot for a handful of files.
 */
static long collect_files(const struct root *r, struct conf_file **outp, size_t max,
			  struct diag *dg)
{
	long version = kmod_version(r);
	const char *const *conf_dirs = conf_dirs_for(version);
	bool alias_too = version < 33; /* kmod 33 stopped reading *.alias */
	struct conf_file *out = NULL;
	size_t n = 0, cap = 0;

	for (int i = 0; conf_dirs[i]; i++) {
		struct root_dir dir;
		struct dirent *de;

		if (root_dir_open(&dir, r, conf_dirs[i]) < 0)
			continue;
		while ((de = root_dir_next(&dir))) {
			size_t j;

			if (de->d_name[0] == '.' || !has_conf_suffix(de->d_name, alias_too) ||
			    de->d_type == DT_DIR)
				continue;
			if (strlen(de->d_name) >= sizeof(out->name)) {
				diag_add(dg, "/%s/%.60s...: file name too long; ignored",
					 conf_dirs[i], de->d_name);
				continue;
			}
			for (j = 0; j < n; j++)
				if (strcmp(out[j].name, de->d_name) == 0)
					break;
			if (j < n)
				continue; /* shadowed by an earlier directory */
			if (n == max) {
				diag_add(dg, "more than %zu modprobe.d files; the rest ignored",
					 max);
				break;
			}
			if (n == cap) {
				size_t c = cap ? cap * 2 : 16;
				struct conf_file *v =
					realloc(out, (c < max ? c : max) * sizeof(*out));

				if (!v) {
					root_dir_close(&dir);
					free(out);
					return -ENOMEM;
				}
				out = v;
				cap = c < max ? c : max;
			}
			memcpy(out[n].name, de->d_name, strlen(de->d_name) + 1);
			out[n].regular = de->d_type == DT_REG;
			str_fmt(out[n].path, sizeof(out[n].path), "%s/%.*s", conf_dirs[i],
				(int)sizeof(out[n].name) - 1, out[n].name);
			n++;
		}
		root_dir_close(&dir);
	}
	if (n)
		qsort(out, n, sizeof(*out), conf_file_cmp);
	*outp = out;
	return (long)n;
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

/* strtok_r(NULL, "", save) as kmod uses it: the rest after one separator, NULL if empty */
static char *rest_of_line(char **s)
{
	return **s ? *s : NULL;
}

/* kmod's underscores(): '[' must be closed and a ']' must not stand alone */
static int modname_valid(const char *s)
{
	for (size_t i = 0; s[i]; i++) {
		if (s[i] == ']')
			return 0;
		if (s[i] == '[') {
			i += strcspn(s + i, "]");
			if (!s[i])
				return 0;
		}
	}
	return 1;
}

/*
 * One logical line, tokenized as kmod does: words split at space and tab;
 * for options, install and softdep the rest of the line after the single
 * separator that follows the module name, verbatim (tabs become spaces).
 */
static int parse_directive(struct parse_ctx *pc, char *text, unsigned line)
{
	char *s = text, *cmd, *module, *rest;

	if (!*s || *s == '#')
		return 0;
	cmd = next_word(&s);
	if (!cmd)
		return 0;
	module = next_word(&s);
	rest = rest_of_line(&s);
	if (strcmp(cmd, "include") == 0 || strcmp(cmd, "config") == 0)
		return 0; /* deprecated, kmod ignores them */
	if (!module || !modname_valid(module)) {
		bad_line(pc, line, module ? "bad module name" : "missing module name");
		return 0;
	}
	if (strcmp(cmd, "blacklist") == 0)
		return add_directive(pc, MOD_BLACKLIST, module, NULL, line);
	if (strcmp(cmd, "alias") == 0 || strcmp(cmd, "weakdep") == 0)
		return 0;
	if (strcmp(cmd, "options") != 0 && strcmp(cmd, "install") != 0 &&
	    strcmp(cmd, "softdep") != 0 && strcmp(cmd, "remove") != 0) {
		bad_line(pc, line, "unknown command");
		return 0;
	}
	if (!rest) {
		bad_line(pc, line, "nothing after the module name");
		return 0;
	}
	if (strcmp(cmd, "options") == 0) {
		for (char *t = rest; *t; t++)
			if (*t == '\t')
				*t = ' ';
		return add_directive(pc, MOD_OPTIONS, module, rest, line);
	}
	if (strcmp(cmd, "install") == 0)
		return add_directive(pc, MOD_INSTALL, module, str_trim(rest), line);
	if (strcmp(cmd, "softdep") == 0)
		return add_directive(pc, MOD_SOFTDEP, module, str_trim(rest), line);
	return 0; /* remove */
}

static int has_binary(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 && s[i] != '\t' && s[i] != '\r')
			return 1;
	return 0;
}

/*
 * kmod's line reader: a backslash before the newline joins the next line;
 * any other backslash is dropped and the byte after it kept as is.
 */
static int on_line(void *ctx, char *line, size_t len, unsigned lineno, int truncated)
{
	struct parse_ctx *pc = ctx;
	int continued = 0;

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
	if (pc->join_len == 0)
		pc->join_start = lineno;
	for (size_t i = 0; i < len; i++) {
		char c = line[i];

		if (c == '\\') {
			if (i + 1 == len) {
				continued = 1;
				break;
			}
			c = line[++i];
		}
		if (pc->join_len + 1 >= ROOT_LINE_MAX) {
			if (!pc->join_overflow)
				bad_line(pc, pc->join_start, "continued line longer than 4 KiB");
			pc->join_overflow = 1;
			break;
		}
		pc->join[pc->join_len++] = c;
	}
	pc->join[pc->join_len] = '\0';
	if (continued)
		return 0;
	if (!pc->join_overflow && parse_directive(pc, pc->join, pc->join_start) < 0)
		return 1; /* out of memory: stop this file */
	pc->join_len = 0;
	pc->join_overflow = 0;
	return 0;
}

int modconf_load(struct modconf *mc, const struct root *r, struct diag *dg)
{
	struct conf_file *files = NULL;
	struct parse_ctx *pc = calloc(1, sizeof(*pc));
	long n;
	int ret = 0;

	memset(mc, 0, sizeof(*mc));
	if (!pc)
		return -ENOMEM;
	n = collect_files(r, &files, MODCONF_MAX_FILES, dg);
	if (n < 0) {
		free(pc);
		return (int)n;
	}
	pc->mc = mc;
	pc->dg = dg;
	for (long i = 0; i < n; i++) {
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
		err = files[i].regular ? root_for_each_line_regular(r, files[i].path, on_line, pc)
				       : root_for_each_line(r, files[i].path, on_line, pc);
		if (pc->join_len && !pc->join_overflow) /* backslash on the last line */
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
		if (d->kind == MOD_BLACKLIST ||
		    (d->kind == MOD_INSTALL && command_is_noop(d->args)))
			return d;
	}
	return NULL;
}

const struct mod_directive *modconf_softdep_pre(const struct modconf *mc, const char *module,
						const char *dep)
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
	return found; /* options_value writes buf only on a hit */
}
