/*
** db/db.h: the one door to a live database. Every connection is a backend
** (the local SQLite file in sqlite.c; a dqlite cluster) whose first member
** is a versioned table of operations, as sqlite3_io_methods and libgit2's
** git_stream are; the engine, the readers and the CLI call only the
** retort_db_* functions below, never libsqlite3 on a live database.
**
** Result codes are SQLite's (SQLITE_OK, SQLITE_ROW, SQLITE_DONE, SQLITE_BUSY
** and its extended codes) whatever the backend: dqlite answers with them on
** the wire, and the engine already reads them. The connection keeps the
** message of its last failure (retort_db_errmsg), as a SQLite handle does.
** In-memory scratch databases (planning, proof, replay) stay plain sqlite3
** handles from retort_scratch_open(); this is for the database being migrated.
*/
#ifndef RETORT_DB_H
#define RETORT_DB_H

#include "buf.h"
#include "retort.h"

#include <sqlite3.h>

/*
** The connection was lost (a dqlite leader killed or changed) before the
** backend knew whether the server finished the request: its outcome is
** unknown. The primary code is SQLITE_IOERR, so (rc & 0xff) reads as I/O
** error to code that does not look closer; SQLite defines no extended code
** with this value.
*/
#define RETORT_DB_LOST (SQLITE_IOERR | (200 << 8))

typedef struct retort_db_stmt retort_db_stmt;

/*
** One deadline for every wait on a connection. SQLite's busy timeout bounds
** each statement's wait, so a run that reads, begins, re-reads and commits
** could wait several times over; a retort_db_wait gives up once `budget_ms`
** has been spent waiting in all, however many statements waited.
*/
typedef struct retort_db_wait {
	int budget_ms;      /* the most to wait, in all */
	long long spent_ns; /* waited so far */
} retort_db_wait;

/* SQLite calls it for each row a statement writes (its update hook). */
typedef void (*retort_db_row_fn)(void *ctx, int op, const char *db, const char *table,
	sqlite3_int64 rowid);

/* Called every so many steps of a running statement; non-zero stops it
** (SQLITE_INTERRUPT), as SQLite's progress handler. */
typedef int (*retort_db_tick_fn)(void *ctx);

#define RETORT_DB_METHODS_VERSION 1

/*
** What a backend does. Members marked optional are NULL when the backend
** cannot (a cluster has no local file to back up, no update hook); the
** retort_db_* wrappers then answer SQLITE_MISUSE or do nothing, as each
** says. A later version only adds members at the end.
*/
typedef struct retort_db_methods {
	int version;      /* RETORT_DB_METHODS_VERSION when the backend was written */
	const char *name; /* "sqlite", "dqlite": for messages */

	/* Release the connection and all it holds (an open transaction is
	** rolled back by the server). A wrapped handle is not closed. */
	void (*close)(retort_db *db);

	/* Compile the first statement of `sql`; `*tail` (may be NULL) is set to
	** what follows it. `*out` is NULL for text with no statement (only
	** comments or spaces) and SQLITE_OK. */
	int (*prepare)(retort_db *db, retort_db_stmt **out, const char *sql, const char **tail);
	/* Parameters are numbered from 1; text is copied. */
	int (*bind_text)(retort_db_stmt *st, int i, const char *text);
	int (*bind_int64)(retort_db_stmt *st, int i, sqlite3_int64 v);
	int (*bind_null)(retort_db_stmt *st, int i);
	/* SQLITE_ROW, SQLITE_DONE, or an error code. */
	int (*step)(retort_db_stmt *st);
	/* Ready to step again from the start; bindings are kept. */
	int (*reset)(retort_db_stmt *st);
	void (*finalize)(retort_db_stmt *st);
	/* Columns of the current row, numbered from 0. Text stays valid until
	** the next step, reset or finalize; NULL for SQL NULL. */
	int (*column_count)(retort_db_stmt *st);
	int (*column_type)(retort_db_stmt *st, int i);
	sqlite3_int64 (*column_int64)(retort_db_stmt *st, int i);
	double (*column_double)(retort_db_stmt *st, int i);
	const char *(*column_text)(retort_db_stmt *st, int i);
	const char *(*column_name)(retort_db_stmt *st, int i);
	/* 1 when the statement cannot change the database. */
	int (*stmt_readonly)(retort_db_stmt *st);

	/* Run every statement of `sql`, discarding rows. */
	int (*exec)(retort_db *db, const char *sql);
	/* Stop what runs on the connection soon (SQLITE_INTERRUPT); callable from
	** any thread while another uses the connection. */
	void (*interrupt)(retort_db *db);
	/* 1 while a transaction is open on the connection. */
	int (*in_transaction)(retort_db *db);
	/* The message of the last failure; never NULL. */
	const char *(*errmsg)(retort_db *db);
	/* The byte offset in the statement's text of the last failure, or -1. */
	int (*error_offset)(retort_db *db);
	/* 1 when the connection may not write. */
	int (*readonly)(retort_db *db);

	/* Optional: copy the whole database to the file `path` (created or
	** replaced); `tick` is asked between steps and stops it on non-zero.
	** Returns SQLite's code; on failure the message is in *why (malloc). */
	int (*backup)(retort_db *db, const char *path, retort_db_tick_fn tick, void *ctx,
		char **why);
	/* Optional: `fn` for each row written (NULL: none). */
	void (*row_hook)(retort_db *db, retort_db_row_fn fn, void *ctx);
	/* Optional: `fn` every `n` steps of a statement (NULL: none). */
	void (*tick_hook)(retort_db *db, int n, retort_db_tick_fn fn, void *ctx);
	/* Optional: wait by `w` (its budget shared over the run) when the
	** database is locked; NULL: wait `ms` per statement (< 0: not at all). */
	void (*busy_wait)(retort_db *db, retort_db_wait *w, int ms);
	/* Optional: the local SQLite handle under the connection, or NULL. For
	** the public callbacks that hand an app a sqlite3 *, and nothing else. */
	sqlite3 *(*sqlite_handle)(retort_db *db);
	/* Optional: 1 once the connection answered RETORT_DB_LOST and can do
	** nothing more (NULL: a backend whose connection is never lost). */
	int (*lost)(retort_db *db);
} retort_db_methods;

