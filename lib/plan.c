/*
** plan.c: the steps of a migration, in an order where each is valid when it
** runs (plan.h):
**
**   1. drop the triggers and views that go, change, or read a table that
**      changes (they are recreated from the target at the end);
**   2. drop the indexes that go or change, then the tables that go;
**   3. rename tables, then columns (ALTER TABLE ... RENAME: SQLite rewrites
**      every index, foreign key and CHECK that names them);
**   4. parents before children: create tables, ALTER them in place (DROP
**      COLUMN, ADD COLUMN) or rebuild them (new table, one INSERT ... SELECT,
**      drop, rename, indexes);
**   5. create the new and changed indexes, views (dependencies first) and
**      triggers.
*/
#include "plan.h"
#include "inplace.h"
#include "render.h"
#include "sqltok.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The prefix of a rebuild's new table (a rename's stopover: diff.h). */
#define REBUILD_PREFIX "_retort_new_"

typedef struct builder {
	plan_dir *out;
	const schema *from, *to;
	schema_diff sd;
	sqlsame *same;       /* judges SQL text against `to` */
	retort_buf sql;      /* the step being written */
	retort_buf warning;  /* its risks in words */
	unsigned risks;
	int oom;
} builder;

/* ---- steps ---------------------------------------------------------- */

static void risk(builder *bd, unsigned bit, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void risk(builder *bd, unsigned bit, const char *fmt, ...)
{
	va_list ap;

	bd->risks |= bit;
	if (bd->warning.len)
		retort_buf_puts(&bd->warning, "; ");
	va_start(ap, fmt);
	retort_buf_vprintf(&bd->warning, fmt, ap);
	va_end(ap);
}

/* Close the step written into bd->sql so far. */
static void end_step(builder *bd, const char *kind, const char *table, const char *object)
{
	plan_step *st = ARRAY_PUSH(bd->out->steps, bd->out->n, bd->out->cap);

	if (!st || retort_buf_oom(&bd->sql) || retort_buf_oom(&bd->warning)) {
		bd->oom = 1;
		return;
	}
	memset(st, 0, sizeof(*st));
	st->kind = kind;
	st->table = retort_xstrdup(table);
	st->object = retort_xstrdup(object);
	st->risks = bd->risks;
	st->warning = bd->warning.len ? retort_buf_detach(&bd->warning) : NULL;
	st->sql = retort_buf_detach(&bd->sql);
	if ((table && !st->table) || (object && !st->object) || !st->sql)
		bd->oom = 1;
	retort_buf_clear(&bd->warning);
	bd->risks = 0;
}

static void simple_step(builder *bd, const char *kind, const char *table,
	const char *object, const char *verb, const char *name)
{
	retort_buf_puts(&bd->sql, verb);
	retort_buf_ident(&bd->sql, name);
	retort_buf_puts(&bd->sql, ";\n");
	end_step(bd, kind, table, object);
}

/* ---- what depends on what ------------------------------------------- */

typedef struct name_set {
	const char **v;
	size_t n, cap;
} name_set;

static int set_add(name_set *s, const char *name)
{
	const char **slot = ARRAY_PUSH(s->v, s->n, s->cap);

	if (!slot)
		return -1;
	*slot = name;
	return 0;
}

static int mentions(const char *sql, const name_set *s)
{
	return s->n && retort_sql_mentions(sql, s->v, s->n);
}

static const schema_trigger *find_trigger(const schema *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->ntriggers; i++)
		if (retort_name_eq(s->triggers[i].name, name))
			return &s->triggers[i];
	return NULL;
}

/*
** Which views and triggers of `from` must go: those `to` lacks or changes,
** and those that read a table that changes or a view that goes. `dirty`
** starts with the changing tables and gains each dropped view.
*/
static int mark_dropped(builder *bd, name_set *dirty, char *view_gone, char *trigger_gone)
{
	const schema *from = bd->from, *to = bd->to;
	size_t i;
	int more = 1;

	for (i = 0; i < from->nviews; i++) {
		const schema_view *nv = retort_schema_find_view(to, from->views[i].name);
		if (!nv || !retort_schema_view_equal(bd->same, &from->views[i], nv)) {
			view_gone[i] = 1;
			if (set_add(dirty, from->views[i].name) < 0)
				return -1;
		}
	}
	while (more) {
		more = 0;
		for (i = 0; i < from->nviews; i++) {
			if (view_gone[i] || !mentions(schema_view_text(&from->views[i]), dirty))
				continue;
			view_gone[i] = more = 1;
			if (set_add(dirty, from->views[i].name) < 0)
				return -1;
		}
	}
	for (i = 0; i < from->ntriggers; i++) {
		const schema_trigger *t = &from->triggers[i];
		const schema_trigger *nt = find_trigger(to, t->name);
		trigger_gone[i] = !nt || !retort_schema_trigger_equal(bd->same, t, nt) ||
			mentions(t->sql, dirty);
	}
	return 0;
}

/* ---- risks of a table change ---------------------------------------- */

/* SQLite's column affinity, from the declared type (datatype3.html 3.1). */
static char affinity(const char *type)
{
	char *up = retort_xstrdup(type ? type : ""), *p;
	char a;

	if (!up)
		return 'B';
	for (p = up; *p; p++)
		*p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
	if (strstr(up, "INT"))
		a = 'I';
	else if (strstr(up, "CHAR") || strstr(up, "CLOB") || strstr(up, "TEXT"))
		a = 'T';
	else if (!*up || strstr(up, "BLOB"))
		a = 'B';
	else if (strstr(up, "REAL") || strstr(up, "FLOA") || strstr(up, "DOUB"))
		a = 'R';
	else
		a = 'N';
	free(up);
	return a;
}

/* Is `type` ANY, which a STRICT table stores every value in as it comes? */
static int is_any(const char *type)
{
	return type && sqlite3_stricmp(type, "ANY") == 0;
}

/* The affinity values get in a column of `type`: INTEGER and NUMERIC
** convert alike, and ANY in a STRICT table converts nothing. */
static char conversion_of(const char *type, int strict)
{
	char a = affinity(type);

	if (strict && is_any(type))
		return 'B';
	return a == 'N' ? 'I' : a;
}

