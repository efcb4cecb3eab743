/*
** seq_integrity.h: PRAGMA integrity_check and foreign_key_check of a
** database, with SQLite 3.40.1's false reports on WITHOUT ROWID tables
** disproved one by one (see seq_integrity.c).
*/
#ifndef RETORT_SEQ_INTEGRITY_H
#define RETORT_SEQ_INTEGRITY_H

#include <sqlite3.h>

/*
** NULL when both checks are clean, else what they report (free with
** sqlite3_free). Each false report that was disproved adds one to
** `*disproved` (may be NULL).
*/
char *seq_integrity(sqlite3 *db, unsigned long *disproved);

#endif
