/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cli.h - what every command of the binary shares: its exit status and
 * the shape of a row in main.c's command table (as kmod's tools/kmod.c).
 */
#ifndef VFP_CLI_H
#define VFP_CLI_H

/* the exit status of every command; vfio-preflight(8) documents each */
enum exit_status {
	EXIT_OK = 0,	   /* check: no FAIL; rescue: done (or already so) */
	EXIT_FAILED = 1,   /* check: a FAIL; status: nothing saved; rescue: could not */
	EXIT_USAGE = 2,	   /* a wrong call, or a root that does not open */
	EXIT_INTERNAL = 3, /* the program failed (boot: the boot goes on anyway) */
	EXIT_REFUSED = 4,  /* rescue: GRUB could not clear next_entry again */
};

struct options;
struct root;

/*
 * One command: argv[0] is its name. usage is the synopsis after
 * "vfio-preflight NAME", one line per form; a line that starts with a
 * blank continues the one before it. A command with options of its own
 * has fn; one with the shared options (main.c: --root, --json, ...) has
 * run, called with them parsed and the root open.
 */
struct command {
	const char *name;
	int (*fn)(int argc, char **argv); /* returns an enum exit_status */
	const char *usage;
	int (*run)(const struct options *o, const struct root *r); /* the same */
};

#endif
