/*
** cmd_fleet.c: a command run on a fleet of databases (a database per
** tenant): `--each PATTERN` or the config's `databases`, expanded here
** (glob(3), or @FILE), handed to retort_fleet_run(), told one line per
** database as each finishes (in path order) and a summary; --json is one
** document. `current` and `status` group the databases by revision.
*/
#include "cli.h"
#include "fileio.h"

#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The databases of a run, and how relative ones are read. */
typedef struct fleet_list {
	char **names;
	size_t n, cap;
	const char *base_dir; /* the config's folder, or NULL: the working directory */
	glob_t g;
	int globbed;
} fleet_list;

/* What the per-database callback needs; it runs under the library's lock. */
typedef struct fleet_told {
	const cli *c;
	const char *verb;
	int reading;        /* current, status: the groups tell it, no line each */
	size_t n, done;
	size_t max_failures;
	int progress_width;
	/* check --each: what each database showed, by index */
	cli_fleet_check_fn check;
	const retort_revisions *revs;
	cli_findings *found;
} fleet_told;

static int env_set(const char *name)
{
	const char *v = getenv(name);

	return v && *v;
}

/* A positive count option; 0 when not given. */
static int count_option(const cli *c, const char *name, long *out)
{
	const char *v = cli_opt(c, name);
	char *end;

	*out = 0;
	if (!v)
		return 0;
	errno = 0;
	*out = strtol(v, &end, 10);
	if (*end || !*v || errno || *out < 1 || *out > 1000000)
		return cli_usage(c, "--%s expects a positive number, got '%s'", name, v);
	return 0;
}

int cli_fleet_pattern(const cli *c, const char **pattern)
{
	const char *each = cli_opt(c, "each");

	*pattern = NULL;
	if (each && c->db_url)
		return cli_usage(c, "--each and --db both name the database: give one of them");
	if (each)
		*pattern = each;
	/* the SPEC's order: --db and the environment name one database first */
	else if (!c->db_url && !env_set("RETORT_DATABASE_URL") && !env_set("DATABASE_URL"))
		*pattern = retort_config_databases(c->cfg);
	if (!*pattern && (cli_opt(c, "jobs") || cli_opt(c, "max-failures")))
		return cli_usage(c, "--%s works on a fleet: give --each PATTERN (or 'databases' in "
			"retort.yaml)", cli_opt(c, "jobs") ? "jobs" : "max-failures");
	if (*pattern && !**pattern)
		return cli_usage(c, "--each expects a glob or @FILE, got ''");
	return 0;
}

static int push_name(const cli *c, fleet_list *l, const char *name, size_t len)
{
	char **slot;

	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		char **grown = realloc(l->names, cap * sizeof(*grown));
		if (!grown)
			return cli_error(c, NULL);
		l->names = grown;
		l->cap = cap;
	}
	slot = &l->names[l->n];
	*slot = malloc(len + 1);
	if (!*slot)
		return cli_error(c, NULL);
	memcpy(*slot, name, len);
	(*slot)[len] = '\0';
	l->n++;
	return 0;
}

/* @FILE: one path or URL a line; blank lines and # comments are skipped. */
static int read_list(const cli *c, const char *file, fleet_list *l)
{
	retort_error *err = NULL;
	char *text = NULL, *path = retort_path_join(l->base_dir ? l->base_dir : ".", file), *p;
	size_t len = 0;
	int rc;

	if (!path)
		return cli_error(c, NULL);
	rc = retort_read_text_file(path, &text, &len, &err);
	if (rc)
		rc = cli_error(c, err);
	for (p = text; !rc && p && *p;) {
		size_t n = strcspn(p, "\n"), start = strspn(p, " \t\r"), end = n;

		while (end > start && strchr(" \t\r", p[end - 1]))
			end--;
		if (end > start && p[start] != '#')
			rc = push_name(c, l, p + start, end - start);
		p += n + (p[n] == '\n');
	}
	if (!rc && l->n == 0)
		rc = cli_fail(c, EXIT_BAD_INPUT, "'%s' lists no database", path);
	free(text);
	free(path);
	retort_error_free(err);
	return rc;
}

