/*
** sqltok.c: the SQL tokenizer of sqltok.h. It follows SQLite's tokenize.c
** for what delimits a token; it does not need to know keywords.
*/
#include "sqltok.h"
#include "buf.h"
#include "error.h"

#include <ctype.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

static int is_id_char(unsigned char c)
{
	return isalnum(c) || c == '_' || c == '$' || c >= 0x80;
}

static int is_id_start(unsigned char c)
{
	return isalpha(c) || c == '_' || c >= 0x80;
}

/* Length of a quoted run starting at z[0], where `close` doubled escapes
** itself (no escape for [..]); 0 when unterminated. */
static size_t quoted_len(const char *z, char close, int doubles)
{
	size_t i = 1;

	for (;;) {
		if (z[i] == '\0')
			return 0;
		if (z[i] == close) {
			if (doubles && z[i + 1] == close) {
				i += 2;
				continue;
			}
			return i + 1;
		}
		i++;
	}
}

/* Length of the number at z[0] as SQLite reads it, without what may stick to
** it (number_len). */
static size_t numeric_len(const char *z)
{
	size_t i = 0;

	if (z[0] == '0' && (z[1] == 'x' || z[1] == 'X') && isxdigit((unsigned char)z[2])) {
		i = 2;
		while (isxdigit((unsigned char)z[i]))
			i++;
		return i;
	}
	while (isdigit((unsigned char)z[i]))
		i++;
	if (z[i] == '.') {
		i++;
		while (isdigit((unsigned char)z[i]))
			i++;
	}
	if ((z[i] == 'e' || z[i] == 'E') &&
	    (isdigit((unsigned char)z[i + 1]) ||
	     ((z[i + 1] == '+' || z[i + 1] == '-') && isdigit((unsigned char)z[i + 2])))) {
		i += 2;
		while (isdigit((unsigned char)z[i]))
			i++;
	}
	return i;
}

static size_t number_len(const char *z)
{
	size_t i = numeric_len(z);

	while (is_id_char((unsigned char)z[i])) /* 12abc is one (illegal) token in SQLite */
		i++;
	return i;
}

sqltok retort_sqltok_at(const char *z)
{
	sqltok t = { TK_ILLEGAL, z, 1 };
	unsigned char c = (unsigned char)z[0];
	size_t n;

	switch (c) {
	case '\0':
		t.type = TK_EOF;
		t.n = 0;
		return t;
	case ' ': case '\t': case '\n': case '\f': case '\r':
		n = 1;
		while (z[n] && strchr(" \t\n\f\r", z[n]))
			n++;
		t.type = TK_SPACE;
		t.n = n;
		return t;
	case '-':
		if (z[1] == '-') {
			t.type = TK_COMMENT;
			t.n = strcspn(z, "\n");
			return t;
		}
		t.type = TK_OP;
		t.n = z[1] == '>' ? (z[2] == '>' ? 3 : 2) : 1;
		return t;
	case '/':
		if (z[1] == '*') {
			const char *end = strstr(z + 2, "*/");
			t.type = TK_COMMENT;
			t.n = end ? (size_t)(end - z) + 2 : strlen(z);
			return t;
		}
		t.type = TK_OP;
		return t;
	case '(':
		t.type = TK_LP;
		return t;
	case ')':
		t.type = TK_RP;
		return t;
	case ',':
		t.type = TK_COMMA;
		return t;
	case ';':
		t.type = TK_SEMI;
		return t;
	case '\'':
		n = quoted_len(z, '\'', 1);
		t.type = n ? TK_STRING : TK_ILLEGAL;
		t.n = n ? n : strlen(z);
		return t;
	case '"':
	case '`':
		n = quoted_len(z, (char)c, 1);
		t.type = n ? TK_QUOTED : TK_ILLEGAL;
		t.n = n ? n : strlen(z);
		return t;
	case '[':
		n = quoted_len(z, ']', 0);
		t.type = n ? TK_QUOTED : TK_ILLEGAL;
		t.n = n ? n : strlen(z);
		return t;
	case '?': case ':': case '@': case '$':
		n = 1;
		while (is_id_char((unsigned char)z[n]))
			n++;
		t.type = TK_VARIABLE;
		t.n = n;
		return t;
	case '.':
		if (isdigit((unsigned char)z[1])) {
			t.type = TK_NUMBER;
			t.n = number_len(z);
			return t;
		}
		t.type = TK_OP;
		return t;
	case '<': case '>': case '=': case '!': case '|':
		t.type = TK_OP;
		if ((c == '<' && strchr("=>", z[1]) && z[1]) || (c == '>' && z[1] == '=') ||
		    (c == '=' && z[1] == '=') || (c == '!' && z[1] == '=') ||
		    (c == '|' && z[1] == '|') || (c == '<' && z[1] == '<') ||
		    (c == '>' && z[1] == '>'))
			t.n = 2;
		return t;
	default:
		break;
	}
	if ((c == 'x' || c == 'X') && z[1] == '\'') {
		n = quoted_len(z + 1, '\'', 0);
		t.type = n ? TK_BLOB : TK_ILLEGAL;
		t.n = n ? n + 1 : strlen(z);
		return t;
	}
	if (isdigit(c)) {
		t.type = TK_NUMBER;
		t.n = number_len(z);
		return t;
	}
	if (is_id_start(c)) {
		n = 1;
		while (is_id_char((unsigned char)z[n]))
			n++;
		t.type = TK_WORD;
		t.n = n;
		return t;
	}
	t.type = TK_OP;
	return t;
}

