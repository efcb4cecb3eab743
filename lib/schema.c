/*
** schema.c: the schema representation of schema.h: building, freeing,
** look-ups, canonical ordering, and comparison as SQLite understands it.
*/
#include "schema.h"
#include "sqlsame.h"
#include "buf.h"
#include "sqltok.h"

#include <sqlite3.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

int retort_name_eq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return sqlite3_stricmp(a, b) == 0;
}

int retort_name_cmp(const char *a, const char *b)
{
	int c = sqlite3_stricmp(a, b);
	return c ? c : strcmp(a, b);
}

schema *retort_schema_new(void)
{
	return calloc(1, sizeof(schema));
}

void retort_schema_unique_release(schema_unique *u)
{
	free(u->name);
	retort_str_list_release(&u->columns);
	retort_str_list_release(&u->collates);
	free(u->desc);
	free(u->on_conflict);
}

void retort_schema_fk_release(schema_fk *fk)
{
	free(fk->name);
	retort_str_list_release(&fk->columns);
	free(fk->table);
	retort_str_list_release(&fk->ref_columns);
	free(fk->on_delete);
	free(fk->on_update);
}

void retort_schema_check_release(schema_check *ck)
{
	free(ck->name);
	free(ck->expr);
	free(ck->column);
}

void retort_schema_index_release(schema_index *ix)
{
	size_t i;

	free(ix->name);
	free(ix->table);
	free(ix->where);
	for (i = 0; i < ix->nterms; i++) {
		free(ix->terms[i].column);
		free(ix->terms[i].expr);
		free(ix->terms[i].collate);
	}
	free(ix->terms);
}

void retort_schema_column_release(schema_column *c)
{
	free(c->name);
	free(c->type);
	free(c->default_sql);
	free(c->collate);
	free(c->generated_sql);
	free(c->renamed_from);
	free(c->pk_collate);
	free(c->notnull_conflict);
}

void retort_schema_table_release(schema_table *t)
{
	size_t i;

	free(t->name);
	for (i = 0; i < t->ncolumns; i++)
		retort_schema_column_release(&t->columns[i]);
	free(t->columns);
	free(t->pk_name);
	free(t->pk_conflict);
	free(t->virtual_using);
	for (i = 0; i < t->nuniques; i++)
		retort_schema_unique_release(&t->uniques[i]);
	free(t->uniques);
	for (i = 0; i < t->nfks; i++)
		retort_schema_fk_release(&t->fks[i]);
	free(t->fks);
	for (i = 0; i < t->nchecks; i++)
		retort_schema_check_release(&t->checks[i]);
	free(t->checks);
	for (i = 0; i < t->nindexes; i++)
		retort_schema_index_release(&t->indexes[i]);
	free(t->indexes);
	free(t->renamed_from);
}

void retort_schema_free(retort_schema *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->ntables; i++)
		retort_schema_table_release(&s->tables[i]);
	free(s->tables);
	for (i = 0; i < s->nviews; i++) {
		free(s->views[i].name);
		free(s->views[i].sql);
		free(s->views[i].select);
	}
	free(s->views);
	for (i = 0; i < s->ntriggers; i++) {
		free(s->triggers[i].name);
		free(s->triggers[i].table);
		free(s->triggers[i].sql);
	}
	free(s->triggers);
	retort_str_list_release(&s->paths);
	retort_str_list_release(&s->sources);
	free(s->renames_done);
	free(s->renames_known);
	free(s);
}

schema_table *retort_schema_table_add(schema *s)
{
	s->sorted = 0;
	return ARRAY_PUSH(s->tables, s->ntables, s->captables);
}

schema_column *retort_schema_column_add(schema_table *t)
{
	return ARRAY_PUSH(t->columns, t->ncolumns, t->capcolumns);
}

schema_view *retort_schema_view_add(schema *s)
{
	return ARRAY_PUSH(s->views, s->nviews, s->capviews);
}

schema_trigger *retort_schema_trigger_add(schema *s)
{
	return ARRAY_PUSH(s->triggers, s->ntriggers, s->captriggers);
}

/* ---- deep copies ---------------------------------------------------- */

