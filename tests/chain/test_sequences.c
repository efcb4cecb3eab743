/*
** test_sequences.c: the end-to-end property of revisions (issue 5), over
** seeded schema sequences, with the real binary on real database files.
**
** For each seed: S0 from the schema generator, then S1..Sn (n = 5..7), each
** the previous after 1..3 mutations (renames recorded per step). The models
** of Si are retort_schema_to_yaml(Si) with `renamed_from` for that step's
** renames. Two projects in a temporary folder:
**   live     for each i: models = Si, `revision --autogenerate -m "step i"`,
**            `upgrade head`, the database checked against Si; rows added
**            after S0 and again after one later step Sk;
**   offline  for each i: models = Si, `revision --autogenerate --offline`,
**            no database at all (none may appear); then a fresh database:
**            `upgrade` to S0's revision, rows, `upgrade` to Sk's, rows,
**            `upgrade head`.
** The mutations take tables in place too (issue 20: NOT NULL, defaults,
** CHECKs, foreign keys dropped or added); a default changed is as often as
** not on a column an earlier step added, so that the rows written before its
** ADD COLUMN read it (the trap of an in-place default). The live revisions
** that change a table in place are counted, and must be there.
** Then, for each: the database is exactly Sn (retort_schema_equal against
** Sn built from SQL, and SQLite's PRAGMAs through sqlcheck's fingerprint),
** integrity_check and foreign_key_check clean, every surviving value kept
** (a column followed through renames whose declared type never changed and
** that is not generated); `verify` and `check` exit 0; `downgrade base`
** leaves only retort's own tables, the version table empty; `upgrade head`
** gives Sn again.
**
** An upgrade refused by the data (exit 3) is accepted only when the error
** is one by which rows refuse a step (NOT NULL, UNIQUE, CHECK, foreign key,
** type) and the revision it stopped at carries a `-- warning:` for that
** kind of risk, and when the whole chain goes through on a fresh database
** without rows (up to head, down to base). The chain then ends before that
** revision (its file is removed) and the rest is checked on what was
** applied: counted "stopped by data", never "passed". Likewise a
** `downgrade base` refused by rows, explained by a warning of that
** revision's downgrade: the database must be at that revision, whole, and
** the way down and up again is checked on a fresh database without rows.
**
**   test_sequences                 seeds RETORT_SEQ_FIRST (1) ..
**                                  + RETORT_SEQ_COUNT (100)
**   RETORT_SEQ_SEED=N test_sequences
**                                  the one seed, with every schema and
**                                  command, keeping its folder
**
** The projects go under $TMPDIR, else /dev/shm, else /tmp (temp_base).
**
** A failure prints its seed, the project and step, the command, its exit
** status and output.
*/
#include "seq_integrity.h"
#include "seq_models.h"
#include "seq_run.h"

#include "diff/rows.h"
#include "harness.h"
#include "roundtrip/gen_schema.h"
#include "roundtrip/sqlcheck.h"

#include "schema.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MIN_STEPS 5
#define MAX_STEPS 7
/* per command; generous for sanitizer builds, and still a clear report */
#define CMD_TIMEOUT_S 120

enum fail_kind {
	F_GENERATOR,  /* the generator made an invalid schema: a test bug */
	F_SETUP,      /* models, rows or the project could not be made */
	F_REVISION,   /* `revision --autogenerate` failed or wrote the wrong thing */
	F_UPGRADE,    /* an upgrade failed, or was refused and no warning explains it */
	F_SCHEMA,     /* the database is not the step's schema */
	F_INTEGRITY,  /* integrity_check or foreign_key_check */
	F_ROWS,       /* rows or values lost or changed */
	F_VERIFY,     /* `verify` did not pass */
	F_CHECK,      /* `check` did not pass */
	F_DOWNGRADE,  /* `downgrade base` failed, not explained by the data */
	F_NOT_EMPTY,  /* after `downgrade base`, something is left */
	F_REUPGRADE,  /* `upgrade head` after it failed or gave another schema */
	F_COUNT
};

static const char *const fail_names[F_COUNT] = {
	"generator", "setup", "revision --autogenerate", "upgrade", "schema", "integrity",
	"rows", "verify", "check", "downgrade base", "not empty after downgrade base",
	"upgrade head again",
};

#define LISTED_SEEDS 12

/* Run-wide figures. */
static struct {
	unsigned long sequences, passed, stopped, up_stops, down_stops;
	unsigned long steps, noop_steps, revisions, both_made, same_text, commands;
	unsigned long steps_applied;  /* over both projects: steps up to where each ended */
	unsigned long inplace;        /* live revisions whose upgrade edits a table in place */
	unsigned long applied[GEN_MUT_COUNT];
	unsigned long fails[F_COUNT], fail_seeds[F_COUNT][LISTED_SEEDS];
	unsigned long disproved;
	rows_stats rows;
} R;

/* One schema of a sequence. */
typedef struct step {
	char *sql;
	char *fp;                /* sqlcheck fingerprint of `sql` */
	retort_schema *schema;   /* built from `sql` */
	char *yaml;              /* the models */
	gen_rename *renames;     /* from the previous step to this one */
	size_t nrenames;
	gen_strs what;           /* "kind: description" of each mutation */
	int same;                /* no difference from the previous step */
} step;

/* A table's rows as they were put in, over its columns that are not
** generated: each value quote()d, row after row. */
typedef struct ftable {
	char *name;
	gen_strs cols;
	gen_strs vals;           /* nrows * cols.n values */
	size_t nrows;
} ftable;

/* The rows of every table just after a fill at step `at`. */
typedef struct fill {
	size_t at;
	ftable *t;
	size_t n;
} fill;

typedef enum stop_kind { STOP_NONE = 0, STOP_UPGRADE, STOP_DOWNGRADE } stop_kind;

typedef struct project {
	const char *name;
	int offline;
	char *dir, *db, *models, *revdir;
	char *id[MAX_STEPS + 1];     /* each step's revision; NULL: it made none */
	char *file[MAX_STEPS + 1];
	char *up[MAX_STEPS + 1], *down[MAX_STEPS + 1];  /* the sections */
	size_t last;                 /* the database should be S_last */
	fill fills[2];
	size_t nfills;
	stop_kind stop;
} project;

typedef struct seq {
	uint64_t seed;
	size_t n;                    /* steps S_0..S_n */
	size_t fill_at;              /* rows are added again after this step */
	uint64_t rows_seed[2];
	step st[MAX_STEPS + 1];
	char *root;
	int failed, detail;
} seq;

/* ---- small things ---------------------------------------------------- */

/* sqlite3_mprintf (%q, %w; no %zu) that cannot fail; sqlite3_free the result. */
static char *xprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = sqlite3_vmprintf(fmt, ap);
	va_end(ap);
	if (!p)
		abort();
	return p;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	int ok;

	if (!f)
		return -1;
	ok = fputs(text, f) >= 0;
	return fclose(f) == 0 && ok ? 0 : -1;
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long len;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
		fclose(f);
		return NULL;
	}
	buf = malloc((size_t)len + 1);
	if (!buf)
		abort();
	if (fread(buf, 1, (size_t)len, f) != (size_t)len) {
		free(buf);
		buf = NULL;
	} else {
		buf[len] = '\0';
	}
	fclose(f);
	return buf;
}

static int exists(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0;
}