static int expand(const cli *c, const char *pattern, fleet_list *l)
{
	char *joined;
	int rc;

	/* a list from retort.yaml is read as its `database` is: from its folder */
	l->base_dir = cli_opt(c, "each") ? NULL : retort_config_dir(c->cfg);
	if (pattern[0] == '@')
		return read_list(c, pattern + 1, l);
	joined = retort_path_join(l->base_dir ? l->base_dir : ".", pattern);
	if (!joined)
		return cli_error(c, NULL);
	rc = glob(joined, 0, NULL, &l->g);
	l->globbed = rc == 0 || rc == GLOB_NOMATCH;
	if (rc == GLOB_NOMATCH)
		rc = cli_fail(c, EXIT_BAD_INPUT, "no database matches '%s'", joined);
	else if (rc)
		rc = cli_fail(c, EXIT_BAD_INPUT, "cannot expand '%s': %s", joined,
			rc == GLOB_NOSPACE ? "out of memory" : "a folder cannot be read");
	free(joined);
	/* glob's paths are whole: nothing is joined to them again */
	l->base_dir = NULL;
	return rc;
}

static void list_free(fleet_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->names[i]);
	free(l->names);
	if (l->globbed)
		globfree(&l->g);
}

static void put_seconds(retort_buf *b, double seconds)
{
	if (seconds < 10)
		retort_buf_printf(b, "%.0f ms", seconds * 1000);
	else
		retort_buf_printf(b, "%.1f s", seconds);
}

static int result_exit(const retort_fleet_result *r)
{
	return r->status == RETORT_FLEET_FAILED ? cli_exit_code(r->code) : EXIT_OK;
}

/* Which of two exit codes is the more serious: an interrupted run, then a
** database error (a statement failed), a bad file or revision, a lock that
** a rerun may get past, a difference. */
static int severity(int code)
{
	switch (code) {
	case EXIT_OK:
		return 0;
	case EXIT_DIFFERENT:
		return 1;
	case EXIT_LOCKED:
		return 2;
	case EXIT_BAD_INPUT:
		return 3;
	case EXIT_DATABASE:
		return 4;
	default:
		return 5;
	}
}

static int worse(int a, int b)
{
	return severity(b) > severity(a) ? b : a;
}

/* One database's line: "NAME: FROM -> TO (TIME)", or its failure. */
static void put_line(retort_buf *b, const fleet_told *t, const retort_fleet_result *r)
{
	retort_buf_printf(b, "%s: ", r->database);
	switch (r->status) {
	case RETORT_FLEET_DONE:
		if (r->before_known)
			cli_put_ids(b, r->before, r->n_before);
		else
			retort_buf_putc(b, '?');
		retort_buf_puts(b, " -> ");
		cli_put_ids(b, r->after, r->n_after);
		retort_buf_puts(b, " (");
		put_seconds(b, r->seconds);
		retort_buf_putc(b, ')');
		break;
	case RETORT_FLEET_AT_TARGET:
		retort_buf_puts(b, "at ");
		cli_put_ids(b, r->after, r->n_after);
		retort_buf_puts(b, " already");
		break;
	case RETORT_FLEET_FAILED:
		retort_buf_printf(b, "failed (exit %d): ", result_exit(r));
		if (r->error && r->error->path && r->error->line > 0)
			retort_buf_printf(b, "%s:%d: ", r->error->path, r->error->line);
		retort_buf_puts(b, r->error ? r->error->message : "out of memory");
		if (r->before_known || r->after_known) {
			retort_buf_puts(b, "; it is at ");
			if (r->after_known)
				cli_put_ids(b, r->after, r->n_after);
			else
				cli_put_ids(b, r->before, r->n_before);
		}
		break;
	case RETORT_FLEET_SKIPPED:
		if (t->max_failures && !cli_caught_signal())
			retort_buf_printf(b, "skipped (--max-failures %zu reached): not touched",
				t->max_failures);
		else
			retort_buf_puts(b, "skipped (interrupted): not touched");
		break;
	}
	if (r->recovered)
		retort_buf_puts(b, " (a hot journal, left by a process stopped mid-write, was rolled back "
			"first)");
}

