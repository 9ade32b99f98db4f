/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * config.h - /etc/default/vfio-preflight, read as data and never executed.
 *
 * The one parser of the configuration: the initramfs hook reads what
 * `vfio-preflight config` prints, init-top the FALLBACK that `boot predict`
 * puts in predict.env, so every reader applies the same rules.
 * A line is blank, a `#` comment or KEY=VALUE, where VALUE is "text" (no $,
 * backquote or backslash inside: those would be shell code), 'text', or one
 * unquoted word of plain characters, optionally followed by a comment. That
 * is a subset of sh, so a valid file means the same to a shell.
 * An unknown key, a bad value or a line that does not parse is reported
 * through the warn callback with its line number and ignored; the key keeps
 * (or falls back to) its default. Parsing is pure: no I/O, no allocation.
 */
#ifndef VFP_CONFIG_H
#define VFP_CONFIG_H

#include <stddef.h>

#include "out.h"

#define CONFIG_PATH	 "etc/default/vfio-preflight" /* under the root */
#define CONFIG_VALUE_MAX 512
/* problems reported per file: a file of garbage must not flood the ring */
#define CONFIG_WARN_MAX	 16

enum config_key {
	CONFIG_FALLBACK,
	CONFIG_FATAL_CHECKS,
	CONFIG_FORCE_LOAD,
	CONFIG_REBIND_BUILTIN, /* yes|no: init-top moves claimed devices off built-in drivers */
	CONFIG_KEYS
};

struct config {
	char value[CONFIG_KEYS][CONFIG_VALUE_MAX]; /* normalized: one blank between words */
	unsigned line[CONFIG_KEYS];		   /* where it was set; 0: the default */
	unsigned problems;
};

/* one problem on line `lineno` (0: the file as a whole); msg is ASCII */
typedef void (*config_warn_fn)(void *ctx, unsigned lineno, const char *msg);

const char *config_key_name(enum config_key k);
const char *config_default(enum config_key k);
void config_defaults(struct config *c);
/* REBIND_BUILTIN is "yes" */
int config_rebind_builtin(const struct config *c);

/*
 * One line without its '\n' (may hold any bytes, NUL included); `cut` says
 * the reader dropped its tail. Returns 0 when the line was blank, a comment
 * or a valid setting, -EINVAL after reporting a problem through warn.
 */
int config_parse_line(struct config *c, const char *line, size_t len, unsigned lineno, int cut,
		      config_warn_fn warn, void *ctx);
/* A whole file's text; returns the number of problems. */
unsigned config_parse(struct config *c, const char *text, size_t len, config_warn_fn warn,
		      void *ctx);

/* KEY="value" lines, every key: itself a valid configuration file. */
void config_write(struct out *o, const struct config *c);

struct report;
/*
 * FATAL='ID ...': the checks of FATAL_CHECKS that failed in rep, and
 * display.headless when it is fatal and rep predicts a headless host without
 * its FAIL; when there are some, FALLBACK='MODE' (as validated) follows.
 * boot predict appends both to predict.env, so init-top's normal path tests
 * one variable instead of matching lists in shell, and reads no configuration.
 */
void config_write_fatal(struct out *o, const struct config *c, const struct report *rep);
/* config_write_fatal's list is not empty and FALLBACK is not off: this boot falls back */
int config_falls_back(const struct config *c, const struct report *rep);

struct root;
struct kmsg;
/*
 * config_load.c: CONFIG_PATH under the root. Each problem (at most
 * CONFIG_WARN_MAX, then a count) goes to the kernel ring as
 * "vfio-preflight: config: FILE:LINE: ..." when k is given, else to stderr
 * as "W: vfio-preflight: FILE:LINE: ...". A missing file is no problem.
 * Returns the number of problems; c always holds a usable configuration.
 */
unsigned config_load(struct config *c, const struct root *r, struct kmsg *k);
/* The same without a word about problems (the phases after predict, which logged them). */
void config_read_quiet(struct config *c, const struct root *r);

#endif