/*
** What changing a column's type from `o` (in a table STRICT or not, `ostrict`)
** to `n` (`nstrict`) does to its values, in words into `b`, or nothing when
** no value can change. Under another affinity SQLite converts values
** (datatype3.html): text that reads as a number becomes one, numbers
** become text, integers reals; no affinity (BLOB, or ANY in a STRICT table)
** keeps every value as it is, and a declared size (VARCHAR(20)) is not
** enforced. A STRICT table refuses a value that does not fit its type.
*/
static void type_change_effect(retort_buf *b, const char *o, const char *n, int ostrict,
	int nstrict)
{
	char a = conversion_of(o, ostrict), z = conversion_of(n, nstrict);
	const char *sep = "";

	if (a != z && z == 'I' && (a == 'T' || a == 'B')) {
		retort_buf_puts(b, "text that reads as a number becomes one ('007' becomes 7)");
		sep = ", ";
	}
	if (a != z && z == 'I' && (a == 'R' || a == 'B')) {
		retort_buf_printf(b, "%sa real with no fraction becomes an integer", sep);
		sep = ", ";
	}
	if (a != z && z == 'R' && (a == 'I' || a == 'B')) {
		retort_buf_printf(b, "%sintegers become reals (beyond 2^53 they lose digits)", sep);
		sep = ", ";
	}
	if (a != z && z == 'R' && (a == 'T' || a == 'B')) {
		retort_buf_printf(b, "%stext that reads as a number becomes a real ('007' becomes 7.0)", sep);
		sep = ", ";
	}
	if (a != z && z == 'T' && a != 'T') {
		retort_buf_printf(b, "%snumbers become text (7 becomes '7')", sep);
		sep = ", ";
	}
	/* (a table made STRICT says so for all its columns: strict_risks) */
	if (nstrict && ostrict && !is_any(n))
		retort_buf_printf(b, "%sa value that does not fit %s makes it fail", sep, n);
}

/* Is column `c` of `t` under a uniqueness rule (key, UNIQUE, unique index)? */
static int in_unique(const schema_table *t, const schema_column *c)
{
	size_t i, j;

	if (c->pk)
		return 1;
	for (i = 0; i < t->nuniques; i++)
		for (j = 0; j < t->uniques[i].columns.n; j++)
			if (retort_name_eq(t->uniques[i].columns.v[j], c->name))
				return 1;
	for (i = 0; i < t->nindexes; i++)
		for (j = 0; t->indexes[i].unique && j < t->indexes[i].nterms; j++)
			if (retort_name_eq(t->indexes[i].terms[j].column, c->name))
				return 1;
	return 0;
}

/* Is CHECK `ck` of target table `table` also one of `t`'s? */
static int check_in(sqlsame *same, const char *table, const schema_check *ck,
	const schema_table *t)
{
	size_t i;

	for (i = 0; i < t->nchecks; i++)
		if (retort_name_eq(ck->name, t->checks[i].name) &&
		    retort_sqlsame_expr(same, table, ck->expr, t->checks[i].expr))
			return 1;
	return 0;
}

/* Can a key term that compared with collation `old` now compare with `new`
** and find rows equal that were not? BINARY tells every value apart. */
static int coarser_collation(const char *old, const char *new)
{
	return !retort_name_eq(old, new) && !retort_name_eq(new, "BINARY");
}

/* Does `t` (the old table) have a UNIQUE on the columns of `u` (of table
** `n`) that no row can fit and `u` refuse? A term that follows its column's
** collation is left to the column's own warning. */
static int unique_in(const schema_unique *u, const schema_table *n, const schema_table *t)
{
	size_t i, j;

	for (i = 0; i < t->nuniques; i++) {
		const schema_unique *o = &t->uniques[i];
		if (!retort_str_list_equal_nocase(&u->columns, &o->columns))
			continue;
		for (j = 0; j < u->columns.n; j++) {
			const char *was = retort_schema_unique_collate(t, o, j);
			const char *now = retort_schema_unique_collate(n, u, j);
			if (coarser_collation(was, now) &&
			    (!retort_name_eq(was, retort_schema_implied_collation(t, o->columns.v[j])) ||
			     !retort_name_eq(now, retort_schema_implied_collation(n, u->columns.v[j]))))
				break;
		}
		if (j == u->columns.n)
			return 1;
	}
	return 0;
}

static int fk_in(const schema_fk *fk, const schema_table *t)
{
	size_t i;

	for (i = 0; i < t->nfks; i++)
		if (retort_str_list_equal_nocase(&fk->columns, &t->fks[i].columns) &&
		    retort_name_eq(fk->table, t->fks[i].table) &&
		    retort_str_list_equal_nocase(&fk->ref_columns, &t->fks[i].ref_columns))
			return 1;
	return 0;
}

/* Is column `c` of `t` a child column of one of its foreign keys, or the
** parent column of one that points back at `t`? (Keys in other tables are
** not seen from here.) */
/* Does another table's foreign key point at `c` of `t` (by name, or as the
** primary key an FK without columns refers to)? */
static int referenced_by_other(const schema *s, const schema_table *t, const schema_column *c)
{
	size_t i, j, k;

	for (i = 0; s && i < s->ntables; i++) {
		const schema_table *u = &s->tables[i];
		if (retort_name_eq(u->name, t->name))
			continue;
		for (j = 0; j < u->nfks; j++) {
			const schema_fk *fk = &u->fks[j];
			if (!retort_name_eq(fk->table, t->name))
				continue;
			if (!fk->ref_columns.n && c->pk)
				return 1;
			for (k = 0; k < fk->ref_columns.n; k++)
				if (retort_name_eq(fk->ref_columns.v[k], c->name))
					return 1;
		}
	}
	return 0;
}

static int in_foreign_key(const schema_table *t, const schema_column *c)
{
	size_t i, j;

	for (i = 0; i < t->nfks; i++) {
		const schema_fk *fk = &t->fks[i];
		for (j = 0; j < fk->columns.n; j++)
			if (retort_name_eq(fk->columns.v[j], c->name))
				return 1;
		for (j = 0; retort_name_eq(fk->table, t->name) && j < fk->ref_columns.n; j++)
			if (retort_name_eq(fk->ref_columns.v[j], c->name))
				return 1;
	}
	return 0;
}

/* Do the two tables key on the same columns, in the same order? */
static int same_primary_key(const schema_table *m, const schema_table *n)
{
	size_t i;

	for (i = 0; i < n->ncolumns; i++) {
		const schema_column *o = retort_schema_find_column(m, n->columns[i].name);
		if (n->columns[i].pk && (!o || o->pk != n->columns[i].pk ||
		    coarser_collation(retort_schema_pk_collate(o), retort_schema_pk_collate(&n->columns[i]))))
			return 0;
	}
	for (i = 0; i < m->ncolumns; i++) {
		const schema_column *c = retort_schema_find_column(n, m->columns[i].name);
		if (m->columns[i].pk && (!c || !c->pk))
			return 0;
	}
	return 1;
}

/* A new column that cannot make its step fail: nullable, or with a default
** (a generated one may compute NULL) */
static int column_risk_free(const schema_column *c)
{
	return !c->notnull || c->default_sql;
}

/* Column `c` of `n` has its NULLs filled with its default: one value for
** every such row, which a UNIQUE, a foreign key or a CHECK may refuse. */
static void fill_risks(builder *bd, const schema_table *n, const schema_column *c)
{
	const char *names[1];
	size_t i;

	risk(bd, RETORT_RISK_FILL_NULL, "makes '%s.%s' NOT NULL: rows holding NULL get its "
		"default %s (a downgrade does not put the NULLs back)", n->name, c->name,
		c->default_sql);
	if (in_unique(n, c))
		risk(bd, RETORT_RISK_NEW_CONSTRAINT, "fills '%s.%s' with one default: a UNIQUE "
			"fails if two rows held NULL", n->name, c->name);
	if (in_foreign_key(n, c))
		risk(bd, RETORT_RISK_NEW_CONSTRAINT, "fills '%s.%s' of a foreign key with its "
			"default: fails if no parent row has it", n->name, c->name);
	names[0] = c->name;
	for (i = 0; i < n->nchecks; i++)
		if (retort_sql_mentions(n->checks[i].expr, names, 1)) {
			risk(bd, RETORT_RISK_NEW_CONSTRAINT, "fills '%s.%s' with its default: fails "
				"if the default breaks a CHECK", n->name, c->name);
			break;
		}
}

