/*
** replay.c: the chain without a live database. The schema at a revision is
** what its upgrade sections give when replayed from base into an in-memory
** database (`revision --offline`, `check`, the `head` source); `verify` runs
** each revision up, down and up again there, comparing schemas.
*/
#include "revision.h"
#include "buf.h"
#include "error.h"

#include <stdlib.h>
#include <string.h>

/* Run one section; a failing statement is the revision file's fault. */
static int run_section(sqlite3 *db, const retort_revision *rev, retort_direction dir,
	retort_error **err)
{
	const rev_section *s = &rev->section[dir];
	size_t i;

	for (i = 0; i < s->n_stmts; i++) {
		if (sqlite3_exec(db, s->stmts[i].sql, NULL, NULL, NULL) != SQLITE_OK) {
			src_loc loc = { rev->path, s->stmts[i].line, 1 };
			return error_at(err, RETORT_EINVALID, &loc, NULL, "%s of revision %s fails: %s",
				dir == RETORT_UPGRADE ? "the upgrade" : "the downgrade", rev->id,
				sqlite3_errmsg(db));
		}
	}
	return 0;
}

static int open_memory(sqlite3 **db, retort_error **err)
{
	if (sqlite3_open(":memory:", db) != SQLITE_OK) {
		sqlite3_close(*db);
		*db = NULL;
		return error_set(err, RETORT_EDB, "cannot open an in-memory database");
	}
	return 0;
}

int retort_revisions_schema(retort_schema **out, const retort_revisions *revs,
	const char *target, const retort_config *cfg, retort_error **err)
{
	const retort_revision **targets = NULL;
	unsigned char *wanted = NULL;
	size_t n_targets = 0, i;
	sqlite3 *db = NULL;
	int rc;

	*out = NULL;
	rc = retort_revisions_resolve(&targets, &n_targets, revs, target ? target : "heads",
		NULL, 0, err);
	if (!rc && !(wanted = calloc(revs->n ? revs->n : 1, 1)))
		rc = error_oom(err);
	if (!rc) {
		revgraph_close_ancestors(revs, wanted, targets, n_targets);
		rc = open_memory(&db, err);
	}
	for (i = 0; i < revs->n && !rc; i++)
		if (wanted[i])
			rc = run_section(db, revs->revs[i], RETORT_UPGRADE, err);
	if (!rc)
		rc = retort_schema_read(out, db, cfg, err);
	sqlite3_close(db);
	free(wanted);
	free(targets);
	return rc;
}

/*
** What verify compares at each step: every object's type, name, table and
** SQL as sqlite_schema holds them, in one order whatever the order they were
** made in. A scan of sqlite_schema costs about what SQLite's own DDL costs;
** reading the schema through PRAGMAs costs far more, so it is done only when
** the texts differ, which leaves the chain linear in its length.
*/
static int snapshot(sqlite3 *db, retort_buf *out, retort_error **err)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db, "SELECT type, name, tbl_name, sql FROM sqlite_schema"
		" WHERE sql IS NOT NULL ORDER BY type, name", -1, &st, NULL);
	int i;

	buf_clear(out);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (i = 0, rc = SQLITE_OK; i < 4 && rc == SQLITE_OK; i++) {
			const char *text = (const char *)sqlite3_column_text(st, i);
			if (text) /* each field ends in its NUL */
				buf_put(out, text, (size_t)sqlite3_column_bytes(st, i) + 1);
			else
				rc = SQLITE_NOMEM;
		}
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_NOMEM || buf_oom(out))
		return error_oom(err);
	if (rc != SQLITE_DONE)
		return error_set(err, RETORT_EDB, "cannot read the schema: %s", sqlite3_errmsg(db));
	return 0;
}

static int snapshots_equal(const retort_buf *a, const retort_buf *b)
{
	return a->len == b->len && memcmp(a->ptr, b->ptr, a->len) == 0;
}

