/*
** strlist.h: a growable list of owned strings, and look-ups in it that
** compare without case as SQLite compares names. Below schema.c and
** sqlsame.c, which both use it.
*/
#ifndef RETORT_STRLIST_H
#define RETORT_STRLIST_H

#include <stddef.h>

typedef struct str_list {
	char **v;
	size_t n, cap;
} str_list;

int retort_str_list_push(str_list *l, const char *s);
void retort_str_list_release(str_list *l);
int retort_str_list_equal_nocase(const str_list *a, const str_list *b);
/* Does `l` hold `s`, compared without case as SQLite compares names? */
int retort_str_list_has_nocase(const str_list *l, const char *s);

#endif