/*
** Every backend's connection begins with this (a backend's struct has it as
** its first member, so a retort_db * is a pointer to the backend's own).
*/
struct retort_db {
	const retort_db_methods *methods;
	char *location; /* the file's path or the cluster's URL, for messages (owned) */
};

/* Every backend's statement begins with this. */
struct retort_db_stmt {
	retort_db *db;
};

/*
** A backend's opener, for the URL-to-backend table in db.c. `url` is the
** URL as given (a path too, for the local backend), resolved against
** `base_dir` when relative (NULL: the working directory). Same contract as
** retort_db_open_live().
*/
typedef int (*retort_db_open_fn)(retort_db **out, const char *url, const char *base_dir,
	unsigned how, retort_db_wait *wait, int *recovered, retort_error **err);

/*
** Open the database `url` names (sqlite:///a.db, a plain path, dqlite://...)
** for a command, `how` being RETORT_DB_WRITE and RETORT_DB_CREATE (retort.h),
** with the backend its scheme chooses, and read it once, so that what is
** wrong with it is told before anything runs: RETORT_EINVALID for a URL no
** backend takes or a file that is not a database, RETORT_ENOTFOUND for a
** folder that does not exist, RETORT_EDB for a read-only one asked to write.
** Read-only, a database that does not exist yet gives *out NULL and 0 (at
** base), and is never created. `wait` (may be NULL: nothing waits) is the
** connection's wait and must outlive it; `*recovered` (may be NULL) is set
** when a hot journal was rolled back on the way.
*/
int retort_db_open_live(retort_db **out, const char *url, const char *base_dir, unsigned how,
	retort_db_wait *wait, int *recovered, retort_error **err);

/* The same on the local file `path`, whatever its name (never read as a
** URL: `db:file:x.db` is the file named so), with the SQLite backend. */
int retort_db_open_file(retort_db **out, const char *path, unsigned how, retort_db_wait *wait,
	int *recovered, retort_error **err);

/* retort_db_open(), retort_db_wrap() and retort_db_free() are public (retort.h). */

/* retort_db_wrap() for the sqlite3 * entry points, where NULL means no
** database yet (a dry run): then *out NULL and 0. */
int retort_db_wrap_handle(retort_db **out, sqlite3 *handle, retort_error **err);

