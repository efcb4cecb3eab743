/*
** scratch.c: one sealed opener for every in-memory database that replays
** untrusted SQL, and the statements a revision may not run (see
** docs/operations.md, "Running retort on untrusted files").
*/
#include "scratch.h"
#include "sqltok.h"

#include <stdlib.h>
#include <string.h>

/*
** Pragmas a scratch database refuses: those that name a file or a
** directory SQLite writes in, and those that change the whole process.
*/
static const char *const denied_pragmas[] = {
	"temp_store_directory", "data_store_directory", "lock_proxy_file",
	"soft_heap_limit", "hard_heap_limit",
};

static int seal(void *ctx, int action, const char *a1, const char *a2, const char *db,
	const char *inner)
{
	const scratch_watch *w = ctx;
	size_t i;

	switch (action) {
	case SQLITE_ATTACH: /* VACUUM INTO attaches its file too, and is asked here */
	case SQLITE_DETACH:
		return SQLITE_DENY;
	case SQLITE_FUNCTION:
		if (sqlite3_stricmp(a2, "load_extension") == 0)
			return SQLITE_DENY;
		break;
	case SQLITE_PRAGMA:
		for (i = 0; i < sizeof(denied_pragmas) / sizeof(*denied_pragmas); i++)
			if (sqlite3_stricmp(a1, denied_pragmas[i]) == 0)
				return SQLITE_DENY;
		break;
	}
	return w ? w->fn(w->ctx, action, a1, a2, db, inner) : SQLITE_OK;
}

/*
** SQLITE_DBCONFIG_DEFENSIVE is on: crafted rows in a virtual table's shadow
** tables (or in sqlite_schema) reach the module's own C code, memory
** database or not. A retort_scratch_run lifts it for a writable_schema
** window alone.
** SQLITE_DBCONFIG_TRUSTED_SCHEMA stays on, though: the statements that
** build a scratch schema can call any function themselves, so distrusting
** the schema guards nothing the authorizer does not, and SQLite 3.40 would
** then refuse json_extract() in a model's generated column, index or view.
*/
int retort_scratch_open(sqlite3 **out, retort_error **err)
{
	sqlite3 *db = NULL;
	int rc;

	*out = NULL;
	rc = sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, NULL);
	if (rc != SQLITE_OK) {
		sqlite3_close(db);
		return rc == SQLITE_NOMEM ? retort_error_oom(err) :
			retort_error_set(err, RETORT_EDB, "cannot open an in-memory database: %s",
				sqlite3_errstr(rc));
	}
	sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, 0);
	sqlite3_set_authorizer(db, seal, NULL);
	*out = db;
	return 0;
}

void retort_scratch_watch_set(sqlite3 *db, scratch_watch *w)
{
	sqlite3_set_authorizer(db, seal, w);
}

/* Is the token the name `name` (any quoting, any case)? */
static int names(const sqltok *t, const char *name)
{
	char *s = retort_sqltok_is_name(t) ? retort_sqltok_name(t) : NULL;
	int yes = s && sqlite3_stricmp(s, name) == 0;

	free(s);
	return yes;
}

/* Is `sql` PRAGMA [schema.]`pragma`? `c` is left after the name. */
static int pragma_named(const char *sql, const char *pragma, sqlcur *c)
{
	sqltok name;

	retort_sqlcur_init(c, sql);
	if (!retort_sqlcur_accept(c, "PRAGMA"))
		return 0;
	name = c->tok;
	retort_sqlcur_advance(c);
	if (c->tok.type == TK_OP && c->tok.n == 1 && *c->tok.z == '.') {
		retort_sqlcur_advance(c); /* "schema." came first */
		name = c->tok;
		retort_sqlcur_advance(c);
	}
	return names(&name, pragma);
}

/* ---- writable_schema windows ------------------------------------------- */

/* Does `sql` start CREATE [TEMP] TABLE (not a virtual table)? */
static int creates_table(const char *sql)
{
	sqlcur c;

	retort_sqlcur_init(&c, sql ? sql : "");
	if (!retort_sqlcur_accept(&c, "CREATE"))
		return 0;
	if (!retort_sqlcur_accept(&c, "TEMP"))
		retort_sqlcur_accept(&c, "TEMPORARY");
	return retort_sqlcur_is(&c, "TABLE");
}

