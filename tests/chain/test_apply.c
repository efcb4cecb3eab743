/*
** test_apply.c: the apply engine on real database files: upgrade, downgrade
** and stamp to several targets with the version and history tables they
** leave; a failing statement and a foreign-key violation rolled back with
** their place in the file; the dry run's script (the file untouched, the
** script run by the sqlite3 shell); the backup; DATA_LOSS for a dropped
** table, a dropped column, a generated rebuild and renames; one transaction;
** foreign keys restored; refusals (a handle in a transaction, a lock held
** past the timeout, an unknown revision); another handle moving the
** database between two revisions; changed files; PROGRESS; cancellation
** (a long statement stopped and its revision rolled back, from an event and
** from another thread; one transaction; the backup; a stamp).
*/
#include "harness.h"
#include "retort.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static char root[256];
static int dir_seq, have_shell;

/* ---- files and databases -------------------------------------------- */

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	if (buf)
		buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static const char *new_dir(char *out, size_t size)
{
	snprintf(out, size, "%s/d%d", root, ++dir_seq);
	if (mkdir(out, 0755) != 0) {
		perror(out);
		exit(1);
	}
	return out;
}

/*
** Write revision `id` into `dir`. The layout is fixed, so that lines are
** known: the `-- retort:upgrade` marker is line 6 and the upgrade section's
** first line is line 7.
*/
static void write_rev(const char *dir, const char *id, const char *parent,
	const char *up, const char *down)
{
	static int created;
	char name[64], text[8192];

	snprintf(name, sizeof(name), "%s_rev.sql", id);
	snprintf(text, sizeof(text),
		"-- retort revision: %s\n-- parent: %s\n-- message: revision %s\n"
		"-- created: 2026-11-20T10:%02d:00Z\n\n-- retort:upgrade\n%s\n\n"
		"-- retort:downgrade\n%s\n", id, parent, id, created++ % 60, up, down);
	harness_write_file(dir, name, text);
}

static retort_revisions *load(const char *dir)
{
	retort_revisions *revs = NULL;
	retort_error *err = NULL;

	if (retort_revisions_load(&revs, dir, &err) != 0) {
		fprintf(stderr, "cannot load %s: %s\n", dir, err ? err->message : "?");
		exit(1);
	}
	return revs;
}

static sqlite3 *open_db(const char *path)
{
	sqlite3 *db = NULL;

	if (sqlite3_open(path, &db) != SQLITE_OK) {
		fprintf(stderr, "cannot open %s\n", path);
		exit(1);
	}
	return db;
}

/* The first column of the first row of `sql`, as text ("" for none). */
static const char *q(sqlite3 *db, const char *fmt, ...)
{
	static char out[4096];
	char sql[2048];
	sqlite3_stmt *st = NULL;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sql, sizeof(sql), fmt, ap);
	va_end(ap);
	out[0] = '\0';
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		snprintf(out, sizeof(out), "error: %s", sqlite3_errmsg(db));
	else if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(out, sizeof(out), "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return out;
}

static long long qi(sqlite3 *db, const char *sql)
{
	return strtoll(q(db, "%s", sql), NULL, 10);
}

/* The version table's rows, joined with ','. */
static const char *version_of(sqlite3 *db)
{
	return q(db, "SELECT coalesce(group_concat(revision, ','), '') FROM "
		"(SELECT revision FROM retort_version ORDER BY revision)");
}

static int occurrences(const char *hay, const char *needle)
{
	int n = 0;

	for (; (hay = strstr(hay, needle)) != NULL; hay++)
		n++;
	return n;
}

static int ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), k = strlen(tail);

	return n >= k && strcmp(s + n - k, tail) == 0;
}

/* ---- events --------------------------------------------------------- */

typedef struct seen {
	retort_event_kind kind;
	retort_direction dir;
	char rev[13];
	char table[64], column[64];
	long long rows, values;
	int line;
	double seconds;
} seen;

typedef struct recorder {
	seen ev[256];
	int n;
	char script[65536]; /* every STATEMENT, each on its own line */
	sqlite3 *db;        /* when set: PRAGMA foreign_keys while statements run */
	int fk_during;
	/* called at each DONE, to move the database from another handle */
	void (*on_done)(struct recorder *rec, const retort_event *ev);
} recorder;

static void record(void *ctx, const retort_event *e)
{
	recorder *rec = ctx;
	seen *s = rec->n < 256 ? &rec->ev[rec->n++] : NULL;
	size_t len;

	if (s) {
		memset(s, 0, sizeof(*s));
		s->kind = e->kind;
		s->dir = e->direction;
		snprintf(s->rev, sizeof(s->rev), "%s", e->revision ? retort_revision_id(e->revision) : "");
		snprintf(s->table, sizeof(s->table), "%s", e->table ? e->table : "");
		snprintf(s->column, sizeof(s->column), "%s", e->column ? e->column : "");
		s->rows = e->rows;
		s->values = e->values;
		s->line = e->line;
		s->seconds = e->seconds;
	}
	if (e->kind == RETORT_EVENT_STATEMENT) {
		len = strlen(rec->script);
		snprintf(rec->script + len, sizeof(rec->script) - len, "%s%s", e->sql,
			e->sql[strlen(e->sql) - 1] == '\n' ? "" : "\n");
		if (rec->db && e->revision)
			rec->fk_during += (int)qi(rec->db, "PRAGMA foreign_keys");
	}
	if (e->kind == RETORT_EVENT_DONE && rec->on_done)
		rec->on_done(rec, e);
}

static int count_kind(const recorder *rec, retort_event_kind kind)
{
	int i, n = 0;

	for (i = 0; i < rec->n; i++)
		n += rec->ev[i].kind == kind;
	return n;
}

/* The one DATA_LOSS event for table.column (column "" for the table), or NULL. */
static const seen *loss(const recorder *rec, const char *table, const char *column)
{
	int i;

	for (i = 0; i < rec->n; i++)
		if (rec->ev[i].kind == RETORT_EVENT_DATA_LOSS && strcmp(rec->ev[i].table, table) == 0 &&
		    strcmp(rec->ev[i].column, column) == 0)
			return &rec->ev[i];
	return NULL;
}

static retort_migrate_options options(recorder *rec)
{
	retort_migrate_options o = RETORT_MIGRATE_OPTIONS_INIT;

	memset(rec, 0, sizeof(*rec));
	o.on_event = record;
	o.ctx = rec;
	return o;
}

typedef int (*migrate_fn)(sqlite3 *, const retort_revisions *, const char *,
	const retort_migrate_options *, retort_error **);

/* Run `fn` to `target`; the result code, with the error printed when it is
** not `want`. */
static int run(migrate_fn fn, sqlite3 *db, const retort_revisions *revs, const char *target,
	const retort_migrate_options *o, int want, retort_error **keep)
{
	retort_error *err = NULL;
	int rc = fn(db, revs, target, o, &err);

	if (rc != want)
		fprintf(stderr, "%s: rc %d: %s\n", target, rc, err ? err->message : "(no error)");
	if (keep)
		*keep = err;
	else
		retort_error_free(err);
	return rc;
}

/* ---- the main chain ------------------------------------------------- */

#define R1 "a00000000001"
#define R2 "a00000000002"
#define R3 "a00000000003"
#define R4 "a00000000004"
#define R5 "a00000000005"

