/*
** render.c: CREATE statements from schema objects (render.h).
*/
#include "render.h"
#include "sqltok.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

void retort_render_spans_release(render_spans *spans)
{
	free(spans->v);
	memset(spans, 0, sizeof(*spans));
}

const render_span *retort_render_spans_find(const render_spans *spans, size_t offset)
{
	const render_span *best = NULL;
	size_t i;

	for (i = 0; i < spans->n; i++) {
		const render_span *s = &spans->v[i];
		if (offset >= s->start && offset <= s->end && s->loc && s->loc->line &&
		    (!best || s->end - s->start < best->end - best->start))
			best = s;
	}
	return best;
}

/* User SQL spliced into a statement: a trailing "-- comment" would swallow
** what follows it on the line, so end such text with a newline. */
static void put_sql(retort_buf *b, const char *sql)
{
	retort_buf_puts(b, sql);
	if (strstr(sql, "--"))
		retort_buf_putc(b, '\n');
}

static size_t span_open(const retort_buf *b)
{
	return b->len;
}

static void span_close(render_spans *spans, const retort_buf *b, size_t start,
	const src_loc *loc)
{
	render_span *s;

	if (!spans || !loc)
		return;
	s = ARRAY_PUSH(spans->v, spans->n, spans->cap);
	if (s) {
		s->start = start;
		s->end = b->len;
		s->loc = loc;
	}
}

void retort_render_default(retort_buf *b, const char *sql)
{
	/* anything but a literal is wrapped in (...), since PRAGMA table_info
	** reports DEFAULT (1 + 2) as "1 + 2" */
	if (retort_sql_is_literal(sql, 1)) {
		retort_buf_puts(b, sql);
	} else {
		retort_buf_putc(b, '(');
		put_sql(b, sql);
		retort_buf_putc(b, ')');
	}
}

static void render_name_list(retort_buf *b, const str_list *names)
{
	size_t i;

	retort_buf_putc(b, '(');
	for (i = 0; i < names->n; i++) {
		if (i)
			retort_buf_puts(b, ", ");
		retort_buf_ident(b, names->v[i]);
	}
	retort_buf_putc(b, ')');
}

static void render_constraint_name(retort_buf *b, const char *name)
{
	if (name) {
		retort_buf_puts(b, "CONSTRAINT ");
		retort_buf_ident(b, name);
		retort_buf_putc(b, ' ');
	}
}

static void render_fk_tail(retort_buf *b, const schema_fk *fk)
{
	retort_buf_puts(b, "REFERENCES ");
	retort_buf_ident(b, fk->table);
	if (fk->ref_columns.n) {
		retort_buf_putc(b, ' ');
		render_name_list(b, &fk->ref_columns);
	}
	if (fk->on_delete && strcasecmp(fk->on_delete, "NO ACTION") != 0)
		retort_buf_printf(b, " ON DELETE %s", fk->on_delete);
	if (fk->on_update && strcasecmp(fk->on_update, "NO ACTION") != 0)
		retort_buf_printf(b, " ON UPDATE %s", fk->on_update);
	if (fk->deferred)
		retort_buf_puts(b, " DEFERRABLE INITIALLY DEFERRED");
}

static void render_check(retort_buf *b, const schema_check *ck, render_spans *spans)
{
	size_t start = span_open(b);

	render_constraint_name(b, ck->name);
	retort_buf_puts(b, "CHECK (");
	put_sql(b, ck->expr);
	retort_buf_putc(b, ')');
	span_close(spans, b, start, &ck->loc);
}

static size_t pk_count(const schema_table *t)
{
	size_t i, n = 0;

	for (i = 0; i < t->ncolumns; i++)
		if (t->columns[i].pk)
			n++;
	return n;
}

static int is_inline_fk(const schema_fk *fk)
{
	return fk->columns.n == 1 && !fk->name;
}

/* "name [COLLATE c] [DESC]": a key's term; `collate` only where it is not
** the one the column implies. */
static void render_key_term(retort_buf *b, const schema_table *t, const char *column,
	const char *collate, int desc)
{
	retort_buf_ident(b, column);
	if (collate && !retort_name_eq(collate, retort_schema_implied_collation(t, column))) {
		retort_buf_puts(b, " COLLATE ");
		retort_buf_ident(b, collate);
	}
	if (desc)
		retort_buf_puts(b, " DESC");
}

static void render_conflict(retort_buf *b, const char *action)
{
	if (action)
		retort_buf_printf(b, " ON CONFLICT %s", action);
}

/* Only a table constraint can give a term its own collation or order. */
static int is_inline_unique(const schema_table *t, const schema_unique *u)
{
	return u->columns.n == 1 && !u->name && !(u->desc && u->desc[0]) &&
		retort_name_eq(retort_schema_unique_collate(t, u, 0), retort_schema_implied_collation(t, u->columns.v[0]));
}

