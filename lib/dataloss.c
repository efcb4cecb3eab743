/*
** dataloss.c: the tables and columns a revision destroys, found by replaying
** its statements into a schema-only scratch copy of the database and counted
** on the live one (dataloss.h).
**
** An authorizer on the scratch copy says, while each statement is prepared,
** which table a DROP TABLE removes, which table a CREATE TABLE makes and
** which (table, column)s an INSERT ... SELECT reads; ALTER TABLE and the
** column lists of a copy are read with sqltok. A map from the scratch copy's
** tables and columns back to the live ones follows renames and copies, so
** that a table rebuild (create a new table, copy the rows, drop the old one,
** rename the new one) reports exactly the columns its copy leaves out, and a
** later drop of a rebuilt table's column counts the live column it came from.
** A copy with a WHERE keeps only the columns it selects (not those only
** its WHERE reads), and the rows it leaves out are counted by running its
** SELECT as a count on the live table. A copy that takes a column as
** coalesce(column, EXPR) (a column made NOT NULL with a default) keeps it,
** and the NULLs it fills are counted.
*/
#include "dataloss.h"
#include "buf.h"
#include "db/db.h"
#include "error.h"
#include "schema.h"
#include "scratch.h"
#include "sqltok.h"

#include <stdlib.h>
#include <string.h>

typedef struct dl_column {
	char *name;  /* its name in the scratch copy now */
	char *live;  /* the live column its values come from; NULL: the run's */
} dl_column;

/*
** A table whose name, columns or rows moved in the run. A table of the
** scratch copy without an entry is still the live table of the same name,
** with the same columns.
*/
typedef struct dl_table {
	char *name;       /* its name in the scratch copy now */
	char *live;       /* the live table whose rows it holds; NULL: the run's */
	int own_columns;  /* made in the run: only `cols` come from live columns;
	                     else a column not in `cols` is the live one of its name */
	dl_column *cols;
	size_t ncols, ccap;
} dl_table;

/* A (table, column) pair, as the authorizer names it or as live names. */
typedef struct dl_pair {
	char *table, *column;
	char *inner; /* reads: the trigger or view that reads it, or NULL */
} dl_pair;

typedef enum alter_kind {
	ALTER_NONE, ALTER_RENAME_TABLE, ALTER_RENAME_COLUMN, ALTER_ADD_COLUMN,
	ALTER_DROP_COLUMN
} alter_kind;

/* An ALTER TABLE statement: `from` is the column (or NULL), `to` the new name. */
typedef struct alter_op {
	alter_kind kind;
	char *table, *from, *to;
} alter_op;

/* The rows that copies of this revision took out of one live table. */
typedef struct dl_kept {
	char *table;     /* live name */
	long long rows;  /* rows the counted copies took */
	int unknown;     /* a copy read it whose rows could not be counted */
} dl_kept;

/*
** INSERT INTO target [(tcols)] SELECT scols | * FROM source [WHERE ...]: a
** plain copy, each column of the target taking one column of the source
** (of the rows the WHERE keeps), as it is or with its NULLs made the SQL
** expression in `fills` ("" for none; one per scols unless `all`). An
** empty `tcols` is every column of the target; `all` is SELECT *.
*/
typedef struct copy_op {
	char *target, *source;
	str_list tcols, scols, fills;
	int all;
} copy_op;

struct dataloss {
	retort_db *live;         /* NULL: no database file yet */
	sqlite3 *scratch_handle; /* the copy's own handle, which holds its seal */
	retort_db *scratch;      /* the copy, through that handle */
	int persist;
	int broken; /* the scratch copy went wrong: report nothing more */
	dl_table *tables;
	size_t ntables, tcap;
	dl_pair *copied; /* live (table, column)s this revision's copies read */
	size_t ncopied, pcap;
	dl_kept *kept;   /* live tables this revision's copies read rows from */
	size_t nkept, kcap;
	/* what the authorizer saw while the current statement was prepared */
	dl_pair *reads;
	size_t nreads, rcap;
	int writes;     /* the statement copies rows into a table */
	char *dropped;  /* the table a DROP TABLE removes */
	char *created;  /* the table a CREATE TABLE makes */
	int oom;
	scratch_watch watch; /* `watch` below, behind the scratch copy's seal */
};

/* ---- the map from scratch names to live names ----------------------- */

static void column_release(dl_column *c)
{
	free(c->name);
	free(c->live);
}

static void table_release(dl_table *t)
{
	size_t i;

	free(t->name);
	free(t->live);
	for (i = 0; i < t->ncols; i++)
		column_release(&t->cols[i]);
	free(t->cols);
}

static void forget_tables(dataloss *dl)
{
	size_t i;

	for (i = 0; i < dl->ntables; i++)
		table_release(&dl->tables[i]);
	dl->ntables = 0;
}

static void pairs_clear(dl_pair *p, size_t *n)
{
	size_t i;

	for (i = 0; i < *n; i++) {
		free(p[i].table);
		free(p[i].column);
		free(p[i].inner);
	}
	*n = 0;
}

static dl_table *find_table(dataloss *dl, const char *name)
{
	size_t i;

	for (i = 0; i < dl->ntables; i++)
		if (sqlite3_stricmp(dl->tables[i].name, name) == 0)
			return &dl->tables[i];
	return NULL;
}

