/*
** gen_schema.c: random SQLite schemas from a seed (gen_schema.h). Every
** choice is drawn from one splitmix64 stream, so a seed names one schema.
*/
#include "gen_schema.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- memory and strings --------------------------------------------- */

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q) {
		fputs("gen_schema: out of memory\n", stderr);
		abort();
	}
	return q;
}

static char *xstrdup(const char *s)
{
	size_t n;
	char *p;

	if (!s)
		return NULL;
	n = strlen(s) + 1;
	p = xrealloc(NULL, n);
	memcpy(p, s, n);
	return p;
}

/* Append one zeroed item to a dynamic array and point at it. */
#define PUSH(arr, n, cap) \
	((n) == (cap) ? ((cap) = (cap) ? 2 * (cap) : 8, \
		(arr) = xrealloc((arr), (cap) * sizeof(*(arr)))) : (arr), \
	 memset(&(arr)[(n)], 0, sizeof(*(arr))), &(arr)[(n)++])

typedef struct sb {
	char *p;
	size_t len, cap;
} sb;

static void sb_addn(sb *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		while (cap < b->len + n + 1)
			cap *= 2;
		b->p = xrealloc(b->p, cap);
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void sb_add(sb *b, const char *s)
{
	sb_addn(b, s, strlen(s));
}

static void sb_addf(sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void sb_addf(sb *b, const char *fmt, ...)
{
	char small[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		abort();
	if ((size_t)n < sizeof(small)) {
		sb_addn(b, small, (size_t)n);
		return;
	}
	{
		char *big = xrealloc(NULL, (size_t)n + 1);
		va_start(ap, fmt);
		vsnprintf(big, (size_t)n + 1, fmt, ap);
		va_end(ap);
		sb_addn(b, big, (size_t)n);
		free(big);
	}
}

/* Hand over the text (never NULL) and leave the builder empty. */
static char *sb_take(sb *b)
{
	char *p = b->p ? b->p : xstrdup("");

	memset(b, 0, sizeof(*b));
	return p;
}

void gen_strs_push(gen_strs *l, const char *s)
{
	char **slot = PUSH(l->v, l->n, l->cap);

	*slot = xstrdup(s);
}

void gen_strs_release(gen_strs *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static void strs_copy(gen_strs *dst, const gen_strs *src)
{
	size_t i;

	for (i = 0; i < src->n; i++)
		gen_strs_push(dst, src->v[i]);
}

/* SQLite folds ASCII letters only when it matches names. */
static int ascii_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static int name_eq(const char *a, const char *b)
{
	while (*a && ascii_lower((unsigned char)*a) == ascii_lower((unsigned char)*b))
		a++, b++;
	return ascii_lower((unsigned char)*a) == ascii_lower((unsigned char)*b);
}

static int strs_has(const gen_strs *l, const char *s)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (name_eq(l->v[i], s))
			return 1;
	return 0;
}

/* ---- the random stream ------------------------------------------------ */

void gen_rng_seed(gen_rng *r, uint64_t seed)
{
	r->state = seed;
}

uint64_t gen_rng_next(gen_rng *r)
{
	uint64_t z = (r->state += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

uint32_t gen_rng_below(gen_rng *r, uint32_t n)
{
	/* the high bits scaled to [0, n): no modulo bias worth the name */
	return (uint32_t)(((gen_rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

int gen_rng_chance(gen_rng *r, unsigned percent)
{
	return gen_rng_below(r, 100) < percent;
}

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define PICK(r, arr) ((arr)[gen_rng_below((r), (uint32_t)NELEM(arr))])

/* ---- pools ---------------------------------------------------------- */

static const char *const table_pool[] = {
	"user", "pet", "account", "item", "tag", "post", "comment", "author",
	"invoice", "track", "album", "artist", "genre", "customer", "employee",
	"orders", "product", "category", "session", "event", "note", "photo",
	"team", "project", "task",
};

static const char *const column_pool[] = {
	"id", "name", "title", "body", "created_at", "updated_at", "owner_id",
	"price", "qty", "status", "email", "note", "score", "kind", "level",
	"flag", "code", "amount", "rate", "slug", "data", "value", "born", "age",
	"weight", "url", "parent_id", "position", "color", "size", "label",
};

static const char *const view_pool[] = {
	"summary", "report", "active", "recent", "totals", "overview", "listing",
};

static const char *const index_pool[] = {
	"ix", "idx_main", "by_name", "lookup", "uq_key", "ix_recent",
};

static const char *const trigger_pool[] = {
	"trg", "touch", "audit", "guard", "sync", "cascade_log",
};

static const char *const fts_pool[] = {"docs", "search", "fts_posts", "notes_index"};
static const char *const fts_column_pool[] = {"title", "body", "author", "tags", "summary"};

/*
** Names that need quoting, and names that look like something else to YAML
** (booleans, nulls, numbers, flow and block indicators, comments).
*/
static const char *const odd_pool[] = {
	"order", "select", "group", "table", "index", "from", "where", "key",
	"default", "check", "values", "null", "true", "false", "yes", "no",
	"on", "off", "~", "first name", " padded ", "say \"hi\"", "\"quoted\"",
	"o'brien", "it's", "caf\xc3\xa9", "\xe5\x90\x8d\xe5\x89\x8d",
	"\xf0\x9f\x90\x8d snake", "na\xc3\xafve", "\xce\xa9mega", "CamelCase",
	"MiXeD", "1st", "2nd place", "123", "1e3", "0x1F", "-1", "3.14", "a: b",
	"#hash", "- dash", "{brace}", "[bracket]", "&anchor", "*star", "!bang",
	"%percent", "@at", "`tick`", "a.b", "x,y", "?q", "|pipe", ">gt",
	"semi;colon", "back\\slash", "dollar$", "\xc3\x89COLE", "\xc3\xa9""cole",
	"emoji\xf0\x9f\x98\x80", "stra\xc3\x9f""e",
	"a_rather_long_name_that_goes_on_and_on_for_quite_a_while_really",
};

static const char *const sql_keywords[] = {
	"ABORT", "ACTION", "ADD", "AFTER", "ALL", "ALTER", "ALWAYS", "ANALYZE",
	"AND", "AS", "ASC", "ATTACH", "AUTOINCREMENT", "BEFORE", "BEGIN",
	"BETWEEN", "BY", "CASCADE", "CASE", "CAST", "CHECK", "COLLATE", "COLUMN",
	"COMMIT", "CONFLICT", "CONSTRAINT", "CREATE", "CROSS", "CURRENT",
	"CURRENT_DATE", "CURRENT_TIME", "CURRENT_TIMESTAMP", "DATABASE",
	"DEFAULT", "DEFERRABLE", "DEFERRED", "DELETE", "DESC", "DETACH",
	"DISTINCT", "DO", "DROP", "EACH", "ELSE", "END", "ESCAPE", "EXCEPT",
	"EXCLUDE", "EXCLUSIVE", "EXISTS", "EXPLAIN", "FAIL", "FILTER", "FIRST",
	"FOLLOWING", "FOR", "FOREIGN", "FROM", "FULL", "GENERATED", "GLOB",
	"GROUP", "GROUPS", "HAVING", "IF", "IGNORE", "IMMEDIATE", "IN", "INDEX",
	"INDEXED", "INITIALLY", "INNER", "INSERT", "INSTEAD", "INTERSECT",
	"INTO", "IS", "ISNULL", "JOIN", "KEY", "LAST", "LEFT", "LIKE", "LIMIT",
	"MATCH", "MATERIALIZED", "NATURAL", "NO", "NOT", "NOTHING", "NOTNULL",
	"NULL", "NULLS", "OF", "OFFSET", "ON", "OR", "ORDER", "OTHERS", "OUTER",
	"OVER", "PARTITION", "PLAN", "PRAGMA", "PRECEDING", "PRIMARY", "QUERY",
	"RAISE", "RANGE", "RECURSIVE", "REFERENCES", "REGEXP", "REINDEX",
	"RELEASE", "RENAME", "REPLACE", "RESTRICT", "RETURNING", "RIGHT",
	"ROLLBACK", "ROW", "ROWS", "SAVEPOINT", "SELECT", "SET", "TABLE", "TEMP",
	"TEMPORARY", "THEN", "TIES", "TO", "TRANSACTION", "TRIGGER", "UNBOUNDED",
	"UNION", "UNIQUE", "UPDATE", "USING", "VACUUM", "VALUES", "VIEW",
	"VIRTUAL", "WHEN", "WHERE", "WINDOW", "WITH", "WITHOUT",
	/* not keywords, but they mean something else when bare */
	"TRUE", "FALSE", "ROWID", "OID", "_ROWID_",
};

static const char *const types_loose[] = {
	"INTEGER", "INT", "TEXT", "VARCHAR(20)", "NUMERIC(10,2)", "BLOB", "REAL",
	"integer", "Text", "varchar(255)", "DATE", "DATETIME", "BOOLEAN",
	"DOUBLE PRECISION", "UNSIGNED BIG INT", "NVARCHAR(100)", "DECIMAL(8, 3)",
	"ANY", "float", "CHARACTER VARYING(30)", "TIMESTAMP", "Json",
};

/* STRICT tables accept only these (in any case). */
static const char *const types_strict[] = {
	"INT", "INTEGER", "REAL", "TEXT", "BLOB", "ANY", "integer", "Text",
	"int", "any", "real", "blob",
};

/* Defaults by the kind of value a STRICT column of that type would take. */
static const char *const dflt_int[] = {
	"0", "1", "42", "-1", "-273", "1000000000000", "0x1F", "+7", "(1+2)",
	"(-1)", "TRUE", "FALSE", "true",
};
static const char *const dflt_real[] = {
	"3.14", "-0.5", "1e3", "0.0", "2.50", "(0.5 * 4)", "-1",
};
static const char *const dflt_text[] = {
	"'x'", "''", "'it''s'", "'say \"hi\"'", "'0'", "'true'", "'null'",
	"'a: b'", "'# not a comment'", "'\xe5\x90\x8d\xe5\x89\x8d'",
	"'\xf0\x9f\x90\x8d'", "'line1\nline2'", "'  padded  '", "'-'", "'yes'",
	"'~'", "''''", "CURRENT_TIMESTAMP", "CURRENT_DATE", "CURRENT_TIME",
	"(datetime('now'))", "(lower('ABC'))", "'{\"a\": [1]}'", "'tab\there'",
	"'back\\slash'", "'*'", "'&x'", "'[1, 2]'",
};
static const char *const dflt_blob[] = {"x'00ff'", "X'DEADBEEF'", "x''"};
static const char *const dflt_any[] = {"NULL", "null"};

static const char *const collations[] = {"NOCASE", "RTRIM", "BINARY", "nocase"};

static const char *const fk_actions[] = {
	"CASCADE", "SET NULL", "SET DEFAULT", "RESTRICT", "NO ACTION",
};

static const char *const deferrables[] = {
	"DEFERRABLE INITIALLY DEFERRED", "DEFERRABLE INITIALLY DEFERRED",
	"DEFERRABLE INITIALLY IMMEDIATE", "NOT DEFERRABLE", "DEFERRABLE",
};

static const char *const comment_pool[] = {
	"/* note */", "/* it's ) tricky ( \" */", "-- a line comment, with 'quotes'\n",
	"-- ) (\n", "/**/", "/* multi\n   line */",
};

/* ---- identifiers and literals -------------------------------------- */

static int is_keyword(const char *n)
{
	size_t i;

	for (i = 0; i < NELEM(sql_keywords); i++)
		if (name_eq(sql_keywords[i], n))
			return 1;
	return 0;
}

static int is_bare_ok(const char *n)
{
	const char *p = n;

	if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_'))
		return 0;
	for (p++; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_'))
			return 0;
	return !is_keyword(n);
}

/* Write `n` as "n" (doubling quotes), [n], `n` or bare. */
static void put_ident_style(sb *b, const char *n, int style)
{
	const char *p;

	if (style == 1 && !strchr(n, ']')) {
		sb_add(b, "[");
		sb_add(b, n);
		sb_add(b, "]");
		return;
	}
	if (style == 2) {
		sb_add(b, "`");
		for (p = n; *p; p++)
			sb_addn(b, p, *p == '`' ? 0 : 1), (*p == '`' ? sb_add(b, "``") : (void)0);
		sb_add(b, "`");
		return;
	}
	if (style == 3 && is_bare_ok(n)) {
		sb_add(b, n);
		return;
	}
	sb_add(b, "\"");
	for (p = n; *p; p++) {
		if (*p == '"')
			sb_add(b, "\"\"");
		else
			sb_addn(b, p, 1);
	}
	sb_add(b, "\"");
}

/* Mostly "double quotes"; with `quoting`, sometimes the other styles. */
static void put_ident(gen_rng *r, int quoting, sb *b, const char *n)
{
	int style = 0;

	if (quoting) {
		uint32_t x = gen_rng_below(r, 10);
		style = x < 7 ? 0 : (int)x - 6;
	}
	put_ident_style(b, n, style);
}

static void put_str(sb *b, const char *s)
{
	sb_add(b, "'");
	for (; *s; s++) {
		if (*s == '\'')
			sb_add(b, "''");
		else
			sb_addn(b, s, 1);
	}
	sb_add(b, "'");
}

/* ---- generation context -------------------------------------------- */

typedef struct gen_ctx {
	gen_rng r;
	gen_options opt;
	gen_schema *s;
	gen_strs objects;  /* every object name taken, and reserved ones */
} gen_ctx;

static int chance(gen_ctx *g, unsigned percent)
{
	return gen_rng_chance(&g->r, percent);
}

static uint32_t below(gen_ctx *g, uint32_t n)
{
	return gen_rng_below(&g->r, n);
}

static void ident(gen_ctx *g, sb *b, const char *n)
{
	put_ident(&g->r, g->opt.quoting, b, n);
}

/* "prefix.name", the prefix (NEW, OLD or a quoted table) as given. */
static void colref(gen_ctx *g, sb *b, const char *prefix, const char *n)
{
	if (prefix) {
		sb_add(b, prefix);
		sb_add(b, ".");
	}
	ident(g, b, n);
}

static void maybe_comment(gen_ctx *g, sb *b)
{
	if (g->opt.comments && chance(g, 4)) {
		sb_add(b, " ");
		sb_add(b, PICK(&g->r, comment_pool));
		sb_add(b, " ");
	}
}

/* Free in `scope`, and not in the sqlite_ namespace SQLite reserves. */
static int name_free(const gen_strs *scope, const char *n)
{
	size_t i;

	for (i = 0; i < 7 && n[i]; i++)
		if (ascii_lower((unsigned char)n[i]) != "sqlite_"[i])
			break;
	return i < 7 && !strs_has(scope, n);
}

/*
** A name not yet in `scope` (compared as SQLite does), from `plain` or, with
** the odd_names chance, from the odd pool; a suffix makes it unique.
*/
static char *new_name(gen_ctx *g, const char *const *plain, size_t nplain,
	gen_strs *scope, int allow_odd)
{
	const char *base = allow_odd && chance(g, g->opt.odd_names) ?
		PICK(&g->r, odd_pool) : plain[below(g, (uint32_t)nplain)];
	sb b = {0};
	int k;

	for (k = 1;; k++) {
		b.len = 0;
		sb_add(&b, base);
		if (k > 1)
			sb_addf(&b, "_%d", k);
		if (name_free(scope, b.p))
			break;
	}
	gen_strs_push(scope, b.p);
	return sb_take(&b);
}

#define NEW_NAME(g, pool, scope) new_name((g), (pool), NELEM(pool), (scope), 1)

/* ---- tables ---------------------------------------------------------- */

static int is_regular(const gen_table *t)
{
	return t->virtual_using == NULL;
}

static gen_column *find_col(gen_table *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->ncols; i++)
		if (name_eq(t->cols[i].name, name))
			return &t->cols[i];
	return NULL;
}

/* The primary key's columns, in key order (either level). */
static void table_pk(const gen_table *t, gen_strs *out)
{
	size_t i;

	if (t->pk.n) {
		strs_copy(out, &t->pk);
		return;
	}
	for (i = 0; i < t->ncols; i++)
		if (t->cols[i].pk)
			gen_strs_push(out, t->cols[i].name);
}

/* A key set as text, so that UNIQUE(a, b) and UNIQUE(b, a) compare equal:
** SQLite would fold a duplicate key set into one index. */
static char *keyset(const char *const *names, size_t n)
{
	const char *sorted[8];
	size_t i, j;
	sb b = {0};

	for (i = 0; i < n && i < 8; i++) {
		const char *x = names[i];
		for (j = i; j > 0 && strcmp(sorted[j - 1], x) > 0; j--)
			sorted[j] = sorted[j - 1];
		sorted[j] = x;
	}
	for (i = 0; i < n && i < 8; i++) {
		const char *p;
		for (p = sorted[i]; *p; p++) {
			char c = (char)ascii_lower((unsigned char)*p);
			sb_addn(&b, &c, 1);
		}
		sb_add(&b, "\x1f");
	}
	return sb_take(&b);
}

static int keyset_take(gen_strs *keys, const char *const *names, size_t n)
{
	char *k = keyset(names, n);
	int fresh = !strs_has(keys, k);

	if (fresh)
		gen_strs_push(keys, k);
	free(k);
	return fresh;
}

static const char *pick_type(gen_ctx *g, int strict)
{
	if (strict)
		return PICK(&g->r, types_strict);
	if (chance(g, 15))
		return NULL;
	return PICK(&g->r, types_loose);
}

/* A default that a column of this type can take (STRICT checks on insert). */
static const char *pick_default(gen_ctx *g, const gen_column *c, int strict)
{
	char k = c->type ? (char)ascii_lower((unsigned char)c->type[0]) : 'a';

	if (!strict || k == 'a') {
		switch (below(g, 5)) {
		case 0: return PICK(&g->r, dflt_int);
		case 1: return PICK(&g->r, dflt_real);
		case 2: return PICK(&g->r, dflt_blob);
		case 3: return PICK(&g->r, dflt_any);
		default: return PICK(&g->r, dflt_text);
		}
	}
	if (chance(g, 10))
		return PICK(&g->r, dflt_any);
	switch (k) {
	case 'i': return PICK(&g->r, dflt_int);
	case 'r': return PICK(&g->r, dflt_real);
	case 'b': return PICK(&g->r, dflt_blob);
	default: return PICK(&g->r, dflt_text);
	}
}

/*
** A boolean expression over `cols` (names), each reference prefixed with
** `prefix` when not NULL. Deterministic and free of subqueries, so it also
** serves partial-index conditions.
*/
static void bool_expr(gen_ctx *g, sb *b, const gen_strs *cols, const char *prefix, int depth)
{
	const char *c = cols->v[below(g, (uint32_t)cols->n)];
	const char *d = cols->v[below(g, (uint32_t)cols->n)];

	switch (below(g, depth < 2 ? 18 : 16)) {
	case 0: colref(g, b, prefix, c); sb_add(b, " IS NOT NULL"); break;
	case 1: colref(g, b, prefix, c); sb_addf(b, " > %d", (int)below(g, 100) - 50); break;
	case 2: colref(g, b, prefix, c); sb_addf(b, " >= -%u", (unsigned)below(g, 9)); break;
	case 3: colref(g, b, prefix, c); sb_add(b, " <> 'x'"); break;
	case 4:
		sb_add(b, "length(");
		colref(g, b, prefix, c);
		sb_addf(b, ") <= %u", 1 + (unsigned)below(g, 100));
		break;
	case 5: colref(g, b, prefix, c); sb_add(b, " IN ('a', 'b', 'it''s')"); break;
	case 6: colref(g, b, prefix, c); sb_add(b, " BETWEEN 0 AND 100"); break;
	case 7:
		sb_add(b, "typeof(");
		colref(g, b, prefix, c);
		sb_add(b, ") IN ('integer', 'null')");
		break;
	case 8: colref(g, b, prefix, c); sb_add(b, " GLOB '[a-z]*'"); break;
	case 9: colref(g, b, prefix, c); sb_add(b, " LIKE 'x%'"); break;
	case 10: colref(g, b, prefix, c); sb_add(b, " <> ')('"); break;
	case 11:
		sb_add(b, "CASE WHEN ");
		colref(g, b, prefix, c);
		sb_add(b, " IS NULL THEN 1 ELSE ");
		colref(g, b, prefix, c);
		sb_add(b, " > 0 END");
		break;
	case 12: colref(g, b, prefix, d); sb_add(b, " < "); colref(g, b, prefix, c); break;
	case 13:
		sb_add(b, "abs(");
		colref(g, b, prefix, c);
		sb_add(b, ") < 1000");
		break;
	case 14: colref(g, b, prefix, c); sb_add(b, " NOT IN (1, 2)"); break;
	case 15:
		sb_add(b, "coalesce(");
		colref(g, b, prefix, c);
		sb_add(b, ", 0) >= 0");
		break;
	case 16:
		sb_add(b, "(");
		bool_expr(g, b, cols, prefix, depth + 1);
		sb_add(b, ") OR (");
		bool_expr(g, b, cols, prefix, depth + 1);
		sb_add(b, ")");
		break;
	default:
		bool_expr(g, b, cols, prefix, depth + 1);
		sb_add(b, " AND ");
		bool_expr(g, b, cols, prefix, depth + 1);
		break;
	}
	maybe_comment(g, b);
}

static char *bool_expr_str(gen_ctx *g, const gen_strs *cols, const char *prefix)
{
	sb b = {0};

	bool_expr(g, &b, cols, prefix, 0);
	return sb_take(&b);
}

static void column_names(const gen_table *t, gen_strs *out, int skip_generated)
{
	size_t i;

	for (i = 0; i < t->ncols; i++)
		if (!skip_generated || t->cols[i].generated == GEN_GENERATED_NONE)
			gen_strs_push(out, t->cols[i].name);
}

/* A deterministic value over the table's stored columns, for a generated
** column; a constant when there is no other column. */
static char *value_expr(gen_ctx *g, const gen_table *t, size_t self)
{
	gen_strs cols = {0};
	const char *c;
	sb b = {0};
	size_t i;

	for (i = 0; i < t->ncols; i++)
		if (i != self && t->cols[i].generated == GEN_GENERATED_NONE)
			gen_strs_push(&cols, t->cols[i].name);
	if (!cols.n) {
		sb_add(&b, chance(g, 50) ? "'const'" : "42");
		return sb_take(&b);
	}
	c = cols.v[below(g, (uint32_t)cols.n)];
	switch (below(g, 10)) {
	case 0: ident(g, &b, c); sb_add(&b, " * 2"); break;
	case 1: sb_add(&b, "upper("); ident(g, &b, c); sb_add(&b, ")"); break;
	case 2: sb_add(&b, "coalesce("); ident(g, &b, c); sb_add(&b, ", 0) + 1"); break;
	case 3: sb_add(&b, "length("); ident(g, &b, c); sb_add(&b, ")"); break;
	case 4: ident(g, &b, c); sb_add(&b, " || '-x'"); break;
	case 5: sb_add(&b, "substr("); ident(g, &b, c); sb_add(&b, ", 1, 3)"); break;
	case 6: sb_add(&b, "abs("); ident(g, &b, c); sb_add(&b, ")"); break;
	case 7: sb_add(&b, "typeof("); ident(g, &b, c); sb_add(&b, ")"); break;
	case 8:
		sb_add(&b, "CASE WHEN ");
		ident(g, &b, c);
		sb_add(&b, " IS NULL THEN 0 ELSE 1 END");
		break;
	default:
		ident(g, &b, c);
		sb_add(&b, " + ");
		ident(g, &b, cols.v[below(g, (uint32_t)cols.n)]);
		break;
	}
	maybe_comment(g, &b);
	gen_strs_release(&cols);
	return sb_take(&b);
}

static char *maybe_constraint_name(gen_ctx *g, unsigned percent)
{
	static const char *const pool[] = {"ck", "uq", "fk", "pk", "cons"};

	return chance(g, percent) ? NEW_NAME(g, pool, &g->objects) : NULL;
}

/* Columns, keys, defaults, uniques and checks of one regular table; foreign
** keys come later, when every table exists. */
static void gen_regular_table(gen_ctx *g, gen_table *t)
{
	gen_strs scope = {0}, keys = {0}, all = {0};
	size_t ncols, i, ngen = 0;
	uint32_t pkmode;

	t->name = NEW_NAME(g, table_pool, &g->objects);
	t->strict = chance(g, 15);
	t->without_rowid = chance(g, 15);
	t->if_not_exists = chance(g, 5);
	/* these three shadow the rowid, which the reader handles but which no
	** real schema does on purpose */
	gen_strs_push(&scope, "rowid");
	gen_strs_push(&scope, "oid");
	gen_strs_push(&scope, "_rowid_");

	ncols = 1 + below(g, g->opt.max_columns ? g->opt.max_columns : 1);
	for (i = 0; i < ncols; i++) {
		gen_column *c = PUSH(t->cols, t->ncols, t->capcols);
		c->name = NEW_NAME(g, column_pool, &scope);
		c->type = xstrdup(pick_type(g, t->strict));
	}

	/* the primary key: none, column-level or table-level */
	pkmode = t->without_rowid ? 20 + below(g, 80) : below(g, 100);
	if (pkmode >= 20 && pkmode < 60) {
		gen_column *c = &t->cols[below(g, (uint32_t)ncols)];
		c->pk = c->in_key = 1;
		if (!t->without_rowid && chance(g, 45)) {
			free(c->type);
			c->type = xstrdup(chance(g, 80) ? "INTEGER" : "integer");
			c->autoincrement = chance(g, 40);
		}
		if (g->opt.named_pk && chance(g, 20))
			t->pk_name = maybe_constraint_name(g, 100);
	} else if (pkmode >= 60) {
		size_t k = 1 + below(g, ncols < 3 ? (uint32_t)ncols : 3);
		while (t->pk.n < k) {
			gen_column *c = &t->cols[below(g, (uint32_t)ncols)];
			if (c->in_key)
				continue;
			c->in_key = 1;
			gen_strs_push(&t->pk, c->name);
		}
		if (g->opt.named_pk && chance(g, 25))
			t->pk_name = maybe_constraint_name(g, 100);
	}
	{
		gen_strs pk = {0};
		table_pk(t, &pk);
		if (pk.n)
			keyset_take(&keys, (const char *const *)pk.v, pk.n);
		gen_strs_release(&pk);
	}

	/* generated columns: never in the key, and one stored column stays */
	for (i = 0; i < ncols; i++) {
		gen_column *c = &t->cols[i];
		if (c->in_key || ngen + 1 >= ncols || !chance(g, 12))
			continue;
		c->generated = chance(g, 50) ? GEN_GENERATED_STORED : GEN_GENERATED_VIRTUAL;
		c->short_generated = chance(g, 25);
		ngen++;
	}
	for (i = 0; i < ncols; i++)
		if (t->cols[i].generated)
			t->cols[i].gen_expr = value_expr(g, t, i);

	column_names(t, &all, 0);
	for (i = 0; i < ncols; i++) {
		gen_column *c = &t->cols[i];
		if (!c->generated && !c->autoincrement && chance(g, 30))
			c->default_sql = xstrdup(pick_default(g, c, t->strict));
		/* NOT NULL with DEFAULT NULL is legal but useless; leave it out */
		if (chance(g, 30) && !(c->default_sql && name_eq(c->default_sql, "NULL")))
			c->notnull = 1;
		if (chance(g, 12))
			c->collate = xstrdup(PICK(&g->r, collations));
		if (!c->pk && chance(g, 10)) {
			const char *one[1];
			one[0] = c->name;
			if (keyset_take(&keys, one, 1)) {
				c->unique = 1;
				c->unique_name = maybe_constraint_name(g, 30);
			}
		}
		if (chance(g, 12)) {
			gen_strs self = {0};
			/* mostly about the column itself, sometimes about others */
			if (chance(g, 70))
				gen_strs_push(&self, c->name);
			else
				strs_copy(&self, &all);
			c->check = bool_expr_str(g, &self, NULL);
			c->check_name = maybe_constraint_name(g, 30);
			gen_strs_release(&self);
		}
	}

	/* table-level UNIQUE and CHECK constraints */
	while (chance(g, 25) && t->nuniques < 3) {
		size_t k = 1 + below(g, ncols < 3 ? (uint32_t)ncols : 3), tries = 0;
		gen_strs cols = {0};
		while (cols.n < k && tries++ < 20) {
			const char *n = t->cols[below(g, (uint32_t)ncols)].name;
			if (!strs_has(&cols, n))
				gen_strs_push(&cols, n);
		}
		if (keyset_take(&keys, (const char *const *)cols.v, cols.n)) {
			gen_unique *u = PUSH(t->uniques, t->nuniques, t->capuniques);
			u->name = maybe_constraint_name(g, 40);
			u->columns = cols;
		} else {
			gen_strs_release(&cols);
		}
	}
	while (chance(g, 25) && t->nchecks < 3) {
		gen_check *ck = PUSH(t->checks, t->nchecks, t->capchecks);
		ck->name = maybe_constraint_name(g, 40);
		ck->expr = bool_expr_str(g, &all, NULL);
	}
	gen_strs_release(&scope);
	gen_strs_release(&keys);
	gen_strs_release(&all);
}