void retort_sqlcur_advance(sqlcur *c)
{
	c->prev_end = c->tok.z + c->tok.n;
	for (;;) {
		c->tok = retort_sqltok_at(c->next);
		c->next = c->tok.z + c->tok.n;
		if (c->tok.type != TK_SPACE && c->tok.type != TK_COMMENT)
			return;
	}
}

void retort_sqlcur_init(sqlcur *c, const char *z)
{
	c->next = z;
	c->tok.z = z;
	c->tok.n = 0;
	retort_sqlcur_advance(c);
}

int retort_sqlcur_is(const sqlcur *c, const char *kw)
{
	return c->tok.type == TK_WORD && strlen(kw) == c->tok.n &&
		sqlite3_strnicmp(c->tok.z, kw, (int)c->tok.n) == 0;
}

int retort_sqlcur_accept(sqlcur *c, const char *kw)
{
	if (!retort_sqlcur_is(c, kw))
		return 0;
	retort_sqlcur_advance(c);
	return 1;
}

void retort_sqlcur_skip_group(sqlcur *c)
{
	int depth = 0;

	do {
		if (c->tok.type == TK_LP)
			depth++;
		else if (c->tok.type == TK_RP)
			depth--;
		retort_sqlcur_advance(c);
	} while (depth > 0 && c->tok.type != TK_EOF);
}

int retort_sqltok_is_name(const sqltok *t)
{
	return t->type == TK_WORD || t->type == TK_QUOTED || t->type == TK_STRING;
}

char *retort_sqltok_name(const sqltok *t)
{
	retort_buf b = RETORT_BUF_INIT;
	size_t i;
	char close;

	if (t->type != TK_QUOTED && t->type != TK_STRING)
		return retort_xstrndup(t->z, t->n);
	close = t->z[0] == '[' ? ']' : t->z[0];
	for (i = 1; i + 1 < t->n; i++) {
		retort_buf_putc(&b, t->z[i]);
		if (t->z[i] == close && close != ']')
			i++;
	}
	return retort_buf_detach(&b);
}

char *retort_sql_trimmed(const char *start, const char *end)
{
	while (start < end && isspace((unsigned char)*start))
		start++;
	while (end > start && isspace((unsigned char)end[-1]))
		end--;
	return retort_xstrndup(start, (size_t)(end - start));
}

