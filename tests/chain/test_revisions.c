/*
** test_revisions.c: revision files and the revision graph through the
** public API: parsing and splitting, checksums across line endings, every
** malformed file with its line, the graph, every TARGET form, writing a new
** revision, the offline schema and verify, and the cache of parsed files.
** The splitting of a section is also checked statement by statement against
** sqlite3_complete() itself, through the library's own retort_revfile_parse().
*/
#include "harness.h"
#include "retort.h"
#include "revision.h"
#include "sqltok.h"

#include <sqlite3.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static char root[256];
static int dir_seq;

/* A fresh folder under the test's temporary root (a few stay valid at once). */
static const char *new_dir(void)
{
	static char dirs[4][300];
	char *dir = dirs[dir_seq % 4];

	snprintf(dir, sizeof(dirs[0]), "%s/d%d", root, ++dir_seq);
	if (mkdir(dir, 0755) != 0) {
		perror(dir);
		exit(1);
	}
	return dir;
}

/* A revision file's text: id, parent line, message, then the sections. */
static char *rev_text(const char *id, const char *parent, const char *up, const char *down)
{
	static char text[4096];

	snprintf(text, sizeof(text),
		"-- retort revision: %s\n-- parent: %s\n-- message: rev %s\n"
		"-- created: 2026-11-2%cT10:00:00Z\n\n-- retort:upgrade\n%s\n-- retort:downgrade\n%s\n",
		id, parent, id, id[0] >= '0' && id[0] <= '9' ? id[0] : '9', up, down);
	return text;
}

static void add_rev(const char *dir, const char *id, const char *parent, const char *up,
	const char *down)
{
	char name[64];

	snprintf(name, sizeof(name), "%s_rev.sql", id);
	harness_write_file(dir, name, rev_text(id, parent, up, down));
}

/* Load a folder expected to be malformed; check the code and file:line. */
static void expect_bad(const char *dir, int code, const char *file, int line, const char *words)
{
	retort_revisions *revs = NULL;
	retort_error *err = NULL;
	int rc = retort_revisions_load(&revs, dir, &err);

	CHECK_INT(rc, code);
	CHECK(err != NULL);
	if (err) {
		CHECK(err->path && strstr(err->path, file));
		CHECK_INT(err->line, line);
		if (!strstr(err->message, words))
			fprintf(stderr, "message \"%s\" lacks \"%s\"\n", err->message, words);
		CHECK(strstr(err->message, words) != NULL);
	}
	retort_revisions_free(revs);
	retort_error_free(err);
}

static void test_parse_and_split(void)
{
	const char *dir = new_dir();
	retort_revisions *revs = NULL;
	const retort_revision *r;

	harness_write_file(dir, "aaaaaaaaaaaa_first.sql",
		"-- retort revision: aaaaaaaaaaaa\n"         /* 1 */
		"-- parent: none\n"                          /* 2 */
		"-- message: create pet\n"                   /* 3 */
		"-- created: 2026-11-23T10:00:00Z\n"         /* 4 */
		"-- author: Jane Dev <jane@example.com>\n"   /* 5 */
		"-- a plain comment is fine here\n"          /* 6 */
		"\n"                                         /* 7 */
		"-- retort:upgrade\n"                        /* 8 */
		"CREATE TABLE pet(id INTEGER PRIMARY KEY, name TEXT DEFAULT 'a;b');\n" /* 9 */
		"-- a comment; with a semicolon\n"           /* 10 */
		"CREATE TRIGGER t AFTER INSERT ON pet BEGIN\n" /* 11 */
		"  UPDATE pet SET name = 'x' WHERE id = new.id;\n"
		"  SELECT 1;\n"
		"END;\n"
		"\n"
		"INSERT INTO pet(name) VALUES ('no semicolon at the end')\n" /* 16 */
		"\n"
		"-- retort:downgrade\n"                      /* 18 */
		"DROP TABLE pet;\n");                        /* 19 */
	CHECK_INT(retort_revisions_load(&revs, dir, NULL), 0);
	if (!revs)
		return;
	r = retort_revisions_get(revs, "aaaaaaaaaaaa");
	CHECK(r != NULL);
	if (r) {
		CHECK_STR(retort_revision_message(r), "create pet");
		CHECK_STR(retort_revision_author(r), "Jane Dev <jane@example.com>");
		CHECK(retort_revision_commit(r) == NULL);
		CHECK_INT(retort_revision_parent_count(r), 0);
		CHECK_INT(retort_revision_statement_count(r, RETORT_UPGRADE), 3);
		CHECK_STR(retort_revision_statement(r, RETORT_UPGRADE, 0),
			"CREATE TABLE pet(id INTEGER PRIMARY KEY, name TEXT DEFAULT 'a;b');");
		CHECK_INT(retort_revision_statement_line(r, RETORT_UPGRADE, 0), 9);
		CHECK(strncmp(retort_revision_statement(r, RETORT_UPGRADE, 1),
			"CREATE TRIGGER t", 16) == 0);
		CHECK_INT(retort_revision_statement_line(r, RETORT_UPGRADE, 1), 11);
		CHECK(strstr(retort_revision_statement(r, RETORT_UPGRADE, 1), "SELECT 1;\nEND;"));
		CHECK_STR(retort_revision_statement(r, RETORT_UPGRADE, 2),
			"INSERT INTO pet(name) VALUES ('no semicolon at the end');");
		CHECK_INT(retort_revision_statement_line(r, RETORT_UPGRADE, 2), 16);
		CHECK_INT(retort_revision_statement_count(r, RETORT_DOWNGRADE), 1);
		CHECK_INT(retort_revision_statement_line(r, RETORT_DOWNGRADE, 0), 19);
		/* past the end: no statement and no line */
		CHECK(retort_revision_statement(r, RETORT_DOWNGRADE, 1) == NULL);
		CHECK_INT(retort_revision_statement_line(r, RETORT_DOWNGRADE, 1), 0);
		CHECK_INT(strlen(retort_revision_sha256(r, RETORT_UPGRADE)), 64);
	}
	retort_revisions_free(revs);
}

