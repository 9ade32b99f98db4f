/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vfio_params.h - what the kernel does with vfio-pci's option string.
 *
 * load_module() runs parse_args() over the string kmod built: each word
 * split by next_arg (kparam.h), names compared with '-' and '_' alike,
 * a repeated parameter set again (the last one wins), a word no parameter
 * matches ignored ("unknown parameter ... ignored"), a bare "--" ending
 * the parameters ("parameters after `--' ignored"). A value the
 * parameter's setter rejects - a bool kstrtobool() refuses, a string
 * parameter without '=' or longer than it holds - makes parse_args()
 * fail after it has read every word, and then init_module() fails:
 * vfio-pci does not load and claims nothing.
 * vfio-pci's parameters (drivers/vfio/pci/vfio_pci.c, 6.1 to 6.12): the
 * string ids (1024 bytes with its NUL) and the bools nointxmask,
 * disable_vga, disable_idle_d3, enable_sriov, disable_denylist.
 */
#ifndef VFP_VFIO_PARAMS_H
#define VFP_VFIO_PARAMS_H

#include <stdbool.h>
#include <stddef.h>

#define VFIO_IDS_WORDS 16

struct vfio_ids_word {
	size_t off;	 /* of the word in the option string */
	const char *val; /* the value vfio_pci_fill_ids() reads */
};

struct vfio_load {
	char *buf;			 /* split copy of the option string */
	int err;			 /* 0: loads; -EINVAL or -ENOSPC: init_module() fails */
	size_t bad_off;			 /* the first word refused */
	const char *bad_param, *bad_val; /* bad_val NULL: no '=' */
	const char *why;		 /* "is not a boolean" ... */
	bool dashes;			 /* a bare "--" ended the parameters */
	size_t dashes_off;
	const char *after_dashes;		  /* what was ignored */
	struct vfio_ids_word ids[VFIO_IDS_WORDS]; /* ids= words in order, the newest kept */
	size_t n_ids;
};

/* Returns 0 or -ENOMEM (the verdict is in l->err). bool_words: what the
 * kernel's kstrtobool() takes (kparam_bool_words() of its release). */
int vfio_load_parse(struct vfio_load *l, const char *opts, unsigned bool_words);
void vfio_load_free(struct vfio_load *l);

#endif
