/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * select.c - the "rescue" command: set, clear or show the one-shot
 * boot of the rescue entry (systemd-boot LoaderEntryOneShot, GRUB
 * next_entry). See select.h for the contract.
 */
#include "format.h"
#include "select.h"
#include "cli.h"
#include "macro.h"
#include "out.h"
#include "diag.h"
#include "efivar.h"
#include "esp.h"
#include "grubenv.h"
#include "rootfs.h"
#include "strbuf.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

enum action { NEXT, CLEAR, STATUS };

#define ONESHOT "LoaderEntryOneShot-" EFI_LOADER_GUID
#define REASON_VAR "VfioPreflightReason-" EFI_VFP_GUID
#define GRUB_REASON "vfio_preflight_reason"
#define SUFFIX "-vfio-rescue.conf"

struct rescue {
	struct root r;
	enum action action;
	const char *loader, *grubenv, *esp, *reason;
	char kver[128];
	char want[192];		/* entry id to select */
	int done;		/* grubenv files handled */
};

/* one line, on stdout when rc is 0, else on stderr; returns rc */
static int say(int rc, const char *fmt, const char *a, const char *b)
{
	char line[512];
	struct strbuf sb;

	sb_init(&sb, line, sizeof(line) - 1);	/* room for the '\n' */
	sb_add(&sb, "vfio-preflight: rescue: ");
	sb_addf(&sb, fmt, a, b);
	line[sb.len] = '\n';
	if (write(rc ? STDERR_FILENO : STDOUT_FILENO, line, sb.len + 1) < 0)
		return rc;	/* nowhere left to report to */
	return rc;
}

static void show_status(const char *loader, const char *next, const char *why)
{
	struct out o;

	out_init(&o, STDOUT_FILENO);
	out_printf(&o, "loader: %s\nnext boot: %s\nreason: %s\n", loader, next[0] ? next : "(default entry)",
		   why[0] ? why : "(none)");
	out_flush(&o);
}

/* ---------------------------------------------------------- systemd-boot */

static int ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);

	return n >= t && !strcmp(s + n - t, tail);
}

/* does NAME look like "<id>-<kver>-vfio-rescue.conf"? */
static int is_rescue_id(const struct rescue *s, const char *name)
{
	char tail[192];

	str_fmt(tail, sizeof(tail), "-%s" SUFFIX, s->kver);
	return ends_with(name, tail);
}

/* pick into s->want from a NUL-separated list; `pref` first if listed */
static int pick_entry(struct rescue *s, const char *list, int len, const char *pref)
{
	for (int pass = 0; pass < 2; pass++)
		for (const char *p = list; p < list + len; p += strlen(p) + 1)
			if (strlen(p) < sizeof(s->want) && (pass ? is_rescue_id(s, p) : !strcmp(p, pref))) {
				memcpy(s->want, p, strlen(p) + 1);
				return 0;
			}
	return -ENOENT;
}

/* entry ids from DIR/loader/entries into list; length */
static int list_dir(const struct root *r, const char *dir, char *list, size_t cap)
{
	char path[300];
	struct dirent *de;
	size_t len = 0;
	DIR *d;

	str_fmt(path, sizeof(path), "%s/loader/entries", dir);
	if (!(d = root_opendir(r, path)))
		return 0;
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name) + 1;

		if (len + n <= cap) {
			memcpy(list + len, de->d_name, n);
			len += n;
		}
	}
	closedir(d);
	return (int)len;
}

static int sdboot_find(struct rescue *s, int efd)
{
	static const char *const dirs[] = { "efi", "boot/efi", "boot" };
	char list[8192], pref[192];
	int len = 0;

	pref[0] = '\0';
	if (efivar_get(efd, "LoaderEntrySelected-" EFI_LOADER_GUID, pref, sizeof(pref) - 20) > 4) {
		char *plus = strchr(pref, '+');

		if (plus || (plus = strstr(pref, ".conf")))
			strcpy(plus, SUFFIX);
	}
	if (s->esp)
		len = list_dir(&s->r, s->esp, list, sizeof(list));
	else if ((len = efivar_get(efd, "LoaderEntries-" EFI_LOADER_GUID, list, sizeof(list))) <= 0)
		for (unsigned i = 0; i < 3 && len <= 0; i++)
			len = list_dir(&s->r, dirs[i], list, sizeof(list));
	return len > 0 ? pick_entry(s, list, len, pref) : -ENOENT;
}

