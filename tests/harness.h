/*
** harness.h: a tiny test harness (after cmark's api_test/harness.h).
** CHECK records a failure and goes on. A test lists its cases in a table
** (harness_case) so that one runs alone; its main calls harness_args(),
** sets up what the cases share, calls harness_run(), and returns
** harness_done(), which prints "N passed, N failed" and the exit status.
*/
#ifndef RETORT_HARNESS_H
#define RETORT_HARNESS_H

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int harness_passed, harness_failed;

#define CHECK(cond) do { \
	if (cond) harness_passed++; \
	else { harness_failed++; \
		fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); } \
} while (0)

#define CHECK_INT(got, want) do { \
	long long g_ = (long long)(got), w_ = (long long)(want); \
	if (g_ == w_) harness_passed++; \
	else { harness_failed++; \
		fprintf(stderr, "%s:%d: %s is %lld, expected %lld\n", __FILE__, __LINE__, #got, g_, w_); } \
} while (0)

#define CHECK_STR(got, want) do { \
	const char *g_ = (got), *w_ = (want); \
	if (g_ && w_ && strcmp(g_, w_) == 0) harness_passed++; \
	else { harness_failed++; \
		fprintf(stderr, "%s:%d: %s is \"%s\", expected \"%s\"\n", __FILE__, __LINE__, #got, \
			g_ ? g_ : "(null)", w_ ? w_ : "(null)"); } \
} while (0)

/*
** A case is a function; HARNESS_CASE(test_twice) names it "twice". The
** command line chooses: `test_x --list` prints the names, `test_x --case
** NAME` (repeatable) runs those only, nothing runs them all in table order.
*/
typedef struct harness_case {
	const char *name;
	void (*run)(void);
} harness_case;

#define HARNESS_CASE(fn) { #fn, fn }
/* A table and its length, as harness_args() and harness_run() take them. */
#define HARNESS_CASES(table) (table), sizeof(table) / sizeof((table)[0])

static int harness_argc;
static char **harness_argv;

static inline const char *harness_case_name(const harness_case *c)
{
	return strncmp(c->name, "test_", 5) == 0 ? c->name + 5 : c->name;
}

/*
** Read the command line against `cases`: -1 to go on (set up, then
** harness_run()), else the exit status to return at once: 0 after --list,
** 2 for a bad argument or a case that is not in the table.
*/
static inline int harness_args(int argc, char **argv, const harness_case *cases, size_t n)
{
	size_t k;
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--list") == 0 && argc == 2) {
			for (k = 0; k < n; k++)
				puts(harness_case_name(&cases[k]));
			return 0;
		}
		if (strcmp(argv[i], "--case") != 0 || ++i == argc) {
			fprintf(stderr, "usage: %s [--list | --case NAME...]\n", argv[0]);
			return 2;
		}
		for (k = 0; k < n && strcmp(argv[i], harness_case_name(&cases[k])) != 0; k++)
			;
		if (k == n) {
			fprintf(stderr, "%s: no case named '%s' (--list names them)\n", argv[0],
				argv[i]);
			return 2;
		}
	}
	harness_argc = argc;
	harness_argv = argv;
	return -1;
}

/* Was `c` chosen: named by a --case, or no --case given? */
static inline int harness_chosen(const harness_case *c)
{
	int i;

	for (i = 2; i < harness_argc; i += 2)
		if (strcmp(harness_argv[i], harness_case_name(c)) == 0)
			return 1;
	return harness_argc < 2;
}

/* Run the chosen cases in table order; a case that failed says so. */
static inline void harness_run(const harness_case *cases, size_t n)
{
	size_t k;

	for (k = 0; k < n; k++) {
		int failed = harness_failed;

		if (!harness_chosen(&cases[k]))
			continue;
		cases[k].run();
		if (harness_failed > failed)
			fprintf(stderr, "case %s: %d failed\n", harness_case_name(&cases[k]),
				harness_failed - failed);
	}
}

/* $name as a number, or `dflt` when unset or not a number; `*given` (may
** be NULL) says whether it was set. For seed counts and replays. */
static inline unsigned long harness_env_number(const char *name, unsigned long dflt, int *given)
{
	const char *v = getenv(name);
	char *end;
	unsigned long n;

	if (given)
		*given = 0;
	if (!v || !*v)
		return dflt;
	n = strtoul(v, &end, 10);
	if (*end) {
		fprintf(stderr, "%s: not a number: %s\n", name, v);
		return dflt;
	}
	if (given)
		*given = 1;
	return n;
}

/* The first column of the first row of `sql` on the database file at
** `path`, opened read-only, or -1 when there is none. */
static inline long long harness_query_int(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	long long v = -1;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* Write `text` to DIR/NAME; a test that cannot set up its files stops. */
static inline void harness_write_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f) {
		perror(path);
		exit(1);
	}
	fputs(text, f);
	fclose(f);
}

/* On stderr, the first lines where two texts differ, with their numbers. */
static inline void harness_print_text_diff(const char *a, const char *b)
{
	int shown = 0, line = 1;

	while ((*a || *b) && shown < 6) {
		const char *ea = strchr(a, '\n'), *eb = strchr(b, '\n');
		size_t na = ea ? (size_t)(ea - a) : strlen(a), nb = eb ? (size_t)(eb - b) : strlen(b);
		if (na != nb || memcmp(a, b, na) != 0) {
			fprintf(stderr, "    line %d: expected: %.*s\n", line, (int)na, a);
			fprintf(stderr, "    line %d: got:      %.*s\n", line, (int)nb, b);
			shown++;
		}
		a += na + (ea ? 1 : 0);
		b += nb + (eb ? 1 : 0);
		line++;
	}
}

static inline int harness_done(void)
{
	printf("%d passed, %d failed\n", harness_passed, harness_failed);
	return harness_failed ? 1 : 0;
}

/*
** The set-up of the tests that run the repository's own chain: `revisions`
** gets RETORT_SOURCE_DIR's revisions/ folder, `root` a new folder
** /tmp/retort-test-NAME-XXXXXX. 0, or -1 after saying why.
*/
static inline int harness_chain_setup(char *revisions, size_t revisions_size, char *root,
	size_t root_size, const char *name)
{
	const char *src = getenv("RETORT_SOURCE_DIR");

	if (!src) {
		fprintf(stderr, "RETORT_SOURCE_DIR is not set\n");
		return -1;
	}
	snprintf(revisions, revisions_size, "%s/revisions", src);
	snprintf(root, root_size, "/tmp/retort-test-%s-XXXXXX", name);
	if (!mkdtemp(root)) {
		perror("mkdtemp");
		return -1;
	}
	return 0;
}

/* Remove the folder `root` that a test made, and all in it. */
static inline void harness_rmdir(const char *root)
{
	char cmd[4200];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", root);
}

/* The main() of a test whose cases need no set-up around them. */
#define HARNESS_MAIN(table) \
	int main(int argc, char **argv) \
	{ \
		int rc = harness_args(argc, argv, HARNESS_CASES(table)); \
		if (rc >= 0) \
			return rc; \
		harness_run(HARNESS_CASES(table)); \
		return harness_done(); \
	}

#endif
