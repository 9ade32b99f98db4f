/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * main.c - command line of vfio-preflight: one row per command in
 * commands[]; the only place that exits.
 *
 * Exit status (enum exit_status): 0 no FAIL, 1 at least one FAIL, 2 usage,
 * 3 internal error. `boot` never reports a verdict through its status (a
 * boot must go on): it exits 0 unless the call is wrong (2) or the program
 * failed (3).
 */
#include "format.h"
#include "checks.h"
#include "cli.h"
#include "config.h"
#include "host.h"
#include "macro.h"
#include "render.h"
#include "rescue/select.h"
#include "snapshot.h"
#include "pci_topology.h"
#include "render_groups.h"
#include "vm/vm_cmd.h"
#include "atomic_file.h"
#include "boot_state.h"
#include "saved_report.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef VERSION
#define VERSION "0.1"
#endif

struct options {
	const char *command;
	const char *root;
	const char *state_dir; /* relative to root */
	const char *rootmnt;   /* boot upgrade: the real root */
	enum phase phase;
	const struct pci_backend *backend;
	bool json, kmsg, color, no_color;
	bool all;		/* groups: every group, not only passthrough ones */
	bool motd;		/* status: the login message of a fallback or rescue boot */
	const char *prometheus; /* status: node_exporter textfile directory */
};

static void usage(int fd);

#ifndef VFP_BOOT_ONLY
static int parse_backend(const char *s, const struct pci_backend **b)
{
	if (!strcmp(s, "sysfs")) {
		*b = &pci_backend_sysfs;
		return 0;
	}
#ifdef HAVE_LIBPCI
	if (!strcmp(s, "libpci")) {
		*b = &pci_backend_libpci;
		return 0;
	}
#endif
	return -EINVAL;
}
#endif

static int parse_args(int argc, char **argv, struct options *o)
{
	bool backend_given = false;
	int i = 0;

	o->root = "/";
	o->state_dir = "run/vfio-preflight";
	o->phase = PHASE_CHECK;
	o->backend = &pci_backend_sysfs;
	o->command = argv[i++];
	if (!strcmp(o->command, "boot")) {
		if (i >= argc || phase_parse(argv[i++], &o->phase) < 0 || o->phase == PHASE_CHECK)
			return -EINVAL;
	}
	for (; i < argc; i++) {
		const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--root") && val) {
			o->root = val;
			i++;
		} else if (!strcmp(a, "--state-dir") && val) {
			o->state_dir = val + strspn(val, "/");
			i++;
		} else if (!strcmp(a, "--rootmnt") && val && o->phase == PHASE_UPGRADE) {
			o->rootmnt = val;
			i++;
#ifndef VFP_BOOT_ONLY /* the admin's options: the boot scripts pass none of them */
		} else if (!strcmp(a, "--json")) {
			o->json = true;
		} else if (!strcmp(a, "--kmsg")) {
			o->kmsg = true;
		} else if (!strcmp(a, "--motd") && !strcmp(o->command, "status")) {
			o->motd = true;
		} else if (!strcmp(a, "--prometheus") && val && !strcmp(o->command, "status")) {
			o->prometheus = val;
			i++;
		} else if (!strcmp(a, "--all") && !strcmp(o->command, "groups")) {
			o->all = true;
		} else if (!strcmp(a, "--no-color")) {
			o->no_color = true;
		} else if (!strcmp(a, "--phase") && val && !strcmp(o->command, "check")) {
			if (phase_parse(val, &o->phase) < 0 || o->phase == PHASE_UPGRADE)
				return -EINVAL;
			i++;
		} else if (!strcmp(a, "--backend") && val) {
			backend_given = true;
			if (parse_backend(val, &o->backend) < 0) {
				err_printf("vfio-preflight: backend '%s' is not built in\n", val);
				return -EINVAL;
			}
			i++;
#endif
		} else {
			err_printf("vfio-preflight: unknown or incomplete option '%s'\n", a);
			return -EINVAL;
		}
	}
