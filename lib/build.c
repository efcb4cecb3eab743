/*
** build.c: models and SQL scripts built into in-memory SQLite databases and
** read back, so that every schema retort compares is SQLite's own reading.
*/
#include "build.h"
#include "db/db.h"
#include "fileio.h"
#include "introspect.h"
#include "model.h"
#include "render.h"
#include "scratch.h"
#include "sqltok.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static src_loc loc_in_text(const char *text, size_t offset, const char *path)
{
	src_loc loc = { path, 1, 1 };
	size_t i;

	/* columns count characters, as libyaml's marks do, not bytes */
	for (i = 0; i < offset && text[i]; i++) {
		if (text[i] == '\n') {
			loc.line++;
			loc.column = 1;
		} else if (((unsigned char)text[i] & 0xC0) != 0x80) {
			loc.column++;
		}
	}
	return loc;
}

int retort_build_exec_script(sqlite3 *db, const char *sql, const char *path, retort_error **err)
{
	const char *p = sql, *why = NULL;
	retort_scratch_run run;

	retort_scratch_run_init(&run, db);
	while (*p) {
		const char *tail = NULL;
		int rc = retort_scratch_run_step(&run, p, &tail, &why);

		if (rc != SQLITE_OK) {
			int off = sqlite3_error_offset(db);
			int code = retort_db_code(rc);
			src_loc loc;
			/* without an offset, point at the statement, not at the end of
			** the one before it (where `p` starts) */
			if (off < 0) {
				sqlcur cur;
				retort_sqlcur_init(&cur, p);
				off = (int)(cur.tok.z - p);
			}
			loc = loc_in_text(sql, (size_t)(p - sql) + (size_t)off, path);
			if (path)
				retort_error_at(err, code, &loc, sql, "%s", why);
			else
				retort_error_set(err, code, "%s", why);
			retort_scratch_run_end(&run, &why);
			return code;
		}
		if (!tail || tail == p)
			break;
		p = tail;
	}
	if (retort_scratch_run_end(&run, &why) != SQLITE_OK)
		return retort_error_set(err, RETORT_EDB, "%s", why);
	return 0;
}

/* Run one rendered statement; an error points at the model node whose
** text holds SQLite's error offset, else at `fallback`. */
static int exec_rendered(sqlite3 *db, const schema *raw, const char *sql,
	const render_spans *spans, const src_loc *fallback, const char *what,
	retort_error **err)
{
	sqlite3_stmt *st = NULL;
	const char *tail = NULL;
	sqlcur rest;
	int rc = sqlite3_prepare_v2(db, sql, -1, &st, &tail);

	/* after the statement only ';', spaces and comments (model.c refused an
	** unterminated one) */
	for (retort_sqlcur_init(&rest, tail ? tail : ""); rest.tok.type == TK_SEMI; retort_sqlcur_advance(&rest))
		;
	if (rc == SQLITE_OK && rest.tok.type != TK_EOF) {
		sqlite3_finalize(st);
		return retort_error_at(err, RETORT_EINVALID, fallback, retort_schema_source_of(raw, fallback->path),
			"%s: expected one SQL statement, found more", what);
	}
	if (rc == SQLITE_OK && !st) {
		return retort_error_at(err, RETORT_EINVALID, fallback, retort_schema_source_of(raw, fallback->path),
			"%s: expected a SQL statement", what);
	}
	if (rc == SQLITE_OK) {
		rc = sqlite3_step(st);
		rc = rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
	}
	if (rc != SQLITE_OK) {
		int off = sqlite3_error_offset(db);
		/* "incomplete input" has no offset: the fault is at the end */
		if (off < 0 && *sql)
			off = (int)strlen(sql) - 1;
		const render_span *span = spans && off >= 0 ? retort_render_spans_find(spans, (size_t)off) : NULL;
		const src_loc *loc = span ? span->loc : fallback;
		retort_error_at(err, RETORT_EINVALID, loc, retort_schema_source_of(raw, loc->path),
			"%s: %s", what, sqlite3_errmsg(db));
		sqlite3_finalize(st);
		return RETORT_EINVALID;
	}
	sqlite3_finalize(st);
	return 0;
}

