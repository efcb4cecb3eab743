/*
** cmd_diff.c: `retort diff [--from SOURCE] [--to SOURCE] [--downgrade] [--rebuild]`,
** the SQL that turns one schema into another. Exits like diff(1): 0 when
** there is nothing to change, 1 when there is.
*/
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>

int cmd_diff(cli *c, int argc, char **argv)
{
	const char *from_src = cli_opt(c, "from"), *to_src = cli_opt(c, "to");
	retort_direction dir = cli_opt(c, "downgrade") ? RETORT_DOWNGRADE : RETORT_UPGRADE;
	retort_schema *from = NULL, *to = NULL;
	retort_plan *plan = NULL;
	retort_error *err = NULL;
	char *out = NULL;
	int rc;

	(void)argv;
	if (argc > 0)
		return cli_usage(c,
			"diff takes no operands (usage: retort diff [--from SOURCE] [--to SOURCE])");
	rc = cli_load_source(c, from_src ? from_src : "db", &from, &err);
	if (!rc)
		rc = cli_source_revisions(c, from_src ? from_src : "db", from);
	if (!rc)
		rc = cli_load_source(c, to_src ? to_src : "models", &to, &err);
	if (rc)
		goto done;
	if ((cli_opt(c, "rebuild") ? retort_diff_rebuild : retort_diff)(&plan, from, to, &err) ||
	    (c->json ? retort_plan_to_json(&out, plan, &err) :
	               retort_plan_script(&out, plan, dir, &err))) {
		rc = cli_error(c, err);
		goto done;
	}
	cli_warn_plan(c, plan, dir);
	if (retort_plan_step_count(plan, RETORT_UPGRADE) == 0) {
		cli_note(c, "the schemas are the same: nothing to change");
		if (c->json)
			rc = cli_write(c, out);
	} else {
		rc = cli_write(c, out);
		if (!rc)
			rc = EXIT_DIFFERENT;
	}
done:
	free(out);
	retort_plan_free(plan);
	retort_schema_free(from);
	retort_schema_free(to);
	retort_error_free(err);
	return rc;
}