#ifdef HAVE_LIBPCI
	/* groups shows names: pci.ids through libpci unless told otherwise */
	if (!strcmp(o->command, "groups") && !backend_given)
		o->backend = &pci_backend_libpci;
#else
	(void)backend_given;
#endif
	if (o->phase == PHASE_UPGRADE && !o->rootmnt) {
		err_printf("vfio-preflight: boot upgrade needs --rootmnt DIR\n");
		return -EINVAL;
	}
	return 0;
}

struct state_ctx {
	const struct host *h;
	const struct report *rep;
	const struct config *cfg; /* predict: what the fallback acts on, else NULL */
};

static void state_json(struct out *o, const void *c)
{
	const struct state_ctx *s = c;

	render_json(o, s->h, s->rep);
}

static void state_env(struct out *o, const void *c)
{
	const struct state_ctx *s = c;

	render_env(o, s->h, s->rep);
	if (s->cfg) {
		config_write_fatal(o, s->cfg, s->rep);
		render_env_rebind(o, s->h, config_falls_back(s->cfg, s->rep));
	}
}

static void state_rebind(struct out *o, const void *c)
{
	const struct state_ctx *s = c;

	render_rebind_list(o, s->h);
}

/*
 * STATE/<phase>.{json,env}: survives into the real root with /run (status
 * prints the text report from the JSON: see saved_report.h). Each
 * is replaced whole (atomic_write): a reader sees the old or the new one,
 * and a link planted as the name is replaced, never written through.
 */
static void save_state(const struct options *o, const struct atomic_dir *d, int dir_err,
		       const struct host *h, const struct report *rep, struct kmsg *k,
		       const struct config *cfg)
{
	static const struct {
		const char *ext;
		atomic_render_fn render;
	} files[] = { { "json", state_json }, { "env", state_env } };
	const struct state_ctx ctx = { h, rep, cfg };

	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		char name[32];
		int err;

		str_fmt(name, sizeof(name), "%s.%s", phase_name(h->phase), files[i].ext);
		err = dir_err < 0 ? dir_err : atomic_dir_write(d, name, files[i].render, &ctx);
		if (err < 0)
			kmsg_log(k, 4, "state: cannot write /%s/%s: %s", o->state_dir, name,
				 ERR_TEXT(-err));
	}
	if (cfg) { /* predict: STATE/rebind for init-top, only when it has work */
		int err = dir_err;

		if (err >= 0 && h->n_rebind && !config_falls_back(cfg, rep))
			err = atomic_dir_write(d, "rebind", state_rebind, &ctx);
		else if (err >= 0 && unlinkat(d->fd, "rebind", 0) < 0 && errno != ENOENT)
			err = -errno;
		if (err < 0)
			kmsg_log(k, 4, "state: cannot write /%s/rebind: %s", o->state_dir,
				 ERR_TEXT(-err));
	}
}

/*
 * The initramfs carries a cut of this program (VFP_BOOT_ONLY, see the
 * Makefile): what the boot scripts run. The admin's commands (check, groups,
 * snapshot, config, status, vm) and the hook's (snapshot, config, run on the
 * build host) stay in the installed binary.
 */
#ifndef VFP_BOOT_ONLY
static void motd_render(struct out *o, const void *s)
{
	render_motd(o, s);
}

static void prom_render(struct out *o, const void *s)
{
	render_prometheus(o, s);
}

#define MOTD_DIR  "run/motd.d"
#define MOTD_NAME "vfio-preflight"
#define PROM_NAME "vfio-preflight.prom"

/*
 * status --motd / --prometheus DIR: files for after the boot, each replaced
 * atomically. The login message exists only on a boot that fell back or
 * started from the rescue entry (otherwise an old one is removed).
 */
