/*
** inplace.c: the guard before an in-place constraint is added (inplace.h).
*/
#include "inplace.h"

#include <string.h>

#define GUARD_INSERT "INSERT INTO retort_inplace_guard "
#define CHECK_FAILED "CHECK constraint failed: "

/* A plain script has no IF: a row found lands in a table whose CHECK
** refuses it, and the CHECK's name is the message SQLite stops with. */
void retort_inplace_guard(retort_buf *b, const char *message, const char *table,
	const char *row, const char *cond)
{
	buf_puts(b, "CREATE TEMP TABLE retort_inplace_guard (hit CONSTRAINT ");
	buf_ident(b, message);
	buf_puts(b, " CHECK (hit IS NULL));\n" GUARD_INSERT "SELECT ");
	buf_puts(b, row);
	buf_puts(b, " FROM ");
	buf_ident(b, table);
	buf_puts(b, " WHERE ");
	buf_puts(b, cond);
	buf_puts(b, " LIMIT 1;\nDROP TABLE retort_inplace_guard;\n");
}

char *retort_inplace_error(retort_db *db, const char *sql, const char *message)
{
	retort_buf b = RETORT_BUF_INIT;
	retort_db_stmt *st = NULL;

	if (strncmp(sql, GUARD_INSERT, strlen(GUARD_INSERT)) != 0 ||
	    strncmp(message, CHECK_FAILED, strlen(CHECK_FAILED)) != 0)
		return NULL;
	buf_puts(&b, message + strlen(CHECK_FAILED));
	/* the guard's SELECT again: the statement that failed changed nothing */
	if (retort_db_prepare(db, &st, sql + strlen(GUARD_INSERT), NULL) == SQLITE_OK &&
	    retort_db_step(st) == SQLITE_ROW && retort_db_column_text(st, 0))
		buf_printf(&b, ": %s", retort_db_column_text(st, 0));
	retort_db_finalize(st);
	if (buf_oom(&b)) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b);
}
