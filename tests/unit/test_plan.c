/*
** test_plan.c: a schema_diff turned into ordered steps (lib/plan.c). For
** each pair of schemas, the upgrade's steps (kind, table, object, risks)
** and, for the small ones, the whole SQL text must be exactly as expected;
** the SQL is then run by SQLite on a database built from the first schema
** with rows in it, which must end with the second schema's definition.
*/
#include "harness.h"
#include "buf.h"
#include "diff.h"
#include "plan.h"

static retort_schema *schema_of(const char *sql)
{
	retort_schema *s = NULL;
	retort_error *err = NULL;

	if (retort_schema_from_sql(&s, sql, "test", NULL, &err) != 0) {
		fprintf(stderr, "cannot build: %s\n%s\n", err ? err->message : "?", sql);
		retort_error_free(err);
		exit(1);
	}
	return s;
}

/* The risk bits by name, in the order of retort_risk. */
static void put_risks(retort_buf *b, unsigned risks)
{
	static const char *const names[] = { "drop_table", "drop_column", "narrow_type",
		"set_not_null", "add_not_null", "new_constraint", "rebuild", "fill_null" };
	size_t i;
	int any = 0;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (risks & (1u << i))
			retort_buf_printf(b, "%s%s", any++ ? "," : " risks=", names[i]);
}

static char *describe(const plan_dir *d)
{
	retort_buf b = RETORT_BUF_INIT;
	size_t i;

	for (i = 0; i < d->n; i++) {
		const plan_step *s = &d->steps[i];
		retort_buf_printf(&b, "%s %s", s->kind, s->table ? s->table : "-");
		if (s->object)
			retort_buf_printf(&b, " %s", s->object);
		put_risks(&b, s->risks);
		retort_buf_putc(&b, '\n');
	}
	return retort_buf_detach(&b);
}

/* PRAGMA integrity_check finds nothing wrong in `db` */
static void check_sound(sqlite3 *db)
{
	sqlite3_stmt *st = NULL;

	CHECK(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL) == SQLITE_OK &&
		sqlite3_step(st) == SQLITE_ROW);
	CHECK_STR((const char *)sqlite3_column_text(st, 0), "ok");
	sqlite3_finalize(st);
}

/* `from_sql` with `rows`, upgraded by the plan's SQL: its schema equal to
** `to`, the database sound (integrity_check), and the rows' count kept in
** table `counted` (NULL: none). */
static void check_runs(const char *from_sql, const char *rows, const char *sql,
	const retort_schema *to, const char *counted, long long want_rows)
{
	sqlite3 *db = NULL;
	retort_schema *got = NULL;
	char *err = NULL, *count, *differences = NULL;

	CHECK_INT(sqlite3_open(":memory:", &db), SQLITE_OK);
	CHECK_INT(sqlite3_exec(db, from_sql, NULL, NULL, NULL), SQLITE_OK);
	CHECK_INT(sqlite3_exec(db, rows, NULL, NULL, NULL), SQLITE_OK);
	CHECK_INT(sqlite3_exec(db, sql, NULL, NULL, &err), SQLITE_OK);
	if (err)
		fprintf(stderr, "  %s\n", err);
	sqlite3_free(err);
	CHECK_INT(retort_schema_read(&got, db, NULL, NULL), 0);
	CHECK(got && retort_schema_differences(&differences, got, to, NULL) == 0);
	CHECK_STR(differences ? differences : "(the same)", "(the same)");
	free(differences);
	check_sound(db);
	if (counted) {
		sqlite3_stmt *st = NULL;
		count = sqlite3_mprintf("SELECT count(*) FROM \"%w\"", counted);
		CHECK(sqlite3_prepare_v2(db, count, -1, &st, NULL) == SQLITE_OK &&
			sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 0) == want_rows);
		sqlite3_finalize(st);
		sqlite3_free(count);
	}
	retort_schema_free(got);
	sqlite3_close(db);
}

typedef struct plan_case {
	const char *from, *to;
	const char *rows;      /* inserted into `from` before the upgrade */
	const char *steps;     /* the upgrade's steps, described */
	const char *sql;       /* the upgrade's whole SQL, or NULL: not compared */
	const char *counted;   /* a table whose rows the upgrade keeps */
	long long n_rows;
} plan_case;

