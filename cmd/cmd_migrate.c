/*
** cmd_migrate.c: `retort upgrade`, `retort downgrade` and `retort stamp`:
** the apply engine run on the project's database, what it does told on
** stderr as it happens (or, with --sql, the script on stdout), and --json.
** SIGINT, SIGTERM and SIGHUP cancel the run (the library's token), so that
** the revision running is rolled back and no hot journal is left.
*/
#include "cli.h"
#include "scratch.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef int (*migrate_fn)(retort_db *db, const retort_revisions *revs, const char *target,
	const retort_migrate_options *opts, retort_error **err);

/* One run of the engine, as its events are told. */
typedef struct run {
	const cli *c;
	const char *verb;    /* upgrade, downgrade or stamp */
	int dry_run;
	retort_buf script;   /* --sql: every statement that would run */
	retort_buf done;     /* --json: the "revisions" items */
	retort_buf loss;     /* --json: the "data_loss" items */
	retort_buf orphans;  /* --json: the "orphans" items */
	size_t n_done, n_loss, n_orphans;
	int progress_width;  /* the progress line on the terminal; 0: none */
} run;

static const char *direction_word(retort_direction dir)
{
	return dir == RETORT_DOWNGRADE ? "downgrade" : "upgrade";
}

/* The progress line is drawn over with spaces before anything else goes to
** stderr, so that it never mixes with what follows. */
static void clear_progress(run *r)
{
	if (r->progress_width > 0)
		fprintf(stderr, "\r%*s\r", r->progress_width, "");
	r->progress_width = 0;
}

static void show_progress(run *r, const retort_event *ev)
{
	int width;

	if (!r->c->progress || r->c->quiet)
		return;
	clear_progress(r);
	/* short enough never to wrap, which \r could not clear */
	width = cli_stderr(1, "retort: %s %s: the statement at line %d has run %.1f s",
		direction_word(ev->direction), ev->revision ? retort_revision_id(ev->revision) : "",
		ev->line, ev->seconds);
	fflush(stderr);
	r->progress_width = width > 0 ? width : 0;
}

static void put_duration(retort_buf *b, double seconds)
{
	if (seconds < 10)
		retort_buf_printf(b, "%.0f ms", seconds * 1000);
	else
		retort_buf_printf(b, "%.1f s", seconds);
}

static void on_done(run *r, const retort_event *ev)
{
	const retort_revision *rev = ev->revision;
	retort_buf line = RETORT_BUF_INIT;

	/* stamping base is done without a revision: nothing to list */
	if (rev) {
		retort_buf_puts(&r->done, r->done.len ? ", {\"id\": " : "{\"id\": ");
		retort_buf_json_string(&r->done, retort_revision_id(rev));
		retort_buf_puts(&r->done, ", \"message\": ");
		retort_buf_json_string(&r->done, retort_revision_message(rev));
		retort_buf_printf(&r->done, ", \"seconds\": %.3f}", ev->seconds);
	}
	r->n_done++;
	if (r->dry_run || r->c->quiet)
		return;
	retort_buf_printf(&line, "%s %s", strcmp(r->verb, "stamp") == 0 ? r->verb :
		direction_word(ev->direction), rev ? retort_revision_id(rev) : "base");
	if (rev)
		retort_buf_printf(&line, " %s", retort_revision_message(rev));
	retort_buf_puts(&line, " (");
	put_duration(&line, ev->seconds);
	retort_buf_puts(&line, ")");
	cli_stderr(0, "%s", line.ptr);
	retort_buf_release(&line);
}

/*
** A warning of the run, told three ways: on stderr, as a comment line of the
** --sql script (the one place that writes one, since its names come from the
** database), and as the start of its item in a --json list (`list`, with `n`
** items so far), which the caller then finishes. Takes `what`.
*/
static void run_warning(run *r, retort_buf *what, retort_buf *list, size_t *n,
	const retort_event *ev)
{
	cli_warn(r->c, "%s", what->ptr);
	if (r->dry_run)
		retort_buf_comment(&r->script, "warning: %s", what->ptr);
	retort_buf_release(what);
	retort_buf_puts(list, (*n)++ ? ", {\"revision\": " : "{\"revision\": ");
	retort_buf_json_string(list, ev->revision ? retort_revision_id(ev->revision) : NULL);
	retort_buf_puts(list, ", \"table\": ");
	retort_buf_json_string(list, ev->table);
}

