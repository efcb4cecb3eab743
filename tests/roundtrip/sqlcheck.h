/*
** sqlcheck.h: SQLite's own view of a schema, independent of libretort: does
** SQLite accept this SQL (including what it only checks lazily), and what
** do its PRAGMAs report about the result.
*/
#ifndef RETORT_SQLCHECK_H
#define RETORT_SQLCHECK_H

#include <sqlite3.h>

/*
** Run `sql` in a fresh in-memory database, then prepare statements that make
** SQLite compile what CREATE does not check: every view's SELECT, every
** trigger body, every foreign key's parent key. Returns 0, or -1 with a
** malloc'd message in `*err`.
*/
int sqlcheck_schema(const char *sql, char **err);

/*
** A canonical text of the schema of `db` as SQLite's PRAGMAs report it
** (table_list, table_xinfo, index_list, index_xinfo, foreign_key_list, and
** view and trigger names), sorted so that definition order does not count.
** CHECK constraints and expression text are not in any PRAGMA, so they are
** not in it. Returns a malloc'd string, or NULL on a database error.
*/
char *sqlcheck_fingerprint(sqlite3 *db);

/* The fingerprint of `sql` run in a fresh in-memory database; NULL with
** `*err` set when SQLite rejects the SQL. */
char *sqlcheck_fingerprint_sql(const char *sql, char **err);

#endif
