/*
** test_config.c: retort.yaml discovery and reading, database URLs and their
** precedence, and `retort init` (lib/config.c, lib/project.c).
**
** Test organisation: each section works in its own folder under one
** mkdtemp() folder, removed at the end. Bad inputs pin the error's code,
** message, line and column.
*/
#define _POSIX_C_SOURCE 200809L

#include "harness.h"

#include <retort.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmp[PATH_MAX];   /* the test's own folder, absolute */
static char start_cwd[PATH_MAX];

static void env_clear(void)
{
	unsetenv("RETORT_DATABASE_URL");
	unsetenv("DATABASE_URL");
}

/* tmp/rel, in one of four static buffers (so up to four at once). */
static const char *at(const char *rel)
{
	static char buf[4][2 * PATH_MAX];
	static int which;

	which = (which + 1) % 4;
	snprintf(buf[which], sizeof(buf[which]), "%s/%s", tmp, rel);
	return buf[which];
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");

	if (!f) {
		fprintf(stderr, "cannot write %s: %s\n", path, strerror(errno));
		exit(2);
	}
	fputs(text, f);
	fclose(f);
}

static void make_dir(const char *path)
{
	if (mkdir(path, 0777) < 0 && errno != EEXIST) {
		fprintf(stderr, "cannot create %s: %s\n", path, strerror(errno));
		exit(2);
	}
}

static int exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

static void remove_tree(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *e;

	if (lstat(path, &st) < 0)
		return;
	if (!S_ISDIR(st.st_mode)) {
		unlink(path);
		return;
	}
	d = opendir(path);
	if (d) {
		while ((e = readdir(d)) != NULL) {
			char child[2 * PATH_MAX];

			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			snprintf(child, sizeof(child), "%s/%s", path, e->d_name);
			remove_tree(child);
		}
		closedir(d);
	}
	rmdir(path);
}

/* Load `text` as tmp/bad/retort.yaml through an explicit path. */
static int load_text(retort_config **cfg, const char *text, retort_error **err)
{
	make_dir(at("bad"));
	write_file(at("bad/retort.yaml"), text);
	return retort_config_find(cfg, at("bad/retort.yaml"), NULL, err);
}

/*
** A bad config: RETORT_EINVALID, exactly `msg`, at `line`:`col` of the file,
** with the source line kept for the caret.
*/
#define BAD_CONFIG(text, msg, want_line, want_col) do { \
	retort_config *cfg_ = NULL; \
	retort_error *err_ = NULL; \
	int rc_ = load_text(&cfg_, (text), &err_); \
	CHECK_INT(rc_, RETORT_EINVALID); \
	CHECK(cfg_ == NULL); \
	CHECK(err_ != NULL); \
	if (err_) { \
		CHECK_INT(err_->code, RETORT_EINVALID); \
		CHECK_STR(err_->message, (msg)); \
		CHECK_STR(err_->path, at("bad/retort.yaml")); \
		CHECK_INT(err_->line, (want_line)); \
		CHECK_INT(err_->column, (want_col)); \
		CHECK(err_->source_line != NULL); \
	} \
	retort_error_free(err_); \
	retort_config_free(cfg_); \
} while (0)

/* A bad URL given directly: RETORT_EINVALID with exactly `msg`. */
#define BAD_URL(url, msg) do { \
	char *p_ = NULL; \
	retort_error *err_ = NULL; \
	CHECK_INT(retort_url_to_path(&p_, (url), NULL, &err_), RETORT_EINVALID); \
	CHECK(p_ == NULL); \
	CHECK(err_ != NULL); \
	if (err_) { \
		CHECK_INT(err_->code, RETORT_EINVALID); \
		CHECK_STR(err_->message, (msg)); \
		CHECK_INT(err_->line, 0); \
		CHECK(err_->path == NULL); \
	} \
	retort_error_free(err_); \
	free(p_); \
} while (0)

#define URL_IS(url, base, want) do { \
	char *p_ = NULL; \
	retort_error *err_ = NULL; \
	CHECK_INT(retort_url_to_path(&p_, (url), (base), &err_), 0); \
	CHECK_STR(p_, (want)); \
	CHECK(err_ == NULL); \
	retort_error_free(err_); \
	free(p_); \
} while (0)

