/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * saved_report.c - render_json's output read back for `status` (see
 * saved_report.h). A small reader for what that writer emits: objects,
 * arrays, strings (\" \\ \/ \b \f \n \r \t and \uXXXX escapes), integers,
 * true, false, null. A value of another form, or one nested deeper than
 * JSON_DEPTH_MAX, ends the read with -EBADMSG; a string longer than its
 * field is cut at a character boundary (strbuf).
 */
#include "saved_report.h"
#include "strbuf.h"
#include "utf8.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define JSON_DEPTH_MAX 32
/* a check's id until its "id" member is read: then a strdup'd copy, freed with the report */
static const char no_id[] = "";
#define CHECKS_MAX  256	  /* more than the check table will ever hold */
#define DEVICES_MAX 65536 /* 8x the largest host the bench measures */

struct reader {
	const char *p, *end;
};

static void skip_space(struct reader *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\n' || *j->p == '\t' || *j->p == '\r'))
		j->p++;
}

/* the next non-space byte is c: consume it */
static bool take(struct reader *j, char c)
{
	skip_space(j);
	if (j->p < j->end && *j->p == c) {
		j->p++;
		return true;
	}
	return false;
}

static bool peek(struct reader *j, char c)
{
	skip_space(j);
	return j->p < j->end && *j->p == c;
}

static int hex4(const char *p, unsigned *v)
{
	*v = 0;
	for (int i = 0; i < 4; i++) {
		char c = p[i];
		int d = c >= '0' && c <= '9'   ? c - '0'
			: c >= 'a' && c <= 'f' ? c - 'a' + 10
			: c >= 'A' && c <= 'F' ? c - 'A' + 10
					       : -1;
		if (d < 0)
			return -EBADMSG;
		*v = *v << 4 | (unsigned)d;
	}
	return 0;
}

/* code point cp as UTF-8 into buf (4 bytes); U+0000 and surrogates as U+FFFD */
static size_t put_utf8(char *buf, unsigned cp)
{
	if (cp == 0 || (cp >= 0xd800 && cp <= 0xdfff))
		cp = 0xfffd;
	if (cp < 0x80) {
		buf[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		buf[0] = (char)(0xc0 | cp >> 6);
		buf[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	buf[0] = (char)(0xe0 | cp >> 12);
	buf[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
	buf[2] = (char)(0x80 | (cp & 0x3f));
	return 3;
}

/*
 * A string into out (cap bytes, NUL-terminated; cap 0: skipped), cut to
 * fit at a character boundary. UTF-8 passes as it is, an ill-formed byte
 * becomes U+FFFD (as the writer repairs it); a control byte is no JSON
 * string.
 */
static int read_string(struct reader *j, char *out, size_t cap)
{
	struct strbuf sb;
	char scratch[1];

	sb_init(&sb, cap ? out : scratch, cap ? cap : sizeof(scratch));
	if (!take(j, '"'))
		return -EBADMSG;
	while (j->p < j->end) {
		const char *run = j->p;
		char enc[4];
		size_t n;
		unsigned cp;

		while (j->p < j->end && *j->p != '"' && *j->p != '\\' &&
		       (unsigned char)*j->p >= 0x20 && (unsigned char)*j->p < 0x80)
			j->p++;
		sb_addn(&sb, run, (size_t)(j->p - run));
		if (j->p < j->end && (unsigned char)*j->p >= 0x80) { /* one character */
			n = utf8_char(j->p, (size_t)(j->end - j->p));
			sb_addn(&sb, n ? j->p : UTF8_REPLACEMENT,
				n ? n : sizeof(UTF8_REPLACEMENT) - 1);
			j->p += n ? n : 1;
			continue;
		}
		if (j->p == j->end || (unsigned char)*j->p < 0x20)
			return -EBADMSG;
		if (*j->p++ == '"')
			return 0;
		if (j->p == j->end)
			return -EBADMSG;
		switch (*j->p++) {
		case '"': sb_addn(&sb, "\"", 1); break;
		case '\\': sb_addn(&sb, "\\", 1); break;
		case '/': sb_addn(&sb, "/", 1); break;
		case 'b': sb_addn(&sb, "\b", 1); break;
		case 'f': sb_addn(&sb, "\f", 1); break;
		case 'n': sb_addn(&sb, "\n", 1); break;
		case 'r': sb_addn(&sb, "\r", 1); break;
		case 't': sb_addn(&sb, "\t", 1); break;
		case 'u':
			if (j->end - j->p < 4 || hex4(j->p, &cp) < 0)
				return -EBADMSG;
			j->p += 4;
			n = put_utf8(enc, cp);
			sb_addn(&sb, enc, n);
			break;
		default: return -EBADMSG;
		}
	}
	return -EBADMSG;
}

static bool take_word(struct reader *j, const char *w)
{
	size_t n = strlen(w);

	skip_space(j);
	if ((size_t)(j->end - j->p) < n || memcmp(j->p, w, n) != 0)
		return false;
	j->p += n;
	return true;
}

/* true, false: 1, 0; null: -1; else -EBADMSG */
static int read_bool_or_null(struct reader *j)
{
	return take_word(j, "true")    ? 1
	       : take_word(j, "false") ? 0
	       : take_word(j, "null")  ? -1
				       : -EBADMSG;
}

/* an integer in [-2^31, 2^31); null: *v untouched */
static int read_int_or_null(struct reader *j, long *v)
{
	long sign = 1, n = 0;
	int digits = 0;

	if (take_word(j, "null"))
		return 0;
	if (take(j, '-'))
		sign = -1;
	while (j->p < j->end && *j->p >= '0' && *j->p <= '9' && digits < 10) {
		n = n * 10 + (*j->p++ - '0');
		digits++;
	}
	if (!digits || n > 2147483647L || (j->p < j->end && *j->p >= '0' && *j->p <= '9'))
		return -EBADMSG;
	*v = sign * n;
	return 0;
}

static int skip_value(struct reader *j, int depth);

static int skip_container(struct reader *j, char close, bool keys, int depth)
{
	int err;

	if (take(j, close))
		return 0;
	do {
		if (keys && ((err = read_string(j, NULL, 0)) < 0 || !take(j, ':')))
			return -EBADMSG;
		if ((err = skip_value(j, depth + 1)) < 0)
			return err;
	} while (take(j, ','));
	return take(j, close) ? 0 : -EBADMSG;
}

static int skip_value(struct reader *j, int depth)
{
	long n;

	if (depth > JSON_DEPTH_MAX)
		return -EBADMSG;
	if (take(j, '{'))
		return skip_container(j, '}', true, depth);
	if (take(j, '['))
		return skip_container(j, ']', false, depth);
	if (peek(j, '"'))
		return read_string(j, NULL, 0);
	if (read_bool_or_null(j) != -EBADMSG)
		return 0;
	return read_int_or_null(j, &n);
}

/*
 * Each member of an object: cb(ctx, key) reads its value, or returns 1 to
 * have it skipped. The object's opening brace is read here.
 */
typedef int (*member_fn)(struct reader *j, void *ctx, const char *key);

static int read_object(struct reader *j, void *ctx, member_fn cb)
{
	char key[32];
	int err;

	if (!take(j, '{'))
		return -EBADMSG;
	if (take(j, '}'))
		return 0;
	do {
		if ((err = read_string(j, key, sizeof(key))) < 0 || !take(j, ':'))
			return -EBADMSG;
		if ((err = cb(j, ctx, key)) == 1)
			err = skip_value(j, 1);
		if (err < 0)
			return err;
	} while (take(j, ','));
	return take(j, '}') ? 0 : -EBADMSG;
}

/*
 * An array of objects, read_object(cb) on each; the context comes from
 * next(ctx, &err), NULL with err set when there is none (-ENOMEM, or
 * -EBADMSG past what the writer ever writes).
 */
static int read_array(struct reader *j, void *ctx, void *(*next)(void *ctx, int *err), member_fn cb)
{
	int err = 0;

	if (!take(j, '['))
		return -EBADMSG;
	if (take(j, ']'))
		return 0;
	do {
		void *item = next(ctx, &err);

		if (!item)
			return err;
		if ((err = read_object(j, item, cb)) < 0)
			return err;
	} while (take(j, ','));
	return take(j, ']') ? 0 : -EBADMSG;
}

static int read_level(struct reader *j, enum level *l)
{
	char name[16];
	int err = read_string(j, name, sizeof(name));

	for (int i = 0; !err && i < LEVEL_COUNT; i++)
		if (!strcmp(name, level_name((enum level)i))) {
			*l = (enum level)i;
			return 0;
		}
	return -EBADMSG;
}

/* "10de", "030000": the writer's hex fields (at most 8 digits) */
static int read_hex(struct reader *j, unsigned long *v)
{
	char text[12];
	int err = read_string(j, text, sizeof(text));
	long n = err < 0 ? -1 : hex_parse(text, 8);

	if (n < 0)
		return -EBADMSG;
	*v = (unsigned long)n;
	return 0;
}

static int check_member(struct reader *j, void *ctx, const char *key)
{
	struct check_result *r = ctx;

	if (!strcmp(key, "level"))
		return read_level(j, &r->level);
	if (!strcmp(key, "message"))
		return read_string(j, r->message, sizeof(r->message));
	if (!strcmp(key, "hint"))
		return take_word(j, "null") ? 0 : read_string(j, r->hint, sizeof(r->hint));
	if (!strcmp(key, "id")) {
		char id[64];
		int err = read_string(j, id, sizeof(id));

		if (err < 0)
			return err;
		if (r->id != no_id) /* a second "id": the last one counts */
			free((char *)r->id);
		return (r->id = strdup(id)) ? 0 : -ENOMEM;
	}
	return 1;
}

static void *next_check(void *ctx, int *err)
{
	struct saved_report *s = ctx;
	struct check_result *r;

	*err = -EBADMSG;
	if (s->rep.n == CHECKS_MAX)
		return NULL;
	*err = -ENOMEM;
	if (!(s->rep.n % 16)) {
		struct check_result *v = realloc(s->rep.results, (s->rep.n + 16) * sizeof(*v));

		if (!v)
			return NULL;
		s->rep.results = v;
	}
	r = &s->rep.results[s->rep.n++];
	memset(r, 0, sizeof(*r));
	r->id = no_id;
	return r;
}

static int device_member(struct reader *j, void *ctx, const char *key)
{
	struct pci_func *d = ctx;
	unsigned long v = 0;
	long n = -1;
	int err, b;

	if (!strcmp(key, "slot"))
		return read_string(j, d->slot, sizeof(d->slot));
	if (!strcmp(key, "driver"))
		return take_word(j, "null") ? 0 : read_string(j, d->driver, sizeof(d->driver));
	if (!strcmp(key, "iommu_group")) {
		err = read_int_or_null(j, &n);
		d->iommu_group = (int)n;
		return err;
	}
	if (!strcmp(key, "boot_vga") || !strcmp(key, "claimed")) {
		if ((b = read_bool_or_null(j)) == -EBADMSG)
			return b;
		if (key[0] == 'b')
			d->boot_vga = (int8_t)b;
		else
			d->claim = b == 1 ? CLAIM_IDS
					  : CLAIM_NONE; /* how it is claimed is not saved */
		return 0;
	}
	if (!strcmp(key, "vendor") || !strcmp(key, "device") || !strcmp(key, "class")) {
		if ((err = read_hex(j, &v)) < 0)
			return err;
		if (key[0] == 'v')
			d->vendor = (uint16_t)v;
		else if (key[0] == 'd')
			d->device = (uint16_t)v;
		else
			d->class = (uint32_t)(v & 0xffffff);
		return 0;
	}
	return 1;
}

static void *next_device(void *ctx, int *err)
{
	struct pci_list *l = &((struct saved_report *)ctx)->h.pci;

	*err = l->n == DEVICES_MAX ? -EBADMSG : -ENOMEM;
	return l->n == DEVICES_MAX ? NULL : pci_list_add(l);
}

static int top_member(struct reader *j, void *ctx, const char *key)
{
	struct saved_report *s = ctx;
	char phase[16];
	int err, b;

	if (!strcmp(key, "phase")) {
		if ((err = read_string(j, phase, sizeof(phase))) < 0)
			return err;
		return phase_parse(phase, &s->h.phase) < 0 ? -EBADMSG : 0;
	}
	if (!strcmp(key, "verdict"))
		return read_level(j, &s->rep.verdict);
	if (!strcmp(key, "headless")) {
		b = read_bool_or_null(j);
		s->rep.headless = b == 1;
		return b == -EBADMSG ? b : 0;
	}
	if (!strcmp(key, "root"))
		return read_string(j, s->root_path, sizeof(s->root_path));
	if (!strcmp(key, "kernel"))
		return take_word(j, "null")
			       ? 0
			       : read_string(j, s->h.kernel_release, sizeof(s->h.kernel_release));
	if (!strcmp(key, "backend"))
		return read_string(j, s->backend, sizeof(s->backend));
	if (!strcmp(key, "checks"))
		return read_array(j, s, next_check, check_member);
	if (!strcmp(key, "devices"))
		return read_array(j, s, next_device, device_member);
	return 1;
}

int saved_report_parse(struct saved_report *s, const char *buf, size_t len)
{
	struct reader j = { buf, buf + len };
	int err;

	memset(s, 0, sizeof(*s));
	strcpy(s->backend, "sysfs"); /* a report saved before the backend was */
	s->root.fd = -1;
	s->root.path = s->root_path;
	s->h.root = &s->root;
	s->h.backend = s->backend;
	s->h.phase = PHASE_CHECK;
	err = read_object(&j, s, top_member);
	if (!err && (skip_space(&j), j.p != j.end))
		err = -EBADMSG; /* something after the object */
	return err;
}

/* a saved report as large as a host's JSON gets (8192 functions: ~1.6 MB), with room */
#define SAVED_REPORT_MAX (16u << 20)

/* the whole of fd into *buf (malloc'd, NUL-terminated): its length, or -errno; closes fd */
static long read_whole(int fd, char **buf)
{
	size_t len = 0, cap = 0;
	char *b = NULL;
	long err = 0;

	for (;;) {
		ssize_t n;

		if (cap - len < 4096) {
			char *nb =
				cap >= SAVED_REPORT_MAX ? NULL : realloc(b, cap ? cap * 2 : 65536);

			if (!nb) {
				err = cap >= SAVED_REPORT_MAX ? -EFBIG : -ENOMEM;
				break;
			}
			b = nb;
			cap = cap ? cap * 2 : 65536;
		}
		n = read(fd, b + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = n < 0 ? -errno : 0;
			break;
		}
		len += (size_t)n;
	}
	close(fd);
	if (err < 0) {
		free(b);
		return err;
	}
	b[len] = '\0';
	*buf = b;
	return (long)len;
}

int saved_report_read(struct saved_report *s, int fd)
{
	char *json = NULL;
	long len = read_whole(fd, &json);
	int err;

	if (len < 0) {
		memset(s, 0, sizeof(*s));
		return (int)len;
	}
	err = saved_report_parse(s, json, (size_t)len);
	free(json);
	return err;
}

void saved_report_free(struct saved_report *s)
{
	for (size_t i = 0; i < s->rep.n; i++)
		if (s->rep.results[i].id != no_id)
			free((char *)s->rep.results[i].id);
	free(s->rep.results);
	pci_list_free(&s->h.pci);
	s->rep.results = NULL;
	s->rep.n = 0;
}
