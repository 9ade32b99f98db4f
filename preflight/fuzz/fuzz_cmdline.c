/* libFuzzer target: the kernel command line parser and its queries. */
#include "cmdline.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cmdline c;	/* 16 KiB of slots: keep it off the stack */
	char *text = malloc(size + 1);
	size_t pos = 0;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (cmdline_parse(&c, text) == 0) {
		cmdline_last(&c, "vfio-pci.ids");
		while (cmdline_next(&c, "console", &pos))
			;
		cmdline_serial_console(&c);
		cmdline_free(&c);
	}
	free(text);
	return 0;
}
