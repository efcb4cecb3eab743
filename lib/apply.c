/*
** apply.c: the apply engine: upgrade, downgrade and stamp a live database,
** one BEGIN IMMEDIATE transaction per revision (or one for the run) holding
** its statements, the version-table update and its history row.
**
** Concurrency: the targets are resolved once, but the version table is read
** again inside every transaction, under the write lock, and the next
** revision is worked out from what it says. Another process that applied (or
** reverted) revisions meanwhile is noticed there (SKIPPED events), so each
** revision runs exactly once whoever runs it.
**
** Every statement the engine adds is built as SQL text and reported before
** it runs, so that a dry run (--sql) prints the script a real run executes.
*/
#include "apply.h"
#include "buf.h"
#include "cancel.h"
#include "dataloss.h"
#include "db/db.h"
#include "drift.h"
#include "error.h"
#include "fkguard.h"
#include "gitinfo.h"
#include "inplace.h"
#include "lost.h"
#include "revision.h"
#include "scratch.h"
#include "sqltok.h"
#include "vtable.h"

#include <errno.h>
#include <pwd.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* the progress handler runs every this many virtual machine steps */
#define PROGRESS_STEPS 10000
#define PROGRESS_AFTER 1.0   /* seconds a statement runs before PROGRESS */
#define PROGRESS_EVERY 0.25  /* seconds between PROGRESS events */
#define ROWS_EVERY 0.05      /* seconds between ROWS progress: an event loop's frame */
/* rows of a foreign-key violation named in an error, per table */
#define FK_ROWIDS 5

typedef struct run {
	retort_db *db;          /* NULL: a dry run on a database not yet made */
	const retort_revisions *revs;
	const retort_migrate_options *o;
	retort_error **err;
	retort_direction dir;
	int stamp;
	const char *vtable;     /* the version table's name */
	const retort_revision **targets;
	size_t n_targets;
	unsigned char *applied; /* revs->n flags: the applied set as it stands */
	unsigned char *scope;   /* revs->n flags: what the run may touch (retort_revgraph_scope) */
	char **commits;         /* each revision file's git commit (file_commit) */
	int commits_looked_up;
	int commits_borrowed;   /* looked up by the caller, for many runs (retort_apply_run) */
	char *applied_by;       /* "user@host", for the history */
	const retort_revision **heads; /* its heads, in topological order */
	size_t n_heads;
	size_t version_rows;    /* the rows the version table holds (as read or written) */
	char **rows;            /* the version table as first read: a dry run's script */
	size_t n_rows;          /* expects it until it writes the table (guard) */
	int version_written;
	int fk_was_on;          /* PRAGMA foreign_keys as the handle had it */
	int fk_turned_off;
	int in_txn;             /* our transaction is open (or, dry, in the script) */
	int said_begin;         /* its BEGIN IMMEDIATE was reported */
	int started;            /* the first change was prepared for (backup) */
	int tables_made;        /* the version and history tables exist */
	int dirty;              /* since the last foreign-key check, a statement ran
	                           that may have left a key without its parent */
	int fk_before;          /* the transaction holds temp.retort_fk_before */
	int fk_warned;          /* the rows without a parent before the run were told */
	retort_db_stmt *read_version, *read_data_version;
	sqlite3_int64 data_version; /* PRAGMA data_version when we last read the table */
	dataloss *dl;
	drift *drift;           /* objects outside the chain the run would destroy */
	retort_buf sql;         /* the engine statement being built */
	retort_buf queued;      /* engine statements said, to run at engine_flush() */
	/* the revision running, for events; and its statement, for progress */
	const retort_revision *rev;
	const rev_statement *stmt;
	double stmt_start, last_progress;
	retort_db_wait wait;    /* busy_timeout_ms, for every wait of the run */
	int waiting;            /* `wait` is the handle's busy handler */
	int cancelled;          /* the token stopped the run: it ends in RETORT_ECANCELLED */
	int told_stop;          /* the progress callback returned non-zero: as the token */
	long long written;      /* rows the running statement wrote so far (update hook) */
	double last_rows;       /* when the last ROWS progress was told */
	const rev_statement *stopped; /* the revision's statement it stopped running, or NULL */
} run;

/* ---- clocks ---------------------------------------------------------- */

static double mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The time now, UTC, ISO 8601 with milliseconds: 2026-11-23T10:00:00.123Z */
static void utc_now(char out[32])
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(out, 20, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out + 19, 13, ".%03dZ", (int)(ts.tv_nsec / 1000000) % 1000);
}

/* ---- events ---------------------------------------------------------- */

/* Tell the progress callback; its non-zero return stops the run as the
** token does (libgit2's convention). */
static void tell(run *r, retort_progress *p)
{
	p->direction = r->dir;
	if (r->o->progress && r->o->progress(r->o->progress_ctx, p) != 0)
		r->told_stop = 1;
}

/* An event that warns, in words, for the progress callback. */
static void tell_warning(run *r, const retort_event *ev)
{
	retort_progress p = { .kind = RETORT_PROGRESS_WARNING, .revision = ev->revision,
		.table = ev->table };
	retort_buf b = RETORT_BUF_INIT;

	if (ev->kind == RETORT_EVENT_SKIPPED)
		retort_buf_printf(&b, "another process %s %s first",
			r->dir == RETORT_UPGRADE ? "applied" : "reverted", ev->revision->id);
	else if (ev->kind == RETORT_EVENT_ORPHANS)
		retort_buf_printf(&b, "%lld row%s of %s already %s no parent in %s", ev->rows,
			ev->rows == 1 ? "" : "s", ev->table, ev->rows == 1 ? "has" : "have", ev->parent);
	else if (ev->loss == RETORT_LOSS_TABLE)
		retort_buf_printf(&b, "dropping table %s destroys %lld row%s", ev->table, ev->rows,
			ev->rows == 1 ? "" : "s");
	else if (ev->loss == RETORT_LOSS_COLUMN)
		retort_buf_printf(&b, "dropping column %s.%s destroys %lld value%s", ev->table, ev->column,
			ev->values, ev->values == 1 ? "" : "s");
	else if (ev->loss == RETORT_LOSS_ROWS)
		retort_buf_printf(&b, "the copy of %s leaves %lld row%s out", ev->table, ev->rows,
			ev->rows == 1 ? "" : "s");
	else
		retort_buf_printf(&b, "%lld NULL%s of %s.%s become %s", ev->values,
			ev->values == 1 ? "" : "s", ev->table, ev->column, ev->sql);
	p.message = retort_buf_oom(&b) ? "out of memory" : b.ptr;
	tell(r, &p);
	retort_buf_release(&b);
}

static void emit(run *r, retort_event *ev)
{
	ev->direction = r->dir;
	if (r->o->on_event)
		r->o->on_event(r->o->ctx, ev);
	if (!r->o->progress)
		return;
	if (ev->kind == RETORT_EVENT_BEGIN || ev->kind == RETORT_EVENT_DONE) {
		retort_progress p = { .kind = ev->kind == RETORT_EVENT_BEGIN ?
			RETORT_PROGRESS_REVISION : RETORT_PROGRESS_COMMITTED, .revision = ev->revision,
			.seconds = ev->seconds };
		tell(r, &p);
	} else if (ev->kind == RETORT_EVENT_DATA_LOSS || ev->kind == RETORT_EVENT_ORPHANS ||
		ev->kind == RETORT_EVENT_SKIPPED) {
		tell_warning(r, ev);
	}
}

static void say(run *r, const retort_revision *rev, const char *sql, int line)
{
	retort_event ev = { .kind = RETORT_EVENT_STATEMENT, .revision = rev,
		.sql = sql, .line = line };

	emit(r, &ev);
}

static void emit_revision(run *r, retort_event_kind kind, const retort_revision *rev,
	double seconds)
{
	retort_event ev = { .kind = kind, .revision = rev, .seconds = seconds };

	emit(r, &ev);
}

