/*
** test_diff.c: two schemas compared table by table (lib/diff.c). Each pair
** is written as SQL (or models, for renames); the answer, one line per
** table in the order retort_diff_tables() gives (matched in the target's order,
** then drops), must be exactly the expected one: nothing, create, drop,
** ALTER TABLE, in place (the definition edited), or rebuild.
*/
#include "harness.h"
#include "buf.h"
#include "diff.h"
#include "model.h"

static const char *const action_names[] = { "keep", "create", "drop", "alter", "inplace",
	"rebuild" };

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

/* A schema from one model file's text. */
static retort_schema *schema_of_model(const char *yaml, retort_error **err)
{
	retort_schema *s = retort_schema_new();

	if (!s || retort_model_read_text(s, yaml, strlen(yaml), "models/test.yaml", err) != 0 ||
	    retort_model_validate(s, err) != 0) {
		retort_schema_free(s);
		return NULL;
	}
	retort_schema_sort(s);
	return s;
}

/* retort_diff_tables() as "table action" lines, with "touched" for a table a
** rename changed, and a line per rename entry. */
static char *describe(const schema_diff *d)
{
	retort_buf b = RETORT_BUF_INIT;
	size_t i;

	for (i = 0; i < d->ntables; i++) {
		const table_diff *t = &d->tables[i];
		retort_buf_printf(&b, "%s %s%s\n", t->new ? t->new->name : t->old->name,
			action_names[t->action], t->touched ? " touched" : "");
	}
	for (i = 0; i < d->renames.n; i++) {
		const rename_entry *e = &d->renames.v[i];
		if (e->col_from)
			retort_buf_printf(&b, "rename %s.%s -> %s.%s%s\n", e->table_from, e->col_from,
				e->table_to, e->col_to, e->doomed ? " doomed" : "");
		else
			retort_buf_printf(&b, "rename %s -> %s\n", e->table_from, e->table_to);
	}
	return retort_buf_detach(&b);
}

static void check_diff_of(const retort_schema *from, const retort_schema *to,
	const rename_list *renames, unsigned how, const char *want)
{
	static const rename_list none = { NULL, 0, 0 };
	sqlsame *same = retort_sqlsame_new(to);
	schema_diff d;
	char *got;

	CHECK_INT(retort_diff_tables(&d, same, from, to, renames ? renames : &none, how,
		NULL), 0);
	got = describe(&d);
	CHECK_STR(got, want);
	if (got && strcmp(got, want) != 0)
		harness_print_text_diff(want, got);
	free(got);
	retort_schema_diff_release(&d);
	retort_sqlsame_free(same);
}

/* `how`: DIFF_REBUILD_TOUCHED, DIFF_NO_INPLACE (diff.h) */
static void check_diff(const char *from_sql, const char *to_sql, unsigned how,
	const char *want)
{
	retort_schema *from = schema_of(from_sql), *to = schema_of(to_sql);

	check_diff_of(from, to, NULL, how, want);
	retort_schema_free(from);
	retort_schema_free(to);
}

static void test_same(void)
{
	check_diff("CREATE TABLE a (id INTEGER PRIMARY KEY, x TEXT);",
		"create table a (\"id\" integer primary key, x text) -- the same",
		0, "a keep\n");
	/* the name's case alone: SQLite's names ignore it, but the model's
	** spelling is kept, by a rename */
	check_diff("CREATE TABLE a (x);", "CREATE TABLE A (x);", 0, "A keep touched\n");
	check_diff("", "", 0, "");
}

static void test_create_drop(void)
{
	check_diff("CREATE TABLE a (x); CREATE TABLE gone (y);",
		"CREATE TABLE new (z); CREATE TABLE a (x);", 0,
		"a keep\nnew create\ngone drop\n");
	/* a table that becomes virtual, or stops being WITHOUT ROWID, is another
	** table: no copy of rows can make it */
	check_diff("CREATE TABLE t (a, b);",
		"CREATE VIRTUAL TABLE t USING rtree(a, b, c);", 0, "t create\nt drop\n");
}

