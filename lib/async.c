/*
** async.c: retort_op, an upgrade or downgrade on a worker thread with a
** connection of its own. Its progress goes to the app's callback (on the
** worker) or into a queue that a pipe announces and retort_op_poll() takes
** on the app's thread. Cancellation is the run's token (cancel.c), the one
** the CLI's signal handlers request: there is no second mechanism.
*/
#include "db/db.h"
#include "error.h"
#include "scratch.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* One queued event: the progress with its strings copied behind it. */
typedef struct queued {
	struct queued *next;
	retort_progress p;
} queued;

struct retort_op {
	pthread_t thread;
	int running;            /* the thread was started: free() joins it */
	retort_direction dir;
	const retort_revisions *revs;
	retort_migrate_options opts; /* the caller's, with its strings copied */
	char *path, *target, *backup; /* path: a file's, or a URL (retort_db_url_resolve) */
	int file;               /* `path` is a file's */
	retort_progress_fn fn;  /* the app's callback (worker thread), or NULL: the queue */
	void *fn_ctx;
	retort_cancel *own_cancel;
	retort_error *err;      /* the run's; written by the worker before DONE */
	int result;
	queued *done;           /* DONE's node, made up front: it is never lost */
	/* under `lock`: */
	pthread_mutex_t lock;
	pthread_cond_t ended_cond;
	queued *head, *tail;
	int signalled;          /* a byte is in the pipe for what is queued */
	int ended;
	int fds[2];             /* the pipe: read end for the app, write end ours */
};

/* `p` with its strings in one allocation; NULL when out of memory. */
static queued *copy_event(const retort_progress *p)
{
	size_t lsql = p->sql ? strlen(p->sql) + 1 : 0, ltab = p->table ? strlen(p->table) + 1 : 0;
	size_t lmsg = p->message ? strlen(p->message) + 1 : 0;
	queued *q = malloc(sizeof(*q) + lsql + ltab + lmsg);
	char *at;

	if (!q)
		return NULL;
	q->next = NULL;
	q->p = *p;
	at = (char *)(q + 1);
	if (p->sql)
		q->p.sql = memcpy(at, p->sql, lsql);
	if (p->table)
		q->p.table = memcpy(at + lsql, p->table, ltab);
	if (p->message)
		q->p.message = memcpy(at + lsql + ltab, p->message, lmsg);
	return q;
}

/* Queue `q` and make the descriptor readable when it was not. */
static void push(retort_op *op, queued *q)
{
	pthread_mutex_lock(&op->lock);
	if (op->tail)
		op->tail->next = q;
	else
		op->head = q;
	op->tail = q;
	if (!op->signalled) {
		ssize_t n;
		do
			n = write(op->fds[1], "", 1);
		while (n < 0 && errno == EINTR);
		op->signalled = 1;
	}
	pthread_mutex_unlock(&op->lock);
}

/* The run's progress, on the worker. DONE is the operation's own, told
** once the connection is closed. */
static int relay(void *ctx, const retort_progress *p)
{
	retort_op *op = ctx;
	queued *q;

	if (p->kind == RETORT_PROGRESS_DONE)
		return 0;
	if (op->fn)
		return op->fn(op->fn_ctx, p);
	/* out of memory, an event is dropped rather than the run failed */
	q = copy_event(p);
	if (q)
		push(op, q);
	return 0;
}

static void *work(void *arg)
{
	retort_op *op = arg;
	retort_db *db = NULL;
	sqlite3 *scratch = NULL;
	unsigned how = op->opts.dry_run ? 0 :
		RETORT_DB_WRITE | (op->dir == RETORT_UPGRADE ? RETORT_DB_CREATE : 0);
	int rc = op->file ? retort_db_open_file(&db, op->path, how, NULL, NULL, &op->err) :
		retort_db_open_live(&db, op->path, NULL, how, NULL, NULL, &op->err);

	/* a dry run on a database not made yet: an empty one, as the CLI's */
	if (!rc && !db && !(rc = retort_scratch_open(&scratch, &op->err)))
		rc = retort_db_wrap(&db, scratch, &op->err);
	if (!rc)
		rc = op->dir == RETORT_UPGRADE ?
			retort_db_upgrade(db, op->revs, op->target, &op->opts, &op->err) :
			retort_db_downgrade(db, op->revs, op->target, &op->opts, &op->err);
	retort_db_free(db);
	sqlite3_close(scratch);
	op->result = rc;
	op->done->p.result = rc;
	op->done->p.error = op->err;
	if (op->fn) {
		op->fn(op->fn_ctx, &op->done->p);
		free(op->done);
	} else {
		push(op, op->done);
	}
	op->done = NULL;
	pthread_mutex_lock(&op->lock);
	op->ended = 1;
	pthread_cond_broadcast(&op->ended_cond);
	pthread_mutex_unlock(&op->lock);
	return NULL;
}

