/*
** rewrite.h: a schema of gen_schema written a second way that SQLite reads
** as the same schema (issue 14), for tests of autogenerate's equivalence;
** and, for the opposite test, the same with one meaningful change hidden in
** one piece of SQL text.
**
** The rewrites work on gen_schema_to_sql_marked() output, where every piece
** of SQL text is marked with its kind: expressions are parsed into small
** trees (operators and their precedence as SQLite's grammar has them), so
** that parentheses are added around whole expressions, operands and
** subexpressions, and dropped where they are redundant, without changing
** what SQLite builds. Constraint placement is rewritten on the gen_schema
** itself (rw_place). Every choice comes from the seed.
**
** Test code: allocation failure aborts.
*/
#ifndef RETORT_TEST_REWRITE_H
#define RETORT_TEST_REWRITE_H

#include "roundtrip/gen_schema.h"

#include <stdint.h>

typedef enum rw_kind {
	RW_QUOTE = 0,     /* "x", [x], `x`, bare where legal, for the same name */
	RW_NEW_X,         /* NEW."x" vs NEW.x (and OLD) */
	RW_NAME_CASE,     /* the ASCII case of a name where an expression refers
	                     to a column: SQLite matches names without it */
	RW_CASE,          /* keyword and function-name case */
	RW_SPACE,         /* whitespace and line breaks between tokens */
	RW_COMMENT,       /* -- and block comments between tokens (added, dropped) */
	RW_EQ,            /* = vs == */
	RW_NE,            /* <> vs != */
	RW_PAREN_WHOLE,   /* (expr) around a whole expression, DEFAULT (x) */
	RW_PAREN_OPERAND, /* around an operand (a name, literal, call) */
	RW_PAREN_SUB,     /* around a subexpression */
	RW_PAREN_DROP,    /* redundant parentheses of the original dropped */
	RW_FOR_EACH_ROW,  /* an implied vs explicit FOR EACH ROW */
	RW_NUM_INT,       /* 16, 0x10, 0x10 in upper case, 016 */
	RW_NUM_REAL,      /* 1.5, 1.50, 15e-1, 0.15E1 */
	RW_PLACE_CHECK,   /* column-level vs table-level CHECK */
	RW_PLACE_UNIQUE,  /* column-level vs table-level UNIQUE */
	RW_PLACE_PK,      /* column-level vs table-level PRIMARY KEY */
	RW_PLACE_FK,      /* REFERENCES vs FOREIGN KEY (...) REFERENCES */
	RW_LAYOUT,        /* gen_schema's renderer with another seed: the styles
	                     it quotes names in, keyword case per statement, line
	                     breaks, the order of a table's constraints */
	RW_COUNT
} rw_kind;

#define RW_ALL ((1u << RW_COUNT) - 1)

/* The kind's name, e.g. "paren-sub"; rw_kind_parse() reads a comma-separated
** list of names into a mask (0 and a message on stderr for an unknown one). */
const char *rw_kind_name(rw_kind k);
unsigned rw_kind_parse(const char *list);

/* The names of the kinds in `mask`, comma-separated, into `out` (size n). */
void rw_kinds_text(unsigned mask, char *out, size_t n);

/*
** Move constraints between column level and table level where SQLite means
** the same (the RW_PLACE_* kinds in `on`). Sets the bits of the kinds that
** moved something in `*applied`.
*/
void rw_place(gen_schema *s, uint64_t seed, unsigned on, unsigned *applied);

/* The change rw_change_marked() made. */
typedef struct rw_change {
	size_t statement;  /* in gen_schema_to_sql order: tables, indexes, views, triggers */
	char piece;        /* the gen_piece it is in */
	char *what;        /* "operator '<' -> '<='", ... (malloc'd) */
} rw_change;

/*
** One meaningful change in one piece of `marked` (a changed operand,
** operator, literal, collation or name), chosen with `seed`. Returns the
** marked text with the change (malloc'd) and fills `*ch`, or NULL when
** no piece has anything to change.
*/
char *rw_change_marked(const char *marked, uint64_t seed, rw_change *ch);

/*
** `marked` written again with the rewrites of `on` (each used or not as the
** seed decides), without the marks. Sets the bits of the kinds that changed
** something in `*applied`. Returns a malloc'd string, or NULL with a
** message in `*err` (malloc'd) when a piece does not parse: a generator
** this module does not follow.
*/
char *rw_rewrite(const char *marked, uint64_t seed, unsigned on, unsigned *applied, char **err);

#endif
