/*
** revfile.c: one revision file (SPEC section 3), read and written. A file is
** a header of `-- key: value` comment lines, then an upgrade and a downgrade
** section, each opened by its marker line and holding plain SQL, which is
** split into statements the way SQLite splits them (sqlite3_complete), in
** one pass. A marker line counts only between statements, so no SQL a model
** holds (a view's string, a trigger's comment) can end a section.
*/
#include "revision.h"
#include "buf.h"
#include "error.h"
#include "fileio.h"
#include "renames.h"
#include "sqltok.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

static const char *const marker_names[2] = { "upgrade", "downgrade" };

/* The header keys, in the order a written file has them. */
enum { KEY_ID, KEY_PARENT, KEY_MESSAGE, KEY_RENAMES, KEY_CREATED, KEY_AUTHOR, KEY_COMMIT,
	N_KEYS };
static const char *const key_names[N_KEYS] = {
	"retort revision", "parent", "message", "renames", "created", "author", "commit"
};

int retort_revfile_is_id(const char *s, size_t len)
{
	size_t i;

	if (len != REVISION_ID_LEN)
		return 0;
	for (i = 0; i < len; i++)
		if (!isdigit((unsigned char)s[i]) && !(s[i] >= 'a' && s[i] <= 'f'))
			return 0;
	return 1;
}

void retort_revfile_section_hash(char out[65], const char *text)
{
	retort_buf b = RETORT_BUF_INIT;
	const char *p = text, *end = text + strlen(text);

	while (p < end && isspace((unsigned char)*p))
		p++;
	while (end > p && isspace((unsigned char)end[-1]))
		end--;
	/* whole runs between CRs, not a byte at a time: sections may be
	** megabytes of seed data */
	while (p < end) {
		const char *cr = memchr(p, '\r', (size_t)(end - p));
		if (!cr) {
			retort_buf_put(&b, p, (size_t)(end - p));
			break;
		}
		retort_buf_put(&b, p, (size_t)(cr - p));
		retort_buf_putc(&b, '\n');
		p = cr + 1 + (cr + 1 < end && cr[1] == '\n');
	}
	retort_sha256_hex(out, b.ptr, b.len);
	retort_buf_release(&b);
}

/* The text after "--" and spaces when it is `key:`; else NULL. */
static const char *header_value(const char *line, const char *key)
{
	size_t n = strlen(key);

	if (strncmp(line, "--", 2) != 0)
		return NULL;
	line += 2;
	while (*line == ' ' || *line == '\t')
		line++;
	if (strncasecmp(line, key, n) != 0)
		return NULL;
	line += n;
	while (*line == ' ' || *line == '\t')
		line++;
	if (*line != ':')
		return NULL;
	line++;
	while (*line == ' ' || *line == '\t')
		line++;
	return line;
}

/* Which section a marker line opens (`-- retort:upgrade`), or -1. */
static int marker_of(const char *line)
{
	int dir;

	for (dir = 0; dir < 2; dir++) {
		const char *v = header_value(line, "retort");
		if (v && strcasecmp(v, marker_names[dir]) == 0)
			return dir;
	}
	return -1;
}

/* A line counter that moves forward only, so that finding the line of each
** statement costs one pass over the file, not one per statement. */
typedef struct line_cursor {
	const char *at;
	int line;
} line_cursor;

static int line_of(line_cursor *lc, const char *p)
{
	for (; lc->at < p; lc->at++)
		if (*lc->at == '\n')
			lc->line++;
	return lc->line;
}

/* Which marker a line is (-1 for none): `n` bytes from `start`, copied to
** `ln` trimmed of blanks, since marker_of() reads to the NUL. -2 when out of
** memory. */
static int marker_line(retort_buf *ln, const char *start, size_t n)
{
	while (n > 0 && (*start == ' ' || *start == '\t')) {
		start++;
		n--;
	}
	while (n > 0 && (start[n - 1] == '\r' || start[n - 1] == ' ' || start[n - 1] == '\t'))
		n--;
	retort_buf_clear(ln);
	retort_buf_put(ln, start, n);
	return retort_buf_oom(ln) ? -2 : marker_of(ln->ptr);
}

