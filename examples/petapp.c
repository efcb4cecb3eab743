/*
** petapp.c: the pet app of the tutorial series, in C. At start-up it brings
** its own database up to the head of its revisions with libretort, then does
** what the tutorial's session does: add the user "chonky" and the pet
** "phroge", and print them with their ids.
**
**   DATABASE_URL     the app's database (default sqlite+aiosqlite:///./data.db,
**                    the Python app's own URL: the driver part is ignored)
**   RETORT_REVISIONS the revisions folder (default: revisions)
**
** Build: cc petapp.c $(pkg-config --cflags --libs retort) -o petapp
*/
#include <retort.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>

/* Migrate at start-up: the few calls every app needs. */
static int migrate(sqlite3 *db, const char *revisions_dir)
{
	retort_migrate_options opts = RETORT_MIGRATE_OPTIONS_INIT;
	retort_revisions *revs = NULL;
	retort_error *err = NULL;
	int rc = retort_revisions_load(&revs, revisions_dir, &err);

	if (rc == 0)
		rc = retort_upgrade(db, revs, "heads", &opts, &err);
	if (rc != 0)
		fprintf(stderr, "petapp: cannot migrate the database: %s%s%s\n",
			err && err->path ? err->path : "", err && err->path ? ": " : "",
			err ? err->message : "out of memory");
	retort_error_free(err);
	retort_revisions_free(revs);
	return rc;
}

/* INSERT with one text parameter; returns the new row's id, or -1. */
static sqlite3_int64 insert(sqlite3 *db, const char *sql, const char *text, sqlite3_int64 owner)
{
	sqlite3_stmt *stmt = NULL;
	sqlite3_int64 id = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK) {
		sqlite3_bind_text(stmt, 1, text, -1, SQLITE_STATIC);
		if (owner > 0)
			sqlite3_bind_int64(stmt, 2, owner);
		if (sqlite3_step(stmt) == SQLITE_DONE)
			id = sqlite3_last_insert_rowid(db);
	}
	if (id < 0)
		fprintf(stderr, "petapp: %s\n", sqlite3_errmsg(db));
	sqlite3_finalize(stmt);
	return id;
}

/* Print the row `id` of a query as "label: column=value ...". */
static int print_row(sqlite3 *db, const char *label, const char *sql, sqlite3_int64 id)
{
	sqlite3_stmt *stmt = NULL;
	int rc = sqlite3_prepare_v2(db, sql, -1, &stmt, NULL), i;

	if (rc == SQLITE_OK)
		sqlite3_bind_int64(stmt, 1, id);
	while (rc == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW) {
		printf("%s:", label);
		for (i = 0; i < sqlite3_column_count(stmt); i++)
			printf(" %s=%s", sqlite3_column_name(stmt, i),
				sqlite3_column_type(stmt, i) == SQLITE_NULL ? "NULL"
					: (const char *)sqlite3_column_text(stmt, i));
		putchar('\n');
	}
	sqlite3_finalize(stmt);
	return rc == SQLITE_OK ? 0 : -1;
}

int main(void)
{
	const char *url = getenv("DATABASE_URL"), *revisions = getenv("RETORT_REVISIONS");
	retort_error *err = NULL;
	sqlite3 *db = NULL;
	char *path = NULL;
	sqlite3_int64 user, pet;
	int status = 1;

	if (retort_url_to_path(&path, url ? url : "sqlite+aiosqlite:///./data.db", NULL, &err) != 0) {
		fprintf(stderr, "petapp: DATABASE_URL: %s\n", err->message);
		goto done;
	}
	if (sqlite3_open(path, &db) != SQLITE_OK) {
		fprintf(stderr, "petapp: cannot open %s: %s\n", path, sqlite3_errmsg(db));
		goto done;
	}
	if (migrate(db, revisions ? revisions : "revisions") != 0)
		goto done;
	sqlite3_exec(db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
	user = insert(db, "INSERT INTO user(name) VALUES (?1)", "chonky", 0);
	pet = user > 0 ? insert(db, "INSERT INTO pet(name, kind, owner_id) VALUES (?1, 'frog', ?2)",
		"phroge", user) : -1;
	if (pet < 0)
		goto done;
	if (print_row(db, "user", "SELECT id, name FROM user WHERE id = ?1", user) != 0 ||
	    print_row(db, "pet", "SELECT id, name, kind, owner_id FROM pet WHERE id = ?1", pet) != 0)
		goto done;
	status = 0;
done:
	sqlite3_close(db);
	free(path);
	retort_error_free(err);
	return status;
}