/* Each copier returns 0, or -1 on allocation failure leaving `dst` safe to
** release. `*bad` collects failures so that copies read straight through. */
static char *dup_into(const char *s, int *bad)
{
	char *d = retort_xstrdup(s);

	if (s && !d)
		*bad = 1;
	return d;
}

static void copy_str_list(str_list *dst, const str_list *src, int *bad)
{
	size_t i;

	memset(dst, 0, sizeof(*dst));
	for (i = 0; i < src->n; i++)
		if (retort_str_list_push(dst, src->v[i]) < 0)
			*bad = 1;
}

void retort_schema_column_copy(schema_column *d, const schema_column *c, int *bad)
{
	*d = *c;
	d->name = dup_into(c->name, bad);
	d->type = dup_into(c->type, bad);
	d->default_sql = dup_into(c->default_sql, bad);
	d->collate = dup_into(c->collate, bad);
	d->generated_sql = dup_into(c->generated_sql, bad);
	d->renamed_from = dup_into(c->renamed_from, bad);
	d->pk_collate = dup_into(c->pk_collate, bad);
	d->notnull_conflict = dup_into(c->notnull_conflict, bad);
}

void retort_schema_unique_copy(schema_unique *d, const schema_unique *u, int *bad)
{
	*d = *u;
	d->name = dup_into(u->name, bad);
	copy_str_list(&d->columns, &u->columns, bad);
	copy_str_list(&d->collates, &u->collates, bad);
	d->on_conflict = dup_into(u->on_conflict, bad);
	d->desc = NULL;
	if (u->desc && u->columns.n) {
		d->desc = malloc(u->columns.n * sizeof(*d->desc));
		if (d->desc)
			memcpy(d->desc, u->desc, u->columns.n * sizeof(*d->desc));
		else
			*bad = 1;
	}
}

void retort_schema_check_copy(schema_check *d, const schema_check *c, int *bad)
{
	*d = *c;
	d->name = dup_into(c->name, bad);
	d->expr = dup_into(c->expr, bad);
	d->column = dup_into(c->column, bad);
}

void retort_schema_fk_copy(schema_fk *d, const schema_fk *f, int *bad)
{
	*d = *f;
	d->name = dup_into(f->name, bad);
	copy_str_list(&d->columns, &f->columns, bad);
	d->table = dup_into(f->table, bad);
	copy_str_list(&d->ref_columns, &f->ref_columns, bad);
	d->on_delete = dup_into(f->on_delete, bad);
	d->on_update = dup_into(f->on_update, bad);
}

static void index_copy(schema_index *d, const schema_index *x, int *bad)
{
	size_t i;

	*d = *x;
	d->name = dup_into(x->name, bad);
	d->table = dup_into(x->table, bad);
	d->where = dup_into(x->where, bad);
	d->terms = x->nterms ? calloc(x->nterms, sizeof(*d->terms)) : NULL;
	d->capterms = d->nterms = d->terms ? x->nterms : 0;
	if (x->nterms && !d->terms)
		*bad = 1;
	for (i = 0; i < d->nterms; i++) {
		d->terms[i] = x->terms[i];
		d->terms[i].column = dup_into(x->terms[i].column, bad);
		d->terms[i].expr = dup_into(x->terms[i].expr, bad);
		d->terms[i].collate = dup_into(x->terms[i].collate, bad);
	}
}

/* calloc'd array of `n` items, or NULL (and *bad) on failure */
static void *copy_array(size_t n, size_t size, size_t *count, size_t *cap, int *bad)
{
	void *v = n ? calloc(n, size) : NULL;

	*count = 0;
	*cap = v ? n : 0;
	if (n && !v)
		*bad = 1;
	return v;
}

