/*
** apply.h: what the apply engine (apply.c) shares with the rest of the
** library.
*/
#ifndef RETORT_APPLY_H
#define RETORT_APPLY_H

#include "db/db.h"
#include "retort.h"

/* Each revision file's git commit (by revision index; `commits` NULL when
** none is known), looked up once for many runs: fleet.c's, where each run
** would walk git's history again. */
typedef struct apply_commits {
	char **commits;
} apply_commits;

/* retort_upgrade() (RETORT_UPGRADE), retort_downgrade() or, with `stamp`,
** retort_stamp(), with the commits given. */
int retort_apply_run(retort_db *db, const retort_revisions *revs, const char *target,
	const retort_migrate_options *opts, retort_direction dir, int stamp,
	const apply_commits *shared, retort_error **err);

#endif