/* Column `name` of table `table` as the models know it: one moved to a
** stopover on its way out (diff.c) is shown by its own name. */
static const char *shown_column(const builder *bd, const char *table, const char *name)
{
	const rename_list *r = &bd->sd.renames;
	size_t i;

	for (i = 0; i < r->n; i++)
		if (r->v[i].doomed && retort_name_eq(r->v[i].table_to, table) &&
		    strcmp(r->v[i].col_to, name) == 0)
			return r->v[i].col_from;
	return name;
}

static const char *shown_type(const char *type)
{
	return type && *type ? type : "(none)";
}

/* Making a table STRICT, or no longer: what its columns' values may do. */
static void strict_risks(builder *bd, const schema_table *m, const schema_table *n)
{
	retort_buf cols = RETORT_BUF_INIT;
	size_t i, k = 0;

	if (m->strict == n->strict)
		return;
	for (i = 0; i < n->ncolumns; i++) {
		const schema_column *c = &n->columns[i];
		const schema_column *o = retort_schema_find_column(m, c->name);
		/* STRICT off: ANY took values as they came and now converts them
		** (NUMERIC; a change of type says what it does itself); on: a value
		** that does not fit its type fails */
		if (!o || (n->strict ? is_any(c->type) || retort_schema_column_is_rowid_alias(n, c) :
		    !is_any(o->type) || !is_any(c->type)))
			continue;
		retort_buf_printf(&cols, "%s'%s.%s'", k++ ? ", " : "", n->name, c->name);
	}
	if (k && n->strict)
		risk(bd, RETORT_RISK_NARROW_TYPE, "makes '%s' STRICT: a value of %s that does not "
			"fit its column's type makes it fail", n->name, cols.ptr);
	else if (k)
		risk(bd, RETORT_RISK_NARROW_TYPE, "makes '%s' not STRICT: the values of its ANY "
			"column%s %s are converted as NUMERIC ones (text that reads as a number becomes "
			"one, '007' becomes 7; a real with no fraction an integer)", n->name,
			k == 1 ? "" : "s", cols.ptr);
	bd->oom |= retort_buf_oom(&cols);
	retort_buf_release(&cols);
}

/* Risks of turning table `m` into `n` (either way it is done). */
static void table_risks(builder *bd, const schema_table *m, const schema_table *n)
{
	retort_buf effect = RETORT_BUF_INIT;
	size_t i;

	for (i = 0; i < m->ncolumns; i++)
		if (!retort_schema_find_column(n, m->columns[i].name))
			risk(bd, RETORT_RISK_DROP_COLUMN, "drops column '%s.%s' and its values",
				n->name, shown_column(bd, n->name, m->columns[i].name));
	strict_risks(bd, m, n);
	for (i = 0; i < n->ncolumns; i++) {
		const schema_column *c = &n->columns[i];
		const schema_column *o = retort_schema_find_column(m, c->name);
		if (!o) {
			if (!column_risk_free(c) && !retort_schema_column_is_rowid_alias(n, c))
				risk(bd, RETORT_RISK_ADD_NOT_NULL, "adds NOT NULL column '%s.%s' "
					"without a default: fails if the table has rows", n->name, c->name);
			continue;
		}
		retort_buf_clear(&effect);
		if (!retort_sql_equal(o->type, c->type))
			type_change_effect(&effect, o->type, c->type, m->strict, n->strict);
		if (retort_schema_column_is_rowid_alias(n, c) && !retort_schema_column_is_rowid_alias(m, o))
			risk(bd, RETORT_RISK_NARROW_TYPE, "makes '%s.%s' the rowid: a NULL or a value "
				"that is not an integer makes it fail", n->name, c->name);
		else if (effect.len && (in_foreign_key(n, c) || referenced_by_other(bd->to, n, c)))
			risk(bd, RETORT_RISK_NARROW_TYPE | RETORT_RISK_NEW_CONSTRAINT, "changes '%s.%s' "
				"from %s to %s: %s; a converted key may no longer match its parent or its "
				"children", n->name, c->name, shown_type(o->type), shown_type(c->type),
				effect.ptr);
		else if (effect.len)
			risk(bd, RETORT_RISK_NARROW_TYPE, "changes '%s.%s' from %s to %s: %s", n->name,
				c->name, shown_type(o->type), shown_type(c->type), effect.ptr);
		else if (affinity(o->type) != affinity(c->type) && referenced_by_other(bd->to, n, c))
			risk(bd, RETORT_RISK_NEW_CONSTRAINT, "changes '%s.%s' from %s to %s: child keys "
				"are no longer converted to its type to find it ('7' no longer finds 7)",
				n->name, c->name, shown_type(o->type), shown_type(c->type));
		if (o->collate != c->collate && !retort_name_eq(o->collate, c->collate) && in_unique(n, c))
			risk(bd, RETORT_RISK_NEW_CONSTRAINT, "changes the collation of '%s.%s': rows "
				"that now compare equal make a UNIQUE fail", n->name, c->name);
		if (retort_fills_nulls(n, c, o))
			fill_risks(bd, n, c);
		else if (c->notnull && !o->notnull && !retort_schema_column_is_rowid_alias(n, c))
			risk(bd, RETORT_RISK_SET_NOT_NULL, "makes '%s.%s' NOT NULL: fails if a row "
				"holds NULL", n->name, c->name);
	}
	if (!same_primary_key(m, n))
		risk(bd, RETORT_RISK_NEW_CONSTRAINT, "changes the primary key of '%s': fails if "
			"rows repeat", n->name);
	for (i = 0; i < n->nchecks; i++)
		if (!check_in(bd->same, n->name, &n->checks[i], m)) {
			risk(bd, RETORT_RISK_NEW_CONSTRAINT, "adds a CHECK on '%s': fails if a row "
				"violates it", n->name);
			break;
		}
	for (i = 0; i < n->nuniques; i++)
		if (!unique_in(&n->uniques[i], n, m)) {
			risk(bd, RETORT_RISK_NEW_CONSTRAINT, "adds a UNIQUE constraint on '%s': "
				"fails if rows repeat", n->name);
			break;
		}
	for (i = 0; i < n->nfks; i++)
		if (!fk_in(&n->fks[i], m)) {
			risk(bd, RETORT_RISK_NEW_CONSTRAINT, "adds a foreign key on '%s': fails "
				"if a row has no parent", n->name);
			break;
		}
	bd->oom |= retort_buf_oom(&effect);
	retort_buf_release(&effect);
}

/* ---- table steps ----------------------------------------------------- */

