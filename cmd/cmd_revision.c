/*
** cmd_revision.c: `retort revision` (a new revision, empty or generated from
** the models) and `retort merge` (an empty revision joining several).
*/
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char upgrade_placeholder[] = "-- the SQL that applies this revision\n";
static const char downgrade_placeholder[] = "-- the SQL that reverts it\n";

/* A revision whose parents leave another head standing makes the chain
** fork: say so now, not when `upgrade head` refuses. */
static void warn_new_head(const cli *c, const retort_revisions *revs,
	const retort_revision *const *parents, size_t n_parents, const char *id)
{
	retort_buf others = RETORT_BUF_INIT;
	size_t i, k, n = 0;

	for (i = 0; i < retort_revisions_head_count(revs); i++) {
		const retort_revision *head = retort_revisions_head(revs, i);
		for (k = 0; k < n_parents && parents[k] != head; k++)
			;
		if (k == n_parents)
			retort_buf_printf(&others, "%s%s", n++ ? ", " : "", retort_revision_id(head));
	}
	if (n)
		cli_warn(c, "revision %s makes a second head beside %s: merge them with "
			"'retort merge -m MSG heads' before 'retort upgrade head'", id, others.ptr);
	retort_buf_release(&others);
}

/* Write the revision file (with the renames of `plan`, when there is one)
** and tell where: its path, or the JSON object {"id", "path", "parents",
** "steps"}. */
static int write_revision(const cli *c, const retort_revisions *revs, const char *message,
	const retort_revision *const *parents, size_t n_parents, const retort_plan *plan,
	const char *upgrade_sql, const char *downgrade_sql, size_t steps)
{
	retort_revision_spec spec = { 0 };
	retort_buf out = RETORT_BUF_INIT;
	retort_error *err = NULL;
	const char **ids = calloc(n_parents + 1, sizeof(*ids));
	char *id = NULL, *path = NULL, *author = NULL, *commit = NULL;
	size_t i;
	int rc;

	if (!ids)
		return cli_error(c, NULL);
	for (i = 0; i < n_parents; i++)
		ids[i] = retort_revision_id(parents[i]);
	spec.message = message;
	spec.parents = ids;
	spec.parent_count = n_parents;
	spec.upgrade_sql = upgrade_sql;
	spec.downgrade_sql = downgrade_sql;
	if (plan) {
		spec.renames = retort_plan_renames(plan);
		spec.rename_count = retort_plan_rename_count(plan);
	}
	/* git is a help: outside a repository both stay NULL and are left out */
	if (retort_git_identity(&author, &commit, retort_config_dir(c->cfg), &err)) {
		rc = cli_error(c, err);
		goto done;
	}
	spec.author = author;
	spec.commit = commit;
	if (retort_revision_write(&id, &path, revs, &spec, &err)) {
		rc = cli_error(c, err);
		goto done;
	}
	warn_new_head(c, revs, parents, n_parents, id);
	if (c->json) {
		retort_buf_puts(&out, "{\"id\": ");
		retort_buf_json_string(&out, id);
		retort_buf_puts(&out, ", \"path\": ");
		retort_buf_json_string(&out, path);
		retort_buf_puts(&out, ", \"parents\": ");
		cli_json_strings(&out, ids, n_parents);
		retort_buf_printf(&out, ", \"steps\": %zu}", steps);
	} else {
		retort_buf_printf(&out, "%s\n", path);
	}
	rc = cli_write_buf(c, &out);
done:
	free(id);
	free(path);
	free(author);
	free(commit);
	free(ids);
	retort_error_free(err);
	return rc;
}

static int need_message(const cli *c, const char *command)
{
	const char *m = cli_opt(c, "message");

	if (m && *m)
		return 0;
	return cli_usage(c, "%s needs a message: retort %s -m MSG", command, command);
}

