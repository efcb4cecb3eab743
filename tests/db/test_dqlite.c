/*
** test_dqlite.c: the dqlite wire client (lib/db/dqlite_wire.c) and the
** dqlite backend of the connection interface (lib/db/dqlite.c) against real
** dqlite nodes that tests/db/dqlite.sh starts: $RETORT_DQLITE_URL lists a
** port nobody listens on, then the follower, then the leader, whose address is
** $RETORT_DQLITE_LEADER and whose process is $RETORT_DQLITE_LEADER_PID (the
** last case kills it); $RETORT_DQLITE_SOLO_URL is a node alone. The time-out case needs no node: a socket of this
** process that listens and never answers.
*/
#include "db/dqlite.h"
#include "db/dqlite_wire.h"

#include "harness.h"

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const char *url;

static long long count(retort_dqlite *c, const char *sql)
{
	retort_error *err = NULL;
	long long n = -1;
	if (retort_dqlite_query(c, sql, NULL, 0, &err) == 0 && retort_dqlite_next(c, &err) == 1)
		n = retort_dqlite_column(c, 0)->i;
	retort_dqlite_interrupt(c, &err);
	if (err)
		fprintf(stderr, "count: %s\n", err->message);
	retort_error_free(err);
	return n;
}

static void test_bad_urls(void)
{
	static const char *bad[] = {
		"dqlite://", "dqlite://127.0.0.1:1", "dqlite://127.0.0.1/db", "dqlite://127.0.0.1:x/db",
		"dqlite://127.0.0.1:1/a/b", "dqlite:///db", "dqlite://127.0.0.1:1,/db", "sqlite:///x.db",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		retort_dqlite *c = NULL;
		retort_error *err = NULL;
		CHECK_INT(retort_dqlite_open(&c, bad[i], 0, 0, &err), RETORT_EINVALID);
		CHECK(c == NULL && err && strstr(err->message, "HOST:PORT"));
		retort_error_free(err);
	}
}

/* Types round trip, with the padding edges: 7 and 8 bytes of text, a blob with NULs. */
static void test_values(retort_dqlite *c)
{
	retort_error *err = NULL;
	long long id = 0, changes = 0;
	retort_dqlite_value p[5] = {
		{ .type = SQLITE_INTEGER, .i = -1234567890123LL },
		{ .type = SQLITE_FLOAT, .f = 2.5 },
		{ .type = SQLITE_TEXT, .p = "eight ch", .n = 8 },
		{ .type = SQLITE_BLOB, .p = "a\0b\0c\0d\0e", .n = 9 },
		{ .type = SQLITE_NULL },
	};
	CHECK_INT(retort_dqlite_exec(c, "CREATE TABLE v(i INTEGER, f REAL, s TEXT, b BLOB, n)",
		NULL, 0, NULL, NULL, &err), 0);
	CHECK_INT(retort_dqlite_exec(c, "INSERT INTO v VALUES(?, ?, ?, ?, ?)", p, 5, &id, &changes,
		&err), 0);
	CHECK_INT(id, 1);
	CHECK_INT(changes, 1);
	p[2].p = "seven c";
	p[2].n = 7;
	CHECK_INT(retort_dqlite_exec(c, "INSERT INTO v(s) VALUES(?)", &p[2], 1, NULL, NULL, &err), 0);
	CHECK_INT(retort_dqlite_query(c, "SELECT i, f, s, b, n FROM v ORDER BY rowid", NULL, 0, &err), 0);
	CHECK_INT(retort_dqlite_column_count(c), 5);
	CHECK_STR(retort_dqlite_column_name(c, 3), "b");
	CHECK_INT(retort_dqlite_next(c, &err), 1);
	CHECK_INT(retort_dqlite_column(c, 0)->i, -1234567890123LL);
	CHECK(retort_dqlite_column(c, 1)->type == SQLITE_FLOAT && retort_dqlite_column(c, 1)->f == 2.5);
	CHECK_STR(retort_dqlite_column(c, 2)->p, "eight ch");
	CHECK(retort_dqlite_column(c, 3)->type == SQLITE_BLOB && retort_dqlite_column(c, 3)->n == 9
		&& memcmp(retort_dqlite_column(c, 3)->p, "a\0b\0c\0d\0e", 9) == 0);
	CHECK_INT(retort_dqlite_column(c, 4)->type, SQLITE_NULL);
	CHECK_INT(retort_dqlite_next(c, &err), 1);
	CHECK_STR(retort_dqlite_column(c, 2)->p, "seven c");
	CHECK_INT(retort_dqlite_column(c, 0)->type, SQLITE_NULL);
	CHECK_INT(retort_dqlite_next(c, &err), 0);
	CHECK(err == NULL);
	retort_error_free(err);
}