/* Remove `path` and, for a folder, everything in it. */
static void remove_tree(const char *path)
{
	struct stat sb;
	DIR *d;
	struct dirent *e;

	if (lstat(path, &sb) != 0)
		return;
	if (S_ISDIR(sb.st_mode) && (d = opendir(path)) != NULL) {
		while ((e = readdir(d)) != NULL) {
			char *sub;
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			sub = xprintf("%s/%s", path, e->d_name);
			remove_tree(sub);
			sqlite3_free(sub);
		}
		closedir(d);
	}
	remove(path);
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* The *.sql files of `dir`, sorted. */
static void list_sql(const char *dir, gen_strs *out)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);
		if (n > 4 && strcmp(e->d_name + n - 4, ".sql") == 0)
			gen_strs_push(out, e->d_name);
	}
	closedir(d);
	if (out->n > 1)
		qsort(out->v, out->n, sizeof(*out->v), cmp_str);
}

static void print_text(const char *title, const char *text, size_t limit)
{
	size_t n = strlen(text ? text : "");

	fprintf(stderr, "---- %s ----\n%.*s%s%s", title, (int)(n > limit ? limit : n),
		text ? text : "", n > limit ? "\n[...]" : "", n && text[n - 1] != '\n' ? "\n" : "");
}

/* ---- failures ------------------------------------------------------------ */

/*
** Record a failure (the first of a sequence counts): seed, project, step,
** what went wrong; with the command that did it and its output when `r` is
** given.
*/
static void fail(seq *q, const project *p, size_t stepno, enum fail_kind k,
	const char *const *argv, const run_result *r, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));

static void fail(seq *q, const project *p, size_t stepno, enum fail_kind k,
	const char *const *argv, const run_result *r, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "seed %llu: %s, step %zu: %s: ", (unsigned long long)q->seed,
		p ? p->name : "sequence", stepno, fail_names[k]);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (argv) {
		char *line = run_command_line(argv);
		fprintf(stderr, "    command (in %s): %s\n", p ? p->dir : "?", line);
		free(line);
	}
	if (r) {
		fprintf(stderr, "    exit status: %d\n", r->status);
		print_text("stdout", r->out, 4000);
		print_text("stderr", r->err, 4000);
	}
	if (q->failed)
		return;
	q->failed = 1;
	harness_failed++;
	if (R.fails[k] < LISTED_SEEDS)
		R.fail_seeds[k][R.fails[k]] = (unsigned long)q->seed;
	R.fails[k]++;
	if (!q->detail) {
		size_t i, j;
		for (i = 1; i <= q->n; i++)
			for (j = 0; j < q->st[i].what.n; j++)
				fprintf(stderr, "    step %zu: %s\n", i, q->st[i].what.v[j]);
		fprintf(stderr, "    replay: RETORT_SEQ_SEED=%llu\n", (unsigned long long)q->seed);
	}
}

/* Run the binary in the project; a sanitizer report is a failure whatever
** the exit status. Returns the status, or -2 after recording a failure. */
static int retort(seq *q, project *p, size_t stepno, run_result *r, const char *const *argv)
{
	double t0 = now_s();

	run_retort(r, p->dir, argv, CMD_TIMEOUT_S);
	R.commands++;
	if (q->detail) {
		char *line = run_command_line(argv);
		fprintf(stderr, "[%s] %s -> %d (%.0f ms)\n", p->name, line, r->status,
			(now_s() - t0) * 1000);
		if (r->status != 0 && *r->err)
			fprintf(stderr, "%s", r->err);
		free(line);
	}
	if (run_sanitizer_report(r)) {
		fail(q, p, stepno, F_SETUP, argv, r, "a sanitizer reported an error");
		return -2;
	}
	return r->status;
}

/* ---- the sequence -------------------------------------------------------- */

static void clear_renames(gen_schema *g)
{
	size_t i;

	for (i = 0; i < g->nrenames; i++) {
		free(g->renames[i].table);
		free(g->renames[i].column);
		free(g->renames[i].from);
	}
	g->nrenames = 0;
}

static void copy_renames(step *st, const gen_schema *g)
{
	size_t i;

	st->nrenames = g->nrenames;
	st->renames = g->nrenames ? calloc(g->nrenames, sizeof(*st->renames)) : NULL;
	if (g->nrenames && !st->renames)
		abort();
	for (i = 0; i < g->nrenames; i++) {
		st->renames[i].table = seq_dup(g->renames[i].table);
		st->renames[i].column = g->renames[i].column ? seq_dup(g->renames[i].column) : NULL;
		st->renames[i].from = seq_dup(g->renames[i].from);
	}
}

/* How many tables and columns of `s` carry renamed_from. */
static size_t count_renamed(const retort_schema *s)
{
	size_t i, j, n = 0;

	for (i = 0; i < s->ntables; i++) {
		n += s->tables[i].renamed_from != NULL;
		for (j = 0; j < s->tables[i].ncolumns; j++)
			n += s->tables[i].columns[j].renamed_from != NULL;
	}
	return n;
}

/* Everything about step i that does not need the binary: SQLite accepts
** it, retort reads it, and its models load back to it. */
static int prepare_step(seq *q, size_t i)
{
	step *st = &q->st[i];
	retort_schema *loaded = NULL;
	retort_error *err = NULL;
	char *msg = NULL, *why = NULL;
	int rc = -1, eq = 0;

	if (sqlcheck_schema(st->sql, &msg) < 0 || !(st->fp = sqlcheck_fingerprint_sql(st->sql, &msg))) {
		fail(q, NULL, i, F_GENERATOR, NULL, NULL, "SQLite rejects S%zu: %s", i, msg ? msg : "?");
		goto done;
	}
	if (retort_schema_from_sql(&st->schema, st->sql, "S.sql", NULL, &err) != 0) {
		fail(q, NULL, i, F_SETUP, NULL, NULL, "retort_schema_from_sql: %s",
			err && err->message ? err->message : "?");
		goto done;
	}
	st->yaml = seq_models_yaml(st->schema, st->renames, st->nrenames, &why);
	if (!st->yaml) {
		fail(q, NULL, i, F_SETUP, NULL, NULL, "models: %s", why);
		goto done;
	}
	if (retort_models_load_text(&loaded, st->yaml, strlen(st->yaml), "schema.yaml", NULL,
		&err) != 0) {
		fail(q, NULL, i, F_SETUP, NULL, NULL, "the models do not load: %s",
			err && err->message ? err->message : "?");
		goto done;
	}
	if (retort_schema_equal(&eq, &why, st->schema, loaded, NULL) != 0 || !eq ||
	    count_renamed(loaded) != st->nrenames) {
		fail(q, NULL, i, F_SETUP, NULL, NULL, "the models are not S%zu: %s", i,
			why ? why : "renamed_from lost");
		goto done;
	}
	st->same = i > 0 && !st->nrenames && retort_schema_equal(&eq, NULL, q->st[i - 1].schema,
		st->schema, NULL) == 0 && eq;
	rc = 0;
done:
	if (rc < 0 && q->detail)
		print_text("SQL", st->sql, 100000);
	retort_error_free(err);
	retort_schema_free(loaded);
	free(msg);
	free(why);
	return rc;
}

