/*
** fleet.c: one operation run on many databases (a database per tenant),
** several at once. Each worker thread takes the next database from a shared
** cursor (under `lock`), runs it on a connection of its own, and writes its
** result into that database's own slot, so no two threads ever write the
** same memory; the revisions are shared and only read. Results are told to
** the caller's callback in path order as soon as a prefix of them is done.
*/
#include "retort.h"
#include "apply.h"
#include "cancel.h"
#include "db/db.h"
#include "error.h"
#include "gitinfo.h"
#include "revision.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct fleet {
	const retort_fleet_options *o;
	const retort_revisions *revs;
	apply_commits commits;  /* looked up in git once, for every database */
	retort_fleet_result *res;
	size_t n;
	pthread_mutex_t lock;   /* guards everything below */
	size_t next;            /* the next database to start */
	size_t told;            /* results handed to on_result so far */
	unsigned char *finished;
	size_t failures;
	int stop;               /* max_failures reached: start no more */
} fleet;

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void result_clear(retort_fleet_result *r)
{
	free(r->database);
	free(r->path);
	retort_error_free(r->error);
	retort_strings_free(r->before, r->n_before);
	retort_strings_free(r->after, r->n_after);
}

static int by_path(const void *a, const void *b)
{
	const retort_fleet_result *x = a, *y = b;

	return strcmp(x->path, y->path);
}

/* The applied set of a database at `ids`: one flag per revision; NULL
** when one of them is not in the folder (or out of memory). */
static unsigned char *applied_set(const retort_revisions *revs, char **ids, size_t n)
{
	const retort_revision **at = calloc(n + 1, sizeof(*at));
	unsigned char *flags = NULL;
	size_t i;

	for (i = 0; at && i < n; i++)
		if (!(at[i] = retort_revisions_get(revs, ids[i])))
			break;
	if (at && i == n && retort_revisions_closure(&flags, revs, at, n, 1, NULL) != 0)
		flags = NULL;
	free(at);
	return flags;
}

/* The revisions a run applied, reverted or stamped over: those applied on
** one side and not the other. Counted from the version table, so that the
** engine needs no event callback (which would make it count rows for its
** data-loss events, for nobody). */
static size_t steps_between(const retort_revisions *revs, const retort_fleet_result *r)
{
	unsigned char *a = applied_set(revs, r->before, r->n_before);
	unsigned char *b = applied_set(revs, r->after, r->n_after);
	size_t i, n = 0;

	for (i = 0; a && b && i < retort_revisions_count(revs); i++)
		n += a[i] != b[i];
	free(a);
	free(b);
	return n;
}

static int same_ids(char **a, size_t na, char **b, size_t nb)
{
	size_t i;

	if (na != nb)
		return 0;
	for (i = 0; i < na; i++)
		if (strcmp(a[i], b[i]) != 0)
			return 0;
	return 1;
}

static int run_op(const fleet *f, retort_db *db, retort_error **err)
{
	const retort_fleet_options *o = f->o;
	retort_migrate_options mo = RETORT_MIGRATE_OPTIONS_INIT;

	mo.one_transaction = o->one_transaction;
	mo.busy_timeout_ms = o->busy_timeout_ms;
	mo.cfg = o->cfg;
	mo.allow_attach = o->allow_attach;
	mo.carry_unknown_objects = o->carry_unknown_objects;
	mo.cancel = o->cancel;
	return retort_apply_run(db, f->revs, o->target ? o->target : "head", &mo,
		o->op == RETORT_FLEET_DOWNGRADE ? RETORT_DOWNGRADE : RETORT_UPGRADE,
		o->op == RETORT_FLEET_STAMP, &f->commits, err);
}

