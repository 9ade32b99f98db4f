/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * render.h - the ways a report leaves the program: a human table, JSON
 * for scripts, kernel-ring records for `dmesg | grep vfio-preflight`, and
 * a KEY='value' file for the initramfs shell scripts.
 */
#ifndef VFP_RENDER_H
#define VFP_RENDER_H

#include <stdbool.h>

#include "checks.h"
#include "host.h"
#include "out.h"

#define KMSG_PREFIX	      "vfio-preflight: "
#define KMSG_RECORD_MAX	      1024 /* /dev/kmsg refuses longer writes */
/*
 * printk.devkmsg=ratelimit gives each open file its own ratelimit state
 * (devkmsg_open: DEFAULT_RATELIMIT_BURST 10 per 5 s): the 11th record of an
 * open would be dropped, 10 never are
 */
#define KMSG_RECORDS_PER_OPEN 10

void render_text(struct out *o, const struct host *h, const struct report *rep, bool color);
void render_json(struct out *o, const struct host *h, const struct report *rep);
void render_env(struct out *o, const struct host *h, const struct report *rep);
/*
 * REBIND='SLOT ...': the claimed functions a built-in driver holds, which
 * init-top moves to vfio-pci (init-top/00-vfio-preflight-rebind); none when
 * this boot falls back (the fallback needs the devices where they are);
 * boot predict appends it to predict.env, so the shell parses nothing.
 */
void render_env_rebind(struct out *o, const struct host *h, bool falls_back);
/*
 * The same slots as one line "SLOT SLOT\n": STATE/rebind, written by boot
 * predict only when there are some, so init-top's rebind script reads a few
 * bytes, and on a boot without built-in drivers in the way only tests that
 * the file is absent (busybox `read` takes two syscalls per byte of predict.env).
 */
void render_rebind_list(struct out *o, const struct host *h);
/*
 * KEY='value' and a newline, as dash or busybox ash read it back by
 * sourcing: the value byte for byte, a newline in it written as a blank
 * (one line per key for the line readers).
 */
void env_assign(struct out *o, const char *key, const char *value);
/* a JSON string literal, escaped */
void json_str(struct out *o, const char *s);

struct kmsg {
	const struct root *root;
	int fd;		  /* -1: not open; -2: no kmsg, use stderr */
	unsigned written; /* records on this open file */
};

void kmsg_init(struct kmsg *k, const struct root *r);
/* One record; cut to KMSG_RECORD_MAX with "..." when longer. */
void kmsg_log(struct kmsg *k, int priority, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void kmsg_close(struct kmsg *k);
/* One record per check, then the verdict. */
void render_kmsg(struct kmsg *k, const struct report *rep, const char *phase);

#endif
