/*
** drift.c: the indexes, triggers and views of a live database that the
** chain does not know and that a run's revisions would destroy (drift.h).
**
** A revision destroys an object with what it drops: DROP TABLE takes the
** indexes and triggers on the table with it (a rebuild drops the old table
** too), DROP VIEW the triggers on the view; a view or another table's
** trigger that reads what goes is left behind broken, and makes ALTER TABLE
** ... RENAME fail. The drops are read from each statement's first words,
** so the common run (no DROP TABLE or DROP VIEW) costs nothing more; an
** object the revision drops by name is the revision's to drop.
*/
#include "drift.h"
#include "buf.h"
#include "db/db.h"
#include "error.h"
#include "schema.h"
#include "sqltok.h"

#include <stdlib.h>
#include <string.h>

/* One revision of the run: what it drops. */
typedef struct step {
	const retort_revision *rev;
	str_list gone;      /* tables and views it drops */
	str_list by_name;   /* indexes, triggers and views it drops by name */
} step;

/* What one revision destroys: pointers into the live objects. */
typedef struct drift_rev {
	const retort_revision *rev;
	drift_object *objs;
	size_t n, cap;
} drift_rev;

/* The live objects own their strings (drift_object's are const). */
typedef struct live_object {
	char *type, *name, *table, *sql;
} live_object;

struct drift {
	live_object *live;
	size_t n_live, c_live;
	drift_rev *revs;
	size_t n_revs, c_revs;
};

enum { KEPT, GOES_WITH, BLOCKS };

/* Append the name `name` holds, unquoted; 0 or -1 (out of memory). */
static int push_name(str_list *l, const sqltok *name)
{
	char *copy = retort_sqltok_name(name);
	int rc = copy ? retort_str_list_push(l, copy) : -1;

	free(copy);
	return rc;
}

/* Is the cursor at INDEX, TRIGGER or VIEW? */
static int at_object_kind(const sqlcur *c)
{
	return retort_sqlcur_is(c, "INDEX") || retort_sqlcur_is(c, "TRIGGER") || retort_sqlcur_is(c, "VIEW");
}

/* The name of a CREATE or DROP after its kind word, at the cursor:
** [IF [NOT] EXISTS] [schema.]name; `*name` is NULL when there is none. */
static void object_name(sqlcur *c, sqltok *name)
{
	if (retort_sqlcur_accept(c, "IF")) {
		retort_sqlcur_accept(c, "NOT");
		retort_sqlcur_accept(c, "EXISTS");
	}
	*name = c->tok;
	retort_sqlcur_advance(c);
	if (c->tok.type == TK_OP && c->tok.n == 1 && *c->tok.z == '.') {
		retort_sqlcur_advance(c);
		*name = c->tok;
	}
	if (!retort_sqltok_is_name(name))
		name->z = NULL;
}

/* DROP TABLE|VIEW|INDEX|TRIGGER ... name: into `s` (a view dropped by name
** is the revision's, and what reads it goes too). */
static int scan_drops(step *s, const rev_section *sec)
{
	size_t i;

	for (i = 0; i < sec->n_stmts; i++) {
		int table, view;
		sqlcur c;
		sqltok name;
		retort_sqlcur_init(&c, sec->stmts[i].sql);
		if (!retort_sqlcur_accept(&c, "DROP"))
			continue;
		table = retort_sqlcur_is(&c, "TABLE");
		view = retort_sqlcur_is(&c, "VIEW");
		if (!table && !at_object_kind(&c))
			continue;
		retort_sqlcur_advance(&c);
		object_name(&c, &name);
		if (!name.z)
			continue;
		if ((table || view) && push_name(&s->gone, &name))
			return -1;
		if (!table && push_name(&s->by_name, &name))
			return -1;
	}
	return 0;
}

