/*
** scratch.c: one sealed opener for every in-memory database that replays
** untrusted SQL, and the statements a revision may not run (see
** docs/operations.md, "Running retort on untrusted files").
*/
#include "scratch.h"
#include "sqltok.h"

#include <stdlib.h>

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
** SQLITE_DBCONFIG_DEFENSIVE is off: a revision that changes a table in place
** edits its definition with writable_schema, and the chain must replay here
** as it runs on a file (what the seal keeps from a file is the file: a
** database in memory has none to damage).
** SQLITE_DBCONFIG_TRUSTED_SCHEMA stays on, though: the statements that
** build a scratch schema can call any function themselves, so distrusting
** the schema guards nothing the authorizer does not, and SQLite 3.40 would
** then refuse json_extract() in a model's generated column, index or view.
*/
int scratch_open(sqlite3 **out, retort_error **err)
{
	sqlite3 *db = NULL;
	int rc;

	*out = NULL;
	rc = sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, NULL);
	if (rc != SQLITE_OK) {
		sqlite3_close(db);
		return rc == SQLITE_NOMEM ? error_oom(err) :
			error_set(err, RETORT_EDB, "cannot open an in-memory database: %s",
				sqlite3_errstr(rc));
	}
	sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, 0);
	sqlite3_set_authorizer(db, seal, NULL);
	*out = db;
	return 0;
}

void scratch_watch_set(sqlite3 *db, scratch_watch *w)
{
	sqlite3_set_authorizer(db, seal, w);
}

/* Is the token the name `name` (any quoting, any case)? */
static int names(const sqltok *t, const char *name)
{
	char *s = sqltok_is_name(t) ? sqltok_name(t) : NULL;
	int yes = s && sqlite3_stricmp(s, name) == 0;

	free(s);
	return yes;
}

/*
** Does `sql` begin, commit or roll back a transaction? The engine owns the
** transaction: a revision that ended it would commit part of itself without
** its version-table update, or roll back and let the update run alone.
*/
static int controls_transaction(const char *sql)
{
	sqlcur c;

	sqlcur_init(&c, sql);
	if (sqlcur_is(&c, "BEGIN") || sqlcur_is(&c, "COMMIT") || sqlcur_is(&c, "END"))
		return 1;
	if (!sqlcur_accept(&c, "ROLLBACK"))
		return 0;
	sqlcur_accept(&c, "TRANSACTION");
	return !sqlcur_is(&c, "TO"); /* ROLLBACK TO a savepoint stays inside */
}

const char *scratch_refusal(const char *sql, int allow_attach)
{
	sqlcur c;
	sqltok name;

	if (controls_transaction(sql))
		return "a revision cannot begin or end a transaction: retort runs each "
			"revision in its own";
	sqlcur_init(&c, sql);
	/* no SQL starts so, and the sqlite3 shell runs such a line between
	** statements as a dot-command: a --sql script would run `.shell ...` */
	if (c.tok.type != TK_EOF && *c.tok.z == '.')
		return "a statement cannot start with '.': the sqlite3 shell would run it as a "
			"dot-command from a --sql script";
	if (sqlcur_is(&c, "ATTACH") && !allow_attach)
		return "ATTACH reaches outside the database being migrated: refused "
			"unless upgrade or downgrade is given --allow-attach";
	if (sqlcur_accept(&c, "VACUUM")) {
		if (!sqlcur_is(&c, "INTO"))
			sqlcur_advance(&c); /* the schema's name */
		if (sqlcur_is(&c, "INTO") && !allow_attach)
			return "VACUUM INTO writes a file outside the database being migrated: "
				"refused unless upgrade or downgrade is given --allow-attach";
		return NULL;
	}
	if (!sqlcur_accept(&c, "PRAGMA"))
		return NULL;
	name = c.tok;
	sqlcur_advance(&c);
	if (c.tok.type == TK_OP && c.tok.n == 1 && *c.tok.z == '.') {
		sqlcur_advance(&c); /* "schema." came first */
		name = c.tok;
	}
	return names(&name, "journal_mode") ? "PRAGMA journal_mode has no effect inside "
		"a revision's transaction: set the journal mode outside retort" : NULL;
}
