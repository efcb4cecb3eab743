/*
** diff.c: table-by-table comparison of two schemas (diff.h).
*/
#include "diff.h"
#include "buf.h"
#include "inplace.h"
#include "render.h"
#include "renames.h"
#include "sqltok.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ---- renames ------------------------------------------------------- */

static int push_rename(rename_list *r, const char *tf, const char *tt, const char *cf,
	const char *ct)
{
	rename_entry *e = ARRAY_PUSH(r->v, r->n, r->cap);

	if (!e)
		return -1;
	e->table_from = tf;
	e->table_to = tt;
	e->col_from = cf;
	e->col_to = ct;
	e->doomed = 0;
	return 0;
}

static const rename_entry *find_table_rename_to(const rename_list *r, const char *to)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (!r->v[i].col_from && retort_name_eq(r->v[i].table_to, to))
			return &r->v[i];
	return NULL;
}

static const rename_entry *find_table_rename_from(const rename_list *r, const char *from)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (!r->v[i].col_from && retort_name_eq(r->v[i].table_from, from))
			return &r->v[i];
	return NULL;
}

/* The table of `from` that `t` continues: renamed, or of the same name and
** not renamed away. */
static const schema_table *source_table(const schema *from, const rename_list *r,
	const schema_table *t)
{
	const rename_entry *e = find_table_rename_to(r, t->name);
	const schema_table *s;

	if (e)
		return retort_schema_find_table(from, e->table_from);
	s = retort_schema_find_table(from, t->name);
	return s && !find_table_rename_from(r, s->name) ? s : NULL;
}

/* What retort_renames_from_models() reads a hint against. */
typedef struct hint_ctx {
	const schema *from, *to;
	done_renames done, known;  /* from->renames_done, from->renames_known */
	str_list *notes;
	retort_error **err;
} hint_ctx;

static int rename_error(hint_ctx *h, const src_loc *loc, const char *fmt, const char *what,
	const char *old)
{
	return retort_error_at(h->err, RETORT_EINVALID, loc, retort_schema_source_of(h->to, loc->path), fmt,
		what, old);
}