int retort_schema_table_copy(schema_table *d, const schema_table *t)
{
	int bad = 0;
	size_t i;

	memset(d, 0, sizeof(*d));
	d->name = dup_into(t->name, &bad);
	d->pk_name = dup_into(t->pk_name, &bad);
	d->pk_conflict = dup_into(t->pk_conflict, &bad);
	d->autoincrement = t->autoincrement;
	d->without_rowid = t->without_rowid;
	d->strict = t->strict;
	d->virtual_using = dup_into(t->virtual_using, &bad);
	d->renamed_from = dup_into(t->renamed_from, &bad);
	d->loc = t->loc;
	d->pk_loc = t->pk_loc;
	d->columns = copy_array(t->ncolumns, sizeof(*d->columns), &d->ncolumns, &d->capcolumns, &bad);
	for (i = 0; d->columns && i < t->ncolumns; i++, d->ncolumns++)
		retort_schema_column_copy(&d->columns[i], &t->columns[i], &bad);
	d->uniques = copy_array(t->nuniques, sizeof(*d->uniques), &d->nuniques, &d->capuniques, &bad);
	for (i = 0; d->uniques && i < t->nuniques; i++, d->nuniques++)
		retort_schema_unique_copy(&d->uniques[i], &t->uniques[i], &bad);
	d->fks = copy_array(t->nfks, sizeof(*d->fks), &d->nfks, &d->capfks, &bad);
	for (i = 0; d->fks && i < t->nfks; i++, d->nfks++)
		retort_schema_fk_copy(&d->fks[i], &t->fks[i], &bad);
	d->checks = copy_array(t->nchecks, sizeof(*d->checks), &d->nchecks, &d->capchecks, &bad);
	for (i = 0; d->checks && i < t->nchecks; i++, d->nchecks++)
		retort_schema_check_copy(&d->checks[i], &t->checks[i], &bad);
	d->indexes = copy_array(t->nindexes, sizeof(*d->indexes), &d->nindexes, &d->capindexes, &bad);
	for (i = 0; d->indexes && i < t->nindexes; i++, d->nindexes++)
		index_copy(&d->indexes[i], &t->indexes[i], &bad);
	return bad ? -1 : 0;
}

schema_table *retort_schema_find_table(const schema *s, const char *name)
{
	size_t i, lo = 0, hi = s->ntables;

	/* a look-up per table (diff, plan) must not make many tables quadratic */
	while (s->sorted && name && lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = sqlite3_stricmp(s->tables[mid].name, name);
		if (c == 0)
			return &s->tables[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (s->sorted && name)
		return NULL;
	for (i = 0; i < s->ntables; i++)
		if (retort_name_eq(s->tables[i].name, name))
			return &s->tables[i];
	return NULL;
}

schema_column *retort_schema_find_column(const schema_table *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->ncolumns; i++)
		if (retort_name_eq(t->columns[i].name, name))
			return &t->columns[i];
	return NULL;
}

const schema_view *retort_schema_find_view(const schema *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->nviews; i++)
		if (retort_name_eq(s->views[i].name, name))
			return &s->views[i];
	return NULL;
}

int retort_schema_column_is_rowid_alias(const schema_table *t, const schema_column *col)
{
	size_t i, npk = 0;

	if (t->without_rowid || t->virtual_using || col->pk != 1 || col->pk_desc)
		return 0;
	for (i = 0; i < t->ncolumns; i++)
		if (t->columns[i].pk)
			npk++;
	return npk == 1 && sqlite3_stricmp(col->type, "INTEGER") == 0;
}

const char *retort_schema_implied_collation(const schema_table *t, const char *column)
{
	const schema_column *c = t ? retort_schema_find_column(t, column) : NULL;

	return c && c->collate ? c->collate : "BINARY";
}

const char *retort_schema_unique_collate(const schema_table *t, const schema_unique *u, size_t i)
{
	if (i < u->collates.n && *u->collates.v[i])
		return u->collates.v[i];
	return retort_schema_implied_collation(t, u->columns.v[i]);
}

const char *retort_schema_pk_collate(const schema_column *c)
{
	return c->pk_collate ? c->pk_collate : c->collate ? c->collate : "BINARY";
}

const char *retort_schema_conflict_action(const char *word, size_t n, int *ok)
{
	static const char *const actions[] = { "ROLLBACK", "ABORT", "FAIL", "IGNORE",
		"REPLACE", NULL };
	const char *const *a;

	*ok = 1;
	for (a = actions; *a; a++)
		if (strlen(*a) == n && sqlite3_strnicmp(word, *a, (int)n) == 0)
			return strcmp(*a, "ABORT") == 0 ? NULL : *a;
	*ok = 0;
	return NULL;
}

const char *retort_schema_source_of(const schema *s, const char *path)
{
	size_t i;

	for (i = 0; path && i < s->paths.n; i++)
		if (strcmp(s->paths.v[i], path) == 0)
			return s->sources.v[i];
	return NULL;
}

