/*
** renames.h: the renames a revision did, as its `-- renames:` header line
** holds them, and what a chain of revisions leaves done. A `renamed_from`
** hint in the models is consumed once: a rename the chain has done is not
** done again (diff.c asks retort_done_renames_has()).
**
** The line lists renames separated by commas: `"old" -> "new"` for a table,
** `"table"."old" -> "new"` for a column of the table named as the revision
** leaves it. A name is a double-quoted identifier (a bare word and the other
** quoting styles of SQLite read too), or x'hex' for one holding a character
** that a comment line cannot carry (a line break).
*/
#ifndef RETORT_RENAMES_H
#define RETORT_RENAMES_H

#include "buf.h"

#include <stddef.h>

typedef struct done_rename {
	char *table;     /* a column's table; NULL for a table rename */
	char *from, *to;
} done_rename;

typedef struct done_renames {
	done_rename *v;
	size_t n, cap;
} done_renames;

/* Copy the names in; -1 when out of memory. */
int retort_done_renames_push(done_renames *r, const char *table, const char *from, const char *to);
void retort_done_renames_release(done_renames *r);

/*
** Read a `-- renames:` value (NULL or empty: none) into `out` (initialised
** here). 0, -1 out of memory, or 1 when it is malformed, with `*bad_at` the
** byte offset of the token at fault.
*/
int retort_done_renames_parse(done_renames *out, const char *text, size_t *bad_at);
/* Append the value that retort_done_renames_parse() reads back as `r`. */
void retort_done_renames_format(retort_buf *b, const done_renames *r);

/*
** Fold the renames of one more revision into `acc`, what the revisions so
** far left done: a table rename carries the columns renamed in it along,
** and a done rename whose new name is renamed away again is no longer done.
** -1 when out of memory.
*/
int retort_done_renames_fold(done_renames *acc, const done_renames *rev);

/* Is the rename in `r` (table NULL: of a table), names compared as SQLite does? */
int retort_done_renames_has(const done_renames *r, const char *table, const char *from,
	const char *to);

#endif