static void on_loss(void *ctx, retort_loss_kind kind, const char *table, const char *column,
	long long count, const char *fill)
{
	run *r = ctx;
	retort_event ev = { .kind = RETORT_EVENT_DATA_LOSS, .revision = r->rev,
		.table = table, .column = column, .loss = kind, .sql = fill };

	if (kind == RETORT_LOSS_COLUMN || kind == RETORT_LOSS_FILL)
		ev.values = count;
	else
		ev.rows = count;
	emit(r, &ev);
}

/* Has the run's token been requested? Then RETORT_ECANCELLED, and the run
** ends by rolling back what it has not committed. */
static int stop(run *r)
{
	if (!r->told_stop && !retort_cancel_requested(r->o->cancel))
		return 0;
	r->cancelled = 1;
	return RETORT_ECANCELLED;
}

/* SQLite calls this every PROGRESS_STEPS steps of a statement: a cancelled
** run stops the statement there (SQLITE_INTERRUPT); else PROGRESS events. */
static int on_progress(void *ctx)
{
	run *r = ctx;
	double now;

	if (!stop(r) && r->stmt) {
		now = mono_now();
		if (now - r->stmt_start >= PROGRESS_AFTER && now - r->last_progress >= PROGRESS_EVERY) {
			retort_event ev = { .kind = RETORT_EVENT_PROGRESS, .revision = r->rev,
				.sql = r->stmt->sql, .line = r->stmt->line, .seconds = now - r->stmt_start };
			r->last_progress = now;
			emit(r, &ev);
		}
		if (r->o->progress && now - r->last_rows >= ROWS_EVERY) {
			retort_progress p = { .kind = RETORT_PROGRESS_ROWS, .revision = r->rev,
				.sql = r->stmt->sql, .line = r->stmt->line, .rows = r->written,
				.seconds = now - r->stmt_start };
			r->last_rows = now;
			tell(r, &p);
		}
	}
	/* the token, or the callback's answer just now */
	if (!stop(r))
		return 0;
	if (!r->stopped)
		r->stopped = r->stmt;
	return 1;
}

/* SQLite calls this for each row a statement writes in a rowid table (a
** copy into a rebuilt table included): what ROWS progress counts. Only a
** counter: the hook may not touch the handle. */
static void on_row(void *ctx, int op, const char *db, const char *table, sqlite3_int64 rowid)
{
	run *r = ctx;

	(void)op;
	(void)db;
	(void)table;
	(void)rowid;
	r->written++;
}

/* ---- SQL ------------------------------------------------------------- */

/* The connection's last error as RETORT_EBUSY (locked past the timeout) or EDB. */
static int db_error(run *r, int rc, const char *doing)
{
	return retort_db_error(r->err, r->db, rc, r->o->busy_timeout_ms, doing);
}

/* Run one statement that returns no rows we need. */
static int exec_sql(run *r, const char *sql)
{
	int rc = retort_db_exec(r->db, sql);

	return rc == SQLITE_OK ? 0 : db_error(r, rc, "cannot run the engine's statement");
}

/*
** Report an engine statement (the text in r->sql) and, unless dry, queue it
** to run at engine_flush(): the version and history rows of a revision go
** to a cluster as one request, not a round trip each.
*/
static int engine_queue(run *r)
{
	if (retort_buf_oom(&r->sql))
		return retort_error_oom(r->err);
	say(r, NULL, r->sql.ptr, 0);
	if (r->o->dry_run)
		return 0;
	retort_buf_puts(&r->queued, r->sql.ptr);
	retort_buf_putc(&r->queued, '\n');
	return retort_buf_oom(&r->queued) ? retort_error_oom(r->err) : 0;
}

static int engine_flush(run *r)
{
	int rc = r->queued.len ? exec_sql(r, r->queued.ptr) : 0;

	retort_buf_clear(&r->queued);
	return rc;
}

/* Report an engine statement (the text in r->sql) and, unless dry, run it. */
static int engine(run *r)
{
	int rc = engine_queue(r);

	return rc ? rc : engine_flush(r);
}


/* ---- the run --------------------------------------------------------- */

static const retort_migrate_options default_options = RETORT_MIGRATE_OPTIONS_INIT;

static void run_release(run *r)
{
	/* the handler points into this run: the handle keeps the timeout */
	if (r->waiting)
		retort_db_busy_wait(r->db, NULL, r->o->busy_timeout_ms);
	retort_db_finalize(r->read_version);
	retort_db_finalize(r->read_data_version);
	retort_dataloss_free(r->dl);
	retort_drift_free(r->drift);
	retort_buf_release(&r->sql);
	retort_buf_release(&r->queued);
	free(r->targets);
	free(r->scope);
	if (!r->commits_borrowed)
		retort_strings_free(r->commits, r->revs ? r->revs->n : 0);
	retort_strings_free(r->rows, r->n_rows);
	free(r->applied_by);
	free(r->applied);
	free(r->heads);
}

/* Does the version table hold exactly the heads we left it with? */
static int is_expected(const run *r, char **ids, size_t n)
{
	size_t i, k;

	if (n != r->n_heads)
		return 0;
	for (i = 0; i < n; i++) {
		for (k = 0; k < r->n_heads && strcmp(ids[i], r->heads[k]->id); k++)
			;
		if (k == r->n_heads)
			return 0;
	}
	return 1;
}

/*
** Take the applied set from the version table's `ids`. Inside a
** transaction, a set other than the one we left means another process
** moved the database: the revisions it ran our way are SKIPPED.
*/
static int take_state(run *r, char **ids, size_t n, int report)
{
	unsigned char *fresh = NULL;
	size_t i;
	int rc;

	r->version_rows = n;
	if (r->applied && is_expected(r, ids, n))
		return 0;
	if ((rc = retort_revgraph_applied(&fresh, r->revs, (const char *const *)ids, n, r->err)))
		return rc;
	for (i = 0; report && r->applied && i < r->revs->n; i++)
		if (fresh[i] != r->applied[i] && fresh[i] == (r->dir == RETORT_UPGRADE))
			emit_revision(r, RETORT_EVENT_SKIPPED, r->revs->revs[i], 0);
	free(r->applied);
	r->applied = fresh;
	r->n_heads = retort_revgraph_heads_of(r->revs, r->applied, r->heads);
	return 0;
}

/* PRAGMA data_version: it moves when another connection commits. */
static int read_data_version(run *r, sqlite3_int64 *out)
{
	int rc = SQLITE_OK;

	*out = 0;
	if (!r->read_data_version)
		rc = retort_db_prepare(r->db, &r->read_data_version, "PRAGMA data_version", NULL);
	if (rc == SQLITE_OK && (rc = retort_db_step(r->read_data_version)) == SQLITE_ROW)
		*out = retort_db_column_int64(r->read_data_version, 0);
	if (r->read_data_version)
		retort_db_reset(r->read_data_version);
	return rc == SQLITE_ROW ? 0 : db_error(r, rc, "cannot read PRAGMA data_version");
}

/*
** Where the database is now, under the write lock. When no other connection
** committed since we last read the version table, it is as we left it;
** otherwise it is read again.
*/
static int read_state(run *r)
{
	char **ids = NULL;
	size_t n = 0;
	sqlite3_int64 version;
	int rc = read_data_version(r, &version);

	if (rc || version == r->data_version)
		return rc;
	r->data_version = version;
	rc = retort_vtable_read(&ids, &n, r->db, r->vtable, &r->read_version, r->err);
	if (!rc)
		rc = take_state(r, ids, n, 1);
	retort_strings_free(ids, n);
	return rc;
}

/*
** Open the run's next transaction: BEGIN IMMEDIATE, then where we are now
** (a dry run's database does not move; a stamp does not ask). It is
** reported only once something runs in it (before_change).
*/
static int begin(run *r)
{
	int rc;

	if (r->o->dry_run) {
		r->in_txn = 1;
		return 0;
	}
	rc = retort_db_exec(r->db, "BEGIN IMMEDIATE");
	if (rc != SQLITE_OK)
		return db_error(r, rc, "cannot begin a transaction");
	r->in_txn = 1;
	return r->stamp ? 0 : read_state(r);
}

static void rollback(run *r)
{
	if (r->db && !r->o->dry_run && retort_db_in_transaction(r->db))
		retort_db_exec(r->db, "ROLLBACK");
	r->in_txn = r->said_begin = r->dirty = r->fk_before = 0;
}