#define SUPPORTED "retort supports sqlite:///relative.db, sqlite:////absolute.db, " \
	"sqlite:// (in memory), sqlite+DRIVER://..., dqlite://HOST:PORT[,HOST:PORT...]/DBNAME " \
	"and plain file paths"

static void test_url_forms(void)
{
	/* SQLAlchemy's forms: three slashes relative, four absolute. */
	URL_IS("sqlite:///data.db", NULL, "data.db");
	URL_IS("sqlite:///relative/path.db", NULL, "relative/path.db");
	URL_IS("sqlite:////absolute/path.db", NULL, "/absolute/path.db");
	URL_IS("sqlite://", NULL, ":memory:");
	URL_IS("sqlite:///", NULL, ":memory:");
	URL_IS("sqlite:///:memory:", NULL, ":memory:");
	URL_IS(":memory:", NULL, ":memory:");
	/* The driver suffix is ignored, so an app's own URL works unchanged. */
	URL_IS("sqlite+aiosqlite:///./data.db", NULL, "./data.db");
	URL_IS("sqlite+pysqlite:///x.db", NULL, "x.db");
	URL_IS("sqlite+pysqlcipher:////srv/app.db", NULL, "/srv/app.db");
	URL_IS("sqlite+aiosqlite://", NULL, ":memory:");
	URL_IS("SQLite:///upper.db", NULL, "upper.db");
	/* Query strings are the driver's options: dropped. */
	URL_IS("sqlite:///data.db?mode=ro", NULL, "data.db");
	URL_IS("sqlite:///?mode=memory", NULL, ":memory:");
	URL_IS("sqlite:///:memory:?cache=shared", NULL, ":memory:");
	/* Plain paths, kept as written (a '?' is part of a file name). */
	URL_IS("data.db", NULL, "data.db");
	URL_IS("./data.db", NULL, "./data.db");
	URL_IS("/var/lib/app.db", NULL, "/var/lib/app.db");
	URL_IS("odd?name.db", NULL, "odd?name.db");
	URL_IS("dir:with:colons/x.db", NULL, "dir:with:colons/x.db");
	/* A base folder is joined to relative paths only. */
	URL_IS("sqlite:///data.db", "/proj", "/proj/data.db");
	URL_IS("sqlite+aiosqlite:///./data.db", "/proj", "/proj/data.db");
	URL_IS("sqlite:///data.db", "proj/", "proj/data.db");
	URL_IS("sqlite:///data.db", ".", "data.db");
	URL_IS("sqlite:////abs.db", "/proj", "/abs.db");
	URL_IS("sqlite://", "/proj", ":memory:");
	URL_IS("rel/x.db", "/proj", "/proj/rel/x.db");
	URL_IS("/abs/x.db", "/proj", "/abs/x.db");
	URL_IS(":memory:", "/proj", ":memory:");
	/* A file whose name starts with "file:" (never a URI: see retort_db_sqlite_open_path) */
	URL_IS("./file:x.db", NULL, "./file:x.db");
	URL_IS("sqlite:///./file:x.db", "/proj", "/proj/file:x.db");
	URL_IS("sqlite:////srv/file:x.db", NULL, "/srv/file:x.db");
	URL_IS("FILE:x.db", NULL, "FILE:x.db");
}

