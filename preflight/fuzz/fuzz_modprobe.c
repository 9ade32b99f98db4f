/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: modprobe.d parsing through the real file path
 * (continuations, comments, binary junk, overlong lines), then every
 * query the checks make.
 */
#include "modprobe.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char dir[64];
	char path[128], val[256];
	struct modconf mc;
	struct diag dg = { .n = 0 };
	struct root r;
	int fd;

	if (!dir[0]) {
		snprintf(dir, sizeof(dir), "/tmp/fuzz-modprobe.%d", (int)getpid());
		mkdir(dir, 0700);
		snprintf(path, sizeof(path), "%s/etc", dir);
		mkdir(path, 0700);
		snprintf(path, sizeof(path), "%s/etc/modprobe.d", dir);
		mkdir(path, 0700);
	}
	snprintf(path, sizeof(path), "%s/etc/modprobe.d/fuzz.conf", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, data, size) != (ssize_t)size) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	close(fd);
	if (root_open(&r, dir) < 0)
		return 0;
	if (modconf_load(&mc, &r, &dg) == 0) {
		modconf_option(&mc, "vfio_pci", "ids", val, sizeof(val));
		modconf_blacklisted(&mc, "nouveau");
		modconf_softdep_pre(&mc, "nouveau", "vfio_pci");
		for (size_t i = 0; i < mc.n; i++)
			modconf_where(&mc, &mc.d[i], val, sizeof(val));
	}
	modconf_free(&mc);
	root_close(&r);
	return 0;
}