/* Drop the entry of `name` (a table that no longer exists under it). */
static void forget_table(dataloss *dl, const char *name)
{
	dl_table *t = find_table(dl, name);

	if (!t)
		return;
	table_release(t);
	*t = dl->tables[--dl->ntables];
}

/* Set the string `*slot` to a copy of `name` (NULL stays NULL). */
static void remember(dataloss *dl, char **slot, const char *name)
{
	free(*slot);
	*slot = retort_xstrdup(name);
	if (name && !*slot)
		dl->oom = 1;
}

/* The entry of `name`, made when missing: then it is the live table. */
static dl_table *table_entry(dataloss *dl, const char *name)
{
	dl_table *t = find_table(dl, name);

	if (t)
		return t;
	t = ARRAY_PUSH(dl->tables, dl->ntables, dl->tcap);
	if (!t) {
		dl->oom = 1;
		return NULL;
	}
	memset(t, 0, sizeof(*t));
	remember(dl, &t->name, name);
	remember(dl, &t->live, name);
	return t;
}

/* The live table whose rows the scratch copy's `name` holds; NULL: the run's. */
static const char *table_live(dataloss *dl, const char *name)
{
	const dl_table *t = find_table(dl, name);

	return t ? t->live : name;
}

static dl_column *find_column(dl_table *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->ncols; i++)
		if (sqlite3_stricmp(t->cols[i].name, name) == 0)
			return &t->cols[i];
	return NULL;
}

static void forget_column(dl_table *t, const char *name)
{
	dl_column *c = find_column(t, name);

	if (!c)
		return;
	column_release(c);
	*c = t->cols[--t->ncols];
}

static dl_column *column_entry(dataloss *dl, dl_table *t, const char *name,
	const char *live)
{
	dl_column *c = find_column(t, name);

	if (c)
		return c;
	c = ARRAY_PUSH(t->cols, t->ncols, t->ccap);
	if (!c) {
		dl->oom = 1;
		return NULL;
	}
	memset(c, 0, sizeof(*c));
	remember(dl, &c->name, name);
	remember(dl, &c->live, live);
	return c;
}

/* The live column behind column `col` of the scratch copy's `table`. */
static const char *column_live(dataloss *dl, const char *table, const char *col)
{
	dl_table *t = find_table(dl, table);
	const dl_column *c;

	if (!t)
		return col;
	if (!t->live)
		return NULL;
	c = find_column(t, col);
	if (c)
		return c->live;
	return t->own_columns ? NULL : col;
}

/* ---- what the statements read and drop ------------------------------ */

static void push_pair(dataloss *dl, dl_pair **arr, size_t *n, size_t *cap,
	const char *table, const char *column, const char *inner)
{
	dl_pair *p = ARRAY_PUSH(*arr, *n, *cap);

	if (!p) {
		dl->oom = 1;
		return;
	}
	memset(p, 0, sizeof(*p));
	remember(dl, &p->table, table);
	remember(dl, &p->column, column);
	remember(dl, &p->inner, inner);
}

static int is_internal(const char *name)
{
	return sqlite3_strnicmp(name, "sqlite_", 7) == 0;
}

/*
** The authorizer of the scratch copy, behind its seal (scratch.h): it only
** watches. SQLite's own nested statements (on sqlite_schema) are told apart
** by their table names.
*/
static int watch(void *p, int action, const char *a1, const char *a2,
	const char *db, const char *inner)
{
	dataloss *dl = p;

	switch (action) {
	case SQLITE_READ:
		if (a1 && a2 && *a2 && !is_internal(a1))
			push_pair(dl, &dl->reads, &dl->nreads, &dl->rcap, a1, a2, inner);
		break;
	case SQLITE_INSERT:
		if (a1 && !inner && !is_internal(a1))
			dl->writes = 1;
		break;
	case SQLITE_CREATE_TABLE:
		remember(dl, &dl->created, a1);
		break;
	case SQLITE_DROP_TABLE:
		remember(dl, &dl->dropped, a1);
		break;
	}
	return SQLITE_OK;
}

/* Read from sqlite_schema, which the authorizer (watch) leaves out. */
static int has_table(retort_db *db, const char *name)
{
	retort_db_stmt *st = NULL;
	int found = retort_db_prepare(db, &st, "SELECT 1 FROM main.sqlite_schema"
		" WHERE type = 'table' AND name = ?1 COLLATE NOCASE", NULL) == SQLITE_OK &&
		retort_db_bind_text(st, 1, name) == SQLITE_OK && retort_db_step(st) == SQLITE_ROW;

	retort_db_finalize(st);
	return found;
}

/*
** The columns of the scratch copy's `table`, in order: those an INSERT
** without a column list fills (`selected` 0: no generated column) or those
** SELECT * gives (`selected` 1).
*/
static int scratch_columns(dataloss *dl, const char *table, int selected, str_list *out)
{
	retort_db_stmt *st = NULL;
	int rc = 0;

	if (retort_db_prepare(dl->scratch, &st, selected ?
	    "SELECT name FROM pragma_table_xinfo(?1, 'main') WHERE hidden <> 1" :
	    "SELECT name FROM pragma_table_xinfo(?1, 'main') WHERE hidden = 0",
	    NULL) != SQLITE_OK)
		return -1;
	retort_db_bind_text(st, 1, table);
	while (!rc && retort_db_step(st) == SQLITE_ROW)
		rc = retort_str_list_push(out, retort_db_column_text(st, 0));
	retort_db_finalize(st);
	if (rc)
		dl->oom = 1;
	return rc;
}

