/*
** inplace.c: the guard before an in-place constraint is added, and what
** SQLite says of a definition before it is edited in place (inplace.h).
*/
#include "inplace.h"
#include "scratch.h"

#include <string.h>

/* A plain script has no IF: a row found lands in a table whose CHECK
** refuses it, and the CHECK's name is the message SQLite stops with. */
void retort_inplace_guard(retort_buf *b, const char *message, const char *table,
	const char *row, const char *cond)
{
	retort_buf_puts(b, "CREATE TEMP TABLE retort_inplace_guard (hit CONSTRAINT ");
	retort_buf_ident(b, message);
	retort_buf_puts(b, " CHECK (hit IS NULL));\n" RETORT_INPLACE_GUARD_INSERT "SELECT ");
	retort_buf_puts(b, row);
	retort_buf_puts(b, " FROM ");
	retort_buf_ident(b, table);
	retort_buf_puts(b, " WHERE ");
	retort_buf_puts(b, cond);
	retort_buf_puts(b, " LIMIT 1;\nDROP TABLE retort_inplace_guard;\n");
}

/* A scratch database after `sql`, or NULL. */
static sqlite3 *scratch_with(const char *sql)
{
	sqlite3 *db = NULL;

	if (retort_scratch_open(&db, NULL) != 0 || sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
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
			retort_buf_puts(out, v ? v : "");
			retort_buf_putc(out, '\0');
		}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE && !retort_buf_oom(out) ? 0 : -1;
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
		retort_buf_clear(b);
		same = db && rows_into(db, ONE_AT_MOST, b) == 0 && b->ptr[0] == '1' &&
			rows_into(db, AUTOINDEXES, b) == 0 &&
			(!i || (b->len == first.len && memcmp(b->ptr, first.ptr, b->len) == 0));
		sqlite3_close(db);
	}
	retort_buf_release(&first);
	retort_buf_release(&other);
	return same;
}

char *retort_inplace_read_default(const char *type, const char *default_sql, int strict)
{
	retort_buf sql = RETORT_BUF_INIT, value = RETORT_BUF_INIT;
	sqlite3 *db;
	char *out = NULL;

	retort_buf_printf(&sql, "CREATE TABLE t (x ANY)%s; INSERT INTO t VALUES (1);"
		" ALTER TABLE t ADD COLUMN c %s", strict ? " STRICT" : "", type ? type : "");
	if (default_sql)
		retort_buf_printf(&sql, " DEFAULT %s", default_sql);
	db = retort_buf_oom(&sql) ? NULL : scratch_with(sql.ptr);
	if (db && rows_into(db, "SELECT quote(c) FROM t", &value) == 0 && value.len)
		out = retort_xstrdup(value.ptr);
	sqlite3_close(db);
	retort_buf_release(&sql);
	retort_buf_release(&value);
	return out;
}