int retort_sql_name_is_plain(const char *name)
{
	const char *p;

	if (!is_id_start((unsigned char)name[0]) || (unsigned char)name[0] >= 0x80)
		return 0;
	for (p = name; *p; p++)
		if (!(isalnum((unsigned char)*p) || *p == '_'))
			return 0;
	return !sqlite3_keyword_check(name, (int)strlen(name));
}

static void put_upper(retort_buf *b, const char *z, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		retort_buf_putc(b, (char)toupper((unsigned char)z[i]));
}

static int is_ascii_word(const char *s)
{
	const char *p;

	if (!(isalpha((unsigned char)*s) || *s == '_'))
		return 0;
	for (p = s; *p; p++)
		if (!(isalnum((unsigned char)*p) || *p == '_'))
			return 0;
	return 1;
}

/* Append the value of number token `t` as SQLite reads it, when two
** spellings of one value are sure to be read as the same value: an integer
** (decimal or 0x hex) that fits 63 bits, as a decimal; a real of at most 15
** digits and a power of ten SQLite scales by exactly (|e| <= 22), as
** "R<digits>E<exponent>" without leading or trailing zeros, so that 1.50,
** 1.5 and 15e-1 meet while 1 (an integer) and 1.0 (a real) stay apart.
** Anything else keeps its spelling: judged different when spelled
** differently, never the same by mistake. */
static void put_number(retort_buf *b, const sqltok *t)
{
	const char *z = t->z, *end = t->z + t->n;
	char digits[32];
	size_t nd = 0;
	long exp10 = 0;
	int real = 0;

	if (numeric_len(z) != t->n)
		goto raw;
	if (z[0] == '0' && (z[1] == 'x' || z[1] == 'X')) {
		unsigned long long v = 0;
		for (z += 2; z < end && *z == '0'; z++)
			;
		if (end - z > 15)
			goto raw;
		for (; z < end; z++)
			v = v * 16 + (unsigned)(isdigit((unsigned char)*z) ? *z - '0'
				: toupper((unsigned char)*z) - 'A' + 10);
		retort_buf_printf(b, "%llu", v);
		return;
	}
	for (; z < end && (isdigit((unsigned char)*z) || *z == '.'); z++) {
		if (*z == '.') {
			real = 1;
			continue;
		}
		if (nd == 0 && *z == '0') {
			exp10 -= real; /* a leading zero after the point still scales */
			continue;
		}
		if (nd == sizeof(digits) - 1)
			goto raw;
		digits[nd++] = *z;
		exp10 -= real;
	}
	if (z < end) { /* the exponent: e[+-]digits */
		int neg = z[1] == '-';
		long e = 0;
		real = 1;
		for (z += 1 + (z[1] == '+' || z[1] == '-'); z < end; z++) {
			e = e * 10 + (*z - '0');
			if (e > 1000)
				goto raw;
		}
		exp10 += neg ? -e : e;
	}
	if (!real) {
		if (nd > 18)
			goto raw;
		digits[nd] = '\0';
		retort_buf_puts(b, nd ? digits : "0");
		return;
	}
	while (nd && digits[nd - 1] == '0') {
		nd--;
		exp10++;
	}
	if (nd > 15 || (nd && (exp10 > 22 || exp10 < -22)))
		goto raw;
	digits[nd] = '\0';
	retort_buf_printf(b, "R%sE%ld", nd ? digits : "0", nd ? exp10 : 0L);
	return;
raw:
	put_upper(b, t->z, t->n);
}

static int is_dot(const sqltok *t)
{
	return t->type == TK_OP && t->n == 1 && *t->z == '.';
}