/* S0 .. Sn, each step 1..3 mutations of kinds drawn from the seed (a kind
** that finds nothing to change is drawn again). */
static int make_sequence(seq *q)
{
	gen_schema g;
	gen_rng r;
	size_t i;

	gen_rng_seed(&r, q->seed * 0xD1B54A32D192ED03ULL + 0x8CB92BA72F3D8DD7ULL);
	q->n = MIN_STEPS + gen_rng_below(&r, MAX_STEPS - MIN_STEPS + 1);
	q->fill_at = 1 + gen_rng_below(&r, (uint32_t)q->n - 1);
	q->rows_seed[0] = gen_rng_next(&r);
	q->rows_seed[1] = gen_rng_next(&r);
	gen_schema_generate(&g, q->seed, NULL);
	for (i = 0; i <= q->n; i++) {
		step *st = &q->st[i];
		if (i > 0) {
			uint32_t k, nmut = 1 + gen_rng_below(&r, 3);
			/* each step's renames only: the models name the previous step */
			clear_renames(&g);
			for (k = 0; k < nmut; k++) {
				int tries;
				for (tries = 0; tries < 50; tries++) {
					gen_mutation m = (gen_mutation)gen_rng_below(&r, GEN_MUT_COUNT);
					char *what = NULL;
					if (gen_schema_mutate(&g, m, gen_rng_next(&r), &what)) {
						char *line = xprintf("%s: %s", gen_mutation_name(m), what);
						R.applied[m]++;
						gen_strs_push(&st->what, line);
						sqlite3_free(line);
						free(what);
						break;
					}
				}
			}
			copy_renames(st, &g);
		}
		st->sql = gen_schema_to_sql(&g);
	}
	gen_schema_release(&g);
	if (q->detail) {
		for (i = 0; i <= q->n; i++) {
			size_t j;
			char *title = xprintf("S%lld", (long long)i);
			for (j = 0; j < q->st[i].what.n; j++)
				fprintf(stderr, "step %zu: %s\n", i, q->st[i].what.v[j]);
			print_text(title, q->st[i].sql, 100000);
			sqlite3_free(title);
		}
		fprintf(stderr, "rows after steps 0 and %zu\n", q->fill_at);
	}
	for (i = 0; i <= q->n; i++)
		if (prepare_step(q, i) < 0)
			return -1;
	return 0;
}

/* ---- rows ------------------------------------------------------------------ */

/* Open `path` (NULL: the project's database). */
static sqlite3 *open_db(seq *q, const project *p, size_t stepno, const char *path)
{
	sqlite3 *db = NULL;

	if (!path)
		path = p->db;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		fail(q, p, stepno, F_SETUP, NULL, NULL, "cannot open %s: %s", path,
			db ? sqlite3_errmsg(db) : "?");
		sqlite3_close(db);
		return NULL;
	}
	return db;
}

/* SELECT quote(c1), ... over `n` columns (none: a row count). */
static char *select_quoted(const char *table, char *const *cols, size_t n)
{
	char *sel = xprintf("%s", n ? "" : "1"), *sql;
	size_t i;

	for (i = 0; i < n; i++) {
		char *next = xprintf("%s%squote(\"%w\")", sel, i ? ", " : "", cols[i]);
		sqlite3_free(sel);
		sel = next;
	}
	sql = xprintf("SELECT %s FROM \"%w\"", sel, table);
	sqlite3_free(sel);
	return sql;
}

/* Fill the database at step `at` with rows and keep what went in. */
static int fill_rows(seq *q, project *p, sqlite3 *db, size_t at, uint64_t seed)
{
	const retort_schema *s = q->st[at].schema;
	fill *f = &p->fills[p->nfills++];
	rows_stats rs = {0, 0, 0};
	char *msg = NULL;
	size_t i, j;

	if (rows_fill(db, seed, &rs, &msg) < 0) {
		fail(q, p, at, F_SETUP, NULL, NULL, "rows: %s", msg);
		free(msg);
		return -1;
	}
	R.rows.tables += rs.tables;
	R.rows.tried += rs.tried;
	R.rows.inserted += rs.inserted;
	f->at = at;
	f->n = s->ntables;
	f->t = calloc(s->ntables ? s->ntables : 1, sizeof(*f->t));
	if (!f->t)
		abort();
	for (i = 0; i < s->ntables; i++) {
		const schema_table *t = &s->tables[i];
		ftable *ft = &f->t[i];
		sqlite3_stmt *st = NULL;
		char *sql;
		ft->name = seq_dup(t->name);
		for (j = 0; j < t->ncolumns; j++)
			if (t->columns[j].generated == GENERATED_NONE)
				gen_strs_push(&ft->cols, t->columns[j].name);
		sql = select_quoted(t->name, ft->cols.v, ft->cols.n);
		if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
			fail(q, p, at, F_SETUP, NULL, NULL, "reading '%s': %s", t->name, sqlite3_errmsg(db));
			sqlite3_free(sql);
			return -1;
		}
		sqlite3_free(sql);
		while (sqlite3_step(st) == SQLITE_ROW) {
			for (j = 0; j < ft->cols.n; j++)
				gen_strs_push(&ft->vals, (const char *)sqlite3_column_text(st, (int)j));
			ft->nrows++;
		}
		sqlite3_finalize(st);
	}
	return 0;
}

static void fill_release(fill *f)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		free(f->t[i].name);
		gen_strs_release(&f->t[i].cols);
		gen_strs_release(&f->t[i].vals);
	}
	free(f->t);
}

/* Is there a rename record of step `st` for table `table` (column `col`
** when not NULL)? By the current names. */
static const gen_rename *rename_to(const step *st, const char *table, const char *col)
{
	size_t i;

	for (i = 0; i < st->nrenames; i++) {
		const gen_rename *r = &st->renames[i];
		if (!r->column != !col || !retort_name_eq(r->table, table))
			continue;
		if (!col || retort_name_eq(r->column, col))
			return r;
	}
	return NULL;
}

/* Table `name` of the previous step, in step `st`; NULL when it is gone. */
static const schema_table *table_next(const step *st, const char *name)
{
	const schema_table *t;
	size_t i;

	for (i = 0; i < st->nrenames; i++)
		if (!st->renames[i].column && retort_name_eq(st->renames[i].from, name))
			return retort_schema_find_table(st->schema, st->renames[i].table);
	t = retort_schema_find_table(st->schema, name);
	/* a table renamed to this name is another table */
	return t && !rename_to(st, t->name, NULL) ? t : NULL;
}

/* Column `name` of the previous step's table, in `t` of step `st`. */
static const schema_column *column_next(const step *st, const schema_table *t, const char *name)
{
	const schema_column *c;
	size_t i;

	for (i = 0; i < st->nrenames; i++)
		if (st->renames[i].column && retort_name_eq(st->renames[i].table, t->name) &&
		    retort_name_eq(st->renames[i].from, name))
			return retort_schema_find_column(t, st->renames[i].column);
	c = retort_schema_find_column(t, name);
	return c && !rename_to(st, t->name, c->name) ? c : NULL;
}

/* Does a `-- warning:` line of `section` hold one of `words`? */
static int warns(const char *section, const char *const *words)
{
	const char *p = section;

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (len > 11 && strncmp(p, "-- warning:", 11) == 0) {
			size_t k;
			for (k = 0; words[k]; k++) {
				const char *w = words[k];
				size_t wl = strlen(w), j;
				for (j = 0; j + wl <= len; j++)
					if (memcmp(p + j, w, wl) == 0)
						return 1;
			}
		}
		p = nl ? nl + 1 : NULL;
	}
	return 0;
}

static const char *const strict_words[] = {"STRICT", NULL};

/* A table of the fill traced to step b: the surviving columns as indexes
** into the fill's columns, and their names at b. */
typedef struct traced {
	const schema_table *t;
	size_t *idx;
	gen_strs names;
} traced;

