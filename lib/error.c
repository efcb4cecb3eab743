/*
** error.c: error values (retort_error) and small allocation helpers.
*/
#include "error.h"
#include "buf.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void retort_error_free(retort_error *err)
{
	if (!err)
		return;
	free(err->message);
	free(err->path);
	free(err->source_line);
	free(err);
}

static char *line_of(const char *source, int line)
{
	const char *p = source, *end;

	if (!source || line < 1)
		return NULL;
	while (--line > 0) {
		p = strchr(p, '\n');
		if (!p)
			return NULL;
		p++;
	}
	end = p + strcspn(p, "\r\n");
	return retort_xstrndup(p, (size_t)(end - p));
}

static int error_vset(retort_error **err, int code, const src_loc *loc,
	const char *source, const char *fmt, va_list ap)
{
	retort_buf msg = RETORT_BUF_INIT;
	retort_error *e;

	if (!err || *err)
		return code;
	e = calloc(1, sizeof(*e));
	if (!e)
		return code;
	retort_buf_vprintf(&msg, fmt, ap);
	e->code = code;
	e->message = retort_buf_detach(&msg);
	if (loc) {
		e->path = retort_xstrdup(loc->path);
		e->line = loc->line;
		e->column = loc->column;
		e->source_line = line_of(source, loc->line);
	}
	*err = e;
	return code;
}

int retort_error_set(retort_error **err, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	error_vset(err, code, NULL, NULL, fmt, ap);
	va_end(ap);
	return code;
}

int retort_error_at(retort_error **err, int code, const src_loc *loc,
	const char *source, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	error_vset(err, code, loc, source, fmt, ap);
	va_end(ap);
	return code;
}

int retort_error_oom(retort_error **err)
{
	return retort_error_set(err, RETORT_ERROR, "out of memory");
}

int retort_options_check(unsigned int version, unsigned int expected, const char *type,
	retort_error **err)
{
	char init[64];
	size_t i;

	if (version == expected)
		return 0;
	for (i = 0; type[i] && i < sizeof(init) - 1; i++)
		init[i] = (char)toupper((unsigned char)type[i]);
	init[i] = '\0';
	return retort_error_set(err, RETORT_EINVALID, "%s version %u is not %u, the one this library "
		"knows: set it up with %s_INIT", type, version, expected, init);
}

void retort_strings_free(char **strings, size_t count)
{
	size_t i;

	if (!strings)
		return;
	for (i = 0; i < count; i++)
		free(strings[i]);
	free(strings);
}

char *retort_xstrdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

char *retort_xstrndup(const char *s, size_t n)
{
	return s ? strndup(s, n) : NULL;
}

int retort_array_grow(void *v, size_t *cap, size_t n, size_t size)
{
	void **arr = v;
	size_t newcap;
	void *p;

	if (n < *cap)
		return 0;
	newcap = *cap ? *cap * 2 : 4;
	if (newcap > (size_t)-1 / size)
		return -1;
	p = realloc(*arr, newcap * size);
	if (!p)
		return -1;
	memset((char *)p + *cap * size, 0, (newcap - *cap) * size);
	*arr = p;
	*cap = newcap;
	return 0;
}

const char *retort_version(void)
{
	return RETORT_VERSION;
}