static void clear_progress(fleet_told *t)
{
	if (t->progress_width > 0)
		fprintf(stderr, "\r%*s\r", t->progress_width, "");
	t->progress_width = 0;
}

/* From a worker thread, one at a time, in path order (see retort.h). */
static void on_result(void *ctx, size_t index, const retort_fleet_result *r)
{
	fleet_told *t = ctx;
	retort_buf line = RETORT_BUF_INIT;
	int width;

	(void)index;
	t->done++;
	clear_progress(t);
	if (!t->reading && (r->status == RETORT_FLEET_FAILED ||
	    r->status == RETORT_FLEET_SKIPPED || !t->c->quiet)) {
		put_line(&line, t, r);
		cli_stderr(0, "%s", retort_buf_oom(&line) ? "out of memory" : line.ptr);
	}
	retort_buf_release(&line);
	if (t->c->progress && !t->c->quiet && t->done < t->n) {
		width = cli_stderr(1, "retort: %s: %zu of %zu databases", t->verb, t->done, t->n);
		fflush(stderr);
		t->progress_width = width > 0 ? width : 0;
	}
}

static const char *status_word(const retort_fleet_result *r)
{
	switch (r->status) {
	case RETORT_FLEET_DONE:
		return "done";
	case RETORT_FLEET_AT_TARGET:
		return "at_target";
	case RETORT_FLEET_FAILED:
		return "failed";
	default:
		return "skipped";
	}
}

static void put_json_ids(retort_buf *b, int known, char **ids, size_t n)
{
	if (known)
		cli_json_strings(b, (const char *const *)ids, n);
	else
		retort_buf_puts(b, "null");
}

static int row_exit(const retort_fleet_result *r, const cli_findings *found)
{
	return found && found->n && r->status != RETORT_FLEET_FAILED ? EXIT_DIFFERENT :
		result_exit(r);
}

static void put_json_row(retort_buf *b, const retort_fleet_result *r, const cli_findings *found)
{
	retort_buf_puts(b, "{\"database\": ");
	retort_buf_json_string(b, r->database);
	retort_buf_puts(b, ", \"path\": ");
	retort_buf_json_string(b, r->path);
	retort_buf_printf(b, ", \"status\": \"%s\", \"exit_code\": %d, \"error\": ", status_word(r),
		row_exit(r, found));
	if (r->status == RETORT_FLEET_FAILED)
		cli_json_error(b, r->error);
	else
		retort_buf_puts(b, "null");
	retort_buf_puts(b, ", \"before\": ");
	put_json_ids(b, r->before_known, r->before, r->n_before);
	retort_buf_puts(b, ", \"after\": ");
	put_json_ids(b, r->after_known, r->after, r->n_after);
	retort_buf_printf(b, ", \"steps\": %zu, \"recovered\": %s, \"seconds\": %.3f", r->steps,
		r->recovered ? "true" : "false", r->seconds);
	if (found)
		retort_buf_printf(b, ", \"problems\": [%s]", found->n ? found->json.ptr : "");
	retort_buf_putc(b, '}');
}

typedef struct fleet_sum {
	size_t done, at_target, failed, skipped;
	int rc;
} fleet_sum;

static fleet_sum summarise(const retort_fleet_result *res, size_t n)
{
	fleet_sum s = { 0, 0, 0, 0, EXIT_OK };
	size_t i;

	for (i = 0; i < n; i++) {
		s.done += res[i].status == RETORT_FLEET_DONE;
		s.at_target += res[i].status == RETORT_FLEET_AT_TARGET;
		s.failed += res[i].status == RETORT_FLEET_FAILED;
		s.skipped += res[i].status == RETORT_FLEET_SKIPPED;
		s.rc = worse(s.rc, result_exit(&res[i]));
	}
	return s;
}

