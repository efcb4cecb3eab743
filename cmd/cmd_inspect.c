/*
** cmd_inspect.c: `retort inspect [SOURCE]`, a schema printed as model YAML
** that loads back to the same schema; and what every command reads: the
** schema sources, the project's database and its revisions folder.
*/
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int need_config(const cli *c, const char *instead)
{
	return cli_fail(c, EXIT_BAD_INPUT, "no retort.yaml here or in any parent folder: "
		"run 'retort init'%s", instead);
}

int cli_load_revisions(const cli *c, retort_revisions **out)
{
	retort_error *err = NULL;
	int rc;

	*out = NULL;
	if (!c->cfg)
		return need_config(c, " or pass -c FILE");
	rc = retort_revisions_load(out, retort_config_revisions(c->cfg), &err);
	if (rc)
		rc = cli_error(c, err);
	retort_error_free(err);
	return rc;
}

/* The command's one deadline for locks, over every handle it opens: one
** command runs per process. */
static retort_db_wait command_wait;

/*
** Open the database `name` as cli_open_db() does: a file named so whatever
** its name (db:FILE), or (`is_url`) what retort_database_url() gave: a
** file's path already resolved, which is not read as a URL again (the
** config's sqlite:///./file:x.db is the file file:x.db), or a cluster's URL.
*/
static int open_path(const cli *c, const char *name, int is_url, unsigned flags,
	retort_db **out)
{
	retort_error *err = NULL;
	unsigned how = (flags & CLI_DB_WRITE ? RETORT_DB_WRITE : 0) |
		(flags & CLI_DB_CREATE ? RETORT_DB_CREATE : 0);
	retort_db_wait *wait = flags & CLI_DB_RUN ? NULL : &command_wait;
	int rc = 0, recovered = 0;

	command_wait.budget_ms = c->busy_timeout;
	if (is_url && !retort_db_url_is_file(name) ?
	    retort_db_open_live(out, name, NULL, how, wait, &recovered, &err) :
	    retort_db_open_file(out, name, how, wait, &recovered, &err))
		rc = cli_error(c, err);
	else if (recovered)
		cli_note(c, "database '%s' had an unfinished transaction (a process stopped in the "
			"middle of a write and left a hot journal): rolled back, the database is as its "
			"last commit left it", name);
	retort_error_free(err);
	return rc;
}

int cli_open_db(const cli *c, unsigned flags, retort_db **out, char **path_out)
{
	retort_error *err = NULL;
	char *path = NULL;
	struct stat st;
	int rc;

	*out = NULL;
	if (path_out)
		*path_out = NULL;
	rc = retort_database_url(&path, c->db_url, c->cfg, &err);
	if (rc == RETORT_ENOTFOUND && (flags & CLI_DB_OPTIONAL)) {
		rc = 0;
		goto done;
	}
	if (rc) {
		rc = cli_error(c, err);
		goto done;
	}
	/* nothing there, not even its folder (a CI checkout): no database */
	if ((flags & CLI_DB_OPTIONAL) && retort_db_url_is_file(path) && stat(path, &st) != 0)
		goto done;
	rc = open_path(c, path, 1, flags, out);
done:
	if (path_out && !rc) {
		*path_out = path;
		path = NULL;
	}
	free(path);
	retort_error_free(err);
	return rc;
}

int cli_current(const cli *c, retort_db *db, const retort_revisions *revs,
	const retort_revision ***out, size_t *n)
{
	retort_error *err = NULL;
	char **ids = NULL;
	size_t i, count = 0;
	int rc = 0;

	*out = NULL;
	*n = 0;
	if (!db)
		return 0;
	if (retort_db_current(&ids, &count, db, c->cfg, &err)) {
		rc = cli_error(c, err);
		goto done;
	}
	if (count) {
		*out = calloc(count, sizeof(**out));
		if (!*out) {
			rc = cli_error(c, NULL);
			goto done;
		}
	}
	for (i = 0; i < count; i++) {
		(*out)[i] = retort_revisions_get(revs, ids[i]);
		if (!(*out)[i]) {
			char *where = NULL;
			/* git may know where the file is: another branch */
			retort_git_find_revision(&where, revs, ids[i], NULL);
			rc = cli_fail(c, EXIT_BAD_INPUT, "the database is at revision %s, which is not in "
				"%s%s%s", ids[i], retort_revisions_dir(revs), where ? ": " : "",
				where ? where : "");
			free(where);
			goto done;
		}
	}
	*n = count;
done:
	if (rc) {
		free(*out);
		*out = NULL;
	}
	retort_strings_free(ids, count);
	retort_error_free(err);
	return rc;
}

