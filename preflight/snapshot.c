/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * snapshot.c - normalize and compare the vfio-relevant boot configuration.
 */
#include "format.h"
#include "snapshot.h"
#include "cmdline.h"
#include "macro.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_names[] = {
	[MOD_OPTIONS] = "options",
	[MOD_BLACKLIST] = "blacklist",
	[MOD_INSTALL] = "install",
	[MOD_SOFTDEP] = "softdep",
};

/* args with runs of blanks folded to one space */
static void add_folded(struct strbuf *out, const char *s)
{
	int blank = 0;

	for (; *s; s++) {
		if (*s == ' ' || *s == '\t') {
			blank = 1;
			continue;
		}
		if (blank)
			sb_addn(out, " ", 1);
		blank = 0;
		sb_addn(out, s, 1);
	}
}

void snapshot_modprobe(const struct modconf *mc, struct strbuf *out)
{
	for (size_t i = 0; i < mc->n; i++) {
		const struct mod_directive *d = &mc->d[i];

		/* options of other modules do not decide who gets the GPU */
		if (d->kind == MOD_OPTIONS && !str_starts(d->module, "vfio"))
			continue;
		sb_addf(out, "modprobe: %s %s", kind_names[d->kind], d->module);
		if (d->args[0]) {
			sb_add(out, " ");
			add_folded(out, d->args);
		}
		sb_add(out, "\n");
	}
}

/* NAME="value" / NAME='value' / NAME=value in a shell-style defaults file */
static void grub_assignments(const struct root *r, const char *rel, char *linux_, char *deflt,
			     size_t cap)
{
	char buf[8192], *line, *save = NULL;

	if (root_read(r, rel, buf, sizeof(buf)) <= 0)
		return;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *s = str_trim(line), *val, *dst;
		size_t len;

		if (str_starts(s, "export "))
			s = str_trim(s + 7);
		if (str_starts(s, "GRUB_CMDLINE_LINUX="))
			dst = linux_;
		else if (str_starts(s, "GRUB_CMDLINE_LINUX_DEFAULT="))
			dst = deflt;
		else
			continue;
		val = strchr(s, '=') + 1;
		len = strlen(val);
		if (len >= 2 && (val[0] == '"' || val[0] == '\'') && val[len - 1] == val[0]) {
			val[len - 1] = '\0';
			val++;
		}
		str_fmt(dst, cap, "%s", val);
	}
}

/* qsort comparison for an array of strings */
static int str_ptr_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static const struct {
	const char *file, *refresh;
} cmdline_sources[] = {
	[CMDLINE_UNCONFIGURED] = { NULL, NULL },
	[CMDLINE_KERNEL] = { "/etc/kernel/cmdline", "proxmox-boot-tool refresh" },
	/* Debian's systemd-boot runs kernel-install from initramfs-tools' post-update hook */
	[CMDLINE_KERNEL_INSTALL] = { "/etc/kernel/cmdline", "update-initramfs -u -k all" },
	[CMDLINE_GRUB] = { "/etc/default/grub", "update-grub" },
};
_Static_assert(ARRAY_SIZE(cmdline_sources) == CMDLINE_SOURCE_COUNT, "a row for every source");

const char *cmdline_source_file(enum cmdline_source s)
{
	return cmdline_sources[s].file;
}

const char *cmdline_source_refresh(enum cmdline_source s)
{
	return cmdline_sources[s].refresh;
}

enum cmdline_source kernel_cmdline_source(const struct root *r)
{
	return root_exists(r, "etc/kernel/proxmox-boot-uuids") ? CMDLINE_KERNEL
							       : CMDLINE_KERNEL_INSTALL;
}

enum cmdline_source configured_cmdline(const struct root *r, struct strbuf *out)
{
	char linux_[2048] = "", deflt[2048] = "";
	char *names[64];
	size_t n = 0;
	struct root_dir dir;
	struct dirent *de;