static int object_count(sqlite3 *db)
{
	sqlite3_stmt *st = NULL;
	int n = -1;

	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_schema", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}

static int object_exists(sqlite3 *db, const char *type, const char *name)
{
	sqlite3_stmt *st = NULL;
	int found = 0;

	if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_schema WHERE type = ?1 AND name = ?2",
		-1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, type, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
		found = sqlite3_step(st) == SQLITE_ROW;
	}
	sqlite3_finalize(st);
	return found;
}

/* A statement given whole in a model must create exactly the object named
** by its key: anything else would let the file and the schema disagree. */
static int exec_whole_statement(sqlite3 *db, const schema *raw, const char *sql,
	const char *type, const char *name, const src_loc *loc, retort_error **err)
{
	char what[64];
	int before = object_count(db), rc;

	snprintf(what, sizeof(what), "%s '%.40s'", type, name);
	rc = exec_rendered(db, raw, sql, NULL, loc, what, err);
	if (rc)
		return rc;
	if (object_count(db) != before + 1 || !object_exists(db, type, name))
		return retort_error_at(err, RETORT_EINVALID, loc, retort_schema_source_of(raw, loc->path),
			"%s '%s': the statement must create the %s '%s'", type, name, type, name);
	return 0;
}

static int build_tables(sqlite3 *db, const schema *raw, retort_error **err)
{
	retort_buf sql = RETORT_BUF_INIT;
	render_spans spans = { 0 };
	size_t i, j;
	int rc = 0;

	for (i = 0; i < raw->ntables && !rc; i++) {
		const schema_table *t = &raw->tables[i];
		char what[80];

		retort_buf_clear(&sql);
		spans.n = 0;
		retort_render_create_table(&sql, t, &spans);
		snprintf(what, sizeof(what), "table '%.60s'", t->name);
		rc = retort_buf_oom(&sql) ? retort_error_oom(err) : exec_rendered(db, raw, sql.ptr, &spans, &t->loc, what, err);
		for (j = 0; j < t->nindexes && !rc; j++) {
			retort_buf_clear(&sql);
			spans.n = 0;
			retort_render_create_index(&sql, &t->indexes[j], t, &spans);
			snprintf(what, sizeof(what), "index '%.60s'", t->indexes[j].name);
			rc = retort_buf_oom(&sql) ? retort_error_oom(err)
				: exec_rendered(db, raw, sql.ptr, &spans, &t->indexes[j].loc, what, err);
		}
	}
	retort_buf_release(&sql);
	retort_render_spans_release(&spans);
	return rc;
}

static int build_views(sqlite3 *db, const schema *raw, retort_error **err)
{
	retort_buf sql = RETORT_BUF_INIT;
	size_t i;
	int rc = 0;

	for (i = 0; i < raw->nviews && !rc; i++) {
		const schema_view *v = &raw->views[i];
		retort_buf_clear(&sql);
		retort_render_create_view(&sql, v);
		rc = retort_buf_oom(&sql) ? retort_error_oom(err)
			: exec_whole_statement(db, raw, sql.ptr, "view", v->name, &v->loc, err);
	}
	/* SQLite accepts a view of a missing table until it is used: use each */
	for (i = 0; i < raw->nviews && !rc; i++) {
		const schema_view *v = &raw->views[i];
		char what[80];
		retort_buf_clear(&sql);
		retort_buf_puts(&sql, "SELECT * FROM ");
		retort_buf_ident(&sql, v->name);
		retort_buf_puts(&sql, " LIMIT 0");
		snprintf(what, sizeof(what), "view '%.60s'", v->name);
		rc = retort_buf_oom(&sql) ? retort_error_oom(err) : exec_rendered(db, raw, sql.ptr, NULL, &v->loc, what, err);
	}
	retort_buf_release(&sql);
	return rc;
}

static int build_triggers(sqlite3 *db, const schema *raw, retort_error **err)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < raw->ntriggers && !rc; i++)
		rc = exec_whole_statement(db, raw, raw->triggers[i].sql, "trigger",
			raw->triggers[i].name, &raw->triggers[i].loc, err);
	return rc;
}

/* ---- foreign keys SQLite cannot enforce ------------------------------ */

