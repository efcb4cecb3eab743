/*
** test_sqltok.c: what model text may be spliced into SQL (lib/sqltok.c):
** type names as SQLite's grammar reads them (sql_is_type_name), and pieces
** of SQL that are whole (sql_piece_fault). Each accepted type is also
** declared in a real SQLite table, which must keep the whole text as the
** column's type.
*/
#include "harness.h"
#include "sqltok.h"

#include <sqlite3.h>

/* Does SQLite keep the whole of `type` as the declared type of a column? */
static int sqlite_keeps_type(sqlite3 *db, const char *type)
{
	char *sql = sqlite3_mprintf("CREATE TABLE t (x %s)", type);
	sqlite3_stmt *st = NULL;
	int kept = 0;

	if (sql && sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, "SELECT type FROM pragma_table_info('t')", -1, &st, NULL)
		== SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		kept = sql_equal((const char *)sqlite3_column_text(st, 0), type);
	sqlite3_finalize(st);
	sqlite3_exec(db, "DROP TABLE IF EXISTS t", NULL, NULL, NULL);
	sqlite3_free(sql);
	return kept;
}

static void test_type_names(void)
{
	static const char *const plain[] = { "INTEGER", "text", "VARCHAR(255)", "DECIMAL(10, 2)",
		"UNSIGNED BIG INT", "DOUBLE PRECISION", "NATIVE CHARACTER(70)", "INT(+5)",
		"NUMERIC(-1, 2)", "VARCHAR ( 40 )", "CHARACTER VARYING(30)", "VARCHAR(0x10)",
		"NUMERIC(1e3, .5)", "VARCHAR /* chars */ (10)", "DOUBLE\tPRECISION", "名前", NULL };
	static const char *const keyword[] = { "TIMESTAMP WITH TIME ZONE", "KEY VALUE", NULL };
	static const char *const refused[] = { "", "INTEGER, b TEXT", "TEXT); DROP TABLE t; --",
		"INT;", "\"INT\"", "[INT]", "'text'", "INT -- x", "INT /* x", "INT(12abc)",
		"INT()", "INT(1, 2, 3)", "(1)", "INT(1", "INT(a)", "INT(1) x", "INT(- -1)",
		"TEXT DEFAULT 'x'", "INT = 1", NULL };
	const char *const *p;
	sqlite3 *db = NULL;
	int kw;

	CHECK(sqlite3_open(":memory:", &db) == SQLITE_OK);
	for (p = plain; *p; p++) {
		kw = -1;
		CHECK(sql_is_type_name(*p, &kw));
		CHECK_INT(kw, 0);
		CHECK(sqlite_keeps_type(db, *p));
	}
	for (p = keyword; *p; p++) {
		kw = 0;
		CHECK(sql_is_type_name(*p, &kw));
		CHECK_INT(kw, 1);
		CHECK(sqlite_keeps_type(db, *p));
	}
	for (p = refused; *p; p++) {
		CHECK(!sql_is_type_name(*p, &kw));
		if (sql_is_type_name(*p, &kw))
			fprintf(stderr, "  taken as a type: %s\n", *p);
	}
	/* the shape holds, but SQLite reads the keywords as constraints */
	kw = 0;
	CHECK(sql_is_type_name("TEXT PRIMARY KEY", &kw) && kw);
	CHECK(!sqlite_keeps_type(db, "TEXT PRIMARY KEY"));
	kw = 0;
	CHECK(sql_is_type_name("INT NOT NULL", &kw) && kw);
	CHECK(!sqlite_keeps_type(db, "INT NOT NULL"));
	sqlite3_close(db);
}

static void test_pieces(void)
{
	static const char *const whole[] = { "x > 0", "kind IN ('cat', 'dog')", "a -- note",
		"lower(\"odd ) name\")", "1 /* ; */ + 2", "';'", "[a;b] = 1", "x'00' = y", NULL };
	const char *const *p;

	for (p = whole; *p; p++) {
		CHECK(sql_piece_fault(*p, 0) == NULL);
		CHECK(sql_piece_fault(*p, 1) == NULL);
	}
	CHECK_STR(sql_piece_fault("id > 0 /*", 0), "unterminated comment in SQL");
	CHECK_STR(sql_piece_fault("*/ AND 1 /* x */ /*/", 0), "unterminated comment in SQL");
	CHECK_STR(sql_piece_fault("x /*", 1), "unterminated comment in SQL");
	CHECK_STR(sql_piece_fault("'abc", 0), "unterminated quote in SQL");
	CHECK_STR(sql_piece_fault("\"abc", 1), "unterminated quote in SQL");
	CHECK_STR(sql_piece_fault("[abc", 0), "unterminated quote in SQL");
	CHECK_STR(sql_piece_fault("x'00", 0), "unterminated quote in SQL");
	CHECK_STR(sql_piece_fault("1; SELECT 2", 0), "expected one SQL expression, found ';' in SQL");
	CHECK(sql_piece_fault("SELECT 1; SELECT 2", 1) == NULL); /* counted by SQLite */
	CHECK_STR(sql_piece_fault("f(x", 0), "unbalanced parentheses in SQL");
	CHECK_STR(sql_piece_fault("x) WHERE (1", 0), "unbalanced parentheses in SQL");
	CHECK_STR(sql_piece_fault("SELECT (1", 1), "unbalanced parentheses in SQL");
}

static const harness_case cases[] = {
	HARNESS_CASE(test_type_names),
	HARNESS_CASE(test_pieces),
};

int main(int argc, char **argv)
{
	int rc = harness_args(argc, argv, HARNESS_CASES(cases));

	if (rc >= 0)
		return rc;
	harness_run(HARNESS_CASES(cases));
	return harness_done();
}