static void test_bad_urls(void)
{
	/* SQLite URIs: refused wherever they come from */
	BAD_URL("file:x.db", "database URL 'file:x.db' is a SQLite URI (file:...), which retort does "
		"not open: name the file instead; " SUPPORTED " (a file whose name starts with 'file:' "
		"is ./file:...)");
	BAD_URL("sqlite:///file:x.db?mode=ro&uri=true", "database URL "
		"'sqlite:///file:x.db?mode=ro&uri=true' is a SQLite URI (file:...), which retort does "
		"not open: name the file instead; " SUPPORTED " (a file whose name starts with 'file:' "
		"is ./file:...)");
	BAD_URL("postgresql://u@h/db",
		"unsupported database URL 'postgresql://u@h/db': " SUPPORTED);
	BAD_URL("mysql://", "unsupported database URL 'mysql://': " SUPPORTED);
	BAD_URL("file:///tmp/x.db",
		"unsupported database URL 'file:///tmp/x.db': " SUPPORTED);
	BAD_URL("sqlite+://x.db", "unsupported database URL 'sqlite+://x.db': " SUPPORTED);
	BAD_URL("sqlitex:///x.db", "unsupported database URL 'sqlitex:///x.db': " SUPPORTED);
	BAD_URL("", "empty database URL: " SUPPORTED);
	BAD_URL("sqlite://localhost/x.db", "database URL 'sqlite://localhost/x.db' "
		"names a host: sqlite URLs have none; write sqlite:///relative.db or "
		"sqlite:////absolute.db");
	BAD_URL("sqlite:data.db", "malformed database URL 'sqlite:data.db': "
		"expected sqlite:///relative.db or sqlite:////absolute.db");
	BAD_URL("sqlite+aiosqlite:/x.db", "malformed database URL "
		"'sqlite+aiosqlite:/x.db': expected sqlite:///relative.db or "
		"sqlite:////absolute.db");
}

static void test_bad_configs(void)
{
	BAD_CONFIG("databse: sqlite:///x.db\n",
		"config: unknown key 'databse' (did you mean 'database'?)", 1, 1);
	BAD_CONFIG("database: x.db\nmodel: models/\n",
		"config: unknown key 'model' (did you mean 'models'?)", 2, 1);
	BAD_CONFIG("# comment\ncolour: red\n", "config: unknown key 'colour'", 2, 1);
	BAD_CONFIG("models: a/\nmodels: b/\n", "config: duplicate key 'models'", 2, 1);
	BAD_CONFIG("? [a, b]\n: c\n", "config: a key must be a string, got a list", 1, 3);
	BAD_CONFIG("- models\n- revisions\n", "config: expected a map, got a list", 1, 1);
	BAD_CONFIG("just a string\n", "config: expected a map, got a string", 1, 1);
	BAD_CONFIG("models: [a, b]\n", "models: expected a string, got a list", 1, 9);
	BAD_CONFIG("models: \"\"\n",
		"models: expected a file or folder, got an empty string", 1, 9);
	BAD_CONFIG("database: x.db\nrevisions:\n", "revisions: expected a string, got null", 2, 11);
	BAD_CONFIG("revisions: {dir: r}\n", "revisions: expected a string, got a map", 1, 12);
	BAD_CONFIG("version_table: ''\n",
		"version_table: expected a table name, got an empty string", 1, 16);
	BAD_CONFIG("version_table: sqlite_version\n",
		"version_table: 'sqlite_version' is not a valid table name (names "
		"starting with 'sqlite_' are reserved by SQLite)", 1, 16);
	BAD_CONFIG("version_table: Retort_History\n",
		"version_table: 'Retort_History' is retort's history table; choose "
		"another name", 1, 16);
	BAD_CONFIG("version_table: [a]\n", "version_table: expected a string, got a list", 1, 16);
	BAD_CONFIG("exclude: sqlite_stat*\n", "exclude: expected a list of globs, got a "
		"string (write exclude: [sqlite_stat*])", 1, 10);
	BAD_CONFIG("exclude: {a: b}\n", "exclude: expected a list, got a map", 1, 10);
	BAD_CONFIG("exclude:\n  - fts_*\n  - {a: b}\n",
		"exclude: expected a string, got a map", 3, 5);
	BAD_CONFIG("exclude: [fts_*, '']\n", "exclude: expected a glob, got an empty string", 1, 18);
	BAD_CONFIG("exclude: [fts_*, ~]\n", "exclude: expected a string, got null", 1, 18);
	BAD_CONFIG("models: models/\n\ndatabase: postgresql://u@h/db\n",
		"database: unsupported database URL 'postgresql://u@h/db': " SUPPORTED, 3, 11);
	BAD_CONFIG("database:   mysql://root@localhost/app\n",
		"database: unsupported database URL 'mysql://root@localhost/app': " SUPPORTED, 1, 13);
	BAD_CONFIG("database: sqlite://host/app.db\n", "database: database URL "
		"'sqlite://host/app.db' names a host: sqlite URLs have none; write "
		"sqlite:///relative.db or sqlite:////absolute.db", 1, 11);
	BAD_CONFIG("database: 'sqlite:app.db'\n", "database: malformed database URL "
		"'sqlite:app.db': expected sqlite:///relative.db or sqlite:////absolute.db", 1, 11);
	BAD_CONFIG("database: ''\n", "database: expected a database URL, got an empty string", 1, 11);
	BAD_CONFIG("database:\n  url: sqlite:///x.db\n", "database: expected a string, got a map", 2, 3);
	BAD_CONFIG("database: [sqlite:///x.db]\n", "database: expected a string, got a list", 1, 11);
	BAD_CONFIG("databases: ''\n", "databases: expected a glob or @FILE, got an empty string", 1, 12);
	BAD_CONFIG("databases: [a.db]\n", "databases: expected a string, got a list", 1, 12);
	BAD_CONFIG("database: x.db\ndatabases: t/*.db\n",
		"databases: the config also has 'database': keep one of them", 2, 12);

	/* Malformed YAML: the parser's own message and place. */
	{
		retort_config *cfg = NULL;
		retort_error *err = NULL;

		CHECK_INT(load_text(&cfg, "models: [a, b\nrevisions: r/\n", &err), RETORT_EINVALID);
		CHECK(cfg == NULL);
		CHECK(err && strncmp(err->message, "invalid YAML: ", 14) == 0);
		CHECK(err && err->line > 0 && err->column > 0);
		retort_error_free(err);
		err = NULL;
		CHECK_INT(load_text(&cfg, "models: a/\n---\nmodels: b/\n", &err), RETORT_EINVALID);
		CHECK(err != NULL);
		if (err) {
			CHECK_STR(err->message, "expected one YAML document, found a second one");
			CHECK_INT(err->line, 2);
		}
		retort_error_free(err);
	}
}

