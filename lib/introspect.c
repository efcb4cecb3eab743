/*
** introspect.c: a live database read into a schema (introspect.h).
*/
#include "introspect.h"
#include "db/db.h"
#include "buf.h"
#include "ddlparse.h"
#include "sqltok.h"

#include <stdlib.h>
#include <string.h>

#define HISTORY_TABLE "retort_history"

typedef struct reader {
	retort_db *db;
	schema *s;
	retort_error **err;
	retort_db_stmt *xinfo, *index_list, *index_xinfo, *fk_list;
	str_list index_names, index_sqls; /* every index's SQL, by name */
} reader;

int retort_introspect_is_ignored(const char *name, const retort_config *cfg)
{
	size_t i, n;

	if (sqlite3_strnicmp(name, "sqlite_", 7) == 0)
		return 1;
	if (retort_name_eq(name, cfg ? retort_config_version_table(cfg) : "retort_version") ||
	    retort_name_eq(name, HISTORY_TABLE))
		return 1;
	n = cfg ? retort_config_exclude_count(cfg) : 0;
	for (i = 0; i < n; i++)
		if (sqlite3_strglob(retort_config_exclude(cfg, i), name) == 0)
			return 1;
	return 0;
}

static int db_error(reader *r, int rc)
{
	return retort_db_error(r->err, r->db, rc, -1, "cannot read the schema");
}

static int prepare(reader *r, retort_db_stmt **stmt, const char *sql)
{
	int rc = retort_db_prepare(r->db, stmt, sql, NULL);

	return rc == SQLITE_OK ? 0 : db_error(r, rc);
}

static char *col_text(retort_db_stmt *st, int i)
{
	const char *t = retort_db_column_text(st, i);
	return t ? retort_xstrdup(t) : NULL;
}


/*
** A DEFAULT written as a bare or quoted name (DEFAULT "x", DEFAULT [x],
** DEFAULT none) is a string to SQLite's grammar, whatever the name: PRAGMA
** table_info reports it as written, here it becomes the literal it means,
** so that it compares, renders and loads as the string it is. NULL, TRUE,
** FALSE and CURRENT_* stay the words they are.
*/
static char *default_text(const char *sql)
{
	retort_buf b = RETORT_BUF_INIT;
	sqltok tok = retort_sqltok_at(sql);
	char *name;

	if ((tok.type != TK_WORD && tok.type != TK_QUOTED) || retort_sql_is_literal(sql, 1) ||
	    retort_sqltok_at(tok.z + tok.n).type != TK_EOF)
		return retort_xstrdup(sql);
	name = retort_sqltok_name(&tok);
	if (!name)
		return NULL;
	retort_buf_literal(&b, name);
	free(name);
	return retort_buf_detach(&b);
}

static int read_columns(reader *r, schema_table *t, const ddl_table *ddl)
{
	retort_db_stmt *st = r->xinfo;
	int rc;

	retort_db_reset(st);
	retort_db_bind_text(st, 1, t->name);
	while ((rc = retort_db_step(st)) == SQLITE_ROW) {
		int hidden = retort_db_column_int(st, 6);
		schema_column *c;
		size_t i;

		if (hidden == 1) /* a virtual table's hidden column */
			continue;
		c = retort_schema_column_add(t);
		if (!c)
			return retort_error_oom(r->err);
		c->name = col_text(st, 1);
		c->type = retort_xstrdup(retort_db_column_str(st, 2));
		c->notnull = retort_db_column_int(st, 3);
		if (retort_db_column_type(st, 4) != SQLITE_NULL &&
		    !(c->default_sql = default_text(retort_db_column_str(st, 4))))
			return retort_error_oom(r->err);
		c->pk = retort_db_column_int(st, 5);
		c->generated = hidden == 2 ? GENERATED_VIRTUAL : hidden == 3 ? GENERATED_STORED
			: GENERATED_NONE;
		if (!c->name || !c->type)
			return retort_error_oom(r->err);
		for (i = 0; i < ddl->ncolumns; i++) {
			if (!retort_name_eq(ddl->columns[i].name, c->name))
				continue;
			c->collate = retort_xstrdup(ddl->columns[i].collate);
			c->notnull_conflict = retort_xstrdup(ddl->columns[i].notnull_conflict);
			if (c->generated)
				c->generated_sql = retort_xstrdup(ddl->columns[i].generated_sql);
			break;
		}
	}
	return rc == SQLITE_DONE ? 0 : db_error(r, rc);
}

