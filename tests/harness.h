/*
** harness.h: a tiny test harness (after cmark's api_test/harness.h).
** CHECK records a failure and goes on; the test's main returns
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

/* Write `text` to DIR/NAME; a test that cannot set up its files stops. */
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

#endif
