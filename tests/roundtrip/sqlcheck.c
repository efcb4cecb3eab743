/*
** sqlcheck.c: SQLite's own view of a schema (sqlcheck.h), for judging the
** generator and for checking libretort against something it did not write.
*/
#include "sqlcheck.h"

#include <stdlib.h>
#include <string.h>

static char *dup_msg(const char *what, const char *msg)
{
	char *z = sqlite3_mprintf("%s: %s", what, msg);
	char *out = NULL;

	if (z) {
		size_t n = strlen(z) + 1;
		out = malloc(n);
		if (out)
			memcpy(out, z, n);
	}
	sqlite3_free(z);
	return out;
}

static sqlite3 *open_memory(void)
{
	sqlite3 *db = NULL;

	if (sqlite3_open(":memory:", &db) != SQLITE_OK) {
		sqlite3_close(db);
		return NULL;
	}
	return db;
}

/* Prepare (never run) `sql`; a failure whose message contains `ignore` (may
** be NULL) is not one. */
static int probe(sqlite3 *db, char *sql, const char *ignore, char **err)
{
	sqlite3_stmt *st = NULL;
	int rc = 0;

	if (!sql)
		return -1;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		const char *msg = sqlite3_errmsg(db);
		if (!ignore || !strstr(msg, ignore)) {
			*err = dup_msg(sql, msg);
			rc = -1;
		}
	}
	sqlite3_finalize(st);
	sqlite3_free(sql);
	return rc;
}

/* "SET a = a, b = b" over the columns an UPDATE may set. */
static char *update_sql(sqlite3 *db, const char *name)
{
	sqlite3_stmt *st = NULL;
	char *sql = sqlite3_mprintf("UPDATE \"%w\" SET ", name);
	int n = 0;

	if (sqlite3_prepare_v2(db, "SELECT name FROM pragma_table_xinfo(?1) WHERE hidden = 0",
		-1, &st, NULL) != SQLITE_OK) {
		sqlite3_free(sql);
		return NULL;
	}
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	while (sql && sqlite3_step(st) == SQLITE_ROW) {
		const char *c = (const char *)sqlite3_column_text(st, 0);
		char *next = sqlite3_mprintf("%s%s\"%w\" = \"%w\"", sql, n++ ? ", " : "", c, c);
		sqlite3_free(sql);
		sql = next;
	}
	sqlite3_finalize(st);
	if (!n) {
		sqlite3_free(sql);
		return NULL;
	}
	return sql;
}

int sqlcheck_schema(const char *sql, char **err)
{
	sqlite3 *db = open_memory();
	sqlite3_stmt *st = NULL;
	char *msg = NULL;
	int rc = -1;

	*err = NULL;
	if (!db) {
		*err = dup_msg("sqlite3_open", "failed");
		return -1;
	}
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		*err = dup_msg("CREATE", msg ? msg : sqlite3_errmsg(db));
		goto done;
	}
	sqlite3_exec(db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
	if (sqlite3_prepare_v2(db, "SELECT name, type FROM pragma_table_list "
		"WHERE schema = 'main' AND type IN ('table', 'view', 'virtual') "
		"AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
		-1, &st, NULL) != SQLITE_OK) {
		*err = dup_msg("table_list", sqlite3_errmsg(db));
		goto done;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		const char *type = (const char *)sqlite3_column_text(st, 1);
		/* a view can be written to only through INSTEAD OF triggers */
		const char *ignore = strcmp(type, "view") == 0 ? "cannot modify" : NULL;
		char *upd;

		if (strcmp(type, "view") == 0 &&
		    probe(db, sqlite3_mprintf("SELECT * FROM \"%w\"", name), NULL, err))
			goto done;
		if (probe(db, sqlite3_mprintf("INSERT INTO \"%w\" DEFAULT VALUES", name), ignore, err) ||
		    probe(db, sqlite3_mprintf("DELETE FROM \"%w\"", name), ignore, err))
			goto done;
		upd = update_sql(db, name);
		if (upd && probe(db, upd, ignore, err))
			goto done;
	}
	rc = 0;
done:
	sqlite3_free(msg);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc;
}

/* ---- fingerprints --------------------------------------------------- */

typedef struct lines {
	char **v;
	size_t n, cap;
	int oom;
} lines;

/* Take an sqlite3_mprintf string. */
static void lines_add(lines *l, char *z)
{
	if (!z) {
		l->oom = 1;
		return;
	}
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;
		char **v = realloc(l->v, cap * sizeof(*v));
		if (!v) {
			sqlite3_free(z);
			l->oom = 1;
			return;
		}
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = z;
}