/* One database, start to end; everything it writes is in `r`. */
static void run_one(const fleet *f, retort_fleet_result *r)
{
	const retort_fleet_options *o = f->o;
	int reading = o->op == RETORT_FLEET_CURRENT;
	unsigned how = reading ? 0 : RETORT_DB_WRITE |
		(o->op == RETORT_FLEET_DOWNGRADE ? 0 : RETORT_DB_CREATE);
	retort_db_wait wait = { o->busy_timeout_ms, 0 };
	double start = now_seconds();
	retort_db *db = NULL;
	int rc;

	/* a run waits by the engine's own deadline; a read by this one */
	/* a file by its resolved path (never read as a URL again), a cluster by its URL */
	if (retort_db_url_is_file(r->database))
		rc = retort_db_open_file(&db, r->path, how, reading ? &wait : NULL, &r->recovered,
			&r->error);
	else
		rc = retort_db_open_live(&db, r->path, NULL, how, reading ? &wait : NULL, NULL,
			&r->error);
	if (!rc && db && reading) {
		rc = retort_db_current(&r->before, &r->n_before, db, o->cfg, &r->error);
		r->before_known = rc == 0;
	} else if (!rc && db) {
		/* unknown when it cannot be read at once: the engine then waits */
		r->before_known = retort_db_current(&r->before, &r->n_before, db, o->cfg, NULL) == 0;
		rc = run_op(f, db, &r->error);
		/* after a failure, read without waiting past the timeout again */
		if (rc)
			retort_db_busy_wait(db, NULL, 0);
	} else if (!rc) {
		/* read-only, no file: a database at base */
		r->before_known = 1;
	}
	if (db)
		r->after_known = retort_db_current(&r->after, &r->n_after, db, o->cfg, NULL) == 0;
	else
		r->after_known = r->before_known;
	if (!rc && reading && db && r->after_known && o->read)
		rc = o->read(o->ctx, (size_t)(r - f->res), db, r, &r->error);
	retort_db_free(db);
	if (!reading && r->before_known && r->after_known)
		r->steps = steps_between(f->revs, r);
	if (rc) {
		r->status = RETORT_FLEET_FAILED;
		r->code = rc;
	} else if (!reading && r->before_known && r->after_known &&
	    same_ids(r->before, r->n_before, r->after, r->n_after)) {
		r->status = RETORT_FLEET_AT_TARGET;
	} else {
		r->status = RETORT_FLEET_DONE;
	}
	r->seconds = now_seconds() - start;
}

/* Hand on_result every finished result that follows the ones told; under
** `lock`, so that the callback is never entered twice at once. */
static void tell_ready(fleet *f)
{
	while (f->told < f->n && f->finished[f->told]) {
		if (f->o->on_result)
			f->o->on_result(f->o->ctx, f->told, &f->res[f->told]);
		f->told++;
	}
}

static void *worker(void *arg)
{
	fleet *f = arg;
	size_t i;

	pthread_mutex_lock(&f->lock);
	while (f->next < f->n && !f->stop && !retort_cancel_requested(f->o->cancel)) {
		i = f->next++;
		/* a URL that names no file failed before the run */
		if (!f->finished[i]) {
			pthread_mutex_unlock(&f->lock);
			run_one(f, &f->res[i]);
			pthread_mutex_lock(&f->lock);
			f->finished[i] = 1;
		}
		if (f->res[i].status == RETORT_FLEET_FAILED && f->o->max_failures &&
		    ++f->failures >= f->o->max_failures)
			f->stop = 1;
		tell_ready(f);
	}
	pthread_mutex_unlock(&f->lock);
	return NULL;
}

