/*
** autogen.c: retort_diff() and the retort_plan of retort.h: a plan built
** both ways, then proven in memory (proof.c) before anyone sees it.
*/
#include "fkguard.h"
#include "proof.h"

#include <stdlib.h>
#include <string.h>

static int build_both(retort_plan *p, const schema *from, const schema *to,
	rename_list *renames, unsigned how, retort_error **err)
{
	int rc = retort_plan_build(&p->dir[RETORT_UPGRADE], from, to, renames, how, err);

	if (rc)
		return rc;
	retort_renames_invert(renames);
	rc = retort_plan_build(&p->dir[RETORT_DOWNGRADE], to, from, renames, how, err);
	retort_renames_invert(renames);
	return rc;
}

static void plan_clear(retort_plan *p)
{
	retort_plan_dir_release(&p->dir[RETORT_UPGRADE]);
	retort_plan_dir_release(&p->dir[RETORT_DOWNGRADE]);
}

/* Keep the renames asked for, a column's under its table's new name. */
static int keep_renames(retort_plan *p, const rename_list *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (retort_done_renames_push(&p->renames, r->v[i].col_from ? r->v[i].table_to : NULL,
			r->v[i].col_from ? r->v[i].col_from : r->v[i].table_from,
			r->v[i].col_from ? r->v[i].col_to : r->v[i].table_to) < 0)
			return -1;
	p->rename_view = calloc(p->renames.n + 1, sizeof(*p->rename_view));
	if (!p->rename_view)
		return -1;
	for (i = 0; i < p->renames.n; i++) {
		p->rename_view[i].table = p->renames.v[i].table;
		p->rename_view[i].from = p->renames.v[i].from;
		p->rename_view[i].to = p->renames.v[i].to;
	}
	return 0;
}

/* retort_diff(), with DIFF_NO_INPLACE or not in `how` */
static int diff_plan(retort_plan **out, const retort_schema *from, const retort_schema *to,
	unsigned how, retort_error **err)
{
	retort_plan *p = calloc(1, sizeof(*p));
	rename_list renames;
	char *why = NULL;
	int rc, attempt;

	*out = NULL;
	if (!p)
		return retort_error_oom(err);
	rc = retort_renames_from_models(&renames, &p->notes, from, to, err);
	if (rc) {
		retort_plan_free(p);
		return rc;
	}
	/* first with ALTER TABLE (or in place) where it fits; should SQLite not
	** do what was predicted, again rebuilding every table that changes or
	** that renames touch */
	for (attempt = 0; attempt < 2; attempt++) {
		rc = build_both(p, from, to, &renames, how | (attempt ? DIFF_REBUILD_TOUCHED : 0),
			err);
		if (rc || p->dir[RETORT_UPGRADE].n == 0 || retort_plan_proven(p, from, to, &why))
			break;
		plan_clear(p);
		if (attempt == 0) {
			free(why);
			why = NULL;
		}
	}
	if (!rc && attempt == 2)
		rc = retort_error_set(err, RETORT_EINVALID, "retort cannot write a safe migration for "
			"this change (%s); write this revision by hand", why ? why : "out of memory");
	free(why);
	if (!rc && keep_renames(p, &renames) < 0)
		rc = retort_error_oom(err);
	retort_renames_release(&renames);
	if (rc) {
		retort_plan_free(p);
		return rc;
	}
	*out = p;
	return 0;
}

int retort_diff(retort_plan **out, const retort_schema *from, const retort_schema *to,
	retort_error **err)
{
	return diff_plan(out, from, to, 0, err);
}

int retort_diff_rebuild(retort_plan **out, const retort_schema *from,
	const retort_schema *to, retort_error **err)
{
	return diff_plan(out, from, to, DIFF_NO_INPLACE, err);
}

void retort_plan_free(retort_plan *p)
{
	if (!p)
		return;
	plan_clear(p);
	retort_done_renames_release(&p->renames);
	free(p->rename_view);
	retort_str_list_release(&p->notes);
	free(p);
}

const retort_rename *retort_plan_renames(const retort_plan *p)
{
	return p->rename_view;
}

size_t retort_plan_rename_count(const retort_plan *p)
{
	return p->renames.n;
}

size_t retort_plan_note_count(const retort_plan *p)
{
	return p->notes.n;
}

const char *retort_plan_note(const retort_plan *p, size_t i)
{
	return i < p->notes.n ? p->notes.v[i] : NULL;
}

static const plan_dir *direction(const retort_plan *p, retort_direction dir)
{
	return &p->dir[dir == RETORT_DOWNGRADE ? RETORT_DOWNGRADE : RETORT_UPGRADE];
}

size_t retort_plan_step_count(const retort_plan *p, retort_direction dir)
{
	return direction(p, dir)->n;
}

int retort_plan_step(retort_step_info *out, const retort_plan *p, retort_direction dir,
	size_t i)
{
	const plan_dir *d = direction(p, dir);
	const plan_step *st;

	if (i >= d->n)
		return RETORT_ENOTFOUND;
	st = &d->steps[i];
	out->kind = st->kind;
	out->table = st->table;
	out->object = st->object;
	out->risks = st->risks;
	out->warning = st->warning;
	out->sql = st->sql;
	return 0;
}