/* "a, b" or "base", for messages about a set of revisions. */
static void put_ids(retort_buf *b, const retort_revision *const *revs, size_t n)
{
	size_t i;

	if (n == 0)
		retort_buf_puts(b, "base");
	for (i = 0; i < n; i++)
		retort_buf_printf(b, "%s%s", i ? ", " : "", retort_revision_id(revs[i]));
}

/* The new revision's parents: --parent, else the only head (base for an
** empty folder). */
static int pick_parents(const cli *c, const retort_revisions *revs,
	const retort_revision ***out, size_t *n)
{
	const char *parent = cli_opt(c, "parent");
	size_t i, heads = retort_revisions_head_count(revs);
	retort_buf list = RETORT_BUF_INIT;
	int rc;

	*out = NULL;
	*n = 0;
	if (parent)
		return cli_resolve(c, revs, parent, out, n);
	if (heads > 1) {
		for (i = 0; i < heads; i++)
			retort_buf_printf(&list, "%s%s", i ? ", " : "",
				retort_revision_id(retort_revisions_head(revs, i)));
		rc = cli_fail(c, EXIT_BAD_INPUT, "the revisions have %zu heads (%s): merge them "
			"('retort merge -m MSG heads') or pass --parent", heads, list.ptr);
		retort_buf_release(&list);
		return rc;
	}
	if (heads == 0)
		return 0;
	*out = calloc(1, sizeof(**out));
	if (!*out)
		return cli_error(c, NULL);
	(*out)[0] = retort_revisions_head(revs, 0);
	*n = 1;
	return 0;
}

static int same_set(const retort_revision *const *a, size_t na,
	const retort_revision *const *b, size_t nb)
{
	size_t i, k;

	if (na != nb)
		return 0;
	for (i = 0; i < na; i++) {
		for (k = 0; k < nb && b[k] != a[i]; k++)
			;
		if (k == nb)
			return 0;
	}
	return 1;
}

/*
** A live schema that differs from the chain's at the parents (objects made
** by hand, say) would be written into the revision, which then fails on
** every other database: refused unless --accept-drift. Several parents that
** are not all the heads cannot be replayed, and are not checked.
*/
static int refuse_drift(const cli *c, const retort_revisions *revs,
	const retort_revision *const *parents, size_t n_parents, const retort_schema *live)
{
	retort_buf at = RETORT_BUF_INIT;
	char *drift = NULL;
	int rc;

	if (cli_opt(c, "accept-drift") || !cli_chain_replayable(revs, parents, n_parents))
		return 0;
	rc = cli_schema_drift(c, revs, parents, n_parents, live, &drift);
	if (!rc && drift) {
		put_ids(&at, parents, n_parents);
		rc = cli_fail(c, EXIT_BAD_INPUT, "the database has drifted from the revisions at "
			"%s: %s; a revision generated from it would carry the drift to every database: "
			"pass --offline to generate from the revisions (put objects to keep into the "
			"models first), or --accept-drift to take the database as it is", at.ptr, drift);
	}
	retort_buf_release(&at);
	free(drift);
	return rc;
}