static int push_statement(rev_section *s, size_t *cap, const char *start, size_t len,
	int line, const char *ending, retort_error **err)
{
	rev_statement *st = ARRAY_PUSH(s->stmts, s->n_stmts, *cap);
	size_t n_ending = strlen(ending);

	if (!st)
		return retort_error_oom(err);
	st->line = line;
	st->sql = malloc(len + n_ending + 1);
	if (!st->sql) {
		s->n_stmts--;
		return retort_error_oom(err);
	}
	memcpy(st->sql, start, len);
	memcpy(st->sql + len, ending, n_ending + 1);
	return 0;
}

/* How one section's scan ended. */
typedef struct section_end {
	const char *end;  /* where the section's text ends */
	int next;         /* the marker line there, or -1 at the end of the file */
	const char *open; /* a statement (or comment) left unfinished at `end` */
	int open_line;
	int open_comment; /* `open` is an unclosed comment */
} section_end;

/* The marker a `--` comment at `c` is when it is a line of its own, else -1
** (-2 out of memory). A section starts after a line break, so the walk back
** over blanks stops inside the text. */
static int marker_comment(retort_buf *ln, const char *c, size_t n)
{
	const char *bol = c;

	while (bol[-1] == ' ' || bol[-1] == '\t')
		bol--;
	return bol[-1] == '\n' ? marker_line(ln, c, n) : -1;
}

/* The first marker line from `p` to `stop` that stands outside strings and
** comments (its marker in *marker), or NULL. */
static const char *marker_inside(const char *p, const char *stop, retort_buf *ln, int *marker)
{
	while (p < stop) {
		sqltok t = retort_sqltok_at(p);
		if (t.type == TK_EOF)
			break;
		if (t.type == TK_COMMENT && *p == '-' && (*marker = marker_comment(ln, p, t.n)) != -1)
			return p;
		p += t.n;
	}
	return NULL;
}

/*
** Read one section from `p` (the line after its marker) to the next marker
** line, or to the end of the file. The statements are split the way
** sqlite3_complete() splits them, in one pass (retort_sql_statement_end()); each
** one that ends in ';' is pushed, and an unfinished one is left in
** `out->open`. A marker line counts between statements; inside one (in its
** strings, comments or trigger body, or after a statement that misses its
** ';') it is part of that statement, so that no SQL ends a section early.
** Only `lenient` takes a marker line inside an unfinished statement when it
** stands outside strings and comments (see read_sections()).
*/
static int scan_section(rev_section *s, size_t *cap, const char *p, int lenient,
	line_cursor *lc, retort_buf *ln, section_end *out, retort_error **err)
{
	memset(out, 0, sizeof(*out));
	out->next = -1;
	for (;;) {
		sqltok t = retort_sqltok_at(p);
		const char *stop, *cut = NULL;
		int rc;

		switch (t.type) {
		case TK_EOF:
			out->end = p;
			return 0;
		case TK_SPACE:
		case TK_SEMI: /* an empty statement */
			p += t.n;
			continue;
		case TK_COMMENT:
			if (*p == '-') {
				out->next = marker_comment(ln, p, t.n);
				if (out->next == -2)
					return retort_error_oom(err);
				if (out->next >= 0) {
					out->end = p;
					return 0;
				}
			} else if (t.n < 4 || memcmp(p + t.n - 2, "*/", 2) != 0) {
				out->open = p;
				out->open_line = line_of(lc, p);
				out->open_comment = 1;
			}
			p += t.n;
			continue;
		default:
			break;
		}
		stop = retort_sql_statement_end(p);
		if (lenient)
			cut = marker_inside(p, stop ? stop : p + strlen(p), ln, &out->next);
		if (out->next == -2)
			return retort_error_oom(err);
		if (!stop || cut) {
			out->open = p;
			out->open_line = line_of(lc, p);
			out->end = cut ? cut : p + strlen(p);
			return 0;
		}
		rc = push_statement(s, cap, p, (size_t)(stop - p), line_of(lc, p), "", err);
		if (rc)
			return rc;
		p = stop;
	}
}

