/*
** cancel.c: cancellation tokens. A token is one flag, set by
** retort_cancel_request() and polled by the engine (apply.c: between
** statements and phases, from SQLite's progress handler while a statement
** runs, between the backup's page batches).
**
** Why a polled flag and not sqlite3_interrupt() from the requester: a
** signal handler may only store to a lock-free atomic (C11 7.14.1.1, POSIX
** async-signal safety), which is all a request does; the requester needs no
** database handle, so a request can never race the handle's close; and an
** interrupt that lands between two statements is forgotten by SQLite when
** the next one starts, where the flag stays set until the run sees it.
*/
#include "cancel.h"
#include "error.h"

#include <stdatomic.h>
#include <stdlib.h>

/* a request from a signal handler must not take a lock */
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "retort_cancel_request() needs a lock-free int");

struct retort_cancel {
	atomic_int requested;
};

int retort_cancel_new(retort_cancel **out, retort_error **err)
{
	*out = malloc(sizeof(**out));
	if (!*out)
		return retort_error_oom(err);
	atomic_init(&(*out)->requested, 0);
	return 0;
}

void retort_cancel_request(retort_cancel *c)
{
	if (c)
		atomic_store(&c->requested, 1);
}

void retort_cancel_free(retort_cancel *c)
{
	free(c);
}

int retort_cancel_requested(retort_cancel *c)
{
	return c && atomic_load(&c->requested);
}
