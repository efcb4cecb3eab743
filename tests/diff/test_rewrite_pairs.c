/*
** test_rewrite_pairs.c: autogenerate judges SQL as SQLite does (issue 14),
** over seeded schemas written a second way (rewrite.h).
**
**   --case equiv  For each seed, A from the generator and A' =
**       A rewritten (quoting, case, layout, comments, operators spelled
**       otherwise, parentheses, FOR EACH ROW, numbers, constraint
**       placement: the kinds drawn from the seed). A is built in memory and
**       read as a database, A' loaded as the target, as retort does: the
**       plan must be empty both ways. A false positive prints its seed and
**       the rewrites applied; the summary counts them by rewrite kind.
**   --case change  The opposite: B = A rewritten with one
**       meaningful change hidden in one piece of SQL text (an operand,
**       operator, literal, collation or name). The plan must have upgrade
**       steps, the upgrade must bring A's database to B (retort's reading
**       of it equal to B), and the object that holds the change must no
**       longer be as it was in A (a plan that rebuilds other objects for
**       no reason must not hide a change it failed to make).
**
** The rewrites are checked apart from retort: a pair with no rewrite gives
** A's text byte for byte; SQLite accepts every changed text and a sample of
** the equivalent ones (and every failing one), and those views have A's
** columns. A failure there is a bug of the rewrite, counted as such.
**
** Environment:
**   RETORT_REWRITE_COUNT=N    pairs (10000 equiv, 2000 change)
**   RETORT_REWRITE_FIRST=N    the first seed (1)
**   RETORT_REWRITE_SEED=N     one seed, printing A, the rewritten text, the plan
**   RETORT_REWRITE_KINDS=a,b  only these kinds of rewrite (names as printed)
*/
#include "report.h"
#include "rewrite.h"
#include "roundtrip/gen_schema.h"
#include "roundtrip/sqlcheck.h"
#include "harness.h"

#include "buf.h"
#include "retort.h"

#include <sqlite3.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LISTED_SEEDS 12

enum fail_kind {
	F_GENERATOR,   /* the rewrite made SQL that SQLite rejects: a test bug */
	F_SETUP,       /* A itself, or reading it */
	F_LOAD,        /* retort_schema_from_sql rejected the rewritten SQL */
	F_DIFF,        /* retort_diff or its scripts failed */
	F_FALSE_POS,   /* equiv: the plan is not empty */
	F_MISSED,      /* change: no upgrade steps */
	F_UPGRADE,     /* change: the upgrade script failed */
	F_NOT_REACHED, /* change: the database is not B after the upgrade */
	F_UNCHANGED,   /* change: the object with the change is as in A */
	F_COUNT
};

static const char *const fail_names[F_COUNT] = {
	"rewritten SQL rejected by SQLite (test bug)", "setup", "retort rejected the rewritten SQL",
	"diff error", "false positive (plan not empty)", "change missed (no upgrade steps)",
	"upgrade failed", "upgrade did not reach B", "upgrade left the changed object as it was",
};

typedef struct stats {
	unsigned long pairs, nothing_to_change;
	unsigned long fails[F_COUNT];
	unsigned long fail_seeds[F_COUNT][LISTED_SEEDS];
	unsigned long kind_pairs[RW_COUNT], kind_fp[RW_COUNT];
	unsigned long pieces[128];
} stats;

static stats S;

typedef struct pair {
	uint64_t seed;
	int detail, change, failed;
	unsigned applied;
	gen_schema ga, gb;
	char *asql, *marked, *changed, *bsql;
	rw_change ch;
	sqlite3 *db;
	retort_schema *a, *b, *got;
	retort_plan *plan;
	char *up;
} pair;