/* The terms of the index behind a UNIQUE constraint (`u`), or behind the
** primary key (neither `ix` nor `u`: onto `t`'s key columns). */
static int read_key_term(reader *r, retort_db_stmt *st, schema_table *t, schema_unique *u)
{
	const char *coll = retort_db_column_str(st, 4);
	int desc = retort_db_column_int(st, 3);
	schema_column *c;
	int *d;

	if (!u) {
		c = retort_schema_find_column(t, retort_db_column_str(st, 2));
		if (c) {
			c->pk_desc = desc;
			if (!(c->pk_collate = retort_xstrdup(coll)))
				return retort_error_oom(r->err);
		}
		return 0;
	}
	d = realloc(u->desc, (u->columns.n + 1) * sizeof(*u->desc));
	if (!d)
		return retort_error_oom(r->err);
	u->desc = d;
	d[u->columns.n] = desc;
	if (retort_str_list_push(&u->columns, retort_db_column_str(st, 2)) < 0 ||
	    retort_str_list_push(&u->collates, coll) < 0)
		return retort_error_oom(r->err);
	return 0;
}

static int read_index_columns(reader *r, const char *index, schema_index *ix,
	schema_table *t, schema_unique *u, const ddl_index *ddl)
{
	retort_db_stmt *st = r->index_xinfo;
	int rc;

	retort_db_reset(st);
	retort_db_bind_text(st, 1, index);
	while ((rc = retort_db_step(st)) == SQLITE_ROW) {
		int seq = retort_db_column_int(st, 0), cid = retort_db_column_int(st, 1);
		schema_index_term *term;

		if (!retort_db_column_int(st, 5)) /* not a key column */
			continue;
		if (!ix) {
			if ((rc = read_key_term(r, st, t, u)))
				return rc;
			continue;
		}
		term = ARRAY_PUSH(ix->terms, ix->nterms, ix->capterms);
		if (!term)
			return retort_error_oom(r->err);
		term->desc = retort_db_column_int(st, 3);
		term->collate = col_text(st, 4);
		if (cid >= 0)
			term->column = col_text(st, 2);
		else if (cid == -1)
			term->column = retort_xstrdup("rowid");
		else
			term->expr = ddl && (size_t)seq < ddl->terms.n
				? retort_xstrdup(ddl->terms.v[seq]) : NULL;
		if (!term->column && !term->expr)
			return retort_error_set(r->err, RETORT_EDB,
				"cannot read expression %d of index '%s'", seq, index);
	}
	return rc == SQLITE_DONE ? 0 : db_error(r, rc);
}

/* sqlite_schema has no index on names: a look-up per index would scan it
** each time, so every index's SQL is read once, sorted by name (NOCASE,
** as sqlite3_stricmp compares), and found by binary search. */
static int load_index_sql(reader *r)
{
	retort_db_stmt *st = NULL;
	int rc = prepare(r, &st, "SELECT name, sql FROM sqlite_schema"
		" WHERE type = 'index' AND sql IS NOT NULL ORDER BY name COLLATE NOCASE");

	while (!rc && (rc = retort_db_step(st)) == SQLITE_ROW)
		rc = retort_str_list_push(&r->index_names, retort_db_column_str(st, 0)) < 0 ||
			retort_str_list_push(&r->index_sqls, retort_db_column_str(st, 1)) < 0 ? retort_error_oom(r->err) : 0;
	if (rc == SQLITE_DONE)
		rc = 0;
	else if (rc > 0)
		rc = db_error(r, rc);
	retort_db_finalize(st);
	return rc;
}

