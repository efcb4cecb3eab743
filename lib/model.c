/*
** model.c: model files (SPEC section 2) read into a schema (model.h).
** Every mistake is reported at the YAML node it concerns.
*/
#include "model.h"
#include "scratch.h"
#include "sqltok.h"
#include "ydoc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <ctype.h>
#include <sqlite3.h>

typedef struct mctx {
	schema *s;
	const ydoc *doc;
	const char *path; /* owned by s->paths */
	retort_error **err;
	sqlite3 *probe;   /* opened when a value needs SQLite's judgement */
} mctx;

static const char *const top_keys[] = { "tables", "views", "triggers", NULL };
static const char *const table_keys[] = { "columns", "primary_key", "unique", "indexes",
	"checks", "foreign_keys", "strict", "without_rowid", "renamed_from", "virtual",
	"primary_key_name", "primary_key_on_conflict", NULL };
static const char *const named_unique_keys[] = { "name", "columns", "on_conflict", NULL };
static const char *const named_check_keys[] = { "name", "expr", NULL };
static const char *const column_keys[] = { "type", "nullable", "primary_key",
	"autoincrement", "default", "unique", "collate", "check", "references", "on_delete",
	"on_update", "generated", "renamed_from", "not_null_on_conflict", "unique_on_conflict",
	NULL };
static const char *const references_keys[] = { "table", "column", "on_delete",
	"on_update", "deferrable", NULL };
static const char *const generated_keys[] = { "expr", "stored", NULL };
static const char *const default_keys[] = { "sql", NULL };
static const char *const index_keys[] = { "columns", "unique", "where", NULL };
static const char *const fk_keys[] = { "columns", "references", "on_delete", "on_update",
	"name", "deferrable", NULL };
static const char *const fk_ref_keys[] = { "table", "columns", NULL };
static const char *const fk_actions[] = { "NO ACTION", "RESTRICT", "SET NULL",
	"SET DEFAULT", "CASCADE", NULL };

static src_loc loc_of(const mctx *c, const ynode *n)
{
	src_loc loc = retort_ynode_loc(c->doc, n);

	loc.path = c->path;
	return loc;
}

static int oom(mctx *c)
{
	return retort_error_oom(c->err);
}

/* A non-empty string: types, expressions, SQL. */
static int read_string(mctx *c, const ynode *n, const char *what, char **out)
{
	int rc = retort_ydoc_expect(c->doc, n, Y_SCALAR, what, c->err);

	if (rc)
		return rc;
	if (!*retort_ynode_text(n))
		return retort_ydoc_error(c->doc, n, c->err, "%s: expected a non-empty string", what);
	free(*out);
	*out = retort_xstrdup(retort_ynode_text(n));
	return *out ? 0 : oom(c);
}

/*
** Model SQL spliced into a statement must be one whole piece of it, so that
** it cannot end the clause it sits in or comment out what follows (sqltok.h).
*/
static int check_piece(mctx *c, const src_loc *loc, const char *what, const char *sql,
	int statement)
{
	const char *fault = retort_sql_piece_fault(sql, statement);

	if (!fault)
		return 0;
	return retort_error_at(c->err, RETORT_EINVALID, loc, retort_ydoc_text(c->doc), "%s: %s '%s'", what,
		fault, sql);
}

/* An SQL expression, checked at its own value. */
static int read_expr(mctx *c, const ynode *n, const char *what, char **out)
{
	int rc = read_string(c, n, what, out);
	src_loc loc = loc_of(c, n);

	return rc ? rc : check_piece(c, &loc, what, *out, 0);
}

/* "NAME is defined twice (first at FILE:LINE:COL)", at the second one. */
static int defined_twice(mctx *c, const ynode *n, const char *kind, const char *name,
	const src_loc *first)
{
	return retort_ydoc_error(c->doc, n, c->err, "%s '%s' is defined twice (first at %s:%d:%d)",
		kind, name, first->path, first->line, first->column);
}

/* Run `sql` in a scratch database (with `step`, also run the statement). */
static int probe_run(mctx *c, const char *sql, int step)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (!c->probe && retort_scratch_open(&c->probe, NULL))
		return SQLITE_NOMEM;
	rc = sqlite3_prepare_v2(c->probe, sql, -1, &st, NULL);
	if (rc == SQLITE_OK && step && st)
		rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
	sqlite3_finalize(st);
	return rc;
}

/*
** Let SQLite judge a value that build.c could only report at its table: a
** collation or a virtual table's module. Its error is reported at `n`.
*/
static int probe_sql(mctx *c, const ynode *n, const char *what, const char *sql, int step)
{
	int rc = probe_run(c, sql, step);

	if (rc == SQLITE_NOMEM)
		return oom(c);
	if (rc != SQLITE_OK)
		return retort_ydoc_error(c->doc, n, c->err, "%s: %s", what, sqlite3_errmsg(c->probe));
	return 0;
}

/* A collation SQLite does not know is an error at its value. */
static int check_collation(mctx *c, const ynode *n, const char *what, const char *name)
{
	retort_buf sql = RETORT_BUF_INIT;
	int rc;

	retort_buf_puts(&sql, "CREATE TABLE probe (x COLLATE ");
	retort_buf_ident(&sql, name);
	retort_buf_putc(&sql, ')');
	rc = retort_buf_oom(&sql) ? oom(c) : probe_sql(c, n, what, sql.ptr, 0);
	retort_buf_release(&sql);
	return rc;
}

/* A virtual table's module and arguments, tried out at their value. */
static int check_virtual(mctx *c, const ynode *n, const char *what, const char *using)
{
	retort_buf sql = RETORT_BUF_INIT;
	int rc;

	retort_buf_puts(&sql, "CREATE VIRTUAL TABLE temp.probe USING ");
	retort_buf_puts(&sql, using);
	rc = retort_buf_oom(&sql) ? oom(c) : probe_sql(c, n, what, sql.ptr, 1);
	retort_buf_release(&sql);
	if (!rc)
		rc = probe_sql(c, n, what, "DROP TABLE temp.probe", 1);
	return rc;
}