/*
** Follow table `ft` of the fill, step by step (renames by the records,
** other names by name), to step b. Returns 0 when the table is gone, else 1
** with its columns whose values must have survived: present at every step,
** never generated, the declared type never changed, never made NOT NULL
** with a default (its NULLs then become the default).
*/
static int trace(const seq *q, const project *p, const fill *f, size_t b, const ftable *ft,
	traced *out)
{
	size_t c, s, k = 0;
	int loose_ok = 1;
	const schema_table *t = retort_schema_find_table(q->st[f->at].schema, ft->name);

	/* a STRICT change flagged as narrowing may convert ANY columns' values */
	for (s = f->at + 1; s <= b; s++)
		if (p->up[s] && warns(p->up[s], strict_words))
			loose_ok = 0;
	for (s = f->at + 1; s <= b && t; s++)
		t = table_next(&q->st[s], t->name);
	if (!t)
		return 0;
	out->t = t;
	out->idx = calloc(ft->cols.n + 1, sizeof(*out->idx));
	if (!out->idx)
		abort();
	for (c = 0; c < ft->cols.n; c++) {
		const schema_table *ta = retort_schema_find_table(q->st[f->at].schema, ft->name);
		const schema_column *ca = retort_schema_find_column(ta, ft->cols.v[c]);
		int keep = 1;
		for (s = f->at + 1; s <= b && keep; s++) {
			const schema_table *tb = table_next(&q->st[s], ta->name);
			const schema_column *cb = tb ? column_next(&q->st[s], tb, ca->name) : NULL;
			if (!cb || cb->generated != GENERATED_NONE || strcmp(ca->type, cb->type) != 0)
				keep = 0;
			else if (!ta->strict != !tb->strict && retort_name_eq(ca->type, "ANY") && !loose_ok)
				keep = 0;
			/* made NOT NULL with a default: the rebuild filled its NULLs */
			else if (cb->notnull && !ca->notnull && cb->default_sql &&
			         !retort_name_eq(cb->default_sql, "NULL") && !retort_schema_column_is_rowid_alias(tb, cb))
				keep = 0;
			ta = tb;
			ca = cb;
		}
		if (keep) {
			out->idx[k++] = c;
			gen_strs_push(&out->names, ca->name);
		}
	}
	return 1;
}

/* One row over the chosen columns, as one string that cannot collide. */
static char *row_key(char *const *vals, const size_t *idx, size_t n)
{
	char *key = xprintf("%s", "");
	size_t i;

	for (i = 0; i < n; i++) {
		const char *v = vals[idx ? idx[i] : i];
		char *next = xprintf("%s%lld:%s;", key, (long long)strlen(v), v);
		sqlite3_free(key);
		key = next;
	}
	return key;
}

/* The rows of the fill must be in the database at step b, every surviving
** value as it went in. */
static int check_rows(seq *q, project *p, sqlite3 *db, const fill *f, size_t b)
{
	size_t i, r;
	int bad = 0;

	for (i = 0; i < f->n && !bad; i++) {
		const ftable *ft = &f->t[i];
		traced tr;
		gen_strs want = {0}, got = {0};
		sqlite3_stmt *st = NULL;
		char *sql;
		memset(&tr, 0, sizeof(tr));
		if (!trace(q, p, f, b, ft, &tr))
			continue;
		for (r = 0; r < ft->nrows; r++) {
			/* a table of generated columns only holds no values: v is NULL */
			char *key = row_key(ft->vals.v ? ft->vals.v + r * ft->cols.n : NULL, tr.idx,
				tr.names.n);
			gen_strs_push(&want, key);
			sqlite3_free(key);
		}
		sql = select_quoted(tr.t->name, tr.names.v, tr.names.n);
		if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
			fail(q, p, b, F_ROWS, NULL, NULL, "reading '%s': %s", tr.t->name, sqlite3_errmsg(db));
			bad = 1;
		} else {
			char **vals = calloc(tr.names.n + 1, sizeof(*vals));
			if (!vals)
				abort();
			while (sqlite3_step(st) == SQLITE_ROW) {
				char *key;
				size_t c;
				for (c = 0; c < tr.names.n; c++)
					vals[c] = (char *)sqlite3_column_text(st, (int)c);
				key = row_key(vals, NULL, tr.names.n);
				gen_strs_push(&got, key);
				sqlite3_free(key);
			}
			free(vals);
		}
		sqlite3_finalize(st);
		sqlite3_free(sql);
		if (!bad) {
			if (want.n > 1)
				qsort(want.v, want.n, sizeof(*want.v), cmp_str);
			if (got.n > 1)
				qsort(got.v, got.n, sizeof(*got.v), cmp_str);
			if (want.n != got.n) {
				fail(q, p, b, F_ROWS, NULL, NULL, "table '%s' (was '%s' at step %zu): %zu rows, "
					"expected %zu", tr.t->name, ft->name, f->at, got.n, want.n);
				bad = 1;
			}
			for (r = 0; r < want.n && !bad; r++)
				if (strcmp(want.v[r], got.v[r]) != 0) {
					size_t c;
					fprintf(stderr, "seed %llu: table '%s', columns:", (unsigned long long)q->seed,
						tr.t->name);
					for (c = 0; c < tr.names.n; c++)
						fprintf(stderr, " %s", tr.names.v[c]);
					fprintf(stderr, "\n");
					fail(q, p, b, F_ROWS, NULL, NULL, "table '%s' (rows put in at step %zu): "
						"row %s, expected %s", tr.t->name, f->at, got.v[r], want.v[r]);
					bad = 1;
				}
		}
		gen_strs_release(&want);
		gen_strs_release(&got);
		gen_strs_release(&tr.names);
		free(tr.idx);
	}
	return bad ? -1 : 0;
}

/* ---- checks on the database ------------------------------------------------- */

/* The database is exactly S_i, as retort and as SQLite's PRAGMAs see it,
** and integrity_check and foreign_key_check are clean. `when` says at
** which point of the run. */
static int check_schema(seq *q, project *p, sqlite3 *db, size_t i, enum fail_kind k,
	const char *when)
{
	retort_schema *got = NULL;
	retort_error *err = NULL;
	char *why = NULL, *fp, *bad;
	int rc = 0, eq = 0;

	if (retort_schema_read(&got, db, NULL, &err) != 0) {
		fail(q, p, i, k, NULL, NULL, "%s: retort_schema_read: %s", when,
			err && err->message ? err->message : "?");
		retort_error_free(err);
		return -1;
	}
	if (retort_schema_equal(&eq, &why, q->st[i].schema, got, NULL) != 0 || !eq) {
		fail(q, p, i, k, NULL, NULL, "%s: the database is not S%zu: %s", when, i,
			why ? why : "?");
		rc = -1;
	}
	free(why);
	retort_schema_free(got);
	fp = sqlcheck_fingerprint(db);
	if (!rc && (!fp || strcmp(fp, q->st[i].fp) != 0)) {
		fail(q, p, i, k, NULL, NULL, "%s: SQLite's PRAGMAs differ from S%zu's", when, i);
		if (fp)
			harness_print_text_diff(q->st[i].fp, fp);
		rc = -1;
	}
	free(fp);
	if (!rc && (bad = seq_integrity(db, &R.disproved)) != NULL) {
		fail(q, p, i, F_INTEGRITY, NULL, NULL, "%s: %s", when, bad);
		sqlite3_free(bad);
		rc = -1;
	}
	return rc;
}