static int is_copied(const dataloss *dl, const char *table, const char *col)
{
	size_t i;

	for (i = 0; i < dl->ncopied; i++)
		if (sqlite3_stricmp(dl->copied[i].table, table) == 0 &&
		    sqlite3_stricmp(dl->copied[i].column, col) == 0)
			return 1;
	return 0;
}

/* The statement writes rows: every column it reads is kept (by live name). */
static void note_copies(dataloss *dl)
{
	size_t i;

	for (i = 0; i < dl->nreads; i++) {
		const dl_pair *r = &dl->reads[i];
		const char *table, *col;
		/* a trigger's reads are not this copy's; a view's are */
		if (r->inner && !has_table(dl->scratch, r->inner))
			continue;
		table = table_live(dl, r->table);
		col = table ? column_live(dl, r->table, r->column) : NULL;
		if (col && !is_copied(dl, table, col))
			push_pair(dl, &dl->copied, &dl->ncopied, &dl->pcap, table, col, NULL);
	}
}

/* Does the scratch copy's `name` hold a live table's rows and columns as
** they are: the live table itself, or only renamed? */
static int holds_live_rows(dataloss *dl, const char *name)
{
	const dl_table *t = find_table(dl, name);

	return !t || (t->live && !t->own_columns && !t->ncols);
}

static dl_kept *find_kept(const dataloss *dl, const char *table)
{
	size_t i;

	for (i = 0; i < dl->nkept; i++)
		if (sqlite3_stricmp(dl->kept[i].table, table) == 0)
			return &dl->kept[i];
	return NULL;
}

/* The entry of the live table `table`, made when missing. */
static dl_kept *kept_entry(dataloss *dl, const char *table)
{
	dl_kept *k = find_kept(dl, table);

	if (k)
		return k;
	k = ARRAY_PUSH(dl->kept, dl->nkept, dl->kcap);
	if (!k) {
		dl->oom = 1;
		return NULL;
	}
	memset(k, 0, sizeof(*k));
	remember(dl, &k->table, table);
	return k;
}

/*
** The SELECT that gives a copy its rows (INSERT INTO t [(...)] SELECT ...,
** CREATE TABLE t AS SELECT ...) as SELECT count(*) FROM (...), in `out`;
** 0 when the statement has none. A copy from a WITH clause is not counted:
** a recursive one may run long, and a count must not make --sql slow.
*/
static int count_of_copy(const char *sql, retort_buf *out)
{
	const char *start = NULL;
	int depth = 0;
	sqlcur c;

	for (retort_sqlcur_init(&c, sql); c.tok.type != TK_EOF; retort_sqlcur_advance(&c)) {
		if (retort_sqlcur_is(&c, "WITH"))
			return 0;
		if (c.tok.type == TK_LP)
			depth++;
		else if (c.tok.type == TK_RP)
			depth--;
		else if (depth == 0 && c.tok.type == TK_SEMI)
			break;
		else if (depth == 0 && !start && retort_sqlcur_is(&c, "SELECT"))
			start = c.tok.z;
	}
	if (!start)
		return 0;
	retort_buf_puts(out, "SELECT count(*) FROM (\n");
	retort_buf_put(out, start, (size_t)(c.tok.z - start));
	retort_buf_puts(out, "\n)");
	return 1;
}

/*
** The statement copies rows into a table: when it reads one table that
** still holds the live rows, count on the live database (under the live
** name) the rows its SELECT gives: a read-only statement, which the
** revision is about to run anyway. Any table a copy reads whose rows cannot
** be counted is never reported.
*/
static void note_kept(dataloss *dl, const char *sql)
{
	retort_buf q = RETORT_BUF_INIT;
	retort_db_stmt *st = NULL;
	const char *source = NULL, *live;
	char *renamed = NULL;
	long long n = -1;
	dl_kept *k;
	size_t i;

	for (i = 0; i < dl->nreads; i++) {
		const dl_pair *r = &dl->reads[i];
		if (r->inner && !has_table(dl->scratch, r->inner))
			continue; /* a trigger's reads */
		if (!source)
			source = r->table;
		else if (sqlite3_stricmp(source, r->table) != 0)
			break;
	}
	if (!source)
		return;
	live = table_live(dl, source);
	if (i == dl->nreads && dl->live && holds_live_rows(dl, source) &&
	    count_of_copy(sql, &q) && !retort_buf_oom(&q)) {
		const char *query = q.ptr;
		if (sqlite3_stricmp(source, live) != 0) {
			renamed = retort_sql_rename_names(q.ptr, &source, &live, 1);
			query = renamed;
		}
		if (query && retort_db_prepare(dl->live, &st, query, NULL) == SQLITE_OK &&
		    retort_db_stmt_readonly(st) && retort_db_step(st) == SQLITE_ROW)
			n = retort_db_column_int64(st, 0);
	}
	retort_db_finalize(st);
	free(renamed);
	retort_buf_release(&q);
	if (n >= 0) {
		if ((k = kept_entry(dl, live)))
			k->rows += n;
		return;
	}
	for (i = 0; i < dl->nreads; i++) {
		const dl_pair *r = &dl->reads[i];
		const char *table = table_live(dl, r->table);
		if (table && !(r->inner && !has_table(dl->scratch, r->inner)) &&
		    (k = kept_entry(dl, table)))
			k->unknown = 1;
	}
}

