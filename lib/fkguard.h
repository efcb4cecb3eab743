/*
** fkguard.h: the statements that stop a plain SQL script (`sqlite3 -bail`)
** when a foreign key is left without its parent row, as the engine's own
** PRAGMA foreign_key_check does. Text only, shared by the script that
** autogen.c writes and the dry run of apply.c, so neither calls the other.
*/
#ifndef RETORT_FKGUARD_H
#define RETORT_FKGUARD_H

/* the CHECK that stops a script (-bail) when retort_fk_guard gets a count
** of orphans other than 0: a plain script has no IF */
#define FK_GUARD "CREATE TEMP TABLE retort_fk_guard (orphans INTEGER CONSTRAINT " \
	"\"foreign key violations: see PRAGMA foreign_key_check\" CHECK (orphans = 0));\n"

/* What a script runs just before its COMMIT: comment lines, then
** statements, each line ending in a newline. */
#define FK_GUARD_SCRIPT \
	"-- every foreign key must still find its parent (rows without one are\n" \
	"-- listed first, then the CHECK fails and nothing is committed)\n" \
	"PRAGMA foreign_key_check;\n" \
	FK_GUARD \
	"INSERT INTO retort_fk_guard SELECT count(*) FROM pragma_foreign_key_check;\n" \
	"DROP TABLE retort_fk_guard;\n"

#endif