/* EXEC_SQL runs every statement of the text; a failure is the server's message, and the
** connection goes on; a transaction rolled back leaves nothing. */
static void test_statements(retort_dqlite *c)
{
	retort_error *err = NULL;
	CHECK_INT(retort_dqlite_exec(c, "CREATE TABLE m(x); INSERT INTO m VALUES(1); "
		"INSERT INTO m VALUES(2);", NULL, 0, NULL, NULL, &err), 0);
	CHECK_INT(count(c, "SELECT count(*) FROM m"), 2);
	CHECK_INT(retort_dqlite_exec(c, "INSERT INTO nosuch VALUES(1)", NULL, 0, NULL, NULL, &err),
		RETORT_EDB);
	CHECK(err && strstr(err->message, "no such table: nosuch"));
	CHECK_INT(retort_dqlite_errcode(c), SQLITE_ERROR);
	CHECK(!retort_dqlite_lost(c));
	retort_error_free(err);
	err = NULL;
	CHECK_INT(retort_dqlite_exec(c, "BEGIN", NULL, 0, NULL, NULL, &err), 0);
	CHECK_INT(retort_dqlite_exec(c, "INSERT INTO m VALUES(3)", NULL, 0, NULL, NULL, &err), 0);
	CHECK_INT(count(c, "SELECT count(*) FROM m"), 3);
	CHECK_INT(retort_dqlite_exec(c, "ROLLBACK", NULL, 0, NULL, NULL, &err), 0);
	CHECK_INT(count(c, "SELECT count(*) FROM m"), 2);
	CHECK(err == NULL);
	retort_error_free(err);
}

/* More rows than one batch holds; INTERRUPT in the middle of them. */
static void test_many_rows(retort_dqlite *c)
{
	retort_error *err = NULL;
	CHECK_INT(retort_dqlite_exec(c, "CREATE TABLE r(k INTEGER PRIMARY KEY, t TEXT); "
		"WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < 20000) "
		"INSERT INTO r SELECT k, printf('row %d', k) FROM n", NULL, 0, NULL, NULL, &err), 0);
	CHECK_INT(retort_dqlite_query(c, "SELECT k, t FROM r ORDER BY k", NULL, 0, &err), 0);
	long long seen = 0, in_order = 0;
	char want[32];
	while (retort_dqlite_next(c, &err) == 1) {
		seen++;
		snprintf(want, sizeof want, "row %lld", seen);
		in_order += retort_dqlite_column(c, 0)->i == seen
			&& strcmp(retort_dqlite_column(c, 1)->p, want) == 0;
	}
	CHECK_INT(seen, 20000);
	CHECK_INT(in_order, 20000);
	CHECK_INT(retort_dqlite_query(c, "SELECT k FROM r", NULL, 0, &err), 0);
	for (int i = 0; i < 5; i++)
		CHECK_INT(retort_dqlite_next(c, &err), 1);
	CHECK_INT(retort_dqlite_interrupt(c, &err), 0);
	CHECK_INT(count(c, "SELECT count(*) FROM r"), 20000);
	CHECK(err == NULL);
	retort_error_free(err);
}

