/*
** scratch.h: the in-memory databases that untrusted SQL (revision files,
** models, SQL scripts) is replayed in, sealed so that nothing in that SQL
** reaches a file, loads code or changes the process; and the statements a
** revision may not run at all.
*/
#ifndef RETORT_SCRATCH_H
#define RETORT_SCRATCH_H

#include "buf.h"
#include "error.h"
#include "strlist.h"

#include <sqlite3.h>

/* An authorizer, as sqlite3_set_authorizer() calls it. */
typedef int (*scratch_auth_fn)(void *ctx, int action, const char *a1, const char *a2,
	const char *db, const char *inner);

/* A caller's own authorizer, asked only about what the seal allows. */
typedef struct scratch_watch {
	scratch_auth_fn fn;
	void *ctx;
} scratch_watch;

/*
** A new, empty, sealed in-memory database: no ATTACH (and so no VACUUM
** INTO), no DETACH, no load_extension, no pragma that names a directory or
** a file or sets a limit for the whole process; extension loading off;
** SQLITE_DBCONFIG_DEFENSIVE on (no write to sqlite_schema, to a virtual
** table's shadow tables, no PRAGMA schema_version = N), except inside a
** writable_schema window of a retort_scratch_run. The caller closes it with
** sqlite3_close().
*/
int retort_scratch_open(sqlite3 **out, retort_error **err);

/*
** Put `w` behind the seal of `db` (NULL: the seal alone); `w` must stay
** valid while `db` uses it. SQLite keeps one authorizer per connection, so
** this is the only way a caller adds its own.
*/
void retort_scratch_watch_set(sqlite3 *db, scratch_watch *w);

/*
** A script run statement by statement in a scratch database. An in-place
** table change (plan.c) edits sqlite_schema between PRAGMA writable_schema
** = ON and = RESET (or OFF): for that window alone SQLITE_DBCONFIG_DEFENSIVE
** is off, and the seal refuses any statement touching a virtual table or
** one of its shadow tables (VTAB_suffix, as its module names them), or
** setting schema_version; when the window closes, sqlite_schema must differ
** from its start only in ordinary tables' definitions (same names, kinds
** and root pages). Not for a database given a scratch_watch.
*/
typedef struct retort_scratch_run {
	sqlite3 *db;
	int open;          /* inside a window */
	retort_buf before; /* sqlite_schema at the window's start, as compared */
	str_list guard;    /* the virtual tables then, and their shadow tables */
	char why[512];     /* what failed last */
} retort_scratch_run;

void retort_scratch_run_init(retort_scratch_run *r, sqlite3 *db);

/*
** Prepare and run the first statement of `sql` (*tail: what follows it, or
** NULL). SQLITE_OK, or SQLite's error code with *why saying what failed
** (valid until the next call). Every run ends with _end.
*/
int retort_scratch_run_step(retort_scratch_run *r, const char *sql, const char **tail,
	const char **why);

/*
** The script is over: a window still open is closed (and checked) whatever
** happened before, the database sealed again. As _step; frees what `r`
** holds.
*/
int retort_scratch_run_end(retort_scratch_run *r, const char **why);

/*
** Why a revision's statement `sql` may not run, or NULL when it may: one
** that starts with '.' (a sqlite3 shell dot-command in a --sql script); BEGIN,
** COMMIT, END and ROLLBACK (not ROLLBACK TO) would end the transaction the
** revision runs in, where PRAGMA journal_mode has no effect; ATTACH and
** VACUUM INTO reach a file other than the database migrated (allowed with
** `allow_attach`, never in a scratch database).
*/
const char *retort_scratch_refusal(const char *sql, int allow_attach);

#endif
