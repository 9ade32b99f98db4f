/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: alias_match() against glibc's fnmatch(3) without
 * flags, which is what kmod matches aliases with. The input is
 * "PATTERN\nTEXT"; any disagreement aborts. Patterns with POSIX classes
 * ("[:", "[=", "[.") are skipped: no alias uses them and alias_match()
 * does not implement them (see modalias.c).
 */
#include "modalias.h"

#include <fnmatch.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char buf[512], *text;
	const char *nl;

	if (size >= sizeof(buf) || memchr(data, '\0', size) || !(nl = memchr(data, '\n', size)))
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	text = buf + (nl - (const char *)data);
	*text++ = '\0';
	if (strstr(buf, "[:") || strstr(buf, "[=") || strstr(buf, "[."))
		return 0;
	if (alias_match(buf, text) != (fnmatch(buf, text, 0) == 0)) {
		fprintf(stderr, "alias_match and fnmatch disagree: pattern '%s' text '%s'\n", buf,
			text);
		abort();
	}
	return 0;
}
