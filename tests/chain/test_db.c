/*
** test_db.c: the library through a connection (issue 16 item 1): the pet
** app's chain on its own sqlite3 handle wrapped (left open and usable after
** the connection is freed), and on a database opened from a URL (upgrade,
** current, schema, backup, downgrade); what opening refuses; a locked
** database and a read-only one through the one error mapping; the
** asynchronous API on a file whose path holds "://".
*/
#include "harness.h"
#include "retort.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char root[256], revisions[512];
static retort_revisions *revs;

static const char *head_id(void)
{
	return retort_revision_id(retort_revisions_head(revs, 0));
}

/* The one revision `db` is at, or "" at base (checked to be one at most). */
static void check_at(retort_db *db, const char *want)
{
	char **ids = NULL;
	size_t n = 0;
	retort_error *err = NULL;

	CHECK_INT(retort_db_current(&ids, &n, db, NULL, &err), 0);
	CHECK_INT(n, *want ? 1 : 0);
	if (n == 1)
		CHECK_STR(ids[0], want);
	retort_strings_free(ids, n);
	retort_error_free(err);
}

static void test_wrap(void)
{
	char path[300];
	sqlite3 *app = NULL;
	retort_db *db = NULL;
	retort_schema *schema = NULL;
	const retort_revision **changed = NULL;
	retort_error *err = NULL;
	char **ids = NULL;
	size_t n = 0;

	snprintf(path, sizeof(path), "%s/wrap.db", root);
	CHECK_INT(sqlite3_open(path, &app), SQLITE_OK);
	CHECK_INT(retort_db_wrap(&db, NULL, &err), RETORT_EINVALID);
	retort_error_free(err);
	err = NULL;
	CHECK_INT(retort_db_wrap(&db, app, &err), 0);
	CHECK_INT(retort_db_upgrade(db, revs, "heads", NULL, &err), 0);
	if (err)
		fprintf(stderr, "%s\n", err->message);
	check_at(db, head_id());
	CHECK_INT(retort_db_changed_revisions(&changed, &n, db, revs, NULL, &err), 0);
	CHECK_INT(n, 0);
	free(changed);
	CHECK_INT(retort_db_schema_read(&schema, db, NULL, &err), 0);
	CHECK_INT(retort_schema_table_count(schema), 2);
	retort_schema_free(schema);
	retort_db_free(db);
	/* the handle is still the app's, open, outside any transaction */
	CHECK_INT(sqlite3_get_autocommit(app), 1);
	CHECK_INT(sqlite3_exec(app, "INSERT INTO user (name) VALUES ('ann')", NULL, NULL, NULL),
		SQLITE_OK);
	CHECK_INT(retort_current(&ids, &n, app, NULL, &err), 0);
	CHECK_INT(n, 1);
	if (n == 1)
		CHECK_STR(ids[0], head_id());
	retort_strings_free(ids, n);
	sqlite3_close(app);
	CHECK_INT(harness_query_int(path, "SELECT count(*) FROM user"), 1);
	retort_error_free(err);
}

static void test_url(void)
{
	char path[300], url[320], backup[300];
	retort_migrate_options opts = RETORT_MIGRATE_OPTIONS_INIT;
	retort_db *db = NULL;
	retort_error *err = NULL;
	struct stat st;

	snprintf(path, sizeof(path), "%s/url.db", root);
	snprintf(url, sizeof(url), "sqlite:///%s", path); /* four slashes: absolute */
	snprintf(backup, sizeof(backup), "%s/url-backup.db", root);
	CHECK_INT(retort_db_open(&db, url, RETORT_DB_WRITE | RETORT_DB_CREATE, &err), 0);
	check_at(db, "");
	opts.backup_path = backup;
	CHECK_INT(retort_db_upgrade(db, revs, "heads", &opts, &err), 0);
	if (err)
		fprintf(stderr, "%s\n", err->message);
	check_at(db, head_id());
	CHECK_INT(harness_query_int(path, "SELECT count(*) FROM retort_history"), 2);
	/* the backup is the database as the run found it: empty */
	CHECK_INT(stat(backup, &st), 0);
	CHECK_INT(harness_query_int(backup, "SELECT count(*) FROM sqlite_schema"), 0);
	CHECK_INT(retort_db_downgrade(db, revs, "base", NULL, &err), 0);
	check_at(db, "");
	CHECK_INT(harness_query_int(path,
		"SELECT count(*) FROM sqlite_schema WHERE name IN ('user', 'pet')"), 0);
	CHECK_INT(retort_db_stamp(db, revs, "heads", NULL, &err), 0);
	check_at(db, head_id());
	retort_db_free(db);
	retort_error_free(err);
}

