/*
** diff.h: two schemas compared table by table. For each table of either
** side, what must happen to it: nothing, create, drop, change in place with
** ALTER TABLE, or the rebuild of SQLite's "Making Other Kinds Of Table Schema
** Changes". Renames come first and always through ALTER TABLE ... RENAME, so
** that SQLite rewrites every reference; the rest is judged against the table
** as the renames leave it (`renamed`).
*/
#ifndef RETORT_DIFF_H
#define RETORT_DIFF_H

#include "schema.h"
#include "sqlsame.h"

/* The prefix of a stopover name: where a rename waits for its new name to
** be free (a swap, a cycle), and where a column whose name a rename takes
** goes before it is dropped. */
#define RENAME_STOPOVER_PREFIX "_retort_tmp_"

/* A rename of a table (col_from/col_to NULL) or of one of its columns; the
** table is named as it is on each side. Strings are borrowed. */
typedef struct rename_entry {
	const char *table_from, *table_to;
	const char *col_from, *col_to;
	int doomed;   /* a column out of a rename's way, to a stopover: it goes */
} rename_entry;

typedef struct rename_list {
	rename_entry *v;
	size_t n, cap;
} rename_list;

/*
** The renames that `to`'s renamed_from keys ask for. One that the revisions
** which made `from` did (from->renames_done) is done and skipped. One whose
** old name `from` lacks, or that cannot be told from one done before (both
** names in `from`, and `to` keeps the old one), is ignored with a line in
** `notes`; one that matches nothing in `from` and that no revision knows is
** RETORT_EINVALID at its file:line:column.
*/
int retort_renames_from_models(rename_list *out, str_list *notes, const schema *from,
	const schema *to, retort_error **err);
/* The same renames seen from the other side (for the downgrade). */
void retort_renames_invert(rename_list *r);
void retort_renames_release(rename_list *r);

typedef enum table_action {
	TABLE_KEEP,    /* nothing beyond renames */
	TABLE_CREATE,
	TABLE_DROP,
	TABLE_ALTER,   /* DROP COLUMN and ADD COLUMN in place */
	TABLE_INPLACE, /* only CHECKs, NOT NULLs, foreign keys or defaults change:
	               ** the definition is edited in sqlite_schema (plan.c) */
	TABLE_REBUILD
} table_action;

typedef struct table_diff {
	const schema_table *old;  /* NULL when created */
	const schema_table *new;  /* NULL when dropped */
	table_action action;
	schema_table renamed;     /* `old` as the renames leave it (old && new) */
	int touched;              /* a rename changed its definition or name */
	rename_entry *col_renames;/* this table's column renames */
	size_t ncol_renames;
} table_diff;

typedef struct schema_diff {
	table_diff *tables;       /* matched pairs in `to` order, then drops */
	size_t ntables, cap;
	rename_list renames;      /* those asked for, then the doomed columns' */
	str_list stopovers;       /* the doomed columns' new names */
} schema_diff;

/* Column `c` of `n` becomes NOT NULL (it was `o`) and has a default that
** the rebuild's copy puts in place of its NULLs, as Django does. */
int retort_fills_nulls(const schema_table *n, const schema_column *c, const schema_column *o);
/* Does column `o` get another default as `c`? */
int retort_default_changes(const schema_column *o, const schema_column *c);

/* How retort_diff_tables() may change a table. */
enum {
	/* every table that renames touched or that changes at all is rebuilt
	** rather than altered: the fallback when an ALTER TABLE did not do what
	** was predicted */
	DIFF_REBUILD_TOUCHED = 1,
	/* no definition edited in place (retort_diff_rebuild) */
	DIFF_NO_INPLACE = 2
};

/*
** Compare `from` with `to` under `renames`, SQL text judged by `same` (bound
** to `to`), as the DIFF_* bits of `how` allow.
*/
int retort_diff_tables(schema_diff *out, sqlsame *same, const schema *from, const schema *to,
	const rename_list *renames, unsigned how, retort_error **err);
void retort_schema_diff_release(schema_diff *d);

#endif
