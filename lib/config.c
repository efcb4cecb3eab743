/*
** config.c: finding and reading retort.yaml (SPEC section 1), and turning
** database URLs into SQLite file paths.
*/
#include "buf.h"
#include "dbopen.h"
#include "error.h"
#include "fileio.h"
#include "ydoc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define CONFIG_NAME "retort.yaml"
#define DEFAULT_MODELS "models/"
#define DEFAULT_REVISIONS "revisions/"
#define DEFAULT_VERSION_TABLE "retort_version"
#define HISTORY_TABLE "retort_history"

#define SUPPORTED_URLS "retort supports sqlite:///relative.db, " \
	"sqlite:////absolute.db, sqlite:// (in memory), sqlite+DRIVER://... " \
	"and plain file paths"

struct retort_config {
	char *path;          /* the file read, or NULL for a default config */
	char *dir;           /* what relative paths are resolved against */
	char *database;      /* the `database` URL as written, or NULL */
	char *database_path; /* that URL as a path, resolved against dir */
	char *databases;     /* a fleet: a glob or @FILE, as written, or NULL */
	char *models;
	char *revisions;
	char *version_table;
	char **exclude;
	size_t exclude_n, exclude_cap;
};

static const char *const config_keys[] = {
	"database", "databases", "models", "revisions", "version_table", "exclude", NULL
};

/* ------------------------------------------------------------------ */
/* Paths                                                                */
/* ------------------------------------------------------------------ */

/* The folder part of a file path: "." when there is none. */
static char *path_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return xstrdup(".");
	while (slash > path && slash[-1] == '/')
		slash--;
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

/*
** An absolute, lexically normalised form of `dir` ("." and ".." resolved
** the way a shell's `cd` does), for walking up to the parents.
*/
static char *path_absolute(const char *dir, retort_error **err)
{
	retort_buf raw = RETORT_BUF_INIT, out = RETORT_BUF_INIT;
	const char *p;
	char *cwd = NULL, *result = NULL;

	if (dir[0] != '/') {
		size_t size = 256;

		for (;;) {
			char *grown = realloc(cwd, size);

			if (!grown) {
				error_oom(err);
				goto done;
			}
			cwd = grown;
			if (getcwd(cwd, size))
				break;
			if (errno != ERANGE) {
				error_set(err, RETORT_ERROR,
					"cannot get the working directory: %s", strerror(errno));
				goto done;
			}
			size *= 2;
		}
		buf_puts(&raw, cwd);
		buf_putc(&raw, '/');
	}
	buf_puts(&raw, dir);
	if (buf_oom(&raw)) {
		error_oom(err);
		goto done;
	}

	for (p = raw.ptr; *p; ) {
		size_t n;

		while (*p == '/')
			p++;
		n = strcspn(p, "/");
		if (n == 0 || (n == 1 && p[0] == '.')) {
			/* nothing */
		} else if (n == 2 && p[0] == '.' && p[1] == '.') {
			char *slash = strrchr(out.ptr, '/');
			buf_truncate(&out, slash ? (size_t)(slash - out.ptr) : 0);
		} else {
			buf_putc(&out, '/');
			buf_put(&out, p, n);
		}
		p += n;
	}
	if (out.len == 0)
		buf_putc(&out, '/');
	result = buf_detach(&out);
	if (!result)
		error_oom(err);
done:
	buf_release(&raw);
	buf_release(&out);
	free(cwd);
	return result;
}

static int is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* ------------------------------------------------------------------ */
/* Database URLs                                                        */
/* ------------------------------------------------------------------ */

