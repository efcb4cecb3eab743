/*
** db/dberror.c: the one mapping of a backend's failure (busy, locked,
** read-only, a lost connection) to a retort_error, for the interface and for
** the backends alike; it calls no other file of db/, so that db.c can call
** the backends and the backends can call this.
*/
#include "db/db.h"
#include "error.h"

int retort_db_is_busy(int rc)
{
	rc &= 0xff;
	return rc == SQLITE_BUSY || rc == SQLITE_LOCKED;
}

int retort_db_code(int rc)
{
	return retort_db_is_busy(rc) ? RETORT_EBUSY : RETORT_EDB;
}

int retort_db_error(retort_error **err, retort_db *db, int rc, int waited_ms,
	const char *doing)
{
	/* the operations themselves: db.c calls the backends, which call this */
	const char *msg = db ? db->methods->errmsg(db) : sqlite3_errstr(rc);

	if (retort_db_is_busy(rc)) {
		if (waited_ms >= 0)
			return retort_error_set(err, RETORT_EBUSY, "the database is locked (waited %d ms)",
				waited_ms);
		return retort_error_set(err, RETORT_EBUSY, "the database is locked");
	}
	if (rc == RETORT_DB_LOST)
		return retort_error_set(err, RETORT_EDB, "%s: the connection to %s was lost before it "
			"answered, so whether it was done is unknown: %s", doing,
			db && db->location ? db->location : "the database", msg);
	return retort_error_set(err, RETORT_EDB, "%s: %s", doing, msg);
}
