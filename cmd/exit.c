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
** escape sequences they hold, so controls are shown escaped (retort_buf_visible;
** `flags` BUF_KEEP_LINES lets newline and tab pass, for SQL and a source
** line; a message keeps to its one line). Everything retort writes on
** stderr goes through here; only its own words and colours do not.
*/
static void put_shown_v(retort_buf *out, unsigned flags, const char *fmt, va_list ap)
{
	retort_buf text = RETORT_BUF_INIT;

	retort_buf_vprintf(&text, fmt, ap);
	if (retort_buf_oom(&text))
		out->oom = 1;
	retort_buf_visible(out, text.ptr, text.len, flags);
	retort_buf_release(&text);
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

	fputs(retort_buf_oom(out) ? "retort: out of memory\n" : out->ptr, stderr);
	retort_buf_release(out);
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
	retort_buf_visible(&shown, line, i, BUF_KEEP_LINES);
	for (p = (const unsigned char *)shown.ptr; *p; p++)
		if ((*p & 0xC0) != 0x80)
			retort_buf_putc(out, *p == '\t' ? '\t' : ' ');
	if (retort_buf_oom(&shown))
		out->oom = 1;
	retort_buf_release(&shown);
	retort_buf_puts(out, "^\n");
}

/* The --json name of a library code; "usage" is the CLI's own. */
static const char *code_name(int code)
{
	switch (code) {
	case RETORT_EINVALID:
		return "invalid";
	case RETORT_ENOTFOUND:
		return "not_found";
	case RETORT_EAMBIGUOUS:
		return "ambiguous";
	case RETORT_EEXISTS:
		return "exists";
	case RETORT_EDB:
		return "database";
	case RETORT_EBUSY:
		return "locked";
	case RETORT_EMISMATCH:
		return "mismatch";
	case RETORT_ECANCELLED:
		return "interrupted";
	default:
		return "error";
	}
}

/* `"key": N`, or null for an unknown (0) position. */
static void put_json_position(retort_buf *b, const char *key, int n)
{
	if (n > 0)
		retort_buf_printf(b, ", \"%s\": %d", key, n);
	else
		retort_buf_printf(b, ", \"%s\": null", key);
}

static void put_json_error(retort_buf *b, const char *code, const char *message,
	const char *file, int line, int column)
{
	retort_buf_puts(b, "{\"code\": ");
	retort_buf_json_string(b, code);
	retort_buf_puts(b, ", \"message\": ");
	retort_buf_json_string(b, message);
	retort_buf_puts(b, ", \"file\": ");
	retort_buf_json_string(b, file);
	put_json_position(b, "line", line);
	/* a column without its line points nowhere */
	put_json_position(b, "column", line > 0 ? column : 0);
	retort_buf_putc(b, '}');
}

void cli_json_error(retort_buf *b, const retort_error *err)
{
	if (!err)
		put_json_error(b, "error", "out of memory", NULL, 0, 0);
	else
		put_json_error(b, code_name(err->code), err->message, err->path, err->line,
			err->column);
}

/* With --json, keep the run's first error for cli_finish(): the first one
** is the cause, as with retort_error_set(). */
static void remember(const cli *c, const char *code, const char *message, const char *file,
	int line, int column)
{
	if (c && c->json && c->json_state && !c->json_state->error.len)
		put_json_error(&c->json_state->error, code, message, file, line, column);
}

int cli_finish(const cli *c, int rc)
{
	cli_json_state *s = c->json_state;
	retort_buf doc = RETORT_BUF_INIT;

	if (c->json && s && !s->written && rc != EXIT_OK) {
		retort_buf_puts(&doc, "{\"error\": ");
		if (s->error.len)
			retort_buf_put(&doc, s->error.ptr, s->error.len);
		else
			put_json_error(&doc, "error", "failed", NULL, 0, 0);
		retort_buf_puts(&doc, "}\n");
		fputs(retort_buf_oom(&doc) ? "{\"error\": {\"code\": \"error\", \"message\": \"out of "
			"memory\", \"file\": null, \"line\": null, \"column\": null}}\n" : doc.ptr, stdout);
		fflush(stdout);
		retort_buf_release(&doc);
	}
	if (s)
		retort_buf_release(&s->error);
	return rc;
}

int cli_error(const cli *c, const retort_error *err)
{
	retort_buf out = RETORT_BUF_INIT;
	int column;

	if (!err) {
		remember(c, "error", "out of memory", NULL, 0, 0);
		fprintf(stderr, "retort: %s: out of memory\n", error_word(c));
		return EXIT_DATABASE;
	}
	remember(c, code_name(err->code), err->message, err->path, err->line, err->column);
	column = err->column > 0 ? err->column : 1;
	if (err->path && err->line > 0) {
		put_shown(&out, 0, "%s:%d:%d: ", err->path, err->line, column);
		retort_buf_printf(&out, "%s: ", error_word(c));
		put_shown(&out, 0, "%s", err->message);
		retort_buf_putc(&out, '\n');
		if (err->source_line) {
			put_shown(&out, BUF_KEEP_LINES, "%s", err->source_line);
			retort_buf_putc(&out, '\n');
			put_caret(&out, err->source_line, column);
		}
	} else {
		retort_buf_printf(&out, "retort: %s: ", error_word(c));
		put_shown(&out, 0, "%s", err->message);
		retort_buf_putc(&out, '\n');
	}
	flush_stderr(&out);
	return cli_exit_code(err->code);
}

