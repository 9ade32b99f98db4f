/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kver.c - kernel release comparison for the checks' version facts. */
#include "kver.h"

#include <stdlib.h>

int kver_at_least(const char *release, long major, long minor)
{
	char *end;
	long ma = strtol(release, &end, 10), mi = 0;

	if (end == release)
		return -1;
	if (*end == '.')
		mi = strtol(end + 1, NULL, 10);
	return ma > major || (ma == major && mi >= minor);
}