/* count(*) (column NULL) or count(column) of a table of `db`, or with `nulls`
** the rows where the column is NULL; -1 when unknown. */
static long long live_count(retort_db *db, const char *table, const char *col, int nulls)
{
	retort_buf sql = RETORT_BUF_INIT;
	retort_db_stmt *st = NULL;
	long long n = -1;

	retort_buf_puts(&sql, "SELECT count(");
	if (col && !nulls)
		retort_buf_ident(&sql, col);
	else
		retort_buf_putc(&sql, '*');
	retort_buf_puts(&sql, ") FROM main.");
	retort_buf_ident(&sql, table);
	if (col && nulls) {
		retort_buf_puts(&sql, " WHERE ");
		retort_buf_ident(&sql, col);
		retort_buf_puts(&sql, " IS NULL");
	}
	if (!retort_buf_oom(&sql) && retort_db_prepare(db, &st, sql.ptr, NULL) == SQLITE_OK &&
	    retort_db_step(st) == SQLITE_ROW)
		n = retort_db_column_int64(st, 0);
	retort_db_finalize(st);
	retort_buf_release(&sql);
	return n;
}

static void report(const dataloss *dl, const char *table, const char *col,
	dataloss_fn fn, void *ctx)
{
	long long n = live_count(dl->live, table, col, 0);

	if (n >= 0)
		fn(ctx, col ? RETORT_LOSS_COLUMN : RETORT_LOSS_TABLE, table, col, n, NULL);
}

/* A copy that takes a column as coalesce(column, EXPR): the live NULLs it
** turns into EXPR, which no downgrade can tell from values put there. */
static void report_fills(dataloss *dl, const copy_op *cp, dataloss_fn fn, void *ctx)
{
	const char *table = table_live(dl, cp->source), *col;
	size_t i;

	for (i = 0; table && dl->live && i < cp->fills.n; i++) {
		long long n;
		if (!*cp->fills.v[i] || !(col = column_live(dl, cp->source, cp->scols.v[i])))
			continue;
		n = live_count(dl->live, table, col, 1);
		if (n >= 0)
			fn(ctx, RETORT_LOSS_FILL, table, col, n, cp->fills.v[i]);
	}
}

static void forget_kept(dataloss *dl)
{
	size_t i;

	for (i = 0; i < dl->nkept; i++)
		free(dl->kept[i].table);
	dl->nkept = 0;
}

/* The live table `table` goes, its copied columns kept elsewhere: the rows
** no copy took are lost, when every copy of it was counted. */
static void report_rows_left(const dataloss *dl, const char *table, dataloss_fn fn,
	void *ctx)
{
	const dl_kept *k = find_kept(dl, table);
	long long n;

	if (!k || k->unknown)
		return;
	n = live_count(dl->live, table, NULL, 0);
	if (n > k->rows)
		fn(ctx, RETORT_LOSS_ROWS, table, NULL, n - k->rows, NULL);
}

/*
** DROP TABLE `name`: the columns no copy of this revision read are lost;
** when no column was copied, the whole table is (its rows are reported).
*/
static void report_drop_table(dataloss *dl, const char *name, dataloss_fn fn, void *ctx)
{
	const char *table = table_live(dl, name);
	str_list cols = { NULL, 0, 0 }, lost = { NULL, 0, 0 };
	size_t i, kept = 0;

	if (!table || !dl->live)
		return;
	if (scratch_columns(dl, name, 0, &cols) < 0) {
		dl->broken = 1;
		return;
	}
	for (i = 0; i < cols.n && !dl->oom; i++) {
		const char *col = column_live(dl, name, cols.v[i]);
		if (!col)
			continue; /* the run's column: no live value */
		if (is_copied(dl, table, col))
			kept++;
		else if (retort_str_list_push(&lost, col))
			dl->oom = 1;
	}
	if (!dl->oom && !kept)
		report(dl, table, NULL, fn, ctx);
	if (!dl->oom && kept && holds_live_rows(dl, name))
		report_rows_left(dl, table, fn, ctx);
	for (i = 0; i < lost.n && !dl->oom && kept; i++)
		report(dl, table, lost.v[i], fn, ctx);
	retort_str_list_release(&cols);
	retort_str_list_release(&lost);
}

/* ---- reading statements --------------------------------------------- */

static int is_dot(const sqltok *t)
{
	return t->type == TK_OP && t->n == 1 && t->z[0] == '.';
}

/* Take the name at the cursor into `*out`; 0 when there is none. */
static int take_name(sqlcur *c, char **out)
{
	if (!retort_sqltok_is_name(&c->tok))
		return 0;
	*out = retort_sqltok_name(&c->tok);
	retort_sqlcur_advance(c);
	return *out != NULL;
}

/* [schema.]name: the name, schema dropped (the scratch copy has main only). */
static int take_table(sqlcur *c, char **out)
{
	if (!take_name(c, out))
		return 0;
	if (!is_dot(&c->tok))
		return 1;
	retort_sqlcur_advance(c);
	free(*out);
	*out = NULL;
	return take_name(c, out);
}