/* Is `name` taken: by a table on either side, or with `td`, by a column of
** its table on either side or where one of its columns is renamed to? */
static int name_used(const builder *bd, const table_diff *td, const char *name)
{
	size_t i;

	if (!td)
		return retort_schema_find_table(bd->from, name) || retort_schema_find_table(bd->to, name);
	for (i = 0; i < td->ncol_renames; i++)
		if (retort_name_eq(td->col_renames[i].col_to, name))
			return 1;
	return retort_schema_find_column(td->old, name) || retort_schema_find_column(td->new, name);
}

/* prefix + name, made unique against every table (or with `td`, column of
** its table) on either side: a user may own one called like retort's
** scratch names */
static void free_name(const builder *bd, const table_diff *td, retort_buf *out,
	const char *prefix, const char *name)
{
	unsigned n = 1;

	retort_buf_clear(out);
	retort_buf_printf(out, "%s%s", prefix, name);
	while (!retort_buf_oom(out) && name_used(bd, td, out->ptr)) {
		retort_buf_clear(out);
		retort_buf_printf(out, "%s%s_%u", prefix, name, ++n);
	}
}

/*
** Does index `ix` of `m` read a column whose default changes in `n` (a
** change made in place: keep_old_defaults)? A plain term names it; an
** expression or a WHERE that mentions the name is taken to read it.
*/
static int uses_changed_default(const schema_index *ix, const schema_table *m,
	const schema_table *n)
{
	size_t i, k;

	for (i = 0; i < m->ncolumns; i++) {
		const schema_column *o = &m->columns[i];
		const schema_column *c = retort_schema_find_column(n, o->name);
		const char *name = o->name;
		if (!c || !retort_default_changes(o, c))
			continue;
		if (ix->where && retort_sql_mentions(ix->where, &name, 1))
			return 1;
		for (k = 0; k < ix->nterms; k++)
			if (ix->terms[k].column ? retort_name_eq(ix->terms[k].column, name)
			    : retort_sql_mentions(ix->terms[k].expr, &name, 1))
				return 1;
	}
	return 0;
}

/* Create the indexes of `t` that `keep` (NULL: none) has not, or, when
** `t` is changed `inplace`, has but that were dropped for a default that
** changes (drop_indexes). */
static void create_indexes(builder *bd, const schema_table *t, const schema_table *keep,
	int inplace)
{
	size_t i, j;

	for (i = 0; i < t->nindexes; i++) {
		const schema_index *ix = &t->indexes[i];
		int kept = 0, again;
		for (j = 0; keep && j < keep->nindexes && !kept; j++)
			kept = retort_name_eq(keep->indexes[j].name, ix->name) &&
				retort_schema_index_equal(bd->same, &keep->indexes[j], ix, NULL);
		again = kept && inplace && uses_changed_default(&keep->indexes[j - 1], keep, t);
		if (kept && !again)
			continue;
		retort_render_create_index(&bd->sql, ix, t, NULL);
		retort_buf_puts(&bd->sql, ";\n");
		if (ix->unique && !again)
			risk(bd, RETORT_RISK_NEW_CONSTRAINT, "adds unique index '%s': fails if rows "
				"repeat", ix->name);
		end_step(bd, "create_index", t->name, ix->name);
	}
}

/* Drop the indexes of `m` that `n` has not, or, when the table is changed
** `inplace`, that read a column whose default changes. */
static void drop_indexes(builder *bd, const schema_table *m, const schema_table *n, int inplace)
{
	size_t i, j;

	for (i = 0; i < m->nindexes; i++) {
		int kept = 0;
		for (j = 0; j < n->nindexes && !kept; j++)
			kept = retort_name_eq(n->indexes[j].name, m->indexes[i].name) &&
				retort_schema_index_equal(bd->same, &m->indexes[i], &n->indexes[j], NULL);
		if (!kept || (inplace && uses_changed_default(&m->indexes[i], m, n)))
			simple_step(bd, "drop_index", m->name, m->indexes[i].name, "DROP INDEX ",
				m->indexes[i].name);
	}
}

static void create_table(builder *bd, const schema_table *t)
{
	retort_render_create_table(&bd->sql, t, NULL);
	retort_buf_puts(&bd->sql, ";\n");
	end_step(bd, "create_table", t->name, NULL);
	create_indexes(bd, t, NULL, 0);
}

static void alter_table(builder *bd, const schema_table *m, const schema_table *n)
{
	size_t i;

	for (i = 0; i < m->ncolumns; i++) {
		const char *name = m->columns[i].name;
		if (retort_schema_find_column(n, name))
			continue;
		retort_buf_puts(&bd->sql, "ALTER TABLE ");
		retort_buf_ident(&bd->sql, n->name);
		retort_buf_puts(&bd->sql, " DROP COLUMN ");
		retort_buf_ident(&bd->sql, name);
		retort_buf_puts(&bd->sql, ";\n");
		risk(bd, RETORT_RISK_DROP_COLUMN, "drops column '%s.%s' and its values", n->name,
			shown_column(bd, n->name, name));
		end_step(bd, "drop_column", n->name, shown_column(bd, n->name, name));
	}
	for (i = 0; i < n->ncolumns; i++) {
		const schema_column *c = &n->columns[i];
		size_t k;
		if (retort_schema_find_column(m, c->name))
			continue;
		retort_buf_puts(&bd->sql, "ALTER TABLE ");
		retort_buf_ident(&bd->sql, n->name);
		retort_buf_puts(&bd->sql, " ADD COLUMN ");
		retort_render_column(&bd->sql, n, c, NULL);
		retort_buf_puts(&bd->sql, ";\n");
		if (!column_risk_free(c))
			risk(bd, RETORT_RISK_ADD_NOT_NULL, "adds NOT NULL column '%s.%s' without a "
				"default: fails if the table has rows", n->name, c->name);
		if (c->default_sql && !retort_sql_equal(c->default_sql, "NULL") && in_foreign_key(n, c))
			risk(bd, RETORT_RISK_NEW_CONSTRAINT, "adds '%s.%s' with a foreign key and a "
				"default: fails if rows exist and the default has no parent", n->name, c->name);
		for (k = 0; k < n->nchecks; k++)
			if (n->checks[k].column && retort_name_eq(n->checks[k].column, c->name)) {
				risk(bd, RETORT_RISK_NEW_CONSTRAINT, "adds a CHECK on '%s.%s': fails "
					"if its default violates it", n->name, c->name);
				break;
			}
		end_step(bd, "add_column", n->name, c->name);
	}
}

/* A name for the rowid that no column of either table shadows, or NULL. */
static const char *rowid_name(const schema_table *m, const schema_table *n)
{
	static const char *const names[] = { "rowid", "_rowid_", "oid" };
	size_t i;

	if (m->without_rowid || n->without_rowid)
		return NULL;
	for (i = 0; i < 3; i++)
		if (!retort_schema_find_column(m, names[i]) && !retort_schema_find_column(n, names[i]))
			return names[i];
	return NULL;
}

static const schema_column *rowid_alias(const schema_table *t)
{
	size_t i;

	for (i = 0; i < t->ncolumns; i++)
		if (retort_schema_column_is_rowid_alias(t, &t->columns[i]))
			return &t->columns[i];
	return NULL;
}

