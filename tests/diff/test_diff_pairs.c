/*
** test_diff_pairs.c: the core property of autogenerate (issue 4), over
** seeded random schema pairs.
**
** For each seed: schema A from the generator, B = A after 1..4 mutations
** (kinds drawn from the seed), A built in memory and filled with rows. Then
** the plan of retort_diff(A, B) must
**   - have upgrade steps (every mutation makes a difference);
**   - upgrade A-with-rows to exactly B, as retort reads it and as SQLite's
**     PRAGMAs report it (sqlcheck), with integrity_check and
**     foreign_key_check clean and every surviving value kept (tables and
**     columns followed through renames; columns whose declared type changed
**     and generated columns are not compared);
**   - or refuse the rows, but only when a step carries a risk that says data
**     may refuse it (SET_NOT_NULL, ADD_NOT_NULL, NEW_CONSTRAINT,
**     NARROW_TYPE), and then leave the database exactly as it was;
**   - downgrade the result to exactly A again, with the original values;
**     or, only when the upgrade lost data (dropped a table or column,
**     narrowed a type) and a downgrade step flags a data risk, refuse and
**     leave the upgraded database exactly as it was.
** Odd seeds build A as a database written over time holds it: the rows
** stored before one table's last column was added by ALTER TABLE ADD COLUMN
** (they read its default from the definition), the column one whose
** default B changes where it can be: the trap of changing a default in
** place (issue 20). In-place steps are counted, and must be made.
** Scripts are applied as retort_plan_script() writes them, with
** sqlite3_exec, as `sqlite3 -bail` would run them: the script's own guard
** must stop a commit that would leave a foreign key without its parent
** (the checks after it would find one).
**
**   test_diff_pairs                   seeds 1..RETORT_PAIRS_COUNT (500), from
**                                     RETORT_PAIRS_FIRST (1)
**   RETORT_PAIRS_INPLACE=1 test_diff_pairs
**                                     only the kinds of change a table may
**                                     take in place (test_inplace_pairs)
**   RETORT_PAIRS_SEED=N test_diff_pairs
**                                     the one seed, with A's and B's SQL and
**                                     both scripts
**
** A failure names its seed and the mutations made.
*/
#include "report.h"
#include "rows.h"
#include "chain/seq_integrity.h"
#include "roundtrip/gen_schema.h"
#include "roundtrip/sqlcheck.h"
#include "harness.h"

#include "schema.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Risks under which data may legitimately refuse a step. */
#define DATA_RISKS (RETORT_RISK_SET_NOT_NULL | RETORT_RISK_ADD_NOT_NULL | \
	RETORT_RISK_NEW_CONSTRAINT | RETORT_RISK_NARROW_TYPE)

/* Upgrade risks that lose data: only after one of these may the rows
** refuse the way back (a dropped NOT NULL column has no values to return
** with, a re-created parent table has no rows for its children). */
#define LOSSY_RISKS (RETORT_RISK_DROP_COLUMN | RETORT_RISK_DROP_TABLE | \
	RETORT_RISK_NARROW_TYPE)

/* Failure categories, counted and listed by seed at the end. */
enum fail_kind {
	F_GENERATOR,    /* the generator made an invalid pair: a test bug */
	F_SETUP,        /* building A or its rows failed */
	F_DIFF,         /* retort_diff returned an error */
	F_NO_STEPS,     /* a real difference, but no upgrade steps */
	F_UP_REFUSED,   /* the upgrade failed with no data risk flagged */
	F_UP_DIRTY,     /* a refused upgrade left the database changed */
	F_UP_SCHEMA,    /* after the upgrade, the schema is not B */
	F_UP_CHECKS,    /* integrity_check or foreign_key_check after the upgrade */
	F_UP_ROWS,      /* rows or values lost or changed by the upgrade */
	F_DOWN_FAILED,  /* the downgrade failed, and no data loss explains it */
	F_DOWN_DIRTY,   /* a refused downgrade left changes */
	F_DOWN_SCHEMA,  /* after the downgrade, the schema is not A */
	F_DOWN_CHECKS,
	F_DOWN_ROWS,
	F_COUNT
};

static const char *const fail_names[F_COUNT] = {
	"generator", "setup", "diff error", "no upgrade steps",
	"upgrade failed, no data risk flagged", "refused upgrade left changes",
	"upgrade: schema is not B", "upgrade: integrity/foreign keys",
	"upgrade: rows or values", "downgrade failed, not explained by lost data",
	"refused downgrade left changes", "downgrade: schema is not A",
	"downgrade: integrity/foreign keys", "downgrade: rows or values",
};

#define LISTED_SEEDS 12