/* The backup asks this between steps: a cancelled run stops within one. */
static int backup_tick(void *ctx)
{
	return stop(ctx) != 0;
}

/*
** Copy the database to the backup path, holding the write lock with nothing
** written yet, so that the copy is exactly the state the run starts from.
*/
static int backup(run *r)
{
	const char *path = r->o->backup_path;
	char *why = NULL;
	int fd, rc;

	if (!retort_db_can(r->db, RETORT_DB_CAN_BACKUP))
		return retort_error_set(r->err, RETORT_EINVALID, "a %s database cannot be backed up to a "
			"file (--backup): copy it with the tools of its own", retort_db_backend(r->db));
	if (!*retort_db_location(r->db))
		return retort_error_set(r->err, RETORT_EINVALID,
			"a database without a file cannot be backed up");
	/* O_EXCL: an existing file is never overwritten, even in a race */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0666);
	if (fd < 0 && errno == EEXIST)
		return retort_error_set(r->err, RETORT_EEXISTS,
			"backup file '%s' already exists; refusing to overwrite it", path);
	if (fd < 0)
		return retort_error_set(r->err, RETORT_ERROR, "cannot create the backup file '%s': %s",
			path, strerror(errno));
	close(fd);
	rc = retort_db_backup(r->db, path, backup_tick, r, &why);
	if (rc == SQLITE_OK && r->cancelled) {
		rc = retort_error_set(r->err, RETORT_ECANCELLED, "the backup to '%s' was cancelled and "
			"removed; nothing was changed", path);
		unlink(path);
	} else if (rc != SQLITE_OK) {
		rc = retort_error_set(r->err, RETORT_EDB, "cannot back the database up to '%s': %s", path,
			why ? why : "out of memory");
		unlink(path);
	}
	free(why);
	return rc;
}

