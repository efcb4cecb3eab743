/*
** gen_schema.h: a seeded generator of random SQLite schemas that SQLite 3.40
** accepts, for the round-trip tests and for schema-pair (diff) tests.
**
** A schema is generated from a seed into a gen_schema (plain structs that a
** test may inspect or change), then rendered to SQL. The same seed and
** options always give the same schema and the same SQL, on every platform:
** the generator has its own PRNG and never calls rand().
**
** For a pair A -> B, generate twice from one seed and apply
** gen_schema_mutate() to the second: every mutation keeps the schema valid
** and makes a difference that SQLite can see.
**
** Test code: allocation failure aborts (there is nothing useful to recover).
*/
#ifndef RETORT_GEN_SCHEMA_H
#define RETORT_GEN_SCHEMA_H

#include <stddef.h>
#include <stdint.h>

/* splitmix64: tiny, fast, and identical everywhere. */
typedef struct gen_rng {
	uint64_t state;
} gen_rng;

void gen_rng_seed(gen_rng *r, uint64_t seed);
uint64_t gen_rng_next(gen_rng *r);
/* A uniform integer in [0, n); 0 when n is 0. */
uint32_t gen_rng_below(gen_rng *r, uint32_t n);
/* True with a probability of `percent` in 100. */
int gen_rng_chance(gen_rng *r, unsigned percent);

/* A growable list of owned strings. */
typedef struct gen_strs {
	char **v;
	size_t n, cap;
} gen_strs;

void gen_strs_push(gen_strs *l, const char *s);
void gen_strs_release(gen_strs *l);

typedef enum gen_generated {
	GEN_GENERATED_NONE = 0,
	GEN_GENERATED_VIRTUAL,
	GEN_GENERATED_STORED
} gen_generated;

/*
** A foreign key. Column-level ones (gen_column.fk) have no `columns`: the
** child column is the one that holds it. Names are raw (unquoted).
*/
typedef struct gen_fk {
	char *name;           /* CONSTRAINT name, or NULL */
	gen_strs columns;     /* child columns (table-level keys only) */
	char *table;          /* the parent table */
	gen_strs ref_columns; /* empty: "REFERENCES parent" (its primary key) */
	const char *on_delete;/* "CASCADE", ... or NULL when not written */
	const char *on_update;
	const char *deferrable; /* "DEFERRABLE INITIALLY DEFERRED", ... or NULL */
} gen_fk;

/*
** A column. Expressions (`default_sql`, `gen_expr`, `check`) are SQL text,
** written at generation time with identifiers already quoted.
*/
typedef struct gen_column {
	char *name;
	char *type;           /* declared type, or NULL for none */
	int notnull;
	char *default_sql;    /* the DEFAULT term as written, or NULL */
	char *collate;        /* a collation name, or NULL */
	gen_generated generated;
	char *gen_expr;       /* the generated column's expression */
	int short_generated;  /* write "AS (...)" without GENERATED ALWAYS */
	int pk;               /* carries a column-level PRIMARY KEY */
	int autoincrement;
	int unique;           /* carries a column-level UNIQUE */
	char *unique_name;
	char *check;          /* a column-level CHECK expression, or NULL */
	char *check_name;
	gen_fk *fk;           /* a column-level REFERENCES, or NULL */
	int in_key;           /* part of the primary key (either level) */
	int added;            /* added by a mutation (not in the original) */
} gen_column;

typedef struct gen_unique {
	char *name;
	gen_strs columns;
} gen_unique;

typedef struct gen_check {
	char *name;
	char *expr;
} gen_check;

typedef struct gen_table {
	char *name;
	gen_column *cols;
	size_t ncols, capcols;
	gen_strs pk;          /* a table-level PRIMARY KEY's columns, or empty */
	char *pk_name;        /* CONSTRAINT name of the primary key (either level) */
	gen_unique *uniques;  /* table-level UNIQUE constraints */
	size_t nuniques, capuniques;
	gen_fk *fks;          /* table-level FOREIGN KEYs */
	size_t nfks, capfks;
	gen_check *checks;    /* table-level CHECKs */
	size_t nchecks, capchecks;
	int strict;
	int without_rowid;
	int if_not_exists;
	int star_selected;    /* a view selects * from it */
	/* A virtual table: "fts5(...)", the part after USING. `cols` then
	** holds only the column names, for views and triggers to use. */
	char *virtual_using;
	int added;            /* added by a mutation (not in the original) */
} gen_table;

