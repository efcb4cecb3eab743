/*
** schema.h: retort's representation of a SQLite schema, designed to be
** compared object by object. Every field holds what SQLite reports (PRAGMAs)
** or, where no PRAGMA tells, what the CREATE statement says (sqltok.c).
** Objects that came from model files also carry where they were written.
*/
#ifndef RETORT_SCHEMA_H
#define RETORT_SCHEMA_H

#include "error.h"
#include "retort.h"
#include "strlist.h"

#include <stddef.h>

typedef enum schema_generated {
	GENERATED_NONE = 0,
	GENERATED_VIRTUAL,
	GENERATED_STORED
} schema_generated;

typedef struct schema_column {
	char *name;
	char *type;          /* declared type as SQLite reports it; "" if none */
	int notnull;
	char *default_sql;   /* DEFAULT expression as SQLite reports it, or NULL */
	char *collate;       /* declared COLLATE, or NULL */
	int pk;              /* 1-based position in the primary key, 0 if not */
	int pk_desc;         /* the key term is DESC (never on a rowid alias) */
	char *pk_collate;    /* the key term's COLLATE, NULL: the column's */
	char *notnull_conflict; /* NOT NULL ON CONFLICT action, NULL: ABORT */
	schema_generated generated;
	char *generated_sql; /* the generated column's expression */
	char *renamed_from;  /* models only: the column's old name */
	src_loc loc;         /* models only: where the column is defined */
	src_loc default_loc, generated_loc;
} schema_column;

typedef struct schema_unique {
	char *name;          /* CONSTRAINT name, or NULL */
	str_list columns;
	str_list collates;   /* per column: the term's COLLATE, "" (or no list):
	                     ** the column's own */
	int *desc;           /* per column: 1 for a DESC term; NULL: all ASC */
	char *on_conflict;   /* ON CONFLICT action, NULL: ABORT */
	src_loc loc;
} schema_unique;

typedef struct schema_fk {
	char *name;          /* CONSTRAINT name, or NULL */
	str_list columns;    /* in the child table */
	char *table;         /* the parent table */
	str_list ref_columns;/* empty: the parent's primary key */
	char *on_delete;     /* as PRAGMA foreign_key_list: "NO ACTION", ... */
	char *on_update;
	int deferred;        /* DEFERRABLE INITIALLY DEFERRED */
	src_loc loc;
} schema_fk;

typedef struct schema_check {
	char *name;          /* CONSTRAINT name, or NULL */
	char *expr;          /* the text between the parentheses */
	char *column;        /* the column it is written on, NULL: table-level */
	src_loc loc;
} schema_check;

typedef struct schema_index_term {
	char *column;        /* the indexed column, or NULL for an expression */
	char *expr;          /* an expression term as written, else NULL */
	int desc;
	char *collate;       /* as PRAGMA index_xinfo reports it */
	src_loc loc;
} schema_index_term;

typedef struct schema_index {
	char *name;
	char *table;
	int unique;
	char *where;         /* partial index condition, or NULL */
	schema_index_term *terms;
	size_t nterms, capterms;
	src_loc loc, where_loc;
} schema_index;

typedef struct schema_table {
	char *name;
	schema_column *columns;
	size_t ncolumns, capcolumns;
	char *pk_name;       /* CONSTRAINT name of the primary key, or NULL */
	char *pk_conflict;   /* the primary key's ON CONFLICT action, NULL: ABORT */
	int autoincrement;
	int without_rowid;
	int strict;
	char *virtual_using; /* virtual tables: "module(args)", else NULL */
	schema_unique *uniques;
	size_t nuniques, capuniques;
	schema_fk *fks;
	size_t nfks, capfks;
	schema_check *checks;
	size_t nchecks, capchecks;
	schema_index *indexes;
	size_t nindexes, capindexes;
	char *renamed_from;  /* models only */
	src_loc loc, pk_loc;
} schema_table;

typedef struct schema_view {
	char *name;
	char *sql;           /* the whole CREATE VIEW statement */
	char *select;        /* the part after AS */
	int has_column_list; /* CREATE VIEW v(a, b) AS ... */
	src_loc loc;
} schema_view;

typedef struct schema_trigger {
	char *name;
	char *table;
	char *sql;           /* the whole CREATE TRIGGER statement */
	src_loc loc;
} schema_trigger;