typedef struct run_stats {
	unsigned long pairs, noop, refused, down_refused, passed;
	unsigned long applied[GEN_MUT_COUNT];
	unsigned long fails[F_COUNT];
	unsigned long fail_seeds[F_COUNT][LISTED_SEEDS];
	unsigned long steps, rebuilds, inplace, risky;
	unsigned long added, added_changed; /* A with rows older than a column */
	int inplace_only;        /* RETORT_PAIRS_INPLACE: in-place kinds only */
	unsigned long iwr_workaround;
	rows_stats rows;
} run_stats;

/* One pair and everything made for it; released by pair_release(). */
typedef struct pair {
	uint64_t seed;
	gen_schema ga, gb;
	gen_strs what;           /* "kind: description" of each mutation */
	char *asql, *bsql;
	char *fpa, *fpb;         /* sqlcheck fingerprints of A and B built fresh */
	retort_schema *a, *b, *b_plain; /* b carries renamed_from, b_plain not */
	retort_plan *plan;
	char *up, *down;         /* the scripts */
	sqlite3 *db;
	int failed;
} pair;

/*
** A table of B with its source in A, and the columns whose values must
** survive: same declared type on both sides, not generated. A column typed
** ANY whose table gains or loses STRICT keeps its declared type but not its
** affinity (none in a STRICT table, NUMERIC outside one), so SQLite turns
** '3.5' into 3.5 and 3.0 into 3 on the way: those columns are "loose", and
** their values may change only under a flagged narrow_type.
*/
typedef struct tmap {
	const char *a_name, *b_name;
	gen_strs a_cols, b_cols;
	gen_strs a_fill;         /* per a_cols: B's default as stored, quote()d, where
	                            the column becomes NOT NULL and the upgrade fills
	                            its NULLs with it; "" elsewhere */
	gen_strs before;         /* A's rows over a_cols (NULLs filled), sorted */
	gen_strs la_cols, lb_cols, lbefore; /* the loose columns */
} tmap;

typedef struct tmaps {
	tmap *v;
	size_t n;
} tmaps;

static run_stats S;

/* ---- reporting ---------------------------------------------------------- */

