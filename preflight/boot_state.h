/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * boot_state.h - what the initramfs phases left for after the boot.
 *
 * The phases save STATE/<phase>.env (KEY='value' lines, render_env.c) and,
 * when a fatal check failed, STATE/fallback ("MODE reason"); a rescue boot
 * carries vfio_preflight.rescue=1 and init-premount logs the reason the
 * previous boot fell back to the kernel ring. boot_state_load() reads all
 * of that under the root prefix; the renderers (motd, node_exporter
 * metrics) are pure functions of the result. Absent files are data.
 */
#ifndef VFP_BOOT_STATE_H
#define VFP_BOOT_STATE_H

#include <stdbool.h>

#include "host.h"
#include "out.h"
#include "rootfs.h"

#define BOOT_PHASES	3 /* predict, verify, upgrade */
#define BOOT_STATE_TEXT 1024

struct phase_state {
	const char *name; /* "predict" */
	bool present;	  /* STATE/<name>.env was read */
	char verdict[8];  /* "pass" "warn" "fail" */
	bool headless;
	char checks[BOOT_STATE_TEXT]; /* "id=level id=level ..." */
	char failed[BOOT_STATE_TEXT]; /* "id id ..." */
};

struct boot_state {
	const char *state_dir; /* relative to the root, for messages */
	struct phase_state phase[BOOT_PHASES];
	bool fell_back;		/* STATE/fallback exists */
	char fallback_mode[16]; /* its first word: auto reboot inplace off */
	char fallback_reason[BOOT_STATE_TEXT];
	bool rescue_boot;		      /* vfio_preflight.rescue=1 */
	char rescue_reason[BOOT_STATE_TEXT];  /* from the kernel ring, "" when none */
	char fail_lines[2 * BOOT_STATE_TEXT]; /* FAIL lines + fixes of predict.json */
	long boot_time;			      /* btime of proc/stat, -1 unknown */
};

/* Reads everything; returns 0 (absence is data) or -ENOMEM. */
int boot_state_load(struct boot_state *s, const struct root *r, const char *state_dir);

/*
 * KEY='value' lookup in a render_env buffer: the value with '\'' undone,
 * into out (cut to cap). Returns its length or -ENOENT.
 */
int env_value(const char *buf, const char *key, char *out, size_t cap);

/* The login message: empty when the boot neither fell back nor is a rescue boot. */
void render_motd(struct out *o, const struct boot_state *s);
bool motd_wanted(const struct boot_state *s);
/* node_exporter textfile metrics (Prometheus text format 0.0.4) */
void render_prometheus(struct out *o, const struct boot_state *s);

#endif
