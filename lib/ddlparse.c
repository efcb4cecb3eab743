/*
** ddlparse.c: the CREATE statement reader of ddlparse.h. SQLite has already
** accepted every statement read here, so the reader can be lenient: it
** looks for the clauses it needs and steps over everything else.
*/
#include "ddlparse.h"
#include "buf.h"
#include "sqltok.h"

#include <stdlib.h>
#include <string.h>

/* Step over "CREATE [TEMP] [UNIQUE|VIRTUAL] <kind> [IF NOT EXISTS] name". */
static void skip_create_head(sqlcur *c, const char *kind)
{
	while (c->tok.type != TK_EOF && !retort_sqlcur_is(c, kind))
		retort_sqlcur_advance(c);
	retort_sqlcur_accept(c, kind);
	if (retort_sqlcur_is(c, "IF")) {
		retort_sqlcur_advance(c);
		retort_sqlcur_accept(c, "NOT");
		retort_sqlcur_accept(c, "EXISTS");
	}
	retort_sqlcur_advance(c); /* the name */
	if (c->tok.type == TK_OP && c->tok.z[0] == '.') {
		retort_sqlcur_advance(c);
		retort_sqlcur_advance(c);
	}
}

/* Read "( expr )" at the cursor; returns the trimmed inner text. */
static char *read_group(sqlcur *c)
{
	const char *start;

	if (c->tok.type != TK_LP)
		return NULL;
	start = c->next;
	retort_sqlcur_skip_group(c);
	/* prev_end is just past the closing ')' */
	return retort_sql_trimmed(start, c->prev_end > start ? c->prev_end - 1 : start);
}

/* Read "(name [COLLATE x] [ASC|DESC], ...)" into `cols`. */
static int read_name_list(sqlcur *c, str_list *cols)
{
	if (c->tok.type != TK_LP)
		return 0;
	retort_sqlcur_advance(c);
	while (c->tok.type != TK_RP && c->tok.type != TK_EOF) {
		if (retort_sqltok_is_name(&c->tok)) {
			char *name = retort_sqltok_name(&c->tok);
			int rc = name ? retort_str_list_push(cols, name) : -1;
			free(name);
			if (rc < 0)
				return -1;
		}
		/* skip the rest of this term */
		while (c->tok.type != TK_COMMA && c->tok.type != TK_RP && c->tok.type != TK_EOF) {
			if (c->tok.type == TK_LP)
				retort_sqlcur_skip_group(c);
			else
				retort_sqlcur_advance(c);
		}
		if (c->tok.type == TK_COMMA)
			retort_sqlcur_advance(c);
	}
	retort_sqlcur_advance(c);
	return 0;
}

/* Does the (...) group at the cursor hold the bare word `kw` at its top
** level? The cursor is a copy: the caller's does not move. */
static int group_has_word(sqlcur c, const char *kw)
{
	int depth = 0;

	if (c.tok.type != TK_LP)
		return 0;
	do {
		if (depth == 1 && retort_sqlcur_is(&c, kw))
			return 1;
		depth += c.tok.type == TK_LP ? 1 : c.tok.type == TK_RP ? -1 : 0;
		retort_sqlcur_advance(&c);
	} while (depth > 0 && c.tok.type != TK_EOF);
	return 0;
}

/* "[ON CONFLICT action]": the action as retort_schema_conflict_action() gives it. */
static const char *read_conflict_clause(sqlcur *c)
{
	const char *action = NULL;
	int ok;

	if (retort_sqlcur_is(c, "ON")) {
		retort_sqlcur_advance(c);
		retort_sqlcur_accept(c, "CONFLICT");
		action = retort_schema_conflict_action(c->tok.z, c->tok.n, &ok);
		retort_sqlcur_advance(c);
	}
	return action;
}

/* The UNIQUE constraint's action, kept as its own string. */
static int set_unique_conflict(schema_unique *u, const char *action)
{
	return action && !(u->on_conflict = retort_xstrdup(action)) ? -1 : 0;
}

/*
** The action after ON DELETE or ON UPDATE, its words joined by one space
** whatever stands between them in the statement (spaces, comments), so that
** it compares with what PRAGMA foreign_key_list reports: "SET NULL".
*/
static char *read_fk_action(sqlcur *c)
{
	retort_buf b = RETORT_BUF_INIT;
	int two_words = retort_sqlcur_is(c, "SET") || retort_sqlcur_is(c, "NO");

	retort_buf_put(&b, c->tok.z, c->tok.n);
	retort_sqlcur_advance(c);
	if (two_words) {
		retort_buf_putc(&b, ' ');
		retort_buf_put(&b, c->tok.z, c->tok.n);
		retort_sqlcur_advance(c);
	}
	return retort_buf_detach(&b);
}