/* `how`: DIFF_NO_INPLACE or 0 (diff.h) */
static void check_plan(const plan_case *c, unsigned how)
{
	static const rename_list none = { NULL, 0, 0 };
	retort_schema *from = schema_of(c->from), *to = schema_of(c->to);
	plan_dir d;
	char *got;

	memset(&d, 0, sizeof(d));
	CHECK_INT(retort_plan_build(&d, from, to, &none, how, NULL), 0);
	got = describe(&d);
	CHECK_STR(got, c->steps);
	if (got && strcmp(got, c->steps) != 0) {
		fprintf(stderr, "  from: %s\n  to:   %s\n", c->from, c->to);
		harness_print_text_diff(c->steps, got);
	}
	free(got);
	if (c->sql) {
		CHECK_STR(d.sql, c->sql);
		if (d.sql && strcmp(d.sql, c->sql) != 0)
			harness_print_text_diff(c->sql, d.sql);
	}
	if (d.sql)
		check_runs(c->from, c->rows, d.sql, to, c->counted, c->n_rows);
	retort_plan_dir_release(&d);
	retort_schema_free(from);
	retort_schema_free(to);
}

static void test_nothing(void)
{
	static const plan_case c = { "CREATE TABLE t (a);", "CREATE TABLE t (\"a\");", "", "", "",
		NULL, 0 };

	check_plan(&c, 0);
}