/* Record a failure of kind `k`, once per pair (the first counts). */
static void fail(pair *p, enum fail_kind k, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail(pair *p, enum fail_kind k, const char *fmt, ...)
{
	va_list ap;
	size_t i;

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
	for (i = 0; i < p->what.n; i++)
		fprintf(stderr, "    mutation: %s\n", p->what.v[i]);
	if (p->plan) {
		report_steps(p->plan, RETORT_UPGRADE);
		report_steps(p->plan, RETORT_DOWNGRADE);
	}
}

/* ---- SQL helpers ---------------------------------------------------------- */

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/*
** The rows of `table` over `cols` (all n of them), each as its quote()d
** values joined by \x1f, sorted: a multiset that ignores row order. With
** `fills`, a NULL in column i reads as fills->v[i] when that is not "".
** Returns 0, or -1 with the SQLite message in `*msg`.
*/
static int snapshot(sqlite3 *db, const char *table, const gen_strs *cols,
	const gen_strs *fills, gen_strs *out, char **msg)
{
	sqlite3_stmt *st = NULL;
	char *sel = sqlite3_mprintf("%s", cols->n ? "" : "''"), *sql;
	size_t i;
	int rc = -1;

	for (i = 0; i < cols->n && sel; i++) {
		char *next = fills && *fills->v[i] ?
			sqlite3_mprintf("%s%sCASE WHEN \"%w\" IS NULL THEN %Q ELSE quote(\"%w\") END", sel,
				i ? " || char(31) || " : "", cols->v[i], fills->v[i], cols->v[i]) :
			sqlite3_mprintf("%s%squote(\"%w\")", sel, i ? " || char(31) || " : "",
				cols->v[i]);
		sqlite3_free(sel);
		sel = next;
	}
	sql = sel ? sqlite3_mprintf("SELECT %s FROM \"%w\"", sel, table) : NULL;
	sqlite3_free(sel);
	if (!sql || sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		*msg = sqlite3_mprintf("%s", sqlite3_errmsg(db));
		goto done;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(st, 0);
		gen_strs_push(out, v ? v : "(null)");
	}
	if (sqlite3_errcode(db) != SQLITE_DONE && sqlite3_errcode(db) != SQLITE_OK) {
		*msg = sqlite3_mprintf("%s", sqlite3_errmsg(db));
		goto done;
	}
	if (out->n > 1)
		qsort(out->v, out->n, sizeof(*out->v), cmp_str);
	rc = 0;
done:
	sqlite3_free(sql);
	sqlite3_finalize(st);
	return rc;
}

/* Describe how two sorted row lists differ (the first difference). */
static char *rows_differ(const gen_strs *want, const gen_strs *got)
{
	size_t i;

	if (want->n != got->n)
		return sqlite3_mprintf("%zu rows, expected %zu", got->n, want->n);
	for (i = 0; i < want->n; i++)
		if (strcmp(want->v[i], got->v[i]) != 0)
			return sqlite3_mprintf("row '%s', expected '%s'", got->v[i], want->v[i]);
	return NULL;
}

/* integrity_check and foreign_key_check (tests/chain/seq_integrity.c, which
** disproves SQLite 3.40.1's false reports one by one); NULL when clean. */
static char *check_integrity(sqlite3 *db)
{
	return seq_integrity(db, &S.iwr_workaround);
}

typedef struct exec_state {
	int rows;
	char *first;
} exec_state;

/* A script prints rows only from its PRAGMA foreign_key_check: keep the
** first, to explain a refusal. */
static int on_row(void *arg, int n, char **vals, char **names)
{
	exec_state *es = arg;
	int i;

	(void)names;
	if (!es->rows++) {
		char *line = sqlite3_mprintf("%s", "foreign_key_check printed:");
		for (i = 0; i < n && line; i++) {
			char *next = sqlite3_mprintf("%s %s", line, vals[i] ? vals[i] : "NULL");
			sqlite3_free(line);
			line = next;
		}
		es->first = line;
	}
	return 0;
}

/* Run a script; on failure roll back what it began. Returns NULL, or the
** reason it failed (sqlite3_mprintf). */
static char *run_script(sqlite3 *db, const char *script)
{
	exec_state es = {0, NULL};
	char *msg = NULL, *out = NULL;
	int rc = sqlite3_exec(db, script, on_row, &es, &msg);

	if (rc != SQLITE_OK) {
		out = sqlite3_mprintf("%s%s%s", msg ? msg : sqlite3_errstr(rc),
			es.first ? "; " : "", es.first ? es.first : "");
		if (!sqlite3_get_autocommit(db))
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	}
	sqlite3_free(es.first);
	sqlite3_free(msg);
	return out;
}

/* ---- the pair ------------------------------------------------------------ */

static void pair_release(pair *p)
{
	gen_schema_release(&p->ga);
	gen_schema_release(&p->gb);
	gen_strs_release(&p->what);
	free(p->asql);
	free(p->bsql);
	free(p->fpa);
	free(p->fpb);
	retort_schema_free(p->a);
	retort_schema_free(p->b);
	retort_schema_free(p->b_plain);
	retort_plan_free(p->plan);
	free(p->up);
	free(p->down);
	sqlite3_close(p->db);
}

static void tmaps_release(tmaps *m)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		gen_strs_release(&m->v[i].a_cols);
		gen_strs_release(&m->v[i].b_cols);
		gen_strs_release(&m->v[i].a_fill);
		gen_strs_release(&m->v[i].before);
		gen_strs_release(&m->v[i].la_cols);
		gen_strs_release(&m->v[i].lb_cols);
		gen_strs_release(&m->v[i].lbefore);
	}
	free(m->v);
}

/* The kinds of change a table may take in place (issue 20): with
** RETORT_PAIRS_INPLACE=1 the only ones drawn. */
static const gen_mutation inplace_kinds[] = {
	GEN_MUT_NOT_NULL, GEN_MUT_DEFAULT, GEN_MUT_DROP_CHECK, GEN_MUT_ADD_CHECK,
	GEN_MUT_ADD_FK, GEN_MUT_DROP_FK, GEN_MUT_FK_ACTION,
};
#define N_INPLACE_KINDS (sizeof(inplace_kinds) / sizeof(inplace_kinds[0]))

static int is_inplace_kind(gen_mutation m)
{
	size_t i;

	for (i = 0; i < N_INPLACE_KINDS; i++)
		if (inplace_kinds[i] == m)
			return 1;
	return 0;
}

/* B = A after 1..4 mutations, each of a kind drawn from the seed (a kind
** that finds nothing to change is drawn again). */
static void make_b(pair *p)
{
	gen_rng r;
	uint32_t n, i;

	gen_rng_seed(&r, p->seed * 0x9E3779B97F4A7C15ULL + 0x632BE59BD9B4E019ULL);
	n = 1 + gen_rng_below(&r, 4);
	for (i = 0; i < n; i++) {
		int tries;
		for (tries = 0; tries < 50; tries++) {
			gen_mutation m = S.inplace_only ?
				inplace_kinds[gen_rng_below(&r, (uint32_t)N_INPLACE_KINDS)] :
				(gen_mutation)gen_rng_below(&r, GEN_MUT_COUNT);
			char *what = NULL;
			if (gen_schema_mutate(&p->gb, m, gen_rng_next(&r), &what)) {
				char *line = sqlite3_mprintf("%s: %s", gen_mutation_name(m), what);
				S.applied[m]++;
				gen_strs_push(&p->what, line);
				sqlite3_free(line);
				free(what);
				break;
			}
		}
	}
}

