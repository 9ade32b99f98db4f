/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * diag.h - problems found in the input (bad lines, unreadable files,
 * truncated values). They never stop a run; they are reported as the
 * "preflight.input" check so a person sees what was ignored and why.
 */
#ifndef VFP_DIAG_H
#define VFP_DIAG_H

#define DIAG_KEEP 8
#define DIAG_LEN  200

struct diag {
	char msg[DIAG_KEEP][DIAG_LEN];
	unsigned n;	/* kept */
	unsigned total; /* seen, kept or not */
};

void diag_add(struct diag *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Text for the errors this program meets. klibc's strerror() table costs
 * 5 KiB of a 40 KiB budget; the rest print as "error N".
 */
const char *err_text(int err, char *buf, unsigned cap);
#define ERR_TEXT(err) err_text((err), (char[24]){ 0 }, 24)

#endif
