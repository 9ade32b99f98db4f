/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * render_kmsg.c - write verdicts to the kernel ring.
 *
 * One write() is one record; the level is the record's priority so FAIL
 * lines reach the console even with `quiet`. The file is reopened every
 * KMSG_RECORDS_PER_OPEN records because the default devkmsg ratelimit is
 * per open file: this way no verdict is ever "suppressed".
 * Without /dev/kmsg (a test tree, a container) records go to stderr.
 */
#include "format.h"
#include "strbuf.h"
#include "render.h"
#include "utf8.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

void kmsg_init(struct kmsg *k, const struct root *r)
{
	k->root = r;
	k->fd = -1;
	k->written = 0;
}

static void kmsg_reopen(struct kmsg *k)
{
	if (k->fd >= 0)
		close(k->fd);
	k->fd = root_openat(k->root, "dev/kmsg",
			    O_WRONLY | O_APPEND | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (k->fd < 0)
		k->fd = -2;
	k->written = 0;
}

void kmsg_close(struct kmsg *k)
{
	if (k->fd >= 0)
		close(k->fd);
	k->fd = -1;
}

void kmsg_log(struct kmsg *k, int priority, const char *fmt, ...)
{
	char raw[KMSG_RECORD_MAX], rec[KMSG_RECORD_MAX];
	struct strbuf sb;
	size_t len, used;
	va_list ap;

	sb_init(&sb, raw, sizeof(raw));
	sb_addf(&sb, "<%d>" KMSG_PREFIX, priority & 7);
	va_start(ap, fmt);
	sb_vaddf(&sb, fmt, ap);
	va_end(ap);
	/* the ring keeps bytes; journalctl and dmesg readers want UTF-8 */
	len = utf8_repair(rec, sizeof(rec) - 2, raw, sb.len, &used); /* room for '\n' (and a NUL) */
	if (sb.truncated || used < sb.len) {			     /* cut: say so */
		len = utf8_repair(rec, sizeof(rec) - 2 - 3, raw, sb.len, &used);
		memcpy(rec + len, "...", 3);
		len += 3;
	}
	rec[len++] = '\n';

	if (k->fd == -1 || (k->fd >= 0 && k->written >= KMSG_RECORDS_PER_OPEN))
		kmsg_reopen(k);
	if (k->fd >= 0) {
		ssize_t w;

		do
			w = write(k->fd, rec, len);
		while (w < 0 && errno == EINTR);
		if (w == (ssize_t)len) {
			k->written++;
			return;
		}
	}
	/* no kmsg: the same line on stderr, without the "<N>" tag */
	if (write(STDERR_FILENO, rec + 3, len - 3) < 0)
		return; /* nowhere left to report to */
}

void render_kmsg(struct kmsg *k, const struct report *rep, const char *phase)
{
	unsigned count[LEVEL_COUNT] = { 0 };

	for (size_t i = 0; i < rep->n; i++) {
		const struct check_result *r = &rep->results[i];

		count[r->level]++;
		if (r->level == LEVEL_PASS || !r->hint[0])
			kmsg_log(k, level_kmsg_priority(r->level), "%s: %s %s", r->id,
				 level_tag(r->level), r->message);
		else
			kmsg_log(k, level_kmsg_priority(r->level), "%s: %s %s -- fix: %s", r->id,
				 level_tag(r->level), r->message, r->hint);
	}
	kmsg_log(k, level_kmsg_priority(rep->verdict),
		 "verdict: %s (%s phase: %u fail, %u warn, %u note, %u pass)%s",
		 level_tag(rep->verdict), phase, count[LEVEL_FAIL], count[LEVEL_WARN],
		 count[LEVEL_NOTE], count[LEVEL_PASS],
		 rep->headless ? "; binding would leave the host headless" : "");
}
