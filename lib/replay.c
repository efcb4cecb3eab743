/*
** replay.c: the chain without a live database. The schema at a revision is
** what its upgrade sections give when replayed from base into an in-memory
** database (`revision --offline`, `check`, the `head` source); `verify` runs
** each revision up, down and up again there, comparing schemas.
*/
#include "revision.h"
#include "buf.h"
#include "error.h"
#include "renames.h"
#include "schema.h"
#include "scratch.h"

#include <stdlib.h>
#include <string.h>

/*
** Run one section; a failing statement is the revision file's fault, and so
** is one that no run may make (refused here too, so that check and verify
** fail on what upgrade would refuse).
*/
static int run_section(sqlite3 *db, const retort_revision *rev, retort_direction dir,
	retort_error **err)
{
	const rev_section *s = &rev->section[dir];
	const char *what = dir == RETORT_UPGRADE ? "the upgrade" : "the downgrade";
	const char *why = NULL;
	src_loc loc = { rev->path, s->line, 1 };
	retort_scratch_run run;
	size_t i;
	int rc = 0;

	retort_scratch_run_init(&run, db);
	for (i = 0; i < s->n_stmts && !rc; i++) {
		const char *sql = s->stmts[i].sql, *refusal = retort_scratch_refusal(sql, 0);
		loc.line = s->stmts[i].line;
		if (refusal)
			rc = retort_error_at(err, RETORT_EINVALID, &loc, NULL, "%s", refusal);
		while (!rc && sql && *sql)
			if (retort_scratch_run_step(&run, sql, &sql, &why) != SQLITE_OK)
				rc = retort_error_at(err, RETORT_EINVALID, &loc, NULL,
					"%s of revision %s fails: %s", what, rev->id, why);
	}
	/* a window left open is the section's fault, at its end */
	if (retort_scratch_run_end(&run, &why) != SQLITE_OK && !rc)
		rc = retort_error_at(err, RETORT_EINVALID, &loc, NULL, "%s of revision %s fails: %s",
			what, rev->id, why);
	return rc;
}

int retort_replay_applied(sqlite3 **out, const retort_revisions *revs, const unsigned char *applied,
	retort_error **err)
{
	size_t i;
	int rc = retort_scratch_open(out, err);

	for (i = 0; i < revs->n && !rc; i++)
		if (applied[i])
			rc = run_section(*out, revs->revs[i], RETORT_UPGRADE, err);
	if (rc) {
		sqlite3_close(*out);
		*out = NULL;
	}
	return rc;
}

/*
** Record on `s` the renames that the revisions flagged in `applied` did, in
** the order they ran, and those that any revision did (renames.h).
*/
static int set_history(schema *s, const retort_revisions *revs, const unsigned char *applied,
	retort_error **err)
{
	done_renames done = { NULL, 0, 0 }, known = { NULL, 0, 0 };
	retort_buf d = RETORT_BUF_INIT, k = RETORT_BUF_INIT;
	size_t i, bad_at;
	int rc = 0;

	for (i = 0; i < revs->n && rc == 0; i++) {
		done_renames r;
		/* checked when the file was read: a bad line never gets here */
		rc = retort_done_renames_parse(&r, revs->revs[i]->renames, &bad_at);
		rc = rc > 0 ? 0 : rc;
		if (rc == 0)
			rc = retort_done_renames_fold(&known, &r);
		if (rc == 0 && applied[i])
			rc = retort_done_renames_fold(&done, &r);
		retort_done_renames_release(&r);
	}
	retort_done_renames_format(&d, &done);
	retort_done_renames_format(&k, &known);
	if (rc == 0 && !retort_buf_oom(&d) && !retort_buf_oom(&k)) {
		free(s->renames_done);
		free(s->renames_known);
		s->renames_done = retort_buf_detach(&d);
		s->renames_known = retort_buf_detach(&k);
		rc = s->renames_done && s->renames_known ? 0 : -1;
	} else {
		rc = -1;
	}
	retort_done_renames_release(&done);
	retort_done_renames_release(&known);
	retort_buf_release(&d);
	retort_buf_release(&k);
	return rc ? retort_error_oom(err) : 0;
}