static void test_in_place(void)
{
	/* ADD COLUMN of a column SQLite can add; DROP COLUMN of a plain one */
	check_diff("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT);",
		"CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b INT DEFAULT 3);", 0,
		"t alter\n");
	check_diff("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b INT);",
		"CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT);", 0, "t alter\n");
	/* the same, when an ALTER TABLE did not do what was predicted */
	check_diff("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT);",
		"CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b INT DEFAULT 3);",
		DIFF_REBUILD_TOUCHED, "t rebuild\n");
	/* an index alone changes nothing of its table */
	check_diff("CREATE TABLE t (a); CREATE INDEX i ON t (a);",
		"CREATE TABLE t (a); CREATE INDEX i ON t (a DESC);", 0, "t keep\n");
}

/* Constraints and defaults only: the definition is edited in place, or
** rebuilt when asked (--rebuild) or when ALTER TABLE did not do what was
** predicted. */
static void test_edit_in_place(void)
{
	static const char *const to[] = {
		"CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT NOT NULL);",      /* NOT NULL */
		"CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT CHECK (a <> ''));", /* CHECK */
		"CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT DEFAULT 'x');",   /* default */
		"CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT REFERENCES t (id));",
	};
	size_t i;

	for (i = 0; i < sizeof(to) / sizeof(to[0]); i++) {
		check_diff("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT);", to[i], 0,
			"t inplace\n");
		check_diff("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT);", to[i],
			DIFF_NO_INPLACE, "t rebuild\n");
		check_diff("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT);", to[i],
			DIFF_REBUILD_TOUCHED, "t rebuild\n");
	}
	/* one automatic index, the same in both texts */
	check_diff("CREATE TABLE t (a TEXT UNIQUE, b INT);",
		"CREATE TABLE t (a TEXT UNIQUE, b INT CHECK (b > 0));", 0, "t inplace\n");
	check_diff("CREATE TABLE t (a TEXT PRIMARY KEY, b INT) WITHOUT ROWID;",
		"CREATE TABLE t (a TEXT PRIMARY KEY, b INT NOT NULL) WITHOUT ROWID;", 0,
		"t inplace\n");
	/* two: SQLite numbers them by their place in the text, and a stored
	** text may place them otherwise than retort writes them (the key of a
	** WITHOUT ROWID table is one) */
	check_diff("CREATE TABLE t (a TEXT UNIQUE, b INT PRIMARY KEY) WITHOUT ROWID;",
		"CREATE TABLE t (a TEXT UNIQUE, b INT PRIMARY KEY CHECK (b > 0)) WITHOUT ROWID;",
		0, "t rebuild\n");
	check_diff("CREATE TABLE t (a TEXT UNIQUE, b INT, UNIQUE (b, a));",
		"CREATE TABLE t (a TEXT UNIQUE, b INT DEFAULT 1, UNIQUE (b, a));", 0,
		"t rebuild\n");
	/* old rows read a default changed from one SQLite cannot store for them */
	check_diff("CREATE TABLE t (a TEXT DEFAULT CURRENT_TIMESTAMP);",
		"CREATE TABLE t (a TEXT DEFAULT 'x');", 0, "t rebuild\n");
	check_diff("CREATE TABLE t (a TEXT DEFAULT 2.50);",
		"CREATE TABLE t (a TEXT DEFAULT 'x');", 0, "t inplace\n");
}

static void test_rebuild(void)
{
	static const char *const to[] = {
		"CREATE TABLE t (id INTEGER PRIMARY KEY, a INT);",               /* type */
		"CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT UNIQUE);",        /* UNIQUE */
		"CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT COLLATE NOCASE);",/* collation */
		"CREATE TABLE t (a TEXT, id INTEGER PRIMARY KEY);",               /* order */
		"CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT) STRICT;",
		/* a column added that ADD COLUMN cannot add */
		("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b INT NOT NULL DEFAULT 0 "
			"CHECK (b >= 0), c UNIQUE);"),
		/* a column made NOT NULL whose default fills its NULLs */
		"CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT NOT NULL DEFAULT 'x');",
	};
	size_t i;

	for (i = 0; i < sizeof(to) / sizeof(to[0]); i++)
		check_diff("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT);", to[i], 0,
			"t rebuild\n");
}

