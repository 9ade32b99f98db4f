/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kparam.h - parameter strings as the kernel itself splits them.
 *
 * One rule set for the boot command line and for a module's option
 * string (kernel/params.c parse_args, lib/cmdline.c next_arg):
 * - parameters are separated by the kernel's isspace() (which includes
 *   0xa0), unless inside double quotes;
 * - the first '=' splits name from value, even inside quotes;
 * - a leading quote of the whole word and of the value is removed, with
 *   the quote that ends the word; no other quote is removed, and there is
 *   no escape character;
 * - a bare "--" (no '=') ends the parameters.
 * Booleans are read with kstrtobool(): only the first one or two bytes
 * count ("yes", "1", "on" are true; "ja", "2" are invalid). Which first
 * bytes it takes grew: t/T/f/F (true/false) since Linux 5.19, e/E/d/D
 * (enable/disable) only since 6.16 - the real 6.1 refuses
 * "disable_vga=enable" (tests/kernel-differential.bats).
 */
#ifndef VFP_KPARAM_H
#define VFP_KPARAM_H

#include <stdbool.h>

bool kparam_isspace(unsigned char c);
char *kparam_skip_spaces(char *s);

/*
 * Split the next parameter off args (not empty, no leading space) in
 * place; *val is NULL when there is no '='. Returns the start of the
 * next one, spaces skipped.
 */
char *kparam_next(char *args, char **param, char **val);

/* what a kernel's kstrtobool() takes besides y/n, 1/0, on/off */
enum kparam_bool_words {
	KBOOL_TRUE_FALSE = 1,	  /* t/T/f/F: Linux 5.19 */
	KBOOL_ENABLE_DISABLE = 2, /* e/E/d/D: Linux 6.16 */
};

/* the words of the kernel `release` ("6.1.0-57-amd64"); an unknown one is taken as
 * 5.19 to 6.15, the kernels Debian 12 and 13 and Proxmox VE 8 and 9 ship */
unsigned kparam_bool_words(const char *release);

/* kstrtobool() of a kernel with `words` (enum kparam_bool_words): 0 and *res, or -EINVAL */
int kparam_bool(const char *s, bool *res, unsigned words);

#endif
