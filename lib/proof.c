/*
** proof.c: a plan is run in memory before anyone sees it. The current
** schema is built into a scratch database, the upgrade must turn it into
** the target and the downgrade back, as SQLite reports them.
**
** Every ALTER TABLE makes SQLite re-read the whole schema, so one proof over
** the whole schema would cost (steps x tables). The plan is proven instead
** in independent parts: objects that no step, view, trigger or renamed
** foreign key ties together are proven apart, each part in a scratch
** database of its own, and the cost grows with the size of the change.
*/
#include "proof.h"
#include "build.h"
#include "scratch.h"
#include "sqltok.h"

#include <stdlib.h>
#include <string.h>

/* ---- parts: union-find over object names ------------------------------ */

typedef struct parts {
	const char **names;  /* borrowed */
	size_t *parent;
	size_t n, cap;
	int oom;
} parts;

static size_t part_index(parts *ps, const char *name)
{
	size_t i, cap;

	for (i = 0; i < ps->n; i++)
		if (retort_name_eq(ps->names[i], name))
			return i;
	if (ps->n == ps->cap) {
		const char **names;
		size_t *parent;
		cap = ps->cap ? 2 * ps->cap : 64;
		names = realloc(ps->names, cap * sizeof(*names));
		if (names)
			ps->names = names;
		parent = realloc(ps->parent, cap * sizeof(*parent));
		if (parent)
			ps->parent = parent;
		if (!names || !parent) {
			ps->oom = 1;
			return (size_t)-1;
		}
		ps->cap = cap;
	}
	ps->names[ps->n] = name;
	ps->parent[ps->n] = ps->n;
	return ps->n++;
}

static size_t part_root(const parts *ps, size_t i)
{
	while (ps->parent[i] != i)
		i = ps->parent[i];
	return i;
}

/* The part of `name`, or -1 when nothing put it in one. */
static long part_of(const parts *ps, const char *name)
{
	size_t i;

	for (i = 0; name && i < ps->n; i++)
		if (retort_name_eq(ps->names[i], name))
			return (long)part_root(ps, i);
	return -1;
}

static void join(parts *ps, const char *a, const char *b)
{
	size_t i, j;

	if (!a || !b)
		return;
	i = part_index(ps, a);
	j = part_index(ps, b);
	if (i == (size_t)-1 || j == (size_t)-1)
		return;
	i = part_root(ps, i);
	j = part_root(ps, j);
	if (i != j)
		ps->parent[j] = i;
}

/* Tie `owner` to every table or view of `s` that `sql` names. */
static void join_mentioned(parts *ps, const schema *s, const char *owner, const char *sql)
{
	sqlcur c;

	for (retort_sqlcur_init(&c, sql ? sql : ""); c.tok.type != TK_EOF; retort_sqlcur_advance(&c)) {
		const schema_table *t;
		const schema_view *v;
		char *name;
		if (!retort_sqltok_is_name(&c.tok))
			continue;
		name = retort_sqltok_name(&c.tok);
		if (!name) {
			ps->oom = 1;
			return;
		}
		t = retort_schema_find_table(s, name);
		v = t ? NULL : retort_schema_find_view(s, name);
		free(name);
		if (t)
			join(ps, owner, t->name);
		else if (v)
			join(ps, owner, v->name);
	}
}

static const char *step_key(const plan_step *st)
{
	return st->table ? st->table : st->object;
}

static int renames_table(const plan_dir *d, const char *table)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if ((strcmp(d->steps[i].kind, "rename_table") == 0 ||
		     strcmp(d->steps[i].kind, "rename_column") == 0) &&
		    (retort_name_eq(d->steps[i].table, table) || retort_name_eq(d->steps[i].object, table)))
			return 1;
	return 0;
}

