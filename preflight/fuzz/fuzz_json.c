/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: the JSON writer. Whatever bytes the tree holds, what
 * json_str and render_json write is one valid JSON document in
 * well-formed UTF-8 (json_check.h, written apart from the writer, is the
 * judge), and a string decodes back to its bytes with each ill-formed
 * byte as U+FFFD. The input's NUL-separated fields fill a check's
 * message, id and hint, a device's driver, slot and name, the root path
 * and the kernel release.
 */
#include "json_check.h"
#include "checks.h"
#include "render.h"
#include "utf8.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int fd = -1;
static unsigned char got[1 << 20];

/* what out wrote to fd since the last call */
static size_t take_output(void)
{
	off_t n = lseek(fd, 0, SEEK_CUR);

	if (n < 0 || (size_t)n > sizeof(got) || pread(fd, got, (size_t)n, 0) != n)
		abort();
	if (ftruncate(fd, 0) < 0 || lseek(fd, 0, SEEK_SET) < 0)
		abort();
	return (size_t)n;
}

/* field i of the NUL-separated input, "" past the last */
static const char *field(const char *text, size_t size, unsigned i)
{
	const char *p = text, *end = text + size;

	while (i-- && p < end)
		p += strlen(p) + 1;
	return p < end ? p : "";
}

static void check_string(const char *s)
{
	static unsigned char want[1 << 18], dec[1 << 18];
	size_t n = strlen(s), w = 0, len;
	struct out o;
	struct jcur c;
	long d;

	out_init(&o, fd);
	json_str(&o, s);
	if (out_flush(&o) < 0)
		abort();
	len = take_output();
	if (!json_doc_valid(got, len))
		abort();
	/* the bytes it must stand for: characters as they are, a stray byte as U+FFFD */
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t k = jutf8((const unsigned char *)s + i, (const unsigned char *)s + n, &cp);

		if (!k) {
			memcpy(want + w, UTF8_REPLACEMENT, 3);
			w += 3;
			i++;
		} else {
			memcpy(want + w, s + i, k);
			w += k;
			i += k;
		}
	}
	c = (struct jcur){ got, got + len, 0 };
	d = jstring(&c, dec, sizeof(dec));
	if (d < 0 || (size_t)d != w || memcmp(dec, want, w))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct host h;
	static struct pci_func dev;
	static struct check_result res;
	char *text;
	struct root r = { .fd = -1 };
	struct report rep;
	struct out o;
	size_t len;

	if (size > (1 << 16))
		return 0;
	if (fd < 0 && (fd = memfd_create("fuzz-json", MFD_CLOEXEC)) < 0)
		abort();
	if (!(text = malloc(size + 1)))
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';

	check_string(field(text, size, 0));

	memset(&h, 0, sizeof(h));
	memset(&dev, 0, sizeof(dev));
	memset(&res, 0, sizeof(res));
	pci_func_init(&dev);
	/* as the readers fill them: cut to the field's size, a character split or not */
	strncpy(dev.driver, field(text, size, 1), sizeof(dev.driver) - 1);
	strncpy(dev.slot, field(text, size, 4), sizeof(dev.slot) - 1);
	dev.name = field(text, size, 5);
	dev.class = 0x030000;
	dev.iommu_group = -1;
	r.path = field(text, size, 3);
	strncpy(h.kernel_release, field(text, size, 2), sizeof(h.kernel_release) - 1);
	h.root = &r;
	h.backend = field(text, size, 6);
	h.pci.v = &dev;
	h.pci.n = 1;
	res.id = field(text, size, 7);
	res.level = LEVEL_WARN;
	strncpy(res.message, field(text, size, 0), sizeof(res.message) - 1);
	strncpy(res.hint, field(text, size, 8), sizeof(res.hint) - 1);
	rep = (struct report){ .results = &res, .n = 1, .verdict = LEVEL_WARN };

	out_init(&o, fd);
	render_json(&o, &h, &rep);
	if (out_flush(&o) < 0)
		abort();
	len = take_output();
	if (!json_doc_valid(got, len))
		abort();
	free(text);
	return 0;
}
