/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: the env writer, round trip through the shell that
 * reads it. Up to four values (the input's NUL-separated fields, any
 * bytes) are written as V0='...' lines; dash sources the file and prints
 * each value back: it must be the value byte for byte, a newline as the
 * blank env_assign documents.
 */
#include "render.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define VALUES 4

static char path[64];

static void remove_file(void)
{
	unlink(path);
}

/* dash's output for the file at path: the values, each ended by a NUL */
static size_t sourced(char *buf, size_t cap)
{
	static char *const argv[] = {
		"dash", "-c", ". \"$1\" && printf '%s\\0' \"$V0\" \"$V1\" \"$V2\" \"$V3\"",
		"dash", path, NULL
	};
	static char *const envp[] = { NULL };
	posix_spawn_file_actions_t fa;
	int pipefd[2], status;
	size_t n = 0;
	ssize_t k;
	pid_t pid;

	if (pipe(pipefd) < 0 || posix_spawn_file_actions_init(&fa))
		abort();
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], STDOUT_FILENO);
	posix_spawn_file_actions_addclose(&fa, pipefd[0]);
	if (posix_spawn(&pid, "/bin/dash", &fa, NULL, argv, envp))
		abort();
	posix_spawn_file_actions_destroy(&fa);
	close(pipefd[1]);
	/* libFuzzer's -timeout alarm interrupts both */
	while (n < cap &&
	       ((k = read(pipefd[0], buf + n, cap - n)) > 0 || (k < 0 && errno == EINTR)))
		n += k > 0 ? (size_t)k : 0;
	close(pipefd[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			abort();
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		abort(); /* the file did not source */
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char want[1 << 16], got[1 << 16];
	const char *p = (const char *)data, *end = p + size;
	char value[VALUES][4096];
	size_t w = 0, n;
	struct out o;
	int fd;

	if (!path[0]) {
		snprintf(path, sizeof(path), "/tmp/fuzz-envwriter.%d", (int)getpid());
		atexit(remove_file);
	}
	for (int i = 0; i < VALUES; i++) {
		size_t len = 0;

		while (p < end && *p && len < sizeof(value[i]) - 1)
			value[i][len++] = *p++;
		value[i][len] = '\0';
		while (p < end && *p) /* the rest of an overlong field */
			p++;
		if (p < end)
			p++;
	}
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0)
		abort();
	out_init(&o, fd);
	for (int i = 0; i < VALUES; i++) {
		char key[4] = { 'V', (char)('0' + i), '\0' };

		env_assign(&o, key, value[i]);
		for (const char *v = value[i]; *v; v++)
			want[w++] = *v == '\n' ? ' ' : *v;
		want[w++] = '\0';
	}
	if (out_flush(&o) < 0 || close(fd) < 0)
		abort();
	n = sourced(got, sizeof(got));
	if (n != w || memcmp(got, want, w))
		abort();
	return 0;
}