static void test_defaults(void)
{
	retort_config *cfg = NULL;
	retort_error *err = NULL;
	char *p = NULL;

	CHECK_INT(retort_config_default(&cfg, NULL, &err), 0);
	CHECK(cfg && retort_config_path(cfg) == NULL);
	CHECK_STR(retort_config_dir(cfg), ".");
	CHECK_STR(retort_config_models(cfg), "models/");
	CHECK_STR(retort_config_revisions(cfg), "revisions/");
	CHECK_STR(retort_config_version_table(cfg), "retort_version");
	CHECK(retort_config_database(cfg) == NULL);
	CHECK_INT(retort_config_exclude_count(cfg), 0);
	CHECK(retort_config_exclude(cfg, 0) == NULL);
	/* No URL anywhere is RETORT_ENOTFOUND, not a bad one. */
	env_clear();
	CHECK_INT(retort_database_path(&p, NULL, cfg, &err), RETORT_ENOTFOUND);
	CHECK(p == NULL);
	CHECK(err && strstr(err->message, "no database URL given") != NULL);
	retort_error_free(err);
	err = NULL;
	retort_config_free(cfg);

	CHECK_INT(retort_config_default(&cfg, "/srv/proj", &err), 0);
	CHECK_STR(retort_config_models(cfg), "/srv/proj/models/");
	CHECK_STR(retort_config_revisions(cfg), "/srv/proj/revisions/");
	retort_config_free(cfg);

	/* Every _free accepts NULL. */
	retort_config_free(NULL);
	retort_error_free(NULL);
	CHECK(err == NULL);
}

