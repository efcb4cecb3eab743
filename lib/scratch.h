/*
** scratch.h: the in-memory databases that untrusted SQL (revision files,
** models, SQL scripts) is replayed in, sealed so that nothing in that SQL
** reaches a file, loads code or changes the process; and the statements a
** revision may not run at all.
*/
#ifndef RETORT_SCRATCH_H
#define RETORT_SCRATCH_H

#include "error.h"

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
** a file or sets a limit for the whole process; extension loading off.
** SQLITE_DBCONFIG_DEFENSIVE is off: an in-place table change (plan.c) edits
** sqlite_schema with writable_schema. The caller closes it with sqlite3_close().
*/
int scratch_open(sqlite3 **out, retort_error **err);

/*
** Put `w` behind the seal of `db` (NULL: the seal alone); `w` must stay
** valid while `db` uses it. SQLite keeps one authorizer per connection, so
** this is the only way a caller adds its own.
*/
void scratch_watch_set(sqlite3 *db, scratch_watch *w);

/*
** Why a revision's statement `sql` may not run, or NULL when it may: one
** that starts with '.' (a sqlite3 shell dot-command in a --sql script); BEGIN,
** COMMIT, END and ROLLBACK (not ROLLBACK TO) would end the transaction the
** revision runs in, where PRAGMA journal_mode has no effect; ATTACH and
** VACUUM INTO reach a file other than the database migrated (allowed with
** `allow_attach`, never in a scratch database).
*/
const char *scratch_refusal(const char *sql, int allow_attach);

#endif
