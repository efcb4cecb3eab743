/*
** dataloss.h: what a revision's statements destroy (dropped tables, dropped
** columns, the rows a rebuild's copy leaves out, the NULLs it fills with a
** default), counted on the live database before they run, so that the
** operator is warned with real numbers.
*/
#ifndef RETORT_DATALOSS_H
#define RETORT_DATALOSS_H

#include "revision.h"
#include "db/db.h"

typedef struct dataloss dataloss;

/* One loss: a whole table (`count` rows), one column (`count` non-NULL
** values), the rows of a table a copy left out (`count` rows), or the NULLs
** of a column a copy turns into the SQL expression `fill` (`count` NULLs;
** `fill` is NULL for the other kinds); `column` is NULL for a table or its
** rows. Names are the live database's. */
typedef void (*dataloss_fn)(void *ctx, retort_loss_kind kind, const char *table,
	const char *column, long long count, const char *fill);

/*
** An analysis for one run against `live` (NULL: no database file yet).
** `persist`: the live database does not move during the run (a dry run), so
** one scratch schema follows every revision of the run; otherwise each
** revision that may drop something starts from the live schema as it is
** then. NULL when out of memory (then nothing is reported).
*/
dataloss *retort_dataloss_new(retort_db *live, int persist);
void retort_dataloss_free(dataloss *dl);

/*
** Report through `fn` what the `n` statements of one revision will destroy,
** before they run. Best effort: a schema the scratch copy cannot hold (an
** unknown virtual table module, a statement it cannot replay) reports
** nothing more, and no error is ever returned.
*/
void retort_dataloss_check(dataloss *dl, const rev_statement *stmts, size_t n,
	dataloss_fn fn, void *ctx);

/*
** `sql` just failed in `db` with SQLite's `message`: when it is a copy
** (INSERT INTO new (...) SELECT ... FROM t) that broke a NOT NULL or UNIQUE
** constraint, the message that names t and its column ("pet.name holds NULL
** in 3 rows, and the copy of pet makes it NOT NULL: ..."), not `new`, which
** in a rebuild is a scratch table; else NULL. free() it.
*/
char *retort_dataloss_copy_error(retort_db *db, const char *sql, const char *message);

#endif
