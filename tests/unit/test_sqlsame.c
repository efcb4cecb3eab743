/*
** test_sqlsame.c: SQL text judged as SQLite sees it (lib/sqlsame.c, and the
** canonical token form of lib/sqltok.c it starts from). Pairs that must be
** judged the same (spellings SQLite reads alike) and pairs that must be
** judged different (a changed operand, operator, literal, collation, name,
** or precedence), as expressions of a table, as DEFAULTs, and as whole
** schemas with views and triggers (retort_schema_equal).
*/
#include "harness.h"
#include "sqlsame.h"
#include "sqltok.h"

/* The table every expression below belongs to; no column is named x, Yes
** or yes, so SQLite reads "x" there as a string. */
static const char target_sql[] =
	"CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER, b TEXT, c REAL);\n";

typedef struct pair {
	const char *a, *b;
} pair;

static const pair same_exprs[] = {
	{ "a > 0", "(a > 0)" },
	{ "a > 0", "((a > 0))" },
	{ "a = 1", "a == 1" },
	{ "a <> 1", "a != 1" },
	{ "(a > 0) AND (b <> 'x')", "a > 0 and b != 'x'" },
	{ "\"a\" > 0", "[a] > 0" },
	{ "`a` > 0", "A > 0" },
	{ "t.\"a\" > 0", "T.a > 0" },
	{ "a > 0x10", "a > 16" },
	{ "a > 007", "a > 7" },
	{ "c > 1.50", "c > 1.5" },
	{ "c > 1e2", "c > 100.0" },
	{ "c > .5", "c > 0.50" },
	{ "c > 15e-1", "c > 1.5" },
	{ "a IN (1, 2, 3)", "a in (1,2,3) -- the small ones" },
	{ "a > 0 /* positive */", "a>0" },
	{ "(a + 1) * 2 > 0", "((a + 1)) * 2 > 0" },
	{ "a + (1 * 2) > 0", "a + 1 * 2 > 0" },
	{ "length(trim(b)) > 0", "(length(trim(\"b\")) > (0))" },
	{ "b COLLATE NOCASE = 'x'", "(b collate nocase) = 'x'" },
	{ "NOT (a > 0)", "not a > 0" },
	{ "a BETWEEN 1 AND 5", "(a between (1) and (5))" },
	{ "a > 0 AND b IS NOT NULL OR c < 1", "((a > 0) AND (b IS NOT NULL)) OR (c < 1)" },
	{ "lower(b)", "LOWER([b])" },
	{ "CASE WHEN a > 0 THEN 'p' ELSE 'n' END = b",
	  "(CASE WHEN (a > 0) THEN 'p' ELSE 'n' END) == b" },
	{ NULL, NULL }
};

static const pair different_exprs[] = {
	{ "a > 0", "a >= 0" },             /* operator */
	{ "a > 0", "a > 1" },              /* literal */
	{ "a > 0", "c > 0" },              /* operand */
	{ "a = 1", "a = 1.0" },            /* an integer is not a real */
	{ "a = 1", "a = '1'" },
	{ "(a + 1) * 2 > 0", "a + 1 * 2 > 0" }, /* precedence */
	{ "a > 0 AND b = 'x' OR c > 1", "a > 0 AND (b = 'x' OR c > 1)" },
	{ "NOT a > 0 AND b = 'x'", "NOT (a > 0 AND b = 'x')" },
	{ "b = 'x'", "b = 'x' COLLATE NOCASE" },  /* collation */
	{ "b COLLATE NOCASE = 'x'", "b COLLATE RTRIM = 'x'" },
	{ "b = \"Yes\"", "b = \"yes\"" },  /* "Yes" is the string 'Yes' here */
	{ "b = \"a\"", "b = 'a'" },        /* "a" is column a, 'a' a string */
	{ "b = 'x'", "b = 'X'" },
	{ "lower(b)", "upper(b)" },        /* name */
	{ "a - 1", "1 - a" },
	{ "c > 1.0000000000000002", "c > 1.0" },
	{ "a = 0x10", "a = 0x11" },
	{ "a > 0", "a > 0) OR (1" },       /* not one expression */
	{ "a > 0", "zz > 0" },             /* no such column: tokens decide */
	{ NULL, NULL }
};

static const pair same_defaults[] = {
	{ "0", "(0)" },
	{ "'x'", "('x')" },
	{ "1.50", "1.5" },
	{ "0x10", "16" },
	{ "-1", "(-1)" },
	{ "CURRENT_TIMESTAMP", "(current_timestamp)" },
	{ "true", "TRUE" },
	{ "NULL", "null /* none */" },
	{ "CURRENT_TIME", "-- now\nCurrent_time" },
	{ "abc", "[abc]" },                /* both the string 'abc' */
	{ "\"abc\"", "`abc`" },
	{ NULL, NULL }
};

