/*
** async_bench.c: the driver of bench/async.sh. The same upgrade of copies of
** one database, alternately through retort_upgrade() and through
** retort_op_start() watched by a poll() loop that ticks every 50 ms (an
** app's event loop: the descriptor and a timer), and through
** retort_upgrade() with a progress callback that does nothing (what the
** async run asks of the engine, without the thread); prints each run's wall
** and CPU time (all threads) and, for the async runs, the largest gap
** between two ticks.
**
** Usage: async_bench BASE_DB REVISIONS_DIR WORK_DIR RUNS
*/
#include <retort.h>

#include <poll.h>
#include <sys/resource.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define TICK 0.050

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void copy_file(const char *from, const char *to)
{
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	char buf[1 << 16];
	size_t n;

	if (!in || !out) {
		perror("copy");
		exit(1);
	}
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, out) != n) {
			perror(to);
			exit(1);
		}
	fclose(in);
	if (fclose(out) != 0) {
		perror(to);
		exit(1);
	}
}

/* CPU seconds of the process so far, every thread's */
static double cpu(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
		(double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static int done_seen;

static int on_event(void *ctx, const retort_progress *p)
{
	(void)ctx;
	if (p->kind == RETORT_PROGRESS_DONE)
		done_seen = 1;
	return 0;
}

static int ignore(void *ctx, const retort_progress *p)
{
	(void)ctx;
	(void)p;
	return 0;
}

static double run_sync(const char *path, const retort_revisions *revs, int progress)
{
	retort_migrate_options o = RETORT_MIGRATE_OPTIONS_INIT;
	sqlite3 *db = NULL;
	double t0 = now(), t;

	o.progress = progress ? ignore : NULL;
	if (sqlite3_open(path, &db) != SQLITE_OK ||
	    retort_upgrade(db, revs, "head", &o, NULL) != 0) {
		fprintf(stderr, "the synchronous upgrade failed\n");
		exit(1);
	}
	t = now() - t0;
	sqlite3_close(db);
	return t;
}

/* The async run's time to DONE; `*gap` the largest time between two ticks. */
static double run_async(const char *path, const retort_revisions *revs, double *gap)
{
	retort_op *op = NULL;
	struct pollfd pfd;
	double t0 = now(), last_tick = t0, t;
	int ms;

	*gap = 0;
	done_seen = 0;
	if (retort_op_start(&op, path, revs, "head", RETORT_UPGRADE, NULL, NULL) != 0) {
		fprintf(stderr, "cannot start the operation\n");
		exit(1);
	}
	pfd.fd = retort_op_fd(op);
	pfd.events = POLLIN;
	while (!done_seen) {
		t = now();
		ms = (int)((last_tick + TICK - t) * 1000 + 0.999);
		if (poll(&pfd, 1, ms > 0 ? ms : 0) > 0)
			retort_op_poll(op, on_event, NULL);
		t = now();
		if (t >= last_tick + TICK) {
			if (t - last_tick > *gap)
				*gap = t - last_tick;
			last_tick = t;
		}
	}
	t = now() - t0;
	if (retort_op_wait(op, NULL) != 0) {
		fprintf(stderr, "the asynchronous upgrade failed\n");
		exit(1);
	}
	retort_op_free(op);
	return t;
}

int main(int argc, char **argv)
{
	retort_revisions *revs = NULL;
	char path[4096];
	int runs, i;

	if (argc != 5) {
		fprintf(stderr, "usage: async_bench BASE_DB REVISIONS_DIR WORK_DIR RUNS\n");
		return 2;
	}
	runs = (int)strtol(argv[4], NULL, 10);
	if (retort_revisions_load(&revs, argv[2], NULL) != 0) {
		fprintf(stderr, "cannot load %s\n", argv[2]);
		return 1;
	}
	snprintf(path, sizeof(path), "%s/run.db", argv[3]);
	printf("run,mode,seconds,cpu_seconds,max_tick_gap_ms\n");
	for (i = 0; i < runs; i++) {
		static const char *const names[] = { "sync", "async", "sync_progress" };
		int k;
		/* which goes first rotates: none always gets the warmest cache */
		for (k = 0; k < 3; k++) {
			double gap = 0, t, c;
			int mode = (i + k) % 3;
			copy_file(argv[1], path);
			c = cpu();
			t = mode == 1 ? run_async(path, revs, &gap) : run_sync(path, revs, mode == 2);
			c = cpu() - c;
			printf("%d,%s,%.4f,%.4f,%.1f\n", i + 1, names[mode], t, c, gap * 1000);
			fflush(stdout);
		}
	}
	unlink(path);
	retort_revisions_free(revs);
	return 0;
}