static int has_prefix_nocase(const char *s, const char *prefix)
{
	return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

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

/* "./" in front of a relative name that SQLite would read as a URI (the
** test is SQLite's own: case-sensitive "file:"). */
int db_open(const char *path, sqlite3 **db, int flags)
{
	retort_buf name = RETORT_BUF_INIT;
	int rc;

	if (strncmp(path, "file:", 5) == 0) {
		buf_puts(&name, "./");
		buf_puts(&name, path);
		if (buf_oom(&name)) {
			*db = NULL;
			return SQLITE_NOMEM;
		}
		path = name.ptr;
	}
	rc = sqlite3_open_v2(path, db, flags & ~SQLITE_OPEN_URI, NULL);
	buf_release(&name);
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

void db_wait_attach(sqlite3 *db, db_wait *w)
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
	if (wait)
		return error_set(err, RETORT_EBUSY, "the database is locked (waited %d ms)",
			wait->budget_ms);
	return error_set(err, RETORT_EBUSY, "the database is locked");
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
	    db_open(path, &db, SQLITE_OPEN_READWRITE) == SQLITE_OK &&
	    !sqlite3_db_readonly(db, "main")) {
		if (wait)
			db_wait_attach(db, wait);
		rc = read_header(db);
	}
	if ((rc & 0xff) == SQLITE_BUSY)
		rc = locked(wait, err);
	else if (rc != SQLITE_OK)
		rc = error_set(err, RETORT_EDB, "database '%s' has an unfinished transaction "
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
		return error_set(err, RETORT_EINVALID, "'%s' is not a SQLite database", path);
	if ((rc & 0xff) == SQLITE_BUSY)
		return locked(wait, err);
	/* WAL mode: even reading needs the -wal and -shm files, created next to
	** the database when missing, and a -shm rebuilt after a process stopped
	** in the middle of a write: both need a connection that may write them
	** (SQLite's "WAL in a read-only folder", and its SQLITE_PROTOCOL after
	** retrying a -shm it cannot rebuild) */
	if ((rc & 0xff) != SQLITE_IOERR && (rc & 0xff) != SQLITE_CORRUPT && is_wal(path))
		return error_set(err, RETORT_EDB, "cannot read database '%s' (%s): it is in WAL "
			"mode, where reading needs its '%s-wal' and '%s-shm' files, the -shm created "
			"when missing or rebuilt after a process stopped in the middle of a write, "
			"and this user cannot write '%s-shm' or its folder '%s': run retort as the "
			"file's owner (any command that reads the database rebuilds it)", path,
			sqlite3_errmsg(db), path, path, path, dir);
	return error_set(err, RETORT_EDB, "cannot read database '%s': %s", path,
		sqlite3_errmsg(db));
}

int db_open_live(sqlite3 **out, const char *path, unsigned how, db_wait *wait,
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
		if (db_open(path, out, flags) != SQLITE_OK)
			rc = error_oom(err);
		goto done;
	}
	dir = path_dirname(path);
	if (!dir) {
		rc = error_oom(err);
		goto done;
	}
	if (stat(path, &st) != 0) {
		if (errno != ENOENT && errno != ENOTDIR) {
			rc = error_set(err, RETORT_EDB, "cannot open database '%s': %s", path,
				strerror(errno));
		} else if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
			/* no command could create it there */
			rc = error_set(err, RETORT_ENOTFOUND, "the folder '%s' of database '%s' does not "
				"exist", dir, path);
		} else if (!write) {
			rc = 0; /* not created yet: at base */
		} else if (!(how & DB_LIVE_CREATE)) {
			rc = error_set(err, RETORT_ENOTFOUND, "database '%s' does not exist", path);
		} else if (!writable(dir)) {
			rc = error_set(err, RETORT_EDB, "cannot create database '%s': its folder '%s' is "
				"read-only", path, dir);
		} else if (db_open(path, out, flags) != SQLITE_OK) {
			rc = error_set(err, RETORT_EDB, "cannot create database '%s': %s", path,
				*out ? sqlite3_errmsg(*out) : "out of memory");
		}
		goto done;
	}
	if (S_ISDIR(st.st_mode)) {
		rc = error_set(err, RETORT_EINVALID, "database '%s' is a directory, not a SQLite "
			"database file", path);
		goto done;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = error_set(err, RETORT_EINVALID, "database '%s' is not a regular file", path);
		goto done;
	}
	/* at most one hot journal rolled back: then the file is read again */
	for (tries = 0; tries < 2; tries++) {
		if (db_open(path, out, flags) != SQLITE_OK) {
			rc = error_set(err, RETORT_EDB, "cannot open database '%s': %s", path,
				*out ? sqlite3_errmsg(*out) : "out of memory");
			goto done;
		}
		/* SQLite opens a file it may not write read-only, without a word */
		if (write && sqlite3_db_readonly(*out, "main")) {
			rc = error_set(err, RETORT_EDB, "database '%s' is read-only", path);
			goto done;
		}
		if (write && !writable(dir)) {
			rc = error_set(err, RETORT_EDB, "database '%s' is read-only: its folder '%s' is, "
				"and SQLite writes its journal there", path, dir);
			goto done;
		}
		if (wait)
			db_wait_attach(*out, wait);
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
		db_wait_attach(*out, wait);
	}
	free(dir);
	return rc;
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
	buf_printf(why, "database URL '%s' is a SQLite URI (file:...), which retort does not "
		"open: name the file instead; %s (a file whose name starts with 'file:' is "
		"./file:...)", url, SUPPORTED_URLS);
	return RETORT_EINVALID;
}