static const pair different_defaults[] = {
	{ "0", "0.0" },
	{ "'x'", "'X'" },
	{ "CURRENT_TIME", "CURRENT_DATE" },
	{ "1", "-1" },
	{ "abc", "ABC" },                  /* a lone name is a string: 'abc', 'ABC' */
	{ "[abc]", "\"ABC\"" },
	{ "abc", "(abc)" },
	{ NULL, NULL }
};

static const pair same_schemas[] = {
	/* CHECK on the column or on the table, quoting, parentheses */
	{ "CREATE TABLE u (id INTEGER PRIMARY KEY, q INTEGER CHECK (q > 0 AND q < 100));",
	  "create table \"u\" ([id] integer primary key, `q` integer, "
	  "check ((q > 0) and (q < 100)));" },
	/* index expression and WHERE */
	{ "CREATE TABLE u (id INTEGER PRIMARY KEY, s TEXT, q INT);"
	  "CREATE INDEX ix ON u (lower(s), q + 1) WHERE q <> 5;",
	  "CREATE TABLE u (id INTEGER PRIMARY KEY, s TEXT, q INT);"
	  "create index ix on u (LOWER(\"s\"), (q + 1)) where (q != 5);" },
	/* a view's body */
	{ "CREATE TABLE u (id INTEGER PRIMARY KEY, s TEXT, q INT);"
	  "CREATE VIEW v AS SELECT s, q FROM u WHERE q = 1 OR s = 'y';",
	  "CREATE TABLE u (id INTEGER PRIMARY KEY, s TEXT, q INT);"
	  "create view v as select \"s\", [q] from u where (q == 1) or (s = 'y');" },
	/* a trigger: implied FOR EACH ROW, UPDATE OF as a set, NEW."x", WHEN */
	{ "CREATE TABLE u (id INTEGER PRIMARY KEY, s TEXT, q INT);"
	  "CREATE TRIGGER tr AFTER UPDATE OF q, s ON u FOR EACH ROW WHEN new.q > 5 "
	  "BEGIN UPDATE u SET q = NEW.q + 1 WHERE id = NEW.id; END;",
	  "CREATE TABLE u (id INTEGER PRIMARY KEY, s TEXT, q INT);"
	  "create trigger tr after update of \"s\", q on [u] when (NEW.\"q\" > 5) "
	  "begin update u set q = (new.q + 1) where id = new.\"id\"; end;" },
	/* BEFORE is what an unsaid timing means */
	{ "CREATE TABLE u (id INTEGER PRIMARY KEY, q INT);"
	  "CREATE TRIGGER tr INSERT ON u BEGIN SELECT RAISE(ABORT, 'no') WHERE NEW.q < 0; END;",
	  "CREATE TABLE u (id INTEGER PRIMARY KEY, q INT);"
	  "CREATE TRIGGER tr BEFORE INSERT ON u FOR EACH ROW BEGIN "
	  "SELECT RAISE(ABORT, 'no') WHERE (NEW.q < 0); END;" },
	{ NULL, NULL }
};

