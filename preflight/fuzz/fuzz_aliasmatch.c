/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: alias_match() against glibc's fnmatch(3) without
 * flags, which is what kmod matches aliases with. The input is
 * "PATTERN\nTEXT"; any disagreement aborts. Patterns with POSIX classes
 * ("[:", "[=", "[.") are skipped: no alias uses them and alias_match()
 * does not implement them (see modalias.c). So are patterns with a '['
 * that is never closed: POSIX takes that '[' literally, as alias_match()
 * does, but glibc only sometimes ("[2-3" literal, "[2-", "[]-", "[\-"
 * match nothing), and modpost never writes one into modules.alias.
 */
#include "modalias.h"

#include <fnmatch.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* a '[' whose bracket expression has no closing ']' (a leading ']' is a member) */
static int has_unclosed_bracket(const char *p)
{
	for (; *p; p++) {
		size_t i = 1;

		if (*p == '\\' && p[1]) {
			p++;
			continue;
		}
		if (*p != '[')
			continue;
		if (p[i] == '!' || p[i] == '^')
			i++;
		if (p[i] == ']')
			i++;
		for (; p[i] && p[i] != ']'; i++)
			if (p[i] == '\\' && p[i + 1])
				i++;
		if (!p[i])
			return 1;
	}
	return 0;
}

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
	if (strstr(buf, "[:") || strstr(buf, "[=") || strstr(buf, "[.") ||
	    has_unclosed_bracket(buf))
		return 0;
	if (alias_match(buf, text) != (fnmatch(buf, text, 0) == 0)) {
		fprintf(stderr, "alias_match and fnmatch disagree: pattern '%s' text '%s'\n", buf,
			text);
		abort();
	}
	return 0;
}
