/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modprobe.h - modprobe.d configuration, read the way kmod reads it.
 *
 * Files ending in ".conf" (and ".alias" before kmod 33) from etc, run, usr/local/lib, lib
 * (and usr/lib where the tree's kmod reads it: kmod 32 and later, before
 * lib) modprobe.d are merged by file name (the first directory that has a
 * name wins, so /etc overrides /lib) and parsed in name order. Lines are
 * read as kmod reads them: a backslash before the newline continues the
 * line, any other backslash is dropped (the byte after it kept); a line
 * whose first byte is '#' is a comment; module names are compared with
 * '-' and '_' alike. An options directive keeps the rest of its line
 * verbatim, as kmod hands it to the module. Bad lines are reported and
 * skipped, as kmod does ("ignoring bad line").
 */
#ifndef VFP_MODPROBE_H
#define VFP_MODPROBE_H

#include <stddef.h>

#include "diag.h"
#include "rootfs.h"

enum mod_kind { MOD_OPTIONS, MOD_BLACKLIST, MOD_INSTALL, MOD_SOFTDEP };

#define MODCONF_MAX_FILES      256
#define MODCONF_MAX_DIRECTIVES 4096
#define MODNAME_LEN	       64

struct mod_directive {
	enum mod_kind kind;
	unsigned short file; /* index into modconf.files */
	unsigned line;
	char module[MODNAME_LEN]; /* normalized: '_' */
	char *args;		  /* rest of the line (options: verbatim, tabs as spaces) */
};

struct modconf {
	char *files[MODCONF_MAX_FILES]; /* "/etc/modprobe.d/vfio.conf" */
	size_t nfiles;
	struct mod_directive *d;
	size_t n, cap;
};

int modconf_load(struct modconf *mc, const struct root *r, struct diag *dg);
void modconf_free(struct modconf *mc);

/* "file:line" of a directive, for messages */
void modconf_where(const struct modconf *mc, const struct mod_directive *d, char *buf, size_t cap);

/* blacklist NAME, or install NAME /bin/false|/bin/true|true|false */
const struct mod_directive *modconf_blacklisted(const struct modconf *mc, const char *module);
/* softdep MODULE pre: ... DEP ... */
const struct mod_directive *modconf_softdep_pre(const struct modconf *mc, const char *module,
						const char *dep);

/*
 * Value of `param` in the options of `module`, the last occurrence across
 * all options lines (what the module receives). Copies into buf; returns
 * the directive it came from, or NULL.
 */
const struct mod_directive *modconf_option(const struct modconf *mc, const char *module,
					   const char *param, char *buf, size_t cap);

/* Find `param=` in an options string (kernel quoting rules); last one wins. */
int options_value(const char *opts, const char *param, char *buf, size_t cap);

#endif