/* Is the primary key written on its column? A term's own collation needs
** the table constraint, but there SQLite reads PRIMARY KEY(id DESC) as the
** rowid alias, so DESC and AUTOINCREMENT stay on the column. */
static int is_inline_pk(const schema_table *t)
{
	size_t i;

	if (pk_count(t) != 1)
		return 0;
	for (i = 0; i < t->ncolumns; i++)
		if (t->columns[i].pk)
			return t->autoincrement || !t->columns[i].pk_collate ||
				retort_name_eq(t->columns[i].pk_collate,
					retort_schema_implied_collation(t, t->columns[i].name));
	return 0;
}

void retort_render_column(retort_buf *b, const schema_table *t, const schema_column *c,
	render_spans *spans)
{
	size_t i, start = span_open(b), sub;

	retort_buf_ident(b, c->name);
	if (c->type && *c->type) {
		retort_buf_putc(b, ' ');
		retort_buf_puts(b, c->type);
	}
	if (c->pk && is_inline_pk(t)) {
		retort_buf_putc(b, ' ');
		render_constraint_name(b, t->pk_name);
		retort_buf_puts(b, "PRIMARY KEY");
		if (c->pk_desc)
			retort_buf_puts(b, " DESC");
		render_conflict(b, t->pk_conflict);
		if (t->autoincrement)
			retort_buf_puts(b, " AUTOINCREMENT");
	}
	if (c->notnull && !retort_schema_column_is_rowid_alias(t, c)) {
		retort_buf_puts(b, " NOT NULL");
		render_conflict(b, c->notnull_conflict);
	}
	if (c->default_sql) {
		retort_buf_puts(b, " DEFAULT ");
		sub = span_open(b);
		retort_render_default(b, c->default_sql);
		span_close(spans, b, sub, &c->default_loc);
	}
	if (c->collate) {
		retort_buf_puts(b, " COLLATE ");
		retort_buf_ident(b, c->collate);
	}
	if (c->generated) {
		retort_buf_puts(b, " GENERATED ALWAYS AS (");
		sub = span_open(b);
		put_sql(b, c->generated_sql);
		span_close(spans, b, sub, &c->generated_loc);
		retort_buf_puts(b, c->generated == GENERATED_STORED ? ") STORED" : ") VIRTUAL");
	}
	for (i = 0; i < t->nuniques; i++) {
		if (is_inline_unique(t, &t->uniques[i]) &&
		    retort_name_eq(t->uniques[i].columns.v[0], c->name)) {
			sub = span_open(b);
			retort_buf_puts(b, " UNIQUE");
			render_conflict(b, t->uniques[i].on_conflict);
			span_close(spans, b, sub, &t->uniques[i].loc);
		}
	}
	for (i = 0; i < t->nchecks; i++) {
		if (t->checks[i].column && retort_name_eq(t->checks[i].column, c->name)) {
			retort_buf_putc(b, ' ');
			render_check(b, &t->checks[i], spans);
		}
	}
	for (i = 0; i < t->nfks; i++) {
		if (is_inline_fk(&t->fks[i]) && retort_name_eq(t->fks[i].columns.v[0], c->name)) {
			retort_buf_putc(b, ' ');
			sub = span_open(b);
			render_fk_tail(b, &t->fks[i]);
			span_close(spans, b, sub, &t->fks[i].loc);
		}
	}
	span_close(spans, b, start, &c->loc);
}

void retort_render_create_table(retort_buf *b, const schema_table *t, render_spans *spans)
{
	retort_render_create_table_as(b, t, t->name, spans);
}