/* Is `name` VTAB_suffix for one of the first `n` names of `l`? */
static int vtab_prefixed(const str_list *l, size_t n, const char *name)
{
	size_t i;

	for (i = 0; name && i < n; i++) {
		size_t len = strlen(l->v[i]);
		if (sqlite3_strnicmp(name, l->v[i], (int)len) == 0 && name[len] == '_')
			return 1;
	}
	return 0;
}

/* Is table `name` of `schema` a shadow table, by SQLite's own rule (the
** module names its suffixes)? Asked of that table alone: listing every
** table would connect every virtual table. */
static int is_shadow(sqlite3 *db, const char *schema, const char *name)
{
	sqlite3_stmt *st = NULL;
	int yes = sqlite3_prepare_v2(db, "SELECT 1 FROM pragma_table_list(?1)"
		" WHERE schema = ?2 AND type = 'shadow'", -1, &st, NULL) == SQLITE_OK &&
		sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC) == SQLITE_OK &&
		sqlite3_bind_text(st, 2, schema, -1, SQLITE_STATIC) == SQLITE_OK &&
		sqlite3_step(st) == SQLITE_ROW;

	sqlite3_finalize(st);
	return yes;
}

/*
** sqlite_schema's rows (main and temp) as text, and in `guard` the virtual
** tables and their shadow tables: every column of every row, but the
** definitions of other tables, which a window may change.
*/
static int schema_rows(sqlite3 *db, retort_buf *out, str_list *guard)
{
	sqlite3_stmt *st = NULL;
	size_t nvirt = 0;
	int pass, rc = sqlite3_prepare_v2(db, "SELECT type, name, tbl_name, rootpage, sql, 'main'"
		" FROM main.sqlite_schema UNION ALL SELECT type, name, tbl_name, rootpage, sql,"
		" 'temp' FROM temp.sqlite_schema ORDER BY 6, 1, 2", -1, &st, NULL);

	for (pass = 0; pass < 2 && rc == SQLITE_OK; pass++) {
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			const char *type = (const char *)sqlite3_column_text(st, 0);
			const char *name = (const char *)sqlite3_column_text(st, 1);
			const char *sql = (const char *)sqlite3_column_text(st, 4);
			const char *schema = (const char *)sqlite3_column_text(st, 5);
			int table = type && strcmp(type, "table") == 0, sealed = !table;
			if (table && !creates_table(sql))
				sealed = pass == 0 ? 2 : 1; /* virtual */
			else if (table && pass == 1 && vtab_prefixed(guard, nvirt, name) &&
			    is_shadow(db, schema, name))
				sealed = 2;
			if (sealed == 2 && name && retort_str_list_push(guard, name))
				rc = SQLITE_NOMEM;
			if (rc != SQLITE_ROW)
				break;
			if (pass == 0)
				continue;
			retort_buf_puts(out, schema);
			retort_buf_putc(out, ' ');
			retort_buf_literal(out, type ? type : "");
			retort_buf_putc(out, ' ');
			retort_buf_literal(out, name ? name : "");
			retort_buf_putc(out, ' ');
			retort_buf_literal(out, (const char *)sqlite3_column_text(st, 2));
			retort_buf_printf(out, " %lld ", (long long)sqlite3_column_int64(st, 3));
			retort_buf_literal(out, sealed && sql ? sql : "");
			retort_buf_putc(out, '\n');
		}
		rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
		nvirt = guard->n;
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return rc != SQLITE_OK ? rc : retort_buf_oom(out) ? SQLITE_NOMEM : SQLITE_OK;
}

/* The reason for a refusal: one %s, `arg`. */
static void say(retort_scratch_run *r, const char *fmt, const char *arg)
{
	sqlite3_snprintf((int)sizeof(r->why), r->why, fmt, arg);
}