/* "pet(owner) references user(name)"; "... references user" for its key. */
static void describe_fk(retort_buf *b, const char *table, const schema_fk *fk)
{
	size_t i;

	retort_buf_printf(b, "%s(", table);
	for (i = 0; i < fk->columns.n; i++)
		retort_buf_printf(b, "%s%s", i ? ", " : "", fk->columns.v[i]);
	retort_buf_printf(b, ") references %s", fk->table);
	for (i = 0; i < fk->ref_columns.n; i++)
		retort_buf_printf(b, "%s%s", i ? ", " : "(", fk->ref_columns.v[i]);
	retort_buf_puts(b, fk->ref_columns.n ? ")" : "");
}

/* The name of no table, index or view of `db`, for a probe table. */
static int probe_name(sqlite3 *db, retort_buf *out)
{
	sqlite3_stmt *st = NULL;
	unsigned n = 0;
	int taken = 1;

	if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_schema WHERE type <> 'trigger'"
	    " AND name = ?1 COLLATE NOCASE", -1, &st, NULL) != SQLITE_OK)
		return -1;
	while (taken && !retort_buf_oom(out)) {
		retort_buf_clear(out);
		retort_buf_puts(out, "retort_fk_probe");
		if (n++)
			retort_buf_printf(out, "_%u", n);
		sqlite3_bind_text(st, 1, out->ptr, -1, SQLITE_STATIC);
		taken = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return retort_buf_oom(out) ? -1 : 0;
}

/*
** Does SQLite refuse `fk` as a "foreign key mismatch" (its parent columns
** are neither the parent's primary key nor unique: a UNIQUE constraint, or
** a unique index without WHERE in the columns' own collations), and with it
** every write to the child? SQLite judges, in `db`, which holds the parent:
** PRAGMA foreign_key_check is prepared on a probe table holding only that
** key. 1: refused, 0: usable, -1: the probe failed.
*/
static int fk_mismatch(sqlite3 *db, const schema_fk *fk)
{
	retort_buf name = RETORT_BUF_INIT, sql = RETORT_BUF_INIT, cols = RETORT_BUF_INIT;
	sqlite3_stmt *st = NULL;
	size_t i;
	int rc = -1;

	for (i = 0; i < fk->columns.n; i++)
		retort_buf_printf(&cols, "%sc%zu", i ? ", " : "", i);
	if (probe_name(db, &name) < 0)
		goto done;
	retort_buf_puts(&sql, "CREATE TABLE ");
	retort_buf_ident(&sql, name.ptr);
	retort_buf_printf(&sql, " (%s, FOREIGN KEY (%s) REFERENCES ", cols.ptr, cols.ptr);
	retort_buf_ident(&sql, fk->table);
	for (i = 0; i < fk->ref_columns.n; i++) {
		retort_buf_puts(&sql, i ? ", " : " (");
		retort_buf_ident(&sql, fk->ref_columns.v[i]);
	}
	retort_buf_puts(&sql, fk->ref_columns.n ? "))" : ")");
	if (retort_buf_oom(&sql) || retort_buf_oom(&cols) ||
	    sqlite3_exec(db, sql.ptr, NULL, NULL, NULL) != SQLITE_OK)
		goto done;
	retort_buf_clear(&sql);
	retort_buf_puts(&sql, "PRAGMA foreign_key_check(");
	retort_buf_ident(&sql, name.ptr);
	retort_buf_puts(&sql, ")");
	if (!retort_buf_oom(&sql)) {
		int prepared = sqlite3_prepare_v2(db, sql.ptr, -1, &st, NULL);
		rc = prepared == SQLITE_OK ? 0 :
			strstr(sqlite3_errmsg(db), "foreign key mismatch") ? 1 : -1;
		sqlite3_finalize(st);
	}
	retort_buf_clear(&sql);
	retort_buf_puts(&sql, "DROP TABLE ");
	retort_buf_ident(&sql, name.ptr);
	if (retort_buf_oom(&sql) || sqlite3_exec(db, sql.ptr, NULL, NULL, NULL) != SQLITE_OK)
		rc = -1;
done:
	retort_buf_release(&name);
	retort_buf_release(&sql);
	retort_buf_release(&cols);
	return rc;
}