/* CRLF and a trailing blank line hash the same; an edit does not. */
static void test_checksums(void)
{
	const char *lf = new_dir(), *crlf = new_dir(), *edited = new_dir();
	retort_revisions *a = NULL, *b = NULL, *c = NULL;
	char text[4096], converted[8192];
	size_t i, n = 0;

	snprintf(text, sizeof(text), "%s", rev_text("bbbbbbbbbbbb", "none",
		"CREATE TABLE t(a);\nCREATE INDEX ix ON t(a);", "DROP TABLE t;"));
	harness_write_file(lf, "bbbbbbbbbbbb_x.sql", text);
	for (i = 0; text[i]; i++) {
		if (text[i] == '\n')
			converted[n++] = '\r';
		converted[n++] = text[i];
	}
	/* and a trailing blank line */
	converted[n++] = '\r';
	converted[n++] = '\n';
	converted[n] = '\0';
	harness_write_file(crlf, "bbbbbbbbbbbb_x.sql", converted);
	harness_write_file(edited, "bbbbbbbbbbbb_x.sql", rev_text("bbbbbbbbbbbb", "none",
		"CREATE TABLE t(a);\nCREATE INDEX ix ON t(a DESC);", "DROP TABLE t;"));
	CHECK_INT(retort_revisions_load(&a, lf, NULL), 0);
	CHECK_INT(retort_revisions_load(&b, crlf, NULL), 0);
	CHECK_INT(retort_revisions_load(&c, edited, NULL), 0);
	if (a && b && c) {
		const retort_revision *ra = retort_revisions_at(a, 0), *rb = retort_revisions_at(b, 0),
			*rc = retort_revisions_at(c, 0);
		CHECK_STR(retort_revision_sha256(ra, RETORT_UPGRADE), retort_revision_sha256(rb, RETORT_UPGRADE));
		CHECK_STR(retort_revision_sha256(ra, RETORT_DOWNGRADE), retort_revision_sha256(rb, RETORT_DOWNGRADE));
		CHECK(strcmp(retort_revision_sha256(ra, RETORT_UPGRADE),
			retort_revision_sha256(rc, RETORT_UPGRADE)) != 0);
		CHECK_STR(retort_revision_sha256(ra, RETORT_DOWNGRADE), retort_revision_sha256(rc, RETORT_DOWNGRADE));
		CHECK_INT(retort_revision_statement_count(rb, RETORT_UPGRADE), 2);
	}
	retort_revisions_free(a);
	retort_revisions_free(b);
	retort_revisions_free(c);
}

static void test_malformed(void)
{
	const char *d;

	d = new_dir();
	harness_write_file(d, "x.sql", "-- parent: none\n-- retort:upgrade\n-- retort:downgrade\n");
	expect_bad(d, RETORT_EINVALID, "x.sql", 1, "no '-- retort revision: ID' line");

	d = new_dir();
	harness_write_file(d, "x.sql", "-- message: m\n-- retort revision: 12345\n-- parent: none\n"
		"-- retort:upgrade\n-- retort:downgrade\n");
	expect_bad(d, RETORT_EINVALID, "x.sql", 2, "12 lower-case hex digits");

	d = new_dir();
	harness_write_file(d, "x.sql", "-- retort revision: cccccccccccc\n-- retort:upgrade\n-- retort:downgrade\n");
	expect_bad(d, RETORT_EINVALID, "x.sql", 1, "no '-- parent:' line");

	d = new_dir();
	add_rev(d, "cccccccccccc", "dddddddddddd", "SELECT 1;", "SELECT 1;");
	expect_bad(d, RETORT_EINVALID, "cccccccccccc_rev.sql", 2, "parent dddddddddddd is not in");

	d = new_dir();
	harness_write_file(d, "cccccccccccc_a.sql", rev_text("cccccccccccc", "none", "", ""));
	harness_write_file(d, "cccccccccccc_b.sql", rev_text("cccccccccccc", "none", "", ""));
	expect_bad(d, RETORT_EINVALID, "cccccccccccc_", 1, "ids must be unique");

	d = new_dir();
	harness_write_file(d, "x.sql", "-- retort revision: cccccccccccc\n-- parent: none\n\n"
		"-- retort:downgrade\nDROP TABLE t;\n");
	expect_bad(d, RETORT_EINVALID, "x.sql", 5, "no '-- retort:upgrade' section");

	d = new_dir();
	harness_write_file(d, "x.sql", "-- retort revision: cccccccccccc\n-- parent: none\n"
		"-- retort:upgrade\nCREATE TABLE t(a);\n");
	expect_bad(d, RETORT_EINVALID, "x.sql", 4, "no '-- retort:downgrade' section");

	d = new_dir();
	harness_write_file(d, "x.sql", "-- retort revision: cccccccccccc\n-- parent: none\n"
		"CREATE TABLE t(a);\n-- retort:upgrade\n-- retort:downgrade\n");
	expect_bad(d, RETORT_EINVALID, "x.sql", 3, "SQL before the first section");

	d = new_dir();
	harness_write_file(d, "x.sql", "-- retort revision: cccccccccccc\n-- parent: none\n"
		"-- retort:upgrade\n-- retort:downgrade\n-- retort:upgrade\n");
	expect_bad(d, RETORT_EINVALID, "x.sql", 5, "a second '-- retort:upgrade' section");

	d = new_dir();
	harness_write_file(d, "x.sql", "-- retort revision: cccccccccccc\n-- parent: none\n"
		"-- retort:upgrade\nCREATE TABLE t(a TEXT DEFAULT 'unclosed);\n-- retort:downgrade\n");
	expect_bad(d, RETORT_EINVALID, "x.sql", 4, "ends inside a statement");

	d = new_dir();
	harness_write_file(d, "dddddddddddd_x.sql", rev_text("cccccccccccc", "none", "", ""));
	expect_bad(d, RETORT_EINVALID, "dddddddddddd_x.sql", 1, "the file name says");

	/* a cycle of two, hanging off a valid base */
	d = new_dir();
	add_rev(d, "111111111111", "none", "", "");
	add_rev(d, "222222222222", "333333333333", "", "");
	add_rev(d, "333333333333", "222222222222", "", "");
	expect_bad(d, RETORT_EINVALID, "_rev.sql", 2, "cycle");

	{
		retort_revisions *revs = NULL;
		retort_error *err = NULL;
		CHECK_INT(retort_revisions_load(&revs, "/nonexistent/revisions", &err), RETORT_ENOTFOUND);
		retort_error_free(err);
	}
}

