/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * select.h - "vfio-preflight rescue": pick the rescue boot entry of
 * the running kernel for the next boot only, undo that, or show it.
 *
 *   vfio-preflight rescue --next-boot|--clear|--status [--auto]
 *       [--root DIR] [--loader auto|grub|systemd-boot] [--grubenv PATH]
 *       [--esp DIR] [--reason TEXT]
 *
 * systemd-boot: LoaderEntryOneShot = "<id>-<kver>-vfio-rescue.conf", the id
 * taken from the loader's own LoaderEntries list, else from --esp DIR (or
 * efi, boot/efi, boot under the root) loader/entries.
 * GRUB: next_entry=vfio-preflight-rescue-<kver> in the grubenv GRUB reads:
 * --grubenv PATH, else grub/grubenv of --esp DIR, efi or boot/efi (Proxmox
 * GRUB mode), else boot/grub/grubenv - refused where GRUB's save_env cannot
 * clear it again (/boot on btrfs, ZFS, LVM or mdraid) - else, on "/", the
 * grub/grubenv of every ESP found on the GPT disks.
 * --reason TEXT is kept beside the one-shot (EFI variable
 * VfioPreflightReason-<own GUID>, or grubenv vfio_preflight_reason) so that
 * the rescue boot can log why it happened; --clear removes it too.
 * --auto is --loader auto: systemd-boot when LoaderInfo names it, else GRUB.
 *
 * Exit status: 0 done (or already so), 1 could not (stderr says why),
 * 2 usage, 3 internal error, 4 refused: GRUB could not clear next_entry.
 */
#ifndef VFP_RESCUE_SELECT_H
#define VFP_RESCUE_SELECT_H

int rescue_main(int argc, char **argv);

#endif