/*
** A column's type: a type name as SQLite reads one (retort_sql_is_type_name), not
** free text that would add columns or constraints. Names that are keywords
** are tried out: SQLite must keep the whole text as the column's type.
*/
static int read_type(mctx *c, const ynode *n, const char *what, char **out)
{
	retort_buf sql = RETORT_BUF_INIT;
	sqlite3_stmt *st = NULL;
	int rc = read_string(c, n, what, out), keywords = 0, whole = 0;

	if (rc)
		return rc;
	if (!retort_sql_is_type_name(*out, &keywords))
		return retort_ydoc_error(c->doc, n, c->err, "%s: '%s' is not a type name (expected names "
			"and an optional (N) or (N, M), as in VARCHAR(20) or NUMERIC(10, 2))", what, *out);
	if (!keywords)
		return 0;
	retort_buf_puts(&sql, "CREATE TABLE temp.probe (x ");
	retort_buf_puts(&sql, *out);
	retort_buf_putc(&sql, ')');
	if (retort_buf_oom(&sql)) {
		retort_buf_release(&sql);
		return oom(c);
	}
	rc = probe_run(c, sql.ptr, 1);
	if (rc == SQLITE_NOMEM) {
		retort_buf_release(&sql);
		return oom(c);
	}
	if (rc == SQLITE_OK) {
		if (sqlite3_prepare_v2(c->probe, "SELECT type FROM pragma_table_info('probe', 'temp')",
				-1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
			whole = retort_sql_equal((const char *)sqlite3_column_text(st, 0), *out);
		sqlite3_finalize(st);
		rc = probe_sql(c, n, what, "DROP TABLE temp.probe", 1);
	} else {
		rc = 0;
	}
	retort_buf_release(&sql);
	if (!rc && !whole)
		rc = retort_ydoc_error(c->doc, n, c->err, "%s: '%s' is not a type name (SQLite reads "
			"part of it as a constraint)", what, *out);
	return rc;
}

/*
** A name: any string, even an empty one when it is quoted (SQLite accepts
** "" as a name, so `inspect` can write a key ''); a plain empty value is
** YAML's null, not a name.
*/
static int read_name(mctx *c, const ynode *n, const char *what, char **out)
{
	int rc = retort_ydoc_expect(c->doc, n, Y_SCALAR, what, c->err);

	if (rc)
		return rc;
	free(*out);
	*out = retort_xstrdup(retort_ynode_text(n));
	return *out ? 0 : oom(c);
}

/* The name of a table, index, view or trigger: SQLite keeps 'sqlite_' for
** its own (columns and constraints may use it). */
static int read_object_name(mctx *c, const ynode *n, const char *what, char **out)
{
	int rc = read_name(c, n, what, out);

	if (!rc && sqlite3_strnicmp(*out, "sqlite_", 7) == 0)
		return retort_ydoc_error(c->doc, n, c->err,
			"%s: names beginning with 'sqlite_' are reserved by SQLite", what);
	return rc;
}

/*
** An entry of a primary key or UNIQUE column list (SPEC section 2): the name
** of a column of `t` (even when it reads like SQL), else "name [COLLATE c]
** [ASC|DESC]". Appended to `terms`: its column, collation ("" for none) and
** order.
*/
static int read_key_term(mctx *c, const schema_table *t, const ynode *n, const char *what,
	schema_unique *terms)
{
	char *name = NULL, *collate = NULL;
	int desc = 0, *d, rc = read_name(c, n, what, &name), term = 1;
	sqlcur cur;

	if (!rc && !retort_schema_find_column(t, name)) {
		retort_sqlcur_init(&cur, name);
		if (cur.tok.type == TK_WORD || cur.tok.type == TK_QUOTED) {
			char *col = retort_sqltok_name(&cur.tok);
			retort_sqlcur_advance(&cur);
			if (retort_sqlcur_accept(&cur, "COLLATE")) {
				term = retort_sqltok_is_name(&cur.tok);
				collate = term ? retort_sqltok_name(&cur.tok) : NULL;
				retort_sqlcur_advance(&cur);
				if (term && !collate)
					rc = oom(c);
			}
			if (!retort_sqlcur_accept(&cur, "ASC"))
				desc = retort_sqlcur_accept(&cur, "DESC");
			if (term && cur.tok.type == TK_EOF) {
				free(name);
				name = col;
			} else {
				free(col);
			}
		}
		if (!rc && (!term || cur.tok.type != TK_EOF))
			rc = retort_ydoc_error(c->doc, n, c->err, "%s: '%s' is neither a column of table '%s' "
				"nor 'column [COLLATE name] [ASC|DESC]'", what, name, t->name);
		if (!rc && !name)
			rc = oom(c);
		if (!rc && collate)
			rc = check_collation(c, n, what, collate);
	}
	if (!rc) {
		d = realloc(terms->desc, (terms->columns.n + 1) * sizeof(*d));
		if (d)
			d[terms->columns.n] = desc;
		terms->desc = d ? d : terms->desc;
		if (!d || retort_str_list_push(&terms->columns, name) < 0 ||
		    retort_str_list_push(&terms->collates, collate ? collate : "") < 0)
			rc = oom(c);
	}
	free(name);
	free(collate);
	return rc;
}

/* A list of names, or one name. With `terms`, a key's column list, read
** into it with read_key_term (then `out` is terms->columns). */
static int read_name_list(mctx *c, const ynode *n, const char *what, str_list *out,
	const schema_table *t, schema_unique *terms)
{
	size_t i, len;
	int rc;

	if (retort_ynode_kind(n) == Y_SCALAR && !retort_ynode_is_null(n)) {
		char *one = NULL;
		if (terms)
			return read_key_term(c, t, n, what, terms);
		rc = read_name(c, n, what, &one);
		if (!rc && retort_str_list_push(out, one) < 0)
			rc = oom(c);
		free(one);
		return rc;
	}
	rc = retort_ydoc_expect(c->doc, n, Y_SEQ, what, c->err);
	if (rc)
		return rc;
	len = retort_ynode_len(c->doc, n);
	if (len == 0)
		return retort_ydoc_error(c->doc, n, c->err, "%s: expected at least one column", what);
	for (i = 0; i < len; i++) {
		char *name = NULL;
		if (terms) {
			if ((rc = read_key_term(c, t, retort_ynode_item(c->doc, n, i), what, terms)))
				return rc;
			continue;
		}
		rc = read_name(c, retort_ynode_item(c->doc, n, i), what, &name);
		if (!rc && retort_str_list_push(out, name) < 0)
			rc = oom(c);
		free(name);
		if (rc)
			return rc;
	}
	return 0;
}

/* ROLLBACK, ABORT, FAIL, IGNORE or REPLACE, any case; ABORT, the default,
** is kept as none. */
static int read_conflict(mctx *c, const ynode *n, const char *what, char **out)
{
	const char *action;
	int rc = retort_ydoc_expect(c->doc, n, Y_SCALAR, what, c->err), ok;

	if (rc)
		return rc;
	action = retort_schema_conflict_action(retort_ynode_text(n), strlen(retort_ynode_text(n)), &ok);
	if (!ok)
		return retort_ydoc_error(c->doc, n, c->err, "%s: unknown ON CONFLICT action '%s' (expected "
			"ROLLBACK, ABORT, FAIL, IGNORE or REPLACE)", what, retort_ynode_text(n));
	free(*out);
	*out = retort_xstrdup(action);
	return action && !*out ? oom(c) : 0;
}

static int read_action(mctx *c, const ynode *n, const char *what, char **out)
{
	const char *const *a;
	retort_buf norm = RETORT_BUF_INIT;
	const char *p;
	int rc;

	if ((rc = retort_ydoc_expect(c->doc, n, Y_SCALAR, what, c->err)))
		return rc;
	/* "set null", "SET  NULL" and "set_null" all mean SET NULL */
	for (p = retort_ynode_text(n); *p; p++) {
		char ch = (*p == '_' || *p == ' ') ? ' ' : (char)toupper((unsigned char)*p);
		if (ch == ' ' && (norm.len == 0 || norm.ptr[norm.len - 1] == ' '))
			continue;
		retort_buf_putc(&norm, ch);
	}
	if (retort_buf_oom(&norm))
		return oom(c);
	for (a = fk_actions; *a; a++) {
		if (strcmp(norm.ptr, *a) == 0) {
			retort_buf_release(&norm);
			free(*out);
			*out = retort_xstrdup(*a);
			return *out ? 0 : oom(c);
		}
	}
	retort_buf_release(&norm);
	return retort_ydoc_error(c->doc, n, c->err, "%s: unknown action '%s' (expected CASCADE, "
		"SET NULL, SET DEFAULT, RESTRICT or NO ACTION)", what, retort_ynode_text(n));
}

static int read_bool(mctx *c, const ynode *n, const char *what, int *out)
{
	return retort_ydoc_bool(c->doc, n, out, what, c->err);
}

static int read_default(mctx *c, schema_column *col, const ynode *n, const char *what)
{
	retort_buf b = RETORT_BUF_INIT;
	int rc;

	col->default_loc = loc_of(c, n);
	if (retort_ynode_kind(n) == Y_MAP) {
		ynode *sql = retort_ynode_get(c->doc, n, "sql");
		if ((rc = retort_ydoc_check_keys(c->doc, n, default_keys, what, c->err)))
			return rc;
		if (!sql)
			return retort_ydoc_error(c->doc, n, c->err, "%s: expected {sql: EXPRESSION}", what);
		col->default_loc = loc_of(c, sql);
		return read_expr(c, sql, what, &col->default_sql);
	}
	if (retort_ynode_kind(n) != Y_SCALAR)
		return retort_ydoc_error(c->doc, n, c->err, "%s: default: expected a value or {sql: EXPR}, "
			"got %s", what, retort_ynode_kind_name(n));
	if (retort_ynode_is_null(n))
		retort_buf_puts(&b, "NULL");
	else if (retort_ynode_plain(n) && retort_ydoc_plain_is_number(retort_ynode_text(n)))
		retort_buf_puts(&b, retort_ynode_text(n));
	else if (retort_ynode_plain(n) && (strcasecmp(retort_ynode_text(n), "true") == 0 ||
		 strcasecmp(retort_ynode_text(n), "false") == 0))
		retort_buf_puts(&b, strcasecmp(retort_ynode_text(n), "true") == 0 ? "TRUE" : "FALSE");
	else
		retort_buf_literal(&b, retort_ynode_text(n));
	free(col->default_sql);
	col->default_sql = retort_buf_detach(&b);
	return col->default_sql ? 0 : oom(c);
}

/* "table.column", or {table, column, on_delete, on_update, deferrable}. */
static int read_references(mctx *c, schema_table *t, schema_column *col,
	const ynode *n, const char *what)
{
	schema_fk *fk = ARRAY_PUSH(t->fks, t->nfks, t->capfks);
	int rc;

	if (!fk)
		return oom(c);
	fk->loc = loc_of(c, n);
	if (retort_str_list_push(&fk->columns, col->name) < 0)
		return oom(c);
	if (retort_ynode_kind(n) == Y_SCALAR && !retort_ynode_is_null(n)) {
		const char *text = retort_ynode_text(n), *dot = strrchr(text, '.');
		if (!dot || dot == text || !dot[1])
			return retort_ydoc_error(c->doc, n, c->err, "%s: expected 'table.column', got '%s'",
				what, text);
		fk->table = retort_xstrndup(text, (size_t)(dot - text));
		if (!fk->table || retort_str_list_push(&fk->ref_columns, dot + 1) < 0)
			return oom(c);
		return 0;
	}
	if ((rc = retort_ydoc_expect(c->doc, n, Y_MAP, what, c->err)) ||
	    (rc = retort_ydoc_check_keys(c->doc, n, references_keys, what, c->err)))
		return rc;
	{
		ynode *table = retort_ynode_get(c->doc, n, "table"), *column = retort_ynode_get(c->doc, n, "column");
		ynode *del = retort_ynode_get(c->doc, n, "on_delete"), *upd = retort_ynode_get(c->doc, n, "on_update");
		ynode *def = retort_ynode_get(c->doc, n, "deferrable");
		char *ref = NULL;
		if (!table || !column)
			return retort_ydoc_error(c->doc, n, c->err, "%s: expected both 'table' and 'column'", what);
		if ((rc = read_name(c, table, what, &fk->table)) ||
		    (rc = read_name(c, column, what, &ref)))
			return rc;
		rc = retort_str_list_push(&fk->ref_columns, ref) < 0 ? oom(c) : 0;
		free(ref);
		if (!rc && del)
			rc = read_action(c, del, what, &fk->on_delete);
		if (!rc && upd)
			rc = read_action(c, upd, what, &fk->on_update);
		if (!rc && def)
			rc = read_bool(c, def, what, &fk->deferred);
		return rc;
	}
}

static int read_generated(mctx *c, schema_column *col, const ynode *n, const char *what)
{
	ynode *expr, *stored;
	int rc, is_stored = 0;

	if (retort_ynode_kind(n) == Y_SCALAR && !retort_ynode_is_null(n)) {
		col->generated = GENERATED_VIRTUAL;
		col->generated_loc = loc_of(c, n);
		return read_expr(c, n, what, &col->generated_sql);
	}
	if ((rc = retort_ydoc_expect(c->doc, n, Y_MAP, what, c->err)) ||
	    (rc = retort_ydoc_check_keys(c->doc, n, generated_keys, what, c->err)))
		return rc;
	expr = retort_ynode_get(c->doc, n, "expr");
	stored = retort_ynode_get(c->doc, n, "stored");
	if (!expr)
		return retort_ydoc_error(c->doc, n, c->err, "%s: expected {expr: EXPRESSION, stored: BOOL}", what);
	if (stored && (rc = read_bool(c, stored, what, &is_stored)))
		return rc;
	col->generated = is_stored ? GENERATED_STORED : GENERATED_VIRTUAL;
	col->generated_loc = loc_of(c, expr);
	return read_expr(c, expr, what, &col->generated_sql);
}

static int push_check(mctx *c, schema_table *t, const char *name, const char *column,
	const ynode *expr, const char *what)
{
	schema_check *ck = ARRAY_PUSH(t->checks, t->nchecks, t->capchecks);
	int rc;

	if (!ck)
		return oom(c);
	ck->loc = loc_of(c, expr);
	if ((rc = read_expr(c, expr, what, &ck->expr)))
		return rc;
	ck->name = retort_xstrdup(name);
	ck->column = retort_xstrdup(column);
	return (name && !ck->name) || (column && !ck->column) ? oom(c) : 0;
}

/* Column settings, one key at a time. `nullable` is -1 until given. */
static int read_column(mctx *c, schema_table *t, const ynode *key, const ynode *val,
	int *nullable)
{
	retort_buf what = RETORT_BUF_INIT;
	schema_column *col = retort_schema_column_add(t);
	ynode *del, *upd, *refs, *oc;
	size_t i, len, col_unique = (size_t)-1;
	int rc = 0, flag;

	if (!col)
		return oom(c);
	col->loc = loc_of(c, key);
	if ((rc = read_name(c, key, "column", &col->name)))
		return rc;
	if (retort_schema_find_column(t, col->name) != col)
		return defined_twice(c, key, "column", col->name,
			&retort_schema_find_column(t, col->name)->loc);
	retort_buf_printf(&what, "column '%s'", col->name);
	if (retort_buf_oom(&what))
		return oom(c);
	*nullable = -1;
	col->type = retort_xstrdup("");
	if (!col->type) {
		rc = oom(c);
		goto done;
	}
	if (retort_ynode_is_null(val))
		goto done;
	if (retort_ynode_kind(val) == Y_SCALAR) { /* shorthand: `name: TYPE` */
		rc = read_type(c, val, what.ptr, &col->type);
		goto done;
	}
	if ((rc = retort_ydoc_expect(c->doc, val, Y_MAP, what.ptr, c->err)) ||
	    (rc = retort_ydoc_check_keys(c->doc, val, column_keys, what.ptr, c->err)))
		goto done;
	len = retort_ynode_len(c->doc, val);
	refs = retort_ynode_get(c->doc, val, "references");
	del = retort_ynode_get(c->doc, val, "on_delete");
	upd = retort_ynode_get(c->doc, val, "on_update");
	for (i = 0; i < len && !rc; i++) {
		const char *k = retort_ynode_text(retort_ynode_key(c->doc, val, i));
		ynode *v = retort_ynode_value(c->doc, val, i);

		if (strcmp(k, "type") == 0) {
			rc = read_type(c, v, what.ptr, &col->type);
		} else if (strcmp(k, "nullable") == 0) {
			rc = read_bool(c, v, what.ptr, nullable);
		} else if (strcmp(k, "primary_key") == 0) {
			rc = read_bool(c, v, what.ptr, &flag);
			if (!rc && flag) {
				if (t->pk_loc.line)
					rc = retort_ydoc_error(c->doc, v, c->err, "%s: the table already has a "
						"primary key; list every key column in the table's primary_key",
						what.ptr);
				col->pk = 1;
				t->pk_loc = loc_of(c, v);
			}
		} else if (strcmp(k, "autoincrement") == 0) {
			rc = read_bool(c, v, what.ptr, &flag);
			if (!rc && flag) {
				if (!retort_ynode_get(c->doc, val, "primary_key"))
					rc = retort_ydoc_error(c->doc, v, c->err,
						"%s: autoincrement needs primary_key: true", what.ptr);
				t->autoincrement = 1;
			}
		} else if (strcmp(k, "default") == 0) {
			rc = read_default(c, col, v, what.ptr);
		} else if (strcmp(k, "unique") == 0) {
			rc = read_bool(c, v, what.ptr, &flag);
			if (!rc && flag) {
				schema_unique *u = ARRAY_PUSH(t->uniques, t->nuniques, t->capuniques);
				col_unique = t->nuniques - 1;
				if (!u || retort_str_list_push(&u->columns, col->name) < 0)
					rc = oom(c);
				else
					u->loc = loc_of(c, v);
			}
		} else if (strcmp(k, "collate") == 0) {
			rc = read_string(c, v, what.ptr, &col->collate);
			if (!rc)
				rc = check_collation(c, v, what.ptr, col->collate);
		} else if (strcmp(k, "check") == 0) {
			rc = push_check(c, t, NULL, col->name, v, what.ptr);
		} else if (strcmp(k, "references") == 0) {
			rc = read_references(c, t, col, v, what.ptr);
		} else if (strcmp(k, "on_delete") == 0 || strcmp(k, "on_update") == 0) {
			if (!refs)
				rc = retort_ydoc_error(c->doc, v, c->err, "%s: '%s' needs 'references'", what.ptr, k);
		} else if (strcmp(k, "generated") == 0) {
			rc = read_generated(c, col, v, what.ptr);
		} else if (strcmp(k, "renamed_from") == 0) {
			rc = read_name(c, v, what.ptr, &col->renamed_from);
		}
	}
	/* what SQLite would only report at the table, reported at the value */
	if (!rc && col->generated && col->default_sql)
		rc = retort_ydoc_error(c->doc, retort_ynode_get(c->doc, val, "default"), c->err,
			"%s: cannot use DEFAULT on a generated column", what.ptr);
	if (!rc && col->generated && col->pk)
		rc = retort_ydoc_error(c->doc, retort_ynode_get(c->doc, val, "primary_key"), c->err,
			"%s: generated columns cannot be part of the PRIMARY KEY", what.ptr);
	/* the ON CONFLICT of a constraint needs that constraint on the column */
	if (!rc && (oc = retort_ynode_get(c->doc, val, "not_null_on_conflict"))) {
		rc = read_conflict(c, oc, what.ptr, &col->notnull_conflict);
		if (!rc && *nullable != 0)
			rc = retort_ydoc_error(c->doc, oc, c->err, "%s: not_null_on_conflict needs "
				"nullable: false", what.ptr);
	}
	if (!rc && (oc = retort_ynode_get(c->doc, val, "unique_on_conflict"))) {
		if (col_unique == (size_t)-1)
			rc = retort_ydoc_error(c->doc, oc, c->err, "%s: unique_on_conflict needs unique: true",
				what.ptr);
		else
			rc = read_conflict(c, oc, what.ptr, &t->uniques[col_unique].on_conflict);
	}
	/* column-level actions apply to the column's reference, read above */
	if (!rc && refs && (del || upd)) {
		schema_fk *fk = &t->fks[t->nfks - 1];
		if (del)
			rc = read_action(c, del, what.ptr, &fk->on_delete);
		if (!rc && upd)
			rc = read_action(c, upd, what.ptr, &fk->on_update);
	}
done:
	retort_buf_release(&what);
	return rc;
}

/* A scalar where a list or a map was expected: name both, and show it. */
static int not_list_or_map(mctx *c, const ynode *n, const char *what)
{
	int text = !retort_ynode_is_null(n);

	return retort_ydoc_error(c->doc, n, c->err, "%s: expected a list or a map, got %s%s%s%s", what,
		retort_ynode_kind_name(n), text ? " '" : "", text ? retort_ynode_text(n) : "", text ? "'" : "");
}

static int read_unique(mctx *c, schema_table *t, const ynode *n)
{
	size_t i, len;
	int rc;

	if (retort_ynode_kind(n) != Y_MAP && retort_ynode_kind(n) != Y_SEQ)
		return not_list_or_map(c, n, "unique");
	len = retort_ynode_len(c->doc, n);
	for (i = 0; i < len; i++) {
		schema_unique *u = ARRAY_PUSH(t->uniques, t->nuniques, t->capuniques);
		ynode *cols;
		if (!u)
			return oom(c);
		if (retort_ynode_kind(n) == Y_MAP) {
			cols = retort_ynode_value(c->doc, n, i);
			if ((rc = read_name(c, retort_ynode_key(c->doc, n, i), "unique", &u->name)))
				return rc;
		} else {
			cols = retort_ynode_item(c->doc, n, i);
		}
		if (retort_ynode_kind(cols) == Y_MAP) { /* {name: N, columns: [...], on_conflict} */
			ynode *name = retort_ynode_get(c->doc, cols, "name");
			ynode *conflict = retort_ynode_get(c->doc, cols, "on_conflict");
			if ((rc = retort_ydoc_check_keys(c->doc, cols, named_unique_keys, "unique", c->err)))
				return rc;
			if (name && (rc = read_name(c, name, "unique", &u->name)))
				return rc;
			if (conflict && (rc = read_conflict(c, conflict, "unique", &u->on_conflict)))
				return rc;
			if (!retort_ynode_get(c->doc, cols, "columns"))
				return retort_ydoc_error(c->doc, cols, c->err, "unique: 'columns' is required");
			cols = retort_ynode_get(c->doc, cols, "columns");
		}
		u->loc = loc_of(c, cols);
		if ((rc = read_name_list(c, cols, "unique", &u->columns, t, u)))
			return rc;
	}
	return 0;
}

static int read_checks(mctx *c, schema_table *t, const ynode *n)
{
	size_t i, len;
	int rc = 0;

	if (retort_ynode_kind(n) != Y_MAP && retort_ynode_kind(n) != Y_SEQ)
		return not_list_or_map(c, n, "checks");
	len = retort_ynode_len(c->doc, n);
	for (i = 0; i < len && !rc; i++) {
		char *name = NULL;
		if (retort_ynode_kind(n) == Y_MAP) {
			rc = read_name(c, retort_ynode_key(c->doc, n, i), "check", &name);
			if (!rc)
				rc = push_check(c, t, name, NULL, retort_ynode_value(c->doc, n, i), "check");
		} else if (retort_ynode_kind(retort_ynode_item(c->doc, n, i)) == Y_MAP) {
			ynode *item = retort_ynode_item(c->doc, n, i), *nm, *expr;
			rc = retort_ydoc_check_keys(c->doc, item, named_check_keys, "check", c->err);
			nm = retort_ynode_get(c->doc, item, "name");
			expr = retort_ynode_get(c->doc, item, "expr");
			if (!rc && !expr)
				rc = retort_ydoc_error(c->doc, item, c->err, "check: 'expr' is required");
			if (!rc && nm)
				rc = read_name(c, nm, "check", &name);
			if (!rc)
				rc = push_check(c, t, name, NULL, expr, "check");
		} else {
			rc = push_check(c, t, NULL, NULL, retort_ynode_item(c->doc, n, i), "check");
		}
		free(name);
	}
	return rc;
}

static int read_indexes(mctx *c, schema_table *t, const ynode *n)
{
	size_t i, j, len;
	int rc;

	if ((rc = retort_ydoc_expect(c->doc, n, Y_MAP, "indexes", c->err)))
		return rc;
	len = retort_ynode_len(c->doc, n);
	for (i = 0; i < len; i++) {
		ynode *key = retort_ynode_key(c->doc, n, i), *val = retort_ynode_value(c->doc, n, i), *cols, *v;
		schema_index *ix = ARRAY_PUSH(t->indexes, t->nindexes, t->capindexes);
		char what[80] = "index";

		if (!ix)
			return oom(c);
		ix->loc = loc_of(c, key);
		if ((rc = read_object_name(c, key, "index", &ix->name)))
			return rc;
		if (!(ix->table = retort_xstrdup(t->name)))
			return oom(c);
		if ((rc = retort_ydoc_expect(c->doc, val, Y_MAP, what, c->err)) ||
		    (rc = retort_ydoc_check_keys(c->doc, val, index_keys, what, c->err)))
			return rc;
		cols = retort_ynode_get(c->doc, val, "columns");
		if (!cols)
			return retort_ydoc_error(c->doc, val, c->err, "index '%s': 'columns' is required", ix->name);
		if ((v = retort_ynode_get(c->doc, val, "unique")) &&
		    (rc = read_bool(c, v, "index", &ix->unique)))
			return rc;
		if ((v = retort_ynode_get(c->doc, val, "where"))) {
			ix->where_loc = loc_of(c, v);
			snprintf(what, sizeof(what), "index '%.60s'", ix->name);
			if ((rc = read_expr(c, v, what, &ix->where)))
				return rc;
		}
		if (retort_ynode_kind(cols) == Y_SCALAR && !retort_ynode_is_null(cols)) {
			schema_index_term *term = ARRAY_PUSH(ix->terms, ix->nterms, ix->capterms);
			if (!term)
				return oom(c);
			term->loc = loc_of(c, cols);
			if ((rc = read_name(c, cols, "index", &term->expr)))
				return rc;
			continue;
		}
		if ((rc = retort_ydoc_expect(c->doc, cols, Y_SEQ, "index columns", c->err)))
			return rc;
		if (retort_ynode_len(c->doc, cols) == 0)
			return retort_ydoc_error(c->doc, cols, c->err, "index '%s': expected at least one column",
				ix->name);
		for (j = 0; j < retort_ynode_len(c->doc, cols); j++) {
			ynode *item = retort_ynode_item(c->doc, cols, j);
			schema_index_term *term = ARRAY_PUSH(ix->terms, ix->nterms, ix->capterms);
			if (!term)
				return oom(c);
			term->loc = loc_of(c, item);
			if ((rc = read_name(c, item, "index column", &term->expr)))
				return rc;
		}
	}
	return 0;
}

static int missing_column(const schema *s, retort_error **err, const src_loc *loc,
	const char *what, const schema_table *t, const char *column)
{
	const char **names = calloc(t->ncolumns + 1, sizeof(*names));
	const char *guess;
	size_t i;

	if (!names)
		return retort_error_oom(err);
	for (i = 0; i < t->ncolumns; i++)
		names[i] = t->columns[i].name;
	guess = retort_closest_word(column, names);
	retort_error_at(err, RETORT_EINVALID, loc, retort_schema_source_of(s, loc->path),
		"%s: table '%s' has no column '%s'%s%s%s", what, t->name, column,
		guess ? " (did you mean '" : "", guess ? guess : "", guess ? "'?)" : "");
	free(names);
	return RETORT_EINVALID;
}

static int read_foreign_keys(mctx *c, schema_table *t, const ynode *n)
{
	size_t i, j, len;
	int rc;

	if ((rc = retort_ydoc_expect(c->doc, n, Y_SEQ, "foreign_keys", c->err)))
		return rc;
	len = retort_ynode_len(c->doc, n);
	for (i = 0; i < len; i++) {
		ynode *item = retort_ynode_item(c->doc, n, i), *cols, *ref, *v;
		schema_fk *fk = ARRAY_PUSH(t->fks, t->nfks, t->capfks);

		if (!fk)
			return oom(c);
		fk->loc = loc_of(c, item);
		if ((rc = retort_ydoc_expect(c->doc, item, Y_MAP, "foreign key", c->err)) ||
		    (rc = retort_ydoc_check_keys(c->doc, item, fk_keys, "foreign key", c->err)))
			return rc;
		cols = retort_ynode_get(c->doc, item, "columns");
		ref = retort_ynode_get(c->doc, item, "references");
		if (!cols || !ref)
			return retort_ydoc_error(c->doc, item, c->err,
				"foreign key: expected 'columns' and 'references'");
		if ((rc = read_name_list(c, cols, "foreign key", &fk->columns, NULL, NULL)) ||
		    (rc = retort_ydoc_expect(c->doc, ref, Y_MAP, "foreign key references", c->err)) ||
		    (rc = retort_ydoc_check_keys(c->doc, ref, fk_ref_keys, "foreign key references", c->err)))
			return rc;
		for (j = 0; j < fk->columns.n; j++) {
			src_loc at = loc_of(c, cols);
			if (!retort_schema_find_column(t, fk->columns.v[j]))
				return missing_column(c->s, c->err, &at, "foreign key", t, fk->columns.v[j]);
		}
		v = retort_ynode_get(c->doc, ref, "table");
		if (!v)
			return retort_ydoc_error(c->doc, ref, c->err, "foreign key references: 'table' is required");
		if ((rc = read_name(c, v, "foreign key references", &fk->table)))
			return rc;
		/* what is left to check (the parent table, once every file is read)
		** is about the parent */
		fk->loc = loc_of(c, v);
		if ((v = retort_ynode_get(c->doc, ref, "columns")) &&
		    (rc = read_name_list(c, v, "foreign key references", &fk->ref_columns, NULL, NULL)))
			return rc;
		if (v && fk->ref_columns.n != fk->columns.n)
			return retort_ydoc_error(c->doc, v, c->err,
				"foreign key: %zu column%s reference%s %zu column%s of table '%s'",
				fk->columns.n, fk->columns.n == 1 ? "" : "s", fk->columns.n == 1 ? "s" : "",
				fk->ref_columns.n, fk->ref_columns.n == 1 ? "" : "s", fk->table);
		if ((v = retort_ynode_get(c->doc, item, "name")) &&
		    (rc = read_name(c, v, "foreign key", &fk->name)))
			return rc;
		if ((v = retort_ynode_get(c->doc, item, "on_delete")) &&
		    (rc = read_action(c, v, "foreign key", &fk->on_delete)))
			return rc;
		if ((v = retort_ynode_get(c->doc, item, "on_update")) &&
		    (rc = read_action(c, v, "foreign key", &fk->on_update)))
			return rc;
		if ((v = retort_ynode_get(c->doc, item, "deferrable")) &&
		    (rc = read_bool(c, v, "foreign key", &fk->deferred)))
			return rc;
	}
	return 0;
}

/* Index entries that name a column become column terms; a bare word that
** names no column is a typo, not an expression. */
static int resolve_index_terms(mctx *c, schema_table *t)
{
	size_t i, j, k;

	for (i = 0; i < t->nindexes; i++) {
		schema_index *ix = &t->indexes[i];
		for (j = 0; j < ix->nterms; j++) {
			schema_index_term *term = &ix->terms[j];
			schema_column *col = retort_schema_find_column(t, term->expr);
			sqltok tok = retort_sqltok_at(term->expr);
			char what[80];
			if (col) {
				term->column = term->expr;
				term->expr = NULL;
				continue;
			}
			snprintf(what, sizeof(what), "index '%.60s'", ix->name);
			if (check_piece(c, &term->loc, what, term->expr, 0))
				return RETORT_EINVALID;
			if (!*term->expr || (tok.type == TK_WORD && tok.n == strlen(term->expr))) {
				const char **names = calloc(t->ncolumns + 1, sizeof(*names));
				const char *guess;
				if (!names)
					return oom(c);
				for (k = 0; k < t->ncolumns; k++)
					names[k] = t->columns[k].name;
				guess = retort_closest_word(term->expr, names);
				retort_error_at(c->err, RETORT_EINVALID, &term->loc, retort_ydoc_text(c->doc),
					"index '%s': table '%s' has no column '%s'%s%s%s", ix->name,
					t->name, term->expr, guess ? " (did you mean '" : "",
					guess ? guess : "", guess ? "'?)" : "");
				free(names);
				return RETORT_EINVALID;
			}
		}
	}
	return 0;
}

static int read_table(mctx *c, const ynode *key, const ynode *val)
{
	schema_table *t;
	ynode *cols, *v;
	int *nullable = NULL, rc = 0;
	size_t i;

	t = retort_schema_table_add(c->s);
	if (!t)
		return oom(c);
	t->loc = loc_of(c, key);
	if ((rc = read_object_name(c, key, "table", &t->name)))
		return rc;
	if (retort_schema_find_table(c->s, t->name) != t)
		return defined_twice(c, key, "table", t->name, &retort_schema_find_table(c->s, t->name)->loc);
	if (retort_schema_find_view(c->s, t->name))
		return retort_ydoc_error(c->doc, key, c->err, "table '%s': a view has that name", t->name);
	if ((rc = retort_ydoc_expect(c->doc, val, Y_MAP, "table", c->err)) ||
	    (rc = retort_ydoc_check_keys(c->doc, val, table_keys, "table", c->err)))
		return rc;
	if ((v = retort_ynode_get(c->doc, val, "virtual"))) {
		if (retort_ynode_len(c->doc, val) != 1)
			return retort_ydoc_error(c->doc, val, c->err,
				"table '%s': a virtual table takes only 'virtual' (its module and arguments)",
				t->name);
		rc = read_expr(c, v, "virtual", &t->virtual_using);
		if (!rc) {
			char what[80];
			snprintf(what, sizeof(what), "table '%.60s'", t->name);
			rc = check_virtual(c, v, what, t->virtual_using);
		}
		return rc;
	}
	cols = retort_ynode_get(c->doc, val, "columns");
	if (!cols)
		return retort_ydoc_error(c->doc, val, c->err, "table '%s': 'columns' is required", t->name);
	if ((rc = retort_ydoc_expect(c->doc, cols, Y_MAP, "columns", c->err)))
		return rc;
	if (retort_ynode_len(c->doc, cols) == 0)
		return retort_ydoc_error(c->doc, cols, c->err, "table '%s': expected at least one column",
			t->name);
	nullable = calloc(retort_ynode_len(c->doc, cols), sizeof(*nullable));
	if (!nullable)
		return oom(c);
	for (i = 0; i < retort_ynode_len(c->doc, cols) && !rc; i++)
		rc = read_column(c, t, retort_ynode_key(c->doc, cols, i), retort_ynode_value(c->doc, cols, i),
			&nullable[i]);
	if (!rc && (v = retort_ynode_get(c->doc, val, "primary_key"))) {
		schema_unique pk = { 0 };
		if (t->pk_loc.line)
			rc = retort_ydoc_error(c->doc, v, c->err, "table '%s': primary key given twice "
				"(on a column and in 'primary_key')", t->name);
		t->pk_loc = loc_of(c, v);
		if (!rc)
			rc = read_name_list(c, v, "primary_key", &pk.columns, t, &pk);
		for (i = 0; !rc && i < pk.columns.n; i++) {
			schema_column *col = retort_schema_find_column(t, pk.columns.v[i]);
			if (!col)
				rc = retort_error_at(c->err, RETORT_EINVALID, &t->pk_loc, retort_ydoc_text(c->doc),
					"primary_key: table '%s' has no column '%s'", t->name,
					pk.columns.v[i]);
			else if (col->generated)
				rc = retort_error_at(c->err, RETORT_EINVALID, &t->pk_loc, retort_ydoc_text(c->doc),
					"primary_key: column '%s' is generated, and generated columns "
					"cannot be part of the PRIMARY KEY", col->name);
			else if (*pk.collates.v[i] && !(col->pk_collate = retort_xstrdup(pk.collates.v[i])))
				rc = oom(c);
			else {
				col->pk = (int)i + 1;
				col->pk_desc = pk.desc[i];
			}
		}
		retort_schema_unique_release(&pk);
	}
	if (!rc && (v = retort_ynode_get(c->doc, val, "primary_key_on_conflict"))) {
		rc = read_conflict(c, v, "primary_key_on_conflict", &t->pk_conflict);
		if (!rc && !t->pk_loc.line)
			rc = retort_ydoc_error(c->doc, v, c->err, "table '%s': primary_key_on_conflict needs a "
				"primary key", t->name);
	}
	for (i = 0; !rc && i < t->ncolumns; i++)
		t->columns[i].notnull = nullable[i] >= 0 ? !nullable[i] : t->columns[i].pk != 0;
	free(nullable);
	if (!rc && (v = retort_ynode_get(c->doc, val, "unique")))
		rc = read_unique(c, t, v);
	if (!rc && (v = retort_ynode_get(c->doc, val, "checks")))
		rc = read_checks(c, t, v);
	if (!rc && (v = retort_ynode_get(c->doc, val, "indexes")))
		rc = read_indexes(c, t, v);
	if (!rc && (v = retort_ynode_get(c->doc, val, "foreign_keys")))
		rc = read_foreign_keys(c, t, v);
	if (!rc && (v = retort_ynode_get(c->doc, val, "strict")))
		rc = read_bool(c, v, "strict", &t->strict);
	if (!rc && (v = retort_ynode_get(c->doc, val, "without_rowid")))
		rc = read_bool(c, v, "without_rowid", &t->without_rowid);
	if (!rc && (v = retort_ynode_get(c->doc, val, "renamed_from")))
		rc = read_object_name(c, v, "renamed_from", &t->renamed_from);
	if (!rc && (v = retort_ynode_get(c->doc, val, "primary_key_name")))
		rc = read_name(c, v, "primary_key_name", &t->pk_name);
	if (!rc && t->without_rowid && !t->pk_loc.line)
		rc = retort_ydoc_error(c->doc, retort_ynode_get(c->doc, val, "without_rowid"), c->err,
			"table '%s': without_rowid needs a primary key", t->name);
	if (!rc)
		rc = resolve_index_terms(c, t);
	return rc;
}

static int starts_with_create(const char *sql)
{
	sqlcur cur;

	retort_sqlcur_init(&cur, sql);
	return retort_sqlcur_is(&cur, "CREATE");
}

static int read_views(mctx *c, const ynode *n)
{
	size_t i;
	int rc;

	if ((rc = retort_ydoc_expect(c->doc, n, Y_MAP, "views", c->err)))
		return rc;
	for (i = 0; i < retort_ynode_len(c->doc, n); i++) {
		ynode *key = retort_ynode_key(c->doc, n, i), *val = retort_ynode_value(c->doc, n, i);
		schema_view *v = retort_schema_view_add(c->s);
		char *text = NULL, what[80];

		if (!v)
			return oom(c);
		v->loc = loc_of(c, key);
		if ((rc = read_object_name(c, key, "view", &v->name)))
			return rc;
		if (retort_schema_find_table(c->s, v->name))
			return retort_ydoc_error(c->doc, key, c->err, "view '%s': a table has that name", v->name);
		if (retort_schema_find_view(c->s, v->name) != v)
			return defined_twice(c, key, "view", v->name, &retort_schema_find_view(c->s, v->name)->loc);
		v->loc = loc_of(c, val);
		snprintf(what, sizeof(what), "view '%.60s'", v->name);
		if ((rc = read_string(c, val, "view", &text)) ||
		    (rc = check_piece(c, &v->loc, what, text, 1))) {
			free(text);
			return rc;
		}
		if (starts_with_create(text)) {
			v->sql = text;
			v->has_column_list = 1;
		} else {
			v->select = text;
		}
	}
	return 0;
}

static int read_triggers(mctx *c, const ynode *n)
{
	size_t i, j;
	int rc;

	if ((rc = retort_ydoc_expect(c->doc, n, Y_MAP, "triggers", c->err)))
		return rc;
	for (i = 0; i < retort_ynode_len(c->doc, n); i++) {
		ynode *key = retort_ynode_key(c->doc, n, i), *val = retort_ynode_value(c->doc, n, i);
		schema_trigger *tr = retort_schema_trigger_add(c->s);
		char what[80];

		if (!tr)
			return oom(c);
		if ((rc = read_object_name(c, key, "trigger", &tr->name)))
			return rc;
		for (j = 0; j + 1 < c->s->ntriggers; j++)
			if (retort_name_eq(c->s->triggers[j].name, tr->name))
				return defined_twice(c, key, "trigger", tr->name, &c->s->triggers[j].loc);
		tr->loc = loc_of(c, val);
		snprintf(what, sizeof(what), "trigger '%.60s'", tr->name);
		if ((rc = read_string(c, val, "trigger", &tr->sql)) ||
		    (rc = check_piece(c, &tr->loc, what, tr->sql, 1)))
			return rc;
		if (!starts_with_create(tr->sql))
			return retort_ydoc_error(c->doc, val, c->err,
				"trigger '%s': expected a whole CREATE TRIGGER statement", tr->name);
	}
	return 0;
}

int retort_model_read_text(schema *into, const char *text, size_t len, const char *path,
	retort_error **err)
{
	mctx c = { into, NULL, NULL, err, NULL };
	ydoc *doc = NULL;
	ynode *root, *v;
	size_t i;
	int rc;

	if (retort_str_list_push(&into->paths, path) < 0)
		return retort_error_oom(err);
	if (retort_str_list_push(&into->sources, "") < 0)
		return retort_error_oom(err);
	c.path = into->paths.v[into->paths.n - 1];
	if ((rc = retort_ydoc_parse(&doc, text, len, path, err)))
		return rc;
	/* keep the text for error messages raised after this file is read */
	free(into->sources.v[into->sources.n - 1]);
	into->sources.v[into->sources.n - 1] = retort_xstrdup(retort_ydoc_text(doc));
	c.doc = doc;
	root = retort_ydoc_root(doc);
	if (!root || retort_ynode_is_null(root))
		goto done;
	if ((rc = retort_ydoc_expect(doc, root, Y_MAP, "model file", err)) ||
	    (rc = retort_ydoc_check_keys(doc, root, top_keys, "model file", err)))
		goto done;
	if ((v = retort_ynode_get(doc, root, "tables")) && !retort_ynode_is_null(v)) {
		if ((rc = retort_ydoc_expect(doc, v, Y_MAP, "tables", err)))
			goto done;
		for (i = 0; i < retort_ynode_len(doc, v) && !rc; i++)
			rc = read_table(&c, retort_ynode_key(doc, v, i), retort_ynode_value(doc, v, i));
	}
	if (!rc && (v = retort_ynode_get(doc, root, "views")) && !retort_ynode_is_null(v))
		rc = read_views(&c, v);
	if (!rc && (v = retort_ynode_get(doc, root, "triggers")) && !retort_ynode_is_null(v))
		rc = read_triggers(&c, v);
done:
	sqlite3_close(c.probe);
	retort_ydoc_free(doc);
	return rc;
}

/* ---- checks across files ------------------------------------------ */

static int missing_table(const schema *s, retort_error **err, const src_loc *loc,
	const char *what, const char *table)
{
	const char **names = calloc(s->ntables + 1, sizeof(*names));
	const char *guess;
	size_t i;

	if (!names)
		return retort_error_oom(err);
	for (i = 0; i < s->ntables; i++)
		names[i] = s->tables[i].name;
	guess = retort_closest_word(table, names);
	retort_error_at(err, RETORT_EINVALID, loc, retort_schema_source_of(s, loc->path),
		"%s: no table '%s' in the models%s%s%s", what, table,
		guess ? " (did you mean '" : "", guess ? guess : "", guess ? "'?)" : "");
	free(names);
	return RETORT_EINVALID;
}

static int validate_columns(const schema *s, const schema_table *t, const str_list *cols,
	const src_loc *loc, const char *what, retort_error **err)
{
	size_t i;

	for (i = 0; i < cols->n; i++)
		if (!retort_schema_find_column(t, cols->v[i]))
			return missing_column(s, err, loc, what, t, cols->v[i]);
	return 0;
}

static int validate_table(const schema *s, const schema_table *t, retort_error **err)
{
	size_t i;
	int rc;

	for (i = 0; i < t->nuniques; i++)
		if ((rc = validate_columns(s, t, &t->uniques[i].columns, &t->uniques[i].loc,
				"unique", err)))
			return rc;
	/* a foreign key's own columns and their count are checked as it is read */
	for (i = 0; i < t->nfks; i++) {
		const schema_fk *fk = &t->fks[i];
		const schema_table *parent = retort_schema_find_table(s, fk->table);
		if (!parent)
			return missing_table(s, err, &fk->loc, "references", fk->table);
		if ((rc = validate_columns(s, parent, &fk->ref_columns, &fk->loc, "references", err)))
			return rc;
	}
	return 0;
}

/* The index named `name` that comes before `ix` in reading order, or NULL. */
static const schema_index *earlier_index(const schema *s, const schema_index *ix)
{
	size_t i, j;

	for (i = 0; i < s->ntables; i++) {
		for (j = 0; j < s->tables[i].nindexes; j++) {
			const schema_index *o = &s->tables[i].indexes[j];
			if (o == ix)
				return NULL;
			if (retort_name_eq(o->name, ix->name))
				return o;
		}
	}
	return NULL;
}

/* Tables, views and indexes share one namespace in SQLite. */
static int validate_index_names(const schema *s, const schema_table *t, retort_error **err)
{
	size_t i;

	for (i = 0; i < t->nindexes; i++) {
		const schema_index *ix = &t->indexes[i], *first = earlier_index(s, ix);
		const char *source = retort_schema_source_of(s, ix->loc.path);
		if (first)
			return retort_error_at(err, RETORT_EINVALID, &ix->loc, source,
				"index '%s' is defined twice (first at %s:%d:%d)", ix->name,
				first->loc.path, first->loc.line, first->loc.column);
		if (retort_schema_find_table(s, ix->name) || retort_schema_find_view(s, ix->name))
			return retort_error_at(err, RETORT_EINVALID, &ix->loc, source,
				"index '%s': a %s has that name", ix->name,
				retort_schema_find_table(s, ix->name) ? "table" : "view");
	}
	return 0;
}

int retort_model_validate(const schema *s, retort_error **err)
{
	size_t i;
	int rc;

	for (i = 0; i < s->ntables; i++)
		if ((rc = validate_table(s, &s->tables[i], err)) ||
		    (rc = validate_index_names(s, &s->tables[i], err)))
			return rc;
	return 0;
}
