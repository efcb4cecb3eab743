/*
** inspect.c: a schema written as model YAML that loads back to the same
** schema (retort_schema_to_yaml), so existing databases can adopt retort.
*/
#include "render.h"
#include "schema.h"
#include "sqltok.h"
#include "ydoc.h"

#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

typedef struct emitter {
	ywriter *w;
	int rc;
} emitter;

static void key(emitter *e, const char *k)
{
	if (!e->rc)
		e->rc = retort_ywriter_scalar(e->w, k, YS_ANY);
}

static void str(emitter *e, const char *k, const char *v)
{
	key(e, k);
	if (!e->rc)
		e->rc = retort_ywriter_scalar(e->w, v, YS_ANY);
}

static void plain(emitter *e, const char *k, const char *v)
{
	key(e, k);
	if (!e->rc)
		e->rc = retort_ywriter_scalar(e->w, v, YS_PLAIN);
}

static void map_start(emitter *e, int flow)
{
	if (!e->rc)
		e->rc = retort_ywriter_map_start(e->w, flow);
}

static void map_end(emitter *e)
{
	if (!e->rc)
		e->rc = retort_ywriter_map_end(e->w);
}

static void seq_start(emitter *e, int flow)
{
	if (!e->rc)
		e->rc = retort_ywriter_seq_start(e->w, flow);
}

static void seq_end(emitter *e)
{
	if (!e->rc)
		e->rc = retort_ywriter_seq_end(e->w);
}

static void names(emitter *e, const str_list *l)
{
	size_t i;

	seq_start(e, 1);
	for (i = 0; i < l->n; i++)
		if (!e->rc)
			e->rc = retort_ywriter_scalar(e->w, l->v[i], YS_ANY);
	seq_end(e);
}

/* The string a single SQL string literal stands for, or NULL. */
static char *string_literal_value(const char *sql)
{
	sqltok t = retort_sqltok_at(sql);

	if (t.type != TK_STRING || t.n != strlen(sql))
		return NULL;
	return retort_sqltok_name(&t);
}

static void emit_default(emitter *e, const char *sql)
{
	char *text;

	if (sqlite3_stricmp(sql, "NULL") == 0) {
		plain(e, "default", "null");
	} else if (retort_ydoc_plain_is_number(sql) &&
		   retort_sqltok_at(sql[0] == '-' || sql[0] == '+' ? sql + 1 : sql).type == TK_NUMBER) {
		plain(e, "default", sql);
	} else if (sqlite3_stricmp(sql, "TRUE") == 0 || sqlite3_stricmp(sql, "FALSE") == 0) {
		plain(e, "default", sqlite3_stricmp(sql, "TRUE") == 0 ? "true" : "false");
	} else if ((text = string_literal_value(sql))) {
		str(e, "default", text);
		free(text);
	} else {
		key(e, "default");
		map_start(e, 1);
		str(e, "sql", sql);
		map_end(e);
	}
}

/* A foreign key that fits the column form `references:`. */
static int fk_fits_column(const schema_fk *fk)
{
	return fk->columns.n == 1 && fk->ref_columns.n == 1 && !fk->name;
}

static const char *action(const char *a)
{
	return a && sqlite3_stricmp(a, "NO ACTION") != 0 ? a : NULL;
}

static void emit_references(emitter *e, const schema_fk *fk)
{
	const char *del = action(fk->on_delete), *upd = action(fk->on_update);

	key(e, "references");
	/* `table.column` when that splits back into the same two names */
	if (!del && !upd && !fk->deferred && *fk->table && !strchr(fk->table, '.') &&
	    *fk->ref_columns.v[0] && !strchr(fk->ref_columns.v[0], '.')) {
		retort_buf b = RETORT_BUF_INIT;
		retort_buf_printf(&b, "%s.%s", fk->table, fk->ref_columns.v[0]);
		if (!e->rc)
			e->rc = retort_buf_oom(&b) ? -1 : retort_ywriter_scalar(e->w, b.ptr, YS_ANY);
		retort_buf_release(&b);
		return;
	}
	map_start(e, 1);
	str(e, "table", fk->table);
	str(e, "column", fk->ref_columns.v[0]);
	if (del)
		str(e, "on_delete", del);
	if (upd)
		str(e, "on_update", upd);
	if (fk->deferred)
		plain(e, "deferrable", "true");
	map_end(e);
}

static size_t pk_count(const schema_table *t)
{
	size_t i, n = 0;

	for (i = 0; i < t->ncolumns; i++)
		n += t->columns[i].pk != 0;
	return n;
}

/* What goes on the column, and what is left for the table's own lists. */
typedef struct placement {
	char *unique_on_column;   /* per unique: placed on its column */
	char *fk_on_column;
	char *check_on_column;
} placement;

