/*
** vtable.h: the engine's two tables in a live database, the version table
** (where the database is) and the history table (what ran, when, by whom):
** how they are made, checked, read and written (vtable.c). The SQL that
** writes them is built as text, so that a dry run prints what a run runs.
*/
#ifndef RETORT_VTABLE_H
#define RETORT_VTABLE_H

#include "buf.h"
#include "db/db.h"
#include "retort.h"

#define RETORT_HISTORY_TABLE "retort_history"

/* Does `db` hold a table `name` (any case)? */
int retort_vtable_has(retort_db *db, const char *name, int *out, retort_error **err);

/*
** The version table's rows, sorted (none when it does not exist; nothing is
** read when `db` is NULL). Both tables are checked to be retort's first.
** `*cache` keeps the prepared query for the next call; the caller finalizes
** it.
*/
int retort_vtable_read(char ***out, size_t *count, retort_db *db, const char *vtable,
	retort_db_stmt **cache, retort_error **err);

/* CREATE TABLE IF NOT EXISTS for the version table `vtable` or (`history`)
** the history table, into `b` (cleared first). */
void retort_vtable_create_sql(retort_buf *b, const char *vtable, int history);

/* A history table from retort 0.1.0's first builds lacks applied_by: 1 when
** `db`'s does, with the statement that adds it in `b`. */
int retort_vtable_history_upgrade(retort_db *db, retort_buf *b);

/* The statements that write the version table `vtable`, into `b` (cleared
** first), each ending in ';': its one row changed in place, emptied, or
** filled with the revisions `heads`. */
void retort_vtable_update_sql(retort_buf *b, const char *vtable, const char *id);
void retort_vtable_delete_sql(retort_buf *b, const char *vtable);
void retort_vtable_insert_sql(retort_buf *b, const char *vtable,
	const retort_revision *const *heads, size_t n);

/* One history row. */
typedef struct retort_vtable_history {
	const char *revision;  /* NULL: base, stamped */
	const char *direction; /* "upgrade", "downgrade", "stamp" */
	const char *sha256;    /* the section run, or NULL */
	const char *started;   /* UTC; NULL with finished NULL: the time the script runs */
	const char *finished;
	long long duration_ms;
	const char *git_commit; /* may be NULL */
	const char *applied_by; /* may be NULL */
} retort_vtable_history;

void retort_vtable_history_sql(retort_buf *b, const retort_vtable_history *row);

#endif
