/*
** dataloss.c: the tables and columns a revision destroys, found by replaying
** its statements into a schema-only scratch copy of the database and counted
** on the live one (dataloss.h).
**
** An authorizer on the scratch copy says, while each statement is prepared,
** which table a DROP TABLE removes, which table a CREATE TABLE makes and
** which (table, column) an INSERT ... SELECT reads; ALTER TABLE is read with
** sqltok. A map from the scratch copy's names back to the live database's
** follows renames, so that a table rebuild (create a new table, copy the
** rows, drop the old one, rename the new one) reports exactly the columns
** its copy leaves out.
*/
#include "dataloss.h"
#include "buf.h"
#include "error.h"
#include "sqltok.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

typedef struct dl_column {
	char *name;  /* its name in the scratch copy now */
	char *live;  /* its name in the live database; NULL: added in the run */
} dl_column;

/*
** A table whose name or columns moved in the run. A table of the scratch
** copy without an entry is still the live table of the same name, with the
** same columns.
*/
typedef struct dl_table {
	char *name;  /* its name in the scratch copy now */
	char *live;  /* its name in the live database; NULL: created in the run */
	dl_column *cols; /* only the columns whose name or origin moved */
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

struct dataloss {
	sqlite3 *live, *scratch;
	int persist;
	int broken; /* the scratch copy went wrong: report nothing more */
	dl_table *tables;
	size_t ntables, tcap;
	dl_pair *copied; /* live (table, column)s this revision's copies read */
	size_t ncopied, pcap;
	/* what the authorizer saw while the current statement was prepared */
	dl_pair *reads;
	size_t nreads, rcap;
	int writes;     /* the statement copies rows into a table */
	char *dropped;  /* the table a DROP TABLE removes */
	char *created;  /* the table a CREATE TABLE makes */
	int oom;
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

/* The entry of `name`, made when missing: then it is the live table. */
static dl_table *table_entry(dataloss *dl, const char *name, const char *live)
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
	t->name = xstrdup(name);
	t->live = xstrdup(live);
	if (!t->name || (live && !t->live))
		dl->oom = 1;
	return t;
}

/* The live name of the scratch copy's table `name`; NULL: made in the run. */
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
	c->name = xstrdup(name);
	c->live = xstrdup(live);
	if (!c->name || (live && !c->live))
		dl->oom = 1;
	return c;
}

/* The live name of column `col` of the scratch copy's table `table`. */
static const char *column_live(dataloss *dl, const char *table, const char *col)
{
	dl_table *t = find_table(dl, table);
	const dl_column *c;

	if (!t)
		return col;
	if (!t->live)
		return NULL;
	c = find_column(t, col);
	return c ? c->live : col;
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
	p->table = xstrdup(table);
	p->column = xstrdup(column);
	p->inner = xstrdup(inner);
	if (!p->table || !p->column || (inner && !p->inner))
		dl->oom = 1;
}

static int is_internal(const char *name)
{
	return sqlite3_strnicmp(name, "sqlite_", 7) == 0;
}

/* Set the string `*slot` to a copy of `name`. */
static void remember(dataloss *dl, char **slot, const char *name)
{
	free(*slot);
	*slot = xstrdup(name);
	if (!*slot)
		dl->oom = 1;
}

/*
** The authorizer of the scratch copy: it only watches. SQLite's own nested
** statements (on sqlite_schema) are told apart by their table names.
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
	case SQLITE_ATTACH:
	case SQLITE_DETACH:
		return SQLITE_DENY; /* the scratch copy never touches a file */
	}
	return SQLITE_OK;
}