static void test_open_refused(void)
{
	char path[300];
	retort_db *db = NULL;
	retort_error *err = NULL;

	snprintf(path, sizeof(path), "%s/missing.db", root);
	CHECK_INT(retort_db_open(&db, path, 0, &err), RETORT_ENOTFOUND);
	CHECK(db == NULL);
	CHECK(err && strstr(err->message, "does not exist"));
	retort_error_free(err);
	err = NULL;
	/* read-only never creates it */
	CHECK_INT(harness_query_int(path, "SELECT 1"), -1);
	CHECK_INT(retort_db_open(&db, "postgresql://host/app", RETORT_DB_WRITE, &err),
		RETORT_EINVALID);
	CHECK(err && strstr(err->message, "unsupported database URL 'postgresql://host/app'"));
	retort_error_free(err);
	err = NULL;
	CHECK_INT(retort_db_open(&db, root, 0, &err), RETORT_EINVALID);
	CHECK(err && strstr(err->message, "is a directory"));
	retort_error_free(err);
}

/* Busy and read-only come through the one mapping: EBUSY with the wait,
** EDB; the database is left as it was. */
static void test_locked_and_readonly(void)
{
	char path[300];
	retort_migrate_options opts = RETORT_MIGRATE_OPTIONS_INIT;
	sqlite3 *holder = NULL;
	retort_db *db = NULL;
	retort_error *err = NULL;

	snprintf(path, sizeof(path), "%s/locked.db", root);
	CHECK_INT(sqlite3_open(path, &holder), SQLITE_OK);
	CHECK_INT(sqlite3_exec(holder, "CREATE TABLE app (x); BEGIN IMMEDIATE", NULL, NULL, NULL),
		SQLITE_OK);
	CHECK_INT(retort_db_open(&db, path, RETORT_DB_WRITE, &err), 0);
	opts.busy_timeout_ms = 50;
	CHECK_INT(retort_db_upgrade(db, revs, "heads", &opts, &err), RETORT_EBUSY);
	CHECK(err && strcmp(err->message, "the database is locked (waited 50 ms)") == 0);
	retort_error_free(err);
	err = NULL;
	retort_db_free(db);
	sqlite3_exec(holder, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(holder);

	CHECK_INT(retort_db_open(&db, path, 0, &err), 0);
	CHECK_INT(retort_db_upgrade(db, revs, "heads", NULL, &err), RETORT_EDB);
	CHECK(err && strstr(err->message, "readonly"));
	retort_db_free(db);
	retort_error_free(err);
	CHECK_INT(harness_query_int(path, "SELECT count(*) FROM sqlite_schema"), 1);
}

/* The asynchronous API opens what the URL names once: a file whose path
** holds "://" (sqlite:////dir/odd://x.db) is that file, not a URL again. */
static void test_async_odd_path(void)
{
	char dir[300], url[340], path[320];
	retort_op *op = NULL;
	const retort_error *err = NULL;
	retort_error *start_err = NULL;

	snprintf(dir, sizeof(dir), "%s/odd:", root);
	CHECK_INT(mkdir(dir, 0777), 0);
	snprintf(path, sizeof(path), "%s//x.db", dir);
	snprintf(url, sizeof(url), "sqlite:///%s", path);
	CHECK_INT(retort_op_start(&op, url, revs, "heads", RETORT_UPGRADE, NULL, &start_err), 0);
	CHECK_INT(retort_op_wait(op, &err), 0);
	if (err)
		fprintf(stderr, "%s\n", err->message);
	retort_op_free(op);
	retort_error_free(start_err);
	CHECK_INT(harness_query_int(path, "SELECT count(*) FROM retort_version"), 1);
}

static void test_database_url(void)
{
	char *out = NULL;
	retort_error *err = NULL;

	CHECK_INT(retort_database_url(&out, "sqlite:///app.db?mode=ro", NULL, &err), 0);
	CHECK_STR(out, "app.db");
	free(out);
	out = NULL;
	CHECK_INT(retort_database_url(&out, "mysql://h/app", NULL, &err), RETORT_EINVALID);
	CHECK(out == NULL);
	retort_error_free(err);
}

/* The URL that retort_database_url() makes of a config's database opens the
** file the CLI opens: `sqlite:///./file:x.db` is the file named "file:x.db"
** beside the config, which retort_db_open() would refuse as a SQLite URI. */
static void test_database_url_file_colon(void)
{
	char dir[300], cwd[1024], path[340];
	retort_config *cfg = NULL;
	retort_db *db = NULL;
	retort_error *err = NULL;
	char *out = NULL;

	snprintf(dir, sizeof(dir), "%s/colon", root);
	CHECK_INT(mkdir(dir, 0777), 0);
	harness_write_file(dir, "retort.yaml", "database: sqlite:///./file:x.db\n");
	CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
	CHECK_INT(chdir(dir), 0);
	unsetenv("RETORT_DATABASE_URL");
	unsetenv("DATABASE_URL");
	CHECK_INT(retort_config_find(&cfg, NULL, NULL, &err), 0);
	CHECK_INT(retort_database_path(&out, NULL, cfg, &err), 0);
	CHECK_STR(out, "file:x.db");
	free(out);
	out = NULL;
	CHECK_INT(retort_database_url(&out, NULL, cfg, &err), 0);
	CHECK_INT(retort_db_open(&db, out, RETORT_DB_WRITE | RETORT_DB_CREATE, &err), 0);
	if (err)
		fprintf(stderr, "%s: %s\n", out ? out : "(none)", err->message);
	if (db)
		CHECK_INT(retort_db_upgrade(db, revs, "heads", NULL, &err), 0);
	retort_db_free(db);
	free(out);
	retort_config_free(cfg);
	retort_error_free(err);
	CHECK_INT(chdir(cwd), 0);
	snprintf(path, sizeof(path), "%s/file:x.db", dir);
	CHECK_INT(harness_query_int(path, "SELECT count(*) FROM retort_version"), 1);
}

static const harness_case cases[] = {
	HARNESS_CASE(test_wrap),
	HARNESS_CASE(test_url),
	HARNESS_CASE(test_open_refused),
	HARNESS_CASE(test_locked_and_readonly),
	HARNESS_CASE(test_async_odd_path),
	HARNESS_CASE(test_database_url),
	HARNESS_CASE(test_database_url_file_colon),
};

int main(int argc, char **argv)
{
	retort_error *err = NULL;
	int rc = harness_args(argc, argv, HARNESS_CASES(cases));

	if (rc >= 0)
		return rc;
	if (harness_chain_setup(revisions, sizeof(revisions), root, sizeof(root), "db") != 0)
		return 1;
	if (retort_revisions_load(&revs, revisions, &err) != 0) {
		fprintf(stderr, "%s\n", err ? err->message : "cannot load the revisions");
		retort_error_free(err);
		return 1;
	}
	harness_run(HARNESS_CASES(cases));
	retort_revisions_free(revs);
	rc = harness_done();
	harness_rmdir(root);
	return rc;
}