static int sdboot(struct rescue *s, int efd)
{
	char cur[256], why[256];
	int err;

	if (efivar_get(efd, ONESHOT, cur, sizeof(cur)) < 0)
		cur[0] = '\0';
	if (s->action == STATUS) {
		if (efivar_get(efd, REASON_VAR, why, sizeof(why)) < 0)
			why[0] = '\0';
		show_status("systemd-boot", cur, why);
		return EXIT_OK;
	}
	if (s->action == CLEAR) {
		err = ends_with(cur, SUFFIX) ? efivar_set(efd, ONESHOT, NULL) : 0;
		if (err >= 0)
			err = efivar_set(efd, REASON_VAR, NULL);
		if (err < 0)
			return say(EXIT_FAILED, "systemd-boot: cannot delete LoaderEntryOneShot: %s%s", ERR_TEXT(-err), "");
		return say(EXIT_OK, "systemd-boot: %s%s", cur[0] && ends_with(cur, SUFFIX) ?
			   "one-shot rescue boot cleared" : "no rescue one-shot set", "");
	}
	if (sdboot_find(s, efd) < 0)
		return say(EXIT_FAILED, "systemd-boot: no rescue entry *-%s" SUFFIX " in the loader's entries "
			   "(run /etc/kernel/postinst.d/zz-vfio-preflight-rescue %s)", s->kver, s->kver);
	err = efivar_set(efd, ONESHOT, s->want);
	if (err >= 0 && efivar_set(efd, REASON_VAR, s->reason) < 0)
		say(EXIT_FAILED, "systemd-boot: could not keep the reason in %s%s", REASON_VAR, "");
	if (err < 0)
		return say(EXIT_FAILED, "systemd-boot: cannot write LoaderEntryOneShot: %s%s", ERR_TEXT(-err), "");
	return say(EXIT_OK, "systemd-boot: next boot only: %s%s", s->want,
		   err ? "" : " (already set)");
}

/* ------------------------------------------------------------------ GRUB */

struct mnt_find {
	const char *path;	/* "/boot/grub" */
	size_t best;
	char fs[32], dev[128];
};

static int mount_line(void *ctx, char *line, size_t len, unsigned no, int trunc)
{
	struct mnt_find *m = ctx;
	char *f[3];
	size_t n;

	(void)len, (void)no;
	for (size_t i = 0; i < ARRAY_SIZE(f); i++) {
		line += strspn(line, " \t");
		f[i] = line;
		line += strcspn(line, " \t");
		if (!*line && i < 2)
			return 0;
		if (*line)
			*line++ = '\0';
	}
	n = strcmp(f[1], "/") ? strlen(f[1]) : 0;
	if (trunc || strncmp(m->path, f[1], n) || (m->path[n] && m->path[n] != '/'))
		return 0;
	if (n >= m->best || !m->fs[0]) {
		m->best = n;
		str_fmt(m->fs, sizeof(m->fs), "%s", f[2]);
		str_fmt(m->dev, sizeof(m->dev), "%s", f[0]);
	}
	return 0;
}