static int has_table(sqlite3 *db, const char *name)
{
	return sqlite3_table_column_metadata(db, "main", name, NULL, NULL, NULL,
		NULL, NULL, NULL) == SQLITE_OK;
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

/* count(*) (column NULL) or count(column) of a live table; -1 when unknown. */
static long long live_count(const dataloss *dl, const char *table, const char *col)
{
	retort_buf sql = RETORT_BUF_INIT;
	sqlite3_stmt *st = NULL;
	long long n = -1;

	buf_puts(&sql, "SELECT count(");
	if (col)
		buf_ident(&sql, col);
	else
		buf_putc(&sql, '*');
	buf_puts(&sql, ") FROM main.");
	buf_ident(&sql, table);
	if (!buf_oom(&sql) && sqlite3_prepare_v2(dl->live, sql.ptr, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	buf_release(&sql);
	return n;
}

static void report(const dataloss *dl, const char *table, const char *col,
	dataloss_fn fn, void *ctx)
{
	long long n = live_count(dl, table, col);

	if (n >= 0)
		fn(ctx, table, col, n);
}

/*
** DROP TABLE `name`: the columns no copy of this revision read are lost;
** when no column was copied, the whole table is (its rows are reported).
*/
static void report_drop_table(dataloss *dl, const char *name, dataloss_fn fn, void *ctx)
{
	const char *table = table_live(dl, name);
	sqlite3_stmt *st = NULL;
	char **lost = NULL;
	size_t nlost = 0, cap = 0, kept = 0, i;

	if (!table || !dl->live)
		return;
	if (sqlite3_prepare_v2(dl->scratch,
	    "SELECT name FROM pragma_table_xinfo(?1, 'main') WHERE hidden = 0",
	    -1, &st, NULL) != SQLITE_OK) {
		dl->broken = 1;
		return;
	}
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *col = column_live(dl, name, (const char *)sqlite3_column_text(st, 0));
		char **slot;
		if (!col)
			continue; /* added in the run: no live value */
		if (is_copied(dl, table, col)) {
			kept++;
			continue;
		}
		slot = ARRAY_PUSH(lost, nlost, cap);
		if (!slot || !(*slot = xstrdup(col))) {
			dl->oom = 1;
			break;
		}
	}
	sqlite3_finalize(st);
	if (!dl->oom && !kept)
		report(dl, table, NULL, fn, ctx);
	for (i = 0; i < nlost; i++) {
		if (!dl->oom && kept)
			report(dl, table, lost[i], fn, ctx);
		free(lost[i]);
	}
	free(lost);
}

/* ---- ALTER TABLE ---------------------------------------------------- */

static int is_dot(const sqltok *t)
{
	return t->type == TK_OP && t->n == 1 && t->z[0] == '.';
}

/* Take the name at the cursor into `*out`; 0 when there is none. */
static int take_name(sqlcur *c, char **out)
{
	if (!sqltok_is_name(&c->tok))
		return 0;
	*out = sqltok_name(&c->tok);
	sqlcur_advance(c);
	return *out != NULL;
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
	sqlcur_init(&c, sql);
	if (!sqlcur_accept(&c, "ALTER") || !sqlcur_accept(&c, "TABLE") ||
	    !take_name(&c, &op->table))
		goto done;
	if (is_dot(&c.tok)) {
		sqlcur_advance(&c);
		free(op->table);
		op->table = NULL;
		if (!take_name(&c, &op->table))
			goto done;
	}
	if (sqlcur_accept(&c, "RENAME")) {
		if (sqlcur_accept(&c, "TO")) {
			if (take_name(&c, &op->to))
				kind = ALTER_RENAME_TABLE;
			goto done;
		}
		sqlcur_accept(&c, "COLUMN");
		if (take_name(&c, &op->from) && sqlcur_accept(&c, "TO") && take_name(&c, &op->to))
			kind = ALTER_RENAME_COLUMN;
	} else if (sqlcur_accept(&c, "ADD")) {
		sqlcur_accept(&c, "COLUMN");
		if (take_name(&c, &op->from))
			kind = ALTER_ADD_COLUMN;
	} else if (sqlcur_accept(&c, "DROP")) {
		sqlcur_accept(&c, "COLUMN");
		if (take_name(&c, &op->from))
			kind = ALTER_DROP_COLUMN;
	}
done:
	if (kind == ALTER_NONE)
		alter_release(op);
	op->kind = kind;
}

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
		t = table_entry(dl, op->table, op->table);
		if (t)
			remember(dl, &t->name, op->to);
		return;
	}
	t = table_entry(dl, op->table, op->table);
	if (!t || !t->live)
		return; /* a table of the run: every column of it is the run's */
	switch (op->kind) {
	case ALTER_RENAME_COLUMN:
		if (sqlite3_stricmp(op->from, op->to) == 0)
			return;
		forget_column(t, op->to);
		col = column_entry(dl, t, op->from, op->from);
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

/* ---- replaying a revision ------------------------------------------- */

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
** Schema statements run in the scratch copy; data statements are only
** prepared there (their reads are what matter, and the copy holds no rows);
** anything else (PRAGMA, VACUUM, ATTACH, transactions) is left out.
*/
static stmt_kind classify(const char *sql)
{
	static const char *const ddl[] = { "CREATE", "DROP", "ALTER" };
	static const char *const dml[] = { "INSERT", "REPLACE", "UPDATE", "DELETE", "WITH" };
	sqlcur c;
	size_t i;

	sqlcur_init(&c, sql);
	for (i = 0; i < sizeof(ddl) / sizeof(ddl[0]); i++)
		if (sqlcur_is(&c, ddl[i]))
			return STMT_DDL;
	for (i = 0; i < sizeof(dml) / sizeof(dml[0]); i++)
		if (sqlcur_is(&c, dml[i]))
			return STMT_DML;
	return STMT_SKIP;
}

/* Replay one statement into the scratch copy, reporting what it destroys
** first; 0, or -1 when the copy can no longer follow. */
static int replay(dataloss *dl, const char *sql, dataloss_fn fn, void *ctx)
{
	stmt_kind kind = classify(sql);
	sqlite3_stmt *st = NULL;
	alter_op op = { ALTER_NONE, NULL, NULL, NULL };
	int existed = 0, rc = 0;

	if (kind == STMT_SKIP)
		return 0;
	reset_statement(dl);
	if (sqlite3_prepare_v2(dl->scratch, sql, -1, &st, NULL) != SQLITE_OK || !st || dl->oom)
		goto fail;
	if (dl->dropped)
		report_drop_table(dl, dl->dropped, fn, ctx);
	parse_alter(sql, &op);
	if (op.kind == ALTER_DROP_COLUMN) {
		const char *table = table_live(dl, op.table);
		const char *col = table ? column_live(dl, op.table, op.from) : NULL;
		if (col && dl->live && !is_copied(dl, table, col))
			report(dl, table, col, fn, ctx);
	}
	if (dl->writes || dl->created)
		note_copies(dl);
	if (dl->created)
		existed = has_table(dl->scratch, dl->created);
	if (kind == STMT_DDL && sqlite3_step(st) != SQLITE_DONE)
		goto fail;
	if (dl->dropped)
		forget_table(dl, dl->dropped);
	if (dl->created && !existed) {
		forget_table(dl, dl->created);
		table_entry(dl, dl->created, NULL);
	}
	follow_alter(dl, &op);
	goto done;
fail:
	rc = -1;
done:
	sqlite3_finalize(st);
	alter_release(&op);
	return dl->oom || dl->broken ? -1 : rc;
}

/* Copy the live schema (without SQLite's internals) into a new scratch copy. */
static int build_scratch(dataloss *dl)
{
	sqlite3_stmt *st = NULL;
	int rc = 0;

	if (sqlite3_open_v2(":memory:", &dl->scratch,
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
		return -1;
	if (dl->live) {
		/* tables first, so that no index, view or trigger misses its table */
		if (sqlite3_prepare_v2(dl->live, "SELECT name, sql FROM main.sqlite_schema"
		    " WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
		    " ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1"
		    " WHEN 'view' THEN 2 ELSE 3 END, rowid", -1, &st, NULL) != SQLITE_OK)
			return -1;
		while (!rc && sqlite3_step(st) == SQLITE_ROW) {
			const char *name = (const char *)sqlite3_column_text(st, 0);
			/* a virtual table makes its own shadow tables, which then exist */
			if (sqlite3_exec(dl->scratch, (const char *)sqlite3_column_text(st, 1),
			    NULL, NULL, NULL) != SQLITE_OK && !has_table(dl->scratch, name))
				rc = -1;
		}
		sqlite3_finalize(st);
	}
	sqlite3_set_authorizer(dl->scratch, watch, dl);
	return rc;
}

static void close_scratch(dataloss *dl)
{
	sqlite3_close(dl->scratch);
	dl->scratch = NULL;
	forget_tables(dl);
}

static int is_word_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || (unsigned char)c >= 0x80;
}

/* Does any statement hold the word DROP? (Cheap: most revisions do not.) */
static int mentions_drop(const rev_statement *stmts, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const char *z;
		for (z = stmts[i].sql; (z = strpbrk(z, "dD")) != NULL; z++)
			if (sqlite3_strnicmp(z, "drop", 4) == 0 && !is_word_char(z[4]) &&
			    (z == stmts[i].sql || !is_word_char(z[-1])))
				return 1;
	}
	return 0;
}

dataloss *dataloss_new(sqlite3 *live, int persist)
{
	dataloss *dl = calloc(1, sizeof(*dl));

	if (!dl)
		return NULL;
	dl->live = live;
	dl->persist = persist;
	return dl;
}

void dataloss_free(dataloss *dl)
{
	if (!dl)
		return;
	close_scratch(dl);
	free(dl->tables);
	pairs_clear(dl->copied, &dl->ncopied);
	free(dl->copied);
	reset_statement(dl);
	free(dl->reads);
	free(dl);
}

void dataloss_check(dataloss *dl, const rev_statement *stmts, size_t n,
	dataloss_fn fn, void *ctx)
{
	size_t i;

	if (!dl || dl->broken)
		return;
	/* a dry run follows every revision; a real run copies the live schema
	** afresh, and only for a revision that may drop something */
	if (!dl->persist && !mentions_drop(stmts, n))
		return;
	if (!dl->scratch && build_scratch(dl) < 0)
		dl->broken = 1;
	pairs_clear(dl->copied, &dl->ncopied);
	for (i = 0; i < n && !dl->broken; i++)
		if (replay(dl, stmts[i].sql, fn, ctx) < 0)
			dl->broken = 1;
	if (!dl->persist) {
		close_scratch(dl);
		dl->broken = 0;
	}
}
