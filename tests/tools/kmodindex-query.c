/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kmodindex-query - the test suite's window on preflight/kmod_index.c.
 *
 *   kmodindex-query alias DIR KEY...   per KEY one line "KEY: index: M... | scan: M..."
 *   kmodindex-query get FILE KEY...    per KEY one line "KEY: VALUE" or "KEY: (none)"
 *
 * alias answers each modalias twice: from DIR/modules.alias.bin through the
 * preflight's reader, and by a linear scan of DIR/modules.alias with glibc's
 * fnmatch(3), as kmod matches aliases; module names sorted, duplicates
 * dropped. Exit status: 0, 1 when an index could not be read (message on
 * stderr), 2 usage.
 */
#include "kmod_index.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAMES_MAX 256

struct names {
	char *v[NAMES_MAX];
	size_t n;
};

static int add_name(void *ctx, const char *value)
{
	struct names *ns = ctx;

	for (size_t i = 0; i < ns->n; i++)
		if (!strcmp(ns->v[i], value))
			return 0;
	if (ns->n < NAMES_MAX)
		ns->v[ns->n++] = strdup(value);
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void print_names(struct names *ns)
{
	qsort(ns->v, ns->n, sizeof(ns->v[0]), by_name);
	for (size_t i = 0; i < ns->n; i++) {
		printf(" %s", ns->v[i]);
		free(ns->v[i]);
	}
	ns->n = 0;
}

/* the reference: every "alias PATTERN MODULE" line of modules.alias, fnmatch(3) */
static void scan_text(const char *path, const char *key, struct names *ns)
{
	FILE *f = fopen(path, "r");
	char line[4096];

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *pattern, *module, *end;

		if (strncmp(line, "alias ", 6) != 0)
			continue;
		pattern = line + 6;
		if (!(module = strchr(pattern, ' ')))
			continue;
		*module++ = '\0';
		if ((end = strpbrk(module, " \t\r\n")))
			*end = '\0';
		if (fnmatch(pattern, key, 0) == 0)
			add_name(ns, module);
	}
	fclose(f);
}

int main(int argc, char **argv)
{
	struct root r;
	struct kmod_index ix;
	struct names ns = { .n = 0 };
	char path[4096];
	int err;

	if (argc < 4 || (strcmp(argv[1], "alias") != 0 && strcmp(argv[1], "get") != 0)) {
		fprintf(stderr, "usage: kmodindex-query alias DIR KEY... | get FILE KEY...\n");
		return 2;
	}
	if (root_open(&r, "/") < 0) {
		perror("/");
		return 1;
	}
	if (!strcmp(argv[1], "alias"))
		snprintf(path, sizeof(path), "%s/modules.alias.bin", argv[2]);
	else
		snprintf(path, sizeof(path), "%s", argv[2]);
	if ((err = kmod_index_open(&ix, &r, path)) < 0) {
		fprintf(stderr, "kmodindex-query: %s: %s\n", path, KMOD_INDEX_ERROR(err));
		return 1;
	}
	for (int i = 3; i < argc; i++) {
		if (!strcmp(argv[1], "get")) {
			const char *v;
			size_t len;

			err = kmod_index_get(&ix, argv[i], &v, &len);
			if (err < 0)
				printf("%s: error %s\n", argv[i], KMOD_INDEX_ERROR(err));
			else if (err == 0)
				printf("%s: (none)\n", argv[i]);
			else
				printf("%s: %.*s\n", argv[i], (int)len, v);
			continue;
		}
		printf("%s: index:", argv[i]);
		err = kmod_index_match(&ix, argv[i], add_name, &ns);
		if (err < 0)
			printf(" error %s", KMOD_INDEX_ERROR(err));
		print_names(&ns);
		printf(" | scan:");
		snprintf(path, sizeof(path), "%s/modules.alias", argv[2]);
		scan_text(path, argv[i], &ns);
		print_names(&ns);
		printf("\n");
	}
	kmod_index_close(&ix);
	root_close(&r);
	return 0;
}