static int strcmp_p(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* `ids` sorted, ", " between them, shown on one line (a row of the version
** table may hold anything); "base" for none. */
static void put_ids(retort_buf *b, const char **ids, size_t n)
{
	size_t i;

	qsort(ids, n, sizeof(*ids), strcmp_p);
	for (i = 0; i < n; i++) {
		retort_buf_puts(b, i ? ", " : "");
		retort_buf_visible(b, ids[i], strlen(ids[i]), 0);
	}
	if (!n)
		retort_buf_puts(b, "base");
}

/* SQL true when the version table holds exactly `ids` (its revisions are
** unique: as many rows as ids, each one of them) */
static void put_at(run *r, const char **ids, size_t n)
{
	size_t i;

	retort_buf_puts(&r->sql, "(SELECT count(*) FROM ");
	retort_buf_ident(&r->sql, r->vtable);
	retort_buf_printf(&r->sql, ") = %zu", n);
	if (!n)
		return;
	retort_buf_puts(&r->sql, " AND (SELECT count(*) FROM ");
	retort_buf_ident(&r->sql, r->vtable);
	retort_buf_puts(&r->sql, " WHERE revision IN (");
	for (i = 0; i < n; i++) {
		retort_buf_puts(&r->sql, i ? ", " : "");
		retort_buf_literal(&r->sql, ids[i]);
	}
	retort_buf_printf(&r->sql, ")) = %zu", n);
}

/*
** A dry run's script, first thing in each transaction: unless the version
** table holds exactly what the script expects there (what it held when the
** script was made; then what the script's previous transaction wrote), print
** where the database is and stop (sqlite3 -bail) before any change. So a
** script run twice, half-run then run again, or run on another database
** changes nothing. Plain SQL for any SQLite tool: a SELECT prints only on a
** mismatch, then a TEMP table's CHECK, named with what was expected, fails.
*/
static int guard(run *r)
{
	size_t i, n = r->version_written ? r->n_heads : r->n_rows;
	const char **ids = malloc((n + 1) * sizeof(*ids));
	retort_buf want = RETORT_BUF_INIT, text = RETORT_BUF_INIT;
	int rc;

	if (!ids)
		return retort_error_oom(r->err);
	for (i = 0; i < n; i++)
		ids[i] = r->version_written ? r->heads[i]->id : r->rows[i];
	put_ids(&want, ids, n);
	retort_buf_clear(&r->sql);
	retort_buf_comment(&r->sql, "the database must be at %s, else this says where it is and stops",
		want.ptr);
	retort_buf_puts(&r->sql, "SELECT 'retort: the database is at ' || coalesce((SELECT "
		"group_concat(revision, ', ') FROM (SELECT revision FROM ");
	retort_buf_ident(&r->sql, r->vtable);
	retort_buf_puts(&r->sql, " ORDER BY revision)), 'base') || ");
	retort_buf_printf(&text, " but this script expects %s", want.ptr);
	retort_buf_literal(&r->sql, text.ptr);
	retort_buf_puts(&r->sql, " WHERE NOT (");
	put_at(r, ids, n);
	retort_buf_puts(&r->sql, ");\nCREATE TEMP TABLE retort_guard (ok INTEGER CONSTRAINT ");
	retort_buf_clear(&text);
	retort_buf_printf(&text, "retort: the database is not at %s (see the line above): "
		"stopped before changing it", want.ptr);
	retort_buf_ident(&r->sql, text.ptr);
	retort_buf_puts(&r->sql, " CHECK (ok));\nINSERT INTO retort_guard SELECT ");
	put_at(r, ids, n);
	retort_buf_puts(&r->sql, ";\nDROP TABLE retort_guard;");
	rc = retort_buf_oom(&want) || retort_buf_oom(&text) ? retort_error_oom(r->err) : engine(r);
	retort_buf_release(&want);
	retort_buf_release(&text);
	free(ids);
	return rc;
}

/* The engine's tables, in the run's first transaction; a dry run's script
** checks where the database is as soon as the version table can be read. */
static int create_tables(run *r)
{
	int rc = 0, which, had = 1;

	r->tables_made = 1;
	/* a dry run made no table: the one to add applied_by to must be there */
	if (r->db && r->o->dry_run)
		rc = retort_vtable_has(r->db, RETORT_HISTORY_TABLE, &had, r->err);
	for (which = 0; which < 2 && !rc; which++) {
		retort_vtable_create_sql(&r->sql, r->vtable, which);
		rc = engine(r);
		if (!rc && which == 0 && r->o->dry_run)
			rc = guard(r);
	}
	/* a history table from retort 0.1.0's first builds lacks applied_by */
	if (!rc && r->db && had && retort_vtable_history_upgrade(r->db, &r->sql))
		rc = engine(r);
	return rc;
}

/*
** Before the run's first change: the backup (holding the write lock, so it
** is exactly the state the run starts from) and, in each transaction, the
** engine's tables (once) or a dry run's guard. A dry run's script sets
** foreign keys off up front, outside any transaction.
*/
static int before_change(run *r)
{
	int rc;

	if (!r->started) {
		r->started = 1;
		if (r->o->dry_run && !r->stamp)
			say(r, NULL, "PRAGMA foreign_keys = OFF;", 0);
		if (!r->o->dry_run && r->o->backup_path && (rc = backup(r)))
			return rc;
	}
	if (r->said_begin)
		return 0;
	r->said_begin = 1;
	say(r, NULL, "BEGIN IMMEDIATE;", 0);
	if (!r->tables_made)
		return create_tables(r);
	return r->o->dry_run ? guard(r) : 0;
}

/*
** The version table becomes `heads`: one row changed in place when it held
** one (the common step along a chain), else emptied and filled. A stamp
** does not know what it held: `known` 0.
*/
static int write_version(run *r, const retort_revision *const *heads, size_t n, int known)
{
	size_t had = r->version_rows;
	int rc = 0;

	r->version_rows = n;
	r->version_written = 1;
	if (known && had == 1 && n == 1) {
		retort_vtable_update_sql(&r->sql, r->vtable, heads[0]->id);
		return engine_queue(r);
	}
	if (!known || had) {
		retort_vtable_delete_sql(&r->sql, r->vtable);
		rc = engine_queue(r);
	}
	if (rc || !n)
		return rc;
	retort_vtable_insert_sql(&r->sql, r->vtable, heads, n);
	return engine_queue(r);
}

/* "user@host" of the process applying, for the history; NULL when neither
** is known. getpwuid_r, since an app may migrate from several threads. */
static char *who_applies(void)
{
	struct passwd pw, *found = NULL;
	char pwbuf[1024], host[256];
	const char *user;
	retort_buf b = RETORT_BUF_INIT;

	user = getpwuid_r(geteuid(), &pw, pwbuf, sizeof(pwbuf), &found) == 0 && found ?
		found->pw_name : getenv("USER");
	if (gethostname(host, sizeof(host)) != 0)
		host[0] = '\0';
	host[sizeof(host) - 1] = '\0';
	if (!user && !*host)
		return NULL;
	retort_buf_printf(&b, "%s@%s", user ? user : "", host);
	return retort_buf_detach(&b);
}

/* The commit that last changed a revision's file, looked up in git once per
** run and only when a history row is written; NULL outside git, or when the
** file differs from what is committed. */
static const char *file_commit(run *r, const retort_revision *rev)
{
	if (!r->commits_looked_up) {
		r->commits_looked_up = 1;
		if (retort_gitinfo_revision_commits(&r->commits, r->revs, NULL) != 0)
			r->commits = NULL;
	}
	return r->commits ? r->commits[rev->index] : NULL;
}

/*
** One history row for `rev` (NULL: base, stamped) that began at `started`
** (`t0` on the monotonic clock). A dry run's script records the time it
** runs instead.
*/
static int history(run *r, const retort_revision *rev, const char *direction,
	retort_direction section, const char *started, double t0)
{
	char finished[32];
	retort_vtable_history row = { .revision = rev ? rev->id : NULL, .direction = direction,
		.sha256 = rev ? rev->section[section].sha256 : NULL,
		.git_commit = rev ? file_commit(r, rev) : NULL, .applied_by = r->applied_by };

	if (!r->o->dry_run) {
		utc_now(finished);
		row.started = started;
		row.finished = finished;
		row.duration_ms = (long long)((mono_now() - t0) * 1000 + 0.5);
	}
	retort_vtable_history_sql(&r->sql, &row);
	return engine_queue(r);
}

/* ---- errors at the revision file ------------------------------------- */

/*
** Point `loc` at byte `ofs` of statement `s` (its first token when ofs < 0)
** and return the text of that line of the file (malloc'd; NULL if unknown).
*/
static char *locate(const rev_section *sec, const rev_statement *s, int ofs, src_loc *loc)
{
	/* the statement is in the section text from its first line on, though
	** perhaps without its ';' (added to a last statement that had none, on
	** a line of its own after a `--` comment) */
	size_t len = strlen(s->sql) - 1;
	const char *p, *start = NULL, *line, *end;
	int l = sec->line + 1;

	if (len > 0 && s->sql[len - 1] == '\n')
		len--;

	if (ofs < 0 || (size_t)ofs > len)
		ofs = 0;
	for (p = sec->text; *p && l <= s->line && !start; p++) {
		if (*p == '\n')
			l++;
		else if (l == s->line && strncmp(p, s->sql, len) == 0)
			start = p;
	}
	loc->line = s->line;
	for (p = s->sql; p < s->sql + ofs; p++)
		loc->line += *p == '\n';
	if (!start)
		return NULL;
	p = start + ofs;
	for (line = p; line > sec->text && line[-1] != '\n'; line--)
		;
	/* columns count characters, not the bytes of UTF-8 */
	loc->column = 1;
	for (end = line; end < p; end++)
		loc->column += ((unsigned char)*end & 0xc0) != 0x80;
	end = line + strcspn(line, "\r\n");
	return retort_xstrndup(line, (size_t)(end - line));
}

/* `message` at byte `ofs` of `rev`'s statement `s`, showing its line. */
static int error_in(run *r, const retort_revision *rev, const rev_statement *s, int code,
	int ofs, const char *message)
{
	const rev_section *sec = &rev->section[r->dir];
	src_loc loc = { rev->path, 0, 0 };
	char *text = locate(sec, s, ofs, &loc);
	int fresh = r->err && !*r->err;

	code = retort_error_at(r->err, code, &loc, NULL, "%s", message);
	if (fresh && *r->err) {
		(*r->err)->source_line = text;
		text = NULL;
	}
	free(text);
	return code;
}

/*
** `sql` just failed with SQLite's `message`: when it is an in-place step's
** guard, its message and the row it found ("pet: a row breaks the new CHECK
** (qty > 0): rowid 3"), read again (the guard changed nothing); else NULL.
*/
static char *inplace_guard_error(run *r, const char *sql, const char *message)
{
	static const char check_failed[] = "CHECK constraint failed: ";
	const char *select = sql + strlen(RETORT_INPLACE_GUARD_INSERT);
	retort_buf b = RETORT_BUF_INIT;
	retort_db_stmt *st = NULL;

	if (strncmp(sql, RETORT_INPLACE_GUARD_INSERT, strlen(RETORT_INPLACE_GUARD_INSERT)) != 0 ||
	    strncmp(message, check_failed, strlen(check_failed)) != 0)
		return NULL;
	retort_buf_puts(&b, message + strlen(check_failed));
	if (retort_db_prepare(r->db, &st, select, NULL) == SQLITE_OK &&
	    retort_db_step(st) == SQLITE_ROW && retort_db_column_text(st, 0))
		retort_buf_printf(&b, ": %s", retort_db_column_text(st, 0));
	retort_db_finalize(st);
	if (retort_buf_oom(&b)) {
		retort_buf_release(&b);
		return NULL;
	}
	return retort_buf_detach(&b);
}

/* A revision's statement failed: SQLite's message at its file and line, or
** for a rebuild's copy one that names the user's table, not the scratch one. */
static int statement_error(run *r, const retort_revision *rev, const rev_statement *s,
	int rc)
{
	int ofs = retort_db_error_offset(r->db), code = retort_db_code(rc);
	char *message = retort_xstrdup(retort_db_errmsg(r->db)), *copy = NULL;

	if (message && (rc & 0xff) == SQLITE_CONSTRAINT)
		copy = retort_dataloss_copy_error(r->db, s->sql, message);
	if (message && !copy && (rc & 0xff) == SQLITE_CONSTRAINT)
		copy = inplace_guard_error(r, s->sql, message);
	rc = error_in(r, rev, s, code, ofs, copy ? copy : message ? message : "out of memory");
	free(copy);
	free(message);
	return rc;
}

/* ---- one revision ------------------------------------------------------ */

/* Step over [schema.]name at the cursor. */
static void skip_name(sqlcur *c)
{
	retort_sqlcur_advance(c);
	if (c->tok.type == TK_OP && c->tok.n == 1 && *c->tok.z == '.') {
		retort_sqlcur_advance(c);
		retort_sqlcur_advance(c);
	}
}

/*
** Can `sql` leave a foreign key without its parent row? Not when it only
** adds an index, a view, a trigger, a new table from its definition (empty:
** none of its keys dangles, and a row that named it dangled before), or a
** column that references nothing. Anything else is checked before COMMIT;
** skipping the rest keeps a long chain of such revisions from paying a
** check of every table per revision.
*/
static int may_orphan(const char *sql)
{
	sqlcur c;

	retort_sqlcur_init(&c, sql);
	if (retort_sqlcur_accept(&c, "CREATE")) {
		if (!retort_sqlcur_accept(&c, "TEMP"))
			retort_sqlcur_accept(&c, "TEMPORARY");
		retort_sqlcur_accept(&c, "UNIQUE");
		if (retort_sqlcur_is(&c, "INDEX") || retort_sqlcur_is(&c, "VIEW") || retort_sqlcur_is(&c, "TRIGGER"))
			return 0;
		if (!retort_sqlcur_accept(&c, "TABLE"))
			return 1; /* a virtual table's module may do anything */
		if (retort_sqlcur_accept(&c, "IF") && !(retort_sqlcur_accept(&c, "NOT") && retort_sqlcur_accept(&c, "EXISTS")))
			return 1;
		skip_name(&c);
		return c.tok.type != TK_LP; /* CREATE TABLE ... AS SELECT copies rows */
	}
	if (!retort_sqlcur_accept(&c, "ALTER") || !retort_sqlcur_accept(&c, "TABLE"))
		return 1;
	skip_name(&c);
	if (!retort_sqlcur_accept(&c, "ADD"))
		return 1;
	for (; c.tok.type != TK_EOF; retort_sqlcur_advance(&c))
		if (retort_sqlcur_is(&c, "REFERENCES"))
			return 1;
	return 0;
}

/* ---- foreign keys a revision leaves without their parent ----------------- */

/*
** A revision fails only for the rows it leaves without their parent: the
** violations before its first statement (temp.retort_fk_before) are
** compared with those before COMMIT (temp.retort_fk_after), both temp
** tables of its transaction, read once each. A violation is its child
** table, rowid, parent table and the key's child columns (fkid names no key:
** a rebuild that adds one renumbers the others). A row of a table whose
** rowid is its INTEGER PRIMARY KEY keeps its rowid through any rebuild, so
** there each rowid not violating the key before is new; elsewhere a rebuild
** may have renumbered the rows, and only violations of the key beyond the
** count before are new.
*/
#define FK_COLUMNS "(tbl TEXT COLLATE NOCASE, rid INTEGER, parent TEXT COLLATE NOCASE," \
	" cols TEXT COLLATE NOCASE)"
/* each key's child columns looked up once per key, not once per violation;
** every statement on one line, as --echo shows it (and a kill test kills at
** each line) */
#define FK_NOW "WITH k AS (SELECT s.name AS tbl, l.id AS fkid, group_concat(l.\"from\") AS cols" \
	" FROM sqlite_schema AS s, pragma_foreign_key_list(s.name) AS l WHERE s.type = 'table'" \
	" GROUP BY 1, 2) SELECT c.\"table\" AS tbl, c.rowid AS rid, c.parent AS parent," \
	" coalesce(k.cols, '') AS cols FROM pragma_foreign_key_check AS c" \
	" LEFT JOIN k ON k.tbl = c.\"table\" AND k.fkid = c.fkid"
#define FK_BEFORE "CREATE TEMP TABLE retort_fk_before " FK_COLUMNS "; "
#define FK_BEFORE_FILL "INSERT INTO retort_fk_before " FK_NOW ";\n"
#define FK_AFTER "CREATE TEMP TABLE retort_fk_after " FK_COLUMNS "; " \
	"INSERT INTO retort_fk_after " FK_NOW ";"
/* x: the violations whose rowid did not violate the key before; j: per key
** among them, how many violations are new (`new`), and whether the rowids
** tell which (`exact`) */
#define FK_KEY_IS(t) t ".tbl = g.tbl AND " t ".parent = g.parent AND " t ".cols = g.cols"
#define FK_JUDGE "WITH" \
	" x AS (SELECT tbl, parent, cols, rid FROM temp.retort_fk_after EXCEPT" \
	" SELECT tbl, parent, cols, rid FROM temp.retort_fk_before WHERE rid IS NOT NULL)," \
	" g AS (SELECT tbl, parent, cols, count(*) AS moved, NOT max(rid IS NULL) AND" \
	" (SELECT count(*) = 1 AND max(upper(type) = 'INTEGER') FROM pragma_table_info(tbl)" \
	" WHERE pk > 0) AS exact FROM x GROUP BY tbl, parent, cols)," \
	" j AS (SELECT tbl, parent, cols, exact, CASE WHEN exact THEN moved ELSE max(0," \
	" (SELECT count(*) FROM temp.retort_fk_after AS a WHERE " FK_KEY_IS("a") ") -" \
	" (SELECT count(*) FROM temp.retort_fk_before AS b WHERE " FK_KEY_IS("b") ")) END AS new" \
	" FROM g) "
#define FK_DROP "DROP TABLE temp.retort_fk_after; DROP TABLE temp.retort_fk_before;\n"

/* the dry run's guard, as FK_GUARD_SCRIPT but for the new orphans only */
static const char fk_guard[] =
	"-- every foreign key must still find its parent, but in the rows that had\n"
	"-- none before the revision (retort_fk_before): all are listed first, then\n"
	"-- the CHECK fails on new ones and nothing is committed\n"
	"PRAGMA foreign_key_check;\n"
	FK_GUARD
	FK_AFTER "\n"
	"INSERT INTO retort_fk_guard " FK_JUDGE "SELECT coalesce(sum(new), 0) FROM j;\n"
	"DROP TABLE retort_fk_guard;\n"
	FK_DROP;

/* One key's violations, for a message: the rows and their first rowids. */
typedef struct fk_orphans {
	char *table, *parent, *cols;
	long long rowids[FK_ROWIDS];
	size_t n_rowids;
	long long n, seen; /* the rows, and the rows listed (n_rowids at most kept) */
	int exact; /* 0: the rowids are where the new rows are, not which */
} fk_orphans;

static void fk_free(fk_orphans *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].table);
		free(v[i].parent);
		free(v[i].cols);
	}
	free(v);
}