/* A scratch database holding one table of `s` and its indexes. */
typedef struct fk_judge {
	sqlite3 *db;
	const schema_table *parent; /* the table it holds */
	int made;                   /* ... and SQLite could make it */
} fk_judge;

/* Hold `parent` (and nothing else), made from its definition. */
static void hold_parent(fk_judge *j, const schema_table *parent, retort_buf *sql)
{
	size_t i;

	if (j->parent == parent)
		return;
	if (j->parent && j->made) {
		retort_buf_clear(sql);
		retort_buf_puts(sql, "DROP TABLE ");
		retort_buf_ident(sql, j->parent->name);
		if (!retort_buf_oom(sql))
			sqlite3_exec(j->db, sql->ptr, NULL, NULL, NULL);
	}
	j->parent = parent;
	retort_buf_clear(sql);
	retort_render_create_table(sql, parent, NULL);
	j->made = !retort_buf_oom(sql) && sqlite3_exec(j->db, sql->ptr, NULL, NULL, NULL) == SQLITE_OK;
	for (i = 0; j->made && i < parent->nindexes; i++) {
		retort_buf_clear(sql);
		retort_render_create_index(sql, &parent->indexes[i], parent, NULL);
		if (!retort_buf_oom(sql))
			sqlite3_exec(j->db, sql->ptr, NULL, NULL, NULL);
	}
}

typedef void (*fk_mismatch_fn)(void *ctx, const schema_table *child, const schema_fk *fk);

/*
** Call `fn` for each foreign key of `s` that SQLite refuses (fk_mismatch).
** Each is judged in a scratch database that holds only its parent table,
** so that the cost grows with the keys, not with the square of the schema;
** a parent SQLite cannot make there (an unknown module or collation) leaves
** its keys unjudged.
*/
static int each_fk_mismatch(const schema *s, fk_mismatch_fn fn, void *ctx, retort_error **err)
{
	retort_buf sql = RETORT_BUF_INIT;
	fk_judge j = { NULL, NULL, 0 };
	size_t i, k;
	int rc = 0;

	for (i = 0; i < s->ntables && !rc; i++) {
		for (k = 0; k < s->tables[i].nfks && !rc; k++) {
			const schema_fk *fk = &s->tables[i].fks[k];
			const schema_table *parent = retort_schema_find_table(s, fk->table);
			int bad;
			if (!parent)
				continue;
			if (!j.db && (rc = retort_scratch_open(&j.db, err)))
				break;
			hold_parent(&j, parent, &sql);
			if (!j.made)
				continue;
			if ((bad = fk_mismatch(j.db, fk)) < 0)
				rc = retort_error_set(err, RETORT_ERROR, "cannot check the foreign keys: %s",
					sqlite3_errmsg(j.db));
			else if (bad)
				fn(ctx, &s->tables[i], fk);
		}
	}
	sqlite3_close(j.db);
	retort_buf_release(&sql);
	return rc;
}

/* Where the models' first refused key is reported. */
typedef struct fk_error {
	const schema *raw;
	retort_error **err;
	int rc;
} fk_error;

/* The first refused key of the models: an error at its `references`. */
static void model_fk_error(void *ctx, const schema_table *t, const schema_fk *fk)
{
	fk_error *c = ctx;
	retort_buf what = RETORT_BUF_INIT;

	if (c->rc)
		return;
	retort_buf_puts(&what, "foreign key ");
	describe_fk(&what, t->name, fk);
	if (fk->ref_columns.n)
		retort_buf_printf(&what, ", which is neither the primary key of '%s' nor unique (a UNIQUE "
			"constraint, or a unique index without WHERE, in the column's own collation)",
			fk->table);
	else
		retort_buf_printf(&what, ", and '%s' has no primary key of %zu column%s to reference",
			fk->table, fk->columns.n, fk->columns.n == 1 ? "" : "s");
	retort_buf_printf(&what, ": SQLite would refuse every insert into '%s' (\"foreign key mismatch\")",
		t->name);
	c->rc = retort_buf_oom(&what) ? retort_error_oom(c->err) : retort_error_at(c->err, RETORT_EINVALID, &fk->loc,
		retort_schema_source_of(c->raw, fk->loc.path), "%s", what.ptr);
	retort_buf_release(&what);
}

