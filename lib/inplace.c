/*
** inplace.c: the guard before an in-place constraint is added, and what
** SQLite says of a definition before it is edited in place (inplace.h).
*/
#include "inplace.h"
#include "scratch.h"

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

/* A scratch database after `sql`, or NULL. */
static sqlite3 *scratch_with(const char *sql)
{
	sqlite3 *db = NULL;

	if (scratch_open(&db, NULL) != 0 || sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		sqlite3_close(db);
		return NULL;
	}
	return db;
}

/* Every value of each row of `sql` in `db` appended to `out`, each ended
** by a NUL (NULL as an empty one). 0, else -1. */
static int rows_into(sqlite3 *db, const char *sql, retort_buf *out)
{
	sqlite3_stmt *st = NULL;
	int rc, i;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		sqlite3_finalize(st);
		return -1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		for (i = 0; i < sqlite3_column_count(st); i++) {
			const char *v = (const char *)sqlite3_column_text(st, i);
			buf_puts(out, v ? v : "");
			buf_putc(out, '\0');
		}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE && !buf_oom(out) ? 0 : -1;
}

/* The automatic indexes of the one table: one at most, then each by its
** number, columns by position (a rename keeps it), collations in any case
** (SQLite finds them so). */
#define ONE_AT_MOST \
	"SELECT count(*) <= 1 FROM sqlite_schema AS t, pragma_index_list(t.name) AS l" \
	" WHERE t.type = 'table' AND l.origin IN ('u', 'pk')"
#define AUTOINDEXES \
	"SELECT substr(l.name, length('sqlite_autoindex_' || t.name) + 1), l.origin," \
	" x.seqno, x.cid, upper(x.coll), x.\"desc\", x.key" \
	" FROM sqlite_schema AS t, pragma_index_list(t.name) AS l," \
	" pragma_index_xinfo(l.name) AS x" \
	" WHERE t.type = 'table' AND l.origin IN ('u', 'pk') ORDER BY 1, 3"

int retort_inplace_same_autoindexes(const char *const *creates, size_t n)
{
	retort_buf first = RETORT_BUF_INIT, other = RETORT_BUF_INIT;
	size_t i;
	int same = 1;

	for (i = 0; i < n && same; i++) {
		retort_buf *b = i ? &other : &first;
		sqlite3 *db = scratch_with(creates[i]);
		buf_clear(b);
		same = db && rows_into(db, ONE_AT_MOST, b) == 0 && b->ptr[0] == '1' &&
			rows_into(db, AUTOINDEXES, b) == 0 &&
			(!i || (b->len == first.len && memcmp(b->ptr, first.ptr, b->len) == 0));
		sqlite3_close(db);
	}
	buf_release(&first);
	buf_release(&other);
	return same;
}

char *retort_inplace_read_default(const char *type, const char *default_sql, int strict)
{
	retort_buf sql = RETORT_BUF_INIT, value = RETORT_BUF_INIT;
	sqlite3 *db;
	char *out = NULL;

	buf_printf(&sql, "CREATE TABLE t (x ANY)%s; INSERT INTO t VALUES (1);"
		" ALTER TABLE t ADD COLUMN c %s", strict ? " STRICT" : "", type ? type : "");
	if (default_sql)
		buf_printf(&sql, " DEFAULT %s", default_sql);
	db = buf_oom(&sql) ? NULL : scratch_with(sql.ptr);
	if (db && rows_into(db, "SELECT quote(c) FROM t", &value) == 0 && value.len)
		out = xstrdup(value.ptr);
	sqlite3_close(db);
	buf_release(&sql);
	buf_release(&value);
	return out;
}
