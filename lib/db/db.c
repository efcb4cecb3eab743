/*
** db/db.c: the connection interface's calls, each forwarded to the
** connection's backend, and which backend a URL names. The mapping of a
** failure to a retort_error is in db/dberror.c, which the backends call too:
** this file calls them, so they must not call it.
*/
#include "db/db.h"
#include "db/dqlite.h"
#include "db/dqlite_wire.h"
#include "db/sqlite.h"
#include "error.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/*
** The backends by URL scheme. The local file is the first: it takes every
** URL no other backend names (plain paths, sqlite://, sqlite+DRIVER://),
** and refuses the ones it cannot read as a file.
*/
static const struct backend {
	const char *scheme;
	retort_db_open_fn open;
} backends[] = {
	{ "sqlite", retort_db_sqlite_open },
	{ "dqlite", retort_db_dqlite_open },
};

static const struct backend *backend_for(const char *url)
{
	const char *sep = url ? strstr(url, "://") : NULL;
	size_t i, n = sep ? (size_t)(sep - url) : 0;

	for (i = 1; sep && i < sizeof(backends) / sizeof(backends[0]); i++)
		if (strlen(backends[i].scheme) == n && strncasecmp(url, backends[i].scheme, n) == 0)
			return &backends[i];
	return &backends[0];
}

int retort_db_url_resolve(char **out, const char *url, const char *base_dir,
	retort_buf *why)
{
	if (backend_for(url) == &backends[0])
		return retort_db_sqlite_url_path(out, url, base_dir, why);
	/* a cluster's URL names no file: it stays as written, its form checked now */
	if (retort_dqlite_is_url(url)) {
		retort_error *e = NULL;
		int rc = retort_dqlite_url_check(url, &e);
		if (rc < 0) {
			retort_buf_puts(why, e ? e->message : "out of memory");
			retort_error_free(e);
			return rc;
		}
	}
	*out = retort_xstrdup(url);
	if (*out)
		return 0;
	retort_buf_puts(why, "out of memory");
	return RETORT_ERROR;
}

int retort_db_url_check(char **out, const char *url, const char *base_dir, retort_error **err)
{
	retort_buf why = RETORT_BUF_INIT;
	int rc = retort_db_url_resolve(out, url, base_dir, &why);

	if (rc < 0)
		retort_error_set(err, rc, "%s", retort_buf_oom(&why) ? "out of memory" : why.ptr);
	retort_buf_release(&why);
	return rc;
}

int retort_db_url_is_file(const char *url)
{
	return backend_for(url) == &backends[0];
}

int retort_db_open_live(retort_db **out, const char *url, const char *base_dir, unsigned how,
	retort_db_wait *wait, int *recovered, retort_error **err)
{
	*out = NULL;
	if (recovered)
		*recovered = 0;
	return backend_for(url)->open(out, url, base_dir, how, wait, recovered, err);
}

int retort_db_open(retort_db **out, const char *url, unsigned flags, retort_error **err)
{
	int rc = retort_db_open_live(out, url, NULL, flags & (RETORT_DB_WRITE | RETORT_DB_CREATE),
		NULL, NULL, err);

	/* a command reads a missing file as a database at base; an app asked
	** for a database */
	if (!rc && !*out)
		rc = retort_error_set(err, RETORT_ENOTFOUND, "database '%s' does not exist", url);
	return rc;
}

void retort_db_free(retort_db *db)
{
	if (db)
		db->methods->close(db);
}

/* ---- forwarding -------------------------------------------------------- */

int retort_db_prepare(retort_db *db, retort_db_stmt **out, const char *sql, const char **tail)
{
	return db->methods->prepare(db, out, sql, tail);
}

int retort_db_bind_text(retort_db_stmt *st, int i, const char *text)
{
	return st->db->methods->bind_text(st, i, text);
}

int retort_db_bind_int64(retort_db_stmt *st, int i, sqlite3_int64 v)
{
	return st->db->methods->bind_int64(st, i, v);
}

int retort_db_bind_null(retort_db_stmt *st, int i)
{
	return st->db->methods->bind_null(st, i);
}

int retort_db_step(retort_db_stmt *st)
{
	return st->db->methods->step(st);
}

int retort_db_reset(retort_db_stmt *st)
{
	return st->db->methods->reset(st);
}

void retort_db_finalize(retort_db_stmt *st)
{
	if (st)
		st->db->methods->finalize(st);
}

int retort_db_column_count(retort_db_stmt *st)
{
	return st->db->methods->column_count(st);
}

int retort_db_column_type(retort_db_stmt *st, int i)
{
	return st->db->methods->column_type(st, i);
}

sqlite3_int64 retort_db_column_int64(retort_db_stmt *st, int i)
{
	return st->db->methods->column_int64(st, i);
}

int retort_db_column_int(retort_db_stmt *st, int i)
{
	return (int)st->db->methods->column_int64(st, i);
}

double retort_db_column_double(retort_db_stmt *st, int i)
{
	return st->db->methods->column_double(st, i);
}

const char *retort_db_column_text(retort_db_stmt *st, int i)
{
	return st->db->methods->column_text(st, i);
}

const char *retort_db_column_str(retort_db_stmt *st, int i)
{
	const char *t = retort_db_column_text(st, i);

	return t ? t : "";
}

const char *retort_db_column_name(retort_db_stmt *st, int i)
{
	return st->db->methods->column_name(st, i);
}

int retort_db_stmt_readonly(retort_db_stmt *st)
{
	return st->db->methods->stmt_readonly(st);
}

int retort_db_exec(retort_db *db, const char *sql)
{
	return db->methods->exec(db, sql);
}

void retort_db_interrupt(retort_db *db)
{
	db->methods->interrupt(db);
}

int retort_db_in_transaction(retort_db *db)
{
	return db->methods->in_transaction(db);
}

const char *retort_db_errmsg(retort_db *db)
{
	return db->methods->errmsg(db);
}

int retort_db_error_offset(retort_db *db)
{
	return db->methods->error_offset(db);
}

int retort_db_readonly(retort_db *db)
{
	return db->methods->readonly(db);
}

const char *retort_db_location(const retort_db *db)
{
	return db->location ? db->location : "";
}

const char *retort_db_backend(const retort_db *db)
{
	return db->methods->name;
}

/* ---- the optional ones ------------------------------------------------- */

int retort_db_lost(retort_db *db)
{
	return db && db->methods->lost ? db->methods->lost(db) : 0;
}

int retort_db_can(const retort_db *db, unsigned what)
{
	const retort_db_methods *m = db->methods;

	return !((what & RETORT_DB_CAN_BACKUP && !m->backup) ||
		(what & RETORT_DB_CAN_ROW_HOOK && !m->row_hook) ||
		(what & RETORT_DB_CAN_TICK_HOOK && !m->tick_hook) ||
		(what & RETORT_DB_CAN_BUSY_WAIT && !m->busy_wait));
}

int retort_db_backup(retort_db *db, const char *path, retort_db_tick_fn tick, void *ctx,
	char **why)
{
	*why = NULL;
	if (!db->methods->backup)
		return SQLITE_MISUSE;
	return db->methods->backup(db, path, tick, ctx, why);
}

void retort_db_row_hook(retort_db *db, retort_db_row_fn fn, void *ctx)
{
	if (db->methods->row_hook)
		db->methods->row_hook(db, fn, ctx);
}

void retort_db_tick_hook(retort_db *db, int n, retort_db_tick_fn fn, void *ctx)
{
	if (db->methods->tick_hook)
		db->methods->tick_hook(db, n, fn, ctx);
}

void retort_db_busy_wait(retort_db *db, retort_db_wait *w, int ms)
{
	if (db->methods->busy_wait)
		db->methods->busy_wait(db, w, ms);
}

sqlite3 *retort_db_sqlite_handle(retort_db *db)
{
	return db && db->methods->sqlite_handle ? db->methods->sqlite_handle(db) : NULL;
}

int retort_db_query_int64(retort_db *db, const char *sql, sqlite3_int64 *out)
{
	retort_db_stmt *st = NULL;
	int rc = retort_db_prepare(db, &st, sql, NULL);

	if (rc == SQLITE_OK && st && (rc = retort_db_step(st)) == SQLITE_ROW) {
		*out = retort_db_column_int64(st, 0);
		rc = SQLITE_OK;
	}
	retort_db_finalize(st);
	return rc;
}