/*
** The live objects whose sqlite_schema text is a CREATE statement of an
** applied revision, which are taken for the chain's without replaying it
** (the statement's text is what SQLite keeps). A rename rewrites that
** text: such an object is then looked up in the replayed chain.
*/
static int created_by_chain(str_list *out, const drift *d, const retort_revisions *revs,
	const unsigned char *applied)
{
	size_t i, k, o;

	for (i = 0; i < revs->n; i++) {
		const rev_section *sec = &revs->revs[i]->section[RETORT_UPGRADE];
		for (k = 0; applied[i] && k < sec->n_stmts; k++) {
			const char *sql = sec->stmts[k].sql;
			char *n;
			sqlcur c;
			sqltok name;
			retort_sqlcur_init(&c, sql);
			if (!retort_sqlcur_accept(&c, "CREATE"))
				continue;
			if (!retort_sqlcur_accept(&c, "TEMP"))
				retort_sqlcur_accept(&c, "TEMPORARY");
			retort_sqlcur_accept(&c, "UNIQUE");
			if (!at_object_kind(&c))
				continue;
			retort_sqlcur_advance(&c);
			object_name(&c, &name);
			if (!name.z)
				continue;
			if (!(n = retort_sqltok_name(&name)))
				return -1;
			for (o = 0; o < d->n_live; o++)
				if (sqlite3_stricmp(n, d->live[o].name) == 0 && !retort_str_list_has_nocase(out, n) &&
				    retort_sql_equal(sql, d->live[o].sql) && retort_str_list_push(out, n)) {
					free(n);
					return -1;
				}
			free(n);
		}
	}
	return 0;
}


/* The live indexes, triggers and views (not SQLite's own), views first so
** that what is recreated finds what it reads, then in creation order. */
static int read_live(drift *d, retort_db *db, retort_error **err)
{
	retort_db_stmt *st = NULL;
	int rc = retort_db_prepare(db, &st, "SELECT type, name, tbl_name, sql FROM main.sqlite_schema"
		" WHERE type IN ('index', 'trigger', 'view') AND sql IS NOT NULL"
		" ORDER BY type <> 'view', type <> 'index', rowid", NULL);

	while (rc == SQLITE_OK && (rc = retort_db_step(st)) == SQLITE_ROW) {
		live_object *o = ARRAY_PUSH(d->live, d->n_live, d->c_live);
		rc = SQLITE_OK;
		if (!o) {
			rc = SQLITE_NOMEM;
			break;
		}
		o->type = retort_xstrdup(retort_db_column_str(st, 0));
		o->name = retort_xstrdup(retort_db_column_str(st, 1));
		o->table = retort_xstrdup(retort_db_column_str(st, 2));
		o->sql = retort_xstrdup(retort_db_column_str(st, 3));
		if (!o->type || !o->name || !o->table || !o->sql)
			rc = SQLITE_NOMEM;
	}
	retort_db_finalize(st);
	if (rc == SQLITE_DONE)
		return 0;
	return rc == SQLITE_NOMEM ? retort_error_oom(err) :
		retort_db_error(err, db, rc, -1, "cannot read the schema");
}

/* Add the names of the indexes, triggers and views the chain has at
** `applied`, replayed in memory. */
static int read_known(str_list *out, const retort_revisions *revs,
	const unsigned char *applied, retort_error **err)
{
	sqlite3 *scratch = NULL;
	retort_db *db = NULL;
	retort_db_stmt *st = NULL;
	int rc = retort_replay_applied(&scratch, revs, applied, err);

	if (!rc)
		rc = retort_db_wrap(&db, scratch, err);
	if (rc)
		goto done;
	rc = retort_db_prepare(db, &st, "SELECT name FROM main.sqlite_schema"
		" WHERE type IN ('index', 'trigger', 'view')", NULL);
	while (rc == SQLITE_OK && (rc = retort_db_step(st)) == SQLITE_ROW)
		rc = retort_str_list_push(out, retort_db_column_str(st, 0)) ? SQLITE_NOMEM : SQLITE_OK;
	retort_db_finalize(st);
	if (rc == SQLITE_DONE)
		rc = 0;
	else if (rc == SQLITE_NOMEM)
		rc = retort_error_oom(err);
	else
		rc = retort_db_error(err, db, rc, -1, "cannot read the revisions' schema");
done:
	retort_db_free(db);
	sqlite3_close(scratch);
	return rc;
}