static int cmd_status_files(const struct options *o, const struct root *r)
{
	struct boot_state *s = malloc(sizeof(*s));
	int err, ret = EXIT_OK;

	if (!s || boot_state_load(s, r, o->state_dir) < 0) {
		free(s);
		err_printf("vfio-preflight: status: out of memory\n");
		return EXIT_INTERNAL;
	}
	if (o->motd) {
		err = motd_wanted(s) ? atomic_write(r, MOTD_DIR, true, MOTD_NAME, motd_render, s)
				     : atomic_remove(r, MOTD_DIR, MOTD_NAME);
		if (err < 0) {
			err_printf("vfio-preflight: status: cannot write /%s/%s: %s\n", MOTD_DIR,
				   MOTD_NAME, ERR_TEXT(-err));
			ret = EXIT_INTERNAL;
		}
	}
	if (o->prometheus) {
		err = atomic_write(r, o->prometheus, false, PROM_NAME, prom_render, s);
		if (err < 0) {
			err_printf(
				"vfio-preflight: status: cannot write %s/%s: %s (Debian's node-exporter "
				"reads /var/lib/prometheus/node-exporter)\n",
				o->prometheus, PROM_NAME, ERR_TEXT(-err));
			ret = EXIT_INTERNAL;
		}
	}
	free(s);
	return ret;
}

/* one phase's saved JSON (fd, closed here) as the text report check prints; -errno when it cannot
 */
static int status_text(struct out *out, int fd, bool color)
{
	struct saved_report *s = malloc(sizeof(*s));
	int err;

	if (!s) {
		close(fd);
		return -ENOMEM;
	}
	if (!(err = saved_report_read(s, fd)))
		render_text(out, &s->h, &s->rep, color);
	saved_report_free(s);
	free(s);
	return err;
}

/*
 * status: what the boot phases saved, STATE/PHASE.json each: as they are
 * with --json, else as the text report.
 */