/*
** The rows of `sql` (table, parent, key columns, count, rowid, exact), in
** key order, as one fk_orphans per key: a NULL count counts the rows. An
** SQLite code.
*/
static int fk_collect(run *r, const char *sql, fk_orphans **out, size_t *count)
{
	fk_orphans *v = NULL, *o = NULL;
	size_t n = 0, cap = 0;
	retort_db_stmt *st = NULL;
	int rc = retort_db_prepare(r->db, &st, sql, NULL);

	while (rc == SQLITE_OK && (rc = retort_db_step(st)) == SQLITE_ROW) {
		const char *table = retort_db_column_str(st, 0), *parent = retort_db_column_str(st, 1),
			*cols = retort_db_column_str(st, 2);
		rc = SQLITE_OK;
		/* names compare as the query sorts them: without case */
		if (!o || sqlite3_stricmp(o->table, table) || sqlite3_stricmp(o->parent, parent) ||
		    sqlite3_stricmp(o->cols, cols)) {
			if (!(o = ARRAY_PUSH(v, n, cap)) ||
			    !(o->table = retort_xstrdup(table)) || !(o->parent = retort_xstrdup(parent)) ||
			    !(o->cols = retort_xstrdup(cols))) {
				rc = SQLITE_NOMEM;
				break;
			}
			o->exact = retort_db_column_int(st, 5);
		}
		o->seen++;
		o->n = retort_db_column_type(st, 3) == SQLITE_NULL ? o->seen :
			retort_db_column_int64(st, 3);
		if (retort_db_column_type(st, 4) != SQLITE_NULL && o->n_rowids < FK_ROWIDS)
			o->rowids[o->n_rowids++] = retort_db_column_int64(st, 4);
	}
	retort_db_finalize(st);
	if (rc != SQLITE_DONE) {
		fk_free(v, n);
		return rc;
	}
	*out = v;
	*count = n;
	return SQLITE_OK;
}

/* "N rows of T (rowid 1, 2) have no parent in P" */
static void fk_put(retort_buf *b, const fk_orphans *o)
{
	size_t k;

	retort_buf_printf(b, "%lld row%s of %s", o->n, o->n == 1 ? "" : "s", o->table);
	for (k = 0; k < o->n_rowids; k++)
		retort_buf_printf(b, "%s%lld", k ? ", " : o->exact ? " (rowid " : " (among rowid ",
			o->rowids[k]);
	if (o->n_rowids)
		retort_buf_puts(b, o->seen > (long long)o->n_rowids ? ", ...)" : ")");
	retort_buf_printf(b, " %s no parent in %s", o->n == 1 ? "has" : "have", o->parent);
}