static void test_full_config(void)
{
	retort_config *cfg = NULL;
	retort_error *err = NULL;
	char *p = NULL;

	make_dir(at("full"));
	write_file(at("full/retort.yaml"),
		"# every key\n"
		"database: sqlite:///var/app.db\n"
		"models: schema.yaml\n"
		"revisions: ./migrations/\n"
		"version_table: my_version\n"
		"exclude: [sqlite_stat*, 'fts_*', \"spatial_ref_sys\"]\n");
	CHECK_INT(retort_config_find(&cfg, at("full/retort.yaml"), NULL, &err), 0);
	CHECK(err == NULL);
	CHECK_STR(retort_config_path(cfg), at("full/retort.yaml"));
	CHECK_STR(retort_config_dir(cfg), at("full"));
	CHECK_STR(retort_config_database(cfg), "sqlite:///var/app.db");
	CHECK_STR(retort_config_models(cfg), at("full/schema.yaml"));
	CHECK_STR(retort_config_revisions(cfg), at("full/migrations/"));
	CHECK_STR(retort_config_version_table(cfg), "my_version");
	CHECK_INT(retort_config_exclude_count(cfg), 3);
	CHECK_STR(retort_config_exclude(cfg, 0), "sqlite_stat*");
	CHECK_STR(retort_config_exclude(cfg, 1), "fts_*");
	CHECK_STR(retort_config_exclude(cfg, 2), "spatial_ref_sys");
	CHECK(retort_config_exclude(cfg, 3) == NULL);
	/* The config's relative URL is relative to the config's folder. */
	env_clear();
	CHECK_INT(retort_database_path(&p, NULL, cfg, &err), 0);
	CHECK_STR(p, at("full/var/app.db"));
	free(p);
	retort_config_free(cfg);

	/* Absolute paths in the config stay as they are; so does :memory:. */
	write_file(at("full/retort.yaml"),
		"database: sqlite+aiosqlite:////srv/app.db\nmodels: /srv/models\n");
	CHECK_INT(retort_config_find(&cfg, at("full/retort.yaml"), NULL, &err), 0);
	CHECK_STR(retort_config_models(cfg), "/srv/models");
	CHECK_STR(retort_config_revisions(cfg), at("full/revisions/"));
	CHECK_INT(retort_database_path(&p, NULL, cfg, &err), 0);
	CHECK_STR(p, "/srv/app.db");
	free(p);
	retort_config_free(cfg);

	write_file(at("full/retort.yaml"), "database: plain/file.db\nexclude: []\n");
	CHECK_INT(retort_config_find(&cfg, at("full/retort.yaml"), NULL, &err), 0);
	CHECK_INT(retort_config_exclude_count(cfg), 0);
	CHECK_INT(retort_database_path(&p, NULL, cfg, &err), 0);
	CHECK_STR(p, at("full/plain/file.db"));
	free(p);
	retort_config_free(cfg);

	write_file(at("full/retort.yaml"), "database: sqlite://\n");
	CHECK_INT(retort_config_find(&cfg, at("full/retort.yaml"), NULL, &err), 0);
	CHECK_INT(retort_database_path(&p, NULL, cfg, &err), 0);
	CHECK_STR(p, ":memory:");
	free(p);
	retort_config_free(cfg);

	/* An empty file (or only comments) is every default. */
	write_file(at("full/retort.yaml"), "# nothing yet\n");
	CHECK_INT(retort_config_find(&cfg, at("full/retort.yaml"), NULL, &err), 0);
	CHECK(retort_config_database(cfg) == NULL);
	CHECK(retort_config_databases(cfg) == NULL);
	CHECK_STR(retort_config_models(cfg), at("full/models/"));
	CHECK_STR(retort_config_version_table(cfg), "retort_version");
	retort_config_free(cfg);

	/* a fleet: the pattern as written, for the CLI to expand */
	write_file(at("full/retort.yaml"), "databases: tenants/*.db\n");
	CHECK_INT(retort_config_find(&cfg, at("full/retort.yaml"), NULL, &err), 0);
	CHECK_STR(retort_config_databases(cfg), "tenants/*.db");
	CHECK(retort_config_database(cfg) == NULL);
	retort_config_free(cfg);
	CHECK(err == NULL);
	retort_error_free(err);
}

