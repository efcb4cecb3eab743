/*
** petapp_async.c: the pet app on an event loop (libuv). It migrates its
** database with retort's asynchronous API while the loop keeps running: a
** timer prints a `tick` line about every 50 ms, the migration's progress is
** printed as it arrives (retort_op_fd() watched with uv_poll, the events
** taken with retort_op_poll() on the loop's thread). When the migration is
** done it adds the user "chonky" and the pet "phroge", as petapp does, and
** prints them with their ids.
**
**   DATABASE_URL     the app's database (default sqlite+aiosqlite:///./data.db)
**   RETORT_REVISIONS the revisions folder (default: revisions)
**   --cancel-after MS  cancel the migration after MS milliseconds: when that
**                      cancelled it, say so and exit 1, the database at the
**                      revision it was at
**
** Build: cc petapp_async.c $(pkg-config --cflags --libs retort libuv) -o petapp_async
*/
#include <retort.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

typedef struct app {
	retort_op *op;
	uv_poll_t watch;    /* the operation's descriptor */
	uv_timer_t tick;    /* the loop's heartbeat */
	uv_timer_t cancel;  /* --cancel-after */
	unsigned long ticks;
	int result;
	int done;
} app;

static void on_tick(uv_timer_t *t)
{
	app *a = t->data;

	printf("tick %lu\n", ++a->ticks);
	fflush(stdout);
}

static void on_cancel(uv_timer_t *t)
{
	app *a = t->data;

	retort_op_cancel(a->op);
}

/* One event of the migration, on the loop's thread. */
static int on_progress(void *ctx, const retort_progress *p)
{
	app *a = ctx;
	const char *id = p->revision ? retort_revision_id(p->revision) : "";

	switch (p->kind) {
	case RETORT_PROGRESS_REVISION:
		printf("migrating: %s %s\n", id, retort_revision_message(p->revision));
		break;
	case RETORT_PROGRESS_ROWS:
		printf("migrating: %s line %d: %lld rows written (%.2f s)\n", id, p->line, p->rows,
			p->seconds);
		break;
	case RETORT_PROGRESS_COMMITTED:
		printf("migrated: %s (%.2f s)\n", id, p->seconds);
		break;
	case RETORT_PROGRESS_WARNING:
		printf("warning: %s\n", p->message);
		break;
	case RETORT_PROGRESS_DONE:
		a->done = 1;
		a->result = p->result;
		if (p->result == RETORT_ECANCELLED)
			printf("the migration was cancelled: %s\n", p->error->message);
		else if (p->result)
			fprintf(stderr, "petapp_async: cannot migrate the database: %s%s%s\n",
				p->error && p->error->path ? p->error->path : "",
				p->error && p->error->path ? ": " : "",
				p->error ? p->error->message : "out of memory");
		/* the loop ends once nothing is left to run */
		uv_poll_stop(&a->watch);
		uv_timer_stop(&a->tick);
		uv_timer_stop(&a->cancel);
		break;
	}
	fflush(stdout);
	return 0;
}

static void on_readable(uv_poll_t *w, int status, int events)
{
	app *a = w->data;

	(void)status;
	(void)events;
	retort_op_poll(a->op, on_progress, a);
}

/* The rows an INSERT ... RETURNING gives, as "label: column=value ...". */
static int print_row(void *label, int n, char **values, char **names)
{
	int i;

	printf("%s:", (const char *)label);
	for (i = 0; i < n; i++)
		printf(" %s=%s", names[i], values[i] ? values[i] : "NULL");
	putchar('\n');
	return 0;
}

/* What the tutorial's async session does once the schema is there. */
static int add_pets(const char *path)
{
	sqlite3 *db = NULL;
	char *msg = NULL;
	int rc = sqlite3_open(path, &db);

	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "PRAGMA foreign_keys = ON", NULL, NULL, &msg);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "INSERT INTO user (name) VALUES ('chonky') RETURNING id, name",
			print_row, "user", &msg);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "INSERT INTO pet (name, kind, owner_id) VALUES ('phroge', 'frog',"
			" last_insert_rowid()) RETURNING id, name, kind, owner_id", print_row, "pet", &msg);
	if (rc != SQLITE_OK)
		fprintf(stderr, "petapp_async: %s\n", msg ? msg : sqlite3_errmsg(db));
	sqlite3_free(msg);
	sqlite3_close(db);
	return rc == SQLITE_OK ? 0 : -1;
}

int main(int argc, char **argv)
{
	const char *url = getenv("DATABASE_URL"), *revisions = getenv("RETORT_REVISIONS");
	retort_revisions *revs = NULL;
	retort_error *err = NULL;
	uv_loop_t *loop = uv_default_loop();
	app a;
	char *path = NULL, *end = NULL;
	long cancel_ms = -1;
	int status = 1;

	memset(&a, 0, sizeof(a));
	if (argc == 3 && strcmp(argv[1], "--cancel-after") == 0) {
		cancel_ms = strtol(argv[2], &end, 10);
		if (*end || cancel_ms < 0)
			argc = 0;
	}
	if (argc != 1 && argc != 3) {
		fprintf(stderr, "usage: petapp_async [--cancel-after MS]\n");
		return 2;
	}
	url = url ? url : "sqlite+aiosqlite:///./data.db";
	if (retort_url_to_path(&path, url, NULL, &err) != 0 ||
	    retort_revisions_load(&revs, revisions ? revisions : "revisions", &err) != 0 ||
	    retort_op_start(&a.op, url, revs, "heads", RETORT_UPGRADE, NULL, &err) != 0) {
		fprintf(stderr, "petapp_async: %s\n", err ? err->message : "out of memory");
		goto done;
	}
	a.watch.data = a.tick.data = a.cancel.data = &a;
	uv_poll_init(loop, &a.watch, retort_op_fd(a.op));
	uv_poll_start(&a.watch, UV_READABLE, on_readable);
	uv_timer_init(loop, &a.tick);
	uv_timer_start(&a.tick, on_tick, 50, 50);
	uv_timer_init(loop, &a.cancel);
	if (cancel_ms >= 0)
		uv_timer_start(&a.cancel, on_cancel, (uint64_t)cancel_ms, 0);
	uv_run(loop, UV_RUN_DEFAULT);
	uv_close((uv_handle_t *)&a.watch, NULL);
	uv_close((uv_handle_t *)&a.tick, NULL);
	uv_close((uv_handle_t *)&a.cancel, NULL);
	uv_run(loop, UV_RUN_DEFAULT);
	if (a.done && a.result == 0)
		status = add_pets(path) == 0 ? 0 : 1;
done:
	retort_op_free(a.op);
	uv_loop_close(loop);
	retort_revisions_free(revs);
	retort_error_free(err);
	free(path);
	return status;
}