typedef struct gen_index {
	char *name;
	char *table;
	int unique;
	gen_strs terms;       /* each term as SQL: "\"a\" DESC", "lower(\"b\")" */
	char *where;          /* partial index condition, or NULL */
} gen_index;

typedef struct gen_view {
	char *name;
	gen_strs columns;     /* the view's result column names */
	int column_list;      /* written as CREATE VIEW v(c1, c2) AS ... */
	char *select;         /* the SELECT (or WITH ... SELECT) text */
} gen_view;

typedef struct gen_trigger {
	char *name;
	char *table;          /* the table or view it is on */
	char *sql;            /* the whole CREATE TRIGGER statement */
} gen_trigger;

/*
** A rename made by a mutation, as a diff needs to be told of it: the table
** now called `table` was called `from`; or, when `column` is set, its
** column now called `column` was called `from`. Later mutations keep the
** current names up to date; dropping the object drops its record.
*/
typedef struct gen_rename {
	char *table;
	char *column;         /* NULL: the table itself was renamed */
	char *from;
} gen_rename;

typedef struct gen_schema {
	uint64_t seed;
	gen_table *tables;
	size_t ntables, captables;
	gen_index *indexes;
	size_t nindexes, capindexes;
	gen_view *views;      /* in dependency order */
	size_t nviews, capviews;
	gen_trigger *triggers;
	size_t ntriggers, captriggers;
	gen_rename *renames;  /* only mutations make these */
	size_t nrenames, caprenames;
} gen_schema;

typedef struct gen_options {
	unsigned odd_names;   /* percent of names drawn from the odd pool */
	unsigned max_tables;  /* regular tables: 1..max_tables */
	unsigned max_columns; /* per table: 1..max_columns */
	unsigned max_indexes, max_views, max_triggers;
	int fts5;             /* may add an fts5 virtual table */
	int named_pk;         /* may write CONSTRAINT name PRIMARY KEY */
	int comments;         /* may put comments and line breaks in the SQL */
	int quoting;          /* may quote with [x] and `x`, or not at all */
} gen_options;

void gen_options_default(gen_options *o);

/*
** Generate the schema of `seed` into `out` (which the caller releases with
** gen_schema_release). `opt` may be NULL for the defaults.
*/
void gen_schema_generate(gen_schema *out, uint64_t seed, const gen_options *opt);

/*
** Render the schema as SQL: CREATE TABLE (in order; foreign keys may point
** forward), CREATE INDEX, CREATE VIEW, CREATE TRIGGER, each ending in ";\n".
** Layout (line breaks, keyword case, comments) varies with the seed.
** Returns a malloc'd string.
*/
char *gen_schema_to_sql(const gen_schema *s);

/*
** The same SQL with every piece of it that a rewriting test may change
** marked: GEN_MARK_OPEN, a gen_piece byte, the piece's text as
** gen_schema_to_sql writes it, GEN_MARK_CLOSE. Without the marks, the text
** is gen_schema_to_sql's. Statements follow the order of gen_schema_to_sql:
** tables, indexes, views, triggers.
*/
#define GEN_MARK_OPEN '\x01'
#define GEN_MARK_CLOSE '\x02'
#define GEN_MARK_CLOSE_STR "\x02"

typedef enum gen_piece {
	GEN_PIECE_NAME = 'N',       /* a quoted (or bare) name of the skeleton */
	GEN_PIECE_VERBATIM = 'T',   /* a type, a collation name, a USING clause */
	GEN_PIECE_DEFAULT = 'D',    /* the term after DEFAULT */
	GEN_PIECE_CHECK = 'C',      /* between CHECK's parentheses */
	GEN_PIECE_GENERATED = 'G',  /* between AS's parentheses */
	GEN_PIECE_INDEX_TERM = 'I', /* one term of an index, with COLLATE, ASC/DESC */
	GEN_PIECE_WHERE = 'W',      /* a partial index's condition */
	GEN_PIECE_VIEW = 'V',       /* a view's SELECT */
	GEN_PIECE_TRIGGER = 'R'     /* the whole CREATE TRIGGER statement */
} gen_piece;

char *gen_schema_to_sql_marked(const gen_schema *s);