/* Tell B of the renames the mutations made, as models would. */
static int set_renames(pair *p)
{
	size_t i;

	for (i = 0; i < p->gb.nrenames; i++) {
		const gen_rename *rn = &p->gb.renames[i];
		schema_table *tb = retort_schema_find_table(p->b, rn->table);
		const schema_table *ta;
		if (!tb) {
			fail(p, F_GENERATOR, "rename record of '%s', which B does not have", rn->table);
			return -1;
		}
		if (!rn->column) {
			if (!retort_schema_find_table(p->a, rn->from)) {
				fail(p, F_GENERATOR, "table '%s' renamed from '%s', which A does not have",
					rn->table, rn->from);
				return -1;
			}
			free(tb->renamed_from);
			tb->renamed_from = retort_xstrdup(rn->from);
		} else {
			schema_column *cb = retort_schema_find_column(tb, rn->column);
			ta = retort_schema_find_table(p->a, tb->renamed_from ? tb->renamed_from : tb->name);
			/* the table's own rename may come later in the list */
			if (!ta) {
				size_t j;
				for (j = 0; j < p->gb.nrenames && !ta; j++)
					if (!p->gb.renames[j].column &&
					    retort_name_eq(p->gb.renames[j].table, rn->table))
						ta = retort_schema_find_table(p->a, p->gb.renames[j].from);
			}
			if (!cb || !ta || !retort_schema_find_column(ta, rn->from)) {
				fail(p, F_GENERATOR, "column '%s'.'%s' renamed from '%s': not found",
					rn->table, rn->column, rn->from);
				return -1;
			}
			free(cb->renamed_from);
			cb->renamed_from = retort_xstrdup(rn->from);
		}
	}
	return 0;
}

/*
** A column that becomes NOT NULL with a default has its NULLs filled by the
** upgrade (plan.c): the default as column `cb` stores it, quote()d, read
** back from a scratch table; "" when the column is not filled, NULL when the
** value cannot be known beforehand (CURRENT_TIME and its kin).
*/
static char *fill_of(const schema_table *tb, const schema_column *cb, const schema_column *ca)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	char *sql, *out = NULL;

	if (!cb->notnull || ca->notnull || !cb->default_sql || retort_name_eq(cb->default_sql, "NULL") ||
	    retort_schema_column_is_rowid_alias(tb, cb))
		return retort_xstrdup("");
	if (sqlite3_strnicmp(cb->default_sql, "CURRENT_", 8) == 0)
		return NULL;
	sql = sqlite3_mprintf("CREATE TABLE t (x %s DEFAULT (%s)); INSERT INTO t DEFAULT VALUES",
		cb->type, cb->default_sql);
	if (sql && sqlite3_open(":memory:", &db) == SQLITE_OK &&
	    sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, "SELECT quote(x) FROM t", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		out = retort_xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
	sqlite3_free(sql);
	if (!out)
		abort();
	return out;
}

static void build_maps(pair *p, tmaps *m)
{
	size_t i, j;

	for (i = 0; i < p->b->ntables; i++) {
		const schema_table *tb = &p->b->tables[i];
		const schema_table *ta = retort_schema_find_table(p->a,
			tb->renamed_from ? tb->renamed_from : tb->name);
		tmap *x;
		if (!ta)
			continue;
		m->v = realloc(m->v, (m->n + 1) * sizeof(*m->v));
		if (!m->v)
			abort();
		x = &m->v[m->n++];
		memset(x, 0, sizeof(*x));
		x->a_name = ta->name;
		x->b_name = tb->name;
		for (j = 0; j < tb->ncolumns; j++) {
			const schema_column *cb = &tb->columns[j];
			const schema_column *ca = retort_schema_find_column(ta,
				cb->renamed_from ? cb->renamed_from : cb->name);
			char *fill;
			if (!ca || ca->generated || cb->generated || strcmp(ca->type, cb->type) != 0)
				continue;
			if (!ta->strict != !tb->strict && retort_name_eq(ca->type, "ANY")) {
				gen_strs_push(&x->la_cols, ca->name);
				gen_strs_push(&x->lb_cols, cb->name);
				continue;
			}
			if (!(fill = fill_of(tb, cb, ca)))
				continue;
			gen_strs_push(&x->a_cols, ca->name);
			gen_strs_push(&x->b_cols, cb->name);
			gen_strs_push(&x->a_fill, fill);
			free(fill);
		}
	}
}

