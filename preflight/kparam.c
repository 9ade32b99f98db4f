/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kparam.c - the kernel's parameter splitting and boolean parsing.
 */
#include "kparam.h"
#include "kver.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

/* lib/ctype.c: the C locale's spaces plus Latin-1 NBSP */
bool kparam_isspace(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || c == 0xa0;
}

char *kparam_skip_spaces(char *s)
{
	while (kparam_isspace((unsigned char)*s))
		s++;
	return s;
}

char *kparam_next(char *args, char **param, char **val)
{
	size_t i, equals = 0;
	bool in_quote = false, quoted = false;
	char *next;

	if (*args == '"') {
		args++;
		in_quote = quoted = true;
	}
	for (i = 0; args[i]; i++) {
		if (kparam_isspace((unsigned char)args[i]) && !in_quote)
			break;
		if (equals == 0 && args[i] == '=') /* an '=' at 0 does not count */
			equals = i;
		if (args[i] == '"')
			in_quote = !in_quote;
	}
	*param = args;
	if (!equals) {
		*val = NULL;
	} else {
		args[equals] = '\0';
		*val = args + equals + 1;
		if (**val == '"') {
			(*val)++;
			if (args[i - 1] == '"')
				args[i - 1] = '\0';
		}
	}
	/* i is 0 only for a lone quote: then args[-1] is that quote */
	if (quoted && args[(ptrdiff_t)i - 1] == '"')
		args[(ptrdiff_t)i - 1] = '\0';
	if (args[i]) {
		args[i] = '\0';
		next = args + i + 1;
	} else {
		next = args + i;
	}
	return kparam_skip_spaces(next);
}

unsigned kparam_bool_words(const char *release)
{
	unsigned words = KBOOL_TRUE_FALSE;

	if (!release || kver_at_least(release, 5, 19) < 0)
		return words;
	if (!kver_at_least(release, 5, 19))
		words = 0;
	if (kver_at_least(release, 6, 16) == 1)
		words |= KBOOL_ENABLE_DISABLE;
	return words;
}

int kparam_bool(const char *s, bool *res, unsigned words)
{
	/* first bytes, true ones then false ones: y/1 always, t/f from 5.19, e/d from 6.16 */
	static const char first[] = "yY1tTeEnN0fFdD";
	const char *at = s && s[0] ? strchr(first, s[0]) : NULL;
	size_t i;

	if (s && (s[0] | 0x20) == 'o' && ((s[1] | 0x20) == 'n' || (s[1] | 0x20) == 'f')) {
		*res = (s[1] | 0x20) == 'n';
		return 0;
	}
	if (!at)
		return -EINVAL;
	i = (size_t)(at - first) % 7;
	if ((i >= 3 && i < 5 && !(words & KBOOL_TRUE_FALSE)) ||
	    (i >= 5 && !(words & KBOOL_ENABLE_DISABLE)))
		return -EINVAL;
	*res = at < first + 7;
	return 0;
}