/* The schema a snapshot stands for: its objects made again in an empty
** database (tables before what needs them), then read as any schema. */
static int snapshot_schema(retort_schema **out, const retort_buf *snap,
	const retort_config *cfg, retort_error **err)
{
	static const char *const order[] = { "table", "index", "view", "trigger" };
	sqlite3 *db = NULL;
	size_t k;
	int rc = open_memory(&db, err);

	for (k = 0; k < sizeof(order) / sizeof(order[0]) && !rc; k++) {
		const char *p = snap->ptr, *end = snap->ptr + snap->len;
		while (p < end && !rc) {
			const char *type = p, *name = type + strlen(type) + 1;
			const char *table = name + strlen(name) + 1, *sql = table + strlen(table) + 1;
			p = sql + strlen(sql) + 1;
			/* sqlite_ names come with the tables that make them; a virtual
			** table makes its own shadow tables, which then exist */
			if (strcmp(type, order[k]) != 0 || sqlite3_strnicmp(name, "sqlite_", 7) == 0 ||
			    sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ||
			    sqlite3_table_column_metadata(db, "main", name, NULL, NULL, NULL, NULL,
				NULL, NULL) == SQLITE_OK)
				continue;
			rc = error_set(err, RETORT_EDB, "cannot make %s '%s' again: %s", type, name,
				sqlite3_errmsg(db));
		}
	}
	if (!rc)
		rc = retort_schema_read(out, db, cfg, err);
	sqlite3_close(db);
	return rc;
}

/* Compare the schema now with the one `expected` stands for; on a
** difference, say which revision and what differs. */
static int expect_schema(sqlite3 *db, const retort_buf *expected, const retort_buf *now_snap,
	const retort_revision *rev, const char *what, const retort_config *cfg,
	retort_error **err)
{
	retort_schema *then = NULL, *now = NULL;
	char *differences = NULL;
	int rc;

	if (snapshots_equal(expected, now_snap))
		return 0;
	rc = snapshot_schema(&then, expected, cfg, err);
	if (!rc)
		rc = retort_schema_read(&now, db, cfg, err);
	if (!rc)
		rc = retort_schema_differences(&differences, then, now, err);
	if (!rc && differences) {
		src_loc loc = { rev->path, rev->section[RETORT_DOWNGRADE].line, 1 };
		rc = error_at(err, RETORT_EMISMATCH, &loc, NULL, "revision %s: %s (%s)", rev->id,
			what, differences);
	}
	free(differences);
	retort_schema_free(then);
	retort_schema_free(now);
	return rc;
}

int retort_revisions_verify(const retort_revisions *revs, const retort_config *cfg,
	const retort_revision **failed, retort_error **err)
{
	retort_buf before = RETORT_BUF_INIT, after = RETORT_BUF_INIT, now = RETORT_BUF_INIT;
	sqlite3 *db = NULL;
	size_t i;
	int rc = open_memory(&db, err);

	if (failed)
		*failed = NULL;
	if (!rc)
		rc = snapshot(db, &before, err);
	for (i = 0; i < revs->n && !rc; i++) {
		const retort_revision *rev = revs->revs[i];
		retort_buf swap;
		rc = run_section(db, rev, RETORT_UPGRADE, err);
		if (!rc)
			rc = snapshot(db, &after, err);
		if (!rc)
			rc = run_section(db, rev, RETORT_DOWNGRADE, err);
		if (!rc)
			rc = snapshot(db, &now, err);
		if (!rc)
			rc = expect_schema(db, &before, &now, rev, "its downgrade does not give back "
				"the schema before it", cfg, err);
		if (!rc)
			rc = run_section(db, rev, RETORT_UPGRADE, err);
		if (!rc)
			rc = snapshot(db, &now, err);
		if (!rc)
			rc = expect_schema(db, &after, &now, rev, "upgraded again after its downgrade, "
				"it gives another schema than the first time", cfg, err);
		if (rc && failed)
			*failed = rev;
		/* the next revision starts where the database is */
		swap = before;
		before = now;
		now = swap;
	}
	buf_release(&before);
	buf_release(&after);
	buf_release(&now);
	sqlite3_close(db);
	return rc;
}
