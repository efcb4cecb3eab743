/*
** config.c: finding and reading retort.yaml (SPEC section 1), and which
** database a command uses (what a URL names is db/db.c's).
*/
#include "buf.h"
#include "db/db.h"
#include "db/sqlite.h"
#include "error.h"
#include "fileio.h"
#include "ydoc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define CONFIG_NAME "retort.yaml"
#define DEFAULT_MODELS "models/"
#define DEFAULT_REVISIONS "revisions/"
#define DEFAULT_VERSION_TABLE "retort_version"
#define HISTORY_TABLE "retort_history"

struct retort_config {
	char *path;          /* the file read, or NULL for a default config */
	char *dir;           /* what relative paths are resolved against */
	char *database;      /* the `database` URL as written, or NULL */
	char *database_path; /* that URL resolved against dir (retort_db_url_resolve) */
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
				retort_error_oom(err);
				goto done;
			}
			cwd = grown;
			if (getcwd(cwd, size))
				break;
			if (errno != ERANGE) {
				retort_error_set(err, RETORT_ERROR,
					"cannot get the working directory: %s", strerror(errno));
				goto done;
			}
			size *= 2;
		}
		retort_buf_puts(&raw, cwd);
		retort_buf_putc(&raw, '/');
	}
	retort_buf_puts(&raw, dir);
	if (retort_buf_oom(&raw)) {
		retort_error_oom(err);
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
			retort_buf_truncate(&out, slash ? (size_t)(slash - out.ptr) : 0);
		} else {
			retort_buf_putc(&out, '/');
			retort_buf_put(&out, p, n);
		}
		p += n;
	}
	if (out.len == 0)
		retort_buf_putc(&out, '/');
	result = retort_buf_detach(&out);
	if (!result)
		retort_error_oom(err);
done:
	retort_buf_release(&raw);
	retort_buf_release(&out);
	free(cwd);
	return result;
}

static int is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}


int retort_url_to_path(char **out_path, const char *url, const char *base_dir,
	retort_error **err)
{
	retort_buf why = RETORT_BUF_INIT;
	int rc;

	rc = retort_db_sqlite_url_path(out_path, url, base_dir, &why);
	if (rc < 0)
		retort_error_set(err, rc, "%s", retort_buf_oom(&why) ? "out of memory" : why.ptr);
	retort_buf_release(&why);
	return rc;
}

/*
** The file path `*path` as a URL that names it again: a relative path that a
** URL would read otherwise ("file:x.db" is a SQLite URI to retort_db_open())
** gets "./" before it, which a path means anyway.
*/
static int path_as_url(char **path, retort_error **err)
{
	retort_buf why = RETORT_BUF_INIT, dotted = RETORT_BUF_INIT;
	char *back = NULL;
	int same = **path == '/' ||
		(retort_db_sqlite_url_path(&back, *path, NULL, &why) == 0 && strcmp(back, *path) == 0);

	free(back);
	retort_buf_release(&why);
	if (same)
		return 0;
	retort_buf_printf(&dotted, "./%s", *path);
	if (retort_buf_oom(&dotted))
		return retort_error_oom(err);
	free(*path);
	*path = retort_buf_detach(&dotted);
	return 0;
}

/*
** The database a command uses, in SPEC order, resolved: a file's path, or
** (unless `files_only`) what retort_db_open() takes: the URL of a database
** that is not a file, or a file's path written so that it names that file.
*/
static int database_choose(char **out, const char *cli_url, const retort_config *cfg,
	int files_only, retort_error **err)
{
	static const char *const env_names[] = {
		"RETORT_DATABASE_URL", "DATABASE_URL", NULL
	};
	retort_buf why = RETORT_BUF_INIT;
	const char *url = cli_url, *from = NULL;
	size_t i;
	int rc;

	*out = NULL;
	/* An empty variable counts as unset, as `DATABASE_URL= cmd` means. */
	for (i = 0; !url && env_names[i]; i++) {
		const char *v = getenv(env_names[i]);

		if (v && *v) {
			url = v;
			from = env_names[i];
		}
	}
	if (!url) {
		if (!cfg || !cfg->database_path)
			return retort_error_set(err, RETORT_ENOTFOUND, "no database URL given: "
				"use --db URL, set RETORT_DATABASE_URL or DATABASE_URL, or set "
				"'database' in " CONFIG_NAME);
		if (files_only && !retort_db_url_is_file(cfg->database))
			return retort_error_set(err, RETORT_EINVALID, "database '%s' is not a file",
				cfg->database);
		/* The config's URL was checked and resolved when it was read. */
		*out = retort_xstrdup(cfg->database_path);
		if (!*out)
			return retort_error_oom(err);
		return files_only || !retort_db_url_is_file(cfg->database) ? 0 :
			path_as_url(out, err);
	}

	rc = files_only ? retort_db_sqlite_url_path(out, url, NULL, &why) :
		retort_db_url_resolve(out, url, NULL, &why);
	if (rc < 0) {
		if (retort_buf_oom(&why))
			retort_error_oom(err);
		else if (from)
			retort_error_set(err, rc, "%s (from $%s)", why.ptr, from);
		else
			retort_error_set(err, rc, "%s", why.ptr);
	}
	retort_buf_release(&why);
	return rc;
}