/* Open the database (`path`, NULL: the project's) and check it is S_i
** (see check_schema). */
static int check_db(seq *q, project *p, const char *path, size_t i, enum fail_kind k,
	const char *when)
{
	sqlite3 *db = open_db(q, p, i, path);
	int rc;

	if (!db)
		return -1;
	rc = check_schema(q, p, db, i, k, when);
	sqlite3_close(db);
	return rc;
}

/* After `downgrade base`: only retort's own tables, the version table
** empty, nothing else (sqlite_* internals aside). */
static int check_empty(seq *q, project *p, const char *path)
{
	sqlite3 *db = open_db(q, p, p->last, path);
	sqlite3_stmt *st = NULL;
	char *left = NULL, *bad;
	int rc = 0;

	if (!db)
		return -1;
	if (sqlite3_prepare_v2(db, "SELECT type || ' ' || name FROM sqlite_schema WHERE name NOT IN "
		"('retort_version', 'retort_history') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
		"ORDER BY 1", -1, &st, NULL) == SQLITE_OK) {
		while (sqlite3_step(st) == SQLITE_ROW) {
			char *next = xprintf("%s%s%s", left ? left : "", left ? ", " : "",
				(const char *)sqlite3_column_text(st, 0));
			sqlite3_free(left);
			left = next;
		}
	}
	sqlite3_finalize(st);
	if (left) {
		fail(q, p, p->last, F_NOT_EMPTY, NULL, NULL, "left behind: %s", left);
		rc = -1;
	} else if (sqlite3_prepare_v2(db, "SELECT count(*) FROM retort_version", -1, &st,
		NULL) != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW || sqlite3_column_int(st, 0) != 0) {
		fail(q, p, p->last, F_NOT_EMPTY, NULL, NULL, "the version table is not empty: %s",
			sqlite3_errmsg(db));
		rc = -1;
	}
	sqlite3_finalize(st);
	if (!rc && (bad = seq_integrity(db, &R.disproved)) != NULL) {
		fail(q, p, p->last, F_INTEGRITY, NULL, NULL, "after downgrade base: %s", bad);
		sqlite3_free(bad);
		rc = -1;
	}
	sqlite3_free(left);
	sqlite3_close(db);
	return rc;
}

/* The revision the database is at (one row in a linear chain), malloc'd;
** NULL at base. */
static char *current_revision(seq *q, project *p, size_t stepno)
{
	sqlite3 *db = open_db(q, p, stepno, NULL);
	sqlite3_stmt *st = NULL;
	char *id = NULL;

	if (!db)
		return NULL;
	if (sqlite3_prepare_v2(db, "SELECT revision FROM retort_version", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		id = seq_dup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return id;
}

/* The step whose revision is `id`; (size_t)-1 for base or an unknown id. */
static size_t step_of(const seq *q, const project *p, const char *id)
{
	size_t i;

	for (i = 0; id && i <= q->n; i++)
		if (p->id[i] && strcmp(p->id[i], id) == 0)
			return i;
	return (size_t)-1;
}

/* ---- commands -------------------------------------------------------------- */

/* A section of a revision file: the text after `marker`'s line, up to the
** next marker line. */
static char *section(const char *text, const char *marker)
{
	const char *p = text, *start = NULL, *end = NULL;

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		while (len && (p[len - 1] == '\r' || p[len - 1] == ' '))
			len--;
		if (len > 10 && strncmp(p, "-- retort:", 10) == 0) {
			if (start) {
				end = p;
				break;
			}
			if (len == strlen(marker) && memcmp(p, marker, len) == 0)
				start = nl ? nl + 1 : p + strlen(p);
		}
		p = nl ? nl + 1 : NULL;
	}
	if (!start)
		return NULL;
	if (!end)
		end = start + strlen(start);
	return strndup(start, (size_t)(end - start));
}

/* The value of header line `key` ("-- parent: "), malloc'd, or NULL. */
static char *header(const char *text, const char *key)
{
	const char *p = strstr(text, key);

	if (!p || (p != text && p[-1] != '\n'))
		return NULL;
	p += strlen(key);
	return strndup(p, strcspn(p, "\r\n"));
}

/* The last revision before step i, or NULL. */
static const char *previous_id(const project *p, size_t i)
{
	while (i-- > 0)
		if (p->id[i])
			return p->id[i];
	return NULL;
}

/*
** Models = S_i, then `revision --autogenerate [--offline] -m "step i"`: one
** new file naming the previous revision as its parent, printed on stdout;
** none when S_i is S_{i-1}.
*/
static int make_revision(seq *q, project *p, size_t i)
{
	gen_strs before = {0}, after = {0};
	run_result r;
	char msg[32], *text = NULL, *id = NULL, *parent = NULL, *path;
	const char *argv[7];
	const char *added = NULL, *prev = previous_id(p, i), *out_name;
	size_t k = 0, a, b, len;
	int rc = -1;

	snprintf(msg, sizeof(msg), "step %zu", i);
	argv[k++] = "revision";
	argv[k++] = "--autogenerate";
	if (p->offline)
		argv[k++] = "--offline";
	argv[k++] = "-m";
	argv[k++] = msg;
	argv[k] = NULL;
	if (write_file(p->models, q->st[i].yaml) < 0) {
		fail(q, p, i, F_SETUP, NULL, NULL, "cannot write %s", p->models);
		return -1;
	}
	list_sql(p->revdir, &before);
	if (retort(q, p, i, &r, argv) == -2)
		goto done;
	list_sql(p->revdir, &after);
	/* the one name in `after` that `before` lacks */
	for (a = 0, b = 0; a < after.n; a++) {
		if (b < before.n && strcmp(after.v[a], before.v[b]) == 0)
			b++;
		else if (!added)
			added = after.v[a];
	}
	if (r.status != 0) {
		fail(q, p, i, F_REVISION, argv, &r, "exit status %d", r.status);
		goto done;
	}
	if (q->st[i].same) {
		if (after.n != before.n)
			fail(q, p, i, F_REVISION, argv, &r, "S%zu is S%zu, yet it wrote %s", i, i - 1,
				added ? added : "a file");
		else
			rc = 0;
		R.noop_steps++;
		goto done;
	}
	if (after.n != before.n + 1 || !added) {
		fail(q, p, i, F_REVISION, argv, &r, "S%zu differs from the chain's head, yet it wrote "
			"%zu files", i, after.n - before.n);
		goto done;
	}
	/* stdout: the new file's path */
	len = strlen(r.out);
	while (len && (r.out[len - 1] == '\n' || r.out[len - 1] == '\r'))
		len--;
	r.out[len] = '\0';
	out_name = strrchr(r.out, '/') ? strrchr(r.out, '/') + 1 : r.out;
	if (strcmp(out_name, added) != 0) {
		fail(q, p, i, F_REVISION, argv, &r, "stdout does not name the new file %s", added);
		goto done;
	}
	path = xprintf("%s/%s", p->revdir, added);
	p->file[i] = seq_dup(path);
	sqlite3_free(path);
	text = read_file(p->file[i]);
	id = text ? header(text, "-- retort revision: ") : NULL;
	parent = text ? header(text, "-- parent: ") : NULL;
	if (!id || strlen(id) != 12 || strncmp(added, id, 12) != 0) {
		fail(q, p, i, F_REVISION, argv, &r, "%s: no id, or not the file name's",
			p->file[i]);
		goto done;
	}
	if (!parent || strcmp(parent, prev ? prev : "none") != 0) {
		fail(q, p, i, F_REVISION, argv, &r, "%s: parent '%s', expected '%s'", p->file[i],
			parent ? parent : "(none)", prev ? prev : "none");
		goto done;
	}
	p->up[i] = section(text, "-- retort:upgrade");
	p->down[i] = section(text, "-- retort:downgrade");
	if (!p->up[i] || !p->down[i]) {
		fail(q, p, i, F_REVISION, argv, &r, "%s: a section is missing", p->file[i]);
		goto done;
	}
	p->id[i] = id;
	id = NULL;
	R.revisions++;
	if (q->detail)
		print_text(p->file[i], text, 100000);
	rc = 0;
done:
	run_release(&r);
	gen_strs_release(&before);
	gen_strs_release(&after);
	free(text);
	free(id);
	free(parent);
	return rc;
}

/* Remove the revision of step i and those after it: the chain ends before. */
static void cut_chain(seq *q, project *p, size_t i)
{
	for (; i <= q->n; i++) {
		if (p->file[i])
			unlink(p->file[i]);
		free(p->id[i]);
		p->id[i] = NULL;
	}
}

/* Where the line of a command's stderr that says what failed begins. */
static const char *error_line(const char *err)
{
	const char *e = strstr(err, "error:"), *start = err;

	if (e) {
		while (e > err && e[-1] != '\n')
			e--;
		start = e;
	}
	return start;
}

static void remove_db(const char *path)
{
	static const char *const suffixes[] = {"", "-journal", "-wal", "-shm"};
	size_t i;

	for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		char *f = xprintf("%s%s", path, suffixes[i]);
		unlink(f);
		sqlite3_free(f);
	}
}