static void on_data_loss(run *r, const retort_event *ev)
{
	const char *id = ev->revision ? retort_revision_id(ev->revision) : "";
	retort_buf what = RETORT_BUF_INIT;

	if (ev->loss == RETORT_LOSS_COLUMN)
		retort_buf_printf(&what, "%s %s drops column %s.%s: %lld value%s", direction_word(ev->direction),
			id, ev->table, ev->column, ev->values, ev->values == 1 ? "" : "s");
	else if (ev->loss == RETORT_LOSS_ROWS)
		retort_buf_printf(&what, "%s %s loses %lld row%s of table %s: the copy that rebuilds it "
			"leaves them out", direction_word(ev->direction), id, ev->rows,
			ev->rows == 1 ? "" : "s", ev->table);
	else if (ev->loss == RETORT_LOSS_FILL)
		retort_buf_printf(&what, "%s %s fills column %s.%s with %s where it is NULL: %lld row%s "
			"(a downgrade does not put the NULLs back)", direction_word(ev->direction), id,
			ev->table, ev->column, ev->sql, ev->values, ev->values == 1 ? "" : "s");
	else
		retort_buf_printf(&what, "%s %s drops table %s: %lld row%s", direction_word(ev->direction),
			id, ev->table, ev->rows, ev->rows == 1 ? "" : "s");
	run_warning(r, &what, &r->loss, &r->n_loss, ev);
	retort_buf_puts(&r->loss, ", \"column\": ");
	retort_buf_json_string(&r->loss, ev->column);
	retort_buf_printf(&r->loss, ", \"kind\": \"%s\", \"rows\": %lld, \"values\": ",
		ev->loss == RETORT_LOSS_COLUMN ? "column" : ev->loss == RETORT_LOSS_ROWS ? "rows" :
		ev->loss == RETORT_LOSS_FILL ? "fill" : "table", ev->rows);
	if (ev->loss == RETORT_LOSS_COLUMN || ev->loss == RETORT_LOSS_FILL)
		retort_buf_printf(&r->loss, "%lld", ev->values);
	else
		retort_buf_puts(&r->loss, "null");
	retort_buf_puts(&r->loss, ", \"fill\": ");
	retort_buf_json_string(&r->loss, ev->loss == RETORT_LOSS_FILL ? ev->sql : NULL);
	retort_buf_putc(&r->loss, '}');
}

/* Rows that had no parent before the revision: not its doing, told once. */
static void on_orphans(run *r, const retort_event *ev)
{
	const char *id = ev->revision ? retort_revision_id(ev->revision) : "";
	retort_buf what = RETORT_BUF_INIT;
	size_t i;

	retort_buf_printf(&what, "%s %s: %lld row%s of %s", direction_word(ev->direction), id, ev->rows,
		ev->rows == 1 ? "" : "s", ev->table);
	for (i = 0; i < ev->n_rowids; i++)
		retort_buf_printf(&what, "%s%lld", i ? ", " : " (rowid ", ev->rowids[i]);
	if (ev->n_rowids)
		retort_buf_puts(&what, ev->rows > (long long)ev->n_rowids ? ", ...)" : ")");
	retort_buf_printf(&what, " %s no parent in %s already: left as %s (a revision fails only on "
		"rows it leaves without their parent)", ev->rows == 1 ? "has" : "have", ev->parent,
		ev->rows == 1 ? "it is" : "they are");
	run_warning(r, &what, &r->orphans, &r->n_orphans, ev);
	retort_buf_puts(&r->orphans, ", \"parent\": ");
	retort_buf_json_string(&r->orphans, ev->parent);
	retort_buf_printf(&r->orphans, ", \"rows\": %lld, \"rowids\": [", ev->rows);
	for (i = 0; i < ev->n_rowids; i++)
		retort_buf_printf(&r->orphans, "%s%lld", i ? ", " : "", ev->rowids[i]);
	retort_buf_puts(&r->orphans, "]}");
}

static void on_statement(run *r, const retort_event *ev)
{
	size_t len = strlen(ev->sql);
	int newline = len && ev->sql[len - 1] == '\n';

	if (r->dry_run) {
		retort_buf_printf(&r->script, "%s%s", ev->sql, newline ? "" : "\n");
	} else if (r->c->echo) {
		clear_progress(r);
		cli_stderr(1, "%s%s", ev->sql, newline ? "" : "\n");
	}
}

