/*
** build.h: schemas built into SQLite databases (models into an in-memory
** database, SQL scripts statement by statement) and read back.
*/
#ifndef RETORT_BUILD_H
#define RETORT_BUILD_H

#include "schema.h"

#include <sqlite3.h>

/*
** Run a SQL script statement by statement; a failing statement is an error
** at its file:line:column (from sqlite3_error_offset) in `path`.
*/
int retort_build_exec_script(sqlite3 *db, const char *sql, const char *path, retort_error **err);

/*
** Check the model files read into `raw` (retort_model_read_text), build them into
** an in-memory SQLite database and read that back; `raw` hands over its
** sources, so errors keep pointing at the files.
*/
int retort_build_models(schema **out, schema *raw, const retort_config *cfg, retort_error **err);

#endif