static int cmd_status(const struct options *o, const struct root *r)
{
	struct out out;
	int found = 0, bad = 0;

	out_init(&out, STDOUT_FILENO);
	if (o->json)
		out_char(&out, '{');
	for (enum phase p = PHASE_PREDICT; p < PHASE_COUNT; p++) { /* the phases that save state */
		const char *phase = phase_name(p);
		char path[320], buf[4096];
		int fd, n, err;

		str_fmt(path, sizeof(path), "%s/%s.json", o->state_dir, phase);
		fd = root_openat(r, path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (o->json) {
			out_printf(&out, "%s\"%s\":", found ? "," : "", phase);
			while ((n = (int)read(fd, buf, sizeof(buf))) > 0)
				out_mem(&out, buf, (size_t)n);
			close(fd);
		} else {
			out_printf(&out, "%s== %s phase (/%s) ==\n", found ? "\n" : "", phase,
				   path);
			if ((err = status_text(&out, fd, o->color)) < 0) {
				out_flush(&out);
				err_printf("vfio-preflight: status: /%s: %s\n", path,
					   err == -EBADMSG ? "not a report this program saved"
							   : ERR_TEXT(-err));
				bad++;
			}
		}
		found++;
	}
	if (o->json)
		out_str(&out, "}\n");
	out_flush(&out);
	if (!found)
		err_printf(
			"vfio-preflight: no saved verdicts in /%s (the initramfs phases did not run "
			"on this boot; is the hook installed and the image rebuilt?)\n",
			o->state_dir);
	return !found ? EXIT_FAILED : bad ? EXIT_INTERNAL : EXIT_OK;
}

/* what the initramfs hook stores in the image, see snapshot.h */
static int cmd_snapshot(const struct root *r)
{
	struct diag dg = { .n = 0 };
	struct modconf mc;
	char *buf = malloc(SNAPSHOT_MAX), *conf = malloc(SNAPSHOT_MAX);
	struct strbuf sb, cb;
	int err = -ENOMEM;

	if (buf && conf && (err = modconf_load(&mc, r, &dg)) == 0) {
		sb_init(&sb, buf, SNAPSHOT_MAX);
		sb_init(&cb, conf, SNAPSHOT_MAX);
		snapshot_modprobe(&mc, &sb);
		configured_cmdline(r, &cb);
		sb_add(&sb, "cmdline: ");
		passthrough_params(conf, &sb);
		struct out out;

		out_init(&out, STDOUT_FILENO);
		out_str(&out, "# vfio-preflight snapshot: vfio-relevant boot configuration\n");
		out_bytes(&out, buf, strlen(buf)); /* data: read back byte for byte */
		out_char(&out, '\n');
		out_flush(&out);
		modconf_free(&mc);
		err = sb.truncated ? -EFBIG : 0;
	}
	free(buf);
	free(conf);
	return err;
}

/* the IOMMU groups as a tree; 1 when a passthrough group is not viable */
static int cmd_groups(const struct options *o, const struct root *r)
{
	struct host_options hopt = { .phase = PHASE_CHECK, .backend = o->backend };
	struct host *h = malloc(sizeof(*h));
	size_t *parent = NULL;
	struct out out;
	int err;

	if (!h)
		return -ENOMEM;
	err = host_load(h, r, &hopt);
	if (!err && !(parent = malloc((h->pci.n + 1) * sizeof(*parent))))
		err = -ENOMEM;
	if (!err) {
		pci_parents(r, &h->pci, parent); /* no links: every function on a root bus */
		out_init(&out, STDOUT_FILENO);
		err = render_groups(&out, h, parent, o->all, o->color);
		out_flush(&out);
		host_free(h);
	}
	free(parent);
	free(h);
	return err;
}

static int run_status(const struct options *o, const struct root *r)
{
	return o->motd || o->prometheus ? cmd_status_files(o, r) : cmd_status(o, r);
}

static int run_snapshot(const struct options *o, const struct root *r)
{
	int ret = cmd_snapshot(r);

	(void)o;
	if (ret < 0)
		err_printf("vfio-preflight: snapshot: %s\n", ERR_TEXT(ret));
	return ret < 0 ? EXIT_INTERNAL : EXIT_OK;
}

static int run_groups(const struct options *o, const struct root *r)
{
	int ret = cmd_groups(o, r);

	if (ret < 0) {
		err_printf("vfio-preflight: internal error: %s\n", ERR_TEXT(-ret));
		return EXIT_INTERNAL;
	}
	return ret ? EXIT_FAILED : EXIT_OK;
}

/* the configuration as the boot reads it: KEY="value" lines; 1 when it had problems */
static int run_config(const struct options *o, const struct root *r)
{
	struct config c;
	struct kmsg k;
	struct out out;
	unsigned problems;

	kmsg_init(&k, r);
	problems = config_load(&c, r, o->kmsg ? &k : NULL);
	kmsg_close(&k);
	out_init(&out, STDOUT_FILENO);
	config_write(&out, &c);
	if (out_flush(&out) < 0)
		return EXIT_INTERNAL;
	return problems ? EXIT_FAILED : EXIT_OK;
}
#endif

/* init-top fell back on this boot: STATE/fallback says "MODE reason", MODE not off */
static bool fell_back(const struct options *o, const struct root *r)
{
	char path[320], buf[8];

	str_fmt(path, sizeof(path), "%s/fallback", o->state_dir);
	return root_read(r, path, buf, sizeof(buf)) > 0 && strncmp(buf, "off ", 4) != 0;
}

/*
 * The slots predict asked init-top to rebind (STATE/rebind, written only when there are
 * some) into buf; NULL when predict did not run on this boot (no STATE/predict.env).
 */
static const char *rebound(const struct options *o, const struct root *r, char *buf, size_t cap)
{
	char path[320];

	str_fmt(path, sizeof(path), "%s/predict.env", o->state_dir);
	if (!root_exists(r, path))
		return NULL;
	str_fmt(path, sizeof(path), "%s/rebind", o->state_dir);
	if (root_read(r, path, buf, cap) <= 0)
		buf[0] = '\0';
	return buf;
}

static int run(const struct options *o, const struct root *r)
{
	struct host_options hopt = { .phase = o->phase, .backend = o->backend };
	struct host *h = malloc(sizeof(*h));
	struct report rep;
	struct kmsg k;
	struct config cfg = { .problems = 0 }; /* boot predict: the validated configuration */
	struct root rootmnt = { .fd = -1 };
#ifdef VFP_BOOT_ONLY
	const bool boot = true; /* the cut's only command that reports */
#else
	bool boot = !strcmp(o->command, "boot");
#endif
	struct atomic_dir state = { .fd = -1 }; /* boot: the state directory, opened once */
	char rebound_buf[512];
	int state_err = -ENOENT, err;

	kmsg_init(&k, r);
	if (!h)
		return -ENOMEM;
	if (o->rootmnt) {
		if ((err = root_open(&rootmnt, o->rootmnt)) < 0) {
			kmsg_log(&k, 3,
				 "upgrade: ERROR cannot open the real root %s: %s; boot continues",
				 o->rootmnt, ERR_TEXT(err));
			free(h);
			return err;
		}
		hopt.rootmnt = &rootmnt;
	}
	if (boot)
		state_err = atomic_dir_open(&state, r, o->state_dir, true);
	if (boot && o->phase == PHASE_PREDICT)
		config_load(&cfg, r, &k); /* its problems to the ring, once a boot */
	else
		config_read_quiet(&cfg, r); /* predict logged its problems */
	hopt.rebind_off = !config_rebind_builtin(&cfg);
	hopt.rebind_off_line = cfg.line[CONFIG_REBIND_BUILTIN];
	if (o->phase != PHASE_PREDICT) { /* predict is first: neither has happened yet */
		hopt.fell_back = fell_back(o, r);
		hopt.rebound = rebound(o, r, rebound_buf, sizeof(rebound_buf));
	}
	err = host_load(h, r, &hopt);
	if (!err)
		err = report_run(h, &rep);
	if (err) {
		if (boot || o->kmsg)
			kmsg_log(&k, 3, "internal: ERROR %s while reading the host; boot continues",
				 ERR_TEXT(-err));
		host_free(h);
		free(h);
		root_close(&rootmnt);
		atomic_dir_close(&state);
		return err;
	}
	if (boot || o->kmsg)
		render_kmsg(&k, &rep, phase_name(h->phase));
	if (boot)
		save_state(o, &state, state_err, h, &rep, &k,
			   o->phase == PHASE_PREDICT ? &cfg : NULL);
	else {
		struct out out;

		out_init(&out, STDOUT_FILENO);
		if (o->json)
			render_json(&out, h, &rep);
		else
			render_text(&out, h, &rep, o->color);
		out_flush(&out);
	}
	kmsg_close(&k);
	root_close(&rootmnt);
	atomic_dir_close(&state);
	err = rep.verdict == LEVEL_FAIL ? 1 : 0;
	report_free(&rep);
	host_free(h);
	free(h);
	return err;
}

/*
 * The options check, boot, snapshot and status share, then the root:
 * EXIT_OK to go on, else the status to exit with.
 */
static int start(int argc, char **argv, struct options *o, struct root *r)
{
	if (parse_args(argc, argv, o) < 0) {
		usage(STDERR_FILENO);
		return EXIT_USAGE;
	}
	if (root_open(r, o->root) < 0) {
		err_printf("vfio-preflight: cannot open root '%s': %s\n", o->root, ERR_TEXT(errno));
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

/* check and boot: read the host, run the checks, report */
static int run_report(const struct options *o, const struct root *r)
{
	int ret = run(o, r);

	if (ret < 0) {
		err_printf("vfio-preflight: internal error: %s\n", ERR_TEXT(-ret));
		return EXIT_INTERNAL;
	}
	if (!strcmp(o->command, "boot"))
		return EXIT_OK;
	return ret ? EXIT_FAILED : EXIT_OK;
}

/* a command of the shared options: parse them, open the root, run it */
static int on_root(int argc, char **argv, int (*fn)(const struct options *, const struct root *))
{
	struct options o = { 0 };
	struct root r;
	int ret = start(argc, argv, &o, &r);

	if (ret != EXIT_OK)
		return ret;
#ifndef VFP_BOOT_ONLY
	/* boot writes no terminal: no isatty to ask */
	o.color = strcmp(o.command, "boot") && !o.no_color && !o.json && isatty(STDOUT_FILENO) &&
		  !getenv("NO_COLOR");
#endif
	ret = fn(&o, &r);
	root_close(&r);
	return ret;
}

/* a command with options of its own has .fn; one with the shared options has .run */
static const struct command commands[] = {
#ifndef VFP_BOOT_ONLY
	{ .name = "check",
	  .run = run_report,
	  .usage = "[--root DIR] [--json] [--kmsg] [--phase check|predict|verify]\n"
		   " [--backend sysfs|libpci] [--no-color]" },
#endif
	{ .name = "boot",
	  .run = run_report,
	  .usage = "predict|verify [--root DIR] [--state-dir DIR]\n"
		   "upgrade --rootmnt DIR [--root DIR] [--state-dir DIR]" },
#ifndef VFP_BOOT_ONLY
	{ .name = "groups",
	  .run = run_groups,
	  .usage = "[--root DIR] [--all] [--backend sysfs|libpci] [--no-color]" },
	{ .name = "snapshot", .run = run_snapshot, .usage = "[--root DIR]" },
	{ .name = "config", .run = run_config, .usage = "[--root DIR] [--kmsg]" },
	{ .name = "status",
	  .run = run_status,
	  .usage = "[--root DIR] [--state-dir DIR] [--json] [--motd] [--prometheus DIR]" },
#endif
	{ .name = "rescue",
	  .fn = rescue_main,
	  .usage = "--next-boot|--clear|--status [--auto] [--root DIR] [...]" },
#ifndef VFP_BOOT_ONLY
	{ .name = "vm",
	  .fn = vm_main,
	  .usage = "[VMID...] [--all] [--onboot] [--post-stop] [--root DIR] [--json] [--kmsg]\n"
		   " [--no-color]" },
#endif
};

/* every row's synopsis: "usage: vfio-preflight NAME FORM", one line per form */
static void usage(int fd)
{
	static const char lead[] = "usage: ", cont[] = "       ", prog[] = "vfio-preflight ";
	struct out out;

	out_init(&out, fd);
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		const struct command *c = &commands[i];

		for (const char *line = c->usage; line;) {
			const char *nl = strchr(line, '\n');
			size_t len = nl ? (size_t)(nl - line) : strlen(line);

			out_str(&out, i == 0 && line == c->usage ? lead : cont);
			if (line[0] == ' ') { /* under the first option of the line before */
				for (size_t n = strlen(prog) + strlen(c->name); n > 0; n--)
					out_char(&out, ' ');
			} else {
				out_str(&out, prog);
				out_str(&out, c->name);
				out_char(&out, ' ');
			}
			out_mem(&out, line, len);
			out_char(&out, '\n');
			line = nl ? nl + 1 : NULL;
		}
	}
	out_str(&out, cont);
	out_str(&out, prog);
	out_str(&out, "--help | --version\nSee vfio-preflight(8).\n");
	out_flush(&out); /* nowhere left to report a failure to */
}

int main(int argc, char **argv)
{
	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		usage(STDOUT_FILENO);
		return EXIT_OK;
	}
	if (argc >= 2 && !strcmp(argv[1], "--version")) {
		static const char version[] = "vfio-preflight " VERSION "\n";

		if (write(STDOUT_FILENO, version, sizeof(version) - 1) < 0)
			return EXIT_INTERNAL;
		return EXIT_OK;
	}
	for (size_t i = 0; argc >= 2 && i < ARRAY_SIZE(commands); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn ? commands[i].fn(argc - 1, argv + 1)
					      : on_root(argc - 1, argv + 1, commands[i].run);
	usage(STDERR_FILENO);
	return EXIT_USAGE;
}