static char chain_a[300];
/* chain_a as loaded by main, for the cases that only read it */
static retort_revisions *revs_a;

/* r4 is what autogenerate writes for "drop born, add a CHECK": a rebuild. */
static void write_chain_a(void)
{
	static const char *from =
		"CREATE TABLE owner (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n"
		"CREATE TABLE pet (id INTEGER PRIMARY KEY, name TEXT NOT NULL, born TEXT,"
		" owner_id INTEGER REFERENCES owner (id), weight REAL);\n";
	static const char *to =
		"CREATE TABLE owner (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n"
		"CREATE TABLE pet (id INTEGER PRIMARY KEY, name TEXT NOT NULL CHECK (length(name) > 0),"
		" owner_id INTEGER REFERENCES owner (id), weight REAL);\n";
	retort_schema *a = NULL, *b = NULL;
	retort_plan *plan = NULL;
	retort_error *err = NULL;

	if (retort_schema_from_sql(&a, from, "from", NULL, &err) ||
	    retort_schema_from_sql(&b, to, "to", NULL, &err) || retort_diff(&plan, a, b, &err)) {
		fprintf(stderr, "cannot plan r4: %s\n", err ? err->message : "?");
		exit(1);
	}
	new_dir(chain_a, sizeof(chain_a));
	write_rev(chain_a, R1, "none",
		"CREATE TABLE owner (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n"
		"CREATE TABLE pet (id INTEGER PRIMARY KEY, name TEXT NOT NULL, born TEXT,"
		" owner_id INTEGER REFERENCES owner (id));",
		"DROP TABLE pet;\nDROP TABLE owner;");
	write_rev(chain_a, R2, R1,
		"INSERT INTO owner VALUES (1, 'ann'), (2, 'bob');\n"
		"INSERT INTO pet VALUES (1, 'rex', '2019', 1), (2, 'tom', NULL, 2), (3, 'kit', '2021', NULL);",
		"DELETE FROM pet;\nDELETE FROM owner;");
	write_rev(chain_a, R3, R2,
		"ALTER TABLE pet ADD COLUMN weight REAL;\nUPDATE pet SET weight = 4.5 WHERE id < 3;",
		"ALTER TABLE pet DROP COLUMN weight;");
	/* the generated rebuild, as autogenerate writes it */
	CHECK(strstr(retort_plan_sql(plan, RETORT_UPGRADE), "INSERT INTO \"_retort_new_pet\"") != NULL);
	write_rev(chain_a, R4, R3, retort_plan_sql(plan, RETORT_UPGRADE),
		retort_plan_sql(plan, RETORT_DOWNGRADE));
	write_rev(chain_a, R5, R4,
		"CREATE TABLE tag (id INTEGER PRIMARY KEY, label TEXT);\n"
		"INSERT INTO tag VALUES (1, 'a'), (2, 'b'), (3, NULL);",
		"DROP TABLE tag;");
	retort_plan_free(plan);
	retort_schema_free(a);
	retort_schema_free(b);
}

/* A file database upgraded to `target` on chain A. */
static sqlite3 *db_at(const char *path, const retort_revisions *revs, const char *target)
{
	retort_migrate_options o = RETORT_MIGRATE_OPTIONS_INIT;
	sqlite3 *db;

	unlink(path);
	db = open_db(path);
	if (strcmp(target, "base") != 0)
		run(retort_upgrade, db, revs, target, &o, 0, NULL);
	return db;
}

static int iso_time(const char *s)
{
	return strlen(s) == 24 && s[4] == '-' && s[10] == 'T' && s[13] == ':' && s[19] == '.' &&
		s[23] == 'Z';
}

static void check_history_row(sqlite3 *db, int id, const char *rev, const char *direction,
	const char *sha)
{
	char started[64], finished[64];

	CHECK_STR(q(db, "SELECT revision FROM retort_history WHERE id = %d", id), rev);
	CHECK_STR(q(db, "SELECT direction FROM retort_history WHERE id = %d", id), direction);
	CHECK_STR(q(db, "SELECT coalesce(sha256, 'NULL') FROM retort_history WHERE id = %d", id), sha);
	snprintf(started, sizeof(started), "%s", q(db, "SELECT started FROM retort_history WHERE id = %d", id));
	snprintf(finished, sizeof(finished), "%s", q(db, "SELECT finished FROM retort_history WHERE id = %d", id));
	CHECK(iso_time(started));
	CHECK(iso_time(finished));
	CHECK(strcmp(started, finished) <= 0);
	CHECK(strtoll(q(db, "SELECT duration_ms FROM retort_history WHERE id = %d", id), NULL, 10) >= 0);
	CHECK_STR(q(db, "SELECT retort_version FROM retort_history WHERE id = %d", id), RETORT_VERSION);
	CHECK_STR(q(db, "SELECT typeof(git_commit) FROM retort_history WHERE id = %d", id), "null");
}

