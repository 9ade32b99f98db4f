/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * esp.h - find EFI system partitions by their GPT type and mount them.
 *
 * For the initramfs and for hosts whose ESPs are not mounted (proxmox-boot-
 * tool): every disk in sys/block (no loop, ram, zram, dm, md, sr devices) is
 * read through dev/<disk>; each GPT partition of type
 * C12A7328-F81F-11D2-BA4B-00A0C93EC93B is mounted vfat read-write at
 * run/vfio-preflight/esp, handed to the callback, and unmounted again.
 * Only for the real root "/": a root prefix holds no devices.
 */
#ifndef VFP_ESP_H
#define VFP_ESP_H

#include "rootfs.h"

/* dirfd: the mounted ESP; dev: "/dev/sda1". Return non-zero to stop. */
typedef int (*esp_cb)(void *ctx, int dirfd, const char *dev);

/* Number of ESPs handed to cb, or -errno (-ENOENT: none found). */
int esp_for_each(const struct root *r, esp_cb cb, void *ctx);

#endif