/* A hint left out, told in `notes` at its place in the models. */
static int hint_ignored(hint_ctx *h, const src_loc *loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int hint_ignored(hint_ctx *h, const src_loc *loc, const char *fmt, ...)
{
	retort_buf b = RETORT_BUF_INIT;
	va_list ap;
	int rc;

	if (loc->path)
		retort_buf_printf(&b, "%s:%d:%d: ", loc->path, loc->line, loc->column);
	va_start(ap, fmt);
	retort_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	rc = retort_buf_oom(&b) || retort_str_list_push(h->notes, b.ptr) < 0 ? retort_error_oom(h->err) : 0;
	retort_buf_release(&b);
	return rc;
}

/* Does `to` keep `name` as it is (a table, or a column of `t`): an object
** so called that is not renamed from elsewhere? */
static int keeps_table(const schema *to, const char *name)
{
	const schema_table *t = retort_schema_find_table(to, name);

	return t && (!t->renamed_from || retort_name_eq(t->renamed_from, t->name));
}

static int keeps_column(const schema_table *t, const char *name)
{
	const schema_column *c = retort_schema_find_column(t, name);

	return c && (!c->renamed_from || retort_name_eq(c->renamed_from, c->name));
}

static int column_renames_from_models(hint_ctx *h, rename_list *out, const schema_table *src,
	const schema_table *t)
{
	size_t i, j;

	for (i = 0; i < t->ncolumns; i++) {
		const schema_column *c = &t->columns[i];
		const char *r = c->renamed_from;
		const schema_column *old;
		int taken;
		if (!r || retort_name_eq(r, c->name))
			continue;
		old = retort_schema_find_column(src, r);
		taken = retort_schema_find_column(src, c->name) != NULL;
		/* done, unless what it renamed is back under its old name alone */
		if ((!old || taken) && retort_done_renames_has(&h->done, src->name, r, c->name))
			continue;
		if (!old && !taken && !retort_done_renames_has(&h->known, src->name, r, c->name) &&
		    !retort_done_renames_has(&h->known, t->name, r, c->name))
			return rename_error(h, &c->loc, "column '%s': renamed_from '%s' matches "
				"no column of the current table", c->name, r);
		if (!old || (taken && keeps_column(t, r))) {
			int rc = !old ?
				hint_ignored(h, &c->loc, "column '%s.%s': renamed_from '%s' ignored: "
				"table '%s' has no column '%s'%s", t->name, c->name, r, src->name, r,
				taken ? " (renamed already?)" : " (a revision not applied here renames it)") :
				hint_ignored(h, &c->loc, "column '%s.%s': renamed_from '%s' ignored: both "
				"columns are there and the models keep '%s', so it looks done already (no "
				"revision records it); drop '%s' in a revision of its own first to rename "
				"onto it", t->name, c->name, r, r, c->name);
			if (rc)
				return rc;
			continue;
		}
		for (j = 0; j < out->n; j++)
			if (out->v[j].col_from && retort_name_eq(out->v[j].table_from, src->name) &&
			    retort_name_eq(out->v[j].col_from, old->name))
				return rename_error(h, &c->loc, "column '%s': column '%s' is "
					"renamed twice", c->name, old->name);
		if (push_rename(out, src->name, t->name, old->name, c->name) < 0)
			return retort_error_oom(h->err);
	}
	return 0;
}

static int table_rename_from_models(hint_ctx *h, rename_list *out, const schema_table *t)
{
	const char *r = t->renamed_from;
	const schema_table *old;
	int taken;

	if (!r || retort_name_eq(r, t->name))
		return 0;
	old = retort_schema_find_table(h->from, r);
	taken = retort_schema_find_table(h->from, t->name) != NULL;
	if ((!old || taken) && retort_done_renames_has(&h->done, NULL, r, t->name))
		return 0;
	if (!old && !taken && !retort_done_renames_has(&h->known, NULL, r, t->name))
		return rename_error(h, &t->loc, "table '%s': renamed_from '%s' matches no "
			"table of the current schema", t->name, r);
	if (!old)
		return hint_ignored(h, &t->loc, "table '%s': renamed_from '%s' ignored: the current "
			"schema has no table '%s'%s", t->name, r, r, taken ? " (renamed already?)" :
			" (a revision not applied here renames it)");
	if (taken && keeps_table(h->to, r))
		return hint_ignored(h, &t->loc, "table '%s': renamed_from '%s' ignored: both tables are "
			"there and the models keep '%s', so it looks done already (no revision records "
			"it); drop '%s' in a revision of its own first to rename onto it", t->name, r,
			r, t->name);
	if (find_table_rename_from(out, old->name))
		return rename_error(h, &t->loc, "table '%s': table '%s' is renamed twice",
			t->name, old->name);
	return push_rename(out, old->name, t->name, NULL, NULL) < 0 ? retort_error_oom(h->err) : 0;
}

int retort_renames_from_models(rename_list *out, str_list *notes, const schema *from,
	const schema *to, retort_error **err)
{
	hint_ctx h;
	size_t i, bad_at;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&h, 0, sizeof(h));
	h.from = from;
	h.to = to;
	h.notes = notes;
	h.err = err;
	/* written by retort: a bad value is out of memory, not the user's */
	rc = retort_done_renames_parse(&h.done, from->renames_done, &bad_at);
	if (rc == 0)
		rc = retort_done_renames_parse(&h.known, from->renames_known, &bad_at);
	if (rc)
		rc = retort_error_oom(err);
	for (i = 0; i < to->ntables && !rc; i++)
		rc = table_rename_from_models(&h, out, &to->tables[i]);
	for (i = 0; i < to->ntables && !rc; i++) {
		const schema_table *src = source_table(from, out, &to->tables[i]);
		if (src)
			rc = column_renames_from_models(&h, out, src, &to->tables[i]);
	}
	retort_done_renames_release(&h.done);
	retort_done_renames_release(&h.known);
	if (rc)
		retort_renames_release(out);
	return rc;
}