static void test_simple_steps(void)
{
	static const plan_case cases[] = {
		{ "CREATE TABLE t (id INTEGER PRIMARY KEY);",
		  "CREATE TABLE t (id INTEGER PRIMARY KEY, note TEXT DEFAULT 'n/a');",
		  "INSERT INTO t VALUES (1), (2);",
		  "add_column t note\n",
		  "ALTER TABLE \"t\" ADD COLUMN \"note\" TEXT DEFAULT 'n/a';\n", "t", 2 },
		{ "CREATE TABLE t (id INTEGER PRIMARY KEY, gone BLOB);",
		  "CREATE TABLE t (id INTEGER PRIMARY KEY);",
		  "INSERT INTO t VALUES (1, x'00');",
		  "drop_column t gone risks=drop_column\n",
		  "-- warning: drops column 't.gone' and its values\n"
		  "ALTER TABLE \"t\" DROP COLUMN \"gone\";\n", "t", 1 },
		{ "CREATE TABLE t (a);",
		  "CREATE TABLE t (a); CREATE TABLE u (b TEXT NOT NULL); "
		  "CREATE INDEX u_b ON u (b);",
		  "INSERT INTO t VALUES (1);",
		  "create_table u\ncreate_index u u_b\n",
		  "CREATE TABLE \"u\" (\n  \"b\" TEXT NOT NULL\n);\n"
		  "CREATE INDEX \"u_b\" ON \"u\" (\"b\");\n", "t", 1 },
		{ "CREATE TABLE t (a); CREATE TABLE old (b); CREATE INDEX t_a ON t (a);",
		  "CREATE TABLE t (a); CREATE INDEX t_a ON t (a DESC);",
		  "INSERT INTO t VALUES (1);",
		  /* a changed index is made again; a table's drop comes with words */
		  "drop_index t t_a\ndrop_table old risks=drop_table\ncreate_index t t_a\n",
		  "DROP INDEX \"t_a\";\n"
		  "-- warning: drops table 'old' and its rows\n"
		  "DROP TABLE \"old\";\n"
		  "CREATE INDEX \"t_a\" ON \"t\" (\"a\" DESC);\n", "t", 1 },
		{ "CREATE TABLE t (a, b);",
		  "CREATE TABLE t (a, b); CREATE VIEW v AS SELECT a FROM t; CREATE TRIGGER tr "
		  "AFTER INSERT ON t BEGIN SELECT 1; END;",
		  "INSERT INTO t VALUES (1, 2);",
		  "create_view - v\ncreate_trigger t tr\n",
		  "CREATE VIEW \"v\" AS SELECT a FROM t;\n"
		  "CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END;\n", "t", 1 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_plan(&cases[i], 0);
}

static void test_rebuilds(void)
{
	static const plan_case cases[] = {
		{ "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT);",
		  "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT NOT NULL);",
		  "INSERT INTO t VALUES (1, 'x'), (2, 'y');",
		  "rebuild_table t risks=set_not_null,rebuild\n", NULL, "t", 2 },
		{ "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT);",
		  "CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER);",
		  "INSERT INTO t VALUES (1, '1');",
		  "rebuild_table t risks=narrow_type,rebuild\n", NULL, "t", 1 },
		{ "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT);",
		  "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b INT NOT NULL);",
		  "",
		  /* in place, failing on rows (see test_refused) */
		  "add_column t b risks=add_not_null\n", NULL, "t", 0 },
		{ "CREATE TABLE p (id INTEGER PRIMARY KEY); CREATE TABLE c (id INTEGER PRIMARY "
		  "KEY, p_id INT REFERENCES p (id) ON DELETE CASCADE);",
		  "CREATE TABLE p (id INTEGER PRIMARY KEY, n TEXT UNIQUE); CREATE TABLE c (id "
		  "INTEGER PRIMARY KEY, p_id INT REFERENCES p (id) ON DELETE CASCADE);",
		  "INSERT INTO p VALUES (1); INSERT INTO c VALUES (1, 1);",
		  /* the parent rebuilt: the child's rows stay (no cascade) */
		  "rebuild_table p risks=new_constraint,rebuild\n", NULL, "c", 1 },
	};
	size_t i;

	/* rebuilt when asked, though the first could be made in place */
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_plan(&cases[i], DIFF_NO_INPLACE);
}

static void test_in_place(void)
{
	static const plan_case cases[] = {
		{ "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT NOT NULL CHECK (a <> ''));",
		  "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT);",
		  "INSERT INTO t VALUES (1, 'x'), (2, 'y');",
		  "inplace_table t\n",
		  "-- warning: changes table 't' in place: its definition is edited in "
		  "sqlite_schema, no row is copied\n"
		  "PRAGMA writable_schema = ON;\n"
		  "UPDATE sqlite_schema SET sql = 'CREATE TABLE \"t\" (\n"
		  "  \"id\" INTEGER PRIMARY KEY,\n"
		  "  \"a\" TEXT\n"
		  ")' WHERE type = 'table' AND name = 't' COLLATE NOCASE;\n"
		  "CREATE VIEW \"_retort_cookie_t\" AS SELECT 1;\n"
		  "DROP VIEW \"_retort_cookie_t\";\n"
		  "PRAGMA writable_schema = RESET;\n", "t", 2 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_plan(&cases[i], 0);
}

/*
** A default changed in place over rows older than the column (ALTER TABLE
** ADD COLUMN): they keep exactly the value they read ('2.50' on TEXT, not
** 2.5), and the indexes that read the column (plain, expression, partial)
** are made again around the edit, theirs holding the old value (else the
** UPDATE, answered from them, misses the old rows: integrity_check).
*/
static void test_in_place_old_rows(void)
{
	static const rename_list none = { NULL, 0, 0 };
	static const char from_sql[] =
		"CREATE TABLE t (id INTEGER PRIMARY KEY);"
		"INSERT INTO t VALUES (1), (2);"
		"ALTER TABLE t ADD COLUMN a TEXT DEFAULT 2.50;"
		"CREATE INDEX t_a ON t (a);"
		"CREATE INDEX t_lower ON t (lower(a));"
		"CREATE INDEX t_some ON t (id) WHERE a > '1';"
		"CREATE INDEX t_id ON t (id);"
		"INSERT INTO t (id) VALUES (3);"
		"INSERT INTO t VALUES (4, NULL);";
	static const char to_sql[] =
		"CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT DEFAULT 'new');"
		"CREATE INDEX t_a ON t (a);"
		"CREATE INDEX t_lower ON t (lower(a));"
		"CREATE INDEX t_some ON t (id) WHERE a > '1';"
		"CREATE INDEX t_id ON t (id);";
	retort_schema *from = schema_of(from_sql), *to = schema_of(to_sql);
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	plan_dir d;
	char *got;

	memset(&d, 0, sizeof(d));
	CHECK_INT(retort_plan_build(&d, from, to, &none, 0, NULL), 0);
	got = describe(&d);
	CHECK_STR(got, "drop_index t t_a\ndrop_index t t_lower\ndrop_index t t_some\n"
		"inplace_table t\n"
		"create_index t t_a\ncreate_index t t_lower\ncreate_index t t_some\n");
	free(got);
	CHECK_STR(d.sql, "DROP INDEX \"t_a\";\n"
		"DROP INDEX \"t_lower\";\n"
		"DROP INDEX \"t_some\";\n"
		"-- warning: changes table 't' in place: its definition is edited in "
		"sqlite_schema, no row is copied (rows older than a column whose default "
		"changes keep the value they read)\n"
		"PRAGMA writable_schema = ON;\n"
		"UPDATE sqlite_schema SET sql = 'CREATE TABLE \"t\" (\n"
		"  \"id\" INTEGER PRIMARY KEY,\n"
		"  \"a\" TEXT DEFAULT X''0072657461727420686173206e6f2076616c756500''\n"
		")' WHERE type = 'table' AND name = 't' COLLATE NOCASE;\n"
		"PRAGMA writable_schema = RESET;\n"
		"UPDATE \"t\" SET \"a\" = CASE WHEN \"a\" IS "
		"X'0072657461727420686173206e6f2076616c756500' THEN '2.50' ELSE \"a\" END "
		"WHERE \"a\" IS X'0072657461727420686173206e6f2076616c756500';\n"
		"PRAGMA writable_schema = ON;\n"
		"UPDATE sqlite_schema SET sql = 'CREATE TABLE \"t\" (\n"
		"  \"id\" INTEGER PRIMARY KEY,\n"
		"  \"a\" TEXT DEFAULT ''new''\n"
		")' WHERE type = 'table' AND name = 't' COLLATE NOCASE;\n"
		"CREATE VIEW \"_retort_cookie_t\" AS SELECT 1;\n"
		"DROP VIEW \"_retort_cookie_t\";\n"
		"PRAGMA writable_schema = RESET;\n"
		"CREATE INDEX \"t_a\" ON \"t\" (\"a\");\n"
		"CREATE INDEX \"t_lower\" ON \"t\" (lower(a));\n"
		"CREATE INDEX \"t_some\" ON \"t\" (\"id\") WHERE a > '1';\n");
	CHECK_INT(sqlite3_open(":memory:", &db), SQLITE_OK);
	CHECK_INT(sqlite3_exec(db, from_sql, NULL, NULL, NULL), SQLITE_OK);
	CHECK_INT(sqlite3_exec(db, d.sql ? d.sql : "", NULL, NULL, NULL), SQLITE_OK);
	check_sound(db);
	CHECK(sqlite3_prepare_v2(db, "SELECT group_concat(quote(a), ' ') FROM "
		"(SELECT a FROM t ORDER BY id)", -1, &st, NULL) == SQLITE_OK &&
		sqlite3_step(st) == SQLITE_ROW);
	/* row 3, inserted after the column, stored what INSERT made of 2.50 */
	CHECK_STR((const char *)sqlite3_column_text(st, 0), "'2.50' '2.50' '2.5' NULL");
	sqlite3_finalize(st);
	/* a row written now reads the new default */
	CHECK_INT(sqlite3_exec(db, "INSERT INTO t (id) VALUES (5)", NULL, NULL, NULL), SQLITE_OK);
	CHECK(sqlite3_prepare_v2(db, "SELECT count(*) FROM t WHERE a = 'new' AND id = 5 AND "
		"+id IN (SELECT id FROM t INDEXED BY t_a WHERE a = 'new')", -1, &st, NULL) ==
		SQLITE_OK && sqlite3_step(st) == SQLITE_ROW);
	CHECK_INT(sqlite3_column_int(st, 0), 1);
	sqlite3_finalize(st);
	sqlite3_close(db);
	retort_plan_dir_release(&d);
	retort_schema_free(from);
	retort_schema_free(to);
}

/* The upgrade from `from_sql` to `to_sql` over `rows` stops in SQLite with
** `code` and `message`: what the step's risk warned of. */
static void check_refused(const char *from_sql, const char *to_sql, const char *rows,
	unsigned how, int code, const char *message)
{
	static const rename_list none = { NULL, 0, 0 };
	retort_schema *from = schema_of(from_sql), *to = schema_of(to_sql);
	sqlite3 *db = NULL;
	plan_dir d;
	char *err = NULL;

	memset(&d, 0, sizeof(d));
	CHECK_INT(retort_plan_build(&d, from, to, &none, how, NULL), 0);
	CHECK_INT(sqlite3_open(":memory:", &db), SQLITE_OK);
	CHECK_INT(sqlite3_exec(db, from_sql, NULL, NULL, NULL), SQLITE_OK);
	CHECK_INT(sqlite3_exec(db, rows, NULL, NULL, NULL), SQLITE_OK);
	CHECK_INT(sqlite3_exec(db, d.sql, NULL, NULL, &err), code);
	CHECK_STR(err, message);
	sqlite3_free(err);
	sqlite3_close(db);
	retort_plan_dir_release(&d);
	retort_schema_free(from);
	retort_schema_free(to);
}

static void test_refused(void)
{
	check_refused("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT);",
		"CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT NOT NULL);",
		"INSERT INTO t VALUES (1, NULL);", DIFF_NO_INPLACE, SQLITE_CONSTRAINT,
		"NOT NULL constraint failed: _retort_new_t.a");
	check_refused("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT);",
		"CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT NOT NULL);",
		"INSERT INTO t VALUES (1, NULL);", 0, SQLITE_CONSTRAINT,
		"CHECK constraint failed: t.a holds NULL in a row, and becomes NOT NULL");
	check_refused("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT);",
		"CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b INT NOT NULL);",
		"INSERT INTO t VALUES (1, 'x');", 0, SQLITE_ERROR,
		"Cannot add a NOT NULL column with default value NULL");
	check_refused("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT);",
		"CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT UNIQUE);",
		"INSERT INTO t VALUES (1, 'x'), (2, 'x');", 0, SQLITE_CONSTRAINT,
		"UNIQUE constraint failed: _retort_new_t.a");
}

static const harness_case cases[] = {
	HARNESS_CASE(test_nothing),
	HARNESS_CASE(test_simple_steps),
	HARNESS_CASE(test_rebuilds),
	HARNESS_CASE(test_in_place),
	HARNESS_CASE(test_in_place_old_rows),
	HARNESS_CASE(test_refused),
};

HARNESS_MAIN(cases)