/* All of A's rows, every column: what a refused upgrade must leave. */
static int snapshot_all(pair *p, const retort_schema *s, gen_strs *out)
{
	size_t i, j;

	for (i = 0; i < s->ntables; i++) {
		gen_strs cols = {0}, rows = {0};
		char *msg = NULL;
		for (j = 0; j < s->tables[i].ncolumns; j++)
			gen_strs_push(&cols, s->tables[i].columns[j].name);
		if (snapshot(p->db, s->tables[i].name, &cols, NULL, &rows, &msg) < 0) {
			gen_strs_release(&cols);
			fail(p, F_SETUP, "reading '%s': %s", s->tables[i].name, msg);
			sqlite3_free(msg);
			return -1;
		}
		for (j = 0; j < rows.n; j++) {
			char *line = sqlite3_mprintf("%s\x1e%s", s->tables[i].name, rows.v[j]);
			gen_strs_push(out, line);
			sqlite3_free(line);
		}
		gen_strs_release(&cols);
		gen_strs_release(&rows);
	}
	return 0;
}

/* The values of every mapped table, read from its A side or B side; on
** the B side, the loose columns too, unless the upgrade flags narrow_type. */
static int check_rows(pair *p, tmaps *m, int b_side, unsigned risks, enum fail_kind k)
{
	size_t i;
	int bad = 0;

	for (i = 0; i < m->n && !bad; i++) {
		tmap *x = &m->v[i];
		gen_strs now = {0};
		char *msg = NULL, *d;
		const char *name = b_side ? x->b_name : x->a_name;
		if (snapshot(p->db, name, b_side ? &x->b_cols : &x->a_cols, NULL, &now, &msg) < 0) {
			fail(p, k, "reading '%s': %s", name, msg);
			sqlite3_free(msg);
			bad = 1;
		} else if ((d = rows_differ(&x->before, &now)) != NULL) {
			size_t j;
			fprintf(stderr, "seed %llu: table '%s' (columns:", (unsigned long long)p->seed, name);
			for (j = 0; j < x->b_cols.n; j++)
				fprintf(stderr, " %s", b_side ? x->b_cols.v[j] : x->a_cols.v[j]);
			fprintf(stderr, ")\n");
			fail(p, k, "table '%s': %s", name, d);
			sqlite3_free(d);
			bad = 1;
		}
		gen_strs_release(&now);
		if (bad || !b_side || !x->lb_cols.n || (risks & RETORT_RISK_NARROW_TYPE))
			continue;
		if (snapshot(p->db, name, &x->lb_cols, NULL, &now, &msg) < 0) {
			fail(p, k, "reading '%s': %s", name, msg);
			sqlite3_free(msg);
			bad = 1;
		} else if ((d = rows_differ(&x->lbefore, &now)) != NULL) {
			fail(p, k, "table '%s': values of ANY columns changed with STRICT, and no "
				"step flags narrow_type: %s", name, d);
			sqlite3_free(d);
			bad = 1;
		}
		gen_strs_release(&now);
	}
	return bad ? -1 : 0;
}

/* The schema of the database against `want` (retort) and `fp` (SQLite). */
static int check_schema(pair *p, const retort_schema *want, const char *fp, enum fail_kind k)
{
	retort_schema *got = NULL;
	retort_error *err = NULL;
	char *why = NULL, *gotfp;
	int rc = 0, eq = 0;

	if (retort_schema_read(&got, p->db, NULL, &err) != 0) {
		fail(p, k, "retort_schema_read: %s", err && err->message ? err->message : "?");
		retort_error_free(err);
		return -1;
	}
	if (retort_schema_equal(&eq, &why, want, got, NULL) != 0 || !eq) {
		fail(p, k, "retort_schema_equal: %s", why ? why : "(no reason)");
		rc = -1;
	}
	free(why);
	retort_schema_free(got);
	gotfp = sqlcheck_fingerprint(p->db);
	if (!gotfp || strcmp(gotfp, fp) != 0) {
		fail(p, k, "SQLite's PRAGMAs differ (sqlcheck fingerprint)");
		if (gotfp)
			harness_print_text_diff(fp, gotfp);
		rc = -1;
	}
	free(gotfp);
	return rc;
}

