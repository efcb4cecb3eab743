/*
** strlist.c: the list of strings of strlist.h.
*/
#include "strlist.h"
#include "error.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

int retort_str_list_push(str_list *l, const char *s)
{
	char *copy = retort_xstrdup(s);
	char **slot;

	if (!copy)
		return -1;
	slot = ARRAY_PUSH(l->v, l->n, l->cap);
	if (!slot) {
		free(copy);
		return -1;
	}
	*slot = copy;
	return 0;
}

int retort_str_list_has_nocase(const str_list *l, const char *s)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (sqlite3_stricmp(l->v[i], s) == 0)
			return 1;
	return 0;
}

void retort_str_list_release(str_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

int retort_str_list_equal_nocase(const str_list *a, const str_list *b)
{
	size_t i;

	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++)
		if (sqlite3_stricmp(a->v[i], b->v[i]) != 0)
			return 0;
	return 1;
}