static const char *index_sql(const reader *r, const char *name)
{
	size_t lo = 0, hi = r->index_names.n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = sqlite3_stricmp(r->index_names.v[mid], name);
		if (c == 0)
			return r->index_sqls.v[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int read_indexes(reader *r, schema_table *t, ddl_table *ddl)
{
	retort_db_stmt *st = r->index_list;
	int rc;

	retort_db_reset(st);
	retort_db_bind_text(st, 1, t->name);
	while ((rc = retort_db_step(st)) == SQLITE_ROW) {
		const char *name = retort_db_column_str(st, 1), *origin = retort_db_column_str(st, 3);
		char *index_name;
		int err_rc;

		index_name = retort_xstrdup(name);
		if (!index_name)
			return retort_error_oom(r->err);
		if (strcmp(origin, "pk") == 0) {
			err_rc = read_index_columns(r, index_name, NULL, t, NULL, NULL);
		} else if (strcmp(origin, "u") == 0) {
			schema_unique *u = ARRAY_PUSH(t->uniques, t->nuniques, t->capuniques);
			schema_unique *d = NULL;
			size_t i;
			if (!u) {
				free(index_name);
				return retort_error_oom(r->err);
			}
			err_rc = read_index_columns(r, index_name, NULL, t, u, NULL);
			/* the name and the action come from the statement: each
			** declaration on these columns is used once, a named one first */
			for (i = 0; !err_rc && i < ddl->nuniques; i++) {
				schema_unique *x = &ddl->uniques[i];
				if (x->columns.n && retort_str_list_equal_nocase(&x->columns, &u->columns) &&
				    (!d || (!d->name && x->name)))
					d = x;
			}
			if (d) {
				u->name = d->name;
				u->on_conflict = d->on_conflict;
				d->name = d->on_conflict = NULL;
				retort_str_list_release(&d->columns);
			}
		} else {
			schema_index *ix = ARRAY_PUSH(t->indexes, t->nindexes, t->capindexes);
			const char *sql = index_sql(r, index_name);
			ddl_index dix;
			if (!ix || !sql || retort_ddl_parse_index(sql, &dix) < 0) {
				free(index_name);
				return ix ? retort_error_set(r->err, RETORT_EDB, "cannot read index '%s'", name)
					: retort_error_oom(r->err);
			}
			ix->name = retort_xstrdup(index_name);
			ix->table = retort_xstrdup(t->name);
			ix->unique = retort_db_column_int(st, 2);
			ix->where = retort_xstrdup(dix.where);
			err_rc = read_index_columns(r, index_name, ix, t, NULL, &dix);
			retort_ddl_index_release(&dix);
		}
		free(index_name);
		if (err_rc)
			return err_rc;
	}
	return rc == SQLITE_DONE ? 0 : db_error(r, rc);
}

static int read_fks(reader *r, schema_table *t, const ddl_table *ddl)
{
	retort_db_stmt *st = r->fk_list;
	schema_fk *fk = NULL;
	int rc, last_id = -1;
	size_t i;
	char *used = NULL;

	retort_db_reset(st);
	retort_db_bind_text(st, 1, t->name);
	while ((rc = retort_db_step(st)) == SQLITE_ROW) {
		int id = retort_db_column_int(st, 0);
		if (id != last_id) {
			fk = ARRAY_PUSH(t->fks, t->nfks, t->capfks);
			if (!fk)
				return retort_error_oom(r->err);
			fk->table = col_text(st, 2);
			fk->on_update = col_text(st, 5);
			fk->on_delete = col_text(st, 6);
			last_id = id;
		}
		if (retort_str_list_push(&fk->columns, retort_db_column_str(st, 3)) < 0 ||
		    (retort_db_column_type(st, 4) != SQLITE_NULL &&
		     retort_str_list_push(&fk->ref_columns, retort_db_column_str(st, 4)) < 0))
			return retort_error_oom(r->err);
	}
	if (rc != SQLITE_DONE)
		return db_error(r, rc);
	/* names and deferrability come from the CREATE statement; match by
	** columns and parent, each declaration used once */
	used = calloc(ddl->nfks + 1, 1);
	if (!used)
		return retort_error_oom(r->err);
	for (i = 0; i < t->nfks; i++) {
		size_t j;
		for (j = 0; j < ddl->nfks; j++) {
			if (used[j] || !retort_name_eq(ddl->fks[j].table, t->fks[i].table) ||
			    !retort_str_list_equal_nocase(&ddl->fks[j].columns, &t->fks[i].columns) ||
			    !retort_str_list_equal_nocase(&ddl->fks[j].ref_columns, &t->fks[i].ref_columns) ||
			    !retort_name_eq(ddl->fks[j].on_delete ? ddl->fks[j].on_delete : "NO ACTION",
				t->fks[i].on_delete) ||
			    !retort_name_eq(ddl->fks[j].on_update ? ddl->fks[j].on_update : "NO ACTION",
				t->fks[i].on_update))
				continue;
			used[j] = 1;
			t->fks[i].name = retort_xstrdup(ddl->fks[j].name);
			t->fks[i].deferred = ddl->fks[j].deferred;
			break;
		}
	}
	free(used);
	return 0;
}

static int read_table(reader *r, const char *name, const char *sql, int strict,
	int without_rowid)
{
	schema_table *t = retort_schema_table_add(r->s);
	ddl_table ddl;
	int rc;

	if (!t || !(t->name = retort_xstrdup(name)))
		return retort_error_oom(r->err);
	if (retort_ddl_parse_table(sql, &ddl) < 0) {
		retort_ddl_table_release(&ddl);
		return retort_error_oom(r->err);
	}
	t->strict = strict;
	t->without_rowid = without_rowid;
	t->autoincrement = ddl.autoincrement;
	t->pk_name = ddl.pk_name;
	ddl.pk_name = NULL;
	if (ddl.pk_conflict && !(t->pk_conflict = retort_xstrdup(ddl.pk_conflict))) {
		retort_ddl_table_release(&ddl);
		return retort_error_oom(r->err);
	}
	if (ddl.virtual_using) {
		t->virtual_using = ddl.virtual_using;
		ddl.virtual_using = NULL;
		retort_ddl_table_release(&ddl);
		return 0;
	}
	rc = read_columns(r, t, &ddl);
	if (!rc)
		rc = read_indexes(r, t, &ddl);
	if (!rc)
		rc = read_fks(r, t, &ddl);
	if (!rc) { /* the parsed CHECKs are the table's: move them over */
		t->checks = ddl.checks;
		t->nchecks = ddl.nchecks;
		t->capchecks = ddl.capchecks;
		ddl.checks = NULL;
		ddl.nchecks = ddl.capchecks = 0;
	}
	retort_ddl_table_release(&ddl);
	return rc;
}

static int read_view(reader *r, const char *name, const char *sql)
{
	schema_view *v = retort_schema_view_add(r->s);

	if (!v)
		return retort_error_oom(r->err);
	v->name = retort_xstrdup(name);
	v->sql = retort_xstrdup(sql);
	if (!v->name || !v->sql || retort_ddl_parse_view(sql, &v->select, &v->has_column_list) < 0)
		return retort_error_oom(r->err);
	return 0;
}

static int read_trigger(reader *r, const char *name, const char *table, const char *sql)
{
	schema_trigger *tr = retort_schema_trigger_add(r->s);

	if (!tr)
		return retort_error_oom(r->err);
	tr->name = retort_xstrdup(name);
	tr->table = retort_xstrdup(table);
	tr->sql = retort_xstrdup(sql);
	if (!tr->name || !tr->table || !tr->sql)
		return retort_error_oom(r->err);
	return 0;
}

int retort_introspect_read(schema **out, retort_db *db, const retort_config *cfg,
	retort_error **err)
{
	reader r;
	retort_db_stmt *objects = NULL;
	int rc, step;

	*out = NULL;
	memset(&r, 0, sizeof(r));
	r.db = db;
	r.err = err;
	r.s = retort_schema_new();
	if (!r.s)
		return retort_error_oom(err);
	/* pragma_table_list tells STRICT, WITHOUT ROWID and shadow tables. Given
	** a name it still walks every table (SQLite 3.40), so it is listed once,
	** materialized, and joined through the automatic index SQLite builds on
	** it: linear in the number of tables, not quadratic. */
	rc = prepare(&r, &objects,
		"WITH l AS MATERIALIZED (SELECT name, type, wr, strict FROM pragma_table_list"
		" WHERE schema = 'main')"
		" SELECT m.type, m.name, m.tbl_name, m.sql, l.type, l.wr, l.strict"
		" FROM sqlite_schema AS m LEFT JOIN l ON l.name = m.name"
		" WHERE m.type IN ('table', 'view', 'trigger') AND m.sql IS NOT NULL"
		" ORDER BY m.rowid");
	if (!rc)
		rc = load_index_sql(&r);
	if (!rc)
		rc = prepare(&r, &r.xinfo, "SELECT * FROM pragma_table_xinfo(?1, 'main')");
	if (!rc)
		rc = prepare(&r, &r.index_list,
			"SELECT seq, name, \"unique\", origin, partial FROM pragma_index_list(?1, 'main')");
	if (!rc)
		rc = prepare(&r, &r.index_xinfo,
			"SELECT seqno, cid, name, \"desc\", coll, key FROM pragma_index_xinfo(?1, 'main')");
	if (!rc)
		rc = prepare(&r, &r.fk_list,
			"SELECT id, seq, \"table\", \"from\", \"to\", on_update, on_delete"
			" FROM pragma_foreign_key_list(?1, 'main') ORDER BY id, seq");
	while (!rc && (step = retort_db_step(objects)) == SQLITE_ROW) {
		const char *type = retort_db_column_str(objects, 0);
		const char *name = retort_db_column_str(objects, 1);
		const char *table = retort_db_column_str(objects, 2);
		const char *sql = retort_db_column_str(objects, 3);

		if (retort_introspect_is_ignored(name, cfg) ||
		    (strcmp(type, "trigger") == 0 && retort_introspect_is_ignored(table, cfg)) ||
		    strcmp(retort_db_column_str(objects, 4), "shadow") == 0)
			continue;
		if (strcmp(type, "table") == 0)
			rc = read_table(&r, name, sql, retort_db_column_int(objects, 6),
				retort_db_column_int(objects, 5));
		else if (strcmp(type, "view") == 0)
			rc = read_view(&r, name, sql);
		else
			rc = read_trigger(&r, name, table, sql);
	}
	if (!rc && step != SQLITE_DONE)
		rc = db_error(&r, step);
	retort_db_finalize(objects);
	retort_str_list_release(&r.index_names);
	retort_str_list_release(&r.index_sqls);
	retort_db_finalize(r.xinfo);
	retort_db_finalize(r.index_list);
	retort_db_finalize(r.index_xinfo);
	retort_db_finalize(r.fk_list);
	if (rc) {
		retort_schema_free(r.s);
		return rc;
	}
	retort_schema_sort(r.s);
	*out = r.s;
	return 0;
}

int retort_db_schema_read(retort_schema **out, retort_db *db, const retort_config *cfg,
	retort_error **err)
{
	return retort_introspect_read(out, db, cfg, err);
}

/* An app's own handle, and the scratch databases retort builds in memory,
** are read through a connection that wraps the handle. */
int retort_schema_read(retort_schema **out, sqlite3 *db, const retort_config *cfg,
	retort_error **err)
{
	retort_db *conn = NULL;
	int rc;

	*out = NULL;
	rc = retort_db_wrap(&conn, db, err);
	if (!rc)
		rc = retort_introspect_read(out, conn, cfg, err);
	retort_db_free(conn);
	return rc;
}

int retort_schema_read_file(retort_schema **out, const char *path,
	const retort_config *cfg, retort_error **err)
{
	retort_db *db = NULL;
	int rc;

	*out = NULL;
	rc = retort_db_open_file(&db, path, 0, NULL, NULL, err);
	if (rc)
		return rc;
	if (!db)
		return retort_error_set(err, RETORT_ENOTFOUND, "database '%s' does not exist", path);
	retort_db_busy_wait(db, NULL, 5000);
	rc = retort_introspect_read(out, db, cfg, err);
	retort_db_free(db);
	return rc;
}
