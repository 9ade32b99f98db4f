/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * boot_state.c - read what the boot phases left, see boot_state.h.
 */
#include "boot_state.h"

#include "cmdline.h"
#include "format.h"
#include "saved_report.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

/* what init-premount logs on a rescue boot that a fallback chose */
#define RESCUE_RECORD  "vfio-preflight: fallback: rescue boot (vfio_preflight.rescue=1): "
#define RESCUE_BECAUSE "the previous boot fell back because "

int env_value(const char *buf, const char *key, char *out, size_t cap)
{
	size_t klen = strlen(key), n = 0;

	for (const char *line = buf; line && *line;
	     line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		const char *p;

		if (strncmp(line, key, klen) || line[klen] != '=' || line[klen + 1] != '\'')
			continue;
		/* '...' with '\'' for a quote; the value ends at the quote before the newline */
		for (p = line + klen + 2; *p && *p != '\n'; p++) {
			if (*p == '\'') {
				if (!strncmp(p, "'\\''", 4)) {
					if (n + 1 < cap)
						out[n++] = '\'';
					p += 3;
					continue;
				}
				break;
			}
			if (n + 1 < cap)
				out[n++] = *p;
		}
		if (cap)
			out[n] = '\0';
		return (int)n;
	}
	if (cap)
		out[0] = '\0';
	return -ENOENT;
}

static void load_phase(struct phase_state *ps, const struct root *r, const char *dir)
{
	char path[320], buf[8192], v[8];

	str_fmt(path, sizeof(path), "%s/%s.env", dir, ps->name);
	if (root_read(r, path, buf, sizeof(buf)) < 0)
		return;
	ps->present = true;
	env_value(buf, "VERDICT", ps->verdict, sizeof(ps->verdict));
	env_value(buf, "CHECKS", ps->checks, sizeof(ps->checks));
	env_value(buf, "FAILED", ps->failed, sizeof(ps->failed));
	ps->headless = env_value(buf, "HEADLESS", v, sizeof(v)) > 0 && !strcmp(v, "1");
}

static int rescue_record(void *ctx, char *line, size_t len, unsigned lineno, int truncated)
{
	struct boot_state *s = ctx;
	const char *at = strstr(line, RESCUE_RECORD), *why;

	(void)len, (void)lineno, (void)truncated;
	if (at && (why = strstr(at, RESCUE_BECAUSE)))
		str_fmt(s->rescue_reason, sizeof(s->rescue_reason), "%s",
			why + strlen(RESCUE_BECAUSE));
	return 0;
}

/* the FAIL lines of predict's saved report, each with its fix under it, as the text report has them
 */
static void load_fail_lines(struct boot_state *s, const struct root *r, const char *state_dir)
{
	struct saved_report *rep = malloc(sizeof(*rep));
	struct strbuf sb;
	char path[320];
	int fd;

	sb_init(&sb, s->fail_lines, sizeof(s->fail_lines));
	str_fmt(path, sizeof(path), "%s/predict.json", state_dir);
	if (!rep || (fd = root_openat(r, path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0) {
		free(rep);
		return;
	}
	saved_report_read(rep, fd); /* what it read before a damaged part still counts */
	for (size_t i = 0; i < rep->rep.n; i++) {
		const struct check_result *c = &rep->rep.results[i];

		if (c->level != LEVEL_FAIL)
			continue;
		sb_addf(&sb, "    %s  %-26s %s\n", level_tag(c->level), c->id, c->message);
		if (c->hint[0])
			sb_addf(&sb, "        fix: %s\n", c->hint);
	}
	saved_report_free(rep);
	free(rep);
}

static void load_btime(struct boot_state *s, const struct root *r)
{
	char buf[8192], *p;

	s->boot_time = -1;
	if (root_read(r, "proc/stat", buf, sizeof(buf)) < 0)
		return;
	for (p = buf; p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, "btime ", 6)) {
			s->boot_time = strtol(p + 6, NULL, 10);
			return;
		}
}

/* the phases that save state are the last ones of enum phase */
_Static_assert(BOOT_PHASES == PHASE_COUNT - PHASE_PREDICT, "one phase_state per saving phase");

int boot_state_load(struct boot_state *s, const struct root *r, const char *state_dir)
{
	char path[320], buf[BOOT_STATE_TEXT + 32];
	struct cmdline *c;
	char *line;

	memset(s, 0, sizeof(*s));
	s->state_dir = state_dir;
	for (int i = 0; i < BOOT_PHASES; i++) {
		s->phase[i].name = phase_name((enum phase)(PHASE_PREDICT + i));
		load_phase(&s->phase[i], r, state_dir);
	}
	str_fmt(path, sizeof(path), "%s/fallback", state_dir);
	if (root_read(r, path, buf, sizeof(buf)) >= 0) {
		size_t w = strcspn(buf, " \n");

		s->fell_back = true;
		str_fmt(s->fallback_mode, sizeof(s->fallback_mode), "%.*s", (int)w, buf);
		str_fmt(s->fallback_reason, sizeof(s->fallback_reason), "%.*s",
			(int)strcspn(buf + w + (buf[w] == ' '), "\n"), buf + w + (buf[w] == ' '));
	}
	c = malloc(sizeof(*c));
	line = malloc(CMDLINE_MAX);
	if (!c || !line) {
		free(c);
		free(line);
		return -ENOMEM;
	}
	if (root_read(r, "proc/cmdline", line, CMDLINE_MAX) >= 0 && cmdline_parse(c, line) == 0) {
		const struct cmdline_param *p = cmdline_last(c, "vfio_preflight.rescue");

		s->rescue_boot = p && p->val && !strcmp(p->val, "1");
		cmdline_free(c);
	}
	free(c);
	free(line);
	if (s->rescue_boot)
		root_for_each_line(r, "dev/kmsg", rescue_record, s);
	load_fail_lines(s, r, state_dir);
	load_btime(s, r);
	return 0;
}