static void test_targets(void)
{
	const retort_revisions *revs = revs_a;
	const retort_revision *r[6];
	char path[300];
	recorder rec;
	retort_migrate_options o = options(&rec);
	retort_error *err = NULL;
	char **cur = NULL;
	size_t n = 0, i;
	const seen *l;
	sqlite3 *db;

	for (i = 1; i <= 5; i++) {
		char id[13];
		snprintf(id, sizeof(id), "a0000000000%zu", i);
		r[i] = retort_revisions_get(revs, id);
	}
	snprintf(path, sizeof(path), "%s/targets.db", root);
	db = db_at(path, revs, "base");

	/* no version table yet: at base */
	CHECK_INT(retort_current(&cur, &n, db, NULL, NULL), 0);
	CHECK_INT(n, 0);
	retort_strings_free(cur, n);

	CHECK_INT(run(retort_upgrade, db, revs, R2, &o, 0, NULL), 0);
	CHECK_STR(version_of(db), R2);
	CHECK_INT(qi(db, "SELECT count(*) FROM pet"), 3);
	CHECK_INT(count_kind(&rec, RETORT_EVENT_BEGIN), 2);
	CHECK_INT(count_kind(&rec, RETORT_EVENT_DONE), 2);
	CHECK_INT(count_kind(&rec, RETORT_EVENT_DATA_LOSS), 0);
	CHECK_INT(qi(db, "SELECT count(*) FROM retort_history"), 2);
	check_history_row(db, 1, R1, "upgrade", retort_revision_sha256(r[1], RETORT_UPGRADE));
	check_history_row(db, 2, R2, "upgrade", retort_revision_sha256(r[2], RETORT_UPGRADE));
	/* every statement was reported, its own and the engine's */
	CHECK(strstr(rec.script, "INSERT INTO owner VALUES (1, 'ann'), (2, 'bob');\n") != NULL);
	CHECK(strstr(rec.script, "INSERT INTO \"retort_version\" (revision) VALUES ('" R1 "');") != NULL);
	CHECK(strstr(rec.script, "UPDATE \"retort_version\" SET revision = '" R2 "';") != NULL);

	/* +1 from where the database is */
	o = options(&rec);
	CHECK_INT(run(retort_upgrade, db, revs, "+1", &o, 0, NULL), 0);
	CHECK_STR(version_of(db), R3);

	/* head: the rebuild that drops pet.born reports its 2 values */
	o = options(&rec);
	CHECK_INT(run(retort_upgrade, db, revs, "head", &o, 0, NULL), 0);
	CHECK_STR(version_of(db), R5);
	CHECK_INT(count_kind(&rec, RETORT_EVENT_DATA_LOSS), 1);
	l = loss(&rec, "pet", "born");
	CHECK(l != NULL);
	if (l) {
		CHECK_INT(l->values, 2);
		CHECK_STR(l->rev, R4);
		CHECK_INT(l->dir, RETORT_UPGRADE);
	}
	CHECK_INT(qi(db, "SELECT count(*) FROM pragma_table_info('pet') WHERE name = 'born'"), 0);
	CHECK_STR(q(db, "SELECT group_concat(name || ':' || coalesce(weight, '-'), ' ') FROM "
		"(SELECT * FROM pet ORDER BY id)"), "rex:4.5 tom:4.5 kit:-");
	CHECK_INT(retort_current(&cur, &n, db, NULL, NULL), 0);
	CHECK_INT(n, 1);
	if (n == 1)
		CHECK_STR(cur[0], R5);
	retort_strings_free(cur, n);

	/* the same head again: nothing runs, nothing is written */
	o = options(&rec);
	CHECK_INT(run(retort_upgrade, db, revs, "head", &o, 0, NULL), 0);
	CHECK_INT(rec.n, 0);
	CHECK_INT(qi(db, "SELECT count(*) FROM retort_history"), 5);

	/* down to r3: tag and its 3 rows go; r4's rebuild keeps every column */
	o = options(&rec);
	CHECK_INT(run(retort_downgrade, db, revs, R3, &o, 0, NULL), 0);
	CHECK_STR(version_of(db), R3);
	CHECK_INT(count_kind(&rec, RETORT_EVENT_DATA_LOSS), 1);
	l = loss(&rec, "tag", "");
	CHECK(l != NULL);
	if (l) {
		CHECK_INT(l->rows, 3);
		CHECK_STR(l->rev, R5);
		CHECK_INT(l->dir, RETORT_DOWNGRADE);
	}
	check_history_row(db, 6, R5, "downgrade", retort_revision_sha256(r[5], RETORT_DOWNGRADE));
	check_history_row(db, 7, R4, "downgrade", retort_revision_sha256(r[4], RETORT_DOWNGRADE));
	CHECK_INT(qi(db, "SELECT count(*) FROM pragma_table_info('pet') WHERE name = 'born'"), 1);
	CHECK_INT(qi(db, "SELECT count(*) FROM sqlite_schema WHERE name = 'tag'"), 0);

	/* a revision that is not applied is no target for a downgrade */
	o = options(&rec);
	CHECK_INT(run(retort_downgrade, db, revs, R5, &o, RETORT_EINVALID, &err), RETORT_EINVALID);
	if (err)
		CHECK(strstr(err->message, "is ahead of the database's revision") != NULL);
	retort_error_free(err);
	err = NULL;

	/* -1: r3's ALTER TABLE DROP COLUMN takes 2 weights */
	o = options(&rec);
	CHECK_INT(run(retort_downgrade, db, revs, "-1", &o, 0, NULL), 0);
	CHECK_STR(version_of(db), R2);
	l = loss(&rec, "pet", "weight");
	CHECK(l != NULL);
	if (l)
		CHECK_INT(l->values, 2);
	CHECK_INT(count_kind(&rec, RETORT_EVENT_DATA_LOSS), 1);

	/* stamp: the version table only, one history row per revision */
	o = options(&rec);
	CHECK_INT(run(retort_stamp, db, revs, "head", &o, 0, NULL), 0);
	CHECK_STR(version_of(db), R5);
	CHECK_INT(qi(db, "SELECT count(*) FROM sqlite_schema WHERE name = 'tag'"), 0);
	check_history_row(db, 9, R5, "stamp", retort_revision_sha256(r[5], RETORT_UPGRADE));
	CHECK_INT(count_kind(&rec, RETORT_EVENT_DONE), 1);
	o = options(&rec);
	CHECK_INT(run(retort_stamp, db, revs, "base", &o, 0, NULL), 0);
	CHECK_STR(version_of(db), "");
	CHECK_STR(q(db, "SELECT coalesce(revision, 'NULL') FROM retort_history WHERE id = 10"), "NULL");
	CHECK_STR(q(db, "SELECT direction FROM retort_history WHERE id = 10"), "stamp");
	o = options(&rec);
	CHECK_INT(run(retort_stamp, db, revs, R2, &o, 0, NULL), 0);
	CHECK_STR(version_of(db), R2);

	/* from the stamp, upgrade runs r3, r4, r5 for real */
	o = options(&rec);
	CHECK_INT(run(retort_upgrade, db, revs, "heads", &o, 0, NULL), 0);
	CHECK_STR(version_of(db), R5);
	CHECK_INT(count_kind(&rec, RETORT_EVENT_DONE), 3);
	CHECK_INT(qi(db, "SELECT count(*) FROM tag"), 3);

	/* and all the way down: the last drops report empty tables */
	o = options(&rec);
	CHECK_INT(run(retort_downgrade, db, revs, "base", &o, 0, NULL), 0);
	CHECK_STR(version_of(db), "");
	l = loss(&rec, "pet", "");
	CHECK(l != NULL && l->rows == 0);
	CHECK_INT(qi(db, "SELECT count(*) FROM sqlite_schema"
		" WHERE name NOT LIKE 'retort_%' AND name NOT LIKE 'sqlite_%'"), 0);
	CHECK_INT(qi(db, "SELECT count(*) FROM retort_history WHERE direction = 'downgrade'"), 8);
	sqlite3_close(db);
}

/* Two branches and their merge: the version table holds every head. */
static void test_branches(void)
{
	char dir[300], path[300];
	retort_revisions *revs;
	recorder rec;
	retort_migrate_options o = options(&rec);
	sqlite3 *db;

	new_dir(dir, sizeof(dir));
	write_rev(dir, "90000000000a", "none", "CREATE TABLE a (x);", "DROP TABLE a;");
	write_rev(dir, "90000000000b", "90000000000a", "CREATE TABLE b (x);", "DROP TABLE b;");
	write_rev(dir, "90000000000c", "90000000000a", "CREATE TABLE c (x);", "DROP TABLE c;");
	revs = load(dir);
	snprintf(path, sizeof(path), "%s/branches.db", root);
	db = db_at(path, revs, "base");
	CHECK_INT(run(retort_upgrade, db, revs, "90000000000c", &o, 0, NULL), 0);
	CHECK_STR(version_of(db), "90000000000c");
	o = options(&rec);
	CHECK_INT(run(retort_upgrade, db, revs, "heads", &o, 0, NULL), 0);
	CHECK_STR(version_of(db), "90000000000b,90000000000c");
	CHECK_INT(count_kind(&rec, RETORT_EVENT_DONE), 1);
	retort_revisions_free(revs);

	write_rev(dir, "90000000000d", "90000000000b,90000000000c", "CREATE TABLE d (x);",
		"DROP TABLE d;");
	revs = load(dir);
	o = options(&rec);
	CHECK_INT(run(retort_upgrade, db, revs, "head", &o, 0, NULL), 0);
	CHECK_STR(version_of(db), "90000000000d");
	/* down to one branch: only the merge descends from it */
	o = options(&rec);
	CHECK_INT(run(retort_downgrade, db, revs, "90000000000b", &o, 0, NULL), 0);
	CHECK_STR(version_of(db), "90000000000b,90000000000c");
	CHECK_INT(qi(db, "SELECT count(*) FROM sqlite_schema WHERE name = 'd'"), 0);
	o = options(&rec);
	CHECK_INT(run(retort_downgrade, db, revs, "90000000000a", &o, 0, NULL), 0);
	CHECK_STR(version_of(db), "90000000000a");
	CHECK_INT(count_kind(&rec, RETORT_EVENT_DONE), 2);
	o = options(&rec);
	CHECK_INT(run(retort_downgrade, db, revs, "base", &o, 0, NULL), 0);
	CHECK_STR(version_of(db), "");
	CHECK_INT(qi(db, "SELECT count(*) FROM sqlite_schema WHERE name IN ('a', 'b', 'c', 'd')"), 0);
	sqlite3_close(db);
	retort_revisions_free(revs);
}

