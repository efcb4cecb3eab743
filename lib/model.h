/*
** model.h: model files (YAML) read into a schema that still carries where
** everything was written; build.c turns it into SQLite's own view of it.
*/
#ifndef RETORT_MODEL_H
#define RETORT_MODEL_H

#include "schema.h"

/*
** Read one model file's text into `into`, which may already hold other
** files' objects (a name defined twice is an error). The text and path are
** kept in `into` for error messages.
*/
int retort_model_read_text(schema *into, const char *text, size_t len, const char *path,
	retort_error **err);

/* Check what can only be checked once every file is read: references to
** tables and columns, key columns, index columns. */
int retort_model_validate(const schema *s, retort_error **err);

#endif
