/*
** test_corpus.c: the `inspect` round trip over the hand-written schemas of
** tests/fixtures/schemas (every .sql file), through the library (roundtrip.h) and
** through the real binary:
**
**   retort inspect sql:FILE > out.yaml     (exit 0, nothing on stderr, the
**                                           library's YAML exactly)
**   retort inspect models:out.yaml         (prints out.yaml again)
**
** Each file's "-- expect: tables=N indexes=N views=N triggers=N" line says
** how many objects retort must read from it, so that a reader that drops
** objects cannot pass on a smaller schema.
*/
#include "roundtrip.h"
#include "harness.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_FILES 256

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (!f)
		return NULL;
	do {
		if (cap - len < 4096) {
			char *p = realloc(buf, cap ? 2 * cap : 8192);
			if (!p) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = p;
			cap = cap ? 2 * cap : 8192;
		}
		n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
	} while (n > 0);
	fclose(f);
	buf[len] = '\0';
	return buf;
}

static char *join(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);
	char *p = malloc(na + nb + 2);

	if (!p)
		abort();
	memcpy(p, a, na);
	p[na] = '/';
	memcpy(p + na + 1, b, nb + 1);
	return p;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.sql files of `dir`, sorted; returns how many. */
static size_t list_sql(const char *dir, char **names, size_t max)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)) && n < max) {
		size_t len = strlen(e->d_name);
		if (len > 4 && strcmp(e->d_name + len - 4, ".sql") == 0) {
			names[n] = malloc(len + 1);
			if (!names[n])
				abort();
			memcpy(names[n++], e->d_name, len + 1);
		}
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof(*names), cmp_names);
	return n;
}

/* Run argv in `cwd` with stdout and stderr to files; the exit status, or
** 128 + the signal that ended it, or -1 when it could not run. */
static int run(const char *cwd, char *const argv[], const char *out, const char *err)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fo = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int fe = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fo < 0 || fe < 0 || chdir(cwd) != 0)
			_exit(126);
		dup2(fo, 1);
		dup2(fe, 2);
		execv(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

static void check_expect(const char *name, const char *sql, const retort_schema *a)
{
	const char *line = strstr(sql, "-- expect:");
	unsigned t, ix, v, tr;

	if (!line || sscanf(line, "-- expect: tables=%u indexes=%u views=%u triggers=%u",
		&t, &ix, &v, &tr) != 4) {
		harness_failed++;
		fprintf(stderr, "%s: no \"-- expect:\" line\n", name);
		return;
	}
	if (retort_schema_table_count(a) == t && retort_schema_index_count(a) == ix &&
	    retort_schema_view_count(a) == v && retort_schema_trigger_count(a) == tr) {
		harness_passed++;
		return;
	}
	harness_failed++;
	fprintf(stderr, "%s: retort read tables=%zu indexes=%zu views=%zu triggers=%zu; "
		"expected tables=%u indexes=%u views=%u triggers=%u\n", name,
		retort_schema_table_count(a), retort_schema_index_count(a),
		retort_schema_view_count(a), retort_schema_trigger_count(a), t, ix, v, tr);
}

/* inspect sql:FILE, then inspect models: of what it printed. */
static void check_cli(const char *bin, const char *tmp, const char *name, const char *path,
	const char *lib_yaml)
{
	char *out = join(tmp, "out.yaml"), *out2 = join(tmp, "out2.yaml");
	char *errf = join(tmp, "stderr.txt"), *source = malloc(strlen(path) + 5);
	char *yaml = NULL, *yaml2 = NULL, *errtext = NULL;
	int rc;

	if (!source)
		abort();
	memcpy(source, "sql:", 4);
	memcpy(source + 4, path, strlen(path) + 1);
	{
		char *argv[] = {(char *)bin, "inspect", source, NULL};
		rc = run(tmp, argv, out, errf);
	}
	yaml = read_file(out);
	errtext = read_file(errf);
	if (rc != 0 || !yaml || !errtext || *errtext) {
		harness_failed++;
		fprintf(stderr, "%s: retort inspect %s: exit %d, stderr: %s\n", name, source, rc,
			errtext ? errtext : "(none)");
		goto done;
	}
	harness_passed++;
	if (lib_yaml && strcmp(yaml, lib_yaml) != 0) {
		harness_failed++;
		fprintf(stderr, "%s: retort inspect %s prints other YAML than "
			"retort_schema_to_yaml\n", name, source);
		rt_print_numbered("retort inspect", yaml);
	} else if (lib_yaml) {
		harness_passed++;
	}
	{
		char *argv[] = {(char *)bin, "inspect", "models:out.yaml", NULL};
		rc = run(tmp, argv, out2, errf);
	}
	free(errtext);
	errtext = read_file(errf);
	yaml2 = read_file(out2);
	if (rc != 0 || !yaml2) {
		harness_failed++;
		fprintf(stderr, "%s: retort inspect models:out.yaml: exit %d, stderr: %s\n", name,
			rc, errtext ? errtext : "(none)");
		rt_print_numbered("out.yaml", yaml);
	} else if (strcmp(yaml, yaml2) != 0) {
		harness_failed++;
		fprintf(stderr, "%s: inspect of the models that inspect printed differs\n", name);
		rt_print_numbered("inspect sql:", yaml);
		rt_print_numbered("inspect models:", yaml2);
	} else {
		harness_passed++;
	}
done:
	unlink(out);
	unlink(out2);
	unlink(errf);
	free(out);
	free(out2);
	free(errf);
	free(source);
	free(yaml);
	free(yaml2);
	free(errtext);
}

/* Every file of tests/fixtures/schemas/, by the library and the binary. */
static void test_corpus(void)
{
	const char *src = getenv("RETORT_SOURCE_DIR"), *bin = getenv("RETORT_BIN");
	char *names[MAX_FILES], *dir, tmpl[] = "/tmp/retort-corpus-XXXXXX", *tmp;
	size_t n, i;
	rt_stats st;

	memset(&st, 0, sizeof(st));
	if (!src || !bin) {
		fprintf(stderr, "RETORT_SOURCE_DIR and RETORT_BIN must be set (ctest sets them)\n");
		harness_failed++;
		return;
	}
	dir = join(src, "tests/fixtures/schemas");
	n = list_sql(dir, names, MAX_FILES);
	/* the corpus is the point: an empty or missing folder is a failure */
	CHECK(n >= 15);
	tmp = mkdtemp(tmpl);
	CHECK(tmp != NULL);
	for (i = 0; i < n; i++) {
		char *path, *sql, *yaml = NULL;
		retort_schema *a = NULL;

		if (!tmp) {
			free(names[i]);
			continue;
		}
		path = join(dir, names[i]);
		sql = read_file(path);
		if (!sql) {
			CHECK(!"reading a corpus file");
		} else if (rt_check(names[i], sql, 1, &st, &a, &yaml) != 0) {
			harness_failed++;
		} else {
			harness_passed++;
			check_expect(names[i], sql, a);
		}
		check_cli(bin, tmp, names[i], path, yaml);
		retort_schema_free(a);
		free(yaml);
		free(sql);
		free(path);
		free(names[i]);
	}
	if (tmp)
		rmdir(tmp);
	free(dir);
	printf("corpus: %lu files, %lu failed; checked %lu tables, %lu indexes, %lu views, "
		"%lu triggers\n", st.schemas, st.failures, st.tables, st.indexes, st.views,
		st.triggers);
}

static const harness_case cases[] = {
	HARNESS_CASE(test_corpus),
};

HARNESS_MAIN(cases)
