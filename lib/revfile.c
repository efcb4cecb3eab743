/*
** revfile.c: one revision file (SPEC section 3), read and written. A file is
** a header of `-- key: value` comment lines, then an upgrade and a downgrade
** section, each opened by its marker line and holding plain SQL, which is
** split into statements the way SQLite splits them (sqlite3_complete).
*/
#include "revision.h"
#include "buf.h"
#include "error.h"
#include "sqltok.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#define ID_LEN 12

static const char *const marker_names[2] = { "upgrade", "downgrade" };

/* The header keys, in the order a written file has them. */
enum { KEY_ID, KEY_PARENT, KEY_MESSAGE, KEY_CREATED, KEY_AUTHOR, KEY_COMMIT, N_KEYS };
static const char *const key_names[N_KEYS] = {
	"retort revision", "parent", "message", "created", "author", "commit"
};

int revfile_is_id(const char *s, size_t len)
{
	size_t i;

	if (len != ID_LEN)
		return 0;
	for (i = 0; i < len; i++)
		if (!isdigit((unsigned char)s[i]) && !(s[i] >= 'a' && s[i] <= 'f'))
			return 0;
	return 1;
}

void revfile_section_hash(char out[65], const char *text)
{
	retort_buf b = RETORT_BUF_INIT;
	const char *p = text, *end = text + strlen(text);

	while (p < end && isspace((unsigned char)*p))
		p++;
	while (end > p && isspace((unsigned char)end[-1]))
		end--;
	for (; p < end; p++) {
		if (*p == '\r') {
			buf_putc(&b, '\n');
			if (p + 1 < end && p[1] == '\n')
				p++;
		} else {
			buf_putc(&b, *p);
		}
	}
	sha256_hex(out, b.ptr, b.len);
	buf_release(&b);
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
** statement costs one pass over the section, not one per statement. */
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

/* Where the first token that is not space or a comment starts, or NULL. */
static const char *first_token(const char *z)
{
	for (;;) {
		sqltok t = sqltok_at(z);
		if (t.type == TK_EOF)
			return NULL;
		if (t.type != TK_SPACE && t.type != TK_COMMENT)
			return z;
		z += t.n;
	}
}

static int push_statement(rev_section *s, size_t *cap, const char *start, size_t len,
	int line, int add_semicolon, retort_error **err)
{
	rev_statement *st = ARRAY_PUSH(s->stmts, s->n_stmts, *cap);

	if (!st)
		return error_oom(err);
	st->line = line;
	st->sql = malloc(len + 2);
	if (!st->sql) {
		s->n_stmts--;
		return error_oom(err);
	}
	memcpy(st->sql, start, len);
	if (add_semicolon)
		st->sql[len++] = ';';
	st->sql[len] = '\0';
	return 0;
}

/*
** Split a section with sqlite3_complete(): a statement ends at the first ';'
** after which the text so far is complete, so semicolons inside strings,
** comments and trigger bodies stay where they are. A last statement without
** its ';' is taken as if it had one; an unfinished one is an error.
*/
static int split_statements(rev_section *s, int dir, const char *path, const char *source,
	retort_error **err)
{
	const char *text = s->text, *start = text, *p;
	retort_buf candidate = RETORT_BUF_INIT;
	line_cursor lc = { text, s->line + 1 };
	size_t cap = 0;
	int rc = 0;

	for (p = strchr(start, ';'); p && !rc; p = strchr(p + 1, ';')) {
		const char *tok = first_token(start);
		if (!tok || tok > p)
			continue; /* this ';' is inside a comment */
		if (tok == p) {
			start = p + 1; /* an empty statement: nothing but ';' */
			continue;
		}
		buf_clear(&candidate);
		buf_put(&candidate, tok, (size_t)(p + 1 - tok));
		if (buf_oom(&candidate)) {
			rc = error_oom(err);
			break;
		}
		if (!sqlite3_complete(candidate.ptr))
			continue;
		rc = push_statement(s, &cap, tok, (size_t)(p + 1 - tok),
			line_of(&lc, tok), 0, err);
		start = p + 1;
	}
	if (!rc) {
		const char *tok = first_token(start);
		if (tok) {
			int line = line_of(&lc, tok);
			size_t len = strlen(tok);
			buf_clear(&candidate);
			buf_put(&candidate, tok, len);
			buf_puts(&candidate, "\n;");
			if (buf_oom(&candidate)) {
				rc = error_oom(err);
			} else if (sqlite3_complete(candidate.ptr)) {
				while (len > 0 && isspace((unsigned char)tok[len - 1]))
					len--;
				rc = push_statement(s, &cap, tok, len, line, 1, err);
			} else {
				src_loc loc = { path, line, 1 };
				rc = error_at(err, RETORT_EINVALID, &loc, source,
					"the %s section ends inside a statement (an unclosed quote, "
					"comment or trigger body?)", marker_names[dir]);
			}
		}
	}
	buf_release(&candidate);
	return rc;
}

void revfile_free(retort_revision *rev)
{
	size_t i;
	int dir;

	if (!rev)
		return;
	if (!rev->from_cache) {
		for (i = 0; i < rev->n_parents; i++)
			free(rev->parent_ids[i]);
		free(rev->message);
		free(rev->created);
		free(rev->author);
		free(rev->commit);
		for (dir = 0; dir < 2; dir++) {
			rev_section *s = &rev->section[dir];
			for (i = 0; i < s->n_stmts; i++)
				free(s->stmts[i].sql);
			free(s->text);
		}
	}
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
		if (!revfile_is_id(p, len)) {
			src_loc at = { loc->path, loc->line, (int)(p - value) + loc->column };
			return error_at(err, RETORT_EINVALID, &at, source,
				"parent: expected 'none' or revision ids (12 lower-case hex digits) "
				"separated by commas");
		}
		slot = ARRAY_PUSH(rev->parent_ids, rev->n_parents, cap);
		if (!slot || !(*slot = xstrndup(p, len)))
			return error_oom(err);
		p += len;
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			return 0;
		if (*p++ != ',') {
			src_loc at = { loc->path, loc->line, (int)(p - 1 - value) + loc->column };
			return error_at(err, RETORT_EINVALID, &at, source,
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
	return revfile_is_id(base, *len) ? base : NULL;
}

static int set_header(retort_revision *rev, int key, const char *value, const src_loc *loc,
	const char *source, int *seen, retort_error **err)
{
	char **field[N_KEYS] = { NULL, NULL, &rev->message, &rev->created, &rev->author, &rev->commit };

	if (seen[key]) {
		return error_at(err, RETORT_EINVALID, loc, source,
			"'%s' given twice (first on line %d)", key_names[key], seen[key]);
	}
	seen[key] = loc->line;
	if (key == KEY_ID) {
		if (!revfile_is_id(value, strlen(value)))
			return error_at(err, RETORT_EINVALID, loc, source,
				"a revision id is 12 lower-case hex digits, got '%s'", value);
		memcpy(rev->id, value, ID_LEN + 1);
		return 0;
	}
	if (key == KEY_PARENT) {
		rev->parent_line = loc->line;
		return parse_parents(rev, value, loc, source, err);
	}
	*field[key] = xstrdup(value);
	return *field[key] ? 0 : error_oom(err);
}

int revfile_parse(retort_revision **out, const char *path, const char *text, size_t len,
	retort_error **err)
{
	retort_revision *rev = calloc(1, sizeof(*rev));
	const char *p = text, *end = text + len;
	const char *section_start[2] = { NULL, NULL };
	int seen[N_KEYS] = { 0 }, line = 0, current = -1, last_line = 1, dir, rc = 0;
	retort_buf ln = RETORT_BUF_INIT;

	*out = NULL;
	if (!rev || !(rev->path = xstrdup(path))) {
		free(rev);
		return error_oom(err);
	}
	if (memchr(text, '\0', len)) {
		src_loc loc = { path, 0, 0 };
		revfile_free(rev);
		return error_at(err, RETORT_EINVALID, &loc, NULL, "%s: not a text file (it holds a NUL byte)", path);
	}
	for (; p < end && !rc; line++) {
		const char *eol = memchr(p, '\n', (size_t)(end - p)), *line_begin = p, *start = p;
		size_t n = (size_t)((eol ? eol : end) - p);
		int marker, key;
		src_loc loc = { path, line + 1, 1 };

		p = eol ? eol + 1 : end;
		last_line = line + 1;
		while (n > 0 && (start[n - 1] == '\r' || start[n - 1] == ' ' || start[n - 1] == '\t'))
			n--;
		while (n > 0 && (*start == ' ' || *start == '\t')) {
			start++;
			n--;
		}
		buf_clear(&ln);
		buf_put(&ln, start, n);
		if (buf_oom(&ln)) {
			rc = error_oom(err);
			break;
		}
		marker = marker_of(ln.ptr);
		if (marker >= 0) {
			if (rev->section[marker].line) {
				rc = error_at(err, RETORT_EINVALID, &loc, text,
					"a second '-- retort:%s' section (the first is on line %d)",
					marker_names[marker], rev->section[marker].line);
				break;
			}
			rev->section[marker].line = line + 1;
			section_start[marker] = p;
			if (current >= 0 && !rev->section[current].text)
				rev->section[current].text = xstrndup(section_start[current],
					(size_t)(start - section_start[current]));
			current = marker;
			continue;
		}
		if (current >= 0 || n == 0)
			continue;
		for (key = 0; key < N_KEYS; key++) {
			const char *v = header_value(ln.ptr, key_names[key]);
			if (v) {
				loc.column = (int)(start - line_begin) + (int)(v - ln.ptr) + 1;
				rc = set_header(rev, key, v, &loc, text, seen, err);
				break;
			}
		}
		if (key == N_KEYS && strncmp(ln.ptr, "--", 2) != 0)
			rc = error_at(err, RETORT_EINVALID, &loc, text,
				"SQL before the first section: statements go after '-- retort:upgrade' "
				"or '-- retort:downgrade'");
	}
	buf_release(&ln);
	if (!rc && current >= 0 && !rev->section[current].text)
		rev->section[current].text = xstrndup(section_start[current],
			(size_t)(end - section_start[current]));
	if (!rc) {
		src_loc first = { path, 1, 1 }, last = { path, last_line, 1 };
		size_t id_len;
		const char *file_id = name_id(path, &id_len);
		if (!seen[KEY_ID])
			rc = error_at(err, RETORT_EINVALID, &first, text,
				"no '-- retort revision: ID' line: this is not a retort revision file");
		else if (!seen[KEY_PARENT])
			rc = error_at(err, RETORT_EINVALID, &first, text,
				"no '-- parent:' line (write '-- parent: none' for a first revision)");
		else if (file_id && strncmp(file_id, rev->id, id_len) != 0) {
			src_loc at = { path, seen[KEY_ID], 1 };
			rc = error_at(err, RETORT_EINVALID, &at, text,
				"the file name says revision %.*s but the header says %s",
				(int)id_len, file_id, rev->id);
		}
		for (dir = 0; dir < 2 && !rc; dir++)
			if (!rev->section[dir].line)
				rc = error_at(err, RETORT_EINVALID, &last, text,
					"no '-- retort:%s' section", marker_names[dir]);
	}
	for (dir = 0; dir < 2 && !rc; dir++) {
		rev_section *s = &rev->section[dir];
		if (!s->text) {
			rc = error_oom(err);
			break;
		}
		revfile_section_hash(s->sha256, s->text);
		rc = split_statements(s, dir, path, text, err);
	}
	if (!rc && !rev->message && !(rev->message = xstrdup("")))
		rc = error_oom(err);
	if (!rc && !rev->created && !(rev->created = xstrdup("")))
		rc = error_oom(err);
	if (rc) {
		revfile_free(rev);
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
	size_t i, int *line)
{
	const rev_section *s = &rev->section[dir];

	if (i >= s->n_stmts)
		return NULL;
	if (line)
		*line = s->stmts[i].line;
	return s->stmts[i].sql;
}

/* Lower-case letters and digits, '_' for each run of anything else. */
static void append_slug(retort_buf *b, const char *message)
{
	size_t start = b->len;
	const unsigned char *p = (const unsigned char *)message;

	for (; *p && b->len - start < 40; p++) {
		if (isalnum(*p) && *p < 0x80)
			buf_putc(b, (char)tolower(*p));
		else if (b->len > start && b->ptr[b->len - 1] != '_')
			buf_putc(b, '_');
	}
	while (b->len > start && b->ptr[b->len - 1] == '_')
		buf_truncate(b, b->len - 1);
	if (b->len == start)
		buf_puts(b, "revision");
}

/* A header value stays on its line: a line break in a message or a git
** identity is written as the two characters \n, and read back so. */
static void append_header(retort_buf *b, int key, const char *value)
{
	if (value)
		buf_comment(b, "%s: %s", key_names[key], value);
}

static void append_section(retort_buf *b, int dir, const char *sql)
{
	size_t len = sql ? strlen(sql) : 0;

	buf_printf(b, "\n-- retort:%s\n", marker_names[dir]);
	buf_put(b, sql ? sql : "", len);
	if (len && sql[len - 1] != '\n')
		buf_putc(b, '\n');
}

static int random_id(char out[ID_LEN + 1], retort_error **err)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char bytes[ID_LEN / 2];
	size_t i;

	if (getrandom(bytes, sizeof(bytes), 0) != (ssize_t)sizeof(bytes))
		return error_set(err, RETORT_ERROR, "cannot get random bytes for a revision id: %s",
			strerror(errno));
	for (i = 0; i < sizeof(bytes); i++) {
		out[2 * i] = hex[bytes[i] >> 4];
		out[2 * i + 1] = hex[bytes[i] & 15];
	}
	out[ID_LEN] = '\0';
	return 0;
}

int retort_revision_write(char **out_id, char **out_path, const retort_revisions *revs,
	const retort_revision_spec *spec, retort_error **err)
{
	retort_buf text = RETORT_BUF_INIT, name = RETORT_BUF_INIT, parents = RETORT_BUF_INIT;
	retort_revision *check = NULL;
	char id[ID_LEN + 1], created[32], *path = NULL;
	time_t now = time(NULL);
	struct tm tm;
	size_t i;
	int rc, tries = 0;

	if (out_id)
		*out_id = NULL;
	if (out_path)
		*out_path = NULL;
	for (i = 0; i < spec->parent_count; i++) {
		if (!retort_revisions_get(revs, spec->parents[i]))
			return error_set(err, RETORT_ENOTFOUND, "parent %s is not in %s",
				spec->parents[i], retort_revisions_dir(revs));
		buf_printf(&parents, "%s%s", i ? ", " : "", spec->parents[i]);
	}
	do {
		rc = random_id(id, err);
	} while (!rc && retort_revisions_get(revs, id) && ++tries < 16);
	gmtime_r(&now, &tm);
	strftime(created, sizeof(created), "%Y-%m-%dT%H:%M:%SZ", &tm);

	append_header(&text, KEY_ID, id);
	append_header(&text, KEY_PARENT, spec->parent_count ? parents.ptr : "none");
	append_header(&text, KEY_MESSAGE, spec->message ? spec->message : "");
	append_header(&text, KEY_CREATED, created);
	append_header(&text, KEY_AUTHOR, spec->author);
	append_header(&text, KEY_COMMIT, spec->commit);
	append_section(&text, RETORT_UPGRADE, spec->upgrade_sql);
	append_section(&text, RETORT_DOWNGRADE, spec->downgrade_sql);

	buf_printf(&name, "%s_", id);
	append_slug(&name, spec->message ? spec->message : "");
	buf_puts(&name, ".sql");
	if (!rc && (buf_oom(&text) || buf_oom(&name) ||
		    !(path = path_join(retort_revisions_dir(revs), name.ptr))))
		rc = error_oom(err);
	/* what is written must read back: a section's SQL that does not split
	** is refused here rather than left in a file that every later command
	** would reject */
	if (!rc)
		rc = revfile_parse(&check, path, text.ptr, text.len, err);
	if (!rc)
		rc = write_file_whole(path, text.ptr, text.len, WRITE_NEW | WRITE_SYNC, err);
	if (!rc && out_id && !(*out_id = xstrdup(id)))
		rc = error_oom(err);
	if (!rc && out_path) {
		*out_path = path;
		path = NULL;
	}
	revfile_free(check);
	free(path);
	buf_release(&text);
	buf_release(&name);
	buf_release(&parents);
	return rc;
}