/* ---- failures ------------------------------------------------------- */

static void test_failing_statement(void)
{
	char dir[300], path[300];
	retort_revisions *revs;
	recorder rec;
	retort_migrate_options o = options(&rec);
	retort_error *err = NULL;
	sqlite3 *db;

	new_dir(dir, sizeof(dir));
	write_rev(dir, "b00000000001", "none",
		"CREATE TABLE t (x INTEGER NOT NULL);\nINSERT INTO t VALUES (1), (2);", "DROP TABLE t;");
	/* lines 7, 8 (blank), 9: the failing INSERT, its bad word at column 28 */
	write_rev(dir, "b00000000002", "b00000000001",
		"INSERT INTO t VALUES (10);\n\n  INSERT INTO t VALUES (1) garbage;", "DELETE FROM t;");
	/* a failure while the statement steps: the NOT NULL of line 8 */
	write_rev(dir, "b00000000003", "b00000000002",
		"INSERT INTO t VALUES (11);\nINSERT INTO t VALUES (NULL);", "SELECT 1;");
	revs = load(dir);
	snprintf(path, sizeof(path), "%s/fail.db", root);
	unlink(path);
	db = open_db(path);
	CHECK_INT(run(retort_upgrade, db, revs, "head", &o, RETORT_EDB, &err), RETORT_EDB);
	CHECK(err != NULL);
	if (err) {
		CHECK_STR(err->message, "near \"garbage\": syntax error");
		CHECK(err->path && strstr(err->path, "b00000000002_rev.sql") != NULL);
		CHECK_INT(err->line, 9);
		CHECK_INT(err->column, 28);
		CHECK_STR(err->source_line, "  INSERT INTO t VALUES (1) garbage;");
	}
	retort_error_free(err);
	err = NULL;
	/* the first revision stays; the failed one left nothing behind */
	CHECK_STR(version_of(db), "b00000000001");
	CHECK_STR(q(db, "SELECT group_concat(x) FROM t"), "1,2");
	CHECK_INT(qi(db, "SELECT count(*) FROM retort_history"), 1);
	CHECK_INT(sqlite3_get_autocommit(db), 1);
	CHECK_INT(count_kind(&rec, RETORT_EVENT_DONE), 1);
	sqlite3_close(db);
	retort_revisions_free(revs);

	/* a revision's COMMIT would commit half of it: refused at its line */
	write_rev(dir, "b00000000002", "b00000000001",
		"INSERT INTO t VALUES (10);\nCOMMIT;\nINSERT INTO t VALUES (11);", "DELETE FROM t;");
	revs = load(dir);
	db = open_db(path);
	o = options(&rec);
	CHECK_INT(run(retort_upgrade, db, revs, "head", &o, RETORT_EINVALID, &err), RETORT_EINVALID);
	if (err)
		CHECK_INT(err->line, 8);
	retort_error_free(err);
	err = NULL;
	CHECK_STR(q(db, "SELECT group_concat(x) FROM t"), "1,2");
	CHECK_STR(version_of(db), "b00000000001");
	sqlite3_close(db);
	retort_revisions_free(revs);

	/* fixed: b2 runs, b3 fails as it steps (no offset: its first token) */
	write_rev(dir, "b00000000002", "b00000000001",
		"INSERT INTO t VALUES (10);\nINSERT INTO nosuch VALUES (1);", "DELETE FROM t;");
	revs = load(dir);
	db = open_db(path);
	o = options(&rec);
	CHECK_INT(run(retort_upgrade, db, revs, "head", &o, RETORT_EDB, &err), RETORT_EDB);
	if (err) {
		CHECK_STR(err->message, "no such table: nosuch");
		CHECK_INT(err->line, 8);
		CHECK_INT(err->column, 1);
	}
	retort_error_free(err);
	err = NULL;
	sqlite3_close(db);
	retort_revisions_free(revs);
	write_rev(dir, "b00000000002", "b00000000001", "INSERT INTO t VALUES (10);", "DELETE FROM t;");
	revs = load(dir);
	db = open_db(path);
	o = options(&rec);
	CHECK_INT(run(retort_upgrade, db, revs, "head", &o, RETORT_EDB, &err), RETORT_EDB);
	if (err) {
		CHECK_STR(err->message, "NOT NULL constraint failed: t.x");
		CHECK_INT(err->line, 8);
		CHECK_INT(err->column, 1);
	}
	retort_error_free(err);
	CHECK_STR(version_of(db), "b00000000002");
	CHECK_STR(q(db, "SELECT group_concat(x) FROM t"), "1,2,10");
	sqlite3_close(db);
	retort_revisions_free(revs);
}

