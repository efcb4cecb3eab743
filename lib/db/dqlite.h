/*
** db/dqlite.h: the dqlite backend of the connection interface (db.h), on
** the wire client of dqlite_wire.h, for `dqlite://HOST:PORT[,...]/DBNAME`.
**
** What differs from a local file, and why:
** - Statements are sent as text (EXEC_SQL, QUERY_SQL): one round trip each.
**   A statement that reads (SELECT, VALUES, WITH...SELECT, EXPLAIN, a PRAGMA
**   without `=`) has its rows read whole at its first step, so that other
**   statements can run while the caller reads them, as on a SQLite handle;
**   any other is run and yields no rows.
** - No update hook or progress handler: dqlite has neither (the optional
**   members are NULL). No backup API either: backup() asks the leader for
**   its files (DUMP) and makes them one SQLite file. A busy wait is done
**   here: a statement answered SQLITE_BUSY is sent again until the wait's
**   budget is spent.
** - interrupt() cannot stop a statement the leader already runs (dqlite
**   interrupts only a query yielding rows): it makes the next step or exec on
**   the connection answer SQLITE_INTERRUPT.
** - A connection lost, or a leader that stopped being one, answers
**   RETORT_DB_LOST: the outcome of the request under way is unknown, and
**   every later call answers the same; a new connection (to the new leader)
**   must read the database to know.
** - The error offset is unknown (-1): the server does not send it.
** - The connection keeps a transaction's changes in memory until COMMIT
**   (PRAGMA cache_spill = OFF): dqlite cannot replicate pages written
**   before it, and fails such a transaction.
*/
#ifndef RETORT_DB_DQLITE_H
#define RETORT_DB_DQLITE_H

#include "db/db.h"

/* A retort_db_open_fn for dqlite:// URLs (`base_dir` is not used). */
int retort_db_dqlite_open(retort_db **out, const char *url, const char *base_dir, unsigned how,
	retort_db_wait *wait, int *recovered, retort_error **err);

#endif