static void find_parts(parts *ps, const retort_plan *p, const schema *a, const schema *b)
{
	const schema *sides[2] = { a, b };
	size_t d, i, k;

	for (d = 0; d < 2; d++) {
		for (i = 0; i < p->dir[d].n; i++) {
			const plan_step *st = &p->dir[d].steps[i];
			join(ps, step_key(st), step_key(st));
			/* a rename ties the old name to the new; a trigger to its table */
			if (st->table && st->object && (strcmp(st->kind, "rename_table") == 0 ||
			    strcmp(st->kind, "drop_trigger") == 0 || strcmp(st->kind, "create_trigger") == 0))
				join(ps, st->table, st->object);
		}
	}
	for (d = 0; d < 2; d++) {
		const schema *s = sides[d];
		for (i = 0; i < s->nviews; i++)
			if (part_of(ps, s->views[i].name) >= 0)
				join_mentioned(ps, s, s->views[i].name, schema_view_text(&s->views[i]));
		for (i = 0; i < s->ntriggers; i++) {
			if (part_of(ps, s->triggers[i].name) < 0 && part_of(ps, s->triggers[i].table) < 0)
				continue;
			join(ps, s->triggers[i].name, s->triggers[i].table);
			join_mentioned(ps, s, s->triggers[i].name, s->triggers[i].sql);
		}
		/* a rename rewrites the foreign keys that point at the table */
		for (i = 0; i < s->ntables; i++)
			for (k = 0; k < s->tables[i].nfks; k++)
				if (renames_table(&p->dir[0], s->tables[i].fks[k].table) ||
				    renames_table(&p->dir[1], s->tables[i].fks[k].table))
					join(ps, s->tables[i].name, s->tables[i].fks[k].table);
	}
	/* views and triggers read what surrounds them: pull those in too */
	for (d = 0; d < 2; d++) {
		const schema *s = sides[d];
		for (i = 0; i < s->nviews; i++)
			if (part_of(ps, s->views[i].name) >= 0)
				join_mentioned(ps, s, s->views[i].name, schema_view_text(&s->views[i]));
	}
}

/* ---- one part, in its own scratch database ------------------------------ */

/* The part of each object of a schema (-1: none), worked out once. */
typedef struct schema_parts {
	long *tables, *views, *triggers;
} schema_parts;

static int label_schema(schema_parts *sp, const schema *s, const parts *ps)
{
	size_t i;

	sp->tables = calloc(s->ntables + 1, sizeof(long));
	sp->views = calloc(s->nviews + 1, sizeof(long));
	sp->triggers = calloc(s->ntriggers + 1, sizeof(long));
	if (!sp->tables || !sp->views || !sp->triggers)
		return -1;
	for (i = 0; i < s->ntables; i++)
		sp->tables[i] = part_of(ps, s->tables[i].name);
	for (i = 0; i < s->nviews; i++)
		sp->views[i] = part_of(ps, s->views[i].name);
	for (i = 0; i < s->ntriggers; i++)
		sp->triggers[i] = part_of(ps, s->triggers[i].name);
	return 0;
}

static void release_labels(schema_parts *sp)
{
	free(sp->tables);
	free(sp->views);
	free(sp->triggers);
}

/* The objects of `s` in part `part` (borrowed: release with free_subset). */
static int subset(schema *out, const schema *s, const schema_parts *sp, long part)
{
	size_t i;

	memset(out, 0, sizeof(*out));
	out->tables = calloc(s->ntables + 1, sizeof(*out->tables));
	out->views = calloc(s->nviews + 1, sizeof(*out->views));
	out->triggers = calloc(s->ntriggers + 1, sizeof(*out->triggers));
	if (!out->tables || !out->views || !out->triggers)
		return -1;
	for (i = 0; i < s->ntables; i++)
		if (sp->tables[i] == part)
			out->tables[out->ntables++] = s->tables[i];
	for (i = 0; i < s->nviews; i++)
		if (sp->views[i] == part)
			out->views[out->nviews++] = s->views[i];
	for (i = 0; i < s->ntriggers; i++)
		if (sp->triggers[i] == part)
			out->triggers[out->ntriggers++] = s->triggers[i];
	return 0;
}

static void free_subset(schema *s)
{
	free(s->tables);
	free(s->views);
	free(s->triggers);
}

/* The SQL of the steps of `d` (whose parts are `step_parts`) in `part`. */
static char *part_sql(const plan_dir *d, const long *step_parts, long part)
{
	retort_buf b = RETORT_BUF_INIT;
	size_t i;

	for (i = 0; i < d->n; i++)
		if (step_parts[i] == part)
			retort_buf_puts(&b, d->steps[i].sql);
	return retort_buf_detach(&b);
}