static void test_prepared(retort_dqlite *c)
{
	retort_error *err = NULL;
	uint32_t ins = 0, sel = 0;
	int np = -1;
	CHECK_INT(retort_dqlite_exec(c, "CREATE TABLE p(x)", NULL, 0, NULL, NULL, &err), 0);
	CHECK_INT(retort_dqlite_prepare(c, "INSERT INTO p VALUES(?)", &ins, &np, &err), 0);
	CHECK_INT(np, 1);
	for (long long i = 1; i <= 3; i++) {
		retort_dqlite_value v = { .type = SQLITE_INTEGER, .i = i * 10 };
		long long id = 0;
		CHECK_INT(retort_dqlite_exec_stmt(c, ins, &v, 1, &id, NULL, &err), 0);
		CHECK_INT(id, i);
	}
	CHECK_INT(retort_dqlite_prepare(c, "SELECT sum(x) FROM p WHERE x > ?", &sel, &np, &err), 0);
	retort_dqlite_value v = { .type = SQLITE_INTEGER, .i = 10 };
	CHECK_INT(retort_dqlite_query_stmt(c, sel, &v, 1, &err), 0);
	CHECK_INT(retort_dqlite_next(c, &err), 1);
	CHECK_INT(retort_dqlite_column(c, 0)->i, 50);
	CHECK_INT(retort_dqlite_next(c, &err), 0);
	CHECK_INT(retort_dqlite_finalize(c, ins, &err), 0);
	CHECK_INT(retort_dqlite_finalize(c, sel, &err), 0);
	CHECK(err == NULL);
	retort_error_free(err);
}

/* A node that accepts and never answers: the read time-out ends the wait. */
static void test_timeout(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t alen = sizeof a;
	char silent[64];
	CHECK(fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0 && listen(fd, 8) == 0
		&& getsockname(fd, (struct sockaddr *)&a, &alen) == 0);
	snprintf(silent, sizeof silent, "dqlite://127.0.0.1:%d/db", ntohs(a.sin_port));
	retort_dqlite *c = NULL;
	retort_error *err = NULL;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK_INT(retort_dqlite_open(&c, silent, 300, 300, &err), RETORT_EDB);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	long long ms = (t1.tv_sec - t0.tv_sec) * 1000LL + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	CHECK(ms >= 300 && ms < 3000);
	CHECK(err && strstr(err->message, "no answer within 300 ms"));
	if (err)
		printf("time-out: %s (%lld ms)\n", err->message, ms);
	retort_error_free(err);
	close(fd);
}

/* ---- the backend, through its table of operations ---- */

#define M(db) ((db)->methods)

static int exec_sql(retort_db *db, const char *sql)
{
	return M(db)->exec(db, sql);
}

static long long db_count(retort_db *db, const char *sql)
{
	retort_db_stmt *st = NULL;
	long long n = -1;
	if (M(db)->prepare(db, &st, sql, NULL) == SQLITE_OK && st && M(db)->step(st) == SQLITE_ROW)
		n = M(db)->column_int64(st, 0);
	if (st)
		M(db)->finalize(st);
	return n;
}

