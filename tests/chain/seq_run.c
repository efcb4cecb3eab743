/*
** seq_run.c: posix_spawn the binary with its output in files (seq_run.h).
*/
#include "seq_run.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static char *bin_path;
static char *out_path, *err_path;
static char **child_env;

char *seq_dup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);

	if (!p)
		abort();
	memcpy(p, s, n);
	return p;
}

static char *join(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);

	if (!p)
		abort();
	snprintf(p, n, "%s/%s", dir, name);
	return p;
}

static int starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

int run_setup(const char *bin, const char *scratch)
{
	size_t n = 0, k = 0;
	char **e;

	if (access(bin, X_OK) != 0) {
		fprintf(stderr, "retort binary %s: %s\n", bin, strerror(errno));
		return -1;
	}
	bin_path = seq_dup(bin);
	out_path = join(scratch, "stdout.txt");
	err_path = join(scratch, "stderr.txt");
	for (e = environ; *e; e++)
		n++;
	child_env = calloc(n + 2, sizeof(*child_env));
	if (!child_env)
		abort();
	/* a URL in the environment would win over the project's retort.yaml */
	for (e = environ; *e; e++)
		if (!starts_with(*e, "RETORT_DATABASE_URL=") && !starts_with(*e, "DATABASE_URL=") &&
		    !starts_with(*e, "NO_COLOR="))
			child_env[k++] = *e;
	child_env[k++] = "NO_COLOR=1";
	child_env[k] = NULL;
	return 0;
}

/* The whole of a file, malloc'd; "" when it cannot be read. */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0, got;

	if (f) {
		do {
			if (len + 4096 + 1 > cap) {
				cap = (cap ? cap * 2 : 8192);
				buf = realloc(buf, cap);
				if (!buf)
					abort();
			}
			got = fread(buf + len, 1, cap - len - 1, f);
			len += got;
		} while (got > 0);
		fclose(f);
	}
	if (!buf) {
		buf = malloc(1);
		if (!buf)
			abort();
	}
	buf[len] = '\0';
	return buf;
}

static void on_alarm(int sig)
{
	(void)sig;
}

static int fail_start(run_result *r, const char *what, int e)
{
	size_t n = strlen(what) + 128;

	r->status = -1;
	r->err = malloc(n);
	if (!r->err)
		abort();
	snprintf(r->err, n, "%s: %s", what, strerror(e));
	r->out = seq_dup("");
	return -1;
}

int run_retort(run_result *r, const char *cwd, const char *const *argv, unsigned timeout_s)
{
	posix_spawn_file_actions_t fa;
	struct sigaction sa, old;
	char **args;
	char here[4096];
	size_t n = 0, i;
	pid_t pid;
	int rc, st = 0, timed_out = 0;

	memset(r, 0, sizeof(*r));
	while (argv[n])
		n++;
	args = calloc(n + 2, sizeof(*args));
	if (!args)
		abort();
	args[0] = bin_path;
	for (i = 0; i < n; i++)
		args[i + 1] = (char *)argv[i];
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	posix_spawn_file_actions_addopen(&fa, 2, err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	/* the test is single-threaded: the child inherits the working folder */
	if (!getcwd(here, sizeof(here)) || chdir(cwd) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		free(args);
		return fail_start(r, cwd, errno);
	}
	rc = posix_spawn(&pid, bin_path, &fa, NULL, args, child_env);
	if (chdir(here) != 0)
		abort();
	posix_spawn_file_actions_destroy(&fa);
	free(args);
	if (rc != 0)
		return fail_start(r, "posix_spawn", rc);

	/* a hung child would hang the whole test and hide the seed: give up
	** on it after timeout_s, interrupting waitpid with SIGALRM */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, &old);
	alarm(timeout_s);
	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR)
			abort();
		timed_out = 1;
		kill(pid, SIGKILL);
	}
	alarm(0);
	sigaction(SIGALRM, &old, NULL);

	r->out = slurp(out_path);
	if (timed_out) {
		char *e = slurp(err_path);
		size_t len = strlen(e) + 64;
		r->err = malloc(len);
		if (!r->err)
			abort();
		snprintf(r->err, len, "%s\n(killed after %u s)", e, timeout_s);
		free(e);
		r->status = -1;
	} else {
		r->err = slurp(err_path);
		r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	}
	return r->status;
}

void run_release(run_result *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}

/* Does `s` need quotes for a POSIX shell? */
static int needs_quotes(const char *s)
{
	if (!*s)
		return 1;
	for (; *s; s++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=+,@",
			*s))
			return 1;
	return 0;
}

char *run_command_line(const char *const *argv)
{
	size_t cap = 16, len, i;
	char *line;
	const char *p;

	for (i = 0; argv[i]; i++)
		cap += strlen(argv[i]) * 4 + 3;
	line = malloc(cap);
	if (!line)
		abort();
	len = (size_t)snprintf(line, cap, "retort");
	for (i = 0; argv[i]; i++) {
		line[len++] = ' ';
		if (!needs_quotes(argv[i])) {
			memcpy(line + len, argv[i], strlen(argv[i]));
			len += strlen(argv[i]);
			continue;
		}
		line[len++] = '\'';
		for (p = argv[i]; *p; p++) {
			if (*p == '\'') {
				memcpy(line + len, "'\\''", 4);
				len += 4;
			} else {
				line[len++] = *p;
			}
		}
		line[len++] = '\'';
	}
	line[len] = '\0';
	return line;
}

int run_sanitizer_report(const run_result *r)
{
	return r->err && (strstr(r->err, "ERROR: AddressSanitizer") ||
		strstr(r->err, "ERROR: LeakSanitizer") || strstr(r->err, "runtime error:") ||
		strstr(r->err, "ERROR: UndefinedBehaviorSanitizer"));
}