/* Does a constraint of `t` name an ON CONFLICT action (other than ABORT)? */
static int has_conflict_action(const schema_table *t)
{
	size_t i;

	for (i = 0; i < t->ncolumns; i++)
		if (t->columns[i].notnull_conflict)
			return 1;
	for (i = 0; i < t->nuniques; i++)
		if (t->uniques[i].on_conflict)
			return 1;
	return t->pk_conflict != NULL;
}

/*
** INSERT INTO new (...) SELECT ... FROM old: every column of `n` that `m`
** has (generated ones are computed, not copied), and the rowid, so that
** rows keep their identity.
*/
static void copy_rows(builder *bd, const char *tmp, const schema_table *m, const schema_table *n)
{
	retort_buf *b = &bd->sql;
	retort_buf sel = RETORT_BUF_INIT;
	const schema_column *alias = rowid_alias(n), *o_alias;
	const char *rowid = rowid_name(m, n);
	const char *sep = "";
	size_t i;

	if (alias && (o_alias = retort_schema_find_column(m, alias->name)) &&
	    !retort_schema_column_is_rowid_alias(m, o_alias)) {
		/* a NULL copied into the rowid would silently become a new number:
		** stop the copy instead, the way the foreign-key guard stops a script */
		retort_buf_puts(b, "CREATE TEMP TABLE retort_rowid_guard (nulls INTEGER CONSTRAINT ");
		retort_buf_printf(&sel, "%s.%s holds NULL, which cannot become the rowid", n->name, alias->name);
		retort_buf_ident(b, sel.ptr);
		retort_buf_clear(&sel);
		retort_buf_puts(b, " CHECK (nulls = 0));\nINSERT INTO retort_rowid_guard SELECT count(*) FROM ");
		retort_buf_ident(b, n->name);
		retort_buf_puts(b, " WHERE ");
		retort_buf_ident(b, o_alias->name);
		retort_buf_puts(b, " IS NULL;\nDROP TABLE retort_rowid_guard;\n");
	}
	/* OR ABORT overrides the new table's own ON CONFLICT IGNORE or REPLACE,
	** which would drop or overwrite rows that no longer fit instead of failing */
	retort_buf_puts(b, has_conflict_action(n) ? "INSERT OR ABORT INTO " : "INSERT INTO ");
	retort_buf_ident(b, tmp);
	retort_buf_puts(b, " (");
	for (i = 0; i < n->ncolumns; i++) {
		const schema_column *c = &n->columns[i];
		const schema_column *o = retort_schema_find_column(m, c->name);
		if (c->generated || (!o && !(c == alias && rowid)))
			continue;
		retort_buf_puts(b, sep);
		retort_buf_ident(b, c->name);
		retort_buf_puts(&sel, sep);
		if (o && retort_fills_nulls(n, c, o)) {
			retort_buf_puts(&sel, "coalesce(");
			retort_buf_ident(&sel, o->name);
			retort_buf_puts(&sel, ", ");
			retort_render_default(&sel, c->default_sql);
			retort_buf_putc(&sel, ')');
		} else if (o) {
			retort_buf_ident(&sel, o->name);
		} else {
			retort_buf_puts(&sel, rowid);
		}
		sep = ", ";
	}
	if (!alias && rowid) {
		retort_buf_puts(b, sep);
		retort_buf_puts(b, rowid);
		retort_buf_puts(&sel, sep);
		retort_buf_puts(&sel, rowid);
		sep = ", ";
	}
	if (!*sep) {
		/* nothing to copy: keep the row count only where a rowid exists */
		retort_buf_truncate(b, b->len - 2);
		retort_buf_puts(b, " DEFAULT VALUES;\n");
		retort_buf_release(&sel);
		return;
	}
	retort_buf_puts(b, ") SELECT ");
	retort_buf_put(b, sel.ptr, sel.len);
	retort_buf_puts(b, " FROM ");
	retort_buf_ident(b, n->name);
	retort_buf_puts(b, ";\n");
	bd->oom |= retort_buf_oom(&sel);
	retort_buf_release(&sel);
}

static void rebuild_table(builder *bd, const schema_table *m, const schema_table *n)
{
	retort_buf *b = &bd->sql;
	retort_buf tmp = RETORT_BUF_INIT;
	int copy = 1;
	size_t i;

	free_name(bd, NULL, &tmp, REBUILD_PREFIX, n->name);
	retort_render_create_table_as(b, n, tmp.ptr, NULL);
	retort_buf_puts(b, ";\n");
	/* a copy with no column in common would only make empty rows */
	for (i = 0, copy = 0; i < n->ncolumns && !copy; i++)
		copy = retort_schema_find_column(m, n->columns[i].name) != NULL;
	if (copy || rowid_name(m, n))
		copy_rows(bd, tmp.ptr, m, n);
	if (m->autoincrement && n->autoincrement) {
		/* the counter may be past the highest id left: carry it over */
		retort_buf_puts(b, "DELETE FROM sqlite_sequence WHERE name = ");
		retort_buf_literal(b, tmp.ptr);
		retort_buf_puts(b, ";\nINSERT INTO sqlite_sequence (name, seq) SELECT ");
		retort_buf_literal(b, tmp.ptr);
		retort_buf_puts(b, ", seq FROM sqlite_sequence WHERE name = ");
		retort_buf_literal(b, n->name);
		retort_buf_puts(b, ";\n");
	}
	retort_buf_puts(b, "DROP TABLE ");
	retort_buf_ident(b, n->name);
	retort_buf_puts(b, ";\nALTER TABLE ");
	retort_buf_ident(b, tmp.ptr);
	retort_buf_puts(b, " RENAME TO ");
	retort_buf_ident(b, n->name);
	retort_buf_puts(b, ";\n");
	bd->oom |= retort_buf_oom(&tmp);
	retort_buf_release(&tmp);
	risk(bd, RETORT_RISK_REBUILD, "rebuilds table '%s': every row is copied", n->name);
	table_risks(bd, m, n);
	end_step(bd, "rebuild_table", n->name, NULL);
	create_indexes(bd, n, NULL, 0);
}

/* ---- a table changed in place ------------------------------------------ */

/* What a row that predates a column (ALTER TABLE ADD COLUMN) reads for it
** while the definition says so: no stored value is this blob but by design. */
#define NO_VALUE "X'0072657461727420686173206e6f2076616c756500'"

