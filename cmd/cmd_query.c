/*
** cmd_query.c: the commands that only read the revisions (and, for
** `current`, the database): `current`, `heads`, `history` and `show`; and
** the closure of a set of revisions over the graph, which `status` shares.
*/
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cli_closure(const cli *c, const retort_revisions *revs, const retort_revision *const *set,
	size_t n_set, int ancestors, unsigned char **out)
{
	retort_error *err = NULL;
	int rc = retort_revisions_closure(out, revs, set, n_set, ancestors, &err);

	if (rc)
		rc = cli_error(c, err);
	retort_error_free(err);
	return rc;
}

int cli_resolve_some(const cli *c, const retort_revisions *revs, const char *target,
	const retort_revision ***out, size_t *n)
{
	int rc = cli_resolve(c, revs, target, out, n);

	if (rc || *n)
		return rc;
	free(*out);
	*out = NULL;
	if (strcmp(target, "current") == 0)
		return cli_fail(c, EXIT_BAD_INPUT, "'current' names no revision: the database is at "
			"base (no revision applied)");
	return cli_fail(c, EXIT_BAD_INPUT, "'%s' names no revision (base is before the first one)",
		target);
}

/* With -v, a listing gives each revision's other header fields below it. */
static void put_details(const cli *c, retort_buf *b, const retort_revision *rev)
{
	if (!c->verbose)
		return;
	retort_buf_printf(b, "    created: %s\n", retort_revision_created(rev));
	if (retort_revision_author(rev))
		retort_buf_printf(b, "    author: %s\n", retort_revision_author(rev));
	if (retort_revision_commit(rev))
		retort_buf_printf(b, "    commit: %s\n", retort_revision_commit(rev));
	retort_buf_printf(b, "    path: %s\n", retort_revision_path(rev));
}

/* "ID (head) message" */
static void put_line(const cli *c, retort_buf *b, const retort_revision *rev)
{
	retort_buf_puts(b, retort_revision_id(rev));
	if (!retort_revision_child_count(rev))
		retort_buf_puts(b, " (head)");
	retort_buf_printf(b, " %s\n", retort_revision_message(rev));
	put_details(c, b, rev);
}

/* A list of revisions: lines, or {"KEY": [revision objects]}. */
static int print_list(const cli *c, const char *key, const retort_revision *const *list,
	size_t n)
{
	retort_buf out = RETORT_BUF_INIT;
	size_t i;

	if (c->json)
		retort_buf_printf(&out, "{\"%s\": [", key);
	for (i = 0; i < n; i++) {
		if (!c->json) {
			put_line(c, &out, list[i]);
			continue;
		}
		retort_buf_puts(&out, i ? ",\n  " : "\n  ");
		cli_json_revision(&out, list[i]);
	}
	if (c->json)
		retort_buf_puts(&out, n ? "\n]}" : "]}");
	return cli_write_buf(c, &out);
}

static int no_operands(const cli *c, const char *command, int argc)
{
	if (argc == 0)
		return 0;
	return cli_usage(c, "%s takes no operands (usage: retort %s)", command, command);
}

/* The revisions the database is at (none when its file does not exist yet:
** base), for `current` and `history -i`. */
static int read_current(const cli *c, const retort_revisions *revs,
	const retort_revision ***cur, size_t *n)
{
	retort_db *db = NULL;
	int rc = cli_open_db(c, 0, &db, NULL);

	if (!rc)
		rc = cli_current(c, db, revs, cur, n);
	if (!rc && *n == 0 && !c->json)
		cli_note(c, "the database is at base: no revision applied");
	retort_db_free(db);
	return rc;
}

int cmd_current(cli *c, int argc, char **argv)
{
	retort_revisions *revs = NULL;
	const retort_revision **cur = NULL;
	size_t n = 0;
	const char *pattern = NULL;
	int rc;

	(void)argv;
	rc = no_operands(c, "current", argc);
	if (!rc)
		rc = cli_fleet_pattern(c, &pattern);
	if (!rc && pattern)
		return cli_fleet_current(c, pattern, 0);
	if (!rc)
		rc = cli_load_revisions(c, &revs);
	if (!rc)
		rc = read_current(c, revs, &cur, &n);
	if (rc)
		goto done;
	rc = print_list(c, "current", cur, n);
done:
	free(cur);
	retort_revisions_free(revs);
	return rc;
}

int cmd_heads(cli *c, int argc, char **argv)
{
	retort_revisions *revs = NULL;
	const retort_revision **heads = NULL;
	size_t i, n = 0;
	int rc;

	(void)argv;
	rc = no_operands(c, "heads", argc);
	if (!rc)
		rc = cli_load_revisions(c, &revs);
	if (rc)
		goto done;
	n = retort_revisions_head_count(revs);
	heads = calloc(n + 1, sizeof(*heads));
	if (!heads) {
		rc = cli_error(c, NULL);
		goto done;
	}
	for (i = 0; i < n; i++)
		heads[i] = retort_revisions_head(revs, i);
	rc = print_list(c, "heads", heads, n);
done:
	free(heads);
	retort_revisions_free(revs);
	return rc;
}

