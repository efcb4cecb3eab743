/*
** dataloss.h: what a revision's statements destroy (dropped tables, dropped
** columns, the rows a rebuild's copy leaves out), counted on the live
** database before they run, so that the operator is warned with real numbers.
*/
#ifndef RETORT_DATALOSS_H
#define RETORT_DATALOSS_H

#include "revision.h"

typedef struct dataloss dataloss;

/* One loss: a whole table (`count` rows), one column (`count` non-NULL
** values) or the rows of a table a copy left out (`count` rows); `column`
** is NULL but for a column. Names are the live database's. */
typedef void (*dataloss_fn)(void *ctx, retort_loss_kind kind, const char *table,
	const char *column, long long count);

/*
** An analysis for one run against `live` (NULL: no database file yet).
** `persist`: the live database does not move during the run (a dry run), so
** one scratch schema follows every revision of the run; otherwise each
** revision that may drop something starts from the live schema as it is
** then. NULL when out of memory (then nothing is reported).
*/
dataloss *dataloss_new(sqlite3 *live, int persist);
void dataloss_free(dataloss *dl);

/*
** Report through `fn` what the `n` statements of one revision will destroy,
** before they run. Best effort: a schema the scratch copy cannot hold (an
** unknown virtual table module, a statement it cannot replay) reports
** nothing more, and no error is ever returned.
*/
void dataloss_check(dataloss *dl, const rev_statement *stmts, size_t n,
	dataloss_fn fn, void *ctx);

#endif
