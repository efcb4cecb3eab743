/*
** introspect.h: reading a live SQLite database into a schema (PRAGMAs first,
** the CREATE statements through ddlparse.c where no PRAGMA tells).
*/
#ifndef RETORT_INTROSPECT_H
#define RETORT_INTROSPECT_H

#include "schema.h"
#include "db/db.h"

/* Which tables retort leaves alone: internals, its own tables, excludes. */
int retort_introspect_is_ignored(const char *name, const retort_config *cfg);

/* The schema of `db`: a live database, or a scratch one through a wrapped
** handle (retort_schema_read()). */
int retort_introspect_read(schema **out, retort_db *db, const retort_config *cfg,
	retort_error **err);

#endif