/*
** The errors by which rows refuse a step, each with the words of the
** warnings that explain it (lib/plan.c's risk texts): "makes 'a.b' NOT
** NULL: fails if a row holds NULL", "adds a UNIQUE constraint on 'a'", ...
*/
static const struct refusal {
	const char *error;
	const char *const words[6];
} refusals[] = {
	{"NOT NULL constraint failed", {"NOT NULL", "primary key", NULL}},
	/* the same, told of a rebuild's copy by the engine (lib/dataloss.c) */
	{"holds NULL in", {"NOT NULL", "primary key", NULL}},
	{"is NOT NULL without a default, and the copy", {"NOT NULL", "primary key", NULL}},
	/* the rebuild's own guard (lib/plan.c), before the generic CHECK */
	{"which cannot become the rowid", {"the rowid", NULL}},
	{"Cannot add a NOT NULL column", {"NOT NULL", NULL}},
	{"UNIQUE constraint failed", {"UNIQUE", "unique index", "primary key", "collation", NULL}},
	{"CHECK constraint failed", {"CHECK", NULL}},
	/* an in-place step's guard (lib/inplace.c) names the row it found */
	{"a row breaks the new CHECK", {"CHECK", NULL}},
	{"foreign key", {"foreign key", "their parent", "its parent", "primary key", NULL}},
	{"datatype mismatch", {"STRICT", "the rowid", " from ", NULL}},
	{"cannot store", {"STRICT", " from ", NULL}},
};

/* Is the error in `err` one by which rows refuse a step, and does a
** warning of `section` say that this may happen? */
static int explained(const char *err, const char *section)
{
	const char *line = error_line(err);
	size_t n = strcspn(line, "\n"), i;

	for (i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++) {
		const char *hit = strstr(line, refusals[i].error);
		if (hit && (size_t)(hit - line) < n)
			return warns(section, refusals[i].words);
	}
	return 0;
}

/*
** A revision that the rows refused must go through without them: on a
** fresh database, `upgrade head` (the whole chain, the refused revision and
** any after it) gives the head's schema, and `downgrade base` empties it.
** Otherwise the revision is wrong, whatever it warns of.
*/
static int chain_without_rows(seq *q, project *p, size_t j)
{
	char *path = xprintf("%s/norows.db", p->dir);
	const char *up[] = {"--db", path, "upgrade", "head", NULL};
	const char *down[] = {"--db", path, "downgrade", "base", NULL};
	const char *when = "a database without rows, after upgrade head";
	size_t h = q->n;
	run_result r;
	int rc = -1, st = retort(q, p, j, &r, up);

	while (!p->id[h])
		h--;
	if (st > 0 || st == -1)
		fail(q, p, j, F_UPGRADE, up, &r, "the revision that the rows refused fails "
			"on a database without rows too");
	else if (st == 0 && check_db(q, p, path, h, F_UPGRADE, when) == 0) {
		run_release(&r);
		st = retort(q, p, h, &r, down);
		if (st > 0 || st == -1)
			fail(q, p, h, F_DOWNGRADE, down, &r, "exit status %d on a database without rows",
				st);
		else if (st == 0)
			rc = check_empty(q, p, path);
	}
	run_release(&r);
	remove_db(path);
	sqlite3_free(path);
	return rc;
}

/*
** `upgrade TARGET` from S_from. Returns 0 when it went through; 1 when the
** data refused revision `*stopped_at` and that revision warns of it (the
** database must then be at the revision before); -1 after a failure.
*/
static int upgrade(seq *q, project *p, size_t from, const char *target, size_t *stopped_at)
{
	const char *argv[] = {"upgrade", target, NULL};
	run_result r;
	char *cur = NULL;
	size_t j;
	int rc = -1, st = retort(q, p, from, &r, argv);

	if (st == 0 || st == -2) {
		rc = st == 0 ? 0 : -1;
		goto done;
	}
	if (st != 3) {
		fail(q, p, from, F_UPGRADE, argv, &r, "exit status %d", st);
		goto done;
	}
	/* the revision after the one the database is at is the one refused */
	cur = current_revision(q, p, from);
	j = cur ? step_of(q, p, cur) : 0;
	if (cur && j == (size_t)-1) {
		fail(q, p, from, F_UPGRADE, argv, &r, "refused, and the database is at %s, which is "
			"not a revision of the chain", cur);
		goto done;
	}
	while (j <= q->n && (!p->id[j] || (cur && strcmp(p->id[j], cur) == 0)))
		j++;
	if (j > q->n || j == 0 || !explained(r.err, p->up[j])) {
		fail(q, p, from, F_UPGRADE, argv, &r, "refused at the revision of step %zu, and no "
			"warning of it explains the error by the data", j);
		goto done;
	}
	/* one line each, so that the stops can be read over */
	fprintf(stderr, "seed %llu: %s stopped by the data at step %zu: %.*s\n",
		(unsigned long long)q->seed, p->name, j, (int)strcspn(error_line(r.err), "\n"),
		error_line(r.err));
	rc = chain_without_rows(q, p, j) < 0 ? -1 : 1;
	*stopped_at = j;
done:
	run_release(&r);
	free(cur);
	return rc;
}

/* A refused upgrade at step j: the chain ends at S_{j-1}. */
static void stop_at(seq *q, project *p, size_t j)
{
	if (q->detail)
		fprintf(stderr, "[%s] upgrade refused by the data at step %zu: the chain ends at S%zu\n",
			p->name, j, j - 1);
	cut_chain(q, p, j);
	p->last = j - 1;
	p->stop = STOP_UPGRADE;
}