/* 1 when GRUB cannot save_env on the filesystem holding REL (already said) */
static int grub_cannot_write(const struct rescue *s, const char *rel)
{
	static const char *const bad[] = { "btrfs", "zfs", "/dev/md", "/dev/mapper/", "/dev/dm-" };
	struct mnt_find m = { 0 };
	char path[300];

	str_fmt(path, sizeof(path), "/%s", rel);
	*strrchr(path, '/') = '\0';
	m.path = path;
	if (root_for_each_line(&s->r, "proc/mounts", mount_line, &m) < 0 || !m.fs[0])
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		if (i < 2 ? !strcmp(m.fs, bad[i]) : str_starts(m.dev, bad[i])) {
			err_printf("vfio-preflight: rescue: refused: /%s is on %s (%s); GRUB cannot clear "
				   "next_entry there, so the rescue entry would boot every time. Pick "
				   "'(rescue: no GPU passthrough)' in the GRUB menu instead\n", rel, m.dev, m.fs);
			return 1;
		}
	return 0;
}

/* the operation on DIRFD/REL (a grubenv); LABEL names it in messages */
static int grub_one(struct rescue *s, int dirfd, const char *rel, const char *label)
{
	char blk[GRUBENV_SIZE], cur[256], why[256], cfg[300];
	const char *kv[4] = { "next_entry", s->want, GRUB_REASON, s->reason };
	struct root here = { .fd = dirfd, .path = label };	/* a mounted ESP or /boot */
	int err, ours;

	err = grubenv_read(dirfd, rel, blk);
	if (err < 0)
		return say(EXIT_FAILED, "grub: %s: %s (not a valid 1024-byte GRUB environment block; "
			   "recreate it with grub-editenv FILE create)", label, ERR_TEXT(-err));
	if (grubenv_get(blk, "next_entry", cur, sizeof(cur)) < 0)
		cur[0] = '\0';
	ours = str_starts(cur, "vfio-preflight-rescue-");
	if (s->action == STATUS) {
		if (grubenv_get(blk, GRUB_REASON, why, sizeof(why)) < 0)
			why[0] = '\0';
		char loader[300];

		str_fmt(loader, sizeof(loader), "grub (%s)", label);
		show_status(loader, cur, why);
		return EXIT_OK;
	}
	if (s->action == CLEAR) {
		kv[1] = NULL;
		kv[3] = NULL;
	} else {
		str_fmt(cfg, sizeof(cfg), "%s", rel);
		strcpy(strrchr(cfg, '/') ? strrchr(cfg, '/') + 1 : cfg, "grub.cfg");
		if (root_file_contains(&here, cfg, s->want) != 1)
			return say(EXIT_FAILED, "grub: no entry %s in grub.cfg beside %s (run update-grub)", s->want, label);
	}
	err = grubenv_update(dirfd, rel, kv + (s->action == CLEAR && !ours ? 2 : 0),
			     s->action == CLEAR && !ours ? 1 : 2);
	if (err < 0)
		return say(EXIT_FAILED, "grub: cannot update %s: %s", label, ERR_TEXT(-err));
	if (s->action == CLEAR)
		return say(EXIT_OK, "grub: %s: %s", label, ours ? "one-shot rescue boot cleared" : "no rescue one-shot set");
	return say(EXIT_OK, "grub: next boot only: next_entry=%s in %s", s->want, label);
}

static int grub_esp_cb(void *ctx, int dirfd, const char *dev)
{
	struct rescue *s = ctx;
	char label[300];

	if (faccessat(dirfd, "grub/grubenv", F_OK, 0) < 0)
		return 0;
	str_fmt(label, sizeof(label), "%s:/grub/grubenv", dev);
	if (grub_one(s, dirfd, "grub/grubenv", label) != EXIT_OK)
		return -1;
	s->done++;
	return s->action == STATUS;
}