static const pair different_schemas[] = {
	/* SQLite names an unnamed view column by its text */
	{ "CREATE TABLE u (q INT); CREATE VIEW v AS SELECT q+1 FROM u;",
	  "CREATE TABLE u (q INT); CREATE VIEW v AS SELECT q + 1 FROM u;" },
	{ "CREATE TABLE u (q INT, s TEXT); CREATE VIEW v AS SELECT q FROM u ORDER BY q;",
	  "CREATE TABLE u (q INT, s TEXT); CREATE VIEW v AS SELECT q FROM u ORDER BY s;" },
	{ "CREATE TABLE u (q INT, s TEXT); CREATE VIEW v (x, y) AS SELECT q, s FROM u;",
	  "CREATE TABLE u (q INT, s TEXT); CREATE VIEW v (x, z) AS SELECT q, s FROM u;" },
	{ "CREATE TABLE u (q INT, s TEXT); CREATE VIEW v AS SELECT (q + 1) * 2 AS k FROM u;",
	  "CREATE TABLE u (q INT, s TEXT); CREATE VIEW v AS SELECT q + 1 * 2 AS k FROM u;" },
	/* trigger headers */
	{ "CREATE TABLE u (q INT, s TEXT);"
	  "CREATE TRIGGER tr AFTER INSERT ON u BEGIN SELECT 1; END;",
	  "CREATE TABLE u (q INT, s TEXT);"
	  "CREATE TRIGGER tr INSERT ON u BEGIN SELECT 1; END;" },
	{ "CREATE TABLE u (q INT, s TEXT);"
	  "CREATE TRIGGER tr AFTER UPDATE OF q ON u BEGIN SELECT 1; END;",
	  "CREATE TABLE u (q INT, s TEXT);"
	  "CREATE TRIGGER tr AFTER UPDATE OF q, s ON u BEGIN SELECT 1; END;" },
	{ "CREATE TABLE u (q INT, s TEXT);"
	  "CREATE TRIGGER tr AFTER UPDATE ON u BEGIN SELECT 1; END;",
	  "CREATE TABLE u (q INT, s TEXT);"
	  "CREATE TRIGGER tr AFTER UPDATE OF q, s ON u BEGIN SELECT 1; END;" },
	/* trigger WHEN and body */
	{ "CREATE TABLE u (q INT); CREATE TRIGGER tr AFTER INSERT ON u WHEN NEW.q > 5 "
	  "BEGIN SELECT 1; END;",
	  "CREATE TABLE u (q INT); CREATE TRIGGER tr AFTER INSERT ON u WHEN (NEW.q >= 5) "
	  "BEGIN SELECT 1; END;" },
	{ "CREATE TABLE u (q INT); CREATE TRIGGER tr AFTER INSERT ON u "
	  "BEGIN UPDATE u SET q = (NEW.q + 1) * 2; END;",
	  "CREATE TABLE u (q INT); CREATE TRIGGER tr AFTER INSERT ON u "
	  "BEGIN UPDATE u SET q = NEW.q + (1 * 2); END;" },
	{ "CREATE TABLE u (q INT); CREATE TRIGGER tr AFTER INSERT ON u "
	  "BEGIN SELECT RAISE(ABORT, \"Bad\"); END;",
	  "CREATE TABLE u (q INT); CREATE TRIGGER tr AFTER INSERT ON u "
	  "BEGIN SELECT RAISE(ABORT, \"bad\"); END;" },
	/* CHECK: names count (SQLite reports a failed CHECK by its name) */
	{ "CREATE TABLE u (q INT, CONSTRAINT positive CHECK (q > 0));",
	  "CREATE TABLE u (q INT, CHECK (q > 0));" },
	{ "CREATE TABLE u (q INT CHECK (q > 0), s TEXT);",
	  "CREATE TABLE u (q INT, s TEXT CHECK ((q >= 0)));" },
	{ NULL, NULL }
};

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

static void test_canonical(void)
{
	static const pair same[] = {
		{ "0x10", "16" }, { "0X0a", "10" }, { "1.50", "1.5" }, { "1e2", "100.0" },
		{ "1E+2", "100." }, { "007", "7" }, { ".5", "0.5" }, { "0.0", "0e5" },
		{ "a == b", "a = b" }, { "a <> b", "a != b" }, { "NEW.\"x\"", "new.x" },
		{ "[x]", "X" }, { "`x`", "x" }, { NULL, NULL } };
	static const pair apart[] = {
		{ "1", "1.0" }, { "\"x\"", "x" }, { "\"x\"", "'x'" }, { "[order]", "order" },
		{ "1.0000000000000002", "1.0" }, { "(a)", "a" }, { "0x10", "0x11" },
		{ "1e400", "1e401" }, { NULL, NULL } };
	const pair *p;

	for (p = same; p->a; p++) {
		char *x = retort_sql_canonical(p->a, 0), *y = retort_sql_canonical(p->b, 0);
		CHECK(x && y && strcmp(x, y) == 0);
		if (!x || !y || strcmp(x, y) != 0)
			fprintf(stderr, "  '%s' -> '%s' vs '%s' -> '%s'\n", p->a, x, p->b, y);
		free(x);
		free(y);
	}
	for (p = apart; p->a; p++) {
		char *x = retort_sql_canonical(p->a, 0), *y = retort_sql_canonical(p->b, 0);
		CHECK(x && y && strcmp(x, y) != 0);
		if (!x || !y || strcmp(x, y) == 0)
			fprintf(stderr, "  '%s' and '%s' both -> '%s'\n", p->a, p->b, x);
		free(x);
		free(y);
	}
}

