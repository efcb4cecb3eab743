/*
** apply.h: what the apply engine (apply.c) shares with the rest of the
** library.
*/
#ifndef RETORT_APPLY_H
#define RETORT_APPLY_H

/*
** The statements a script runs just before its COMMIT so that a foreign key
** left without its parent row stops it under `sqlite3 -bail`, as the
** engine's own PRAGMA foreign_key_check does: comment lines, then
** statements, each line ending in a newline.
*/
const char *apply_fk_guard(void);

#endif