/*
** Warn about the rows without their parent that are there before the run's
** first revision that could orphan one: not its doing, they are left as
** they are. A dry run reads them on the live database, as it is now.
*/
static int fk_warn(run *r)
{
	fk_orphans *v = NULL;
	size_t n = 0, i;
	int rc;

	r->fk_warned = 1;
	if (!r->db)
		return 0;
	rc = fk_collect(r, r->o->dry_run ?
		"SELECT tbl, parent, cols, NULL, rid, 1 FROM (" FK_NOW ") ORDER BY 1, 2, 3, 5" :
		"SELECT tbl, parent, cols, NULL, rid, 1 FROM temp.retort_fk_before ORDER BY 1, 2, 3, 5",
		&v, &n);
	/* keys SQLite cannot check (a foreign key mismatch) leave nothing to
	** warn about: the check before COMMIT names them */
	if (rc != SQLITE_OK)
		return rc == SQLITE_NOMEM ? retort_error_oom(r->err) : (rc & 0xff) == SQLITE_ERROR ? 0 :
			db_error(r, rc, "cannot check foreign keys");
	for (i = 0; i < n; i++) {
		retort_event ev = { .kind = RETORT_EVENT_ORPHANS, .revision = r->rev,
			.table = v[i].table, .parent = v[i].parent, .rows = v[i].n,
			.rowids = v[i].rowids, .n_rowids = v[i].n_rowids };
		emit(r, &ev);
	}
	fk_free(v, n);
	return 0;
}

/*
** Before the statements of `sec` when one of them could orphan a row: the
** violations already there, once per transaction. Where SQLite cannot check
** the keys (a foreign key mismatch) there are none, and every violation
** counts.
*/
static int fk_snapshot(run *r, const rev_section *sec)
{
	size_t i;
	int rc;

	for (i = 0; i < sec->n_stmts && !may_orphan(sec->stmts[i].sql); i++)
		;
	if (i == sec->n_stmts || r->fk_before)
		return 0;
	r->fk_before = 1;
	/* a dry run's warnings come before the statements in its script */
	if (r->o->dry_run && !r->fk_warned && (rc = fk_warn(r)))
		return rc;
	say(r, NULL, FK_BEFORE FK_BEFORE_FILL, 0);
	if (r->o->dry_run)
		return 0;
	if ((rc = exec_sql(r, FK_BEFORE)))
		return rc;
	rc = retort_db_exec(r->db, FK_BEFORE_FILL);
	if (rc != SQLITE_OK && (rc & 0xff) != SQLITE_ERROR)
		return db_error(r, rc, "cannot check foreign keys");
	return r->fk_warned ? 0 : fk_warn(r);
}

/*
** Before COMMIT (the script's guard in a dry run): the violations now,
** judged against those before. A new one is RETORT_EDB naming each table,
** its first rowids and the parent table, at `rev`'s file when the
** transaction held one revision.
*/
static int fk_check(run *r, const retort_revision *rev)
{
	/* reported as one line: FK_AFTER runs, then the query after its ' '
	** reads the new rows */
	static const char check[] = FK_AFTER " " FK_JUDGE "SELECT j.tbl, j.parent, j.cols, j.new,"
		" x.rid, j.exact FROM j JOIN x USING (tbl, parent, cols) WHERE j.new > 0"
		" ORDER BY 1, 2, 3, 5;";
	fk_orphans *v = NULL;
	size_t n = 0, i;
	retort_buf msg = RETORT_BUF_INIT;
	int rc;

	r->dirty = r->fk_before = 0;
	say(r, NULL, r->o->dry_run ? fk_guard : check, 0);
	if (r->o->dry_run)
		return 0;
	rc = retort_db_exec(r->db, FK_AFTER);
	if (rc == SQLITE_OK)
		rc = fk_collect(r, check + sizeof(FK_AFTER " ") - 1, &v, &n);
	if (rc != SQLITE_OK)
		return rc == SQLITE_NOMEM ? retort_error_oom(r->err) :
			db_error(r, rc, "cannot check foreign keys");
	if (n) {
		src_loc loc = { rev ? rev->path : NULL, rev ? rev->section[r->dir].line : 0, 0 };
		retort_buf_puts(&msg, "foreign key check failed: ");
		for (i = 0; i < n; i++) {
			retort_buf_puts(&msg, i ? "; " : "");
			fk_put(&msg, &v[i]);
		}
		rc = retort_buf_oom(&msg) ? retort_error_oom(r->err) : rev ?
			retort_error_at(r->err, RETORT_EDB, &loc, NULL, "%s", msg.ptr) :
			retort_error_set(r->err, RETORT_EDB, "%s", msg.ptr);
	} else {
		say(r, NULL, FK_DROP, 0);
		rc = exec_sql(r, FK_DROP);
	}
	fk_free(v, n);
	retort_buf_release(&msg);
	return rc;
}

/* ---- running one revision ---------------------------------------------- */

/*
** Refuse `rev` (RETORT_EINVALID at the statement) when the section the run
** would take holds a statement no revision may run (retort_scratch_refusal).
*/
static int refuse(run *r, const retort_revision *rev)
{
	const rev_section *sec = &rev->section[r->dir];
	size_t i;

	for (i = 0; i < sec->n_stmts; i++) {
		const rev_statement *s = &sec->stmts[i];
		const char *why = retort_scratch_refusal(s->sql, r->o->allow_attach);
		sqlcur c;
		if (!why)
			continue;
		retort_sqlcur_init(&c, s->sql);
		return error_in(r, rev, s, RETORT_EINVALID, (int)(c.tok.z - s->sql), why);
	}
	return 0;
}

static int run_statement(run *r, const retort_revision *rev, const rev_statement *s)
{
	retort_db_stmt *st = NULL;
	int rc;

	if ((rc = stop(r)))
		return rc;
	say(r, rev, s->sql, s->line);
	if (r->o->dry_run)
		return 0;
	r->stmt = s;
	r->stmt_start = r->last_progress = r->last_rows = mono_now();
	r->written = 0;
	rc = retort_db_prepare(r->db, &st, s->sql, NULL);
	if (rc == SQLITE_OK && st) {
		while ((rc = retort_db_step(st)) == SQLITE_ROW)
			;
		rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
	}
	r->stmt = NULL;
	rc = rc == SQLITE_OK ? 0 : statement_error(r, rev, s, rc);
	retort_db_finalize(st);
	return rc;
}

/* Put `rev` among the heads, in topological order. */
static void add_head(run *r, const retort_revision *rev)
{
	size_t i = r->n_heads;

	for (; i > 0 && r->heads[i - 1]->index > rev->index; i--)
		r->heads[i] = r->heads[i - 1];
	r->heads[i] = rev;
	r->n_heads++;
}

/*
** `rev` was just applied or reverted: move the heads (what the version table
** holds) by looking at its neighbours only, not at the whole graph.
*/
static void move_heads(run *r, const retort_revision *rev)
{
	size_t i, j, k = 0;

	/* applied, its parents are heads no more; reverted, it is not one */
	for (i = 0; i < r->n_heads; i++) {
		int gone = r->heads[i] == rev;
		for (j = 0; j < rev->n_parents && !gone; j++)
			gone = r->heads[i] == rev->parents[j];
		if (!gone)
			r->heads[k++] = r->heads[i];
	}
	r->n_heads = k;
	if (r->dir == RETORT_UPGRADE) {
		add_head(r, rev);
		return;
	}
	/* a parent none of whose children is applied now is a head again */
	for (j = 0; j < rev->n_parents; j++) {
		const retort_revision *p = rev->parents[j];
		int head = 1;
		for (i = 0; i < p->n_children && head; i++)
			head = !r->applied[p->children[i]->index];
		if (head)
			add_head(r, p);
	}
}