/* The pipe, non-blocking and close-on-exec at both ends. */
static int make_pipe(int fds[2], retort_error **err)
{
	int i;

	if (pipe(fds) != 0)
		return retort_error_set(err, RETORT_ERROR, "cannot make a pipe: %s", strerror(errno));
	for (i = 0; i < 2; i++)
		if (fcntl(fds[i], F_SETFL, O_NONBLOCK) != 0 || fcntl(fds[i], F_SETFD, FD_CLOEXEC) != 0)
			return retort_error_set(err, RETORT_ERROR, "cannot set up a pipe: %s", strerror(errno));
	return 0;
}

int retort_op_start(retort_op **out, const char *url, const retort_revisions *revs,
	const char *target, retort_direction direction, const retort_migrate_options *opts,
	retort_error **err)
{
	static const retort_migrate_options defaults = RETORT_MIGRATE_OPTIONS_INIT;
	retort_progress done = { .kind = RETORT_PROGRESS_DONE, .direction = direction };
	retort_op *op = calloc(1, sizeof(*op));
	int rc;

	*out = NULL;
	rc = opts ? retort_options_check(opts->version, RETORT_MIGRATE_OPTIONS_VERSION,
		"retort_migrate_options", err) : 0;
	if (rc) {
		free(op);
		return rc;
	}
	/* the worker's connection and the app's would share SQLite unguarded */
	if (!sqlite3_threadsafe()) {
		free(op);
		return retort_error_set(err, RETORT_EINVALID, "SQLite was built without threads "
			"(SQLITE_THREADSAFE=0): use retort_upgrade() or retort_downgrade()");
	}
	if (!op)
		return retort_error_oom(err);
	op->fds[0] = op->fds[1] = -1;
	op->dir = direction;
	op->revs = revs;
	op->opts = opts ? *opts : defaults;
	pthread_mutex_init(&op->lock, NULL);
	pthread_cond_init(&op->ended_cond, NULL);
	rc = retort_db_url_check(&op->path, url, NULL, err);
	op->file = retort_db_url_is_file(url);
	op->target = target ? retort_xstrdup(target) : NULL;
	op->backup = op->opts.backup_path ? retort_xstrdup(op->opts.backup_path) : NULL;
	op->done = copy_event(&done);
	if (!rc && ((target && !op->target) || (op->opts.backup_path && !op->backup) || !op->done))
		rc = retort_error_oom(err);
	if (!rc && !op->opts.cancel) {
		rc = retort_cancel_new(&op->own_cancel, err);
		op->opts.cancel = op->own_cancel;
	}
	op->fn = op->opts.progress;
	op->fn_ctx = op->opts.progress_ctx;
	op->opts.progress = relay;
	op->opts.progress_ctx = op;
	op->opts.backup_path = op->backup;
	if (!rc && !op->fn)
		rc = make_pipe(op->fds, err);
	if (!rc && pthread_create(&op->thread, NULL, work, op) != 0)
		rc = retort_error_set(err, RETORT_ERROR, "cannot start a thread for the migration");
	if (rc) {
		retort_op_free(op);
		return rc;
	}
	op->running = 1;
	*out = op;
	return 0;
}

int retort_op_fd(const retort_op *op)
{
	return op->fn ? -1 : op->fds[0];
}

size_t retort_op_poll(retort_op *op, retort_progress_fn fn, void *ctx)
{
	queued *q, *next;
	char drain[64];
	size_t n = 0;

	pthread_mutex_lock(&op->lock);
	q = op->head;
	op->head = op->tail = NULL;
	/* the pipe is emptied under the lock: a later push writes again */
	while (op->signalled && read(op->fds[0], drain, sizeof(drain)) > 0)
		;
	op->signalled = 0;
	pthread_mutex_unlock(&op->lock);
	for (; q; q = next, n++) {
		next = q->next;
		if (fn && fn(ctx, &q->p) != 0 && q->p.kind != RETORT_PROGRESS_DONE)
			retort_op_cancel(op);
		free(q);
	}
	return n;
}

void retort_op_cancel(retort_op *op)
{
	if (op)
		retort_cancel_request(op->opts.cancel);
}

int retort_op_wait(retort_op *op, const retort_error **err)
{
	pthread_mutex_lock(&op->lock);
	while (!op->ended)
		pthread_cond_wait(&op->ended_cond, &op->lock);
	pthread_mutex_unlock(&op->lock);
	if (err)
		*err = op->err;
	return op->result;
}

int retort_op_done(retort_op *op)
{
	int ended;

	pthread_mutex_lock(&op->lock);
	ended = op->ended;
	pthread_mutex_unlock(&op->lock);
	return ended;
}

void retort_op_free(retort_op *op)
{
	queued *q, *next;
	int i;

	if (!op)
		return;
	if (op->running)
		pthread_join(op->thread, NULL);
	for (q = op->head; q; q = next) {
		next = q->next;
		free(q);
	}
	for (i = 0; i < 2; i++)
		if (op->fds[i] >= 0)
			close(op->fds[i]);
	pthread_mutex_destroy(&op->lock);
	pthread_cond_destroy(&op->ended_cond);
	free(op->done);
	free(op->path);
	free(op->target);
	free(op->backup);
	retort_cancel_free(op->own_cancel);
	retort_error_free(op->err);
	free(op);
}
