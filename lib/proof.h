/*
** proof.h: a plan run in memory, both ways, before anyone sees it.
*/
#ifndef RETORT_PROOF_H
#define RETORT_PROOF_H

#include "plan.h"

/*
** Does the upgrade of `p` turn `from` into `to`, and its downgrade turn the
** result back into `from`, as SQLite reports them? 1 when proven; else 0,
** with `*why` (malloc'd) naming the first thing it gets wrong.
*/
int retort_plan_proven(const retort_plan *p, const schema *from, const schema *to, char **why);

#endif