/* name {, name}: into `out`; 0 when something else is there. */
static int take_names(sqlcur *c, str_list *out)
{
	for (;;) {
		char *name = NULL;
		int ok = take_name(c, &name) && retort_str_list_push(out, name) == 0;
		free(name);
		if (!ok)
			return 0;
		if (c->tok.type != TK_COMMA)
			return 1;
		retort_sqlcur_advance(c);
	}
}

/*
** A term of a copy's SELECT: a column, or coalesce(column, EXPR) (or
** ifnull), which copies the column with EXPR in place of its NULLs:
** `*fill` is EXPR, else "". 0 when the term is anything else.
*/
static int take_term(sqlcur *c, char **name, char **fill)
{
	sqlcur at = *c;
	const char *start;

	*name = *fill = NULL;
	if (!(retort_sqlcur_accept(&at, "coalesce") || retort_sqlcur_accept(&at, "ifnull")) ||
	    at.tok.type != TK_LP) {
		*fill = retort_xstrdup("");
		return *fill && take_name(c, name);
	}
	retort_sqlcur_advance(&at);
	if (!take_name(&at, name) || at.tok.type != TK_COMMA)
		return 0;
	retort_sqlcur_advance(&at);
	start = at.tok.z;
	while (at.tok.type != TK_RP && at.tok.type != TK_COMMA && at.tok.type != TK_EOF) {
		if (at.tok.type == TK_LP)
			retort_sqlcur_skip_group(&at);
		else
			retort_sqlcur_advance(&at);
	}
	if (at.tok.type != TK_RP || at.tok.z == start)
		return 0;
	*fill = retort_sql_trimmed(start, at.prev_end);
	retort_sqlcur_advance(&at);
	*c = at;
	return *fill != NULL;
}

/* term {, term}: into the copy's `scols` and `fills`; 0 when something else
** is there. */
static int take_terms(sqlcur *c, copy_op *cp)
{
	for (;;) {
		char *name = NULL, *fill = NULL;
		int ok = take_term(c, &name, &fill) && retort_str_list_push(&cp->scols, name) == 0 &&
			retort_str_list_push(&cp->fills, fill) == 0;
		free(name);
		free(fill);
		if (!ok)
			return 0;
		if (c->tok.type != TK_COMMA)
			return 1;
		retort_sqlcur_advance(c);
	}
}

static void alter_release(alter_op *op)
{
	free(op->table);
	free(op->from);
	free(op->to);
	memset(op, 0, sizeof(*op));
}

/* Read ALTER TABLE [schema.]t RENAME TO n | RENAME [COLUMN] a TO b |
** ADD [COLUMN] c ... | DROP [COLUMN] c; kind ALTER_NONE for anything else. */
static void parse_alter(const char *sql, alter_op *op)
{
	sqlcur c;
	alter_kind kind = ALTER_NONE;

	memset(op, 0, sizeof(*op));
	retort_sqlcur_init(&c, sql);
	if (!retort_sqlcur_accept(&c, "ALTER") || !retort_sqlcur_accept(&c, "TABLE") ||
	    !take_table(&c, &op->table))
		goto done;
	if (retort_sqlcur_accept(&c, "RENAME")) {
		if (retort_sqlcur_accept(&c, "TO")) {
			if (take_name(&c, &op->to))
				kind = ALTER_RENAME_TABLE;
			goto done;
		}
		retort_sqlcur_accept(&c, "COLUMN");
		if (take_name(&c, &op->from) && retort_sqlcur_accept(&c, "TO") && take_name(&c, &op->to))
			kind = ALTER_RENAME_COLUMN;
	} else if (retort_sqlcur_accept(&c, "ADD")) {
		retort_sqlcur_accept(&c, "COLUMN");
		if (take_name(&c, &op->from))
			kind = ALTER_ADD_COLUMN;
	} else if (retort_sqlcur_accept(&c, "DROP")) {
		retort_sqlcur_accept(&c, "COLUMN");
		if (take_name(&c, &op->from))
			kind = ALTER_DROP_COLUMN;
	}
done:
	if (kind == ALTER_NONE)
		alter_release(op);
	op->kind = kind;
}

static void copy_release(copy_op *cp)
{
	free(cp->target);
	free(cp->source);
	retort_str_list_release(&cp->tcols);
	retort_str_list_release(&cp->scols);
	retort_str_list_release(&cp->fills);
	memset(cp, 0, sizeof(*cp));
}

/* Step over a WHERE clause's expression, up to the end of the statement or
** the first word that would make rows other than the source's (GROUP BY,
** a compound SELECT, ...), where the cursor then stops. */
static void skip_where(sqlcur *c)
{
	static const char *const stop[] = { "GROUP", "HAVING", "WINDOW", "UNION",
		"INTERSECT", "EXCEPT" };
	size_t i;

	while (c->tok.type != TK_EOF && c->tok.type != TK_SEMI) {
		for (i = 0; i < sizeof(stop) / sizeof(stop[0]); i++)
			if (retort_sqlcur_is(c, stop[i]))
				return;
		if (c->tok.type == TK_LP)
			retort_sqlcur_skip_group(c);
		else
			retort_sqlcur_advance(c);
	}
}