/* Is the bare word at `tok` a column of `t` (a name that may be quoted),
** or, with `functions`, a function's name (followed by "(")? */
static int word_may_be_quoted(const sqltok *tok, const schema_table *t, int functions)
{
	const char *p = tok->z + tok->n;
	sqltok next;
	char *word;
	int found;

	if (sqlite3_keyword_check(tok->z, (int)tok->n))
		return 0;
	while ((next = retort_sqltok_at(p)).type == TK_SPACE || next.type == TK_COMMENT)
		p += next.n;
	if (functions && next.type == TK_LP)
		return 1;
	word = retort_xstrndup(tok->z, tok->n);
	found = word && retort_schema_find_column(t, word);
	free(word);
	return found;
}

/*
** An index term as a model entry. The loader reads an entry that names a
** column as that column, so SQL text that happens to spell a column's name
** (an expression `lower(name)` beside a column "lower(name)") is respelled
** as the same SQL: its column names quoted, then its function names too,
** and if it still spells a column's name, with a comment added.
*/
static void index_term_entry(retort_buf *out, const schema_index_term *term,
	const schema_table *t)
{
	retort_buf sql = RETORT_BUF_INIT;
	const char *p;
	sqltok tok;
	int functions;

	retort_render_index_term(&sql, term, t);
	/* a plain column term is written as the column's name */
	if (term->column && !term->desc && !strstr(sql.ptr, " COLLATE ")) {
		retort_buf_puts(out, term->column);
		retort_buf_release(&sql);
		return;
	}
	retort_buf_puts(out, sql.ptr);
	for (functions = 0; functions < 2 && retort_schema_find_column(t, out->ptr); functions++) {
		retort_buf_clear(out);
		for (p = sql.ptr; (tok = retort_sqltok_at(p)).type != TK_EOF; p += tok.n) {
			int quote = tok.type == TK_WORD && word_may_be_quoted(&tok, t, functions);
			if (quote)
				retort_buf_putc(out, '"');
			retort_buf_put(out, tok.z, tok.n);
			if (quote)
				retort_buf_putc(out, '"');
		}
	}
	while (!retort_buf_oom(out) && retort_schema_find_column(t, out->ptr))
		retort_buf_puts(out, " /* not a column name */");
	retort_buf_release(&sql);
}

/* A name in a key term: bare where SQLite reads it so. */
static void term_name(retort_buf *out, const char *name)
{
	if (retort_sql_name_is_plain(name))
		retort_buf_puts(out, name);
	else
		retort_buf_ident(out, name);
}

/* A primary key or UNIQUE term as a model entry (model.c's read_key_term):
** `name COLLATE NOCASE DESC`, or as an index's column term is written
** when that text would name a column. */
static void key_term(emitter *e, const schema_table *t, const char *column,
	const char *collate, int desc)
{
	schema_index_term term = { 0 };
	retort_buf out = RETORT_BUF_INIT;

	term.column = (char *)column;
	term.collate = (char *)collate;
	term.desc = desc;
	if (collate && !retort_name_eq(collate, retort_schema_implied_collation(t, column))) {
		term_name(&out, column);
		retort_buf_puts(&out, " COLLATE ");
		term_name(&out, collate);
	} else if (desc) {
		term_name(&out, column);
	}
	if (out.len && desc)
		retort_buf_puts(&out, " DESC");
	if (!out.len || retort_schema_find_column(t, out.ptr)) {
		retort_buf_clear(&out);
		index_term_entry(&out, &term, t);
	}
	if (!e->rc)
		e->rc = retort_buf_oom(&out) ? -1 : retort_ywriter_scalar(e->w, out.ptr, YS_ANY);
	retort_buf_release(&out);
}

static void unique_terms(emitter *e, const schema_table *t, const schema_unique *u)
{
	size_t i;

	seq_start(e, 1);
	for (i = 0; i < u->columns.n; i++)
		key_term(e, t, u->columns.v[i], retort_schema_unique_collate(t, u, i), u->desc && u->desc[i]);
	seq_end(e);
}

/* Does the table's one primary key column take `primary_key: true`? A term
** of its own collation or order needs the table's list. */
static int pk_on_column(const schema_table *t, const schema_column *c)
{
	return c->pk && pk_count(t) == 1 && !c->pk_desc &&
		retort_name_eq(retort_schema_pk_collate(c), retort_schema_implied_collation(t, c->name));
}

/* A UNIQUE that `unique: true` on its column can say. */
static int unique_on_column(const schema_table *t, const schema_unique *u)
{
	return !u->name && u->columns.n == 1 && !(u->desc && u->desc[0]) &&
		retort_name_eq(retort_schema_unique_collate(t, u, 0), retort_schema_implied_collation(t, u->columns.v[0]));
}

