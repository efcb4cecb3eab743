/*
** test_sqltok.c: the tokenizer and what is built on it (lib/sqltok.c): the
** tokens of a text with SQLite's quoting rules, names unquoted, the cursor
** that skips spaces and comments, the canonical form, renames, mentions,
** literals and where a statement ends; then what model text may be spliced
** into SQL: type names as SQLite's grammar reads them (retort_sql_is_type_name),
** and pieces of SQL that are whole (retort_sql_piece_fault). Each accepted type is
** also declared in a real SQLite table, which must keep the whole text as
** the column's type.
*/
#include "harness.h"
#include "sqltok.h"

#include "buf.h"

#include <sqlite3.h>

/* The tokens of `sql` as "TYPE text" lines (spaces shown as TYPE only). */
static char *tokens_of(const char *sql)
{
	static const char *const names[] = { "EOF", "SPACE", "COMMENT", "WORD", "QUOTED",
		"STRING", "BLOB", "NUMBER", "VARIABLE", "LP", "RP", "COMMA", "SEMI", "OP",
		"ILLEGAL" };
	retort_buf b = RETORT_BUF_INIT;
	const char *p = sql;
	sqltok t;

	do {
		t = retort_sqltok_at(p);
		retort_buf_puts(&b, names[t.type]);
		if (t.type != TK_SPACE && t.type != TK_EOF)
			retort_buf_printf(&b, " %.*s", (int)t.n, t.z);
		retort_buf_putc(&b, '\n');
		p += t.n;
	} while (t.type != TK_EOF);
	return retort_buf_detach(&b);
}

static void check_tokens(const char *sql, const char *want)
{
	char *got = tokens_of(sql);

	CHECK_STR(got, want);
	if (got && strcmp(got, want) != 0) {
		fprintf(stderr, "  tokens of: %s\n", sql);
		harness_print_text_diff(want, got);
	}
	free(got);
}

static void test_tokens(void)
{
	check_tokens("SELECT 'it''s', \"a\"\"b\", [c\"d], `e``f`, x'00fF' FROM t;",
		"WORD SELECT\nSPACE\nSTRING 'it''s'\nCOMMA ,\nSPACE\nQUOTED \"a\"\"b\"\n"
		"COMMA ,\nSPACE\nQUOTED [c\"d]\nCOMMA ,\nSPACE\nQUOTED `e``f`\nCOMMA ,\n"
		"SPACE\nBLOB x'00fF'\nSPACE\nWORD FROM\nSPACE\nWORD t\nSEMI ;\nEOF\n");
	check_tokens("1 .5 1.5e-3 0x1F 12abc",
		"NUMBER 1\nSPACE\nNUMBER .5\nSPACE\nNUMBER 1.5e-3\nSPACE\nNUMBER 0x1F\n"
		"SPACE\nNUMBER 12abc\nEOF\n");
	check_tokens("?1 ?:a@b $c", "VARIABLE ?1\nSPACE\nVARIABLE ?\nVARIABLE :a\nVARIABLE @b\n"
		"SPACE\nVARIABLE $c\nEOF\n");
	check_tokens("a<>b!=c<=d>=e==f||g<<h>>i->j->>k<l",
		"WORD a\nOP <>\nWORD b\nOP !=\nWORD c\nOP <=\nWORD d\nOP >=\nWORD e\n"
		"OP ==\nWORD f\nOP ||\nWORD g\nOP <<\nWORD h\nOP >>\nWORD i\nOP ->\n"
		"WORD j\nOP ->>\nWORD k\nOP <\nWORD l\nEOF\n");
	check_tokens("(a,b)-- to the end\n/* a\n block */ _x9 caf\xc3\xa9",
		"LP (\nWORD a\nCOMMA ,\nWORD b\nRP )\nCOMMENT -- to the end\nSPACE\n"
		"COMMENT /* a\n block */\nSPACE\nWORD _x9\nSPACE\nWORD caf\xc3\xa9\nEOF\n");
	/* unterminated: a quote is illegal to the end, a block comment is not
	** (SQLite reads it to the end of the text) */
	check_tokens("'open", "ILLEGAL 'open\nEOF\n");
	check_tokens("a \"open", "WORD a\nSPACE\nILLEGAL \"open\nEOF\n");
	check_tokens("[open", "ILLEGAL [open\nEOF\n");
	check_tokens("x'00", "ILLEGAL x'00\nEOF\n");
	check_tokens("/* open", "COMMENT /* open\nEOF\n");
	check_tokens("", "EOF\n");
}