/*
** Turn `url` into a path. On bad input, returns RETORT_EINVALID with the
** reason in `why` (so that the caller can point at where the URL came from);
** RETORT_ERROR on OOM.
**
** Query strings (`sqlite:///x.db?mode=ro`) are dropped: they carry the app
** driver's connection options, which mean nothing to retort; dropping them
** lets an app's own DATABASE_URL work unchanged, as the driver suffix does.
*/
static int url_parse(char **out, const char *url, const char *base_dir,
	retort_buf *why)
{
	const char *sep, *rest;
	char *path = NULL;
	size_t scheme_len;

	*out = NULL;
	if (!url || !*url) {
		buf_puts(why, "empty database URL: " SUPPORTED_URLS);
		return RETORT_EINVALID;
	}

	sep = strstr(url, "://");
	if (!sep) {
		/* "sqlite:x.db" is a mistyped URL, not a file named so. */
		const char *colon = strchr(url, ':');
		if (colon && is_sqlite_scheme(url, (size_t)(colon - url))) {
			buf_printf(why, "malformed database URL '%s': expected "
				"sqlite:///relative.db or sqlite:////absolute.db", url);
			return RETORT_EINVALID;
		}
		if (refuse_uri(url, url, why))
			return RETORT_EINVALID;
		if (strcmp(url, ":memory:") == 0)
			path = xstrdup(url);
		else
			path = path_join(base_dir, url);
		goto done;
	}

	scheme_len = (size_t)(sep - url);
	if (!is_sqlite_scheme(url, scheme_len)) {
		buf_printf(why, "unsupported database URL '%s': " SUPPORTED_URLS, url);
		return RETORT_EINVALID;
	}

	/*
	** SQLAlchemy's forms: after "sqlite://" comes an empty host, then "/"
	** and the path; so three slashes start a relative path and four an
	** absolute one.
	*/
	rest = sep + 3;
	if (*rest != '\0' && *rest != '/' && *rest != '?') {
		buf_printf(why, "database URL '%s' names a host: sqlite URLs have "
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
			path = xstrdup(":memory:");
		else if (rest[0] == '/') {
			path = xstrndup(rest, n);
		} else {
			char *rel = xstrndup(rest, n);

			path = rel ? path_join(base_dir, rel) : NULL;
			free(rel);
		}
	}
done:
	if (!path) {
		buf_puts(why, "out of memory");
		return RETORT_ERROR;
	}
	*out = path;
	return 0;
}

int retort_url_to_path(char **out_path, const char *url, const char *base_dir,
	retort_error **err)
{
	retort_buf why = RETORT_BUF_INIT;
	int rc;

	rc = url_parse(out_path, url, base_dir, &why);
	if (rc < 0)
		error_set(err, rc, "%s", buf_oom(&why) ? "out of memory" : why.ptr);
	buf_release(&why);
	return rc;
}

int retort_database_path(char **out_path, const char *cli_url,
	const retort_config *cfg, retort_error **err)
{
	static const char *const env_names[] = {
		"RETORT_DATABASE_URL", "DATABASE_URL", NULL
	};
	retort_buf why = RETORT_BUF_INIT;
	const char *url = cli_url, *from = NULL;
	size_t i;
	int rc;

	*out_path = NULL;
	/* An empty variable counts as unset, as `DATABASE_URL= cmd` means. */
	for (i = 0; !url && env_names[i]; i++) {
		const char *v = getenv(env_names[i]);

		if (v && *v) {
			url = v;
			from = env_names[i];
		}
	}
	if (!url) {
		/* The config's URL was checked and resolved when it was read. */
		if (cfg && cfg->database_path) {
			*out_path = xstrdup(cfg->database_path);
			return *out_path ? 0 : error_oom(err);
		}
		return error_set(err, RETORT_ENOTFOUND, "no database URL given: "
			"use --db URL, set RETORT_DATABASE_URL or DATABASE_URL, or set "
			"'database' in " CONFIG_NAME);
	}

	rc = url_parse(out_path, url, NULL, &why);
	if (rc < 0) {
		if (buf_oom(&why))
			error_oom(err);
		else if (from)
			error_set(err, rc, "%s (from $%s)", why.ptr, from);
		else
			error_set(err, rc, "%s", why.ptr);
	}
	buf_release(&why);
	return rc;
}

/* ------------------------------------------------------------------ */
/* The configuration                                                    */
/* ------------------------------------------------------------------ */

void retort_config_free(retort_config *cfg)
{
	size_t i;

	if (!cfg)
		return;
	free(cfg->path);
	free(cfg->dir);
	free(cfg->database);
	free(cfg->database_path);
	free(cfg->databases);
	free(cfg->models);
	free(cfg->revisions);
	free(cfg->version_table);
	for (i = 0; i < cfg->exclude_n; i++)
		free(cfg->exclude[i]);
	free(cfg->exclude);
	free(cfg);
}

/* A config rooted at `dir` (taken over) with every default set. */
static int config_new(retort_config **out, char *dir, retort_error **err)
{
	retort_config *cfg = calloc(1, sizeof(*cfg));

	*out = NULL;
	if (!cfg) {
		free(dir);
		return error_oom(err);
	}
	cfg->dir = dir;
	if (dir) {
		cfg->models = path_join(dir, DEFAULT_MODELS);
		cfg->revisions = path_join(dir, DEFAULT_REVISIONS);
		cfg->version_table = xstrdup(DEFAULT_VERSION_TABLE);
	}
	if (!cfg->dir || !cfg->models || !cfg->revisions || !cfg->version_table) {
		retort_config_free(cfg);
		return error_oom(err);
	}
	*out = cfg;
	return 0;
}

int retort_config_default(retort_config **out, const char *dir,
	retort_error **err)
{
	return config_new(out, xstrdup(dir && *dir ? dir : "."), err);
}

/* A scalar that is neither null nor empty, for paths, names and URLs. */
static int expect_text(const ydoc *doc, const ynode *n, const char *key,
	const char *what, retort_error **err)
{
	int rc = ydoc_expect(doc, n, Y_SCALAR, key, err);

	if (rc < 0)
		return rc;
	if (ynode_text(n)[0] == '\0')
		return ydoc_error(doc, n, err, "%s: expected %s, got an empty string",
			key, what);
	return 0;
}

/* Replace *slot with `dir`/`value`. */
static int set_path(char **slot, const char *dir, const char *value,
	retort_error **err)
{
	char *p = path_join(dir, value);

	if (!p)
		return error_oom(err);
	free(*slot);
	*slot = p;
	return 0;
}

static int read_version_table(retort_config *cfg, const ydoc *doc,
	const ynode *n, retort_error **err)
{
	const char *name;
	int rc = expect_text(doc, n, "version_table", "a table name", err);

	if (rc < 0)
		return rc;
	name = ynode_text(n);
	/* SQLite refuses to create tables named sqlite_*. */
	if (has_prefix_nocase(name, "sqlite_"))
		return ydoc_error(doc, n, err, "version_table: '%s' is not a valid "
			"table name (names starting with 'sqlite_' are reserved by SQLite)",
			name);
	if (strcasecmp(name, HISTORY_TABLE) == 0)
		return ydoc_error(doc, n, err, "version_table: '%s' is retort's "
			"history table; choose another name", name);
	free(cfg->version_table);
	cfg->version_table = xstrdup(name);
	return cfg->version_table ? 0 : error_oom(err);
}

static int read_exclude(retort_config *cfg, const ydoc *doc, const ynode *n,
	retort_error **err)
{
	size_t i, len;

	if (ynode_kind(n) == Y_SCALAR && !ynode_is_null(n))
		return ydoc_error(doc, n, err, "exclude: expected a list of globs, "
			"got a string (write exclude: [%s])", ynode_text(n));
	if (ydoc_expect(doc, n, Y_SEQ, "exclude", err) < 0)
		return RETORT_EINVALID;
	len = ynode_len(doc, n);
	for (i = 0; i < len; i++) {
		ynode *item = ynode_item(doc, n, i);
		char **slot;
		int rc = expect_text(doc, item, "exclude", "a glob", err);

		if (rc < 0)
			return rc;
		slot = ARRAY_PUSH(cfg->exclude, cfg->exclude_n, cfg->exclude_cap);
		if (!slot)
			return error_oom(err);
		*slot = xstrdup(ynode_text(item));
		if (!*slot)
			return error_oom(err);
	}
	return 0;
}

static int read_database(retort_config *cfg, const ydoc *doc, const ynode *n,
	retort_error **err)
{
	retort_buf why = RETORT_BUF_INIT;
	int rc = expect_text(doc, n, "database", "a database URL", err);

	if (rc < 0)
		return rc;
	cfg->database = xstrdup(ynode_text(n));
	if (!cfg->database)
		return error_oom(err);
	/* Checked now, so that a bad URL is reported at its line and column. */
	rc = url_parse(&cfg->database_path, cfg->database, cfg->dir, &why);
	if (rc == RETORT_EINVALID && !buf_oom(&why))
		ydoc_error(doc, n, err, "database: %s", why.ptr);
	else if (rc < 0)
		error_oom(err);
	buf_release(&why);
	return rc;
}

static int config_parse(retort_config *cfg, const char *text, size_t len,
	retort_error **err)
{
	ydoc *doc = NULL;
	ynode *root, *n;
	int rc;

	rc = ydoc_parse(&doc, text, len, cfg->path, err);
	if (rc < 0)
		goto done;
	root = ydoc_root(doc);
	if (!root)
		goto done; /* an empty file: every default */
	rc = ydoc_expect(doc, root, Y_MAP, "config", err);
	if (rc < 0)
		goto done;
	rc = ydoc_check_keys(doc, root, config_keys, "config", err);
	if (rc < 0)
		goto done;

	n = ynode_get(doc, root, "models");
	if (n) {
		rc = expect_text(doc, n, "models", "a file or folder", err);
		if (rc == 0)
			rc = set_path(&cfg->models, cfg->dir, ynode_text(n), err);
		if (rc < 0)
			goto done;
	}
	n = ynode_get(doc, root, "revisions");
	if (n) {
		rc = expect_text(doc, n, "revisions", "a folder", err);
		if (rc == 0)
			rc = set_path(&cfg->revisions, cfg->dir, ynode_text(n), err);
		if (rc < 0)
			goto done;
	}
	n = ynode_get(doc, root, "version_table");
	if (n) {
		rc = read_version_table(cfg, doc, n, err);
		if (rc < 0)
			goto done;
	}
	n = ynode_get(doc, root, "exclude");
	if (n) {
		rc = read_exclude(cfg, doc, n, err);
		if (rc < 0)
			goto done;
	}
	n = ynode_get(doc, root, "databases");
	if (n) {
		rc = expect_text(doc, n, "databases", "a glob or @FILE", err);
		if (rc < 0)
			goto done;
		/* one project, one answer to "which database?" */
		if (ynode_get(doc, root, "database")) {
			rc = ydoc_error(doc, n, err, "databases: the config also has 'database': "
				"keep one of them");
			goto done;
		}
		cfg->databases = xstrdup(ynode_text(n));
		if (!cfg->databases) {
			rc = error_oom(err);
			goto done;
		}
	}
	n = ynode_get(doc, root, "database");
	if (n)
		rc = read_database(cfg, doc, n, err);
done:
	ydoc_free(doc);
	return rc;
}

static int read_file(char **out, size_t *out_len, const char *path,
	retort_error **err)
{
	retort_buf b = RETORT_BUF_INIT;
	char chunk[4096];
	FILE *f;
	size_t n;
	int rc = 0;

	*out = NULL;
	f = fopen(path, "rb");
	if (!f)
		return error_set(err, errno == ENOENT ? RETORT_ENOTFOUND : RETORT_ERROR,
			"cannot read config file '%s': %s", path, strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_put(&b, chunk, n);
	if (ferror(f)) {
		rc = error_set(err, RETORT_ERROR, "cannot read config file '%s': %s",
			path, strerror(errno));
		goto done;
	}
	if (buf_oom(&b)) {
		rc = error_oom(err);
		goto done;
	}
	*out_len = b.len;
	*out = buf_detach(&b);
	if (!*out)
		rc = error_oom(err);
done:
	fclose(f);
	buf_release(&b);
	return rc;
}

/* Load the config file at `path` (taken over), rooted at its folder. */
static int config_load(retort_config **out, char *path, retort_error **err)
{
	retort_config *cfg = NULL;
	char *text = NULL;
	size_t len = 0;
	int rc;

	*out = NULL;
	if (!path)
		return error_oom(err);
	rc = config_new(&cfg, path_dirname(path), err);
	if (rc < 0)
		goto done;
	cfg->path = path;
	path = NULL;
	rc = read_file(&text, &len, cfg->path, err);
	if (rc < 0)
		goto done;
	rc = config_parse(cfg, text, len, err);
done:
	free(path);
	free(text);
	if (rc < 0)
		retort_config_free(cfg);
	else
		*out = cfg;
	return rc;
}

int retort_config_find(retort_config **out, const char *path,
	const char *start_dir, retort_error **err)
{
	char *here = NULL, *dir = NULL, *candidate = NULL;
	int rc;

	*out = NULL;
	if (path) {
		struct stat st;

		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
			return error_set(err, RETORT_EINVALID,
				"config file '%s' is a folder", path);
		return config_load(out, xstrdup(path), err);
	}

	/* The start folder itself, named as given so that messages stay short. */
	here = path_join(start_dir, CONFIG_NAME);
	if (!here)
		return error_oom(err);
	if (is_file(here)) {
		rc = config_load(out, here, err);
		here = NULL;
		goto done;
	}

	/* Then each parent, named by absolute path. */
	dir = path_absolute(start_dir ? start_dir : ".", err);
	if (!dir) {
		rc = RETORT_ERROR;
		goto done;
	}
	while (strcmp(dir, "/") != 0) {
		char *parent = path_dirname(dir);

		if (!parent) {
			rc = error_oom(err);
			goto done;
		}
		free(dir);
		dir = parent;
		free(candidate);
		candidate = path_join(dir, CONFIG_NAME);
		if (!candidate) {
			rc = error_oom(err);
			goto done;
		}
		if (is_file(candidate)) {
			rc = config_load(out, candidate, err);
			candidate = NULL;
			goto done;
		}
	}
	rc = error_set(err, RETORT_ENOTFOUND, "no " CONFIG_NAME " found in '%s' "
		"or any parent folder (run 'retort init' to create a project)",
		start_dir ? start_dir : ".");
done:
	free(here);
	free(dir);
	free(candidate);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Getters                                                              */
/* ------------------------------------------------------------------ */

const char *retort_config_path(const retort_config *cfg)
{
	return cfg ? cfg->path : NULL;
}

const char *retort_config_dir(const retort_config *cfg)
{
	return cfg ? cfg->dir : NULL;
}

const char *retort_config_database(const retort_config *cfg)
{
	return cfg ? cfg->database : NULL;
}

const char *retort_config_databases(const retort_config *cfg)
{
	return cfg ? cfg->databases : NULL;
}

const char *retort_config_models(const retort_config *cfg)
{
	return cfg ? cfg->models : NULL;
}

const char *retort_config_revisions(const retort_config *cfg)
{
	return cfg ? cfg->revisions : NULL;
}

const char *retort_config_version_table(const retort_config *cfg)
{
	return cfg ? cfg->version_table : DEFAULT_VERSION_TABLE;
}

size_t retort_config_exclude_count(const retort_config *cfg)
{
	return cfg ? cfg->exclude_n : 0;
}

const char *retort_config_exclude(const retort_config *cfg, size_t i)
{
	return cfg && i < cfg->exclude_n ? cfg->exclude[i] : NULL;
}