/*
** A quoted name. [x] and `x` are always names, and so is "x" beside a '.'
** (NEW."x"); elsewhere SQLite reads "x" as the string 'x' when nothing is
** named x, so there it keeps its spelling and case, unless the caller reads
** it as a name (SQL_CANON_DQ_NAMES) or asks for the loose form. A name is
** upper-cased (SQLite folds ASCII case only, as toupper does in the C
** locale), bare when plain, quoted when it is a keyword or not plain.
*/
static void put_quoted(retort_buf *b, const sqlcur *c, unsigned flags, int dot_before)
{
	char *name = retort_sqltok_name(&c->tok);
	char *p;

	if (!name) {
		b->oom = 1;
		return;
	}
	if (c->tok.z[0] == '"' && !dot_before &&
	    !(flags & (SQL_CANON_DQ_NAMES | SQL_CANON_LOOSE))) {
		sqlcur after = *c;
		retort_sqlcur_advance(&after);
		if (!is_dot(&after.tok)) {
			retort_buf_ident(b, name);
			free(name);
			return;
		}
	}
	for (p = name; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	if (is_ascii_word(name) &&
	    ((flags & SQL_CANON_LOOSE) || !sqlite3_keyword_check(name, (int)strlen(name))))
		retort_buf_puts(b, name);
	else
		retort_buf_ident(b, name);
	free(name);
}

char *retort_sql_canonical(const char *sql, unsigned flags)
{
	retort_buf b = RETORT_BUF_INIT;
	int prev_dot = 0;
	sqlcur c;

	if (!sql)
		return NULL;
	for (retort_sqlcur_init(&c, sql); c.tok.type != TK_EOF; retort_sqlcur_advance(&c)) {
		const sqltok *t = &c.tok;
		int dot = prev_dot;

		prev_dot = is_dot(t);
		if ((flags & SQL_CANON_LOOSE) && (t->type == TK_LP || t->type == TK_RP))
			continue;
		if (b.len)
			retort_buf_putc(&b, ' ');
		if (t->type == TK_WORD) {
			put_upper(&b, t->z, t->n);
		} else if (t->type == TK_QUOTED) {
			put_quoted(&b, &c, flags, dot);
		} else if (t->type == TK_NUMBER) {
			put_number(&b, t);
		} else if (t->type == TK_BLOB) {
			put_upper(&b, t->z, t->n);
		} else if (t->type == TK_OP && t->n == 2 && memcmp(t->z, "==", 2) == 0) {
			retort_buf_putc(&b, '=');
		} else if (t->type == TK_OP && t->n == 2 && memcmp(t->z, "<>", 2) == 0) {
			retort_buf_puts(&b, "!=");
		} else {
			retort_buf_put(&b, t->z, t->n);
		}
	}
	/* A trailing ';' does not change a statement. */
	if (b.len >= 2 && strcmp(b.ptr + b.len - 2, " ;") == 0)
		retort_buf_truncate(&b, b.len - 2);
	else if (b.len == 1 && b.ptr[0] == ';')
		retort_buf_truncate(&b, 0);
	return retort_buf_detach(&b);
}

char *retort_sql_normalize(const char *sql)
{
	return retort_sql_canonical(sql, SQL_CANON_DQ_NAMES);
}

int retort_sql_equal(const char *a, const char *b)
{
	char *na, *nb;
	int eq;

	if (!a || !b)
		return a == b;
	if (strcmp(a, b) == 0)
		return 1;
	na = retort_sql_normalize(a);
	nb = retort_sql_normalize(b);
	eq = na && nb && strcmp(na, nb) == 0;
	free(na);
	free(nb);
	return eq;
}

/* Index of the name in `names` that token `t` stands for, or -1;
** 'strings' count as names only with `strings`. */
static long token_names(const sqltok *t, const char *const *names, size_t n, int strings)
{
	char *name;
	size_t i;
	long hit = -1;

	if (t->type != TK_WORD && t->type != TK_QUOTED && !(strings && t->type == TK_STRING))
		return -1;
	name = retort_sqltok_name(t);
	for (i = 0; name && i < n && hit < 0; i++)
		if (sqlite3_stricmp(name, names[i]) == 0)
			hit = (long)i;
	free(name);
	return hit;
}

char *retort_sql_rename_names(const char *sql, const char *const *from, const char *const *to, size_t n)
{
	retort_buf b = RETORT_BUF_INIT;
	const char *p = sql;
	sqlcur c;

	if (!sql)
		return NULL;
	for (retort_sqlcur_init(&c, sql); c.tok.type != TK_EOF; retort_sqlcur_advance(&c)) {
		long hit = token_names(&c.tok, from, n, 0);
		sqlcur after = c;

		retort_sqlcur_advance(&after);
		/* a bare word before "(" is a function, whatever its name */
		if (hit < 0 || (c.tok.type == TK_WORD && after.tok.type == TK_LP))
			continue;
		retort_buf_put(&b, p, (size_t)(c.tok.z - p));
		retort_buf_ident(&b, to[hit]);
		p = c.tok.z + c.tok.n;
	}
	retort_buf_puts(&b, p);
	return retort_buf_detach(&b);
}

int retort_sql_mentions(const char *sql, const char *const *names, size_t n)
{
	sqlcur c;

	for (retort_sqlcur_init(&c, sql ? sql : ""); c.tok.type != TK_EOF; retort_sqlcur_advance(&c))
		if (token_names(&c.tok, names, n, 1) >= 0)
			return 1;
	return 0;
}

int retort_sql_is_literal(const char *sql, int current_time)
{
	static const char *const words[] = { "NULL", "TRUE", "FALSE", "CURRENT_TIME",
		"CURRENT_DATE", "CURRENT_TIMESTAMP", NULL };
	const char *p = sql;
	const char *const *w;
	sqltok t;

	if (*p == '-' || *p == '+')
		p++;
	t = retort_sqltok_at(p);
	if (retort_sqltok_at(t.z + t.n).type != TK_EOF)
		return 0;
	if (t.type == TK_NUMBER)
		return 1;
	if (p != sql)
		return 0;
	if (t.type == TK_STRING || t.type == TK_BLOB)
		return 1;
	for (w = words; t.type == TK_WORD && *w && (current_time || w - words < 3); w++)
		if (strlen(*w) == t.n && sqlite3_strnicmp(t.z, *w, (int)t.n) == 0)
			return 1;
	return 0;
}

/*
** retort_sql_statement_end(): complete.c's tokens and transitions, kept exactly, so
** that every statement it ends is one that sqlite3_complete() calls complete
** (and no shorter prefix of it is). Its quoting rules are coarser than
** retort_sqltok_at()'s ('it''s' is two strings to it), which only matters to it
** when they change where a ';' is, and they do not.
*/
enum { CK_SEMI, CK_WS, CK_OTHER, CK_EXPLAIN, CK_CREATE, CK_TEMP, CK_TRIGGER, CK_END };

static int complete_word(const char *z, size_t n)
{
	static const struct { const char *word; int token; } words[] = {
		{ "create", CK_CREATE }, { "temp", CK_TEMP }, { "temporary", CK_TEMP },
		{ "trigger", CK_TRIGGER }, { "end", CK_END }, { "explain", CK_EXPLAIN },
	};
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strlen(words[i].word) == n && sqlite3_strnicmp(z, words[i].word, (int)n) == 0)
			return words[i].token;
	return CK_OTHER;
}