/*
** Mark in `hit` (KEPT, GOES_WITH, BLOCKS per live object) what step `s`
** destroys of the live objects not flagged in `known` (NULL: of them all).
** `gone` has room for the step's drops and every live name. Returns how many.
*/
static size_t mark(const drift *d, const step *s, const unsigned char *known,
	unsigned char *hit, const char **gone)
{
	size_t i, n_gone = s->gone.n, count = 0;
	int more = 1;

	memset(hit, KEPT, d->n_live);
	for (i = 0; i < n_gone; i++)
		gone[i] = s->gone.v[i];
	while (more) {
		more = 0;
		for (i = 0; i < d->n_live; i++) {
			const live_object *o = &d->live[i];
			size_t k;
			int on_gone = 0;
			if (hit[i] || (known && known[i]) || retort_str_list_has_nocase(&s->by_name, o->name))
				continue;
			for (k = 0; k < n_gone && strcmp(o->type, "view") && !on_gone; k++)
				on_gone = sqlite3_stricmp(gone[k], o->table) == 0;
			if (on_gone) {
				hit[i] = GOES_WITH;
			} else if (strcmp(o->type, "index") && retort_sql_mentions(o->sql, gone, n_gone)) {
				hit[i] = BLOCKS;
				/* what reads this view, or is on it, goes as well */
				if (strcmp(o->type, "view") == 0) {
					gone[n_gone++] = o->name;
					more = 1;
				}
			}
			count += hit[i] != KEPT;
		}
	}
	return count;
}

/* Flag each live object whose name is in `known`. */
static void flag_known(const drift *d, const str_list *known, unsigned char *out)
{
	size_t i;

	for (i = 0; i < d->n_live; i++)
		out[i] = out[i] || retort_str_list_has_nocase(known, d->live[i].name);
}

static int add_rev(drift *d, const step *s, const unsigned char *hit)
{
	drift_rev *r = NULL;
	size_t i;

	for (i = 0; i < d->n_live; i++) {
		drift_object *o;
		if (hit[i] == KEPT)
			continue;
		if (!r) {
			if (!(r = ARRAY_PUSH(d->revs, d->n_revs, d->c_revs)))
				return -1;
			memset(r, 0, sizeof(*r));
			r->rev = s->rev;
		}
		if (!(o = ARRAY_PUSH(r->objs, r->n, r->cap)))
			return -1;
		o->type = d->live[i].type;
		o->name = d->live[i].name;
		o->table = d->live[i].table;
		o->sql = d->live[i].sql;
		o->blocks = hit[i] == BLOCKS;
	}
	return 0;
}

/* The run's revisions in its order, with what each drops; `*any` says
** whether one drops a table or a view. */
static int plan_steps(step **out, size_t *n, int *any, const retort_revisions *revs,
	const unsigned char *applied, const unsigned char *scope, retort_direction dir)
{
	unsigned char *sim = malloc(revs->n + 1);
	const retort_revision *next;
	size_t cap = 0;
	int rc = sim ? 0 : -1;

	*any = 0;
	if (sim)
		memcpy(sim, applied, revs->n);
	while (!rc && (next = retort_revgraph_next(revs, sim, scope, dir)) != NULL) {
		step *s = ARRAY_PUSH(*out, *n, cap);
		if (!s) {
			rc = -1;
			break;
		}
		memset(s, 0, sizeof(*s));
		s->rev = next;
		rc = scan_drops(s, &next->section[dir]);
		*any = *any || s->gone.n;
		sim[next->index] = dir == RETORT_UPGRADE;
	}
	free(sim);
	return rc;
}