/*
** The seal inside a window, where SQLite's defensive mode is off: nothing
** touches a virtual table or its shadow tables (their rows are read by the
** module's C code as it wrote them), nor makes or drops one, nor sets the
** schema cookie (which defensive mode makes a no-op).
*/
static int window_seal(void *ctx, int action, const char *a1, const char *a2,
	const char *db, const char *inner)
{
	retort_scratch_run *r = ctx;
	const char *table = NULL;
	int rc = seal(NULL, action, a1, a2, db, inner);

	if (rc != SQLITE_OK)
		return rc;
	switch (action) {
	case SQLITE_INSERT: case SQLITE_UPDATE: case SQLITE_DELETE:
	case SQLITE_CREATE_TABLE: case SQLITE_CREATE_TEMP_TABLE:
	case SQLITE_DROP_TABLE: case SQLITE_DROP_TEMP_TABLE:
		table = a1;
		break;
	case SQLITE_CREATE_INDEX: case SQLITE_CREATE_TEMP_INDEX:
	case SQLITE_DROP_INDEX: case SQLITE_DROP_TEMP_INDEX:
	case SQLITE_CREATE_TRIGGER: case SQLITE_CREATE_TEMP_TRIGGER:
	case SQLITE_DROP_TRIGGER: case SQLITE_DROP_TEMP_TRIGGER:
	case SQLITE_ALTER_TABLE:
		table = a2;
		break;
	case SQLITE_CREATE_VTABLE: case SQLITE_DROP_VTABLE:
		say(r, "a virtual table cannot be made or dropped while PRAGMA "
			"writable_schema is on", NULL);
		return SQLITE_DENY;
	case SQLITE_PRAGMA:
		if (a2 && sqlite3_stricmp(a1, "schema_version") == 0) {
			say(r, "PRAGMA schema_version cannot be set", NULL);
			return SQLITE_DENY;
		}
		break;
	}
	if (table && retort_str_list_has_nocase(&r->guard, table)) {
		say(r, "'%s' is a virtual table or may be one's shadow table: while PRAGMA "
			"writable_schema is on, only ordinary tables and sqlite_schema may be "
			"changed", table);
		return SQLITE_DENY;
	}
	return SQLITE_OK;
}

void retort_scratch_run_init(retort_scratch_run *r, sqlite3 *db)
{
	memset(r, 0, sizeof(*r));
	r->db = db;
	retort_buf_init(&r->before);
}

static int writable_schema_on(sqlite3 *db)
{
	sqlite3_stmt *st = NULL;
	int on = sqlite3_prepare_v2(db, "PRAGMA writable_schema", -1, &st, NULL) == SQLITE_OK &&
		sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) != 0;

	sqlite3_finalize(st);
	return on;
}