static void test_foreign_keys(void)
{
	char dir[300], path[300];
	retort_revisions *revs;
	recorder rec;
	retort_migrate_options o = options(&rec);
	retort_error *err = NULL;
	sqlite3 *db;

	new_dir(dir, sizeof(dir));
	write_rev(dir, "c00000000001", "none",
		"CREATE TABLE parent (id INTEGER PRIMARY KEY);\n"
		"CREATE TABLE child (id INTEGER PRIMARY KEY, pid INTEGER REFERENCES parent (id) ON DELETE CASCADE);\n"
		"INSERT INTO parent VALUES (1), (2);\nINSERT INTO child VALUES (1, 1), (2, 1), (3, 2);",
		"DROP TABLE child;\nDROP TABLE parent;");
	/* with enforcement off nothing cascades: the children of 1 are orphans */
	write_rev(dir, "c00000000002", "c00000000001", "DELETE FROM parent WHERE id = 1;",
		"INSERT INTO parent VALUES (1);");
	revs = load(dir);
	snprintf(path, sizeof(path), "%s/fk.db", root);
	unlink(path);
	db = open_db(path);
	sqlite3_exec(db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
	rec.db = db;
	CHECK_INT(run(retort_upgrade, db, revs, "c00000000001", &o, 0, NULL), 0);
	CHECK_INT(rec.fk_during, 0);
	CHECK_INT(qi(db, "PRAGMA foreign_keys"), 1);

	o = options(&rec);
	CHECK_INT(run(retort_upgrade, db, revs, "head", &o, RETORT_EDB, &err), RETORT_EDB);
	if (err) {
		CHECK(strstr(err->message, "child") != NULL);
		CHECK(strstr(err->message, "parent") != NULL);
		CHECK(strstr(err->message, "rowid 1, 2") != NULL);
		CHECK(err->path && strstr(err->path, "c00000000002_rev.sql") != NULL);
	}
	retort_error_free(err);
	/* rolled back: the parent and every child are still there */
	CHECK_STR(version_of(db), "c00000000001");
	CHECK_INT(qi(db, "SELECT count(*) FROM parent"), 2);
	CHECK_INT(qi(db, "SELECT count(*) FROM child"), 3);
	/* restored after a failure too */
	CHECK_INT(qi(db, "PRAGMA foreign_keys"), 1);
	sqlite3_close(db);
	retort_revisions_free(revs);
}

static void test_one_transaction(void)
{
	const retort_revisions *a = revs_a;
	char dir[300], path[300];
	retort_revisions *revs;
	recorder rec;
	retort_migrate_options o = options(&rec);
	retort_error *err = NULL;
	sqlite3 *db;

	new_dir(dir, sizeof(dir));
	write_rev(dir, "d00000000001", "none", "CREATE TABLE t (x);", "DROP TABLE t;");
	write_rev(dir, "d00000000002", "d00000000001", "INSERT INTO t VALUES (1);", "DELETE FROM t;");
	write_rev(dir, "d00000000003", "d00000000002", "INSERT INTO t VALUES (2);\nSELECT nosuch();",
		"SELECT 1;");
	revs = load(dir);
	snprintf(path, sizeof(path), "%s/one.db", root);
	unlink(path);
	db = open_db(path);
	o.one_transaction = 1;
	CHECK_INT(run(retort_upgrade, db, revs, "head", &o, RETORT_EDB, &err), RETORT_EDB);
	if (err)
		CHECK_INT(err->line, 8);
	retort_error_free(err);
	/* nothing at all: not the tables, not the engine's own */
	CHECK_INT(qi(db, "SELECT count(*) FROM sqlite_schema"), 0);
	sqlite3_close(db);
	retort_revisions_free(revs);

	/* a whole chain in one transaction */
	db = db_at(path, a, "base");
	o = options(&rec);
	o.one_transaction = 1;
	CHECK_INT(run(retort_upgrade, db, a, "head", &o, 0, NULL), 0);
	CHECK_STR(version_of(db), R5);
	CHECK_INT(qi(db, "SELECT count(*) FROM retort_history"), 5);
	CHECK_INT(count_kind(&rec, RETORT_EVENT_DONE), 5);
	CHECK_INT(occurrences(rec.script, "BEGIN IMMEDIATE;"), 1);
	CHECK_INT(occurrences(rec.script, "COMMIT;"), 1);
	sqlite3_close(db);
}

/* ---- dry run and backup --------------------------------------------- */

static void test_dry_run(void)
{
	const retort_revisions *revs = revs_a;
	char path[300], copy[300], script[300], cmd[2000];
	recorder rec;
	retort_migrate_options o = options(&rec);
	char *before, *after;
	size_t nb = 0, na = 0;
	sqlite3 *db, *mem;
	const seen *l;

	snprintf(path, sizeof(path), "%s/dry.db", root);
	db = db_at(path, revs, R2);
	sqlite3_exec(db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
	before = read_all(path, &nb);
	o.dry_run = 1;
	CHECK_INT(run(retort_upgrade, db, revs, "head", &o, 0, NULL), 0);
	after = read_all(path, &na);
	CHECK(before && after && nb == na && memcmp(before, after, nb) == 0);
	free(before);
	free(after);
	CHECK_STR(version_of(db), R2);
	CHECK_INT(qi(db, "PRAGMA foreign_keys"), 1);
	CHECK_INT(count_kind(&rec, RETORT_EVENT_DONE), 3);
	/* the live pet's born values, even though nothing ran */
	l = loss(&rec, "pet", "born");
	CHECK(l != NULL && l->values == 2);
	/* the engine's tables in the first transaction, each one guarded */
	CHECK(strncmp(rec.script, "PRAGMA foreign_keys = OFF;\nBEGIN IMMEDIATE;\n"
		"CREATE TABLE IF NOT EXISTS \"retort_version\"", 87) == 0);
	CHECK_INT(occurrences(rec.script, "CREATE TEMP TABLE retort_guard "), 3);
	CHECK(strstr(rec.script, "PRAGMA foreign_key_check;\nCREATE TEMP TABLE retort_fk_guard") != NULL);
	CHECK(ends_with(rec.script, "COMMIT;\nPRAGMA foreign_keys = ON;\n"));
	CHECK_INT(occurrences(rec.script, "BEGIN IMMEDIATE;"), 3);
	sqlite3_close(db);

	/* the script runs in the sqlite3 shell and gives what a real run gives */
	snprintf(copy, sizeof(copy), "%s/dry-copy.db", root);
	if (have_shell) {
		snprintf(script, sizeof(script), "%s/dry.sql", root);
		snprintf(cmd, sizeof(cmd), "cp '%s' '%s' && sqlite3 -bail '%s' < '%s' > /dev/null",
			path, copy, copy, script);
		harness_write_file(root, "dry.sql", rec.script);
		CHECK_INT(system(cmd), 0);
		db = open_db(copy);
		CHECK_STR(version_of(db), R5);
		CHECK_INT(qi(db, "SELECT count(*) FROM retort_history"), 5);
		CHECK_STR(q(db, "SELECT group_concat(direction) FROM retort_history WHERE id > 2"),
			"upgrade,upgrade,upgrade");
		CHECK(iso_time(q(db, "SELECT started FROM retort_history WHERE id = 5")));
		CHECK_INT(qi(db, "SELECT count(*) FROM pragma_table_info('pet') WHERE name = 'born'"), 0);
		CHECK_INT(qi(db, "SELECT count(*) FROM tag"), 3);
		sqlite3_close(db);
	}

	/* a database not made yet (an empty handle) is at base */
	mem = open_db(":memory:");
	o = options(&rec);
	o.dry_run = 1;
	CHECK_INT(run(retort_upgrade, mem, revs, "head", &o, 0, NULL), 0);
	CHECK_INT(count_kind(&rec, RETORT_EVENT_DONE), 5);
	CHECK_INT(count_kind(&rec, RETORT_EVENT_DATA_LOSS), 0);
	CHECK_INT(qi(mem, "SELECT count(*) FROM sqlite_schema"), 0);
	CHECK(strstr(rec.script, "PRAGMA foreign_keys = ON;") == NULL);
	sqlite3_close(mem);

	/* a dry downgrade follows r4's rebuild: r3's DROP COLUMN weight takes
	** the live pet.weight it was copied from (later data statements are not
	** replayed: r1 drops pet's live rows) */
	db = db_at(copy, revs, "head");
	o = options(&rec);
	o.dry_run = 1;
	CHECK_INT(run(retort_downgrade, db, revs, "base", &o, 0, NULL), 0);
	CHECK_STR(version_of(db), R5);
	l = loss(&rec, "tag", "");
	CHECK(l != NULL && l->rows == 3 && strcmp(l->rev, R5) == 0);
	l = loss(&rec, "pet", "weight");
	CHECK(l != NULL && l->values == 2 && strcmp(l->rev, R3) == 0);
	l = loss(&rec, "pet", "");
	CHECK(l != NULL && l->rows == 3 && strcmp(l->rev, R1) == 0);
	l = loss(&rec, "owner", "");
	CHECK(l != NULL && l->rows == 2);
	CHECK_INT(count_kind(&rec, RETORT_EVENT_DATA_LOSS), 4);
	sqlite3_close(db);

	/* a dry stamp */
	db = open_db(path);
	o = options(&rec);
	o.dry_run = 1;
	CHECK_INT(run(retort_stamp, db, revs, "head", &o, 0, NULL), 0);
	CHECK_STR(version_of(db), R2);
	CHECK(strstr(rec.script, "INSERT INTO \"retort_version\" (revision) VALUES ('" R5 "');") != NULL);
	CHECK(strstr(rec.script, "'stamp'") != NULL);
	sqlite3_close(db);
}

static void test_backup(void)
{
	const retort_revisions *revs = revs_a;
	char path[300], bak[300];
	recorder rec;
	retort_migrate_options o = options(&rec);
	retort_error *err = NULL;
	sqlite3 *db, *b;

	snprintf(path, sizeof(path), "%s/backup.db", root);
	snprintf(bak, sizeof(bak), "%s/backup.db.bak", root);
	unlink(bak);
	db = db_at(path, revs, R2);
	o.backup_path = bak;
	CHECK_INT(run(retort_upgrade, db, revs, "head", &o, 0, NULL), 0);
	CHECK_STR(version_of(db), R5);
	b = open_db(bak);
	CHECK_STR(version_of(b), R2);
	CHECK_STR(q(b, "SELECT group_concat(id || name || coalesce(born, '-') || coalesce(owner_id, '-'))"
		" FROM pet"), "1rex20191,2tom-2,3kit2021-");
	CHECK_INT(qi(b, "SELECT count(*) FROM owner"), 2);
	CHECK_INT(qi(b, "SELECT count(*) FROM retort_history"), 2);
	sqlite3_close(b);

	/* never overwritten: refused before anything runs */
	o = options(&rec);
	o.backup_path = bak;
	CHECK_INT(run(retort_downgrade, db, revs, R4, &o, RETORT_EEXISTS, &err), RETORT_EEXISTS);
	retort_error_free(err);
	CHECK_STR(version_of(db), R5);
	b = open_db(bak);
	CHECK_STR(version_of(b), R2);
	sqlite3_close(b);

	/* nothing to run: no backup */
	unlink(bak);
	o = options(&rec);
	o.backup_path = bak;
	CHECK_INT(run(retort_upgrade, db, revs, "head", &o, 0, NULL), 0);
	CHECK(access(bak, F_OK) != 0);
	sqlite3_close(db);
}

/* ---- data loss ------------------------------------------------------ */

static void test_data_loss(void)
{
	char dir[300], path[300];
	retort_revisions *revs;
	recorder rec;
	retort_migrate_options o = options(&rec);
	const seen *l;
	sqlite3 *db;

	new_dir(dir, sizeof(dir));
	write_rev(dir, "e00000000001", "none",
		"CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b TEXT, c TEXT);\n"
		"INSERT INTO t VALUES (1, 'x', NULL, 'z'), (2, NULL, NULL, 'z'), (3, 'x', 'y', 'z');\n"
		"CREATE TABLE keep (id INTEGER PRIMARY KEY, v TEXT);\nINSERT INTO keep VALUES (1, 'v');",
		"DROP TABLE keep;\nDROP TABLE t;");
	/* renames followed back to the live names: t.a goes as u.aa; a table
	** made and dropped in the revision counts nothing; keep's rows are
	** copied before it is dropped, so none of its columns is lost */
	write_rev(dir, "e00000000002", "e00000000001",
		"ALTER TABLE t RENAME TO u;\nALTER TABLE u RENAME COLUMN a TO aa;\n"
		"ALTER TABLE u DROP COLUMN aa;\n"
		"CREATE TABLE scratch (x);\nINSERT INTO scratch VALUES (1);\nDROP TABLE scratch;\n"
		"CREATE TABLE keep2 (id INTEGER PRIMARY KEY, v TEXT);\n"
		"INSERT INTO keep2 SELECT id, v FROM keep;\nDROP TABLE keep;\n"
		"ALTER TABLE keep2 RENAME TO keep;\n"
		"ALTER TABLE u ADD COLUMN d TEXT;\nALTER TABLE u DROP COLUMN d;",
		"ALTER TABLE u RENAME TO t;\nALTER TABLE t ADD COLUMN a TEXT;");
	revs = load(dir);
	snprintf(path, sizeof(path), "%s/loss.db", root);
	unlink(path);
	db = open_db(path);
	CHECK_INT(run(retort_upgrade, db, revs, "e00000000001", &o, 0, NULL), 0);
	o = options(&rec);
	CHECK_INT(run(retort_upgrade, db, revs, "head", &o, 0, NULL), 0);
	CHECK_INT(count_kind(&rec, RETORT_EVENT_DATA_LOSS), 1);
	l = loss(&rec, "t", "a");
	CHECK(l != NULL && l->values == 2);
	CHECK_STR(q(db, "SELECT group_concat(v) FROM keep"), "v");

	/* in a dry run, from the live database: t is the live u */
	o = options(&rec);
	o.dry_run = 1;
	CHECK_INT(run(retort_downgrade, db, revs, "base", &o, 0, NULL), 0);
	l = loss(&rec, "u", "");
	CHECK(l != NULL && l->rows == 3);
	l = loss(&rec, "keep", "");
	CHECK(l != NULL && l->rows == 1);
	CHECK_INT(count_kind(&rec, RETORT_EVENT_DATA_LOSS), 2);
	sqlite3_close(db);
	retort_revisions_free(revs);
}

/* ---- refusals and concurrency --------------------------------------- */

static void test_refusals(void)
{
	const retort_revisions *revs = revs_a;
	char path[300];
	recorder rec;
	retort_migrate_options o = options(&rec);
	retort_error *err = NULL;
	sqlite3 *db, *other;

	snprintf(path, sizeof(path), "%s/refuse.db", root);
	db = db_at(path, revs, R1);

	/* a handle inside a transaction */
	sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	CHECK_INT(run(retort_upgrade, db, revs, "head", &o, RETORT_EINVALID, &err), RETORT_EINVALID);
	if (err)
		CHECK_STR(err->message, "the handle is inside a transaction");
	retort_error_free(err);
	err = NULL;
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);

	/* another handle holds the write lock past the timeout */
	other = open_db(path);
	sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	o = options(&rec);
	o.busy_timeout_ms = 100;
	CHECK_INT(run(retort_upgrade, db, revs, "head", &o, RETORT_EBUSY, &err), RETORT_EBUSY);
	retort_error_free(err);
	err = NULL;
	sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL);
	CHECK_STR(version_of(db), R1);

	/* the database is at a revision the folder does not have */
	sqlite3_exec(other, "UPDATE retort_version SET revision = 'ffffffffffff'", NULL, NULL, NULL);
	sqlite3_close(other);
	o = options(&rec);
	CHECK_INT(run(retort_upgrade, db, revs, "head", &o, RETORT_ENOTFOUND, &err), RETORT_ENOTFOUND);
	if (err)
		CHECK(strstr(err->message, "ffffffffffff") != NULL);
	retort_error_free(err);
	/* stamp is how it is set right */
	o = options(&rec);
	CHECK_INT(run(retort_stamp, db, revs, R1, &o, 0, NULL), 0);
	CHECK_STR(version_of(db), R1);
	sqlite3_close(db);
}