/* "retort: WORD: message" ("retort: message" without a word). */
static void tell(const char *word, const char *fmt, va_list ap)
{
	retort_buf out = RETORT_BUF_INIT;

	retort_buf_puts(&out, "retort: ");
	if (word)
		retort_buf_printf(&out, "%s: ", word);
	put_shown_v(&out, 0, fmt, ap);
	retort_buf_putc(&out, '\n');
	flush_stderr(&out);
}

/* An error that is no retort_error: told on stderr, kept for --json. */
static void fail_v(const cli *c, const char *code, const char *fmt, va_list ap)
{
	retort_buf message = RETORT_BUF_INIT;
	va_list copy;

	va_copy(copy, ap);
	retort_buf_vprintf(&message, fmt, copy);
	va_end(copy);
	remember(c, code, retort_buf_oom(&message) ? "out of memory" : message.ptr, NULL, 0, 0);
	retort_buf_release(&message);
	tell(error_word(c), fmt, ap);
}

int cli_fail(const cli *c, int exit_code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fail_v(c, exit_code == EXIT_BAD_INPUT ? "invalid" : "error", fmt, ap);
	va_end(ap);
	return exit_code;
}

int cli_usage(const cli *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fail_v(c, "usage", fmt, ap);
	va_end(ap);
	return EXIT_BAD_INPUT;
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
		retort_buf_putc(&out, '\n');
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
		if (retort_plan_step(&step, plan, dir, i) == 0 && step.warning)
			cli_warn(c, "%s", step.warning);
}

int cli_write(const cli *c, const char *text)
{
	retort_buf shown = RETORT_BUF_INIT;
	int rc = EXIT_OK;

	/* a terminal gets what a person reads there (listings, names, SQL) as
	** stderr does; a pipe or a file gets the bytes as they are */
	if (isatty(STDOUT_FILENO)) {
		retort_buf_visible(&shown, text, strlen(text), BUF_KEEP_LINES);
		text = shown.ptr;
	}
	if (c->json && c->json_state)
		c->json_state->written = 1;
	if (retort_buf_oom(&shown))
		rc = cli_error(c, NULL);
	else if (fputs(text, stdout) < 0 || fflush(stdout) != 0)
		rc = cli_fail(c, EXIT_DATABASE, "cannot write the output: %s", strerror(errno));
	retort_buf_release(&shown);
	return rc;
}

int cli_write_buf(const cli *c, retort_buf *b)
{
	int rc;

	if (c->json)
		retort_buf_putc(b, '\n');
	rc = retort_buf_oom(b) ? cli_error(c, NULL) : cli_write(c, b->ptr);
	retort_buf_release(b);
	return rc;
}

void cli_json_strings(retort_buf *b, const char *const *s, size_t n)
{
	size_t i;

	retort_buf_putc(b, '[');
	for (i = 0; i < n; i++) {
		if (i)
			retort_buf_puts(b, ", ");
		retort_buf_json_string(b, s[i]);
	}
	retort_buf_putc(b, ']');
}

void cli_json_ids(retort_buf *b, const retort_revision *const *revs, size_t n)
{
	size_t i;

	retort_buf_putc(b, '[');
	for (i = 0; i < n; i++) {
		if (i)
			retort_buf_puts(b, ", ");
		retort_buf_json_string(b, retort_revision_id(revs[i]));
	}
	retort_buf_putc(b, ']');
}

void cli_json_revision(retort_buf *b, const retort_revision *rev)
{
	size_t i, n = retort_revision_parent_count(rev);

	retort_buf_puts(b, "{\"id\": ");
	retort_buf_json_string(b, retort_revision_id(rev));
	retort_buf_puts(b, ", \"parents\": [");
	for (i = 0; i < n; i++) {
		if (i)
			retort_buf_puts(b, ", ");
		retort_buf_json_string(b, retort_revision_id(retort_revision_parent(rev, i)));
	}
	retort_buf_puts(b, "], \"message\": ");
	retort_buf_json_string(b, retort_revision_message(rev));
	retort_buf_puts(b, ", \"created\": ");
	retort_buf_json_string(b, retort_revision_created(rev));
	retort_buf_puts(b, ", \"author\": ");
	retort_buf_json_string(b, retort_revision_author(rev));
	retort_buf_puts(b, ", \"commit\": ");
	retort_buf_json_string(b, retort_revision_commit(rev));
	retort_buf_puts(b, ", \"path\": ");
	retort_buf_json_string(b, retort_revision_path(rev));
	retort_buf_printf(b, ", \"head\": %s}", retort_revision_child_count(rev) ? "false" : "true");
}

void cli_put_parents(retort_buf *b, const retort_revision *rev)
{
	size_t i, n = retort_revision_parent_count(rev);

	if (n == 0)
		retort_buf_puts(b, "<base>");
	for (i = 0; i < n; i++)
		retort_buf_printf(b, "%s%s", i ? ", " : "",
			retort_revision_id(retort_revision_parent(rev, i)));
}