/* The ids one TARGET resolves to, joined by ','; "!CODE" on failure. */
static const char *resolve(const retort_revisions *revs, const char *target,
	const char *const *current, size_t n_current)
{
	static char out[256];
	const retort_revision **got = NULL;
	size_t n = 0, i;
	int rc = retort_revisions_resolve(&got, &n, revs, target, current, n_current, NULL);

	if (rc) {
		snprintf(out, sizeof(out), "!%d", rc);
		return out;
	}
	out[0] = '\0';
	for (i = 0; i < n; i++) {
		size_t len = strlen(out);
		snprintf(out + len, sizeof(out) - len, "%s%s", i ? "," : "", retort_revision_id(got[i]));
	}
	free(got);
	return out;
}

/*
** a1 <- b1 <- c1 <- m1 (merge of c1 and c2) <- e1
**          \ <- c2 <-/
** plus the two heads case: a second folder where c1 and c2 are both heads.
*/
static void test_graph_and_targets(void)
{
	const char *d = new_dir(), *two = new_dir();
	retort_revisions *revs = NULL, *forked = NULL;
	const char *at_c1[] = { "c1c1c1c1c1c1" };
	const char *at_both[] = { "c1c1c1c1c1c1", "c2c2c2c2c2c2" };
	const char *at_gone[] = { "ffffffffffff" };
	retort_error *err = NULL;
	char ambiguous_msg[512] = "";

	add_rev(d, "a1a1a1a1a1a1", "none", "", "");
	add_rev(d, "b1b1b1b1b1b1", "a1a1a1a1a1a1", "", "");
	add_rev(d, "c1c1c1c1c1c1", "b1b1b1b1b1b1", "", "");
	add_rev(d, "c2c2c2c2c2c2", "b1b1b1b1b1b1", "", "");
	add_rev(d, "d1d1d1d1d1d1", "c1c1c1c1c1c1, c2c2c2c2c2c2", "", "");
	add_rev(d, "e1e1e1e1e1e1", "d1d1d1d1d1d1", "", "");
	CHECK_INT(retort_revisions_load(&revs, d, NULL), 0);
	if (!revs)
		return;
	CHECK_INT(retort_revisions_count(revs), 6);
	CHECK_STR(retort_revision_id(retort_revisions_at(revs, 0)), "a1a1a1a1a1a1");
	CHECK_STR(retort_revision_id(retort_revisions_at(revs, 5)), "e1e1e1e1e1e1");
	CHECK_INT(retort_revisions_head_count(revs), 1);
	CHECK_INT(retort_revision_parent_count(retort_revisions_get(revs, "d1d1d1d1d1d1")), 2);
	CHECK_INT(retort_revision_child_count(retort_revisions_get(revs, "b1b1b1b1b1b1")), 2);

	CHECK_STR(resolve(revs, "head", NULL, 0), "e1e1e1e1e1e1");
	CHECK_STR(resolve(revs, "heads", NULL, 0), "e1e1e1e1e1e1");
	CHECK_STR(resolve(revs, "base", NULL, 0), "");
	CHECK_STR(resolve(revs, "c2c2c2c2c2c2", NULL, 0), "c2c2c2c2c2c2");
	CHECK_STR(resolve(revs, "e1", NULL, 0), "e1e1e1e1e1e1");
	CHECK_STR(resolve(revs, "c", NULL, 0), "!-4");
	CHECK_INT(retort_revisions_resolve(&(const retort_revision **){ NULL }, &(size_t){ 0 },
		revs, "c", NULL, 0, &err), RETORT_EAMBIGUOUS);
	if (err)
		snprintf(ambiguous_msg, sizeof(ambiguous_msg), "%s", err->message);
	CHECK(strstr(ambiguous_msg, "c1c1c1c1c1c1") && strstr(ambiguous_msg, "c2c2c2c2c2c2"));
	retort_error_free(err);
	CHECK_STR(resolve(revs, "f", NULL, 0), "!-3");
	CHECK_STR(resolve(revs, "XYZ", NULL, 0), "!-2");
	CHECK_STR(resolve(revs, "+1", NULL, 0), "a1a1a1a1a1a1");
	CHECK_STR(resolve(revs, "+2", NULL, 0), "b1b1b1b1b1b1");
	CHECK_STR(resolve(revs, "+3", NULL, 0), "!-4");        /* b1 branches */
	CHECK_STR(resolve(revs, "+1", at_c1, 1), "d1d1d1d1d1d1");
	CHECK_STR(resolve(revs, "-1", at_c1, 1), "b1b1b1b1b1b1");
	CHECK_STR(resolve(revs, "-3", at_c1, 1), "");           /* exactly base */
	CHECK_STR(resolve(revs, "-4", at_c1, 1), "!-3");        /* past base */
	CHECK_STR(resolve(revs, "-1", at_both, 2), "!-4");      /* which one? */
	CHECK_STR(resolve(revs, "current", at_both, 2), "c1c1c1c1c1c1,c2c2c2c2c2c2");
	CHECK_STR(resolve(revs, "head-1", NULL, 0), "d1d1d1d1d1d1");
	CHECK_STR(resolve(revs, "head-2", NULL, 0), "!-4");     /* through the merge */
	CHECK_STR(resolve(revs, "a1+1", NULL, 0), "b1b1b1b1b1b1");
	CHECK_STR(resolve(revs, "e1+1", NULL, 0), "!-3");       /* past the head */
	CHECK_STR(resolve(revs, "base+1", NULL, 0), "a1a1a1a1a1a1");
	CHECK_STR(resolve(revs, "c2-2", NULL, 0), "a1a1a1a1a1a1");
	CHECK_STR(resolve(revs, "+x", NULL, 0), "!-2");
	CHECK_STR(resolve(revs, "+1", at_gone, 1), "!-3");

	add_rev(two, "a1a1a1a1a1a1", "none", "", "");
	add_rev(two, "c1c1c1c1c1c1", "a1a1a1a1a1a1", "", "");
	add_rev(two, "c2c2c2c2c2c2", "a1a1a1a1a1a1", "", "");
	CHECK_INT(retort_revisions_load(&forked, two, NULL), 0);
	if (forked) {
		CHECK_INT(retort_revisions_head_count(forked), 2);
		CHECK_STR(resolve(forked, "head", NULL, 0), "!-4");
		CHECK_STR(resolve(forked, "heads", NULL, 0), "c1c1c1c1c1c1,c2c2c2c2c2c2");
	}
	retort_revisions_free(forked);
	retort_revisions_free(revs);
}