int retort_schema_set_revisions(retort_schema *s, const retort_revisions *revs,
	const char *const *ids, size_t n_ids, retort_error **err)
{
	const retort_revision **at = calloc(n_ids + 1, sizeof(*at));
	unsigned char *applied = calloc(revs->n + 1, 1);
	size_t i;
	int rc = 0;

	if (!at || !applied)
		rc = retort_error_oom(err);
	for (i = 0; i < n_ids && rc == 0; i++)
		if (!(at[i] = retort_revisions_get(revs, ids[i])))
			rc = retort_error_set(err, RETORT_ENOTFOUND, "revision %s is not in %s", ids[i],
				revs->dir);
	if (rc == 0 && ids)
		retort_revgraph_close_ancestors(revs, applied, at, n_ids);
	else if (rc == 0)
		memset(applied, 1, revs->n);
	if (rc == 0)
		rc = set_history(s, revs, applied, err);
	free(at);
	free(applied);
	return rc;
}

int retort_revisions_schema(retort_schema **out, const retort_revisions *revs,
	const char *target, const retort_config *cfg, retort_error **err)
{
	const retort_revision **targets = NULL;
	unsigned char *wanted = NULL;
	size_t n_targets = 0;
	sqlite3 *db = NULL;
	int rc;

	*out = NULL;
	rc = retort_revisions_resolve(&targets, &n_targets, revs, target ? target : "heads",
		NULL, 0, err);
	if (!rc && !(wanted = calloc(revs->n ? revs->n : 1, 1)))
		rc = retort_error_oom(err);
	if (!rc) {
		retort_revgraph_close_ancestors(revs, wanted, targets, n_targets);
		rc = retort_replay_applied(&db, revs, wanted, err);
	}
	if (!rc)
		rc = retort_schema_read(out, db, cfg, err);
	if (!rc)
		rc = set_history(*out, revs, wanted, err);
	if (rc) {
		retort_schema_free(*out);
		*out = NULL;
	}
	sqlite3_close(db);
	free(wanted);
	free(targets);
	return rc;
}

/*
** What verify compares at each step: every object's type, name, table and
** SQL as sqlite_schema holds them, each field ending in its NUL, in rowid
** order. One scan of sqlite_schema costs about what SQLite's own DDL costs
** (each statement scans it too); reading the schema through PRAGMAs costs
** far more, so it is done only when the texts differ, which keeps verify
** within a constant of the statements it runs.
*/
#define SNAPSHOT_SQL "SELECT type, name, tbl_name, sql FROM sqlite_schema" \
	" WHERE sql IS NOT NULL ORDER BY rowid"

/* Take a snapshot into `out`, or with `out` NULL, tell in `*same` whether
** the database's is `expect` (without copying it). */
static int snapshot(sqlite3 *db, retort_buf *out, const retort_buf *expect, int *same,
	retort_error **err)
{
	sqlite3_stmt *st = NULL;
	const char *p = expect ? expect->ptr : NULL, *end = expect ? p + expect->len : NULL;
	int rc = sqlite3_prepare_v2(db, SNAPSHOT_SQL, -1, &st, NULL), i, differs = 0;

	if (out)
		retort_buf_clear(out);
	if (same)
		*same = 1;
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (i = 0, rc = SQLITE_OK; i < 4 && rc == SQLITE_OK; i++) {
			const char *text = (const char *)sqlite3_column_text(st, i);
			size_t len = (size_t)sqlite3_column_bytes(st, i) + 1;
			if (!text)
				rc = SQLITE_NOMEM;
			else if (out)
				retort_buf_put(out, text, len);
			else if ((size_t)(end - p) >= len && memcmp(p, text, len) == 0)
				p += len;
			else { /* a difference: no need to read on */
				differs = 1;
				rc = SQLITE_DONE;
			}
		}
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_NOMEM || (out && retort_buf_oom(out)))
		return retort_error_oom(err);
	if (rc != SQLITE_DONE)
		return retort_error_set(err, RETORT_EDB, "cannot read the schema: %s", sqlite3_errmsg(db));
	if (same)
		*same = !differs && p == end;
	return 0;
}

/* The bytes of a snapshot's object: its four fields and their NULs. */
static size_t row_len(const char *row)
{
	const char *p = row;
	int i;

	for (i = 0; i < 4; i++)
		p += strlen(p) + 1;
	return (size_t)(p - row);
}

/* A snapshot's objects (each four fields), for comparing in any order. */
static const char **snapshot_rows(const retort_buf *snap, size_t *n)
{
	const char **rows;
	const char *p = snap->ptr, *end = snap->ptr + snap->len;
	size_t count = 0, i;

	for (i = 0; i < snap->len; i++)
		count += snap->ptr[i] == '\0';
	rows = malloc((count / 4 + 1) * sizeof(*rows));
	for (*n = 0; rows && p < end; (*n)++) {
		rows[*n] = p;
		p += row_len(p);
	}
	return rows;
}