/* Where move_to_r3 works: another handle on the same file. */
static struct {
	const retort_revisions *revs;
	const char *path;
} the_mover;

/* At r1's DONE, a second handle upgrades the same file to r3. */
static void move_to_r3(recorder *rec, const retort_event *ev)
{
	retort_migrate_options o = RETORT_MIGRATE_OPTIONS_INIT;
	sqlite3 *other;

	(void)rec;
	if (strcmp(retort_revision_id(ev->revision), R1) != 0)
		return;
	other = open_db(the_mover.path);
	run(retort_upgrade, other, the_mover.revs, R3, &o, 0, NULL);
	sqlite3_close(other);
}

static void test_concurrent(void)
{
	const retort_revisions *revs = revs_a;
	char path[300];
	recorder rec;
	retort_migrate_options o = options(&rec);
	sqlite3 *db;
	int i, skipped = 0;

	snprintf(path, sizeof(path), "%s/two.db", root);
	db = db_at(path, revs, "base");
	the_mover.revs = revs;
	the_mover.path = path;
	rec.on_done = move_to_r3;
	CHECK_INT(run(retort_upgrade, db, revs, "head", &o, 0, NULL), 0);
	CHECK_STR(version_of(db), R5);
	for (i = 0; i < rec.n; i++)
		if (rec.ev[i].kind == RETORT_EVENT_SKIPPED)
			skipped += strcmp(rec.ev[i].rev, R2) == 0 || strcmp(rec.ev[i].rev, R3) == 0;
	CHECK_INT(skipped, 2);
	CHECK_INT(count_kind(&rec, RETORT_EVENT_DONE), 3);
	/* each revision ran exactly once */
	CHECK_INT(qi(db, "SELECT count(*) FROM retort_history"), 5);
	CHECK_INT(qi(db, "SELECT count(DISTINCT revision) FROM retort_history"), 5);
	CHECK_INT(qi(db, "SELECT count(*) FROM pet"), 3);
	sqlite3_close(db);
}