/*
** A section's last statement, which runs to the section's end without its
** ';': taken as if it had one, put on a line of its own when the text ends
** in a `--` comment (where it would be part of the comment). Unfinished even
** so (an unclosed quote or trigger body), it is an error.
*/
static int finish_statement(rev_section *s, size_t *cap, const section_end *f, int dir,
	const char *path, const char *source, retort_error **err)
{
	retort_buf candidate = RETORT_BUF_INIT;
	size_t len = (size_t)(f->end - f->open);
	const char *ending = ";";
	int rc;

	while (len > 0 && isspace((unsigned char)f->open[len - 1]))
		len--;
	retort_buf_put(&candidate, f->open, len);
	retort_buf_puts(&candidate, ending);
	if (!retort_buf_oom(&candidate) && !sqlite3_complete(candidate.ptr)) {
		ending = "\n;";
		retort_buf_truncate(&candidate, len);
		retort_buf_puts(&candidate, ending);
	}
	if (retort_buf_oom(&candidate)) {
		rc = retort_error_oom(err);
	} else if (sqlite3_complete(candidate.ptr)) {
		rc = push_statement(s, cap, f->open, len, f->open_line, ending, err);
	} else {
		src_loc loc = { path, f->open_line, 1 };
		rc = retort_error_at(err, RETORT_EINVALID, &loc, source,
			"the %s section ends inside a statement (an unclosed quote, "
			"comment or trigger body?)", marker_names[dir]);
	}
	retort_buf_release(&candidate);
	return rc;
}

static void free_sections(retort_revision *rev)
{
	size_t i;
	int dir;

	for (dir = 0; dir < 2; dir++) {
		rev_section *s = &rev->section[dir];
		for (i = 0; i < s->n_stmts; i++)
			free(s->stmts[i].sql);
		free(s->stmts);
		free(s->text);
		memset(s, 0, sizeof(*s));
	}
}

/*
** The sections, from `p` (the line after the first marker, `first`, on
** line `line` of the text `z`), each up to the next marker line. Read
** strictly, a marker line counts only between statements. But a section's
** last statement may leave out its ';', and then the marker line after it
** is inside it: when that leaves a section missing, the file is read again
** taking a marker line inside an unfinished statement too, so long as it
** stands outside strings and comments. A file that reads strictly (every
** file retort writes) never gets there, whatever its SQL holds.
*/
static int read_sections(retort_revision *rev, int first, int line, const char *p,
	const char *z, section_end found[2], size_t cap[2], int *last, const char *path,
	retort_error **err)
{
	retort_buf ln = RETORT_BUF_INIT;
	int lenient, rc = 0;

	for (lenient = 0; lenient < 2 && !rc; lenient++) {
		line_cursor lc = { z, 1 };
		const char *at = p;
		int current = first;

		free_sections(rev);
		cap[0] = cap[1] = 0;
		memset(found, 0, 2 * sizeof(*found));
		rev->section[first].line = line;
		while (!rc) {
			rev_section *s = &rev->section[current];
			section_end *f = &found[current];
			int next_line;

			rc = scan_section(s, &cap[current], at, lenient, &lc, &ln, f, err);
			if (!rc && !(s->text = retort_xstrndup(at, (size_t)(f->end - at))))
				rc = retort_error_oom(err);
			if (rc || f->next < 0)
				break;
			next_line = line_of(&lc, f->end);
			if (rev->section[f->next].line) {
				src_loc loc = { path, next_line, 1 };
				rc = retort_error_at(err, RETORT_EINVALID, &loc, z,
					"a second '-- retort:%s' section (the first is on line %d)",
					marker_names[f->next], rev->section[f->next].line);
				break;
			}
			rev->section[f->next].line = next_line;
			at = f->end + strcspn(f->end, "\n");
			at += *at == '\n';
			current = f->next;
		}
		*last = current;
		if (rev->section[0].line && rev->section[1].line)
			break;
	}
	retort_buf_release(&ln);
	return rc;
}

