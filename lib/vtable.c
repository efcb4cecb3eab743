/*
** vtable.c: the engine's version and history tables in a live database:
** their SQL, the check that a table of that name is retort's, and reading
** them (where the database is; which applied revisions changed since).
*/
#include "vtable.h"
#include "error.h"
#include "revision.h"
#include "sqltok.h"

#include <stdlib.h>
#include <string.h>

/* The engine's tables, as it creates them. The history table of retort
** 0.1.0's first builds lacks applied_by, which the next run adds. */
#define VERSION_COLUMNS "(revision TEXT PRIMARY KEY)"
#define HISTORY_COLUMNS_0 "(id INTEGER PRIMARY KEY, revision TEXT, direction TEXT NOT NULL" \
	" CHECK (direction = 'upgrade' OR direction = 'downgrade' OR direction = 'stamp'), sha256 TEXT," \
	" started TEXT NOT NULL, finished TEXT NOT NULL, duration_ms INTEGER NOT NULL," \
	" retort_version TEXT NOT NULL, git_commit TEXT"
#define HISTORY_COLUMNS HISTORY_COLUMNS_0 ", applied_by TEXT)"

static int schema_error(retort_db *db, int rc, retort_error **err)
{
	return retort_error_set(err, retort_db_code(rc), "cannot read the schema: %s",
		retort_db_errmsg(db));
}

/* "cannot read the version table NAME: MESSAGE" */
static int read_error(retort_db *db, int rc, const char *what, const char *name,
	retort_error **err)
{
	return retort_error_set(err, retort_db_code(rc), "cannot read %s%s%s: %s", what,
		name ? " " : "", name ? name : "", retort_db_errmsg(db));
}

int retort_vtable_has(retort_db *db, const char *name, int *out, retort_error **err)
{
	retort_db_stmt *st = NULL;
	int rc = retort_db_prepare(db, &st, "SELECT 1 FROM main.sqlite_schema"
		" WHERE type = 'table' AND name = ?1 COLLATE NOCASE", NULL);

	if (rc == SQLITE_OK && (rc = retort_db_bind_text(st, 1, name)) == SQLITE_OK) {
		rc = retort_db_step(st);
		*out = rc == SQLITE_ROW;
	}
	retort_db_finalize(st);
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		return 0;
	return schema_error(db, rc, err);
}

/* `sql` on one line, runs of blank space and control characters made one
** space, cut after `max` bytes: a table's SQL quoted in a message. */
static void put_one_line(retort_buf *b, const char *sql, size_t max)
{
	const unsigned char *p = (const unsigned char *)sql;
	size_t start = b->len;

	for (; *p && b->len - start < max; p++) {
		if (*p > ' ' && *p != 0x7f)
			retort_buf_putc(b, (char)*p);
		else if (b->len > start && b->ptr[b->len - 1] != ' ')
			retort_buf_putc(b, ' ');
	}
	if (*p)
		retort_buf_puts(b, "...");
}

/*
** The engine writes only into tables that are exactly what it creates (any
** spacing, case or quoting; the CHECK and keys included) and that no
** trigger watches: `version_table: users` must not make a stamp replace the
** app's rows, nor a reading command show them as revisions. 0 when the
** table `name` is retort's or absent (`*exists` says which);
** RETORT_EINVALID naming the table and what it is instead.
*/
typedef struct engine_table {
	const char *what;
	const char *columns;   /* as the engine creates it */
	const char *columns_0; /* an older form still taken, or NULL */
	const char *hint;      /* what to do about another table of that name */
} engine_table;

static const engine_table version_table = { "version table", VERSION_COLUMNS, NULL,
	"set version_table in retort.yaml to a name of retort's own" };
static const engine_table history_table = { "history table", HISTORY_COLUMNS,
	HISTORY_COLUMNS_0 ")", "retort keeps its history under this name: rename that table" };

