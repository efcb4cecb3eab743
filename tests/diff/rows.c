/*
** rows.c: random rows for any schema (rows.h). The schema is read through
** SQLite's PRAGMAs, so this knows nothing of how the tables were made.
*/
#include "rows.h"

#include "roundtrip/gen_schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct rcol {
	char *name;
	char *type;
	int notnull;
} rcol;

typedef struct rfk {
	char *parent;
	size_t n;
	char **from; /* child columns */
	char **to;   /* parent columns (the parent's primary key if not named) */
} rfk;

typedef struct rtable {
	char *name;
	int strict;
	int is_virtual;
	rcol *cols;
	size_t ncols;
	rfk *fks;
	size_t nfks;
	int done;
} rtable;

typedef struct rdb {
	sqlite3 *db;
	rtable *t;
	size_t n;
	gen_rng r;
	char **err;
} rdb;

static char *dup(const char *s)
{
	size_t n = strlen(s ? s : "") + 1;
	char *p = malloc(n);

	if (!p)
		abort();
	memcpy(p, s ? s : "", n);
	return p;
}

static void *grow(void *p, size_t n, size_t size)
{
	void *q = realloc(p, (n ? n : 1) * size);

	if (!q)
		abort();
	return q;
}

static int fail(rdb *d, const char *what)
{
	const char *msg = sqlite3_errmsg(d->db);
	size_t n = strlen(what) + strlen(msg) + 3;

	if (!*d->err) {
		*d->err = malloc(n);
		if (*d->err)
			snprintf(*d->err, n, "%s: %s", what, msg);
	}
	return -1;
}

static void release(rdb *d)
{
	size_t i, j, k;

	for (i = 0; i < d->n; i++) {
		rtable *t = &d->t[i];
		free(t->name);
		for (j = 0; j < t->ncols; j++) {
			free(t->cols[j].name);
			free(t->cols[j].type);
		}
		free(t->cols);
		for (j = 0; j < t->nfks; j++) {
			free(t->fks[j].parent);
			for (k = 0; k < t->fks[j].n; k++) {
				free(t->fks[j].from[k]);
				free(t->fks[j].to[k]);
			}
			free(t->fks[j].from);
			free(t->fks[j].to);
		}
		free(t->fks);
	}
	free(d->t);
}

/* The parent's primary key column number `seq` (0-based), or NULL. */
static char *parent_pk(rdb *d, const char *parent, size_t seq)
{
	sqlite3_stmt *st = NULL;
	char *out = NULL;

	if (sqlite3_prepare_v2(d->db, "SELECT name FROM pragma_table_info(?1) WHERE pk > 0 "
		"ORDER BY pk LIMIT 1 OFFSET ?2", -1, &st, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_text(st, 1, parent, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)seq);
	if (sqlite3_step(st) == SQLITE_ROW)
		out = dup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return out;
}

static int load_table(rdb *d, rtable *t)
{
	sqlite3_stmt *st = NULL;
	int rc = -1;

	/* hidden: 1 for a virtual table's hidden columns, 2 and 3 generated */
	if (sqlite3_prepare_v2(d->db, "SELECT name, type, \"notnull\" FROM "
		"pragma_table_xinfo(?1) WHERE hidden = 0 ORDER BY cid", -1, &st, NULL) != SQLITE_OK)
		return fail(d, "table_xinfo");
	sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		rcol *c;
		t->cols = grow(t->cols, t->ncols + 1, sizeof(*t->cols));
		c = &t->cols[t->ncols++];
		c->name = dup((const char *)sqlite3_column_text(st, 0));
		c->type = dup((const char *)sqlite3_column_text(st, 1));
		c->notnull = sqlite3_column_int(st, 2);
	}
	sqlite3_finalize(st);
	st = NULL;
	if (t->is_virtual)
		return 0;

	if (sqlite3_prepare_v2(d->db, "SELECT id, \"table\", \"from\", \"to\" FROM "
		"pragma_foreign_key_list(?1) ORDER BY id, seq", -1, &st, NULL) != SQLITE_OK)
		return fail(d, "foreign_key_list");
	sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
	{
		int last = -1;
		while (sqlite3_step(st) == SQLITE_ROW) {
			int id = sqlite3_column_int(st, 0);
			rfk *fk;
			if (id != last) {
				t->fks = grow(t->fks, t->nfks + 1, sizeof(*t->fks));
				fk = &t->fks[t->nfks++];
				memset(fk, 0, sizeof(*fk));
				fk->parent = dup((const char *)sqlite3_column_text(st, 1));
				last = id;
			}
			fk = &t->fks[t->nfks - 1];
			fk->from = grow(fk->from, fk->n + 1, sizeof(*fk->from));
			fk->to = grow(fk->to, fk->n + 1, sizeof(*fk->to));
			fk->from[fk->n] = dup((const char *)sqlite3_column_text(st, 2));
			fk->to[fk->n] = sqlite3_column_type(st, 3) == SQLITE_NULL ?
				parent_pk(d, fk->parent, fk->n) :
				dup((const char *)sqlite3_column_text(st, 3));
			fk->n++;
		}
	}
	rc = 0;
	sqlite3_finalize(st);
	return rc;
}

