/*
** renames.c: the `-- renames:` header line of a revision, read and written,
** and the renames a chain of them leaves done (renames.h).
*/
#include "renames.h"
#include "error.h"
#include "schema.h"
#include "sqltok.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

int retort_done_renames_push(done_renames *r, const char *table, const char *from, const char *to)
{
	done_rename *e = ARRAY_PUSH(r->v, r->n, r->cap);

	if (!e)
		return -1;
	e->table = retort_xstrdup(table);
	e->from = retort_xstrdup(from);
	e->to = retort_xstrdup(to);
	if ((table && !e->table) || !e->from || !e->to)
		return -1;
	return 0;
}

static void release_one(done_rename *e)
{
	free(e->table);
	free(e->from);
	free(e->to);
}

void retort_done_renames_release(done_renames *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		release_one(&r->v[i]);
	free(r->v);
	memset(r, 0, sizeof(*r));
}

/* ---- the header value ------------------------------------------------- */

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The name a token stands for (x'hex' too), or NULL: `*bad` when it is no
** name, else out of memory. */
static char *token_name(const sqltok *t, int *bad)
{
	retort_buf b = RETORT_BUF_INIT;
	size_t i, nh;

	*bad = 0;
	if (t->type != TK_BLOB) {
		if (!retort_sqltok_is_name(t)) {
			*bad = 1;
			return NULL;
		}
		return retort_sqltok_name(t);
	}
	/* x'...': an even count of hex digits, none of them a NUL byte */
	nh = t->n - 3;
	for (i = 0; i < nh; i += 2) {
		int hi = hex_digit(t->z[2 + i]), lo = i + 1 < nh ? hex_digit(t->z[3 + i]) : -1;
		if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
			*bad = 1;
			retort_buf_release(&b);
			return NULL;
		}
		retort_buf_putc(&b, (char)(hi * 16 + lo));
	}
	return retort_buf_detach(&b);
}

/* Step `c` to the next name, put it in `*out`; 1 when malformed (at c->tok). */
static int read_name(sqlcur *c, char **out)
{
	int bad;

	*out = token_name(&c->tok, &bad);
	if (bad)
		return 1;
	if (!*out)
		return -1;
	retort_sqlcur_advance(c);
	return 0;
}

static int is_op(const sqlcur *c, const char *op)
{
	return c->tok.type == TK_OP && c->tok.n == strlen(op) && memcmp(c->tok.z, op, c->tok.n) == 0;
}

int retort_done_renames_parse(done_renames *out, const char *text, size_t *bad_at)
{
	sqlcur c;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	*bad_at = 0;
	if (!text)
		return 0;
	retort_sqlcur_init(&c, text);
	while (c.tok.type != TK_EOF && !rc) {
		char *a = NULL, *b = NULL, *to = NULL;
		rc = read_name(&c, &a);
		if (!rc && is_op(&c, ".")) {
			retort_sqlcur_advance(&c);
			rc = read_name(&c, &b);
		}
		if (!rc && !is_op(&c, "->"))
			rc = 1;
		if (!rc) {
			retort_sqlcur_advance(&c);
			rc = read_name(&c, &to);
		}
		if (!rc && c.tok.type == TK_COMMA) {
			retort_sqlcur_advance(&c);
			if (c.tok.type == TK_EOF)
				rc = 1;
		} else if (!rc && c.tok.type != TK_EOF) {
			rc = 1;
		}
		if (!rc && retort_done_renames_push(out, b ? a : NULL, b ? b : a, to) < 0)
			rc = -1;
		free(a);
		free(b);
		free(to);
	}
	if (rc == 1)
		*bad_at = (size_t)(c.tok.z - text);
	if (rc)
		retort_done_renames_release(out);
	return rc;
}

/* A name as the line holds it: quoted, or x'hex' when a comment line
** could not carry it as it is (retort_buf_comment would show it escaped). */
static void put_name(retort_buf *b, const char *name)
{
	retort_buf shown = RETORT_BUF_INIT;
	size_t i, len = strlen(name);

	retort_buf_visible(&shown, name, len, 0);
	if (shown.len == len && memcmp(shown.ptr, name, len) == 0) {
		retort_buf_ident(b, name);
	} else {
		retort_buf_puts(b, "x'");
		for (i = 0; i < len; i++)
			retort_buf_printf(b, "%02x", (unsigned char)name[i]);
		retort_buf_putc(b, '\'');
	}
	b->oom |= retort_buf_oom(&shown);
	retort_buf_release(&shown);
}

void retort_done_renames_format(retort_buf *b, const done_renames *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		if (i)
			retort_buf_puts(b, ", ");
		if (r->v[i].table) {
			put_name(b, r->v[i].table);
			retort_buf_putc(b, '.');
		}
		put_name(b, r->v[i].from);
		retort_buf_puts(b, " -> ");
		put_name(b, r->v[i].to);
	}
}

/* ---- a chain of them ------------------------------------------------------ */

static const done_rename *table_rename_from(const done_renames *rev, const char *name)
{
	size_t i;

	for (i = 0; i < rev->n; i++)
		if (!rev->v[i].table && retort_name_eq(rev->v[i].from, name))
			return &rev->v[i];
	return NULL;
}

/* Does `rev` rename the column `name` of `table` (or, table NULL, the table)? */
static int renames_away(const done_renames *rev, const char *table, const char *name)
{
	size_t i;

	for (i = 0; i < rev->n; i++)
		if (retort_name_eq(rev->v[i].table, table) && retort_name_eq(rev->v[i].from, name))
			return 1;
	return 0;
}

int retort_done_renames_fold(done_renames *acc, const done_renames *rev)
{
	size_t i, kept = 0;
	int rc = 0;

	/* each lookup sees the names before this revision: its renames happen
	** at once (a swap is one) */
	for (i = 0; i < acc->n; i++) {
		done_rename *e = &acc->v[i];
		const done_rename *moved = e->table ? table_rename_from(rev, e->table) : NULL;
		char *t = NULL;
		if (rc == 0 && moved && !(t = retort_xstrdup(moved->to)))
			rc = -1;
		if (t) {
			free(e->table);
			e->table = t;
		}
		if (rc == 0 && renames_away(rev, e->table, e->to)) {
			release_one(e);
			continue;
		}
		acc->v[kept++] = *e;
	}
	acc->n = kept;
	for (i = 0; i < rev->n && rc == 0; i++)
		if (retort_done_renames_push(acc, rev->v[i].table, rev->v[i].from, rev->v[i].to) < 0)
			rc = -1;
	return rc;
}

int retort_done_renames_has(const done_renames *r, const char *table, const char *from,
	const char *to)
{
	size_t i;

	for (i = 0; r && i < r->n; i++)
		if (!r->v[i].table == !table && (!table || retort_name_eq(r->v[i].table, table)) &&
		    retort_name_eq(r->v[i].from, from) && retort_name_eq(r->v[i].to, to))
			return 1;
	return 0;
}
