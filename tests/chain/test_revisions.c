/*
** test_revisions.c: revision files and the revision graph through the
** public API: parsing and splitting, checksums across line endings, every
** malformed file with its line, the graph, every TARGET form, writing a new
** revision, the offline schema and verify.
*/
#include "harness.h"
#include "retort.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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
	int line = 0;

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
		CHECK_STR(retort_revision_statement(r, RETORT_UPGRADE, 0, &line),
			"CREATE TABLE pet(id INTEGER PRIMARY KEY, name TEXT DEFAULT 'a;b');");
		CHECK_INT(line, 9);
		CHECK(strncmp(retort_revision_statement(r, RETORT_UPGRADE, 1, &line),
			"CREATE TRIGGER t", 16) == 0);
		CHECK_INT(line, 11);
		CHECK(strstr(retort_revision_statement(r, RETORT_UPGRADE, 1, NULL), "SELECT 1;\nEND;"));
		CHECK_STR(retort_revision_statement(r, RETORT_UPGRADE, 2, &line),
			"INSERT INTO pet(name) VALUES ('no semicolon at the end');");
		CHECK_INT(line, 16);
		CHECK_INT(retort_revision_statement_count(r, RETORT_DOWNGRADE), 1);
		retort_revision_statement(r, RETORT_DOWNGRADE, 0, &line);
		CHECK_INT(line, 19);
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
	CHECK_INT(retort_schema_equal(schema, expected, NULL), 1);
	retort_schema_free(schema);
	schema = NULL;
	CHECK_INT(retort_revisions_schema(&schema, revs, "base", NULL, NULL), 0);
	CHECK_INT(schema ? retort_schema_table_count(schema) : 99, 0);

	CHECK_INT(retort_revisions_verify(revs, NULL, &failed, &err), RETORT_EMISMATCH);
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

int main(void)
{
	char cmd[300];
	int rc;

	snprintf(root, sizeof(root), "/tmp/retort-test-revisions-XXXXXX");
	if (!mkdtemp(root)) {
		perror("mkdtemp");
		return 1;
	}
	test_parse_and_split();
	test_checksums();
	test_malformed();
	test_graph_and_targets();
	test_write_schema_verify();
	rc = harness_done();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", root);
	return rc;
}