static void check_name(const char *sql, const char *want)
{
	sqltok t = retort_sqltok_at(sql);
	char *got = retort_sqltok_name(&t);

	CHECK(retort_sqltok_is_name(&t));
	CHECK_STR(got, want);
	free(got);
}

static void test_names(void)
{
	sqltok t = retort_sqltok_at("42");

	check_name("plain", "plain");
	check_name("\"a \"\"q\"\" b\"", "a \"q\" b");
	check_name("[a \"b\"]", "a \"b\"");
	check_name("`a``b`", "a`b");
	check_name("'it''s'", "it's");
	check_name("\"\"", "");
	CHECK(!retort_sqltok_is_name(&t));
	t = retort_sqltok_at("(");
	CHECK(!retort_sqltok_is_name(&t));

	CHECK(retort_sql_name_is_plain("pet_owner2"));
	CHECK(retort_sql_name_is_plain("_x"));
	CHECK(!retort_sql_name_is_plain("2pet"));
	CHECK(!retort_sql_name_is_plain("select"));
	CHECK(!retort_sql_name_is_plain("Order"));
	CHECK(!retort_sql_name_is_plain("a b"));
	CHECK(!retort_sql_name_is_plain("a-b"));
	CHECK(!retort_sql_name_is_plain(""));
	CHECK(!retort_sql_name_is_plain("caf\xc3\xa9"));
}

static void test_cursor(void)
{
	static const char padded[] = "  a b \n";
	sqlcur c;
	char *name;

	retort_sqlcur_init(&c, " /* c */ CREATE  TABLE -- x\n \"t\" (a, (b), c) WITHOUT rowid");
	CHECK(retort_sqlcur_is(&c, "create"));
	CHECK(!retort_sqlcur_accept(&c, "TABLE"));
	CHECK(retort_sqlcur_accept(&c, "CREATE"));
	CHECK(retort_sqlcur_accept(&c, "table"));
	CHECK_INT(c.tok.type, TK_QUOTED);
	/* a quoted word is a name, never a keyword */
	CHECK(!retort_sqlcur_is(&c, "t"));
	name = retort_sqltok_name(&c.tok);
	CHECK_STR(name, "t");
	free(name);
	retort_sqlcur_advance(&c);
	CHECK_INT(c.tok.type, TK_LP);
	retort_sqlcur_skip_group(&c);
	CHECK(retort_sqlcur_is(&c, "WITHOUT"));
	CHECK_INT(c.prev_end[-1], ')');
	retort_sqlcur_advance(&c);
	CHECK(retort_sqlcur_accept(&c, "ROWID"));
	CHECK_INT(c.tok.type, TK_EOF);
	/* skipping an unclosed group stops at the end */
	retort_sqlcur_init(&c, "(a, (b)");
	retort_sqlcur_skip_group(&c);
	CHECK_INT(c.tok.type, TK_EOF);

	name = retort_sql_trimmed(padded, padded + sizeof(padded) - 1);
	CHECK_STR(name, "a b");
	free(name);
}

typedef struct pair {
	const char *in, *want;
} pair;

