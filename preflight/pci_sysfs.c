/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pci_sysfs.c - the direct sysfs access method (what the static binary uses).
 *
 * Per function: one uevent read (driver, ids, class in one file) and one
 * readlink for iommu_group, i.e. four syscalls. Trees without uevent (old
 * captures) fall back to the single-value attribute files.
 */
#include "format.h"
#include "pci.h"
#include "strbuf.h"

#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#define DEVICES_DIR "sys/bus/pci/devices"

static int read_hex_attr(const struct root *r, const char *slot, const char *attr, unsigned digits,
			 long *out)
{
	char path[sizeof(DEVICES_DIR) + PCI_SLOT_LEN + 32], buf[32];
	int n;

	str_fmt(path, sizeof(path), DEVICES_DIR "/%s/%s", slot, attr);
	n = root_read_beneath(r, path, buf, sizeof(buf));
	if (n <= 0)
		return n < 0 ? n : -ENODATA;
	*out = hex_parse(str_trim(buf), digits);
	return *out < 0 ? -EINVAL : 0;
}

/* For trees without a usable uevent: vendor/device/class are required. */
static int read_attr_files(const struct root *r, struct pci_func *d)
{
	char path[sizeof(DEVICES_DIR) + PCI_SLOT_LEN + 32], link[256];
	long vendor, device, class, v;

	if (read_hex_attr(r, d->slot, "vendor", 4, &vendor) < 0 ||
	    read_hex_attr(r, d->slot, "device", 4, &device) < 0 ||
	    read_hex_attr(r, d->slot, "class", 6, &class) < 0)
		return -ENODATA;
	d->vendor = (uint16_t)vendor;
	d->device = (uint16_t)device;
	d->class = (uint32_t) class;
	if (read_hex_attr(r, d->slot, "subsystem_vendor", 4, &v) == 0)
		d->subvendor = (uint16_t)v;
	if (read_hex_attr(r, d->slot, "subsystem_device", 4, &v) == 0)
		d->subdevice = (uint16_t)v;
	/* the path walk the confined reads above have checked */
	str_fmt(path, sizeof(path), DEVICES_DIR "/%s/driver", d->slot);
	if (root_readlink_at(r->fd, path, link, sizeof(link)) > 0) {
		const char *slash = strrchr(link, '/');
		str_fmt(d->driver, sizeof(d->driver), "%.*s", PCI_DRIVER_LEN - 1,
			slash ? slash + 1 : link);
	}
	return 0;
}

static int sysfs_scan(const struct root *r, struct pci_list *out, struct diag *dg)
{
	struct root_dir dir;
	struct dirent *de;
	int err = root_dir_open(&dir, r, DEVICES_DIR);

	if (err < 0)
		return err == -ENOENT ? 0 : err;
	while ((de = root_dir_next(&dir))) {
		char path[sizeof(DEVICES_DIR) + PCI_SLOT_LEN + 16], buf[512];
		struct pci_func *d;
		int n;

		long key = pci_slot_key(de->d_name);
		size_t len;

		if (de->d_name[0] == '.')
			continue;
		if (key < 0) {
			diag_add(dg, "/%s/%.40s: not a PCI slot name; ignored", DEVICES_DIR,
				 de->d_name);
			continue;
		}
		d = pci_list_add(out);
		if (!d) {
			root_dir_close(&dir);
			return -ENOMEM;
		}
		len = strlen(de->d_name); /* < PCI_SLOT_LEN: checked by pci_slot_key */
		memcpy(d->slot, de->d_name, len + 1);
		d->slot_key = (uint32_t)key;

		/*
		 * DEVICES_DIR/SLOT/uevent, DEVICES_DIR/SLOT/iommu_group: built by
		 * hand, snprintf is the hot spot. SLOT is a link into sys/devices;
		 * one leaving the tree (absolute, or climbing ../ past it) makes
		 * the read fail, so this machine's devices never enter the
		 * verdict. The readlink walks the same path the read has checked.
		 */
		memcpy(path, DEVICES_DIR "/", sizeof(DEVICES_DIR));
		memcpy(path + sizeof(DEVICES_DIR), d->slot, len);
		memcpy(path + sizeof(DEVICES_DIR) + len, "/uevent", 8);
		n = root_read_beneath(r, path, buf, sizeof(buf));
		if (n == -EXDEV) {
			diag_add(dg, "/%s/%s: a link out of the tree; ignored", DEVICES_DIR,
				 d->slot);
			out->n--;
			continue;
		}
		if ((n <= 0 || pci_parse_uevent_n(buf, (size_t)n, d) < 0) &&
		    read_attr_files(r, d) < 0) {
			diag_add(dg, "%s: no readable uevent or vendor/device/class; ignored",
				 d->slot);
			out->n--;
			continue;
		}
		memcpy(path + sizeof(DEVICES_DIR) + len, "/iommu_group", 13);
		if ((n = root_readlink_at(r->fd, path, buf, sizeof(buf))) > 0)
			d->iommu_group = pci_group_from_link_n(buf, (size_t)n);
	}
	root_dir_close(&dir);
	return 0;
}

const struct pci_backend pci_backend_sysfs = {
	.name = "sysfs",
	.scan = sysfs_scan,
};
