/*
** exit.c: library result codes mapped to SPEC's exit codes, the one way
** errors are printed ("path:line:col: error: message", the source line, and
** a caret under the column), and the output helpers every command shares.
*/
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cli_exit_code(int code)
{
	switch (code) {
	case RETORT_OK:
		return EXIT_OK;
	case RETORT_EMISMATCH:
		return EXIT_DIFFERENT;
	case RETORT_EINVALID:
	case RETORT_ENOTFOUND:
	case RETORT_EAMBIGUOUS:
	case RETORT_EEXISTS:
		return EXIT_BAD_INPUT;
	case RETORT_EBUSY:
		return EXIT_LOCKED;
	case RETORT_ECANCELLED:
		return EXIT_INTERRUPTED;
	default:
		return EXIT_DATABASE;
	}
}

static const char *error_word(const cli *c)
{
	return c && c->color ? "\033[1;31merror\033[0m" : "error";
}

static const char *warning_word(const cli *c)
{
	return c->color ? "\033[1;33mwarning\033[0m" : "warning";
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

void cli_warn(const cli *c, const char *fmt, ...)
{
	va_list ap;

	if (c->quiet)
		return;
	fprintf(stderr, "retort: %s: ", warning_word(c));
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void cli_note(const cli *c, const char *fmt, ...)
{
	va_list ap;

	if (c->quiet)
		return;
	fputs("retort: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Risky steps are told on stderr as well as in the script, so that nobody
** pipes a table drop into a database unwarned. */
void cli_warn_plan(const cli *c, const retort_plan *plan, retort_direction dir)
{
	size_t i, n = retort_plan_step_count(plan, dir);
	retort_step_info step;

	for (i = 0; i < n; i++)
		if (retort_plan_step(plan, dir, i, &step) == 0 && step.warning)
			cli_warn(c, "%s", step.warning);
}

int cli_write(const cli *c, const char *text)
{
	fputs(text, stdout);
	if (fflush(stdout) != 0)
		return cli_fail(c, EXIT_DATABASE, "cannot write the output: %s", strerror(errno));
	return EXIT_OK;
}

int cli_write_buf(const cli *c, retort_buf *b)
{
	int rc;

	if (c->json)
		buf_putc(b, '\n');
	rc = buf_oom(b) ? cli_error(c, NULL) : cli_write(c, b->ptr);
	buf_release(b);
	return rc;
}

void cli_json_strings(retort_buf *b, const char *const *s, size_t n)
{
	size_t i;

	buf_putc(b, '[');
	for (i = 0; i < n; i++) {
		if (i)
			buf_puts(b, ", ");
		buf_json_string(b, s[i]);
	}
	buf_putc(b, ']');
}

void cli_json_ids(retort_buf *b, const retort_revision *const *revs, size_t n)
{
	size_t i;

	buf_putc(b, '[');
	for (i = 0; i < n; i++) {
		if (i)
			buf_puts(b, ", ");
		buf_json_string(b, retort_revision_id(revs[i]));
	}
	buf_putc(b, ']');
}

void cli_json_revision(retort_buf *b, const retort_revision *rev)
{
	size_t i, n = retort_revision_parent_count(rev);

	buf_puts(b, "{\"id\": ");
	buf_json_string(b, retort_revision_id(rev));
	buf_puts(b, ", \"parents\": [");
	for (i = 0; i < n; i++) {
		if (i)
			buf_puts(b, ", ");
		buf_json_string(b, retort_revision_id(retort_revision_parent(rev, i)));
	}
	buf_puts(b, "], \"message\": ");
	buf_json_string(b, retort_revision_message(rev));
	buf_puts(b, ", \"created\": ");
	buf_json_string(b, retort_revision_created(rev));
	buf_puts(b, ", \"author\": ");
	buf_json_string(b, retort_revision_author(rev));
	buf_puts(b, ", \"commit\": ");
	buf_json_string(b, retort_revision_commit(rev));
	buf_puts(b, ", \"path\": ");
	buf_json_string(b, retort_revision_path(rev));
	buf_printf(b, ", \"head\": %s}", retort_revision_child_count(rev) ? "false" : "true");
}

void cli_put_parents(retort_buf *b, const retort_revision *rev)
{
	size_t i, n = retort_revision_parent_count(rev);

	if (n == 0)
		buf_puts(b, "<base>");
	for (i = 0; i < n; i++)
		buf_printf(b, "%s%s", i ? ", " : "",
			retort_revision_id(retort_revision_parent(rev, i)));
}