static int check_table(retort_db *db, const engine_table *t, const char *name, int *exists,
	retort_error **err)
{
	retort_buf want = RETORT_BUF_INIT, old = RETORT_BUF_INIT, why = RETORT_BUF_INIT;
	retort_db_stmt *st = NULL;
	int rc;

	*exists = 0;
	retort_buf_puts(&want, "CREATE TABLE ");
	retort_buf_ident(&want, name);
	retort_buf_putc(&want, ' ');
	retort_buf_puts(&old, want.ptr);
	retort_buf_puts(&want, t->columns);
	retort_buf_puts(&old, t->columns_0 ? t->columns_0 : t->columns);
	rc = retort_db_prepare(db, &st, "SELECT type, name, sql FROM main.sqlite_schema"
		" WHERE type IN ('table', 'view') AND name = ?1 COLLATE NOCASE"
		" OR type = 'trigger' AND tbl_name = ?1 COLLATE NOCASE", NULL);
	if (rc == SQLITE_OK)
		rc = retort_db_bind_text(st, 1, name);
	while (rc == SQLITE_OK && (rc = retort_db_step(st)) == SQLITE_ROW) {
		const char *type = retort_db_column_str(st, 0), *sql = retort_db_column_str(st, 2);
		rc = SQLITE_OK;
		if (why.len)
			continue;
		if (strcmp(type, "table") == 0)
			*exists = 1;
		if (strcmp(type, "trigger") == 0) {
			retort_buf_printf(&why, "the trigger \"%s\" fires on it", retort_db_column_str(st, 1));
		} else if (!retort_sql_equal(sql, want.ptr) && !retort_sql_equal(sql, old.ptr)) {
			retort_buf_puts(&why, "it is ");
			put_one_line(&why, sql, 200);
			retort_buf_puts(&why, ", where retort's is ");
			retort_buf_puts(&why, want.ptr);
		}
	}
	retort_db_finalize(st);
	if (rc != SQLITE_DONE)
		rc = schema_error(db, rc, err);
	else if (retort_buf_oom(&want) || retort_buf_oom(&old) || retort_buf_oom(&why))
		rc = retort_error_oom(err);
	else if (why.len)
		rc = retort_error_set(err, RETORT_EINVALID, "the %s \"%s\" is not retort's: %s; "
			"retort neither reads nor writes it (%s)", t->what, name, why.ptr, t->hint);
	else
		rc = 0;
	retort_buf_release(&want);
	retort_buf_release(&old);
	retort_buf_release(&why);
	return rc;
}

/* Are the version table `vtable` and the history table retort's (or absent)? */
static int check_tables(retort_db *db, const char *vtable, int *exists, retort_error **err)
{
	int history, rc = check_table(db, &history_table, RETORT_HISTORY_TABLE, &history, err);

	return rc ? rc : check_table(db, &version_table, vtable, exists, err);
}

int retort_vtable_read(char ***out, size_t *count, retort_db *db, const char *vtable,
	retort_db_stmt **cache, retort_error **err)
{
	retort_buf sql = RETORT_BUF_INIT;
	char **ids = NULL;
	size_t n = 0, cap = 0;
	int rc = 0, exists = 0;

	*out = NULL;
	*count = 0;
	if (!db)
		return 0;
	if (!*cache) {
		if ((rc = check_tables(db, vtable, &exists, err)) || !exists)
			return rc;
		retort_buf_puts(&sql, "SELECT revision FROM main.");
		retort_buf_ident(&sql, vtable);
		retort_buf_puts(&sql, " ORDER BY revision");
		if (retort_buf_oom(&sql))
			return retort_error_oom(err);
		rc = retort_db_prepare(db, cache, sql.ptr, NULL);
		retort_buf_release(&sql);
		if (rc != SQLITE_OK)
			return read_error(db, rc, "the version table", vtable, err);
	}
	while ((rc = retort_db_step(*cache)) == SQLITE_ROW) {
		const char *id = retort_db_column_text(*cache, 0);
		char **slot;
		if (!id)
			continue;
		slot = ARRAY_PUSH(ids, n, cap);
		if (!slot || !(*slot = retort_xstrdup(id))) {
			retort_db_reset(*cache);
			retort_strings_free(ids, n);
			return retort_error_oom(err);
		}
	}
	retort_db_reset(*cache);
	if (rc != SQLITE_DONE) {
		retort_strings_free(ids, n);
		return read_error(db, rc, "the version table", vtable, err);
	}
	*out = ids;
	*count = n;
	return 0;
}