/* A foreign key of the models that SQLite would refuse is an error at its
** `references`: the child could never be written. */
static int check_fk_parents(const schema *raw, retort_error **err)
{
	fk_error c = { raw, err, 0 };
	int rc = each_fk_mismatch(raw, model_fk_error, &c, err);

	return rc ? rc : c.rc;
}

/* The refused keys of a schema, as strings (retort_schema_fk_mismatches). */
typedef struct fk_list {
	char **v;
	size_t n, cap;
	int oom;
} fk_list;

static void list_fk(void *ctx, const schema_table *t, const schema_fk *fk)
{
	fk_list *l = ctx;
	retort_buf b = RETORT_BUF_INIT;
	char **slot = NULL, *text;

	describe_fk(&b, t->name, fk);
	text = retort_buf_detach(&b);
	if (text)
		slot = ARRAY_PUSH(l->v, l->n, l->cap);
	if (slot) {
		*slot = text;
	} else {
		free(text);
		l->oom = 1;
	}
}

int retort_schema_fk_mismatches(char ***out, size_t *count, const retort_schema *s,
	retort_error **err)
{
	fk_list l = { NULL, 0, 0, 0 };
	int rc = each_fk_mismatch(s, list_fk, &l, err);

	*out = NULL;
	*count = 0;
	if (!rc && l.oom)
		rc = retort_error_oom(err);
	if (rc) {
		retort_strings_free(l.v, l.n);
		return rc;
	}
	*out = l.v;
	*count = l.n;
	return 0;
}

/* What SQLite does not store comes from the models: origins and renames. */
static int carry_model_facts(schema *built, const schema *raw)
{
	size_t i, j;

	for (i = 0; i < built->ntables; i++) {
		schema_table *t = &built->tables[i];
		const schema_table *r = retort_schema_find_table(raw, t->name);
		if (!r)
			continue;
		t->loc = r->loc;
		t->pk_loc = r->pk_loc;
		if (r->renamed_from && !(t->renamed_from = retort_xstrdup(r->renamed_from)))
			return -1;
		for (j = 0; j < t->ncolumns; j++) {
			schema_column *c = &t->columns[j];
			const schema_column *rc = retort_schema_find_column(r, c->name);
			if (!rc)
				continue;
			c->loc = rc->loc;
			c->default_loc = rc->default_loc;
			c->generated_loc = rc->generated_loc;
			if (rc->renamed_from && !(c->renamed_from = retort_xstrdup(rc->renamed_from)))
				return -1;
		}
		for (j = 0; j < t->nindexes; j++) {
			size_t k;
			for (k = 0; k < r->nindexes; k++)
				if (retort_name_eq(r->indexes[k].name, t->indexes[j].name))
					t->indexes[j].loc = r->indexes[k].loc;
		}
	}
	for (i = 0; i < built->nviews; i++) {
		const schema_view *r = retort_schema_find_view(raw, built->views[i].name);
		if (r)
			built->views[i].loc = r->loc;
	}
	return 0;
}

static int check_not_ignored(const schema *raw, const retort_config *cfg, retort_error **err)
{
	size_t i;

	for (i = 0; i < raw->ntables; i++) {
		const schema_table *t = &raw->tables[i];
		if (retort_introspect_is_ignored(t->name, cfg))
			return retort_error_at(err, RETORT_EINVALID, &t->loc, retort_schema_source_of(raw, t->loc.path),
				"table '%s': the name is reserved for retort or excluded by the config",
				t->name);
	}
	return 0;
}

int retort_build_models(schema **out, schema *raw, const retort_config *cfg,
	retort_error **err)
{
	sqlite3 *db = NULL;
	schema *built = NULL;
	int rc;

	*out = NULL;
	if ((rc = retort_model_validate(raw, err)) || (rc = check_not_ignored(raw, cfg, err)) ||
	    (rc = retort_scratch_open(&db, err)))
		return rc;
	if (!(rc = build_tables(db, raw, err)) && !(rc = check_fk_parents(raw, err)) &&
	    !(rc = build_views(db, raw, err)) && !(rc = build_triggers(db, raw, err)))
		rc = retort_schema_read(&built, db, cfg, err);
	sqlite3_close(db);
	if (rc)
		return rc;
	if (carry_model_facts(built, raw) < 0) {
		retort_schema_free(built);
		return retort_error_oom(err);
	}
	/* the locations point into these strings: hand them over */
	built->paths = raw->paths;
	built->sources = raw->sources;
	memset(&raw->paths, 0, sizeof(raw->paths));
	memset(&raw->sources, 0, sizeof(raw->sources));
	*out = built;
	return 0;
}