/* Read a plain copy (copy_op); 0 for any other statement. */
static int parse_copy(const char *sql, copy_op *cp)
{
	sqlcur c;
	int ok = 0;

	memset(cp, 0, sizeof(*cp));
	retort_sqlcur_init(&c, sql);
	if (!retort_sqlcur_accept(&c, "REPLACE")) {
		if (!retort_sqlcur_accept(&c, "INSERT"))
			return 0;
		if (retort_sqlcur_accept(&c, "OR"))
			retort_sqlcur_advance(&c);
	}
	if (!retort_sqlcur_accept(&c, "INTO") || !take_table(&c, &cp->target))
		goto done;
	if (c.tok.type == TK_LP) {
		retort_sqlcur_advance(&c);
		if (!take_names(&c, &cp->tcols) || c.tok.type != TK_RP)
			goto done;
		retort_sqlcur_advance(&c);
	}
	if (!retort_sqlcur_accept(&c, "SELECT"))
		goto done;
	retort_sqlcur_accept(&c, "ALL");
	if (c.tok.type == TK_OP && c.tok.n == 1 && *c.tok.z == '*') {
		cp->all = 1;
		retort_sqlcur_advance(&c);
	} else if (!take_terms(&c, cp)) {
		goto done;
	}
	/* FROM one table and at most a WHERE after it: rows as they are */
	if (!retort_sqlcur_accept(&c, "FROM") || !take_table(&c, &cp->source))
		goto done;
	if (retort_sqlcur_accept(&c, "WHERE"))
		skip_where(&c);
	if (c.tok.type == TK_SEMI)
		retort_sqlcur_advance(&c);
	ok = c.tok.type == TK_EOF;
done:
	if (!ok)
		copy_release(cp);
	return ok;
}

/* ---- following the run ---------------------------------------------- */

/* After an ALTER TABLE ran in the scratch copy: move the names it moved. */
static void follow_alter(dataloss *dl, const alter_op *op)
{
	dl_table *t;
	dl_column *col;

	if (op->kind == ALTER_NONE)
		return;
	if (op->kind == ALTER_RENAME_TABLE) {
		if (sqlite3_stricmp(op->table, op->to) == 0)
			return;
		forget_table(dl, op->to);
		t = table_entry(dl, op->table);
		if (t)
			remember(dl, &t->name, op->to);
		return;
	}
	t = table_entry(dl, op->table);
	if (!t || !t->live)
		return; /* the run's table: every column of it is the run's */
	switch (op->kind) {
	case ALTER_RENAME_COLUMN:
		if (sqlite3_stricmp(op->from, op->to) == 0)
			return;
		forget_column(t, op->to);
		col = column_entry(dl, t, op->from, t->own_columns ? NULL : op->from);
		if (col)
			remember(dl, &col->name, op->to);
		break;
	case ALTER_ADD_COLUMN:
		forget_column(t, op->from);
		column_entry(dl, t, op->from, NULL);
		break;
	case ALTER_DROP_COLUMN:
		forget_column(t, op->from);
		break;
	default:
		break;
	}
}

/*
** A plain copy keeps the source columns its SELECT lists, not those its
** WHERE only reads. -1 when the columns of SELECT * cannot be read.
*/
static int note_plain_copy(dataloss *dl, copy_op *cp)
{
	const char *table = table_live(dl, cp->source);
	size_t i;

	if (cp->all) {
		if (scratch_columns(dl, cp->source, 1, &cp->scols) < 0)
			return -1;
		cp->all = 0;
	}
	for (i = 0; i < cp->scols.n && table; i++) {
		const char *col = column_live(dl, cp->source, cp->scols.v[i]);
		if (col && !is_copied(dl, table, col))
			push_pair(dl, &dl->copied, &dl->ncopied, &dl->pcap, table, col, NULL);
	}
	return 0;
}

/*
** A plain copy into a table of the run that holds no live rows yet: from
** now on it holds the source's live rows, and each column it filled comes
** from its source column (a rebuild's new table).
*/
static void follow_copy(dataloss *dl, copy_op *cp)
{
	dl_table *target = find_table(dl, cp->target);
	const char *source = table_live(dl, cp->source);
	size_t i;

	if (!target || target->live || !source)
		return;
	if ((!cp->tcols.n && scratch_columns(dl, cp->target, 0, &cp->tcols) < 0) ||
	    cp->tcols.n != cp->scols.n)
		return;
	remember(dl, &target->live, source);
	for (i = 0; i < cp->tcols.n; i++) {
		const char *col = column_live(dl, cp->source, cp->scols.v[i]);
		if (col)
			column_entry(dl, target, cp->tcols.v[i], col);
	}
}

static void reset_statement(dataloss *dl)
{
	pairs_clear(dl->reads, &dl->nreads);
	dl->writes = 0;
	free(dl->dropped);
	free(dl->created);
	dl->dropped = dl->created = NULL;
}

typedef enum stmt_kind { STMT_SKIP, STMT_DDL, STMT_DML } stmt_kind;

