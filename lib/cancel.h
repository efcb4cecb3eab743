/*
** cancel.h: the cancellation token behind retort_cancel_request(): what
** the engine polls to stop a run (cancel.c).
*/
#ifndef RETORT_CANCEL_H
#define RETORT_CANCEL_H

#include "retort.h"

/* Has `c` been asked to stop? 0 for NULL (a run nobody can cancel). */
int retort_cancel_requested(retort_cancel *c);

#endif