static void test_backend_statements(retort_db *db)
{
	retort_db_stmt *st = NULL, *rd = NULL;
	const char *tail = NULL;
	CHECK_STR(M(db)->name, "dqlite");
	CHECK_INT(exec_sql(db, "CREATE TABLE b(k INTEGER PRIMARY KEY, t TEXT, f REAL)"), SQLITE_OK);
	/* one statement at a time, the tail left for the next */
	const char *two = "INSERT INTO b(t, f) VALUES(?, ?); SELECT 1";
	CHECK_INT(M(db)->prepare(db, &st, two, &tail), SQLITE_OK);
	CHECK(st && tail && strcmp(tail, " SELECT 1") == 0);
	CHECK_INT(M(db)->stmt_readonly(st), 0);
	CHECK_INT(M(db)->bind_text(st, 1, "one"), SQLITE_OK);
	CHECK_INT(M(db)->bind_int64(st, 2, 1), SQLITE_OK);
	CHECK_INT(M(db)->step(st), SQLITE_DONE);
	CHECK_INT(M(db)->reset(st), SQLITE_OK);
	CHECK_INT(M(db)->bind_text(st, 1, "two"), SQLITE_OK);
	CHECK_INT(M(db)->bind_null(st, 2), SQLITE_OK);
	CHECK_INT(M(db)->step(st), SQLITE_DONE);
	M(db)->finalize(st);
	/* only a comment: no statement */
	CHECK_INT(M(db)->prepare(db, &st, "  -- nothing\n", &tail), SQLITE_OK);
	CHECK(st == NULL);
	/* rows read while other statements run, as on a SQLite handle */
	CHECK_INT(M(db)->prepare(db, &rd, "SELECT k, t, f FROM b ORDER BY k", NULL), SQLITE_OK);
	CHECK_INT(M(db)->stmt_readonly(rd), 1);
	CHECK_INT(M(db)->step(rd), SQLITE_ROW);
	CHECK_INT(exec_sql(db, "INSERT INTO b(t) VALUES('three')"), SQLITE_OK);
	CHECK_INT(M(db)->column_count(rd), 3);
	CHECK_STR(M(db)->column_name(rd, 1), "t");
	CHECK_STR(M(db)->column_text(rd, 0), "1");
	CHECK_STR(M(db)->column_text(rd, 1), "one");
	CHECK_STR(M(db)->column_text(rd, 2), "1.0");
	CHECK_INT(M(db)->column_type(rd, 2), SQLITE_FLOAT);
	CHECK_INT(M(db)->step(rd), SQLITE_ROW);
	CHECK(M(db)->column_text(rd, 2) == NULL);
	CHECK_INT(M(db)->column_type(rd, 2), SQLITE_NULL);
	CHECK_INT(M(db)->step(rd), SQLITE_DONE);
	M(db)->finalize(rd);
	CHECK_INT(db_count(db, "SELECT count(*) FROM b"), 3);
	/* WITH is a read or a write by its own statement */
	CHECK_INT(M(db)->prepare(db, &st, "WITH x(v) AS (SELECT 'w') INSERT INTO b(t) SELECT v FROM x",
		NULL), SQLITE_OK);
	CHECK_INT(M(db)->stmt_readonly(st), 0);
	CHECK_INT(M(db)->step(st), SQLITE_DONE);
	M(db)->finalize(st);
	CHECK_INT(db_count(db, "WITH x(n) AS (SELECT count(*) FROM b) SELECT n FROM x"), 4);
	CHECK_INT(db_count(db, "PRAGMA foreign_keys"), 1);
}

static void test_backend_failures(retort_db *db)
{
	retort_db_stmt *st = NULL;
	CHECK_INT(exec_sql(db, "CREATE TABLE u(x UNIQUE)"), SQLITE_OK);
	CHECK_INT(exec_sql(db, "BEGIN"), SQLITE_OK);
	CHECK_INT(M(db)->in_transaction(db), 1);
	CHECK_INT(exec_sql(db, "INSERT INTO u VALUES(1)"), SQLITE_OK);
	int rc = exec_sql(db, "INSERT INTO u VALUES(1)");
	CHECK_INT(rc & 0xff, SQLITE_CONSTRAINT);
	CHECK(strstr(M(db)->errmsg(db), "UNIQUE constraint failed: u.x") != NULL);
	CHECK_INT(M(db)->error_offset(db), -1);
	/* a statement's failure leaves the transaction open */
	CHECK_INT(M(db)->in_transaction(db), 1);
	/* OR ROLLBACK ends it on the server: the backend finds out */
	rc = exec_sql(db, "INSERT OR ROLLBACK INTO u VALUES(1)");
	CHECK_INT(rc & 0xff, SQLITE_CONSTRAINT);
	CHECK_INT(M(db)->in_transaction(db), 0);
	CHECK_INT(db_count(db, "SELECT count(*) FROM u"), 0);
	/* interrupt: the next statement answers SQLITE_INTERRUPT, the one after runs */
	M(db)->interrupt(db);
	CHECK_INT(exec_sql(db, "INSERT INTO u VALUES(2)"), SQLITE_INTERRUPT);
	CHECK_INT(exec_sql(db, "INSERT INTO u VALUES(3)"), SQLITE_OK);
	CHECK_INT(db_count(db, "SELECT count(*) FROM u"), 1);
	/* a failing query */
	CHECK_INT(M(db)->prepare(db, &st, "SELECT * FROM nosuch", NULL), SQLITE_OK);
	CHECK_INT(M(db)->step(st), SQLITE_ERROR);
	CHECK(strstr(M(db)->errmsg(db), "no such table: nosuch") != NULL);
	M(db)->finalize(st);
}