static void test_write_schema_verify(void)
{
	const char *d = new_dir();
	retort_revisions *revs = NULL;
	retort_revision_spec spec = { 0 };
	retort_schema *schema = NULL, *expected = NULL;
	const retort_revision *failed = NULL;
	retort_error *err = NULL;
	char *id1 = NULL, *id2 = NULL, *path = NULL;
	int eq = 0;
	const char *parents[1];

	CHECK_INT(retort_revisions_load(&revs, d, NULL), 0);
	spec.message = "Create user & pet!";
	spec.upgrade_sql = "CREATE TABLE user(id INTEGER PRIMARY KEY, name TEXT);\n";
	spec.downgrade_sql = "DROP TABLE user;\n";
	CHECK_INT(retort_revision_write(&id1, &path, revs, &spec, NULL), 0);
	CHECK(path && strstr(path, "_create_user_pet.sql"));
	retort_revisions_free(revs);
	free(path);
	path = NULL;
	CHECK_INT(retort_revisions_load(&revs, d, NULL), 0);
	if (!revs || !id1)
		return;
	parents[0] = id1;
	spec.message = "add pet";
	spec.parents = parents;
	spec.parent_count = 1;
	spec.author = "Jane Dev <jane@example.com>";
	spec.upgrade_sql = "CREATE TABLE pet(id INTEGER PRIMARY KEY, owner_id INTEGER REFERENCES user(id));";
	/* a downgrade that forgets the table: verify must name this revision */
	spec.downgrade_sql = "";
	CHECK_INT(retort_revision_write(&id2, NULL, revs, &spec, NULL), 0);
	retort_revisions_free(revs);
	CHECK_INT(retort_revisions_load(&revs, d, NULL), 0);
	if (!revs || !id2)
		goto done;
	CHECK_INT(retort_revisions_count(revs), 2);
	CHECK_STR(retort_revision_id(retort_revisions_head(revs, 0)), id2);
	CHECK_STR(retort_revision_author(retort_revisions_get(revs, id2)), "Jane Dev <jane@example.com>");

	CHECK_INT(retort_revisions_schema(&schema, revs, NULL, NULL, NULL), 0);
	CHECK_INT(retort_schema_from_sql(&expected,
		"CREATE TABLE user(id INTEGER PRIMARY KEY, name TEXT);"
		"CREATE TABLE pet(id INTEGER PRIMARY KEY, owner_id INTEGER REFERENCES user(id));",
		NULL, NULL, NULL), 0);
	CHECK_INT(retort_schema_equal(&eq, NULL, schema, expected, NULL), 0);
	CHECK_INT(eq, 1);
	retort_schema_free(schema);
	schema = NULL;
	CHECK_INT(retort_revisions_schema(&schema, revs, "base", NULL, NULL), 0);
	CHECK_INT(schema ? retort_schema_table_count(schema) : 99, 0);

	CHECK_INT(retort_revisions_verify(&failed, revs, NULL, &err), RETORT_EMISMATCH);
	CHECK(failed && strcmp(retort_revision_id(failed), id2) == 0);
	CHECK(err && strstr(err->message, id2));
	CHECK(err && err->path && strstr(err->path, id2));
done:
	retort_error_free(err);
	retort_schema_free(schema);
	retort_schema_free(expected);
	retort_revisions_free(revs);
	free(id1);
	free(id2);
}

/* ---- splitting a section (lib/revfile.c, retort_sql_statement_end()) ---- */

/* Parse a revision whose upgrade section is `up` and whose downgrade is
** `SELECT 0;`; NULL when it does not parse (the error in *err). */
static retort_revision *parse_up(const char *up, retort_error **err)
{
	static const char head[] = "-- retort revision: abcdefabcdef\n-- parent: none\n\n"
		"-- retort:upgrade\n";
	static const char tail[] = "\n-- retort:downgrade\nSELECT 0;\n";
	size_t n = strlen(head) + strlen(up) + strlen(tail);
	char *text = malloc(n + 1);
	retort_revision *rev = NULL;

	if (!text)
		return NULL;
	snprintf(text, n + 1, "%s%s%s", head, up, tail);
	if (retort_revfile_parse(&rev, "abcdefabcdef_x.sql", text, n, err) != 0)
		rev = NULL;
	free(text);
	return rev;
}

/* The upgrade section `up` splits into exactly `want` (NULL-terminated),
** the first on line `lines[0]` of the file (the section starts on line 5). */
static void expect_split(const char *up, const char *const *want, const int *lines)
{
	retort_error *err = NULL;
	retort_revision *rev = parse_up(up, &err);
	size_t i, n = 0;

	while (want[n])
		n++;
	CHECK(rev != NULL);
	if (!rev) {
		fprintf(stderr, "%s\nfails: %s\n", up, err ? err->message : "?");
		retort_error_free(err);
		return;
	}
	CHECK_INT(retort_revision_statement_count(rev, RETORT_UPGRADE), n);
	for (i = 0; i < n && i < retort_revision_statement_count(rev, RETORT_UPGRADE); i++) {
		const char *got = retort_revision_statement(rev, RETORT_UPGRADE, i);
		CHECK_STR(got, want[i]);
		CHECK_INT(sqlite3_complete(got), 1);
		if (lines)
			CHECK_INT(retort_revision_statement_line(rev, RETORT_UPGRADE, i), lines[i]);
	}
	CHECK_INT(retort_revision_statement_count(rev, RETORT_DOWNGRADE), 1);
	retort_revfile_free(rev);
}