/* Run `sql` on `db` and compare the result with `want`: 1 when it matches,
** else 0 with `*why` set. */
static int reaches(sqlite3 *db, const char *sql, const char *label, const schema *want,
	char **why)
{
	retort_error *err = NULL;
	schema *got = NULL;
	int ok = 0;

	if (retort_build_exec_script(db, sql, label, &err) != 0) {
		*why = err ? retort_xstrdup(err->message) : NULL;
	} else if (retort_schema_read(&got, db, NULL, &err) != 0) {
		*why = err ? retort_xstrdup(err->message) : NULL;
	} else {
		char *diff = NULL;
		if (retort_schema_equal(&ok, &diff, got, want, &err) != 0)
			diff = err ? retort_xstrdup(err->message) : NULL;
		*why = diff;
	}
	retort_schema_free(got);
	retort_error_free(err);
	return ok;
}

typedef struct proof {
	const retort_plan *plan;
	const schema *from, *to;
	schema_parts from_parts, to_parts;
	long *step_parts[2];
} proof;

static int prove_part(const proof *pf, long part, retort_buf *msg)
{
	schema from, to;
	sqlite3 *db = NULL;
	char *create = NULL, *why = NULL;
	char *up = part_sql(&pf->plan->dir[RETORT_UPGRADE], pf->step_parts[RETORT_UPGRADE], part);
	char *down = part_sql(&pf->plan->dir[RETORT_DOWNGRADE], pf->step_parts[RETORT_DOWNGRADE],
		part);
	int ok = 0;

	if (subset(&from, pf->from, &pf->from_parts, part) < 0 ||
	    subset(&to, pf->to, &pf->to_parts, part) < 0 || !up || !down ||
	    retort_scratch_open(&db, NULL) != 0 || retort_schema_to_sql(&create, &from, NULL) != 0)
		retort_buf_puts(msg, "out of memory");
	else if (!reaches(db, create, "the current schema", &from, &why))
		retort_buf_printf(msg, "the current schema does not build: %s", why ? why : "?");
	else if (!reaches(db, up, "upgrade", &to, &why))
		retort_buf_printf(msg, "the upgrade does not reach the target: %s", why ? why : "?");
	else if (!reaches(db, down, "downgrade", &from, &why))
		retort_buf_printf(msg, "the downgrade does not restore the current schema: %s",
			why ? why : "?");
	else
		ok = 1;
	free(why);
	free(create);
	free(up);
	free(down);
	sqlite3_close(db);
	free_subset(&from);
	free_subset(&to);
	return ok;
}

static int label_steps(long **out, const plan_dir *d, const parts *ps)
{
	size_t i;

	*out = calloc(d->n + 1, sizeof(long));
	if (!*out)
		return -1;
	for (i = 0; i < d->n; i++)
		(*out)[i] = part_of(ps, step_key(&d->steps[i]));
	return 0;
}

int retort_plan_proven(const retort_plan *p, const schema *from, const schema *to, char **why)
{
	retort_buf msg = RETORT_BUF_INIT;
	parts ps;
	proof pf;
	char *done;
	size_t i;
	int ok = 1;

	memset(&ps, 0, sizeof(ps));
	memset(&pf, 0, sizeof(pf));
	pf.plan = p;
	pf.from = from;
	pf.to = to;
	find_parts(&ps, p, from, to);
	done = calloc(ps.n + 1, 1);
	if (ps.oom || !done || label_schema(&pf.from_parts, from, &ps) < 0 ||
	    label_schema(&pf.to_parts, to, &ps) < 0 ||
	    label_steps(&pf.step_parts[0], &p->dir[0], &ps) < 0 ||
	    label_steps(&pf.step_parts[1], &p->dir[1], &ps) < 0) {
		retort_buf_puts(&msg, "out of memory");
		ok = 0;
	}
	for (i = 0; ok && i < ps.n; i++) {
		size_t root = part_root(&ps, i);
		if (done[root])
			continue;
		done[root] = 1;
		ok = prove_part(&pf, (long)root, &msg);
	}
	release_labels(&pf.from_parts);
	release_labels(&pf.to_parts);
	free(pf.step_parts[0]);
	free(pf.step_parts[1]);
	free(done);
	free(ps.names);
	free(ps.parent);
	*why = ok ? NULL : retort_buf_detach(&msg);
	retort_buf_release(&msg);
	return ok;
}
