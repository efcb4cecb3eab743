/*
** cmd_inspect.c: `retort inspect [SOURCE]`, a schema printed as model YAML
** that loads back to the same schema; and the sources every command reads.
*/
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int load_sql_file(const cli *c, const char *path, retort_schema **out, retort_error **err)
{
	return retort_schema_from_sql_file(out, path, c->cfg, err) ? cli_error(c, *err) : 0;
}

static int load_db_file(const cli *c, const char *path, retort_schema **out, retort_error **err)
{
	struct stat st;

	if (strcmp(path, ":memory:") != 0 && stat(path, &st) != 0)
		return cli_fail(c, EXIT_BAD_INPUT, "database '%s' does not exist", path);
	if (retort_schema_read_file(out, path, c->cfg, err))
		return cli_error(c, *err);
	return 0;
}

int cli_load_source(const cli *c, const char *source, retort_schema **out, retort_error **err)
{
	int rc;

	*out = NULL;
	if (strcmp(source, "db") == 0) {
		char *path = NULL;
		rc = retort_database_path(&path, c->db_url, c->cfg, err);
		if (rc)
			return cli_error(c, *err);
		rc = load_db_file(c, path, out, err);
		free(path);
		return rc;
	}
	if (strncmp(source, "db:", 3) == 0)
		return load_db_file(c, source + 3, out, err);
	if (strncmp(source, "sql:", 4) == 0)
		return load_sql_file(c, source + 4, out, err);
	if (strcmp(source, "models") == 0 || strncmp(source, "models:", 7) == 0) {
		const char *path = source[6] == ':' ? source + 7 : NULL;
		if (!path && !c->cfg)
			return cli_fail(c, EXIT_BAD_INPUT, "no retort.yaml here or in any parent folder: "
				"run 'retort init', pass -c FILE, or name the models with models:PATH");
		rc = retort_models_load(out, path ? path : retort_config_models(c->cfg), c->cfg, err);
		return rc ? cli_error(c, *err) : 0;
	}
	return cli_fail(c, EXIT_BAD_INPUT, "unknown source '%s' (expected db, db:FILE, sql:FILE, "
		"models or models:PATH)", source);
}

int cmd_inspect(cli *c, int argc, char **argv)
{
	retort_schema *schema = NULL;
	retort_error *err = NULL;
	char *yaml = NULL;
	int rc;

	if (argc > 1)
		return cli_fail(c, EXIT_BAD_INPUT, "inspect takes at most one source (usage: retort inspect [SOURCE])");
	rc = cli_load_source(c, argc ? argv[0] : "db", &schema, &err);
	if (rc)
		goto done;
	if (retort_schema_to_yaml(&yaml, schema, &err)) {
		rc = cli_error(c, err);
		goto done;
	}
	fputs(yaml, stdout);
	if (fflush(stdout) != 0)
		rc = cli_fail(c, EXIT_DATABASE, "cannot write the output: %s", strerror(errno));
done:
	free(yaml);
	retort_schema_free(schema);
	retort_error_free(err);
	return rc;
}
