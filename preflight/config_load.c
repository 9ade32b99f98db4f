/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * config_load.c - read /etc/default/vfio-preflight under a root and say what
 * is wrong with it, in the kernel ring at boot and on stderr for the hook.
 */
#include "config.h"
#include "diag.h"
#include "format.h"
#include "render.h"
#include "rootfs.h"

#include <errno.h>
#include <string.h>

struct reporter {
	struct config *c;
	struct kmsg *k;
	int quiet;
	char file[256];
	unsigned shown;
};

static void report(void *ctx, unsigned lineno, const char *msg)
{
	struct reporter *rp = ctx;
	char where[16] = "";

	if (rp->quiet || rp->shown++ >= CONFIG_WARN_MAX)
		return;
	if (lineno)
		str_fmt(where, sizeof(where), ":%u", lineno);
	if (rp->k)
		kmsg_log(rp->k, 4, "config: %s%s: %s", rp->file, where, msg);
	else
		err_printf("W: vfio-preflight: %s%s: %s\n", rp->file, where, msg);
}

static int line_cb(void *ctx, char *line, size_t len, unsigned lineno, int truncated)
{
	struct reporter *rp = ctx;

	config_parse_line(rp->c, line, len, lineno, truncated, report, rp);
	return 0;
}

static unsigned load(struct config *c, const struct root *r, struct kmsg *k, int quiet)
{
	struct reporter rp = { .c = c, .k = k, .quiet = quiet };
	size_t n = strlen(r->path);
	int err;

	while (n && r->path[n - 1] == '/')
		n--;
	str_fmt(rp.file, sizeof(rp.file), "%.*s/%s", (int)n, r->path, CONFIG_PATH);
	config_defaults(c);
	err = root_for_each_line(r, CONFIG_PATH, line_cb, &rp);
	if (err < 0 && err != -ENOENT && err != -ENOTDIR) {
		char msg[96];

		/* what was read before the error stands; the rest keeps its defaults */
		str_fmt(msg, sizeof(msg), "cannot read it: %s; defaults apply", ERR_TEXT(-err));
		c->problems++;
		report(&rp, 0, msg);
	}
	if (rp.shown > CONFIG_WARN_MAX) {
		char msg[64];

		str_fmt(msg, sizeof(msg), "%u more problems not shown", rp.shown - CONFIG_WARN_MAX);
		rp.shown = 0; /* this line itself */
		report(&rp, 0, msg);
	}
	return c->problems;
}

unsigned config_load(struct config *c, const struct root *r, struct kmsg *k)
{
	return load(c, r, k, 0);
}

void config_read_quiet(struct config *c, const struct root *r)
{
	load(c, r, NULL, 1);
}
