/*
** db/dbopen.h: the one way retort opens a database file (db/sqlite.c), and the
** one way it waits for a locked one: the local backend's steps on a bare
** sqlite3 handle, for what does not yet go through a retort_db.
*/
#ifndef RETORT_DBOPEN_H
#define RETORT_DBOPEN_H

#include "db/db.h"
#include "retort.h"

#include <sqlite3.h>

/*
** sqlite3_open_v2() on the file named `path`, whatever its name: a name is
** never read as a SQLite URI. SQLite built with SQLITE_USE_URI (Debian's)
** reads every name that starts with "file:" as one, whatever the flags, so
** that `upgrade` and `current` could reach two different files; every live
** database, backup and db:FILE source is opened here instead.
*/
int retort_db_sqlite_open_path(const char *path, sqlite3 **db, int flags);

/* One deadline for every wait on a handle (db/db.h). */
typedef retort_db_wait db_wait;

/* Make `w` the busy handler of `db`; `w` must outlive that use of it. */
void retort_db_wait_attach(sqlite3 *db, db_wait *w);

/* How retort_db_sqlite_open_live() opens the file. */
enum {
	DB_LIVE_WRITE = RETORT_DB_WRITE,  /* read-write: refused when the file or its folder is read-only */
	DB_LIVE_CREATE = RETORT_DB_CREATE /* with DB_LIVE_WRITE: create the file when it is missing */
};

/*
** Open the database file `path` for a command, and read its header, so that
** what is wrong with the file itself is told before anything runs: a folder
** that does not exist, a directory, a file that is not a SQLite database
** (RETORT_EINVALID or RETORT_ENOTFOUND); for DB_LIVE_WRITE a read-only file
** or folder (RETORT_EDB). Read-only, a missing file gives *out NULL and 0 (a
** database that does not exist yet, at base), and is never created.
**
** A hot journal (a process stopped inside a write transaction) is rolled
** back as SQLite means it to be, by a connection that may write, which a
** read-only one cannot: `*recovered` (may be NULL) is set when that
** happened. When this process may not write the file and its folder, it is
** RETORT_EDB saying so and what to do. `wait` becomes the handle's busy
** handler; NULL: nothing waits, and a header that is busy is left to the
** caller's own reads (a run that waits by its own deadline).
*/
int retort_db_sqlite_open_live(sqlite3 **out, const char *path, unsigned how, db_wait *wait,
	int *recovered, retort_error **err);

#endif