/*
** The scratch copy holds tables only: statements on tables run there; data
** statements are only prepared there (their reads are what matter, and the
** copy holds no rows); indexes, views, triggers and anything else (PRAGMA,
** VACUUM, ATTACH, transactions) destroy no rows and are left out.
*/
static stmt_kind classify(const char *sql)
{
	static const char *const dml[] = { "INSERT", "REPLACE", "UPDATE", "DELETE", "WITH" };
	sqlcur c;
	size_t i;

	retort_sqlcur_init(&c, sql);
	if (retort_sqlcur_accept(&c, "CREATE")) {
		if (!retort_sqlcur_accept(&c, "TEMP"))
			retort_sqlcur_accept(&c, "TEMPORARY");
		retort_sqlcur_accept(&c, "VIRTUAL");
		return retort_sqlcur_is(&c, "TABLE") ? STMT_DDL : STMT_SKIP;
	}
	if (retort_sqlcur_accept(&c, "DROP") || retort_sqlcur_accept(&c, "ALTER"))
		return retort_sqlcur_is(&c, "TABLE") ? STMT_DDL : STMT_SKIP;
	for (i = 0; i < sizeof(dml) / sizeof(dml[0]); i++)
		if (retort_sqlcur_is(&c, dml[i]))
			return STMT_DML;
	return STMT_SKIP;
}

/* Replay one statement into the scratch copy, reporting what it destroys
** first; 0, or -1 when the copy can no longer follow. */
static int replay(dataloss *dl, const char *sql, dataloss_fn fn, void *ctx)
{
	stmt_kind kind = classify(sql);
	retort_db_stmt *st = NULL;
	alter_op op;
	copy_op cp;
	int existed = 0, rc = 0;

	if (kind == STMT_SKIP)
		return 0;
	reset_statement(dl);
	parse_alter(sql, &op);
	memset(&cp, 0, sizeof(cp));
	if (retort_db_prepare(dl->scratch, &st, sql, NULL) != SQLITE_OK || !st || dl->oom) {
		/* a data statement the copy cannot prepare (it reads a view, and
		** the copy holds tables only) hides its reads: then more is
		** reported, never less */
		if (kind == STMT_DML && !dl->oom)
			goto done;
		goto fail;
	}
	if (dl->dropped)
		report_drop_table(dl, dl->dropped, fn, ctx);
	if (op.kind == ALTER_DROP_COLUMN) {
		const char *table = table_live(dl, op.table);
		const char *col = table ? column_live(dl, op.table, op.from) : NULL;
		if (col && dl->live && !is_copied(dl, table, col))
			report(dl, table, col, fn, ctx);
	}
	/* first what the authorizer saw of the statement, before the scratch
	** copy is asked for a table's columns */
	if (dl->writes || dl->created)
		note_kept(dl, sql);
	if (dl->writes && parse_copy(sql, &cp) && note_plain_copy(dl, &cp) == 0) {
		report_fills(dl, &cp, fn, ctx);
		follow_copy(dl, &cp);
	} else if (dl->writes || dl->created) {
		note_copies(dl);
	}
	if (dl->created)
		existed = has_table(dl->scratch, dl->created);
	if (kind == STMT_DDL && retort_db_step(st) != SQLITE_DONE)
		goto fail;
	if (dl->dropped)
		forget_table(dl, dl->dropped);
	if (dl->created && !existed) {
		dl_table *t;
		forget_table(dl, dl->created);
		t = table_entry(dl, dl->created);
		if (t) {
			remember(dl, &t->live, NULL);
			t->own_columns = 1;
		}
	}
	follow_alter(dl, &op);
	goto done;
fail:
	rc = -1;
done:
	retort_db_finalize(st);
	alter_release(&op);
	copy_release(&cp);
	return dl->oom || dl->broken ? -1 : rc;
}

/*
** A new scratch copy of the live tables (without SQLite's internals): all
** of them, or (`names` not NULL) those the statements name, which is all a
** revision's statements can reach.
*/
static int build_scratch(dataloss *dl, const str_list *names)
{
	retort_db_stmt *st = NULL;
	int rc = 0;

	if (retort_scratch_open(&dl->scratch_handle, NULL) != 0 ||
	    retort_db_wrap(&dl->scratch, dl->scratch_handle, NULL) != 0)
		return -1;
	if (dl->live) {
		if (retort_db_prepare(dl->live, &st, "SELECT name, sql FROM main.sqlite_schema"
		    " WHERE type = 'table' AND sql IS NOT NULL"
		    " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid", NULL) != SQLITE_OK)
			return -1;
		while (!rc && retort_db_step(st) == SQLITE_ROW) {
			const char *name = retort_db_column_text(st, 0);
			if (names && !retort_str_list_has_nocase(names, name))
				continue;
			/* a virtual table makes its own shadow tables, which then exist */
			if (retort_db_exec(dl->scratch, retort_db_column_text(st, 1)) != SQLITE_OK &&
			    !has_table(dl->scratch, name))
				rc = -1;
		}
		retort_db_finalize(st);
	}
	/* from here on: the copy was made, the statements run */
	retort_scratch_watch_set(dl->scratch_handle, &dl->watch);
	return rc;
}

/* Every name the statements hold (words, quoted names, strings). */
static int names_in(const rev_statement *stmts, size_t n, str_list *out)
{
	size_t i;

	for (i = 0; i < n; i++) {
		sqlcur c;
		for (retort_sqlcur_init(&c, stmts[i].sql); c.tok.type != TK_EOF; retort_sqlcur_advance(&c)) {
			char *name;
			int rc;
			if (!retort_sqltok_is_name(&c.tok))
				continue;
			name = retort_sqltok_name(&c.tok);
			rc = !name || (!retort_str_list_has_nocase(out, name) && retort_str_list_push(out, name));
			free(name);
			if (rc)
				return -1;
		}
	}
	return 0;
}

