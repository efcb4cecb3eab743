/*
** test_revisions.c: revision files and the revision graph through the
** public API: parsing and splitting, checksums across line endings, every
** malformed file with its line, the graph, every TARGET form, writing a new
** revision, the offline schema and verify, and the cache of parsed files.
*/
#include "harness.h"
#include "retort.h"

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
				int line = 0;
				const char *sql = retort_revision_statement(r, (retort_direction)k, j, &line);
				fprintf(f, "\n  %d: %s", line, sql);
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
	test_cache();
	rc = harness_done();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", root);
	return rc;
}