static int cmp_row(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	size_t lx = row_len(x), ly = row_len(y);
	int c = memcmp(x, y, lx < ly ? lx : ly);

	return c ? c : (lx > ly) - (lx < ly);
}

/* The same objects in another order (an index dropped and made again)
** are the same schema. Returns 1, 0, or -1 out of memory. */
static int snapshots_equal(const retort_buf *a, const retort_buf *b)
{
	const char **ra, **rb;
	size_t na, nb, i;
	int same;

	if (a->len == b->len && memcmp(a->ptr, b->ptr, a->len) == 0)
		return 1;
	if (a->len != b->len)
		return 0;
	ra = snapshot_rows(a, &na);
	rb = snapshot_rows(b, &nb);
	same = ra && rb ? na == nb : -1;
	if (same == 1) {
		qsort(ra, na, sizeof(*ra), cmp_row);
		qsort(rb, nb, sizeof(*rb), cmp_row);
		for (i = 0; i < na && same; i++)
			same = cmp_row(&ra[i], &rb[i]) == 0;
	}
	free(ra);
	free(rb);
	return same;
}

/* The schema a snapshot stands for: its objects made again in an empty
** database (tables before what needs them), then read as any schema. */
static int snapshot_schema(retort_schema **out, const retort_buf *snap,
	const retort_config *cfg, retort_error **err)
{
	static const char *const order[] = { "table", "index", "view", "trigger" };
	sqlite3 *db = NULL;
	size_t k;
	int rc = retort_scratch_open(&db, err);

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
			rc = retort_error_set(err, RETORT_EDB, "cannot make %s '%s' again: %s", type, name,
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
static int expect_schema(sqlite3 *db, const retort_buf *expected, retort_buf *now_snap,
	const retort_revision *rev, const char *what, const retort_config *cfg,
	retort_error **err)
{
	retort_schema *then = NULL, *now = NULL;
	char *differences = NULL;
	int same = 0, rc = snapshot(db, NULL, expected, &same, err);

	if (!rc && same)
		return 0;
	if (!rc)
		rc = snapshot(db, now_snap, NULL, NULL, err);
	if (!rc && (same = snapshots_equal(expected, now_snap)) != 0)
		return same < 0 ? retort_error_oom(err) : 0;
	if (!rc)
		rc = snapshot_schema(&then, expected, cfg, err);
	if (!rc)
		rc = retort_schema_read(&now, db, cfg, err);
	if (!rc)
		rc = retort_schema_differences(&differences, then, now, err);
	if (!rc && differences) {
		src_loc loc = { rev->path, rev->section[RETORT_DOWNGRADE].line, 1 };
		rc = retort_error_at(err, RETORT_EMISMATCH, &loc, NULL, "revision %s: %s (%s)", rev->id,
			what, differences);
	}
	free(differences);
	retort_schema_free(then);
	retort_schema_free(now);
	return rc;
}

int retort_revisions_verify(const retort_revision **failed_out, const retort_revisions *revs,
	const retort_config *cfg, retort_error **err)
{
	retort_buf before = RETORT_BUF_INIT, after = RETORT_BUF_INIT, now = RETORT_BUF_INIT;
	sqlite3 *db = NULL;
	size_t i;
	int rc = retort_scratch_open(&db, err);

	if (failed_out)
		*failed_out = NULL;
	if (!rc)
		rc = snapshot(db, &before, NULL, NULL, err);
	for (i = 0; i < revs->n && !rc; i++) {
		const retort_revision *rev = revs->revs[i];
		retort_buf swap;
		rc = run_section(db, rev, RETORT_UPGRADE, err);
		if (!rc)
			rc = snapshot(db, &after, NULL, NULL, err);
		if (!rc)
			rc = run_section(db, rev, RETORT_DOWNGRADE, err);
		if (!rc)
			rc = expect_schema(db, &before, &now, rev, "its downgrade does not give back "
				"the schema before it", cfg, err);
		if (!rc)
			rc = run_section(db, rev, RETORT_UPGRADE, err);
		if (!rc)
			rc = expect_schema(db, &after, &now, rev, "upgraded again after its downgrade, "
				"it gives another schema than the first time", cfg, err);
		if (rc && failed_out)
			*failed_out = rev;
		/* the next revision starts from the first upgrade's schema, the
		** same as the second's */
		swap = before;
		before = after;
		after = swap;
	}
	retort_buf_release(&before);
	retort_buf_release(&after);
	retort_buf_release(&now);
	sqlite3_close(db);
	return rc;
}