static int load(rdb *d)
{
	sqlite3_stmt *st = NULL;
	size_t i;

	if (sqlite3_prepare_v2(d->db, "SELECT name, type, strict FROM pragma_table_list "
		"WHERE schema = 'main' AND type IN ('table', 'virtual') "
		"AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
		"AND name NOT IN ('retort_version', 'retort_history') ORDER BY name",
		-1, &st, NULL) != SQLITE_OK)
		return fail(d, "table_list");
	while (sqlite3_step(st) == SQLITE_ROW) {
		rtable *t;
		d->t = grow(d->t, d->n + 1, sizeof(*d->t));
		t = &d->t[d->n++];
		memset(t, 0, sizeof(*t));
		t->name = dup((const char *)sqlite3_column_text(st, 0));
		t->is_virtual = strcmp((const char *)sqlite3_column_text(st, 1), "virtual") == 0;
		t->strict = sqlite3_column_int(st, 2);
	}
	sqlite3_finalize(st);
	for (i = 0; i < d->n; i++)
		if (load_table(d, &d->t[i]) < 0)
			return -1;
	return 0;
}

/* ---- values ------------------------------------------------------------ */

static int has(const char *type, const char *part)
{
	size_t n = strlen(part);
	const char *p;

	for (p = type; *p; p++) {
		size_t i;
		for (i = 0; i < n; i++) {
			char c = p[i];
			if (c >= 'a' && c <= 'z')
				c = (char)(c - 'a' + 'A');
			if (c != part[i])
				break;
		}
		if (i == n)
			return 1;
	}
	return 0;
}

/* The kind of value a column takes: i(nteger), r(eal), t(ext), b(lob),
** n(umeric) or a(ny), after SQLite's affinity rules (or STRICT's types). */
static char kind_of(const char *type, int strict)
{
	if (strict) {
		if (has(type, "INT"))
			return 'i';
		if (has(type, "REAL"))
			return 'r';
		if (has(type, "TEXT"))
			return 't';
		if (has(type, "BLOB"))
			return 'b';
		return 'a';
	}
	if (has(type, "INT"))
		return 'i';
	if (has(type, "CHAR") || has(type, "CLOB") || has(type, "TEXT"))
		return 't';
	if (!*type || has(type, "BLOB"))
		return 'a';
	if (has(type, "REAL") || has(type, "FLOA") || has(type, "DOUB"))
		return 'r';
	return 'n';
}

static const sqlite3_int64 int_pool[] = {
	0, 1, 2, 3, 5, 7, 10, 42, 99, 100, -1, -5, -49, 1000, 123456789012LL,
};

static const double real_pool[] = {0.5, 1.5, -2.25, 3.0, 99.75, 1e10, -0.001, 0.0};

/* Short texts that the generator's CHECKs and WHEREs often accept. */
static const char *const text_pool[] = {
	"a", "b", "x", "xy", "it's", "abc", "hello", "Zoe", "\xe5\x90\x8d\xe5\x89\x8d", "",
	"  pad  ", "42", "3.5", "x%", "line\nbreak", "NULL", "b_2", "A", "ABC", "-",
};

