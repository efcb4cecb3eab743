/*
** plan.h: a schema_diff turned into ordered steps, each rendered as SQL with
** its risks (the retort_plan of retort.h), and checked in memory.
*/
#ifndef RETORT_PLAN_H
#define RETORT_PLAN_H

#include "buf.h"
#include "diff.h"
#include "renames.h"

typedef struct plan_step {
	const char *kind;    /* static: "rebuild_table", ... */
	char *table;
	char *object;
	unsigned risks;
	char *warning;
	char *sql;
} plan_step;

typedef struct plan_dir {
	plan_step *steps;
	size_t n, cap;
	char *sql;           /* every step's SQL, with risk comments */
} plan_dir;

struct retort_plan {
	plan_dir dir[2];     /* indexed by retort_direction */
	done_renames renames;/* what the upgrade renames (the revision's line) */
	retort_rename *rename_view; /* the same, for retort_plan_renames() */
	str_list notes;      /* the hints it ignored, in words */
};

/* The steps that turn `from` into `to`, as the DIFF_* bits of `how` allow. */
int retort_plan_build(plan_dir *out, const schema *from, const schema *to,
	const rename_list *renames, unsigned how, retort_error **err);
void retort_plan_dir_release(plan_dir *d);

#endif
