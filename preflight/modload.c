/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modload.c - module-load lists (modules-load.d(5), Debian's /etc/modules,
 * initramfs-tools' modules file) and their names' presence in this kernel.
 */
#include "format.h"
#include "modload.h"
#include "strbuf.h"

#include <dirent.h>
#include <string.h>
#include <unistd.h>

struct read_ctx {
	struct modload *ml;
	const char *file;
	bool initramfs;
};

static int on_line(void *arg, char *line, size_t len, unsigned lineno, int truncated)
{
	struct read_ctx *c = arg;
	struct modload *ml = c->ml;
	struct modload_entry *e;
	char *p = str_trim(line);
	size_t n;

	(void)len;
	/* modules-load.d: '#' and ';' comments; /etc/modules and initramfs-tools: "name [options]"
	 */
	if (truncated || !*p || *p == '#' || *p == ';')
		return 0;
	n = strcspn(p, " \t");
	if (n >= MODNAME_LEN)
		return 0;
	if (ml->n == MODLOAD_MAX)
		return 0;
	e = &ml->v[ml->n++];
	memset(e, 0, sizeof(*e));
	memcpy(e->module, p, n);
	e->module[n] = '\0';
	modname_normalize(e->module);
	str_fmt(e->file, sizeof(e->file), "/%s", c->file);
	e->line = lineno;
	e->initramfs = c->initramfs;
	return 0;
}

static void read_file(const struct root *r, struct modload *ml, const char *rel, bool initramfs)
{
	struct read_ctx c = { ml, rel, initramfs };

	root_for_each_line(r, rel, on_line, &c);
}

static const char *const load_dirs[] = {
	"etc/modules-load.d",
	"run/modules-load.d",
	"usr/lib/modules-load.d",
	"lib/modules-load.d",
};

#define CONF_NAMES_MAX 64

/* Debian ships /etc/modules-load.d/modules.conf -> ../modules: /etc/modules is read already */
static bool is_etc_modules_link(const struct root *r)
{
	char link[64];
	int dfd = root_open_dirfd(r, "etc/modules-load.d"), n;

	if (dfd < 0)
		return false;
	n = root_readlink_at(dfd, "modules.conf", link, sizeof(link));
	close(dfd);
	return n > 0 && (!strcmp(link, "../modules") || !strcmp(link, "/etc/modules"));
}

/* modules-load.d: *.conf merged by name (the first directory that has a name wins), in name order
 */
static void read_load_dirs(const struct root *r, struct modload *ml)
{
	struct {
		char name[64];
		unsigned char dir;
	} f[CONF_NAMES_MAX], t;
	size_t n = 0;

	for (size_t d = 0; d < sizeof(load_dirs) / sizeof(load_dirs[0]); d++) {
		struct root_dir dir;
		struct dirent *de;

		if (root_dir_open(&dir, r, load_dirs[d]) < 0)
			continue;
		while ((de = root_dir_next(&dir)) && n < CONF_NAMES_MAX) {
			size_t len = strlen(de->d_name), k;

			if (len < 6 || len >= sizeof(f[0].name) ||
			    strcmp(de->d_name + len - 5, ".conf") || de->d_name[0] == '.')
				continue;
			for (k = 0; k < n && strcmp(f[k].name, de->d_name); k++)
				;
			if (k < n)
				continue;
			memcpy(f[n].name, de->d_name, len + 1);
			f[n++].dir = (unsigned char)d;
		}
		root_dir_close(&dir);
	}
	for (size_t i = 1; i < n; i++) /* insertion sort: a few names */
		for (size_t k = i; k > 0 && strcmp(f[k - 1].name, f[k].name) > 0; k--) {
			t = f[k];
			f[k] = f[k - 1];
			f[k - 1] = t;
		}
	for (size_t i = 0; i < n; i++) {
		char path[96];

		if (f[i].dir == 0 && !strcmp(f[i].name, "modules.conf") && is_etc_modules_link(r))
			continue;
		str_fmt(path, sizeof(path), "%s/%s", load_dirs[f[i].dir], f[i].name);
		read_file(r, ml, path, false);
	}
}

void modload_read(const struct root *r, bool in_initramfs, struct modload *ml)
{
	memset(ml, 0, sizeof(*ml));
	if (in_initramfs) {
		read_file(r, ml, "conf/modules", true);
		return;
	}
	read_file(r, ml, "etc/modules", false);
	read_load_dirs(r, ml);
	read_file(r, ml, "etc/initramfs-tools/modules", true);
}

void modload_mark(struct modload *ml, const char *name)
{
	for (unsigned i = 0; i < ml->n; i++)
		if (!ml->v[i].found && modname_eq(ml->v[i].module, name))
			ml->v[i].found = true;
}

bool modload_in_initramfs(const struct modload *ml, const char *module)
{
	for (unsigned i = 0; i < ml->n; i++)
		if (ml->v[i].initramfs && modname_eq(ml->v[i].module, module))
			return true;
	return false;
}

/* "kernel/drivers/vfio/vfio.ko.xz: ..." -> mark "vfio" */
static int on_dep_line(void *arg, char *line, size_t len, unsigned lineno, int truncated)
{
	char *end = strchr(line, ':'), *start, *ko;

	(void)len;
	(void)lineno;
	if (truncated)
		return 0;
	if (end)
		*end = '\0';
	start = strrchr(line, '/');
	start = start ? start + 1 : line;
	if ((ko = strstr(start, ".ko"))) {
		*ko = '\0';
		modload_mark(arg, start);
	}
	return 0;
}

void modload_scan(const struct root *r, const char *kver, struct modload *ml)
{
	char path[160];

	if (!ml->n || !kver[0])
		return;
	str_fmt(path, sizeof(path), "lib/modules/%s/modules.dep", kver);
	ml->have_dep = root_for_each_line_regular(r, path, on_dep_line, ml) == 0;
	str_fmt(path, sizeof(path), "lib/modules/%s/modules.builtin", kver);
	root_for_each_line_regular(r, path, on_dep_line, ml);
}
