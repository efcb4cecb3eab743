/*
** error.h: building retort_error values inside the library.
*/
#ifndef RETORT_ERROR_H
#define RETORT_ERROR_H

#include "retort.h"

/* A position in a source file; line and column are 1-based, 0 unknown. */
typedef struct src_loc {
	const char *path;  /* borrowed from the object that owns the source */
	int line;
	int column;
} src_loc;

/*
** Set *err (when err is not NULL and *err is still NULL: the first error
** wins) and return `code`, so that `return retort_error_set(err, ...)` reads well.
*/
int retort_error_set(retort_error **err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
** As retort_error_set, pointing at `loc`. `source` is the whole text the location
** refers to (may be NULL); its line is copied into the error for display.
*/
int retort_error_at(retort_error **err, int code, const src_loc *loc,
	const char *source, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

int retort_error_oom(retort_error **err);

/*
** RETORT_EINVALID unless an options struct's `version` is `expected`, the
** version of `type` (its name) this library was built with: a struct not
** set up by its _INIT macro, or laid out by another retort.h, is refused
** rather than misread.
*/
int retort_options_check(unsigned int version, unsigned int expected, const char *type,
	retort_error **err);

/* Out-of-memory-checked strdup; NULL stays NULL. */
char *retort_xstrdup(const char *s);
char *retort_xstrndup(const char *s, size_t n);

/* Grow a dynamic array `*v` of `size`-byte items to hold n+1 items. */
int retort_array_grow(void *v, size_t *cap, size_t n, size_t size);
#define ARRAY_PUSH(arr, n, cap) \
	(retort_array_grow(&(arr), &(cap), (n), sizeof(*(arr))) < 0 ? NULL : &(arr)[(n)++])

#endif