int retort_db_current(char ***out, size_t *count, retort_db *db, const retort_config *cfg,
	retort_error **err)
{
	retort_db_stmt *st = NULL;
	int rc = retort_vtable_read(out, count, db, retort_config_version_table(cfg), &st, err);

	retort_db_finalize(st);
	return rc;
}

int retort_db_changed_revisions(const retort_revision ***out, size_t *count, retort_db *db,
	const retort_revisions *revs, const retort_config *cfg, retort_error **err)
{
	retort_db_stmt *st = NULL;
	char **ids = NULL;
	size_t n = 0, i, nout = 0, cap = 0;
	unsigned char *applied = NULL, *changed = NULL;
	const retort_revision **list = NULL;
	int rc, exists = 0;

	*out = NULL;
	*count = 0;
	rc = retort_db_current(&ids, &n, db, cfg, err);
	if (!rc)
		rc = retort_revgraph_applied(&applied, revs, (const char *const *)ids, n, err);
	if (!rc && db)
		rc = retort_vtable_has(db, RETORT_HISTORY_TABLE, &exists, err);
	if (rc || !exists)
		goto done;
	changed = calloc(revs->n + 1, 1);
	if (!changed) {
		rc = retort_error_oom(err);
		goto done;
	}
	/* the latest row that ran (or stamped) each revision's upgrade wins */
	rc = retort_db_prepare(db, &st, "SELECT revision, sha256 FROM main." RETORT_HISTORY_TABLE
		" WHERE direction IN ('upgrade', 'stamp') AND revision IS NOT NULL ORDER BY id",
		NULL);
	while (rc == SQLITE_OK && (rc = retort_db_step(st)) == SQLITE_ROW) {
		const retort_revision *rev = retort_revisions_get(revs,
			retort_db_column_text(st, 0));
		const char *sha = retort_db_column_text(st, 1);
		rc = SQLITE_OK;
		if (rev)
			changed[rev->index] = sha && strcmp(sha, rev->section[RETORT_UPGRADE].sha256);
	}
	if (rc != SQLITE_DONE) {
		rc = read_error(db, rc, "the history table", NULL, err);
		goto done;
	}
	rc = 0;
	for (i = 0; i < revs->n; i++) {
		const retort_revision **slot;
		if (!applied[i] || !changed[i])
			continue;
		slot = ARRAY_PUSH(list, nout, cap);
		if (!slot) {
			rc = retort_error_oom(err);
			goto done;
		}
		*slot = revs->revs[i];
	}
	*out = list;
	*count = nout;
	list = NULL;
done:
	retort_db_finalize(st);
	retort_strings_free(ids, n);
	free(applied);
	free(changed);
	free(list);
	return rc;
}

/* ---- writing ------------------------------------------------------------ */

void retort_vtable_create_sql(retort_buf *b, const char *vtable, int history)
{
	retort_buf_clear(b);
	retort_buf_puts(b, "CREATE TABLE IF NOT EXISTS ");
	retort_buf_ident(b, history ? RETORT_HISTORY_TABLE : vtable);
	retort_buf_puts(b, history ? " " HISTORY_COLUMNS ";" : " " VERSION_COLUMNS ";");
}

