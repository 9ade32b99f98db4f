/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dmar.c - RMRR structures of the ACPI DMAR table (ACPI 6 / VT-d spec
 * chapter 8): a 48-byte header, then remapping structures of
 * {u16 type, u16 length}; an RMRR (type 1) is {u16 reserved, u16
 * segment, u64 base, u64 limit} followed by device scopes of {u8 type,
 * u8 length, u16 reserved/flags, u8 enumeration id, u8 start bus,
 * (u8 device, u8 function)...}.
 */
#include "dmar.h"
#include "format.h"
#include "pci.h"
#include "strbuf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define DMAR_HEADER    48
#define DMAR_TYPE_RMRR 1
#define RMRR_FIXED     24
#define SCOPE_FIXED    6

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}
static uint64_t get64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* the scopes of one RMRR: [p, end) */
static int parse_scopes(const uint8_t *p, const uint8_t *end, struct dmar_scope *s,
			void (*cb)(void *, const struct dmar_scope *), void *ctx)
{
	while (end - p >= SCOPE_FIXED) {
		uint8_t slen = p[1];

		if (slen < SCOPE_FIXED || slen > end - p)
			return -EBADMSG;
		s->type = p[0];
		s->start_bus = p[5];
		s->n_path = 0;
		for (const uint8_t *q = p + SCOPE_FIXED;
		     q + 2 <= p + slen && s->n_path < DMAR_PATH_MAX; q += 2) {
			s->path[s->n_path][0] = q[0];
			s->path[s->n_path][1] = q[1];
			s->n_path++;
		}
		if (s->n_path)
			cb(ctx, s);
		p += slen;
	}
	return p == end ? 0 : -EBADMSG;
}

int dmar_parse(const uint8_t *buf, size_t len, void (*cb)(void *ctx, const struct dmar_scope *s),
	       void *ctx)
{
	const uint8_t *p, *end;
	uint32_t table_len;
	int n = 0;

	if (len < DMAR_HEADER || memcmp(buf, "DMAR", 4) != 0)
		return -EINVAL;
	table_len = (uint32_t)buf[4] | (uint32_t)buf[5] << 8 | (uint32_t)buf[6] << 16 |
		    (uint32_t)buf[7] << 24;
	if (table_len < DMAR_HEADER)
		return -EINVAL;
	end = buf + (table_len < len ? table_len : len);
	for (p = buf + DMAR_HEADER; end - p >= 4;) {
		uint16_t type = get16(p), slen = get16(p + 2);

		if (slen < 4 || slen > end - p)
			return -EBADMSG;
		if (type == DMAR_TYPE_RMRR) {
			struct dmar_scope s;
			int err;

			if (slen < RMRR_FIXED)
				return -EBADMSG;
			memset(&s, 0, sizeof(s));
			s.segment = get16(p + 6);
			s.base = get64(p + 8);
			s.limit = get64(p + 16);
			n++;
			if ((err = parse_scopes(p + RMRR_FIXED, p + slen, &s, cb, ctx)) < 0)
				return err;
		}
		p += slen;
	}
	return n;
}

/* RMRRs often name several devices behind one bridge: each bridge is read once */
#define BRIDGES_KEPT 16

struct resolve_ctx {
	const struct root *r;
	struct rmrr_list *out;
	struct {
		uint32_t key;
		int bus; /* its secondary bus, or -1 */
	} bridge[BRIDGES_KEPT];
	unsigned n_bridges;
};

/* the secondary bus of the bridge at key, or -1 */
static int secondary_bus(struct resolve_ctx *c, uint32_t key)
{
	char path[96], buf[16];
	int bus = -1;

	for (unsigned i = 0; i < c->n_bridges; i++)
		if (c->bridge[i].key == key)
			return c->bridge[i].bus;
	str_fmt(path, sizeof(path), "sys/bus/pci/devices/%04x:%02x:%02x.%x/secondary_bus_number",
		key >> 16, key >> 8 & 0xff, key >> 3 & 0x1f, key & 7);
	if (root_read(c->r, path, buf, sizeof(buf)) > 0) {
		long v = strtol(str_trim(buf), NULL, 10);

		bus = v >= 0 && v <= 0xff ? (int)v : -1;
	}
	if (c->n_bridges < BRIDGES_KEPT) {
		c->bridge[c->n_bridges].key = key;
		c->bridge[c->n_bridges++].bus = bus;
	}
	return bus;
}

static void on_scope(void *arg, const struct dmar_scope *s)
{
	struct resolve_ctx *c = arg;
	struct rmrr_list *out = c->out;
	unsigned bus = s->start_bus;
	uint32_t key = 0;

	if (s->type != 1) /* endpoints only: a bridge scope names no assignable device itself */
		return;
	for (unsigned i = 0; i < s->n_path; i++) {
		key = (uint32_t)s->segment << 16 | bus << 8 | (s->path[i][0] & 0x1fu) << 3 |
		      (s->path[i][1] & 7u);
		if (i + 1 < s->n_path) {
			int sec = secondary_bus(c, key);

			if (sec < 0)
				return; /* the path leads through no bridge of this host */
			bus = (unsigned)sec;
		}
	}
	if (out->n == RMRR_MAX)
		return;
	out->v[out->n].slot_key = key;
	out->v[out->n].base = s->base;
	out->v[out->n].limit = s->limit;
	out->n++;
}

/*
 * an ACPI table is at most a few KiB; 64 KiB bounds a planted file. On the
 * stack: klibc's malloc maps a buffer this size and unmaps it, two calls.
 */
#define DMAR_READ_MAX (64 * 1024)

void rmrr_load(const struct root *r, int fd, struct rmrr_list *out)
{
	uint8_t buf[DMAR_READ_MAX];
	struct resolve_ctx c = { .r = r, .out = out };
	int n;

	memset(out, 0, sizeof(*out));
	n = root_read_fd(fd, (char *)buf, DMAR_READ_MAX);
	if (n < 0) {
		out->status = n;
	} else {
		int err = dmar_parse(buf, (size_t)n, on_scope, &c);
		out->status = err < 0 ? err : 0;
	}
}
