/*
** db/sqlite.h: the local SQLite file, the first backend of db.h.
*/
#ifndef RETORT_DB_SQLITE_H
#define RETORT_DB_SQLITE_H

#include "db/db.h"

/* The backend's opener (a retort_db_open_fn): `url` is a plain path or a
** sqlite:// URL. */
int retort_db_sqlite_open(retort_db **out, const char *url, const char *base_dir,
	unsigned how, retort_db_wait *wait, int *recovered, retort_error **err);

/*
** Turn `url` (a plain path, sqlite:///rel.db, sqlite:////abs.db,
** sqlite+DRIVER://...) into a file path, relative ones joined to `base_dir`
** (NULL: as they are). On bad input, RETORT_EINVALID with the reason in
** `why` (so that the caller can point at where the URL came from);
** RETORT_ERROR on OOM.
*/
int retort_db_sqlite_url_path(char **out, const char *url, const char *base_dir,
	retort_buf *why);

#endif