/* The document's rows and summary, without the closing brace. */
static void put_json_fleet(retort_buf *b, const char *verb, const char *target,
	const retort_fleet_result *res, size_t n, const fleet_sum *s, double seconds,
	const cli_findings *found)
{
	size_t i;

	retort_buf_puts(b, "{\"command\": ");
	retort_buf_json_string(b, verb);
	retort_buf_puts(b, ", \"target\": ");
	retort_buf_json_string(b, target);
	retort_buf_puts(b, ", \"databases\": [");
	for (i = 0; i < n; i++) {
		retort_buf_puts(b, i ? ",\n  " : "\n  ");
		put_json_row(b, &res[i], found ? &found[i] : NULL);
	}
	retort_buf_printf(b, "], \"summary\": {\"databases\": %zu, \"succeeded\": %zu, \"changed\": %zu, "
		"\"at_target\": %zu, \"failed\": %zu, \"skipped\": %zu, \"seconds\": %.3f, "
		"\"exit_code\": %d}", n, s->done + s->at_target, s->done, s->at_target, s->failed,
		s->skipped, seconds, s->rc);
}

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Expand the pattern, load the revisions once, run `op` on every database. */
static int run_fleet(const cli *c, const char *pattern, retort_fleet_options *o,
	fleet_told *t, retort_revisions **revs, retort_fleet_result **res, size_t *n,
	double *seconds)
{
	fleet_list l = { 0 };
	retort_cancel *cancel = NULL;
	retort_error *err = NULL;
	long jobs, max_failures;
	double start = now_seconds();
	size_t i;
	int rc;

	rc = count_option(c, "jobs", &jobs);
	if (!rc)
		rc = count_option(c, "max-failures", &max_failures);
	if (!rc)
		rc = expand(c, pattern, &l);
	/* check has loaded them already, for what it checks once */
	if (!rc && !*revs)
		rc = cli_load_revisions(c, revs);
	if (!rc && retort_cancel_new(&cancel, NULL) != 0)
		rc = cli_error(c, NULL);
	t->n = l.globbed ? l.g.gl_pathc : l.n;
	/* one slot a database: the run keeps at most as many */
	if (!rc && t->check && !(t->found = calloc(t->n, sizeof(*t->found))))
		rc = cli_error(c, NULL);
	for (i = 0; !rc && t->check && i < t->n; i++) {
		retort_buf_init(&t->found[i].text);
		retort_buf_init(&t->found[i].json);
	}
	if (rc)
		goto done;
	t->revs = *revs;
	o->jobs = (int)jobs;
	o->max_failures = (size_t)max_failures;
	o->base_dir = l.base_dir;
	o->busy_timeout_ms = c->busy_timeout;
	o->cfg = c->cfg;
	o->cancel = cancel;
	o->on_result = on_result;
	o->ctx = t;
	t->c = c;
	t->max_failures = o->max_failures;
	cli_catch_stop_signals(cancel);
	if (retort_fleet_run(res, n, (const char *const *)(l.globbed ? l.g.gl_pathv : l.names),
		t->n, *revs, o, &err))
		rc = cli_error(c, err);
	cli_release_stop_signals();
	clear_progress(t);
done:
	*seconds = now_seconds() - start;
	retort_cancel_free(cancel);
	retort_error_free(err);
	list_free(&l);
	return rc;
}

