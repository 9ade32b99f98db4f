/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pci_ids.h - the PCI class codes and vendor IDs the checks decide by,
 * named as pciutils' lib/header.h and the kernel's <linux/pci_ids.h> name them.
 */
#ifndef VFP_PCI_IDS_H
#define VFP_PCI_IDS_H

/* base classes: the top byte of the 24-bit class code */
#define PCI_BASE_CLASS_STORAGE	  0x01
#define PCI_BASE_CLASS_NETWORK	  0x02
#define PCI_BASE_CLASS_DISPLAY	  0x03
#define PCI_BASE_CLASS_MULTIMEDIA 0x04
#define PCI_BASE_CLASS_BRIDGE	  0x06
#define PCI_BASE_CLASS_SERIAL	  0x0c

/* base class and subclass: the top 16 bits */
#define PCI_CLASS_STORAGE_SATA	       0x0106
#define PCI_CLASS_STORAGE_NVM	       0x0108
#define PCI_CLASS_DISPLAY_VGA	       0x0300
#define PCI_CLASS_DISPLAY_3D	       0x0302
#define PCI_CLASS_DISPLAY_OTHER	       0x0380
#define PCI_CLASS_MULTIMEDIA_AUDIO_DEV 0x0403
#define PCI_CLASS_BRIDGE_HOST	       0x0600
#define PCI_CLASS_BRIDGE_ISA	       0x0601
#define PCI_CLASS_BRIDGE_PCI	       0x0604
#define PCI_CLASS_BRIDGE_PCI_SEMI      0x0609
#define PCI_CLASS_SERIAL_USB	       0x0c03
#define PCI_CLASS_SERIAL_SMBUS	       0x0c05
#define PCI_CLASS_SERIAL_OTHER	       0x0c80

#define PCI_VENDOR_ID_ATI	      0x1002 /* AMD's GPUs (Radeon) */
#define PCI_VENDOR_ID_AMD	      0x1022 /* AMD's CPUs and chipsets */
#define PCI_VENDOR_ID_MATROX	      0x102b
#define PCI_VENDOR_ID_NVIDIA	      0x10de
#define PCI_VENDOR_ID_QEMU	      0x1234 /* Bochs/QEMU standard VGA */
#define PCI_VENDOR_ID_ASPEED	      0x1a03
#define PCI_VENDOR_ID_REDHAT_QUMRANET 0x1af4 /* virtio */
#define PCI_VENDOR_ID_INTEL	      0x8086

#endif
