/*
** drift.h: objects of a live database that the revision chain does not know
** (indexes, triggers and views made by hand) which a run's revisions would
** destroy with a table or a view they drop: found before the run, so that
** they are refused or carried across (recreated after the revision).
*/
#ifndef RETORT_DRIFT_H
#define RETORT_DRIFT_H

#include "revision.h"
#include "db/db.h"

typedef struct drift drift;

/* One object a revision destroys; the strings belong to the drift. */
typedef struct drift_object {
	const char *type;  /* "index", "trigger" or "view" */
	const char *name;
	const char *table; /* the table (or view) it is on */
	const char *sql;   /* its sqlite_schema text, without ';' */
	int blocks;        /* a view, or a trigger on another table, that reads
	                      what goes: it would make the revision fail (ALTER
	                      TABLE ... RENAME checks it) or dangle, so it is
	                      dropped before the revision's statements */
} drift_object;

/*
** What the revisions a run would take (from `applied`, within `scope`, in
** direction `dir`, in the order the run takes them) destroy of `db`'s
** objects that the chain at `applied` does not have. `*out` is NULL when
** nothing is: the common case costs a look at the first words of each
** pending statement. An object whose text is a CREATE statement of an
** applied revision is the chain's; the chain is replayed in memory only
** when another live object hangs on something a revision drops.
*/
int retort_drift_find(drift **out, retort_db *db, const retort_revisions *revs,
	const unsigned char *applied, const unsigned char *scope, retort_direction dir,
	retort_error **err);

/* The objects `rev` destroys (in the order to recreate them); `*n` 0: none. */
const drift_object *retort_drift_of(const drift *d, const retort_revision *rev, size_t *n);

/* RETORT_EDB naming each object and the first revision that would destroy
** it, and what to do. */
int retort_drift_refuse(const drift *d, retort_direction dir, retort_error **err);

/*
** Does `o`, recreated in `db`, still find what it reads? CREATE VIEW and
** CREATE TRIGGER take a missing table or column, which fails only when the
** view is read or the trigger fires: preparing (never running) a read of
** the view, or a statement of the trigger's event, tells now. An SQLite
** code; on an error, the message is on `db` (retort_db_errmsg()).
*/
int retort_drift_check(retort_db *db, const drift_object *o);

void retort_drift_free(drift *d);

#endif