static void bind_random(rdb *d, sqlite3_stmt *st, int i, const rtable *t, const rcol *c)
{
	gen_rng *r = &d->r;
	char k = t->is_virtual ? 't' : kind_of(c->type, t->strict);

	if (gen_rng_chance(r, c->notnull ? 2 : 12)) {
		sqlite3_bind_null(st, i);
		return;
	}
	/* outside STRICT, any value goes anywhere: sometimes try another */
	if (k == 'a' || (!t->strict && !t->is_virtual && gen_rng_chance(r, 15)))
		k = "irtbn"[gen_rng_below(r, 5)];
	if (k == 'n')
		k = "irt"[gen_rng_below(r, 3)];
	switch (k) {
	case 'i':
		if (gen_rng_chance(r, 50))
			sqlite3_bind_int64(st, i, int_pool[gen_rng_below(r, sizeof(int_pool) / sizeof(int_pool[0]))]);
		else
			sqlite3_bind_int64(st, i, (sqlite3_int64)gen_rng_below(r, 60) - 10);
		break;
	case 'r':
		if (gen_rng_chance(r, 50))
			sqlite3_bind_double(st, i, real_pool[gen_rng_below(r, sizeof(real_pool) / sizeof(real_pool[0]))]);
		else
			sqlite3_bind_double(st, i, (double)gen_rng_below(r, 800) / 8.0 - 20.0);
		break;
	case 't':
		if (gen_rng_chance(r, 70)) {
			sqlite3_bind_text(st, i, text_pool[gen_rng_below(r, sizeof(text_pool) / sizeof(text_pool[0]))],
				-1, SQLITE_STATIC);
		} else {
			char buf[32];
			snprintf(buf, sizeof(buf), "t%u", (unsigned)gen_rng_below(r, 1000));
			sqlite3_bind_text(st, i, buf, -1, SQLITE_TRANSIENT);
		}
		break;
	default: {
		unsigned char buf[4];
		uint32_t n = gen_rng_below(r, 5), j;
		for (j = 0; j < n; j++)
			buf[j] = (unsigned char)gen_rng_below(r, 256);
		sqlite3_bind_blob(st, i, buf, (int)n, SQLITE_TRANSIENT);
		break;
	}
	}
}

/* ---- filling ------------------------------------------------------------ */

static int col_index(const rtable *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->ncols; i++)
		if (sqlite3_stricmp(t->cols[i].name, name) == 0)
			return (int)i;
	return -1;
}

