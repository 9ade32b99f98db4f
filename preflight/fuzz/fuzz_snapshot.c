/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: the snapshot reader and the /etc/default/grub reader.
 * The first byte picks which file the rest is: even, the snapshot the hook
 * stored in the image (/etc/vfio-preflight/snapshot); odd, the real root's
 * /etc/default/grub, compared against a fixed snapshot. The upgrade phase
 * reads both, runs its checks and renders the report, which must be valid
 * JSON in well-formed UTF-8 (json_check.h) with one result per upgrade row
 * of the check table.
 */
#include "json_check.h"
#include "checks.h"
#include "render.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[64], image_path[96], root_path[96]; /* a struct root keeps its path */
static struct root image, rootmnt;
static int out_fd = -1;
static unsigned char got[1 << 20];
static const char default_grub[] = "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet intel_iommu=on iommu=pt\"\n";

static void put(const char *rel, const void *s, size_t n)
{
	char path[160];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0 ||
	    write(fd, s, n) != (ssize_t)n || close(fd) < 0)
		abort();
}

static void cleanup(void)
{
	char cmd[96];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		return;
}

static void setup(void)
{
	static const char *const dirs[] = { "",
					    "image",
					    "image/etc",
					    "image/etc/vfio-preflight",
					    "image/proc",
					    "image/proc/sys",
					    "image/proc/sys/kernel",
					    "root",
					    "root/etc",
					    "root/etc/modprobe.d",
					    "root/etc/default" };
	char path[160];

	snprintf(dir, sizeof(dir), "/tmp/fuzz-snapshot.%d", (int)getpid());
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, dirs[i]);
		if (mkdir(path, 0700) < 0)
			abort();
	}
	atexit(cleanup);
	put("image/proc/cmdline", "root=/dev/sda1 intel_iommu=on iommu=pt\n", 39);
	put("image/proc/sys/kernel/osrelease", "6.8.12-4-pve\n", 13);
	put("root/etc/modprobe.d/vfio.conf",
	    "options vfio-pci ids=10de:2204,10de:1aef\nsoftdep nouveau pre: vfio-pci\n", 71);
	snprintf(image_path, sizeof(image_path), "%s/image", dir);
	snprintf(root_path, sizeof(root_path), "%s/root", dir);
	if (root_open(&image, image_path) < 0 || root_open(&rootmnt, root_path) < 0)
		abort();
	if ((out_fd = memfd_create("fuzz-snapshot", MFD_CLOEXEC)) < 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct host h;
	struct host_options opt = { .phase = PHASE_UPGRADE,
				    .backend = &pci_backend_sysfs,
				    .rootmnt = &rootmnt };
	struct report rep;
	struct out o;
	size_t rows = 0;
	off_t n;

	if (!dir[0])
		setup();
	if (size > 0 && (data[0] & 1)) {
		static const char snap[] =
			"# vfio-preflight snapshot: vfio-relevant boot configuration\n"
			"cmdline: quiet intel_iommu=on iommu=pt\n";

		put("image/etc/vfio-preflight/snapshot", snap, sizeof(snap) - 1);
		put("root/etc/default/grub", data + 1, size - 1);
	} else {
		put("image/etc/vfio-preflight/snapshot", data + !!size, size - !!size);
		put("root/etc/default/grub", default_grub, sizeof(default_grub) - 1);
	}
	if (host_load(&h, &image, &opt) < 0 || report_run(&h, &rep) < 0)
		abort(); /* a bad snapshot is an input problem, never an internal error */
	for (size_t i = 0; i < check_count; i++)
		rows += !!(check_table[i].phases & (1u << PHASE_UPGRADE));
	if (rep.n != rows)
		abort();
	out_init(&o, out_fd);
	render_json(&o, &h, &rep);
	if (out_flush(&o) < 0)
		abort();
	n = lseek(out_fd, 0, SEEK_CUR);
	if (n < 0 || (size_t)n > sizeof(got) || pread(out_fd, got, (size_t)n, 0) != n ||
	    !json_doc_valid(got, (size_t)n))
		abort();
	if (ftruncate(out_fd, 0) < 0 || lseek(out_fd, 0, SEEK_SET) < 0)
		abort();
	report_free(&rep);
	host_free(&h);
	return 0;
}