/*
** `t` as the definition of its table in sqlite_schema, then reloaded by this
** connection (RESET). With `bump`, the schema cookie moves too, so that every
** other connection reloads it: a view made and dropped moves it with plain
** SQL (PRAGMA schema_version = N would need N, which a script written in
** advance cannot know).
*/
static void edit_definition(builder *bd, const schema_table *t, int bump)
{
	retort_buf *b = &bd->sql;
	retort_buf def = RETORT_BUF_INIT, view = RETORT_BUF_INIT;

	retort_render_create_table(&def, t, NULL);
	retort_buf_puts(b, "PRAGMA writable_schema = ON;\nUPDATE sqlite_schema SET sql = ");
	retort_buf_literal(b, def.ptr);
	retort_buf_puts(b, " WHERE type = 'table' AND name = ");
	retort_buf_literal(b, t->name);
	retort_buf_puts(b, " COLLATE NOCASE;\n");
	if (bump) {
		free_name(bd, NULL, &view, "_retort_cookie_", t->name);
		retort_buf_puts(b, "CREATE VIEW ");
		retort_buf_ident(b, view.ptr);
		retort_buf_puts(b, " AS SELECT 1;\nDROP VIEW ");
		retort_buf_ident(b, view.ptr);
		retort_buf_puts(b, ";\n");
	}
	retort_buf_puts(b, "PRAGMA writable_schema = RESET;\n");
	bd->oom |= retort_buf_oom(&def) || retort_buf_oom(&view);
	retort_buf_release(&def);
	retort_buf_release(&view);
}

/*
** A row that predates a column reads the column's default from the
** definition, so a new default would change its value. Those rows are found
** by the definition saying NO_VALUE for a moment, and get the value they
** read stored, as SQLite reads it (diff.c made sure it can tell). The
** indexes on such a column are dropped before and made again after
** (uses_changed_default): theirs hold the old value, not NO_VALUE.
*/
static void keep_old_defaults(builder *bd, const schema_table *m, const schema_table *n)
{
	retort_buf *b = &bd->sql;
	retort_buf where = RETORT_BUF_INIT;
	schema_table marked;
	const char *sep = "";
	char *value;
	size_t i;

	if (retort_schema_table_copy(&marked, m) < 0)
		goto oom;
	for (i = 0; i < m->ncolumns; i++) {
		if (!retort_default_changes(&m->columns[i], &n->columns[i]))
			continue;
		free(marked.columns[i].default_sql);
		if (!(marked.columns[i].default_sql = retort_xstrdup(NO_VALUE)))
			goto oom;
	}
	edit_definition(bd, &marked, 0);
	retort_buf_puts(b, "UPDATE ");
	retort_buf_ident(b, n->name);
	retort_buf_puts(b, " SET ");
	for (i = 0; i < m->ncolumns; i++) {
		const schema_column *o = &m->columns[i];
		if (!retort_default_changes(o, &n->columns[i]))
			continue;
		retort_buf_printf(b, "%s", sep);
		retort_buf_ident(b, o->name);
		retort_buf_puts(b, " = CASE WHEN ");
		retort_buf_ident(b, o->name);
		retort_buf_puts(b, " IS " NO_VALUE " THEN ");
		value = retort_inplace_read_default(o->type, o->default_sql, m->strict);
		if (!value)
			goto oom;
		retort_buf_puts(b, value);
		free(value);
		retort_buf_puts(b, " ELSE ");
		retort_buf_ident(b, o->name);
		retort_buf_puts(b, " END");
		retort_buf_puts(&where, sep[0] ? " OR " : "");
		retort_buf_ident(&where, o->name);
		retort_buf_puts(&where, " IS " NO_VALUE);
		sep = ", ";
	}
	retort_buf_puts(b, " WHERE ");
	retort_buf_put(b, where.ptr, where.len);
	retort_buf_puts(b, ";\n");
	goto done;
oom:
	bd->oom = 1;
done:
	bd->oom |= retort_buf_oom(&where);
	retort_buf_release(&where);
	retort_schema_table_release(&marked);
}

/* An SQL expression that names a row of `t` in words: its rowid, else its
** key (or first column) values. */
static void describe_row(builder *bd, retort_buf *b, const schema_table *t)
{
	const char *rowid = rowid_name(t, t);
	const char *sep = "";
	retort_buf name = RETORT_BUF_INIT;
	size_t i;
	int key = 0;

	if (rowid) {
		retort_buf_printf(b, "'rowid ' || %s", rowid);
		return;
	}
	for (i = 0; i < t->ncolumns; i++)
		key |= t->columns[i].pk != 0;
	for (i = 0; i < t->ncolumns; i++) {
		if (key ? !t->columns[i].pk : i > 0)
			continue;
		retort_buf_clear(&name);
		retort_buf_ident(&name, t->columns[i].name);
		retort_buf_puts(b, sep);
		retort_buf_literal(b, name.ptr);
		retort_buf_puts(b, " || ' = ' || quote(");
		retort_buf_put(b, name.ptr, name.len);
		retort_buf_putc(b, ')');
		sep = " || ', ' || ";
		bd->oom |= retort_buf_oom(&name);
	}
	retort_buf_release(&name);
}

/*
** SQLite's procedure for changes that leave the stored rows as they are
** ("Making Other Kinds Of Table Schema Changes"), inside the revision's
** transaction: a CHECK or NOT NULL added is first looked for among the rows
** (a read, which stops the script naming the first row that breaks it), a
** foreign key added is checked with the others before COMMIT; then the
** definition is edited. Dropping a constraint reads no row at all.
*/
static void inplace_table(builder *bd, const schema_table *m, const schema_table *n)
{
	retort_buf msg = RETORT_BUF_INIT, cond = RETORT_BUF_INIT, row = RETORT_BUF_INIT;
	size_t i;
	int defaults = 0;

	for (i = 0; i < n->ncolumns; i++)
		defaults |= retort_default_changes(&m->columns[i], &n->columns[i]);
	if (defaults)
		keep_old_defaults(bd, m, n);
	describe_row(bd, &row, n);
	for (i = 0; i < n->nchecks; i++) {
		const schema_check *ck = &n->checks[i];
		if (check_in(bd->same, n->name, ck, m))
			continue;
		retort_buf_clear(&msg);
		retort_buf_clear(&cond);
		retort_buf_printf(&msg, "%s: a row breaks the new CHECK %s%s(%s)", n->name,
			ck->name ? ck->name : "", ck->name ? " " : "", ck->expr);
		/* a "-- comment" in it ends at its line */
		retort_buf_printf(&cond, "NOT (%s%s)", ck->expr, strstr(ck->expr, "--") ? "\n" : "");
		retort_inplace_guard(&bd->sql, msg.ptr, n->name, row.ptr, cond.ptr);
	}
	for (i = 0; i < n->ncolumns; i++) {
		const schema_column *c = &n->columns[i];
		if (!c->notnull || m->columns[i].notnull || retort_schema_column_is_rowid_alias(n, c))
			continue;
		retort_buf_clear(&msg);
		retort_buf_clear(&cond);
		retort_buf_printf(&msg, "%s.%s holds NULL in a row, and becomes NOT NULL", n->name,
			c->name);
		retort_buf_ident(&cond, c->name);
		retort_buf_puts(&cond, " IS NULL");
		retort_inplace_guard(&bd->sql, msg.ptr, n->name, row.ptr, cond.ptr);
	}
	edit_definition(bd, n, 1);
	bd->oom |= retort_buf_oom(&msg) || retort_buf_oom(&cond) || retort_buf_oom(&row);
	retort_buf_release(&msg);
	retort_buf_release(&cond);
	retort_buf_release(&row);
	risk(bd, 0, "changes table '%s' in place: its definition is edited in sqlite_schema, "
		"no row is copied%s", n->name, defaults ? " (rows older than a column whose "
		"default changes keep the value they read)" : "");
	table_risks(bd, m, n);
	end_step(bd, "inplace_table", n->name, NULL);
}