/* The window ends: sealed again, and sqlite_schema changed as allowed? */
static int close_window(retort_scratch_run *r)
{
	retort_buf after = RETORT_BUF_INIT;
	str_list guard = { NULL, 0, 0 };
	int rc;

	r->open = 0;
	sqlite3_db_config(r->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_set_authorizer(r->db, seal, NULL);
	rc = schema_rows(r->db, &after, &guard);
	if (rc == SQLITE_OK && strcmp(after.ptr, r->before.ptr) != 0) {
		say(r, "while PRAGMA writable_schema was on, sqlite_schema changed more than "
			"ordinary tables' definitions (a row added, removed or renamed, a root "
			"page, a virtual table or its shadow tables): refused", NULL);
		rc = SQLITE_AUTH;
	} else if (rc != SQLITE_OK) {
		say(r, "after PRAGMA writable_schema: %s", sqlite3_errmsg(r->db));
	}
	retort_buf_release(&after);
	retort_str_list_release(&guard);
	retort_buf_clear(&r->before);
	retort_str_list_release(&r->guard);
	return rc;
}

static int open_window(retort_scratch_run *r)
{
	int rc = schema_rows(r->db, &r->before, &r->guard);

	if (rc != SQLITE_OK) {
		say(r, "PRAGMA writable_schema: %s", sqlite3_errmsg(r->db));
		sqlite3_exec(r->db, "PRAGMA writable_schema = RESET", NULL, NULL, NULL);
		sqlite3_db_config(r->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
		retort_buf_clear(&r->before);
		retort_str_list_release(&r->guard);
		return rc;
	}
	r->open = 1;
	sqlite3_set_authorizer(r->db, window_seal, r);
	return SQLITE_OK;
}

int retort_scratch_run_step(retort_scratch_run *r, const char *sql, const char **tail,
	const char **why)
{
	sqlite3_stmt *st = NULL;
	sqlcur c;
	int rc, sets = pragma_named(sql, "writable_schema", &c) &&
		(c.tok.type == TK_LP || (c.tok.type == TK_OP && c.tok.n == 1 && *c.tok.z == '='));

	r->why[0] = '\0';
	*tail = NULL;
	/* under defensive mode SQLite ignores writable_schema = ON */
	if (sets && !r->open)
		sqlite3_db_config(r->db, SQLITE_DBCONFIG_DEFENSIVE, 0, NULL);
	rc = sqlite3_prepare_v2(r->db, sql, -1, &st, tail);
	if (rc == SQLITE_OK && st) {
		while ((rc = sqlite3_step(st)) == SQLITE_ROW)
			;
		rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
	}
	if (rc != SQLITE_OK && !r->why[0])
		say(r, "%s", sqlite3_errmsg(r->db));
	sqlite3_finalize(st);
	if (sets && rc == SQLITE_OK) {
		int on = writable_schema_on(r->db);
		if (on && !r->open)
			rc = open_window(r);
		else if (!on && r->open)
			rc = close_window(r);
	}
	if (sets && !r->open)
		sqlite3_db_config(r->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	*why = r->why;
	return rc;
}

int retort_scratch_run_end(retort_scratch_run *r, const char **why)
{
	int rc = SQLITE_OK;

	r->why[0] = '\0';
	if (r->open) {
		sqlite3_exec(r->db, "PRAGMA writable_schema = RESET", NULL, NULL, NULL);
		rc = close_window(r);
	}
	*why = r->why;
	retort_buf_release(&r->before);
	return rc;
}

/*
** Does `sql` begin, commit or roll back a transaction? The engine owns the
** transaction: a revision that ended it would commit part of itself without
** its version-table update, or roll back and let the update run alone.
*/
static int controls_transaction(const char *sql)
{
	sqlcur c;

	retort_sqlcur_init(&c, sql);
	if (retort_sqlcur_is(&c, "BEGIN") || retort_sqlcur_is(&c, "COMMIT") || retort_sqlcur_is(&c, "END"))
		return 1;
	if (!retort_sqlcur_accept(&c, "ROLLBACK"))
		return 0;
	retort_sqlcur_accept(&c, "TRANSACTION");
	return !retort_sqlcur_is(&c, "TO"); /* ROLLBACK TO a savepoint stays inside */
}

const char *retort_scratch_refusal(const char *sql, int allow_attach)
{
	sqlcur c;

	if (controls_transaction(sql))
		return "a revision cannot begin or end a transaction: retort runs each "
			"revision in its own";
	retort_sqlcur_init(&c, sql);
	/* no SQL starts so, and the sqlite3 shell runs such a line between
	** statements as a dot-command: a --sql script would run `.shell ...` */
	if (c.tok.type != TK_EOF && *c.tok.z == '.')
		return "a statement cannot start with '.': the sqlite3 shell would run it as a "
			"dot-command from a --sql script";
	if (retort_sqlcur_is(&c, "ATTACH") && !allow_attach)
		return "ATTACH reaches outside the database being migrated: refused "
			"unless upgrade or downgrade is given --allow-attach";
	if (retort_sqlcur_accept(&c, "VACUUM")) {
		if (!retort_sqlcur_is(&c, "INTO"))
			retort_sqlcur_advance(&c); /* the schema's name */
		if (retort_sqlcur_is(&c, "INTO") && !allow_attach)
			return "VACUUM INTO writes a file outside the database being migrated: "
				"refused unless upgrade or downgrade is given --allow-attach";
		return NULL;
	}
	return pragma_named(sql, "journal_mode", &c) ? "PRAGMA journal_mode has no effect "
		"inside a revision's transaction: set the journal mode outside retort" : NULL;
}