void retort_renames_invert(rename_list *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		rename_entry *e = &r->v[i];
		const char *t = e->table_from, *c = e->col_from;
		e->table_from = e->table_to;
		e->table_to = t;
		e->col_from = e->col_to;
		e->col_to = c;
	}
}

void retort_renames_release(rename_list *r)
{
	free(r->v);
	memset(r, 0, sizeof(*r));
}

/* ---- the table as the renames leave it --------------------------------- */

/* Swap a malloc'd string for its renamed form; `*bad` on failure. */
static void rename_text(char **text, const char *const *from, const char *const *to,
	size_t n, int *bad)
{
	char *renamed;

	if (!*text || n == 0)
		return;
	renamed = retort_sql_rename_names(*text, from, to, n);
	if (!renamed) {
		*bad = 1;
		return;
	}
	free(*text);
	*text = renamed;
}

static void rename_name(char **name, const char *const *from, const char *const *to,
	size_t n, int *bad)
{
	size_t i;

	for (i = 0; *name && i < n; i++) {
		if (retort_name_eq(*name, from[i])) {
			char *copy = retort_xstrdup(to[i]);
			if (!copy) {
				*bad = 1;
				return;
			}
			free(*name);
			*name = copy;
			return;
		}
	}
}

static void rename_list_names(str_list *l, const char *const *from, const char *const *to,
	size_t n, int *bad)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		rename_name(&l->v[i], from, to, n, bad);
}

/* The column renames of the table named `table` (on the `from` side). */
static size_t column_renames_of(const rename_list *r, const char *table, const char **from,
	const char **to)
{
	size_t i, n = 0;

	for (i = 0; i < r->n; i++) {
		if (r->v[i].col_from && retort_name_eq(r->v[i].table_from, table)) {
			from[n] = r->v[i].col_from;
			to[n++] = r->v[i].col_to;
		}
	}
	return n;
}

/*
** What ALTER TABLE ... RENAME TO and RENAME COLUMN make of `old`: its name,
** its columns and every reference to them renamed, and its foreign keys
** following the renames of their parent tables and columns.
*/
static int predict_renamed(table_diff *td, const rename_list *r, retort_error **err)
{
	const schema_table *old = td->old;
	schema_table *m = &td->renamed;
	/* this table's column renames, then a parent's, side by side */
	const char **from = calloc(4 * (r->n + 1), sizeof(*from));
	const char **to = from + (r->n + 1), **pfrom = to + (r->n + 1), **pto = pfrom + (r->n + 1);
	const char *const *cf = from, *const *ct = to;
	size_t i, j, n;
	int bad = 0;

	if (!from || retort_schema_table_copy(m, old) < 0) {
		free(from);
		return retort_error_oom(err);
	}
	if (strcmp(old->name, td->new->name) != 0) {
		free(m->name);
		m->name = retort_xstrdup(td->new->name);
		bad |= !m->name;
		td->touched = 1;
	}
	n = column_renames_of(r, old->name, from, to);
	td->touched |= n > 0;
	for (i = 0; i < m->ncolumns; i++) {
		rename_name(&m->columns[i].name, cf, ct, n, &bad);
		rename_text(&m->columns[i].generated_sql, cf, ct, n, &bad);
	}
	for (i = 0; i < m->nuniques; i++)
		rename_list_names(&m->uniques[i].columns, cf, ct, n, &bad);
	for (i = 0; i < m->nchecks; i++) {
		rename_text(&m->checks[i].expr, cf, ct, n, &bad);
		rename_name(&m->checks[i].column, cf, ct, n, &bad);
	}
	for (i = 0; i < m->nindexes; i++) {
		schema_index *ix = &m->indexes[i];
		rename_name(&ix->table, (const char *const *)&old->name,
			(const char *const *)&m->name, 1, &bad);
		rename_text(&ix->where, cf, ct, n, &bad);
		for (j = 0; j < ix->nterms; j++) {
			rename_name(&ix->terms[j].column, cf, ct, n, &bad);
			rename_text(&ix->terms[j].expr, cf, ct, n, &bad);
		}
	}
	for (i = 0; i < m->nfks; i++) {
		schema_fk *fk = &m->fks[i];
		const rename_entry *pe = find_table_rename_from(r, fk->table);
		size_t np;
		rename_list_names(&fk->columns, cf, ct, n, &bad);
		np = column_renames_of(r, fk->table, pfrom, pto);
		rename_list_names(&fk->ref_columns, (const char *const *)pfrom,
			(const char *const *)pto, np, &bad);
		td->touched |= np > 0 && fk->ref_columns.n > 0;
		if (pe) {
			free(fk->table);
			fk->table = retort_xstrdup(pe->table_to);
			bad |= !fk->table;
			td->touched = 1;
		}
	}
	retort_schema_table_sort(m);
	free(from);
	return bad ? retort_error_oom(err) : 0;
}