static void test_precedence(void)
{
	retort_config *cfg = NULL;
	retort_error *err = NULL;
	char *p = NULL;

	make_dir(at("prec"));
	write_file(at("prec/retort.yaml"), "database: sqlite:///from-config.db\n");
	CHECK_INT(retort_config_find(&cfg, at("prec/retort.yaml"), NULL, &err), 0);

	env_clear();
	CHECK_INT(retort_database_path(&p, NULL, cfg, &err), 0);
	CHECK_STR(p, at("prec/from-config.db"));
	free(p);

	/* DATABASE_URL beats the config, relative to the working directory. */
	setenv("DATABASE_URL", "sqlite+aiosqlite:///./data.db", 1);
	CHECK_INT(retort_database_path(&p, NULL, cfg, &err), 0);
	CHECK_STR(p, "./data.db");
	free(p);

	/* RETORT_DATABASE_URL beats DATABASE_URL. */
	setenv("RETORT_DATABASE_URL", "sqlite:///retort.db", 1);
	CHECK_INT(retort_database_path(&p, NULL, cfg, &err), 0);
	CHECK_STR(p, "retort.db");
	free(p);

	/* --db beats everything. */
	CHECK_INT(retort_database_path(&p, "cli.db", cfg, &err), 0);
	CHECK_STR(p, "cli.db");
	free(p);
	CHECK_INT(retort_database_path(&p, "sqlite:////abs/cli.db", NULL, &err), 0);
	CHECK_STR(p, "/abs/cli.db");
	free(p);

	/* An empty variable counts as unset. */
	setenv("RETORT_DATABASE_URL", "", 1);
	CHECK_INT(retort_database_path(&p, NULL, cfg, &err), 0);
	CHECK_STR(p, "./data.db");
	free(p);
	setenv("DATABASE_URL", "", 1);
	CHECK_INT(retort_database_path(&p, NULL, cfg, &err), 0);
	CHECK_STR(p, at("prec/from-config.db"));
	free(p);
	CHECK(err == NULL);

	/* A bad URL names the variable it came from. */
	setenv("DATABASE_URL", "postgresql://app@db/app", 1);
	CHECK_INT(retort_database_path(&p, NULL, cfg, &err), RETORT_EINVALID);
	CHECK(p == NULL);
	CHECK(err != NULL);
	if (err)
		CHECK_STR(err->message, "unsupported database URL "
			"'postgresql://app@db/app': " SUPPORTED " (from $DATABASE_URL)");
	retort_error_free(err);
	err = NULL;
	setenv("RETORT_DATABASE_URL", "mysql://x", 1);
	CHECK_INT(retort_database_path(&p, NULL, cfg, &err), RETORT_EINVALID);
	if (err)
		CHECK_STR(err->message, "unsupported database URL 'mysql://x': "
			SUPPORTED " (from $RETORT_DATABASE_URL)");
	retort_error_free(err);
	err = NULL;
	/* ...and a good --db makes the environment irrelevant. */
	CHECK_INT(retort_database_path(&p, "sqlite://", cfg, &err), 0);
	CHECK_STR(p, ":memory:");
	free(p);
	CHECK_INT(retort_database_path(&p, "oracle://x", cfg, &err), RETORT_EINVALID);
	if (err)
		CHECK_STR(err->message, "unsupported database URL 'oracle://x': " SUPPORTED);
	retort_error_free(err);
	err = NULL;

	/* Without a config, the environment still works. */
	setenv("RETORT_DATABASE_URL", "sqlite:///:memory:", 1);
	CHECK_INT(retort_database_path(&p, NULL, NULL, &err), 0);
	CHECK_STR(p, ":memory:");
	free(p);
	env_clear();
	CHECK_INT(retort_database_path(&p, NULL, NULL, &err), RETORT_ENOTFOUND);
	retort_error_free(err);
	retort_config_free(cfg);
}