/* Is `n` one of the words that must be quoted to be a name (SQLite's
** keywords, and TRUE, FALSE, ROWID and its kin)? Can it be written bare? */
int gen_is_keyword(const char *n);
int gen_is_bare_ok(const char *n);

/* `n` written in quoting style 0 "n", 1 [n], 2 `n`, 3 bare; a style that
** cannot hold the name falls back to "n". Returns a malloc'd string. */
char *gen_quote_ident(const char *n, int style);

void gen_schema_release(gen_schema *s);

/*
** The schema as a database written over time may hold it, with rows stored
** before the last column of one table was added (rows that then read that
** column's default from the table's definition). Picks a table whose last
** column ALTER TABLE ADD COLUMN can add over rows (`prefer` when it is one,
** else one chosen with `seed`) and returns 1 with three malloc'd scripts:
** `*before` the tables, that column left out; `*add` its ALTER TABLE ... ADD
** COLUMN; `*after` the indexes, views and triggers: 2 when the table is
** `prefer`. Returns 0 when no table has such a column.
*/
int gen_schema_split_added(const gen_schema *s, uint64_t seed, const char *prefer,
	char **before, char **add, char **after);

/* Changes that gen_schema_mutate() can make; each is visible to SQLite. */
typedef enum gen_mutation {
	GEN_MUT_COLUMN_TYPE = 0,
	GEN_MUT_NOT_NULL,
	GEN_MUT_DEFAULT,       /* half the time on a column an earlier mutation
	                          added, when there is one: in a sequence, rows
	                          written before its ADD COLUMN read the default
	                          (the trap of an in-place change, issue 20) */
	GEN_MUT_COLLATE,
	GEN_MUT_ADD_COLUMN,
	GEN_MUT_DROP_INDEX,
	GEN_MUT_INDEX_UNIQUE,
	GEN_MUT_INDEX_WHERE,
	GEN_MUT_DROP_CHECK,
	GEN_MUT_FK_ACTION,
	GEN_MUT_VIEW,
	GEN_MUT_DROP_TRIGGER,
	GEN_MUT_STRICT,
	GEN_MUT_WITHOUT_ROWID,
	/* shape changes; dependents that would become invalid go too */
	GEN_MUT_RENAME_TABLE,  /* recorded in gen_schema.renames */
	GEN_MUT_RENAME_COLUMN, /* recorded in gen_schema.renames */
	GEN_MUT_DROP_COLUMN,
	GEN_MUT_DROP_TABLE,
	GEN_MUT_ADD_TABLE,
	GEN_MUT_ADD_INDEX,     /* sometimes unique, partial or on expressions */
	GEN_MUT_ADD_VIEW,
	GEN_MUT_DROP_VIEW,
	GEN_MUT_ADD_TRIGGER,
	GEN_MUT_ADD_CHECK,     /* column-level or table-level */
	GEN_MUT_ADD_UNIQUE,    /* column-level or table-level */
	GEN_MUT_DROP_UNIQUE,
	GEN_MUT_ADD_FK,        /* on a new column, or on existing ones */
	GEN_MUT_CHANGE_PK,     /* add, remove or move a primary key */
	GEN_MUT_GENERATED,     /* add a generated column, or change one */
	GEN_MUT_DROP_FK,       /* column-level or table-level */
	GEN_MUT_COUNT
} gen_mutation;

/* The mutation's name, e.g. "column-type". */
const char *gen_mutation_name(gen_mutation m);

/* The summary lines the seeded tests print: how often each mutation was
** applied, and a kind of failure with the first `listed` of its seeds. */
void gen_print_mutations(const unsigned long applied[GEN_MUT_COUNT]);
void gen_print_failed(const char *what, unsigned long count, const unsigned long *seeds,
	unsigned long listed);

/*
** Apply mutation `m` to one object chosen with `seed`. Returns 1 and a
** malloc'd description in `*what` (when not NULL), or 0 when the schema has
** nothing the mutation applies to (then the schema is unchanged).
**
** Mutations may be applied one after another to the same schema. New names
** (added tables and columns, rename targets) never reuse a name of the
** original schema, so a diff that matches objects by name sees exactly the
** changes made (renames through gen_schema.renames).
*/
int gen_schema_mutate(gen_schema *s, gen_mutation m, uint64_t seed, char **what);

#endif