/* ---- ALTER TABLE in place, or a rebuild -------------------------------- */

/* Can ALTER TABLE ADD COLUMN add `c` (as its last column) to a table with rows? */
static int addable(const schema_column *c)
{
	return c->pk == 0 && c->generated != GENERATED_STORED &&
		(!c->default_sql || retort_sql_is_literal(c->default_sql, 0));
}

static int push_column_copy(schema_table *t, const schema_column *c)
{
	schema_column *d = retort_schema_column_add(t);
	int bad = 0;

	if (!d)
		return -1;
	retort_schema_column_copy(d, c, &bad);
	return bad ? -1 : 0;
}

static void remove_column(schema_table *t, size_t i)
{
	size_t j;

	for (j = 0; j < t->nchecks;) {
		if (t->checks[j].column && retort_name_eq(t->checks[j].column, t->columns[i].name)) {
			retort_schema_check_release(&t->checks[j]);
			memmove(&t->checks[j], &t->checks[j + 1], (t->nchecks - j - 1) * sizeof(*t->checks));
			t->nchecks--;
		} else {
			j++;
		}
	}
	retort_schema_column_release(&t->columns[i]);
	memmove(&t->columns[i], &t->columns[i + 1], (t->ncolumns - i - 1) * sizeof(*t->columns));
	t->ncolumns--;
}

/*
** Is `new` what DROP COLUMN (of the columns it lacks) and ADD COLUMN (of
** those it gains, at the end) make of `m`? Tried on a copy: drop, append,
** then compare as retort_schema_equal would.
*/
static int alter_reaches(sqlsame *same, const schema_table *m, const schema_table *new,
	int *result)
{
	schema_table p;
	size_t i, j, kept;
	int ok = 1;

	*result = 0;
	if (m->virtual_using || new->virtual_using)
		return 0;
	if (retort_schema_table_copy(&p, m) < 0) {
		retort_schema_table_release(&p);
		return -1;
	}
	for (i = 0; i < p.ncolumns && ok;) {
		if (retort_schema_find_column(new, p.columns[i].name))
			i++;
		else if (p.columns[i].pk)
			ok = 0;
		else
			remove_column(&p, i);
	}
	kept = p.ncolumns;
	ok = ok && kept > 0 && kept <= new->ncolumns;
	for (i = 0; i < kept && ok; i++)
		ok = strcmp(p.columns[i].name, new->columns[i].name) == 0;
	for (i = kept; i < new->ncolumns && ok; i++) {
		const schema_column *c = &new->columns[i];
		ok = addable(c);
		if (ok && push_column_copy(&p, c) < 0)
			goto oom;
		for (j = 0; ok && j < new->nchecks; j++) {
			schema_check *ck;
			int bad = 0;
			if (!new->checks[j].column || !retort_name_eq(new->checks[j].column, c->name))
				continue;
			ck = ARRAY_PUSH(p.checks, p.nchecks, p.capchecks);
			if (!ck)
				goto oom;
			retort_schema_check_copy(ck, &new->checks[j], &bad);
			if (bad)
				goto oom;
		}
		for (j = 0; ok && j < new->nfks; j++) {
			const schema_fk *fk = &new->fks[j];
			schema_fk *d;
			int bad = 0;
			if (fk->name || fk->columns.n != 1 || !retort_name_eq(fk->columns.v[0], c->name))
				continue;
			d = ARRAY_PUSH(p.fks, p.nfks, p.capfks);
			if (!d)
				goto oom;
			retort_schema_fk_copy(d, fk, &bad);
			if (bad)
				goto oom;
		}
	}
	if (ok) {
		retort_schema_table_sort(&p);
		*result = retort_schema_table_def_equal(same, &p, new, NULL);
	}
	retort_schema_table_release(&p);
	return 0;
oom:
	retort_schema_table_release(&p);
	return -1;
}

