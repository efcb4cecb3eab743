/*
** test_scratch.c: the sealed scratch database (lib/scratch.c): what SQL run
** in it cannot do (attach or write a file, VACUUM INTO, load an extension,
** set a directory or a process-wide limit, write the schema), that what it
** may do still works, that a chained authorizer sees only what the seal
** allows; and the statements retort_scratch_refusal() names (no revision may run
** them).
**
** Test organisation: the file-touching cases run in a mkdtemp() folder and
** check that no file appeared there.
*/
#define _POSIX_C_SOURCE 200809L

#include "harness.h"
#include "scratch.h"

#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

/* Files in the current folder (`.` and `..` aside). */
static int files_here(void)
{
	DIR *d = opendir(".");
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)) != NULL)
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	if (d)
		closedir(d);
	return n;
}

/* SQLITE_OK, or the error code of running `sql`; its message in `msg`. */
static int run(sqlite3 *db, const char *sql, char *msg, size_t size)
{
	char *e = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &e);

	snprintf(msg, size, "%s", e ? e : "");
	sqlite3_free(e);
	return rc;
}

/* `sql` fails on the authorizer: "not authorized", "authorization denied"
** (VACUUM INTO's nested ATTACH), "not authorized to use function: ..." */
#define DENIED(db, sql) do { \
	char m_[256]; \
	CHECK(run(db, sql, m_, sizeof(m_)) != SQLITE_OK); \
	if (!strstr(m_, "authori")) \
		CHECK_STR(m_, "(an authorizer's message)"); \
} while (0)

/* `sql` run as the replay runs a revision (retort_scratch_run), to its end. */
static int script(sqlite3 *db, const char *sql, char *msg, size_t size)
{
	retort_scratch_run r;
	const char *why = "";
	int rc = SQLITE_OK, end;

	retort_scratch_run_init(&r, db);
	while (rc == SQLITE_OK && sql && *sql)
		rc = retort_scratch_run_step(&r, sql, &sql, &why);
	snprintf(msg, size, "%s", rc != SQLITE_OK ? why : "");
	end = retort_scratch_run_end(&r, &why);
	if (rc == SQLITE_OK && end != SQLITE_OK)
		snprintf(msg, size, "%s", why);
	return rc != SQLITE_OK ? rc : end;
}

#define EDIT_U "PRAGMA writable_schema = ON;" \
	"UPDATE sqlite_schema SET sql = 'CREATE TABLE u (a CHECK (a > 1))' WHERE name = 'u';" \
	"PRAGMA writable_schema = RESET"

static void test_seal(void)
{
	sqlite3 *db = NULL;
	char msg[256];
	int on = -1;

	CHECK_INT(retort_scratch_open(&db, NULL), 0);
	if (!db)
		return;
	/* what a scratch database is for still works */
	CHECK_INT(run(db, "CREATE TABLE t (a, b AS (json_extract(a, '$.x')));"
		"CREATE VIEW v AS SELECT json_extract(a, '$.x') FROM t;"
		"CREATE TEMP TABLE scratch (x); INSERT INTO t (a) VALUES ('{\"x\": 1}');"
		"SELECT b FROM t; SELECT * FROM v; PRAGMA foreign_keys = OFF; PRAGMA journal_mode;",
		msg, sizeof(msg)), SQLITE_OK);
	CHECK_STR(msg, "");

	/* no way to a file */
	DENIED(db, "ATTACH 'attached.db' AS w");
	DENIED(db, "ATTACH '' AS w");
	DENIED(db, "DETACH temp");
	DENIED(db, "VACUUM INTO 'vacuumed.db'");
	DENIED(db, "VACUUM main INTO 'vacuumed.db'");
	DENIED(db, "PRAGMA temp_store_directory = '.'");
	DENIED(db, "PRAGMA data_store_directory = '.'");
	DENIED(db, "PRAGMA lock_proxy_file = 'proxy'");
	/* no code loaded, at the top or from the schema */
	DENIED(db, "SELECT load_extension('libm.so.6')");
	CHECK_INT(run(db, "CREATE VIEW ext AS SELECT load_extension('libm.so.6');"
		"CREATE TRIGGER ext AFTER INSERT ON t BEGIN SELECT load_extension('x'); END",
		msg, sizeof(msg)), SQLITE_OK);
	/* SQLite's own rule, before the authorizer: not from a view */
	CHECK_INT(run(db, "SELECT * FROM ext", msg, sizeof(msg)), SQLITE_ERROR);
	CHECK_STR(msg, "unsafe use of load_extension()");
	DENIED(db, "INSERT INTO t (a) VALUES (2)");
	/* plain VACUUM attaches a temporary database: refused as well (a
	** revision cannot VACUUM inside its transaction anyway) */
	DENIED(db, "VACUUM");
	/* no limit for the whole process */
	DENIED(db, "PRAGMA hard_heap_limit = 1");
	DENIED(db, "PRAGMA soft_heap_limit = 1");
	/* a definition edited in place: refused to plain SQL (defensive mode),
	** replayed as on a file by a retort_scratch_run, sealed again after */
	CHECK_INT(run(db, "CREATE TABLE u (a)", msg, sizeof(msg)), SQLITE_OK);
	CHECK_INT(run(db, EDIT_U, msg, sizeof(msg)), SQLITE_ERROR);
	CHECK_STR(msg, "table sqlite_master may not be modified");
	CHECK_INT(script(db, EDIT_U, msg, sizeof(msg)), SQLITE_OK);
	CHECK_INT(run(db, "INSERT INTO u (a) VALUES (0)", msg, sizeof(msg)), SQLITE_CONSTRAINT);
	CHECK_INT(sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, -1, &on), SQLITE_OK);
	CHECK_INT(on, 1);
	CHECK_INT(sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, -1, &on), SQLITE_OK);
	CHECK_INT(on, 0);
	/* VACUUM INTO is stopped by the ATTACH limit too, authorizer or not */
	CHECK_INT(sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, -1), 0);
	sqlite3_set_authorizer(db, NULL, NULL);
	CHECK_INT(run(db, "VACUUM INTO 'vacuumed.db'", msg, sizeof(msg)), SQLITE_ERROR);
	CHECK_STR(msg, "too many attached databases - max 0");
	sqlite3_close(db);
	CHECK_INT(files_here(), 0);
}