const char *retort_sql_statement_end(const char *z)
{
	/* states: 0 nothing yet, 1 at a statement's end, 2 in a statement,
	** 3 after EXPLAIN, 4 after CREATE [TEMP], 5 in a trigger, 6 after a
	** ';' in a trigger, 7 after its ';END' */
	static const unsigned char trans[8][8] = {
		/*  SEMI WS OTHER EXPLAIN CREATE TEMP TRIGGER END */
		{ 1, 0, 2, 3, 4, 2, 2, 2 },
		{ 1, 1, 2, 3, 4, 2, 2, 2 },
		{ 1, 2, 2, 2, 2, 2, 2, 2 },
		{ 1, 3, 3, 2, 4, 2, 2, 2 },
		{ 1, 4, 2, 2, 2, 4, 5, 2 },
		{ 6, 5, 5, 5, 5, 5, 5, 5 },
		{ 6, 6, 5, 5, 5, 5, 5, 7 },
		{ 1, 7, 5, 5, 5, 5, 5, 5 },
	};
	unsigned state = 0;

	for (; *z; z++) {
		int token = CK_OTHER;
		size_t n;

		switch (*z) {
		case ';':
			token = CK_SEMI;
			break;
		case ' ': case '\r': case '\t': case '\n': case '\f':
			token = CK_WS;
			break;
		case '/':
			if (z[1] != '*')
				break;
			if (!(z = strstr(z + 2, "*/")))
				return NULL;
			z++;
			token = CK_WS;
			break;
		case '-':
			if (z[1] != '-')
				break;
			z += strcspn(z, "\n");
			if (!*z)
				return NULL;
			token = CK_WS;
			break;
		case '[':
			if (!(z = strchr(z + 1, ']')))
				return NULL;
			break;
		case '`': case '"': case '\'':
			if (!(z = strchr(z + 1, *z)))
				return NULL;
			break;
		default:
			if (!is_id_char((unsigned char)*z))
				break;
			for (n = 1; is_id_char((unsigned char)z[n]); n++)
				;
			token = complete_word(z, n);
			z += n - 1;
			break;
		}
		state = trans[state][token];
		if (state == 1)
			return z + 1;
	}
	return NULL;
}