/* The risks of every step of a direction; upgrade steps are counted. */
static unsigned plan_risks(const retort_plan *plan, retort_direction dir)
{
	size_t i, n = retort_plan_step_count(plan, dir);
	unsigned risks = 0;

	for (i = 0; i < n; i++) {
		retort_step_info si;
		if (retort_plan_step(&si, plan, dir, i) == 0) {
			risks |= si.risks;
			if (dir == RETORT_UPGRADE)
				S.rebuilds += strcmp(si.kind, "rebuild_table") == 0;
			if (dir == RETORT_UPGRADE)
				S.inplace += strcmp(si.kind, "inplace_table") == 0;
		}
	}
	if (dir == RETORT_UPGRADE)
		S.steps += n;
	return risks;
}

/* A table whose last column B gives another default, or NULL. */
static const char *default_changed_last(const pair *p)
{
	size_t i, j;

	for (i = 0; i < p->ga.ntables; i++) {
		const gen_table *ta = &p->ga.tables[i];
		const gen_column *ca = ta->ncols ? &ta->cols[ta->ncols - 1] : NULL;
		for (j = 0; ca && j < p->gb.ntables; j++) {
			const gen_table *tb = &p->gb.tables[j];
			size_t k;
			if (sqlite3_stricmp(ta->name, tb->name) != 0)
				continue;
			for (k = 0; k < tb->ncols; k++) {
				const gen_column *cb = &tb->cols[k];
				if (sqlite3_stricmp(ca->name, cb->name) == 0 &&
				    (!ca->default_sql != !cb->default_sql ||
				     (ca->default_sql && strcmp(ca->default_sql, cb->default_sql) != 0)))
					return ta->name;
			}
		}
	}
	return NULL;
}

/*
** A in memory, with rows. Odd seeds build it as a database written over
** time holds it: the rows stored before one table's last column was added
** by ALTER TABLE ADD COLUMN, so that they read its default from the table's
** definition; the column one whose default B changes where it can be (the
** trap of an in-place default change, issue 20). Where SQLite refuses that
** ADD COLUMN, A is built at once. Returns 0, or -1 with `*msg`.
*/
static int build_a(pair *p, rows_stats *rs, char **msg)
{
	char *before = NULL, *add = NULL, *after = NULL;
	int split = 0, rc = -1;

	if (p->seed & 1)
		split = gen_schema_split_added(&p->ga, p->seed, default_changed_last(p), &before,
			&add, &after);
	if (split) {
		/* SQLite may still refuse the split (a UNIQUE index over the column,
		** which all the old rows share): then A is built at once */
		if (sqlite3_open(":memory:", &p->db) == SQLITE_OK &&
		    sqlite3_exec(p->db, before, NULL, NULL, NULL) == SQLITE_OK &&
		    rows_fill(p->db, p->seed, rs, msg) == 0 &&
		    sqlite3_exec(p->db, add, NULL, NULL, NULL) == SQLITE_OK &&
		    sqlite3_exec(p->db, after, NULL, NULL, NULL) == SQLITE_OK) {
			S.added++;
			S.added_changed += split == 2;
			rc = 0;
			goto done;
		}
		free(*msg);
		*msg = NULL;
		sqlite3_close(p->db);
		p->db = NULL;
		memset(rs, 0, sizeof(*rs));
	}
	if (sqlite3_open(":memory:", &p->db) != SQLITE_OK ||
	    sqlite3_exec(p->db, p->asql, NULL, NULL, NULL) != SQLITE_OK) {
		*msg = retort_xstrdup(sqlite3_errmsg(p->db));
		goto done;
	}
	rc = rows_fill(p->db, p->seed, rs, msg);
done:
	free(before);
	free(add);
	free(after);
	return rc;
}