/* After REFERENCES: "table [(cols)] [ON ...|MATCH x|[NOT] DEFERRABLE ...]*". */
static int read_fk_clause(sqlcur *c, schema_fk *fk)
{
	fk->table = retort_sqltok_name(&c->tok);
	if (!fk->table)
		return -1;
	retort_sqlcur_advance(c);
	if (c->tok.type == TK_LP && read_name_list(c, &fk->ref_columns) < 0)
		return -1;
	for (;;) {
		if (retort_sqlcur_accept(c, "ON")) {
			char **action = retort_sqlcur_is(c, "DELETE") ? &fk->on_delete : &fk->on_update;
			retort_sqlcur_advance(c); /* DELETE | UPDATE */
			free(*action);
			*action = read_fk_action(c);
			if (!*action)
				return -1;
		} else if (retort_sqlcur_accept(c, "MATCH")) {
			retort_sqlcur_advance(c);
		} else if (retort_sqlcur_is(c, "NOT") || retort_sqlcur_is(c, "DEFERRABLE")) {
			int negated = retort_sqlcur_accept(c, "NOT");
			retort_sqlcur_accept(c, "DEFERRABLE");
			if (retort_sqlcur_accept(c, "INITIALLY")) {
				fk->deferred = !negated && retort_sqlcur_is(c, "DEFERRED");
				retort_sqlcur_advance(c);
			}
		} else {
			return 0;
		}
	}
}

static int is_column_constraint_start(const sqlcur *c)
{
	static const char *const words[] = { "CONSTRAINT", "PRIMARY", "NOT", "NULL",
		"UNIQUE", "CHECK", "DEFAULT", "COLLATE", "REFERENCES", "GENERATED", "AS", NULL };
	const char *const *w;

	for (w = words; *w; w++)
		if (retort_sqlcur_is(c, *w))
			return 1;
	return 0;
}

static void skip_default_value(sqlcur *c)
{
	if (c->tok.type == TK_LP) {
		retort_sqlcur_skip_group(c);
		return;
	}
	if (c->tok.type == TK_OP && (c->tok.z[0] == '+' || c->tok.z[0] == '-'))
		retort_sqlcur_advance(c);
	retort_sqlcur_advance(c);
}

static int read_column_def(sqlcur *c, ddl_table *t)
{
	ddl_column *col = ARRAY_PUSH(t->columns, t->ncolumns, t->capcolumns);
	char *pending = NULL;
	int rc = -1;

	if (!col)
		return -1;
	col->name = retort_sqltok_name(&c->tok);
	if (!col->name)
		return -1;
	retort_sqlcur_advance(c);
	/* the type: everything up to the first constraint */
	while (c->tok.type != TK_COMMA && c->tok.type != TK_RP && c->tok.type != TK_EOF &&
	       !is_column_constraint_start(c)) {
		if (c->tok.type == TK_LP)
			retort_sqlcur_skip_group(c);
		else
			retort_sqlcur_advance(c);
	}
	while (c->tok.type != TK_COMMA && c->tok.type != TK_RP && c->tok.type != TK_EOF) {
		if (retort_sqlcur_accept(c, "CONSTRAINT")) {
			free(pending);
			pending = retort_sqltok_name(&c->tok);
			retort_sqlcur_advance(c);
			continue;
		}
		if (retort_sqlcur_accept(c, "PRIMARY")) {
			retort_sqlcur_accept(c, "KEY");
			if (!retort_sqlcur_accept(c, "ASC"))
				retort_sqlcur_accept(c, "DESC");
			t->pk_conflict = read_conflict_clause(c);
			if (retort_sqlcur_accept(c, "AUTOINCREMENT"))
				col->autoincrement = t->autoincrement = 1;
			free(t->pk_name);
			t->pk_name = pending;
			pending = NULL;
		} else if (retort_sqlcur_accept(c, "NOT")) {
			retort_sqlcur_accept(c, "NULL");
			col->notnull_conflict = read_conflict_clause(c);
		} else if (retort_sqlcur_accept(c, "NULL")) {
			read_conflict_clause(c); /* SQLite ignores it */
		} else if (retort_sqlcur_accept(c, "UNIQUE")) {
			schema_unique *u = ARRAY_PUSH(t->uniques, t->nuniques, t->capuniques);
			if (!u || retort_str_list_push(&u->columns, col->name) < 0 ||
			    set_unique_conflict(u, read_conflict_clause(c)) < 0)
				goto done;
			u->name = pending;
			pending = NULL;
		} else if (retort_sqlcur_accept(c, "CHECK")) {
			schema_check *ck = ARRAY_PUSH(t->checks, t->nchecks, t->capchecks);
			if (!ck)
				goto done;
			ck->name = pending;
			pending = NULL;
			ck->column = retort_xstrdup(col->name);
			ck->expr = read_group(c);
			if (!ck->column || !ck->expr)
				goto done;
		} else if (retort_sqlcur_accept(c, "DEFAULT")) {
			skip_default_value(c);
		} else if (retort_sqlcur_accept(c, "COLLATE")) {
			free(col->collate);
			col->collate = retort_sqltok_name(&c->tok);
			retort_sqlcur_advance(c);
		} else if (retort_sqlcur_accept(c, "REFERENCES")) {
			schema_fk *fk = ARRAY_PUSH(t->fks, t->nfks, t->capfks);
			if (!fk || retort_str_list_push(&fk->columns, col->name) < 0)
				goto done;
			fk->name = pending;
			pending = NULL;
			if (read_fk_clause(c, fk) < 0)
				goto done;
		} else if (retort_sqlcur_is(c, "GENERATED") || retort_sqlcur_is(c, "AS")) {
			if (retort_sqlcur_accept(c, "GENERATED"))
				retort_sqlcur_accept(c, "ALWAYS");
			retort_sqlcur_accept(c, "AS");
			free(col->generated_sql);
			col->generated_sql = read_group(c);
			if (!col->generated_sql)
				goto done;
			if (!retort_sqlcur_accept(c, "STORED"))
				retort_sqlcur_accept(c, "VIRTUAL");
		} else if (c->tok.type == TK_LP) {
			retort_sqlcur_skip_group(c);
		} else {
			retort_sqlcur_advance(c);
		}
		free(pending);
		pending = NULL;
	}
	rc = 0;
done:
	free(pending);
	return rc;
}