/* A comment that ends where it says: a "-- line" or a closed block comment. */
static int comment_is_closed(const sqltok *t)
{
	return t->z[0] == '-' || (t->n >= 4 && memcmp(t->z + t->n - 2, "*/", 2) == 0);
}

const char *retort_sql_piece_fault(const char *sql, int statement)
{
	long depth = 0;
	sqltok t;
	const char *p;

	for (p = sql; (t = retort_sqltok_at(p)).type != TK_EOF; p += t.n) {
		if (t.type == TK_COMMENT && !comment_is_closed(&t))
			return "unterminated comment in SQL";
		if (t.type == TK_ILLEGAL)
			return "unterminated quote in SQL";
		if (t.type == TK_SEMI && !statement)
			return "expected one SQL expression, found ';' in SQL";
		depth += t.type == TK_LP ? 1 : t.type == TK_RP ? -1 : 0;
		if (depth < 0)
			break;
	}
	return depth ? "unbalanced parentheses in SQL" : NULL;
}

/* The next token of a type name over spaces and block comments (SQLite keeps
** those in the type); a "--" comment, which would swallow what follows the
** type on its line, or an unclosed one is TK_ILLEGAL. */
static sqltok type_token(const char **p)
{
	sqltok t;

	for (;;) {
		t = retort_sqltok_at(*p);
		*p += t.n;
		if (t.type == TK_COMMENT && (t.z[0] == '-' || !comment_is_closed(&t)))
			t.type = TK_ILLEGAL;
		if (t.type != TK_SPACE && t.type != TK_COMMENT)
			return t;
	}
}

/* A signed number: what SQLite takes in a type's (N) or (N, M). */
static int type_number(const char **p)
{
	sqltok t = type_token(p);

	if (t.type == TK_OP && t.n == 1 && (*t.z == '+' || *t.z == '-'))
		t = type_token(p);
	return t.type == TK_NUMBER && numeric_len(t.z) == t.n;
}

int retort_sql_is_type_name(const char *type, int *keywords)
{
	const char *p = type;
	sqltok t = type_token(&p);
	int names = 0;

	*keywords = 0;
	for (; t.type == TK_WORD; t = type_token(&p), names++)
		*keywords |= sqlite3_keyword_check(t.z, (int)t.n) != 0;
	if (!names)
		return 0;
	if (t.type == TK_LP) {
		if (!type_number(&p))
			return 0;
		t = type_token(&p);
		if (t.type == TK_COMMA) {
			if (!type_number(&p))
				return 0;
			t = type_token(&p);
		}
		if (t.type != TK_RP)
			return 0;
		t = type_token(&p);
	}
	return t.type == TK_EOF;
}