/* The results, sorted by path, one per path; a URL that is not one fails
** here with its error. */
static int prepare(fleet *f, const char *const *databases, size_t n, retort_error **err)
{
	size_t i, k;

	f->res = calloc(n ? n : 1, sizeof(*f->res));
	f->finished = calloc(n ? n : 1, 1);
	if (!f->res || !f->finished)
		return retort_error_oom(err);
	for (i = 0; i < n; i++) {
		retort_fleet_result *r = &f->res[f->n++];

		r->database = retort_xstrdup(databases[i]);
		if (!r->database)
			return retort_error_oom(err);
		r->code = retort_db_url_check(&r->path, databases[i], f->o->base_dir, &r->error);
		if (r->code == RETORT_EINVALID) {
			r->status = RETORT_FLEET_FAILED;
			r->path = retort_xstrdup(databases[i]);
		} else if (r->code) {
			return r->code;
		}
		if (!r->path)
			return retort_error_oom(err);
	}
	qsort(f->res, f->n, sizeof(*f->res), by_path);
	for (i = k = 0; i < f->n; i++) {
		if (k && strcmp(f->res[k - 1].path, f->res[i].path) == 0) {
			result_clear(&f->res[i]);
			continue;
		}
		f->res[k++] = f->res[i];
	}
	f->n = k;
	for (i = 0; i < f->n; i++)
		f->finished[i] = f->res[i].status == RETORT_FLEET_FAILED;
	return 0;
}

static size_t worker_count(const retort_fleet_options *o, size_t n)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t jobs = o->jobs > 0 ? (size_t)o->jobs : cpus > 0 ? (size_t)cpus : 1;

	return jobs < n ? jobs : n;
}

int retort_fleet_run(retort_fleet_result **out, size_t *count,
	const char *const *databases, size_t n, const retort_revisions *revs,
	const retort_fleet_options *opts, retort_error **err)
{
	fleet f;
	pthread_t *threads = NULL;
	size_t i, jobs, started = 0;
	int rc;

	*out = NULL;
	*count = 0;
	if (!opts || !revs || (n && !databases))
		return retort_error_set(err, RETORT_EINVALID, "retort_fleet_run: no options, revisions "
			"or databases");
	rc = retort_options_check(opts->version, RETORT_FLEET_OPTIONS_VERSION,
		"retort_fleet_options", err);
	if (rc)
		return rc;
	if (opts->op != RETORT_FLEET_UPGRADE && opts->op != RETORT_FLEET_CURRENT && !opts->target)
		return retort_error_set(err, RETORT_EINVALID, "retort_fleet_run: a downgrade or stamp "
			"needs a target");
	memset(&f, 0, sizeof(f));
	f.o = opts;
	f.revs = revs;
	rc = prepare(&f, databases, n, err);
	jobs = worker_count(opts, f.n);
	if (!rc && jobs && !(threads = calloc(jobs, sizeof(*threads))))
		rc = retort_error_oom(err);
	if (rc)
		goto fail;
	/* a run looks up each file's git commit for its history rows: once here
	** for all of them (none found is an answer too) */
	if (opts->op != RETORT_FLEET_CURRENT && f.n &&
	    retort_gitinfo_revision_commits(&f.commits.commits, revs, NULL) != 0)
		f.commits.commits = NULL;
	pthread_mutex_init(&f.lock, NULL);
	for (started = 0; started < jobs; started++)
		if (pthread_create(&threads[started], NULL, worker, &f) != 0)
			break;
	for (i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	if (jobs && !started) {
		pthread_mutex_destroy(&f.lock);
		retort_strings_free(f.commits.commits, retort_revisions_count(revs));
		rc = retort_error_set(err, RETORT_ERROR, "cannot start a worker thread");
		goto fail;
	}
	/* the threads are gone: what none of them started was skipped */
	for (i = f.next; i < f.n; i++) {
		if (!f.finished[i])
			f.res[i].status = RETORT_FLEET_SKIPPED;
		f.finished[i] = 1;
	}
	tell_ready(&f);
	pthread_mutex_destroy(&f.lock);
	retort_strings_free(f.commits.commits, retort_revisions_count(revs));
	free(threads);
	free(f.finished);
	*out = f.res;
	*count = f.n;
	return 0;
fail:
	free(threads);
	free(f.finished);
	retort_fleet_results_free(f.res, f.n);
	return rc;
}

void retort_fleet_results_free(retort_fleet_result *results, size_t count)
{
	size_t i;

	for (i = 0; results && i < count; i++)
		result_clear(&results[i]);
	free(results);
}