/* ---- canonical order ---------------------------------------------- */

static int cmp_table(const void *a, const void *b)
{
	return retort_name_cmp(((const schema_table *)a)->name, ((const schema_table *)b)->name);
}

static int cmp_view(const void *a, const void *b)
{
	return retort_name_cmp(((const schema_view *)a)->name, ((const schema_view *)b)->name);
}

static int cmp_trigger(const void *a, const void *b)
{
	return retort_name_cmp(((const schema_trigger *)a)->name, ((const schema_trigger *)b)->name);
}

static int cmp_index(const void *a, const void *b)
{
	return retort_name_cmp(((const schema_index *)a)->name, ((const schema_index *)b)->name);
}

static int cmp_str_list(const str_list *a, const str_list *b)
{
	size_t i;

	for (i = 0; i < a->n && i < b->n; i++) {
		int c = retort_name_cmp(a->v[i], b->v[i]);
		if (c)
			return c;
	}
	return a->n < b->n ? -1 : a->n > b->n;
}

static int cmp_opt_name(const char *a, const char *b)
{
	if (!a || !b)
		return a ? 1 : b ? -1 : 0;
	return retort_name_cmp(a, b);
}

static int cmp_unique(const void *a, const void *b)
{
	const schema_unique *x = a, *y = b;
	int c = cmp_str_list(&x->columns, &y->columns);
	size_t i;

	if (!c)
		c = cmp_opt_name(x->name, y->name);
	/* keys on the same columns may differ in their terms and actions */
	if (!c)
		c = cmp_str_list(&x->collates, &y->collates);
	for (i = 0; !c && i < x->columns.n; i++)
		c = (x->desc ? x->desc[i] : 0) - (y->desc ? y->desc[i] : 0);
	return c ? c : cmp_opt_name(x->on_conflict, y->on_conflict);
}

static int cmp_fk(const void *a, const void *b)
{
	const schema_fk *x = a, *y = b;
	int c = cmp_str_list(&x->columns, &y->columns);
	if (!c)
		c = retort_name_cmp(x->table, y->table);
	if (!c)
		c = cmp_str_list(&x->ref_columns, &y->ref_columns);
	if (!c)
		c = cmp_opt_name(x->name, y->name);
	/* two keys may differ only in their actions: order them by those too */
	if (!c)
		c = cmp_opt_name(x->on_delete, y->on_delete);
	if (!c)
		c = cmp_opt_name(x->on_update, y->on_update);
	return c ? c : x->deferred - y->deferred;
}

/* qsort with NULL is undefined even for zero items */
static void sort_items(void *items, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(items, n, size, cmp);
}

void retort_schema_table_sort(schema_table *t)
{
	sort_items(t->indexes, t->nindexes, sizeof(*t->indexes), cmp_index);
	sort_items(t->uniques, t->nuniques, sizeof(*t->uniques), cmp_unique);
	sort_items(t->fks, t->nfks, sizeof(*t->fks), cmp_fk);
}

void retort_schema_sort(schema *s)
{
	size_t i;

	sort_items(s->tables, s->ntables, sizeof(*s->tables), cmp_table);
	sort_items(s->views, s->nviews, sizeof(*s->views), cmp_view);
	sort_items(s->triggers, s->ntriggers, sizeof(*s->triggers), cmp_trigger);
	for (i = 0; i < s->ntables; i++)
		retort_schema_table_sort(&s->tables[i]);
	s->sorted = 1;
}

/* ---- comparison ----------------------------------------------------- */

/* Each comparison returns 1 when equal, else 0 with the reason in `why`. */