static void test_discovery(void)
{
	retort_config *cfg = NULL;
	retort_error *err = NULL;

	make_dir(at("proj"));
	make_dir(at("proj/a"));
	make_dir(at("proj/a/b"));
	make_dir(at("proj/a/retort.yaml")); /* a folder of that name is no config */
	write_file(at("proj/retort.yaml"), "database: sqlite:///data.db\nmodels: m/\n");

	/* From a subfolder given as start_dir: the nearest parent's, absolute. */
	CHECK_INT(retort_config_find(&cfg, NULL, at("proj/a/b"), &err), 0);
	CHECK_STR(retort_config_path(cfg), at("proj/retort.yaml"));
	CHECK_STR(retort_config_dir(cfg), at("proj"));
	CHECK_STR(retort_config_models(cfg), at("proj/m/"));
	retort_config_free(cfg);

	/* From the working directory, in a subfolder. */
	if (chdir(at("proj/a/b")) == 0) {
		char *p = NULL;

		CHECK_INT(retort_config_find(&cfg, NULL, NULL, &err), 0);
		CHECK_STR(retort_config_path(cfg), at("proj/retort.yaml"));
		CHECK_STR(retort_config_revisions(cfg), at("proj/revisions/"));
		env_clear();
		CHECK_INT(retort_database_path(&p, NULL, cfg, &err), 0);
		CHECK_STR(p, at("proj/data.db"));
		free(p);
		retort_config_free(cfg);

		/* A relative start_dir walks up too ("." and ".." as a shell would). */
		CHECK_INT(retort_config_find(&cfg, NULL, "./../b/.", &err), 0);
		CHECK_STR(retort_config_path(cfg), at("proj/retort.yaml"));
		retort_config_free(cfg);
	} else {
		CHECK(!"chdir");
	}

	/* In the project's own folder: ./retort.yaml, paths kept short. */
	if (chdir(at("proj")) == 0) {
		char *p = NULL;

		CHECK_INT(retort_config_find(&cfg, NULL, NULL, &err), 0);
		CHECK_STR(retort_config_path(cfg), "retort.yaml");
		CHECK_STR(retort_config_dir(cfg), ".");
		CHECK_STR(retort_config_models(cfg), "m/");
		CHECK_STR(retort_config_revisions(cfg), "revisions/");
		CHECK_INT(retort_database_path(&p, NULL, cfg, &err), 0);
		CHECK_STR(p, "data.db");
		free(p);
		retort_config_free(cfg);

		/* An explicit path wins over discovery, rooted at its own folder. */
		make_dir("other");
		write_file("other/cfg.yaml", "models: ../shared/\n");
		CHECK_INT(retort_config_find(&cfg, "other/cfg.yaml", NULL, &err), 0);
		CHECK_STR(retort_config_path(cfg), "other/cfg.yaml");
		CHECK_STR(retort_config_dir(cfg), "other");
		CHECK_STR(retort_config_models(cfg), "other/../shared/");
		retort_config_free(cfg);
		CHECK_INT(retort_config_find(&cfg, "cfg-nope.yaml", NULL, &err), RETORT_ENOTFOUND);
		CHECK(cfg == NULL);
		if (err)
			CHECK_STR(err->message, "cannot read config file 'cfg-nope.yaml': "
				"No such file or directory");
		retort_error_free(err);
		err = NULL;
		CHECK_INT(retort_config_find(&cfg, "other", NULL, &err), RETORT_EINVALID);
		if (err)
			CHECK_STR(err->message, "config file 'other' is a folder");
		retort_error_free(err);
		err = NULL;
	} else {
		CHECK(!"chdir");
	}
	if (chdir(start_cwd) != 0)
		CHECK(!"chdir back");

	/* Nowhere: RETORT_ENOTFOUND (unless a stray retort.yaml sits above tmp). */
	make_dir(at("lonely"));
	if (!exists("/tmp/retort.yaml") && !exists("/retort.yaml")) {
		CHECK_INT(retort_config_find(&cfg, NULL, at("lonely"), &err), RETORT_ENOTFOUND);
		CHECK(cfg == NULL);
		CHECK(err && strstr(err->message, "no retort.yaml found in") != NULL);
		retort_error_free(err);
		err = NULL;
	}
	CHECK(err == NULL);
}

