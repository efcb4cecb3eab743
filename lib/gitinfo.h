/*
** gitinfo.h: what gitinfo.c (git's repository, through libgit2) tells the
** rest of the library beyond the public retort_git_* calls of retort.h.
*/
#ifndef RETORT_GITINFO_H
#define RETORT_GITINFO_H

#include "retort.h"

/*
** For each revision (by index), the commit that last changed its file, when
** the file in the work tree is as committed; NULL entries otherwise, and
** all NULL outside git. Free with retort_strings_free(out, revs->n).
*/
int retort_gitinfo_revision_commits(char ***out, const retort_revisions *revs,
	retort_error **err);

#endif
