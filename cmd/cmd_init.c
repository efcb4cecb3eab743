/*
** cmd_init.c: `retort init [DIR]`, a new project.
*/
#include "cli.h"

int cmd_init(cli *c, int argc, char **argv)
{
	const char *dir = argc > 0 ? argv[0] : ".";
	retort_buf out = RETORT_BUF_INIT;
	retort_error *err = NULL;
	int rc;

	if (argc > 1)
		return cli_usage(c, "init takes at most one folder (usage: retort init [DIR])");
	rc = retort_project_init(dir, &err);
	if (rc) {
		rc = cli_error(c, err);
		retort_error_free(err);
		return rc;
	}
	if (!c->quiet) {
		cli_stderr(0, "created a retort project in '%s': retort.yaml, models/models.yaml, "
			"revisions/, and .gitignore lines for data.db", dir);
		cli_stderr(0, "next: describe your tables in models/, then run 'retort inspect models'");
	}
	if (!c->json)
		return EXIT_OK;
	retort_buf_puts(&out, "{\"directory\": ");
	retort_buf_json_string(&out, dir);
	retort_buf_putc(&out, '}');
	return cli_write_buf(c, &out);
}