/* The one event printer of the three commands. */
static void on_event(void *ctx, const retort_event *ev)
{
	run *r = ctx;

	if (ev->kind != RETORT_EVENT_PROGRESS)
		clear_progress(r);
	switch (ev->kind) {
	case RETORT_EVENT_STATEMENT:
		on_statement(r, ev);
		break;
	case RETORT_EVENT_BEGIN:
		if (r->dry_run && ev->revision) {
			retort_buf_putc(&r->script, '\n');
			retort_buf_comment(&r->script, "%s %s: %s", direction_word(ev->direction),
				retort_revision_id(ev->revision), retort_revision_message(ev->revision));
		}
		break;
	case RETORT_EVENT_DONE:
		on_done(r, ev);
		break;
	case RETORT_EVENT_DATA_LOSS:
		on_data_loss(r, ev);
		break;
	case RETORT_EVENT_PROGRESS:
		show_progress(r, ev);
		break;
	case RETORT_EVENT_SKIPPED:
		cli_note(r->c, "%s was applied by another process meanwhile",
			ev->revision ? retort_revision_id(ev->revision) : "a revision");
		break;
	case RETORT_EVENT_ORPHANS:
		on_orphans(r, ev);
		break;
	}
}

/* {"direction", "dry_run", "revisions", "data_loss", "current", "orphans",
** "sql", "error"}: the --json report, also written when the run failed part way,
** since the revisions before the failure stay applied. */
static void put_json(retort_buf *b, const run *r, int known, char **current,
	size_t n_current, const retort_error *err)
{
	retort_buf_puts(b, "{\"direction\": ");
	retort_buf_json_string(b, r->verb);
	retort_buf_printf(b, ", \"dry_run\": %s, \"revisions\": [%s], \"data_loss\": [%s], \"current\": ",
		r->dry_run ? "true" : "false", r->done.ptr, r->loss.ptr);
	if (known)
		cli_json_strings(b, (const char *const *)current, n_current);
	else
		retort_buf_puts(b, "null");
	retort_buf_printf(b, ", \"orphans\": [%s], \"sql\": ", r->orphans.ptr);
	retort_buf_json_string(b, r->dry_run ? r->script.ptr : NULL);
	retort_buf_puts(b, ", \"error\": ");
	if (err)
		cli_json_error(b, err);
	else
		retort_buf_puts(b, "null");
	retort_buf_putc(b, '}');
}

void cli_put_ids(retort_buf *b, char *const *ids, size_t n)
{
	size_t i;

	if (n == 0)
		retort_buf_puts(b, "base");
	for (i = 0; i < n; i++)
		retort_buf_printf(b, "%s%s", i ? ", " : "", ids[i]);
}

/* ---- signals ------------------------------------------------------------ */

static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP };
#define N_STOP_SIGNALS (sizeof(stop_signals) / sizeof(stop_signals[0]))
/* All set before the handler is installed, read by it. */
static struct sigaction saved_actions[N_STOP_SIGNALS], saved_pipe;
static int caught_here[N_STOP_SIGNALS];
static retort_cancel *run_cancel;
static volatile sig_atomic_t caught_signal;

/*
** Only a flag is set here (the token's atomic store); the engine notices it
** within milliseconds and rolls back. The old actions come back at once, so
** that a second signal ends the process as it would have: SQLite's journal
** keeps the file whole, but that journal stays behind, hot.
*/
static void on_stop_signal(int sig)
{
	size_t i;

	if (!caught_signal)
		caught_signal = sig;
	retort_cancel_request(run_cancel);
	for (i = 0; i < N_STOP_SIGNALS; i++)
		if (caught_here[i])
			sigaction(stop_signals[i], &saved_actions[i], NULL);
}

void cli_catch_stop_signals(retort_cancel *cancel)
{
	struct sigaction sa;
	size_t i;

	run_cancel = cancel;
	caught_signal = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < N_STOP_SIGNALS; i++)
		sigaddset(&sa.sa_mask, stop_signals[i]);
	for (i = 0; i < N_STOP_SIGNALS; i++) {
		/* one ignored from the start (nohup, a background job) stays so */
		caught_here[i] = sigaction(stop_signals[i], NULL, &saved_actions[i]) == 0 &&
			saved_actions[i].sa_handler != SIG_IGN &&
			sigaction(stop_signals[i], &sa, NULL) == 0;
	}
	/* stderr piped to a reader that is gone (`| tee` ended by the same
	** Ctrl-C) must not kill the run between two statements: a write that
	** fails is harmless, a death mid-revision leaves a hot journal */
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, &saved_pipe);
}

void cli_release_stop_signals(void)
{
	size_t i;

	for (i = 0; i < N_STOP_SIGNALS; i++)
		if (caught_here[i])
			sigaction(stop_signals[i], &saved_actions[i], NULL);
	memset(caught_here, 0, sizeof(caught_here));
	sigaction(SIGPIPE, &saved_pipe, NULL);
}