int retort_fills_nulls(const schema_table *n, const schema_column *c, const schema_column *o)
{
	return c->notnull && !o->notnull && !c->generated && c->default_sql &&
		!retort_sql_equal(c->default_sql, "NULL") && !retort_schema_column_is_rowid_alias(n, c);
}

int retort_default_changes(const schema_column *o, const schema_column *c)
{
	return o->default_sql ? !c->default_sql || !retort_sql_equal(o->default_sql, c->default_sql) :
		c->default_sql != NULL;
}

/* Do the texts plan.c writes for `m` and `new` give SQLite one automatic
** index at most, the same? */
static int same_autoindexes(const schema_table *m, const schema_table *new)
{
	retort_buf old = RETORT_BUF_INIT, target = RETORT_BUF_INIT;
	const char *creates[2];
	int same;

	retort_render_create_table(&old, m, NULL);
	retort_render_create_table(&target, new, NULL);
	creates[0] = old.ptr;
	creates[1] = target.ptr;
	same = !retort_buf_oom(&old) && !retort_buf_oom(&target) && retort_inplace_same_autoindexes(creates, 2);
	retort_buf_release(&old);
	retort_buf_release(&target);
	return same;
}

/*
** Can `m` become `new` by editing its definition alone (SQLite's "Making
** Other Kinds Of Table Schema Changes"), the stored rows as they are? Only
** when nothing but CHECKs, NOT NULLs, foreign keys and defaults differ:
** tried on a copy of `m` that takes `new`'s, then compared. Not:
** - a table with more than one automatic index (UNIQUE, PRIMARY KEY) as
**   SQLite makes them: it numbers them by their place in the text, which
**   the stored one (however it was written) may order otherwise than
**   retort's, and an index's name would be given to another one's rows;
** - a column made NOT NULL whose default fills its NULLs (that writes rows,
**   as the rebuild's copy does and says);
** - a default changed from one that is not a literal, or whose value as
**   rows older than the column (ADD COLUMN) read it SQLite cannot tell:
**   plan.c stores that value for them.
*/
static int inplace_reaches(sqlsame *same, const schema_table *m, const schema_table *new,
	int *result)
{
	schema_table p;
	size_t i;
	int bad = 0;

	*result = 0;
	if (m->virtual_using || new->virtual_using || m->ncolumns != new->ncolumns)
		return 0;
	for (i = 0; i < m->ncolumns; i++) {
		const schema_column *o = &m->columns[i], *c = &new->columns[i];
		if (strcmp(o->name, c->name) != 0)
			return 0;
		if (retort_fills_nulls(new, c, o))
			return 0;
		if (retort_default_changes(o, c)) {
			char *v;
			if (o->default_sql && !retort_sql_is_literal(o->default_sql, 0))
				return 0;
			if (!(v = retort_inplace_read_default(o->type, o->default_sql, m->strict)))
				return 0;
			free(v);
		}
	}
	if (retort_schema_table_copy(&p, m) < 0)
		goto oom;
	for (i = 0; i < p.ncolumns && !bad; i++) {
		const schema_column *c = &new->columns[i];
		p.columns[i].notnull = c->notnull;
		free(p.columns[i].default_sql);
		p.columns[i].default_sql = c->default_sql ? retort_xstrdup(c->default_sql) : NULL;
		bad = c->default_sql && !p.columns[i].default_sql;
	}
	for (i = 0; i < p.nchecks; i++)
		retort_schema_check_release(&p.checks[i]);
	for (i = 0; i < p.nfks; i++)
		retort_schema_fk_release(&p.fks[i]);
	p.nchecks = p.nfks = 0;
	for (i = 0; i < new->nchecks && !bad; i++) {
		schema_check *ck = ARRAY_PUSH(p.checks, p.nchecks, p.capchecks);
		if (!ck)
			goto oom;
		retort_schema_check_copy(ck, &new->checks[i], &bad);
	}
	for (i = 0; i < new->nfks && !bad; i++) {
		schema_fk *fk = ARRAY_PUSH(p.fks, p.nfks, p.capfks);
		if (!fk)
			goto oom;
		retort_schema_fk_copy(fk, &new->fks[i], &bad);
	}
	if (bad)
		goto oom;
	retort_schema_table_sort(&p);
	*result = retort_schema_table_def_equal(same, &p, new, NULL) && same_autoindexes(m, new);
	retort_schema_table_release(&p);
	return 0;
oom:
	retort_schema_table_release(&p);
	return -1;
}

