/*
** db/dqlite.c: the dqlite backend (see dqlite.h): the connection
** interface's operations as requests of the wire client.
*/
#include "db/dqlite.h"

#include "buf.h"
#include "db/dqlite_wire.h"
#include "db/dbopen.h"
#include "error.h"
#include "sqltok.h"

#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct dq_db {
	retort_db base;
	retort_dqlite *conn;
	char *errmsg;          /* the last failure's message (owned), "" */
	int in_txn;            /* inside BEGIN..COMMIT, as the statements sent tell */
	int txn_unsure;        /* a failure inside it: the server may have ended it */
	atomic_int interrupted;
	retort_db_wait *wait;  /* the run's shared budget, or NULL */
	int wait_ms;           /* without one: per statement (< 0: none) */
} dq_db;

typedef struct dq_stmt {
	retort_db_stmt base;
	char *sql;             /* this statement alone */
	int query;             /* read rows (QUERY_SQL), else run (EXEC_SQL) */
	int ran;               /* sent since prepare or reset */
	retort_dqlite_value *params;
	int nparams;
	/* a query's rows, read whole: nrows * ncol values, text and blobs in `arena` */
	int ncol;
	char **names;
	retort_dqlite_value *vals;
	size_t nrows;
	size_t cap;
	size_t row;            /* 1-based current row; 0 before the first */
	retort_buf arena;
	char (*numtext)[32];   /* column_text of a number, per column of the current row */
} dq_stmt;

static const char empty[] = "";

/* ---- failures ---- */

/* Keep the message of `e` (consumed) on the connection; SQLite's code for it. */
static int dq_fail(dq_db *d, retort_error *e)
{
	int rc;
	free(d->errmsg);
	d->errmsg = retort_xstrdup(e && e->message ? e->message : "dqlite: failed");
	if (retort_dqlite_lost(d->conn))
		rc = RETORT_DB_LOST;
	else if (retort_dqlite_errcode(d->conn))
		rc = retort_dqlite_errcode(d->conn);
	else
		rc = e && e->code == RETORT_ERROR ? SQLITE_NOMEM : SQLITE_ERROR;
	retort_error_free(e);
	if (d->in_txn)
		d->txn_unsure = 1;
	return rc;
}

static int dq_interrupted(dq_db *d)
{
	if (!atomic_exchange(&d->interrupted, 0))
		return 0;
	free(d->errmsg);
	d->errmsg = retort_xstrdup("interrupted");
	return 1;
}

/* ---- what a statement is ---- */

/*
** Whether the statement reads rows: SELECT, VALUES, EXPLAIN, WITH whose
** statement is a SELECT, a PRAGMA that sets nothing. Everything else is run.
*/
static int reads_rows(const char *sql)
{
	sqlcur c;
	int depth = 0;
	retort_sqlcur_init(&c, sql);
	if (retort_sqlcur_is(&c, "SELECT") || retort_sqlcur_is(&c, "VALUES") || retort_sqlcur_is(&c, "EXPLAIN"))
		return 1;
	if (retort_sqlcur_accept(&c, "PRAGMA")) {
		for (; c.tok.type != TK_EOF && c.tok.type != TK_SEMI; retort_sqlcur_advance(&c))
			if (c.tok.type == TK_OP && c.tok.n == 1 && c.tok.z[0] == '=')
				return 0;
		return 1;
	}
	if (!retort_sqlcur_accept(&c, "WITH"))
		return 0;
	/* the statement's own verb is the first one outside the CTEs' parentheses */
	for (; c.tok.type != TK_EOF && c.tok.type != TK_SEMI; retort_sqlcur_advance(&c)) {
		depth += c.tok.type == TK_LP ? 1 : c.tok.type == TK_RP ? -1 : 0;
		if (depth == 0 && (retort_sqlcur_is(&c, "SELECT") || retort_sqlcur_is(&c, "VALUES")))
			return 1;
		if (depth == 0 && (retort_sqlcur_is(&c, "INSERT") || retort_sqlcur_is(&c, "UPDATE")
				|| retort_sqlcur_is(&c, "DELETE") || retort_sqlcur_is(&c, "REPLACE")))
			return 0;
	}
	return 0;
}

