/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vfio_params.c - parse_args() over vfio-pci's options, as the kernel does.
 */
#include "kparam.h"
#include "vfio_params.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define IDS_MAXLEN 1024 /* sizeof(ids) in vfio_pci.c, NUL included */

static const char *const bool_params[] = {
	"nointxmask", "disable_vga", "disable_idle_d3", "enable_sriov", "disable_denylist", NULL,
};

/* parameq(): '-' and '_' alike, the whole name */
static bool param_eq(const char *a, const char *b)
{
	for (;; a++, b++) {
		char x = *a == '-' ? '_' : *a, y = *b == '-' ? '_' : *b;

		if (x != y)
			return false;
		if (!x)
			return true;
	}
}

static void refuse(struct vfio_load *l, int err, size_t off, const char *param, const char *val,
		   const char *why)
{
	if (!l->err) { /* name the first word; parse_args() goes on and fails at the end */
		l->bad_off = off;
		l->bad_param = param;
		l->bad_val = val;
		l->why = why;
	}
	l->err = err;
}

static void add_ids(struct vfio_load *l, size_t off, const char *val)
{
	if (l->n_ids == VFIO_IDS_WORDS) { /* the last one is what counts */
		memmove(l->ids, l->ids + 1, (VFIO_IDS_WORDS - 1) * sizeof(l->ids[0]));
		l->n_ids--;
	}
	l->ids[l->n_ids].off = off;
	l->ids[l->n_ids].val = val;
	l->n_ids++;
}

/* why kstrtobool() refused val: a word only newer kernels take, or none takes */
static const char *bool_why(const char *val, unsigned words)
{
	bool b;

	if (kparam_bool(val, &b, words | KBOOL_TRUE_FALSE | KBOOL_ENABLE_DISABLE) == 0)
		return "is not a boolean for this kernel (enable/disable need Linux 6.16, "
		       "true/false 5.19)";
	return "is not a boolean (the kernel takes y/n, 1/0, on/off, true/false)";
}

int vfio_load_parse(struct vfio_load *l, const char *opts, unsigned bool_words)
{
	size_t len = strlen(opts);
	char *args;

	memset(l, 0, sizeof(*l));
	l->buf = malloc(len + 1);
	if (!l->buf)
		return -ENOMEM;
	memcpy(l->buf, opts, len + 1);
	args = kparam_skip_spaces(l->buf);
	while (*args) {
		size_t off = (size_t)(args - l->buf);
		char *param, *val;
		bool b;

		args = kparam_next(args, &param, &val);
		if (!val && strcmp(param, "--") == 0) {
			l->dashes = true;
			l->dashes_off = off;
			l->after_dashes = args;
			break;
		}
		if (param_eq(param, "ids")) {
			if (!val)
				refuse(l, -EINVAL, off, param, val,
				       "is a string parameter without '=' and a value");
			else if (strlen(val) + 1 > IDS_MAXLEN)
				refuse(l, -ENOSPC, off, param, val,
				       "is longer than the 1023 bytes ids= holds");
			else
				add_ids(l, off, val);
			continue;
		}
		for (int i = 0; bool_params[i]; i++)
			if (param_eq(param, bool_params[i]) && val &&
			    kparam_bool(val, &b, bool_words) < 0)
				refuse(l, -EINVAL, off, param, val, bool_why(val, bool_words));
	}
	return 0;
}

void vfio_load_free(struct vfio_load *l)
{
	free(l->buf);
	memset(l, 0, sizeof(*l));
}
