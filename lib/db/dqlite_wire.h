/*
** dqlite_wire.h: a client of dqlite's wire protocol (dqlite's doc/protocol.md,
** protocol version 1), written on sockets alone: no library beyond libc.
**
** A connection finds the leader among the nodes of a URL
** `dqlite://HOST:PORT[,HOST:PORT...]/DBNAME` (LEADER, following the node it
** names), registers (CLIENT) and opens the named database (OPEN). Then one
** request at a time: statements run with EXEC_SQL (every statement of the
** text, in order) or through PREPARE/EXEC/FINALIZE, rows are read with
** QUERY_SQL or QUERY one row at a time, and INTERRUPT ends a query whose rows
** are not all read. Connecting and every read are bounded by time-outs.
**
** dqlite runs every write on the leader: a connection that is lost, or a
** node that stops being the leader, leaves the connection unusable and
** retort_dqlite_lost() true; what a lost write did is then unknown until the
** database is read again through a new connection.
*/
#ifndef RETORT_DB_DQLITE_WIRE_H
#define RETORT_DB_DQLITE_WIRE_H

#include "error.h"

#include <stddef.h>
#include <stdint.h>

/* The URL scheme, with its "://". */
#define RETORT_DQLITE_SCHEME "dqlite://"

/* Time-outs, in milliseconds, unless the caller sets others. */
enum {
	RETORT_DQLITE_CONNECT_MS = 5000, /* each connect, and finding the leader in all */
	RETORT_DQLITE_READ_MS = 120000   /* each read of a response (a long rebuild answers late) */
};

/* A value as the protocol carries it; the type is SQLite's (SQLITE_INTEGER...). */
typedef struct retort_dqlite_value {
	int type;
	long long i;          /* SQLITE_INTEGER */
	double f;             /* SQLITE_FLOAT */
	const char *p;        /* SQLITE_TEXT (NUL-terminated) or SQLITE_BLOB */
	size_t n;             /* bytes at p, the NUL not counted */
} retort_dqlite_value;

typedef struct retort_dqlite retort_dqlite;

/*
** Whether `url` is a dqlite URL (only its scheme is looked at).
*/
int retort_dqlite_is_url(const char *url);

/*
** Check the form of a dqlite URL, nothing more: RETORT_EINVALID naming the
** form expected when it is not one.
*/
int retort_dqlite_url_check(const char *url, retort_error **err);

/*
** Connect to the leader of the cluster named by `url` and open its database.
** `connect_ms`/`read_ms` of 0 mean the defaults above. RETORT_EINVALID for a
** malformed URL; RETORT_EDB when no node answered or none knows a leader
** within the connect time-out (every node's reason is told).
*/
int retort_dqlite_open(retort_dqlite **out, const char *url, int connect_ms, int read_ms,
	retort_error **err);

/* Close the connection; NULL is a no-op. */
void retort_dqlite_close(retort_dqlite *c);

/* The database name and the address of the leader it is connected to. */
const char *retort_dqlite_dbname(const retort_dqlite *c);
const char *retort_dqlite_leader(const retort_dqlite *c);

/*
** Nonzero once the connection cannot be used again: it broke, a read timed
** out, or the node is no longer the leader. A write that was under way may
** or may not have been committed.
*/
int retort_dqlite_lost(const retort_dqlite *c);

/* The SQLite result code of the last failure the server sent (0: none). */
int retort_dqlite_errcode(const retort_dqlite *c);

/*
** Run every statement of `sql` (EXEC_SQL), binding `params` (at most 255) to
** the first. `last_id`/`changes` (may be NULL) get the server's result. A
** failure the server sends is RETORT_EBUSY for SQLITE_BUSY/LOCKED, else
** RETORT_EDB, with its message.
*/
int retort_dqlite_exec(retort_dqlite *c, const char *sql, const retort_dqlite_value *params,
	int nparams, long long *last_id, long long *changes, retort_error **err);

/* A statement prepared on the server (PREPARE). */
int retort_dqlite_prepare(retort_dqlite *c, const char *sql, uint32_t *stmt_out,
	int *nparams_out, retort_error **err);
/* Run a prepared statement (EXEC). */
int retort_dqlite_exec_stmt(retort_dqlite *c, uint32_t stmt, const retort_dqlite_value *params,
	int nparams, long long *last_id, long long *changes, retort_error **err);
/* Finalize a prepared statement (FINALIZE). */
int retort_dqlite_finalize(retort_dqlite *c, uint32_t stmt, retort_error **err);

/*
** Start reading the rows of `sql` (QUERY_SQL) or of a prepared statement
** (QUERY), then call retort_dqlite_next() until it returns 0. No other
** request may be sent until the rows are all read or retort_dqlite_interrupt()
** was called.
*/
int retort_dqlite_query(retort_dqlite *c, const char *sql, const retort_dqlite_value *params,
	int nparams, retort_error **err);
int retort_dqlite_query_stmt(retort_dqlite *c, uint32_t stmt, const retort_dqlite_value *params,
	int nparams, retort_error **err);

/* 1: a row is ready; 0: no more rows; <0: an error. */
int retort_dqlite_next(retort_dqlite *c, retort_error **err);

/* The current result's columns and the current row's values, borrowed until the next call. */
int retort_dqlite_column_count(const retort_dqlite *c);
const char *retort_dqlite_column_name(const retort_dqlite *c, int i);
const retort_dqlite_value *retort_dqlite_column(const retort_dqlite *c, int i);

/*
** INTERRUPT the query being read and drop the rows left, so that the
** connection can be used again; nothing when no rows are being read.
*/
int retort_dqlite_interrupt(retort_dqlite *c, retort_error **err);

/* Called by retort_dqlite_dump() with each file: 0 to go on, <0 to stop with that code. */
typedef int (*retort_dqlite_file_fn)(void *ctx, const char *name, const void *data, size_t len);

/*
** The database's files as the leader holds them (DUMP): the main file, then
** its write-ahead log (WAL format), each handed to `fn`.
*/
int retort_dqlite_dump(retort_dqlite *c, retort_dqlite_file_fn fn, void *ctx,
	retort_error **err);

#endif