/*
** The schema to generate from: the live database, which must be exactly at
** the parents (else the revision would repeat or miss changes) and be what
** the chain gives there, or with --offline the chain replayed at the parents.
*/
static int current_schema(const cli *c, const retort_revisions *revs,
	const retort_revision *const *parents, size_t n_parents, retort_schema **out)
{
	const retort_revision **cur = NULL;
	retort_buf at = RETORT_BUF_INIT, want = RETORT_BUF_INIT;
	retort_error *err = NULL;
	retort_db *db = NULL;
	size_t n_cur = 0;
	int rc;

	if (cli_opt(c, "from")) {
		rc = cli_load_source(c, cli_opt(c, "from"), out, &err);
		retort_error_free(err);
		return rc;
	}
	if (cli_opt(c, "offline"))
		return cli_chain_schema(c, revs, parents, n_parents, out);
	rc = cli_open_db(c, 0, &db, NULL);
	if (!rc)
		rc = cli_current(c, db, revs, &cur, &n_cur);
	if (rc)
		goto done;
	if (!same_set(cur, n_cur, parents, n_parents)) {
		put_ids(&at, cur, n_cur);
		put_ids(&want, parents, n_parents);
		rc = cli_fail(c, EXIT_BAD_INPUT, "the database is at %s, not at %s (the new "
			"revision's parent): run 'retort upgrade' first, or pass --offline to generate "
			"from the revisions alone", at.ptr, want.ptr);
		goto done;
	}
	/* a database file that does not exist yet is empty */
	rc = db ? retort_db_schema_read(out, db, c->cfg, &err) :
	          retort_schema_from_sql(out, "", NULL, c->cfg, &err);
	if (rc)
		rc = cli_error(c, err);
	else if (db)
		rc = refuse_drift(c, revs, parents, n_parents, *out);
	if (rc) {
		retort_schema_free(*out);
		*out = NULL;
	}
done:
	retort_buf_release(&at);
	retort_buf_release(&want);
	free(cur);
	retort_db_free(db);
	retort_error_free(err);
	return rc;
}

static int autogenerate(const cli *c, const retort_revisions *revs,
	const retort_revision *const *parents, size_t n_parents)
{
	retort_buf json = RETORT_BUF_INIT;
	retort_schema *from = NULL, *to = NULL;
	retort_plan *plan = NULL;
	retort_error *err = NULL;
	const char **ids = NULL;
	size_t steps, i;
	int rc;

	rc = current_schema(c, revs, parents, n_parents, &from);
	if (!rc)
		rc = cli_load_source(c, "models", &to, &err);
	if (rc)
		goto done;
	/* the new revision follows its parents: what they renamed is done,
	** whatever the schema was read from */
	ids = calloc(n_parents + 1, sizeof(*ids));
	for (i = 0; ids && i < n_parents; i++)
		ids[i] = retort_revision_id(parents[i]);
	if (!ids || retort_schema_set_revisions(from, revs, ids, n_parents, &err)) {
		rc = cli_error(c, err);
		goto done;
	}
	if ((cli_opt(c, "rebuild") ? retort_diff_rebuild : retort_diff)(&plan, from, to, &err)) {
		rc = cli_error(c, err);
		goto done;
	}
	steps = retort_plan_step_count(plan, RETORT_UPGRADE);
	cli_warn_plan(c, plan, RETORT_UPGRADE);
	if (steps == 0 && !cli_opt(c, "empty")) {
		cli_note(c, "the models match %s: nothing to change, no revision written "
			"(--empty writes one anyway)",
			cli_opt(c, "offline") ? "the revisions" : "the database");
		if (c->json) {
			retort_buf_puts(&json, "{\"id\": null, \"path\": null, \"parents\": ");
			cli_json_ids(&json, parents, n_parents);
			retort_buf_puts(&json, ", \"steps\": 0}");
			rc = cli_write_buf(c, &json);
		}
		goto done;
	}
	/* the sections as the plan joins them, each warning a comment line */
	rc = write_revision(c, revs, cli_opt(c, "message"), parents, n_parents, plan,
		steps ? retort_plan_sql(plan, RETORT_UPGRADE) : upgrade_placeholder,
		steps ? retort_plan_sql(plan, RETORT_DOWNGRADE) : downgrade_placeholder, steps);
done:
	free(ids);
	retort_buf_release(&json);
	retort_plan_free(plan);
	retort_schema_free(from);
	retort_schema_free(to);
	retort_error_free(err);
	return rc;
}