/* ---- renames ---------------------------------------------------------- */

typedef struct pending_rename {
	char *current;       /* owned */
	const char *final;
} pending_rename;

/* ALTER TABLE ... RENAME TO, or RENAME COLUMN when `table` is not NULL. */
static void emit_rename(builder *bd, const char *table, const char *from, const char *to)
{
	retort_buf_puts(&bd->sql, "ALTER TABLE ");
	retort_buf_ident(&bd->sql, table ? table : from);
	if (table) {
		retort_buf_puts(&bd->sql, " RENAME COLUMN ");
		retort_buf_ident(&bd->sql, from);
	}
	retort_buf_puts(&bd->sql, table ? " TO " : " RENAME TO ");
	retort_buf_ident(&bd->sql, to);
	retort_buf_puts(&bd->sql, ";\n");
	if (table)
		end_step(bd, "rename_column", table, to);
	else
		end_step(bd, "rename_table", to, from);
}

/* Is `name` taken by any entry other than `self` (or, for a change of case
** only, by `self`, since SQLite's look-up ignores case)? */
static int name_taken(const pending_rename *p, size_t n, size_t self, const char *name,
	const char *const *others, size_t nothers)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i].current && retort_name_eq(p[i].current, name) &&
		    (i != self || strcmp(p[i].current, name) != 0))
			return 1;
	for (i = 0; i < nothers; i++)
		if (retort_name_eq(others[i], name))
			return 1;
	return 0;
}

/*
** Carry out renames that may chain or swap (a -> b, b -> a): each waits
** until its new name is free; a cycle goes through a stopover name.
** `others` are names taken by objects that do not move. Columns of `td`'s
** table, or tables when it is NULL.
*/
static void run_renames(builder *bd, pending_rename *p, size_t n, const char *const *others,
	size_t nothers, const table_diff *td)
{
	const char *table = td ? td->new->name : NULL;

	size_t left = n, i;

	while (left && !bd->oom) {
		int progress = 0;
		for (i = 0; i < n; i++) {
			if (!p[i].current || name_taken(p, n, i, p[i].final, others, nothers))
				continue;
			emit_rename(bd, table, p[i].current, p[i].final);
			free(p[i].current);
			p[i].current = NULL;
			left--;
			progress = 1;
		}
		for (i = 0; !progress && i < n; i++) {
			retort_buf stop = RETORT_BUF_INIT;
			if (!p[i].current)
				continue;
			free_name(bd, td, &stop, RENAME_STOPOVER_PREFIX, p[i].final);
			if (retort_buf_oom(&stop)) {
				bd->oom = 1;
				return;
			}
			emit_rename(bd, table, p[i].current, stop.ptr);
			free(p[i].current);
			p[i].current = retort_buf_detach(&stop);
			progress = 1;
		}
	}
}

static void release_pending(pending_rename *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(p[i].current);
	free(p);
}

static void rename_tables(builder *bd)
{
	const schema_diff *sd = &bd->sd;
	pending_rename *p = calloc(sd->ntables + 1, sizeof(*p));
	const char **others = calloc(sd->ntables + 1, sizeof(*others));
	size_t i, n = 0, nothers = 0;

	if (!p || !others) {
		bd->oom = 1;
		goto done;
	}
	for (i = 0; i < sd->ntables; i++) {
		const table_diff *td = &sd->tables[i];
		if (!td->old || !td->new)
			continue;
		if (strcmp(td->old->name, td->new->name) == 0) {
			others[nothers++] = td->old->name;
			continue;
		}
		p[n].current = retort_xstrdup(td->old->name);
		p[n++].final = td->new->name;
		bd->oom |= !p[n - 1].current;
	}
	run_renames(bd, p, n, others, nothers, NULL);
done:
	release_pending(p, n);
	free(others);
}

/* (a column whose name a rename takes is renamed too: away, or to a
** stopover when it goes (diff.c), so only renamed columns can be in each
** other's way) */
static void rename_columns(builder *bd, const table_diff *td)
{
	const schema_table *old = td->old;
	pending_rename *p = calloc(td->ncol_renames + 1, sizeof(*p));
	const char **others = calloc(old->ncolumns + 1, sizeof(*others));
	size_t i, j, n = 0, nothers = 0;

	if (!p || !others) {
		bd->oom = 1;
		goto done;
	}
	for (i = 0; i < old->ncolumns; i++) {
		for (j = 0; j < td->ncol_renames; j++)
			if (retort_name_eq(td->col_renames[j].col_from, old->columns[i].name))
				break;
		if (j == td->ncol_renames)
			others[nothers++] = old->columns[i].name;
	}
	for (j = 0; j < td->ncol_renames; j++) {
		p[n].current = retort_xstrdup(td->col_renames[j].col_from);
		p[n++].final = td->col_renames[j].col_to;
		bd->oom |= !p[n - 1].current;
	}
	run_renames(bd, p, n, others, nothers, td);
done:
	release_pending(p, n);
	free(others);
}

/* ---- order ------------------------------------------------------------ */

/* Tables of `to` with parents before children (foreign keys), cycles
** broken where they close. */
static void visit_parents_first(const schema_diff *sd, const schema *to, size_t i,
	char *state, size_t *order, size_t *n)
{
	const schema_table *t = sd->tables[i].new;
	size_t k;

	if (state[i])
		return;
	state[i] = 1;
	for (k = 0; t && k < t->nfks; k++) {
		/* the tables of `to` are the first of sd->tables, in its order */
		const schema_table *parent = retort_schema_find_table(to, t->fks[k].table);
		if (parent && parent != t)
			visit_parents_first(sd, to, (size_t)(parent - to->tables), state, order, n);
	}
	order[(*n)++] = i;
}

/* Does view `i` of `to` read another view still in `waiting`? */
static int reads_waiting(const schema *to, size_t i, const name_set *waiting)
{
	size_t k;

	for (k = 0; k < waiting->n; k++)
		if (!retort_name_eq(waiting->v[k], to->views[i].name) &&
		    retort_sql_mentions(schema_view_text(&to->views[i]), &waiting->v[k], 1))
			return 1;
	return 0;
}

static int create_view(builder *bd, size_t i, char *done)
{
	retort_render_create_view(&bd->sql, &bd->to->views[i]);
	retort_buf_puts(&bd->sql, ";\n");
	end_step(bd, "create_view", NULL, bd->to->views[i].name);
	done[i] = 1;
	return 1;
}

/* Create the views of `to` not yet `done` (kept ones are), each after the
** views it reads; a cycle of mentions (a view reading a table named like
** another view) is broken in name order. */
static void create_views(builder *bd, char *done)
{
	const schema *to = bd->to;
	name_set waiting = { NULL, 0, 0 };
	size_t i;

	for (;;) {
		int created = 0;
		waiting.n = 0;
		for (i = 0; i < to->nviews; i++)
			if (!done[i] && set_add(&waiting, to->views[i].name) < 0)
				bd->oom = 1;
		if (!waiting.n || bd->oom)
			break;
		for (i = 0; i < to->nviews; i++)
			if (!done[i] && !reads_waiting(to, i, &waiting))
				created = create_view(bd, i, done);
		for (i = 0; !created && i < to->nviews; i++)
			if (!done[i])
				created = create_view(bd, i, done);
	}
	free(waiting.v);
}

