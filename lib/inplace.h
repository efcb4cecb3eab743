/*
** inplace.h: the guard that an in-place table change (plan.c) runs before
** it adds a CHECK or a NOT NULL, and the error that names the row which
** stops it.
*/
#ifndef RETORT_INPLACE_H
#define RETORT_INPLACE_H

#include "buf.h"

#include "db/db.h"

/*
** Append the statements that stop a script (sqlite3 -bail, or retort) with
** `message` (the guard's constraint name) when a row of `table` meets
** `cond`: `row` is an SQL expression that describes that row in words
** ('rowid ' || rowid), never NULL.
*/
void retort_inplace_guard(retort_buf *b, const char *message, const char *table,
	const char *row, const char *cond);

/*
** `sql` just failed in `db` with SQLite's `message`: when it is such a
** guard, its message and the row it found ("pet: a row breaks the new
** CHECK (qty > 0): rowid 3"), read in `db`; else NULL. free() it.
*/
char *retort_inplace_error(retort_db *db, const char *sql, const char *message);

#endif