typedef struct seen {
	int attach, insert;
} seen;

static int watch(void *ctx, int action, const char *a1, const char *a2, const char *db,
	const char *inner)
{
	seen *s = ctx;

	s->attach += action == SQLITE_ATTACH;
	s->insert += action == SQLITE_INSERT;
	return action == SQLITE_DELETE ? SQLITE_DENY : SQLITE_OK;
}

static void test_chain(void)
{
	sqlite3 *db = NULL;
	seen s = { 0, 0 };
	scratch_watch w = { watch, &s };
	char msg[256];

	CHECK_INT(retort_scratch_open(&db, NULL), 0);
	if (!db)
		return;
	retort_scratch_watch_set(db, &w);
	CHECK_INT(run(db, "CREATE TABLE t (a); INSERT INTO t VALUES (1)", msg, sizeof(msg)),
		SQLITE_OK);
	CHECK(s.insert > 0);
	/* the watch says no to what it wants; the seal answers before it */
	DENIED(db, "DELETE FROM t");
	DENIED(db, "ATTACH 'attached.db' AS w");
	CHECK_INT(s.attach, 0);
	/* unchained: the seal alone */
	retort_scratch_watch_set(db, NULL);
	CHECK_INT(run(db, "DELETE FROM t", msg, sizeof(msg)), SQLITE_OK);
	DENIED(db, "ATTACH 'attached.db' AS w");
	sqlite3_close(db);
	CHECK_INT(files_here(), 0);
}

#define REFUSED(sql, allow, word) do { \
	const char *r_ = retort_scratch_refusal(sql, allow); \
	CHECK(r_ != NULL && strstr(r_, word) != NULL); \
} while (0)

/* A scratch database holding an FTS5 table, an R*Tree and a plain table. */
static sqlite3 *with_vtabs(void)
{
	sqlite3 *db = NULL;
	char msg[256];

	CHECK_INT(retort_scratch_open(&db, NULL), 0);
	CHECK_INT(run(db, "CREATE VIRTUAL TABLE f USING fts5(x); INSERT INTO f VALUES ('a b');"
		"CREATE VIRTUAL TABLE r USING rtree(id, x0, x1); INSERT INTO r VALUES (1, 0, 1);"
		"CREATE TABLE t (a); INSERT INTO t VALUES (5)", msg, sizeof(msg)), SQLITE_OK);
	CHECK_STR(msg, "");
	return db;
}

#define WINDOW(sql) "PRAGMA writable_schema = ON; " sql "; PRAGMA writable_schema = RESET"
#define SHADOW_WRITE "is a virtual table or may be one's shadow table"
#define SCHEMA_CHANGE "sqlite_schema changed more than ordinary tables' definitions"

