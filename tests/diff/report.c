/*
** report.c: the failure output of the seeded schema-pair tests (report.h).
*/
#include "report.h"

#include <stdio.h>
#include <string.h>

void report_numbered(const char *title, const char *text)
{
	int line = 1;
	const char *p = text ? text : "";

	fprintf(stderr, "---- %s ----\n", title);
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		fprintf(stderr, "%4d| %.*s\n", line++, (int)n, p);
		p += n + (nl ? 1 : 0);
	}
	fprintf(stderr, "---- end of %s ----\n", title);
}

void report_steps(const retort_plan *plan, retort_direction dir)
{
	static const char *const risk_names[] = {
		"drop_table", "drop_column", "narrow_type", "set_not_null", "add_not_null",
		"new_constraint", "rebuild",
	};
	size_t i, n = retort_plan_step_count(plan, dir);

	fprintf(stderr, "    %s steps:", dir == RETORT_UPGRADE ? "upgrade" : "downgrade");
	for (i = 0; i < n; i++) {
		retort_step_info si;
		unsigned b;
		int first = 1;
		if (retort_plan_step(&si, plan, dir, i) != 0)
			continue;
		fprintf(stderr, " %s(%s%s%s)", si.kind, si.table ? si.table : "",
			si.object ? "." : "", si.object ? si.object : "");
		for (b = 0; b < sizeof(risk_names) / sizeof(risk_names[0]); b++)
			if (si.risks & (1u << b)) {
				fprintf(stderr, "%s%s", first ? "[" : ",", risk_names[b]);
				first = 0;
			}
		if (!first)
			fputc(']', stderr);
	}
	fputc('\n', stderr);
}
