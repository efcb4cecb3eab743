/*
** sqlsame.c: equivalence of SQL text as SQLite sees it (sqlsame.h): token
** forms first, then what SQLite compiles both texts to.
*/
#include "sqlsame.h"
#include "buf.h"
#include "scratch.h"
#include "sqltok.h"
#include "error.h"

#include <ctype.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

struct sqlsame {
	const schema *target;
	sqlite3 *db;   /* the scratch database, opened at the first question */
	int state;     /* 0: not opened yet, 1: ready, -1: unusable */
};

sqlsame *retort_sqlsame_new(const schema *target)
{
	sqlsame *s = calloc(1, sizeof(*s));

	if (s)
		s->target = target;
	return s;
}

void retort_sqlsame_free(sqlsame *s)
{
	if (!s)
		return;
	sqlite3_close(s->db);
	free(s);
}

/* ---- token forms ------------------------------------------------------ */

/* 1: the canonical forms meet (the same); 0: the loose forms differ (not
** the same, whatever SQLite says); -1: only SQLite can tell. */
static int token_verdict(const char *a, const char *b)
{
	char *x, *y;
	int v;

	if (strcmp(a, b) == 0)
		return 1;
	x = retort_sql_canonical(a, 0);
	y = retort_sql_canonical(b, 0);
	v = x && y && strcmp(x, y) == 0;
	free(x);
	free(y);
	if (v)
		return 1;
	x = retort_sql_canonical(a, SQL_CANON_LOOSE);
	y = retort_sql_canonical(b, SQL_CANON_LOOSE);
	v = x && y && strcmp(x, y) == 0 ? -1 : 0;
	free(x);
	free(y);
	return v;
}

/* ---- the scratch database --------------------------------------------- */

/* Is `tail` (what sqlite3_prepare left) nothing but spaces, comments and
** one ';'? Text beyond one statement is never run nor compared. */
static int tail_empty(const char *tail)
{
	sqlcur c;

	retort_sqlcur_init(&c, tail ? tail : "");
	if (c.tok.type == TK_SEMI)
		retort_sqlcur_advance(&c);
	return c.tok.type == TK_EOF;
}

/* Prepare exactly one statement, or fail (NULL). */
static sqlite3_stmt *prepare_one(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	const char *tail = NULL;

	if (!sql || sqlite3_prepare_v2(db, sql, -1, &st, &tail) != SQLITE_OK || !st ||
	    !tail_empty(tail)) {
		sqlite3_finalize(st);
		return NULL;
	}
	return st;
}

