/*
** dbopen.h: the one way retort opens a database file (config.c).
*/
#ifndef RETORT_DBOPEN_H
#define RETORT_DBOPEN_H

#include <sqlite3.h>

/*
** sqlite3_open_v2() on the file named `path`, whatever its name: a name is
** never read as a SQLite URI. SQLite built with SQLITE_USE_URI (Debian's)
** reads every name that starts with "file:" as one, whatever the flags, so
** that `upgrade` and `current` could reach two different files; every live
** database, backup and db:FILE source is opened here instead.
*/
int db_open(const char *path, sqlite3 **db, int flags);

#endif