int retort_drift_find(drift **out, retort_db *db, const retort_revisions *revs,
	const unsigned char *applied, const unsigned char *scope, retort_direction dir,
	retort_error **err)
{
	step *steps = NULL;
	size_t n_steps = 0, i, room = 0, hits = 0;
	str_list known = { NULL, 0, 0 };
	unsigned char *hit = NULL, *is_known = NULL;
	const char **gone = NULL;
	drift *d = NULL;
	int any = 0, rc;

	*out = NULL;
	rc = plan_steps(&steps, &n_steps, &any, revs, applied, scope, dir) ? retort_error_oom(err) : 0;
	if (rc || !any)
		goto done;
	if (!(d = calloc(1, sizeof(*d)))) {
		rc = retort_error_oom(err);
		goto done;
	}
	if ((rc = read_live(d, db, err)) || !d->n_live)
		goto done;
	hit = malloc(d->n_live);
	is_known = calloc(d->n_live, 1);
	for (i = 0; i < n_steps; i++)
		if (steps[i].gone.n + d->n_live > room)
			room = steps[i].gone.n + d->n_live;
	gone = malloc(room * sizeof(*gone));
	if (!hit || !is_known || !gone) {
		rc = retort_error_oom(err);
		goto done;
	}
	/* first without the chain: most live objects hang on nothing dropped;
	** then without replaying it: most that do were made by a revision */
	for (i = 0; i < n_steps; i++)
		hits += mark(d, &steps[i], NULL, hit, gone);
	if (!hits)
		goto done;
	if (created_by_chain(&known, d, revs, applied) < 0) {
		rc = retort_error_oom(err);
		goto done;
	}
	flag_known(d, &known, is_known);
	for (i = 0, hits = 0; i < n_steps; i++)
		hits += mark(d, &steps[i], is_known, hit, gone);
	if (!hits || (rc = read_known(&known, revs, applied, err)))
		goto done;
	flag_known(d, &known, is_known);
	for (i = 0; i < n_steps && !rc; i++)
		if (mark(d, &steps[i], is_known, hit, gone) && add_rev(d, &steps[i], hit))
			rc = retort_error_oom(err);
	if (!rc && d->n_revs) {
		*out = d;
		d = NULL;
	}
done:
	for (i = 0; i < n_steps; i++) {
		retort_str_list_release(&steps[i].gone);
		retort_str_list_release(&steps[i].by_name);
	}
	free(steps);
	retort_str_list_release(&known);
	free(hit);
	free(is_known);
	free(gone);
	retort_drift_free(d);
	return rc;
}

const drift_object *retort_drift_of(const drift *d, const retort_revision *rev, size_t *n)
{
	size_t i;

	*n = 0;
	for (i = 0; d && i < d->n_revs; i++)
		if (d->revs[i].rev == rev) {
			*n = d->revs[i].n;
			return d->revs[i].objs;
		}
	return NULL;
}

/* Was `o` (one of the live objects) named for an earlier revision? */
static int named_before(const drift *d, size_t upto, const drift_object *o)
{
	size_t i, k;

	for (i = 0; i < upto; i++)
		for (k = 0; k < d->revs[i].n; k++)
			if (d->revs[i].objs[k].name == o->name)
				return 1;
	return 0;
}

int retort_drift_refuse(const drift *d, retort_direction dir, retort_error **err)
{
	retort_buf b = RETORT_BUF_INIT;
	size_t i, k;
	int rc;

	for (i = 0; i < d->n_revs; i++) {
		const drift_rev *r = &d->revs[i];
		size_t said = 0;
		for (k = 0; k < r->n; k++) {
			const drift_object *o = &r->objs[k];
			if (named_before(d, i, o))
				continue;
			if (!said++)
				retort_buf_printf(&b, "%s%s %s would destroy ", b.len ? "; " : "",
					dir == RETORT_UPGRADE ? "upgrade" : "downgrade", r->rev->id);
			else
				retort_buf_puts(&b, ", ");
			retort_buf_printf(&b, "%s ", o->type);
			retort_buf_ident(&b, o->name);
			if (o->blocks)
				retort_buf_puts(&b, " (it reads what the revision drops)");
			else
				retort_buf_printf(&b, " on %s", o->table);
		}
	}
	if (retort_buf_oom(&b)) {
		retort_buf_release(&b);
		return retort_error_oom(err);
	}
	rc = retort_error_set(err, RETORT_EDB, "objects the revisions do not know about (made by "
		"hand?) would be dropped: %s; nothing was changed: add them to the models, drop "
		"them, or pass --carry-unknown-objects to recreate them after the revision",
		b.ptr);
	retort_buf_release(&b);
	return rc;
}