/* One end of a -r RANGE: empty gives `fallback`'s revisions. */
static int range_end(const cli *c, const retort_revisions *revs, const char *text, size_t len,
	const char *fallback, const retort_revision ***out, size_t *n)
{
	char *target = len ? malloc(len + 1) : NULL;
	int rc;

	if (len && !target)
		return cli_error(c, NULL);
	if (target) {
		memcpy(target, text, len);
		target[len] = '\0';
	}
	rc = cli_resolve(c, revs, target ? target : fallback, out, n);
	free(target);
	return rc;
}

/* "PARENT -> ID (head) (current), message", and with -v the other header
** fields; `current` 1 when the database is at it, as Alembic's history -i. */
/* `databases`: with --each, how many are at it (NULL: one database). */
static void put_history_line(const cli *c, retort_buf *b, const retort_revision *rev,
	int current, const size_t *databases)
{
	cli_put_parents(b, rev);
	retort_buf_printf(b, " -> %s", retort_revision_id(rev));
	if (!retort_revision_child_count(rev))
		retort_buf_puts(b, " (head)");
	if (databases && *databases)
		retort_buf_printf(b, " (current: %zu database%s)", *databases, *databases == 1 ? "" : "s");
	else if (current)
		retort_buf_puts(b, " (current)");
	if (retort_revision_child_count(rev) > 1)
		retort_buf_puts(b, " (branchpoint)");
	if (retort_revision_parent_count(rev) > 1)
		retort_buf_puts(b, " (mergepoint)");
	retort_buf_printf(b, ", %s\n", retort_revision_message(rev));
	put_details(c, b, rev);
}

/* 1 when `rev` is one of `list`'s `n`. */
static int listed(const retort_revision *const *list, size_t n, const retort_revision *rev)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (list[i] == rev)
			return 1;
	return 0;
}


int cmd_history(cli *c, int argc, char **argv)
{
	const char *range = cli_opt(c, "rev-range"), *colon = range ? strchr(range, ':') : NULL;
	const char *end_text = colon ? colon + 1 : "";
	const retort_revision **start = NULL, **end = NULL, **cur = NULL;
	const int indicate = cli_opt(c, "indicate-current") != NULL || cli_opt(c, "each");
	const char *pattern = NULL;
	unsigned char *below_end = NULL, *above_start = NULL;
	retort_revisions *revs = NULL;
	retort_buf out = RETORT_BUF_INIT, tail = RETORT_BUF_INIT, tail_json = RETORT_BUF_INIT;
	size_t i, n, n_start = 0, n_end = 0, n_cur = 0, shown = 0, *counts = NULL;
	int rc, code = EXIT_OK;

	(void)argv;
	if (argc > 0)
		return cli_usage(c, "history takes no operands (usage: retort history [-r RANGE] [-i])");
	if (range && !colon)
		return cli_usage(c, "-r expects [START]:[END], each a TARGET or "
			"current (e.g. base:head, current:, -3:), got '%s'", range);
	/* without -i or --each, the config's `databases` is not read, as the
	** database is not */
	rc = cli_fleet_pattern(c, &pattern);
	if (!rc)
		rc = cli_load_revisions(c, &revs);
	if (!rc && range)
		rc = range_end(c, revs, range, (size_t)(colon - range), "base", &start, &n_start);
	if (!rc)
		rc = range_end(c, revs, end_text, strlen(end_text), "heads", &end, &n_end);
	if (!rc && indicate && pattern &&
	    !(counts = calloc(retort_revisions_count(revs) + 1, sizeof(*counts))))
		rc = cli_error(c, NULL);
	if (!rc && indicate && pattern)
		rc = cli_fleet_tally(c, pattern, revs, counts, &tail, &tail_json, &code);
	else if (!rc && indicate)
		rc = read_current(c, revs, &cur, &n_cur);
	if (rc)
		goto done;
	/* between START and END, both included: the ancestors of END that
	** descend from START (from base: all of them) */
	rc = cli_closure(c, revs, end, n_end, 1, &below_end);
	if (!rc && n_start)
		rc = cli_closure(c, revs, start, n_start, 0, &above_start);
	if (rc)
		goto done;
	n = retort_revisions_count(revs);
	if (c->json)
		retort_buf_puts(&out, "{\"revisions\": [");
	for (i = n; i-- > 0;) {
		const retort_revision *rev = retort_revisions_at(revs, i);
		if (!below_end[i] || (above_start && !above_start[i]))
			continue;
		if (c->json) {
			retort_buf_puts(&out, shown ? ",\n  " : "\n  ");
			cli_json_revision(&out, rev);
			/* the same object, with "current" before its closing brace:
			** null when -i did not ask the database */
			retort_buf_truncate(&out, out.len - 1);
			retort_buf_printf(&out, ", \"current\": %s", !indicate ? "null" :
				listed(cur, n_cur, rev) || (counts && counts[i]) ? "true" : "false");
			if (counts)
				retort_buf_printf(&out, ", \"databases\": %zu", counts[i]);
			retort_buf_putc(&out, '}');
		} else {
			put_history_line(c, &out, rev, listed(cur, n_cur, rev), counts ? &counts[i] : NULL);
		}
		shown++;
	}
	if (c->json && counts)
		retort_buf_printf(&out, "%s], %s, \"exit_code\": %d}", shown ? "\n" : "", tail_json.ptr,
			code);
	else if (c->json)
		retort_buf_puts(&out, shown ? "\n]}" : "]}");
	else
		retort_buf_put(&out, tail.ptr, tail.len);
	rc = cli_write_buf(c, &out);
	if (!rc)
		rc = code;
done:
	retort_buf_release(&out);
	retort_buf_release(&tail);
	retort_buf_release(&tail_json);
	free(counts);
	free(below_end);
	free(above_start);
	free(start);
	free(end);
	free(cur);
	retort_revisions_free(revs);
	return rc;
}