void retort_revfile_free(retort_revision *rev)
{
	size_t i;
	int dir;

	if (!rev)
		return;
	if (!rev->from_cache) {
		for (i = 0; i < rev->n_parents; i++)
			free(rev->parent_ids[i]);
		free(rev->message);
		free(rev->renames);
		free(rev->created);
		free(rev->author);
		free(rev->commit);
		free_sections(rev);
	}
	/* a cached revision's statement arrays are its own; the text is not */
	for (dir = 0; dir < 2; dir++)
		free(rev->section[dir].stmts);
	free(rev->parent_ids);
	free(rev->parents);
	free(rev->children);
	free(rev->path);
	free(rev);
}

/* `-- parent: none` or `-- parent: ID[, ID...]`. */
static int parse_parents(retort_revision *rev, const char *value, const src_loc *loc,
	const char *source, retort_error **err)
{
	const char *p = value;
	size_t cap = 0;

	if (strcasecmp(value, "none") == 0)
		return 0;
	for (;;) {
		size_t len;
		char **slot;
		while (*p == ' ' || *p == '\t')
			p++;
		len = strcspn(p, ", \t");
		if (!retort_revfile_is_id(p, len)) {
			src_loc at = { loc->path, loc->line, (int)(p - value) + loc->column };
			return retort_error_at(err, RETORT_EINVALID, &at, source,
				"parent: expected 'none' or revision ids (12 lower-case hex digits) "
				"separated by commas");
		}
		slot = ARRAY_PUSH(rev->parent_ids, rev->n_parents, cap);
		if (!slot || !(*slot = retort_xstrndup(p, len)))
			return retort_error_oom(err);
		p += len;
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			return 0;
		if (*p++ != ',') {
			src_loc at = { loc->path, loc->line, (int)(p - 1 - value) + loc->column };
			return retort_error_at(err, RETORT_EINVALID, &at, source,
				"parent: expected ',' between revision ids");
		}
	}
}

/* The file name's id, when it starts with one (`<id>_<slug>.sql`). */
static const char *name_id(const char *path, size_t *len)
{
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	*len = strcspn(base, "_.");
	return retort_revfile_is_id(base, *len) ? base : NULL;
}

static int set_header(retort_revision *rev, int key, const char *value, const src_loc *loc,
	const char *source, int *seen, retort_error **err)
{
	char **field[N_KEYS] = { NULL, NULL, &rev->message, &rev->renames, &rev->created,
		&rev->author, &rev->commit };

	if (seen[key]) {
		return retort_error_at(err, RETORT_EINVALID, loc, source,
			"'%s' given twice (first on line %d)", key_names[key], seen[key]);
	}
	seen[key] = loc->line;
	if (key == KEY_ID) {
		if (!retort_revfile_is_id(value, strlen(value)))
			return retort_error_at(err, RETORT_EINVALID, loc, source,
				"a revision id is 12 lower-case hex digits, got '%s'", value);
		memcpy(rev->id, value, REVISION_ID_LEN + 1);
		return 0;
	}
	if (key == KEY_PARENT) {
		rev->parent_line = loc->line;
		return parse_parents(rev, value, loc, source, err);
	}
	if (key == KEY_RENAMES) {
		done_renames r;
		size_t bad_at;
		int rc = retort_done_renames_parse(&r, value, &bad_at);
		retort_done_renames_release(&r);
		if (rc < 0)
			return retort_error_oom(err);
		if (rc > 0) {
			src_loc at = { loc->path, loc->line, loc->column + (int)bad_at };
			return retort_error_at(err, RETORT_EINVALID, &at, source, "renames: expected "
				"'\"old\" -> \"new\"' (a table) or '\"table\".\"old\" -> \"new\"' "
				"(a column), separated by commas");
		}
	}
	*field[key] = retort_xstrdup(value);
	return *field[key] ? 0 : retort_error_oom(err);
}