int retort_database_path(char **out_path, const char *cli_url,
	const retort_config *cfg, retort_error **err)
{
	return database_choose(out_path, cli_url, cfg, 1, err);
}

int retort_database_url(char **out_url, const char *cli_url,
	const retort_config *cfg, retort_error **err)
{
	return database_choose(out_url, cli_url, cfg, 0, err);
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
		return retort_error_oom(err);
	}
	cfg->dir = dir;
	if (dir) {
		cfg->models = retort_path_join(dir, DEFAULT_MODELS);
		cfg->revisions = retort_path_join(dir, DEFAULT_REVISIONS);
		cfg->version_table = retort_xstrdup(DEFAULT_VERSION_TABLE);
	}
	if (!cfg->dir || !cfg->models || !cfg->revisions || !cfg->version_table) {
		retort_config_free(cfg);
		return retort_error_oom(err);
	}
	*out = cfg;
	return 0;
}

int retort_config_default(retort_config **out, const char *dir,
	retort_error **err)
{
	return config_new(out, retort_xstrdup(dir && *dir ? dir : "."), err);
}

/* A scalar that is neither null nor empty, for paths, names and URLs. */
static int expect_text(const ydoc *doc, const ynode *n, const char *key,
	const char *what, retort_error **err)
{
	int rc = retort_ydoc_expect(doc, n, Y_SCALAR, key, err);

	if (rc < 0)
		return rc;
	if (retort_ynode_text(n)[0] == '\0')
		return retort_ydoc_error(doc, n, err, "%s: expected %s, got an empty string",
			key, what);
	return 0;
}

/* Replace *slot with `dir`/`value`. */
static int set_path(char **slot, const char *dir, const char *value,
	retort_error **err)
{
	char *p = retort_path_join(dir, value);

	if (!p)
		return retort_error_oom(err);
	free(*slot);
	*slot = p;
	return 0;
}