static void test_renames(void)
{
	static const char from_yaml[] =
		"tables:\n"
		"  pet:\n"
		"    columns:\n"
		"      id: {type: INTEGER, primary_key: true}\n"
		"      nme: {type: TEXT}\n"
		"      a: {type: INT}\n"
		"      b: {type: INT}\n";
	static const char to_yaml[] =
		"tables:\n"
		"  animal:\n"
		"    renamed_from: pet\n"
		"    columns:\n"
		"      id: {type: INTEGER, primary_key: true}\n"
		"      name: {type: TEXT, renamed_from: nme}\n"
		"      b: {type: INT, renamed_from: a}\n"
		"      a: {type: INT, renamed_from: b}\n";
	static const char to_moved_yaml[] =
		"tables:\n"
		"  animal:\n"
		"    renamed_from: pet\n"
		"    columns:\n"
		"      id: {type: INTEGER, primary_key: true}\n"
		"      name: {type: TEXT, renamed_from: nme}\n"
		"      a: {type: INT, renamed_from: b}\n"
		"      b: {type: INT, renamed_from: a}\n";
	retort_schema *from = schema_of_model(from_yaml, NULL);
	retort_schema *to = schema_of_model(to_yaml, NULL);
	rename_list renames = { NULL, 0, 0 };
	str_list notes = { NULL, 0, 0 };

	CHECK(from && to);
	if (!from || !to)
		goto done;
	CHECK_INT(retort_renames_from_models(&renames, &notes, from, to, NULL), 0);
	CHECK_INT(notes.n, 0);
	/* renamed only: nothing else to do (a and b swap names, each keeping
	** its place) */
	check_diff_of(from, to, &renames, 0,
		"animal keep touched\n"
		"rename pet -> animal\n"
		"rename pet.nme -> animal.name\n"
		"rename pet.a -> animal.b\n"
		"rename pet.b -> animal.a\n");
	/* the inverse, for the downgrade */
	retort_renames_invert(&renames);
	check_diff_of(to, from, &renames, 0,
		"pet keep touched\n"
		"rename animal -> pet\n"
		"rename animal.name -> pet.nme\n"
		"rename animal.b -> pet.a\n"
		"rename animal.a -> pet.b\n");
	/* the target's order is not what the renames leave: the rows are
	** copied into the new order (the renames borrow the target's names) */
	retort_renames_release(&renames);
	retort_schema_free(to);
	to = schema_of_model(to_moved_yaml, NULL);
	CHECK(to && retort_renames_from_models(&renames, &notes, from, to, NULL) == 0);
	if (to)
		check_diff_of(from, to, &renames, 0,
			"animal rebuild touched\n"
			"rename pet -> animal\n"
			"rename pet.nme -> animal.name\n"
			"rename pet.b -> animal.a\n"
			"rename pet.a -> animal.b\n");
done:
	retort_renames_release(&renames);
	retort_str_list_release(&notes);
	retort_schema_free(from);
	retort_schema_free(to);
}

static void test_bad_renames(void)
{
	static const char from_yaml[] =
		"tables:\n  pet:\n    columns:\n      id: {type: INTEGER, primary_key: true}\n";
	/* renamed_from a table `from` never had, and that no revision knows */
	static const char to_yaml[] =
		"tables:\n"
		"  animal:\n"
		"    renamed_from: beast\n"
		"    columns:\n"
		"      id: {type: INTEGER, primary_key: true}\n";
	retort_schema *from = schema_of_model(from_yaml, NULL);
	retort_schema *to = schema_of_model(to_yaml, NULL);
	rename_list renames = { NULL, 0, 0 };
	str_list notes = { NULL, 0, 0 };
	retort_error *err = NULL;

	CHECK(from && to);
	if (from && to) {
		CHECK_INT(retort_renames_from_models(&renames, &notes, from, to, &err), RETORT_EINVALID);
		CHECK(err && strstr(err->message, "beast"));
		CHECK(err && err->path && strcmp(err->path, "models/test.yaml") == 0);
		/* at the table the key belongs to, as the CLI shows it */
		CHECK_INT(err ? err->line : 0, 2);
		CHECK_INT(err ? err->column : 0, 3);
	}
	retort_error_free(err);
	retort_renames_release(&renames);
	retort_str_list_release(&notes);
	retort_schema_free(from);
	retort_schema_free(to);
}

static const harness_case cases[] = {
	HARNESS_CASE(test_same),
	HARNESS_CASE(test_create_drop),
	HARNESS_CASE(test_in_place),
	HARNESS_CASE(test_edit_in_place),
	HARNESS_CASE(test_rebuild),
	HARNESS_CASE(test_renames),
	HARNESS_CASE(test_bad_renames),
};

HARNESS_MAIN(cases)