static void test_canonical_forms(void)
{
	static const pair plain[] = {
		{ "select  a,b -- c\nfrom [t] /* x */ where a<>1",
		  "SELECT A , B FROM T WHERE A != 1" },
		{ "a == 0x10", "A = 16" },
		{ "\"order\".\"x\" = 'It''s'", "\"ORDER\" . X = 'It''s'" },
		/* a real by its value: 1.50 and 15e-1 are one number, 1 another */
		{ "f(1.50) + 15e-1 + 1", "F ( R15E-1 ) + R15E-1 + 1" },
		{ "\"x\" = 1", "\"x\" = 1" },
		{ "", "" },
	};
	static const pair dq[] = {
		{ "\"x\" = 1", "X = 1" },
		{ "\"a b\" = `c`", "\"A B\" = C" },
	};
	static const pair loose[] = {
		{ "((a)) + (b)", "A + B" },
	};
	size_t i;
	char *got;

	for (i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
		got = retort_sql_canonical(plain[i].in, 0);
		CHECK_STR(got, plain[i].want);
		free(got);
	}
	for (i = 0; i < sizeof(dq) / sizeof(dq[0]); i++) {
		got = retort_sql_normalize(dq[i].in);
		CHECK_STR(got, dq[i].want);
		free(got);
	}
	for (i = 0; i < sizeof(loose) / sizeof(loose[0]); i++) {
		got = retort_sql_canonical(loose[i].in, SQL_CANON_LOOSE);
		CHECK_STR(got, loose[i].want);
		free(got);
	}
	CHECK(retort_sql_equal("CREATE TABLE t(a INT)", "create   table \"T\" ( a int ) -- x"));
	CHECK(!retort_sql_equal("CREATE TABLE t(a INT)", "CREATE TABLE t(a TEXT)"));
	CHECK(!retort_sql_equal("x = 1", "x = 1.0"));
	CHECK(retort_sql_equal(NULL, NULL));
	CHECK(!retort_sql_equal("x", NULL));
}

static void test_renames_and_mentions(void)
{
	static const char *const from[] = { "pet", "name" };
	static const char *const to[] = { "animal", "full name" };
	char *got;

	got = retort_sql_rename_names("SELECT name, \"Pet\".[NAME], 'name', name(x) FROM pet", from,
		to, 2);
	CHECK_STR(got, "SELECT \"full name\", \"animal\".\"full name\", 'name', name(x) "
		"FROM \"animal\"");
	free(got);
	got = retort_sql_rename_names("x -- pet\n", from, to, 2);
	CHECK_STR(got, "x -- pet\n");
	free(got);
	CHECK(retort_sql_rename_names(NULL, from, to, 2) == NULL);

	CHECK(retort_sql_mentions("SELECT * FROM \"PET\"", from, 1));
	CHECK(retort_sql_mentions("SELECT 'pet'", from, 1));
	CHECK(!retort_sql_mentions("SELECT pets, carpet -- pet", from, 1));
	CHECK(!retort_sql_mentions(NULL, from, 1));
}

static void test_literals(void)
{
	static const char *const yes[] = { "1", "-1.5", "+0x10", "'text'", "x'00'", "NULL",
		"true", "False", NULL };
	static const char *const no[] = { "", "1 + 1", "-'a'", "(1)", "abs(1)", "a", "- 1x",
		"'open", "--1", NULL };
	const char *const *p;

	for (p = yes; *p; p++)
		CHECK(retort_sql_is_literal(*p, 0));
	for (p = no; *p; p++)
		CHECK(!retort_sql_is_literal(*p, 1));
	CHECK(!retort_sql_is_literal("CURRENT_TIMESTAMP", 0));
	CHECK(retort_sql_is_literal("current_date", 1));
}

static void check_end(const char *z, long want)
{
	const char *end = retort_sql_statement_end(z);

	CHECK_INT(end ? end - z : -1, want);
}

static void test_statement_end(void)
{
	check_end("SELECT 1; SELECT 2;", 9);
	check_end("SELECT ';'; x", 11);
	check_end("SELECT \";\" -- ;\n;", 17);
	check_end("SELECT 1 /* ; */", -1);
	check_end("CREATE TRIGGER r AFTER INSERT ON t BEGIN SELECT 1; SELECT 2; END; x", 65);
	check_end("create temp trigger r after insert on t begin delete from u; end;", 65);
	check_end("EXPLAIN CREATE TRIGGER r AFTER INSERT ON t BEGIN SELECT 1; END;", 63);
	check_end("", -1);
	check_end("SELECT 1", -1);
	check_end(";", 1);
}