/* ---- the whole plan ---------------------------------------------------- */

static int emit_steps(builder *bd, retort_error **err)
{
	static const schema_table no_indexes;
	const schema *from = bd->from, *to = bd->to;
	schema_diff *sd = &bd->sd;
	char *view_gone = calloc(from->nviews + 1, 1);
	char *trigger_gone = calloc(from->ntriggers + 1, 1);
	char *view_kept = calloc(to->nviews + 1, 1);
	char *state = calloc(sd->ntables + 1, 1);
	size_t *order = calloc(sd->ntables + 1, sizeof(*order));
	name_set dirty = { NULL, 0, 0 };
	size_t i, n = 0;
	int rc = 0;

	if (!view_gone || !trigger_gone || !view_kept || !state || !order)
		goto oom;
	for (i = 0; i < sd->ntables; i++) {
		const table_diff *td = &sd->tables[i];
		if (td->old && (td->action != TABLE_KEEP || td->touched) &&
		    set_add(&dirty, td->old->name) < 0)
			goto oom;
	}
	if (mark_dropped(bd, &dirty, view_gone, trigger_gone) < 0)
		goto oom;

	for (i = 0; i < from->ntriggers; i++)
		if (trigger_gone[i])
			simple_step(bd, "drop_trigger", from->triggers[i].table,
				from->triggers[i].name, "DROP TRIGGER ", from->triggers[i].name);
	for (i = 0; i < from->nviews; i++)
		if (view_gone[i])
			simple_step(bd, "drop_view", NULL, from->views[i].name, "DROP VIEW ",
				from->views[i].name);
	for (i = 0; i < sd->ntables; i++) {
		const table_diff *td = &sd->tables[i];
		/* a rebuilt table's indexes go now too, not with the table later:
		** their names may be taken by an index created before the rebuild */
		if (td->action == TABLE_KEEP || td->action == TABLE_ALTER ||
		    td->action == TABLE_INPLACE)
			drop_indexes(bd, &td->renamed, td->new, td->action == TABLE_INPLACE);
		else if (td->action == TABLE_REBUILD)
			drop_indexes(bd, &td->renamed, &no_indexes, 0);
	}
	for (i = 0; i < sd->ntables; i++) {
		const table_diff *td = &sd->tables[i];
		if (td->action != TABLE_DROP)
			continue;
		retort_buf_puts(&bd->sql, "DROP TABLE ");
		retort_buf_ident(&bd->sql, td->old->name);
		retort_buf_puts(&bd->sql, ";\n");
		risk(bd, RETORT_RISK_DROP_TABLE, "drops table '%s' and its rows", td->old->name);
		end_step(bd, "drop_table", td->old->name, NULL);
	}
	rename_tables(bd);
	for (i = 0; i < sd->ntables; i++)
		if (sd->tables[i].ncol_renames)
			rename_columns(bd, &sd->tables[i]);

	for (i = 0; i < sd->ntables; i++)
		if (sd->tables[i].new)
			visit_parents_first(sd, to, i, state, order, &n);
	for (i = 0; i < n; i++) {
		const table_diff *td = &sd->tables[order[i]];
		switch (td->action) {
		case TABLE_CREATE: create_table(bd, td->new); break;
		case TABLE_ALTER: alter_table(bd, &td->renamed, td->new); break;
		case TABLE_INPLACE: inplace_table(bd, &td->renamed, td->new); break;
		case TABLE_REBUILD: rebuild_table(bd, &td->renamed, td->new); break;
		default: break;
		}
	}
	for (i = 0; i < n; i++) {
		const table_diff *td = &sd->tables[order[i]];
		if (td->action == TABLE_KEEP || td->action == TABLE_ALTER ||
		    td->action == TABLE_INPLACE)
			create_indexes(bd, td->new, &td->renamed, td->action == TABLE_INPLACE);
	}

	for (i = 0; i < to->nviews; i++) {
		size_t k;
		for (k = 0; k < from->nviews; k++)
			if (!view_gone[k] && retort_name_eq(from->views[k].name, to->views[i].name))
				view_kept[i] = 1;
	}
	create_views(bd, view_kept);
	for (i = 0; i < to->ntriggers; i++) {
		const schema_trigger *t = &to->triggers[i];
		size_t k;
		int kept = 0;
		for (k = 0; k < from->ntriggers && !kept; k++)
			kept = !trigger_gone[k] && retort_name_eq(from->triggers[k].name, t->name);
		if (kept)
			continue;
		retort_buf_puts(&bd->sql, t->sql);
		retort_buf_puts(&bd->sql, strstr(t->sql, "--") ? "\n;\n" : ";\n");
		end_step(bd, "create_trigger", t->table, t->name);
	}
	goto done;
oom:
	bd->oom = 1;
done:
	free(dirty.v);
	free(view_gone);
	free(trigger_gone);
	free(view_kept);
	free(state);
	free(order);
	if (!rc && bd->oom)
		rc = retort_error_oom(err);
	return rc;
}

/* The SQL of every step, each risky one headed by a warning comment (the
** names in it as they are: retort_buf_comment keeps them on the line). */
static int join_steps(plan_dir *d)
{
	retort_buf b = RETORT_BUF_INIT;
	size_t i;

	for (i = 0; i < d->n; i++) {
		if (d->steps[i].warning)
			retort_buf_comment(&b, "warning: %s", d->steps[i].warning);
		retort_buf_puts(&b, d->steps[i].sql);
	}
	d->sql = retort_buf_detach(&b);
	return d->sql ? 0 : -1;
}

int retort_plan_build(plan_dir *out, const schema *from, const schema *to,
	const rename_list *renames, unsigned how, retort_error **err)
{
	builder bd;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&bd, 0, sizeof(bd));
	bd.out = out;
	bd.from = from;
	bd.to = to;
	retort_buf_init(&bd.sql);
	retort_buf_init(&bd.warning);
	bd.same = retort_sqlsame_new(to);
	rc = bd.same ? retort_diff_tables(&bd.sd, bd.same, from, to, renames, how, err)
		: retort_error_oom(err);
	if (!rc)
		rc = emit_steps(&bd, err);
	if (!rc && join_steps(out) < 0)
		rc = retort_error_oom(err);
	retort_schema_diff_release(&bd.sd);
	retort_sqlsame_free(bd.same);
	retort_buf_release(&bd.sql);
	retort_buf_release(&bd.warning);
	if (rc)
		retort_plan_dir_release(out);
	return rc;
}

void retort_plan_dir_release(plan_dir *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		free(d->steps[i].table);
		free(d->steps[i].object);
		free(d->steps[i].warning);
		free(d->steps[i].sql);
	}
	free(d->steps);
	free(d->sql);
	memset(d, 0, sizeof(*d));
}
