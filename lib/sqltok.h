/*
** sqltok.h: a small SQL tokenizer, exact about SQLite's quoting rules
** ('string', "identifier", [identifier], `identifier`, x'blob', comments),
** used to read what no PRAGMA tells from CREATE statements and to compare
** SQL text the way SQLite reads it rather than as raw bytes.
*/
#ifndef RETORT_SQLTOK_H
#define RETORT_SQLTOK_H

#include <stddef.h>

typedef enum sqltok_type {
	TK_EOF = 0,
	TK_SPACE,
	TK_COMMENT,
	TK_WORD,      /* bare identifier or keyword */
	TK_QUOTED,    /* "x", [x] or `x` */
	TK_STRING,    /* 'x' */
	TK_BLOB,      /* x'00' */
	TK_NUMBER,
	TK_VARIABLE,  /* ?1 :a @a $a */
	TK_LP,
	TK_RP,
	TK_COMMA,
	TK_SEMI,
	TK_OP,        /* any other operator or punctuation */
	TK_ILLEGAL    /* unterminated quote, stray byte */
} sqltok_type;

typedef struct sqltok {
	sqltok_type type;
	const char *z;
	size_t n;
} sqltok;

/* The token at the start of `z` (TK_EOF at the terminating NUL). */
sqltok retort_sqltok_at(const char *z);

/* A cursor over the tokens of a text that skips spaces and comments. */
typedef struct sqlcur {
	const char *next; /* where the token after `tok` starts */
	sqltok tok;       /* the current token */
	const char *prev_end; /* where the token before `tok` ended */
} sqlcur;

void retort_sqlcur_init(sqlcur *c, const char *z);
void retort_sqlcur_advance(sqlcur *c);
/* Is the current token the bare word `kw` (any case)? */
int retort_sqlcur_is(const sqlcur *c, const char *kw);
/* If the current token is the bare word `kw`, step over it and return 1. */
int retort_sqlcur_accept(sqlcur *c, const char *kw);
/* Step over a balanced (...) group starting at the current TK_LP. */
void retort_sqlcur_skip_group(sqlcur *c);

/* Is the token a name (word, quoted identifier, or string used as one)? */
int retort_sqltok_is_name(const sqltok *t);
/* The name a token stands for: quotes removed, doubled quotes undone. */
char *retort_sqltok_name(const sqltok *t);

/* Copy text from `start` up to `end`, spaces trimmed at both ends. */
char *retort_sql_trimmed(const char *start, const char *end);

/*
** A canonical form of SQL text for comparison: tokens joined by one space,
** comments dropped; words and names upper-cased (SQLite folds the case of
** names), a name bare when plain and no keyword, else quoted "..."; == as =
** and <> as !=; numbers by the value SQLite reads (0x10 as 16, 1.50 and
** 15e-1 as one real, 1 and 1.0 apart). "x" stays as spelled except beside a
** '.', since SQLite reads it as a string where nothing is named x. Flags:
** SQL_CANON_DQ_NAMES reads every "x" as a name; SQL_CANON_LOOSE also drops
** every parenthesis and folds every quoted name: two texts whose loose
** forms differ cannot mean the same (sqlsame.h builds on this).
*/
enum { SQL_CANON_DQ_NAMES = 1, SQL_CANON_LOOSE = 2 };
char *retort_sql_canonical(const char *sql, unsigned flags);
/* retort_sql_canonical(sql, SQL_CANON_DQ_NAMES): whole statements, where "x" names. */
char *retort_sql_normalize(const char *sql);
/* Compare two SQL texts by their canonical forms (NULL equals NULL). */
int retort_sql_equal(const char *a, const char *b);

/*
** `sql` with every identifier naming from[i] (any case, any quoting) written
** as to[i], double-quoted; bare words called as functions are left alone.
** NULL stays NULL; NULL on allocation failure otherwise.
*/
char *retort_sql_rename_names(const char *sql, const char *const *from, const char *const *to,
	size_t n);

/* Does `sql` name any of `names` (as an identifier or a 'string', which
** SQLite also takes for a name)? Conservative: used to find dependents. */
int retort_sql_mentions(const char *sql, const char *const *names, size_t n);

/*
** Is `sql` one literal: a signed number, 'string', x'blob', NULL, TRUE or
** FALSE, and with `current_time` also CURRENT_TIME/DATE/TIMESTAMP? (What a
** DEFAULT may hold without parentheses; without the CURRENT_* forms, what
** ALTER TABLE ADD COLUMN accepts as a default on a table with rows.)
*/
int retort_sql_is_literal(const char *sql, int current_time);

/*
** Where the first statement of `z` ends: just past the ';' at which
** sqlite3_complete() would first call the text so far complete, or NULL
** when no ';' does. It runs SQLite's own state machine (complete.c) once over
** the text, so a ';' in a string, a quoted name, a comment or a trigger body
** ends nothing, and splitting a text statement by statement costs its
** length rather than a sqlite3_complete() of a growing prefix at each ';'.
*/
const char *retort_sql_statement_end(const char *z);

/*
** What keeps `sql`, a piece of model text that retort splices into a
** statement, from being one whole piece of it: an unterminated comment or
** quote, unbalanced parentheses, or in an expression (not `statement`) a ';'.
** NULL when nothing does. How many statements a `statement` holds is left to
** SQLite (sqlite3_prepare's tail). A "-- comment" at the end is fine: render.c
** ends such text with a newline.
*/
const char *retort_sql_piece_fault(const char *sql, int statement);

/*
** Is `type` a declared type as SQLite's grammar reads one: bare names, then
** optionally (N) or (N, M) with signed numbers (spaces and closed block
** comments between them)? Quoted names are not taken: SQLite keeps only the
** first one, unquoted. *keywords is set when a name is an SQLite keyword:
** some keywords are names to SQLite (KEY, WITH), others start a constraint
** (PRIMARY, NOT, AS), and only SQLite can tell which.
*/
int retort_sql_is_type_name(const char *type, int *keywords);

/* Would `name` need quoting to be read as one identifier? */
int retort_sql_name_is_plain(const char *name);

#endif