int retort_models_load_text(retort_schema **out, const char *text, size_t len,
	const char *origin, const retort_config *cfg, retort_error **err)
{
	schema *raw = retort_schema_new();
	int rc;

	*out = NULL;
	if (!raw)
		return retort_error_oom(err);
	rc = retort_model_read_text(raw, text, len, origin ? origin : "<models>", err);
	if (!rc)
		rc = retort_build_models(out, raw, cfg, err);
	retort_schema_free(raw);
	return rc;
}

static int has_yaml_suffix(const char *name)
{
	size_t n = strlen(name);

	return (n > 5 && strcmp(name + n - 5, ".yaml") == 0) ||
		(n > 4 && strcmp(name + n - 4, ".yml") == 0);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The model files of a folder, in name order. */
static int list_models(const char *dir, str_list *files, retort_error **err)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	retort_buf path = RETORT_BUF_INIT;
	int rc = 0;

	if (!d)
		return retort_error_set(err, RETORT_ERROR, "cannot read folder '%s': %s", dir, strerror(errno));
	while (!rc && (e = readdir(d))) {
		if (e->d_name[0] == '.' || !has_yaml_suffix(e->d_name))
			continue;
		retort_buf_clear(&path);
		retort_buf_printf(&path, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", e->d_name);
		if (retort_buf_oom(&path) || retort_str_list_push(files, path.ptr) < 0)
			rc = retort_error_oom(err);
	}
	closedir(d);
	retort_buf_release(&path);
	if (files->n > 1)
		qsort(files->v, files->n, sizeof(*files->v), cmp_str);
	return rc;
}

int retort_models_load(retort_schema **out, const char *path, const retort_config *cfg,
	retort_error **err)
{
	str_list files = { 0 };
	schema *raw = NULL;
	struct stat st;
	size_t i;
	int rc;

	*out = NULL;
	if (stat(path, &st) != 0)
		return retort_error_set(err, RETORT_ENOTFOUND, "models path '%s' does not exist", path);
	rc = S_ISDIR(st.st_mode) ? list_models(path, &files, err)
		: (retort_str_list_push(&files, path) < 0 ? retort_error_oom(err) : 0);
	if (!rc && !(raw = retort_schema_new()))
		rc = retort_error_oom(err);
	for (i = 0; !rc && i < files.n; i++) {
		char *text = NULL;
		size_t len = 0;
		rc = retort_read_text_file(files.v[i], &text, &len, err);
		if (!rc)
			rc = retort_model_read_text(raw, text, len, files.v[i], err);
		free(text);
	}
	if (!rc)
		rc = retort_build_models(out, raw, cfg, err);
	retort_schema_free(raw);
	retort_str_list_release(&files);
	return rc;
}

int retort_schema_from_sql(retort_schema **out, const char *sql, const char *origin,
	const retort_config *cfg, retort_error **err)
{
	sqlite3 *db = NULL;
	int rc;

	*out = NULL;
	if ((rc = retort_scratch_open(&db, err)))
		return rc;
	rc = retort_build_exec_script(db, sql, origin ? origin : "<sql>", err);
	if (rc == RETORT_EDB) { /* the script is bad input, not a database fault */
		if (err && *err)
			(*err)->code = RETORT_EINVALID;
		rc = RETORT_EINVALID;
	}
	if (!rc)
		rc = retort_schema_read(out, db, cfg, err);
	sqlite3_close(db);
	return rc;
}

int retort_schema_from_sql_file(retort_schema **out, const char *path,
	const retort_config *cfg, retort_error **err)
{
	char *text = NULL;
	size_t len = 0;
	int rc;

	*out = NULL;
	if ((rc = retort_read_text_file(path, &text, &len, err)))
		return rc;
	rc = retort_schema_from_sql(out, text, path, cfg, err);
	free(text);
	return rc;
}
