/*
** inplace.h: the guard that an in-place table change (plan.c) runs before
** it adds a CHECK or a NOT NULL, and the error that names the row which
** stops it; and what SQLite itself says about a definition before it is
** edited in place (diff.c, plan.c), asked in scratch databases.
*/
#ifndef RETORT_INPLACE_H
#define RETORT_INPLACE_H

#include "buf.h"

/*
** Append the statements that stop a script (sqlite3 -bail, or retort) with
** `message` (the guard's constraint name) when a row of `table` meets
** `cond`: `row` is an SQL expression that describes that row in words
** ('rowid ' || rowid), never NULL.
*/
/* How the guard's statement begins: a failure of it is the guard's (apply.c
** names the row it found). */
#define RETORT_INPLACE_GUARD_INSERT "INSERT INTO retort_inplace_guard "

void retort_inplace_guard(retort_buf *b, const char *message, const char *table,
	const char *row, const char *cond);

/*
** 1 when each CREATE TABLE of `creates` gives SQLite one automatic index at
** most (sqlite_autoindex_T_1 of a UNIQUE or PRIMARY KEY), the same one (its
** origin, columns, collations and order), else 0, also when one cannot be
** made alone in a scratch database. SQLite numbers them by their place in
** the text: where there are two, an edited text could give one
** constraint's b-tree to another, whatever order the stored text has.
*/
int retort_inplace_same_autoindexes(const char *const *creates, size_t n);

/*
** The value a row stored before a column of type `type` with default
** `default_sql` (NULL: none) was added (ALTER TABLE ADD COLUMN) reads for it,
** in a table STRICT or not, as an SQL literal (quote()): what SQLite makes
** of the default under the column's affinity ('2.50' on TEXT, not 2.5).
** NULL when SQLite cannot tell. free() it.
*/
char *retort_inplace_read_default(const char *type, const char *default_sql, int strict);

#endif
