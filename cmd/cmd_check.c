/*
** cmd_check.c: the commands that judge: `check` and `verify` (for CI) and
** `status` (where the database is). Each exits 0 when all is well and 1
** when it found something, and reports what on stdout.
*/
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What check found, as lines or as {"ok", "problems": [{"kind",
** "revision", "message"}]}. */
typedef cli_findings findings;

static void found(findings *f, const char *kind, const retort_revision *rev, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void found(findings *f, const char *kind, const retort_revision *rev, const char *fmt, ...)
{
	size_t start = f->text.len;
	va_list ap;

	va_start(ap, fmt);
	retort_buf_vprintf(&f->text, fmt, ap);
	va_end(ap);
	retort_buf_puts(&f->json, f->n++ ? ",\n  {\"kind\": " : "\n  {\"kind\": ");
	retort_buf_json_string(&f->json, kind);
	retort_buf_puts(&f->json, ", \"revision\": ");
	retort_buf_json_string(&f->json, rev ? retort_revision_id(rev) : NULL);
	retort_buf_puts(&f->json, ", \"message\": ");
	retort_buf_json_string(&f->json, f->text.ptr + start);
	retort_buf_putc(&f->json, '}');
	retort_buf_putc(&f->text, '\n');
}

static int no_operands(const cli *c, const char *command, int argc)
{
	if (argc == 0)
		return 0;
	return cli_usage(c, "%s takes no operands (usage: retort %s)", command, command);
}

static void check_heads(findings *f, const retort_revisions *revs)
{
	size_t i, n = retort_revisions_head_count(revs);
	retort_buf list = RETORT_BUF_INIT;

	if (n < 2)
		return;
	for (i = 0; i < n; i++)
		retort_buf_printf(&list, "%s%s", i ? ", " : "", retort_revision_id(retort_revisions_head(revs, i)));
	found(f, "several_heads", NULL, "the revisions have %zu heads (%s): merge them with "
		"'retort merge -m MSG heads'", n, list.ptr);
	retort_buf_release(&list);
}

static int check_models(const cli *c, findings *f, const retort_revisions *revs)
{
	retort_schema *models = NULL, *chain = NULL;
	retort_error *err = NULL;
	char *differences = NULL;
	int rc = cli_load_source(c, "models", &models, &err);

	if (!rc && (retort_revisions_schema(&chain, revs, NULL, c->cfg, &err) ||
		    retort_schema_differences(&differences, chain, models, &err)))
		rc = cli_error(c, err);
	if (!rc && differences)
		found(f, "models_differ", NULL, "the models differ from the revisions' head: %s "
			"(run 'retort revision --autogenerate -m MSG')", differences);
	free(differences);
	retort_schema_free(models);
	retort_schema_free(chain);
	retort_error_free(err);
	return rc;
}

/* Applied revisions whose file changed since; never prints (a fleet's
** databases are looked at on worker threads). */
static int find_changed(const cli *c, retort_db *db, const retort_revisions *revs,
	findings *f, retort_error **err)
{
	const retort_revision **changed = NULL;
	size_t i, n = 0;
	int rc = retort_db_changed_revisions(&changed, &n, db, revs, c->cfg, err);

	for (i = 0; i < n; i++)
		found(f, "changed", changed[i], "revision %s (%s) changed after it was applied",
			retort_revision_id(changed[i]), retort_revision_path(changed[i]));
	free(changed);
	return rc;
}

static int check_changed(const cli *c, retort_db *db, const retort_revisions *revs,
	findings *f)
{
	retort_error *err = NULL;
	int rc = 0;

	if (db && find_changed(c, db, revs, f, &err))
		rc = cli_error(c, err);
	retort_error_free(err);
	return rc;
}

/* One database of `check --each`: its changed revisions, and its drift
** from the chain at its revisions (as `status` tells it); a revision the
** folder lacks fails it (exit 2). */
static int check_database(const cli *c, const retort_revisions *revs, retort_db *db,
	const retort_fleet_result *r, findings *f, retort_error **err)
{
	const retort_revision **at = NULL;
	retort_schema *live = NULL, *chain = NULL;
	char *drift = NULL;
	size_t n_at = 0;
	int rc = retort_revisions_resolve(&at, &n_at, revs, "current",
		(const char *const *)r->after, r->n_after, err);

	if (!rc)
		rc = find_changed(c, db, revs, f, err);
	/* the library replays one TARGET: several revisions only as the heads */
	if (!rc && cli_chain_replayable(revs, at, n_at) &&
	    !(rc = retort_db_schema_read(&live, db, c->cfg, err)) &&
	    !(rc = retort_revisions_schema(&chain, revs, cli_chain_target(at, n_at), c->cfg, err)))
		rc = retort_schema_differences(&drift, chain, live, err);
	if (!rc && drift)
		found(f, "drift", NULL, "drift: %s", drift);
	free(drift);
	retort_schema_free(live);
	retort_schema_free(chain);
	free(at);
	return rc;
}

/* --base REF: revisions this branch and REF each added on the same parent. */
static int check_base(const cli *c, const retort_revisions *revs, findings *f)
{
	const char *base = cli_opt(c, "base");
	retort_error *err = NULL;
	char *report = NULL, *line, *next;
	int rc = 0, code;

	if (!base)
		return 0;
	code = retort_git_check_base(&report, revs, base, &err);
	if (code && code != RETORT_EMISMATCH)
		rc = cli_error(c, err);
	for (line = report; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		found(f, "diverged", NULL, "%s", line);
		if (!next)
			break;
	}
	free(report);
	retort_error_free(err);
	return rc;
}

int cmd_check(cli *c, int argc, char **argv)
{
	findings f = { RETORT_BUF_INIT, RETORT_BUF_INIT, 0 };
	retort_revisions *revs = NULL;
	retort_buf out = RETORT_BUF_INIT;
	retort_db *db = NULL;
	const char *pattern = NULL;
	int rc;

	(void)argv;
	rc = no_operands(c, "check", argc);
	if (!rc)
		rc = cli_fleet_pattern(c, &pattern);
	if (!rc)
		rc = cli_load_revisions(c, &revs);
	if (rc)
		goto done;
	check_heads(&f, revs);
	rc = check_base(c, revs, &f);
	if (!rc)
		rc = check_models(c, &f, revs);
	if (!rc && pattern) {
		rc = cli_fleet_check(c, pattern, revs, check_database, &f);
		goto done;
	}
	if (!rc)
		rc = cli_open_db(c, CLI_DB_OPTIONAL, &db, NULL);
	if (!rc)
		rc = check_changed(c, db, revs, &f);
	if (rc)
		goto done;
	if (c->json)
		retort_buf_printf(&out, "{\"ok\": %s, \"problems\": [%s%s]}", f.n ? "false" : "true",
			f.json.ptr, f.n ? "\n" : "");
	else
		retort_buf_puts(&out, f.n ? f.text.ptr : "ok\n");
	rc = cli_write_buf(c, &out);
	if (!rc && f.n)
		rc = EXIT_DIFFERENT;
done:
	retort_buf_release(&out);
	retort_buf_release(&f.text);
	retort_buf_release(&f.json);
	retort_db_free(db);
	retort_revisions_free(revs);
	return rc;
}

int cmd_verify(cli *c, int argc, char **argv)
{
	const retort_revision *failed = NULL;
	retort_revisions *revs = NULL;
	retort_error *err = NULL;
	retort_buf out = RETORT_BUF_INIT;
	int rc, code;

	(void)argv;
	rc = no_operands(c, "verify", argc);
	if (!rc)
		rc = cli_load_revisions(c, &revs);
	if (rc)
		goto done;
	code = retort_revisions_verify(&failed, revs, c->cfg, &err);
	if (code && code != RETORT_EMISMATCH) {
		rc = cli_error(c, err);
		goto done;
	}
	if (c->json) {
		retort_buf_printf(&out, "{\"ok\": %s, \"revisions\": %zu, \"failed\": ", code ? "false" : "true",
			retort_revisions_count(revs));
		retort_buf_json_string(&out, failed && code ? retort_revision_id(failed) : NULL);
		retort_buf_puts(&out, ", \"message\": ");
		retort_buf_json_string(&out, code ? err->message : NULL);
		retort_buf_putc(&out, '}');
	} else if (code) {
		retort_buf_printf(&out, "%s\n", err->message);
	} else {
		retort_buf_printf(&out, "ok: %zu revision%s upgrade, downgrade and upgrade again cleanly\n",
			retort_revisions_count(revs), retort_revisions_count(revs) == 1 ? "" : "s");
	}
	rc = cli_write_buf(c, &out);
	if (!rc && code)
		rc = EXIT_DIFFERENT;
done:
	retort_buf_release(&out);
	retort_revisions_free(revs);
	retort_error_free(err);
	return rc;
}

/* What status found out. */
typedef struct status {
	char *path;                       /* the database file, or NULL */
	int exists;                       /* it exists */
	const retort_revision **current;  /* where it is */
	size_t n_current;
	const retort_revision **pending;  /* what `upgrade heads` would apply */
	size_t n_pending;
	const retort_revision **changed;  /* applied files edited since */
	size_t n_changed;
	char *drift;                      /* how the live schema differs, or NULL */
	int drift_unknown;                /* several current revisions: not replayable */
} status;

static int find_pending(const cli *c, const retort_revisions *revs, status *s)
{
	size_t i, n = retort_revisions_count(revs);
	unsigned char *applied = NULL;
	int rc = cli_closure(c, revs, s->current, s->n_current, 1, &applied);

	if (rc)
		return rc;
	s->pending = calloc(n + 1, sizeof(*s->pending));
	if (!s->pending) {
		free(applied);
		return cli_error(c, NULL);
	}
	for (i = 0; i < n; i++)
		if (!applied[i])
			s->pending[s->n_pending++] = retort_revisions_at(revs, i);
	free(applied);
	return 0;
}

/* The live schema against the chain's at the current revisions. */
static int find_drift(const cli *c, retort_db *db, const retort_revisions *revs, status *s)
{
	retort_schema *live = NULL;
	retort_error *err = NULL;
	int rc = 0;

	s->drift_unknown = !cli_chain_replayable(revs, s->current, s->n_current);
	if (s->drift_unknown)
		return 0;
	if (retort_db_schema_read(&live, db, c->cfg, &err))
		rc = cli_error(c, err);
	if (!rc)
		rc = cli_schema_drift(c, revs, s->current, s->n_current, live, &s->drift);
	retort_schema_free(live);
	retort_error_free(err);
	return rc;
}

static void put_status_list(retort_buf *b, const char *title, const retort_revision *const *revs,
	size_t n)
{
	size_t i;

	retort_buf_printf(b, "%s:%s\n", title, n ? "" : " none");
	for (i = 0; i < n; i++)
		retort_buf_printf(b, "  %s %s\n", retort_revision_id(revs[i]), retort_revision_message(revs[i]));
}

static void put_status(const cli *c, retort_buf *b, const retort_revisions *revs,
	const status *s, int ok)
{
	size_t i, n_heads = retort_revisions_head_count(revs);
	const char *drift = s->drift_unknown ? "not checked: the database is at several "
		"revisions that are not all the heads" : s->drift;

	if (c->json) {
		retort_buf_puts(b, "{\"database\": ");
		retort_buf_json_string(b, s->path);
		retort_buf_puts(b, ", \"current\": ");
		cli_json_ids(b, s->current, s->n_current);
		retort_buf_puts(b, ", \"heads\": [");
		for (i = 0; i < n_heads; i++) {
			if (i)
				retort_buf_puts(b, ", ");
			retort_buf_json_string(b, retort_revision_id(retort_revisions_head(revs, i)));
		}
		retort_buf_puts(b, "], \"pending\": ");
		cli_json_ids(b, s->pending, s->n_pending);
		retort_buf_puts(b, ", \"changed\": ");
		cli_json_ids(b, s->changed, s->n_changed);
		retort_buf_puts(b, ", \"drift\": ");
		retort_buf_json_string(b, drift);
		retort_buf_printf(b, ", \"up_to_date\": %s}", ok ? "true" : "false");
		return;
	}
	retort_buf_printf(b, "database: %s%s\n", s->path ? s->path : "(none)",
		!s->exists ? " (does not exist yet: at base)" : s->n_current ? "" : " (at base)");
	if (s->n_current)
		put_status_list(b, "current", s->current, s->n_current);
	put_status_list(b, "pending", s->pending, s->n_pending);
	put_status_list(b, "changed since applied", s->changed, s->n_changed);
	retort_buf_printf(b, "drift: %s\n", drift ? drift : "none");
	retort_buf_puts(b, ok ? "up to date\n" : "");
}

int cmd_status(cli *c, int argc, char **argv)
{
	status s = { 0 };
	retort_revisions *revs = NULL;
	retort_error *err = NULL;
	retort_buf out = RETORT_BUF_INIT;
	retort_db *db = NULL;
	const char *pattern = NULL;
	int rc, ok;

	(void)argv;
	rc = no_operands(c, "status", argc);
	if (!rc)
		rc = cli_fleet_pattern(c, &pattern);
	if (!rc && pattern)
		return cli_fleet_current(c, pattern, 1);
	if (!rc)
		rc = cli_load_revisions(c, &revs);
	if (!rc)
		rc = cli_open_db(c, 0, &db, &s.path);
	s.exists = db != NULL;
	if (!rc)
		rc = cli_current(c, db, revs, &s.current, &s.n_current);
	if (!rc)
		rc = find_pending(c, revs, &s);
	if (!rc && db && retort_db_changed_revisions(&s.changed, &s.n_changed, db, revs, c->cfg, &err))
		rc = cli_error(c, err);
	if (!rc && db)
		rc = find_drift(c, db, revs, &s);
	if (rc)
		goto done;
	ok = !s.n_pending && !s.n_changed && !s.drift;
	put_status(c, &out, revs, &s, ok);
	rc = cli_write_buf(c, &out);
	if (!rc && !ok)
		rc = EXIT_DIFFERENT;
done:
	retort_buf_release(&out);
	free(s.path);
	free(s.current);
	free(s.pending);
	free(s.changed);
	free(s.drift);
	retort_db_free(db);
	retort_revisions_free(revs);
	retort_error_free(err);
	return rc;
}