/* Run one statement (0), or fail (-1). */
static int run_one(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = prepare_one(db, sql);
	int rc;

	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		;
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* A view of the target: its statement, or a model's SELECT given alone. */
static int make_view(sqlite3 *db, const schema_view *v)
{
	char *sql;
	int rc;

	if (v->sql)
		return run_one(db, v->sql);
	if (!v->select || !(sql = sqlite3_mprintf("CREATE VIEW \"%w\" AS %s", v->name, v->select)))
		return -1;
	rc = run_one(db, sql);
	sqlite3_free(sql);
	return rc;
}

/* The target's tables as bare column names (enough to resolve every name;
** both texts compile against the same table, so types, keys and
** constraints would only add what is the same on both sides; a virtual
** table as itself), then its views, each as soon as what it reads exists. */
static int load(sqlsame *s)
{
	const schema *t = s->target;
	char *made = NULL;
	size_t i, j;
	int more = 1, bad = 0;

	if (retort_scratch_open(&s->db, NULL) != 0)
		return -1;
	run_one(s->db, "BEGIN"); /* one transaction for all the CREATEs */
	for (i = 0; t && i < t->ntables && !bad; i++) {
		retort_buf b = RETORT_BUF_INIT;
		const schema_table *tb = &t->tables[i];
		if (tb->virtual_using) {
			retort_buf_puts(&b, "CREATE VIRTUAL TABLE ");
			retort_buf_ident(&b, tb->name);
			retort_buf_printf(&b, " USING %s", tb->virtual_using);
			/* when its module is not at hand, a plain table of its columns */
			if (!retort_buf_oom(&b) && run_one(s->db, b.ptr) == 0) {
				retort_buf_release(&b);
				continue;
			}
			retort_buf_clear(&b);
		}
		retort_buf_puts(&b, "CREATE TABLE ");
		retort_buf_ident(&b, tb->name);
		for (j = 0; j < tb->ncolumns; j++) {
			retort_buf_puts(&b, j ? ", " : " (");
			retort_buf_ident(&b, tb->columns[j].name);
		}
		retort_buf_puts(&b, ")");
		bad = retort_buf_oom(&b);
		if (!bad && tb->ncolumns)
			run_one(s->db, b.ptr); /* one that fails leaves its texts to tokens */
		retort_buf_release(&b);
	}
	if (!bad && t && t->nviews && !(made = calloc(t->nviews, 1)))
		bad = 1;
	while (!bad && more) {
		more = 0;
		for (i = 0; t && i < t->nviews; i++)
			if (!made[i] && make_view(s->db, &t->views[i]) == 0)
				made[i] = more = 1;
	}
	free(made);
	run_one(s->db, "COMMIT");
	return bad ? -1 : 0;
}

static int ready(sqlsame *s)
{
	if (s && s->state == 0)
		s->state = load(s) == 0 ? 1 : -1;
	return s && s->state > 0;
}

/* One line of an EXPLAIN listing as compared. Left out: the p4 of Init and
** Trace, the text of the statement (or of a trigger's statement) as
** written, and the p3 of Transaction, the schema cookie, which each CREATE
** in the scratch database moves on. */
typedef struct op_row {
	const char *op, *p4;
	sqlite3_int64 p1, p2, p3;
	int p5;
} op_row;

static int read_row(sqlite3_stmt *st, op_row *r)
{
	r->op = (const char *)sqlite3_column_text(st, 1);
	r->p4 = (const char *)sqlite3_column_text(st, 5);
	r->p1 = sqlite3_column_int64(st, 2);
	r->p2 = sqlite3_column_int64(st, 3);
	r->p3 = sqlite3_column_int64(st, 4);
	r->p5 = sqlite3_column_int(st, 6);
	if (!r->op)
		return -1;
	if (!r->p4 || strcmp(r->op, "Init") == 0 || strcmp(r->op, "Trace") == 0)
		r->p4 = "";
	if (strcmp(r->op, "Transaction") == 0)
		r->p3 = 0;
	return 0;
}

static sqlite3_stmt *explain(sqlite3 *db, const char *sql)
{
	char *x = sqlite3_mprintf("EXPLAIN %s", sql);
	sqlite3_stmt *st = prepare_one(db, x);

	sqlite3_free(x);
	return st;
}

/* What SQLite compiles `sql` to, as text: 0, or -1 when it does not compile. */
static int listing(sqlite3 *db, const char *sql, retort_buf *out)
{
	sqlite3_stmt *st = explain(db, sql);
	op_row r;
	int rc = SQLITE_ERROR;

	while (st && (rc = sqlite3_step(st)) == SQLITE_ROW && read_row(st, &r) == 0)
		retort_buf_printf(out, "%s %lld %lld %lld %d %zu:%s\n", r.op, (long long)r.p1,
			(long long)r.p2, (long long)r.p3, r.p5, strlen(r.p4), r.p4);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE && !retort_buf_oom(out) ? 0 : -1;
}

/* Do the two statements compile to the same program? Both listings are
** walked side by side, which spares writing them out. */
static int same_listing(sqlite3 *db, const char *a, const char *b)
{
	sqlite3_stmt *x = a ? explain(db, a) : NULL, *y = b ? explain(db, b) : NULL;
	op_row r, s;
	int same = x && y, rx, ry;

	while (same) {
		rx = sqlite3_step(x);
		ry = sqlite3_step(y);
		if (rx != SQLITE_ROW || ry != SQLITE_ROW) {
			same = rx == SQLITE_DONE && ry == SQLITE_DONE;
			break;
		}
		same = read_row(x, &r) == 0 && read_row(y, &s) == 0 && strcmp(r.op, s.op) == 0 &&
			r.p1 == s.p1 && r.p2 == s.p2 && r.p3 == s.p3 && r.p5 == s.p5 &&
			strcmp(r.p4, s.p4) == 0;
	}
	sqlite3_finalize(x);
	sqlite3_finalize(y);
	return same;
}

/* ---- expressions ------------------------------------------------------ */

/* An expression as SQLite compiles it in context: over the table's rows,
** ordered by it, so that its collation shows in the sorter's key (an index
** term's order); a DEFAULT over no table, where "x" is the string 'x'. */
static char *expr_select(const char *table, const char *expr)
{
	return table ? sqlite3_mprintf("SELECT (%s\n) FROM \"%w\" ORDER BY 1", expr, table)
		: sqlite3_mprintf("SELECT (%s\n) ORDER BY 1", expr);
}

/*
** A DEFAULT that is one name, bare or quoted, is that name as a string with
** its case (DEFAULT abc is 'abc', DEFAULT ABC is 'ABC'): the name, or NULL
** when `sql` is anything else, TRUE, FALSE, NULL and CURRENT_* included.
*/
static char *default_word(const char *sql)
{
	sqlcur c, after;
	char *word;

	retort_sqlcur_init(&c, sql);
	after = c;
	retort_sqlcur_advance(&after);
	if ((c.tok.type != TK_WORD && c.tok.type != TK_QUOTED) || after.tok.type != TK_EOF)
		return NULL;
	/* the token alone: comments around it are kept in a DEFAULT's text */
	word = retort_xstrndup(c.tok.z, c.tok.n);
	if (word && retort_sql_is_literal(word, 1)) {
		free(word);
		return NULL;
	}
	free(word);
	return retort_sqltok_name(&c.tok);
}

int retort_sqlsame_expr(sqlsame *s, const char *table, const char *a, const char *b)
{
	char *x, *y;
	int v;

	if (!a || !b)
		return a == b;
	if (strcmp(a, b) == 0)
		return 1;
	x = table ? NULL : default_word(a);
	y = table ? NULL : default_word(b);
	if (x || y) {
		v = x && y && strcmp(x, y) == 0;
		free(x);
		free(y);
		return v;
	}
	v = token_verdict(a, b);
	if (v >= 0 || retort_sql_piece_fault(a, 0) || retort_sql_piece_fault(b, 0) || !ready(s))
		return v > 0;
	x = expr_select(table, a);
	y = expr_select(table, b);
	v = same_listing(s->db, x, y);
	sqlite3_free(x);
	sqlite3_free(y);
	return v;
}

/* ---- views ------------------------------------------------------------ */

/* Append the names of the column list of a CREATE VIEW v(a, b) statement,
** upper-cased, one a line: SQLite matches names without case. */
static void column_list(retort_buf *out, const char *sql)
{
	sqlcur c;

	for (retort_sqlcur_init(&c, sql); c.tok.type != TK_LP && c.tok.type != TK_EOF;)
		retort_sqlcur_advance(&c);
	for (retort_sqlcur_advance(&c); c.tok.type != TK_RP && c.tok.type != TK_EOF; retort_sqlcur_advance(&c)) {
		char *name = retort_sqltok_is_name(&c.tok) ? retort_sqltok_name(&c.tok) : NULL;
		char *p;
		for (p = name; p && *p; p++)
			*p = (char)toupper((unsigned char)*p);
		retort_buf_puts(out, name ? name : ",");
		retort_buf_putc(out, '\n');
		free(name);
	}
}

/*
** The names of the result columns of SELECT `body` (upper-cased: names are
** matched without case), one a line, and how many there are. SQLite names
** an unnamed expression column by its text, so `a+1` and `a + 1` make views
** with differently named columns. 0, or -1 when it does not compile.
*/
static int result_names(sqlite3 *db, const char *body, retort_buf *out, int *n)
{
	sqlite3_stmt *st = prepare_one(db, body);
	char *p;
	int i;

	if (!st)
		return -1;
	*n = sqlite3_column_count(st);
	for (i = 0; i < *n; i++) {
		const char *name = sqlite3_column_name(st, i);
		size_t start = out->len;
		retort_buf_puts(out, name ? name : "");
		for (p = out->ptr + start; !out->oom && *p; p++)
			*p = (char)toupper((unsigned char)*p);
		retort_buf_putc(out, '\n');
	}
	sqlite3_finalize(st);
	return retort_buf_oom(out) ? -1 : 0;
}

/* `body` read as a subquery ordered by every column, so that the listing
** shows each column's collation (in the sorter's key), which a query of the
** view compares by. */
static char *ordered(const char *body, int n)
{
	retort_buf b = RETORT_BUF_INIT;
	sqlcur c;
	const char *end = body;
	int i;

	/* a ';' at the end would close the subquery early */
	for (retort_sqlcur_init(&c, body); c.tok.type != TK_EOF; retort_sqlcur_advance(&c))
		if (c.tok.type != TK_SEMI)
			end = c.tok.z + c.tok.n;
	retort_buf_puts(&b, "SELECT * FROM (");
	retort_buf_put(&b, body, (size_t)(end - body));
	retort_buf_puts(&b, "\n) ORDER BY ");
	for (i = 1; i <= n; i++)
		retort_buf_printf(&b, "%s%d", i > 1 ? ", " : "", i);
	return retort_buf_detach(&b);
}

/* 1 the same, 0 not, -1 SQLite cannot tell (a body does not compile). */
static int same_view_body(sqlite3 *db, const char *a, const char *b, int names_only)
{
	retort_buf x = RETORT_BUF_INIT, y = RETORT_BUF_INIT;
	char *oa = NULL, *ob = NULL;
	int na = 0, nb = 0, v = -1;

	if (result_names(db, a, &x, &na) == 0 && result_names(db, b, &y, &nb) == 0) {
		v = na == nb && strcmp(x.ptr, y.ptr) == 0;
		if (v && !names_only) {
			oa = ordered(a, na);
			ob = ordered(b, nb);
			v = same_listing(db, a, b) && same_listing(db, oa, ob);
		}
	}
	free(oa);
	free(ob);
	retort_buf_release(&x);
	retort_buf_release(&y);
	return v;
}

int retort_sqlsame_view(sqlsame *s, const schema_view *a, const schema_view *b)
{
	int v;

	if (a->has_column_list != b->has_column_list)
		return 0;
	/* a model's view given as a whole statement has no SELECT apart (it
	** is read back from SQLite before any comparison that matters) */
	if (!a->select || !b->select)
		return token_verdict(schema_view_text(a), schema_view_text(b)) > 0;
	if (a->has_column_list) {
		retort_buf x = RETORT_BUF_INIT, y = RETORT_BUF_INIT;
		column_list(&x, a->sql);
		column_list(&y, b->sql);
		v = !retort_buf_oom(&x) && !retort_buf_oom(&y) && strcmp(x.ptr, y.ptr) == 0;
		retort_buf_release(&x);
		retort_buf_release(&y);
		if (!v)
			return 0;
	}
	if (strcmp(a->select, b->select) == 0)
		return 1;
	v = token_verdict(a->select, b->select);
	if (v == 0 || retort_sql_piece_fault(a->select, 1) || retort_sql_piece_fault(b->select, 1) || !ready(s))
		return v > 0;
	/* the same tokens may still name the columns differently (spacing) */
	if (v > 0)
		return a->has_column_list || same_view_body(s->db, a->select, b->select, 1) != 0;
	return same_view_body(s->db, a->select, b->select, 0) == 1;
}

/* ---- triggers --------------------------------------------------------- */

typedef struct trigger_head {
	int temp;
	char timing;      /* 'B'efore (also when unsaid), 'A'fter, 'I'nstead of */
	char event;       /* 'D'elete, 'I'nsert, 'U'pdate */
	str_list columns; /* UPDATE OF, upper-cased */
	char *table;
	const char *rest; /* from WHEN or BEGIN to the end */
} trigger_head;

static void head_release(trigger_head *h)
{
	retort_str_list_release(&h->columns);
	free(h->table);
}

/* Step over a name, and a second one after a '.' (schema.name); the last
** one's token in *last. 0, or -1 when there is no name. */
static int skip_name(sqlcur *c, sqltok *last)
{
	if (!retort_sqltok_is_name(&c->tok))
		return -1;
	*last = c->tok;
	retort_sqlcur_advance(c);
	if (c->tok.type == TK_OP && c->tok.n == 1 && *c->tok.z == '.') {
		retort_sqlcur_advance(c);
		if (!retort_sqltok_is_name(&c->tok))
			return -1;
		*last = c->tok;
		retort_sqlcur_advance(c);
	}
	return 0;
}

static char *upper_name(const sqltok *t)
{
	char *name = retort_sqltok_name(t), *p;

	for (p = name; p && *p; p++)
		*p = (char)toupper((unsigned char)*p);
	return name;
}

/* Read the header of CREATE TRIGGER (lang_createtrigger.html): 0, or -1
** when it is not one this reads (then the whole texts are compared). */
static int parse_head(const char *sql, trigger_head *h)
{
	sqlcur c;
	sqltok name;

	memset(h, 0, sizeof(*h));
	retort_sqlcur_init(&c, sql);
	if (!retort_sqlcur_accept(&c, "CREATE"))
		return -1;
	h->temp = retort_sqlcur_accept(&c, "TEMP") || retort_sqlcur_accept(&c, "TEMPORARY");
	if (!retort_sqlcur_accept(&c, "TRIGGER"))
		return -1;
	if (retort_sqlcur_accept(&c, "IF") && !(retort_sqlcur_accept(&c, "NOT") && retort_sqlcur_accept(&c, "EXISTS")))
		return -1;
	if (skip_name(&c, &name) < 0)
		return -1;
	h->timing = retort_sqlcur_accept(&c, "AFTER") ? 'A' : 'B';
	if (h->timing == 'B' && retort_sqlcur_accept(&c, "INSTEAD")) {
		if (!retort_sqlcur_accept(&c, "OF"))
			return -1;
		h->timing = 'I';
	} else if (h->timing == 'B') {
		retort_sqlcur_accept(&c, "BEFORE");
	}
	if (retort_sqlcur_accept(&c, "DELETE"))
		h->event = 'D';
	else if (retort_sqlcur_accept(&c, "INSERT"))
		h->event = 'I';
	else if (retort_sqlcur_accept(&c, "UPDATE"))
		h->event = 'U';
	else
		return -1;
	if (h->event == 'U' && retort_sqlcur_accept(&c, "OF")) {
		do {
			char *col;
			if (!retort_sqltok_is_name(&c.tok) || !(col = upper_name(&c.tok)))
				return -1;
			if (!retort_str_list_has_nocase(&h->columns, col) &&
			    retort_str_list_push(&h->columns, col) < 0) {
				free(col);
				return -1;
			}
			free(col);
			retort_sqlcur_advance(&c);
		} while (c.tok.type == TK_COMMA && (retort_sqlcur_advance(&c), 1));
	}
	if (!retort_sqlcur_accept(&c, "ON") || skip_name(&c, &name) < 0 || !(h->table = upper_name(&name)))
		return -1;
	if (retort_sqlcur_accept(&c, "FOR") &&
	    !(retort_sqlcur_accept(&c, "EACH") && retort_sqlcur_accept(&c, "ROW")))
		return -1;
	h->rest = c.tok.z;
	return 0;
}

static int same_head(const trigger_head *a, const trigger_head *b)
{
	size_t i;

	if (a->temp != b->temp || a->timing != b->timing || a->event != b->event ||
	    a->columns.n != b->columns.n || strcmp(a->table, b->table) != 0)
		return 0;
	for (i = 0; i < a->columns.n; i++)
		if (!retort_str_list_has_nocase(&b->columns, a->columns.v[i]))
			return 0;
	return 1;
}

/* A statement that fires the trigger on `h`'s table: every column
** updated, so that any UPDATE OF list fires. NULL when none can be made. */
static char *firing(sqlite3 *db, const trigger_head *h)
{
	retort_buf b = RETORT_BUF_INIT;
	sqlite3_stmt *st = NULL;
	int n = 0;

	retort_buf_puts(&b, h->event == 'D' ? "DELETE FROM " :
		h->event == 'I' ? "INSERT INTO " : "UPDATE ");
	retort_buf_ident(&b, h->table);
	if (h->event == 'I')
		retort_buf_puts(&b, " DEFAULT VALUES");
	if (h->event != 'U')
		return retort_buf_detach(&b);
	if (sqlite3_prepare_v2(db, "SELECT name FROM pragma_table_info(?1)", -1, &st,
		NULL) == SQLITE_OK)
		sqlite3_bind_text(st, 1, h->table, -1, SQLITE_STATIC);
	while (st && sqlite3_step(st) == SQLITE_ROW) {
		const char *col = (const char *)sqlite3_column_text(st, 0);
		retort_buf_puts(&b, n++ ? ", " : " SET ");
		retort_buf_ident(&b, col ? col : "");
		retort_buf_puts(&b, " = ");
		retort_buf_ident(&b, col ? col : "");
	}
	sqlite3_finalize(st);
	if (!n)
		retort_buf_release(&b);
	return n ? retort_buf_detach(&b) : NULL;
}

/* The listing of `fire` with the trigger `sql` (named `name`) in place. */
static int fired(sqlite3 *db, const char *name, const char *sql, const char *fire,
	retort_buf *out)
{
	char *drop = sqlite3_mprintf("DROP TRIGGER \"%w\"", name);
	int rc = -1;

	if (drop && run_one(db, sql) == 0) {
		rc = listing(db, fire, out);
		if (run_one(db, drop) < 0)
			rc = -1;
	}
	sqlite3_free(drop);
	return rc;
}

int retort_sqlsame_trigger(sqlsame *s, const schema_trigger *a, const schema_trigger *b)
{
	trigger_head ha, hb;
	retort_buf x = RETORT_BUF_INIT, y = RETORT_BUF_INIT;
	char *fire = NULL;
	int v;

	if (strcmp(a->sql, b->sql) == 0)
		return 1;
	memset(&hb, 0, sizeof(hb));
	if (parse_head(a->sql, &ha) < 0 || parse_head(b->sql, &hb) < 0) {
		head_release(&ha);
		head_release(&hb);
		return token_verdict(a->sql, b->sql) > 0;
	}
	v = same_head(&ha, &hb) ? token_verdict(ha.rest, hb.rest) : 0;
	if (v < 0 && (retort_sql_piece_fault(a->sql, 1) || retort_sql_piece_fault(b->sql, 1) || !ready(s)))
		v = 0;
	if (v < 0) {
		fire = firing(s->db, &ha);
		v = fire && fired(s->db, a->name, a->sql, fire, &x) == 0 &&
			fired(s->db, b->name, b->sql, fire, &y) == 0 && strcmp(x.ptr, y.ptr) == 0;
	}
	free(fire);
	retort_buf_release(&x);
	retort_buf_release(&y);
	head_release(&ha);
	head_release(&hb);
	return v;
}
