/*
** replay.c: the chain without a live database. The schema at a revision is
** what its upgrade sections give when replayed from base into an in-memory
** database (`revision --offline`, `check`, the `head` source); `verify` runs
** each revision up, down and up again there, comparing schemas.
*/
#include "revision.h"
#include "error.h"
#include "scratch.h"

#include <stdlib.h>

/*
** Run one section; a failing statement is the revision file's fault, and so
** is one that no run may make (refused here too, so that check and verify
** fail on what upgrade would refuse).
*/
static int run_section(sqlite3 *db, const retort_revision *rev, retort_direction dir,
	retort_error **err)
{
	const rev_section *s = &rev->section[dir];
	size_t i;

	for (i = 0; i < s->n_stmts; i++) {
		const char *refusal = scratch_refusal(s->stmts[i].sql, 0);
		src_loc loc = { rev->path, s->stmts[i].line, 1 };
		if (refusal)
			return error_at(err, RETORT_EINVALID, &loc, NULL, "%s", refusal);
		if (sqlite3_exec(db, s->stmts[i].sql, NULL, NULL, NULL) != SQLITE_OK)
			return error_at(err, RETORT_EINVALID, &loc, NULL, "%s of revision %s fails: %s",
				dir == RETORT_UPGRADE ? "the upgrade" : "the downgrade", rev->id,
				sqlite3_errmsg(db));
	}
	return 0;
}

int replay_applied(sqlite3 **out, const retort_revisions *revs, const unsigned char *applied,
	retort_error **err)
{
	size_t i;
	int rc = scratch_open(out, err);

	for (i = 0; i < revs->n && !rc; i++)
		if (applied[i])
			rc = run_section(*out, revs->revs[i], RETORT_UPGRADE, err);
	if (rc) {
		sqlite3_close(*out);
		*out = NULL;
	}
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
		rc = error_oom(err);
	if (!rc) {
		revgraph_close_ancestors(revs, wanted, targets, n_targets);
		rc = replay_applied(&db, revs, wanted, err);
	}
	if (!rc)
		rc = retort_schema_read(out, db, cfg, err);
	sqlite3_close(db);
	free(wanted);
	free(targets);
	return rc;
}

/* Read the schema and compare it with `expected`; on a difference, say
** which revision and what differs. */
static int expect_schema(sqlite3 *db, const retort_schema *expected, const retort_revision *rev,
	const char *what, const retort_config *cfg, retort_error **err)
{
	retort_schema *now = NULL;
	char *differences = NULL;
	int rc = retort_schema_read(&now, db, cfg, err);

	if (!rc)
		rc = retort_schema_differences(&differences, expected, now, err);
	if (!rc && differences) {
		src_loc loc = { rev->path, rev->section[RETORT_DOWNGRADE].line, 1 };
		rc = error_at(err, RETORT_EMISMATCH, &loc, NULL, "revision %s: %s (%s)", rev->id,
			what, differences);
	}
	free(differences);
	retort_schema_free(now);
	return rc;
}

int retort_revisions_verify(const retort_revisions *revs, const retort_config *cfg,
	const retort_revision **failed, retort_error **err)
{
	retort_schema *before = NULL, *after = NULL;
	sqlite3 *db = NULL;
	size_t i;
	int rc = scratch_open(&db, err);

	if (failed)
		*failed = NULL;
	if (!rc)
		rc = retort_schema_read(&before, db, cfg, err);
	for (i = 0; i < revs->n && !rc; i++) {
		const retort_revision *rev = revs->revs[i];
		rc = run_section(db, rev, RETORT_UPGRADE, err);
		if (!rc)
			rc = retort_schema_read(&after, db, cfg, err);
		if (!rc)
			rc = run_section(db, rev, RETORT_DOWNGRADE, err);
		if (!rc)
			rc = expect_schema(db, before, rev, "its downgrade does not give back the "
				"schema before it", cfg, err);
		if (!rc)
			rc = run_section(db, rev, RETORT_UPGRADE, err);
		if (!rc)
			rc = expect_schema(db, after, rev, "upgraded again after its downgrade, it "
				"gives another schema than the first time", cfg, err);
		if (rc && failed)
			*failed = rev;
		retort_schema_free(before);
		before = after;
		after = NULL;
	}
	retort_schema_free(before);
	retort_schema_free(after);
	sqlite3_close(db);
	return rc;
}
