/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: a phase's saved JSON read back for `status`
 * (saved_report.c). Any bytes: no crash, no read past the input, no leak.
 * What parses is written out again with render_json and read once more:
 * the text report of both reads must be the same, byte for byte (the
 * reader takes back everything the writer says that the text shows).
 */
#include "render.h"
#include "saved_report.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int fd_json = -1, fd_text = -1;

/* what was written to fd, in a malloc'd buffer; the file emptied for the next write */
static char *take(int fd, size_t *len)
{
	off_t n = lseek(fd, 0, SEEK_CUR);
	char *buf = n >= 0 ? malloc((size_t)n + 1) : NULL;

	if (!buf || pread(fd, buf, (size_t)n, 0) != n || ftruncate(fd, 0) < 0 ||
	    lseek(fd, 0, SEEK_SET) < 0)
		abort();
	buf[n] = '\0';
	*len = (size_t)n;
	return buf;
}

static char *text_of(const struct saved_report *s, size_t *len)
{
	static struct out o;

	out_init(&o, fd_text);
	render_text(&o, &s->h, &s->rep, false);
	if (out_flush(&o) < 0)
		abort();
	return take(fd_text, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct saved_report a, b;
	static struct out o;
	char *json, *ta, *tb;
	size_t n, na, nb;

	if (fd_json < 0 && ((fd_json = memfd_create("saved-json", MFD_CLOEXEC)) < 0 ||
			    (fd_text = memfd_create("saved-text", MFD_CLOEXEC)) < 0))
		abort();
	if (saved_report_parse(&a, (const char *)data, size) < 0) {
		saved_report_free(&a);
		return 0;
	}
	out_init(&o, fd_json);
	render_json(&o, &a.h, &a.rep);
	if (out_flush(&o) < 0)
		abort();
	json = take(fd_json, &n);
	if (saved_report_parse(&b, json, n) < 0)
		abort(); /* what the writer wrote, the reader must take */
	ta = text_of(&a, &na);
	tb = text_of(&b, &nb);
	if (na != nb || memcmp(ta, tb, na) != 0)
		abort();
	free(ta);
	free(tb);
	free(json);
	saved_report_free(&a);
	saved_report_free(&b);
	return 0;
}
