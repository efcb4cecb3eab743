/*
** test_db_iface.c: the connection interface (lib/db/db.h) on the local
** backend, call by call: statements with a tail, bindings and columns, a
** transaction seen open and closed, the error offset, the optional
** operations it has, and the one mapping of failures to retort codes.
*/
#include "harness.h"
#include "db/db.h"

#include <stdlib.h>
#include <string.h>

static void statements(retort_db *db)
{
	retort_db_stmt *st = NULL;
	const char *tail = NULL;
	sqlite3_int64 n = 0;

	CHECK_INT(retort_db_exec(db, "CREATE TABLE t (a INTEGER, b TEXT, c REAL)"), SQLITE_OK);
	CHECK_INT(retort_db_prepare(db, &st, "INSERT INTO t VALUES (?1, ?2, 1.5); SELECT 1", &tail),
		SQLITE_OK);
	CHECK_STR(tail, " SELECT 1");
	CHECK_INT(retort_db_stmt_readonly(st), 0);
	CHECK_INT(retort_db_bind_int64(st, 1, 42), SQLITE_OK);
	CHECK_INT(retort_db_bind_text(st, 2, "x"), SQLITE_OK);
	CHECK_INT(retort_db_step(st), SQLITE_DONE);
	CHECK_INT(retort_db_reset(st), SQLITE_OK);
	CHECK_INT(retort_db_bind_null(st, 2), SQLITE_OK);
	CHECK_INT(retort_db_step(st), SQLITE_DONE);
	retort_db_finalize(st);

	CHECK_INT(retort_db_prepare(db, &st, "SELECT a, b, c FROM t ORDER BY b IS NULL", NULL),
		SQLITE_OK);
	CHECK_INT(retort_db_stmt_readonly(st), 1);
	CHECK_INT(retort_db_column_count(st), 3);
	CHECK_STR(retort_db_column_name(st, 1), "b");
	CHECK_INT(retort_db_step(st), SQLITE_ROW);
	CHECK_INT(retort_db_column_int(st, 0), 42);
	CHECK_STR(retort_db_column_text(st, 1), "x");
	CHECK(retort_db_column_double(st, 2) == 1.5);
	CHECK_INT(retort_db_step(st), SQLITE_ROW);
	CHECK_INT(retort_db_column_type(st, 1), SQLITE_NULL);
	CHECK(retort_db_column_text(st, 1) == NULL);
	CHECK_STR(retort_db_column_str(st, 1), "");
	CHECK_INT(retort_db_step(st), SQLITE_DONE);
	retort_db_finalize(st);
	retort_db_finalize(NULL);

	/* only a comment: no statement, and no error */
	st = (retort_db_stmt *)&st;
	CHECK_INT(retort_db_prepare(db, &st, "-- nothing", NULL), SQLITE_OK);
	CHECK(st == NULL);

	CHECK_INT(retort_db_query_int64(db, "SELECT count(*) FROM t", &n), SQLITE_OK);
	CHECK_INT(n, 2);
	CHECK_INT(retort_db_query_int64(db, "SELECT 1 WHERE 0", &n), SQLITE_DONE);
}

static void transactions_and_errors(retort_db *db)
{
	retort_error *err = NULL;
	retort_db_stmt *st = NULL;

	CHECK_INT(retort_db_exec(db, "CREATE TABLE t (a INTEGER, b TEXT, c REAL)"), SQLITE_OK);

	CHECK_INT(retort_db_in_transaction(db), 0);
	CHECK_INT(retort_db_exec(db, "BEGIN IMMEDIATE"), SQLITE_OK);
	CHECK_INT(retort_db_in_transaction(db), 1);
	CHECK_INT(retort_db_exec(db, "ROLLBACK"), SQLITE_OK);
	CHECK_INT(retort_db_in_transaction(db), 0);

	CHECK_INT(retort_db_prepare(db, &st, "SELECT nope FROM t", NULL), SQLITE_ERROR);
	CHECK_STR(retort_db_errmsg(db), "no such column: nope");
	CHECK_INT(retort_db_error_offset(db), 7);
	CHECK_INT(retort_db_error(&err, db, SQLITE_ERROR, 10, "cannot read"), RETORT_EDB);
	CHECK_STR(err->message, "cannot read: no such column: nope");
	retort_error_free(err);
	err = NULL;

	CHECK_INT(retort_db_error(&err, db, SQLITE_BUSY_SNAPSHOT, 10, "x"), RETORT_EBUSY);
	CHECK_STR(err->message, "the database is locked (waited 10 ms)");
	retort_error_free(err);
	err = NULL;
	CHECK_INT(retort_db_error(&err, NULL, SQLITE_LOCKED, -1, "x"), RETORT_EBUSY);
	CHECK_STR(err->message, "the database is locked");
	retort_error_free(err);
	err = NULL;
	CHECK_INT(retort_db_error(&err, db, RETORT_DB_LOST, -1, "cannot commit"), RETORT_EDB);
	CHECK(strstr(err->message, "cannot commit: the connection to ") != NULL);
	CHECK(strstr(err->message, "whether it was done is unknown") != NULL);
	retort_error_free(err);
	CHECK_INT(retort_db_code(SQLITE_READONLY), RETORT_EDB);
	CHECK_INT(retort_db_is_busy(SQLITE_BUSY_RECOVERY), 1);
	CHECK_INT(retort_db_is_busy(SQLITE_CONSTRAINT), 0);
}

/* Run `fn` on a connection over a fresh in-memory handle of its own. */
static void on_memory(void (*fn)(retort_db *db))
{
	sqlite3 *handle = NULL;
	retort_db *db = NULL;
	retort_error *err = NULL;

	CHECK_INT(sqlite3_open(":memory:", &handle), SQLITE_OK);
	CHECK_INT(retort_db_wrap(&db, handle, &err), 0);
	if (db)
		fn(db);
	retort_db_free(db);
	sqlite3_close(handle);
	retort_error_free(err);
}

static void test_statements(void)
{
	on_memory(statements);
}

static void test_transactions_and_errors(void)
{
	on_memory(transactions_and_errors);
}

/* A wrapped handle: what the backend says of itself; freeing the
** connection leaves the handle open. */
static void test_wrap(void)
{
	sqlite3 *handle = NULL;
	retort_db *db = NULL;
	retort_error *err = NULL;

	CHECK_INT(sqlite3_open(":memory:", &handle), SQLITE_OK);
	CHECK_INT(retort_db_wrap(&db, handle, &err), 0);
	CHECK_STR(retort_db_backend(db), "sqlite");
	CHECK_STR(retort_db_location(db), "");
	CHECK(retort_db_sqlite_handle(db) == handle);
	CHECK_INT(retort_db_can(db, RETORT_DB_CAN_BACKUP | RETORT_DB_CAN_ROW_HOOK |
		RETORT_DB_CAN_TICK_HOOK | RETORT_DB_CAN_BUSY_WAIT), 1);
	CHECK_INT(retort_db_readonly(db), 0);
	CHECK_INT(retort_db_exec(db, "CREATE TABLE t (a)"), SQLITE_OK);
	retort_db_free(db);
	CHECK_INT(sqlite3_exec(handle, "SELECT count(*) FROM t", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(handle);
	retort_error_free(err);
}

static const harness_case cases[] = {
	HARNESS_CASE(test_wrap),
	HARNESS_CASE(test_statements),
	HARNESS_CASE(test_transactions_and_errors),
};

HARNESS_MAIN(cases)
