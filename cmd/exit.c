/*
** exit.c: library result codes mapped to SPEC's exit codes, and the one way
** errors are printed: "path:line:col: error: message", the source line, and
** a caret under the column.
*/
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int cli_exit_code(int code)
{
	switch (code) {
	case RETORT_OK:
		return EXIT_OK;
	case RETORT_EINVALID:
	case RETORT_ENOTFOUND:
	case RETORT_EAMBIGUOUS:
	case RETORT_EEXISTS:
		return EXIT_BAD_INPUT;
	case RETORT_EBUSY:
		return EXIT_LOCKED;
	default:
		return EXIT_DATABASE;
	}
}

static const char *error_word(const cli *c)
{
	return c && c->color ? "\033[1;31merror\033[0m" : "error";
}

/* A caret under `column` (counted in characters); tabs are kept so the
** caret lines up with the source line above it. */
static void print_caret(const char *line, int column)
{
	const unsigned char *p = (const unsigned char *)line;
	int col = 1;

	while (*p && col < column) {
		if ((*p & 0xC0) != 0x80) {
			fputc(*p == '\t' ? '\t' : ' ', stderr);
			col++;
		}
		p++;
	}
	fputs("^\n", stderr);
}

int cli_error(const cli *c, const retort_error *err)
{
	if (!err) {
		fprintf(stderr, "retort: %s: out of memory\n", error_word(c));
		return EXIT_DATABASE;
	}
	if (err->path && err->line > 0) {
		fprintf(stderr, "%s:%d:%d: %s: %s\n", err->path, err->line,
			err->column > 0 ? err->column : 1, error_word(c), err->message);
		if (err->source_line) {
			fprintf(stderr, "%s\n", err->source_line);
			print_caret(err->source_line, err->column > 0 ? err->column : 1);
		}
	} else {
		fprintf(stderr, "retort: %s: %s\n", error_word(c), err->message);
	}
	return cli_exit_code(err->code);
}

int cli_fail(const cli *c, int exit_code, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "retort: %s: ", error_word(c));
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return exit_code;
}