static void fail(pair *p, enum fail_kind k, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail(pair *p, enum fail_kind k, const char *fmt, ...)
{
	va_list ap;
	char kinds[512];

	fprintf(stderr, "seed %llu: %s: ", (unsigned long long)p->seed, fail_names[k]);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (p->failed)
		return;
	p->failed = 1;
	harness_failed++;
	if (S.fails[k] < LISTED_SEEDS)
		S.fail_seeds[k][S.fails[k]] = (unsigned long)p->seed;
	S.fails[k]++;
	rw_kinds_text(p->applied, kinds, sizeof(kinds));
	fprintf(stderr, "    rewrites: %s\n", *kinds ? kinds : "(none)");
	if (p->change)
		fprintf(stderr, "    change: %s, in a '%c' piece of statement %zu\n",
			p->ch.what ? p->ch.what : "?", p->ch.piece, p->ch.statement);
	if (p->plan) {
		report_steps(p->plan, RETORT_UPGRADE);
		report_steps(p->plan, RETORT_DOWNGRADE);
	}
}

static const char *errmsg(const retort_error *e)
{
	return e && e->message ? e->message : "?";
}

/* The kinds used for this seed: each of `allowed` with a chance of 70 in
** 100, so that pairs mix kinds and every kind also goes missing. */
static unsigned draw_kinds(uint64_t seed, unsigned allowed)
{
	gen_rng r;
	unsigned on = 0, k;

	gen_rng_seed(&r, seed * 0xD1B54A32D192ED03ULL + 1);
	for (k = 0; k < RW_COUNT; k++)
		if ((allowed & (1u << k)) && gen_rng_chance(&r, 70))
			on |= 1u << k;
	return on;
}

/* The SQL of the object that statement `k` creates, read from `db`. */
static char *object_sql(sqlite3 *db, const gen_schema *s, size_t k)
{
	const char *name = NULL;
	sqlite3_stmt *st = NULL;
	char *out = NULL;

	if (k < s->ntables)
		name = s->tables[k].name;
	else if ((k -= s->ntables) < s->nindexes)
		name = s->indexes[k].name;
	else if ((k -= s->nindexes) < s->nviews)
		name = s->views[k].name;
	else if ((k -= s->nviews) < s->ntriggers)
		name = s->triggers[k].name;
	if (name && sqlite3_prepare_v2(db, "SELECT sql FROM sqlite_master WHERE name = ?1",
		-1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)) {
			retort_buf b = RETORT_BUF_INIT;
			retort_buf_puts(&b, (const char *)sqlite3_column_text(st, 0));
			out = retort_buf_detach(&b);
		}
	}
	sqlite3_finalize(st);
	return out;
}

/* Every view's columns as SQLite names and types them, one per line. */
static char *view_columns(sqlite3 *db)
{
	sqlite3_stmt *st = NULL;
	retort_buf b = RETORT_BUF_INIT;

	if (sqlite3_prepare_v2(db, "SELECT m.name, c.cid, c.name, c.type FROM sqlite_master AS m, "
		"pragma_table_xinfo(m.name) AS c WHERE m.type = 'view' ORDER BY m.name, c.cid",
		-1, &st, NULL) != SQLITE_OK) {
		retort_buf_printf(&b, "(%s)", sqlite3_errmsg(db));
	} else {
		while (sqlite3_step(st) == SQLITE_ROW)
			retort_buf_printf(&b, "%s|%d|%s|%s\n", sqlite3_column_text(st, 0),
				sqlite3_column_int(st, 1), sqlite3_column_text(st, 2),
				sqlite3_column_text(st, 3));
	}
	sqlite3_finalize(st);
	return retort_buf_detach(&b);
}

/*
** The rewritten text must be a schema SQLite accepts (views and trigger
** bodies compiled too), and, when it is meant to be A again, its views
** must have A's columns (a view names a column after its expression's text
** unless the column is a plain name or has an alias: a rewrite there would
** be a real change). A failure here is a bug of the rewrite, not of retort.
*/
static int check_valid(pair *p)
{
	char *msg = NULL, *va = NULL, *vb = NULL;
	sqlite3 *db = NULL;
	int rc = 0;

	if (sqlcheck_schema(p->bsql, &msg) < 0) {
		fail(p, F_GENERATOR, "%s", msg);
		rc = -1;
	} else if (!p->change) {
		if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
		    sqlite3_exec(db, p->bsql, NULL, NULL, NULL) != SQLITE_OK) {
			fail(p, F_GENERATOR, "%s", sqlite3_errmsg(db));
			rc = -1;
		} else if (strcmp(va = view_columns(p->db), vb = view_columns(db)) != 0) {
			fail(p, F_GENERATOR, "the views' columns differ");
			harness_print_text_diff(va, vb);
			rc = -1;
		}
	}
	if (rc < 0 && !p->detail)
		report_numbered("rewritten", p->bsql);
	free(msg);
	free(va);
	free(vb);
	sqlite3_close(db);
	return rc;
}

static void pair_release(pair *p)
{
	gen_schema_release(&p->ga);
	gen_schema_release(&p->gb);
	free(p->asql);
	free(p->marked);
	free(p->changed);
	free(p->bsql);
	free(p->ch.what);
	retort_schema_free(p->a);
	retort_schema_free(p->b);
	retort_schema_free(p->got);
	retort_plan_free(p->plan);
	free(p->up);
	sqlite3_close(p->db);
}

