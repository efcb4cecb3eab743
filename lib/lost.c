/*
** lost.c: a lost connection's outcome told (see lost.h). Only reading
** again tells: the COMMIT may have been committed by the cluster just before
** the leader went, or the transaction may have died with it.
*/
#include "lost.h"

#include "buf.h"
#include "error.h"
#include "vtable.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* How many times to connect again: each waits the backend's connect time-out
** (dqlite: 5 s to find a leader), so an election has time to end. */
#define RECONNECT_TRIES 4

int retort_lost_resolve(retort_db *db, const char *vtable, const retort_revision *rev,
	retort_direction dir, retort_error **err)
{
	retort_db *again = NULL;
	retort_db_stmt *cache = NULL;
	retort_error *e = NULL;
	retort_buf msg = RETORT_BUF_INIT;
	char **ids = NULL;
	size_t n = 0, i;
	int rc = RETORT_EDB, found = 0;

	if (!err || !*err)
		return RETORT_EDB;
	for (int t = 0; t < RECONNECT_TRIES && !again; t++) {
		retort_error_free(e);
		e = NULL;
		rc = retort_db_open_live(&again, retort_db_location(db), NULL, RETORT_DB_WRITE, NULL,
			NULL, &e);
	}
	if (again)
		rc = retort_vtable_read(&ids, &n, again, vtable, &cache, &e);
	retort_buf_puts(&msg, (*err)->message);
	if (rc < 0 || !again) {
		retort_buf_printf(&msg, "; connecting again to tell failed: %s",
			e ? e->message : "no connection");
		goto done;
	}
	for (i = 0; i < n; i++)
		found |= rev && strcmp(ids[i], rev->id) == 0;
	retort_buf_puts(&msg, "; connected again: ");
	if (rev && found == (dir == RETORT_UPGRADE))
		retort_buf_printf(&msg, "%s was applied; ", rev->id);
	else if (rev)
		retort_buf_printf(&msg, "%s was not applied (rolled back); ", rev->id);
	retort_buf_puts(&msg, n ? "the database is at " : "the database is at base");
	for (i = 0; i < n; i++)
		retort_buf_printf(&msg, "%s%s", i ? ", " : "", ids[i]);
	retort_buf_puts(&msg, ": run the command again to finish");
done:
	if (!retort_buf_oom(&msg)) {
		free((*err)->message);
		(*err)->message = retort_buf_detach(&msg);
		(*err)->code = RETORT_EDB;
	}
	retort_buf_release(&msg);
	retort_strings_free(ids, n);
	retort_db_finalize(cache);
	retort_db_free(again);
	retort_error_free(e);
	return RETORT_EDB;
}