int cli_caught_signal(void)
{
	return caught_signal;
}

static const char *signal_name(int sig)
{
	return sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : sig == SIGHUP ? "SIGHUP" :
		"a cancel";
}

/*
** A run the signal cancelled: the error (the revision rolled back, at the
** statement stopped) says which signal and where the database is now, for
** stderr and --json alike. Exit 128 + the signal, as a shell reports a
** process it killed.
*/
static int interrupted(const cli *c, retort_error *err, char **current, size_t n, int known)
{
	retort_buf msg = RETORT_BUF_INIT;
	int rc;

	if (err) {
		retort_buf_printf(&msg, "interrupted (%s): %s; the database is ",
			signal_name(caught_signal), err->message);
		if (known) {
			retort_buf_puts(&msg, "at ");
			cli_put_ids(&msg, current, n);
		} else {
			retort_buf_puts(&msg, "where the run left it (it cannot be read now)");
		}
		if (!retort_buf_oom(&msg)) {
			free(err->message);
			err->message = retort_buf_detach(&msg);
		}
		retort_buf_release(&msg);
	}
	rc = cli_error(c, err);
	return caught_signal && err ? 128 + caught_signal : rc;
}

/* The database for a run: a dry run reads (and a database that does not
** exist yet is an empty one, sealed like every scratch database: `*scratch`,
** wrapped), a real run writes. */
static int open_for_run(const cli *c, int dry_run, unsigned write_flags, retort_db **db,
	sqlite3 **scratch)
{
	retort_error *err = NULL;
	int rc = cli_open_db(c, (dry_run ? 0 : write_flags) | CLI_DB_RUN, db, NULL);

	if (!rc && !*db &&
	    (retort_scratch_open(scratch, &err) != 0 || retort_db_wrap(db, *scratch, &err) != 0))
		rc = cli_error(c, err);
	retort_error_free(err);
	return rc;
}