/* `sql`, run by a retort_scratch_run, fails with a message holding `want`. */
#define SEALED(sql, want) do { \
	sqlite3 *db_ = with_vtabs(); \
	char m_[512]; \
	int on_ = -1; \
	CHECK(script(db_, sql, m_, sizeof(m_)) != SQLITE_OK); \
	if (!strstr(m_, want)) \
		CHECK_STR(m_, want); \
	CHECK_INT(sqlite3_db_config(db_, SQLITE_DBCONFIG_DEFENSIVE, -1, &on_), SQLITE_OK); \
	CHECK_INT(on_, 1); \
	sqlite3_close(db_); \
} while (0)

/*
** Shadow tables of virtual tables (SQLite's "Magellan" bugs came through
** crafted FTS3 ones) and sqlite_schema: never written outside a window
** (defensive mode), nor inside one (the seal), where sqlite_schema may
** change only in ordinary tables' definitions.
*/
static void test_window(void)
{
	sqlite3 *db = with_vtabs();
	char msg[512];
	int on = -1;

	SEALED("INSERT INTO f_data VALUES (99, x'00')", "table f_data may not be modified");
	SEALED("DELETE FROM r_node", "table r_node may not be modified");
	SEALED("UPDATE sqlite_schema SET sql = 'CREATE TABLE t (a, b)' WHERE name = 't'",
		"table sqlite_master may not be modified");
	SEALED(WINDOW("INSERT INTO f_data VALUES (99, x'00')"), "'f_data' " SHADOW_WRITE);
	SEALED(WINDOW("UPDATE r_node SET data = x'00'"), "'r_node' " SHADOW_WRITE);
	SEALED(WINDOW("INSERT INTO f (x) VALUES ('c')"), "'f' " SHADOW_WRITE);
	SEALED(WINDOW("DROP TABLE f_idx"), "'f_idx' " SHADOW_WRITE);
	/* not a name FTS5 uses: no shadow table, but a row added all the same */
	SEALED(WINDOW("CREATE TABLE f_evil (x)"), SCHEMA_CHANGE);
	/* a trigger's body is checked where it is compiled: the window adds no row */
	SEALED(WINDOW("CREATE TRIGGER k AFTER INSERT ON t BEGIN DELETE FROM f_data; END"),
		SCHEMA_CHANGE);
	SEALED(WINDOW("CREATE VIRTUAL TABLE g USING fts5(y)"), "a virtual table cannot be made");
	SEALED(WINDOW("DROP TABLE r"), "a virtual table cannot be made or dropped");
	SEALED(WINDOW("PRAGMA schema_version = 99"), "PRAGMA schema_version cannot be set");
	SEALED(WINDOW("UPDATE sqlite_schema SET sql = 'CREATE VIRTUAL TABLE t USING fts5(a)'"
		" WHERE name = 't'"), SCHEMA_CHANGE);
	SEALED(WINDOW("UPDATE sqlite_schema SET rootpage = (SELECT rootpage FROM sqlite_schema"
		" WHERE name = 'f_data') WHERE name = 't'"), SCHEMA_CHANGE);
	SEALED(WINDOW("UPDATE sqlite_schema SET name = 'f_x', tbl_name = 'f_x',"
		" sql = 'CREATE TABLE f_x (a)' WHERE name = 't'"), SCHEMA_CHANGE);
	SEALED(WINDOW("INSERT INTO sqlite_schema VALUES ('table', 'g', 'g', 0,"
		" 'CREATE VIRTUAL TABLE g USING fts5(y)')"), SCHEMA_CHANGE);
	SEALED(WINDOW("UPDATE sqlite_schema SET sql = 'CREATE TABLE f_config (k, v)'"
		" WHERE name = 'f_config'"), SCHEMA_CHANGE);
	/* left open at the end: closed, checked and sealed all the same */
	SEALED("PRAGMA writable_schema = ON; DELETE FROM sqlite_schema WHERE name = 'r_parent'",
		SCHEMA_CHANGE);

	/* what an in-place step does passes, views made and dropped included */
	CHECK_INT(script(db, WINDOW("UPDATE sqlite_schema SET sql = 'CREATE TABLE t (a NOT NULL)'"
		" WHERE name = 't'; CREATE VIEW c AS SELECT 1; DROP VIEW c; UPDATE t SET a = 6"),
		msg, sizeof(msg)), SQLITE_OK);
	CHECK_STR(msg, "");
	CHECK_INT(run(db, "INSERT INTO t VALUES (NULL)", msg, sizeof(msg)), SQLITE_CONSTRAINT);
	CHECK_INT(script(db, "PRAGMA writable_schema = ON; UPDATE sqlite_schema SET sql ="
		" 'CREATE TABLE t (a)' WHERE name = 't'", msg, sizeof(msg)), SQLITE_OK);
	CHECK_INT(run(db, "INSERT INTO t VALUES (NULL); SELECT * FROM f WHERE f MATCH 'b'",
		msg, sizeof(msg)), SQLITE_OK);
	/* f_meta is named like a shadow table of f, but FTS5 has no such one */
	CHECK_INT(run(db, "CREATE TABLE f_meta (a)", msg, sizeof(msg)), SQLITE_OK);
	CHECK_INT(script(db, WINDOW("UPDATE sqlite_schema SET sql = 'CREATE TABLE f_meta"
		" (a CHECK (a > 0))' WHERE name = 'f_meta'"), msg, sizeof(msg)), SQLITE_OK);
	CHECK_STR(msg, "");
	CHECK_INT(run(db, "INSERT INTO f_meta VALUES (0)", msg, sizeof(msg)), SQLITE_CONSTRAINT);
	CHECK_INT(sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, -1, &on), SQLITE_OK);
	CHECK_INT(on, 1);
	sqlite3_close(db);
}