/*
** A section is missing. When its marker line is there but inside the
** statement or comment that runs unfinished from `f->open` to the end, say
** so at the start of that statement, where the fault (an unclosed quote,
** most likely) is.
*/
static int missing_section(const section_end *f, int last, int dir, int last_line,
	const char *path, const char *source, retort_buf *ln, retort_error **err)
{
	const char *p = f ? f->open : NULL;
	int line = p ? f->open_line : 0;

	for (; p && *p; line++) {
		size_t n = strcspn(p, "\n");
		int marker = marker_line(ln, p, n);
		if (marker == -2)
			return retort_error_oom(err);
		if (marker == dir && line > f->open_line) {
			src_loc loc = { path, f->open_line, 1 };
			return retort_error_at(err, RETORT_EINVALID, &loc, source,
				"the %s section ends inside a %s (an unclosed quote, comment or "
				"trigger body?) that holds the '-- retort:%s' line %d, so there is "
				"no %s section", marker_names[last],
				f->open_comment ? "comment" : "statement", marker_names[dir], line,
				marker_names[dir]);
		}
		p += n + (p[n] == '\n');
	}
	{
		src_loc loc = { path, last_line, 1 };
		return retort_error_at(err, RETORT_EINVALID, &loc, source, "no '-- retort:%s' section",
			marker_names[dir]);
	}
}

int retort_revfile_parse(retort_revision **out, const char *path, const char *text, size_t len,
	retort_error **err)
{
	retort_revision *rev = calloc(1, sizeof(*rev));
	char *z = NULL; /* the text, NUL-terminated for the tokenizers */
	const char *p, *end;
	section_end found[2];
	size_t cap[2] = { 0, 0 };
	line_cursor lc = { NULL, 1 };
	int seen[N_KEYS] = { 0 }, line = 0, current = -1, last_line, dir, rc = 0;
	retort_buf ln = RETORT_BUF_INIT;

	*out = NULL;
	memset(found, 0, sizeof(found));
	if (!rev || !(rev->path = retort_xstrdup(path)) || !(z = retort_xstrndup(text, len))) {
		retort_revfile_free(rev);
		return retort_error_oom(err);
	}
	if (memchr(text, '\0', len)) {
		src_loc loc = { path, 0, 0 };
		free(z);
		retort_revfile_free(rev);
		return retort_error_at(err, RETORT_EINVALID, &loc, NULL, "%s: not a text file (it holds a NUL byte)", path);
	}
	p = lc.at = z;
	end = z + len;
	/* the header: comment lines up to the first marker */
	for (; p < end && !rc && current < 0; line++) {
		const char *eol = memchr(p, '\n', (size_t)(end - p)), *line_begin = p, *start = p;
		size_t n = (size_t)((eol ? eol : end) - p);
		int key;
		src_loc loc = { path, line + 1, 1 };

		p = eol ? eol + 1 : end;
		current = marker_line(&ln, start, n);
		if (current == -2) {
			rc = retort_error_oom(err);
			break;
		}
		if (current >= 0) {
			rev->section[current].line = line + 1;
			break;
		}
		while (n > 0 && (*start == ' ' || *start == '\t')) {
			start++;
			n--;
		}
		if (ln.len == 0)
			continue;
		for (key = 0; key < N_KEYS; key++) {
			const char *v = header_value(ln.ptr, key_names[key]);
			if (v) {
				loc.column = (int)(start - line_begin) + (int)(v - ln.ptr) + 1;
				rc = set_header(rev, key, v, &loc, z, seen, err);
				break;
			}
		}
		if (key == N_KEYS && strncmp(ln.ptr, "--", 2) != 0)
			rc = retort_error_at(err, RETORT_EINVALID, &loc, z,
				"SQL before the first section: statements go after '-- retort:upgrade' "
				"or '-- retort:downgrade'");
	}
	if (!rc && current >= 0)
		rc = read_sections(rev, current, line + 1, p, z, found, cap, &current, path, err);
	if (!rc) {
		src_loc first = { path, 1, 1 };
		size_t id_len;
		const char *file_id = name_id(path, &id_len);
		if (!seen[KEY_ID])
			rc = retort_error_at(err, RETORT_EINVALID, &first, z,
				"no '-- retort revision: ID' line: this is not a retort revision file");
		else if (!seen[KEY_PARENT])
			rc = retort_error_at(err, RETORT_EINVALID, &first, z,
				"no '-- parent:' line (write '-- parent: none' for a first revision)");
		else if (file_id && strncmp(file_id, rev->id, id_len) != 0) {
			src_loc at = { path, seen[KEY_ID], 1 };
			rc = retort_error_at(err, RETORT_EINVALID, &at, z,
				"the file name says revision %.*s but the header says %s",
				(int)id_len, file_id, rev->id);
		}
		for (dir = 0; dir < 2 && !rc; dir++) {
			if (rev->section[dir].line)
				continue;
			last_line = line_of(&lc, end) - (len > 0 && end[-1] == '\n');
			rc = missing_section(current >= 0 ? &found[current] : NULL, current, dir,
				last_line, path, z, &ln, err);
		}
	}
	for (dir = 0; dir < 2 && !rc; dir++) {
		rev_section *s = &rev->section[dir];
		retort_revfile_section_hash(s->sha256, s->text);
		if (found[dir].open && !found[dir].open_comment)
			rc = finish_statement(s, &cap[dir], &found[dir], dir, path, z, err);
	}
	retort_buf_release(&ln);
	if (!rc && !rev->message && !(rev->message = retort_xstrdup("")))
		rc = retort_error_oom(err);
	if (!rc && !rev->created && !(rev->created = retort_xstrdup("")))
		rc = retort_error_oom(err);
	free(z);
	if (rc) {
		retort_revfile_free(rev);
		return rc;
	}
	*out = rev;
	return 0;
}

