/*
** test_library.c: the library as an app uses it at start-up (issue 6): load
** the pet app's revisions, hand over the app's own sqlite3 handle, upgrade to
** head; twice in one process (the second start changes nothing), and from
** two threads at once on two handles (two files, then one file). Run under
** the sanitizer build, it also shows that nothing leaks.
*/
#include "harness.h"
#include "retort.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char root[256], revisions[512];

/* An app's start-up: the few calls docs/library.md shows. */
static int start_app(const char *db_path, char **message)
{
	retort_migrate_options opts = RETORT_MIGRATE_OPTIONS_INIT;
	retort_revisions *revs = NULL;
	retort_error *err = NULL;
	sqlite3 *db = NULL;
	int rc = retort_revisions_load(&revs, revisions, &err);

	opts.busy_timeout_ms = 20000;
	if (rc == 0 && sqlite3_open(db_path, &db) != SQLITE_OK)
		rc = RETORT_EDB;
	if (rc == 0)
		rc = retort_upgrade(db, revs, "heads", &opts, &err);
	if (message)
		*message = err ? strdup(err->message) : NULL;
	sqlite3_close(db);
	retort_revisions_free(revs);
	retort_error_free(err);
	return rc;
}

static long long count(const char *db_path, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	long long n = -1;

	if (sqlite3_open(db_path, &db) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

static void *thread_start(void *arg)
{
	intptr_t rc = start_app(arg, NULL);

	return (void *)rc;
}

static void test_twice(void)
{
	char path[300];
	char *msg = NULL;
	long long revs_applied;

	snprintf(path, sizeof(path), "%s/twice.db", root);
	CHECK_INT(start_app(path, &msg), 0);
	if (msg)
		fprintf(stderr, "%s\n", msg);
	free(msg);
	revs_applied = count(path, "SELECT count(*) FROM retort_history WHERE direction = 'upgrade'");
	CHECK(revs_applied >= 2);
	CHECK_INT(count(path, "SELECT count(*) FROM pragma_table_info('pet') WHERE name = 'owner_id'"), 1);
	/* the second start finds the database at head and runs nothing */
	CHECK_INT(start_app(path, NULL), 0);
	CHECK_INT(count(path, "SELECT count(*) FROM retort_history"), revs_applied);
}

/* Two threads, each its own handle: on two files, then on the same file. */
static void test_threads(void)
{
	char a[300], b[300];
	pthread_t t1, t2;
	void *r1 = NULL, *r2 = NULL;
	int same;

	for (same = 0; same < 2; same++) {
		snprintf(a, sizeof(a), "%s/thread-%d-a.db", root, same);
		snprintf(b, sizeof(b), "%s/thread-%d-%s.db", root, same, same ? "a" : "b");
		CHECK_INT(pthread_create(&t1, NULL, thread_start, a), 0);
		CHECK_INT(pthread_create(&t2, NULL, thread_start, b), 0);
		pthread_join(t1, &r1);
		pthread_join(t2, &r2);
		CHECK_INT((intptr_t)r1, 0);
		CHECK_INT((intptr_t)r2, 0);
		/* each revision applied exactly once per file */
		CHECK_INT(count(a, "SELECT count(*) FROM retort_history WHERE direction = 'upgrade'"),
			count(a, "SELECT count(DISTINCT revision) FROM retort_history"));
		CHECK_INT(count(b, "SELECT count(*) FROM pragma_table_info('pet') WHERE name = 'owner_id'"), 1);
	}
}

static const harness_case cases[] = {
	HARNESS_CASE(test_twice),
	HARNESS_CASE(test_threads),
};

int main(int argc, char **argv)
{
	const char *src = getenv("RETORT_SOURCE_DIR");
	char cmd[300];
	int rc = harness_args(argc, argv, HARNESS_CASES(cases));

	if (rc >= 0)
		return rc;
	if (!src) {
		fprintf(stderr, "RETORT_SOURCE_DIR is not set\n");
		return 1;
	}
	snprintf(revisions, sizeof(revisions), "%s/revisions", src);
	snprintf(root, sizeof(root), "/tmp/retort-test-library-XXXXXX");
	if (!mkdtemp(root)) {
		perror("mkdtemp");
		return 1;
	}
	harness_run(HARNESS_CASES(cases));
	rc = harness_done();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", root);
	return rc;
}