static void close_scratch(dataloss *dl)
{
	retort_db_free(dl->scratch);
	sqlite3_close(dl->scratch_handle);
	dl->scratch = NULL;
	dl->scratch_handle = NULL;
	forget_tables(dl);
}

/*
** Can the statements destroy rows or values: is there a DROP TABLE, or an
** ALTER TABLE with a DROP? (Cheap: most revisions have neither.)
*/
static int may_drop(const rev_statement *stmts, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		sqlcur c;
		retort_sqlcur_init(&c, stmts[i].sql);
		if (retort_sqlcur_accept(&c, "DROP") && retort_sqlcur_is(&c, "TABLE"))
			return 1;
		if (!retort_sqlcur_accept(&c, "ALTER"))
			continue;
		for (; c.tok.type != TK_EOF; retort_sqlcur_advance(&c))
			if (retort_sqlcur_is(&c, "DROP"))
				return 1;
	}
	return 0;
}

dataloss *retort_dataloss_new(retort_db *live, int persist)
{
	dataloss *dl = calloc(1, sizeof(*dl));

	if (!dl)
		return NULL;
	dl->live = live;
	dl->persist = persist;
	dl->watch.fn = watch;
	dl->watch.ctx = dl;
	return dl;
}

void retort_dataloss_free(dataloss *dl)
{
	if (!dl)
		return;
	close_scratch(dl);
	free(dl->tables);
	pairs_clear(dl->copied, &dl->ncopied);
	free(dl->copied);
	forget_kept(dl);
	free(dl->kept);
	reset_statement(dl);
	free(dl->reads);
	free(dl);
}

void retort_dataloss_check(dataloss *dl, const rev_statement *stmts, size_t n,
	dataloss_fn fn, void *ctx)
{
	size_t i;

	if (!dl || dl->broken)
		return;
	/* a dry run follows every revision; a real run copies the live schema
	** afresh, and only for a revision that may drop something */
	if (!dl->persist && !may_drop(stmts, n))
		return;
	if (!dl->persist) {
		str_list names = { NULL, 0, 0 };
		if (names_in(stmts, n, &names) < 0 || build_scratch(dl, &names) < 0)
			dl->broken = 1;
		retort_str_list_release(&names);
	} else if (!dl->scratch && build_scratch(dl, NULL) < 0) {
		dl->broken = 1;
	}
	pairs_clear(dl->copied, &dl->ncopied);
	forget_kept(dl);
	for (i = 0; i < n && !dl->broken; i++)
		if (replay(dl, stmts[i].sql, fn, ctx) < 0)
			dl->broken = 1;
	if (!dl->persist) {
		close_scratch(dl);
		dl->broken = 0;
	}
}

/*
** What a failed copy means to the user: SQLite names the table copied into,
** which in a rebuild is a scratch table the user never named.
*/
char *retort_dataloss_copy_error(retort_db *db, const char *sql, const char *message)
{
	static const char *const kinds[] = { "NOT NULL constraint failed: ",
		"UNIQUE constraint failed: " };
	retort_buf b = RETORT_BUF_INIT;
	const char *col = NULL, *p;
	copy_op cp;
	size_t k, i, len;
	long long n = -1;

	for (k = 0; k < 2 && strncmp(message, kinds[k], strlen(kinds[k])) != 0; k++)
		;
	if (k == 2 || !parse_copy(sql, &cp))
		return NULL;
	len = strlen(cp.target);
	p = message + strlen(kinds[k]);
	if (sqlite3_strnicmp(p, cp.target, (int)len) == 0 && p[len] == '.')
		col = p + len + 1;
	for (i = 0; col && i < cp.tcols.n && sqlite3_stricmp(cp.tcols.v[i], col) != 0; i++)
		;
	if (k == 0 && col && i < cp.tcols.n && i < cp.scols.n)
		n = live_count(db, cp.source, cp.scols.v[i], 1);
	if (n > 0)
		retort_buf_printf(&b, "%s.%s holds NULL in %lld row%s, and the copy of %s makes it NOT NULL: "
			"fill %s first, or give %s.%s a default in the models (autogenerate then "
			"fills %s)", cp.source, cp.scols.v[i], n, n == 1 ? "" : "s", cp.source,
			n == 1 ? "it" : "them", cp.source, col, n == 1 ? "it" : "them");
	else if (k == 0 && col && cp.tcols.n && i == cp.tcols.n)
		retort_buf_printf(&b, "%s.%s is NOT NULL without a default, and the copy of %s's rows "
			"gives it no value", cp.source, col, cp.source);
	else if (col) {
		/* SQLite's own words, each "target." of its list as the source's name */
		retort_buf_puts(&b, kinds[k]);
		while (*p) {
			if (sqlite3_strnicmp(p, cp.target, (int)len) == 0 && p[len] == '.') {
				retort_buf_printf(&b, "%s.", cp.source);
				p += len + 1;
			} else {
				retort_buf_putc(&b, *p++);
			}
		}
	}
	copy_release(&cp);
	if (!b.len || retort_buf_oom(&b)) {
		retort_buf_release(&b);
		return NULL;
	}
	return retort_buf_detach(&b);
}
