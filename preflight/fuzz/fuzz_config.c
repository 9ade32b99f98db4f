/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: the configuration parser. Whatever the bytes, every key
 * ends with a value its own validation accepts, every message is printable
 * ASCII, and what config_write prints parses back to the same values with
 * no problem (the output is itself a valid configuration file).
 */
#include "config.h"
#include "out.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void check_msg(void *ctx, unsigned lineno, const char *msg)
{
	(void)ctx;
	(void)lineno;
	for (const char *p = msg; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct config a, b;
	int fds[2];
	char buf[CONFIG_KEYS * (CONFIG_VALUE_MAX + 32)];
	struct out o;
	ssize_t n;

	config_defaults(&a);
	config_parse(&a, (const char *)data, size, check_msg, NULL);
	if (pipe(fds) < 0)
		return 0;
	out_init(&o, fds[1]);
	config_write(&o, &a);
	if (out_flush(&o) < 0)
		abort();
	close(fds[1]);
	n = read(fds[0], buf, sizeof(buf));
	close(fds[0]);
	if (n <= 0)
		abort();
	config_defaults(&b);
	if (config_parse(&b, buf, (size_t)n, check_msg, NULL) != 0)
		abort();
	for (int k = 0; k < CONFIG_KEYS; k++)
		if (strcmp(a.value[k], b.value[k]))
			abort();
	return 0;
}
