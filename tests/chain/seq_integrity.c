/*
** seq_integrity.c: integrity_check and foreign_key_check (seq_integrity.h).
**
** The same workaround as tests/diff/test_diff_pairs.c, which keeps its copy
** static: that file belongs to another test and is left as it is; it could
** link this one instead.
**
** SQLite 3.40.1 (Debian 12) has a regression in PRAGMA integrity_check: in a
** WITHOUT ROWID table whose columns are not stored in declared order (a
** column outside the key declared before a key column), it checks the
** values of one column against the constraints of another, and reports
** "NULL value in T.C", "TEXT value in T.C", "NUMERIC value in T.C" or
** "non-TYPE value in T.C" for values that are not there. The check is not
** weakened for that: each such report, in such a table only, is made again
** here on the column's actual values, and stands if they fail it.
*/
#include "seq_integrity.h"

#include <stdlib.h>
#include <string.h>

/* Is `table` a WITHOUT ROWID table stored out of declared order? */
static int wr_out_of_order(sqlite3 *db, const char *table)
{
	sqlite3_stmt *st = NULL;
	int r = 0;

	if (sqlite3_prepare_v2(db, "SELECT (SELECT wr FROM pragma_table_list WHERE schema = 'main' "
		"AND name = ?1) AND (EXISTS (SELECT 1 FROM pragma_table_xinfo(?1) a, "
		"pragma_table_xinfo(?1) b WHERE a.pk = 0 AND b.pk > 0 AND a.cid < b.cid) "
		"OR EXISTS (SELECT 1 FROM pragma_table_xinfo(?1) a, pragma_table_xinfo(?1) b "
		"WHERE a.pk > 0 AND b.pk > 0 AND a.cid < b.cid AND a.pk > b.pk))",
		-1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			r = sqlite3_column_int(st, 0);
	}
	sqlite3_finalize(st);
	return r;
}

/* One number from `sql` (sqlite3_mprintf, taken), or -1. */
static long long count_of(sqlite3 *db, char *sql)
{
	sqlite3_stmt *st = NULL;
	long long n = -1;

	if (sql && sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_free(sql);
	return n;
}

/* Text values of T.C that the column's affinity would turn into numbers:
** each is put through a column of the same declared type elsewhere. */
static long long convertible_texts(sqlite3 *db, const char *table, const char *col)
{
	sqlite3 *scratch = NULL;
	sqlite3_stmt *rd = NULL, *ins = NULL;
	char *sql;
	long long n = -1;

	sql = sqlite3_mprintf("SELECT type FROM pragma_table_xinfo('%q') WHERE name = '%q'",
		table, col);
	if (!sql || sqlite3_prepare_v2(db, sql, -1, &rd, NULL) != SQLITE_OK ||
	    sqlite3_step(rd) != SQLITE_ROW)
		goto done;
	if (sqlite3_open(":memory:", &scratch) != SQLITE_OK)
		goto done;
	sqlite3_free(sql);
	sql = sqlite3_mprintf("CREATE TABLE aff(v %s)", (const char *)sqlite3_column_text(rd, 0));
	if (!sql || sqlite3_exec(scratch, sql, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(scratch, "INSERT INTO aff VALUES (?1)", -1, &ins, NULL) != SQLITE_OK)
		goto done;
	sqlite3_finalize(rd);
	rd = NULL;
	sqlite3_free(sql);
	sql = sqlite3_mprintf("SELECT \"%w\" FROM \"%w\" WHERE typeof(\"%w\") = 'text'", col, table, col);
	if (!sql || sqlite3_prepare_v2(db, sql, -1, &rd, NULL) != SQLITE_OK)
		goto done;
	while (sqlite3_step(rd) == SQLITE_ROW) {
		sqlite3_bind_value(ins, 1, sqlite3_column_value(rd, 0));
		if (sqlite3_step(ins) != SQLITE_DONE)
			goto done;
		sqlite3_reset(ins);
	}
	n = count_of(scratch, sqlite3_mprintf("SELECT count(*) FROM aff WHERE typeof(v) <> 'text'"));
done:
	sqlite3_free(sql);
	sqlite3_finalize(rd);
	sqlite3_finalize(ins);
	sqlite3_close(scratch);
	return n;
}

/* Returns 1 when `line` is a false report of the regression above. */
static int false_report(sqlite3 *db, const char *line)
{
	static const char *const kinds[] = {"NULL", "TEXT", "NUMERIC", "non-"};
	const char *in = strstr(line, " value in "), *rest, *dot;
	char *table = NULL, *what = NULL;
	long long bad = -1;
	size_t k;

	if (!in)
		return 0;
	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		if (strncmp(line, kinds[k], strlen(kinds[k])) == 0)
			break;
	if (k == sizeof(kinds) / sizeof(kinds[0]) || (k < 3 && line + strlen(kinds[k]) != in))
		return 0;
	what = strndup(line, (size_t)(in - line));
	rest = in + strlen(" value in ");
	/* names may hold dots: the table is the prefix that has such a column */
	for (dot = strchr(rest, '.'); dot; dot = strchr(dot + 1, '.')) {
		free(table);
		table = strndup(rest, (size_t)(dot - rest));
		if (count_of(db, sqlite3_mprintf("SELECT count(*) FROM pragma_table_xinfo('%q') "
			"WHERE name = '%q'", table, dot + 1)) == 1)
			break;
	}
	if (dot && wr_out_of_order(db, table)) {
		const char *col = dot + 1;
		switch (k) {
		case 0:
			bad = count_of(db, sqlite3_mprintf("SELECT count(*) FROM \"%w\" WHERE \"%w\" IS NULL",
				table, col));
			break;
		case 1:
			bad = convertible_texts(db, table, col);
			break;
		case 2:
			bad = count_of(db, sqlite3_mprintf("SELECT count(*) FROM \"%w\" WHERE typeof(\"%w\") "
				"IN ('integer', 'real')", table, col));
			break;
		default:
			/* STRICT: "non-INTEGER" etc.; INT columns are reported as INTEGER */
			bad = count_of(db, sqlite3_mprintf("SELECT count(*) FROM \"%w\" WHERE typeof(\"%w\") "
				"NOT IN ('null', lower('%q'))", table, col, what + 4));
			break;
		}
	}
	free(table);
	free(what);
	return bad == 0;
}

char *seq_integrity(sqlite3 *db, unsigned long *disproved)
{
	sqlite3_stmt *st = NULL;
	char *out = NULL;

	if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL) != SQLITE_OK)
		return sqlite3_mprintf("integrity_check: %s", sqlite3_errmsg(db));
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *line = (const char *)sqlite3_column_text(st, 0);
		char *next;
		if (!line || strcmp(line, "ok") == 0)
			continue;
		if (false_report(db, line)) {
			if (disproved)
				(*disproved)++;
			continue;
		}
		next = sqlite3_mprintf("%s%sintegrity_check: %s", out ? out : "", out ? "; " : "", line);
		sqlite3_free(out);
		out = next;
	}
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(db, "PRAGMA foreign_key_check", -1, &st, NULL) != SQLITE_OK)
		return out ? out : sqlite3_mprintf("foreign_key_check: %s", sqlite3_errmsg(db));
	while (sqlite3_step(st) == SQLITE_ROW) {
		char *next = sqlite3_mprintf("%s%sforeign_key_check: table %s rowid %s parent %s",
			out ? out : "", out ? "; " : "", sqlite3_column_text(st, 0),
			sqlite3_column_type(st, 1) == SQLITE_NULL ? "(none)" :
			(const char *)sqlite3_column_text(st, 1), sqlite3_column_text(st, 2));
		sqlite3_free(out);
		out = next;
	}
	sqlite3_finalize(st);
	return out;
}