static int differ(retort_buf *why, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int differ(retort_buf *why, const char *fmt, ...)
{
	va_list ap;

	if (!why)
		return 0;
	va_start(ap, fmt);
	retort_buf_vprintf(why, fmt, ap);
	va_end(ap);
	return 0;
}

#define OR_NONE(s) ((s) ? (s) : "(none)")

static int check_equal(sqlsame *same, const char *table, const schema_check *a,
	const schema_check *b)
{
	return cmp_opt_name(a->name, b->name) == 0 && retort_sqlsame_expr(same, table, a->expr, b->expr);
}

/* CHECK constraints compare as a multiset: where they are written (on a
** column or on the table) does not change what SQLite enforces. Their names
** count: SQLite reports a failed CHECK by its name. */
static int checks_equal(sqlsame *same, const schema_table *a, const schema_table *b,
	retort_buf *why)
{
	size_t i, j;
	char *used;
	int ok = 1;

	if (a->nchecks != b->nchecks)
		return differ(why, "table '%s': %zu CHECK constraints, other has %zu",
			a->name, a->nchecks, b->nchecks);
	used = calloc(b->nchecks + 1, 1);
	if (!used)
		return differ(why, "out of memory");
	for (i = 0; i < a->nchecks && ok; i++) {
		for (j = 0; j < b->nchecks; j++)
			if (!used[j] && check_equal(same, b->name, &a->checks[i], &b->checks[j]))
				break;
		if (j == b->nchecks)
			ok = differ(why, "table '%s': CHECK %s(%s) has no match", a->name,
				a->checks[i].name ? a->checks[i].name : "", a->checks[i].expr);
		else
			used[j] = 1;
	}
	free(used);
	return ok;
}

int retort_schema_column_equal(sqlsame *same, const schema_table *ta, const schema_column *a,
	const schema_column *b, retort_buf *why)
{
	const char *t = ta->name, *c = a->name;
	int nn_a = a->notnull, nn_b = b->notnull;

	if (strcmp(a->name, b->name) != 0)
		return differ(why, "table '%s': column '%s' is '%s' on the other side", t, c, b->name);
	if (!retort_sql_equal(a->type, b->type))
		return differ(why, "table '%s': column '%s': type '%s' != '%s'", t, c, a->type, b->type);
	/* a rowid alias can never hold NULL, however it is declared */
	if (retort_schema_column_is_rowid_alias(ta, a))
		nn_a = nn_b = 1;
	if (nn_a != nn_b)
		return differ(why, "table '%s': column '%s': NOT NULL %d != %d", t, c, nn_a, nn_b);
	/* SQLite never checks NOT NULL on the rowid */
	if (nn_a && !retort_schema_column_is_rowid_alias(ta, a) &&
	    cmp_opt_name(a->notnull_conflict, b->notnull_conflict) != 0)
		return differ(why, "table '%s': column '%s': NOT NULL ON CONFLICT %s != %s", t, c,
			OR_NONE(a->notnull_conflict), OR_NONE(b->notnull_conflict));
	if (!retort_sqlsame_expr(same, NULL, a->default_sql, b->default_sql))
		return differ(why, "table '%s': column '%s': default %s != %s", t, c,
			OR_NONE(a->default_sql), OR_NONE(b->default_sql));
	if (!retort_name_eq(a->collate, b->collate))
		return differ(why, "table '%s': column '%s': collation %s != %s", t, c,
			OR_NONE(a->collate), OR_NONE(b->collate));
	if (a->pk != b->pk)
		return differ(why, "table '%s': column '%s': primary key position %d != %d",
			t, c, a->pk, b->pk);
	if (a->pk && (a->pk_desc != b->pk_desc ||
	    !retort_name_eq(retort_schema_pk_collate(a), retort_schema_pk_collate(b))))
		return differ(why, "table '%s': column '%s': primary key term %s%s != %s%s", t, c,
			retort_schema_pk_collate(a), a->pk_desc ? " DESC" : "", retort_schema_pk_collate(b),
			b->pk_desc ? " DESC" : "");
	if (a->generated != b->generated ||
	    !retort_sqlsame_expr(same, ta->name, a->generated_sql, b->generated_sql))
		return differ(why, "table '%s': column '%s': generated %s != %s", t, c,
			OR_NONE(a->generated_sql), OR_NONE(b->generated_sql));
	return 1;
}

static int str_lists_differ(const char *t, const char *what, const str_list *a,
	const str_list *b, retort_buf *why)
{
	return !retort_str_list_equal_nocase(a, b) &&
		!differ(why, "table '%s': %s columns differ (%s%s vs %s%s)", t, what,
			a->n ? a->v[0] : "", a->n > 1 ? ", ..." : "", b->n ? b->v[0] : "",
			b->n > 1 ? ", ..." : "");
}

int retort_schema_index_equal(sqlsame *same, const schema_index *a, const schema_index *b,
	retort_buf *why)
{
	size_t i;

	if (!retort_name_eq(a->name, b->name))
		return differ(why, "index '%s' is '%s' on the other side", a->name, b->name);
	if (a->unique != b->unique)
		return differ(why, "index '%s': unique %d != %d", a->name, a->unique, b->unique);
	if (!retort_sqlsame_expr(same, b->table, a->where, b->where))
		return differ(why, "index '%s': WHERE %s != %s", a->name, OR_NONE(a->where),
			OR_NONE(b->where));
	if (a->nterms != b->nterms)
		return differ(why, "index '%s': %zu terms != %zu", a->name, a->nterms, b->nterms);
	for (i = 0; i < a->nterms; i++) {
		const schema_index_term *x = &a->terms[i], *y = &b->terms[i];
		if (!retort_name_eq(x->column, y->column) || !retort_sqlsame_expr(same, b->table, x->expr, y->expr) ||
		    x->desc != y->desc || !retort_name_eq(x->collate, y->collate))
			return differ(why, "index '%s': term %zu differs (%s vs %s)", a->name, i + 1,
				x->column ? x->column : OR_NONE(x->expr),
				y->column ? y->column : OR_NONE(y->expr));
	}
	return 1;
}

/* Same collations, orders and ON CONFLICT; the columns are compared already. */
static int unique_terms_equal(const schema_table *ta, const schema_unique *a,
	const schema_table *tb, const schema_unique *b)
{
	size_t i;

	for (i = 0; i < a->columns.n; i++)
		if ((a->desc ? a->desc[i] : 0) != (b->desc ? b->desc[i] : 0) ||
		    !retort_name_eq(retort_schema_unique_collate(ta, a, i), retort_schema_unique_collate(tb, b, i)))
			return 0;
	return cmp_opt_name(a->on_conflict, b->on_conflict) == 0;
}

int retort_schema_table_def_equal(sqlsame *same, const schema_table *a, const schema_table *b,
	retort_buf *why)
{
	const char *t = a->name;
	size_t i;

	if (strcmp(a->name, b->name) != 0)
		return differ(why, "table '%s' is '%s' on the other side", t, b->name);
	if (a->strict != b->strict || a->without_rowid != b->without_rowid ||
	    a->autoincrement != b->autoincrement)
		return differ(why, "table '%s': STRICT/WITHOUT ROWID/AUTOINCREMENT differ", t);
	if (!retort_sql_equal(a->virtual_using, b->virtual_using))
		return differ(why, "table '%s': virtual table USING %s != %s", t,
			OR_NONE(a->virtual_using), OR_NONE(b->virtual_using));
	if (cmp_opt_name(a->pk_name, b->pk_name) != 0)
		return differ(why, "table '%s': primary key name %s != %s", t,
			OR_NONE(a->pk_name), OR_NONE(b->pk_name));
	if (cmp_opt_name(a->pk_conflict, b->pk_conflict) != 0)
		return differ(why, "table '%s': primary key ON CONFLICT %s != %s", t,
			OR_NONE(a->pk_conflict), OR_NONE(b->pk_conflict));
	if (a->ncolumns != b->ncolumns)
		return differ(why, "table '%s': %zu columns != %zu", t, a->ncolumns, b->ncolumns);
	for (i = 0; i < a->ncolumns; i++)
		if (!retort_schema_column_equal(same, a, &a->columns[i], &b->columns[i], why))
			return 0;
	if (a->nuniques != b->nuniques)
		return differ(why, "table '%s': %zu UNIQUE constraints != %zu", t,
			a->nuniques, b->nuniques);
	for (i = 0; i < a->nuniques; i++) {
		if (str_lists_differ(t, "UNIQUE", &a->uniques[i].columns, &b->uniques[i].columns, why))
			return 0;
		if (cmp_opt_name(a->uniques[i].name, b->uniques[i].name) != 0)
			return differ(why, "table '%s': UNIQUE constraint name %s != %s", t,
				OR_NONE(a->uniques[i].name), OR_NONE(b->uniques[i].name));
		if (!unique_terms_equal(a, &a->uniques[i], b, &b->uniques[i]))
			return differ(why, "table '%s': UNIQUE (%s%s) terms or ON CONFLICT differ", t,
				a->uniques[i].columns.v[0], a->uniques[i].columns.n > 1 ? ", ..." : "");
	}
	if (a->nfks != b->nfks)
		return differ(why, "table '%s': %zu foreign keys != %zu", t, a->nfks, b->nfks);
	for (i = 0; i < a->nfks; i++) {
		const schema_fk *x = &a->fks[i], *y = &b->fks[i];
		if (str_lists_differ(t, "foreign key", &x->columns, &y->columns, why) ||
		    str_lists_differ(t, "referenced", &x->ref_columns, &y->ref_columns, why))
			return 0;
		if (!retort_name_eq(x->table, y->table) || !retort_name_eq(x->on_delete, y->on_delete) ||
		    !retort_name_eq(x->on_update, y->on_update) || x->deferred != y->deferred ||
		    cmp_opt_name(x->name, y->name) != 0)
			return differ(why, "table '%s': foreign key to '%s' differs", t, x->table);
	}
	return checks_equal(same, a, b, why);
}

static int tables_equal(sqlsame *same, const schema_table *a, const schema_table *b,
	retort_buf *why)
{
	size_t i;

	if (!retort_schema_table_def_equal(same, a, b, why))
		return 0;
	if (a->nindexes != b->nindexes)
		return differ(why, "table '%s': %zu indexes != %zu", a->name, a->nindexes, b->nindexes);
	for (i = 0; i < a->nindexes; i++)
		if (!retort_schema_index_equal(same, &a->indexes[i], &b->indexes[i], why))
			return 0;
	return 1;
}

int retort_schema_view_equal(sqlsame *same, const schema_view *x, const schema_view *y)
{
	return strcmp(x->name, y->name) == 0 && retort_sqlsame_view(same, x, y);
}

int retort_schema_trigger_equal(sqlsame *same, const schema_trigger *x, const schema_trigger *y)
{
	return strcmp(x->name, y->name) == 0 && retort_name_eq(x->table, y->table) &&
		retort_sqlsame_trigger(same, x, y);
}

static int schemas_equal(sqlsame *same, const schema *a, const schema *b, retort_buf *why)
{
	size_t i;

	if (a->ntables != b->ntables)
		return differ(why, "%zu tables != %zu", a->ntables, b->ntables);
	for (i = 0; i < a->ntables; i++)
		if (!tables_equal(same, &a->tables[i], &b->tables[i], why))
			return 0;
	if (a->nviews != b->nviews)
		return differ(why, "%zu views != %zu", a->nviews, b->nviews);
	for (i = 0; i < a->nviews; i++)
		if (!retort_schema_view_equal(same, &a->views[i], &b->views[i]))
			return differ(why, "view '%s' differs", a->views[i].name);
	if (a->ntriggers != b->ntriggers)
		return differ(why, "%zu triggers != %zu", a->ntriggers, b->ntriggers);
	for (i = 0; i < a->ntriggers; i++)
		if (!retort_schema_trigger_equal(same, &a->triggers[i], &b->triggers[i]))
			return differ(why, "trigger '%s' differs", a->triggers[i].name);
	return 1;
}

int retort_schema_equal(int *equal_out, char **why_out, const retort_schema *a,
	const retort_schema *b, retort_error **err)
{
	retort_buf reason = RETORT_BUF_INIT;
	sqlsame *same = retort_sqlsame_new(b);
	int rc = 0;

	*equal_out = same ? schemas_equal(same, a, b, &reason) : 0;
	if (why_out)
		*why_out = NULL;
	if (!same)
		rc = retort_error_oom(err);
	else if (why_out && !*equal_out && !(*why_out = retort_buf_detach(&reason)))
		rc = retort_error_oom(err);
	retort_sqlsame_free(same);
	retort_buf_release(&reason);
	return rc;
}

size_t retort_schema_table_count(const retort_schema *s)
{
	return s->ntables;
}

size_t retort_schema_view_count(const retort_schema *s)
{
	return s->nviews;
}

size_t retort_schema_trigger_count(const retort_schema *s)
{
	return s->ntriggers;
}

size_t retort_schema_index_count(const retort_schema *s)
{
	size_t i, n = 0;

	for (i = 0; i < s->ntables; i++)
		n += s->tables[i].nindexes;
	return n;
}