static void emit_column(emitter *e, const schema_table *t, size_t ci, placement *p)
{
	const schema_column *c = &t->columns[ci];
	int single_pk = pk_on_column(t, c), alias = retort_schema_column_is_rowid_alias(t, c);
	int default_notnull = c->pk != 0;
	size_t i;

	key(e, c->name);
	map_start(e, 1);
	if (*c->type)
		str(e, "type", c->type);
	if (single_pk)
		plain(e, "primary_key", "true");
	if (single_pk && t->autoincrement)
		plain(e, "autoincrement", "true");
	if (!alias && (c->notnull != default_notnull || (c->notnull && c->notnull_conflict)))
		plain(e, "nullable", c->notnull ? "false" : "true");
	if (!alias && c->notnull && c->notnull_conflict)
		plain(e, "not_null_on_conflict", c->notnull_conflict);
	if (c->default_sql)
		emit_default(e, c->default_sql);
	for (i = 0; i < t->nuniques; i++) {
		const schema_unique *u = &t->uniques[i];
		if (unique_on_column(t, u) && retort_name_eq(u->columns.v[0], c->name) &&
		    !p->unique_on_column[i]) {
			p->unique_on_column[i] = 1;
			plain(e, "unique", "true");
			if (u->on_conflict)
				plain(e, "unique_on_conflict", u->on_conflict);
			break;
		}
	}
	if (c->collate)
		str(e, "collate", c->collate);
	for (i = 0; i < t->nchecks; i++) {
		const schema_check *ck = &t->checks[i];
		if (!ck->name && ck->column && retort_name_eq(ck->column, c->name)) {
			p->check_on_column[i] = 1;
			str(e, "check", ck->expr);
			break;
		}
	}
	for (i = 0; i < t->nfks; i++) {
		const schema_fk *fk = &t->fks[i];
		if (fk_fits_column(fk) && retort_name_eq(fk->columns.v[0], c->name)) {
			p->fk_on_column[i] = 1;
			emit_references(e, fk);
			break;
		}
	}
	if (c->generated) {
		key(e, "generated");
		map_start(e, 1);
		str(e, "expr", c->generated_sql ? c->generated_sql : "NULL");
		if (c->generated == GENERATED_STORED)
			plain(e, "stored", "true");
		map_end(e);
	}
	map_end(e);
}

static void emit_uniques(emitter *e, const schema_table *t, const placement *p)
{
	size_t i, left = 0;

	for (i = 0; i < t->nuniques; i++)
		left += !p->unique_on_column[i];
	if (!left)
		return;
	key(e, "unique");
	seq_start(e, 0);
	for (i = 0; i < t->nuniques; i++) {
		if (p->unique_on_column[i])
			continue;
		if (t->uniques[i].name || t->uniques[i].on_conflict) {
			map_start(e, 1);
			if (t->uniques[i].name)
				str(e, "name", t->uniques[i].name);
			key(e, "columns");
			unique_terms(e, t, &t->uniques[i]);
			if (t->uniques[i].on_conflict)
				plain(e, "on_conflict", t->uniques[i].on_conflict);
			map_end(e);
		} else {
			unique_terms(e, t, &t->uniques[i]);
		}
	}
	seq_end(e);
}

static void emit_checks(emitter *e, const schema_table *t, const placement *p)
{
	size_t i, left = 0;

	for (i = 0; i < t->nchecks; i++)
		left += !p->check_on_column[i];
	if (!left)
		return;
	key(e, "checks");
	seq_start(e, 0);
	for (i = 0; i < t->nchecks; i++) {
		if (p->check_on_column[i])
			continue;
		if (t->checks[i].name) {
			map_start(e, 1);
			str(e, "name", t->checks[i].name);
			str(e, "expr", t->checks[i].expr);
			map_end(e);
		} else if (!e->rc) {
			e->rc = retort_ywriter_scalar(e->w, t->checks[i].expr, YS_ANY);
		}
	}
	seq_end(e);
}

static void emit_foreign_keys(emitter *e, const schema_table *t, const placement *p)
{
	size_t i, left = 0;

	for (i = 0; i < t->nfks; i++)
		left += !p->fk_on_column[i];
	if (!left)
		return;
	key(e, "foreign_keys");
	seq_start(e, 0);
	for (i = 0; i < t->nfks; i++) {
		const schema_fk *fk = &t->fks[i];
		if (p->fk_on_column[i])
			continue;
		map_start(e, 1);
		if (fk->name)
			str(e, "name", fk->name);
		key(e, "columns");
		names(e, &fk->columns);
		key(e, "references");
		map_start(e, 1);
		str(e, "table", fk->table);
		if (fk->ref_columns.n) {
			key(e, "columns");
			names(e, &fk->ref_columns);
		}
		map_end(e);
		if (action(fk->on_delete))
			str(e, "on_delete", fk->on_delete);
		if (action(fk->on_update))
			str(e, "on_update", fk->on_update);
		if (fk->deferred)
			plain(e, "deferrable", "true");
		map_end(e);
	}
	seq_end(e);
}