static void test_split_cases(void)
{
	retort_error *err = NULL;
	retort_revision *rev;

	{ /* ';' in strings and quoted names */
		const char *want[] = { "SELECT 'a;b', 'it''s;';", "SELECT \"c;d\", [e;f], `g;h`, x'3b';", NULL };
		const int lines[] = { 5, 6 };
		expect_split("SELECT 'a;b', 'it''s;';\nSELECT \"c;d\", [e;f], `g;h`, x'3b';", want, lines);
	}
	{ /* comments between statements belong to none, inside one stay */
		const char *want[] = { "SELECT 1 /* ; */;", "SELECT 2 -- two; and\n  + 2;", NULL };
		const int lines[] = { 6, 8 };
		expect_split("-- x; y\nSELECT 1 /* ; */;\n/* a;\n b */ SELECT 2 -- two; and\n  + 2;", want, lines);
	}
	{ /* a trigger: its body's ';', CASE ... END, BEGIN and END as words, a
	  ** ';' in a string; then TEMP and TEMPORARY triggers, and EXPLAIN */
		const char *trig = "CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n"
			"  UPDATE t SET a = CASE WHEN new.a > 0 THEN 'p;q' ELSE 'n' END;\n"
			"  SELECT CASE 1 WHEN 1 THEN 'end;' END AS \"begin\";\n"
			"  SELECT 1 AS begin; SELECT 'END;' ;\nEND;";
		const char *want[] = { trig,
			"create temp trigger t2 before delete on t begin select 1; select 2; end;",
			"CREATE TEMPORARY TRIGGER t3 AFTER UPDATE ON t BEGIN SELECT raise(abort, 'x;y'); END;",
			"EXPLAIN CREATE TRIGGER t4 AFTER INSERT ON t BEGIN SELECT 1; END;",
			"SELECT 'end';", NULL };
		const int lines[] = { 5, 10, 11, 12, 13 };
		char up[1024];
		snprintf(up, sizeof(up), "%s\ncreate temp trigger t2 before delete on t begin select 1; "
			"select 2; end;\nCREATE TEMPORARY TRIGGER t3 AFTER UPDATE ON t BEGIN "
			"SELECT raise(abort, 'x;y'); END;\nEXPLAIN CREATE TRIGGER t4 AFTER INSERT ON t "
			"BEGIN SELECT 1; END;\n;;SELECT 'end';", trig);
		expect_split(up, want, lines);
	}
	{ /* a last statement without its ';', and one ending in a comment */
		const char *want[] = { "SELECT 1;", "SELECT 2;", NULL };
		expect_split("SELECT 1;\nSELECT 2  \n\n", want, NULL);
	}
	{
		const char *want[] = { "SELECT 1;", "SELECT 2 -- two\n;", NULL };
		const int lines[] = { 5, 6 };
		expect_split("SELECT 1;\nSELECT 2 -- two", want, lines);
	}
	{
		const char *want[] = { "CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END -- done\n;", NULL };
		expect_split("CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END -- done\r\n", want, NULL);
	}
	{ /* CRLF: lines still right, text as written */
		const char *want[] = { "SELECT 'a;b';", "SELECT 2\r\n  , 3;", NULL };
		const int lines[] = { 5, 7 };
		expect_split("SELECT 'a;b';\r\n\r\nSELECT 2\r\n  , 3;\r\n", want, lines);
	}
	{ /* marker lines inside a statement: a string, a comment, a trigger
	  ** body, after a ';' in a string, a view's comment line */
		const char *want[] = {
			"SELECT '\n-- retort:downgrade\n' AS x;",
			"CREATE VIEW w AS SELECT 1 AS a\n-- retort:downgrade\n, 2 AS b;",
			"CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n-- retort:downgrade\nSELECT 1;\n"
			"-- retort:upgrade\nEND;",
			"SELECT ';\n  -- retort:upgrade\n';", NULL };
		const int lines[] = { 5, 8, 14, 19 };
		expect_split("SELECT '\n-- retort:downgrade\n' AS x;\n"
			"CREATE VIEW w AS SELECT 1 AS a\n-- retort:downgrade\n, 2 AS b;\n"
			"/*\n-- retort:downgrade\n*/\n"
			"CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n-- retort:downgrade\nSELECT 1;\n"
			"-- retort:upgrade\nEND;\n"
			"SELECT ';\n  -- retort:upgrade\n';", want, lines);
	}
	/* a marker inside an unclosed quote: no section, said at the statement */
	rev = parse_up("SELECT 1;\nSELECT 'oops;", &err);
	CHECK(rev == NULL);
	CHECK(err && err->line == 6 && strstr(err->message, "ends inside a statement") &&
		strstr(err->message, "line 7"));
	retort_revfile_free(rev);
	retort_error_free(err);
}

/* The split the old way, the reference: at each ';', is the text from the
** last statement's end complete (sqlite3_complete())? Quadratic, so only
** for short texts. Returns -1 when the text ends inside a statement. */
static const char *skip_blank(const char *p)
{
	for (;;) {
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f') {
			p++;
		} else if (p[0] == '-' && p[1] == '-') {
			p += strcspn(p, "\n");
		} else if (p[0] == '/' && p[1] == '*') {
			const char *e = strstr(p + 2, "*/");
			p = e ? e + 2 : p + strlen(p);
		} else {
			return p;
		}
	}
}