int cmd_revision(cli *c, int argc, char **argv)
{
	retort_revisions *revs = NULL;
	const retort_revision **parents = NULL;
	size_t n_parents = 0;
	int rc;

	(void)argv;
	if (argc > 0)
		return cli_usage(c, "revision takes no operands (usage: retort "
			"revision -m MSG [--autogenerate [--offline | --from SOURCE | --accept-drift] "
			"[--rebuild]] [--parent REV] [--empty])");
	rc = need_message(c, "revision");
	if (!rc && (cli_opt(c, "offline") || cli_opt(c, "from") || cli_opt(c, "accept-drift") ||
	    cli_opt(c, "rebuild")) && !cli_opt(c, "autogenerate"))
		rc = cli_usage(c, "--offline, --from, --accept-drift and --rebuild go with "
			"--autogenerate");
	if (!rc && !!cli_opt(c, "offline") + !!cli_opt(c, "from") + !!cli_opt(c, "accept-drift") > 1)
		rc = cli_usage(c, "--offline, --from and --accept-drift each name "
			"where to start: pass one");
	if (!rc)
		rc = cli_load_revisions(c, &revs);
	if (!rc)
		rc = pick_parents(c, revs, &parents, &n_parents);
	if (rc)
		goto done;
	if (cli_opt(c, "autogenerate"))
		rc = autogenerate(c, revs, parents, n_parents);
	else
		rc = write_revision(c, revs, cli_opt(c, "message"), parents, n_parents,
			NULL, upgrade_placeholder, downgrade_placeholder, 0);
done:
	free(parents);
	retort_revisions_free(revs);
	return rc;
}

/* Set `*anc` to a revision to merge that is an ancestor of another one, `*of`
** (NULL when none is): merging it would add nothing. */
static int find_ancestor(const cli *c, const retort_revisions *revs,
	const retort_revision *const *merged, size_t n, const retort_revision **anc,
	const retort_revision **of)
{
	unsigned char *below = NULL;
	size_t i, k, p;
	int rc = 0;

	*anc = NULL;
	for (k = 0; k < n && !*anc && !rc; k++) {
		rc = cli_closure(c, revs, &merged[k], 1, 1, &below);
		for (p = 0; !rc && p < retort_revisions_count(revs) && !*anc; p++)
			for (i = 0; below[p] && i < n && !*anc; i++)
				if (i != k && retort_revisions_at(revs, p) == merged[i]) {
					*anc = merged[i];
					*of = merged[k];
				}
		free(below);
		below = NULL;
	}
	return rc;
}

int cmd_merge(cli *c, int argc, char **argv)
{
	retort_revisions *revs = NULL;
	const retort_revision **merged = NULL, **found = NULL, *anc = NULL, *of = NULL;
	size_t n_merged = 0, n_found, i, k;
	int rc, a;

	rc = need_message(c, "merge");
	if (!rc)
		rc = cli_load_revisions(c, &revs);
	if (rc)
		goto done;
	merged = calloc(retort_revisions_count(revs) + 1, sizeof(*merged));
	if (!merged) {
		rc = cli_error(c, NULL);
		goto done;
	}
	for (a = 0; a < argc && !rc; a++) {
		rc = cli_resolve(c, revs, argv[a], &found, &n_found);
		for (i = 0; !rc && i < n_found; i++) {
			for (k = 0; k < n_merged && merged[k] != found[i]; k++)
				;
			if (k == n_merged)
				merged[n_merged++] = found[i];
		}
		free(found);
		found = NULL;
	}
	if (rc)
		goto done;
	if (n_merged < 2) {
		rc = cli_fail(c, EXIT_BAD_INPUT, "merge needs at least two distinct revisions, "
			"got %zu (usage: retort merge -m MSG REV... , e.g. heads)", n_merged);
		goto done;
	}
	rc = find_ancestor(c, revs, merged, n_merged, &anc, &of);
	if (!rc && anc)
		rc = cli_fail(c, EXIT_BAD_INPUT, "%s is an ancestor of %s: nothing to merge",
			retort_revision_id(anc), retort_revision_id(of));
	if (rc)
		goto done;
	rc = write_revision(c, revs, cli_opt(c, "message"), merged, n_merged,
		NULL, upgrade_placeholder, downgrade_placeholder, 0);
done:
	free(merged);
	retort_revisions_free(revs);
	return rc;
}