/* A statement whose preparing compiles trigger `o`: one of its event. */
static void trigger_probe(retort_buf *b, retort_db *db, const drift_object *o)
{
	retort_db_stmt *st = NULL;
	sqltok name;
	sqlcur c;

	retort_sqlcur_init(&c, o->sql);
	retort_sqlcur_accept(&c, "CREATE");
	if (!retort_sqlcur_accept(&c, "TEMP"))
		retort_sqlcur_accept(&c, "TEMPORARY");
	retort_sqlcur_accept(&c, "TRIGGER");
	object_name(&c, &name);
	if (!retort_sqlcur_accept(&c, "BEFORE") && !retort_sqlcur_accept(&c, "AFTER") &&
	    retort_sqlcur_accept(&c, "INSTEAD"))
		retort_sqlcur_accept(&c, "OF");
	if (retort_sqlcur_accept(&c, "DELETE")) {
		retort_buf_puts(b, "DELETE FROM main.");
		retort_buf_ident(b, o->table);
	} else if (retort_sqlcur_accept(&c, "INSERT")) {
		retort_buf_puts(b, "INSERT INTO main.");
		retort_buf_ident(b, o->table);
		retort_buf_puts(b, " DEFAULT VALUES");
	} else if (retort_sqlcur_accept(&c, "UPDATE")) {
		char *column = retort_sqlcur_accept(&c, "OF") && retort_sqltok_is_name(&c.tok) ?
			retort_sqltok_name(&c.tok) : NULL;
		/* UPDATE without OF fires on any column: the first that may be set */
		if (!column && retort_db_prepare(db, &st, "SELECT name FROM pragma_table_xinfo(?1)"
		    " WHERE hidden = 0", NULL) == SQLITE_OK) {
			retort_db_bind_text(st, 1, o->table);
			if (retort_db_step(st) == SQLITE_ROW)
				column = retort_xstrdup(retort_db_column_str(st, 0));
		}
		retort_db_finalize(st);
		if (column) {
			retort_buf_puts(b, "UPDATE main.");
			retort_buf_ident(b, o->table);
			retort_buf_puts(b, " SET ");
			retort_buf_ident(b, column);
			retort_buf_puts(b, " = ");
			retort_buf_ident(b, column);
		}
		free(column);
	}
}

int retort_drift_check(retort_db *db, const drift_object *o)
{
	retort_buf sql = RETORT_BUF_INIT;
	retort_db_stmt *st = NULL;
	int rc;

	if (strcmp(o->type, "view") == 0) {
		retort_buf_puts(&sql, "SELECT * FROM main.");
		retort_buf_ident(&sql, o->name);
	} else if (strcmp(o->type, "trigger") == 0) {
		trigger_probe(&sql, db, o);
	}
	if (retort_buf_oom(&sql))
		rc = SQLITE_NOMEM;
	else
		rc = sql.len ? retort_db_prepare(db, &st, sql.ptr, NULL) : SQLITE_OK;
	retort_db_finalize(st);
	retort_buf_release(&sql);
	return rc;
}

void retort_drift_free(drift *d)
{
	size_t i;

	if (!d)
		return;
	for (i = 0; i < d->n_live; i++) {
		free(d->live[i].type);
		free(d->live[i].name);
		free(d->live[i].table);
		free(d->live[i].sql);
	}
	free(d->live);
	for (i = 0; i < d->n_revs; i++)
		free(d->revs[i].objs);
	free(d->revs);
	free(d);
}