static void check_pairs(sqlsame *s, const char *table, const pair *pairs, int want)
{
	const pair *p;

	for (p = pairs; p->a; p++) {
		int ab = retort_sqlsame_expr(s, table, p->a, p->b);
		int ba = retort_sqlsame_expr(s, table, p->b, p->a);
		CHECK_INT(ab, want);
		CHECK_INT(ba, want);
		if (ab != want || ba != want)
			fprintf(stderr, "  %s: '%s' vs '%s'\n", table ? table : "default", p->a,
				p->b);
	}
}

static void test_expressions(void)
{
	retort_schema *target = schema_of(target_sql);
	sqlsame *s = retort_sqlsame_new(target);

	CHECK(s != NULL);
	check_pairs(s, "t", same_exprs, 1);
	check_pairs(s, "t", different_exprs, 0);
	check_pairs(s, NULL, same_defaults, 1);
	check_pairs(s, NULL, different_defaults, 0);
	CHECK_INT(retort_sqlsame_expr(s, "t", NULL, NULL), 1);
	CHECK_INT(retort_sqlsame_expr(s, "t", "a > 0", NULL), 0);
	retort_sqlsame_free(s);
	/* without a judge only the tokens speak: parentheses count then */
	CHECK_INT(retort_sqlsame_expr(NULL, "t", "a == 1", "a = 1"), 1);
	CHECK_INT(retort_sqlsame_expr(NULL, "t", "(a > 0)", "a > 0"), 0);
	retort_schema_free(target);
}

static void test_schemas(void)
{
	const pair *p;

	for (p = same_schemas; p->a; p++) {
		retort_schema *a = schema_of(p->a), *b = schema_of(p->b);
		char *why = NULL;
		int ab = 0, ba = 0;
		CHECK_INT(retort_schema_equal(&ab, &why, a, b, NULL), 0);
		CHECK_INT(ab, 1);
		if (ab != 1)
			fprintf(stderr, "  %s\n  %s\n  %s\n", p->a, p->b, why ? why : "");
		free(why);
		CHECK_INT(retort_schema_equal(&ba, NULL, b, a, NULL), 0);
		CHECK_INT(ba, 1);
		retort_schema_free(a);
		retort_schema_free(b);
	}
	for (p = different_schemas; p->a; p++) {
		retort_schema *a = schema_of(p->a), *b = schema_of(p->b);
		char *why = NULL;
		int ab = 1, ba = 1;
		CHECK_INT(retort_schema_equal(&ab, &why, a, b, NULL), 0);
		CHECK_INT(retort_schema_equal(&ba, NULL, b, a, NULL), 0);
		/* a difference is told, in words */
		CHECK(why != NULL && *why != '\0');
		free(why);
		CHECK_INT(ab, 0);
		CHECK_INT(ba, 0);
		if (ab != 0 || ba != 0)
			fprintf(stderr, "  judged the same:\n  %s\n  %s\n", p->a, p->b);
		retort_schema_free(a);
		retort_schema_free(b);
	}
}

/* A schema as the model loader leaves it (before any reading back): a view
** given as a SELECT has no statement, one given as a statement no SELECT. */
static void test_model_views(void)
{
	static const char yaml[] =
		"tables:\n  u:\n    columns:\n      q: {type: INT}\n"
		"views:\n  v: \"SELECT (q + 1) * 2 AS k FROM u\"\n"
		"  w: \"CREATE VIEW w AS SELECT q FROM u\"\n";
	retort_schema *m = NULL, *db = NULL, *other = NULL;
	retort_error *err = NULL;

	CHECK(retort_models_load_text(&m, yaml, sizeof(yaml) - 1, "test.yaml", NULL, &err) == 0);
	retort_error_free(err);
	db = schema_of("CREATE TABLE u (q INT);"
		"CREATE VIEW v AS SELECT ((q + 1)) * 2 AS k FROM u;"
		"CREATE VIEW w AS SELECT q FROM u;");
	other = schema_of("CREATE TABLE u (q INT);"
		"CREATE VIEW v AS SELECT q + 1 * 2 AS k FROM u;"
		"CREATE VIEW w AS SELECT q FROM u;");
	if (m) {
		int eq = 0;
		CHECK_INT(retort_schema_equal(&eq, NULL, db, m, NULL), 0);
		CHECK_INT(eq, 1);
		CHECK_INT(retort_schema_equal(&eq, NULL, other, m, NULL), 0);
		CHECK_INT(eq, 0);
	}
	retort_schema_free(m);
	retort_schema_free(db);
	retort_schema_free(other);
}

static const harness_case cases[] = {
	HARNESS_CASE(test_canonical),
	HARNESS_CASE(test_expressions),
	HARNESS_CASE(test_schemas),
	HARNESS_CASE(test_model_views),
};

HARNESS_MAIN(cases)