struct retort_schema {
	schema_table *tables;
	size_t ntables, captables;
	schema_view *views;
	size_t nviews, capviews;
	schema_trigger *triggers;
	size_t ntriggers, captriggers;
	int sorted; /* tables in name order (retort_schema_sort): found by binary search */
	/* models only: the files read, kept so that src_loc.path and error
	** source lines stay valid while the schema lives */
	str_list paths;
	str_list sources;
	/* the renames the revisions that made it did, and those any revision
	** of the folder did, as `-- renames:` values (renames.h); NULL: unknown */
	char *renames_done, *renames_known;
};

typedef retort_schema schema;

schema *retort_schema_new(void);
void retort_schema_table_release(schema_table *t);
void retort_schema_unique_release(schema_unique *u);
void retort_schema_unique_copy(schema_unique *dst, const schema_unique *src, int *bad);
void retort_schema_fk_release(schema_fk *fk);
void retort_schema_check_release(schema_check *ck);
void retort_schema_index_release(schema_index *ix);

void retort_schema_column_release(schema_column *c);

/* Deep copies. The item copiers set *bad on allocation failure and always
** leave `dst` safe to release; retort_schema_table_copy returns -1 then. */
int retort_schema_table_copy(schema_table *dst, const schema_table *src);
void retort_schema_column_copy(schema_column *dst, const schema_column *src, int *bad);
void retort_schema_check_copy(schema_check *dst, const schema_check *src, int *bad);
void retort_schema_fk_copy(schema_fk *dst, const schema_fk *src, int *bad);

schema_table *retort_schema_table_add(schema *s);
schema_column *retort_schema_column_add(schema_table *t);
schema_view *retort_schema_view_add(schema *s);
schema_trigger *retort_schema_trigger_add(schema *s);

/* Case-insensitive look-ups, as SQLite matches names (ASCII only). */
schema_table *retort_schema_find_table(const schema *s, const char *name);
schema_column *retort_schema_find_column(const schema_table *t, const char *name);
const schema_view *retort_schema_find_view(const schema *s, const char *name);

/* Is `col` the table's rowid alias (an INTEGER PRIMARY KEY, not DESC)? */
int retort_schema_column_is_rowid_alias(const schema_table *t, const schema_column *col);

/* The collation a term of a key on `column` has when it names none: the
** column's own, else BINARY. */
const char *retort_schema_implied_collation(const schema_table *t, const char *column);
/* The collation of term `i` of UNIQUE `u`, and of the primary key term on `c`. */
const char *retort_schema_unique_collate(const schema_table *t, const schema_unique *u, size_t i);
const char *retort_schema_pk_collate(const schema_column *c);
/*
** An ON CONFLICT action as SQLite reads one (any case): the canonical upper
** case word, or NULL for ABORT, which is what no clause means. *ok is set
** to 0 when `word` is no action.
*/
const char *retort_schema_conflict_action(const char *word, size_t n, int *ok);

/* Sort tables, views, triggers, and each table's indexes, uniques and
** foreign keys by name, so that two schemas line up object by object. */
void retort_schema_sort(schema *s);
void retort_schema_table_sort(schema_table *t);

/*
** Comparisons as retort_schema_equal makes them, for one object. Each
** returns 1 when equal, else 0 with the reason appended to `why` (may be
** NULL). retort_schema_table_def_equal leaves the table's indexes out. SQL text is
** judged by `same` (sqlsame.h: bound to the side compared against, the `b`
** side; NULL judges by tokens alone).
*/
struct retort_buf;
struct sqlsame;
int retort_schema_column_equal(struct sqlsame *same, const schema_table *t, const schema_column *a,
	const schema_column *b, struct retort_buf *why);
int retort_schema_index_equal(struct sqlsame *same, const schema_index *a, const schema_index *b,
	struct retort_buf *why);
/* What a view reads: its SELECT, or the whole statement when it names its
** columns. Inline: sqlsame.c, which schema.c calls, reads it too. */
static inline const char *schema_view_text(const schema_view *v)
{
	return v->has_column_list ? v->sql : v->select;
}
int retort_schema_view_equal(struct sqlsame *same, const schema_view *a, const schema_view *b);
int retort_schema_trigger_equal(struct sqlsame *same, const schema_trigger *a,
	const schema_trigger *b);
int retort_schema_table_def_equal(struct sqlsame *same, const schema_table *a,
	const schema_table *b, struct retort_buf *why);

/* The source text of the file `path` names, when the schema holds it. */
const char *retort_schema_source_of(const schema *s, const char *path);

int retort_name_eq(const char *a, const char *b);
int retort_name_cmp(const char *a, const char *b);

#endif
