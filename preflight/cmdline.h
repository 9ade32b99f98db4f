/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmdline.h - the kernel command line as the kernel itself splits it.
 *
 * Split exactly as the kernel splits it (kparam.h: next_arg's quoting,
 * "--" ends the kernel's part); '-' and '_' are equal in names, and for a
 * repeated parameter the last occurrence wins (cmdline_last).
 */
#ifndef VFP_CMDLINE_H
#define VFP_CMDLINE_H

#include <stddef.h>

#define CMDLINE_MAX	   (64 * 1024)
#define CMDLINE_MAX_PARAMS 1024

struct cmdline_param {
	const char *key;
	const char *val; /* NULL when the parameter has no '=' */
};

struct cmdline {
	char *buf; /* owned copy, split in place */
	struct cmdline_param p[CMDLINE_MAX_PARAMS];
	size_t n;
	int dropped;		  /* parameters past CMDLINE_MAX_PARAMS */
	const char *after_dashes; /* what follows a bare "--", NULL without one */
};

/* Returns 0 or -ENOMEM; text may be any bytes, NUL-terminated. */
int cmdline_parse(struct cmdline *c, const char *text);
void cmdline_free(struct cmdline *c);

int param_key_eq(const char *a, const char *b);
const struct cmdline_param *cmdline_last(const struct cmdline *c, const char *key);
/* next occurrence of key after *pos (start with *pos = 0) */
const struct cmdline_param *cmdline_next(const struct cmdline *c, const char *key, size_t *pos);

/* serial console named by a console= parameter (ttyS, ttyAMA, hvc, ttyUSB) */
const char *cmdline_serial_console(const struct cmdline *c);

#endif
