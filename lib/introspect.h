/*
** introspect.h: reading a live SQLite database into a schema (PRAGMAs first,
** the CREATE statements through ddlparse.c where no PRAGMA tells).
*/
#ifndef RETORT_INTROSPECT_H
#define RETORT_INTROSPECT_H

#include "schema.h"

#include <sqlite3.h>

/* Which tables retort leaves alone: internals, its own tables, excludes. */
int introspect_is_ignored(const char *name, const retort_config *cfg);

int introspect_read(schema **out, sqlite3 *db, const retort_config *cfg,
	retort_error **err);

#endif