int retort_vtable_history_upgrade(retort_db *db, retort_buf *b)
{
	if (retort_db_exec(db, "SELECT applied_by FROM " RETORT_HISTORY_TABLE " LIMIT 0") ==
	    SQLITE_OK)
		return 0;
	retort_buf_clear(b);
	retort_buf_puts(b, "ALTER TABLE " RETORT_HISTORY_TABLE " ADD COLUMN applied_by TEXT;");
	return 1;
}

void retort_vtable_update_sql(retort_buf *b, const char *vtable, const char *id)
{
	retort_buf_clear(b);
	retort_buf_puts(b, "UPDATE ");
	retort_buf_ident(b, vtable);
	retort_buf_puts(b, " SET revision = ");
	retort_buf_literal(b, id);
	retort_buf_putc(b, ';');
}

void retort_vtable_delete_sql(retort_buf *b, const char *vtable)
{
	retort_buf_clear(b);
	retort_buf_puts(b, "DELETE FROM ");
	retort_buf_ident(b, vtable);
	retort_buf_putc(b, ';');
}

void retort_vtable_insert_sql(retort_buf *b, const char *vtable,
	const retort_revision *const *heads, size_t n)
{
	size_t i;

	retort_buf_clear(b);
	retort_buf_puts(b, "INSERT INTO ");
	retort_buf_ident(b, vtable);
	retort_buf_puts(b, " (revision) VALUES ");
	for (i = 0; i < n; i++) {
		retort_buf_puts(b, i ? ", (" : "(");
		retort_buf_literal(b, heads[i]->id);
		retort_buf_putc(b, ')');
	}
	retort_buf_putc(b, ';');
}

static void put_nullable(retort_buf *b, const char *text)
{
	if (text)
		retort_buf_literal(b, text);
	else
		retort_buf_puts(b, "NULL");
}

void retort_vtable_history_sql(retort_buf *b, const retort_vtable_history *row)
{
	static const char script_now[] = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

	retort_buf_clear(b);
	retort_buf_puts(b, "INSERT INTO ");
	retort_buf_ident(b, RETORT_HISTORY_TABLE);
	retort_buf_puts(b, " (revision, direction, sha256, started, finished, duration_ms,"
		" retort_version, git_commit, applied_by) VALUES (");
	put_nullable(b, row->revision);
	retort_buf_puts(b, ", ");
	retort_buf_literal(b, row->direction);
	retort_buf_puts(b, ", ");
	put_nullable(b, row->sha256);
	retort_buf_puts(b, ", ");
	if (!row->started) {
		retort_buf_printf(b, "%s, %s", script_now, script_now);
	} else {
		retort_buf_literal(b, row->started);
		retort_buf_puts(b, ", ");
		retort_buf_literal(b, row->finished);
	}
	retort_buf_printf(b, ", %lld, ", row->duration_ms);
	retort_buf_literal(b, RETORT_VERSION);
	retort_buf_puts(b, ", ");
	put_nullable(b, row->git_commit);
	retort_buf_puts(b, ", ");
	put_nullable(b, row->applied_by);
	retort_buf_puts(b, ");");
}

/* ---- the sqlite3 * entry points ----------------------------------------- */

int retort_current(char ***out, size_t *count, sqlite3 *db, const retort_config *cfg,
	retort_error **err)
{
	retort_db *c;
	int rc = retort_db_wrap_handle(&c, db, err);

	*out = NULL;
	*count = 0;
	if (!rc)
		rc = retort_db_current(out, count, c, cfg, err);
	retort_db_free(c);
	return rc;
}

int retort_changed_revisions(const retort_revision ***out, size_t *count, sqlite3 *db,
	const retort_revisions *revs, const retort_config *cfg, retort_error **err)
{
	retort_db *c;
	int rc = retort_db_wrap_handle(&c, db, err);

	*out = NULL;
	*count = 0;
	if (!rc)
		rc = retort_db_changed_revisions(out, count, c, revs, cfg, err);
	retort_db_free(c);
	return rc;
}