static void lines_free(lines *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		sqlite3_free(l->v[i]);
	free(l->v);
}

static int cmp_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Append the lines, sorted from `from` on, to `out`, and free them. */
static void lines_flush(lines *l, size_t from, char **out)
{
	size_t i;

	if (l->n - from > 1) /* qsort may not take the NULL of an empty list */
		qsort(l->v + from, l->n - from, sizeof(*l->v), cmp_line);
	for (i = from; i < l->n; i++) {
		char *next = *out ? sqlite3_mprintf("%s%s\n", *out, l->v[i]) : NULL;
		sqlite3_free(*out);
		*out = next;
		sqlite3_free(l->v[i]);
	}
	l->n = from;
}

/*
** A DEFAULT as SQLite reports it, with the letters outside quotes in upper
** case: "DEFAULT null" and "DEFAULT NULL" are the same default, and a
** writer may spell keywords either way. Returns an sqlite3_mprintf string.
*/
static char *normalize_default(const char *d)
{
	char *z = sqlite3_mprintf("%s", d), *p;
	char quote = 0;

	for (p = z; p && *p; p++) {
		if (quote) {
			if (*p == quote)
				quote = 0;
		} else if (*p == '\'' || *p == '"' || *p == '`') {
			quote = *p;
		} else if (*p == '[') {
			quote = ']';
		} else if (*p >= 'a' && *p <= 'z') {
			*p = (char)(*p - 'a' + 'A');
		}
	}
	return z;
}

#define TXT(st, i) (sqlite3_column_type((st), (i)) == SQLITE_NULL ? "(null)" : \
	(const char *)sqlite3_column_text((st), (i)))

/* Columns go to `cols` in their order; keys and indexes to `l`, to be sorted. */
static int table_lines(sqlite3 *db, const char *name, lines *cols, lines *l)
{
	sqlite3_stmt *st = NULL, *ix = NULL;
	char *alias = NULL;
	int rc = -1;

	/* A rowid alias (a lone INTEGER key of a rowid table) never holds NULL,
	** so NOT NULL written on it or not is the same column; SQLite's PRAGMA
	** still reports what was written. */
	if (sqlite3_prepare_v2(db, "SELECT max(name) FROM pragma_table_xinfo(?1) WHERE pk > 0 "
		"HAVING count(*) = 1 AND upper(max(type)) = 'INTEGER' AND (SELECT wr = 0 AND "
		"type = 'table' FROM pragma_table_list WHERE schema = 'main' AND name = ?1)",
		-1, &st, NULL) != SQLITE_OK)
		goto done;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		alias = sqlite3_mprintf("%s", TXT(st, 0));
	sqlite3_finalize(st);
	st = NULL;

	/* columns, in order */
	if (sqlite3_prepare_v2(db, "SELECT cid, name, type, \"notnull\", dflt_value, pk, hidden "
		"FROM pragma_table_xinfo(?1)", -1, &st, NULL) != SQLITE_OK)
		goto done;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		char *dflt = normalize_default(TXT(st, 4));
		int is_alias = alias && strcmp(alias, TXT(st, 1)) == 0;
		lines_add(cols, sqlite3_mprintf("  col %s %s type=%s notnull=%s default=%s pk=%s hidden=%s",
			TXT(st, 0), TXT(st, 1), TXT(st, 2), is_alias ? "(rowid alias)" : TXT(st, 3),
			dflt, TXT(st, 5), TXT(st, 6)));
		sqlite3_free(dflt);
	}
	sqlite3_finalize(st);
	st = NULL;

	/* foreign keys: one line each, whatever their order of definition */
	if (sqlite3_prepare_v2(db, "SELECT \"table\", on_update, on_delete, \"match\", "
		"group_concat(\"from\" || '->' || coalesce(\"to\", '(pk)'), ', ') "
		"FROM (SELECT * FROM pragma_foreign_key_list(?1) ORDER BY id, seq) "
		"GROUP BY id", -1, &st, NULL) != SQLITE_OK)
		goto done;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW)
		lines_add(l, sqlite3_mprintf("  fk table=%s on_update=%s on_delete=%s match=%s: %s",
			TXT(st, 0), TXT(st, 1), TXT(st, 2), TXT(st, 3), TXT(st, 4)));
	sqlite3_finalize(st);
	st = NULL;

	/* indexes: explicit ones by name; automatic ones (UNIQUE, PRIMARY
	** KEY) by what they index, as their names follow definition order;
	** collation names are case-insensitive */
	if (sqlite3_prepare_v2(db, "SELECT name, \"unique\", origin, partial "
		"FROM pragma_index_list(?1)", -1, &st, NULL) != SQLITE_OK)
		goto done;
	if (sqlite3_prepare_v2(db, "SELECT group_concat(cid || ':' || coalesce(name, '(expr)') "
		"|| ':' || \"desc\" || ':' || upper(coll), ', ') FROM "
		"(SELECT * FROM pragma_index_xinfo(?1) WHERE key = 1 ORDER BY seqno)",
		-1, &ix, NULL) != SQLITE_OK)
		goto done;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *origin = TXT(st, 2);
		sqlite3_reset(ix);
		sqlite3_bind_text(ix, 1, TXT(st, 0), -1, SQLITE_TRANSIENT);
		if (sqlite3_step(ix) != SQLITE_ROW)
			goto done;
		if (strcmp(origin, "c") == 0)
			lines_add(l, sqlite3_mprintf("  index %s unique=%s partial=%s: %s",
				TXT(st, 0), TXT(st, 1), TXT(st, 3), TXT(ix, 0)));
		else
			lines_add(l, sqlite3_mprintf("  autoindex origin=%s unique=%s: %s",
				origin, TXT(st, 1), TXT(ix, 0)));
	}
	rc = 0;
