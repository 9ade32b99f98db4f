/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: the saved state files after the boot. The input is a
 * <phase>.env file; env_value reads its keys, and the motd and the
 * node_exporter metrics are rendered from what it gives (the CHECKS words
 * are parsed there).
 */
#include "boot_state.h"
#include "fuzz_text.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct boot_state s;
	static int devnull = -1;
	char *text = fuzz_text(data, size), small[4];
	struct out o;

	if (!text)
		return 0;
	if (devnull < 0)
		devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	memset(&s, 0, sizeof(s));
	s.phase[0].name = "predict";
	s.phase[0].present = true;
	env_value(text, "VERDICT", s.phase[0].verdict, sizeof(s.phase[0].verdict));
	env_value(text, "CHECKS", s.phase[0].checks, sizeof(s.phase[0].checks));
	env_value(text, "FAILED", s.phase[0].failed, sizeof(s.phase[0].failed));
	env_value(text, "REASON", s.fallback_reason, sizeof(s.fallback_reason));
	env_value(text, "MODE", s.fallback_mode, sizeof(s.fallback_mode));
	env_value(text, "CHECKS", small, sizeof(small)); /* cut to fit */
	env_value(text, "", small, 0);
	s.fell_back = s.fallback_mode[0] != '\0';
	s.rescue_boot = size & 1;
	s.boot_time = (long)size;
	out_init(&o, devnull);
	render_prometheus(&o, &s);
	render_motd(&o, &s);
	o.len = 0; /* nothing to flush: /dev/null */
	free(text);
	return 0;
}
