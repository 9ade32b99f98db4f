/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: the kernel's next_arg/parse_args over vfio-pci's
 * options and kmod's reading of the command line. The input is a command
 * line, then after the first newline a modprobe.d options string; the
 * string kmod would build from both is parsed as the kernel parses it.
 * Every ids= word found must lie inside the option string.
 */
#include "fuzz_text.h"
#include "kmod_options.h"
#include "vfio_params.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size), *nl;
	struct mod_directive d = { .kind = MOD_OPTIONS, .module = "vfio_pci" };
	struct modconf mc = {
		.files = { "/etc/modprobe.d/fuzz.conf" }, .nfiles = 1, .d = &d, .n = 1, .cap = 1
	};
	struct modopts o;
	struct vfio_load l;
	char where[128];

	if (!text)
		return 0;
	nl = strchr(text, '\n');
	d.args = nl ? nl + 1 : (char *)"";
	if (nl)
		*nl = '\0';
	if (modopts_build(&o, &mc, text, "vfio_pci") == 0) {
		if (vfio_load_parse(&l, o.text, (unsigned)text[0] & 3) == 0) {
			for (size_t i = 0; i < l.n_ids; i++) {
				if (l.ids[i].off >= o.len + 1)
					abort();
				modopts_where(&o, &mc, l.ids[i].off, where, sizeof(where));
			}
			if (l.err)
				modopts_where(&o, &mc, l.bad_off, where, sizeof(where));
			vfio_load_free(&l);
		}
		modopts_free(&o);
	}
	free(text);
	return 0;
}