int cli_resolve(const cli *c, const retort_revisions *revs, const char *target,
	const retort_revision ***out, size_t *n)
{
	const retort_revision **cur = NULL;
	const char **ids = NULL;
	retort_error *err = NULL;
	retort_db *db = NULL;
	size_t i, n_cur = 0;
	int rc = 0;

	*out = NULL;
	*n = 0;
	/* only these count from the database: the others name revisions of
	** the folder, which must not need one */
	if (strncmp(target, "current", 7) == 0 || target[0] == '+' || target[0] == '-') {
		rc = cli_open_db(c, 0, &db, NULL);
		if (!rc)
			rc = cli_current(c, db, revs, &cur, &n_cur);
		if (rc)
			goto done;
	}
	ids = calloc(n_cur + 1, sizeof(*ids));
	if (!ids) {
		rc = cli_error(c, NULL);
		goto done;
	}
	for (i = 0; i < n_cur; i++)
		ids[i] = retort_revision_id(cur[i]);
	if (retort_revisions_resolve(out, n, revs, target, ids, n_cur, &err)) {
		rc = cli_error(c, err);
		/* nothing is ours after a failure */
		*out = NULL;
		*n = 0;
	}
done:
	free(ids);
	free(cur);
	retort_db_free(db);
	retort_error_free(err);
	return rc;
}

/* The schema of the database `name` (a URL, or a file as open_path() says). */
static int load_db(const cli *c, const char *name, int is_url, retort_schema **out,
	retort_error **err)
{
	retort_db *db = NULL;
	int rc = open_path(c, name, is_url, 0, &db);

	if (!rc && !db)
		rc = cli_fail(c, EXIT_BAD_INPUT, "database '%s' does not exist", name);
	if (!rc && retort_db_schema_read(out, db, c->cfg, err))
		rc = cli_error(c, *err);
	retort_db_free(db);
	return rc;
}

#define SOURCES "db, db:FILE, sql:FILE, models, models:PATH, git:REF, head, heads, base or a revision"

/* Shaped like a TARGET (head, heads, base, current, a hex prefix, each with an
** optional +N or -N, or +N/-N alone), so that a mistyped source is told as
** one rather than as a revision that does not exist. */
static int looks_like_target(const char *s)
{
	static const char *const words[] = { "heads", "head", "base", "current" };
	size_t i, digits, n = 0;

	for (i = 0; i < sizeof(words) / sizeof(words[0]) && n == 0; i++)
		if (strncmp(s, words[i], strlen(words[i])) == 0)
			n = strlen(words[i]);
	if (n == 0)
		n = strspn(s, "0123456789abcdef");
	if (s[n] == '+' || s[n] == '-') {
		digits = strspn(s + n + 1, "0123456789");
		if (digits == 0)
			return 0;
		n += 1 + digits;
	}
	return n > 0 && s[n] == '\0';
}

int cli_chain_replayable(const retort_revisions *revs, const retort_revision *const *at,
	size_t n)
{
	size_t i;

	/* the library names several revisions at once only as `heads` */
	if (n > 1 && n != retort_revisions_head_count(revs))
		return 0;
	for (i = 0; n > 1 && i < n; i++)
		if (retort_revision_child_count(at[i]))
			return 0;
	return 1;
}

const char *cli_chain_target(const retort_revision *const *at, size_t n)
{
	return n == 1 ? retort_revision_id(at[0]) : n ? NULL : "base";
}

int cli_chain_schema(const cli *c, const retort_revisions *revs,
	const retort_revision *const *at, size_t n, retort_schema **out)
{
	retort_error *err = NULL;
	const char *target = cli_chain_target(at, n);
	int rc = 0;

	if (!cli_chain_replayable(revs, at, n))
		return cli_fail(c, EXIT_BAD_INPUT, "the chain cannot be replayed at several "
			"revisions unless they are all its heads");
	if (retort_revisions_schema(out, revs, target, c->cfg, &err))
		rc = cli_error(c, err);
	retort_error_free(err);
	return rc;
}

int cli_schema_drift(const cli *c, const retort_revisions *revs,
	const retort_revision *const *at, size_t n, const retort_schema *live, char **out)
{
	retort_schema *expected = NULL;
	retort_error *err = NULL;
	int rc = cli_chain_schema(c, revs, at, n, &expected);

	*out = NULL;
	if (!rc && retort_schema_differences(out, expected, live, &err))
		rc = cli_error(c, err);
	retort_schema_free(expected);
	retort_error_free(err);
	return rc;
}

int cli_source_revisions(const cli *c, const char *source, retort_schema *schema)
{
	static const char *const base[1] = { NULL };
	retort_revisions *revs = NULL;
	retort_error *err = NULL;
	retort_db *db = NULL;
	char **ids = NULL;
	size_t n = 0;
	int rc = 0, code;

	int is_db = strcmp(source, "db") == 0 || strncmp(source, "db:", 3) == 0;

	/* a point of the chain knows already ("db" is also a hex prefix);
	** outside a project nothing is known */
	if (!c->cfg || (!is_db && looks_like_target(source)))
		return 0;
	code = retort_revisions_load(&revs, retort_config_revisions(c->cfg), &err);
	if (code && code != RETORT_ENOTFOUND)
		rc = cli_error(c, err);
	if (code)
		goto done;
	if (strcmp(source, "db") == 0)
		rc = cli_open_db(c, CLI_DB_OPTIONAL, &db, NULL);
	else if (strncmp(source, "db:", 3) == 0)
		rc = open_path(c, source + 3, 0, 0, &db);
	else
		code = retort_schema_set_revisions(schema, revs, NULL, 0, &err);
	if (!rc && db && retort_db_current(&ids, &n, db, c->cfg, &err))
		rc = cli_error(c, err);
	else if (!rc && db)
		code = retort_schema_set_revisions(schema, revs, n ? (const char *const *)ids : base,
			n, &err);
	/* a database at a revision the folder lacks: its renames are unknown */
	if (!rc && code && code != RETORT_ENOTFOUND)
		rc = cli_error(c, err);
done:
	retort_strings_free(ids, n);
	retort_db_free(db);
	retort_revisions_free(revs);
	retort_error_free(err);
	return rc;
}