/* ---- changed files and progress ------------------------------------- */

static void test_changed(void)
{
	char dir[300], path[300];
	retort_revisions *revs;
	retort_migrate_options o = RETORT_MIGRATE_OPTIONS_INIT;
	const retort_revision **changed = NULL;
	size_t n = 0;
	sqlite3 *db;

	new_dir(dir, sizeof(dir));
	write_rev(dir, "f00000000001", "none", "CREATE TABLE t (x);", "DROP TABLE t;");
	write_rev(dir, "f00000000002", "f00000000001", "CREATE TABLE u (x);", "DROP TABLE u;");
	revs = load(dir);
	snprintf(path, sizeof(path), "%s/changed.db", root);
	unlink(path);
	db = open_db(path);
	CHECK_INT(retort_changed_revisions(&changed, &n, db, revs, NULL, NULL), 0);
	CHECK_INT(n, 0);
	free(changed);
	run(retort_upgrade, db, revs, "head", &o, 0, NULL);
	CHECK_INT(retort_changed_revisions(&changed, &n, db, revs, NULL, NULL), 0);
	CHECK_INT(n, 0);
	free(changed);
	retort_revisions_free(revs);

	/* an edit to an applied upgrade section; line endings do not count */
	write_rev(dir, "f00000000001", "none", "CREATE TABLE t (x);", "DROP TABLE t; -- edited");
	write_rev(dir, "f00000000002", "f00000000001", "CREATE TABLE u (x, y);", "DROP TABLE u;");
	revs = load(dir);
	CHECK_INT(retort_changed_revisions(&changed, &n, db, revs, NULL, NULL), 0);
	CHECK_INT(n, 1);
	if (n == 1)
		CHECK_STR(retort_revision_id(changed[0]), "f00000000002");
	free(changed);
	/* stamped again, the file is what the history says */
	run(retort_stamp, db, revs, "head", &o, 0, NULL);
	CHECK_INT(retort_changed_revisions(&changed, &n, db, revs, NULL, NULL), 0);
	CHECK_INT(n, 0);
	free(changed);
	retort_revisions_free(revs);
	sqlite3_close(db);
}

/* A function of the app's handle that takes its time. */
static atomic_int slow_calls;

static void slow(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct timespec ts = { 0, sqlite3_value_int(argv[0]) * 1000L };

	(void)argc;
	atomic_fetch_add(&slow_calls, 1);
	nanosleep(&ts, NULL);
	sqlite3_result_int(ctx, 1);
}

static void test_progress(void)
{
	char dir[300], path[300];
	retort_revisions *revs;
	recorder rec;
	retort_migrate_options o = options(&rec);
	sqlite3 *db;
	int i, progress = 0;

	new_dir(dir, sizeof(dir));
	/* about 1.6 s: 4000 rows of 400 us */
	write_rev(dir, "70000000000a", "none",
		"CREATE TABLE slow_rows AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL\n"
		"  SELECT x + 1 FROM c WHERE x < 4000) SELECT x, slow(400) AS s FROM c;",
		"DROP TABLE slow_rows;");
	revs = load(dir);
	snprintf(path, sizeof(path), "%s/progress.db", root);
	unlink(path);
	db = open_db(path);
	sqlite3_create_function(db, "slow", 1, SQLITE_UTF8, NULL, slow, NULL, NULL);
	CHECK_INT(run(retort_upgrade, db, revs, "head", &o, 0, NULL), 0);
	for (i = 0; i < rec.n; i++) {
		if (rec.ev[i].kind != RETORT_EVENT_PROGRESS)
			continue;
		progress++;
		CHECK(rec.ev[i].seconds >= 1.0);
		CHECK_INT(rec.ev[i].line, 7);
		CHECK_STR(rec.ev[i].rev, "70000000000a");
	}
	CHECK(progress >= 1);
	CHECK_INT(qi(db, "SELECT count(*) FROM slow_rows"), 4000);
	sqlite3_close(db);
	retort_revisions_free(revs);
}

/* ---- cancellation --------------------------------------------------- */

#define C1 "e00000000001"
#define C2 "e00000000002"
#define C3 "e00000000003"

/* Requests the cancel when the statement holding `at` is about to run (or,
** with `by_thread`, lets a thread do it 50 ms later). */
typedef struct canceller {
	retort_cancel *cancel;
	const char *at;
	int by_thread;
	atomic_int reached;
} canceller;

static void cancel_at(void *ctx, const retort_event *e)
{
	canceller *c = ctx;

	if (e->kind != RETORT_EVENT_STATEMENT || !strstr(e->sql, c->at))
		return;
	if (c->by_thread)
		atomic_store(&c->reached, 1);
	else
		retort_cancel_request(c->cancel);
}

static void *cancel_thread(void *arg)
{
	canceller *c = arg;
	struct timespec ts = { 0, 1000000 };
	int i;

	for (i = 0; i < 20000 && !atomic_load(&c->reached); i++)
		nanosleep(&ts, NULL);
	ts.tv_nsec = 50000000;
	nanosleep(&ts, NULL);
	retort_cancel_request(c->cancel);
	return NULL;
}