static void test_init(void)
{
	retort_config *cfg = NULL;
	retort_error *err = NULL;
	char *p = NULL;

	/* A new folder, two levels deep, is created. */
	CHECK_INT(retort_project_init(at("init/new"), &err), 0);
	CHECK(err == NULL);
	CHECK(exists(at("init/new/retort.yaml")));
	CHECK(exists(at("init/new/models/models.yaml")));
	CHECK(exists(at("init/new/revisions/.gitkeep")));

	/* What it wrote is a valid config with the documented values. */
	CHECK_INT(retort_config_find(&cfg, NULL, at("init/new"), &err), 0);
	CHECK_STR(retort_config_database(cfg), "sqlite:///data.db");
	CHECK_STR(retort_config_models(cfg), at("init/new/models/"));
	CHECK_STR(retort_config_revisions(cfg), at("init/new/revisions/"));
	CHECK_STR(retort_config_version_table(cfg), "retort_version");
	env_clear();
	CHECK_INT(retort_database_path(&p, NULL, cfg, &err), 0);
	CHECK_STR(p, at("init/new/data.db"));
	free(p);
	retort_config_free(cfg);

	/* A second init refuses and changes nothing. */
	write_file(at("init/new/models/mine.yaml"), "tables: {}\n");
	CHECK_INT(retort_project_init(at("init/new"), &err), RETORT_EEXISTS);
	CHECK(err != NULL);
	if (err) {
		char want[3 * PATH_MAX];

		snprintf(want, sizeof(want), "'%s', '%s', '%s' already exist: retort "
			"init never overwrites a project", at("init/new/retort.yaml"),
			at("init/new/models"), at("init/new/revisions"));
		CHECK_STR(err->message, want);
		CHECK_INT(err->code, RETORT_EEXISTS);
	}
	retort_error_free(err);
	err = NULL;
	CHECK(exists(at("init/new/models/mine.yaml")));

	/* Any one of the three is enough to refuse, before anything is written. */
	make_dir(at("init/half"));
	make_dir(at("init/half/revisions"));
	CHECK_INT(retort_project_init(at("init/half"), &err), RETORT_EEXISTS);
	CHECK(err && strstr(err->message, "/init/half/revisions' already exists: "
		"retort init never overwrites a project") != NULL);
	CHECK(!exists(at("init/half/retort.yaml")));
	CHECK(!exists(at("init/half/models")));
	retort_error_free(err);
	err = NULL;

	/* A file where the folder should be. */
	write_file(at("init/file"), "x");
	CHECK(retort_project_init(at("init/file"), &err) < 0);
	CHECK(err != NULL);
	retort_error_free(err);
	err = NULL;

	/* The working directory, as `retort init` with no DIR. */
	make_dir(at("init/here"));
	if (chdir(at("init/here")) == 0) {
		CHECK_INT(retort_project_init(NULL, &err), 0);
		CHECK(exists("retort.yaml") && exists("models") && exists("revisions"));
		CHECK_INT(retort_project_init(".", &err), RETORT_EEXISTS);
		if (err)
			CHECK_STR(err->message, "'retort.yaml', 'models', 'revisions' already "
				"exist: retort init never overwrites a project");
		retort_error_free(err);
		err = NULL;
		if (chdir(start_cwd) != 0)
			CHECK(!"chdir back");
	} else {
		CHECK(!"chdir");
	}
}

static const harness_case cases[] = {
	HARNESS_CASE(test_url_forms),
	HARNESS_CASE(test_bad_urls),
	HARNESS_CASE(test_bad_configs),
	HARNESS_CASE(test_defaults),
	HARNESS_CASE(test_full_config),
	HARNESS_CASE(test_precedence),
	HARNESS_CASE(test_discovery),
	HARNESS_CASE(test_init),
};

int main(int argc, char **argv)
{
	const char *base = getenv("TMPDIR");
	char templ[PATH_MAX];
	int rc = harness_args(argc, argv, HARNESS_CASES(cases));

	if (rc >= 0)
		return rc;
	snprintf(templ, sizeof(templ), "%s/retort-test-config-XXXXXX",
		base && *base ? base : "/tmp");
	if (!getcwd(start_cwd, sizeof(start_cwd)) || !mkdtemp(templ)) {
		perror("test_config: setup");
		return 2;
	}
	/* Discovery reports physical absolute paths: resolve symlinks once. */
	if (chdir(templ) != 0 || !getcwd(tmp, sizeof(tmp)) || chdir(start_cwd) != 0) {
		perror("test_config: setup");
		return 2;
	}
	env_clear();

	harness_run(HARNESS_CASES(cases));

	remove_tree(tmp);
	return harness_done();
}
