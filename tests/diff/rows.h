/*
** rows.h: fill a database with random rows that fit its schema, from a seed,
** so that schema-pair tests migrate tables that hold data.
**
** Every table (parents before children) gets 0..20 attempted rows of values
** that suit each column's declared type. Rows that a constraint refuses
** (UNIQUE, NOT NULL, CHECK, a trigger's RAISE, STRICT types) are skipped;
** foreign keys are on, and their columns mostly take values from rows of the
** parent, sometimes NULL. Generated columns are computed by SQLite.
** The same seed and schema always give the same rows.
*/
#ifndef RETORT_TEST_ROWS_H
#define RETORT_TEST_ROWS_H

#include <sqlite3.h>
#include <stdint.h>

typedef struct rows_stats {
	unsigned long tables;   /* tables filled */
	unsigned long tried;    /* rows attempted */
	unsigned long inserted; /* rows that went in */
} rows_stats;

/*
** Fill the tables of `db` (its main schema, sqlite_* and retort_* tables
** left out) with rows drawn from `seed`; leaves PRAGMA foreign_keys on.
** Adds to `st` when it is not NULL. Returns 0, or -1 with a malloc'd
** message in `*err` when the database itself fails (a refused row is not a
** failure).
*/
int rows_fill(sqlite3 *db, uint64_t seed, rows_stats *st, char **err);

#endif
