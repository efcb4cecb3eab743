/*
** roundtrip.c: the SQL -> schema -> YAML -> schema check of roundtrip.h.
*/
#include "roundtrip.h"
#include "sqlcheck.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void rt_print_numbered(const char *title, const char *text)
{
	const char *p = text, *nl;
	int line = 1;

	fprintf(stderr, "---- %s ----\n", title);
	while (*p) {
		nl = strchr(p, '\n');
		if (!nl)
			nl = p + strlen(p);
		fprintf(stderr, "%4d| %.*s\n", line++, (int)(nl - p), p);
		p = *nl ? nl + 1 : nl;
	}
	fprintf(stderr, "---- end of %s ----\n", title);
}

void rt_print_error(const char *what, const retort_error *err)
{
	if (!err) {
		fprintf(stderr, "  %s failed without an error value\n", what);
		return;
	}
	fprintf(stderr, "  %s failed (code %d): %s:%d:%d: %s\n", what, err->code,
		err->path ? err->path : "(no path)", err->line, err->column,
		err->message ? err->message : "(no message)");
	if (err->source_line)
		fprintf(stderr, "  source line: %s\n", err->source_line);
}

/* The first line where `a` and `b` differ, for a readable failure. */
static void print_first_difference(const char *a, const char *b)
{
	int line = 1;
	const char *la = a, *lb = b;

	while (*a && *a == *b) {
		if (*a == '\n') {
			line++;
			la = a + 1;
			lb = b + 1;
		}
		a++, b++;
	}
	fprintf(stderr, "  first difference at line %d:\n    < %.*s\n    > %.*s\n", line,
		(int)strcspn(la, "\n"), la, (int)strcspn(lb, "\n"), lb);
}

int rt_check(const char *label, const char *sql, int detail, rt_stats *st,
	retort_schema **a_out, char **yaml_out)
{
	retort_schema *a = NULL, *b = NULL;
	retort_error *err = NULL;
	char *yaml = NULL, *yaml2 = NULL, *sql2 = NULL, *why = NULL, *msg = NULL;
	char *fp1 = NULL, *fp2 = NULL;
	int rc = -1, eq;

	st->schemas++;
	if (sqlcheck_schema(sql, &msg) < 0) {
		fprintf(stderr, "%s: SQLite itself rejects the input (a bug in the test "
			"data, not in retort): %s\n", label, msg);
		goto fail;
	}
	if (retort_schema_from_sql(&a, sql, label, NULL, &err) != 0) {
		fprintf(stderr, "%s: reading the SQL failed\n", label);
		rt_print_error("retort_schema_from_sql", err);
		goto fail;
	}
	st->tables += retort_schema_table_count(a);
	st->views += retort_schema_view_count(a);
	st->triggers += retort_schema_trigger_count(a);
	st->indexes += retort_schema_index_count(a);
	if (retort_schema_to_yaml(&yaml, a, &err) != 0 || !yaml) {
		fprintf(stderr, "%s: writing YAML failed\n", label);
		rt_print_error("retort_schema_to_yaml", err);
		goto fail;
	}
	if (retort_models_load_text(&b, yaml, strlen(yaml), "inspect.yaml", NULL, &err) != 0) {
		fprintf(stderr, "%s: the YAML that inspect writes does not load\n", label);
		rt_print_error("retort_models_load_text", err);
		goto fail;
	}
	if (retort_schema_equal(&eq, &why, a, b, NULL) != 0 || !eq) {
		fprintf(stderr, "%s: the schema does not survive the YAML round trip: %s\n",
			label, why ? why : "(no reason)");
		goto fail;
	}
	if (retort_schema_equal(&eq, &why, b, a, NULL) != 0 || !eq) {
		fprintf(stderr, "%s: retort_schema_equal says B != A but A == B: %s\n",
			label, why ? why : "(no reason)");
		goto fail;
	}
	if (retort_schema_to_yaml(&yaml2, b, &err) != 0 || !yaml2) {
		fprintf(stderr, "%s: writing YAML of the loaded models failed\n", label);
		rt_print_error("retort_schema_to_yaml", err);
		goto fail;
	}
	if (strcmp(yaml, yaml2) != 0) {
		fprintf(stderr, "%s: YAML -> load -> YAML is not a fixed point\n", label);
		print_first_difference(yaml, yaml2);
		if (detail)
			rt_print_numbered("YAML written again", yaml2);
		goto fail;
	}
	if (retort_schema_to_sql(&sql2, b, &err) != 0 || !sql2) {
		fprintf(stderr, "%s: retort_schema_to_sql of the loaded models failed\n", label);
		rt_print_error("retort_schema_to_sql", err);
		goto fail;
	}
	free(msg);
	msg = NULL;
	fp1 = sqlcheck_fingerprint_sql(sql, &msg);
	if (!fp1) {
		fprintf(stderr, "%s: fingerprint of the input failed: %s\n", label, msg);
		goto fail;
	}
	fp2 = sqlcheck_fingerprint_sql(sql2, &msg);
	if (!fp2) {
		fprintf(stderr, "%s: SQLite rejects retort_schema_to_sql's output: %s\n", label, msg);
		if (detail)
			rt_print_numbered("retort_schema_to_sql", sql2);
		goto fail;
	}
	if (strcmp(fp1, fp2) != 0) {
		fprintf(stderr, "%s: SQLite's PRAGMAs see a different schema after the round "
			"trip (input vs retort_schema_to_sql of the loaded YAML)\n", label);
		print_first_difference(fp1, fp2);
		if (detail)
			rt_print_numbered("retort_schema_to_sql", sql2);
		goto fail;
	}
	rc = 0;
	if (a_out) {
		*a_out = a;
		a = NULL;
	}
	if (yaml_out) {
		*yaml_out = yaml;
		yaml = NULL;
	}
	goto done;
fail:
	st->failures++;
	if (detail) {
		rt_print_numbered("SQL", sql);
		if (yaml)
			rt_print_numbered("YAML", yaml);
	}
done:
	retort_error_free(err);
	retort_schema_free(a);
	retort_schema_free(b);
	free(yaml);
	free(yaml2);
	free(sql2);
	free(why);
	free(msg);
	free(fp1);
	free(fp2);
	return rc;
}