/* A transaction bigger than SQLite's page cache, on a node of its own
** ($RETORT_DQLITE_SOLO_URL: a one-node cluster, where dqlite 1.11 fails a spill
** reliably): no page is spilled before COMMIT, which dqlite would answer with
** SQLITE_IOERR ("disk I/O error") at the next statement, rolling it all back. */
static void test_backend_big_transaction(const char *solo)
{
	retort_db *db = NULL;
	retort_error *err = NULL;
	CHECK_INT(retort_db_dqlite_open(&db, solo, NULL, RETORT_DB_WRITE, NULL, NULL, &err), 0);
	retort_error_free(err);
	if (!db)
		return;
	CHECK_INT(exec_sql(db, "BEGIN"), SQLITE_OK);
	CHECK_INT(exec_sql(db, "CREATE TABLE big (k INTEGER PRIMARY KEY, v TEXT NOT NULL)"), SQLITE_OK);
	CHECK_INT(exec_sql(db, "WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n "
		"WHERE k < 400000) INSERT INTO big SELECT k, printf('value %d', k) FROM n"), SQLITE_OK);
	CHECK_INT(exec_sql(db, "INSERT INTO big VALUES (0, 'zero')"), SQLITE_OK);
	CHECK_INT(exec_sql(db, "COMMIT"), SQLITE_OK);
	CHECK_INT(db_count(db, "SELECT count(*) FROM big"), 400001);
	M(db)->close(db);
}

/* A second connection waits for the first's write transaction, within its budget. */
static void test_backend_busy(retort_db *db)
{
	retort_db *other = NULL;
	retort_error *err = NULL;
	retort_db_wait w = { .budget_ms = 400 };
	CHECK_INT(retort_db_dqlite_open(&other, url, NULL, RETORT_DB_WRITE, &w, NULL, &err), 0);
	if (!other)
		return;
	CHECK_INT(exec_sql(db, "BEGIN; INSERT INTO u VALUES(10)"), SQLITE_OK);
	int rc = exec_sql(other, "INSERT INTO u VALUES(11)");
	CHECK_INT(rc & 0xff, SQLITE_BUSY);
	CHECK(w.spent_ns >= 300000000LL && w.spent_ns <= 400000000LL);
	CHECK_INT(exec_sql(db, "COMMIT"), SQLITE_OK);
	w.spent_ns = 0;
	CHECK_INT(exec_sql(other, "INSERT INTO u VALUES(11)"), SQLITE_OK);
	CHECK_INT(db_count(db, "SELECT count(*) FROM u"), 3);
	M(other)->close(other);
	retort_error_free(err);
}