static int has_prefix_nocase(const char *s, const char *prefix)
{
	return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

static int read_version_table(retort_config *cfg, const ydoc *doc,
	const ynode *n, retort_error **err)
{
	const char *name;
	int rc = expect_text(doc, n, "version_table", "a table name", err);

	if (rc < 0)
		return rc;
	name = retort_ynode_text(n);
	/* SQLite refuses to create tables named sqlite_*. */
	if (has_prefix_nocase(name, "sqlite_"))
		return retort_ydoc_error(doc, n, err, "version_table: '%s' is not a valid "
			"table name (names starting with 'sqlite_' are reserved by SQLite)",
			name);
	if (strcasecmp(name, HISTORY_TABLE) == 0)
		return retort_ydoc_error(doc, n, err, "version_table: '%s' is retort's "
			"history table; choose another name", name);
	free(cfg->version_table);
	cfg->version_table = retort_xstrdup(name);
	return cfg->version_table ? 0 : retort_error_oom(err);
}

static int read_exclude(retort_config *cfg, const ydoc *doc, const ynode *n,
	retort_error **err)
{
	size_t i, len;

	if (retort_ynode_kind(n) == Y_SCALAR && !retort_ynode_is_null(n))
		return retort_ydoc_error(doc, n, err, "exclude: expected a list of globs, "
			"got a string (write exclude: [%s])", retort_ynode_text(n));
	if (retort_ydoc_expect(doc, n, Y_SEQ, "exclude", err) < 0)
		return RETORT_EINVALID;
	len = retort_ynode_len(doc, n);
	for (i = 0; i < len; i++) {
		ynode *item = retort_ynode_item(doc, n, i);
		char **slot;
		int rc = expect_text(doc, item, "exclude", "a glob", err);

		if (rc < 0)
			return rc;
		slot = ARRAY_PUSH(cfg->exclude, cfg->exclude_n, cfg->exclude_cap);
		if (!slot)
			return retort_error_oom(err);
		*slot = retort_xstrdup(retort_ynode_text(item));
		if (!*slot)
			return retort_error_oom(err);
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
	cfg->database = retort_xstrdup(retort_ynode_text(n));
	if (!cfg->database)
		return retort_error_oom(err);
	/* Checked now, so that a bad URL is reported at its line and column. */
	rc = retort_db_url_resolve(&cfg->database_path, cfg->database, cfg->dir, &why);
	if (rc == RETORT_EINVALID && !retort_buf_oom(&why))
		retort_ydoc_error(doc, n, err, "database: %s", why.ptr);
	else if (rc < 0)
		retort_error_oom(err);
	retort_buf_release(&why);
	return rc;
}

static int config_parse(retort_config *cfg, const char *text, size_t len,
	retort_error **err)
{
	ydoc *doc = NULL;
	ynode *root, *n;
	int rc;

	rc = retort_ydoc_parse(&doc, text, len, cfg->path, err);
	if (rc < 0)
		goto done;
	root = retort_ydoc_root(doc);
	if (!root)
		goto done; /* an empty file: every default */
	rc = retort_ydoc_expect(doc, root, Y_MAP, "config", err);
	if (rc < 0)
		goto done;
	rc = retort_ydoc_check_keys(doc, root, config_keys, "config", err);
	if (rc < 0)
		goto done;

	n = retort_ynode_get(doc, root, "models");
	if (n) {
		rc = expect_text(doc, n, "models", "a file or folder", err);
		if (rc == 0)
			rc = set_path(&cfg->models, cfg->dir, retort_ynode_text(n), err);
		if (rc < 0)
			goto done;
	}
	n = retort_ynode_get(doc, root, "revisions");
	if (n) {
		rc = expect_text(doc, n, "revisions", "a folder", err);
		if (rc == 0)
			rc = set_path(&cfg->revisions, cfg->dir, retort_ynode_text(n), err);
		if (rc < 0)
			goto done;
	}
	n = retort_ynode_get(doc, root, "version_table");
	if (n) {
		rc = read_version_table(cfg, doc, n, err);
		if (rc < 0)
			goto done;
	}
	n = retort_ynode_get(doc, root, "exclude");
	if (n) {
		rc = read_exclude(cfg, doc, n, err);
		if (rc < 0)
			goto done;
	}
	n = retort_ynode_get(doc, root, "databases");
	if (n) {
		rc = expect_text(doc, n, "databases", "a glob or @FILE", err);
		if (rc < 0)
			goto done;
		/* one project, one answer to "which database?" */
		if (retort_ynode_get(doc, root, "database")) {
			rc = retort_ydoc_error(doc, n, err, "databases: the config also has 'database': "
				"keep one of them");
			goto done;
		}
		cfg->databases = retort_xstrdup(retort_ynode_text(n));
		if (!cfg->databases) {
			rc = retort_error_oom(err);
			goto done;
		}
	}
	n = retort_ynode_get(doc, root, "database");
	if (n)
		rc = read_database(cfg, doc, n, err);
done:
	retort_ydoc_free(doc);
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
		return retort_error_set(err, errno == ENOENT ? RETORT_ENOTFOUND : RETORT_ERROR,
			"cannot read config file '%s': %s", path, strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		retort_buf_put(&b, chunk, n);
	if (ferror(f)) {
		rc = retort_error_set(err, RETORT_ERROR, "cannot read config file '%s': %s",
			path, strerror(errno));
		goto done;
	}
	if (retort_buf_oom(&b)) {
		rc = retort_error_oom(err);
		goto done;
	}
	*out_len = b.len;
	*out = retort_buf_detach(&b);
	if (!*out)
		rc = retort_error_oom(err);
done:
	fclose(f);
	retort_buf_release(&b);
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
		return retort_error_oom(err);
	rc = config_new(&cfg, retort_path_dirname(path), err);
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
			return retort_error_set(err, RETORT_EINVALID,
				"config file '%s' is a folder", path);
		return config_load(out, retort_xstrdup(path), err);
	}

	/* The start folder itself, named as given so that messages stay short. */
	here = retort_path_join(start_dir, CONFIG_NAME);
	if (!here)
		return retort_error_oom(err);
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
		char *parent = retort_path_dirname(dir);

		if (!parent) {
			rc = retort_error_oom(err);
			goto done;
		}
		free(dir);
		dir = parent;
		free(candidate);
		candidate = retort_path_join(dir, CONFIG_NAME);
		if (!candidate) {
			rc = retort_error_oom(err);
			goto done;
		}
		if (is_file(candidate)) {
			rc = config_load(out, candidate, err);
			candidate = NULL;
			goto done;
		}
	}
	rc = retort_error_set(err, RETORT_ENOTFOUND, "no " CONFIG_NAME " found in '%s' "
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