/*
** `url` resolved against `base_dir` (NULL: the working directory) into what
** retort_db_open_live() takes with no base: a file's path (or ":memory:"),
** or, for a backend that is not a file, the URL as written. RETORT_EINVALID
** with the reason in `why` for a URL no backend takes (so that the caller
** can point at where it came from); RETORT_ERROR when out of memory.
*/
int retort_db_url_resolve(char **out, const char *url, const char *base_dir,
	retort_buf *why);

/* retort_db_url_resolve() with its failure as a retort_error. */
int retort_db_url_check(char **out, const char *url, const char *base_dir, retort_error **err);

/* 1 when `url` names a local file (the SQLite backend), 0 for a cluster. */
int retort_db_url_is_file(const char *url);

/* The wrappers the code calls; each forwards to the backend. */
int retort_db_prepare(retort_db *db, retort_db_stmt **out, const char *sql, const char **tail);
int retort_db_bind_text(retort_db_stmt *st, int i, const char *text);
int retort_db_bind_int64(retort_db_stmt *st, int i, sqlite3_int64 v);
int retort_db_bind_null(retort_db_stmt *st, int i);
int retort_db_step(retort_db_stmt *st);
int retort_db_reset(retort_db_stmt *st);
void retort_db_finalize(retort_db_stmt *st); /* NULL: nothing */
int retort_db_column_count(retort_db_stmt *st);
int retort_db_column_type(retort_db_stmt *st, int i);
sqlite3_int64 retort_db_column_int64(retort_db_stmt *st, int i);
int retort_db_column_int(retort_db_stmt *st, int i);
double retort_db_column_double(retort_db_stmt *st, int i);
const char *retort_db_column_text(retort_db_stmt *st, int i);
/* The column's text, "" for SQL NULL. */
const char *retort_db_column_str(retort_db_stmt *st, int i);
const char *retort_db_column_name(retort_db_stmt *st, int i);
int retort_db_stmt_readonly(retort_db_stmt *st);
int retort_db_exec(retort_db *db, const char *sql);
void retort_db_interrupt(retort_db *db);
int retort_db_in_transaction(retort_db *db);
const char *retort_db_errmsg(retort_db *db);
int retort_db_error_offset(retort_db *db);
int retort_db_readonly(retort_db *db);
const char *retort_db_location(const retort_db *db);
const char *retort_db_backend(const retort_db *db);

/* The optional ones: SQLITE_MISUSE (backup) or nothing when the backend
** has none; retort_db_can() says beforehand. */
int retort_db_backup(retort_db *db, const char *path, retort_db_tick_fn tick, void *ctx,
	char **why);
void retort_db_row_hook(retort_db *db, retort_db_row_fn fn, void *ctx);
void retort_db_tick_hook(retort_db *db, int n, retort_db_tick_fn fn, void *ctx);
void retort_db_busy_wait(retort_db *db, retort_db_wait *w, int ms);
sqlite3 *retort_db_sqlite_handle(retort_db *db);
int retort_db_lost(retort_db *db);

enum {
	RETORT_DB_CAN_BACKUP = 1 << 0,
	RETORT_DB_CAN_ROW_HOOK = 1 << 1,
	RETORT_DB_CAN_TICK_HOOK = 1 << 2,
	RETORT_DB_CAN_BUSY_WAIT = 1 << 3
};
/* 1 when the backend of `db` has every operation in `what`. */
int retort_db_can(const retort_db *db, unsigned what);

/* ---- failures (db/dberror.c: the backends call these too) ---- */

/* Is `rc` SQLite's busy or locked (the database held by another)? */
int retort_db_is_busy(int rc);

/* The retort code of a failure `rc`: RETORT_EBUSY for busy or locked, else
** RETORT_EDB. */
int retort_db_code(int rc);

/*
** The one mapping of a failure on `db` (NULL: none, the code alone) to a
** retort_error: busy or locked is RETORT_EBUSY ("the database is locked",
** with the wait when `waited_ms` >= 0), a lost connection RETORT_EDB saying
** the outcome is unknown, anything else (read-only included) RETORT_EDB
** "DOING: MESSAGE". Returns the code.
*/
int retort_db_error(retort_error **err, retort_db *db, int rc, int waited_ms,
	const char *doing);

/*
** Read one row of `sql` (no parameters) into *out as an integer: SQLITE_OK,
** SQLITE_DONE when it returns no row, or the error.
*/
int retort_db_query_int64(retort_db *db, const char *sql, sqlite3_int64 *out);

#endif