static int decide(sqlsame *same, table_diff *td, unsigned how, retort_error **err)
{
	int rebuild_touched = (how & DIFF_REBUILD_TOUCHED) != 0;
	int alter = 0, inplace = 0;

	if (retort_schema_table_def_equal(same, &td->renamed, td->new, NULL) && strcmp(td->renamed.name,
	    td->new->name) == 0 && !(rebuild_touched && td->touched && !td->new->virtual_using)) {
		td->action = TABLE_KEEP;
		return 0;
	}
	if (!rebuild_touched && (alter_reaches(same, &td->renamed, td->new, &alter) < 0 ||
	    (!alter && !(how & DIFF_NO_INPLACE) &&
	     inplace_reaches(same, &td->renamed, td->new, &inplace) < 0)))
		return retort_error_oom(err);
	td->action = alter ? TABLE_ALTER : inplace ? TABLE_INPLACE : TABLE_REBUILD;
	return 0;
}

static table_diff *add_table_diff(schema_diff *d)
{
	table_diff *td = ARRAY_PUSH(d->tables, d->ntables, d->cap);

	if (td)
		memset(td, 0, sizeof(*td));
	return td;
}

/* A virtual table cannot be altered or copied generically: a change to one
** is a drop and a create. */
static int matchable(const schema_table *old, const schema_table *new)
{
	if (!old->virtual_using && !new->virtual_using)
		return 1;
	return old->virtual_using && new->virtual_using &&
		retort_sql_equal(old->virtual_using, new->virtual_using);
}

/* Does `r` rename a column of `table` from `name` (or, `as_target`, to it)? */
static int column_renamed(const rename_list *r, const char *table, const char *name,
	int as_target)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (r->v[i].col_from && retort_name_eq(r->v[i].table_from, table) &&
		    retort_name_eq(as_target ? r->v[i].col_to : r->v[i].col_from, name))
			return 1;
	return 0;
}

/* A stopover for column `name` of `src` (becoming `t`): named like no
** column of either, nor like where another rename goes. NULL on OOM. */
static char *column_stopover(const rename_list *r, const schema_table *src,
	const schema_table *t, const char *name)
{
	retort_buf b = RETORT_BUF_INIT;
	unsigned n = 0;

	do {
		retort_buf_clear(&b);
		retort_buf_printf(&b, "%s%s", RENAME_STOPOVER_PREFIX, name);
		if (n)
			retort_buf_printf(&b, "_%u", n);
		n++;
	} while (!retort_buf_oom(&b) && (retort_schema_find_column(src, b.ptr) || retort_schema_find_column(t, b.ptr) ||
		column_renamed(r, src->name, b.ptr, 1)));
	return retort_buf_detach(&b);
}