/* A backup is the leader's files (DUMP) made one SQLite file: rows, integrity, no WAL left. */
static void test_backend_backup(retort_db *db)
{
	char dir[] = "/tmp/retort-dqlite-backup.XXXXXX", path[64], wal[80];
	char *why = NULL;
	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof path, "%s/copy.db", dir);
	snprintf(wal, sizeof wal, "%s-wal", path);
	CHECK(M(db)->backup != NULL);
	CHECK_INT(M(db)->backup(db, path, NULL, NULL, &why), SQLITE_OK);
	if (why)
		fprintf(stderr, "backup: %s\n", why);
	free(why);
	CHECK_INT(harness_query_int(path, "SELECT count(*) FROM u"), 3);
	CHECK_INT(harness_query_int(path, "SELECT count(*) FROM b"), 4);
	CHECK_INT(harness_query_int(path, "SELECT count(*) FROM pragma_integrity_check "
		"WHERE integrity_check = 'ok'"), 1);
	CHECK_INT(access(wal, F_OK), -1);
	/* a WAL file already there is not overwritten */
	snprintf(path, sizeof path, "%s/again.db", dir);
	snprintf(wal, sizeof wal, "%s-wal", path);
	harness_write_file(dir, "again.db-wal", "someone's");
	why = NULL;
	CHECK(M(db)->backup(db, path, NULL, NULL, &why) != SQLITE_OK);
	CHECK(why && strstr(why, "again.db-wal"));
	free(why);
	unlink(wal);
	unlink(path);
	snprintf(path, sizeof path, "%s/copy.db", dir);
	unlink(path);
	rmdir(dir);
}

/* The leader killed: the request under way answers RETORT_DB_LOST, and so does every later one. */
static void test_backend_lost(retort_db *db, pid_t leader)
{
	CHECK_INT(exec_sql(db, "BEGIN; INSERT INTO u VALUES(20)"), SQLITE_OK);
	CHECK_INT(kill(leader, SIGKILL), 0);
	int rc = exec_sql(db, "COMMIT");
	CHECK_INT(rc, RETORT_DB_LOST);
	CHECK(strstr(M(db)->errmsg(db), "lost") != NULL);
	printf("lost: %s\n", M(db)->errmsg(db));
	CHECK_INT(db_count(db, "SELECT 1"), -1);
	CHECK_INT(M(db)->in_transaction(db), 0);
}

int main(void)
{
	retort_dqlite *c = NULL;
	retort_error *err = NULL;
	url = getenv("RETORT_DQLITE_URL");
	const char *leader = getenv("RETORT_DQLITE_LEADER");
	const char *leader_pid = getenv("RETORT_DQLITE_LEADER_PID");
	const char *solo = getenv("RETORT_DQLITE_SOLO_URL");
	if (!url || !leader || !leader_pid || !solo) {
		fprintf(stderr, "RETORT_DQLITE_URL, _LEADER, _LEADER_PID and _SOLO_URL must be set "
			"(tests/db/dqlite.sh starts the nodes)\n");
		return 2;
	}
	test_bad_urls();
	test_timeout();
	CHECK_INT(retort_dqlite_open(&c, url, 0, 0, &err), 0);
	if (!c) {
		fprintf(stderr, "open %s: %s\n", url, err ? err->message : "?");
		retort_error_free(err);
		return harness_done();
	}
	CHECK_STR(retort_dqlite_leader(c), leader);
	CHECK_STR(retort_dqlite_dbname(c), "wire");
	test_values(c);
	test_statements(c);
	test_many_rows(c);
	test_prepared(c);
	retort_dqlite_close(c);

	test_backend_big_transaction(solo);
	retort_db *db = NULL;
	CHECK_INT(retort_db_dqlite_open(&db, url, NULL, RETORT_DB_WRITE, NULL, NULL, &err), 0);
	if (db) {
		CHECK_STR(db->location, url);
		test_backend_statements(db);
		test_backend_failures(db);
		test_backend_busy(db);
		test_backend_backup(db);
		test_backend_lost(db, (pid_t)strtol(leader_pid, NULL, 10));
		M(db)->close(db);
	}
	retort_error_free(err);
	return harness_done();
}