/* A point of the revision chain, replayed in memory. The TARGET is resolved
** here, so that `current`, +N and -N count from the database. */
static int load_revision_source(const cli *c, const char *source, retort_schema **out)
{
	retort_revisions *revs = NULL;
	const retort_revision **at = NULL;
	size_t n = 0;
	int rc;

	if (!c->cfg)
		return cli_fail(c, EXIT_BAD_INPUT, "unknown source '%s' (expected " SOURCES
			"; revisions need a retort.yaml)", source);
	rc = cli_load_revisions(c, &revs);
	if (!rc)
		rc = cli_resolve(c, revs, source, &at, &n);
	if (!rc)
		rc = cli_chain_schema(c, revs, at, n, out);
	free(at);
	retort_revisions_free(revs);
	return rc;
}

int cli_load_source(const cli *c, const char *source, retort_schema **out, retort_error **err)
{
	int rc;

	*out = NULL;
	if (strcmp(source, "db") == 0) {
		char *url = NULL;
		rc = retort_database_url(&url, c->db_url, c->cfg, err);
		if (rc)
			return cli_error(c, *err);
		rc = load_db(c, url, 1, out, err);
		free(url);
		return rc;
	}
	if (strncmp(source, "db:", 3) == 0)
		return load_db(c, source + 3, 0, out, err);
	if (strncmp(source, "sql:", 4) == 0)
		return retort_schema_from_sql_file(out, source + 4, c->cfg, err) ? cli_error(c, *err) : 0;
	if (strcmp(source, "models") == 0 || strncmp(source, "models:", 7) == 0) {
		const char *path = source[6] == ':' ? source + 7 : NULL;
		if (!path && !c->cfg)
			return need_config(c, ", pass -c FILE, or name the models with models:PATH");
		rc = retort_models_load(out, path ? path : retort_config_models(c->cfg), c->cfg, err);
		return rc ? cli_error(c, *err) : 0;
	}
	if (strncmp(source, "git:", 4) == 0) {
		if (!c->cfg)
			return need_config(c, ", or pass -c FILE: git:REF reads the config's models");
		rc = retort_models_load_git(out, source + 4, c->cfg, err);
		return rc ? cli_error(c, *err) : 0;
	}
	if (!looks_like_target(source))
		return cli_usage(c, "unknown source '%s' (expected " SOURCES ")", source);
	return load_revision_source(c, source, out);
}

/*
** A database may hold a foreign key SQLite refuses to enforce, which models
** may not: say so, and write it as it is, so that the models tell the same
** schema and fail to load at that key until it is fixed.
*/
static void warn_fk_mismatches(const cli *c, const retort_schema *schema)
{
	retort_error *err = NULL;
	char **fks = NULL;
	size_t n = 0, i;

	if (retort_schema_fk_mismatches(&fks, &n, schema, &err) != 0)
		cli_warn(c, "cannot check the foreign keys: %s", err ? err->message : "out of memory");
	for (i = 0; i < n; i++)
		cli_warn(c, "foreign key %s: the parent columns are neither a primary key nor "
			"unique, so SQLite refuses every insert into the child (\"foreign key "
			"mismatch\"); the YAML keeps the key as it is, and the models do not load until "
			"the parent columns are made unique or the key references a primary key", fks[i]);
	retort_strings_free(fks, n);
	retort_error_free(err);
}

int cmd_inspect(cli *c, int argc, char **argv)
{
	const char *source = argc ? argv[0] : "db";
	retort_buf out = RETORT_BUF_INIT;
	retort_schema *schema = NULL;
	retort_error *err = NULL;
	char *yaml = NULL;
	int rc;

	if (argc > 1)
		return cli_usage(c, "inspect takes at most one source (usage: retort inspect [SOURCE])");
	rc = cli_load_source(c, source, &schema, &err);
	if (rc)
		goto done;
	warn_fk_mismatches(c, schema);
	if (retort_schema_to_yaml(&yaml, schema, &err)) {
		rc = cli_error(c, err);
		goto done;
	}
	if (c->json) {
		retort_buf_puts(&out, "{\"source\": ");
		retort_buf_json_string(&out, source);
		retort_buf_puts(&out, ", \"yaml\": ");
		retort_buf_json_string(&out, yaml);
		retort_buf_putc(&out, '}');
		rc = cli_write_buf(c, &out);
	} else {
		rc = cli_write(c, yaml);
	}
done:
	free(yaml);
	retort_schema_free(schema);
	retort_error_free(err);
	return rc;
}
