/*
** test_async.c: retort_op, the asynchronous upgrade and downgrade (issue 18),
** and the progress callback of the synchronous calls, on real files.
**
** Test organization:
**   - a big rebuild (RETORT_ASYNC_ROWS rows, default 200,000; the issue asks
**     for 1,000,000, which costs CI about 5x the time for the same paths:
**     set it to run that) through the callback and through the descriptor,
**     and a long chain (RETORT_ASYNC_CHAIN revisions, default 200) through
**     both: the events in order, the database after;
**   - cancellation before the start, in a statement (from the callback's
**     return, and from the app's thread on a ROWS event), between two
**     revisions, after the end: each leaves the database at the last
**     committed revision with every row, and no journal;
**   - two operations on two databases at once, polled from one loop;
**   - the synchronous call's progress callback and its non-zero return.
** Each database is checked with a connection of the test's own.
*/
#include <retort.h>

#include "harness.h"

#include <poll.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char root[256];
static unsigned long n_rows, n_chain;

/* ---- files and databases -------------------------------------------- */

/* Revision `id`: the `-- retort:upgrade` marker on line 6, the section's
** first statement on line 7. */
static void write_rev(const char *dir, const char *id, const char *parent, const char *up,
	const char *down)
{
	char name[64], text[4096];

	snprintf(name, sizeof(name), "%s_rev.sql", id);
	snprintf(text, sizeof(text),
		"-- retort revision: %s\n-- parent: %s\n-- message: revision %s\n"
		"-- created: 2026-12-07T00:00:00Z\n\n-- retort:upgrade\n%s\n\n"
		"-- retort:downgrade\n%s\n", id, parent, id, up, down);
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

static const char *version_of(const char *path)
{
	static char out[256];
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;

	snprintf(out, sizeof(out), "?");
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, "SELECT coalesce(group_concat(revision, ','), '') FROM "
		"retort_version", -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		snprintf(out, sizeof(out), "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return out;
}

static int has_journal(const char *path)
{
	char j[600];
	struct stat st;

	snprintf(j, sizeof(j), "%s-journal", path);
	return stat(j, &st) == 0;
}

/* `path` (made afresh) brought to `target` synchronously. */
static void db_at(const char *path, const retort_revisions *revs, const char *target)
{
	sqlite3 *db = NULL;

	unlink(path);
	if (sqlite3_open(path, &db) != SQLITE_OK ||
	    retort_upgrade(db, revs, target, NULL, NULL) != 0) {
		fprintf(stderr, "cannot bring %s to %s\n", path, target);
		exit(1);
	}
	sqlite3_close(db);
}

/* ---- the revisions ---------------------------------------------------- */

#define BIG_FILL "b0000000000a"
#define BIG_REBUILD "b0000000000b"
static char big_dir[300], chain_dir[300];

/* A table of n_rows rows, then its rebuild (a column made NOT NULL: the
** copy is one INSERT ... SELECT, line 8 of its file) with an index. The
** copy spends a microsecond or so more on each row (the hex of a zeroblob,
** which changes no value), so that on any machine it runs for more than
** the 50 ms between two ROWS reports. */
static void write_big(void)
{
	char up[1024];

	snprintf(big_dir, sizeof(big_dir), "%s/big", root);
	mkdir(big_dir, 0755);
	snprintf(up, sizeof(up),
		"CREATE TABLE big (id INTEGER PRIMARY KEY, name TEXT, n INTEGER);\n"
		"INSERT INTO big (name, n) WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL\n"
		"  SELECT x + 1 FROM c WHERE x < %lu) SELECT 'pet ' || x, x %% 1000 FROM c;",
		n_rows);
	write_rev(big_dir, BIG_FILL, "none", up, "DROP TABLE big;");
	write_rev(big_dir, BIG_REBUILD, BIG_FILL,
		"CREATE TABLE big_new (id INTEGER PRIMARY KEY, name TEXT NOT NULL, n INTEGER, note TEXT);\n"
		"INSERT INTO big_new (id, name, n) SELECT id, coalesce(name, ''), n FROM big\n"
		"  WHERE length(hex(zeroblob(500 + (id & 0)))) = 1000;\n"
		"DROP TABLE big;\n"
		"ALTER TABLE big_new RENAME TO big;\n"
		"CREATE INDEX big_n ON big (n, name);",
		"CREATE TABLE big_old (id INTEGER PRIMARY KEY, name TEXT, n INTEGER);\n"
		"INSERT INTO big_old SELECT id, name, n FROM big;\n"
		"DROP TABLE big;\n"
		"ALTER TABLE big_old RENAME TO big;");
}

static void chain_id(char out[13], unsigned long i)
{
	snprintf(out, 13, "c%011lu", i);
}

/* n_chain revisions, each a table with one row. */
static void write_chain(void)
{
	char id[13], parent[13], up[256], down[128];
	unsigned long i;

	snprintf(chain_dir, sizeof(chain_dir), "%s/chain", root);
	mkdir(chain_dir, 0755);
	for (i = 1; i <= n_chain; i++) {
		chain_id(id, i);
		chain_id(parent, i - 1);
		snprintf(up, sizeof(up), "CREATE TABLE t%lu (x INTEGER);\nINSERT INTO t%lu VALUES (%lu);",
			i, i, i);
		snprintf(down, sizeof(down), "DROP TABLE t%lu;", i);
		write_rev(chain_dir, id, i == 1 ? "none" : parent, up, down);
	}
}

/* ---- what an operation tells ------------------------------------------ */

typedef struct seen {
	retort_progress_kind kind;
	char rev[16];
	long long rows;
	int result, line;
	char message[128];
} seen;

typedef struct recorder {
	seen *ev;
	size_t n, cap;
	int dones;
	/* a cancellation to make: on the ROWS event with rows (`stop_rows`), on
	** COMMITTED number `stop_after` (1-based), by the callback's return
	** (`by_return`) or retort_op_cancel() (`op`, the app's thread) */
	int stop_rows, stop_after, by_return, committed;
	retort_op *op;
	retort_cancel *cancel;
} recorder;

static int record(void *ctx, const retort_progress *p)
{
	recorder *rec = ctx;
	seen *s;
	int stop = 0;

	if (rec->n == rec->cap) {
		rec->cap = rec->cap ? rec->cap * 2 : 64;
		rec->ev = realloc(rec->ev, rec->cap * sizeof(*rec->ev));
		if (!rec->ev)
			exit(1);
	}
	s = &rec->ev[rec->n++];
	memset(s, 0, sizeof(*s));
	s->kind = p->kind;
	if (p->revision)
		snprintf(s->rev, sizeof(s->rev), "%s", retort_revision_id(p->revision));
	s->rows = p->rows;
	s->line = p->line;
	s->result = p->result;
	if (p->message)
		snprintf(s->message, sizeof(s->message), "%s", p->message);
	rec->dones += p->kind == RETORT_PROGRESS_DONE;
	if (p->kind == RETORT_PROGRESS_ROWS && rec->stop_rows && p->rows > 0)
		stop = 1;
	if (p->kind == RETORT_PROGRESS_COMMITTED && ++rec->committed == rec->stop_after)
		stop = 1;
	if (!stop)
		return 0;
	rec->stop_rows = rec->stop_after = 0;
	if (rec->by_return)
		return 1;
	if (rec->op)
		retort_op_cancel(rec->op);
	else
		retort_cancel_request(rec->cancel);
	return 0;
}

static size_t count_kind(const recorder *rec, retort_progress_kind kind)
{
	size_t i, n = 0;

	for (i = 0; i < rec->n; i++)
		n += rec->ev[i].kind == kind;
	return n;
}

/*
** The events make sense: each revision's REVISION, its ROWS (the count
** never going down within a statement), its COMMITTED; DONE once, last,
** with `result`. `committed` revisions were committed.
*/
static void check_order(const recorder *rec, int result, size_t committed)
{
	size_t i, n_committed = 0;
	const char *open = NULL;
	long long last_rows = 0;
	int last_line = 0;

	CHECK_INT(rec->dones, 1);
	CHECK(rec->n > 0 && rec->ev[rec->n - 1].kind == RETORT_PROGRESS_DONE);
	if (rec->n)
		CHECK_INT(rec->ev[rec->n - 1].result, result);
	for (i = 0; i + 1 < rec->n; i++) {
		const seen *s = &rec->ev[i];
		switch (s->kind) {
		case RETORT_PROGRESS_REVISION:
			CHECK(open == NULL);
			open = s->rev;
			last_rows = last_line = 0;
			break;
		case RETORT_PROGRESS_ROWS:
			CHECK(open && strcmp(open, s->rev) == 0);
			if (s->line == last_line)
				CHECK(s->rows >= last_rows);
			last_rows = s->rows;
			last_line = s->line;
			break;
		case RETORT_PROGRESS_COMMITTED:
			CHECK(open && strcmp(open, s->rev) == 0);
			open = NULL;
			n_committed++;
			break;
		default:
			break;
		}
	}
	CHECK_INT(n_committed, committed);
}

/* ---- running an operation ---------------------------------------------- */

/* Deliver what the operation has queued, waiting on its descriptor, until
** DONE. Between two events the run may work for seconds without telling
** (counting the rows a copy leaves out, before its statements; under
** ThreadSanitizer, long seconds): the timeout only guards against a hang. */
#define HANG_MS 300000
static void poll_until_done(retort_op *op, recorder *rec)
{
	struct pollfd pfd = { retort_op_fd(op), POLLIN, 0 };

	CHECK(pfd.fd >= 0);
	while (!rec->dones) {
		int ready = poll(&pfd, 1, HANG_MS);
		CHECK(ready == 1);
		if (ready != 1)
			break;
		retort_op_poll(op, record, rec);
	}
}

/* Run one operation on `path` to the end, by callback (`by_fd` 0) or by
** descriptor; its result, and its error message in `msg`. */
static int run_op(const char *path, const retort_revisions *revs, const char *target,
	retort_direction dir, int by_fd, recorder *rec, retort_cancel *cancel, char *msg,
	size_t msg_size)
{
	retort_migrate_options o = RETORT_MIGRATE_OPTIONS_INIT;
	const retort_error *err = NULL;
	retort_op *op = NULL;
	int rc;

	o.cancel = cancel;
	if (!by_fd) {
		o.progress = record;
		o.progress_ctx = rec;
	}
	rc = retort_op_start(&op, path, revs, target, dir, &o, NULL);
	CHECK_INT(rc, 0);
	if (rc)
		return rc;
	if (by_fd) {
		CHECK(retort_op_fd(op) >= 0);
		rec->op = op;
		poll_until_done(op, rec);
	} else {
		CHECK_INT(retort_op_fd(op), -1);
	}
	rc = retort_op_wait(op, &err);
	CHECK(retort_op_done(op));
	if (msg)
		snprintf(msg, msg_size, "%s", err ? err->message : "");
	/* after the end: harmless */
	retort_op_cancel(op);
	CHECK_INT(retort_op_wait(op, NULL), rc);
	CHECK_INT(retort_op_poll(op, record, rec), 0);
	retort_op_free(op);
	return rc;
}

static void reset(recorder *rec)
{
	free(rec->ev);
	memset(rec, 0, sizeof(*rec));
}

/* The big table is as the fill made it, or as the rebuild made it. */
static void check_big(const char *path, const char *version, int rebuilt)
{
	CHECK_STR(version_of(path), version);
	CHECK_INT(harness_query_int(path, "SELECT count(*) FROM big"), (long long)n_rows);
	CHECK_INT(harness_query_int(path, "SELECT sum(n) FROM big WHERE name = 'pet ' || id"),
		harness_query_int(path, "SELECT sum(id % 1000) FROM big"));
	CHECK_INT(harness_query_int(path,
		"SELECT count(*) FROM pragma_table_info('big') WHERE name = 'note'"),
		rebuilt);
	CHECK_INT(harness_query_int(path, "SELECT count(*) FROM sqlite_schema WHERE name = 'big_new'"), 0);
	CHECK(!has_journal(path));
}

/* ---- the tests ------------------------------------------------------------ */

static void run_big(int by_fd)
{
	char path[400];
	retort_revisions *revs = load(big_dir);
	recorder rec = { 0 };
	size_t i, rows = 0;

	snprintf(path, sizeof(path), "%s/big-%d.db", root, by_fd);
	db_at(path, revs, BIG_FILL);
	CHECK_INT(run_op(path, revs, "head", RETORT_UPGRADE, by_fd, &rec, NULL, NULL, 0), 0);
	check_order(&rec, 0, 1);
	for (i = 0; i < rec.n; i++)
		if (rec.ev[i].kind == RETORT_PROGRESS_ROWS) {
			rows++;
			CHECK(rec.ev[i].rows <= (long long)n_rows);
		}
	/* 200,000 rows are copied in more than the 50 ms between two reports */
	CHECK(rows >= 1);
	CHECK(rec.n > 0 && rec.ev[0].kind == RETORT_PROGRESS_REVISION);
	check_big(path, BIG_REBUILD, 1);
	/* and back, the same way */
	reset(&rec);
	CHECK_INT(run_op(path, revs, BIG_FILL, RETORT_DOWNGRADE, by_fd, &rec, NULL, NULL, 0), 0);
	check_order(&rec, 0, 1);
	check_big(path, BIG_FILL, 0);
	reset(&rec);
	retort_revisions_free(revs);
}

static void run_chain(int by_fd)
{
	char path[400], last[13];
	retort_revisions *revs = load(chain_dir);
	recorder rec = { 0 };

	snprintf(path, sizeof(path), "%s/chain-%d.db", root, by_fd);
	unlink(path); /* the operation creates it */
	CHECK_INT(run_op(path, revs, "head", RETORT_UPGRADE, by_fd, &rec, NULL, NULL, 0), 0);
	check_order(&rec, 0, n_chain);
	CHECK_INT(count_kind(&rec, RETORT_PROGRESS_REVISION), n_chain);
	chain_id(last, n_chain);
	CHECK(rec.n > 1 && strcmp(rec.ev[rec.n - 2].rev, last) == 0);
	CHECK_STR(version_of(path), last);
	CHECK_INT(harness_query_int(path, "SELECT count(*) FROM retort_history"), n_chain);
	CHECK(!has_journal(path));
	reset(&rec);
	retort_revisions_free(revs);
}

/* each by callback, then by file descriptor */
static void test_big(void)
{
	run_big(0);
}

static void test_big_fd(void)
{
	run_big(1);
}

static void test_chain(void)
{
	run_chain(0);
}

static void test_chain_fd(void)
{
	run_chain(1);
}

static void test_cancel_big(void)
{
	char path[400], msg[512];
	retort_revisions *revs = load(big_dir);
	retort_cancel *cancel = NULL;
	recorder rec = { 0 };
	int by_fd;

	snprintf(path, sizeof(path), "%s/cancel-big.db", root);
	db_at(path, revs, BIG_FILL);

	/* before the start: the token is requested before the thread runs */
	CHECK_INT(retort_cancel_new(&cancel, NULL), 0);
	retort_cancel_request(cancel);
	CHECK_INT(run_op(path, revs, "head", RETORT_UPGRADE, 1, &rec, cancel, msg, sizeof(msg)),
		RETORT_ECANCELLED);
	CHECK_STR(msg, "upgrade " BIG_REBUILD " cancelled and rolled back");
	check_order(&rec, RETORT_ECANCELLED, 0);
	check_big(path, BIG_FILL, 0);
	retort_cancel_free(cancel);
	reset(&rec);

	/* in the copy: by the callback's return, and from the app's thread as
	** the descriptor tells of rows copied */
	for (by_fd = 0; by_fd < 2; by_fd++) {
		rec.stop_rows = 1;
		rec.by_return = !by_fd;
		CHECK_INT(run_op(path, revs, "head", RETORT_UPGRADE, by_fd, &rec, NULL, msg,
			sizeof(msg)), RETORT_ECANCELLED);
		CHECK(strstr(msg, "upgrade " BIG_REBUILD " cancelled and rolled back") != NULL);
		check_order(&rec, RETORT_ECANCELLED, 0);
		CHECK(count_kind(&rec, RETORT_PROGRESS_ROWS) >= 1);
		/* the callback's return stops the copy itself, at its line */
		if (!by_fd)
			CHECK(rec.n > 1 && rec.ev[rec.n - 2].kind == RETORT_PROGRESS_ROWS &&
				rec.ev[rec.n - 2].line == 8);
		check_big(path, BIG_FILL, 0);
		reset(&rec);
	}
	retort_revisions_free(revs);
}

static void test_cancel_chain(void)
{
	char path[400], msg[512], want[13], expect[128];
	retort_revisions *revs = load(chain_dir);
	retort_cancel *cancel = NULL;
	recorder rec = { 0 };
	int by_fd;

	/* between two revisions: after the fifth's COMMITTED, the sixth is
	** rolled back; the callback cancels through the token, the descriptor
	** side through retort_op_cancel() */
	for (by_fd = 0; by_fd < 2; by_fd++) {
		snprintf(path, sizeof(path), "%s/cancel-chain-%d.db", root, by_fd);
		unlink(path);
		CHECK_INT(retort_cancel_new(&cancel, NULL), 0);
		rec.stop_after = 5;
		rec.cancel = cancel;
		CHECK_INT(run_op(path, revs, "head", RETORT_UPGRADE, by_fd, &rec, cancel, msg,
			sizeof(msg)), RETORT_ECANCELLED);
		check_order(&rec, RETORT_ECANCELLED, by_fd ? rec.committed : 5);
		/* the descriptor's cancel lands a little later, never before */
		CHECK(rec.committed >= 5);
		chain_id(want, (unsigned long)rec.committed);
		CHECK_STR(version_of(path), want);
		chain_id(want, (unsigned long)rec.committed + 1);
		snprintf(expect, sizeof(expect), "upgrade %s cancelled and rolled back", want);
		CHECK_STR(msg, expect);
		CHECK_INT(harness_query_int(path, "SELECT count(*) FROM sqlite_schema WHERE name LIKE 't%'"),
			rec.committed);
		CHECK(!has_journal(path));
		retort_cancel_free(cancel);
		reset(&rec);
	}
	retort_revisions_free(revs);
}

/* Two operations on two databases at once, both watched from one poll(). */
static void test_two_at_once(void)
{
	char path[2][400];
	retort_revisions *big = load(big_dir), *chain = load(chain_dir);
	retort_op *op[2] = { NULL, NULL };
	recorder rec[2];
	struct pollfd pfd[2];
	int i;

	memset(rec, 0, sizeof(rec));
	snprintf(path[0], sizeof(path[0]), "%s/two-big.db", root);
	snprintf(path[1], sizeof(path[1]), "%s/two-chain.db", root);
	db_at(path[0], big, BIG_FILL);
	unlink(path[1]);
	CHECK_INT(retort_op_start(&op[0], path[0], big, "head", RETORT_UPGRADE, NULL, NULL), 0);
	CHECK_INT(retort_op_start(&op[1], path[1], chain, "head", RETORT_UPGRADE, NULL, NULL), 0);
	for (i = 0; i < 2; i++)
		pfd[i] = (struct pollfd){ op[i] ? retort_op_fd(op[i]) : -1, POLLIN, 0 };
	while (op[0] && op[1] && (!rec[0].dones || !rec[1].dones)) {
		if (poll(pfd, 2, HANG_MS) <= 0)
			break;
		for (i = 0; i < 2; i++)
			if (pfd[i].revents & POLLIN)
				retort_op_poll(op[i], record, &rec[i]);
	}
	check_order(&rec[0], 0, 1);
	check_order(&rec[1], 0, n_chain);
	for (i = 0; i < 2; i++) {
		CHECK_INT(retort_op_wait(op[i], NULL), 0);
		retort_op_free(op[i]);
		reset(&rec[i]);
	}
	check_big(path[0], BIG_REBUILD, 1);
	CHECK_INT(harness_query_int(path[1], "SELECT count(*) FROM retort_history"), n_chain);
	retort_revisions_free(big);
	retort_revisions_free(chain);
}

/* The synchronous call: the same events, DONE last; a non-zero return
** cancels as the token does. */
static void test_sync(void)
{
	char path[400], want[64];
	retort_revisions *revs = load(chain_dir);
	retort_migrate_options o = RETORT_MIGRATE_OPTIONS_INIT;
	retort_error *err = NULL;
	recorder rec = { 0 };
	sqlite3 *db = NULL;

	snprintf(path, sizeof(path), "%s/sync.db", root);
	unlink(path);
	CHECK_INT(sqlite3_open(path, &db), SQLITE_OK);
	o.progress = record;
	o.progress_ctx = &rec;
	rec.stop_after = 3;
	rec.by_return = 1;
	CHECK_INT(retort_upgrade(db, revs, "head", &o, &err), RETORT_ECANCELLED);
	CHECK(err && strstr(err->message, "c00000000004 cancelled and rolled back"));
	check_order(&rec, RETORT_ECANCELLED, 3);
	CHECK_STR(version_of(path), "c00000000003");
	retort_error_free(err);
	err = NULL;
	reset(&rec);
	CHECK_INT(retort_upgrade(db, revs, "head", &o, &err), 0);
	check_order(&rec, 0, n_chain - 3);
	reset(&rec);
	/* a downgrade that drops a table with its row warns, between its
	** REVISION and its COMMITTED */
	CHECK_INT(retort_downgrade(db, revs, "-1", &o, &err), 0);
	check_order(&rec, 0, 1);
	CHECK_INT(count_kind(&rec, RETORT_PROGRESS_WARNING), 1);
	snprintf(want, sizeof(want), "dropping table t%lu destroys 1 row", n_chain);
	CHECK(rec.n == 4 && rec.ev[1].kind == RETORT_PROGRESS_WARNING);
	CHECK_STR(rec.ev[1].message, want);
	reset(&rec);
	sqlite3_close(db);
	retort_revisions_free(revs);
}

/* Starting fails at once for a URL that names no SQLite file. */
static void test_bad_start(void)
{
	retort_revisions *revs = load(chain_dir);
	retort_error *err = NULL;
	retort_op *op = (retort_op *)&err;

	CHECK_INT(retort_op_start(&op, "postgresql://host/db", revs, "head", RETORT_UPGRADE,
		NULL, &err), RETORT_EINVALID);
	CHECK(op == NULL);
	retort_error_free(err);
	retort_op_free(NULL);
	retort_op_cancel(NULL);
	retort_revisions_free(revs);
}

static const harness_case cases[] = {
	HARNESS_CASE(test_bad_start),
	HARNESS_CASE(test_sync),
	HARNESS_CASE(test_big),
	HARNESS_CASE(test_big_fd),
	HARNESS_CASE(test_chain),
	HARNESS_CASE(test_chain_fd),
	HARNESS_CASE(test_cancel_big),
	HARNESS_CASE(test_cancel_chain),
	HARNESS_CASE(test_two_at_once),
};

int main(int argc, char **argv)
{
	const char *tmp = getenv("TMPDIR");
	int rc = harness_args(argc, argv, HARNESS_CASES(cases));

	if (rc >= 0)
		return rc;

	n_rows = harness_env_number("RETORT_ASYNC_ROWS", 200000, NULL);
	n_chain = harness_env_number("RETORT_ASYNC_CHAIN", 200, NULL);
	if (n_chain < 8)
		n_chain = 8;
	snprintf(root, sizeof(root), "%s/retort-async-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(root)) {
		perror(root);
		return 1;
	}
	write_big();
	write_chain();
	harness_run(HARNESS_CASES(cases));
	if (!harness_failed) {
		char cmd[300];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", root);
	}
	return harness_done();
}