int cli_fleet_migrate(const cli *c, const char *pattern, const char *verb,
	retort_fleet_op op, const char *target)
{
	retort_fleet_options o = RETORT_FLEET_OPTIONS_INIT;
	fleet_told t = { 0 };
	retort_revisions *revs = NULL;
	retort_fleet_result *res = NULL;
	retort_buf out = RETORT_BUF_INIT;
	fleet_sum s;
	size_t n = 0;
	double seconds;
	int rc;

	if (cli_opt(c, "sql") || cli_opt(c, "backup"))
		return cli_usage(c, "--%s works on one database, not with --each",
			cli_opt(c, "sql") ? "sql" : "backup");
	o.op = op;
	o.target = target;
	o.allow_attach = cli_opt(c, "allow-attach") != NULL;
	o.carry_unknown_objects = cli_opt(c, "carry-unknown-objects") != NULL;
	t.verb = verb;
	rc = run_fleet(c, pattern, &o, &t, &revs, &res, &n, &seconds);
	if (rc)
		goto done;
	s = summarise(res, n);
	/* stopped between two databases, none of them failed: still stopped */
	if (cli_caught_signal())
		s.rc = 128 + cli_caught_signal();
	if (!c->quiet) {
		retort_buf_printf(&out, "%s of %zu database%s: %zu succeeded (%zu changed, %zu already at "
			"the target), %zu failed, %zu skipped, in ", verb, n, n == 1 ? "" : "s",
			s.done + s.at_target, s.done, s.at_target, s.failed, s.skipped);
		put_seconds(&out, seconds);
		cli_note(c, "%s", retort_buf_oom(&out) ? "out of memory" : out.ptr);
		retort_buf_release(&out);
	}
	rc = s.rc;
	if (c->json) {
		put_json_fleet(&out, verb, target, res, n, &s, seconds, NULL);
		retort_buf_putc(&out, '}');
		if (cli_write_buf(c, &out))
			rc = EXIT_DATABASE;
	}
done:
	retort_buf_release(&out);
	retort_fleet_results_free(res, n);
	retort_revisions_free(revs);
	return rc;
}

/* ---- current and status: the databases grouped by revision ------------ */

typedef struct group_key {
	char *key;      /* "ID, ID", "base", or "" for the failed */
	size_t index;   /* into the results */
} group_key;

static int by_key(const void *a, const void *b)
{
	const group_key *x = a, *y = b;
	int k = strcmp(x->key, y->key);

	return k ? k : x->index < y->index ? -1 : x->index > y->index;
}

static int at_heads(const retort_revisions *revs, const retort_fleet_result *r)
{
	size_t i, n = retort_revisions_head_count(revs);

	if (r->n_after != n)
		return 0;
	for (i = 0; i < n; i++)
		if (!retort_revisions_get(revs, r->after[i]) ||
		    retort_revision_child_count(retort_revisions_get(revs, r->after[i])))
			return 0;
	return 1;
}

/* How many revisions a database at `r` has still to apply; -1 when it is at
** one the folder lacks. */
static long pending(const cli *c, const retort_revisions *revs, const retort_fleet_result *r)
{
	const retort_revision **at = calloc(r->n_after + 1, sizeof(*at));
	unsigned char *applied = NULL;
	size_t i, n = retort_revisions_count(revs);
	long count = -1;

	if (!at)
		return -1;
	for (i = 0; i < r->n_after; i++)
		if (!(at[i] = retort_revisions_get(revs, r->after[i])))
			goto done;
	if (cli_closure(c, revs, at, r->n_after, 1, &applied))
		goto done;
	for (count = 0, i = 0; i < n; i++)
		count += !applied[i];
done:
	free(applied);
	free(at);
	return count;
}

