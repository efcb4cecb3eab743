/*
** roundtrip.h: the round trip that `retort inspect` promises, as one check
** shared by the generated and the hand-written corpus:
**
**   SQL -> retort_schema_from_sql -> A -> retort_schema_to_yaml -> YAML
**   YAML -> retort_models_load_text -> B;  A equals B (both ways);
**   B -> retort_schema_to_yaml == YAML (emission is a fixed point);
**   B -> retort_schema_to_sql, run in SQLite: its PRAGMAs report what the
**   original SQL's do (an oracle that retort_schema_equal has no part in).
*/
#ifndef RETORT_ROUNDTRIP_H
#define RETORT_ROUNDTRIP_H

#include "retort.h"

typedef struct rt_stats {
	unsigned long schemas, tables, views, triggers, indexes;
	unsigned long failures;
} rt_stats;

/*
** Check the round trip of `sql`; `label` names it in messages ("seed 12",
** "chinook.sql"). Failures go to stderr; with `detail`, together with the
** SQL and the YAML. On success, and when `a_out` is not NULL, the schema read
** from the SQL is handed over (free it with retort_schema_free), and so is
** the YAML through `yaml_out`. Returns 0 when the round trip holds.
*/
int rt_check(const char *label, const char *sql, int detail, rt_stats *st,
	retort_schema **a_out, char **yaml_out);

/* Print `text` with line numbers, so that a file:line:column can be found. */
void rt_print_numbered(const char *title, const char *text);

/* Print a retort_error with its location. */
void rt_print_error(const char *what, const retort_error *err);

#endif
