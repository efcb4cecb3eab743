/*
** test_library.c: the library as an app uses it at start-up (issue 6): load
** the pet app's revisions, hand over the app's own sqlite3 handle, upgrade to
** head; twice in one process (the second start changes nothing), and from
** two threads at once on two handles (two files, then one file). Run under
** the sanitizer build, it also shows that nothing leaks. And an options
** struct its _INIT macro did not make is refused from every entry point.
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

static int count_calls(void *ctx, const retort_progress *progress)
{
	(void)progress;
	(*(int *)ctx)++;
	return 0;
}

/* Each call's error is checked, then freed: the first error wins. */
static void expect_refused(int rc, retort_error **err, const char *init)
{
	CHECK_INT(rc, RETORT_EINVALID);
	CHECK(*err && strstr((*err)->message, init) != NULL);
	if (*err && !strstr((*err)->message, init))
		fprintf(stderr, "  %s\n", (*err)->message);
	retort_error_free(*err);
	*err = NULL;
}

/*
** An options struct that its _INIT macro did not make (zeroed: version 0),
** or one of another version, is refused before anything runs: no callback
** of it is called, no database is touched; one from the macro runs.
*/
static void test_options_version(void)
{
	char path[300], fleet_path[300];
	retort_migrate_options opts;
	retort_fleet_options fopts = RETORT_FLEET_OPTIONS_INIT;
	retort_revisions *revs = NULL;
	retort_error *err = NULL;
	retort_fleet_result *results = NULL;
	retort_op *op = NULL;
	const char *databases[1];
	size_t n = 0;
	sqlite3 *db = NULL;
	int calls = 0;

	snprintf(path, sizeof(path), "%s/options.db", root);
	snprintf(fleet_path, sizeof(fleet_path), "%s/options-fleet.db", root);
	CHECK_INT(retort_revisions_load(&revs, revisions, NULL), 0);
	CHECK_INT(sqlite3_open(path, &db), SQLITE_OK);
	memset(&opts, 0, sizeof(opts));
	opts.progress = count_calls;
	opts.progress_ctx = &calls;
	expect_refused(retort_upgrade(db, revs, "heads", &opts, &err), &err,
		"RETORT_MIGRATE_OPTIONS_INIT");
	opts.version = RETORT_MIGRATE_OPTIONS_VERSION + 1;
	expect_refused(retort_downgrade(db, revs, "base", &opts, &err), &err,
		"RETORT_MIGRATE_OPTIONS_INIT");
	expect_refused(retort_stamp(db, revs, "heads", &opts, &err), &err,
		"RETORT_MIGRATE_OPTIONS_INIT");
	expect_refused(retort_op_start(&op, path, revs, "heads", RETORT_UPGRADE, &opts, &err),
		&err, "RETORT_MIGRATE_OPTIONS_INIT");
	CHECK(op == NULL);
	CHECK_INT(calls, 0);
	CHECK_INT(count(path, "SELECT count(*) FROM sqlite_schema"), 0);

	databases[0] = fleet_path;
	fopts.version = 0;
	expect_refused(retort_fleet_run(&results, &n, databases, 1, revs, &fopts, &err), &err,
		"RETORT_FLEET_OPTIONS_INIT");
	CHECK(results == NULL && n == 0);
	CHECK(access(fleet_path, F_OK) != 0);

	/* the same calls with the macro's structs run */
	opts = (retort_migrate_options)RETORT_MIGRATE_OPTIONS_INIT;
	opts.progress = count_calls;
	opts.progress_ctx = &calls;
	CHECK_INT(retort_upgrade(db, revs, "heads", &opts, &err), 0);
	CHECK(calls > 0);
	CHECK_INT(count(path, "SELECT count(*) FROM pragma_table_info('pet') WHERE name = 'owner_id'"), 1);
	fopts = (retort_fleet_options)RETORT_FLEET_OPTIONS_INIT;
	CHECK_INT(retort_fleet_run(&results, &n, databases, 1, revs, &fopts, &err), 0);
	CHECK(n == 1 && results && results[0].status == RETORT_FLEET_DONE);
	retort_fleet_results_free(results, n);
	retort_error_free(err);
	sqlite3_close(db);
	retort_revisions_free(revs);
}

static const harness_case cases[] = {
	HARNESS_CASE(test_twice),
	HARNESS_CASE(test_threads),
	HARNESS_CASE(test_options_version),
};

int main(int argc, char **argv)
{
	int rc = harness_args(argc, argv, HARNESS_CASES(cases));

	if (rc >= 0)
		return rc;
	if (harness_chain_setup(revisions, sizeof(revisions), root, sizeof(root), "library") != 0)
		return 1;
	harness_run(HARNESS_CASES(cases));
	rc = harness_done();
	harness_rmdir(root);
	return rc;
}