static int reference_split(const char *text, char **out, int max)
{
	const char *start = text, *p, *tok;
	char buf[4096];
	int n = 0, len;

	for (p = strchr(text, ';'); p && n < max; p = strchr(p + 1, ';')) {
		tok = skip_blank(start);
		if (tok > p)
			continue;
		if (tok == p) {
			start = p + 1;
			continue;
		}
		snprintf(buf, sizeof(buf), "%.*s", (int)(p + 1 - tok), tok);
		if (!sqlite3_complete(buf))
			continue;
		out[n++] = strdup(buf);
		start = p + 1;
	}
	tok = skip_blank(start);
	if (!*tok || n >= max)
		return n;
	len = (int)strlen(tok);
	while (len > 0 && strchr(" \t\r\n\f", tok[len - 1]))
		len--;
	snprintf(buf, sizeof(buf), "%.*s\n;", len, tok);
	if (!sqlite3_complete(buf)) {
		while (n > 0)
			free(out[--n]);
		return -1;
	}
	snprintf(buf, sizeof(buf), "%.*s;", len, tok);
	if (!sqlite3_complete(buf))
		snprintf(buf, sizeof(buf), "%.*s\n;", len, tok);
	out[n++] = strdup(buf);
	return n;
}

/* Random sections of SQL-ish pieces split the same as the reference does:
** the one-pass state machine is sqlite3_complete()'s, exactly. */
static void test_split_matches_sqlite(void)
{
	static const char *const pieces[] = {
		"SELECT 1", "CREATE", "create", "TEMP", "temporary", "TRIGGER", "trigger", "EXPLAIN",
		"END", "end", "BEGIN", "CASE", "x", "end_", "1.end", ":end", "$end", "xend", ".",
		";", ";", ";", ";", "; END;", "'a;b'", "'it''s;'", "\"q;\"", "[b;]", "`c;`", "x'3b'",
		"-- c;\n", "/* ; */", "(", ")", ",", "1", "\xc3\xa9", "CREATE TRIGGER t BEGIN",
		"CREATE TEMP TRIGGER t BEGIN", "create temporary trigger", "EXPLAIN CREATE TRIGGER",
		"CASE WHEN 1 THEN 'a;' END", "END -- e\n", "CREATE TABLE",
	};
	static const char *const gaps[] = { " ", " ", " ", "\n", "\r\n", "\t", "" };
	const size_t n_pieces = sizeof(pieces) / sizeof(pieces[0]);
	unsigned long seed = 12345;
	int round, mismatches = 0;

	for (round = 0; round < 20000; round++) {
		char up[2048], *ref[64];
		size_t len = 0;
		int k, n_ref, bad = 0, count = 1 + (int)((seed >> 16) % 40);
		retort_error *err = NULL;
		retort_revision *rev;

		up[0] = '\0';
		for (k = 0; k < count; k++) {
			const char *piece, *gap;
			seed = seed * 1103515245 + 12345;
			piece = pieces[(seed >> 16) % n_pieces];
			gap = gaps[(seed >> 8) % (sizeof(gaps) / sizeof(gaps[0]))];
			len += (size_t)snprintf(up + len, sizeof(up) - len, "%s%s", piece, gap);
		}
		n_ref = reference_split(up, ref, 64);
		rev = parse_up(up, &err);
		if (n_ref < 0) {
			bad = rev || !err || err->code != RETORT_EINVALID;
		} else if (!rev || (int)retort_revision_statement_count(rev, RETORT_UPGRADE) != n_ref) {
			bad = 1;
		} else {
			for (k = 0; k < n_ref && !bad; k++) {
				const char *got = retort_revision_statement(rev, RETORT_UPGRADE, (size_t)k);
				bad = strcmp(got, ref[k]) != 0 || !sqlite3_complete(got);
			}
		}
		if (bad && !mismatches++)
			fprintf(stderr, "the split differs from sqlite3_complete's on [%s]\n", up);
		for (k = 0; k < n_ref; k++)
			free(ref[k]);
		retort_revfile_free(rev);
		retort_error_free(err);
	}
	CHECK_INT(mismatches, 0);
	/* and the machine itself, on what it must not end early */
	CHECK(retort_sql_statement_end("CREATE TEMP TRIGGER t BEGIN SELECT 1; END") == NULL);
	CHECK(retort_sql_statement_end("SELECT '") == NULL);
	{
		const char *z = "EXPLAIN CREATE TRIGGER t BEGIN SELECT 1; END; SELECT 2;";
		CHECK(retort_sql_statement_end(z) == strstr(z, "END;") + 4);
	}
}

/* The writer and the reader agree: model SQL holding marker lines reads
** back as written, and SQL that would not is refused, nothing written. */
static void test_write_markers(void)
{
	const char *d = new_dir();
	retort_revisions *revs = NULL;
	retort_revision_spec spec = { 0 };
	retort_error *err = NULL;
	char *id = NULL;
	const retort_revision *r;

	CHECK_INT(retort_revisions_load(&revs, d, NULL), 0);
	spec.message = "markers";
	spec.upgrade_sql = "CREATE VIEW v AS SELECT '\n-- retort:downgrade\n' AS x;\n"
		"CREATE VIEW w AS SELECT 1 AS a\n-- retort:upgrade\n, 2 AS b;\n";
	spec.downgrade_sql = "DROP VIEW v;\nDROP VIEW w;\n";
	CHECK_INT(retort_revision_write(&id, NULL, revs, &spec, NULL), 0);
	retort_revisions_free(revs);
	CHECK_INT(retort_revisions_load(&revs, d, NULL), 0);
	r = revs && id ? retort_revisions_get(revs, id) : NULL;
	CHECK(r != NULL);
	if (r) {
		char sha[65];
		CHECK_INT(retort_revision_statement_count(r, RETORT_UPGRADE), 2);
		CHECK_STR(retort_revision_statement(r, RETORT_UPGRADE, 0),
			"CREATE VIEW v AS SELECT '\n-- retort:downgrade\n' AS x;");
		CHECK_INT(retort_revision_statement_count(r, RETORT_DOWNGRADE), 2);
		retort_revfile_section_hash(sha, spec.upgrade_sql);
		CHECK_STR(retort_revision_sha256(r, RETORT_UPGRADE), sha);
	}
	/* a lenient reading would end the upgrade at the line inside it */
	spec.upgrade_sql = "SELECT 1\n-- retort:downgrade\nSELECT '";
	spec.downgrade_sql = "' AS x;";
	CHECK_INT(retort_revision_write(NULL, NULL, revs, &spec, &err), RETORT_EINVALID);
	CHECK(err && strstr(err->message, "read back"));
	retort_error_free(err);
	retort_revisions_free(revs);
	CHECK_INT(retort_revisions_load(&revs, d, NULL), 0);
	CHECK_INT(revs ? retort_revisions_count(revs) : 0, 1);
	retort_revisions_free(revs);
	free(id);
}

