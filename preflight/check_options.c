/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check_options.c - vfio.options: does vfio-pci load with the options it
 * is given? The string is the one kmod builds and the verdict the one the
 * kernel's parse_args() reaches (host.vfio).
 */
#include "checks.h"
#include "format.h"
#include "strbuf.h"

#include <errno.h>
#include <string.h>

/* where a word of the option string was written, and the file to fix it in */
static void word_where(const struct host *h, size_t off, char *where, size_t cap, bool *on_cmdline)
{
	modopts_where(&h->vfio.opts, &h->modconf, off, where, cap);
	*on_cmdline = str_starts(where, "the kernel command line");
}

static void refused(const struct host *h, struct check_result *r)
{
	const struct vfio_load *l = &h->vfio.load;
	char where[200], word[120];
	bool cmdline;

	word_where(h, l->bad_off, where, sizeof(where), &cmdline);
	if (l->bad_val)
		str_fmt(word, sizeof(word), "%s=%.80s", l->bad_param, l->bad_val);
	else
		str_fmt(word, sizeof(word), "%s", l->bad_param);
	result_set(r, LEVEL_FAIL,
		   "vfio-pci will not load: '%s' (%s) %s; the kernel refuses the module "
		   "(%s), so no device is claimed",
		   word, where, l->why, l->err == -ENOSPC ? "-ENOSPC" : "-EINVAL");
	if (cmdline)
		result_hint(r, "fix or remove vfio-pci.%s on the kernel command line: %s",
			    l->bad_param, host_cmdline_file_hint(h));
	else if (!strcmp(l->bad_param, "ids"))
		result_hint_rebuild(
			r, "write it as ids=VENDOR:DEVICE,... (e.g. ids=10de:2204,10de:1aef) in %s",
			where);
	else
		result_hint_rebuild(r, "write %s=1 or %s=0 in %s", l->bad_param, l->bad_param,
				    where);
}

void check_vfio_options(const struct host *h, struct check_result *r)
{
	const struct vfio_options *vo = &h->vfio;
	const struct vfio_load *l = &vo->load;
	char where[200];
	bool cmdline;

	if (!vo->known) {
		result_set(r, LEVEL_NOTE, "vfio-pci's options could not be read (out of memory)");
		result_hint(r, "run vfio-preflight check again");
		return;
	}
	if (vo->builtin) {
		if (vo->opts.len) {
			result_set(r, LEVEL_WARN,
				   "vfio-pci is built into this kernel: the options in modprobe.d "
				   "never reach it ('%.200s')",
				   vo->opts.text);
			result_hint(
				r, "put them on the kernel command line as vfio-pci.NAME=VALUE: %s",
				host_cmdline_file_hint(h));
			return;
		}
		result_set(r, LEVEL_PASS,
			   "vfio-pci is built into this kernel and takes its options from the "
			   "kernel command line");
		return;
	}
	if (vo->refused) {
		refused(h, r);
		return;
	}
	if (l->dashes && *l->after_dashes) {
		word_where(h, l->dashes_off, where, sizeof(where), &cmdline);
		result_set(r, LEVEL_WARN,
			   "a bare '--' in vfio-pci's options (%s) ends them: the kernel ignores "
			   "'%.200s'%s",
			   where, l->after_dashes,
			   strstr(l->after_dashes, "ids=") ? ", ids= included" : "");
		result_hint(r, "remove the '--' from %s%s", where, cmdline ? "" : REBUILD_STEP);
		return;
	}
	if (!vo->opts.len) {
		result_set(r, LEVEL_PASS, "vfio-pci loads with no options");
		return;
	}
	result_set(r, LEVEL_PASS, "vfio-pci loads with '%.300s'", vo->opts.text);
}
