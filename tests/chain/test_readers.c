/*
** test_readers.c: the schema reader through a connection (issue 16 item 1):
** a file read through a URL and through the app's own handle wrapped gives
** the same schema, and a database another connection holds locked is
** RETORT_EBUSY "the database is locked" on both ways in (the one mapping
** of busy, which `retort` exits 4 for), the app's handle still usable after.
*/
#include "harness.h"
#include "retort.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char root[256];

static const char schema_sql[] =
	"CREATE TABLE owner (id INTEGER PRIMARY KEY, name TEXT NOT NULL);"
	"CREATE TABLE pet (id INTEGER PRIMARY KEY, name TEXT NOT NULL DEFAULT 'rex',"
	" owner_id INTEGER REFERENCES owner (id) ON DELETE CASCADE, UNIQUE (name, owner_id));"
	"CREATE INDEX pet_owner ON pet (owner_id DESC) WHERE owner_id IS NOT NULL;"
	"CREATE VIEW named AS SELECT name FROM pet;"
	"CREATE TRIGGER pet_gone AFTER DELETE ON pet BEGIN SELECT 1; END;"
	"INSERT INTO owner VALUES (1, 'ann');";

/* A file of its own under the test's folder, named `name`, holding the
** schema and one row; its path into `path`. */
static void make_db(char *path, size_t size, const char *name)
{
	sqlite3 *app = NULL;

	snprintf(path, size, "%s/%s", root, name);
	CHECK_INT(sqlite3_open(path, &app), SQLITE_OK);
	CHECK_INT(sqlite3_exec(app, schema_sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(app);
}

/* The schema as SQL, read through `db`; NULL on failure (then `*code`). */
static char *read_sql(retort_db *db, int *code, char **message)
{
	retort_schema *s = NULL;
	retort_error *err = NULL;
	char *sql = NULL;

	*code = retort_db_schema_read(&s, db, NULL, &err);
	if (*code == 0)
		CHECK_INT(retort_schema_to_sql(&sql, s, &err), 0);
	*message = err && err->message ? strdup(err->message) : NULL;
	retort_schema_free(s);
	retort_error_free(err);
	return sql;
}

static void test_same_both_ways(void)
{
	sqlite3 *app = NULL;
	retort_db *url = NULL, *wrapped = NULL;
	retort_error *err = NULL;
	char *a, *b, *msg_a, *msg_b, path[300];
	int code_a, code_b;

	make_db(path, sizeof(path), "same.db");
	CHECK_INT(sqlite3_open(path, &app), SQLITE_OK);
	CHECK_INT(retort_db_open(&url, path, 0, &err), 0);
	CHECK_INT(retort_db_wrap(&wrapped, app, &err), 0);
	a = read_sql(url, &code_a, &msg_a);
	b = read_sql(wrapped, &code_b, &msg_b);
	CHECK_INT(code_a, 0);
	CHECK_INT(code_b, 0);
	CHECK(a && b && strcmp(a, b) == 0);
	CHECK(a && strstr(a, "CREATE INDEX \"pet_owner\"") && strstr(a, "CREATE VIEW") &&
		strstr(a, "CREATE TRIGGER") && strstr(a, "ON DELETE CASCADE"));
	free(a);
	free(b);
	free(msg_a);
	free(msg_b);
	retort_db_free(url);
	retort_db_free(wrapped);
	retort_error_free(err);
	sqlite3_close(app);
}

/* `db` read while another connection holds the file: EBUSY, said so. */
static void check_locked(retort_db *db)
{
	char *msg = NULL, *sql;
	int code;

	sql = read_sql(db, &code, &msg);
	CHECK(sql == NULL);
	CHECK_INT(code, RETORT_EBUSY);
	CHECK_STR(msg ? msg : "", "the database is locked");
	free(sql);
	free(msg);
}

static void test_locked(void)
{
	sqlite3 *app = NULL, *holder = NULL;
	retort_db *url = NULL, *wrapped = NULL;
	retort_error *err = NULL;
	sqlite3_stmt *st = NULL;
	char path[300];

	make_db(path, sizeof(path), "locked.db");
	/* opened (and read once) before the lock is taken */
	CHECK_INT(sqlite3_open(path, &app), SQLITE_OK);
	CHECK_INT(retort_db_wrap(&wrapped, app, &err), 0);
	CHECK_INT(retort_db_open(&url, path, 0, &err), 0);
	CHECK_INT(sqlite3_open(path, &holder), SQLITE_OK);
	CHECK_INT(sqlite3_exec(holder, "BEGIN EXCLUSIVE; INSERT INTO owner VALUES (2, 'bo')",
		NULL, NULL, NULL), SQLITE_OK);
	check_locked(wrapped);
	check_locked(url);
	CHECK_INT(sqlite3_exec(holder, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	/* the app's handle is still its own, out of any transaction */
	retort_db_free(wrapped);
	CHECK(sqlite3_get_autocommit(app));
	CHECK_INT(sqlite3_prepare_v2(app, "SELECT count(*) FROM owner", -1, &st, NULL), SQLITE_OK);
	CHECK_INT(sqlite3_step(st), SQLITE_ROW);
	CHECK_INT(sqlite3_column_int(st, 0), 2);
	sqlite3_finalize(st);
	retort_db_free(url);
	retort_error_free(err);
	sqlite3_close(holder);
	sqlite3_close(app);
}

static const harness_case cases[] = {
	HARNESS_CASE(test_same_both_ways),
	HARNESS_CASE(test_locked),
};

int main(int argc, char **argv)
{
	int rc = harness_args(argc, argv, HARNESS_CASES(cases));

	if (rc >= 0)
		return rc;
	snprintf(root, sizeof(root), "/tmp/retort-test-readers-XXXXXX");
	if (!mkdtemp(root)) {
		perror("mkdtemp");
		return 1;
	}
	harness_run(HARNESS_CASES(cases));
	harness_rmdir(root);
	return harness_done();
}