/* ---- the cache of parsed files (lib/revcache.c) ---- */

/* Everything the API tells of a folder's revisions, as one text. */
static char *describe(const char *dir)
{
	retort_revisions *revs = NULL;
	retort_error *err = NULL;
	char *text = NULL;
	size_t len = 0, i, j, k;
	FILE *f;

	if (retort_revisions_load(&revs, dir, &err) != 0) {
		f = open_memstream(&text, &len);
		fprintf(f, "error %s:%d: %s\n", err->path ? err->path : "", err->line, err->message);
		fclose(f);
		retort_error_free(err);
		return text;
	}
	f = open_memstream(&text, &len);
	for (i = 0; i < retort_revisions_count(revs); i++) {
		const retort_revision *r = retort_revisions_at(revs, i);
		fprintf(f, "%s %s|%s|%s|%s|%s parents", retort_revision_id(r), retort_revision_path(r),
			retort_revision_message(r), retort_revision_created(r),
			retort_revision_author(r) ? retort_revision_author(r) : "(none)",
			retort_revision_commit(r) ? retort_revision_commit(r) : "(none)");
		for (j = 0; j < retort_revision_parent_count(r); j++)
			fprintf(f, " %s", retort_revision_id(retort_revision_parent(r, j)));
		for (k = 0; k < 2; k++) {
			fprintf(f, "\n %s [%s]", retort_revision_sha256(r, (retort_direction)k),
				retort_revision_sql(r, (retort_direction)k));
			for (j = 0; j < retort_revision_statement_count(r, (retort_direction)k); j++) {
				fprintf(f, "\n  %d: %s",
					retort_revision_statement_line(r, (retort_direction)k, j),
					retort_revision_statement(r, (retort_direction)k, j));
			}
		}
		fputc('\n', f);
	}
	fclose(f);
	retort_revisions_free(revs);
	return text;
}

/* The folder described from its files alone, with the cache out of the way. */
static char *describe_uncached(const char *dir)
{
	char index[512], aside[520];
	char *text;

	snprintf(index, sizeof(index), "%s/.retort-cache/index", dir);
	snprintf(aside, sizeof(aside), "%s.aside", index);
	rename(index, aside);
	text = describe(dir);
	unlink(index);
	rename(aside, index);
	return text;
}

/* The cached description equals the uncached one. */
static void check_as_parsed(const char *dir, const char *what)
{
	char *cached = describe(dir), *parsed = describe_uncached(dir);

	if (strcmp(cached, parsed) != 0) {
		fprintf(stderr, "%s: the cache gives another chain than the files\n", what);
		harness_print_text_diff(parsed, cached);
	}
	CHECK_STR(cached, parsed);
	free(cached);
	free(parsed);
}

static int index_stat(const char *dir, struct stat *st)
{
	char index[512];

	snprintf(index, sizeof(index), "%s/.retort-cache/index", dir);
	return stat(index, st);
}

/* Was the index left as it was (same file, same time)? */
static int index_kept(const char *dir, const struct stat *before)
{
	struct stat now;

	return index_stat(dir, &now) == 0 && now.st_ino == before->st_ino &&
		now.st_mtim.tv_sec == before->st_mtim.tv_sec &&
		now.st_mtim.tv_nsec == before->st_mtim.tv_nsec;
}

/* Past the file system's clock tick, so that the files just written are
** older than an index written from now on (else the cache rightly refuses
** them as possibly changed within the tick of its writing). */
static void next_tick(void)
{
	struct timespec wait = { 0, 30 * 1000 * 1000 };

	nanosleep(&wait, NULL);
}