/*
** --carry-unknown-objects: before `rev`'s statements (`after` 0), drop the
** objects outside the chain that would block it (drift.h); after them,
** recreate every object it destroys from its sqlite_schema text, then check
** each. One that no longer applies fails the revision, which is then rolled
** back whole.
*/
static int carry(run *r, const retort_revision *rev, int after)
{
	size_t i, n;
	const drift_object *o = retort_drift_of(r->drift, rev, &n);
	retort_buf why = RETORT_BUF_INIT;
	int rc = SQLITE_OK, checking;

	for (i = 0; i < n && !why.len; i++) {
		if (!after && !o[i].blocks)
			continue;
		retort_buf_clear(&r->sql);
		if (after) {
			retort_buf_printf(&r->sql, "%s;", o[i].sql);
		} else {
			retort_buf_printf(&r->sql, "DROP %s IF EXISTS ", strcmp(o[i].type, "view") ?
				"TRIGGER" : "VIEW");
			retort_buf_ident(&r->sql, o[i].name);
			retort_buf_putc(&r->sql, ';');
		}
		if (retort_buf_oom(&r->sql))
			return retort_error_oom(r->err);
		say(r, NULL, r->sql.ptr, 0);
		if (!r->o->dry_run && (rc = retort_db_exec(r->db, r->sql.ptr)))
			retort_buf_printf(&why, "the %s \"%s\" cannot be %s it: %s", o[i].type, o[i].name,
				after ? "recreated after" : "dropped before", retort_db_errmsg(r->db));
	}
	/* all recreated, then each checked (a trigger may read a view); a
	** trigger's check compiles the triggers it fires too: all are named */
	for (i = 0, checking = after && !r->o->dry_run && !why.len; checking && i < n; i++)
		if ((rc = retort_drift_check(r->db, &o[i])) != SQLITE_OK)
			retort_buf_printf(&why, "%sthe %s \"%s\" no longer applies after it: %s",
				why.len ? "; " : "", o[i].type, o[i].name, retort_db_errmsg(r->db));
	if (why.len && retort_db_is_busy(rc))
		rc = db_error(r, rc, "cannot carry an object");
	else if (why.len)
		rc = retort_buf_oom(&why) ? retort_error_oom(r->err) : retort_error_set(r->err, RETORT_EDB,
			"%s %s was rolled back: %s",
			r->dir == RETORT_UPGRADE ? "upgrade" : "downgrade", rev->id, why.ptr);
	else
		rc = 0;
	retort_buf_release(&why);
	return rc;
}

/* Run `rev` in the open transaction: its statements, the version table,
** its history row. */
static int apply_revision(run *r, const retort_revision *rev, double t0)
{
	const rev_section *sec = &rev->section[r->dir];
	char started[32];
	size_t i;
	int rc = 0;

	/* run_init checked what was pending then; this one may have become
	** pending since, when another process reverted it */
	if ((rc = refuse(r, rev)))
		return rc;
	utc_now(started);
	r->rev = rev;
	emit_revision(r, RETORT_EVENT_BEGIN, rev, 0);
	if ((rc = fk_snapshot(r, sec)))
		return rc;
	retort_dataloss_check(r->dl, sec->stmts, sec->n_stmts, on_loss, r);
	rc = carry(r, rev, 0);
	for (i = 0; i < sec->n_stmts && !rc; i++) {
		rc = run_statement(r, rev, &sec->stmts[i]);
		r->dirty = r->dirty || may_orphan(sec->stmts[i].sql);
	}
	if (!rc)
		rc = carry(r, rev, 1);
	if (rc)
		return rc;
	r->applied[rev->index] = r->dir == RETORT_UPGRADE;
	move_heads(r, rev);
	rc = write_version(r, r->heads, r->n_heads, 1);
	if (!rc)
		rc = history(r, rev, r->dir == RETORT_UPGRADE ? "upgrade" : "downgrade",
			r->dir, started, t0);
	return rc ? rc : engine_flush(r);
}

/* Check foreign keys (when something ran) and COMMIT the open transaction. */
static int commit(run *r, const retort_revision *rev)
{
	int rc = 0;

	/* a transaction that holds work is cancelled up to its COMMIT */
	if (r->said_begin && (rc = stop(r)))
		return rc;
	if (r->dirty && (rc = fk_check(r, rev)))
		return rc;
	if (r->said_begin)
		say(r, NULL, "COMMIT;", 0);
	if (!r->o->dry_run && (rc = retort_db_exec(r->db, "COMMIT")) != SQLITE_OK)
		return db_error(r, rc, "cannot commit");
	r->in_txn = r->said_begin = 0;
	return 0;
}

/*
** The run was cancelled while `rev` ran (NULL: a stamp, or a whole run in
** one transaction at its COMMIT) and what it had not committed is rolled
** back. The error a stopped statement raised (SQLite's "interrupted") is
** replaced by one that says so; the backup's own stays.
*/
static int cancelled_error(run *r, const retort_revision *rev)
{
	const char *verb = r->stamp ? "stamp" : r->dir == RETORT_UPGRADE ? "upgrade" : "downgrade";
	retort_buf what = RETORT_BUF_INIT;
	int rc;

	if (!r->err)
		return RETORT_ECANCELLED;
	if (*r->err && (*r->err)->code == RETORT_ECANCELLED)
		return RETORT_ECANCELLED;
	retort_error_free(*r->err);
	*r->err = NULL;
	retort_buf_puts(&what, verb);
	if (rev)
		retort_buf_printf(&what, " %s", rev->id);
	if (r->o->dry_run)
		retort_buf_puts(&what, " cancelled (a dry run: nothing was changed)");
	else if (r->o->one_transaction && !r->stamp)
		retort_buf_puts(&what, " cancelled: the whole run was rolled back (one transaction)");
	else
		retort_buf_puts(&what, " cancelled and rolled back");
	/* at the statement it stopped, when one of `rev`'s was running */
	rc = retort_buf_oom(&what) ? retort_error_oom(r->err) : rev && r->stopped ?
		error_in(r, rev, r->stopped, RETORT_ECANCELLED, -1, what.ptr) :
		retort_error_set(r->err, RETORT_ECANCELLED, "%s", what.ptr);
	retort_buf_release(&what);
	return rc;
}

/* ---- upgrade and downgrade ------------------------------------------- */

/* Foreign keys off, outside any transaction, read back to be sure. */
static int foreign_keys_off(run *r)
{
	sqlite3_int64 on = 0;
	int pass, rc = 0;

	for (pass = 0; pass < 2 && !rc; pass++) {
		rc = retort_db_query_int64(r->db, "PRAGMA foreign_keys", &on);
		if (rc != SQLITE_OK)
			return db_error(r, rc, "cannot read PRAGMA foreign_keys");
		if (pass == 0) {
			r->fk_was_on = on;
			if (!on || r->o->dry_run)
				return 0;
			if ((rc = exec_sql(r, "PRAGMA foreign_keys = OFF")))
				return rc;
			r->fk_turned_off = 1;
		}
	}
	if (on)
		return retort_error_set(r->err, RETORT_EDB, "cannot turn foreign keys off");
	return 0;
}

static int migrate(run *r)
{
	const retort_revision *next = NULL, *running = NULL;
	double t0 = 0;
	int rc = 0, progress = !r->o->dry_run && (r->o->on_event || r->o->cancel ||
		r->o->progress);

	if (r->o->on_event || r->o->progress)
		r->dl = retort_dataloss_new(r->db, r->o->dry_run);
	if (progress)
		retort_db_tick_hook(r->db, PROGRESS_STEPS, on_progress, r);
	if (progress && r->o->progress)
		retort_db_row_hook(r->db, on_row, r);
	for (;;) {
		if (!r->in_txn && (rc = begin(r)))
			break;
		if (!(next = retort_revgraph_next(r->revs, r->applied, r->scope, r->dir)))
			break;
		t0 = mono_now();
		running = r->o->one_transaction ? NULL : next;
		if ((rc = before_change(r)) || (rc = apply_revision(r, next, t0)))
			break;
		if (!r->o->one_transaction && (rc = commit(r, next)))
			break;
		running = NULL;
		emit_revision(r, RETORT_EVENT_DONE, next, mono_now() - t0);
	}
	if (!rc && r->in_txn)
		rc = commit(r, NULL);
	if (rc)
		rollback(r);
	/* a lost connection (a dqlite leader gone): read again what was done */
	if (rc && !r->o->dry_run && retort_db_lost(r->db))
		rc = retort_lost_resolve(r->db, r->vtable, running, r->dir, r->err);
	if (progress)
		retort_db_tick_hook(r->db, 0, NULL, NULL);
	if (progress && r->o->progress)
		retort_db_row_hook(r->db, NULL, NULL);
	return rc && r->cancelled ? cancelled_error(r, next) : rc;
}

/* ---- entry points ----------------------------------------------------- */

