/*
** lost.h: what became of a revision whose connection was lost before the
** server answered (a dqlite leader killed, or no longer the leader, in the
** middle of a revision or of its COMMIT).
*/
#ifndef RETORT_LOST_H
#define RETORT_LOST_H

#include "db/db.h"
#include "revision.h"

/*
** `db` answered RETORT_DB_LOST while `rev` ran or committed (NULL: the
** run's one transaction, or nothing yet). Connect again to the database it
** named (a cluster answers from its new leader; an election is waited for)
** and read the version table `vtable`: *err, the lost connection's error,
** then also says whether `rev` was applied in direction `dir` and where the
** database is. Returns the code of *err (RETORT_EDB: the run did not finish).
*/
int retort_lost_resolve(retort_db *db, const char *vtable, const retort_revision *rev,
	retort_direction dir, retort_error **err);

#endif
