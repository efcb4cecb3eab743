/*
** db/sqlite.c: the local SQLite file as a backend of db.h: what a sqlite://
** URL or a plain path names, opening the file for a command (a hot journal
** rolled back, the wait of a run), and the operations on its handle.
*/
#include "db/sqlite.h"
#include "buf.h"
#include "fileio.h"
#include "db/dbopen.h"
#include "error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define SUPPORTED_URLS "retort supports sqlite:///relative.db, " \
	"sqlite:////absolute.db, sqlite:// (in memory), sqlite+DRIVER://..., " \
	"dqlite://HOST:PORT[,HOST:PORT...]/DBNAME and plain file paths"

/* ------------------------------------------------------------------ */
/* Opening a file                                                       */
/* ------------------------------------------------------------------ */

/* "./" in front of a relative name that SQLite would read as a URI (the
** test is SQLite's own: case-sensitive "file:"). */
int retort_db_sqlite_open_path(const char *path, sqlite3 **db, int flags)
{
	retort_buf name = RETORT_BUF_INIT;
	int rc;

	if (strncmp(path, "file:", 5) == 0) {
		retort_buf_puts(&name, "./");
		retort_buf_puts(&name, path);
		if (retort_buf_oom(&name)) {
			*db = NULL;
			return SQLITE_NOMEM;
		}
		path = name.ptr;
	}
	rc = sqlite3_open_v2(path, db, flags & ~SQLITE_OPEN_URI, NULL);
	retort_buf_release(&name);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Live databases                                                       */
/* ------------------------------------------------------------------ */

static long long mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* SQLite's own steps (sqliteDefaultBusyCallback), cut to what is left. */
static int wait_busy(void *ctx, int count)
{
	static const int steps_ms[] = { 1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100 };
	const int n_steps = (int)(sizeof(steps_ms) / sizeof(steps_ms[0]));
	db_wait *w = ctx;
	long long left = (long long)w->budget_ms * 1000000LL - w->spent_ns, step, t0;
	struct timespec ts;

	if (left <= 0)
		return 0;
	step = (long long)steps_ms[count < n_steps ? count : n_steps - 1] * 1000000LL;
	if (step > left)
		step = left;
	ts.tv_sec = (time_t)(step / 1000000000LL);
	ts.tv_nsec = (long)(step % 1000000000LL);
	t0 = mono_ns();
	nanosleep(&ts, NULL);
	w->spent_ns += mono_ns() - t0;
	return 1;
}

void retort_db_wait_attach(sqlite3 *db, db_wait *w)
{
	sqlite3_busy_handler(db, wait_busy, w);
}

/* May this process write `path` (its effective ids; a read-only mount too)? */
static int writable(const char *path)
{
	return faccessat(AT_FDCWD, path, W_OK, AT_EACCESS) == 0;
}

/* Is `path` a database in WAL mode (its header's read and write versions 2)? */
static int is_wal(const char *path)
{
	unsigned char head[20];
	FILE *f = fopen(path, "rb");
	int wal = f && fread(head, 1, sizeof(head), f) == sizeof(head) && head[18] == 2 &&
		head[19] == 2;

	if (f)
		fclose(f);
	return wal;
}

static int locked(const db_wait *wait, retort_error **err)
{
	return retort_db_error(err, NULL, SQLITE_BUSY, wait ? wait->budget_ms : -1,
		"cannot read the database");
}

/*
** SQLite reads a file only when a statement needs it: reading the schema
** cookie checks the header and finds a hot journal. The extended code.
*/
static int read_header(sqlite3 *db)
{
	sqlite3_exec(db, "PRAGMA schema_version", NULL, NULL, NULL);
	return sqlite3_extended_errcode(db);
}

/*
** A hot journal: a process stopped inside a write transaction and left
** `path`-journal, which the next connection that may write plays back
** (read-only ones fail with SQLITE_READONLY_ROLLBACK). Roll it back so,
** with a read-write connection that never creates the file, when this
** process may write the file and its folder (the journal is deleted from
** it); else say plainly what is wrong and what to do.
*/
static int roll_back_journal(const char *path, const char *dir, db_wait *wait,
	retort_error **err)
{
	sqlite3 *db = NULL;
	int rc = SQLITE_READONLY;

	if (writable(path) && writable(dir) &&
	    retort_db_sqlite_open_path(path, &db, SQLITE_OPEN_READWRITE) == SQLITE_OK &&
	    !sqlite3_db_readonly(db, "main")) {
		if (wait)
			retort_db_wait_attach(db, wait);
		rc = read_header(db);
	}
	if ((rc & 0xff) == SQLITE_BUSY)
		rc = locked(wait, err);
	else if (rc != SQLITE_OK)
		rc = retort_error_set(err, RETORT_EDB, "database '%s' has an unfinished transaction "
			"(a hot journal, '%s-journal', left by a process that stopped in the "
			"middle of a write); only a connection that may write can roll it back, "
			"and this user cannot write '%s' or its folder%s%s: run retort as the "
			"file's owner, or have the owner run: sqlite3 '%s' 'PRAGMA schema_version'",
			path, path, path, db ? ": " : "", db ? sqlite3_errmsg(db) : "", path);
	sqlite3_close(db);
	return rc;
}

/* Why reading `path` failed with `rc` (the handle `db`'s), as an error. */
static int read_error(sqlite3 *db, int rc, const char *path, const char *dir, db_wait *wait,
	retort_error **err)
{
	if ((rc & 0xff) == SQLITE_NOTADB)
		return retort_error_set(err, RETORT_EINVALID, "'%s' is not a SQLite database", path);
	if ((rc & 0xff) == SQLITE_BUSY)
		return locked(wait, err);
	/* WAL mode: even reading needs the -wal and -shm files, created next to
	** the database when missing, and a -shm rebuilt after a process stopped
	** in the middle of a write: both need a connection that may write them
	** (SQLite's "WAL in a read-only folder", and its SQLITE_PROTOCOL after
	** retrying a -shm it cannot rebuild) */
	if ((rc & 0xff) != SQLITE_IOERR && (rc & 0xff) != SQLITE_CORRUPT && is_wal(path))
		return retort_error_set(err, RETORT_EDB, "cannot read database '%s' (%s): it is in WAL "
			"mode, where reading needs its '%s-wal' and '%s-shm' files, the -shm created "
			"when missing or rebuilt after a process stopped in the middle of a write, "
			"and this user cannot write '%s-shm' or its folder '%s': run retort as the "
			"file's owner (any command that reads the database rebuilds it)", path,
			sqlite3_errmsg(db), path, path, path, dir);
	return retort_error_set(err, RETORT_EDB, "cannot read database '%s': %s", path,
		sqlite3_errmsg(db));
}

int retort_db_sqlite_open_live(sqlite3 **out, const char *path, unsigned how, db_wait *wait,
	int *recovered, retort_error **err)
{
	int write = (how & DB_LIVE_WRITE) != 0, rc = 0, sql_rc = SQLITE_OK, tries;
	/* CREATE also lets the revisions ATTACH a file that does not exist yet */
	int flags = !write ? SQLITE_OPEN_READONLY :
		SQLITE_OPEN_READWRITE | (how & DB_LIVE_CREATE ? SQLITE_OPEN_CREATE : 0);
	char *dir = NULL;
	struct stat st;

	*out = NULL;
	if (recovered)
		*recovered = 0;
	if (strcmp(path, ":memory:") == 0) {
		if (retort_db_sqlite_open_path(path, out, flags) != SQLITE_OK)
			rc = retort_error_oom(err);
		goto done;
	}
	dir = retort_path_dirname(path);
	if (!dir) {
		rc = retort_error_oom(err);
		goto done;
	}
	if (stat(path, &st) != 0) {
		if (errno != ENOENT && errno != ENOTDIR) {
			rc = retort_error_set(err, RETORT_EDB, "cannot open database '%s': %s", path,
				strerror(errno));
		} else if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
			/* no command could create it there */
			rc = retort_error_set(err, RETORT_ENOTFOUND, "the folder '%s' of database '%s' does not "
				"exist", dir, path);
		} else if (!write) {
			rc = 0; /* not created yet: at base */
		} else if (!(how & DB_LIVE_CREATE)) {
			rc = retort_error_set(err, RETORT_ENOTFOUND, "database '%s' does not exist", path);
		} else if (!writable(dir)) {
			rc = retort_error_set(err, RETORT_EDB, "cannot create database '%s': its folder '%s' is "
				"read-only", path, dir);
		} else if (retort_db_sqlite_open_path(path, out, flags) != SQLITE_OK) {
			rc = retort_error_set(err, RETORT_EDB, "cannot create database '%s': %s", path,
				*out ? sqlite3_errmsg(*out) : "out of memory");
		}
		goto done;
	}
	if (S_ISDIR(st.st_mode)) {
		rc = retort_error_set(err, RETORT_EINVALID, "database '%s' is a directory, not a SQLite "
			"database file", path);
		goto done;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = retort_error_set(err, RETORT_EINVALID, "database '%s' is not a regular file", path);
		goto done;
	}
	/* at most one hot journal rolled back: then the file is read again */
	for (tries = 0; tries < 2; tries++) {
		if (retort_db_sqlite_open_path(path, out, flags) != SQLITE_OK) {
			rc = retort_error_set(err, RETORT_EDB, "cannot open database '%s': %s", path,
				*out ? sqlite3_errmsg(*out) : "out of memory");
			goto done;
		}
		/* SQLite opens a file it may not write read-only, without a word */
		if (write && sqlite3_db_readonly(*out, "main")) {
			rc = retort_error_set(err, RETORT_EDB, "database '%s' is read-only", path);
			goto done;
		}
		if (write && !writable(dir)) {
			rc = retort_error_set(err, RETORT_EDB, "database '%s' is read-only: its folder '%s' is, "
				"and SQLite writes its journal there", path, dir);
			goto done;
		}
		if (wait)
			retort_db_wait_attach(*out, wait);
		sql_rc = read_header(*out);
		if (sql_rc != SQLITE_READONLY_ROLLBACK || tries)
			break;
		sqlite3_close(*out);
		*out = NULL;
		rc = roll_back_journal(path, dir, wait, err);
		if (rc)
			goto done;
		if (recovered)
			*recovered = 1;
	}
	/* without a wait, a busy header is left to the caller's reads, which wait */
	if (sql_rc != SQLITE_OK && !(!wait && (sql_rc & 0xff) == SQLITE_BUSY))
		rc = read_error(*out, sql_rc, path, dir, wait, err);
done:
	if (rc) {
		sqlite3_close(*out);
		*out = NULL;
	} else if (*out && wait) {
		retort_db_wait_attach(*out, wait);
	}
	free(dir);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Database URLs                                                        */
/* ------------------------------------------------------------------ */

/* Is `s[0..n)` "sqlite" or "sqlite+DRIVER" (SQLAlchemy's dialect+driver)? */
static int is_sqlite_scheme(const char *s, size_t n)
{
	size_t i;

	if (n < 6 || strncasecmp(s, "sqlite", 6) != 0)
		return 0;
	if (n == 6)
		return 1;
	if (s[6] != '+' || n == 7)
		return 0;
	for (i = 7; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.'))
			return 0;
	}
	return 1;
}

/*
** A name as written that SQLite would take for a URI is refused, not read as
** a file of that name: whoever writes `file:x.db` or SQLAlchemy's
** `sqlite:///file:x.db?uri=true` means the URI, and would get another file.
*/
static int refuse_uri(const char *url, const char *name, retort_buf *why)
{
	if (strncmp(name, "file:", 5) != 0)
		return 0;
	retort_buf_printf(why, "database URL '%s' is a SQLite URI (file:...), which retort does not "
		"open: name the file instead; %s (a file whose name starts with 'file:' is "
		"./file:...)", url, SUPPORTED_URLS);
	return RETORT_EINVALID;
}

/*
** Query strings (`sqlite:///x.db?mode=ro`) are dropped: they carry the app
** driver's connection options, which mean nothing to retort; dropping them
** lets an app's own DATABASE_URL work unchanged, as the driver suffix does.
*/
int retort_db_sqlite_url_path(char **out, const char *url, const char *base_dir,
	retort_buf *why)
{
	const char *sep, *rest;
	char *path = NULL;
	size_t scheme_len;

	*out = NULL;
	if (!url || !*url) {
		retort_buf_puts(why, "empty database URL: " SUPPORTED_URLS);
		return RETORT_EINVALID;
	}

	sep = strstr(url, "://");
	if (!sep) {
		/* "sqlite:x.db" is a mistyped URL, not a file named so. */
		const char *colon = strchr(url, ':');
		if (colon && is_sqlite_scheme(url, (size_t)(colon - url))) {
			retort_buf_printf(why, "malformed database URL '%s': expected "
				"sqlite:///relative.db or sqlite:////absolute.db", url);
			return RETORT_EINVALID;
		}
		if (refuse_uri(url, url, why))
			return RETORT_EINVALID;
		if (strcmp(url, ":memory:") == 0)
			path = retort_xstrdup(url);
		else
			path = retort_path_join(base_dir, url);
		goto done;
	}

	scheme_len = (size_t)(sep - url);
	if (!is_sqlite_scheme(url, scheme_len)) {
		retort_buf_printf(why, "unsupported database URL '%s': " SUPPORTED_URLS, url);
		return RETORT_EINVALID;
	}

	/*
	** SQLAlchemy's forms: after "sqlite://" comes an empty host, then "/"
	** and the path; so three slashes start a relative path and four an
	** absolute one.
	*/
	rest = sep + 3;
	if (*rest != '\0' && *rest != '/' && *rest != '?') {
		retort_buf_printf(why, "database URL '%s' names a host: sqlite URLs have "
			"none; write sqlite:///relative.db or sqlite:////absolute.db", url);
		return RETORT_EINVALID;
	}
	if (*rest == '/')
		rest++;
	if (refuse_uri(url, rest, why))
		return RETORT_EINVALID;
	{
		size_t n = strcspn(rest, "?");

		if (n == 0 || (n == 8 && strncmp(rest, ":memory:", 8) == 0))
			path = retort_xstrdup(":memory:");
		else if (rest[0] == '/') {
			path = retort_xstrndup(rest, n);
		} else {
			char *rel = retort_xstrndup(rest, n);

			path = rel ? retort_path_join(base_dir, rel) : NULL;
			free(rel);
		}
	}
done:
	if (!path) {
		retort_buf_puts(why, "out of memory");
		return RETORT_ERROR;
	}
	*out = path;
	return 0;
}
/* ------------------------------------------------------------------ */
/* The backend                                                          */
/* ------------------------------------------------------------------ */

/* Pages copied per backup step: a cancelled run stops within one. */
#define BACKUP_PAGES 1024

typedef struct sqlite_db {
	retort_db base;
	sqlite3 *handle;
	int owned; /* opened here (closed with the connection), not the app's */
} sqlite_db;

typedef struct sqlite_stmt {
	retort_db_stmt base;
	sqlite3_stmt *st;
} sqlite_stmt;

static sqlite3 *handle_of(retort_db *db)
{
	return ((sqlite_db *)db)->handle;
}

static sqlite3_stmt *stmt_of(retort_db_stmt *st)
{
	return ((sqlite_stmt *)st)->st;
}

static void s_close(retort_db *db)
{
	sqlite_db *s = (sqlite_db *)db;

	if (s->owned)
		sqlite3_close(s->handle);
	free(s->base.location);
	free(s);
}

static int s_prepare(retort_db *db, retort_db_stmt **out, const char *sql, const char **tail)
{
	sqlite3_stmt *st = NULL;
	sqlite_stmt *w;
	int rc = sqlite3_prepare_v2(handle_of(db), sql, -1, &st, tail);

	*out = NULL;
	if (rc != SQLITE_OK || !st)
		return rc;
	w = malloc(sizeof(*w));
	if (!w) {
		sqlite3_finalize(st);
		return SQLITE_NOMEM;
	}
	w->base.db = db;
	w->st = st;
	*out = &w->base;
	return SQLITE_OK;
}

static int s_bind_text(retort_db_stmt *st, int i, const char *text)
{
	return sqlite3_bind_text(stmt_of(st), i, text, -1, SQLITE_TRANSIENT);
}

static int s_bind_int64(retort_db_stmt *st, int i, sqlite3_int64 v)
{
	return sqlite3_bind_int64(stmt_of(st), i, v);
}

static int s_bind_null(retort_db_stmt *st, int i)
{
	return sqlite3_bind_null(stmt_of(st), i);
}

static int s_step(retort_db_stmt *st)
{
	return sqlite3_step(stmt_of(st));
}

static int s_reset(retort_db_stmt *st)
{
	return sqlite3_reset(stmt_of(st));
}

static void s_finalize(retort_db_stmt *st)
{
	sqlite3_finalize(stmt_of(st));
	free(st);
}

static int s_column_count(retort_db_stmt *st)
{
	return sqlite3_column_count(stmt_of(st));
}

static int s_column_type(retort_db_stmt *st, int i)
{
	return sqlite3_column_type(stmt_of(st), i);
}

static sqlite3_int64 s_column_int64(retort_db_stmt *st, int i)
{
	return sqlite3_column_int64(stmt_of(st), i);
}

static double s_column_double(retort_db_stmt *st, int i)
{
	return sqlite3_column_double(stmt_of(st), i);
}

static const char *s_column_text(retort_db_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(stmt_of(st), i);
}

static const char *s_column_name(retort_db_stmt *st, int i)
{
	return sqlite3_column_name(stmt_of(st), i);
}

static int s_stmt_readonly(retort_db_stmt *st)
{
	return sqlite3_stmt_readonly(stmt_of(st));
}

static int s_exec(retort_db *db, const char *sql)
{
	return sqlite3_exec(handle_of(db), sql, NULL, NULL, NULL);
}

static void s_interrupt(retort_db *db)
{
	sqlite3_interrupt(handle_of(db));
}

static int s_in_transaction(retort_db *db)
{
	return !sqlite3_get_autocommit(handle_of(db));
}

static const char *s_errmsg(retort_db *db)
{
	return sqlite3_errmsg(handle_of(db));
}

static int s_error_offset(retort_db *db)
{
	return sqlite3_error_offset(handle_of(db));
}

static int s_readonly(retort_db *db)
{
	return sqlite3_db_readonly(handle_of(db), "main") == 1;
}

/*
** SQLite's online backup to `path` (created empty by the caller). SQLite
** backs nothing up from a connection inside a write transaction, and the
** run holds one: a second, read-only connection reads the file, which is
** then exactly the state the run starts from.
*/
static int s_backup(retort_db *db, const char *path, retort_db_tick_fn tick, void *ctx,
	char **why)
{
	const char *file = sqlite3_db_filename(handle_of(db), "main");
	sqlite3 *src = NULL, *dst = NULL;
	sqlite3_backup *b;
	int rc = retort_db_sqlite_open_path(file, &src, SQLITE_OPEN_READONLY);

	if (rc == SQLITE_OK)
		rc = retort_db_sqlite_open_path(path, &dst, SQLITE_OPEN_READWRITE);
	/* no journal: a copy that fails is deleted whole, and a journal left
	** by a failure (a full disk after a cache spill) would outlive it */
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(dst, "PRAGMA journal_mode = OFF", NULL, NULL, NULL);
	if (rc == SQLITE_OK) {
		b = sqlite3_backup_init(dst, "main", src, "main");
		rc = b ? SQLITE_OK : sqlite3_errcode(dst);
		while (rc == SQLITE_OK && !(tick && tick(ctx)))
			rc = sqlite3_backup_step(b, BACKUP_PAGES);
		sqlite3_backup_finish(b);
		rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
	}
	if (rc != SQLITE_OK) {
		sqlite3 *at = dst ? dst : src;

		*why = retort_xstrdup(sqlite3_errcode(at) != SQLITE_OK ? sqlite3_errmsg(at) :
			sqlite3_errstr(rc));
	}
	sqlite3_close(src);
	sqlite3_close(dst);
	return rc;
}

static void s_row_hook(retort_db *db, retort_db_row_fn fn, void *ctx)
{
	sqlite3_update_hook(handle_of(db), fn, ctx);
}

static void s_tick_hook(retort_db *db, int n, retort_db_tick_fn fn, void *ctx)
{
	sqlite3_progress_handler(handle_of(db), n, fn, ctx);
}

static void s_busy_wait(retort_db *db, retort_db_wait *w, int ms)
{
	if (w)
		retort_db_wait_attach(handle_of(db), w);
	else
		sqlite3_busy_timeout(handle_of(db), ms);
}

static sqlite3 *s_sqlite_handle(retort_db *db)
{
	return handle_of(db);
}

static const retort_db_methods sqlite_methods = {
	.version = RETORT_DB_METHODS_VERSION,
	.name = "sqlite",
	.close = s_close,
	.prepare = s_prepare,
	.bind_text = s_bind_text,
	.bind_int64 = s_bind_int64,
	.bind_null = s_bind_null,
	.step = s_step,
	.reset = s_reset,
	.finalize = s_finalize,
	.column_count = s_column_count,
	.column_type = s_column_type,
	.column_int64 = s_column_int64,
	.column_double = s_column_double,
	.column_text = s_column_text,
	.column_name = s_column_name,
	.stmt_readonly = s_stmt_readonly,
	.exec = s_exec,
	.interrupt = s_interrupt,
	.in_transaction = s_in_transaction,
	.errmsg = s_errmsg,
	.error_offset = s_error_offset,
	.readonly = s_readonly,
	.backup = s_backup,
	.row_hook = s_row_hook,
	.tick_hook = s_tick_hook,
	.busy_wait = s_busy_wait,
	.sqlite_handle = s_sqlite_handle,
};

/* A connection over `handle`; `owned`: closed with it. NULL handle: 0 and
** *out NULL. On OOM an owned handle is closed. */
static int connection(retort_db **out, sqlite3 *handle, int owned, retort_error **err)
{
	const char *file = handle ? sqlite3_db_filename(handle, "main") : NULL;
	sqlite_db *s;

	*out = NULL;
	if (!handle)
		return 0;
	s = calloc(1, sizeof(*s));
	if (s)
		s->base.location = retort_xstrdup(file ? file : "");
	if (!s || !s->base.location) {
		free(s);
		if (owned)
			sqlite3_close(handle);
		return retort_error_oom(err);
	}
	s->base.methods = &sqlite_methods;
	s->handle = handle;
	s->owned = owned;
	*out = &s->base;
	return 0;
}

int retort_db_open_file(retort_db **out, const char *path, unsigned how, retort_db_wait *wait,
	int *recovered, retort_error **err)
{
	sqlite3 *handle = NULL;
	int rc = retort_db_sqlite_open_live(&handle, path, how, wait, recovered, err);

	*out = NULL;
	return rc ? rc : connection(out, handle, 1, err);
}

int retort_db_sqlite_open(retort_db **out, const char *url, const char *base_dir,
	unsigned how, retort_db_wait *wait, int *recovered, retort_error **err)
{
	retort_buf why = RETORT_BUF_INIT;
	char *path = NULL;
	int rc = retort_db_sqlite_url_path(&path, url, base_dir, &why);

	*out = NULL;
	if (rc < 0)
		retort_error_set(err, rc, "%s", retort_buf_oom(&why) ? "out of memory" : why.ptr);
	else
		rc = retort_db_open_file(out, path, how, wait, recovered, err);
	retort_buf_release(&why);
	free(path);
	return rc;
}

int retort_db_wrap(retort_db **out, sqlite3 *db, retort_error **err)
{
	*out = NULL;
	if (!db)
		return retort_error_set(err, RETORT_EINVALID, "no database handle");
	return connection(out, db, 0, err);
}

int retort_db_wrap_handle(retort_db **out, sqlite3 *handle, retort_error **err)
{
	return connection(out, handle, 0, err);
}
