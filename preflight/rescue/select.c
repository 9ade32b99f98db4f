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
#include "mounts.h"
#include "rootfs.h"
#include "strbuf.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

enum action { NEXT, CLEAR, STATUS };

/*
 * --loader, --grubenv, --esp: an admin's way to name what auto-detection
 * finds. The boot scripts name none (--auto), so the initramfs' cut
 * (VFP_BOOT_ONLY) takes none and always finds the loader and its files.
 */
#ifdef VFP_BOOT_ONLY
#define NAMED_PATHS 0
#else
#define NAMED_PATHS 1
#endif

#define ONESHOT	    "LoaderEntryOneShot-" EFI_LOADER_GUID
#define REASON_VAR  "VfioPreflightReason-" EFI_VFP_GUID
#define GRUB_REASON "vfio_preflight_reason"
#define SUFFIX	    "-vfio-rescue.conf"

struct rescue {
	struct root r;
	enum action action;
	const char *loader, *grubenv, *esp, *reason;
	char kver[128];
	char want[192]; /* entry id to select */
	int done;	/* grubenv files handled */
};

/* one line, on stdout when rc is 0, else on stderr; returns rc */
static int say(int rc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int say(int rc, const char *fmt, ...)
{
	char line[768];
	struct strbuf sb;
	va_list ap;

	sb_init(&sb, line, sizeof(line) - 1); /* room for the '\n' */
	sb_add(&sb, "vfio-preflight: rescue: ");
	va_start(ap, fmt);
	sb_vaddf(&sb, fmt, ap);
	va_end(ap);
	line[sb.len] = '\n';
	if (write(rc ? STDERR_FILENO : STDOUT_FILENO, line, sb.len + 1) < 0)
		return rc; /* nowhere left to report to */
	return rc;
}

/* KEEP, moved back to the start of a UTF-8 character of S */
static size_t char_start(const char *s, size_t keep)
{
	while (keep > 0 && ((unsigned char)s[keep] & 0xc0) == 0x80)
		keep--;
	return keep;
}

/* REASON cut to KEEP bytes (KEEP < its length) with a note of how much went */
static const char *cut_reason(const char *reason, size_t keep, char *buf, size_t cap)
{
	keep = char_start(reason, keep);
	str_fmt(buf, cap, "%.*s [%zu bytes cut]", (int)keep, reason, strlen(reason) - keep);
	return buf;
}

static void show_status(const char *loader, const char *next, const char *why)
{
	struct out o;

	out_init(&o, STDOUT_FILENO);
	out_printf(&o, "loader: %s\nnext boot: %s\nreason: %s\n", loader,
		   next[0] ? next : "(default entry)", why[0] ? why : "(none)");
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
			if (strlen(p) < sizeof(s->want) &&
			    (pass ? is_rescue_id(s, p) : !strcmp(p, pref))) {
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
	struct root_dir d;

	if (str_fmt(path, sizeof(path), "%s/loader/entries", dir) < 0 ||
	    root_dir_open(&d, r, path) < 0)
		return 0;
	while ((de = root_dir_next(&d))) {
		size_t n = strlen(de->d_name) + 1;

		if (len + n <= cap) {
			memcpy(list + len, de->d_name, n);
			len += n;
		}
	}
	root_dir_close(&d);
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
			str_fmt(plus, sizeof(pref) - (size_t)(plus - pref), SUFFIX);
	}
	if (NAMED_PATHS && s->esp)
		len = list_dir(&s->r, s->esp, list, sizeof(list));
	else if ((len = efivar_get(efd, "LoaderEntries-" EFI_LOADER_GUID, list, sizeof(list))) <= 0)
		for (size_t i = 0; i < ARRAY_SIZE(dirs) && len <= 0; i++)
			len = list_dir(&s->r, dirs[i], list, sizeof(list));
	return len > 0 ? pick_entry(s, list, len, pref) : -ENOENT;
}

/* the reason as it fits the variable (buf when cut), or NULL for none */
static const char *sdboot_fit_reason(const struct rescue *s, char *buf, size_t cap)
{
	/* room for " [N bytes cut]" */
	if (s->reason && strlen(s->reason) > EFIVAR_STR_MAX)
		return cut_reason(s->reason, EFIVAR_STR_MAX - 32, buf, cap);
	return s->reason;
}

/* set (or delete) the reason; a failure is said on stderr, the one-shot stands */
static void sdboot_reason(int efd, const char *why)
{
	int err = efivar_set(efd, REASON_VAR, why);

	if (err < 0 && why && efivar_set(efd, REASON_VAR, NULL) < 0)
		say(EXIT_FAILED,
		    "systemd-boot: cannot write %s: %s, nor delete the older reason there",
		    REASON_VAR, ERR_TEXT(-err));
	else if (err < 0)
		say(EXIT_FAILED, "systemd-boot: cannot %s %s: %s", why ? "write" : "delete",
		    REASON_VAR, ERR_TEXT(-err));
}

static int sdboot(struct rescue *s, int efd)
{
	char cur[256], why[256], fitbuf[EFIVAR_STR_MAX + 1];
	const char *fit;
	int err, cerr;

	cerr = efivar_get(efd, ONESHOT, cur, sizeof(cur));
	if (cerr < 0)
		cur[0] = '\0';
	if (s->action == STATUS) {
		if (cerr < 0 && cerr != -ENOENT)
			str_fmt(cur, sizeof(cur), "(cannot read %s: %s)", ONESHOT, ERR_TEXT(-cerr));
		if ((err = efivar_get(efd, REASON_VAR, why, sizeof(why))) < 0 && err != -ENOENT)
			str_fmt(why, sizeof(why), "(cannot read %s: %s)", REASON_VAR,
				ERR_TEXT(-err));
		else if (err < 0)
			why[0] = '\0';
		show_status("systemd-boot", cur, why);
		return EXIT_OK;
	}
	if (s->action == CLEAR) {
		int ours = ends_with(cur, SUFFIX);

		if (cerr < 0 && cerr != -ENOENT)
			return say(
				EXIT_FAILED,
				"systemd-boot: cannot read %s: %s; a rescue one-shot may still be set",
				ONESHOT, ERR_TEXT(-cerr));
		/* the reason first: stopped half-way, no reason is left without its one-shot */
		if ((err = efivar_set(efd, REASON_VAR, NULL)) < 0)
			return say(EXIT_FAILED, "systemd-boot: cannot delete %s: %s%s", REASON_VAR,
				   ERR_TEXT(-err), ours ? "; the rescue one-shot stays set" : "");
		if (ours && (err = efivar_set(efd, ONESHOT, NULL)) < 0)
			return say(EXIT_FAILED, "systemd-boot: cannot delete %s: %s", ONESHOT,
				   ERR_TEXT(-err));
		return say(EXIT_OK, "systemd-boot: %s",
			   ours ? "one-shot rescue boot cleared" : "no rescue one-shot set");
	}
	if (sdboot_find(s, efd) < 0)
		return say(EXIT_FAILED,
			   "systemd-boot: no rescue entry *-%s" SUFFIX " in the loader's entries "
			   "(run /etc/kernel/postinst.d/zz-vfio-preflight-rescue %s)",
			   s->kver, s->kver);
	fit = sdboot_fit_reason(s, fitbuf, sizeof(fitbuf));
	/*
	 * An older reason goes before the one-shot changes, the new one comes
	 * after it: a writer stopped half-way never leaves a stale reason
	 * beside a new one-shot, and the one-shot never waits on the reason.
	 */
	if (efivar_get(efd, REASON_VAR, why, sizeof(why)) >= 0 && (!fit || strcmp(why, fit)))
		efivar_set(efd, REASON_VAR, NULL); /* a failure shows when it is written below */
	err = efivar_set(efd, ONESHOT, s->want);
	if (err < 0)
		return say(EXIT_FAILED, "systemd-boot: cannot write %s: %s", ONESHOT,
			   ERR_TEXT(-err));
	sdboot_reason(efd, fit);
	why[0] = '\0';
	if (fit && fit != s->reason)
		str_fmt(why, sizeof(why), "; the reason is cut to fit (%zu of %zu bytes kept)",
			strlen(fit), strlen(s->reason));
	return say(EXIT_OK, "systemd-boot: next boot only: %s%s%s", s->want,
		   err ? "" : " (already set)", why);
}

/* ------------------------------------------------------------------ GRUB */

static int mount_line(void *ctx, char *line, size_t len, unsigned no, int trunc)
{
	(void)len, (void)no;
	if (!trunc)
		mounts_line(ctx, line);
	return 0;
}

/* 1 when GRUB cannot save_env on the filesystem holding REL (already said) */
static int grub_cannot_write(const struct rescue *s, const char *rel)
{
	static const char *const bad[] = { "btrfs", "zfs", "/dev/md", "/dev/mapper/", "/dev/dm-" };
	struct mount_find m = { 0 };
	char path[512];

	if (str_fmt(path, sizeof(path), "/%s", rel) < 0)
		return 0; /* the caller's join is as long: it has said so */
	*strrchr(path, '/') = '\0';
	m.path = path;
	if (root_for_each_line(&s->r, "proc/mounts", mount_line, &m) < 0 || !m.found)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		if (i < 2 ? !strcmp(m.fs, bad[i]) : str_starts(m.dev, bad[i])) {
			err_printf(
				"vfio-preflight: rescue: refused: /%s is on %s (%s); GRUB cannot clear "
				"next_entry there, so the rescue entry would boot every time. Pick "
				"'(rescue: no GPU passthrough)' in the GRUB menu instead\n",
				rel, m.dev, m.fs);
			return 1;
		}
	return 0;
}

/*
 * The reason that fits beside next_entry in BLK, into kv[3]: 0 whole, the
 * number of bytes cut, or -1 left out (kv[3] NULL: an older reason goes too).
 */
static long grub_fit_reason(const char *blk, const char **kv, char *buf, size_t cap)
{
	const char *reason = kv[3];
	char tmp[GRUBENV_SIZE];
	size_t lo = 0, hi, best = (size_t)-1;

	if (!reason)
		return 0;
	memcpy(tmp, blk, GRUBENV_SIZE);
	if (grubenv_edit(tmp, kv, 2) >= 0)
		return 0;
	/* the longest head that fits with its note: the length only grows with the head */
	for (hi = strlen(reason); lo < hi;) {
		size_t mid = lo + (hi - lo) / 2;

		kv[3] = cut_reason(reason, mid, buf, cap);
		memcpy(tmp, blk, GRUBENV_SIZE);
		if (grubenv_edit(tmp, kv, 2) >= 0) {
			best = mid;
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	if (best == (size_t)-1) {
		kv[3] = NULL;
		return -1;
	}
	kv[3] = cut_reason(reason, best, buf, cap);
	return (long)(strlen(reason) - char_start(reason, best));
}

/* the message for a grubenv_update that failed at STEP */
static int grub_failed(const char *label, int err, enum grubenv_step step)
{
	switch (step) {
	case GRUBENV_EDIT:
		return say(EXIT_FAILED,
			   "grub: %s: no room for next_entry in the %d-byte block "
			   "(grub-editenv %s list; unset what is not needed)",
			   label, GRUBENV_SIZE, label);
	case GRUBENV_WRITE:
		return say(EXIT_FAILED, "grub: cannot write %s: %s; it is unchanged", label,
			   ERR_TEXT(-err));
	case GRUBENV_SYNC:
		return say(EXIT_FAILED,
			   "grub: %s is written, but fsync failed: %s; the new block may not "
			   "be on disk",
			   label, ERR_TEXT(-err));
	case GRUBENV_READ:
		return say(EXIT_FAILED, "grub: cannot read %s: %s", label, ERR_TEXT(-err));
	default:
		return say(EXIT_FAILED, "grub: cannot open %s for writing: %s", label,
			   ERR_TEXT(-err));
	}
}

/* the operation on REL (a grubenv) under HERE (the root or a mounted ESP); LABEL names it */
static int grub_one(struct rescue *s, const struct root *here, const char *rel, const char *label)
{
	char blk[GRUBENV_SIZE], cur[256], why[256], cfg[512], cut[GRUBENV_SIZE + 64];
	const char *kv[4] = { "next_entry", s->want, GRUB_REASON, s->reason };
	enum grubenv_step step;
	long cutn = 0;
	int err, ours;

	err = grubenv_read(here, rel, blk);
	if (err == -EINVAL)
		return say(EXIT_FAILED,
			   "grub: %s: not a valid 1024-byte GRUB environment block; "
			   "recreate it with grub-editenv FILE create",
			   label);
	if (err < 0)
		return say(EXIT_FAILED, "grub: cannot read %s: %s", label, ERR_TEXT(-err));
	if (grubenv_get(blk, "next_entry", cur, sizeof(cur)) < 0)
		cur[0] = '\0';
	ours = str_starts(cur, "vfio-preflight-rescue-");
	if (s->action == STATUS) {
		char loader[600];

		if (grubenv_get(blk, GRUB_REASON, why, sizeof(why)) < 0)
			why[0] = '\0';
		str_fmt(loader, sizeof(loader), "grub (%s)", label);
		show_status(loader, cur, why);
		return EXIT_OK;
	}
	if (s->action == CLEAR) {
		err = ours ? grubenv_update(
				     here, rel,
				     (const char *const[]){ "next_entry", NULL, GRUB_REASON, NULL },
				     2, &step)
			   : grubenv_update(here, rel, kv + 2, 1, &step);
		if (err < 0)
			return grub_failed(label, err, step);
		return say(EXIT_OK, "grub: %s: %s", label,
			   ours ? "one-shot rescue boot cleared" : "no rescue one-shot set");
	}
	/* grub.cfg beside the grubenv must have the entry, or GRUB would boot the default */
	{
		const char *slash = strrchr(rel, '/');
		int n = slash ? (int)(slash + 1 - rel) : 0;

		if (str_fmt(cfg, sizeof(cfg), "%.*sgrub.cfg", n, rel) < 0)
			return say(EXIT_FAILED, "grub: path too long: %s", label);
	}
	err = root_file_contains(here, cfg, s->want);
	if (err < 0 && err != -ENOENT)
		return say(EXIT_FAILED, "grub: cannot read grub.cfg beside %s: %s", label,
			   ERR_TEXT(-err));
	if (err != 1)
		return say(EXIT_FAILED, "grub: no entry %s in grub.cfg beside %s (run update-grub)",
			   s->want, label);
	/* next_entry first: the reason is cut to fit, or left out */
	cutn = grub_fit_reason(blk, kv, cut, sizeof(cut));
	err = grubenv_update(here, rel, kv, 2, &step);
	if (err == -ENOSPC && step == GRUBENV_EDIT && kv[3]) {
		kv[3] = NULL; /* the block filled up since it was read */
		cutn = -1;
		err = grubenv_update(here, rel, kv, 2, &step);
	}
	if (err < 0)
		return grub_failed(label, err, step);
	/* one line: the boot scripts log it as one kernel-ring record */
	if (cutn)
		str_fmt(why, sizeof(why),
			cutn > 0 ? "; the reason is cut to fit (%ld bytes cut)"
				 : "; no room for the reason beside it: left out",
			cutn);
	return say(EXIT_OK, "grub: next boot only: next_entry=%s in %s%s%s", s->want, label,
		   err ? "" : " (already set)", cutn ? why : "");
}

static int grub_esp_cb(void *ctx, int dirfd, const char *dev)
{
	struct rescue *s = ctx;
	struct root esp = { .fd = dirfd, .path = dev, .contained = 1 };
	char label[300];

	if (!root_exists(&esp, "grub/grubenv"))
		return 0;
	str_fmt(label, sizeof(label), "%s:/grub/grubenv", dev);
	if (grub_one(s, &esp, "grub/grubenv", label) != EXIT_OK)
		return -1;
	s->done++;
	return s->action == STATUS;
}

static int grub(struct rescue *s)
{
	static const char *const cands[] = { "efi/grub/grubenv", "boot/efi/grub/grubenv",
					     "boot/grub/grubenv" };
	char rel[512];
	int n;

	str_fmt(s->want, sizeof(s->want), "vfio-preflight-rescue-%s", s->kver);
	if (NAMED_PATHS && (s->grubenv || s->esp)) {
		/* inside the root, whatever the slashes: --grubenv /boot/grub/grubenv is
		 * ROOT/boot/... */
		n = s->grubenv
			    ? str_fmt(rel, sizeof(rel), "%s", s->grubenv + strspn(s->grubenv, "/"))
			    : str_fmt(rel, sizeof(rel), "%s/grub/grubenv",
				      s->esp + strspn(s->esp, "/"));
		if (n < 0)
			return say(EXIT_USAGE, "grub: path too long: %s",
				   s->grubenv ? s->grubenv : s->esp);
		if (s->grubenv && s->action == NEXT && grub_cannot_write(s, rel))
			return EXIT_REFUSED;
		return grub_one(s, &s->r, rel, rel);
	}
	for (size_t i = 0; i < ARRAY_SIZE(cands); i++) {
		if (i == 2 && root_exists(&s->r, "etc/kernel/proxmox-boot-uuids"))
			break; /* GRUB reads the grubenv on the ESPs there */
		if (!root_exists(&s->r, cands[i]))
			continue;
		if (i == 2 && s->action == NEXT && grub_cannot_write(s, cands[i]))
			return EXIT_REFUSED;
		return grub_one(s, &s->r, cands[i], cands[i]);
	}
	n = esp_for_each(&s->r, grub_esp_cb, s);
	if (s->done && n >= 0)
		return EXIT_OK;
	if (n < 0 && !s->done)
		return say(EXIT_FAILED,
			   "grub: no grubenv found (%s under %s, nor grub/grubenv on an ESP)",
			   "boot/grub/grubenv", s->r.path);
	return EXIT_FAILED;
}

/* ------------------------------------------------------------------ main */

static int rescue_usage(void)
{
	err_printf(
		"usage: vfio-preflight rescue --next-boot|--clear|--status [--auto] [--root DIR]\n"
#ifdef VFP_BOOT_ONLY
		"         [--reason TEXT]\n");
#else
		"         [--loader auto|grub|systemd-boot] [--grubenv PATH] [--esp DIR] [--reason TEXT]\n");
#endif
	return EXIT_USAGE;
}

static int action_of(const char *flag)
{
	static const struct {
		const char *flag;
		enum action action;
	} actions[] = { { "--next-boot", NEXT }, { "--clear", CLEAR }, { "--status", STATUS } };

	for (size_t i = 0; i < ARRAY_SIZE(actions); i++)
		if (!strcmp(flag, actions[i].flag))
			return (int)actions[i].action;
	return -1;
}

static int parse(struct rescue *s, int argc, char **argv, const char **root)
{
	int actions = 0, act;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		const char **opt = !strcmp(a, "--root")	     ? root
				   : !strcmp(a, "--reason")  ? &s->reason
				   : !NAMED_PATHS	     ? NULL
				   : !strcmp(a, "--loader")  ? &s->loader
				   : !strcmp(a, "--grubenv") ? &s->grubenv
				   : !strcmp(a, "--esp")     ? &s->esp
							     : NULL;

		if (opt && v) {
			*opt = v;
			i++;
		} else if ((act = action_of(a)) >= 0) {
			s->action = (enum action)act;
			actions++;
		} else if (!strcmp(a, "--auto")) {
			s->loader = "auto";
		} else {
			return -EINVAL;
		}
	}
	if (actions != 1 || (NAMED_PATHS && strcmp(s->loader, "auto") &&
			     strcmp(s->loader, "grub") && strcmp(s->loader, "systemd-boot")))
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
		return say(EXIT_USAGE, "cannot open root '%s'", root);
	if (root_read(&s.r, "proc/sys/kernel/osrelease", s.kver, sizeof(s.kver)) <= 0) {
		root_close(&s.r);
		return say(EXIT_INTERNAL, "cannot read %s/proc/sys/kernel/osrelease", root);
	}
	{
		char *t = str_trim(s.kver);

		memmove(s.kver, t, strlen(t) + 1);
	}
	efd = efivar_open_dir(&s.r);
	sd = efd >= 0 && efivar_get(efd, "LoaderInfo-" EFI_LOADER_GUID, info, sizeof(info)) >= 0 &&
	     !str_starts(info, "GRUB");
	if (NAMED_PATHS && !strcmp(s.loader, "systemd-boot") && !sd)
		rc = say(
			EXIT_FAILED,
			"systemd-boot did not start this boot (no LoaderInfo in %s/sys/firmware/efi/efivars): "
			"its one-shot would be ignored",
			root);
	else if (sd && (!NAMED_PATHS || strcmp(s.loader, "grub"))) {
		/* two writers (the boot's fallback, an admin) take turns over the variables */
		if (s.action != STATUS)
			flock(efd, LOCK_EX);
		rc = sdboot(&s, efd);
	} else
		rc = grub(&s);
	if (efd >= 0)
		close(efd);
	root_close(&s.r);
	return rc;
}