/*
** Bind the child columns of `fk` to the key of one row of the parent, in
** a fixed order so that a seed always picks the same row. Returns 0 when
** the parent has no rows (the columns stay as they are).
*/
static int bind_parent_row(rdb *d, sqlite3_stmt *ins, const rtable *t, const rfk *fk, int *set)
{
	sqlite3_stmt *st = NULL;
	char *sql, *cols = sqlite3_mprintf("%s", ""), *order = sqlite3_mprintf("%s", "");
	sqlite3_int64 n = 0;
	size_t j;
	int rc = 0;

	for (j = 0; j < fk->n && cols && order; j++) {
		char *c2, *o2;
		if (!fk->to[j])
			break;
		c2 = sqlite3_mprintf("%s%s\"%w\"", cols, j ? ", " : "", fk->to[j]);
		o2 = sqlite3_mprintf("%s%squote(\"%w\")", order, j ? ", " : "", fk->to[j]);
		sqlite3_free(cols);
		sqlite3_free(order);
		cols = c2;
		order = o2;
	}
	if (!cols || !order || j < fk->n)
		goto done;
	sql = sqlite3_mprintf("SELECT count(*) FROM \"%w\"", fk->parent);
	if (sql && sqlite3_prepare_v2(d->db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_free(sql);
	sqlite3_finalize(st);
	st = NULL;
	if (n <= 0)
		goto done;
	sql = sqlite3_mprintf("SELECT %s FROM \"%w\" ORDER BY %s LIMIT 1 OFFSET %lld", cols,
		fk->parent, order, (long long)gen_rng_below(&d->r, (uint32_t)n));
	if (sql && sqlite3_prepare_v2(d->db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW) {
		for (j = 0; j < fk->n; j++) {
			int ci = col_index(t, fk->from[j]);
			if (ci < 0 || set[ci])
				continue;
			sqlite3_bind_value(ins, ci + 1, sqlite3_column_value(st, (int)j));
			set[ci] = 1;
		}
		rc = 1;
	}
	sqlite3_free(sql);
	sqlite3_finalize(st);
done:
	sqlite3_free(cols);
	sqlite3_free(order);
	return rc;
}

/* Does every foreign key find its parent? */
static int fk_clean(sqlite3 *db)
{
	sqlite3_stmt *st = NULL;
	int clean = 0;

	if (sqlite3_prepare_v2(db, "PRAGMA foreign_key_check", -1, &st, NULL) == SQLITE_OK)
		clean = sqlite3_step(st) == SQLITE_DONE;
	sqlite3_finalize(st);
	return clean;
}

static int fill_table(rdb *d, rtable *t, rows_stats *st)
{
	sqlite3_stmt *ins = NULL;
	char *sql, *names = sqlite3_mprintf("%s", ""), *params = sqlite3_mprintf("%s", "");
	int *set = NULL;
	uint32_t n, row;
	size_t j;
	int rc = -1, ok;

	n = gen_rng_chance(&d->r, 15) ? 0 : 1 + gen_rng_below(&d->r, 20);
	for (j = 0; j < t->ncols && names && params; j++) {
		char *a = sqlite3_mprintf("%s%s\"%w\"", names, j ? ", " : "", t->cols[j].name);
		char *b = sqlite3_mprintf("%s%s?", params, j ? ", " : "");
		sqlite3_free(names);
		sqlite3_free(params);
		names = a;
		params = b;
	}
	if (!names || !params)
		goto done;
	/* virtual tables take no conflict clause; IGNORE skips refused rows */
	if (t->ncols)
		sql = sqlite3_mprintf("INSERT %sINTO \"%w\" (%s) VALUES (%s)",
			t->is_virtual ? "" : "OR IGNORE ", t->name, names, params);
	else
		sql = sqlite3_mprintf("INSERT OR IGNORE INTO \"%w\" DEFAULT VALUES", t->name);
	if (!sql || sqlite3_prepare_v2(d->db, sql, -1, &ins, NULL) != SQLITE_OK) {
		sqlite3_free(sql);
		rc = fail(d, t->name);
		goto done;
	}
	sqlite3_free(sql);
	set = calloc(t->ncols + 1, sizeof(*set));
	if (!set)
		abort();
	for (row = 0; row < n; row++) {
		memset(set, 0, (t->ncols + 1) * sizeof(*set));
		sqlite3_clear_bindings(ins);
		for (j = 0; j < t->nfks; j++) {
			/* mostly a parent's key; else NULL (which any key accepts) */
			if (gen_rng_chance(&d->r, 80) && bind_parent_row(d, ins, t, &t->fks[j], set)) {
				continue;
			} else {
				size_t k;
				for (k = 0; k < t->fks[j].n; k++) {
					int ci = col_index(t, t->fks[j].from[k]);
					if (ci >= 0)
						set[ci] = 1; /* left NULL */
				}
			}
		}
		for (j = 0; j < t->ncols; j++)
			if (!set[j])
				bind_random(d, ins, (int)j + 1, t, &t->cols[j]);
		st->tried++;
		/* a refused row (foreign key, RAISE, STRICT type) is skipped; so is
		** one that SQLite lets in with a dangling foreign key (3.40 does,
		** when a BEFORE INSERT trigger deletes from the same table) */
		if (sqlite3_exec(d->db, "SAVEPOINT fill_row", NULL, NULL, NULL) != SQLITE_OK) {
			rc = fail(d, "SAVEPOINT");
			goto done;
		}
		ok = sqlite3_step(ins) == SQLITE_DONE && sqlite3_changes(d->db) > 0;
		sqlite3_reset(ins);
		if (ok && fk_clean(d->db)) {
			if (sqlite3_exec(d->db, "RELEASE fill_row", NULL, NULL, NULL) == SQLITE_OK)
				st->inserted++;
			else
				sqlite3_exec(d->db, "ROLLBACK", NULL, NULL, NULL);
		} else {
			sqlite3_exec(d->db, "ROLLBACK TO fill_row; RELEASE fill_row", NULL, NULL, NULL);
		}
	}
	st->tables++;
	rc = 0;
done:
	free(set);
	sqlite3_finalize(ins);
	sqlite3_free(names);
	sqlite3_free(params);
	return rc;
}

/* May `t` be filled now: are the parents it needs (but itself) done? */
static int ready(const rdb *d, const rtable *t)
{
	size_t i, j;

	for (i = 0; i < t->nfks; i++)
		for (j = 0; j < d->n; j++)
			if (&d->t[j] != t && !d->t[j].done &&
			    sqlite3_stricmp(d->t[j].name, t->fks[i].parent) == 0)
				return 0;
	return 1;
}

int rows_fill(sqlite3 *db, uint64_t seed, rows_stats *st, char **err)
{
	rdb d;
	rows_stats local;
	size_t left, i;
	int rc = -1;

	memset(&d, 0, sizeof(d));
	memset(&local, 0, sizeof(local));
	d.db = db;
	d.err = err;
	*err = NULL;
	gen_rng_seed(&d.r, seed ^ 0xD1B54A32D192ED03ULL);
	if (!st)
		st = &local;
	if (sqlite3_exec(db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL) != SQLITE_OK) {
		fail(&d, "foreign_keys");
		goto done;
	}
	if (load(&d) < 0)
		goto done;
	/* parents first; in a cycle, the first table left goes anyway */
	for (left = d.n; left; left--) {
		rtable *next = NULL;
		for (i = 0; i < d.n && !next; i++)
			if (!d.t[i].done && ready(&d, &d.t[i]))
				next = &d.t[i];
		for (i = 0; i < d.n && !next; i++)
			if (!d.t[i].done)
				next = &d.t[i];
		if (fill_table(&d, next, st) < 0)
			goto done;
		next->done = 1;
	}
	rc = 0;
done:
	release(&d);
	return rc;
}