void retort_render_create_table_as(retort_buf *b, const schema_table *t, const char *name,
	render_spans *spans)
{
	size_t i, start = span_open(b), npk = pk_count(t);
	const char *sep = "\n  ";

	retort_buf_puts(b, t->virtual_using ? "CREATE VIRTUAL TABLE " : "CREATE TABLE ");
	retort_buf_ident(b, name);
	if (t->virtual_using) {
		retort_buf_puts(b, " USING ");
		retort_buf_puts(b, t->virtual_using);
		span_close(spans, b, start, &t->loc);
		return;
	}
	retort_buf_puts(b, " (");
	for (i = 0; i < t->ncolumns; i++) {
		retort_buf_puts(b, sep);
		sep = ",\n  ";
		retort_render_column(b, t, &t->columns[i], spans);
	}
	if (npk && !is_inline_pk(t)) {
		size_t pos;
		retort_buf_puts(b, sep);
		render_constraint_name(b, t->pk_name);
		retort_buf_puts(b, "PRIMARY KEY (");
		for (pos = 1; pos <= npk; pos++) {
			for (i = 0; i < t->ncolumns; i++) {
				const schema_column *c = &t->columns[i];
				if ((size_t)c->pk == pos) {
					if (pos > 1)
						retort_buf_puts(b, ", ");
					render_key_term(b, t, c->name, c->pk_collate, c->pk_desc);
				}
			}
		}
		retort_buf_putc(b, ')');
		render_conflict(b, t->pk_conflict);
	}
	for (i = 0; i < t->nuniques; i++) {
		const schema_unique *u = &t->uniques[i];
		size_t sub, j;
		if (is_inline_unique(t, u))
			continue;
		retort_buf_puts(b, sep);
		sub = span_open(b);
		render_constraint_name(b, u->name);
		retort_buf_puts(b, "UNIQUE (");
		for (j = 0; j < u->columns.n; j++) {
			if (j)
				retort_buf_puts(b, ", ");
			render_key_term(b, t, u->columns.v[j], retort_schema_unique_collate(t, u, j),
				u->desc && u->desc[j]);
		}
		retort_buf_putc(b, ')');
		render_conflict(b, u->on_conflict);
		span_close(spans, b, sub, &u->loc);
	}
	for (i = 0; i < t->nchecks; i++) {
		if (t->checks[i].column)
			continue;
		retort_buf_puts(b, sep);
		render_check(b, &t->checks[i], spans);
	}
	for (i = 0; i < t->nfks; i++) {
		size_t sub;
		if (is_inline_fk(&t->fks[i]))
			continue;
		retort_buf_puts(b, sep);
		sub = span_open(b);
		render_constraint_name(b, t->fks[i].name);
		retort_buf_puts(b, "FOREIGN KEY ");
		render_name_list(b, &t->fks[i].columns);
		retort_buf_putc(b, ' ');
		render_fk_tail(b, &t->fks[i]);
		span_close(spans, b, sub, &t->fks[i].loc);
	}
	retort_buf_puts(b, "\n)");
	if (t->without_rowid)
		retort_buf_puts(b, " WITHOUT ROWID");
	if (t->strict)
		retort_buf_puts(b, t->without_rowid ? ", STRICT" : " STRICT");
	span_close(spans, b, start, &t->loc);
}

void retort_render_index_term(retort_buf *b, const schema_index_term *term, const schema_table *t)
{
	if (term->column) {
		render_key_term(b, t, term->column, term->collate, term->desc);
		return;
	}
	put_sql(b, term->expr);
	if (term->desc)
		retort_buf_puts(b, " DESC");
}

void retort_render_create_index(retort_buf *b, const schema_index *ix, const schema_table *t,
	render_spans *spans)
{
	size_t i, start = span_open(b), sub;

	retort_buf_puts(b, ix->unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ");
	retort_buf_ident(b, ix->name);
	retort_buf_puts(b, " ON ");
	retort_buf_ident(b, ix->table);
	retort_buf_puts(b, " (");
	for (i = 0; i < ix->nterms; i++) {
		if (i)
			retort_buf_puts(b, ", ");
		retort_render_index_term(b, &ix->terms[i], t);
	}
	retort_buf_putc(b, ')');
	if (ix->where) {
		retort_buf_puts(b, " WHERE ");
		sub = span_open(b);
		put_sql(b, ix->where);
		span_close(spans, b, sub, &ix->where_loc);
	}
	span_close(spans, b, start, &ix->loc);
}

void retort_render_create_view(retort_buf *b, const schema_view *v)
{
	if (v->has_column_list) {
		put_sql(b, v->sql);
		return;
	}
	retort_buf_puts(b, "CREATE VIEW ");
	retort_buf_ident(b, v->name);
	retort_buf_puts(b, " AS ");
	put_sql(b, v->select);
}

int retort_schema_to_sql(char **out, const retort_schema *s, retort_error **err)
{
	retort_buf b = RETORT_BUF_INIT;
	size_t i, j;

	*out = NULL;
	for (i = 0; i < s->ntables; i++) {
		retort_render_create_table(&b, &s->tables[i], NULL);
		retort_buf_puts(&b, ";\n");
		for (j = 0; j < s->tables[i].nindexes; j++) {
			retort_render_create_index(&b, &s->tables[i].indexes[j], &s->tables[i], NULL);
			retort_buf_puts(&b, ";\n");
		}
	}
	for (i = 0; i < s->nviews; i++) {
		retort_render_create_view(&b, &s->views[i]);
		retort_buf_puts(&b, ";\n");
	}
	for (i = 0; i < s->ntriggers; i++) {
		put_sql(&b, s->triggers[i].sql);
		retort_buf_puts(&b, ";\n");
	}
	*out = retort_buf_detach(&b);
	return *out ? 0 : retort_error_oom(err);
}