/* Rows into the database at step i: after S0, and after the chosen later
** step, checking first that the earlier rows are all there. */
static int rows_at(seq *q, project *p, size_t i)
{
	sqlite3 *db;
	int rc = 0;

	if (i != 0 && i != q->fill_at)
		return 0;
	if (!(db = open_db(q, p, i, NULL)))
		return -1;
	if (i != 0)
		rc = check_rows(q, p, db, &p->fills[0], i);
	if (!rc)
		rc = fill_rows(q, p, db, i, q->rows_seed[i != 0]);
	sqlite3_close(db);
	return rc;
}

/* ---- the two projects --------------------------------------------------------- */

static int project_init(seq *q, project *p, const char *name, int offline)
{
	char *path;

	p->name = name;
	p->offline = offline;
	p->dir = xprintf("%s/%s", q->root, name);
	p->db = xprintf("%s/data.db", p->dir);
	p->models = xprintf("%s/models/schema.yaml", p->dir);
	p->revdir = xprintf("%s/revisions", p->dir);
	path = xprintf("%s/models", p->dir);
	if (mkdir(p->dir, 0700) != 0 || mkdir(path, 0700) != 0 || mkdir(p->revdir, 0700) != 0) {
		fail(q, p, 0, F_SETUP, NULL, NULL, "mkdir in %s: %s", p->dir, strerror(errno));
		sqlite3_free(path);
		return -1;
	}
	sqlite3_free(path);
	path = xprintf("%s/retort.yaml", p->dir);
	if (write_file(path, "database: sqlite:///data.db\nmodels: models/\n"
		"revisions: revisions/\n") < 0) {
		fail(q, p, 0, F_SETUP, NULL, NULL, "cannot write %s", path);
		sqlite3_free(path);
		return -1;
	}
	sqlite3_free(path);
	return 0;
}

static void project_release(project *p)
{
	size_t i;

	sqlite3_free(p->dir);
	sqlite3_free(p->db);
	sqlite3_free(p->models);
	sqlite3_free(p->revdir);
	for (i = 0; i <= MAX_STEPS; i++) {
		free(p->id[i]);
		free(p->file[i]);
		free(p->up[i]);
		free(p->down[i]);
	}
	for (i = 0; i < p->nfills; i++)
		fill_release(&p->fills[i]);
}

/* Run a command that must exit 0. */
static int must_pass(seq *q, project *p, size_t stepno, enum fail_kind k, const char *const *argv)
{
	run_result r;
	int st = retort(q, p, stepno, &r, argv);

	if (st != 0 && st != -2)
		fail(q, p, stepno, k, argv, &r, "exit status %d", st);
	run_release(&r);
	return st == 0 ? 0 : -1;
}

/*
** `downgrade base`: 0 when it went through; 1 when rows refused a
** downgrade that flags the risk (then the database must be at that
** revision, whole); -1 after a failure.
*/
static int downgrade_base(seq *q, project *p)
{
	static const char *const argv[] = {"downgrade", "base", NULL};
	run_result r;
	char *cur = NULL;
	size_t j;
	int rc = -1, st = retort(q, p, p->last, &r, argv);

	if (st == 0 || st == -2) {
		rc = st == 0 ? 0 : -1;
		goto done;
	}
	cur = st == 3 ? current_revision(q, p, p->last) : NULL;
	j = step_of(q, p, cur);
	if (j == (size_t)-1 || !explained(r.err, p->down[j])) {
		fail(q, p, p->last, F_DOWNGRADE, argv, &r, "exit status %d%s", st, st == 3 ?
			", and no warning of the downgrade it stopped at explains the error by the "
			"data" : "");
		goto done;
	}
	fprintf(stderr, "seed %llu: %s downgrade base stopped by the data at step %zu: %.*s\n",
		(unsigned long long)q->seed, p->name, j, (int)strcspn(error_line(r.err), "\n"),
		error_line(r.err));
	/* refused: the revision is whole, the database at S_j */
	rc = check_db(q, p, NULL, j, F_DOWNGRADE, "after a refused downgrade") < 0 ? -1 : 1;
done:
	run_release(&r);
	free(cur);
	return rc;
}

/* The end of either project: the database is S_last with its rows; then
** verify, check, down to base and up again. */
static int finish(seq *q, project *p)
{
	static const char *const verify[] = {"verify", NULL};
	static const char *const check[] = {"check", NULL};
	static const char *const up[] = {"upgrade", "head", NULL};
	size_t m = p->last;
	sqlite3 *db;
	int rc;

	if (!(db = open_db(q, p, m, NULL)))
		return -1;
	rc = check_schema(q, p, db, m, F_SCHEMA, "at the end of the chain");
	if (!rc && p->nfills)
		rc = check_rows(q, p, db, &p->fills[p->nfills - 1], m);
	sqlite3_close(db);
	if (rc < 0 || must_pass(q, p, m, F_VERIFY, verify) < 0)
		return -1;
	/* the models are S_n: only a whole chain matches them */
	if (!p->stop && must_pass(q, p, m, F_CHECK, check) < 0)
		return -1;
	rc = downgrade_base(q, p);
	if (rc < 0)
		return -1;
	if (rc == 1) {
		/* the way down and up again, on a database without rows */
		p->stop = STOP_DOWNGRADE;
		remove_db(p->db);
		if (must_pass(q, p, m, F_REUPGRADE, up) < 0 ||
		    check_db(q, p, NULL, m, F_REUPGRADE, "a fresh database after upgrade head") < 0 ||
		    (rc = downgrade_base(q, p)) < 0)
			return -1;
		if (rc == 1) {
			fail(q, p, m, F_DOWNGRADE, NULL, NULL, "downgrade base refused on a database "
				"without rows");
			return -1;
		}
	}
	if (check_empty(q, p, NULL) < 0 || must_pass(q, p, m, F_REUPGRADE, up) < 0)
		return -1;
	return check_db(q, p, NULL, m, F_REUPGRADE, "after downgrade base and upgrade head");
}

/* Each step: revision against the live database, upgrade, check, rows. */
static int run_live(seq *q, project *p)
{
	size_t i, stopped;
	int rc;

	for (i = 0; i <= q->n; i++) {
		if (make_revision(q, p, i) < 0)
			return -1;
		if (p->id[i]) {
			rc = upgrade(q, p, i, "head", &stopped);
			if (rc < 0)
				return -1;
			if (rc == 1) {
				stop_at(q, p, stopped);
				break;
			}
		}
		p->last = i;
		if (check_db(q, p, NULL, i, F_SCHEMA, "after upgrade head") < 0 || rows_at(q, p, i) < 0)
			return -1;
	}
	return finish(q, p);
}

/* Every revision with no database; then a fresh one, up in three moves. */
static int run_offline(seq *q, project *p)
{
	size_t i, stops[3], k;

	for (i = 0; i <= q->n; i++)
		if (make_revision(q, p, i) < 0)
			return -1;
	if (exists(p->db)) {
		fail(q, p, q->n, F_REVISION, NULL, NULL, "revision --offline made %s", p->db);
		return -1;
	}
	stops[0] = 0;
	stops[1] = q->fill_at;
	stops[2] = q->n;
	for (k = 0; k < 3; k++) {
		size_t t = stops[k], stopped;
		const char *target = k == 2 ? "head" : p->id[t] ? p->id[t] : previous_id(p, t);
		int rc = upgrade(q, p, p->last, target, &stopped);
		if (rc < 0)
			return -1;
		if (rc == 1) {
			stop_at(q, p, stopped);
			break;
		}
		p->last = t;
		if (check_db(q, p, NULL, t, F_SCHEMA, k == 2 ? "after upgrade head" : "after upgrade") < 0 ||
		    rows_at(q, p, t) < 0)
			return -1;
	}
	return finish(q, p);
}