static void test_cache(void)
{
	const char *dir = new_dir();
	char path[512], *text, *before;
	struct stat st, old;
	struct timespec times[2];
	FILE *f;
	int i, seen_new;

	add_rev(dir, "aaaaaaaaaaa1", "none", "CREATE TABLE t(a);", "DROP TABLE t;");
	add_rev(dir, "aaaaaaaaaaa2", "aaaaaaaaaaa1",
		"CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n  SELECT 1;\nEND;\nCREATE INDEX ix ON t(a)",
		"DROP INDEX ix;\nDROP TRIGGER tr;");
	add_rev(dir, "aaaaaaaaaaa3", "aaaaaaaaaaa1", "CREATE TABLE u(b);", "DROP TABLE u;");
	harness_write_file(dir, "aaaaaaaaaaa4_merge.sql",
		"-- retort revision: aaaaaaaaaaa4\n-- parent: aaaaaaaaaaa2, aaaaaaaaaaa3\n"
		"-- message: merge\n-- created: 2026-11-24T10:00:00Z\n"
		"-- author: Jane Dev <jane@example.com>\n-- commit: 0123456789abcdef\n\n"
		"-- retort:upgrade\n-- retort:downgrade\n");
	next_tick();

	/* the first load writes the index, self-ignored in git; the next one reads it */
	before = describe(dir);
	CHECK(index_stat(dir, &old) == 0);
	snprintf(path, sizeof(path), "%s/.retort-cache/.gitignore", dir);
	f = fopen(path, "r");
	CHECK(f != NULL);
	if (f) {
		char line[16] = "";
		CHECK(fgets(line, sizeof(line), f) != NULL);
		CHECK_STR(line, "*\n");
		fclose(f);
	}
	text = describe(dir);
	CHECK_STR(text, before);
	CHECK(index_kept(dir, &old)); /* every file came from it */
	free(text);
	free(before);
	check_as_parsed(dir, "unchanged");

	/* an edit of the same size with the old mtime put back: ctime tells */
	snprintf(path, sizeof(path), "%s/aaaaaaaaaaa3_rev.sql", dir);
	CHECK(stat(path, &st) == 0);
	add_rev(dir, "aaaaaaaaaaa3", "aaaaaaaaaaa1", "CREATE TABLE v(b);", "DROP TABLE v;");
	times[0] = st.st_atim;
	times[1] = st.st_mtim;
	CHECK(utimensat(AT_FDCWD, path, times, 0) == 0);
	text = describe(dir);
	CHECK(strstr(text, "CREATE TABLE v(b);") != NULL);
	CHECK(strstr(text, "CREATE TABLE u(b);") == NULL);
	CHECK(!index_kept(dir, &old));
	free(text);
	check_as_parsed(dir, "edited in place");

	/* an edit within the clock tick the index was written in */
	seen_new = 0;
	for (i = 0; i < 20; i++) {
		char up[64];
		snprintf(up, sizeof(up), "CREATE TABLE w%02d(b);", i);
		add_rev(dir, "aaaaaaaaaaa3", "aaaaaaaaaaa1", up, "DROP TABLE v;");
		free(describe(dir)); /* writes the index */
		snprintf(up, sizeof(up), "CREATE TABLE x%02d(b);", i);
		add_rev(dir, "aaaaaaaaaaa3", "aaaaaaaaaaa1", up, "DROP TABLE v;");
		text = describe(dir);
		seen_new += strstr(text, up) != NULL;
		free(text);
	}
	CHECK_INT(seen_new, 20);

	/* files added, removed and renamed */
	next_tick();
	add_rev(dir, "aaaaaaaaaaa5", "aaaaaaaaaaa4", "CREATE TABLE y(c);", "DROP TABLE y;");
	free(describe(dir));
	snprintf(path, sizeof(path), "%s/aaaaaaaaaaa5_rev.sql", dir);
	{
		char renamed[512];
		snprintf(renamed, sizeof(renamed), "%s/aaaaaaaaaaa5_renamed.sql", dir);
		CHECK(rename(path, renamed) == 0);
		text = describe(dir);
		CHECK(strstr(text, "aaaaaaaaaaa5_renamed.sql") != NULL);
		CHECK(strstr(text, "aaaaaaaaaaa5_rev.sql") == NULL);
		free(text);
		CHECK(unlink(renamed) == 0);
	}
	text = describe(dir);
	CHECK(strstr(text, "aaaaaaaaaaa5") == NULL);
	free(text);
	check_as_parsed(dir, "added and removed");

	/* a parent's file gone: the child, read from the cache, still names its parent line */
	next_tick();
	free(describe(dir));
	snprintf(path, sizeof(path), "%s/aaaaaaaaaaa1_rev.sql", dir);
	CHECK(unlink(path) == 0);
	expect_bad(dir, RETORT_EINVALID, "aaaaaaaaaaa", 2, "parent aaaaaaaaaaa1 is not in");
	add_rev(dir, "aaaaaaaaaaa1", "none", "CREATE TABLE t(a);", "DROP TABLE t;");

	/* a malformed file is never cached: the same error every time */
	harness_write_file(dir, "aaaaaaaaaaa6_bad.sql", "-- retort revision: aaaaaaaaaaa6\n-- parent: aaaaaaaaaaa4\n");
	expect_bad(dir, RETORT_EINVALID, "aaaaaaaaaaa6_bad.sql", 2, "no '-- retort:upgrade' section");
	expect_bad(dir, RETORT_EINVALID, "aaaaaaaaaaa6_bad.sql", 2, "no '-- retort:upgrade' section");
	snprintf(path, sizeof(path), "%s/aaaaaaaaaaa6_bad.sql", dir);
	CHECK(unlink(path) == 0);

	/* a damaged or foreign index is not used, and is replaced by a good one */
	for (i = 0; i < 4; i++) {
		char index[512];
		long size;
		next_tick();
		free(describe(dir));
		snprintf(index, sizeof(index), "%s/.retort-cache/index", dir);
		CHECK(index_stat(dir, &st) == 0);
		size = (long)st.st_size;
		if (i == 0) {
			CHECK(truncate(index, size / 2) == 0);
		} else {
			f = fopen(index, "r+b");
			CHECK(f != NULL);
			if (!f)
				continue;
			if (i == 1) { /* zeros where the records are */
				fseek(f, 64, SEEK_SET);
				for (; size > 64; size--)
					fputc(0, f);
			} else if (i == 2) { /* another version of retort */
				fseek(f, 30, SEEK_SET);
				fputs("9.9.9", f);
			} else { /* bytes changed in the middle */
				fseek(f, size / 2, SEEK_SET);
				fputs("\xff\xff\xff\xff\xff\xff\xff\xff", f);
			}
			fclose(f);
		}
		check_as_parsed(dir, "damaged index");
		CHECK(index_stat(dir, &old) == 0);
		next_tick();
		free(describe(dir));
		CHECK(index_kept(dir, &old)); /* a good index again */
	}

	/* a cache folder that cannot be made is no error */
	{
		char cache[512], cmd[600];
		snprintf(cache, sizeof(cache), "%s/.retort-cache", dir);
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", cache);
		CHECK(system(cmd) == 0);
		harness_write_file(dir, ".retort-cache", "not a folder\n");
		text = describe(dir);
		CHECK(strncmp(text, "error", 5) != 0);
		CHECK(strstr(text, "aaaaaaaaaaa4") != NULL);
		free(text);
	}
}

static const harness_case cases[] = {
	HARNESS_CASE(test_parse_and_split),
	HARNESS_CASE(test_split_cases),
	HARNESS_CASE(test_split_matches_sqlite),
	HARNESS_CASE(test_write_markers),
	HARNESS_CASE(test_checksums),
	HARNESS_CASE(test_malformed),
	HARNESS_CASE(test_graph_and_targets),
	HARNESS_CASE(test_write_schema_verify),
	HARNESS_CASE(test_cache),
};

int main(int argc, char **argv)
{
	int rc = harness_args(argc, argv, HARNESS_CASES(cases));

	if (rc >= 0)
		return rc;
	snprintf(root, sizeof(root), "/tmp/retort-test-revisions-XXXXXX");
	if (!mkdtemp(root)) {
		perror("mkdtemp");
		return 1;
	}
	harness_run(HARNESS_CASES(cases));
	rc = harness_done();
	harness_rmdir(root);
	return rc;
}