const char *retort_revision_id(const retort_revision *rev) { return rev->id; }
const char *retort_revision_message(const retort_revision *rev) { return rev->message; }
const char *retort_revision_created(const retort_revision *rev) { return rev->created; }
const char *retort_revision_author(const retort_revision *rev) { return rev->author; }
const char *retort_revision_commit(const retort_revision *rev) { return rev->commit; }
const char *retort_revision_path(const retort_revision *rev) { return rev->path; }

const char *retort_revision_sql(const retort_revision *rev, retort_direction dir)
{
	return rev->section[dir].text;
}

const char *retort_revision_sha256(const retort_revision *rev, retort_direction dir)
{
	return rev->section[dir].sha256;
}

size_t retort_revision_statement_count(const retort_revision *rev, retort_direction dir)
{
	return rev->section[dir].n_stmts;
}

const char *retort_revision_statement(const retort_revision *rev, retort_direction dir,
	size_t i)
{
	const rev_section *s = &rev->section[dir];

	return i < s->n_stmts ? s->stmts[i].sql : NULL;
}

int retort_revision_statement_line(const retort_revision *rev, retort_direction dir, size_t i)
{
	const rev_section *s = &rev->section[dir];

	return i < s->n_stmts ? s->stmts[i].line : 0;
}

/* Lower-case letters and digits, '_' for each run of anything else. */
static void append_slug(retort_buf *b, const char *message)
{
	size_t start = b->len;
	const unsigned char *p = (const unsigned char *)message;

	for (; *p && b->len - start < 40; p++) {
		if (isalnum(*p) && *p < 0x80)
			retort_buf_putc(b, (char)tolower(*p));
		else if (b->len > start && b->ptr[b->len - 1] != '_')
			retort_buf_putc(b, '_');
	}
	while (b->len > start && b->ptr[b->len - 1] == '_')
		retort_buf_truncate(b, b->len - 1);
	if (b->len == start)
		retort_buf_puts(b, "revision");
}