static int migrate(cli *c, const char *verb, migrate_fn fn, const char *target,
	unsigned write_flags)
{
	retort_migrate_options opts = RETORT_MIGRATE_OPTIONS_INIT;
	retort_cancel *cancel = NULL;
	run r = { c, verb, 0, RETORT_BUF_INIT, RETORT_BUF_INIT, RETORT_BUF_INIT, RETORT_BUF_INIT,
		0, 0, 0, 0 };
	const char *backup = cli_opt(c, "backup");
	retort_revisions *revs = NULL;
	retort_error *err = NULL;
	retort_buf out = RETORT_BUF_INIT, at = RETORT_BUF_INIT;
	char **current = NULL;
	size_t n_current = 0;
	retort_db *db = NULL;
	sqlite3 *scratch = NULL;
	struct stat st;
	int rc, failed, known;

	r.dry_run = cli_opt(c, "sql") != NULL;
	if (backup && r.dry_run) {
		cli_note(c, "--sql changes nothing: no backup is made");
		backup = NULL;
	}
	if (backup && stat(backup, &st) == 0)
		return cli_fail(c, EXIT_BAD_INPUT, "backup file '%s' already exists: "
			"refusing to overwrite it", backup);
	rc = cli_load_revisions(c, &revs);
	if (!rc)
		rc = open_for_run(c, r.dry_run, write_flags, &db, &scratch);
	if (!rc && retort_cancel_new(&cancel, NULL) != 0)
		rc = cli_error(c, NULL);
	if (rc)
		goto done;
	opts.one_transaction = cli_opt(c, "one-transaction") != NULL;
	opts.allow_attach = cli_opt(c, "allow-attach") != NULL;
	opts.carry_unknown_objects = cli_opt(c, "carry-unknown-objects") != NULL;
	opts.dry_run = r.dry_run;
	opts.backup_path = backup;
	opts.busy_timeout_ms = c->busy_timeout;
	opts.cfg = c->cfg;
	opts.on_event = on_event;
	opts.ctx = &r;
	opts.cancel = cancel;
	cli_catch_stop_signals(cancel);
	failed = fn(db, revs, target, &opts, &err);
	cli_release_stop_signals();
	clear_progress(&r);
	/* null in --json when it cannot be read (still locked, say): after a
	** failed run, without waiting again past --busy-timeout */
	if (failed && db)
		retort_db_busy_wait(db, NULL, 0);
	known = retort_db_current(&current, &n_current, db, c->cfg, NULL) == 0;
	if (!known) {
		current = NULL;
		n_current = 0;
	}
	if (failed == RETORT_ECANCELLED)
		rc = interrupted(c, err, known ? current : NULL, known ? n_current : 0, known);
	else if (failed)
		rc = cli_error(c, err);
	/* the lines printed as each revision ran would read as done */
	if (failed && opts.one_transaction && r.n_done && !r.dry_run)
		cli_note(c, "--one-transaction: the %zu revision%s above %s rolled back with it; "
			"the database is where it started", r.n_done, r.n_done == 1 ? "" : "s",
			r.n_done == 1 ? "was" : "were");
	/* a stamp always writes its row, and its line says where it went */
	if (!failed && !r.dry_run && r.n_done == 0 && strcmp(verb, "stamp") != 0) {
		cli_put_ids(&at, current, n_current);
		cli_note(c, "nothing to do: the database is at %s", at.ptr);
	}
	if (!failed && backup && stat(backup, &st) == 0)
		cli_note(c, "the database before this %s is in '%s'", verb, backup);
	if (c->json) {
		put_json(&out, &r, known, current, n_current, failed ? err : NULL);
		rc = cli_write_buf(c, &out) ? EXIT_DATABASE : rc;
	} else if (r.dry_run && !failed) {
		retort_buf_comment(&out, "retort %s %s: %zu revision%s", verb, target, r.n_done,
			r.n_done == 1 ? "" : "s");
		/* the dqlite shell runs each line in a transaction of its own and
		** goes on past a failed one: no shell applies the script whole */
		if (db && strcmp(retort_db_backend(db), "sqlite") != 0)
			retort_buf_printf(&out, "-- not for a shell: on a %s cluster each line would run in a "
				"transaction of its own, past errors;\n-- apply with: retort %s %s --db %s\n",
				retort_db_backend(db), verb, target, retort_db_location(db));
		else
			retort_buf_puts(&out, "-- apply with: sqlite3 -bail DATABASE < THIS_FILE "
				"(it stops at the first error)\n");
		retort_buf_puts(&out, r.script.ptr);
		rc = cli_write_buf(c, &out);
	}
done:
	retort_strings_free(current, n_current);
	retort_buf_release(&at);
	retort_buf_release(&out);
	retort_buf_release(&r.script);
	retort_buf_release(&r.done);
	retort_buf_release(&r.loss);
	retort_buf_release(&r.orphans);
	retort_db_free(db);
	sqlite3_close(scratch);
	retort_cancel_free(cancel);
	retort_revisions_free(revs);
	retort_error_free(err);
	return rc;
}

static int one_target(const cli *c, const char *verb, int argc, char **argv,
	const char *fallback, const char **target)
{
	*target = argc == 1 ? argv[0] : fallback;
	if (argc > 1 || !*target)
		return cli_usage(c, "%s takes %s TARGET (see retort %s --help)",
			verb, fallback ? "at most one" : "one", verb);
	return 0;
}

int cmd_upgrade(cli *c, int argc, char **argv)
{
	const char *target, *pattern = NULL;
	int rc = one_target(c, "upgrade", argc, argv, "head", &target);

	if (!rc)
		rc = cli_fleet_pattern(c, &pattern);
	if (!rc && pattern)
		return cli_fleet_migrate(c, pattern, "upgrade", RETORT_FLEET_UPGRADE, target);
	return rc ? rc : migrate(c, "upgrade", retort_db_upgrade, target, CLI_DB_WRITE | CLI_DB_CREATE);
}

int cmd_downgrade(cli *c, int argc, char **argv)
{
	const char *target, *pattern = NULL;
	int rc = one_target(c, "downgrade", argc, argv, NULL, &target);

	if (!rc)
		rc = cli_fleet_pattern(c, &pattern);
	if (!rc && pattern)
		return cli_fleet_migrate(c, pattern, "downgrade", RETORT_FLEET_DOWNGRADE, target);
	return rc ? rc : migrate(c, "downgrade", retort_db_downgrade, target, CLI_DB_WRITE);
}

int cmd_stamp(cli *c, int argc, char **argv)
{
	const char *target, *pattern = NULL;
	int rc = one_target(c, "stamp", argc, argv, NULL, &target);

	if (!rc)
		rc = cli_fleet_pattern(c, &pattern);
	if (!rc && pattern)
		return cli_fleet_migrate(c, pattern, "stamp", RETORT_FLEET_STAMP, target);
	return rc ? rc : migrate(c, "stamp", retort_db_stamp, target, CLI_DB_WRITE | CLI_DB_CREATE);
}