static void run_pair(uint64_t seed, unsigned allowed, int change, int detail)
{
	pair p;
	retort_error *err = NULL;
	char *msg = NULL, *before = NULL, *after = NULL, *why = NULL;
	char *exec_msg = NULL; /* sqlite3_exec's: sqlite3_free() */
	unsigned on = draw_kinds(seed, allowed), k;
	size_t up, down;
	int eq = 0;

	memset(&p, 0, sizeof(p));
	p.seed = seed;
	p.change = change;
	p.detail = detail;
	gen_schema_generate(&p.ga, seed, NULL);
	gen_schema_generate(&p.gb, seed, NULL);
	if (on & (1u << RW_LAYOUT)) {
		p.gb.seed = seed ^ 0x94D049BB133111EBULL;
		p.applied |= 1u << RW_LAYOUT;
	}
	/* (a moved constraint shifts the renderer's later layout choices too) */
	rw_place(&p.gb, seed, on, &p.applied);
	p.asql = gen_schema_to_sql(&p.ga);
	p.marked = gen_schema_to_sql_marked(&p.gb);
	if (change) {
		p.changed = rw_change_marked(p.marked, seed, &p.ch);
		if (!p.changed) {
			S.nothing_to_change++;
			goto done;
		}
		S.pieces[(unsigned char)p.ch.piece & 127]++;
	}
	S.pairs++;
	p.bsql = rw_rewrite(change ? p.changed : p.marked, seed, on, &p.applied, &msg);
	if (detail) {
		char kinds[512];
		rw_kinds_text(p.applied, kinds, sizeof(kinds));
		fprintf(stderr, "rewrites: %s\n", *kinds ? kinds : "(none)");
		if (change)
			fprintf(stderr, "change: %s, in a '%c' piece of statement %zu\n", p.ch.what,
				p.ch.piece, p.ch.statement);
		report_numbered("A", p.asql);
		report_numbered(change ? "B (rewritten, one change)" : "A' (rewritten)", p.bsql);
	}
	for (k = 0; k < RW_COUNT; k++)
		S.kind_pairs[k] += (p.applied >> k) & 1;
	if (!p.bsql) {
		fail(&p, F_GENERATOR, "%s", msg);
		goto done;
	}
	if (!p.applied && !change && strcmp(p.asql, p.bsql) != 0) {
		fail(&p, F_GENERATOR, "no rewrite applied, yet the text differs from A");
		goto done;
	}
	/* A as the database, the rewritten text as the target */
	if (sqlite3_open(":memory:", &p.db) != SQLITE_OK ||
	    sqlite3_exec(p.db, p.asql, NULL, NULL, NULL) != SQLITE_OK) {
		fail(&p, F_SETUP, "building A: %s", sqlite3_errmsg(p.db));
		goto done;
	}
	/* the rewrite itself is checked always for a change, for a sample of
	** the equivalent pairs (it costs a fifth of a pair), and for every
	** failing one below */
	if ((change || seed % 8 == 0) && check_valid(&p) < 0)
		goto done;
	if (retort_schema_read(&p.a, p.db, NULL, &err) != 0) {
		fail(&p, F_SETUP, "retort_schema_read: %s", errmsg(err));
		goto done;
	}
	if (retort_schema_from_sql(&p.b, p.bsql, "rewritten.sql", NULL, &err) != 0) {
		if (check_valid(&p) == 0)
			fail(&p, F_LOAD, "%s", errmsg(err));
		goto done;
	}
	if (retort_diff(&p.plan, p.a, p.b, &err) != 0 ||
	    retort_plan_script(&p.up, p.plan, RETORT_UPGRADE, &err) != 0) {
		if (check_valid(&p) == 0)
			fail(&p, F_DIFF, "%s", errmsg(err));
		goto done;
	}
	if (detail)
		report_numbered("upgrade script", p.up);
	up = retort_plan_step_count(p.plan, RETORT_UPGRADE);
	down = retort_plan_step_count(p.plan, RETORT_DOWNGRADE);
	if (!change) {
		if ((up || down) && check_valid(&p) == 0) {
			retort_schema_equal(&eq, &why, p.a, p.b, NULL);
			fail(&p, F_FALSE_POS, "%zu upgrade, %zu downgrade steps; first difference: %s",
				up, down, why ? why : "(none)");
			for (k = 0; k < RW_COUNT; k++)
				S.kind_fp[k] += (p.applied >> k) & 1;
		}
		goto done;
	}

	if (!up) {
		fail(&p, F_MISSED, "retort_diff found nothing to do");
		goto done;
	}
	before = object_sql(p.db, &p.gb, p.ch.statement);
	if (sqlite3_exec(p.db, p.up, NULL, NULL, &exec_msg) != SQLITE_OK) {
		fail(&p, F_UPGRADE, "%s", exec_msg ? exec_msg : "?");
		goto done;
	}
	if (retort_schema_read(&p.got, p.db, NULL, &err) != 0) {
		fail(&p, F_UPGRADE, "retort_schema_read: %s", errmsg(err));
		goto done;
	}
	if (retort_schema_equal(&eq, &why, p.b, p.got, NULL) != 0 || !eq) {
		fail(&p, F_NOT_REACHED, "%s", why ? why : "?");
		goto done;
	}
	after = object_sql(p.db, &p.gb, p.ch.statement);
	if (!before || !after || strcmp(before, after) == 0)
		fail(&p, F_UNCHANGED, "%s", after ? after : "(the object is gone)");
done:
	if (!p.failed)
		harness_passed++;
	else if (!detail)
		fprintf(stderr, "    replay: RETORT_REWRITE_SEED=%llu test_rewrite_pairs "
			"--case %s\n",
			(unsigned long long)seed, change ? "change" : "equiv");
	retort_error_free(err);
	free(msg);
	sqlite3_free(exec_msg);
	free(why);
	free(before);
	free(after);
	pair_release(&p);
}