/* Do both projects hold the same sections, step by step? */
static void count_same_text(const seq *q, const project *a, const project *b)
{
	size_t i;

	for (i = 0; i <= q->n; i++)
		if (a->id[i] && b->id[i]) {
			R.both_made++;
			R.same_text += strcmp(a->up[i], b->up[i]) == 0 && strcmp(a->down[i], b->down[i]) == 0;
		}
}

/* The revisions that change a table in place (issue 20): they edit
** sqlite_schema. */
static void count_inplace(const seq *q, const project *p)
{
	size_t i;

	for (i = 0; i <= q->n; i++)
		R.inplace += p->id[i] && strstr(p->up[i], "writable_schema") != NULL;
}

static void run_sequence(uint64_t seed, int detail, const char *tmp)
{
	seq q;
	project live, off;
	size_t i;
	int ok;

	memset(&q, 0, sizeof(q));
	memset(&live, 0, sizeof(live));
	memset(&off, 0, sizeof(off));
	q.seed = seed;
	q.detail = detail;
	R.sequences++;
	q.root = xprintf("%s/s%llu", tmp, (unsigned long long)seed);
	if (mkdir(q.root, 0700) != 0) {
		fail(&q, NULL, 0, F_SETUP, NULL, NULL, "mkdir %s: %s", q.root, strerror(errno));
		goto done;
	}
	if (make_sequence(&q) < 0)
		goto done;
	R.steps += q.n;
	if (project_init(&q, &live, "live", 0) < 0 || project_init(&q, &off, "offline", 1) < 0)
		goto done;
	ok = run_live(&q, &live) == 0;
	/* a failure in one project does not hide one in the other */
	ok = run_offline(&q, &off) == 0 && ok;
	count_same_text(&q, &live, &off);
	count_inplace(&q, &live);
	R.steps_applied += live.last + off.last;
	if (!ok && !q.failed)
		fail(&q, NULL, 0, F_SETUP, NULL, NULL, "a check gave up without saying why (a test bug)");
	if (ok && !q.failed) {
		harness_passed++;
		if (live.stop || off.stop) {
			R.stopped++;
			R.up_stops += (live.stop == STOP_UPGRADE) + (off.stop == STOP_UPGRADE);
			R.down_stops += (live.stop == STOP_DOWNGRADE) + (off.stop == STOP_DOWNGRADE);
		} else {
			R.passed++;
		}
	}
done:
	if (detail)
		fprintf(stderr, "seed %llu: %s; the projects are in %s\n", (unsigned long long)seed,
			q.failed ? "FAILED" : live.stop || off.stop ? "stopped by data" : "passed", q.root);
	else
		remove_tree(q.root);
	project_release(&live);
	project_release(&off);
	for (i = 0; i <= MAX_STEPS; i++) {
		step *st = &q.st[i];
		size_t j;
		free(st->sql);
		free(st->fp);
		free(st->yaml);
		retort_schema_free(st->schema);
		for (j = 0; j < st->nrenames; j++) {
			free(st->renames[j].table);
			free(st->renames[j].column);
			free(st->renames[j].from);
		}
		free(st->renames);
		gen_strs_release(&st->what);
	}
	sqlite3_free(q.root);
}

/*
** Where the projects go: $TMPDIR when set, else /dev/shm when there is one
** (every revision commits with fsync: on a disk that costs more than all
** the rest, and this property is not about durability), else /tmp.
*/
static const char *temp_base(const char *tmpdir)
{
	struct stat sb;

	if (tmpdir && *tmpdir)
		return tmpdir;
	if (stat("/dev/shm", &sb) == 0 && S_ISDIR(sb.st_mode) && access("/dev/shm", W_OK) == 0)
		return "/dev/shm";
	return "/tmp";
}

/* The folder main made for the runs (the project, the binary's files). */
static char *seq_tmp;

/* The seeds the environment asks for (100 by default). */
static void test_sequences(void)
{
	unsigned long count, first, seed, k;
	int seed_given, m;
	double t0 = now_s();

	count = harness_env_number("RETORT_SEQ_COUNT", 100, NULL);
	first = harness_env_number("RETORT_SEQ_SEED", 0, &seed_given);
	if (seed_given) {
		run_sequence(first, 1, seq_tmp);
		count = 1;
	} else {
		first = harness_env_number("RETORT_SEQ_FIRST", 1, NULL);
		for (seed = first; seed < first + count; seed++)
			run_sequence(seed, 0, seq_tmp);
		remove_tree(seq_tmp);
	}

	printf("sequences: %lu (seeds %lu..%lu), passed %lu, stopped by data %lu (projects "
		"stopped: %lu by an upgrade, %lu by downgrade base), failed %lu; %.1f s\n",
		R.sequences, first, first + count - 1, R.passed, R.stopped, R.up_stops, R.down_stops,
		(unsigned long)harness_failed, now_s() - t0);
	printf("steps: %lu (%lu with nothing to change), applied before the end or a stop: %.0f%%; "
		"revisions written: %lu, the same text live and offline: %lu of %lu; commands run: %lu; "
		"rows: %lu tried, %lu inserted\n", R.steps, R.noop_steps, R.steps ? 50.0 *
		(double)R.steps_applied / (double)R.steps : 0.0, R.revisions, R.same_text, R.both_made,
		R.commands, R.rows.tried, R.rows.inserted);
	printf("revisions changing a table in place: %lu\n", R.inplace);
	if (R.disproved)
		printf("integrity_check: %lu false reports of SQLite 3.40.1 on WITHOUT ROWID tables, "
			"each disproved by reading the column\n", R.disproved);
	gen_print_mutations(R.applied);
	for (k = 0; k < F_COUNT; k++)
		gen_print_failed(fail_names[k], R.fails[k], R.fail_seeds[k], LISTED_SEEDS);
	if (!seed_given && count >= 100) {
		/* stops by data are allowed (rows with NULLs meet NOT NULL, repeats
		** meet UNIQUE), but must not take over */
		CHECK(R.passed * 4 > R.sequences);
		CHECK(R.steps_applied > R.steps);
		for (m = 0; m < GEN_MUT_COUNT; m++)
			CHECK(R.applied[m] > 0);
		CHECK(R.inplace > 0);
	}
}

static const harness_case cases[] = {
	HARNESS_CASE(test_sequences),
};

int main(int argc, char **argv)
{
	const char *bin = getenv("RETORT_BIN"), *tmpdir = getenv("TMPDIR");
	int rc = harness_args(argc, argv, HARNESS_CASES(cases));

	if (rc >= 0)
		return rc;
	if (!bin || !*bin) {
		fprintf(stderr, "RETORT_BIN is not set: run this through ctest, or set it to the "
			"retort binary\n");
		return 1;
	}
	seq_tmp = xprintf("%s/retort-seq-XXXXXX", temp_base(tmpdir));
	if (!mkdtemp(seq_tmp)) {
		fprintf(stderr, "mkdtemp %s: %s\n", seq_tmp, strerror(errno));
		return 1;
	}
	if (run_setup(bin, seq_tmp) < 0)
		return 1;
	harness_run(HARNESS_CASES(cases));
	sqlite3_free(seq_tmp);
	return harness_done();
}