static int read_table_constraint(sqlcur *c, ddl_table *t)
{
	char *name = NULL;
	int rc = -1;

	if (retort_sqlcur_accept(c, "CONSTRAINT")) {
		name = retort_sqltok_name(&c->tok);
		retort_sqlcur_advance(c);
	}
	if (retort_sqlcur_accept(c, "PRIMARY")) {
		str_list ignored = { 0 };
		retort_sqlcur_accept(c, "KEY");
		/* SQLite also takes PRIMARY KEY(id AUTOINCREMENT) */
		if (group_has_word(*c, "AUTOINCREMENT"))
			t->autoincrement = 1;
		rc = read_name_list(c, &ignored);
		retort_str_list_release(&ignored);
		t->pk_conflict = read_conflict_clause(c);
		free(t->pk_name);
		t->pk_name = name;
		name = NULL;
	} else if (retort_sqlcur_accept(c, "UNIQUE")) {
		schema_unique *u = ARRAY_PUSH(t->uniques, t->nuniques, t->capuniques);
		if (!u)
			goto done;
		u->name = name;
		name = NULL;
		rc = read_name_list(c, &u->columns);
		if (!rc)
			rc = set_unique_conflict(u, read_conflict_clause(c));
	} else if (retort_sqlcur_accept(c, "CHECK")) {
		schema_check *ck = ARRAY_PUSH(t->checks, t->nchecks, t->capchecks);
		if (!ck)
			goto done;
		ck->name = name;
		name = NULL;
		ck->expr = read_group(c);
		rc = ck->expr ? 0 : -1;
	} else if (retort_sqlcur_accept(c, "FOREIGN")) {
		schema_fk *fk = ARRAY_PUSH(t->fks, t->nfks, t->capfks);
		if (!fk)
			goto done;
		fk->name = name;
		name = NULL;
		retort_sqlcur_accept(c, "KEY");
		if (read_name_list(c, &fk->columns) < 0)
			goto done;
		retort_sqlcur_accept(c, "REFERENCES");
		rc = read_fk_clause(c, fk);
	} else {
		rc = 0;
	}
	/* step over anything left of this element (a CHECK's ON CONFLICT,
	** which SQLite parses and ignores) */
	while (c->tok.type != TK_COMMA && c->tok.type != TK_RP && c->tok.type != TK_EOF) {
		if (c->tok.type == TK_LP)
			retort_sqlcur_skip_group(c);
		else
			retort_sqlcur_advance(c);
	}
done:
	free(name);
	return rc;
}

static int is_table_constraint_start(const sqlcur *c)
{
	return retort_sqlcur_is(c, "CONSTRAINT") || retort_sqlcur_is(c, "PRIMARY") ||
		retort_sqlcur_is(c, "UNIQUE") || retort_sqlcur_is(c, "CHECK") || retort_sqlcur_is(c, "FOREIGN");
}