/* Follow BEGIN/COMMIT/END/ROLLBACK (not ROLLBACK TO) among the statements of `sql`, all run. */
static void note_txn(dq_db *d, const char *sql)
{
	while (sql && *sql) {
		sqlcur c;
		retort_sqlcur_init(&c, sql);
		if (retort_sqlcur_accept(&c, "BEGIN"))
			d->in_txn = 1;
		else if (retort_sqlcur_accept(&c, "COMMIT") || retort_sqlcur_accept(&c, "END"))
			d->in_txn = 0;
		else if (retort_sqlcur_accept(&c, "ROLLBACK")) {
			retort_sqlcur_accept(&c, "TRANSACTION");
			if (!retort_sqlcur_is(&c, "TO"))
				d->in_txn = 0;
		}
		sql = retort_sql_statement_end(sql);
	}
}

/* ---- sending, with the busy wait ---- */

static long long mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/*
** Whether to send a statement answered SQLITE_BUSY again: after a pause,
** while the run's budget (or this statement's `ms`) lasts.
*/
static int busy_again(dq_db *d, long long started_ns, int attempt)
{
	long long pause_ns = (attempt < 10 ? attempt + 1 : 10) * 5000000LL;
	if (d->wait) {
		if (d->wait->spent_ns + pause_ns > (long long)d->wait->budget_ms * 1000000LL)
			return 0;
		d->wait->spent_ns += pause_ns;
	} else if (d->wait_ms < 0 || mono_ns() - started_ns + pause_ns > d->wait_ms * 1000000LL) {
		return 0;
	}
	struct timespec ts = { 0, pause_ns };
	nanosleep(&ts, NULL);
	return 1;
}

