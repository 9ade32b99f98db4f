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
 * count ("yes", "1", "on", "enable" are true; "ja", "2" are invalid).
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

/* kstrtobool(): 0 and *res, or -EINVAL */
int kparam_bool(const char *s, bool *res);

#endif