static int grub(struct rescue *s)
{
	static const char *const cands[] = { "efi/grub/grubenv", "boot/efi/grub/grubenv", "boot/grub/grubenv" };
	char rel[300];
	int n;

	str_fmt(s->want, sizeof(s->want), "vfio-preflight-rescue-%s", s->kver);
	if (s->grubenv || s->esp) {
		if (s->grubenv)
			str_fmt(rel, sizeof(rel), "%s", s->grubenv + strspn(s->grubenv, "/"));
		else
			str_fmt(rel, sizeof(rel), "%s/grub/grubenv", s->esp + strspn(s->esp, "/"));
		if (s->grubenv && s->action == NEXT && grub_cannot_write(s, rel))
			return EXIT_REFUSED;
		return grub_one(s, s->r.fd, rel, rel);
	}
	for (size_t i = 0; i < ARRAY_SIZE(cands); i++) {
		if (i == 2 && root_exists(&s->r, "etc/kernel/proxmox-boot-uuids"))
			break;	/* GRUB reads the grubenv on the ESPs there */
		if (!root_exists(&s->r, cands[i]))
			continue;
		if (i == 2 && s->action == NEXT && grub_cannot_write(s, cands[i]))
			return EXIT_REFUSED;
		return grub_one(s, s->r.fd, cands[i], cands[i]);
	}
	n = esp_for_each(&s->r, grub_esp_cb, s);
	if (s->done && n >= 0)
		return EXIT_OK;
	if (n < 0 && !s->done)
		return say(EXIT_FAILED, "grub: no grubenv found (%s under %s, nor grub/grubenv on an ESP)",
			   "boot/grub/grubenv", s->r.path);
	return EXIT_FAILED;
}

/* ------------------------------------------------------------------ main */

static int rescue_usage(void)
{
	err_printf("usage: vfio-preflight rescue --next-boot|--clear|--status [--auto] [--root DIR]\n"
		   "         [--loader auto|grub|systemd-boot] [--grubenv PATH] [--esp DIR] [--reason TEXT]\n");
	return EXIT_USAGE;
}

static int parse(struct rescue *s, int argc, char **argv, const char **root)
{
	int actions = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		const char **opt = !strcmp(a, "--root") ? root : !strcmp(a, "--loader") ? &s->loader :
			!strcmp(a, "--grubenv") ? &s->grubenv : !strcmp(a, "--esp") ? &s->esp :
			!strcmp(a, "--reason") ? &s->reason : NULL;

		if (opt && v) {
			*opt = v;
			i++;
		} else if (!strcmp(a, "--next-boot") || !strcmp(a, "--clear") || !strcmp(a, "--status")) {
			s->action = a[2] == 'n' ? NEXT : a[2] == 'c' ? CLEAR : STATUS;
			actions++;
		} else if (!strcmp(a, "--auto")) {
			s->loader = "auto";
		} else {
			return -EINVAL;
		}
	}
	if (actions != 1 || (strcmp(s->loader, "auto") && strcmp(s->loader, "grub") &&
			     strcmp(s->loader, "systemd-boot")))
		return -EINVAL;
	return 0;
}

int rescue_main(int argc, char **argv)
{
	struct rescue s = { .loader = "auto" };
	const char *root = "/";
	char info[128];
	int efd, rc, sd;

	if (parse(&s, argc, argv, &root) < 0)
		return rescue_usage();
	if (root_open(&s.r, root) < 0)
		return say(EXIT_USAGE, "cannot open root '%s'%s", root, "");
	if (root_read(&s.r, "proc/sys/kernel/osrelease", s.kver, sizeof(s.kver)) <= 0) {
		root_close(&s.r);
		return say(EXIT_INTERNAL, "cannot read %s/proc/sys/kernel/osrelease%s", root, "");
	}
	{
		char *t = str_trim(s.kver);

		memmove(s.kver, t, strlen(t) + 1);
	}
	efd = efivar_open_dir(&s.r);
	sd = efd >= 0 && efivar_get(efd, "LoaderInfo-" EFI_LOADER_GUID, info, sizeof(info)) >= 0 &&
	     !str_starts(info, "GRUB");
	if (!strcmp(s.loader, "systemd-boot") && !sd)
		rc = say(EXIT_FAILED, "systemd-boot did not start this boot (no LoaderInfo in %s/sys/firmware/efi/efivars): "
			 "its one-shot would be ignored%s", root, "");
	else if (sd && strcmp(s.loader, "grub"))
		rc = sdboot(&s, efd);
	else
		rc = grub(&s);
	if (efd >= 0)
		close(efd);
	root_close(&s.r);
	return rc;
}
