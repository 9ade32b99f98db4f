/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * render_boot.c - after the boot: the login message (/run/motd.d) of a boot
 * that fell back or started from the rescue entry, and node_exporter
 * textfile metrics. Pure functions of struct boot_state.
 */
#include "boot_state.h"
#include "checks.h"

#include <string.h>

bool motd_wanted(const struct boot_state *s)
{
	return s->rescue_boot || s->fell_back;
}

static const char *fallback_effect(const char *mode)
{
	if (!strcmp(mode, "off"))
		return "nothing was changed (FALLBACK=off): vfio-pci took its devices anyway";
	if (!strcmp(mode, "inplace") || !strcmp(mode, "auto"))
		return "vfio-pci claims nothing on this boot";
	return "the next boot is the rescue entry";
}

void render_motd(struct out *o, const struct boot_state *s)
{
	if (!motd_wanted(s))
		return;
	if (s->rescue_boot) {
		out_str(o,
			"vfio-preflight: this is a RESCUE BOOT (vfio_preflight.rescue=1): no GPU passthrough, "
			"vfio-pci claims nothing.\n");
		if (s->rescue_reason[0])
			out_printf(o, "  why: the previous boot fell back because %s\n",
				   s->rescue_reason);
		else
			out_str(o,
				"  why: the rescue entry was chosen in the boot menu (no fallback reason was kept)\n");
	} else {
		out_printf(o, "vfio-preflight: this boot FELL BACK (FALLBACK=%s): %s.\n",
			   s->fallback_mode, fallback_effect(s->fallback_mode));
		out_printf(o, "  why: %s\n",
			   s->fallback_reason[0] ? s->fallback_reason : "(no reason saved)");
	}
	if (s->fail_lines[0]) {
		out_str(o, "  what the preflight found before vfio-pci bound:\n");
		out_str(o, s->fail_lines);
	}
	out_str(o,
		"  to fix: change the configuration as the fix says (modprobe.d, /etc/default/vfio-preflight,\n"
		"  the kernel command line), run 'update-initramfs -u -k all' (and 'update-grub' or\n"
		"  'proxmox-boot-tool refresh' for the command line), check with 'vfio-preflight check',\n"
		"  then reboot: the normal entry boots again.\n"
		"  details: vfio-preflight status; journalctl -k | grep vfio-preflight\n");
}

/* a label value: backslash, quote and newline escaped (text format 0.0.4) */
static void label(struct out *o, const char *v)
{
	out_char(o, '"');
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			out_char(o, '\\');
		if (*v == '\n')
			out_str(o, "\\n");
		else
			out_char(o, *v);
	}
	out_char(o, '"');
}

/* the enum level of a level name n bytes long, -1 when none */
static int level_value(const char *l, size_t n)
{
	for (int i = 0; i < LEVEL_COUNT; i++)
		if (strlen(level_name((enum level)i)) == n &&
		    !strncmp(l, level_name((enum level)i), n))
			return i;
	return -1;
}

static void metric_head(struct out *o, const char *name, const char *help)
{
	out_printf(o, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

/* every "id=level" word of CHECKS as one sample */
static void check_samples(struct out *o, const struct phase_state *ps)
{
	for (const char *p = ps->checks; *p;) {
		size_t w = strcspn(p, " "), eq = strcspn(p, "=");
		char id[96];
		int v;

		if (eq < w && eq < sizeof(id) && (v = level_value(p + eq + 1, w - eq - 1)) >= 0) {
			memcpy(id, p, eq);
			id[eq] = '\0';
			out_printf(o, "vfio_preflight_check_level{phase=\"%s\",check=", ps->name);
			label(o, id);
			out_printf(o, "} %d\n", v);
		}
		p += w;
		p += strspn(p, " ");
	}
}

void render_prometheus(struct out *o, const struct boot_state *s)
{
	metric_head(
		o, "vfio_preflight_check_level",
		"Level of a check in a boot phase of this boot: 0 pass, 1 note, 2 warn, 3 fail.");
	for (int i = 0; i < BOOT_PHASES; i++)
		check_samples(o, &s->phase[i]);
	metric_head(o, "vfio_preflight_phase_ran",
		    "1 when the boot phase saved its verdicts on this boot.");
	for (int i = 0; i < BOOT_PHASES; i++)
		out_printf(o, "vfio_preflight_phase_ran{phase=\"%s\"} %d\n", s->phase[i].name,
			   s->phase[i].present);
	metric_head(
		o, "vfio_preflight_verdict",
		"Verdict of a boot phase (its worst level, notes excepted): 0 pass, 2 warn, 3 fail.");
	for (int i = 0; i < BOOT_PHASES; i++) {
		int v = level_value(s->phase[i].verdict, strlen(s->phase[i].verdict));

		if (s->phase[i].present && v >= 0)
			out_printf(o, "vfio_preflight_verdict{phase=\"%s\"} %d\n", s->phase[i].name,
				   v);
	}
	metric_head(o, "vfio_preflight_headless",
		    "1 when the boot phase judged that binding leaves the host headless.");
	for (int i = 0; i < BOOT_PHASES; i++)
		if (s->phase[i].present)
			out_printf(o, "vfio_preflight_headless{phase=\"%s\"} %d\n",
				   s->phase[i].name, s->phase[i].headless);
	metric_head(
		o, "vfio_preflight_fallback",
		"1 when a fatal check failed on this boot and the fallback ran (mode: FALLBACK).");
	out_str(o, "vfio_preflight_fallback{mode=");
	label(o, s->fell_back ? s->fallback_mode : "none");
	out_printf(o, "} %d\n", s->fell_back);
	metric_head(o, "vfio_preflight_rescue_boot",
		    "1 when this boot started from the rescue entry.");
	out_printf(o, "vfio_preflight_rescue_boot %d\n", s->rescue_boot);
	if (s->boot_time >= 0) {
		metric_head(
			o, "vfio_preflight_boot_time_seconds",
			"Unix time this boot started (btime), to tell which boot the other values are of.");
		out_printf(o, "vfio_preflight_boot_time_seconds %ld\n", s->boot_time);
	}
}