/* One group: its line, its databases' names (every one with -v; else only
** for the groups not at head, the ones an operator goes after). */
static void put_group(const cli *c, retort_buf *text, retort_buf *json, int status,
	const retort_revisions *revs, const retort_fleet_result *res, const group_key *keys,
	size_t from, size_t to, size_t *groups, int *unknown)
{
	const retort_fleet_result *first = &res[keys[from].index];
	int failed = first->status == RETORT_FLEET_FAILED;
	int head = !failed && at_heads(revs, first);
	long n_pending = failed ? -1 : pending(c, revs, first);
	size_t i, count = to - from;

	if (failed)
		retort_buf_printf(text, "failed: %zu database%s\n", count, count == 1 ? "" : "s");
	else
		retort_buf_printf(text, "%s%s: %zu database%s", keys[from].key, head ? " (head)" : "",
			count, count == 1 ? "" : "s");
	if (!failed && status && n_pending > 0)
		retort_buf_printf(text, ", %ld revision%s pending", n_pending, n_pending == 1 ? "" : "s");
	else if (!failed && n_pending < 0)
		retort_buf_puts(text, ", at a revision the folder does not have");
	/* as for one database, that is exit 2 */
	*unknown |= !failed && n_pending < 0;
	if (!failed)
		retort_buf_putc(text, '\n');
	for (i = from; i < to && (failed || !head || c->verbose); i++) {
		const retort_fleet_result *r = &res[keys[i].index];
		retort_buf_printf(text, "  %s", r->database);
		if (failed)
			retort_buf_printf(text, ": %s", r->error ? r->error->message : "out of memory");
		retort_buf_putc(text, '\n');
	}
	retort_buf_puts(json, (*groups)++ ? ", {\"revisions\": " : "{\"revisions\": ");
	put_json_ids(json, !failed, first->after, first->n_after);
	retort_buf_printf(json, ", \"head\": %s, \"pending\": ", head ? "true" : "false");
	if (n_pending >= 0)
		retort_buf_printf(json, "%ld", n_pending);
	else
		retort_buf_puts(json, "null");
	retort_buf_printf(json, ", \"failed\": %s, \"count\": %zu, \"databases\": [",
		failed ? "true" : "false", count);
	for (i = from; i < to; i++) {
		if (i > from)
			retort_buf_puts(json, ", ");
		retort_buf_json_string(json, res[keys[i].index].database);
	}
	retort_buf_puts(json, "]}");
}

/* Head first, then the other revisions by id, then base, the failed last. */
static int group_rank(const retort_revisions *revs, const retort_fleet_result *r)
{
	if (r->status == RETORT_FLEET_FAILED)
		return 3;
	if (at_heads(revs, r))
		return 0;
	return r->n_after ? 1 : 2;
}

static int put_groups(const cli *c, int status, const retort_revisions *revs,
	const retort_fleet_result *res, size_t n, retort_buf *text, retort_buf *json,
	int *behind, int *unknown)
{
	group_key *keys = calloc(n ? n : 1, sizeof(*keys));
	retort_buf key = RETORT_BUF_INIT;
	size_t i, from, groups = 0;
	int rank, rc = 0;

	if (!keys)
		return cli_error(c, NULL);
	for (i = 0; i < n && !rc; i++) {
		rank = group_rank(revs, &res[i]);
		*behind |= rank == 1 || rank == 2;
		retort_buf_printf(&key, "%d", rank);
		if (rank != 3)
			cli_put_ids(&key, res[i].after, res[i].n_after);
		keys[i].index = i;
		keys[i].key = retort_buf_detach(&key);
		if (!keys[i].key)
			rc = cli_error(c, NULL);
	}
	if (!rc) {
		qsort(keys, n, sizeof(*keys), by_key);
		/* the rank digit sorted the groups; the text shows the ids */
		for (i = 0; i < n; i++)
			memmove(keys[i].key, keys[i].key + 1, strlen(keys[i].key));
	}
	for (from = 0, i = 1; !rc && i <= n; i++)
		if (i == n || strcmp(keys[i].key, keys[from].key) != 0) {
			put_group(c, text, json, status, revs, res, keys, from, i, &groups, unknown);
			from = i;
		}
	for (i = 0; i < n; i++)
		free(keys[i].key);
	free(keys);
	retort_buf_release(&key);
	return rc;
}