static void test_refusal(void)
{
	REFUSED("ATTACH 'x.db' AS w;", 0, "ATTACH");
	REFUSED("attach database 'x.db' as w;", 0, "--allow-attach");
	REFUSED("-- a comment\n/* another */ ATTACH 'x.db' AS w;", 0, "ATTACH");
	REFUSED("VACUUM INTO 'v.db';", 0, "VACUUM INTO");
	REFUSED("vacuum main into 'v.db';", 0, "VACUUM INTO");
	REFUSED("VACUUM \"main\" INTO 'v.db';", 0, "VACUUM INTO");
	REFUSED("PRAGMA journal_mode = WAL;", 0, "journal_mode");
	REFUSED("PRAGMA main.journal_mode = WAL;", 1, "journal_mode");
	REFUSED("pragma \"main\".\"JOURNAL_MODE\"('wal');", 1, "journal_mode");
	REFUSED("PRAGMA journal_mode;", 1, "outside retort");
	CHECK(retort_scratch_refusal("ATTACH 'x.db' AS w;", 1) == NULL);
	CHECK(retort_scratch_refusal("VACUUM INTO 'v.db';", 1) == NULL);
	CHECK(retort_scratch_refusal("VACUUM;", 0) == NULL);
	CHECK(retort_scratch_refusal("VACUUM main;", 0) == NULL);
	CHECK(retort_scratch_refusal("PRAGMA journal_size_limit = 0;", 0) == NULL);
	CHECK(retort_scratch_refusal("PRAGMA foreign_keys = OFF;", 0) == NULL);
	CHECK(retort_scratch_refusal("SELECT 'ATTACH x AS y', 'PRAGMA journal_mode';", 0) == NULL);
	CHECK(retort_scratch_refusal("CREATE TABLE attach (vacuum, journal_mode);", 0) == NULL);
	REFUSED("BEGIN;", 1, "transaction");
	REFUSED("commit transaction;", 1, "transaction");
	REFUSED("END;", 1, "transaction");
	REFUSED("ROLLBACK;", 1, "transaction");
	CHECK(retort_scratch_refusal("ROLLBACK TO sp;", 0) == NULL);
	CHECK(retort_scratch_refusal("ROLLBACK TRANSACTION TO SAVEPOINT sp;", 0) == NULL);
	CHECK(retort_scratch_refusal("SAVEPOINT sp;", 0) == NULL);
	CHECK(retort_scratch_refusal("CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END;", 0) == NULL);
	/* EXPLAIN shows the program and runs none of it */
	CHECK(retort_scratch_refusal("EXPLAIN ATTACH 'x.db' AS w;", 0) == NULL);
}

static const harness_case cases[] = {
	HARNESS_CASE(test_seal),
	HARNESS_CASE(test_chain),
	HARNESS_CASE(test_window),
	HARNESS_CASE(test_refusal),
};

int main(int argc, char **argv)
{
	char dir[] = "/tmp/retort-test-scratch.XXXXXX";
	char cwd[PATH_MAX];
	int rc = harness_args(argc, argv, HARNESS_CASES(cases));

	if (rc >= 0)
		return rc;
	if (!getcwd(cwd, sizeof(cwd)) || !mkdtemp(dir) || chdir(dir) != 0) {
		perror("test_scratch: setting up");
		return 2;
	}
	harness_run(HARNESS_CASES(cases));
	if (chdir(cwd) != 0 || rmdir(dir) != 0)
		perror("test_scratch: cleaning up");
	return harness_done();
}
