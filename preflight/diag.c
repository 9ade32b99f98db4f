/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * diag.c - keep the first few input problems, count the rest.
 */
#include "format.h"
#include "diag.h"

#include <errno.h>
#include <stdarg.h>

void diag_add(struct diag *d, const char *fmt, ...)
{
	va_list ap;

	d->total++;
	if (d->n >= DIAG_KEEP)
		return;
	va_start(ap, fmt);
	str_vfmt(d->msg[d->n], DIAG_LEN, fmt, ap);
	va_end(ap);
	d->n++;
}

const char *err_text(int err, char *buf, unsigned cap)
{
	switch (err < 0 ? -err : err) {
	case ENOENT: return "no such file";
	case ENOTDIR: return "not a directory";
	case EISDIR: return "is a directory";
	case EACCES: return "permission denied";
	case EPERM: return "not permitted";
	case ELOOP: return "symlink loop";
	case ENOMEM: return "out of memory";
	case EFBIG: return "file too large";
	case EINVAL: return "invalid argument";
	case ENAMETOOLONG: return "name too long";
	case EROFS: return "read-only file system";
	case ENOSPC: return "no space left";
	case EIO: return "I/O error";
	case EEXIST: return "already exists";
	case EBUSY: return "busy";
	case EAGAIN: return "try again";
	}
	str_fmt(buf, cap, "error %d", err < 0 ? -err : err);
	return buf;
}
