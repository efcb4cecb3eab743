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
#include <unistd.h>

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

/*
** Append the text of `fmt` as a terminal may show it: names, messages, SQL
** and paths come from files anyone may write, and a terminal obeys the
** escape sequences they hold, so controls are shown escaped (buf_visible;
** `flags` BUF_KEEP_LINES lets newline and tab pass, for SQL and a source
** line; a message keeps to its one line). Everything retort writes on
** stderr goes through here; only its own words and colours do not.
*/
static void put_shown_v(retort_buf *out, unsigned flags, const char *fmt, va_list ap)
{
	retort_buf text = RETORT_BUF_INIT;

	buf_vprintf(&text, fmt, ap);
	if (buf_oom(&text))
		out->oom = 1;
	buf_visible(out, text.ptr, text.len, flags);
	buf_release(&text);
}

static void put_shown(retort_buf *out, unsigned flags, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void put_shown(retort_buf *out, unsigned flags, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	put_shown_v(out, flags, fmt, ap);
	va_end(ap);
}

/* Write a message built with put_shown and release it; its length. */
static int flush_stderr(retort_buf *out)
{
	int n = (int)out->len;

	fputs(buf_oom(out) ? "retort: out of memory\n" : out->ptr, stderr);
	buf_release(out);
	return n;
}

/* A caret under `column` (counted in characters) of `line` as put_shown
** shows it, so that an escape before the column moves the caret along;
** tabs are kept so the caret lines up with the line above it. */
static void put_caret(retort_buf *out, const char *line, int column)
{
	retort_buf shown = RETORT_BUF_INIT;
	const unsigned char *p;
	size_t i = 0;
	int col;

	for (col = 1; line[i] && col < column; col++)
		do
			i++;
		while (((unsigned char)line[i] & 0xC0) == 0x80);
	buf_visible(&shown, line, i, BUF_KEEP_LINES);
	for (p = (const unsigned char *)shown.ptr; *p; p++)
		if ((*p & 0xC0) != 0x80)
			buf_putc(out, *p == '\t' ? '\t' : ' ');
	if (buf_oom(&shown))
		out->oom = 1;
	buf_release(&shown);
	buf_puts(out, "^\n");
}

int cli_error(const cli *c, const retort_error *err)
{
	retort_buf out = RETORT_BUF_INIT;
	int column;

	if (!err) {
		fprintf(stderr, "retort: %s: out of memory\n", error_word(c));
		return EXIT_DATABASE;
	}
	column = err->column > 0 ? err->column : 1;
	if (err->path && err->line > 0) {
		put_shown(&out, 0, "%s:%d:%d: ", err->path, err->line, column);
		buf_printf(&out, "%s: ", error_word(c));
		put_shown(&out, 0, "%s", err->message);
		buf_putc(&out, '\n');
		if (err->source_line) {
			put_shown(&out, BUF_KEEP_LINES, "%s", err->source_line);
			buf_putc(&out, '\n');
			put_caret(&out, err->source_line, column);
		}
	} else {
		buf_printf(&out, "retort: %s: ", error_word(c));
		put_shown(&out, 0, "%s", err->message);
		buf_putc(&out, '\n');
	}
	flush_stderr(&out);
	return cli_exit_code(err->code);
}

/* "retort: WORD: message" ("retort: message" without a word). */
static void tell(const char *word, const char *fmt, va_list ap)
{
	retort_buf out = RETORT_BUF_INIT;

	buf_puts(&out, "retort: ");
	if (word)
		buf_printf(&out, "%s: ", word);
	put_shown_v(&out, 0, fmt, ap);
	buf_putc(&out, '\n');
	flush_stderr(&out);
}

int cli_fail(const cli *c, int exit_code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tell(error_word(c), fmt, ap);
	va_end(ap);
	return exit_code;
}

void cli_warn(const cli *c, const char *fmt, ...)
{
	va_list ap;

	if (c->quiet)
		return;
	va_start(ap, fmt);
	tell(warning_word(c), fmt, ap);
	va_end(ap);
}

void cli_note(const cli *c, const char *fmt, ...)
{
	va_list ap;

	if (c->quiet)
		return;
	va_start(ap, fmt);
	tell(NULL, fmt, ap);
	va_end(ap);
}

int cli_stderr(int lines, const char *fmt, ...)
{
	retort_buf out = RETORT_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	put_shown_v(&out, lines ? BUF_KEEP_LINES : 0, fmt, ap);
	va_end(ap);
	if (!lines)
		buf_putc(&out, '\n');
	return flush_stderr(&out);
}

/* Risky steps are told on stderr as well as in the script, so that nobody
** pipes a table drop into a database unwarned. */
void cli_warn_plan(const cli *c, const retort_plan *plan, retort_direction dir)
{
	size_t i, n = retort_plan_step_count(plan, dir);
	retort_step_info step;

	for (i = 0; i < retort_plan_note_count(plan); i++)
		cli_warn(c, "%s", retort_plan_note(plan, i));
	for (i = 0; i < n; i++)
		if (retort_plan_step(plan, dir, i, &step) == 0 && step.warning)
			cli_warn(c, "%s", step.warning);
}

int cli_write(const cli *c, const char *text)
{
	retort_buf shown = RETORT_BUF_INIT;
	int rc = EXIT_OK;

	/* a terminal gets what a person reads there (listings, names, SQL) as
	** stderr does; a pipe or a file gets the bytes as they are */
	if (isatty(STDOUT_FILENO)) {
		buf_visible(&shown, text, strlen(text), BUF_KEEP_LINES);
		text = shown.ptr;
	}
	if (buf_oom(&shown))
		rc = cli_error(c, NULL);
	else if (fputs(text, stdout) < 0 || fflush(stdout) != 0)
		rc = cli_fail(c, EXIT_DATABASE, "cannot write the output: %s", strerror(errno));
	buf_release(&shown);
	return rc;
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
