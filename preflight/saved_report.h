/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * saved_report.h - a boot phase's STATE/PHASE.json read back, as much of
 * it as render_text prints, so that `status` shows the text report and the
 * boot writes one report instead of a JSON and a text copy of it.
 */
#ifndef VFP_SAVED_REPORT_H
#define VFP_SAVED_REPORT_H

#include "checks.h"
#include "host.h"

struct saved_report {
	struct host h;	   /* phase, root, kernel_release, backend, pci: what render_text reads */
	struct root root;  /* h.root; only its path is set */
	struct report rep; /* the checks (each id strdup'd), verdict, headless */
	char root_path[256];
	char backend[16];
};

/*
 * Parse len bytes of render_json's output into s: the keys render_text
 * needs, every other value skipped. Bounds-checked, depth-limited, never
 * reads past len. 0, -EBADMSG for text that is not such a JSON object
 * (s then holds what came before), -ENOMEM. Call saved_report_free after
 * either.
 */
int saved_report_parse(struct saved_report *s, const char *buf, size_t len);
/* the same for the whole of fd (closed here), at most 16 MiB: also -EFBIG or a read's -errno */
int saved_report_read(struct saved_report *s, int fd);
void saved_report_free(struct saved_report *s);

#endif