int cli_fleet_current(const cli *c, const char *pattern, int status)
{
	retort_fleet_options o = RETORT_FLEET_OPTIONS_INIT;
	fleet_told t = { 0 };
	retort_revisions *revs = NULL;
	retort_fleet_result *res = NULL;
	retort_buf text = RETORT_BUF_INIT, json = RETORT_BUF_INIT, out = RETORT_BUF_INIT;
	const char *verb = status ? "status" : "current";
	fleet_sum s;
	size_t n = 0;
	double seconds;
	int rc, behind = 0, unknown = 0;

	o.op = RETORT_FLEET_CURRENT;
	t.verb = verb;
	t.reading = 1;
	rc = run_fleet(c, pattern, &o, &t, &revs, &res, &n, &seconds);
	if (rc)
		goto done;
	s = summarise(res, n);
	rc = put_groups(c, status, revs, res, n, &text, &json, &behind, &unknown);
	if (rc)
		goto done;
	rc = worse(s.rc, status && behind ? EXIT_DIFFERENT : EXIT_OK);
	rc = worse(rc, unknown ? EXIT_BAD_INPUT : EXIT_OK);
	if (c->json) {
		put_json_fleet(&out, verb, NULL, res, n, &s, seconds, NULL);
		retort_buf_printf(&out, ", \"groups\": [%s], \"exit_code\": %d}", json.ptr, rc);
	} else {
		retort_buf_put(&out, text.ptr, text.len);
	}
	if (cli_write_buf(c, &out))
		rc = EXIT_DATABASE;
done:
	retort_buf_release(&text);
	retort_buf_release(&json);
	retort_buf_release(&out);
	retort_fleet_results_free(res, n);
	retort_revisions_free(revs);
	return rc;
}

/* ---- check: each database looked at, one line each ---------------------- */

/* On a worker thread: the database's own slot only. */
static int read_check(void *ctx, size_t index, retort_db *db, const retort_fleet_result *r,
	retort_error **err)
{
	fleet_told *t = ctx;

	return t->check(t->c, t->revs, db, r, &t->found[index], err);
}

int cli_fleet_check(const cli *c, const char *pattern, retort_revisions *revs,
	cli_fleet_check_fn fn, const cli_findings *global)
{
	retort_fleet_options o = RETORT_FLEET_OPTIONS_INIT;
	fleet_told t = { 0 };
	retort_fleet_result *res = NULL;
	retort_buf out = RETORT_BUF_INIT, line = RETORT_BUF_INIT;
	fleet_sum s;
	size_t i, n = 0, with_problems = 0;
	double seconds;
	int rc;

	o.op = RETORT_FLEET_CURRENT;
	o.read = read_check;
	t.verb = "check";
	t.reading = 1;
	t.check = fn;
	rc = run_fleet(c, pattern, &o, &t, &revs, &res, &n, &seconds);
	if (rc)
		goto done;
	s = summarise(res, n);
	if (global->n)
		retort_buf_puts(&out, global->text.ptr);
	for (i = 0; i < n; i++) {
		cli_findings *f = &t.found[i];
		char *nl;

		with_problems += f->n && res[i].status != RETORT_FLEET_FAILED;
		s.rc = worse(s.rc, row_exit(&res[i], f));
		if (res[i].status == RETORT_FLEET_FAILED || res[i].status == RETORT_FLEET_SKIPPED) {
			put_line(&line, &t, &res[i]);
			retort_buf_printf(&out, "%s\n", line.ptr);
			retort_buf_truncate(&line, 0);
			continue;
		}
		retort_buf_printf(&out, "%s: ", res[i].database);
		if (!f->n) {
			retort_buf_puts(&out, "ok, at ");
			cli_put_ids(&out, res[i].after, res[i].n_after);
		}
		/* its problems on its one line */
		for (nl = f->text.ptr; f->n && nl && *nl;) {
			size_t len = strcspn(nl, "\n");
			retort_buf_put(&out, nl, len);
			nl += len + (nl[len] == '\n');
			if (*nl)
				retort_buf_puts(&out, "; ");
		}
		retort_buf_putc(&out, '\n');
	}
	retort_buf_printf(&out, "check of %zu database%s: %zu ok, %zu with problems, %zu failed, "
		"%zu skipped%s\n", n, n == 1 ? "" : "s", s.done - with_problems, with_problems,
		s.failed, s.skipped, global->n ? " (and the problems above, for all of them)" : "");
	rc = worse(s.rc, global->n ? EXIT_DIFFERENT : EXIT_OK);
	if (c->json) {
		retort_buf_truncate(&out, 0);
		put_json_fleet(&out, "check", NULL, res, n, &s, seconds, t.found);
		retort_buf_printf(&out, ", \"problems\": [%s%s], \"ok\": %s, \"exit_code\": %d}",
			global->n ? global->json.ptr : "", global->n ? "\n" : "",
			rc == EXIT_OK ? "true" : "false", rc);
	}
	if (cli_write_buf(c, &out))
		rc = EXIT_DATABASE;
done:
	for (i = 0; t.found && i < t.n; i++) {
		retort_buf_release(&t.found[i].text);
		retort_buf_release(&t.found[i].json);
	}
	free(t.found);
	retort_buf_release(&out);
	retort_buf_release(&line);
	retort_fleet_results_free(res, n);
	return rc;
}