/*
** `renames`, then a rename to a stopover for each column that goes and
** whose name a rename takes (a rename onto a dropped column): RENAME COLUMN
** moves it out of the way whatever refers to it, and the table's change
** then drops it under its stopover name.
*/
static int effective_renames(schema_diff *out, const schema *from, const schema *to,
	const rename_list *renames)
{
	size_t i, j;

	for (i = 0; i < renames->n; i++) {
		rename_entry *e = ARRAY_PUSH(out->renames.v, out->renames.n, out->renames.cap);
		if (!e)
			return -1;
		*e = renames->v[i];
	}
	for (i = 0; i < to->ntables; i++) {
		const schema_table *t = &to->tables[i];
		const schema_table *src = source_table(from, renames, t);
		for (j = 0; src && j < src->ncolumns; j++) {
			const char *name = src->columns[j].name;
			char *stop;
			if (column_renamed(renames, src->name, name, 0) ||
			    !column_renamed(renames, src->name, name, 1))
				continue;
			stop = column_stopover(&out->renames, src, t, name);
			if (!stop || retort_str_list_push(&out->stopovers, stop) < 0 ||
			    push_rename(&out->renames, src->name, t->name, name,
				out->stopovers.v[out->stopovers.n - 1]) < 0) {
				free(stop);
				return -1;
			}
			free(stop);
			out->renames.v[out->renames.n - 1].doomed = 1;
		}
	}
	return 0;
}

int retort_diff_tables(schema_diff *out, sqlsame *same, const schema *from, const schema *to,
	const rename_list *asked, unsigned how, retort_error **err)
{
	char *matched = calloc(from->ntables + 1, 1);
	const rename_list *renames = &out->renames;
	size_t i, k;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (!matched || effective_renames(out, from, to, asked) < 0) {
		free(matched);
		retort_schema_diff_release(out);
		return retort_error_oom(err);
	}
	for (i = 0; i < to->ntables && !rc; i++) {
		const schema_table *t = &to->tables[i];
		const schema_table *old = source_table(from, renames, t);
		table_diff *td = add_table_diff(out);
		if (!td) {
			rc = retort_error_oom(err);
			break;
		}
		td->new = t;
		if (old && !matchable(old, t))
			old = NULL;
		if (!old) {
			td->action = TABLE_CREATE;
			continue;
		}
		matched[old - from->tables] = 1;
		td->old = old;
		for (k = 0; k < renames->n; k++)
			if (renames->v[k].col_from && retort_name_eq(renames->v[k].table_from, old->name))
				td->ncol_renames++;
		td->col_renames = td->ncol_renames ? calloc(td->ncol_renames, sizeof(rename_entry)) : NULL;
		if (td->ncol_renames && !td->col_renames) {
			rc = retort_error_oom(err);
			break;
		}
		td->ncol_renames = 0;
		for (k = 0; k < renames->n; k++)
			if (renames->v[k].col_from && retort_name_eq(renames->v[k].table_from, old->name))
				td->col_renames[td->ncol_renames++] = renames->v[k];
		rc = predict_renamed(td, renames, err);
		if (!rc)
			rc = decide(same, td, how, err);
	}
	for (i = 0; i < from->ntables && !rc; i++) {
		table_diff *td;
		if (matched[i])
			continue;
		td = add_table_diff(out);
		if (!td) {
			rc = retort_error_oom(err);
			break;
		}
		td->old = &from->tables[i];
		td->action = TABLE_DROP;
	}
	free(matched);
	if (rc)
		retort_schema_diff_release(out);
	return rc;
}

void retort_schema_diff_release(schema_diff *d)
{
	size_t i;

	for (i = 0; i < d->ntables; i++) {
		if (d->tables[i].old && d->tables[i].new)
			retort_schema_table_release(&d->tables[i].renamed);
		free(d->tables[i].col_renames);
	}
	free(d->tables);
	retort_renames_release(&d->renames);
	retort_str_list_release(&d->stopovers);
	memset(d, 0, sizeof(*d));
}