/* The kinds of rewrite RETORT_REWRITE_KINDS allows (main reads it). */
static unsigned allowed = RW_ALL;

/* Every pair of the seeds the environment asks for, rewritten only
** (`change` 0) or with one change hidden in the rewrite. */
static void run_pairs(int change)
{
	int seed_given, failed0 = harness_failed;
	unsigned long count, first, seed, k;
	clock_t t0 = clock();

	memset(&S, 0, sizeof(S));
	count = harness_env_number("RETORT_REWRITE_COUNT", change ? 2000 : 10000, NULL);
	first = harness_env_number("RETORT_REWRITE_SEED", 0, &seed_given);
	if (seed_given) {
		run_pair(first, allowed, change, 1);
		count = 1;
	} else {
		first = harness_env_number("RETORT_REWRITE_FIRST", 1, NULL);
		for (seed = first; seed < first + count; seed++)
			run_pair(seed, allowed, change, 0);
	}

	if (change)
		printf("%lu pairs with one hidden change (seeds %lu..%lu, %lu with nothing to "
			"change), %lu failed; %.1f s\n", S.pairs, first, first + count - 1,
			S.nothing_to_change, (unsigned long)(harness_failed - failed0),
			(double)(clock() - t0) / CLOCKS_PER_SEC);
	else
		printf("%lu pairs (seeds %lu..%lu), %lu false positives, %lu other failures; "
			"%.1f s\n", S.pairs, first, first + count - 1, S.fails[F_FALSE_POS],
			(unsigned long)(harness_failed - failed0) - S.fails[F_FALSE_POS],
			(double)(clock() - t0) / CLOCKS_PER_SEC);
	printf("by kind (pairs where it changed something%s):", change ? "" : ", false positives");
	for (k = 0; k < RW_COUNT; k++) {
		if (change)
			printf(" %s %lu;", rw_kind_name((rw_kind)k), S.kind_pairs[k]);
		else
			printf(" %s %lu/%lu;", rw_kind_name((rw_kind)k), S.kind_pairs[k], S.kind_fp[k]);
	}
	printf("\n");
	if (change)
		printf("changes by piece: default %lu, check %lu, generated %lu, index term %lu, "
			"index where %lu, view %lu, trigger %lu\n",
			S.pieces[GEN_PIECE_DEFAULT], S.pieces[GEN_PIECE_CHECK],
			S.pieces[GEN_PIECE_GENERATED], S.pieces[GEN_PIECE_INDEX_TERM],
			S.pieces[GEN_PIECE_WHERE], S.pieces[GEN_PIECE_VIEW], S.pieces[GEN_PIECE_TRIGGER]);
	for (k = 0; k < F_COUNT; k++)
		gen_print_failed(fail_names[k], S.fails[k], S.fail_seeds[k], LISTED_SEEDS);
	if (!seed_given && count >= 1000 && allowed == RW_ALL) {
		/* every kind of rewrite was made often enough to mean something */
		for (k = 0; k < RW_COUNT; k++)
			CHECK(S.kind_pairs[k] * 20 >= S.pairs);
		/* and changes were hidden in every kind of piece */
		if (change) {
			static const char pieces[] = "DCGIWVR";
			for (k = 0; pieces[k]; k++)
				CHECK(S.pieces[(unsigned char)pieces[k]] * 100 >= S.pairs);
		}
	}
}

static void test_equiv(void)
{
	run_pairs(0);
}

static void test_change(void)
{
	run_pairs(1);
}

static const harness_case cases[] = {
	HARNESS_CASE(test_equiv),
	HARNESS_CASE(test_change),
};

int main(int argc, char **argv)
{
	const char *kinds = getenv("RETORT_REWRITE_KINDS");
	int rc = harness_args(argc, argv, HARNESS_CASES(cases));

	if (rc >= 0)
		return rc;
	if (kinds && *kinds && !(allowed = rw_kind_parse(kinds)))
		return 2;
	harness_run(HARNESS_CASES(cases));
	return harness_done();
}