static int is_busy(int rc)
{
	return (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED;
}

/* Run `sql` (every statement) with `params` bound to the first. */
static int dq_run(dq_db *d, const char *sql, const retort_dqlite_value *params, int nparams)
{
	long long started = mono_ns();
	int rc;
	if (dq_interrupted(d))
		return SQLITE_INTERRUPT;
	for (int attempt = 0;; attempt++) {
		retort_error *e = NULL;
		rc = retort_dqlite_exec(d->conn, sql, params, nparams, NULL, NULL, &e) < 0
			? dq_fail(d, e) : SQLITE_OK;
		if (!is_busy(rc) || !busy_again(d, started, attempt))
			break;
	}
	/* on failure only the statements before the failing one ran: follow those */
	if (rc == SQLITE_OK)
		note_txn(d, sql);
	return rc;
}

/* ---- statements ---- */

static void stmt_clear_rows(dq_stmt *s)
{
	s->nrows = 0;
	s->row = 0;
	retort_buf_clear(&s->arena);
}

/* Read every row of the query `s` into it. */
static int stmt_read_rows(dq_stmt *s)
{
	dq_db *d = (dq_db *)s->base.db;
	retort_error *e = NULL;
	int rc;
	long long started = mono_ns();
	for (int attempt = 0;; attempt++) {
		if (retort_dqlite_query(d->conn, s->sql, s->params, s->nparams, &e) == 0)
			break;
		rc = dq_fail(d, e);
		e = NULL;
		if (!is_busy(rc) || !busy_again(d, started, attempt))
			return rc;
	}
	int ncol = retort_dqlite_column_count(d->conn);
	if (ncol != s->ncol) {
		for (int i = 0; i < s->ncol; i++)
			free(s->names[i]);
		free(s->names);
		free(s->numtext);
		s->ncol = 0;
		s->names = calloc((size_t)ncol + 1, sizeof *s->names);
		s->numtext = calloc((size_t)ncol + 1, sizeof *s->numtext);
		if (!s->names || !s->numtext) {
			retort_dqlite_interrupt(d->conn, NULL);
			return SQLITE_NOMEM;
		}
		s->ncol = ncol;
		for (int i = 0; i < ncol; i++)
			if (!(s->names[i] = retort_xstrdup(retort_dqlite_column_name(d->conn, i)))) {
				retort_dqlite_interrupt(d->conn, NULL);
				return SQLITE_NOMEM;
			}
	}
	/* text and blobs go into the arena by offset (it moves as it grows) */
	while ((rc = retort_dqlite_next(d->conn, &e)) == 1) {
		if ((s->nrows + 1) * (size_t)ncol > s->cap) {
			size_t cap = s->cap ? s->cap * 2 : (size_t)ncol * 16;
			while (cap < (s->nrows + 1) * (size_t)ncol)
				cap *= 2;
			retort_dqlite_value *v = realloc(s->vals, cap * sizeof *v);
			if (!v) {
				retort_dqlite_interrupt(d->conn, NULL);
				return SQLITE_NOMEM;
			}
			s->vals = v;
			s->cap = cap;
		}
		for (int i = 0; i < ncol; i++) {
			retort_dqlite_value *v = &s->vals[s->nrows * (size_t)ncol + (size_t)i];
			*v = *retort_dqlite_column(d->conn, i);
			if (v->type == SQLITE_TEXT || v->type == SQLITE_BLOB) {
				size_t at = s->arena.len;
				retort_buf_put(&s->arena, v->p, v->n);
				retort_buf_putc(&s->arena, '\0');
				v->p = (const char *)(uintptr_t)at;
			}
		}
		s->nrows++;
	}
	if (rc < 0)
		return dq_fail(d, e);
	if (retort_buf_oom(&s->arena))
		return SQLITE_NOMEM;
	for (size_t k = 0; k < s->nrows * (size_t)ncol; k++)
		if (s->vals[k].type == SQLITE_TEXT || s->vals[k].type == SQLITE_BLOB)
			s->vals[k].p = s->arena.ptr + (uintptr_t)s->vals[k].p;
	return SQLITE_OK;
}

static int dq_prepare(retort_db *db, retort_db_stmt **out, const char *sql, const char **tail)
{
	const char *end = retort_sql_statement_end(sql);
	const char *stop = end ? end : sql + strlen(sql);
	sqlcur c;
	*out = NULL;
	if (tail)
		*tail = stop;
	retort_sqlcur_init(&c, sql);
	if (c.tok.type == TK_EOF || c.tok.z >= stop || c.tok.type == TK_SEMI)
		return SQLITE_OK;
	dq_stmt *s = calloc(1, sizeof *s);
	if (!s || !(s->sql = retort_xstrndup(sql, (size_t)(stop - sql)))) {
		free(s);
		return SQLITE_NOMEM;
	}
	s->base.db = db;
	s->query = reads_rows(s->sql);
	retort_buf_init(&s->arena);
	*out = &s->base;
	return SQLITE_OK;
}

/* The slot of parameter `i` (1-based), grown as needed, its old text freed. */
static retort_dqlite_value *param_slot(dq_stmt *s, int i)
{
	if (i < 1 || i > 255)
		return NULL;
	if (i > s->nparams) {
		retort_dqlite_value *p = realloc(s->params, (size_t)i * sizeof *p);
		if (!p)
			return NULL;
		for (int k = s->nparams; k < i; k++)
			p[k] = (retort_dqlite_value){ .type = SQLITE_NULL };
		s->params = p;
		s->nparams = i;
	}
	retort_dqlite_value *v = &s->params[i - 1];
	if (v->type == SQLITE_TEXT)
		free((char *)v->p);
	*v = (retort_dqlite_value){ .type = SQLITE_NULL };
	return v;
}

static int dq_bind_text(retort_db_stmt *st, int i, const char *text)
{
	retort_dqlite_value *v = param_slot((dq_stmt *)st, i);
	if (!v)
		return SQLITE_RANGE;
	if (!text)
		return SQLITE_OK;
	if (!(v->p = retort_xstrdup(text)))
		return SQLITE_NOMEM;
	v->type = SQLITE_TEXT;
	v->n = strlen(text);
	return SQLITE_OK;
}

static int dq_bind_int64(retort_db_stmt *st, int i, sqlite3_int64 val)
{
	retort_dqlite_value *v = param_slot((dq_stmt *)st, i);
	if (!v)
		return SQLITE_RANGE;
	v->type = SQLITE_INTEGER;
	v->i = val;
	return SQLITE_OK;
}

static int dq_bind_null(retort_db_stmt *st, int i)
{
	return param_slot((dq_stmt *)st, i) ? SQLITE_OK : SQLITE_RANGE;
}

static int dq_step(retort_db_stmt *st)
{
	dq_stmt *s = (dq_stmt *)st;
	dq_db *d = (dq_db *)st->db;
	if (!s->ran) {
		int rc;
		if (!s->query)
			rc = dq_run(d, s->sql, s->params, s->nparams);
		else if (dq_interrupted(d))
			rc = SQLITE_INTERRUPT;
		else
			rc = stmt_read_rows(s);
		if (rc != SQLITE_OK)
			return rc;
		s->ran = 1;
	}
	if (s->query && s->row < s->nrows) {
		s->row++;
		return SQLITE_ROW;
	}
	return SQLITE_DONE;
}

static int dq_reset(retort_db_stmt *st)
{
	dq_stmt *s = (dq_stmt *)st;
	s->ran = 0;
	stmt_clear_rows(s);
	return SQLITE_OK;
}

static void dq_finalize(retort_db_stmt *st)
{
	dq_stmt *s = (dq_stmt *)st;
	for (int i = 0; i < s->nparams; i++)
		if (s->params[i].type == SQLITE_TEXT)
			free((char *)s->params[i].p);
	for (int i = 0; i < s->ncol; i++)
		free(s->names[i]);
	free(s->names);
	free(s->numtext);
	free(s->params);
	free(s->vals);
	retort_buf_release(&s->arena);
	free(s->sql);
	free(s);
}

static int dq_column_count(retort_db_stmt *st)
{
	dq_stmt *s = (dq_stmt *)st;
	return s->query && s->ran ? s->ncol : 0;
}

/* The current row's value `i`, or NULL. */
static const retort_dqlite_value *cell(retort_db_stmt *st, int i)
{
	dq_stmt *s = (dq_stmt *)st;
	if (s->row == 0 || s->row > s->nrows || i < 0 || i >= s->ncol)
		return NULL;
	return &s->vals[(s->row - 1) * (size_t)s->ncol + (size_t)i];
}

static int dq_column_type(retort_db_stmt *st, int i)
{
	const retort_dqlite_value *v = cell(st, i);
	return v ? v->type : SQLITE_NULL;
}

/* As SQLite converts: a number's text, and a text's leading number. */
static sqlite3_int64 dq_column_int64(retort_db_stmt *st, int i)
{
	const retort_dqlite_value *v = cell(st, i);
	if (!v)
		return 0;
	if (v->type == SQLITE_INTEGER)
		return v->i;
	if (v->type == SQLITE_FLOAT)
		return (sqlite3_int64)v->f;
	if (v->type == SQLITE_TEXT)
		return strtoll(v->p, NULL, 10);
	return 0;
}

static double dq_column_double(retort_db_stmt *st, int i)
{
	const retort_dqlite_value *v = cell(st, i);
	if (!v)
		return 0;
	if (v->type == SQLITE_FLOAT)
		return v->f;
	if (v->type == SQLITE_INTEGER)
		return (double)v->i;
	if (v->type == SQLITE_TEXT)
		return strtod(v->p, NULL);
	return 0;
}

static const char *dq_column_text(retort_db_stmt *st, int i)
{
	dq_stmt *s = (dq_stmt *)st;
	const retort_dqlite_value *v = cell(st, i);
	if (!v || v->type == SQLITE_NULL)
		return NULL;
	if (v->type == SQLITE_TEXT || v->type == SQLITE_BLOB)
		return v->p;
	if (v->type == SQLITE_INTEGER)
		snprintf(s->numtext[i], sizeof s->numtext[i], "%lld", v->i);
	else
		sqlite3_snprintf(sizeof s->numtext[i], s->numtext[i], "%!.15g", v->f);
	return s->numtext[i];
}

static const char *dq_column_name(retort_db_stmt *st, int i)
{
	dq_stmt *s = (dq_stmt *)st;
	return i >= 0 && i < s->ncol ? s->names[i] : NULL;
}

static int dq_stmt_readonly(retort_db_stmt *st)
{
	return ((dq_stmt *)st)->query;
}

/* ---- the connection ---- */

static void dq_close(retort_db *db)
{
	dq_db *d = (dq_db *)db;
	retort_dqlite_close(d->conn);
	free(d->errmsg);
	free(d->base.location);
	free(d);
}

static int dq_exec(retort_db *db, const char *sql)
{
	return dq_run((dq_db *)db, sql, NULL, 0);
}

static void dq_interrupt(retort_db *db)
{
	atomic_store(&((dq_db *)db)->interrupted, 1);
}

/*
** After a failure inside a transaction the server may have rolled it back
** (SQLite does for some errors; dqlite when the leader changes): BEGIN tells,
** failing inside one and undone at once outside.
*/
static int dq_in_transaction(retort_db *db)
{
	dq_db *d = (dq_db *)db;
	retort_error *e = NULL;
	if (!d->in_txn || !d->txn_unsure || retort_dqlite_lost(d->conn))
		return d->in_txn && !retort_dqlite_lost(d->conn);
	d->txn_unsure = 0;
	if (retort_dqlite_exec(d->conn, "BEGIN", NULL, 0, NULL, NULL, &e) == 0) {
		d->in_txn = 0;
		retort_dqlite_exec(d->conn, "ROLLBACK", NULL, 0, NULL, NULL, NULL);
	}
	retort_error_free(e);
	return d->in_txn;
}

static const char *dq_errmsg(retort_db *db)
{
	dq_db *d = (dq_db *)db;
	return d->errmsg ? d->errmsg : empty;
}

static int dq_error_offset(retort_db *db)
{
	(void)db;
	return -1;
}

static int dq_readonly(retort_db *db)
{
	(void)db;
	return 0;
}

static void dq_busy_wait(retort_db *db, retort_db_wait *w, int ms)
{
	dq_db *d = (dq_db *)db;
	d->wait = w;
	d->wait_ms = ms;
}

/* ---- backup: the leader's files (DUMP), made one SQLite file here ---- */

typedef struct dump_to {
	const char *path;
	char *wal;             /* path + "-wal" */
	int nfile;
	int err;               /* errno of a failed write */
	const char *failed;    /* the file it failed on */
} dump_to;

/* The main file goes to the backup's path, the WAL beside it, as SQLite names one. */
static int dump_file(void *ctx, const char *name, const void *data, size_t len)
{
	dump_to *t = ctx;
	const char *path = t->nfile++ == 0 ? t->path : t->wal;
	(void)name;
	FILE *f = fopen(path, t->nfile == 1 ? "wb" : "wbx");
	if (!f || fwrite(data, 1, len, f) != len || fflush(f) != 0) {
		t->err = errno ? errno : EIO;
		t->failed = path;
		if (f)
			fclose(f);
		return RETORT_ERROR;
	}
	return fclose(f) == 0 ? 0 : RETORT_ERROR;
}

/* A malloc'd message, as backup() hands its *why over. */
static char *why_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *why_printf(const char *fmt, ...)
{
	retort_buf b = RETORT_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	retort_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	return retort_buf_detach(&b);
}

/*
** dqlite has no backup API, but DUMP hands over the database file and its
** write-ahead log as the leader holds them: written side by side, SQLite
** reads them as one database, and leaving WAL mode folds the log into the
** file, so the backup is one ordinary SQLite file. The caller holds the
** write lock, so the files are the state the run starts from.
*/
static int dq_backup(retort_db *db, const char *path, retort_db_tick_fn tick, void *ctx,
	char **why)
{
	dq_db *d = (dq_db *)db;
	retort_error *e = NULL;
	dump_to t = { .path = path };
	retort_buf wal = RETORT_BUF_INIT;
	sqlite3 *file = NULL;
	int rc = SQLITE_OK;
	retort_buf_printf(&wal, "%s-wal", path);
	if (retort_buf_oom(&wal)) {
		rc = SQLITE_NOMEM;
		goto done;
	}
	t.wal = wal.ptr;
	if (tick && tick(ctx)) {
		rc = SQLITE_INTERRUPT;
		goto done;
	}
	errno = 0;
	if (retort_dqlite_dump(d->conn, dump_file, &t, &e) < 0) {
		if (t.failed)
			*why = why_printf("cannot write '%s': %s", t.failed, strerror(t.err));
		else
			*why = why_printf("dqlite: DUMP failed: %s", e ? e->message : "?");
		rc = t.failed ? SQLITE_CANTOPEN : dq_fail(d, e);
		e = NULL;
		goto done;
	}
	rc = retort_db_sqlite_open_path(path, &file, SQLITE_OPEN_READWRITE);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(file, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		*why = why_printf("cannot make '%s' one file: %s", path,
			file ? sqlite3_errmsg(file) : sqlite3_errstr(rc));
done:
	sqlite3_close(file);
	retort_error_free(e);
	if (rc != SQLITE_OK && !*why)
		*why = why_printf("%s", sqlite3_errstr(rc));
	if (t.nfile > 1 || (rc != SQLITE_OK && t.failed == t.wal))
		unlink(wal.ptr);
	retort_buf_release(&wal);
	return rc;
}

static int dq_lost(retort_db *db)
{
	return retort_dqlite_lost(((dq_db *)db)->conn);
}

static const retort_db_methods dqlite_methods = {
	.version = RETORT_DB_METHODS_VERSION,
	.name = "dqlite",
	.close = dq_close,
	.prepare = dq_prepare,
	.bind_text = dq_bind_text,
	.bind_int64 = dq_bind_int64,
	.bind_null = dq_bind_null,
	.step = dq_step,
	.reset = dq_reset,
	.finalize = dq_finalize,
	.column_count = dq_column_count,
	.column_type = dq_column_type,
	.column_int64 = dq_column_int64,
	.column_double = dq_column_double,
	.column_text = dq_column_text,
	.column_name = dq_column_name,
	.stmt_readonly = dq_stmt_readonly,
	.exec = dq_exec,
	.interrupt = dq_interrupt,
	.in_transaction = dq_in_transaction,
	.errmsg = dq_errmsg,
	.error_offset = dq_error_offset,
	.readonly = dq_readonly,
	.busy_wait = dq_busy_wait,
	.backup = dq_backup,
	.lost = dq_lost,
	/* row_hook, tick_hook, sqlite_handle: dqlite has none */
};

int retort_db_dqlite_open(retort_db **out, const char *url, const char *base_dir, unsigned how,
	retort_db_wait *wait, int *recovered, retort_error **err)
{
	dq_db *d = NULL;
	int rc;
	(void)base_dir;
	(void)how; /* the leader always writes, and OPEN creates a database that is missing */
	*out = NULL;
	if (recovered)
		*recovered = 0;
	if (!(d = calloc(1, sizeof *d)) || !(d->base.location = retort_xstrdup(url))) {
		free(d);
		return retort_error_oom(err);
	}
	d->base.methods = &dqlite_methods;
	d->wait = wait;
	d->wait_ms = -1;
	/* dqlite 1.11 fails a transaction whose pages spill from SQLite's cache
	** into the WAL before its commit: the next statement gets "disk I/O
	** error" (a revision that copies 200,000 rows; dqlite issue 163, where
	** LXD raised cache_size). Keep them in the cache: the leader holds the
	** database in memory anyway. */
	if ((rc = retort_dqlite_open(&d->conn, url, 0, 0, err)) < 0 ||
		(rc = retort_dqlite_exec(d->conn, "PRAGMA cache_spill = OFF", NULL, 0, NULL, NULL, err)) < 0) {
		dq_close(&d->base);
		return rc;
	}
	/*
	** A transaction's dirty pages stay in memory until COMMIT: a spill would
	** write WAL frames before it, which dqlite's VFS cannot replicate, and it
	** answers SQLITE_IOERR and rolls the transaction back (a revision that
	** fills a table of some megabytes).
	*/
	if ((rc = retort_dqlite_exec(d->conn, "PRAGMA cache_spill = OFF", NULL, 0, NULL, NULL,
			err)) < 0) {
		dq_close(&d->base);
		return rc;
	}
	*out = &d->base;
	return 0;
}