static void run_pair(uint64_t seed, int detail)
{
	pair p;
	tmaps maps = {NULL, 0};
	gen_strs all_before = {0}, all_after = {0};
	retort_error *err = NULL;
	char *msg = NULL, *bad = NULL, *why = NULL;
	unsigned risks;
	int eq = 0;
	size_t i;
	rows_stats rs;

	memset(&p, 0, sizeof(p));
	memset(&rs, 0, sizeof(rs));
	p.seed = seed;
	S.pairs++;
	gen_schema_generate(&p.ga, seed, NULL);
	gen_schema_generate(&p.gb, seed, NULL);
	make_b(&p);
	p.asql = gen_schema_to_sql(&p.ga);
	p.bsql = gen_schema_to_sql(&p.gb);
	if (detail) {
		for (i = 0; i < p.what.n; i++)
			fprintf(stderr, "mutation: %s\n", p.what.v[i]);
		report_numbered("A", p.asql);
		report_numbered("B", p.bsql);
	}

	/* both sides as retort and as SQLite see them */
	p.fpa = sqlcheck_fingerprint_sql(p.asql, &msg);
	if (!p.fpa) {
		fail(&p, F_GENERATOR, "A: %s", msg);
		goto done;
	}
	free(msg);
	msg = NULL;
	if (sqlcheck_schema(p.bsql, &msg) < 0 || !(p.fpb = sqlcheck_fingerprint_sql(p.bsql, &msg))) {
		fail(&p, F_GENERATOR, "B: %s", msg ? msg : "?");
		goto done;
	}
	if (retort_schema_from_sql(&p.a, p.asql, "A.sql", NULL, &err) != 0 ||
	    retort_schema_from_sql(&p.b, p.bsql, "B.sql", NULL, &err) != 0 ||
	    retort_schema_from_sql(&p.b_plain, p.bsql, "B.sql", NULL, &err) != 0) {
		fail(&p, F_SETUP, "retort_schema_from_sql: %s", err && err->message ? err->message : "?");
		goto done;
	}
	if (set_renames(&p) < 0)
		goto done;
	if (!p.gb.nrenames && retort_schema_equal(&eq, NULL, p.a, p.b_plain, NULL) == 0 && eq) {
		/* mutations that undid each other (a flag toggled twice) */
		S.noop++;
		goto done;
	}

	if (retort_diff(&p.plan, p.a, p.b, &err) != 0) {
		fail(&p, F_DIFF, "%s", err && err->message ? err->message : "?");
		goto done;
	}
	if (retort_plan_script(&p.up, p.plan, RETORT_UPGRADE, &err) != 0 ||
	    retort_plan_script(&p.down, p.plan, RETORT_DOWNGRADE, &err) != 0) {
		fail(&p, F_DIFF, "retort_plan_script: %s", err && err->message ? err->message : "?");
		goto done;
	}
	if (detail) {
		report_numbered("upgrade script", p.up);
		report_numbered("downgrade script", p.down);
	}
	if (retort_plan_step_count(p.plan, RETORT_UPGRADE) == 0) {
		fail(&p, F_NO_STEPS, "retort_diff found nothing to do");
		goto done;
	}
	risks = plan_risks(p.plan, RETORT_UPGRADE);
	S.risky += (risks & DATA_RISKS) != 0;

	/* A, with rows */
	if (build_a(&p, &rs, &msg) < 0) {
		fail(&p, F_SETUP, "building A with rows: %s", msg);
		goto done;
	}
	S.rows.tables += rs.tables;
	S.rows.tried += rs.tried;
	S.rows.inserted += rs.inserted;
	if ((bad = check_integrity(p.db)) != NULL) {
		fail(&p, F_SETUP, "A with rows: %s", bad);
		goto done;
	}
	build_maps(&p, &maps);
	for (i = 0; i < maps.n; i++) {
		if (snapshot(p.db, maps.v[i].a_name, &maps.v[i].a_cols, &maps.v[i].a_fill,
			&maps.v[i].before, &bad) < 0 ||
		    (maps.v[i].la_cols.n && snapshot(p.db, maps.v[i].a_name, &maps.v[i].la_cols,
			NULL, &maps.v[i].lbefore, &bad) < 0)) {
			fail(&p, F_SETUP, "reading '%s': %s", maps.v[i].a_name, bad);
			goto done;
		}
	}
	if (snapshot_all(&p, p.a, &all_before) < 0)
		goto done;

	/* upgrade */
	if ((bad = run_script(p.db, p.up)) != NULL) {
		if (!(risks & DATA_RISKS)) {
			fail(&p, F_UP_REFUSED, "%s", bad);
			goto done;
		}
		if (detail)
			fprintf(stderr, "upgrade refused (a data risk is flagged): %s\n", bad);
		/* refused: nothing may have changed */
		if (check_schema(&p, p.a, p.fpa, F_UP_DIRTY) < 0)
			goto done;
		if (snapshot_all(&p, p.a, &all_after) < 0)
			goto done;
		why = rows_differ(&all_before, &all_after);
		if (why) {
			fail(&p, F_UP_DIRTY, "%s", why);
			goto done;
		}
		S.refused++;
		harness_passed++;
		goto done;
	}
	sqlite3_free(bad);
	if ((bad = check_integrity(p.db)) != NULL) {
		fail(&p, F_UP_CHECKS, "%s", bad);
		goto done;
	}
	if (check_schema(&p, p.b_plain, p.fpb, F_UP_SCHEMA) < 0)
		goto done;
	if (check_rows(&p, &maps, 1, risks, F_UP_ROWS) < 0)
		goto done;

	/* downgrade */
	gen_strs_release(&all_before);
	if (snapshot_all(&p, p.b_plain, &all_before) < 0)
		goto done;
	if ((bad = run_script(p.db, p.down)) != NULL) {
		if (!(risks & LOSSY_RISKS) || !(plan_risks(p.plan, RETORT_DOWNGRADE) & DATA_RISKS)) {
			fail(&p, F_DOWN_FAILED, "%s", bad);
			goto done;
		}
		if (detail)
			fprintf(stderr, "downgrade refused (data lost on the way up): %s\n", bad);
		if (check_schema(&p, p.b_plain, p.fpb, F_DOWN_DIRTY) < 0)
			goto done;
		if (snapshot_all(&p, p.b_plain, &all_after) < 0)
			goto done;
		why = rows_differ(&all_before, &all_after);
		if (why) {
			fail(&p, F_DOWN_DIRTY, "%s", why);
			goto done;
		}
		S.down_refused++;
		harness_passed++;
		goto done;
	}
	if ((bad = check_integrity(p.db)) != NULL) {
		fail(&p, F_DOWN_CHECKS, "%s", bad);
		goto done;
	}
	if (check_schema(&p, p.a, p.fpa, F_DOWN_SCHEMA) < 0)
		goto done;
	if (check_rows(&p, &maps, 0, risks, F_DOWN_ROWS) < 0)
		goto done;
	S.passed++;
	harness_passed++;
done:
	if (p.failed && !detail)
		fprintf(stderr, "    replay: RETORT_PAIRS_SEED=%llu\n", (unsigned long long)seed);
	retort_error_free(err);
	free(msg);
	sqlite3_free(bad);
	sqlite3_free(why);
	gen_strs_release(&all_before);
	gen_strs_release(&all_after);
	tmaps_release(&maps);
	pair_release(&p);
}