/* Does SQLite keep the whole of `type` as the declared type of a column? */
static int sqlite_keeps_type(sqlite3 *db, const char *type)
{
	char *sql = sqlite3_mprintf("CREATE TABLE t (x %s)", type);
	sqlite3_stmt *st = NULL;
	int kept = 0;

	if (sql && sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, "SELECT type FROM pragma_table_info('t')", -1, &st, NULL)
		== SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		kept = retort_sql_equal((const char *)sqlite3_column_text(st, 0), type);
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
		CHECK(retort_sql_is_type_name(*p, &kw));
		CHECK_INT(kw, 0);
		CHECK(sqlite_keeps_type(db, *p));
	}
	for (p = keyword; *p; p++) {
		kw = 0;
		CHECK(retort_sql_is_type_name(*p, &kw));
		CHECK_INT(kw, 1);
		CHECK(sqlite_keeps_type(db, *p));
	}
	for (p = refused; *p; p++) {
		CHECK(!retort_sql_is_type_name(*p, &kw));
		if (retort_sql_is_type_name(*p, &kw))
			fprintf(stderr, "  taken as a type: %s\n", *p);
	}
	/* the shape holds, but SQLite reads the keywords as constraints */
	kw = 0;
	CHECK(retort_sql_is_type_name("TEXT PRIMARY KEY", &kw) && kw);
	CHECK(!sqlite_keeps_type(db, "TEXT PRIMARY KEY"));
	kw = 0;
	CHECK(retort_sql_is_type_name("INT NOT NULL", &kw) && kw);
	CHECK(!sqlite_keeps_type(db, "INT NOT NULL"));
	sqlite3_close(db);
}

static void test_pieces(void)
{
	static const char *const whole[] = { "x > 0", "kind IN ('cat', 'dog')", "a -- note",
		"lower(\"odd ) name\")", "1 /* ; */ + 2", "';'", "[a;b] = 1", "x'00' = y", NULL };
	const char *const *p;

	for (p = whole; *p; p++) {
		CHECK(retort_sql_piece_fault(*p, 0) == NULL);
		CHECK(retort_sql_piece_fault(*p, 1) == NULL);
	}
	CHECK_STR(retort_sql_piece_fault("id > 0 /*", 0), "unterminated comment in SQL");
	CHECK_STR(retort_sql_piece_fault("*/ AND 1 /* x */ /*/", 0), "unterminated comment in SQL");
	CHECK_STR(retort_sql_piece_fault("x /*", 1), "unterminated comment in SQL");
	CHECK_STR(retort_sql_piece_fault("'abc", 0), "unterminated quote in SQL");
	CHECK_STR(retort_sql_piece_fault("\"abc", 1), "unterminated quote in SQL");
	CHECK_STR(retort_sql_piece_fault("[abc", 0), "unterminated quote in SQL");
	CHECK_STR(retort_sql_piece_fault("x'00", 0), "unterminated quote in SQL");
	CHECK_STR(retort_sql_piece_fault("1; SELECT 2", 0), "expected one SQL expression, found ';' in SQL");
	CHECK(retort_sql_piece_fault("SELECT 1; SELECT 2", 1) == NULL); /* counted by SQLite */
	CHECK_STR(retort_sql_piece_fault("f(x", 0), "unbalanced parentheses in SQL");
	CHECK_STR(retort_sql_piece_fault("x) WHERE (1", 0), "unbalanced parentheses in SQL");
	CHECK_STR(retort_sql_piece_fault("SELECT (1", 1), "unbalanced parentheses in SQL");
}

static const harness_case cases[] = {
	HARNESS_CASE(test_tokens),
	HARNESS_CASE(test_names),
	HARNESS_CASE(test_cursor),
	HARNESS_CASE(test_canonical_forms),
	HARNESS_CASE(test_renames_and_mentions),
	HARNESS_CASE(test_literals),
	HARNESS_CASE(test_statement_end),
	HARNESS_CASE(test_type_names),
	HARNESS_CASE(test_pieces),
};

HARNESS_MAIN(cases)