static void put_section(retort_buf *b, const retort_revision *rev, retort_direction dir)
{
	const char *sql = retort_revision_sql(rev, dir);
	size_t len;

	/* the text as written, without the blank lines around it */
	retort_buf_printf(b, "\n-- retort:%s\n", dir == RETORT_UPGRADE ? "upgrade" : "downgrade");
	sql += strspn(sql, "\r\n");
	len = strlen(sql);
	while (len && (sql[len - 1] == '\n' || sql[len - 1] == '\r'))
		len--;
	retort_buf_put(b, sql, len);
	retort_buf_putc(b, '\n');
}

static void put_show(retort_buf *b, const retort_revision *rev)
{
	size_t i, n = retort_revision_parent_count(rev);

	retort_buf_printf(b, "revision: %s%s\nparent: ", retort_revision_id(rev),
		retort_revision_child_count(rev) ? "" : " (head)");
	if (n == 0)
		retort_buf_puts(b, "none");
	for (i = 0; i < n; i++)
		retort_buf_printf(b, "%s%s", i ? "," : "", retort_revision_id(retort_revision_parent(rev, i)));
	retort_buf_printf(b, "\nmessage: %s\ncreated: %s\n", retort_revision_message(rev),
		retort_revision_created(rev));
	if (retort_revision_author(rev))
		retort_buf_printf(b, "author: %s\n", retort_revision_author(rev));
	if (retort_revision_commit(rev))
		retort_buf_printf(b, "commit: %s\n", retort_revision_commit(rev));
	retort_buf_printf(b, "path: %s\n", retort_revision_path(rev));
	put_section(b, rev, RETORT_UPGRADE);
	put_section(b, rev, RETORT_DOWNGRADE);
}

static void put_json_section(retort_buf *b, const retort_revision *rev, retort_direction dir)
{
	retort_buf_printf(b, ", \"%s\": {\"sql\": ", dir == RETORT_UPGRADE ? "upgrade" : "downgrade");
	retort_buf_json_string(b, retort_revision_sql(rev, dir));
	retort_buf_puts(b, ", \"sha256\": ");
	retort_buf_json_string(b, retort_revision_sha256(rev, dir));
	retort_buf_printf(b, ", \"statements\": %zu}", retort_revision_statement_count(rev, dir));
}

int cmd_show(cli *c, int argc, char **argv)
{
	retort_revisions *revs = NULL;
	const retort_revision **found = NULL;
	retort_buf out = RETORT_BUF_INIT;
	size_t i, n = 0;
	int rc;

	if (argc != 1)
		return cli_usage(c, "show takes one revision (usage: retort show REV)");
	rc = cli_load_revisions(c, &revs);
	if (!rc)
		rc = cli_resolve_some(c, revs, argv[0], &found, &n);
	if (rc)
		goto done;
	if (c->json)
		retort_buf_puts(&out, "{\"revisions\": [");
	for (i = 0; i < n; i++) {
		if (!c->json) {
			if (i)
				retort_buf_putc(&out, '\n');
			put_show(&out, found[i]);
			continue;
		}
		retort_buf_puts(&out, i ? ",\n  " : "\n  ");
		cli_json_revision(&out, found[i]);
		/* the same object, with both sections before its closing brace */
		retort_buf_truncate(&out, out.len - 1);
		put_json_section(&out, found[i], RETORT_UPGRADE);
		put_json_section(&out, found[i], RETORT_DOWNGRADE);
		retort_buf_putc(&out, '}');
	}
	if (c->json)
		retort_buf_puts(&out, "\n]}");
	rc = cli_write_buf(c, &out);
done:
	retort_buf_release(&out);
	free(found);
	retort_revisions_free(revs);
	return rc;
}