/* The seeds the environment asks for (500 by default). */
static void test_pairs(void)
{
	unsigned long count, first, seed, k;
	int seed_given;
	clock_t t0 = clock();
	int m;

	memset(&S, 0, sizeof(S));
	S.inplace_only = harness_env_number("RETORT_PAIRS_INPLACE", 0, NULL) != 0;
	count = harness_env_number("RETORT_PAIRS_COUNT", 500, NULL);
	first = harness_env_number("RETORT_PAIRS_SEED", 0, &seed_given);
	if (seed_given) {
		run_pair(first, 1);
		count = 1;
	} else {
		first = harness_env_number("RETORT_PAIRS_FIRST", 1, NULL);
		for (seed = first; seed < first + count; seed++)
			run_pair(seed, 0);
	}

	printf("pairs: %lu (seeds %lu..%lu), passed %lu, upgrade refused by the data %lu, "
		"downgrade refused after data loss %lu, no-op %lu, failed %lu; %.1f s\n",
		S.pairs, first, first + count - 1, S.passed, S.refused, S.down_refused, S.noop,
		(unsigned long)harness_failed, (double)(clock() - t0) / CLOCKS_PER_SEC);
	printf("plans: %lu upgrade steps (%lu table rebuilds, %lu in place), %lu with a data risk; "
		"rows: %lu tried, %lu inserted in %lu tables\n", S.steps, S.rebuilds, S.inplace,
		S.risky, S.rows.tried, S.rows.inserted, S.rows.tables);
	printf("A with rows older than an ADD COLUMN: %lu (the column's default changed in B: %lu)\n",
		S.added, S.added_changed);
	if (S.iwr_workaround)
		printf("integrity_check: %lu false reports of SQLite 3.40.1 on WITHOUT ROWID "
			"tables, each disproved by reading the column\n", S.iwr_workaround);
	gen_print_mutations(S.applied);
	for (k = 0; k < F_COUNT; k++)
		gen_print_failed(fail_names[k], S.fails[k], S.fail_seeds[k], LISTED_SEEDS);
	if (!seed_given && count >= 500) {
		/* every kind of change was made often enough to mean something */
		for (m = 0; m < GEN_MUT_COUNT; m++)
			CHECK(S.applied[m] >= 10 || (S.inplace_only && !is_inplace_kind((gen_mutation)m)));
		/* in-place steps (issue 20) and the rows that can trap them */
		CHECK(S.inplace * 10 > S.pairs);
		CHECK(S.added * 8 > S.pairs);
		CHECK(!S.inplace_only || S.added_changed > 0);
		/* refusals by data are allowed, but must stay the exception */
		CHECK(S.refused * (S.inplace_only ? 2 : 4) < S.pairs); /* adding is most of those kinds */
		CHECK(S.down_refused * 4 < S.pairs);
		CHECK(S.passed * 2 > S.pairs);
		CHECK(S.noop * 20 < S.pairs);
	}
}

static const harness_case cases[] = {
	HARNESS_CASE(test_pairs),
};

HARNESS_MAIN(cases)