/* Upgrade `path` (made afresh) to head on `revs`, cancelled at the slow
** statement; the error (its code checked) in `*keep`. */
static sqlite3 *cancelled_run(const char *path, const retort_revisions *revs, int by_thread,
	int one_transaction, retort_error **keep)
{
	retort_migrate_options o = RETORT_MIGRATE_OPTIONS_INIT;
	canceller c = { NULL, "slow_rows", by_thread, 0 };
	pthread_t t;
	sqlite3 *db;

	unlink(path);
	db = open_db(path);
	sqlite3_create_function(db, "slow", 1, SQLITE_UTF8, NULL, slow, NULL, NULL);
	CHECK_INT(retort_cancel_new(&c.cancel, NULL), 0);
	o.on_event = cancel_at;
	o.ctx = &c;
	o.cancel = c.cancel;
	o.one_transaction = one_transaction;
	atomic_store(&slow_calls, 0);
	if (by_thread)
		CHECK_INT(pthread_create(&t, NULL, cancel_thread, &c), 0);
	CHECK_INT(run(retort_upgrade, db, revs, "head", &o, RETORT_ECANCELLED, keep),
		RETORT_ECANCELLED);
	if (by_thread)
		pthread_join(t, NULL);
	retort_cancel_free(c.cancel);
	/* stopped at its first progress check, long before its 4000 rows */
	CHECK(atomic_load(&slow_calls) < 4000);
	CHECK_INT(qi(db, "SELECT count(*) FROM sqlite_schema WHERE name = 'slow_rows'"), 0);
	return db;
}

static void test_cancel(void)
{
	char dir[300], path[300], bak[300], file[400];
	retort_migrate_options o = RETORT_MIGRATE_OPTIONS_INIT;
	retort_revisions *revs;
	retort_cancel *cancel = NULL;
	retort_error *err = NULL;
	sqlite3 *db;
	int by_thread;

	new_dir(dir, sizeof(dir));
	write_rev(dir, C1, "none", "CREATE TABLE t (x);", "DROP TABLE t;");
	write_rev(dir, C2, C1, "INSERT INTO t VALUES (1);", "DELETE FROM t;");
	/* about 1.6 s: 4000 rows of 400 us */
	write_rev(dir, C3, C2,
		"CREATE TABLE slow_rows AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL\n"
		"  SELECT x + 1 FROM c WHERE x < 4000) SELECT x, slow(400) AS s FROM c;",
		"DROP TABLE slow_rows;");
	revs = load(dir);
	snprintf(path, sizeof(path), "%s/cancel.db", root);
	snprintf(file, sizeof(file), "%s/" C3 "_rev.sql", dir);

	/* the statement stopped, its revision rolled back, the ones before kept;
	** asked from the event before it, then from another thread */
	for (by_thread = 0; by_thread < 2; by_thread++) {
		db = cancelled_run(path, revs, by_thread, 0, &err);
		if (err) {
			CHECK_STR(err->message, "upgrade " C3 " cancelled and rolled back");
			CHECK_STR(err->path, file);
			CHECK_INT(err->line, 7);
		}
		retort_error_free(err);
		err = NULL;
		CHECK_STR(version_of(db), C2);
		CHECK_INT(qi(db, "SELECT count(*) FROM t"), 1);
		CHECK_STR(q(db, "SELECT group_concat(revision) FROM retort_history"), C1 "," C2);
		sqlite3_close(db);
	}

	/* one transaction: the whole run goes */
	db = cancelled_run(path, revs, 0, 1, &err);
	if (err)
		CHECK_STR(err->message, "upgrade " C3 " cancelled: the whole run was rolled back "
			"(one transaction)");
	retort_error_free(err);
	err = NULL;
	CHECK_INT(qi(db, "SELECT count(*) FROM sqlite_schema"), 0);
	sqlite3_close(db);

	/* asked before the run: the first revision rolled back, a backup removed */
	CHECK_INT(retort_cancel_new(&cancel, NULL), 0);
	retort_cancel_request(cancel);
	retort_cancel_request(NULL);
	snprintf(bak, sizeof(bak), "%s/cancel.bak", root);
	unlink(bak);
	unlink(path);
	db = open_db(path);
	o.cancel = cancel;
	CHECK_INT(run(retort_upgrade, db, revs, C1, &o, RETORT_ECANCELLED, &err), RETORT_ECANCELLED);
	if (err)
		CHECK_STR(err->message, "upgrade " C1 " cancelled and rolled back");
	retort_error_free(err);
	err = NULL;
	CHECK_INT(qi(db, "SELECT count(*) FROM sqlite_schema"), 0);
	o.cancel = NULL;
	CHECK_INT(run(retort_upgrade, db, revs, C2, &o, 0, NULL), 0);
	o.cancel = cancel;
	o.backup_path = bak;
	CHECK_INT(run(retort_upgrade, db, revs, "head", &o, RETORT_ECANCELLED, &err),
		RETORT_ECANCELLED);
	if (err)
		CHECK(strstr(err->message, "cancel.bak' was cancelled and removed; nothing was changed"));
	retort_error_free(err);
	err = NULL;
	CHECK(access(bak, F_OK) != 0);
	CHECK_STR(version_of(db), C2);
	o.backup_path = NULL;
	/* a stamp, cancelled before its COMMIT */
	CHECK_INT(run(retort_stamp, db, revs, C1, &o, RETORT_ECANCELLED, &err), RETORT_ECANCELLED);
	if (err)
		CHECK_STR(err->message, "stamp cancelled and rolled back");
	retort_error_free(err);
	CHECK_STR(version_of(db), C2);
	/* nothing to do: nothing to cancel */
	CHECK_INT(run(retort_upgrade, db, revs, C2, &o, 0, NULL), 0);
	sqlite3_close(db);
	retort_cancel_free(cancel);
	retort_cancel_free(NULL);
	retort_revisions_free(revs);
}

static const harness_case cases[] = {
	HARNESS_CASE(test_targets),
	HARNESS_CASE(test_branches),
	HARNESS_CASE(test_failing_statement),
	HARNESS_CASE(test_foreign_keys),
	HARNESS_CASE(test_one_transaction),
	HARNESS_CASE(test_dry_run),
	HARNESS_CASE(test_backup),
	HARNESS_CASE(test_data_loss),
	HARNESS_CASE(test_refusals),
	HARNESS_CASE(test_concurrent),
	HARNESS_CASE(test_changed),
	HARNESS_CASE(test_progress),
	HARNESS_CASE(test_cancel),
};

int main(int argc, char **argv)
{
	const char *tmp = getenv("TMPDIR");
	int rc = harness_args(argc, argv, HARNESS_CASES(cases));

	if (rc >= 0)
		return rc;
	snprintf(root, sizeof(root), "%s/retort-apply-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(root)) {
		perror(root);
		return 1;
	}
	have_shell = system("command -v sqlite3 > /dev/null 2>&1") == 0;
	write_chain_a();
	revs_a = load(chain_a);
	harness_run(HARNESS_CASES(cases));
	retort_revisions_free(revs_a);
	if (!harness_failed) {
		char cmd[400];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", root);
	}
	return harness_done();
}