done:
	sqlite3_free(alias);
	sqlite3_finalize(st);
	sqlite3_finalize(ix);
	return rc;
}

char *sqlcheck_fingerprint(sqlite3 *db)
{
	sqlite3_stmt *st = NULL;
	lines l = {0}, cols = {0}, rest = {0};
	char *out = sqlite3_mprintf("%s", "");
	char *result = NULL;

	if (sqlite3_prepare_v2(db, "SELECT name, type, ncol, wr, strict FROM pragma_table_list "
		"WHERE schema = 'main' AND type IN ('table', 'view', 'virtual') "
		"AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
		"AND name NOT IN ('retort_version', 'retort_history') ORDER BY name",
		-1, &st, NULL) != SQLITE_OK)
		goto done;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *name = TXT(st, 0);
		lines_add(&l, sqlite3_mprintf("%s %s ncol=%s wr=%s strict=%s", TXT(st, 1), name,
			TXT(st, 2), TXT(st, 3), TXT(st, 4)));
		if (table_lines(db, name, &cols, &rest) < 0)
			goto done;
		/* one line and the columns in order; the rest sorted */
		lines_flush(&l, 0, &out);
		{
			size_t i;
			for (i = 0; i < cols.n; i++) {
				char *next = out ? sqlite3_mprintf("%s%s\n", out, cols.v[i]) : NULL;
				sqlite3_free(out);
				out = next;
				sqlite3_free(cols.v[i]);
			}
			cols.n = 0;
		}
		lines_flush(&rest, 0, &out);
	}
	sqlite3_finalize(st);
	st = NULL;
	if (sqlite3_prepare_v2(db, "SELECT name, tbl_name FROM sqlite_schema "
		"WHERE type = 'trigger' ORDER BY name", -1, &st, NULL) != SQLITE_OK)
		goto done;
	while (sqlite3_step(st) == SQLITE_ROW)
		lines_add(&l, sqlite3_mprintf("trigger %s on %s", TXT(st, 0), TXT(st, 1)));
	lines_flush(&l, 0, &out);
	if (out && !l.oom && !cols.oom && !rest.oom) {
		size_t n = strlen(out) + 1;
		result = malloc(n);
		if (result)
			memcpy(result, out, n);
	}
done:
	lines_free(&l);
	lines_free(&cols);
	lines_free(&rest);
	sqlite3_free(out);
	sqlite3_finalize(st);
	return result;
}

char *sqlcheck_fingerprint_sql(const char *sql, char **err)
{
	sqlite3 *db = open_memory();
	char *msg = NULL, *fp = NULL;

	*err = NULL;
	if (!db) {
		*err = dup_msg("sqlite3_open", "failed");
		return NULL;
	}
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		*err = dup_msg("CREATE", msg ? msg : sqlite3_errmsg(db));
	else if (!(fp = sqlcheck_fingerprint(db)))
		*err = dup_msg("fingerprint", sqlite3_errmsg(db));
	sqlite3_free(msg);
	sqlite3_close(db);
	return fp;
}