int retort_ddl_parse_table(const char *sql, ddl_table *t)
{
	sqlcur c;
	int is_virtual = 0;

	memset(t, 0, sizeof(*t));
	retort_sqlcur_init(&c, sql);
	while (c.tok.type != TK_EOF && !retort_sqlcur_is(&c, "TABLE")) {
		if (retort_sqlcur_is(&c, "VIRTUAL"))
			is_virtual = 1;
		retort_sqlcur_advance(&c);
	}
	skip_create_head(&c, "TABLE");
	if (is_virtual) {
		const char *end;
		retort_sqlcur_accept(&c, "USING");
		end = c.tok.z + strlen(c.tok.z);
		while (end > c.tok.z && (end[-1] == ';' || end[-1] == ' ' || end[-1] == '\n'))
			end--;
		t->virtual_using = retort_sql_trimmed(c.tok.z, end);
		return t->virtual_using ? 0 : -1;
	}
	if (c.tok.type != TK_LP)
		return 0;
	retort_sqlcur_advance(&c);
	while (c.tok.type != TK_RP && c.tok.type != TK_EOF) {
		int rc = is_table_constraint_start(&c) ? read_table_constraint(&c, t)
			: read_column_def(&c, t);
		if (rc < 0)
			return -1;
		if (c.tok.type == TK_COMMA)
			retort_sqlcur_advance(&c);
	}
	return 0;
}

void retort_ddl_table_release(ddl_table *t)
{
	size_t i;

	for (i = 0; i < t->ncolumns; i++) {
		free(t->columns[i].name);
		free(t->columns[i].collate);
		free(t->columns[i].generated_sql);
	}
	free(t->columns);
	for (i = 0; i < t->nuniques; i++)
		retort_schema_unique_release(&t->uniques[i]);
	free(t->uniques);
	for (i = 0; i < t->nchecks; i++)
		retort_schema_check_release(&t->checks[i]);
	free(t->checks);
	for (i = 0; i < t->nfks; i++)
		retort_schema_fk_release(&t->fks[i]);
	free(t->fks);
	free(t->pk_name);
	free(t->virtual_using);
	memset(t, 0, sizeof(*t));
}

int retort_ddl_parse_index(const char *sql, ddl_index *ix)
{
	sqlcur c;

	memset(ix, 0, sizeof(*ix));
	retort_sqlcur_init(&c, sql);
	skip_create_head(&c, "INDEX");
	retort_sqlcur_accept(&c, "ON");
	retort_sqlcur_advance(&c); /* the table */
	if (c.tok.type != TK_LP)
		return 0;
	retort_sqlcur_advance(&c);
	while (c.tok.type != TK_RP && c.tok.type != TK_EOF) {
		const char *start = c.tok.z, *end = c.tok.z;
		char *term;
		int rc;

		/* the term ends with its last token that is not ASC or DESC */
		while (c.tok.type != TK_COMMA && c.tok.type != TK_RP && c.tok.type != TK_EOF) {
			if (retort_sqlcur_is(&c, "ASC") || retort_sqlcur_is(&c, "DESC")) {
				retort_sqlcur_advance(&c);
				continue;
			}
			if (c.tok.type == TK_LP)
				retort_sqlcur_skip_group(&c);
			else
				retort_sqlcur_advance(&c);
			end = c.prev_end;
		}
		term = retort_sql_trimmed(start, end);
		rc = term ? retort_str_list_push(&ix->terms, term) : -1;
		free(term);
		if (rc < 0)
			return -1;
		if (c.tok.type == TK_COMMA)
			retort_sqlcur_advance(&c);
	}
	retort_sqlcur_advance(&c);
	if (retort_sqlcur_accept(&c, "WHERE")) {
		const char *end = c.tok.z + strlen(c.tok.z);
		while (end > c.tok.z && (end[-1] == ';' || end[-1] == ' ' || end[-1] == '\n'))
			end--;
		ix->where = retort_sql_trimmed(c.tok.z, end);
		if (!ix->where)
			return -1;
	}
	return 0;
}

void retort_ddl_index_release(ddl_index *ix)
{
	retort_str_list_release(&ix->terms);
	free(ix->where);
	memset(ix, 0, sizeof(*ix));
}

int retort_ddl_parse_view(const char *sql, char **select, int *has_column_list)
{
	sqlcur c;

	*select = NULL;
	*has_column_list = 0;
	retort_sqlcur_init(&c, sql);
	skip_create_head(&c, "VIEW");
	if (c.tok.type == TK_LP) {
		*has_column_list = 1;
		retort_sqlcur_skip_group(&c);
	}
	retort_sqlcur_accept(&c, "AS");
	*select = retort_sql_trimmed(c.tok.z, c.tok.z + strlen(c.tok.z));
	return *select ? 0 : -1;
}