static void emit_indexes(emitter *e, const schema_table *t)
{
	retort_buf term = RETORT_BUF_INIT;
	size_t i, j;

	if (!t->nindexes)
		return;
	key(e, "indexes");
	map_start(e, 0);
	for (i = 0; i < t->nindexes; i++) {
		const schema_index *ix = &t->indexes[i];
		key(e, ix->name);
		map_start(e, 1);
		key(e, "columns");
		seq_start(e, 1);
		for (j = 0; j < ix->nterms; j++) {
			retort_buf_clear(&term);
			index_term_entry(&term, &ix->terms[j], t);
			if (!e->rc)
				e->rc = retort_buf_oom(&term) ? -1 : retort_ywriter_scalar(e->w, term.ptr, YS_ANY);
		}
		seq_end(e);
		if (ix->unique)
			plain(e, "unique", "true");
		if (ix->where)
			str(e, "where", ix->where);
		map_end(e);
	}
	map_end(e);
	retort_buf_release(&term);
}

static void emit_table(emitter *e, const schema_table *t)
{
	placement p;
	size_t i;
	int pk_column = 0;

	key(e, t->name);
	map_start(e, 0);
	if (t->virtual_using) {
		str(e, "virtual", t->virtual_using);
		map_end(e);
		return;
	}
	p.unique_on_column = calloc(t->nuniques + 1, 1);
	p.fk_on_column = calloc(t->nfks + 1, 1);
	p.check_on_column = calloc(t->nchecks + 1, 1);
	if (!p.unique_on_column || !p.fk_on_column || !p.check_on_column)
		e->rc = -1;
	key(e, "columns");
	map_start(e, 0);
	for (i = 0; i < t->ncolumns && !e->rc; i++) {
		pk_column |= pk_on_column(t, &t->columns[i]);
		emit_column(e, t, i, &p);
	}
	map_end(e);
	if (pk_count(t) > 1 || (pk_count(t) == 1 && !pk_column)) {
		size_t pos;
		key(e, "primary_key");
		seq_start(e, 1);
		for (pos = 1; pos <= pk_count(t); pos++)
			for (i = 0; i < t->ncolumns; i++)
				if ((size_t)t->columns[i].pk == pos)
					key_term(e, t, t->columns[i].name, retort_schema_pk_collate(&t->columns[i]),
						t->columns[i].pk_desc);
		seq_end(e);
	}
	if (t->pk_name)
		str(e, "primary_key_name", t->pk_name);
	if (t->pk_conflict && pk_count(t))
		plain(e, "primary_key_on_conflict", t->pk_conflict);
	emit_uniques(e, t, &p);
	emit_checks(e, t, &p);
	emit_foreign_keys(e, t, &p);
	emit_indexes(e, t);
	if (t->strict)
		plain(e, "strict", "true");
	if (t->without_rowid)
		plain(e, "without_rowid", "true");
	map_end(e);
	free(p.unique_on_column);
	free(p.fk_on_column);
	free(p.check_on_column);
}

int retort_schema_to_yaml(char **out, const retort_schema *s, retort_error **err)
{
	retort_buf b = RETORT_BUF_INIT;
	emitter e = { NULL, 0 };
	size_t i;
	int rc;

	*out = NULL;
	if (retort_ywriter_new(&e.w, &b) < 0) {
		retort_buf_release(&b);
		return retort_error_oom(err);
	}
	map_start(&e, 0);
	key(&e, "tables");
	map_start(&e, 0);
	for (i = 0; i < s->ntables; i++)
		emit_table(&e, &s->tables[i]);
	map_end(&e);
	if (s->nviews) {
		key(&e, "views");
		map_start(&e, 0);
		for (i = 0; i < s->nviews; i++)
			str(&e, s->views[i].name,
				s->views[i].has_column_list ? s->views[i].sql : s->views[i].select);
		map_end(&e);
	}
	if (s->ntriggers) {
		key(&e, "triggers");
		map_start(&e, 0);
		for (i = 0; i < s->ntriggers; i++)
			str(&e, s->triggers[i].name, s->triggers[i].sql);
		map_end(&e);
	}
	map_end(&e);
	rc = e.rc ? retort_error_set(err, RETORT_ERROR, "cannot write YAML") : retort_ywriter_finish(e.w, err);
	retort_ywriter_free(e.w);
	if (!rc) {
		*out = retort_buf_detach(&b);
		if (!*out)
			rc = retort_error_oom(err);
	}
	retort_buf_release(&b);
	return rc;
}