	if (root_read(r, "etc/kernel/cmdline", linux_, sizeof(linux_)) >= 0) {
		sb_add(out, str_trim(linux_));
		return kernel_cmdline_source(r);
	}
	if (!root_exists(r, "etc/default/grub"))
		return CMDLINE_UNCONFIGURED;
	grub_assignments(r, "etc/default/grub", linux_, deflt, sizeof(linux_));
	/* grub-mkconfig sources the grub.d .cfg files after the main file */
	if (root_dir_open(&dir, r, "etc/default/grub.d") == 0) {
		while ((de = root_dir_next(&dir)) && n < 64) {
			size_t len = strlen(de->d_name);

			if (len > 4 && !strcmp(de->d_name + len - 4, ".cfg") &&
			    (names[n] = strdup(de->d_name)))
				n++;
		}
		root_dir_close(&dir);
		qsort(names, n, sizeof(*names), str_ptr_cmp);
		for (size_t i = 0; i < n; i++) {
			char rel[320];

			str_fmt(rel, sizeof(rel), "etc/default/grub.d/%s", names[i]);
			grub_assignments(r, rel, linux_, deflt, sizeof(linux_));
			free(names[i]);
		}
	}
	sb_addf(out, "%s %s", linux_, deflt);
	return CMDLINE_GRUB;
}

/* parameters whose change means the boot loader config must be regenerated */
static int is_passthrough_param(const char *key)
{
	static const char *const exact[] = {
		"intel_iommu",
		"amd_iommu",
		"iommu",
		"pcie_acs_override",
		"video",
		"initcall_blacklist",
		"module_blacklist",
		"modprobe.blacklist",
		"nointremap",
		"intremap",
		"nofb",
		NULL,
	};
	static const char *const prefix[] = { "vfio_pci.", "vfio-pci.", "vfio_iommu_type1.",
					      "vfio.", NULL };

	for (int i = 0; exact[i]; i++)
		if (param_key_eq(key, exact[i]))
			return 1;
	for (int i = 0; prefix[i]; i++)
		if (str_starts(key, prefix[i]))
			return 1;
	return 0;
}

void passthrough_params(const char *text, struct strbuf *out)
{
	struct cmdline *c = malloc(sizeof(*c));
	char *items[CMDLINE_MAX_PARAMS];
	size_t n = 0;

	if (!c)
		return;
	if (cmdline_parse(c, text) < 0) {
		free(c);
		return;
	}
	for (size_t i = 0; i < c->n; i++) {
		char *item;

		if (!is_passthrough_param(c->p[i].key))
			continue;
		item = malloc(strlen(c->p[i].key) + (c->p[i].val ? strlen(c->p[i].val) : 0) + 2);
		if (!item)
			break;
		strcpy(item, c->p[i].key);
		modname_normalize(item); /* vfio-pci.ids and vfio_pci.ids are one parameter */
		if (c->p[i].val) {
			strcat(item, "=");
			strcat(item, c->p[i].val);
		}
		items[n++] = item;
	}
	qsort(items, n, sizeof(*items), str_ptr_cmp);
	for (size_t i = 0; i < n; i++) {
		sb_addf(out, "%s%s", i ? " " : "", items[i]);
		free(items[i]);
	}
	cmdline_free(c);
	free(c);
}

/* is the token [tok, tok+len) one of the sep-separated items of list? */
static int has_item(const char *list, const char *tok, size_t len, char sep)
{
	const char *p = list;

	while (*p) {
		const char *end = strchr(p, sep);
		size_t l = end ? (size_t)(end - p) : strlen(p);

		if (l == len && !strncmp(p, tok, len))
			return 1;
		if (!end)
			break;
		p = end + 1;
	}
	return 0;
}

static void items_missing(const char *a, const char *b, char sep, const char *label,
			  struct strbuf *out)
{
	const char *p = a;
	int first = 1;

	while (*p) {
		const char *end = strchr(p, sep);
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len && !has_item(b, p, len, sep)) {
			if (first)
				sb_addf(out, "%s%s", out->len ? "; " : "", label);
			else
				sb_add(out, sep == ' ' ? " " : ", ");
			sb_addn(out, p, len);
			first = 0;
		}
		if (!end)
			break;
		p = end + 1;
	}
}

void params_missing(const char *a, const char *b, const char *label, struct strbuf *out)
{
	items_missing(a, b, ' ', label, out);
}

void lines_missing(const char *a, const char *b, const char *label, struct strbuf *out)
{
	items_missing(a, b, '\n', label, out);
}