const char *retort_plan_sql(const retort_plan *p, retort_direction dir)
{
	const char *sql = direction(p, dir)->sql;

	return sql ? sql : "";
}

int retort_plan_script(char **out, const retort_plan *p, retort_direction dir,
	retort_error **err)
{
	retort_buf b = RETORT_BUF_INIT;
	const plan_dir *d = direction(p, dir);

	retort_buf_comment(&b, "retort %s: %zu step%s", dir == RETORT_DOWNGRADE ? "downgrade" : "upgrade",
		d->n, d->n == 1 ? "" : "s");
	retort_buf_puts(&b, "-- apply with: sqlite3 -bail DATABASE < THIS_FILE (stops at the first error,\n"
		"-- and then nothing is committed)\n"
		"PRAGMA foreign_keys = OFF;\nBEGIN IMMEDIATE;\n\n");
	retort_buf_puts(&b, retort_plan_sql(p, dir));
	retort_buf_putc(&b, '\n');
	retort_buf_puts(&b, FK_GUARD_SCRIPT);
	retort_buf_puts(&b, "COMMIT;\nPRAGMA foreign_keys = ON;\n");
	*out = retort_buf_detach(&b);
	return *out ? 0 : retort_error_oom(err);
}

static const struct {
	unsigned bit;
	const char *name;
} risk_names[] = {
	{ RETORT_RISK_DROP_TABLE, "drop_table" },
	{ RETORT_RISK_DROP_COLUMN, "drop_column" },
	{ RETORT_RISK_NARROW_TYPE, "narrow_type" },
	{ RETORT_RISK_SET_NOT_NULL, "set_not_null" },
	{ RETORT_RISK_ADD_NOT_NULL, "add_not_null" },
	{ RETORT_RISK_NEW_CONSTRAINT, "new_constraint" },
	{ RETORT_RISK_REBUILD, "rebuild" },
	{ RETORT_RISK_FILL_NULL, "fill_null" },
};

static void json_steps(retort_buf *b, const plan_dir *d)
{
	size_t i, k;

	retort_buf_putc(b, '[');
	for (i = 0; i < d->n; i++) {
		const plan_step *st = &d->steps[i];
		const char *sep = "";
		retort_buf_puts(b, i ? ",\n    {" : "\n    {");
		retort_buf_puts(b, "\"kind\": ");
		retort_buf_json_string(b, st->kind);
		retort_buf_puts(b, ", \"table\": ");
		retort_buf_json_string(b, st->table);
		retort_buf_puts(b, ", \"object\": ");
		retort_buf_json_string(b, st->object);
		retort_buf_puts(b, ", \"risks\": [");
		for (k = 0; k < sizeof(risk_names) / sizeof(risk_names[0]); k++) {
			if (!(st->risks & risk_names[k].bit))
				continue;
			retort_buf_puts(b, sep);
			retort_buf_json_string(b, risk_names[k].name);
			sep = ", ";
		}
		retort_buf_puts(b, "], \"warning\": ");
		retort_buf_json_string(b, st->warning);
		retort_buf_puts(b, ", \"sql\": ");
		retort_buf_json_string(b, st->sql);
		retort_buf_putc(b, '}');
	}
	retort_buf_puts(b, d->n ? "\n  ]" : "]");
}

int retort_plan_to_json(char **out, const retort_plan *p, retort_error **err)
{
	retort_buf b = RETORT_BUF_INIT;

	retort_buf_printf(&b, "{\n  \"changes\": %s,\n  \"upgrade\": ",
		p->dir[RETORT_UPGRADE].n ? "true" : "false");
	json_steps(&b, &p->dir[RETORT_UPGRADE]);
	retort_buf_puts(&b, ",\n  \"downgrade\": ");
	json_steps(&b, &p->dir[RETORT_DOWNGRADE]);
	retort_buf_puts(&b, "\n}\n");
	*out = retort_buf_detach(&b);
	return *out ? 0 : retort_error_oom(err);
}

int retort_schema_differences(char **out, const retort_schema *from, const retort_schema *to,
	retort_error **err)
{
	retort_buf b = RETORT_BUF_INIT;
	retort_plan *plan = NULL;
	char *why = NULL;
	size_t i;
	int same, rc;

	*out = NULL;
	rc = retort_schema_equal(&same, &why, from, to, err);
	if (rc || same)
		return rc;
	/* the steps name what differs; SQLite's own comparison when there are none */
	if (retort_diff(&plan, from, to, NULL) == 0) {
		const plan_dir *d = direction(plan, RETORT_UPGRADE);
		for (i = 0; i < d->n; i++) {
			const plan_step *st = &d->steps[i];
			retort_buf_printf(&b, "%s%s", b.len ? "; " : "", st->kind);
			if (st->table)
				retort_buf_printf(&b, " %s%s%s", st->table, st->object ? "." : "",
					st->object ? st->object : "");
			else if (st->object)
				retort_buf_printf(&b, " %s", st->object);
		}
	}
	retort_plan_free(plan);
	if (b.len == 0)
		retort_buf_puts(&b, why ? why : "the schemas differ");
	free(why);
	*out = retort_buf_detach(&b);
	return *out ? 0 : retort_error_oom(err);
}