/*
** Check the handle, read where the database is and resolve TARGET against
** it, once: later transactions re-read the version table, never TARGET.
*/
static int run_init(run *r, retort_db *db, const retort_revisions *revs, const char *target,
	const retort_migrate_options *opts, retort_direction dir, int stamp,
	const apply_commits *shared, retort_error **err)
{
	char **ids = NULL;
	size_t n = 0, i;
	int rc;

	memset(r, 0, sizeof(*r));
	retort_buf_init(&r->sql);
	retort_buf_init(&r->queued);
	r->applied_by = who_applies();
	r->db = db;
	r->revs = revs;
	r->err = err;
	r->dir = dir;
	r->stamp = stamp;
	/* a struct of another layout is not read further, not even its callbacks */
	rc = opts ? retort_options_check(opts->version, RETORT_MIGRATE_OPTIONS_VERSION,
		"retort_migrate_options", err) : 0;
	r->o = opts && !rc ? opts : &default_options;
	if (rc)
		return rc;
	r->vtable = retort_config_version_table(r->o->cfg);
	if (shared) {
		r->commits = shared->commits;
		r->commits_looked_up = r->commits_borrowed = 1;
	}
	if (!db && !r->o->dry_run)
		return retort_error_set(err, RETORT_EINVALID, "no database handle");
	if (db && retort_db_in_transaction(db))
		return retort_error_set(err, RETORT_EINVALID, "the handle is inside a transaction");
	/* one deadline for the whole run: its reads, each BEGIN IMMEDIATE, the
	** re-read of the version table and each COMMIT wait out of one budget */
	if (db && r->o->busy_timeout_ms >= 0) {
		r->wait.budget_ms = r->o->busy_timeout_ms;
		retort_db_busy_wait(db, &r->wait, 0);
		r->waiting = 1;
	}
	r->heads = malloc((revs->n + 1) * sizeof(*r->heads));
	if (!r->heads)
		return retort_error_oom(err);
	/* data_version first: a commit between the two reads makes the first
	** transaction read the table again */
	rc = db && !stamp ? read_data_version(r, &r->data_version) : 0;
	if (!rc)
		rc = retort_vtable_read(&ids, &n, db, r->vtable, &r->read_version, err);
	if (!rc)
		rc = retort_revisions_resolve(&r->targets, &r->n_targets, revs, target,
			(const char *const *)ids, n, err);
	if (!rc)
		rc = retort_revgraph_scope(&r->scope, revs, r->targets, r->n_targets, dir, err);
	/* a stamp needs no applied set: it is how a database at an unknown
	** revision is set right */
	if (!rc && !stamp)
		rc = take_state(r, ids, n, 0);
	/* where a dry run's script will expect the database (guard) */
	r->rows = ids;
	r->n_rows = n;
	if (rc)
		return rc;
	/* a target the other way is a mistake, not "nothing to do" */
	if (!stamp && (rc = retort_revgraph_check_way(revs, r->applied, r->heads, r->n_heads, r->targets,
			r->n_targets, target, dir, err)))
		return rc;
	/* every revision the run would take, before anything runs */
	for (i = 0; !stamp && i < revs->n && !rc; i++)
		if (r->scope[i] && r->applied[i] == (dir == RETORT_DOWNGRADE))
			rc = refuse(r, revs->revs[i]);
	if (!rc && !stamp && db)
		rc = retort_drift_find(&r->drift, r->db, revs, r->applied, r->scope, dir, err);
	if (!rc && r->drift && !r->o->carry_unknown_objects)
		rc = retort_drift_refuse(r->drift, dir, err);
	return rc;
}

/* The run's last progress: its result, and its error when the caller
** asked for one. */
static int finish(run *r, int rc)
{
	retort_progress p = { .kind = RETORT_PROGRESS_DONE, .result = rc,
		.error = rc && r->err ? *r->err : NULL };

	if (r->o->progress)
		tell(r, &p);
	return rc;
}

static int migrate_entry(retort_db *db, const retort_revisions *revs, const char *target,
	const retort_migrate_options *opts, retort_direction dir, const apply_commits *shared,
	retort_error **err)
{
	run r;
	int rc = run_init(&r, db, revs, target, opts, dir, 0, shared, err);

	if (!rc && db)
		rc = foreign_keys_off(&r);
	if (!rc)
		rc = migrate(&r);
	if (r.fk_turned_off)
		retort_db_exec(db, "PRAGMA foreign_keys = ON");
	if (r.started && r.o->dry_run && r.fk_was_on)
		say(&r, NULL, "PRAGMA foreign_keys = ON;", 0);
	rc = finish(&r, rc);
	run_release(&r);
	return rc;
}

static int stamp_entry(retort_db *db, const retort_revisions *revs, const char *target,
	const retort_migrate_options *opts, const apply_commits *shared, retort_error **err)
{
	run r;
	char started[32];
	double t0 = mono_now();
	size_t i;
	int rc = run_init(&r, db, revs, target, opts, RETORT_UPGRADE, 1, shared, err);

	utc_now(started);
	if (!rc && !(rc = begin(&r)) && !(rc = before_change(&r)))
		rc = write_version(&r, r.targets, r.n_targets, 0);
	/* one row per revision stamped; base is one row without a revision */
	for (i = 0; !rc && i < (r.n_targets ? r.n_targets : 1); i++)
		rc = history(&r, r.n_targets ? r.targets[i] : NULL, "stamp", RETORT_UPGRADE,
			started, t0);
	if (!rc)
		rc = engine_flush(&r);
	if (!rc)
		rc = commit(&r, NULL);
	if (rc)
		rollback(&r);
	if (rc && r.cancelled)
		rc = cancelled_error(&r, NULL);
	for (i = 0; !rc && i < (r.n_targets ? r.n_targets : 1); i++)
		emit_revision(&r, RETORT_EVENT_DONE, r.n_targets ? r.targets[i] : NULL,
			mono_now() - t0);
	rc = finish(&r, rc);
	run_release(&r);
	return rc;
}

int retort_apply_run(retort_db *db, const retort_revisions *revs, const char *target,
	const retort_migrate_options *opts, retort_direction dir, int stamp,
	const apply_commits *shared, retort_error **err)
{
	return stamp ? stamp_entry(db, revs, target, opts, shared, err) :
		migrate_entry(db, revs, target, opts, dir, shared, err);
}


int retort_db_upgrade(retort_db *db, const retort_revisions *revs, const char *target,
	const retort_migrate_options *opts, retort_error **err)
{
	return migrate_entry(db, revs, target, opts, RETORT_UPGRADE, NULL, err);
}

int retort_db_downgrade(retort_db *db, const retort_revisions *revs, const char *target,
	const retort_migrate_options *opts, retort_error **err)
{
	return migrate_entry(db, revs, target, opts, RETORT_DOWNGRADE, NULL, err);
}

int retort_db_stamp(retort_db *db, const retort_revisions *revs, const char *target,
	const retort_migrate_options *opts, retort_error **err)
{
	return stamp_entry(db, revs, target, opts, NULL, err);
}

/* A run on the app's own handle (NULL: a dry run on no database), through a
** connection that wraps it. */
static int on_handle(sqlite3 *db, const retort_revisions *revs, const char *target,
	const retort_migrate_options *opts, retort_direction dir, int stamp, retort_error **err)
{
	retort_db *c;
	int rc = retort_db_wrap_handle(&c, db, err);

	if (!rc)
		rc = retort_apply_run(c, revs, target, opts, dir, stamp, NULL, err);
	retort_db_free(c);
	return rc;
}

int retort_upgrade(sqlite3 *db, const retort_revisions *revs, const char *target,
	const retort_migrate_options *opts, retort_error **err)
{
	return on_handle(db, revs, target, opts, RETORT_UPGRADE, 0, err);
}

int retort_downgrade(sqlite3 *db, const retort_revisions *revs, const char *target,
	const retort_migrate_options *opts, retort_error **err)
{
	return on_handle(db, revs, target, opts, RETORT_DOWNGRADE, 0, err);
}

int retort_stamp(sqlite3 *db, const retort_revisions *revs, const char *target,
	const retort_migrate_options *opts, retort_error **err)
{
	return on_handle(db, revs, target, opts, RETORT_UPGRADE, 1, err);
}
