/*
** sqlsame.h: do two pieces of SQL text mean the same to SQLite? Every
** comparison of SQL text in a schema (CHECK, DEFAULT, generated columns,
** index terms and WHERE, view bodies, triggers) asks here.
**
** First the token forms of sqltok.h: equal canonical forms are the same;
** loose forms (no parentheses, every quoted name folded) that differ can
** never be. Between the two (parentheses, "x" that may be a string, keywords
** quoted as names), SQLite decides: both texts are compiled in a sealed
** scratch database holding the target schema's tables (their column names)
** and views, and what SQLite makes of them is compared: the EXPLAIN listing
** (each opcode with p1..p5; the SQL text in Init's and Trace's p4 left out) and, for a
** view, its result columns' names and collations; for a trigger, its header
** compared part by part and its WHEN and body by the listing of a statement
** that fires it. A text SQLite cannot compile is judged by its tokens alone.
** A false "same" would silently skip a migration: every doubt is "differ".
*/
#ifndef RETORT_SQLSAME_H
#define RETORT_SQLSAME_H

#include "schema.h"

/* A judge for comparisons against one target schema (the side a plan goes
** to): it borrows `target`, which must outlive it, and opens its scratch
** database only when a question needs SQLite. NULL on allocation failure;
** a NULL judge answers from the token forms alone. */
typedef struct sqlsame sqlsame;
sqlsame *retort_sqlsame_new(const schema *target);
void retort_sqlsame_free(sqlsame *s);

/*
** Each returns 1 when the two mean the same, else 0. retort_sqlsame_expr compares
** expressions of table `table` of the target (a CHECK, a generated column,
** an index term or WHERE), or with `table` NULL a DEFAULT; NULL equals NULL.
*/
int retort_sqlsame_expr(sqlsame *s, const char *table, const char *a, const char *b);
/* Two views of the same name: their bodies and the names of their columns. */
int retort_sqlsame_view(sqlsame *s, const schema_view *a, const schema_view *b);
/* Two triggers of the same name: when and on what they fire, what they do. */
int retort_sqlsame_trigger(sqlsame *s, const schema_trigger *a, const schema_trigger *b);

#endif