/* A header value stays on its line: a line break in a message or a git
** identity is written as the two characters \n, and read back so. */
static void append_header(retort_buf *b, int key, const char *value)
{
	if (value)
		retort_buf_comment(b, "%s: %s", key_names[key], value);
}

static void append_section(retort_buf *b, int dir, const char *sql)
{
	size_t len = sql ? strlen(sql) : 0;

	retort_buf_printf(b, "\n-- retort:%s\n", marker_names[dir]);
	retort_buf_put(b, sql ? sql : "", len);
	if (len && sql[len - 1] != '\n')
		retort_buf_putc(b, '\n');
}

int retort_revfile_write(char **path_out, const char *folder, const char *id,
	const retort_revision_spec *spec, retort_error **err)
{
	retort_buf text = RETORT_BUF_INIT, name = RETORT_BUF_INIT, parents = RETORT_BUF_INIT;
	retort_buf value = RETORT_BUF_INIT;
	done_renames renames = { NULL, 0, 0 };
	retort_revision *check = NULL;
	char created[32], *path = NULL;
	time_t now = time(NULL);
	struct tm tm;
	const char *sections[2] = { spec->upgrade_sql, spec->downgrade_sql };
	size_t i;
	int rc = 0, dir;

	*path_out = NULL;
	for (i = 0; i < spec->parent_count; i++)
		retort_buf_printf(&parents, "%s%s", i ? ", " : "", spec->parents[i]);
	gmtime_r(&now, &tm);
	strftime(created, sizeof(created), "%Y-%m-%dT%H:%M:%SZ", &tm);

	append_header(&text, KEY_ID, id);
	append_header(&text, KEY_PARENT, spec->parent_count ? parents.ptr : "none");
	append_header(&text, KEY_MESSAGE, spec->message ? spec->message : "");
	if (spec->rename_count) {
		for (i = 0; i < spec->rename_count && !rc; i++)
			if (retort_done_renames_push(&renames, spec->renames[i].table, spec->renames[i].from,
				spec->renames[i].to) < 0)
				rc = retort_error_oom(err);
		retort_done_renames_format(&value, &renames);
		append_header(&text, KEY_RENAMES, value.ptr);
	}
	append_header(&text, KEY_CREATED, created);
	append_header(&text, KEY_AUTHOR, spec->author);
	append_header(&text, KEY_COMMIT, spec->commit);
	for (dir = 0; dir < 2; dir++)
		append_section(&text, dir, sections[dir]);

	retort_buf_printf(&name, "%s_", id);
	append_slug(&name, spec->message ? spec->message : "");
	retort_buf_puts(&name, ".sql");
	if (!rc && (retort_buf_oom(&text) || retort_buf_oom(&name) || retort_buf_oom(&value) ||
		    !(path = retort_path_join(folder, name.ptr))))
		rc = retort_error_oom(err);
	/* what is written must read back: a section's SQL that does not split
	** is refused here rather than left in a file that every later command
	** would reject */
	if (!rc)
		rc = retort_revfile_parse(&check, path, text.ptr, text.len, err);
	for (dir = 0; dir < 2 && !rc; dir++) {
		/* and read back as written, sections ending at the markers written */
		char sha[65];
		retort_revfile_section_hash(sha, sections[dir] ? sections[dir] : "");
		if (strcmp(sha, check->section[dir].sha256) != 0)
			rc = retort_error_set(err, RETORT_EINVALID, "the %s SQL of the new revision would "
				"not read back as written (a line of it reads as a section marker)",
				marker_names[dir]);
	}
	if (!rc)
		rc = retort_write_file_whole(path, text.ptr, text.len, WRITE_NEW | WRITE_SYNC, err);
	if (!rc) {
		*path_out = path;
		path = NULL;
	}
	retort_revfile_free(check);
	free(path);
	retort_buf_release(&text);
	retort_buf_release(&name);
	retort_buf_release(&parents);
	retort_buf_release(&value);
	retort_done_renames_release(&renames);
	return rc;
}