/* ---- history: how many databases are at each revision ------------------ */

int cli_fleet_tally(const cli *c, const char *pattern, retort_revisions *revs,
	size_t *counts, retort_buf *text, retort_buf *json, int *code)
{
	retort_fleet_options o = RETORT_FLEET_OPTIONS_INIT;
	fleet_told t = { 0 };
	retort_fleet_result *res = NULL;
	retort_buf lines = RETORT_BUF_INIT, msg = RETORT_BUF_INIT;
	size_t i, k, j, n = 0, at_base = 0, failed = 0, n_revs = retort_revisions_count(revs);
	double seconds;
	int rc;

	o.op = RETORT_FLEET_CURRENT;
	t.verb = "history";
	t.reading = 1;
	rc = run_fleet(c, pattern, &o, &t, &revs, &res, &n, &seconds);
	if (rc)
		goto done;
	*code = summarise(res, n).rc;
	retort_buf_puts(json, "\"failed\": [");
	for (i = 0; i < n; i++) {
		const retort_fleet_result *r = &res[i];
		const retort_revision *at;
		const char *missing = NULL;
		/* as for one database, a revision the folder lacks is exit 2 */
		retort_error unknown = { RETORT_ENOTFOUND, NULL, NULL, 0, 0, NULL };

		for (k = 0; r->status != RETORT_FLEET_FAILED && k < r->n_after && !missing; k++) {
			at = retort_revisions_get(revs, r->after[k]);
			for (j = 0; at && j < n_revs; j++)
				counts[j] += retort_revisions_at(revs, j) == at;
			if (!at)
				missing = r->after[k];
		}
		at_base += r->status != RETORT_FLEET_FAILED && r->n_after == 0;
		if (r->status != RETORT_FLEET_FAILED && !missing)
			continue;
		retort_buf_truncate(&msg, 0);
		if (missing)
			retort_buf_printf(&msg, "the database is at revision %s, which the folder does not "
				"have", missing);
		unknown.message = msg.ptr;
		*code = worse(*code, missing ? EXIT_BAD_INPUT : result_exit(r));
		retort_buf_printf(&lines, "  %s: %s\n", r->database, missing ? msg.ptr :
			r->error ? r->error->message : "out of memory");
		retort_buf_puts(json, failed++ ? ", {\"database\": " : "{\"database\": ");
		retort_buf_json_string(json, r->database);
		retort_buf_printf(json, ", \"exit_code\": %d, \"error\": ",
			missing ? EXIT_BAD_INPUT : result_exit(r));
		cli_json_error(json, missing ? &unknown : r->error);
		retort_buf_putc(json, '}');
	}
	retort_buf_printf(json, "], \"at_base\": %zu, \"databases\": %zu", at_base, n);
	if (at_base)
		retort_buf_printf(text, "at base: %zu database%s\n", at_base, at_base == 1 ? "" : "s");
	if (failed)
		retort_buf_printf(text, "failed: %zu database%s\n%s", failed, failed == 1 ? "" : "s",
			lines.ptr);
done:
	retort_buf_release(&lines);
	retort_buf_release(&msg);
	retort_fleet_results_free(res, n);
	return rc;
}
